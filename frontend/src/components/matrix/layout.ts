/** The matrix's fixed sizes, in pixels: the virtualisers, the headers and
 * the cells all lay out from these. */
export const COL_W = 40;
export const ROW_H = 30;
export const CAT_H = 26;
export const LEFT_W = 300;
export const GROUP_H = 28;
export const HEAD_H = 124;

/** A matrix cell: indexes into matrix.rows and matrix.customers. */
export interface Cell {
  row: number;
  col: number;
}

/** A grid position: indexes into the view's rows and columns (which hold
 * category rows and collapsed clusters besides cells). */
export interface Pos {
  vr: number;
  vc: number;
}
