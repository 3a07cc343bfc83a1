import { beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import type { customer } from "@wails/go/models";

type Err = { code: string; message: string; field?: string };
type Q<T> = { data?: T; error: Err | null; isFetching: boolean; isPlaceholderData: boolean };

// The Go side, as far as the dialog sees it: a preview per file and
// options, and the import.
const useImportPreview = vi.fn<(input: customer.ImportInput | null, file: number) => Q<customer.ImportPreview>>();
const mutate = vi.fn();
const run = { mutate, reset: vi.fn(), isPending: false, error: null as Err | null };
const chooseCSV = vi.fn<() => Promise<string>>();
vi.mock("@/api/customers", () => ({
  useImportPreview: (input: customer.ImportInput | null, file: number) => useImportPreview(input, file),
  useImportCustomers: () => run,
  chooseCSV: () => chooseCSV(),
}));
const { ImportDialog, csvFile, readCsvFile } = await import("./import-dialog");
const { importSummary } = await vi.importActual<typeof import("@/api/customers")>("@/api/customers");

const row = (line: number, namespace: string, action: string, extra: Partial<customer.ImportRow> = {}): customer.ImportRow => ({
  line,
  cluster: "prod-eu",
  namespace,
  name: namespace.toUpperCase(),
  action,
  changes: [],
  newCluster: false,
  customerId: 0,
  ...extra,
});
const preview = (rows: customer.ImportRow[], problems: customer.ImportPreview["problems"] = [], newClusters: string[] = []): customer.ImportPreview => ({
  rows,
  problems,
  create: rows.filter((r) => r.action === "create").length,
  update: rows.filter((r) => r.action === "update").length,
  unchanged: rows.filter((r) => r.action === "unchanged").length,
  newClusters,
});
const ok = <T,>(data: T): Q<T> => ({ data, error: null, isFetching: false, isPlaceholderData: false });

const badFile = "cluster,namespace,name\nprod-eu,acme,Acme\nprod-eu,Bad_NS,Bad\nprod-xx,zeta,Zeta\n";
const goodFile = "cluster,namespace,name,meta.tier\nprod-eu,acme,Acme,gold\nprod-eu,globex,Globex,silver\nprod-us,zeta,Zeta,\n";

// The mock answers as Go does for these two files.
function goPreview(input: customer.ImportInput | null): Q<customer.ImportPreview> {
  if (!input) return { data: undefined, error: null, isFetching: false, isPlaceholderData: false };
  if (input.csv === badFile) {
    return ok(
      preview(
        [row(2, "acme", "create"), row(3, "Bad_NS", "invalid"), row(4, "zeta", "invalid", { cluster: "prod-xx" })],
        [
          { line: 3, column: "namespace", message: "Namespace 'Bad_NS' must be lower case: use 'bad_ns'." },
          { line: 4, column: "cluster", message: "Cluster 'prod-xx' does not exist: create it first, or choose to create missing clusters." },
        ],
      ),
    );
  }
  const rows = [
    row(2, "acme", input.update ? "update" : "unchanged", { changes: input.update ? ["meta.tier"] : [], customerId: 5 }),
    row(3, "globex", "create"),
    row(4, "zeta", "create", { cluster: "prod-us", newCluster: input.createClusters }),
  ];
  return ok(input.createClusters ? preview(rows, [], ["prod-us"]) : preview(rows.slice(0, 3), [{ line: 4, column: "cluster", message: "Cluster 'prod-us' does not exist." }]));
}

beforeEach(() => {
  useImportPreview.mockReset().mockImplementation(goPreview);
  mutate.mockReset();
  chooseCSV.mockReset();
  run.error = null;
});

const open = (text?: string, onOpenChange = vi.fn()) => {
  render(<ImportDialog open onOpenChange={onOpenChange} initial={text === undefined ? null : csvFile("fleet.csv", text)} />);
  return onOpenChange;
};
const importButton = () => screen.getByTestId("import-confirm");
const lastInput = () => useImportPreview.mock.calls.at(-1)![0];

describe("import dialog", () => {
  it("lists every row and every problem in red, and will not import", () => {
    open(badFile);
    const table = screen.getByRole("table", { name: "Rows to import" });
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows.map((r) => within(r).getAllByRole("cell").map((c) => c.textContent))).toEqual([
      ["2", "prod-eu", "acme", "ACME", "New"],
      ["3", "prod-eu", "Bad_NS", "BAD_NS", "Problem"],
      ["4", "prod-xx", "zeta", "ZETA", "Problem"],
    ]);
    const problems = within(screen.getByRole("region", { name: "Problems" }));
    expect(problems.getByText(/2 problems stop the import: fix them in the file and choose it again, or change the options above/)).toBeInTheDocument();
    const items = problems.getAllByRole("listitem").map((li) => li.textContent);
    expect(items).toEqual([
      "Line 3namespace:Namespace 'Bad_NS' must be lower case: use 'bad_ns'.",
      "Line 4cluster:Cluster 'prod-xx' does not exist: create it first, or choose to create missing clusters.",
    ]);
    expect(screen.getByTestId("import-problems")).toHaveClass("text-destructive");
    expect(importButton()).toBeDisabled();
    fireEvent.click(importButton());
    expect(mutate).not.toHaveBeenCalled();
  });

  it("previews again with each option, and imports what the last preview showed", () => {
    const onOpenChange = open(goodFile);
    expect(lastInput()).toEqual({ csv: goodFile, createClusters: false, update: false });
    expect(importButton()).toBeDisabled(); // prod-us does not exist yet
    fireEvent.click(screen.getByLabelText("Create missing clusters"));
    expect(lastInput()).toEqual({ csv: goodFile, createClusters: true, update: false });
    expect(screen.getByText("prod-us", { selector: "span.font-medium" })).toBeInTheDocument();
    expect(screen.getAllByText("new cluster")).toHaveLength(1);
    expect(importButton()).toHaveTextContent("Import 2 customers");
    fireEvent.click(screen.getByLabelText(/Update existing customers/));
    expect(lastInput()).toEqual({ csv: goodFile, createClusters: true, update: true });
    expect(screen.getByText("meta.tier")).toBeInTheDocument();
    expect(importButton()).toHaveTextContent("Import: 2 new, 1 updated");
    expect(importButton()).toBeEnabled();
    fireEvent.click(importButton());
    expect(mutate).toHaveBeenCalledWith({ csv: goodFile, createClusters: true, update: true }, expect.anything());
    mutate.mock.calls[0][1].onSuccess();
    expect(onOpenChange).toHaveBeenCalledWith(false);
  });

  it("waits for the preview of the current choice before importing", () => {
    useImportPreview.mockImplementation((input) => ({ ...goPreview(input && { ...input, createClusters: true }), isFetching: true, isPlaceholderData: true }));
    open(goodFile);
    expect(importButton()).toBeDisabled();
  });

  it("shows Go's refusal of the import (the file changed meanwhile)", () => {
    run.error = { code: "invalid", message: "The file has a problem, so nothing was imported: line 3: …", field: "csv" };
    open(goodFile);
    expect(screen.getByRole("alert")).toHaveTextContent("The file has a problem, so nothing was imported");
  });

  it("shows Go's refusal of the file itself", () => {
    useImportPreview.mockImplementation(() => ({ data: undefined, error: { code: "invalid", message: "The file is empty: its first line must name the columns cluster, namespace and name.", field: "csv" }, isFetching: false, isPlaceholderData: false }));
    open("\n");
    expect(screen.getByRole("alert")).toHaveTextContent("The file is empty");
  });

  it("chooses a file in the native dialog; cancelling changes nothing", async () => {
    open();
    expect(lastInput()).toBeNull();
    chooseCSV.mockResolvedValueOnce("");
    fireEvent.click(screen.getByRole("button", { name: /Choose file/ }));
    await waitFor(() => expect(chooseCSV).toHaveBeenCalledTimes(1));
    expect(lastInput()).toBeNull();
    chooseCSV.mockResolvedValueOnce(badFile);
    fireEvent.click(screen.getByRole("button", { name: /Choose file/ }));
    await waitFor(() => expect(lastInput()).toEqual({ csv: badFile, createClusters: false, update: false }));
    expect(await screen.findByRole("region", { name: "Problems" })).toBeInTheDocument();
  });

  it("a file dropped on the dialog is read and previewed", async () => {
    open();
    const file = new File(["\ufeff" + goodFile], "fleet.csv", { type: "text/csv" });
    fireEvent.drop(screen.getByTestId("import-drop"), { dataTransfer: { files: [file], types: ["Files"] } });
    await waitFor(() => expect(lastInput()?.csv).toBe("\ufeff" + goodFile));
    expect(screen.getByText("fleet.csv")).toBeInTheDocument();
  });

  it("a dropped file that is not UTF-8 is refused in plain words", async () => {
    open();
    const file = new File([new Uint8Array([0x63, 0x6c, 0xfc, 0x0a])], "latin1.csv");
    fireEvent.drop(screen.getByTestId("import-drop"), { dataTransfer: { files: [file], types: ["Files"] } });
    expect(await screen.findByRole("alert")).toHaveTextContent('latin1.csv: The file is not UTF-8 text: save it from the spreadsheet as "CSV UTF-8".');
    expect(lastInput()).toBeNull();
  });

  it("2,000 rows render with a bounded DOM", () => {
    const many = Array.from({ length: 2000 }, (_, i) => row(i + 2, `tenant-${i}`, "create"));
    useImportPreview.mockImplementation((input) => (input ? ok(preview(many)) : goPreview(null)));
    open(goodFile);
    const rows = within(screen.getByRole("table", { name: "Rows to import" })).getAllByRole("row");
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.length).toBeLessThan(80);
    expect(importButton()).toHaveTextContent("Import 2,000 customers");
  });
});

