import { describe, expect, it, vi, beforeEach } from "vitest";
import { fireEvent, render, screen, within } from "@testing-library/react";
import { release } from "@wails/go/models";
import { matrixFixture } from "@/test/fixtures";

// Go's Check is mocked at the api/ boundary: the dialog only shows what it says.
let check: release.RunCheck;
const start = vi.fn();
vi.mock("@/api/runs", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/api/runs")>()),
  useCellSteps: () => ({ data: [11, 12, 13, 14, 15, 16], isError: false }),
  useRunCheck: () => ({ data: check, isError: false }),
  useStartRun: () => ({ mutate: start, isPending: false }),
}));

const { RunDialog } = await import("./run-dialog");

const target = (stepId: number, customer: string, clusterId: number, status = release.Status.PENDING): release.RunTarget => ({
  stepId, stepName: "Deploy", customerId: stepId, customer, namespace: customer.toLowerCase(), clusterId, cluster: clusterId === 10 ? "prod-eu" : "prod-us", kubeconfig: clusterId === 10 ? "/kube/eu.yaml" : "", status,
});

function show() {
  const m = matrixFixture();
  render(<RunDialog m={m} rows={[0]} cols={[0, 1, 2]} onClose={() => {}} onStarted={() => {}} />);
}

describe("RunDialog", () => {
  beforeEach(() => {
    start.mockReset();
    check = {
      runnable: [target(11, "Acme", 10), target(12, "Bergmann", 10), target(13, "Globex", 20, release.Status.DONE)],
      refused: [
        { stepId: 14, customer: "Initech", why: "Initech is on hold in this release." },
        { stepId: 15, customer: "Umbrella", why: "Umbrella is on hold in this release." },
        { stepId: 16, customer: "Hooli", why: "'Deploy' was skipped for Hooli: set it back to pending to run it." },
      ],
      confirm: [
        { clusterId: 10, cluster: "prod-eu", kubeconfig: "/kube/eu.yaml", namespaces: ["acme", "bergmann"] },
        { clusterId: 20, cluster: "prod-us", kubeconfig: "", namespaces: ["globex"] },
      ],
      again: 1,
    };
  });

  it("counts what will run and groups Go's reasons for the rest", () => {
    show();
    expect(screen.getByTestId("will-run")).toHaveTextContent("2");
    expect(screen.getByTestId("refused")).toHaveTextContent("3");
    const reasons = within(screen.getByTestId("refusals")).getAllByRole("listitem");
    expect(reasons).toHaveLength(2);
    expect(reasons[0]).toHaveTextContent("2Initech is on hold in this release.Also Umbrella.");
    expect(reasons[1]).toHaveTextContent("1'Deploy' was skipped for Hooli");
    expect(screen.getByText("done already")).toBeInTheDocument();
  });

  it("asks only for the clusters the run reaches, and starts once each is confirmed", () => {
    show();
    // Globex is done: not run, so prod-us needs no confirming.
    expect(screen.getByText("Run against prod-eu?")).toBeInTheDocument();
    expect(screen.queryByRole("checkbox", { name: "Run against prod-us" })).toBeNull();
    const go = screen.getByTestId("start-run");
    expect(go).toHaveTextContent("Run 2 steps");
    expect(go).toBeDisabled();
    fireEvent.click(screen.getByRole("checkbox", { name: "Run against prod-eu" }));
    expect(go).toBeEnabled();
    fireEvent.change(screen.getByLabelText("At once"), { target: { value: "4" } });
    fireEvent.click(go);
    expect(start).toHaveBeenCalledWith({ stepIds: [11, 12], concurrency: 4, stopOnFailure: true, again: false, confirmed: [10] }, expect.anything());
  });

  it("runs the done ones too when asked, which needs their cluster confirmed as well", () => {
    show();
    fireEvent.click(screen.getByRole("checkbox", { name: /Also run the 1 step done already/ }));
    expect(screen.getByTestId("will-run")).toHaveTextContent("3");
    fireEvent.click(screen.getByRole("checkbox", { name: "Run against prod-eu" }));
    const go = screen.getByTestId("start-run");
    expect(go).toBeDisabled();
    fireEvent.click(screen.getByRole("checkbox", { name: "Run against prod-us" }));
    fireEvent.click(screen.getByRole("checkbox", { name: /Stop at the first failure/ }));
    fireEvent.click(go);
    expect(start).toHaveBeenCalledWith({ stepIds: [11, 12, 13], concurrency: 1, stopOnFailure: false, again: true, confirmed: [10, 20] }, expect.anything());
  });
});
