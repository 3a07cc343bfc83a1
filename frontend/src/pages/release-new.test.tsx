import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen } from "@testing-library/react";
import { MemoryRouter } from "react-router";

const mutate = vi.fn();
vi.mock("@/api/clusters", () => ({ useClusters: () => ({ data: [{ id: 1, name: "prod-eu", customerCount: 2 }] }) }));
vi.mock("@/api/customers", () => ({
  useCustomers: () => ({
    data: [
      { id: 5, name: "Acme", namespace: "acme", clusterId: 1, clusterName: "prod-eu" },
      { id: 6, name: "Bergmann", namespace: "bergmann", clusterId: 1, clusterName: "prod-eu" },
    ],
  }),
}));
// The count and the refusal of an empty choice come from Go (TargetPreview);
// the mock answers as it does for these two customers.
const preview = (t: { mode: string; clusterIds: number[]; customerIds: number[] }) => {
  if (t.mode === "all") return { data: 2, error: null };
  const n = t.customerIds.length + (t.clusterIds.length ? 2 : 0);
  return n ? { data: n, error: null } : { data: undefined, error: new Error("Choose at least one cluster or customer, or target all active customers.") };
};
vi.mock("@/api/releases", () => ({
  useReleases: () => ({ data: [] }),
  useCreateRelease: () => ({ mutate, isPending: false, error: null }),
  useTargetPreview: preview,
}));
const { NewReleasePage } = await import("./release-new");

const next = () => fireEvent.click(screen.getByRole("button", { name: /Next/ }));

describe("new-release wizard", () => {
  it("walks details, targets, steps and review, then creates the draft", () => {
    render(<MemoryRouter><NewReleasePage /></MemoryRouter>);
    next();
    expect(screen.getByRole("alert")).toHaveTextContent("Release name is required.");
    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "2026.12" } });
    next();
    fireEvent.click(screen.getByLabelText(/Chosen customers/));
    next();
    expect(screen.getByRole("alert")).toHaveTextContent("Choose at least one cluster or customer");
    fireEvent.click(screen.getByLabelText(/Acme/));
    expect(screen.getByText(/Today that is 1 customer/)).toBeInTheDocument();
    next();
    fireEvent.click(screen.getByRole("button", { name: "Add step" }));
    expect(screen.getByRole("alert")).toHaveTextContent("Step name is required.");
    fireEvent.change(screen.getByLabelText("Step name"), { target: { value: "Upgrade" } });
    fireEvent.change(screen.getByLabelText("Content"), { target: { value: "helm upgrade" } });
    fireEvent.click(screen.getByRole("button", { name: "Add step" }));
    expect(screen.getByText("Upgrade")).toBeInTheDocument();
    next();
    expect(screen.getByText(/plus 1 new step/)).toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "Create draft release" }));
    expect(mutate).toHaveBeenCalledWith(
      expect.objectContaining({
        name: "2026.12",
        targets: { mode: "selected", clusterIds: [], customerIds: [5] },
        type: "release",
        templates: [{ name: "Upgrade", category: "deploy", type: "bash", content: "helm upgrade", description: "" }],
      }),
      expect.anything(),
    );
  });
});
