import { AlertTriangle, ArchiveRestore, FileText, FolderOpen, RefreshCw } from "lucide-react";
import type { app } from "@wails/go/models";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/misc";
import { useBackups, useRestoreAtStart, useRetryOpen } from "@/api/backups";
import { openDataDir, openLog, useUseThisComputer } from "@/api/system";
import { formatBytes, formatDateTime } from "@/lib/format";

/** Headlines per start-up failure (app.Status.startupErrorCode; the
 * sentence under it comes from Go and is true for the cause). */
const headlines: Record<string, string> = {
  damaged: "The database file is damaged",
  not_shipdeck: "This is not a Shipdeck database",
  foreign_objects: "The database holds things Shipdeck did not make",
  newer_schema: "A newer Shipdeck wrote this database",
  busy: "Another program is using the database",
  locked: "Shipdeck is already running",
  disk_full: "The disk is full",
  disk_error: "The disk could not be read",
  not_writable: "Shipdeck cannot write its data folder",
  read_only_upgrade: "The database needs an upgrade Shipdeck cannot write",
  data_dir: "Shipdeck cannot use its data folder",
  database_is_folder: "shipdeck.db is a folder",
  team: "The team database cannot be reached",
};

/** Failures a backup mends (app.Restorable). */
const restorable = new Set(["damaged", "not_shipdeck", "foreign_objects"]);
/** Failures that may pass by themselves: another program lets go, space is freed. */
const retryable = new Set(["busy", "locked", "disk_full", "disk_error", "not_writable", "data_dir", "internal", "team"]);

/** StartupErrorPage is what the window shows when the database did not
 * open: what happened in plain words, and the ways out — restore the
 * newest good backup (each listed backup passed the same check a restore
 * makes), try again, or look at the folder and the log. */
export function StartupErrorPage({ status }: { status: app.Status }) {
  const code = status.startupErrorCode;
  const canRestore = restorable.has(code);
  const backups = useBackups(canRestore);
  const restore = useRestoreAtStart();
  const retry = useRetryOpen();
  const local = useUseThisComputer();
  const list = backups.data ?? [];
  const newest = list[0];
  return (
    <div className="flex h-full items-center justify-center overflow-auto p-8" data-testid="startup-error">
      <div className="w-full max-w-xl rounded-xl border border-border bg-card p-6 shadow-sm">
        <div className="flex items-center gap-2 text-destructive">
          <AlertTriangle className="size-5 shrink-0" aria-hidden />
          <h1 className="text-base font-semibold">{headlines[code] ?? "Shipdeck could not open its database"}</h1>
        </div>
        <p className="mt-3 text-[13px]" data-selectable>{status.error}</p>
        <p className="mt-2 text-xs text-muted-foreground">
          Data folder: <span className="break-all font-mono" data-selectable>{status.dataDir}</span>
        </p>

        {canRestore && (
          <section className="mt-5 grid gap-3 border-t border-border pt-4" aria-label="Restore from a backup">
            {backups.isLoading ? (
              <Skeleton className="h-16" />
            ) : newest ? (
              <>
                <div className="rounded-lg border border-primary/30 bg-accent/50 p-3">
                  <div className="text-[13px] font-medium">Restore the newest good backup</div>
                  <div className="mt-0.5 text-xs text-muted-foreground">
                    <span className="font-mono">{newest.name}</span> · {formatDateTime(newest.modTime)} · {formatBytes(newest.bytes)}. The file that would not open is kept beside it, untouched.
                  </div>
                  <Button className="mt-3" onClick={() => restore.mutate(newest.path)} disabled={restore.isPending}>
                    <ArchiveRestore /> {restore.isPending ? "Restoring…" : "Restore this backup"}
                  </Button>
                </div>
                {list.length > 1 && (
                  <details className="text-[13px]">
                    <summary className="cursor-pointer text-muted-foreground">Other backups ({list.length - 1})</summary>
                    <ul className="mt-2 grid max-h-56 gap-1 overflow-auto">
                      {list.slice(1).map((b) => (
                        <li key={b.path} className="flex items-center justify-between gap-3 rounded-md px-2 py-1 hover:bg-muted">
                          <span className="min-w-0 truncate font-mono text-xs" title={b.path}>{b.name}</span>
                          <span className="shrink-0 text-xs tabular-nums text-muted-foreground">{formatDateTime(b.modTime)} · {formatBytes(b.bytes)}</span>
                          <Button size="sm" variant="outline" onClick={() => restore.mutate(b.path)} disabled={restore.isPending}>Restore</Button>
                        </li>
                      ))}
                    </ul>
                  </details>
                )}
              </>
            ) : (
              <p className="text-[13px] text-muted-foreground">
                No backup in <span className="font-mono">{status.dataDir}/backups</span> passed the check, so there is none to restore. The log may say more.
              </p>
            )}
          </section>
        )}

        <div className="mt-5 flex flex-wrap gap-2 border-t border-border pt-4">
          {retryable.has(code) && (
            <Button variant={canRestore ? "outline" : "default"} onClick={() => retry.mutate(undefined)} disabled={retry.isPending}>
              <RefreshCw /> Try again
            </Button>
          )}
          {code === "team" && !status.teamFromCommandLine && (
            <Button variant="outline" onClick={() => local.mutate(undefined)} disabled={local.isPending}>Use this computer's workspace</Button>
          )}
          <Button variant="outline" onClick={() => void openDataDir()}><FolderOpen /> Open the data folder</Button>
          <Button variant="outline" onClick={() => void openLog()}><FileText /> Open the log</Button>
        </div>
      </div>
    </div>
  );
}
