import { memo, type MouseEvent } from "react";
import { Check, CircleDashed, SkipForward, Undo2 } from "lucide-react";
import { release } from "@wails/go/models";
import { cn } from "@/lib/utils";
import { canDo } from "./model";
import { COL_W, ROW_H, type Cell, type Pos } from "./layout";

// The glyphs are CSS masks (index.css, .glyph): a matrix draws thousands.
const glyphs = {
  [release.Status.DONE]: "glyph glyph-done",
  [release.Status.SKIPPED]: "glyph glyph-skipped",
  [release.Status.REVERTED]: "glyph glyph-reverted",
  [release.Status.PENDING]: "glyph glyph-pending",
} as const;
const tone = {
  [release.Status.DONE]: "bg-done/15 text-done",
  [release.Status.SKIPPED]: "bg-skipped/15 text-skipped",
  [release.Status.REVERTED]: "bg-reverted/15 text-reverted",
  [release.Status.PENDING]: "text-muted-foreground/60",
} as const;

/** CellView is one step of one customer. Its handlers are stable (see
 * useStable) and take the cell's position, so a memoised cell re-renders
 * only when what it shows changes. */
export const CellView = memo(function CellView({ top, left, status, overridden, extra, held, failed, selected, focused, label, vr, vc, row, col, onCellClick, onCellExtras, onCellEnter }: {
  top: number;
  left: number;
  status: release.Status | null;
  overridden: boolean;
  extra?: number;
  held: boolean;
  failed?: boolean;
  selected: boolean;
  focused: boolean;
  label: string;
  vr: number;
  vc: number;
  row: number;
  col: number;
  onCellClick: (e: MouseEvent, p: Pos) => void;
  onCellExtras: (e: MouseEvent, row: number, col: number) => void;
  onCellEnter: (p: Pos) => void;
}) {
  if (!status) {
    return <div className="absolute border-b border-r border-border bg-muted/30" style={{ top, left, width: COL_W, height: ROW_H }} />;
  }
  return (
    <div
      role="gridcell"
      aria-label={label}
      aria-selected={selected}
      data-status={status}
      onClick={(e) => onCellClick(e, { vr, vc })}
      onMouseEnter={() => onCellEnter({ vr, vc })}
      className={cn("absolute flex cursor-pointer items-center justify-center border-b border-r border-border", held && "bg-muted/50", selected && "bg-primary/15", focused && "z-[5] outline-2 -outline-offset-2 outline-primary")}
      style={{ top, left, width: COL_W, height: ROW_H }}
    >
      <span className={cn("flex size-6 items-center justify-center rounded-md", tone[status], glyphs[status], held && "opacity-50")} aria-hidden />
      {overridden && <span className="absolute right-1 top-1 size-1.5 rounded-full bg-amber-500" title="Overridden for this customer" />}
      {failed && <span className="absolute left-1 top-1 size-1.5 rounded-full bg-destructive ring-2 ring-card" title="The last run of this step failed" data-testid="run-failed" />}
      {extra ? (
        <button
          type="button"
          tabIndex={-1}
          className="absolute bottom-0.5 right-0.5 rounded bg-primary px-0.5 text-[9px] font-semibold leading-3 text-primary-foreground hover:ring-2 hover:ring-primary/40"
          title={`${extra} custom step${extra === 1 ? "" : "s"} after this one: click to list ${extra === 1 ? "it" : "them"}`}
          aria-label={`${extra} custom step${extra === 1 ? "" : "s"} after this one`}
          onClick={(e) => onCellExtras(e, row, col)}
          data-testid="extras-badge"
        >
          +{extra}
        </button>
      ) : null}
    </div>
  );
});

const actionButtons = [
  { action: release.Action.DONE, label: "Mark done", icon: <Check className="size-3.5 text-done" /> },
  { action: release.Action.SKIP, label: "Skip…", icon: <SkipForward className="size-3.5 text-skipped" /> },
  { action: release.Action.REVERT, label: "Revert", icon: <Undo2 className="size-3.5 text-reverted" /> },
  { action: release.Action.PENDING, label: "Back to pending", icon: <CircleDashed className="size-3.5" /> },
];

/** HoverActions are the quick actions beside the hovered cell: what the
 * server's rules allow from its state. */
export function HoverActions({ m, cell, status, top, left, onKeep, onAction }: {
  m: release.Matrix;
  cell: Cell;
  status: release.Status;
  top: number;
  left: number;
  onKeep: () => void;
  onAction: (action: release.Action, target: Cell) => void;
}) {
  return (
    <div className="absolute z-20 flex gap-0.5 rounded-md border border-border bg-card p-0.5 shadow-lg" style={{ top: top + 2, left: left + COL_W - 2 }} onMouseEnter={onKeep}>
      {actionButtons
        .filter((b) => canDo(m, b.action, status))
        .map((b) => (
          <button
            key={b.action}
            type="button"
            tabIndex={-1}
            className="flex size-6 items-center justify-center rounded hover:bg-muted"
            aria-label={b.label}
            title={b.label}
            onClick={(e) => {
              e.stopPropagation();
              onAction(b.action, cell);
            }}
          >
            {b.icon}
          </button>
        ))}
    </div>
  );
}