describe("reading a dropped file", () => {
  it.each([
    ["fleet.xlsx", [0x50, 0x4b], "fleet.xlsx is not a .csv file"],
    ["utf16.csv", [0xff, 0xfe, 0x63, 0x00], "utf16.csv: The file is UTF-16 text"],
  ])("%s is refused", async (name, bytes, message) => {
    await expect(readCsvFile(new File([new Uint8Array(bytes)], name))).rejects.toThrow(message);
  });

  it("refuses a file over 20 MB before reading it", async () => {
    const big = new File(["x"], "big.csv");
    Object.defineProperty(big, "size", { value: 21 << 20 });
    await expect(readCsvFile(big)).rejects.toThrow("big.csv has 21 MB, far more than a customers file holds (at most 20 MB)");
  });

  it("keeps a byte order mark and every character", async () => {
    const f = await readCsvFile(new File(["\ufeffcluster;namespace;name\nZürich;acme;Acme\n"], "fleet.csv"));
    expect(f.text).toBe("\ufeffcluster;namespace;name\nZürich;acme;Acme\n");
    expect(f.name).toBe("fleet.csv");
  });
});

describe("import summary", () => {
  it("says what was written", () => {
    expect(importSummary({ created: 1997, updated: 0, unchanged: 3, clustersCreated: ["prod-9"] })).toBe("Imported: 1,997 customers created, 3 already up to date; new cluster: prod-9.");
    expect(importSummary({ created: 1, updated: 2, unchanged: 0, clustersCreated: [] })).toBe("Imported: 1 customer created, 2 updated.");
    expect(importSummary({ created: 0, updated: 1, unchanged: 1, clustersCreated: [] })).toBe("Imported: 1 customer updated, 1 already up to date.");
  });
});
