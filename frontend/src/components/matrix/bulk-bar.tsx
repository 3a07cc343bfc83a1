import { Check, CircleDashed, Filter, PauseCircle, Play, PlayCircle, SkipForward, Undo2, Waves, X } from "lucide-react";
import { release } from "@wails/go/models";
import { Button } from "@/components/ui/button";
import { Tooltip } from "@/components/ui/misc";
import { plural } from "@/lib/format";
import type { Selection } from "./model";

/** BulkBar is what a selection of cells can do. It takes the place of the
 * filters (one toolbar row), so a small window keeps its rows for the grid. */
export function BulkBar({ m, selection, busy, wholeColumns, onAction, onRun, onPendingOnly, onWaveFront, onHold, onUnhold, onClear }: {
  m: release.Matrix;
  selection: Selection;
  busy: boolean;
  wholeColumns: boolean;
  onAction: (a: release.Action) => void;
  /** runs the selection's bash steps (shown when it has some) */
  onRun?: () => void;
  onPendingOnly: () => void;
  onWaveFront: () => void;
  onHold: () => void;
  onUnhold: () => void;
  onClear: () => void;
}) {
  const size = selection.rows.size * selection.cols.size;
  const held = [...selection.cols].filter((c) => m.customers[c]?.heldAt).length;
  const bash = [...selection.rows].some((r) => m.rows[r]?.type === release.StepType.BASH);
  return (
    <div className="flex h-9 min-w-0 flex-1 items-center gap-1.5 rounded-lg border border-primary/30 bg-accent px-2 text-[13px]" role="toolbar" aria-label="Bulk actions">
      <span className="shrink-0 font-medium" data-testid="selection-size">{plural(size, "step")} selected</span>
      <span className="hidden shrink-0 text-muted-foreground xl:inline">({plural(selection.rows.size, "row")} × {plural(selection.cols.size, "customer")})</span>
      <div className="ml-auto flex min-w-0 items-center gap-1 overflow-x-auto">
        <Tooltip content="Keep only the pending steps of the selection">
          <Button size="sm" variant="ghost" onClick={onPendingOnly}><Filter /> Pending only</Button>
        </Tooltip>
        <Tooltip content="Keep the customers ready for each step: this step pending, the step before it finished">
          <Button size="sm" variant="ghost" onClick={onWaveFront}><Waves /> Wave front</Button>
        </Tooltip>
        <span className="mx-1 h-5 w-px bg-border" aria-hidden />
        <Button size="sm" onClick={() => onAction(release.Action.DONE)} disabled={busy}><Check /> Mark done</Button>
        <Button size="sm" variant="outline" onClick={() => onAction(release.Action.SKIP)} disabled={busy}><SkipForward /> Skip…</Button>
        <Button size="sm" variant="outline" onClick={() => onAction(release.Action.REVERT)} disabled={busy}><Undo2 /> Revert</Button>
        <Button size="sm" variant="outline" onClick={() => onAction(release.Action.PENDING)} disabled={busy}><CircleDashed /> Back to pending</Button>
        {bash && onRun && (
          <>
            <span className="mx-1 h-5 w-px bg-border" aria-hidden />
            <Tooltip content="Run the selection's bash steps on this machine, with each cluster's kubeconfig">
              <Button size="sm" variant="outline" onClick={onRun} disabled={busy}><Play className="text-done" /> Run…</Button>
            </Tooltip>
          </>
        )}
        {wholeColumns && (
          <>
            <span className="mx-1 h-5 w-px bg-border" aria-hidden />
            <Button size="sm" variant="outline" onClick={onHold} disabled={busy}><PauseCircle /> Hold {plural(selection.cols.size, "customer")}…</Button>
            {held > 0 && <Button size="sm" variant="outline" onClick={onUnhold} disabled={busy}><PlayCircle /> Release {held === 1 ? "hold" : `${held} holds`}</Button>}
          </>
        )}
        <Button size="icon-sm" variant="ghost" onClick={onClear} aria-label="Clear selection"><X /></Button>
      </div>
    </div>
  );
}
