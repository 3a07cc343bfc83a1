import { useQuery, useQueryClient } from "@tanstack/react-query";
import * as Backups from "@wails/go/app/Backups";
import * as System from "@wails/go/app/System";
import type { app } from "@wails/go/models";
import { call, keys, useAppMutation } from "./client";

export const useBackups = (enabled = true) => useQuery({ queryKey: keys.backups, queryFn: () => call(Backups.List()), enabled });

export const useBackUp = () =>
  useAppMutation(() => Backups.BackUp(), {
    invalidate: () => [keys.backups],
    success: (r) => (r.cancelled ? undefined : `Database backed up to ${r.path}.`),
  });

/** restoredMessage says what a restore did, and what it left out. */
export function restoredMessage(r: app.RestoreResult): string {
  const name = r.restored.split(/[\\/]/).pop();
  const kept = r.keptAt ? ` The previous database was kept as ${r.keptAt}.` : "";
  const left = r.leftOut.length ? ` Left out what Shipdeck did not create: ${r.leftOut.join(", ")}.` : "";
  return `Restored ${name}.${kept}${left}`;
}

/** useRestore replaces the live database with a file the operator picks;
 * everything on screen is stale after. */
export function useRestore() {
  const qc = useQueryClient();
  return useAppMutation(() => Backups.Restore(), {
    success: (r) => {
      if (r.cancelled) return undefined;
      void qc.invalidateQueries();
      return restoredMessage(r);
    },
  });
}

/** useRestoreFile restores one of the listed backups (Settings). */
export function useRestoreFile() {
  const qc = useQueryClient();
  return useAppMutation((path: string) => Backups.RestoreFile(path), {
    success: (r) => {
      void qc.invalidateQueries();
      return restoredMessage(r);
    },
  });
}

/** useRestoreAtStart puts a listed backup in place of a database that would
 * not open, and opens it (the start-up error page). */
export function useRestoreAtStart() {
  const qc = useQueryClient();
  return useAppMutation((path: string) => Backups.RestoreAtStart(path), {
    success: (r) => {
      void qc.invalidateQueries();
      return restoredMessage(r);
    },
    invalidateOnError: () => [keys.status],
  });
}

/** useRetryOpen tries to open the database again after a start-up failure. */
export function useRetryOpen() {
  const qc = useQueryClient();
  return useAppMutation(() => System.RetryOpen(), {
    success: (st) => {
      if (st.ready) void qc.invalidateQueries();
      else qc.setQueryData(keys.status, st);
      return st.ready ? "The database is open." : undefined;
    },
  });
}
