import { describe, expect, it } from "vitest";
import { buildView, canDo, cellStatus, isOverridden } from "./model";
import type { release } from "@wails/go/models";

const matrix = (): release.Matrix => ({
  release: { id: 1, name: "r", type: "release", status: "active", versionNumber: "" },
  clusters: [
    { id: 10, name: "eu", first: 0, count: 2, counts: [1, 0, 0, 3] },
    { id: 20, name: "us", first: 2, count: 1, counts: [0, 1, 0, 1] },
  ],
  customers: [
    { id: 1, name: "Acme", namespace: "acme", clusterId: 10, isActive: true },
    { id: 2, name: "Bergmann", namespace: "bergmann", clusterId: 10, isActive: true },
    { id: 3, name: "Globex", namespace: "globex", clusterId: 20, isActive: true },
  ],
  rows: [
    { templateId: 5, name: "deploy", category: "deploy", type: "bash", orderIndex: 0 },
    { templateId: 6, name: "check", category: "verify", type: "text", orderIndex: 0 },
  ],
  cells: ["dPs", "ppp"],
  extras: [[0, 1, 2]],
  rowCounts: [[1, 1, 0, 1], [0, 0, 0, 3]],
  colCounts: [[1, 0, 0, 1], [0, 0, 0, 2], [0, 1, 0, 1]],
  total: [1, 1, 0, 4],
});

describe("matrix model", () => {
  it("reads cell characters", () => {
    expect(cellStatus("d")).toBe("done");
    expect(cellStatus("P")).toBe("pending");
    expect(cellStatus(".")).toBe("none");
    expect(isOverridden("P")).toBe(true);
    expect(isOverridden("p")).toBe(false);
  });
  it("allows the transitions of the state machine only", () => {
    expect(canDo("done", "pending")).toBe(true);
    expect(canDo("skip", "done")).toBe(false);
    expect(canDo("revert", "done")).toBe(true);
    expect(canDo("pending", "skipped")).toBe(true);
    expect(canDo("pending", "done")).toBe(false);
  });
  it("lays out category headers, cluster groups and filters", () => {
    const all = buildView(matrix(), { collapsed: new Set(), status: "all", search: "" });
    expect(all.rows.map((r) => r.kind)).toEqual(["category", "step", "category", "step"]);
    expect(all.columns).toHaveLength(3);
    expect(all.groups).toEqual([{ cluster: 0, first: 0, last: 1 }, { cluster: 1, first: 2, last: 2 }]);
    const skipped = buildView(matrix(), { collapsed: new Set(), status: "skipped", search: "" });
    expect(skipped.columns.map((c) => (c.kind === "customer" ? c.col : -1))).toEqual([2]);
    const search = buildView(matrix(), { collapsed: new Set(), status: "all", search: "BERG" });
    expect(search.columns).toHaveLength(1);
    const collapsed = buildView(matrix(), { collapsed: new Set([10]), status: "all", search: "" });
    expect(collapsed.columns[0]).toEqual({ kind: "collapsed", cluster: 0 });
    expect(collapsed.columns).toHaveLength(2);
  });
});
