import { beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router";
import type { customer } from "@wails/go/models";

type Err = { code: string; message: string; field?: string };
const ok = <T,>(data: T) => ({ data, error: null, isLoading: false, isFetching: false, refetch: vi.fn() });

const acme: customer.Customer = {
  id: 5, clusterId: 1, clusterName: "prod-eu", namespace: "acme", name: "Acme", description: "", isActive: true, createdAt: 0, updatedAt: 0,
  metadata: { tier: "gold", replicas: "3" },
};
const update = { mutate: vi.fn(), isPending: false, error: null as Err | null };
const useImportPreview = vi.fn(() => ({ data: undefined, error: null, isFetching: false, isPlaceholderData: false }));
vi.mock("@/api/customers", () => ({
  useCustomers: () => ok([acme]),
  useCustomer: () => ok({ customer: acme, clusterIsActive: true, releases: [] }),
  useArchiveCustomer: () => ({ mutate: vi.fn(), isPending: false }),
  useRestoreCustomer: () => ({ mutate: vi.fn(), isPending: false }),
  useCreateCustomer: () => ({ mutate: vi.fn(), isPending: false, error: null }),
  useUpdateCustomer: () => update,
  useExportCustomers: () => ({ mutate: vi.fn(), isPending: false }),
  useImportPreview: (...a: unknown[]) => useImportPreview(...(a as [])),
  useImportCustomers: () => ({ mutate: vi.fn(), reset: vi.fn(), isPending: false, error: null }),
  chooseCSV: vi.fn(),
}));
vi.mock("@/api/clusters", () => ({ useClusters: () => ok([{ id: 1, name: "prod-eu", isActive: true, customerCount: 1 }]) }));
const { CustomerDetailPage, CustomerFormPage, CustomersPage } = await import("./customers");
const { closeImport } = await import("@/components/customers/import-state");

beforeEach(() => {
  update.mutate.mockReset();
  update.error = null;
  useImportPreview.mockClear();
  closeImport();
});

const at = (url: string, path: string, el: React.ReactNode) =>
  render(<MemoryRouter initialEntries={[url]}><Routes><Route path={path} element={el} /></Routes></MemoryRouter>);

describe("customer metadata", () => {
  it("the form edits it and sends every key it kept", () => {
    at("/customers/5/edit", "/customers/:id/edit", <CustomerFormPage />);
    expect(screen.getByLabelText("Value of metadata key replicas")).toHaveValue("3");
    fireEvent.change(screen.getByLabelText("Value of metadata key tier"), { target: { value: "platinum" } });
    fireEvent.click(screen.getByRole("button", { name: "Add key" }));
    fireEvent.change(screen.getByLabelText("Metadata key 3"), { target: { value: "region" } });
    fireEvent.change(screen.getByLabelText("Value of metadata key region"), { target: { value: "eu" } });
    fireEvent.click(screen.getByRole("button", { name: "Save customer" }));
    expect(update.mutate).toHaveBeenCalledWith(expect.objectContaining({ id: 5, metadata: { tier: "platinum", replicas: "3", region: "eu" } }), expect.anything());
  });

  it("Go's metadata sentence shows in the editor", () => {
    update.error = { code: "invalid", message: "Metadata key 'Region' must start with a lower-case letter and use only lower-case letters, digits and '_'.", field: "metadata" };
    at("/customers/5/edit", "/customers/:id/edit", <CustomerFormPage />);
    expect(within(screen.getByTestId("metadata-editor")).getByRole("alert")).toHaveTextContent("Metadata key 'Region' must start");
  });

  it("a key given twice is not sent", () => {
    at("/customers/5/edit", "/customers/:id/edit", <CustomerFormPage />);
    fireEvent.click(screen.getByRole("button", { name: "Add key" }));
    fireEvent.change(screen.getByLabelText("Metadata key 3"), { target: { value: "tier" } });
    fireEvent.click(screen.getByRole("button", { name: "Save customer" }));
    expect(update.mutate).not.toHaveBeenCalled();
    expect(screen.getByRole("alert")).toHaveTextContent("Metadata key 'tier' is given twice.");
  });

  it("the customer page shows it read-only", () => {
    at("/customers/5", "/customers/:id", <CustomerDetailPage />);
    const view = screen.getByTestId("metadata-view");
    expect(view).toHaveTextContent("replicas3tiergold");
    expect(within(view).queryByRole("textbox")).toBeNull();
  });
});

describe("customers page import", () => {
  it("the Import button opens the dialog", () => {
    at("/customers", "/customers", <CustomersPage />);
    expect(screen.queryByRole("dialog")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: /Import/ }));
    expect(screen.getByRole("dialog", { name: "Import customers" })).toBeInTheDocument();
  });

  it("a file dropped on the open dialog keeps the options chosen", async () => {
    at("/customers", "/customers", <CustomersPage />);
    fireEvent.click(screen.getByRole("button", { name: /Import/ }));
    fireEvent.click(screen.getByLabelText("Create missing clusters"));
    const file = new File(["cluster,namespace,name\nprod-asia,x,X\n"], "fleet.csv");
    fireEvent.drop(screen.getByTestId("import-drop"), { dataTransfer: { types: ["Files"], files: [file] } });
    await waitFor(() => expect(useImportPreview).toHaveBeenLastCalledWith({ csv: "cluster,namespace,name\nprod-asia,x,X\n", createClusters: true, update: false }, expect.any(Number)));
    expect(screen.getByLabelText("Create missing clusters")).toBeChecked();
  });

  it("a .csv file dropped on the page opens its preview", async () => {
    const { container } = at("/customers", "/customers", <CustomersPage />);
    const page = container.firstElementChild!;
    fireEvent.dragOver(page, { dataTransfer: { types: ["Files"], files: [] } });
    expect(screen.getByTestId("drop-overlay")).toBeInTheDocument();
    const file = new File(["cluster,namespace,name\nprod-eu,x,X\n"], "fleet.csv");
    fireEvent.drop(page, { dataTransfer: { types: ["Files"], files: [file] } });
    expect(await screen.findByRole("dialog", { name: "Import customers" })).toBeInTheDocument();
    await waitFor(() => expect(useImportPreview).toHaveBeenLastCalledWith({ csv: "cluster,namespace,name\nprod-eu,x,X\n", createClusters: false, update: false }, expect.any(Number)));
    expect(screen.queryByTestId("drop-overlay")).toBeNull();
  });
});
