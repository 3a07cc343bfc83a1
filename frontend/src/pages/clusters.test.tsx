import { beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, within } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router";
import type { cluster } from "@wails/go/models";

type Err = { code: string; message: string; field?: string };
type Q<T> = { data?: T; error: Err | null; isLoading: boolean; isFetching: boolean; refetch: () => void };
const ok = <T,>(data: T): Q<T> => ({ data, error: null, isLoading: false, isFetching: false, refetch: vi.fn() });
const failed = <T,>(message: string, code = "internal"): Q<T> => ({ data: undefined, error: { code, message }, isLoading: false, isFetching: false, refetch: vi.fn() });

const mk = (over: Partial<cluster.Cluster> = {}): cluster.Cluster => ({
  id: 4,
  name: "prod-eu",
  kubeconfigPath: "",
  description: "",
  metadata: {},
  isActive: true,
  createdAt: 0,
  updatedAt: 0,
  customerCount: 0,
  archivedCustomerCount: 0,
  ...over,
});

const useClusters = vi.fn<(a: boolean) => Q<cluster.Cluster[]>>();
const useCluster = vi.fn<(id: number) => Q<cluster.Detail>>();
const archive = vi.fn();
const create = { mutate: vi.fn(), isPending: false, error: null as Err | null };
vi.mock("@/api/clusters", () => ({
  useClusters: (a: boolean) => useClusters(a),
  useCluster: (id: number) => useCluster(id),
  useArchiveCluster: () => ({ mutate: archive, isPending: false }),
  useRestoreCluster: () => ({ mutate: vi.fn(), isPending: false }),
  useCreateCluster: () => create,
  useUpdateCluster: () => ({ mutate: vi.fn(), isPending: false, error: null }),
}));
vi.mock("@/api/customers", () => ({ useCustomers: () => ok([]) }));
vi.mock("@/api/system", () => ({ chooseFile: vi.fn() }));
const { ClusterDetailPage, ClusterFormPage, ClustersPage, archiveRefusal } = await import("./clusters");

beforeEach(() => {
  useClusters.mockReset().mockImplementation(() => ok([mk()]));
  useCluster.mockReset().mockImplementation(() => ok<cluster.Detail | undefined>(undefined) as Q<cluster.Detail>);
  archive.mockReset();
  create.error = null;
});

const at = (url: string) =>
  render(
    <MemoryRouter initialEntries={[url]}>
      <Routes>
        <Route path="/clusters" element={<ClustersPage />} />
        <Route path="/clusters/new" element={<ClusterFormPage />} />
        <Route path="/clusters/:id" element={<ClusterDetailPage />} />
        <Route path="/clusters/:id/edit" element={<ClusterFormPage />} />
        <Route path="/customers" element={<p>customers list</p>} />
      </Routes>
    </MemoryRouter>,
  );

const detail = (c: cluster.Cluster, customers: cluster.Member[] = []) => ok<cluster.Detail>({ cluster: c, customers });

describe("cluster archive", () => {
  it.each([
    { count: 0, refusal: "" },
    { count: 1, refusal: "Cluster 'prod-eu' still has 1 active customer: archive or move it first." },
    { count: 2, refusal: "Cluster 'prod-eu' still has 2 active customers: archive or move them first." },
    { count: 1234, refusal: "Cluster 'prod-eu' still has 1,234 active customers: archive or move them first." },
  ])("$count active customers", ({ count, refusal }) => {
    const c = mk({ customerCount: count, archivedCustomerCount: 3 });
    useCluster.mockImplementation(() => detail(c));
    at("/clusters/4");
    expect(archiveRefusal(c)).toBe(refusal);
    fireEvent.click(screen.getByRole("button", { name: /Archive/ }));
    if (refusal) {
      // Said before asking: no destructive confirm, nothing sent to Go.
      const dialog = screen.getByRole("dialog");
      expect(within(dialog).getByTestId("archive-refusal")).toHaveTextContent(refusal);
      expect(within(dialog).queryByRole("button", { name: "Archive cluster" })).toBeNull();
      expect(screen.queryByRole("alertdialog")).toBeNull();
      expect(within(dialog).getByRole("link", { name: /Show its customers/ })).toHaveAttribute("href", "/customers?cluster=4");
      fireEvent.click(within(dialog).getByRole("button", { name: "OK" }));
      expect(screen.queryByRole("dialog")).toBeNull();
      expect(archive).not.toHaveBeenCalled();
    } else {
      const dialog = screen.getByRole("alertdialog");
      expect(dialog).toHaveTextContent("Archive cluster 'prod-eu'?");
      fireEvent.click(within(dialog).getByRole("button", { name: "Archive cluster" }));
      expect(archive).toHaveBeenCalledWith(4, expect.anything());
    }
  });
});

