import { describe, expect, it, vi, beforeEach } from "vitest";
import { fireEvent, render, screen } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import type { release } from "@wails/go/models";

// The bindings are replaced at the api/ boundary.
const mutate = vi.fn();
const hook = () => ({ mutate, isPending: false, error: null });
vi.mock("@/api/steps", () => ({
  useTransition: hook,
  useOverride: hook,
  useResetToTemplate: hook,
  useEditCustom: hook,
  useDeleteCustom: hook,
  useHighlight: (_t: string, c: string) => ({ data: { html: `<pre>${c.replace(/</g, "&lt;")}</pre>`, lines: 1 }, isLoading: false }),
  useHighlightStyles: () => ({ data: undefined }),
}));
vi.mock("@/api/system", () => ({ copyToClipboard: vi.fn(() => Promise.resolve()) }));

const { StepPanel } = await import("./step-panel");
const { TooltipProvider } = await import("@/components/ui/misc");

function detail(status: string, extra: Partial<release.Step> = {}, actions: string[] = []): release.StepDetail {
  return {
    step: {
      id: 7, releaseId: 1, customerId: 2, templateId: 3, name: "Upgrade", category: "deploy", type: "bash", content: "helm upgrade", orderIndex: 0,
      status, executedAt: status === "pending" ? undefined : 1_790_000_000, executedBy: "Dana", skipReason: "", notes: "", isCustom: false, isOverridden: false,
      source: "template", updatedAt: 1, ...extra,
    },
    template: undefined,
    release: { id: 1, name: "r" },
    releaseStatus: "active",
    customer: { id: 2, name: "Acme", namespace: "acme", clusterId: 1, clusterName: "prod-eu" },
    history: [{ id: 1, stepId: 7, releaseId: 1, releaseName: "r", customerId: 2, customerName: "Acme", stepName: "Upgrade", action: "done", fromStatus: "pending", toStatus: "done", note: "ok", contentBefore: "", contentAfter: "", actor: "Dana", createdAt: 1_790_000_000 }],
    actions,
    position: 0,
    stepCount: 3,
  };
}

function show(d: release.StepDetail) {
  const query = { data: d, isLoading: false } as never;
  render(
    <MemoryRouter>
      <TooltipProvider>
        <StepPanel query={query} releaseId={1} open onOpenChange={() => {}} />
      </TooltipProvider>
    </MemoryRouter>,
  );
}

describe("StepPanel", () => {
  beforeEach(() => mutate.mockReset());

  it("offers done, skip and override for a pending step", () => {
    show(detail("pending", {}, ["done", "skip", "override"]));
    expect(screen.getByRole("button", { name: "Mark done" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Skip" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: /Override for this customer/ })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Revert" })).toBeNull();
  });

  it("offers only revert for a done step, and shows who did it", () => {
    show(detail("done", {}, ["revert"]));
    expect(screen.getByRole("button", { name: "Revert" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Mark done" })).toBeNull();
    expect(screen.queryByRole("button", { name: /Override/ })).toBeNull();
    expect(screen.getAllByText(/Dana/).length).toBeGreaterThan(0);
    expect(screen.getByText("pending → done", { exact: false })).toBeInTheDocument();
  });

  it("refuses to skip without a reason, then sends the reason", () => {
    show(detail("pending", {}, ["done", "skip", "override"]));
    fireEvent.click(screen.getByRole("button", { name: "Skip" }));
    expect(screen.getByText("A reason for skipping is required.")).toBeInTheDocument();
    expect(mutate).not.toHaveBeenCalled();
    fireEvent.change(screen.getByLabelText("Note or reason"), { target: { value: "not needed" } });
    fireEvent.click(screen.getByRole("button", { name: "Skip" }));
    expect(mutate).toHaveBeenCalledWith(expect.objectContaining({ action: "skip", stepId: 7, note: "not needed" }), expect.anything());
  });

  it("shows edit and delete for a pending custom step", () => {
    show(detail("pending", { isCustom: true, source: "custom", templateId: undefined }, ["done", "skip", "edit", "delete"]));
    expect(screen.getByText("Custom step")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: /Edit custom step/ })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: /Delete/ })).toBeInTheDocument();
  });

  it("shows content as text, never as markup", () => {
    show(detail("pending", { content: "<script>alert(1)</script>" }, []));
    expect(document.querySelector(".chroma-host script")).toBeNull();
    expect(screen.getByText("<script>alert(1)</script>")).toBeInTheDocument();
  });
});
