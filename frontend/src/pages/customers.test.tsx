import { beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import type { customer } from "@wails/go/models";

// Query-shaped answers: what useQuery returns that the pages read.
type Q<T> = { data?: T; error: { code: string; message: string; field?: string } | null; isLoading: boolean; isFetching: boolean; refetch: () => void };
const ok = <T,>(data: T): Q<T> => ({ data, error: null, isLoading: false, isFetching: false, refetch: vi.fn() });
const failed = <T,>(message: string, field?: string): Q<T> => ({ data: undefined, error: { code: field ? "invalid" : "internal", message, field }, isLoading: false, isFetching: false, refetch: vi.fn() });

const cust = (id: number, clusterId: number, name: string, extra: Partial<customer.Row> = {}): customer.Row => ({
  id,
  clusterId,
  clusterName: clusterId === 1 ? "prod-eu" : clusterId === 2 ? "prod-us" : `cluster-${clusterId}`,
  namespace: name.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
  name,
  description: "",
  isActive: true,
  ...extra,
});
const sample = [cust(5, 1, "Acme"), cust(6, 1, "Bergmann"), cust(7, 2, "Zeta")];

const useCustomers = vi.fn<(f: customer.ListFilter) => Q<customer.Row[]>>();
const useClusters = vi.fn();
const create = { mutate: vi.fn(), isPending: false, error: null as { code: string; message: string; field?: string } | null };
vi.mock("@/api/customers", () => ({
  useCustomers: (f: customer.ListFilter) => useCustomers(f),
  useCustomer: () => ok(undefined),
  useArchiveCustomer: () => ({ mutate: vi.fn(), isPending: false }),
  useRestoreCustomer: () => ({ mutate: vi.fn(), isPending: false }),
  useCreateCustomer: () => create,
  useUpdateCustomer: () => ({ mutate: vi.fn(), isPending: false, error: null }),
  useExportCustomers: () => ({ mutate: vi.fn(), isPending: false }),
}));
vi.mock("@/api/clusters", () => ({ useClusters: (a: boolean) => useClusters(a) }));
const { CustomerFormPage, CustomersPage, groupByCluster } = await import("./customers");

const clusters = [
  { id: 1, name: "prod-eu", isActive: true, customerCount: 2 },
  { id: 2, name: "prod-us", isActive: true, customerCount: 1 },
  { id: 3, name: "old-dc", isActive: false, customerCount: 0 },
];

beforeEach(() => {
  create.error = null;
  useCustomers.mockReset().mockImplementation(() => ok(sample));
  useClusters.mockReset().mockImplementation(() => ok(clusters));
});

const page = (url = "/customers") => render(<MemoryRouter initialEntries={[url]}><CustomersPage /></MemoryRouter>);
const lastFilter = () => useCustomers.mock.calls.at(-1)![0];

describe("customers page filters", () => {
  it.each<{ name: string; url?: string; act?: () => void; want: customer.ListFilter }>([
    { name: "no filter", want: { includeArchived: false, clusterId: 0, search: "" } },
    { name: "a cluster chosen", act: () => fireEvent.change(screen.getByLabelText("Filter by cluster"), { target: { value: "2" } }), want: { includeArchived: false, clusterId: 2, search: "" } },
    { name: "all clusters again", url: "/customers?cluster=2", act: () => fireEvent.change(screen.getByLabelText("Filter by cluster"), { target: { value: "0" } }), want: { includeArchived: false, clusterId: 0, search: "" } },
    { name: "archived shown", act: () => fireEvent.click(screen.getByLabelText("Show archived")), want: { includeArchived: true, clusterId: 0, search: "" } },
    { name: "search, trimmed", act: () => fireEvent.change(screen.getByLabelText("Search customers"), { target: { value: "  acme " } }), want: { includeArchived: false, clusterId: 0, search: "acme" } },
    { name: "filters from the URL", url: "/customers?cluster=1&q=berg&archived=1", want: { includeArchived: true, clusterId: 1, search: "berg" } },
    { name: "a bad cluster in the URL", url: "/customers?cluster=-4", want: { includeArchived: false, clusterId: 0, search: "" } },
  ])("$name", async ({ url, act: change, want }) => {
    page(url);
    change?.();
    await waitFor(() => expect(lastFilter()).toEqual(want));
  });

  it("asks Go once per pause in typing, not once per key", async () => {
    page();
    const box = screen.getByLabelText("Search customers");
    for (const v of ["a", "ac", "acm", "acme"]) fireEvent.change(box, { target: { value: v } });
    await waitFor(() => expect(lastFilter().search).toBe("acme"));
    const searches = new Set(useCustomers.mock.calls.map((c) => c[0].search));
    expect([...searches]).toEqual(["", "acme"]);
  });

  it("offers archived clusters only while archived customers are shown", () => {
    page();
    const options = () => within(screen.getByLabelText("Filter by cluster")).getAllByRole("option").map((o) => o.textContent);
    expect(options()).toEqual(["All clusters", "prod-eu", "prod-us"]);
    fireEvent.click(screen.getByLabelText("Show archived"));
    expect(options()).toEqual(["All clusters", "prod-eu", "prod-us", "old-dc (archived)"]);
  });

  it("clears the filters", async () => {
    useCustomers.mockImplementation((f) => ok(f.search || f.clusterId ? [] : sample));
    page("/customers?cluster=1&q=zz");
    expect(screen.getByText("No customer matches")).toBeInTheDocument();
    expect(screen.getByText(/No active customer on prod-eu matches “zz”\./)).toBeInTheDocument();
    fireEvent.click(screen.getAllByRole("button", { name: /Clear filters/ })[0]);
    await waitFor(() => expect(lastFilter()).toEqual({ includeArchived: false, clusterId: 0, search: "" }));
    expect(screen.getByLabelText("Search customers")).toHaveValue("");
    expect(await screen.findByRole("link", { name: "Zeta" })).toBeInTheDocument();
  });
});

describe("customers page reads", () => {
  it.each([
    { name: "customers fail", customers: failed<customer.Row[]>("The database is locked by another program."), clusters: ok(clusters), what: "Customers could not be read", message: "The database is locked by another program." },
    { name: "customers fail with no clusters read", customers: failed<customer.Row[]>("disk I/O error"), clusters: failed("disk I/O error"), what: "Customers could not be read", message: "disk I/O error" },
  ])("$name: the error and Retry, never the empty state", ({ customers, clusters: cl, what, message }) => {
    useCustomers.mockImplementation(() => customers);
    useClusters.mockImplementation(() => cl);
    page();
    const alert = screen.getAllByRole("alert").find((a) => a.textContent?.includes(what))!;
    expect(alert).toHaveTextContent(message);
    expect(screen.queryByText("No customers yet")).toBeNull();
    expect(screen.queryByRole("table")).toBeNull();
    fireEvent.click(within(alert).getByRole("button", { name: /Retry/ }));
    expect(customers.refetch).toHaveBeenCalledTimes(1);
  });

  it("a failed clusters read shows beside the filter, the list stays", () => {
    const cl = failed("disk I/O error");
    useClusters.mockImplementation(() => cl);
    page();
    const alert = screen.getByRole("alert");
    expect(alert).toHaveTextContent("Clusters could not be read: disk I/O error");
    fireEvent.click(within(alert).getByRole("button", { name: /Retry/ }));
    expect(cl.refetch).toHaveBeenCalled();
    expect(screen.getByRole("table", { name: "Customers" })).toBeInTheDocument();
  });

  it("Go's refusal of a search shows at the search box", async () => {
    page();
    useCustomers.mockImplementation((f) => (f.search ? failed("Search must be at most 100 characters (it has 120).", "search") : ok(sample)));
    fireEvent.change(screen.getByLabelText("Search customers"), { target: { value: "x".repeat(120) } });
    await waitFor(() => expect(screen.getByLabelText("Search customers")).toHaveAttribute("aria-invalid", "true"));
    expect(screen.getByText("Search must be at most 100 characters (it has 120).")).toHaveAttribute("role", "alert");
    expect(screen.getByTestId("customer-count")).toBeEmptyDOMElement();
    expect(screen.queryByText(/could not be read/)).toBeNull();
  });

  it("no customers at all is the empty state", () => {
    useCustomers.mockImplementation(() => ok([]));
    page();
    expect(screen.getByText("No customers yet")).toBeInTheDocument();
    expect(screen.queryByRole("alert")).toBeNull();
  });
});

describe("customers table", () => {
  it("groups by cluster with full-width headers and one column template", () => {
    page();
    const table = screen.getByRole("table", { name: "Customers" });
    const rows = within(table).getAllByRole("row");
    expect(rows.map((r) => r.textContent)).toEqual(["NameNamespaceDescription", "prod-eu2 customers", "Acmeacme", "Bergmannbergmann", "prod-us1 customer", "Zetazeta"]);
    const templates = new Set(rows.filter((r) => r.querySelector("[role=cell],[role=columnheader]")).map((r) => r.style.gridTemplateColumns));
    expect(templates.size).toBe(1);
  });

  it("ellipsises long names and keeps the whole name in the tooltip", () => {
    const long = "Very Long Customer Name ".repeat(4).trim();
    useCustomers.mockImplementation(() => ok([cust(1, 1, long, { description: "d".repeat(500) })]));
    page();
    const link = screen.getByRole("link", { name: long });
    expect(link).toHaveAttribute("title", long);
    expect(link).toHaveClass("truncate");
    expect(screen.getByTitle("d".repeat(500))).toHaveClass("truncate");
  });

  it("renders 50,000 customers quickly with a bounded DOM", () => {
    const many = Array.from({ length: 50_000 }, (_, i) => cust(i + 1, Math.floor(i / 10_000) + 1, `Customer ${String(i).padStart(5, "0")}`));
    useCustomers.mockImplementation(() => ok(many));
    const t0 = performance.now();
    page();
    const ms = performance.now() - t0;
    const rows = screen.getAllByRole("row");
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.length).toBeLessThan(80);
    expect(screen.getByRole("table")).toHaveAttribute("aria-rowcount", String(50_000 + 5 + 1));
    expect(ms).toBeLessThan(1000);
  });

  it("groupByCluster puts a header before each cluster's customers, with its count", () => {
    expect(groupByCluster(sample).map((r) => (r.kind === "group" ? `# ${r.name} ${r.count}` : r.c.name))).toEqual(["# prod-eu 2", "Acme", "Bergmann", "# prod-us 1", "Zeta"]);
    expect(groupByCluster([])).toEqual([]);
  });
});

