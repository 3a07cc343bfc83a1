import { useCallback, useMemo, type RefObject } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import type { View } from "./model";
import { CAT_H, COL_W, HEAD_H, LEFT_W, ROW_H, type Pos } from "./layout";

/** useGridVirtual virtualises the view both ways, so a fleet of 2,000
 * customers × 100 steps keeps only what is on screen in the DOM. The
 * padding leaves room for the sticky headers, drawn over the cells. */
export function useGridVirtual(view: View, scrollRef: RefObject<HTMLDivElement | null>) {
  // Category rows are shorter than step rows, and a filter moves them. The
  // virtualiser keeps its row positions until one of its options changes
  // (the estimate is not one of them): a key function made anew with the
  // rows makes it place them again in the same render (a measure() in an
  // effect did it with one more render of the grid after each opening).
  const rowKey = useMemo(() => (i: number) => `${view.rows.length}:${i}`, [view.rows]);
  const rows = useVirtualizer({
    count: view.rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => (view.rows[i].kind === "category" ? CAT_H : ROW_H),
    getItemKey: rowKey,
    paddingStart: HEAD_H,
    // Three rows and columns beyond the window: six drew a third more cells
    // on the page's first frame for no visible gain while scrolling.
    overscan: 3,
  });
  const cols = useVirtualizer({
    horizontal: true,
    count: view.columns.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => COL_W,
    paddingStart: LEFT_W,
    overscan: 3,
  });

  // Where the view's step rows and customer columns are: what the keyboard
  // and the "select all" of a row or column walk over.
  const stepRows = useMemo(() => view.rows.flatMap((r, i) => (r.kind === "step" ? [i] : [])), [view.rows]);
  const customerCols = useMemo(() => view.columns.flatMap((c, i) => (c.kind === "customer" ? [i] : [])), [view.columns]);

  const scrollTo = useCallback(
    (p: Pos) => {
      rows.scrollToIndex(p.vr, { align: "auto" });
      cols.scrollToIndex(p.vc, { align: "auto" });
    },
    [rows, cols],
  );
  return { rows, cols, stepRows, customerCols, scrollTo };
}
