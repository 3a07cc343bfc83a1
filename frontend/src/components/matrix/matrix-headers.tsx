import { ChevronDown, ChevronRight, Crosshair, ListOrdered, MoreVertical, PauseCircle, PlayCircle } from "lucide-react";
import { Menu, MenuContent, MenuItem, MenuSeparator, MenuTrigger } from "@/components/ui/dropdown";
import type { VirtualItem } from "@tanstack/react-virtual";
import { cn } from "@/lib/utils";
import { TypeBadge } from "@/components/steps/status";
import type { release, progress } from "@wails/go/models";
import type { Selection, View } from "./model";
import { COL_W, GROUP_H, HEAD_H, LEFT_W } from "./layout";

const figures = (p: progress.Progress) => `${p.done} done, ${p.skipped} skipped, ${p.reverted} reverted, ${p.pending} pending`;

/** RowLabels are the sticky step names on the left, each a button that
 * selects its row. */
export function RowLabels({ m, view, rows, left, selection, allColsSelected, onSelectRow }: {
  m: release.Matrix;
  view: View;
  rows: VirtualItem[];
  left: number;
  selection: Selection;
  allColsSelected: boolean;
  onSelectRow: (row: number) => void;
}) {
  let rank = 0;
  const ranks = new Map<number, number>();
  for (const r of view.rows) {
    if (r.kind === "category") rank = 0;
    else ranks.set(r.row, ++rank);
  }
  return (
    <>
      {rows.map((vr) => {
        const r = view.rows[vr.index];
        if (r.kind === "category") {
          return (
            <div key={`l-${vr.index}`} className="absolute z-10 flex items-center border-b border-r border-border bg-muted px-3 text-[11px] font-semibold uppercase tracking-wider text-muted-foreground" style={{ top: vr.start, left, width: LEFT_W, height: vr.size }}>
              {r.category} · {r.count}
            </div>
          );
        }
        const row = m.rows[r.row];
        const p = m.rowCounts[r.row];
        const selected = selection.rows.has(r.row) && allColsSelected;
        return (
          <div key={`l-${vr.index}`} className={cn("absolute z-10 flex items-center gap-2 border-b border-r border-border bg-card px-2", selected && "bg-accent")} style={{ top: vr.start, left, width: LEFT_W, height: vr.size }}>
            <button
              type="button"
              tabIndex={-1}
              className="flex min-w-0 flex-1 items-center gap-2 rounded px-1 py-0.5 text-left hover:bg-muted"
              onClick={() => onSelectRow(r.row)}
              title={`${row.name} — click to select the row`}
              aria-label={`Select row ${row.name}`}
            >
              <span className="w-5 shrink-0 text-right text-[11px] tabular-nums text-muted-foreground">{ranks.get(r.row)}</span>
              <TypeBadge type={row.type} />
              <span className="truncate text-[13px]">{row.name}</span>
            </button>
            {p && (
              <span className="w-9 text-right text-[11px] tabular-nums text-muted-foreground" title={figures(p)} data-testid={`row-progress-${row.name}`}>
                {p.percent}%
              </span>
            )}
          </div>
        );
      })}
    </>
  );
}

/** ColumnHeaders are the sticky cluster groups and customer names on top:
 * a cluster's name selects its customers, a customer's name its column. */
/** What a customer's column menu offers. */
export type ColumnCommand = "focus" | "page" | "hold" | "unhold";

