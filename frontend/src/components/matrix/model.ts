import type { release } from "@wails/go/models";

/** Status of a matrix cell character (see backend/release/matrix.go). */
export type CellStatus = "pending" | "done" | "skipped" | "reverted" | "none";

export function cellStatus(ch: string | undefined): CellStatus {
  switch (ch?.toLowerCase()) {
    case "d": return "done";
    case "s": return "skipped";
    case "r": return "reverted";
    case "p": return "pending";
  }
  return "none";
}

export const isOverridden = (ch: string | undefined) => !!ch && ch !== "." && ch === ch.toUpperCase();

/** The actions a status allows: a copy of the Go table `transitions` in
 * backend/release/status.go, which the matrix also receives as `rules`
 * (docs/design.md, "Step states"). Change both together. */
export const allowedFrom: Record<string, CellStatus[]> = {
  done: ["pending", "reverted"],
  skip: ["pending"],
  revert: ["done"],
  pending: ["skipped", "reverted"],
};

export const canDo = (action: string, s: CellStatus) => allowedFrom[action]?.includes(s) ?? false;

export type Column = { kind: "customer"; col: number; cluster: number } | { kind: "collapsed"; cluster: number };
export type Row = { kind: "category"; category: string; count: number } | { kind: "step"; row: number };

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
        if (opts.status && opts.status !== "all" && !columnHas(m, c, opts.status)) continue;
        columns.push({ kind: "customer", col: c, cluster: ci });
      }
    }
    if (columns.length > first) groups.push({ cluster: ci, first, last: columns.length - 1 });
  });
  const rows: Row[] = [];
  for (const category of ["deploy", "verify"]) {
    const idx = m.rows.map((r, i) => (r.category === category ? i : -1)).filter((i) => i >= 0);
    if (idx.length === 0) continue;
    rows.push({ kind: "category", category, count: idx.length });
    for (const i of idx) rows.push({ kind: "step", row: i });
  }
  return { columns, rows, groups };
}

function columnHas(m: release.Matrix, col: number, status: string): boolean {
  const ch = status[0];
  for (const s of m.cells) if (s[col]?.toLowerCase() === ch) return true;
  return false;
}

/** extrasMap indexes the custom-step markers by "row:col". */
export function extrasMap(m: release.Matrix): Map<string, number> {
  const out = new Map<string, number>();
  for (const [r, c, n] of m.extras) out.set(`${r}:${c}`, n);
  return out;
}
