import { memo, useCallback, useEffect, useImperativeHandle, useLayoutEffect, useMemo, useRef, useState, type MouseEvent, type Ref } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import { Check, CircleDashed, SkipForward, Undo2 } from "lucide-react";
import { release } from "@wails/go/models";
import { cn } from "@/lib/utils";
import { canDo, cellStatus, emptySelection, extrasMap, isOverridden, type Selection, type View } from "./model";
import { ColumnHeaders, RowLabels, type ColumnCommand } from "./matrix-headers";
import { useGridKeyboard, type Pos } from "./use-grid-keyboard";

export const COL_W = 40;
export const ROW_H = 30;
export const CAT_H = 26;
export const LEFT_W = 300;
export const GROUP_H = 28;
export const HEAD_H = 124;

export interface Cell {
  row: number; // index into matrix.rows
  col: number; // index into matrix.customers
}

/** GridHandle lets the page put the keyboard back on the grid: after a
 * panel or dialog closes, on the "go to grid" shortcut. */
export interface GridHandle {
  focus: () => void;
}

const icons = { [release.Status.DONE]: Check, [release.Status.SKIPPED]: SkipForward, [release.Status.REVERTED]: Undo2, [release.Status.PENDING]: CircleDashed } as const;
const tone = {
  [release.Status.DONE]: "bg-done/15 text-done",
  [release.Status.SKIPPED]: "bg-skipped/15 text-skipped",
  [release.Status.REVERTED]: "bg-reverted/15 text-reverted",
  [release.Status.PENDING]: "text-muted-foreground/60",
} as const;

const actionButtons = [
  { action: release.Action.DONE, label: "Mark done", icon: <Check className="size-3.5 text-done" /> },
  { action: release.Action.SKIP, label: "Skip…", icon: <SkipForward className="size-3.5 text-skipped" /> },
  { action: release.Action.REVERT, label: "Revert", icon: <Undo2 className="size-3.5 text-reverted" /> },
  { action: release.Action.PENDING, label: "Back to pending", icon: <CircleDashed className="size-3.5" /> },
];

/** MatrixGrid draws steps × customers, virtualised both ways so a fleet of
 * 2,000 customers × 100 steps keeps only what is on screen in the DOM. The
 * keyboard is in useGridKeyboard, the sticky headers in matrix-headers. */
