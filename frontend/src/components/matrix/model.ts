import { release } from "@wails/go/models";

const Status = release.Status;
type Status = release.Status;

/** The state of a matrix cell character (release.CellCode: one letter per
 * state, upper case when the step is overridden, "." for no step). */
export function cellStatus(ch: string | undefined): Status | null {
  switch (ch?.toLowerCase()) {
    case release.CellCode.DONE:
      return Status.DONE;
    case release.CellCode.SKIPPED:
      return Status.SKIPPED;
    case release.CellCode.REVERTED:
      return Status.REVERTED;
    case release.CellCode.PENDING:
      return Status.PENDING;
  }
  return null;
}

const codeOf: Record<Status, release.CellCode> = {
  [Status.PENDING]: release.CellCode.PENDING,
  [Status.DONE]: release.CellCode.DONE,
  [Status.SKIPPED]: release.CellCode.SKIPPED,
  [Status.REVERTED]: release.CellCode.REVERTED,
};

export const isOverridden = (ch: string | undefined) => !!ch && ch !== release.CellCode.NONE && ch === ch.toUpperCase();

/** rule is the matrix's state rule for an action (the Go state machine). */
export const rule = (m: Pick<release.Matrix, "rules">, action: release.Action) => m.rules.find((r) => r.action === action);

/** canDo tells whether a step in state s can take the action, by the rules
 * the matrix came with. */
export const canDo = (m: Pick<release.Matrix, "rules">, action: release.Action, s: Status | null) => !!s && !!rule(m, action)?.from.includes(s);

/** applyRule is the matrix as it will be once the action reaches the cells
 * rows × cols that allow it: what an optimistic update shows. */
export function applyRule(m: release.Matrix, action: release.Action, rows: number[], cols: number[]): release.Matrix {
  const r = rule(m, action);
  if (!r) return m;
  const cells = m.cells.slice();
  for (const row of rows) {
    const s = cells[row];
    if (s === undefined) continue;
    const chars = s.split("");
    for (const col of cols) {
      const st = cellStatus(chars[col]);
      if (!st || !r.from.includes(st)) continue;
      const code = codeOf[r.to];
      chars[col] = isOverridden(chars[col]) ? code.toUpperCase() : code;
    }
    cells[row] = chars.join("");
  }
  return { ...m, cells };
}

export type Column = { kind: "customer"; col: number; cluster: number } | { kind: "collapsed"; cluster: number };
export type Row = { kind: "category"; category: release.Category; count: number } | { kind: "step"; row: number };

export interface View {
  columns: Column[];
  rows: Row[];
  /** first and last index in columns of each visible cluster group */
  groups: { cluster: number; first: number; last: number }[];
}

/** buildView lays out the visible rows and columns of a matrix for the
 * filters: clusters collapsed, a status every shown customer has, a search. */
export function buildView(m: release.Matrix, opts: { collapsed: Set<number>; status: string; search: string }): View {
  const q = opts.search.trim().toLowerCase();
  const columns: Column[] = [];
  const groups: View["groups"] = [];
  m.clusters.forEach((cl, ci) => {
    const first = columns.length;
    if (opts.collapsed.has(cl.id)) {
      columns.push({ kind: "collapsed", cluster: ci });
    } else {
      for (let c = cl.first; c < cl.first + cl.count; c++) {
        const cu = m.customers[c];
        if (q && !cu.name.toLowerCase().includes(q) && !cu.namespace.includes(q)) continue;
        if (opts.status && opts.status !== "all" && !columnHas(m, c, opts.status as Status)) continue;
        columns.push({ kind: "customer", col: c, cluster: ci });
      }
    }
    if (columns.length > first) groups.push({ cluster: ci, first, last: columns.length - 1 });
  });
  const rows: Row[] = [];
  for (const category of [release.Category.DEPLOY, release.Category.VERIFY]) {
    const idx = m.rows.map((r, i) => (r.category === category ? i : -1)).filter((i) => i >= 0);
    if (idx.length === 0) continue;
    rows.push({ kind: "category", category, count: idx.length });
    for (const i of idx) rows.push({ kind: "step", row: i });
  }
  return { columns, rows, groups };
}

function columnHas(m: release.Matrix, col: number, status: Status): boolean {
  for (const s of m.cells) if (cellStatus(s[col]) === status) return true;
  return false;
}

/** extrasMap indexes the custom-step markers by "row:col". */
export function extrasMap(m: release.Matrix): Map<string, number> {
  const out = new Map<string, number>();
  for (const [r, c, n] of m.extras) out.set(`${r}:${c}`, n);
  return out;
}

/** A selection of cells: every row × every column listed. */
export interface Selection {
  rows: Set<number>;
  cols: Set<number>;
}

export const emptySelection = (): Selection => ({ rows: new Set(), cols: new Set() });
export const selectionSize = (s: Selection) => s.rows.size * s.cols.size;

/** Cells picks the (row, col) pairs of a selection whose state is in
 * states; the bulk call then names just those. */
export function pendingCells(m: release.Matrix, rows: number[], cols: number[]): { rows: number[]; cols: number[] }[] {
  // Group by row: a bulk call is rows × columns, so each row's pending
  // columns go as one group (rows with the same columns merge).
  const byCols = new Map<string, { rows: number[]; cols: number[] }>();
  for (const r of rows) {
    const s = m.cells[r] ?? "";
    const pc = cols.filter((c) => cellStatus(s[c]) === Status.PENDING);
    if (pc.length === 0) continue;
    const k = pc.join(",");
    const g = byCols.get(k);
    if (g) g.rows.push(r);
    else byCols.set(k, { rows: [r], cols: pc });
  }
  return [...byCols.values()];
}

/** waveFront is, for one row, the columns whose step there is pending while
 * the step of the row before it (in the matrix's order, deploy then
 * verify) is finished — done or skipped — for that customer: the customers
 * ready for this step. The first row's pending columns are all ready. */
export function waveFront(m: release.Matrix, row: number, cols: number[]): number[] {
  const order = [...m.rows.keys()].filter((i) => m.rows[i].category === release.Category.DEPLOY).concat([...m.rows.keys()].filter((i) => m.rows[i].category === release.Category.VERIFY));
  const at = order.indexOf(row);
  const prev = at > 0 ? m.cells[order[at - 1]] : undefined;
  const here = m.cells[row] ?? "";
  return cols.filter((c) => {
    if (cellStatus(here[c]) !== Status.PENDING) return false;
    if (!prev) return true;
    const p = cellStatus(prev[c]);
    return p === Status.DONE || p === Status.SKIPPED || p === null;
  });
}
