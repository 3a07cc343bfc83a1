import { useEffect, useState } from "react";
import { ArchiveRestore, DatabaseBackup } from "lucide-react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { useBackUp, useBackups, useRestore } from "@/api/backups";
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
  const [restoring, setRestoring] = useState(false);
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
            <ArchiveRestore /> Restore from backup…
          </Button>
        </div>
      </div>
      {backups.data && backups.data.length > 0 && (
        <ul className="grid gap-1 border-t border-border pt-3">
          {backups.data.slice(0, 5).map((b) => (
            <li key={b.path} className="flex justify-between gap-3 text-xs text-muted-foreground">
              <span className="truncate font-mono" data-selectable>{b.name}</span>
              <span className="shrink-0 tabular-nums">
                {formatBytes(b.bytes)} · {formatDateTime(b.modTime)}
              </span>
            </li>
          ))}
        </ul>
      )}
      <RestoreConfirm open={restoring} onOpenChange={setRestoring} />
    </div>
  );
}
