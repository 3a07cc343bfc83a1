import { useEffect, useState } from "react";
import { AlertTriangle, ArchiveRestore, DatabaseBackup } from "lucide-react";
import type { backup } from "@wails/go/models";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { useBackUp, useBackups, useRestore, useRestoreFile } from "@/api/backups";
import { useStatus } from "@/api/system";
import { formatBytes, formatDateTime } from "@/lib/format";
import { EventsOn } from "@wails/runtime/runtime";

/** BackupActions answers the File menu's backup items wherever the operator is. */
export function BackupActions() {
  const backUp = useBackUp();
  const [restoring, setRestoring] = useState(false);
  useEffect(() => {
    try {
      const off1 = EventsOn("menu:backup", () => backUp.mutate(undefined));
      const off2 = EventsOn("menu:restore", () => setRestoring(true));
      return () => {
        off1();
        off2();
      };
    } catch {
      return undefined; // no Wails runtime (unit tests)
    }
  }, []); // eslint-disable-line react-hooks/exhaustive-deps
  return <RestoreConfirm open={restoring} onOpenChange={setRestoring} />;
}

function RestoreConfirm({ open, onOpenChange }: { open: boolean; onOpenChange: (o: boolean) => void }) {
  const restore = useRestore();
  return (
    <ConfirmDialog
      open={open}
      onOpenChange={onOpenChange}
      title="Restore from a backup?"
      description="Choose a backup file next. Shipdeck checks it first; then it replaces the current database, which is kept in the backups folder so nothing is lost."
      confirmLabel="Choose backup…"
      busy={restore.isPending}
      onConfirm={() => restore.mutate(undefined, { onSettled: () => onOpenChange(false) })}
    />
  );
}

export function BackupPanel() {
  const backups = useBackups();
  const backUp = useBackUp();
  const status = useStatus();
  const restoreFile = useRestoreFile();
  const [restoring, setRestoring] = useState(false);
  const [pick, setPick] = useState<backup.Info | null>(null);
  const [all, setAll] = useState(false);
  const list = backups.data ?? [];
  return (
    <div className="grid gap-3 text-[13px]">
      <div className="flex items-center justify-between gap-4">
        <div>
          <div className="font-medium">Backups</div>
          <div className="text-xs text-muted-foreground">A copy is made automatically once a day (the last 14 are kept). Back up before big changes.</div>
        </div>
        <div className="flex shrink-0 gap-2">
          <Button variant="outline" onClick={() => backUp.mutate(undefined)} disabled={backUp.isPending}>
            <DatabaseBackup /> Back up database…
          </Button>
          <Button variant="outline" onClick={() => setRestoring(true)}>
            <ArchiveRestore /> Restore from a file…
          </Button>
        </div>
      </div>
      {status.data?.dailyBackupError && (
        <p role="alert" className="flex gap-2 rounded-md border border-destructive/30 bg-destructive/10 px-3 py-2 text-xs">
          <AlertTriangle className="size-4 shrink-0 text-destructive" aria-hidden /> {status.data.dailyBackupError}
        </p>
      )}
      {status.data?.dataDirWarning && (
        <p className="flex gap-2 rounded-md border border-amber-500/30 bg-amber-500/10 px-3 py-2 text-xs">
          <AlertTriangle className="size-4 shrink-0 text-amber-600" aria-hidden /> {status.data.dataDirWarning}
        </p>
      )}
      {backups.error ? (
        <p className="text-xs text-destructive">The backups could not be listed: {backups.error.message}</p>
      ) : list.length > 0 ? (
        <ul className="grid gap-0.5 border-t border-border pt-3" aria-label="Backups">
          {(all ? list : list.slice(0, 5)).map((b) => (
            <li key={b.path} className="group flex items-center justify-between gap-3 rounded-md px-2 py-1 text-xs text-muted-foreground hover:bg-muted">
              <span className="min-w-0 truncate font-mono" title={b.path} data-selectable>{b.name}</span>
              <span className="ml-auto shrink-0 tabular-nums">
                {formatBytes(b.bytes)} · {formatDateTime(b.modTime)}
              </span>
              <Button size="sm" variant="ghost" className="h-6 opacity-70 group-hover:opacity-100" onClick={() => setPick(b)} aria-label={`Restore ${b.name}`}>
                Restore
              </Button>
            </li>
          ))}
          {list.length > 5 && (
            <li>
              <Button variant="link" size="sm" className="h-6 px-2 text-xs" onClick={() => setAll(!all)}>{all ? "Show fewer" : `Show all ${list.length}`}</Button>
            </li>
          )}
        </ul>
      ) : (
        !backups.isLoading && <p className="border-t border-border pt-3 text-xs text-muted-foreground">No backups yet: the first daily copy is made shortly after start-up.</p>
      )}
      <RestoreConfirm open={restoring} onOpenChange={setRestoring} />
      <ConfirmDialog
        open={!!pick}
        onOpenChange={(o) => !o && setPick(null)}
        title={`Restore ${pick?.name}?`}
        description={`The database goes back to this copy of ${pick ? formatDateTime(pick.modTime) : ""}. The current one is kept in the backups folder first, so nothing is lost.`}
        confirmLabel="Restore backup"
        busy={restoreFile.isPending}
        onConfirm={() => pick && restoreFile.mutate(pick.path, { onSettled: () => setPick(null) })}
      />
    </div>
  );
}
