import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen } from "@testing-library/react";
import { MatrixGrid, emptySelection } from "./matrix-grid";
import { buildView } from "./model";
import type { release } from "@wails/go/models";

const m: release.Matrix = {
  release: { id: 1, name: "r", type: "release", status: "active", versionNumber: "" },
  clusters: [
    { id: 10, name: "prod-eu", first: 0, count: 2, counts: [1, 0, 0, 3] },
    { id: 20, name: "prod-us", first: 2, count: 1, counts: [0, 1, 0, 1] },
  ],
  customers: [
    { id: 1, name: "Acme", namespace: "acme", clusterId: 10, isActive: true },
    { id: 2, name: "Bergmann", namespace: "bergmann", clusterId: 10, isActive: true },
    { id: 3, name: "Globex", namespace: "globex", clusterId: 20, isActive: true },
  ],
  rows: [
    { templateId: 5, name: "Deploy", category: "deploy", type: "bash", orderIndex: 0 },
    { templateId: 6, name: "Check", category: "verify", type: "text", orderIndex: 0 },
  ],
  cells: ["dPs", "ppp"],
  extras: [[0, 1, 2]],
  rowCounts: [[1, 1, 0, 1], [0, 0, 0, 3]],
  colCounts: [[1, 0, 0, 1], [0, 0, 0, 2], [0, 1, 0, 1]],
  total: [1, 1, 0, 4],
};

function setup(readOnly = false) {
  const handlers = { onOpen: vi.fn(), onSelect: vi.fn(), onQuick: vi.fn(), onToggleCluster: vi.fn() };
  const view = buildView(m, { collapsed: new Set(), status: "all", search: "" });
  render(<MatrixGrid m={m} view={view} collapsed={new Set()} selection={emptySelection()} readOnly={readOnly} {...handlers} />);
  return handlers;
}

describe("MatrixGrid", () => {
  it("renders one cell per step and customer, with status, override and custom markers", () => {
    setup();
    expect(screen.getAllByRole("gridcell")).toHaveLength(6);
    expect(screen.getByLabelText("Deploy for Acme: done")).toHaveAttribute("data-status", "done");
    const bergmann = screen.getByLabelText("Deploy for Bergmann: pending");
    expect(bergmann.querySelector('[title="Overridden for this customer"]')).not.toBeNull();
    expect(bergmann).toHaveTextContent("+2");
    expect(screen.getAllByTestId("matrix-column")).toHaveLength(3);
  });

  it("opens a cell on click and selects a rectangle with shift+click", () => {
    const h = setup();
    fireEvent.click(screen.getByLabelText("Deploy for Acme: done"));
    expect(h.onOpen).toHaveBeenCalledWith({ row: 0, col: 0 });
    fireEvent.click(screen.getByLabelText("Check for Bergmann: pending"), { shiftKey: true });
    const sel = h.onSelect.mock.calls.at(-1)![0];
    expect([...sel.rows]).toEqual([0, 1]);
    expect([...sel.cols]).toEqual([0, 1]);
  });

  it("selects a row, a column and a cluster from the headers", () => {
    const h = setup();
    fireEvent.click(screen.getByRole("button", { name: "Select row Check" }));
    expect(h.onSelect.mock.calls.at(-1)![0]).toEqual({ rows: new Set([1]), cols: new Set([0, 1, 2]) });
    fireEvent.click(screen.getByRole("button", { name: "Select column Globex" }));
    expect(h.onSelect.mock.calls.at(-1)![0]).toEqual({ rows: new Set([0, 1]), cols: new Set([2]) });
    fireEvent.click(screen.getByRole("button", { name: "prod-eu" }));
    expect(h.onSelect.mock.calls.at(-1)![0]).toEqual({ rows: new Set([0, 1]), cols: new Set([0, 1]) });
  });

  it("moves with the arrows and acts with d, s, r and Enter", () => {
    const h = setup();
    const grid = screen.getByRole("grid");
    fireEvent.click(screen.getByLabelText("Deploy for Acme: done"));
    fireEvent.keyDown(grid, { key: "r" });
    expect(h.onQuick).toHaveBeenLastCalledWith("revert", { row: 0, col: 0 });
    fireEvent.keyDown(grid, { key: "ArrowRight" });
    fireEvent.keyDown(grid, { key: "ArrowDown" });
    fireEvent.keyDown(grid, { key: "d" });
    expect(h.onQuick).toHaveBeenLastCalledWith("done", { row: 1, col: 1 });
    fireEvent.keyDown(grid, { key: "s" });
    expect(h.onQuick).toHaveBeenLastCalledWith("skip", { row: 1, col: 1 });
    fireEvent.keyDown(grid, { key: "Enter" });
    expect(h.onOpen).toHaveBeenLastCalledWith({ row: 1, col: 1 });
  });

  it("offers no status keys on a read-only release", () => {
    const h = setup(true);
    fireEvent.click(screen.getByLabelText("Deploy for Acme: done"));
    fireEvent.keyDown(screen.getByRole("grid"), { key: "d" });
    expect(h.onQuick).not.toHaveBeenCalled();
  });
});