export function MatrixGrid({ m, view, collapsed, onToggleCluster, selection, onSelect, onOpen, onExtras, onAction, onFocusMode, onColumn, onHelp, readOnly, handle }: {
  m: release.Matrix;
  view: View;
  collapsed: Set<number>;
  onToggleCluster: (clusterId: number) => void;
  selection: Selection;
  onSelect: (s: Selection) => void;
  onOpen: (cell: Cell) => void;
  onExtras: (cell: Cell, at: { x: number; y: number }) => void;
  onAction: (action: release.Action, target: "selection" | Cell) => void;
  onFocusMode: (cell: Cell) => void;
  onColumn: (col: number, command: ColumnCommand) => void;
  onHelp: () => void;
  readOnly: boolean;
  handle?: Ref<GridHandle>;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [focus, setFocus] = useState<Pos | null>(null);
  const [anchor, setAnchor] = useState<Pos | null>(null);
  const [hover, setHover] = useState<Pos | null>(null);
  const [, setScroll] = useState(0); // redraw the sticky headers on scroll
  const extras = useMemo(() => extrasMap(m), [m]);
  // Cells whose last run failed (or timed out), as "row:col".
  const failed = useMemo(() => new Set((m.failed ?? []).map(([r, c]) => `${r}:${c}`)), [m.failed]);

  const rowV = useVirtualizer({
    count: view.rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => (view.rows[i].kind === "category" ? CAT_H : ROW_H),
    paddingStart: HEAD_H,
    overscan: 6,
  });
  const colV = useVirtualizer({
    horizontal: true,
    count: view.columns.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => COL_W,
    paddingStart: LEFT_W,
    overscan: 6,
  });
  useEffect(() => rowV.measure(), [view.rows, rowV]);

  const stepRows = useMemo(() => view.rows.flatMap((r, i) => (r.kind === "step" ? [i] : [])), [view.rows]);
  const customerCols = useMemo(() => view.columns.flatMap((c, i) => (c.kind === "customer" ? [i] : [])), [view.columns]);
  const cellAt = useCallback(
    (p: Pos): Cell | null => {
      const r = view.rows[p.vr];
      const c = view.columns[p.vc];
      return r?.kind === "step" && c?.kind === "customer" ? { row: r.row, col: c.col } : null;
    },
    [view],
  );
  const scrollTo = (p: Pos) => {
    rowV.scrollToIndex(p.vr, { align: "auto" });
    colV.scrollToIndex(p.vc, { align: "auto" });
  };

  useImperativeHandle(handle, () => ({
    focus: () => {
      scrollRef.current?.focus({ preventScroll: true });
      if (!focus && stepRows.length && customerCols.length) {
        const first = { vr: stepRows[0], vc: customerCols[0] };
        setFocus(first);
        setAnchor(first);
      }
    },
  }));

  const selectRect = (a: Pos, b: Pos) => {
    const rows = new Set<number>();
    const cols = new Set<number>();
    for (let i = Math.min(a.vr, b.vr); i <= Math.max(a.vr, b.vr); i++) {
      const r = view.rows[i];
      if (r.kind === "step") rows.add(r.row);
    }
    for (let j = Math.min(a.vc, b.vc); j <= Math.max(a.vc, b.vc); j++) {
      const c = view.columns[j];
      if (c.kind === "customer") cols.add(c.col);
    }
    onSelect({ rows, cols });
  };
  const allCols = () => new Set(customerCols.map((j) => (view.columns[j] as { col: number }).col));
  const allRows = () => new Set(stepRows.map((i) => (view.rows[i] as { row: number }).row));

  const onKeyDown = useGridKeyboard({
    view,
    focus,
    anchor,
    selection,
    readOnly,
    setFocus,
    setAnchor,
    selectRect,
    clearSelection: () => onSelect(emptySelection()),
    cellAt,
    scrollTo,
    onOpen,
    onAction,
    onFocusMode,
    onHelp,
  });

  const onCellClick = useStable((e: MouseEvent, p: Pos) => clickCell(e, p));
  const onCellExtras = useStable((e: MouseEvent, row: number, col: number) => {
    e.stopPropagation();
    const rect = (e.currentTarget as HTMLElement).getBoundingClientRect();
    onExtras({ row, col }, { x: rect.right, y: rect.bottom });
  });
  const onCellEnter = useStable((p: Pos) => setHover((h) => (h && h.vr === p.vr && h.vc === p.vc ? h : p)));
  const clickCell = (e: MouseEvent, p: Pos) => {
    const cell = cellAt(p);
    if (!cell) return;
    scrollRef.current?.focus({ preventScroll: true });
    if (e.shiftKey && anchor) {
      selectRect(anchor, p);
      setFocus(p);
      return;
    }
    setAnchor(p);
    setFocus(p);
    onSelect(emptySelection());
    onOpen(cell);
  };

  const el = scrollRef.current;
  const top = el?.scrollTop ?? 0;
  const left = el?.scrollLeft ?? 0;
  const vRows = rowV.getVirtualItems();
  const vCols = colV.getVirtualItems();
  const inSel = (row: number, col: number) => selection.rows.has(row) && selection.cols.has(col);
  const hoverCell = hover ? cellAt(hover) : null;
  const hoverStatus = hoverCell ? cellStatus(m.cells[hoverCell.row]?.[hoverCell.col]) : null;

  return (
    <div
      ref={scrollRef}
      tabIndex={0}
      role="grid"
      aria-label="Release matrix: steps by customer"
      aria-rowcount={stepRows.length}
      aria-colcount={customerCols.length}
      onKeyDown={onKeyDown}
      onScroll={() => setScroll((n) => n + 1)}
      onFocus={() => {
        if (!focus && stepRows.length && customerCols.length) {
          const first = { vr: stepRows[0], vc: customerCols[0] };
          setFocus(first);
          setAnchor(first);
        }
      }}
      onMouseLeave={() => setHover(null)}
      className="relative h-full overflow-auto rounded-lg border border-border bg-card outline-none focus-visible:ring-2 focus-visible:ring-ring/40"
      data-testid="matrix"
    >
      <div style={{ width: colV.getTotalSize(), height: rowV.getTotalSize(), position: "relative" }}>
        {vRows.map((vr) => {
          const r = view.rows[vr.index];
          if (r.kind === "category") {
            return <div key={`cat-${vr.index}`} className="absolute border-b border-border bg-muted/60" style={{ top: vr.start, left: LEFT_W, width: colV.getTotalSize() - LEFT_W, height: vr.size }} />;
          }
          const cells = m.cells[r.row] ?? "";
          return vCols.map((vc) => {
            const c = view.columns[vc.index];
            const key = `${vr.index}:${vc.index}`;
            if (c.kind === "collapsed") {
              return <div key={key} className="absolute border-b border-r border-border bg-muted/40" style={{ top: vr.start, left: vc.start, width: vc.size, height: vr.size }} />;
            }
            const ch = cells[c.col];
            const st = cellStatus(ch);
            const cu = m.customers[c.col];
            const lastFailed = failed.has(`${r.row}:${c.col}`);
            return (
              <CellView
                key={key}
                top={vr.start}
                left={vc.start}
                status={st}
                overridden={isOverridden(ch)}
                extra={extras.get(`${r.row}:${c.col}`)}
                held={!!cu.heldAt}
                failed={lastFailed}
                selected={inSel(r.row, c.col)}
                focused={focus?.vr === vr.index && focus?.vc === vc.index}
                label={`${m.rows[r.row].name} for ${cu.name}: ${st ?? "no step"}${lastFailed ? ", last run failed" : ""}`}
                vr={vr.index}
                vc={vc.index}
                row={r.row}
                col={c.col}
                onCellClick={onCellClick}
                onCellExtras={onCellExtras}
                onCellEnter={onCellEnter}
              />
            );
          });
        })}

        {/* hover quick actions: what the rules allow from the cell's state */}
        {hover && hoverCell && !readOnly && hoverStatus && (
          <div
            className="absolute z-20 flex gap-0.5 rounded-md border border-border bg-card p-0.5 shadow-lg"
            style={{ top: (vRows.find((v) => v.index === hover.vr)?.start ?? 0) + 2, left: (vCols.find((v) => v.index === hover.vc)?.start ?? 0) + COL_W - 2 }}
            onMouseEnter={() => setHover(hover)}
          >
            {actionButtons
              .filter((b) => canDo(m, b.action, hoverStatus))
              .map((b) => (
                <button key={b.action} type="button" tabIndex={-1} className="flex size-6 items-center justify-center rounded hover:bg-muted" aria-label={b.label} title={b.label} onClick={(e) => { e.stopPropagation(); onAction(b.action, hoverCell); }}>
                  {b.icon}
                </button>
              ))}
          </div>
        )}

        <RowLabels
          m={m}
          view={view}
          rows={vRows}
          left={left}
          selection={selection}
          allColsSelected={selection.cols.size >= customerCols.length && customerCols.length > 0}
          onSelectRow={(row) => onSelect({ rows: new Set([row]), cols: allCols() })}
        />
        <ColumnHeaders
          m={m}
          view={view}
          cols={vCols}
          top={top}
          totalWidth={colV.getTotalSize()}
          collapsed={collapsed}
          selection={selection}
          allRowsSelected={selection.rows.size >= stepRows.length && stepRows.length > 0}
          onToggleCluster={onToggleCluster}
          onSelectCluster={(ci) => {
            const cl = m.clusters[ci];
            const cols = view.columns.flatMap((c) => (c.kind === "customer" && c.cluster === ci ? [c.col] : []));
            onSelect({ rows: allRows(), cols: new Set(cols.length ? cols : Array.from({ length: cl.count }, (_, k) => cl.first + k)) });
          }}
          onSelectCol={(col) => onSelect({ rows: allRows(), cols: new Set([col]) })}
          readOnly={readOnly}
          onColumn={onColumn}
        />
        <div className="absolute z-30 flex flex-col justify-end gap-1 border-b border-r border-border bg-card px-3 pb-2" style={{ top, left, width: LEFT_W, height: HEAD_H }}>
          <span className="text-xs font-medium text-muted-foreground">Steps ↓ · Customers →</span>
          <span className="text-[11px] leading-snug text-muted-foreground">Click a cell to open it; Shift+click or Shift+arrows selects. Press ? for keys.</span>
        </div>
      </div>
    </div>
  );
}

/** useStable is fn behind a function that never changes, so the memoised
 * cells re-render only when what they show changes (a click, a hover or a
 * selection re-renders the grid, not its thousands of cells). */
function useStable<A extends unknown[]>(fn: (...a: A) => void): (...a: A) => void {
  const ref = useRef(fn);
  useLayoutEffect(() => {
    ref.current = fn;
  });
  return useCallback((...a: A) => ref.current(...a), []);
}

const CellView = memo(function CellView({ top, left, status, overridden, extra, held, failed, selected, focused, label, vr, vc, row, col, onCellClick, onCellExtras, onCellEnter }: {
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
  const Icon = icons[status];
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
      <span className={cn("flex size-6 items-center justify-center rounded-md", tone[status], held && "opacity-50")}>
        <Icon className="size-3.5" aria-hidden />
      </span>
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
