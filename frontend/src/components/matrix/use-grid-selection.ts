import { useCallback, useState } from "react";
import { release } from "@wails/go/models";
import { emptySelection, type Selection, type View } from "./model";
import type { Cell, Pos } from "./layout";

/** useGridSelection holds the focused cell and the anchor of a Shift
 * selection, and turns view positions into the page's Selection (matrix
 * rows × customer columns): a rectangle, a whole row, column or cluster. */
export function useGridSelection({ m, view, selection, stepRows, customerCols, onSelect }: {
  m: release.Matrix;
  view: View;
  selection: Selection;
  stepRows: number[];
  customerCols: number[];
  onSelect: (s: Selection) => void;
}) {
  const [focus, setFocus] = useState<Pos | null>(null);
  const [anchor, setAnchor] = useState<Pos | null>(null);

  const cellAt = useCallback(
    (p: Pos): Cell | null => {
      const r = view.rows[p.vr];
      const c = view.columns[p.vc];
      return r?.kind === "step" && c?.kind === "customer" ? { row: r.row, col: c.col } : null;
    },
    [view],
  );

  /** focusFirst puts the focus on the first cell if there is none yet. */
  const focusFirst = () => {
    if (!focus && stepRows.length && customerCols.length) {
      const first = { vr: stepRows[0], vc: customerCols[0] };
      setFocus(first);
      setAnchor(first);
    }
  };

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

  return {
    /** click focuses p: with shift it extends the selection from the
     * anchor, otherwise it clears the selection and returns the cell to
     * open. */
    click: (p: Pos, shift: boolean): Cell | null => {
      if (shift && anchor) {
        selectRect(anchor, p);
        setFocus(p);
        return null;
      }
      setAnchor(p);
      setFocus(p);
      if (selection.rows.size || selection.cols.size) onSelect(emptySelection());
      return cellAt(p);
    },
    focus,
    anchor,
    setFocus,
    setAnchor,
    cellAt,
    focusFirst,
    selectRect,
    selectRow: (row: number) => onSelect({ rows: new Set([row]), cols: allCols() }),
    selectCol: (col: number) => onSelect({ rows: allRows(), cols: new Set([col]) }),
    // A collapsed cluster has no columns in the view: select its customers
    // by their range in the matrix.
    selectCluster: (ci: number) => {
      const cl = m.clusters[ci];
      const cols = view.columns.flatMap((c) => (c.kind === "customer" && c.cluster === ci ? [c.col] : []));
      onSelect({ rows: allRows(), cols: new Set(cols.length ? cols : Array.from({ length: cl.count }, (_, k) => cl.first + k)) });
    },
  };
}