describe("customer form", () => {
  const form = () => render(<MemoryRouter initialEntries={["/customers/new"]}><CustomerFormPage /></MemoryRouter>);

  it("lets a long name through to Go", () => {
    form();
    const input = screen.getByLabelText("Name");
    expect(input).not.toHaveAttribute("maxlength");
    fireEvent.change(input, { target: { value: "x".repeat(120) } });
    expect(input).toHaveValue("x".repeat(120));
  });

  it.each([
    { field: "name", id: "name", message: "Customer name must be at most 100 characters (it has 120)." },
    { field: "namespace", id: "namespace", message: "A customer with namespace 'acme' already exists on cluster 'prod-eu'." },
    { field: "clusterId", id: "cluster", message: "Choose a cluster." },
    { field: "description", id: "description", message: "Description must be at most 2000 characters (it has 2001)." },
  ])("Go's $field error shows at its field", ({ field, id, message }) => {
    create.error = { code: "invalid", message, field };
    form();
    const alert = screen.getByRole("alert");
    expect(alert).toHaveTextContent(message);
    expect(alert).toHaveAttribute("id", `${id}-error`);
    expect(document.getElementById(id)).toHaveAttribute("aria-invalid", "true");
  });

  it("a failed clusters read shows at the cluster select", () => {
    const cl = failed("disk I/O error");
    useClusters.mockImplementation(() => cl);
    form();
    expect(screen.getByRole("alert")).toHaveTextContent("Clusters could not be read: disk I/O error");
  });
});
