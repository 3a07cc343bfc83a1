import { describe, expect, it } from "vitest";
import { applyRule, buildView, canDo, cellStatus, isOverridden, pendingCells, waveFront } from "./model";
import { release } from "@wails/go/models";
import { matrixFixture } from "@/test/fixtures";

const { Action, Status } = release;
const noFilter = { collapsed: new Set<number>(), status: "all", search: "" };

describe("matrix model", () => {
  it("reads cell characters", () => {
    expect(cellStatus("d")).toBe(Status.DONE);
    expect(cellStatus("P")).toBe(Status.PENDING);
    expect(cellStatus(".")).toBeNull();
    expect(isOverridden("P")).toBe(true);
    expect(isOverridden("p")).toBe(false);
    expect(isOverridden(".")).toBe(false);
  });

  it.each([
    [Action.DONE, Status.PENDING, true],
    [Action.DONE, Status.REVERTED, true],
    [Action.SKIP, Status.DONE, false],
    [Action.REVERT, Status.DONE, true],
    [Action.PENDING, Status.SKIPPED, true],
    [Action.PENDING, Status.DONE, false],
  ])("%s from %s allowed: %s (the Go rules)", (action, from, want) => {
    expect(canDo(matrixFixture(), action, from)).toBe(want);
  });

  it("applies an action only to the cells whose state allows it, keeping override marks", () => {
    const m = applyRule(matrixFixture(), Action.DONE, [0, 1], [0, 1, 2]);
    // Deploy: done stays done, overridden pending becomes overridden done, skipped stays.
    expect(m.cells).toEqual(["dDs", "ddd"]);
    const reverted = applyRule(matrixFixture(), Action.REVERT, [0], [0, 1]);
    expect(reverted.cells[0]).toBe("rPs");
  });

  it("lays out category headers, cluster groups and filters", () => {
    const all = buildView(matrixFixture(), noFilter);
    expect(all.rows.map((r) => r.kind)).toEqual(["category", "step", "category", "step"]);
    expect(all.columns).toHaveLength(3);
    expect(all.groups).toEqual([
      { cluster: 0, first: 0, last: 1 },
      { cluster: 1, first: 2, last: 2 },
    ]);
    const skipped = buildView(matrixFixture(), { ...noFilter, status: Status.SKIPPED });
    expect(skipped.columns.map((c) => (c.kind === "customer" ? c.col : -1))).toEqual([2]);
    const search = buildView(matrixFixture(), { ...noFilter, search: "BERG" });
    expect(search.columns).toHaveLength(1);
    const collapsed = buildView(matrixFixture(), { ...noFilter, collapsed: new Set([10]) });
    expect(collapsed.columns[0]).toEqual({ kind: "collapsed", cluster: 0 });
    expect(collapsed.columns).toHaveLength(2);
  });

  it("groups pending cells by row for a bulk call", () => {
    expect(pendingCells(matrixFixture(), [0, 1], [0, 1, 2])).toEqual([
      { rows: [0], cols: [1] },
      { rows: [1], cols: [0, 1, 2] },
    ]);
    expect(pendingCells(matrixFixture(), [0], [0, 2])).toEqual([]);
  });

  it("finds the wave front: customers whose previous step is finished", () => {
    const m = matrixFixture();
    // Deploy is the first step: its pending cells are all ready.
    expect(waveFront(m, 0, [0, 1, 2])).toEqual([1]);
    // Check follows Deploy: Acme (done) and Globex (skipped) are ready, Bergmann is not.
    expect(waveFront(m, 1, [0, 1, 2])).toEqual([0, 2]);
  });
});
