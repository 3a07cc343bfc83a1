import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen } from "@testing-library/react";
import { MatrixGrid } from "./matrix-grid";
import { buildView, emptySelection, type Selection } from "./model";
import { release } from "@wails/go/models";
import { matrixFixture } from "@/test/fixtures";

const { Action } = release;

function setup(opts: { readOnly?: boolean; m?: release.Matrix; selection?: Selection } = {}) {
  const m = opts.m ?? matrixFixture();
  const handlers = {
    onOpen: vi.fn(),
    onSelect: vi.fn(),
    onToggleCluster: vi.fn(),
    onExtras: vi.fn(),
    onAction: vi.fn(),
    onFocusMode: vi.fn(),
    onColumn: vi.fn(),
    onHelp: vi.fn(),
  };
  const view = buildView(m, { collapsed: new Set(), status: "all", search: "" });
  render(<MatrixGrid m={m} view={view} collapsed={new Set()} selection={opts.selection ?? emptySelection()} readOnly={opts.readOnly ?? false} {...handlers} />);
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

  it("lists the custom steps from the +n marker without opening the cell", () => {
    const h = setup();
    fireEvent.click(screen.getByTestId("extras-badge"));
    expect(h.onExtras).toHaveBeenCalledWith({ row: 0, col: 1 }, expect.anything());
    expect(h.onOpen).not.toHaveBeenCalled();
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

  it("moves with the arrows and acts on the focused cell with d, s, r, p, Enter and f", () => {
    const h = setup();
    const grid = screen.getByRole("grid");
    fireEvent.click(screen.getByLabelText("Deploy for Acme: done"));
    fireEvent.keyDown(grid, { key: "r" });
    expect(h.onAction).toHaveBeenLastCalledWith(Action.REVERT, { row: 0, col: 0 });
    fireEvent.keyDown(grid, { key: "ArrowRight" });
    fireEvent.keyDown(grid, { key: "ArrowDown" });
    fireEvent.keyDown(grid, { key: "d" });
    expect(h.onAction).toHaveBeenLastCalledWith(Action.DONE, { row: 1, col: 1 });
    fireEvent.keyDown(grid, { key: "s" });
    expect(h.onAction).toHaveBeenLastCalledWith(Action.SKIP, { row: 1, col: 1 });
    fireEvent.keyDown(grid, { key: "p" });
    expect(h.onAction).toHaveBeenLastCalledWith(Action.PENDING, { row: 1, col: 1 });
    fireEvent.keyDown(grid, { key: "Enter" });
    expect(h.onOpen).toHaveBeenLastCalledWith({ row: 1, col: 1 });
    fireEvent.keyDown(grid, { key: "f" });
    expect(h.onFocusMode).toHaveBeenLastCalledWith({ row: 1, col: 1 });
    fireEvent.keyDown(grid, { key: "?" });
    expect(h.onHelp).toHaveBeenCalled();
  });

  it("applies a key to the whole selection when there is one", () => {
    const h = setup({ selection: { rows: new Set([1]), cols: new Set([0, 1, 2]) } });
    const grid = screen.getByRole("grid");
    fireEvent.focus(grid);
    fireEvent.keyDown(grid, { key: "d" });
    expect(h.onAction).toHaveBeenLastCalledWith(Action.DONE, "selection");
    fireEvent.keyDown(grid, { key: "Escape" });
    expect(h.onSelect).toHaveBeenLastCalledWith(emptySelection());
  });

  it("shows only the actions the Go rules allow when hovering a cell", () => {
    const h = setup();
    fireEvent.mouseEnter(screen.getByLabelText("Deploy for Acme: done"));
    expect(screen.getByRole("button", { name: /revert/i })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /mark done/i })).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: /revert/i }));
    expect(h.onAction).toHaveBeenLastCalledWith(Action.REVERT, { row: 0, col: 0 });
  });

  it("marks held customers in the header and offers no status keys on a read-only release", () => {
    const m = matrixFixture();
    m.customers[2] = { ...m.customers[2], heldAt: 1, heldBy: "ops", holdReason: "contract" };
    const h = setup({ readOnly: true, m });
    expect(screen.getByRole("button", { name: "Select column Globex (on hold)" })).toBeInTheDocument();
    fireEvent.click(screen.getByLabelText("Deploy for Acme: done"));
    fireEvent.keyDown(screen.getByRole("grid"), { key: "d" });
    expect(h.onAction).not.toHaveBeenCalled();
  });
});
