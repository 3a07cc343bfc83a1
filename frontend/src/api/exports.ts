import { toast } from "sonner";
import * as Exports from "@wails/go/app/Exports";
import type { app } from "@wails/go/models";
import { call, keys, useAppMutation } from "./client";
import { formatBytes } from "@/lib/format";

/** openExported opens a file this session exported, with the OS's app. */
export const openExported = (path: string) => call(Exports.Open(path)).catch((e) => toast.error(e.message));

function exported(r: app.ExportResult, what: string) {
  if (r.cancelled) return;
  toast.success(`${what} saved: ${r.path} (${formatBytes(r.bytes)}).`, { duration: 10_000, action: { label: "Open", onClick: () => void openExported(r.path) } });
}

/** useExportReport asks where to save, then writes the report. */
export const useExportReport = () =>
  useAppMutation((v: app.ExportInput) => Exports.ExportReport(v), { success: (r) => exported(r, "Report") });

export const cancelExport = () => call(Exports.CancelExport());

/** useExportRunbook saves a release's templates as a runbook file. */
export const useExportRunbook = () =>
  useAppMutation((releaseId: number) => Exports.ExportRunbook(releaseId), { success: (r) => exported(r, "Runbook") });

/** useImportRunbook puts a runbook file's steps into a draft. */
export const useImportRunbook = (releaseId: number) =>
  useAppMutation((replace: boolean) => Exports.ImportRunbook({ releaseId, replace }), {
    invalidate: () => [keys.release(releaseId), keys.releases],
    success: (r) =>
      r.cancelled || r.problems.length > 0
        ? undefined
        : `${r.added} step${r.added === 1 ? "" : "s"} imported${r.removed ? `, ${r.removed} replaced` : ""}.`,
  });

/** openRunbook reads a runbook file for the wizard. */
export const openRunbook = () => call(Exports.OpenRunbook());
