import { describe, expect, it, vi, beforeEach } from "vitest";
import { fireEvent, render, screen } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { release } from "@wails/go/models";

// The bindings are replaced at the api/ boundary.
const mutate = vi.fn();
const hook = () => ({ mutate, isPending: false, error: null });
vi.mock("@/api/steps", () => ({
  useTransition: hook,
  useOverride: hook,
  useResetToTemplate: hook,
  useEditCustom: hook,
  useDeleteCustom: hook,
  useUndo: hook,
  useHighlight: (_t: string, c: string) => ({ data: { html: `<pre>${c.replace(/</g, "&lt;")}</pre>`, lines: 1 }, isLoading: false }),
  useHighlightStyles: () => ({ data: undefined }),
}));
// What Go's Check answers for the step, per test (runs.go decides).
let check: release.RunCheck | undefined;
const start = vi.fn();
vi.mock("@/api/runs", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/api/runs")>()),
  useRunCheck: () => ({ data: check, isError: false, error: null }),
  useBatches: () => ({ data: [] }),
  useStartRun: () => ({ mutate: start, isPending: false }),
  useCancelRun: () => ({ mutate: vi.fn(), isPending: false }),
  useStepRuns: () => ({ data: [] }),
  useRunOutput: () => ({ data: undefined }),
}));
vi.mock("@/api/system", () => ({
  copyToClipboard: vi.fn(() => Promise.resolve()),
  usePreferences: () => [{ sidebarCollapsed: false, zoom: 100, wrapCode: false }, vi.fn()],
}));

const { StepPanel } = await import("./step-panel");
const { TooltipProvider } = await import("@/components/ui/misc");
const { FrozenContext } = await import("@/lib/frozen");

function detail(status: release.Status, extra: Partial<release.Step> = {}, actions: string[] = [], more: Partial<release.StepDetail> = {}): release.StepDetail {
  return {
    step: {
      id: 7, releaseId: 1, customerId: 2, templateId: 3, name: "Upgrade", category: release.Category.DEPLOY, type: release.StepType.BASH, content: "helm upgrade", orderIndex: 0,
      status, executedAt: status === release.Status.PENDING ? undefined : 1_790_000_000, executedBy: "Dana", skipReason: "", notes: "", isCustom: false, isOverridden: false,
      source: release.Source.TEMPLATE, updatedAt: 1, ...extra,
    },
    template: undefined,
    release: { id: 1, name: "r" },
    releaseStatus: release.ReleaseStatus.ACTIVE,
    customer: { id: 2, name: "Acme", namespace: "acme", clusterId: 1, clusterName: "prod-eu" },
    history: [{ id: 1, stepId: 7, releaseId: 1, releaseName: "r", customerId: 2, customerName: "Acme", clusterName: "prod-eu", stepName: "Upgrade", action: "done", kind: release.Kind.STATUS, fromStatus: "pending", toStatus: "done", note: "ok", contentBefore: "", contentAfter: "", rendered: "", detail: "", actor: "Dana", source: "app", createdAt: 1_790_000_000 }],
    historyTotal: 1,
    actions,
    position: 0,
    stepCount: 3,
    ...more,
  };
}

function show(d: release.StepDetail, frozen = false) {
  const query = { data: d, isLoading: false } as never;
  render(
    <MemoryRouter>
      <TooltipProvider>
        <FrozenContext.Provider value={frozen}>
          <StepPanel query={query} releaseId={1} open onOpenChange={() => {}} />
        </FrozenContext.Provider>
      </TooltipProvider>
    </MemoryRouter>,
  );
}

const target = (status: release.Status): release.RunTarget => ({ stepId: 7, stepName: "Upgrade", customerId: 2, customer: "Acme", namespace: "acme", clusterId: 1, cluster: "prod-eu", kubeconfig: "/kube/eu.yaml", status });
const runnable = (status = release.Status.PENDING, more: Partial<release.RunCheck> = {}): release.RunCheck => ({ runnable: [target(status)], refused: [], confirm: [], again: status === release.Status.DONE ? 1 : 0, ...more });
const refused = (why: string): release.RunCheck => ({ runnable: [], refused: [{ stepId: 7, customer: "Acme", why }], confirm: [], again: 0 });