export function ColumnHeaders({ m, view, cols, top, left, totalWidth, collapsed, selection, allRowsSelected, readOnly, onToggleCluster, onSelectCluster, onSelectCol, onColumn }: {
  m: release.Matrix;
  view: View;
  cols: VirtualItem[];
  top: number;
  left: number; // the grid's horizontal scroll
  totalWidth: number;
  collapsed: Set<number>;
  selection: Selection;
  allRowsSelected: boolean;
  onToggleCluster: (clusterId: number) => void;
  onSelectCluster: (cluster: number) => void;
  onSelectCol: (col: number) => void;
  readOnly: boolean;
  onColumn: (col: number, command: ColumnCommand) => void;
}) {
  return (
    <>
      <div className="absolute z-20 border-b border-border bg-card" style={{ top, left: LEFT_W, width: totalWidth - LEFT_W, height: HEAD_H }} />
      {view.groups.map((g) => {
        const startItem = g.first * COL_W + LEFT_W;
        const width = (g.last - g.first + 1) * COL_W;
        const cl = m.clusters[g.cluster];
        const isCollapsed = collapsed.has(cl.id);
        // A wide cluster's name stays in view while its columns scroll by:
        // the band's content moves with the left edge of the view, until
        // the band's end.
        const shift = Math.max(0, Math.min(left + LEFT_W - startItem, width - 160));
        return (
          <div key={`g-${cl.id}`} className="absolute z-20 flex items-center gap-1 overflow-hidden border-b border-r border-border bg-muted/70 px-1.5 text-xs" style={{ top, left: startItem, width, height: GROUP_H, paddingLeft: 6 + shift }}>
            <button type="button" tabIndex={-1} className="rounded p-0.5 hover:bg-background" onClick={() => onToggleCluster(cl.id)} aria-label={`${isCollapsed ? "Expand" : "Collapse"} cluster ${cl.name}`} aria-expanded={!isCollapsed}>
              {isCollapsed ? <ChevronRight className="size-3.5" /> : <ChevronDown className="size-3.5" />}
            </button>
            <button type="button" tabIndex={-1} className="truncate font-semibold hover:underline" onClick={() => !isCollapsed && onSelectCluster(g.cluster)} title={`${cl.name}: ${figures(cl.counts)} — click to select its steps`}>
              {cl.name}
            </button>
            {width > 90 && <span className="ml-auto shrink-0 tabular-nums text-muted-foreground">{cl.counts.percent}%</span>}
          </div>
        );
      })}
      {cols.map((vc) => {
        const c = view.columns[vc.index];
        if (c.kind === "collapsed") {
          const cl = m.clusters[c.cluster];
          return (
            <div key={`h-${vc.index}`} className="absolute z-20 flex flex-col items-center justify-end gap-1 border-r border-border bg-muted/40 pb-2 text-[11px] tabular-nums text-muted-foreground" style={{ top: top + GROUP_H, left: vc.start, width: vc.size, height: HEAD_H - GROUP_H }}>
              <span className="[writing-mode:vertical-rl] rotate-180">{cl.count} customers</span>
              {cl.counts.percent}%
            </div>
          );
        }
        const cu = m.customers[c.col];
        const p = m.colCounts[c.col];
        const selected = selection.cols.has(c.col) && allRowsSelected;
        const held = !!cu.heldAt;
        return (
          <div key={`h-${vc.index}`} className="group absolute z-20" style={{ top: top + GROUP_H, left: vc.start, width: vc.size, height: HEAD_H - GROUP_H }}>
            <button
              type="button"
              tabIndex={-1}
              className={cn("flex size-full flex-col items-center justify-end gap-1 border-r border-border bg-card pb-1.5 hover:bg-muted", selected && "bg-accent", (!cu.isActive || held) && "opacity-60", held && "bg-muted/60")}
              onClick={() => onSelectCol(c.col)}
              title={`${cu.name} (${cu.namespace})${held ? ` — on hold: ${cu.holdReason}` : ""}: ${p ? figures(p) : ""}. Click to select the column.`}
              aria-label={`Select column ${cu.name}${held ? " (on hold)" : ""}`}
              data-testid="matrix-column"
              data-held={held || undefined}
            >
              {held && <PauseCircle className="size-3.5 shrink-0 text-amber-600" aria-label="On hold" />}
              <span className="max-h-[5.5rem] truncate text-[12px] font-medium [writing-mode:vertical-rl] rotate-180">{cu.name}</span>
              <span className="h-1 w-6 overflow-hidden rounded-full bg-muted">
                <span className="block h-full bg-done" style={{ width: `${p?.percent ?? 0}%` }} />
              </span>
            </button>
            <Menu>
              <MenuTrigger asChild>
                <button
                  type="button"
                  tabIndex={-1}
                  className="absolute right-0.5 top-0.5 flex size-5 items-center justify-center rounded text-muted-foreground opacity-0 hover:bg-background focus:opacity-100 group-hover:opacity-100 data-[state=open]:opacity-100"
                  aria-label={`Menu for ${cu.name}`}
                >
                  <MoreVertical className="size-3.5" />
                </button>
              </MenuTrigger>
              <MenuContent align="start">
                <MenuItem onSelect={() => onColumn(c.col, "focus")}><Crosshair /> Focus mode</MenuItem>
                <MenuItem onSelect={() => onColumn(c.col, "page")}><ListOrdered /> Open customer's steps</MenuItem>
                {!readOnly && <MenuSeparator />}
                {!readOnly && (held ? (
                  <MenuItem onSelect={() => onColumn(c.col, "unhold")}><PlayCircle /> Release the hold</MenuItem>
                ) : (
                  <MenuItem onSelect={() => onColumn(c.col, "hold")}><PauseCircle /> Hold back…</MenuItem>
                ))}
              </MenuContent>
            </Menu>
          </div>
        );
      })}
    </>
  );
}
