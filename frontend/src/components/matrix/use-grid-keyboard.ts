import type { KeyboardEvent } from "react";
import { release } from "@wails/go/models";
import type { Selection, View } from "./model";
import type { Cell, Pos } from "./layout";

/** The single keys that change steps, and the action each applies. */
export const actionKeys: Record<string, release.Action> = {
  d: release.Action.DONE,
  s: release.Action.SKIP,
  r: release.Action.REVERT,
  p: release.Action.PENDING,
};

/** useGridKeyboard is the matrix's keyboard: arrows move (Shift extends a
 * rectangle), Enter opens the step, f opens focus mode for the customer,
 * Esc clears the selection, and d, s, r, p apply to the selection when
 * there is one, else to the focused cell. */
export function useGridKeyboard(opts: {
  view: View;
  focus: Pos | null;
  anchor: Pos | null;
  selection: Selection;
  readOnly: boolean;
  setFocus: (p: Pos) => void;
  setAnchor: (p: Pos) => void;
  selectRect: (a: Pos, b: Pos) => void;
  clearSelection: () => void;
  cellAt: (p: Pos) => Cell | null;
  scrollTo: (p: Pos) => void;
  onOpen: (cell: Cell) => void;
  onAction: (action: release.Action, target: "selection" | Cell) => void;
  onFocusMode: (cell: Cell) => void;
  onHelp: () => void;
}) {
  const { view } = opts;
  const stepRows = view.rows.flatMap((r, i) => (r.kind === "step" ? [i] : []));
  const customerCols = view.columns.flatMap((c, i) => (c.kind === "customer" ? [i] : []));

  const move = (dr: number, dc: number, extend: boolean) => {
    const cur = opts.focus ?? { vr: stepRows[0] ?? 0, vc: customerCols[0] ?? 0 };
    const ri = stepRows.indexOf(cur.vr);
    const ci = customerCols.indexOf(cur.vc);
    const vr = stepRows[Math.max(0, Math.min(stepRows.length - 1, (ri < 0 ? 0 : ri) + dr))];
    const vc = customerCols[Math.max(0, Math.min(customerCols.length - 1, (ci < 0 ? 0 : ci) + dc))];
    if (vr === undefined || vc === undefined) return;
    const to = { vr, vc };
    opts.setFocus(to);
    if (extend && opts.anchor) opts.selectRect(opts.anchor, to);
    else opts.setAnchor(to);
    opts.scrollTo(to);
  };

  return (e: KeyboardEvent) => {
    const arrows: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    if (arrows[e.key]) {
      e.preventDefault();
      move(arrows[e.key][0], arrows[e.key][1], e.shiftKey);
      return;
    }
    if (e.key === "Escape") {
      opts.clearSelection();
      return;
    }
    if (e.key === "?") {
      e.preventDefault();
      opts.onHelp();
      return;
    }
    if (e.metaKey || e.ctrlKey || e.altKey) return;
    const cell = opts.focus ? opts.cellAt(opts.focus) : null;
    if ((e.key === "Enter" || e.key === " ") && cell) {
      e.preventDefault();
      opts.onOpen(cell);
      return;
    }
    if (e.key === "f" && cell) {
      e.preventDefault();
      opts.onFocusMode(cell);
      return;
    }
    const action = actionKeys[e.key.toLowerCase()];
    if (!action || opts.readOnly) return;
    const hasSelection = opts.selection.rows.size > 0 && opts.selection.cols.size > 0;
    if (!hasSelection && !cell) return;
    e.preventDefault();
    opts.onAction(action, hasSelection ? "selection" : cell!);
  };
}
