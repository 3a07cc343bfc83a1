import { memo, useImperativeHandle, useMemo, useRef, useState, type MouseEvent, type Ref } from "react";
import { release } from "@wails/go/models";
import { useStable } from "@/lib/use-stable";
import { cellStatus, emptySelection, extrasMap, isOverridden, type Selection, type View } from "./model";
import { ColumnHeaders, RowLabels, type ColumnCommand } from "./matrix-headers";
import { useGridKeyboard } from "./use-grid-keyboard";
import { useGridVirtual } from "./use-grid-virtual";
import { useGridSelection } from "./use-grid-selection";
import { CellView, HoverActions } from "./cell-view";
import { HEAD_H, LEFT_W, type Cell, type Pos } from "./layout";

export type { Cell } from "./layout";

/** GridHandle lets the page put the keyboard back on the grid: after a
 * panel or dialog closes, on the "go to grid" shortcut. */
export interface GridHandle {
  focus: () => void;
}

/** MatrixGrid draws steps × customers. It composes its parts: the
 * virtualisers (useGridVirtual), the focus and selection
 * (useGridSelection), the keyboard (useGridKeyboard), the cells
 * (cell-view) and the sticky headers (matrix-headers). */
export const MatrixGrid = memo(function MatrixGrid({ m, view, collapsed, onToggleCluster, selection, onSelect, onOpen, onExtras, onAction, onFocusMode, onColumn, onHelp, readOnly, handle }: {
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
  const [hover, setHover] = useState<Pos | null>(null);
  // The sticky headers are drawn at the scroll offset.
  const [{ top, left }, setScroll] = useState({ top: 0, left: 0 });
  const extras = useMemo(() => extrasMap(m), [m]);
  // Cells whose last run failed (or timed out), as "row:col".
  const failed = useMemo(() => new Set((m.failed ?? []).map(([r, c]) => `${r}:${c}`)), [m.failed]);
  const { rows: rowV, cols: colV, stepRows, customerCols, scrollTo } = useGridVirtual(view, scrollRef);
  const sel = useGridSelection({ m, view, selection, stepRows, customerCols, onSelect });
  const { focus, anchor, setFocus, setAnchor, cellAt, selectRect } = sel;

  useImperativeHandle(handle, () => ({
    focus: () => {
      scrollRef.current?.focus({ preventScroll: true });
      sel.focusFirst();
    },
  }));

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

  const clickCell = (e: MouseEvent, p: Pos) => {
    if (!cellAt(p)) return;
    scrollRef.current?.focus({ preventScroll: true });
    const open = sel.click(p, e.shiftKey);
    if (open) onOpen(open);
  };
  const onCellClick = useStable((e: MouseEvent, p: Pos) => clickCell(e, p));
  const onCellExtras = useStable((e: MouseEvent, row: number, col: number) => {
    e.stopPropagation();
    const rect = (e.currentTarget as HTMLElement).getBoundingClientRect();
    onExtras({ row, col }, { x: rect.right, y: rect.bottom });
  });
  const onCellEnter = useStable((p: Pos) => setHover((h) => (h && h.vr === p.vr && h.vc === p.vc ? h : p)));


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
      onScroll={(e) => setScroll({ top: e.currentTarget.scrollTop, left: e.currentTarget.scrollLeft })}
      onFocus={sel.focusFirst}
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

        {hover && hoverCell && !readOnly && hoverStatus && (
          <HoverActions
            m={m}
            cell={hoverCell}
            status={hoverStatus}
            top={vRows.find((v) => v.index === hover.vr)?.start ?? 0}
            left={vCols.find((v) => v.index === hover.vc)?.start ?? 0}
            onKeep={() => setHover(hover)}
            onAction={onAction}
          />
        )}

        <RowLabels
          m={m}
          view={view}
          rows={vRows}
          left={left}
          selection={selection}
          allColsSelected={selection.cols.size >= customerCols.length && customerCols.length > 0}
          onSelectRow={sel.selectRow}
        />
        <ColumnHeaders
          m={m}
          view={view}
          cols={vCols}
          top={top}
          left={left}
          totalWidth={colV.getTotalSize()}
          collapsed={collapsed}
          selection={selection}
          allRowsSelected={selection.rows.size >= stepRows.length && stepRows.length > 0}
          onToggleCluster={onToggleCluster}
          onSelectCluster={sel.selectCluster}
          onSelectCol={sel.selectCol}
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
});
