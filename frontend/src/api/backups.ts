import { useQuery, useQueryClient } from "@tanstack/react-query";
import * as Backups from "@wails/go/app/Backups";
import { call, useAppMutation } from "./client";

export const useBackups = () => useQuery({ queryKey: ["backups"], queryFn: () => call(Backups.List()) });

export const useBackUp = () =>
  useAppMutation(() => Backups.BackUp(), {
    invalidate: () => [["backups"]],
    success: (r) => (r.cancelled ? undefined : `Database backed up to ${r.path}.`),
  });

/** useRestore replaces the live database; everything on screen is stale after. */
export function useRestore() {
  const qc = useQueryClient();
  return useAppMutation(() => Backups.Restore(), {
    success: (r) => {
      if (r.cancelled) return undefined;
      qc.invalidateQueries();
      return `Restored ${r.restored}. The previous database was kept as ${r.keptAt}.`;
    },
  });
}
