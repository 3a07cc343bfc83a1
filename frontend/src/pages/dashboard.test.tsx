import { beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import type { dashboard, release } from "@wails/go/models";

type Q<T> = { data?: T; error: { code: string; message: string } | null; isLoading: boolean; isFetching: boolean; refetch: () => void };
const useDashboard = vi.fn<() => Q<dashboard.Overview>>();
vi.mock("@/api/system", () => ({
  useDashboard: () => useDashboard(),
  useLoadSample: () => ({ mutate: vi.fn(), isPending: false }),
}));
const { DashboardPage } = await import("./dashboard");

const progress = { total: 10, done: 4, skipped: 1, reverted: 0, pending: 5, percent: 50, heldCustomers: 0, heldSteps: 0 };
const long = (what: string) => `${what} with a name long enough to run past the edge of its card `.repeat(2).slice(0, 100).trim();
const rel = (id: number, name: string, status: string): release.Release =>
  ({ id, name, type: "release", status, versionNumber: "2026.12.0", description: "", createdAt: 0, updatedAt: 0, templateCount: 3, customerCount: 2, progress }) as unknown as release.Release;
const overview = (): dashboard.Overview =>
  ({
    counts: { clusters: 2, archivedClusters: 0, customers: 3, archivedCustomers: 0, draftReleases: 1, activeReleases: 1, archivedReleases: 0 },
    steps: progress,
    active: [rel(1, long("Active release"), "active")],
    drafts: [rel(2, long("Draft release"), "draft")],
    recent: [
      { id: 9, actor: "Ada", action: "done", toStatus: "done", stepName: long("Step"), releaseId: 1, customerId: 5, customerName: long("Customer"), releaseName: long("Active release"), createdAt: Math.floor(Date.now() / 1000) - 60 },
    ],
    empty: false,
  }) as unknown as dashboard.Overview;

beforeEach(() => useDashboard.mockReset());
const page = () => render(<MemoryRouter><DashboardPage /></MemoryRouter>);

describe("dashboard", () => {
  it("a failed read shows the error and Retry, not the welcome screen", () => {
    const q: Q<dashboard.Overview> = { data: undefined, error: { code: "internal", message: "The database file cannot be opened." }, isLoading: false, isFetching: false, refetch: vi.fn() };
    useDashboard.mockImplementation(() => q);
    page();
    const alert = screen.getByRole("alert");
    expect(alert).toHaveTextContent("The dashboard could not be read");
    expect(alert).toHaveTextContent("The database file cannot be opened.");
    expect(screen.queryByText("Welcome to Shipdeck")).toBeNull();
    fireEvent.click(within(alert).getByRole("button", { name: /Retry/ }));
    expect(q.refetch).toHaveBeenCalledTimes(1);
  });

  it.each([
    { what: "active release", name: long("Active release") },
    { what: "draft", name: long("Draft release") },
  ])("ellipsises a long $what name, whole in the tooltip", ({ name }) => {
    useDashboard.mockImplementation(() => ({ data: overview(), error: null, isLoading: false, isFetching: false, refetch: vi.fn() }));
    page();
    const el = screen.getAllByTitle(name).find((e) => e.textContent === name)!;
    expect(el).toHaveClass("truncate");
  });

  it("keeps recent activity inside its card: long names clamped, the whole sentence in the tooltip", () => {
    const data = overview();
    data.recent.push({ id: 8, actor: "Ada", action: "activate", kind: "release", toStatus: "", stepName: "", releaseId: 1, customerName: "", releaseName: long("Active release"), detail: JSON.stringify({ customerCount: 12, stepCount: 96 }), createdAt: Math.floor(Date.now() / 1000) - 120 } as unknown as release.HistoryEntry);
    useDashboard.mockImplementation(() => ({ data, error: null, isLoading: false, isFetching: false, refetch: vi.fn() }));
    page();
    const [step, activate] = screen.getAllByTestId("recent-activity");
    const h = data.recent[0];
    expect(within(step).getByTitle(`Ada marked ${h.stepName} done for ${h.customerName}`)).toHaveClass("line-clamp-2", "break-words");
    expect(within(step).getByRole("link", { name: h.stepName })).toHaveAttribute("href", "/releases/1/customer/5");
    const rel = within(step).getByRole("link", { name: h.releaseName });
    expect(rel).toHaveClass("truncate");
    expect(rel).toHaveAttribute("title", h.releaseName);
    // A release event has no step or customer: its words, not "activate", and no stray separator.
    expect(within(activate).getByTitle("Ada activated the release for 12 customers (96 steps)")).toBeInTheDocument();
    expect(activate.textContent).not.toMatch(/^\s*·/m);
  });
});
