import { memo, useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import { Check, ChevronDown, ChevronRight, CircleDashed, SkipForward, Undo2 } from "lucide-react";
import { cn } from "@/lib/utils";
import { TypeBadge } from "@/components/steps/status";
import { cellStatus, extrasMap, isOverridden, canDo, type View } from "./model";
import type { release } from "@wails/go/models";

export const COL_W = 40;
export const ROW_H = 34;
export const CAT_H = 28;
export const LEFT_W = 320;
export const HEAD_H = 172;

export interface Cell {
  row: number; // index into matrix.rows
  col: number; // index into matrix.customers
}

export interface Selection {
  rows: Set<number>;
  cols: Set<number>;
}

export const emptySelection = (): Selection => ({ rows: new Set(), cols: new Set() });
export const selectionSize = (s: Selection) => s.rows.size * s.cols.size;

const icons = { done: Check, skipped: SkipForward, reverted: Undo2, pending: CircleDashed } as const;
const tone = {
  done: "bg-done/15 text-done",
  skipped: "bg-skipped/15 text-skipped",
  reverted: "bg-reverted/15 text-reverted",
  pending: "text-muted-foreground/60",
} as const;

const pct = (c: number[]) => {
  const t = c[0] + c[1] + c[2] + c[3];
  return t ? Math.round(((c[0] + c[1]) * 100) / t) : 0;
};

/** MatrixGrid draws steps × customers, virtualised both ways so a fleet of
 * 2,000 customers × 100 steps keeps only what is on screen in the DOM. */
export function MatrixGrid({ m, view, collapsed, onToggleCluster, selection, onSelect, onOpen, onQuick, readOnly }: {
  m: release.Matrix;
  view: View;
  collapsed: Set<number>;
  onToggleCluster: (clusterId: number) => void;
  selection: Selection;
  onSelect: (s: Selection) => void;
  onOpen: (cell: Cell) => void;
  onQuick: (action: "done" | "skip" | "revert" | "pending", cell: Cell) => void;
  readOnly: boolean;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [focus, setFocus] = useState<{ vr: number; vc: number } | null>(null);
  const [anchor, setAnchor] = useState<{ vr: number; vc: number } | null>(null);
  const [hover, setHover] = useState<{ vr: number; vc: number } | null>(null);
  const extras = useMemo(() => extrasMap(m), [m]);

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

  const el = scrollRef.current;
  const top = el?.scrollTop ?? 0;
  const left = el?.scrollLeft ?? 0;
  const vRows = rowV.getVirtualItems();
  const vCols = colV.getVirtualItems();

  const stepRowIndexes = useMemo(() => view.rows.flatMap((r, i) => (r.kind === "step" ? [i] : [])), [view.rows]);
  const customerColIndexes = useMemo(() => view.columns.flatMap((c, i) => (c.kind === "customer" ? [i] : [])), [view.columns]);
  const cellAt = useCallback(
    (vr: number, vc: number): Cell | null => {
      const r = view.rows[vr];
      const c = view.columns[vc];
      return r?.kind === "step" && c?.kind === "customer" ? { row: r.row, col: c.col } : null;
    },
    [view],
  );

  const selectRect = (a: { vr: number; vc: number }, b: { vr: number; vc: number }) => {
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
  const allCols = () => new Set(customerColIndexes.map((j) => (view.columns[j] as { col: number }).col));
  const allRows = () => new Set(stepRowIndexes.map((i) => (view.rows[i] as { row: number }).row));

  const clickCell = (e: MouseEvent, vr: number, vc: number) => {
    const cell = cellAt(vr, vc);
    if (!cell) return;
    scrollRef.current?.focus({ preventScroll: true });
    if (e.shiftKey && anchor) {
      selectRect(anchor, { vr, vc });
      setFocus({ vr, vc });
      return;
    }
    setAnchor({ vr, vc });
    setFocus({ vr, vc });
    onSelect(emptySelection());
    onOpen(cell);
  };

  const move = (dr: number, dc: number, extend: boolean) => {
    const cur = focus ?? { vr: stepRowIndexes[0] ?? 0, vc: customerColIndexes[0] ?? 0 };
    const ri = stepRowIndexes.indexOf(cur.vr);
    const ci = customerColIndexes.indexOf(cur.vc);
    const vr = stepRowIndexes[Math.max(0, Math.min(stepRowIndexes.length - 1, (ri < 0 ? 0 : ri) + dr))];
    const vc = customerColIndexes[Math.max(0, Math.min(customerColIndexes.length - 1, (ci < 0 ? 0 : ci) + dc))];
    if (vr === undefined || vc === undefined) return;
    setFocus({ vr, vc });
    if (extend && anchor) selectRect(anchor, { vr, vc });
    else setAnchor({ vr, vc });
    rowV.scrollToIndex(vr, { align: "auto" });
    colV.scrollToIndex(vc, { align: "auto" });
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const arrows: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    if (arrows[e.key]) {
      e.preventDefault();
      move(arrows[e.key][0], arrows[e.key][1], e.shiftKey);
      return;
    }
    if (e.key === "Escape") {
      onSelect(emptySelection());
      return;
    }
    const cell = focus ? cellAt(focus.vr, focus.vc) : null;
    if (!cell) return;
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      onOpen(cell);
    } else if (!readOnly && !e.metaKey && !e.ctrlKey && !e.altKey) {
      const map: Record<string, "done" | "skip" | "revert" | "pending"> = { d: "done", s: "skip", r: "revert", p: "pending" };
      const a = map[e.key.toLowerCase()];
      if (a) {
        e.preventDefault();
        onQuick(a, cell);
      }
    }
  };

  const inSel = (row: number, col: number) => selection.rows.has(row) && selection.cols.has(col);
  const hoverCell = hover ? cellAt(hover.vr, hover.vc) : null;
  const hoverStatus = hoverCell ? cellStatus(m.cells[hoverCell.row]?.[hoverCell.col]) : "none";

  return (
    <div
      ref={scrollRef}
      tabIndex={0}
      role="grid"
      aria-label="Release matrix: steps by customer"
      aria-rowcount={stepRowIndexes.length}
      aria-colcount={customerColIndexes.length}
      onKeyDown={onKeyDown}
      onMouseLeave={() => setHover(null)}
      className="relative h-full overflow-auto rounded-lg border border-border bg-card outline-none focus-visible:ring-2 focus-visible:ring-ring/40"
      data-testid="matrix"
    >
      <div style={{ width: colV.getTotalSize(), height: rowV.getTotalSize(), position: "relative" }}>
        {/* body */}
        {vRows.map((vr) => {
          const r = view.rows[vr.index];
          if (r.kind === "category") {
            return (
              <div key={`cat-${vr.index}`} className="absolute flex items-center border-b border-border bg-muted/60 text-[11px] font-semibold uppercase tracking-wider text-muted-foreground" style={{ top: vr.start, left: LEFT_W, width: colV.getTotalSize() - LEFT_W, height: vr.size }} />
            );
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
            const selected = inSel(r.row, c.col);
            const focused = focus?.vr === vr.index && focus?.vc === vc.index;
            const extra = extras.get(`${r.row}:${c.col}`);
            return (
              <CellView
                key={key}
                top={vr.start}
                left={vc.start}
                status={st}
                overridden={isOverridden(ch)}
                extra={extra}
                selected={selected}
                focused={focused}
                label={`${m.rows[r.row].name} for ${m.customers[c.col].name}: ${st}`}
                onClick={(e) => clickCell(e, vr.index, vc.index)}
                onEnter={() => setHover({ vr: vr.index, vc: vc.index })}
              />
            );
          });
        })}

        {/* hover quick actions */}
        {hover && hoverCell && !readOnly && hoverStatus !== "none" && (
          <div
            className="absolute z-20 flex gap-0.5 rounded-md border border-border bg-card p-0.5 shadow-lg"
            style={{ top: (vRows.find((v) => v.index === hover.vr)?.start ?? 0) + 3, left: (vCols.find((v) => v.index === hover.vc)?.start ?? 0) + COL_W - 2 }}
            onMouseEnter={() => setHover(hover)}
          >
            {canDo("done", hoverStatus) && <QuickButton label="Mark done" onClick={() => onQuick("done", hoverCell)}><Check className="size-3.5 text-done" /></QuickButton>}
            {canDo("skip", hoverStatus) && <QuickButton label="Skip…" onClick={() => onQuick("skip", hoverCell)}><SkipForward className="size-3.5 text-skipped" /></QuickButton>}
            {canDo("revert", hoverStatus) && <QuickButton label="Revert" onClick={() => onQuick("revert", hoverCell)}><Undo2 className="size-3.5 text-reverted" /></QuickButton>}
            {canDo("pending", hoverStatus) && <QuickButton label="Back to pending" onClick={() => onQuick("pending", hoverCell)}><CircleDashed className="size-3.5" /></QuickButton>}
          </div>
        )}

        {/* sticky left: row labels */}
        {vRows.map((vr) => {
          const r = view.rows[vr.index];
          if (r.kind === "category") {
            return (
              <div key={`l-${vr.index}`} className="absolute z-10 flex items-center border-b border-r border-border bg-muted px-3 text-[11px] font-semibold uppercase tracking-wider text-muted-foreground" style={{ top: vr.start, left, width: LEFT_W, height: vr.size }}>
                {r.category} · {r.count}
              </div>
            );
          }
          const row = m.rows[r.row];
          const counts = m.rowCounts[r.row] ?? [0, 0, 0, 0];
          const rowSelected = selection.rows.has(r.row) && selection.cols.size >= customerColIndexes.length && customerColIndexes.length > 0;
          return (
            <div key={`l-${vr.index}`} className={cn("absolute z-10 flex items-center gap-2 border-b border-r border-border bg-card px-2", rowSelected && "bg-accent")} style={{ top: vr.start, left, width: LEFT_W, height: vr.size }}>
              <button
                type="button"
                className="flex min-w-0 flex-1 items-center gap-2 rounded px-1 py-0.5 text-left hover:bg-muted"
                onClick={() => onSelect({ rows: new Set([r.row]), cols: allCols() })}
                title={`Select the row '${row.name}'`}
                aria-label={`Select row ${row.name}`}
              >
                <span className="w-4 text-right text-[11px] tabular-nums text-muted-foreground">{row.orderIndex + 1}</span>
                <TypeBadge type={row.type} />
                <span className="truncate text-[13px]">{row.name}</span>
              </button>
              <span className="w-9 text-right text-[11px] tabular-nums text-muted-foreground" title={`${counts[0]} done, ${counts[1]} skipped, ${counts[2]} reverted, ${counts[3]} pending`}>{pct(counts)}%</span>
            </div>
          );
        })}

        {/* sticky top: cluster groups and customers */}
        <div className="absolute z-20 border-b border-border bg-card" style={{ top, left: LEFT_W, width: colV.getTotalSize() - LEFT_W, height: HEAD_H }} />
        {view.groups.map((g) => {
          const startItem = g.first * COL_W + LEFT_W;
          const width = (g.last - g.first + 1) * COL_W;
          const cl = m.clusters[g.cluster];
          const isCollapsed = collapsed.has(cl.id);
          return (
            <div key={`g-${cl.id}`} className="absolute z-20 flex items-center gap-1 overflow-hidden border-b border-r border-border bg-muted/70 px-1.5 text-xs" style={{ top, left: startItem, width, height: 30 }}>
              <button type="button" className="rounded p-0.5 hover:bg-background" onClick={() => onToggleCluster(cl.id)} aria-label={`${isCollapsed ? "Expand" : "Collapse"} cluster ${cl.name}`} aria-expanded={!isCollapsed}>
                {isCollapsed ? <ChevronRight className="size-3.5" /> : <ChevronDown className="size-3.5" />}
              </button>
              <button type="button" className="truncate font-semibold hover:underline" onClick={() => !isCollapsed && onSelect({ rows: allRows(), cols: new Set(Array.from({ length: cl.count }, (_, k) => cl.first + k)) })} title={`Select every step of cluster ${cl.name}`}>
                {cl.name}
              </button>
              {width > 90 && <span className="ml-auto shrink-0 tabular-nums text-muted-foreground">{pct(cl.counts)}%</span>}
            </div>
          );
        })}
        {vCols.map((vc) => {
          const c = view.columns[vc.index];
          if (c.kind === "collapsed") {
            const cl = m.clusters[c.cluster];
            return (
              <div key={`h-${vc.index}`} className="absolute z-20 flex flex-col items-center justify-end gap-1 border-r border-border bg-muted/40 pb-2 text-[11px] tabular-nums text-muted-foreground" style={{ top: top + 30, left: vc.start, width: vc.size, height: HEAD_H - 30 }}>
                <span className="[writing-mode:vertical-rl] rotate-180">{cl.count} customers</span>
                {pct(cl.counts)}%
              </div>
            );
          }
          const cu = m.customers[c.col];
          const counts = m.colCounts[c.col] ?? [0, 0, 0, 0];
          const colSelected = selection.cols.has(c.col) && selection.rows.size >= stepRowIndexes.length && stepRowIndexes.length > 0;
          return (
            <button
              type="button"
              key={`h-${vc.index}`}
              className={cn("absolute z-20 flex flex-col items-center justify-end gap-1 border-r border-border bg-card pb-1.5 hover:bg-muted", colSelected && "bg-accent", !cu.isActive && "opacity-60")}
              style={{ top: top + 30, left: vc.start, width: vc.size, height: HEAD_H - 30 }}
              onClick={() => onSelect({ rows: allRows(), cols: new Set([c.col]) })}
              title={`${cu.name} (${cu.namespace}): ${counts[0]} done, ${counts[1]} skipped, ${counts[2]} reverted, ${counts[3]} pending. Click to select the column.`}
              aria-label={`Select column ${cu.name}`}
              data-testid="matrix-column"
            >
              <span className="max-h-[8.5rem] truncate text-[12px] font-medium [writing-mode:vertical-rl] rotate-180">{cu.name}</span>
              <span className="h-1 w-6 overflow-hidden rounded-full bg-muted"><span className="block h-full bg-done" style={{ width: `${pct(counts)}%` }} /></span>
            </button>
          );
        })}
        {/* corner */}
        <div className="absolute z-30 flex flex-col justify-end gap-1 border-b border-r border-border bg-card px-3 pb-2" style={{ top, left, width: LEFT_W, height: HEAD_H }}>
          <span className="text-xs font-medium text-muted-foreground">Steps ↓ · Customers →</span>
          <span className="text-[11px] text-muted-foreground">Click a cell to open it; Shift+click or Shift+arrows selects a rectangle.</span>
        </div>
      </div>
    </div>
  );
}

const CellView = memo(function CellView({ top, left, status, overridden, extra, selected, focused, label, onClick, onEnter }: {
  top: number;
  left: number;
  status: ReturnType<typeof cellStatus>;
  overridden: boolean;
  extra?: number;
  selected: boolean;
  focused: boolean;
  label: string;
  onClick: (e: MouseEvent) => void;
  onEnter: () => void;
}) {
  if (status === "none") {
    return <div className="absolute border-b border-r border-border bg-muted/30" style={{ top, left, width: COL_W, height: ROW_H }} />;
  }
  const Icon = icons[status];
  return (
    <div
      role="gridcell"
      aria-label={label}
      aria-selected={selected}
      data-status={status}
      onClick={onClick}
      onMouseEnter={onEnter}
      className={cn("absolute flex cursor-pointer items-center justify-center border-b border-r border-border", selected && "bg-primary/15", focused && "z-[5] outline-2 -outline-offset-2 outline-primary")}
      style={{ top, left, width: COL_W, height: ROW_H }}
    >
      <span className={cn("flex size-6 items-center justify-center rounded-md", tone[status])}>
        <Icon className="size-3.5" aria-hidden />
      </span>
      {overridden && <span className="absolute right-1 top-1 size-1.5 rounded-full bg-amber-500" title="Overridden for this customer" />}
      {extra ? <span className="absolute bottom-0.5 right-0.5 rounded bg-primary px-0.5 text-[9px] font-semibold leading-3 text-primary-foreground" title={`${extra} custom step(s) after this one`}>+{extra}</span> : null}
    </div>
  );
});

function QuickButton({ label, onClick, children }: { label: string; onClick: () => void; children: React.ReactNode }) {
  return (
    <button type="button" className="flex size-6 items-center justify-center rounded hover:bg-muted" aria-label={label} title={label} onClick={(e) => { e.stopPropagation(); onClick(); }}>
      {children}
    </button>
  );
}