describe("cluster reads that fail show the error and Retry, never an empty state", () => {
  it.each([
    { name: "clusters list", url: "/clusters", setup: (q: Q<never>) => useClusters.mockImplementation(() => q), what: "Clusters could not be read", notEmpty: "No clusters yet" },
    { name: "cluster page", url: "/clusters/4", setup: (q: Q<never>) => useCluster.mockImplementation(() => q), what: "The cluster could not be read", notEmpty: "No customers on this cluster" },
    { name: "cluster edit form", url: "/clusters/4/edit", setup: (q: Q<never>) => useCluster.mockImplementation(() => q), what: "The cluster could not be read", notEmpty: "Save cluster" },
  ])("$name", ({ url, setup, what, notEmpty }) => {
    const q = failed<never>("Cluster 4 does not exist.", "not_found");
    setup(q);
    at(url);
    const alert = screen.getByRole("alert");
    expect(alert).toHaveTextContent(what);
    expect(alert).toHaveTextContent("Cluster 4 does not exist.");
    expect(screen.queryByText(notEmpty)).toBeNull();
    fireEvent.click(within(alert).getByRole("button", { name: /Retry/ }));
    expect(q.refetch).toHaveBeenCalledTimes(1);
  });
});

describe("cluster names and customers", () => {
  const long = "A very long cluster name that goes on and on across the whole card ".repeat(2).trim().slice(0, 100);

  it("ellipsises a long name on the clusters list, whole in the tooltip", () => {
    useClusters.mockImplementation(() => ok([mk({ name: long, kubeconfigPath: "/home/op/" + "k".repeat(200) })]));
    at("/clusters");
    const name = screen.getByTitle(long);
    expect(name).toHaveClass("truncate");
    expect(name).toHaveTextContent(long);
  });

  it("virtualises the cluster's customers, long names ellipsised", () => {
    const members = Array.from({ length: 50_000 }, (_, i) => ({ id: i + 1, name: i === 0 ? long : `Customer ${i}`, namespace: `ns-${i}`, isActive: i % 7 !== 0 }));
    useCluster.mockImplementation(() => detail(mk({ name: long, customerCount: 42_857, archivedCustomerCount: 7_143 }), members));
    at("/clusters/4");
    const table = screen.getByRole("table", { name: `Customers on ${long}` });
    const rows = within(table).getAllByRole("row");
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.length).toBeLessThan(80);
    expect(table).toHaveAttribute("aria-rowcount", "50001");
    const first = within(table).getByRole("link", { name: long });
    expect(first).toHaveAttribute("title", long);
    expect(first).toHaveClass("truncate");
    expect(screen.getByRole("heading", { level: 1 }).querySelector(`[title="${long}"]`)).toHaveClass("truncate");
  });
});

describe("cluster form", () => {
  it("lets a long name through to Go and shows Go's sentence at the field", () => {
    at("/clusters/new");
    const input = screen.getByLabelText("Name");
    expect(input).not.toHaveAttribute("maxlength");
    fireEvent.change(input, { target: { value: "x".repeat(120) } });
    expect(input).toHaveValue("x".repeat(120));
  });

  it.each([
    { field: "name", id: "name", message: "Cluster name must be at most 100 characters (it has 120)." },
    { field: "kubeconfigPath", id: "kubeconfig", message: "No file exists at /home/op/.kube/prod." },
    { field: "description", id: "description", message: "Description must be at most 2000 characters (it has 2001)." },
  ])("Go's $field error shows at its field", ({ field, id, message }) => {
    create.error = { code: "invalid", message, field };
    at("/clusters/new");
    const alert = screen.getByRole("alert");
    expect(alert).toHaveTextContent(message);
    expect(alert).toHaveAttribute("id", `${id}-error`);
    expect(document.getElementById(id)).toHaveAttribute("aria-invalid", "true");
  });
});