describe("StepPanel", () => {
  beforeEach(() => {
    mutate.mockReset();
    start.mockReset();
    check = runnable();
  });

  it("offers done, skip and override for a pending step", () => {
    show(detail(release.Status.PENDING, {}, ["done", "skip", "override"]));
    expect(screen.getByRole("button", { name: "Mark done" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Skip" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Override" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Revert" })).toBeNull();
  });

  it("offline, keeps the step on screen with its actions disabled, and can still be closed", () => {
    show(detail(release.Status.PENDING, {}, ["done", "skip", "override"]), true);
    // (jsdom delivers a click to a button its fieldset disables; a
    // browser does not: e2e/team.test.mjs clicks one.)
    expect(screen.getByRole("button", { name: "Mark done" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "Skip" })).toBeDisabled();
    expect(screen.getByText("helm upgrade")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Close panel" })).toBeEnabled();
  });

  it("offers only revert for a done step, and shows who did it", () => {
    show(detail(release.Status.DONE, {}, ["revert"]));
    expect(screen.getByRole("button", { name: "Revert" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Mark done" })).toBeNull();
    expect(screen.queryByRole("button", { name: /Override/ })).toBeNull();
    expect(screen.getAllByText(/Dana/).length).toBeGreaterThan(0);
    expect(screen.getByText("pending → done", { exact: false })).toBeInTheDocument();
  });

  it("shows the Go side's refusal to skip without a reason next to the note, then sends the reason", () => {
    // The rule lives in Go (release.Transition); the mock answers as it does.
    mutate.mockImplementation((input: { note: string }, opts: { onError: (e: Error) => void }) => {
      if (input && !input.note?.trim()) opts?.onError(new Error("A reason for skipping is required."));
    });
    show(detail(release.Status.PENDING, {}, ["done", "skip", "override"]));
    fireEvent.click(screen.getByRole("button", { name: "Skip" }));
    expect(screen.getByText("A reason for skipping is required.")).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText("Note or reason"), { target: { value: "not needed" } });
    expect(screen.queryByText("A reason for skipping is required.")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Skip" }));
    expect(mutate).toHaveBeenCalledWith(expect.objectContaining({ action: "skip", stepId: 7, note: "not needed" }), expect.anything());
  });

  it("shows edit and delete for a pending custom step", () => {
    show(detail(release.Status.PENDING, { isCustom: true, source: release.Source.CUSTOM, templateId: undefined }, ["done", "skip", "edit", "delete"]));
    expect(screen.getByText("Custom step")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Edit" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: /Delete/ })).toBeInTheDocument();
  });

  it("shows content as text, never as markup", () => {
    show(detail(release.Status.PENDING, { content: "<script>alert(1)</script>" }, []));
    expect(document.querySelector(".chroma-host script")).toBeNull();
    expect(screen.getByText("<script>alert(1)</script>")).toBeInTheDocument();
  });

  it("does the main action when Enter is pressed in the note", () => {
    show(detail(release.Status.PENDING, {}, ["done", "skip"]));
    const note = screen.getByLabelText("Note or reason");
    fireEvent.change(note, { target: { value: "went fine" } });
    fireEvent.keyDown(note, { key: "Enter" });
    expect(mutate).toHaveBeenCalledWith(expect.objectContaining({ action: "done", stepId: 7, note: "went fine" }), expect.anything());
  });

  it("asks before changing a step of a customer on hold", () => {
    show(detail(release.Status.PENDING, {}, ["done", "skip"], { hold: { at: 1_790_000_000, by: "Dana", reason: "contract renewal" } }));
    expect(screen.getByText("Customer on hold")).toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "Mark done" }));
    expect(mutate).not.toHaveBeenCalled();
    expect(screen.getByText("Acme is on hold")).toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "Change it anyway" }));
    expect(mutate).toHaveBeenCalledWith(expect.objectContaining({ action: "done" }), expect.anything());
  });

  it("keeps the actions above a long script", () => {
    const long = Array.from({ length: 400 }, (_, i) => `echo line ${i}`).join("\n");
    show(detail(release.Status.PENDING, { content: long }, ["done", "skip"]));
    const top = screen.getByTestId("panel-top");
    expect(top).toContainElement(screen.getByRole("button", { name: "Mark done" }));
    const body = screen.getByTestId("code-body");
    expect(top).not.toContainElement(body);
    // 400 lines: only those in view (and a margin) are in the page.
    expect(body.querySelector('[data-testid="code-virtual"]')).not.toBeNull();
    expect(body.querySelectorAll(".line").length).toBeLessThan(120);
  });

  describe("Run", () => {
    it("runs a pending bash step at once when its cluster is confirmed already", () => {
      show(detail(release.Status.PENDING, {}, ["done", "skip"]));
      fireEvent.click(screen.getByRole("button", { name: "Run" }));
      expect(start).toHaveBeenCalledWith({ stepIds: [7], concurrency: 1, stopOnFailure: true, again: false, confirmed: [] });
    });

    it("is disabled with Go's reason when the step cannot run", () => {
      check = refused("'Upgrade' was skipped for Acme: set it back to pending to run it.");
      show(detail(release.Status.SKIPPED, {}, ["pending"]));
      const run = screen.getByRole("button", { name: "Run" });
      expect(run).toBeDisabled();
      expect(screen.getByTestId("run-note")).toHaveTextContent("'Upgrade' was skipped for Acme: set it back to pending to run it.");
      expect(run).toHaveAttribute("aria-describedby", "run-refusal");
    });

    it("says why SQL and text steps do not run, with no Run button", () => {
      check = refused("'Upgrade' is a SQL step: only bash steps run. Copy it instead.");
      show(detail(release.Status.PENDING, { type: release.StepType.SQL }, ["done", "skip"]));
      expect(screen.queryByRole("button", { name: /^Run/ })).toBeNull();
      expect(screen.getByTestId("run-note")).toHaveTextContent("only bash steps run. Copy it instead.");
    });

    it("asks before running a done step again", () => {
      check = runnable(release.Status.DONE);
      show(detail(release.Status.DONE, {}, ["revert"]));
      fireEvent.click(screen.getByRole("button", { name: "Run again…" }));
      expect(start).not.toHaveBeenCalled();
      expect(screen.getByText("Run 'Upgrade' again?")).toBeInTheDocument();
      fireEvent.click(screen.getByRole("button", { name: "Run again" }));
      expect(start).toHaveBeenCalledWith(expect.objectContaining({ stepIds: [7], again: true }));
    });

    it("names the cluster, namespace and kubeconfig before the first run against it", () => {
      check = runnable(release.Status.PENDING, { confirm: [{ clusterId: 1, cluster: "prod-eu", kubeconfig: "/kube/eu.yaml", namespaces: ["acme"] }] });
      show(detail(release.Status.PENDING, {}, ["done", "skip"]));
      fireEvent.click(screen.getByRole("button", { name: "Run…" }));
      expect(start).not.toHaveBeenCalled();
      expect(screen.getByText("Run against prod-eu?")).toBeInTheDocument();
      expect(screen.getByText("/kube/eu.yaml")).toBeInTheDocument();
      expect(screen.getByText("acme")).toBeInTheDocument();
      fireEvent.click(screen.getByRole("button", { name: "Run" }));
      expect(start).toHaveBeenCalledWith(expect.objectContaining({ stepIds: [7], confirmed: [1] }));
    });
  });
});
