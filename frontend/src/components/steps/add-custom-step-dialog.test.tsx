import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen } from "@testing-library/react";
import { release } from "@wails/go/models";

const mutate = vi.fn();
vi.mock("@/api/steps", () => ({ useAddCustom: () => ({ mutate, isPending: false, error: null }) }));
const { AddCustomStepDialog } = await import("./add-custom-step-dialog");

const step = (id: number, name: string) => ({ id, name }) as release.Step;

describe("AddCustomStepDialog", () => {
  it("lists a position before each step and at the end; add to template is off by default", () => {
    render(<AddCustomStepDialog open onOpenChange={() => {}} releaseId={1} customerId={2} customerName="Acme" category={release.Category.DEPLOY} existing={[step(1, "Back up"), step(2, "Migrate")]} />);
    const options = [...(screen.getByLabelText("Position") as HTMLSelectElement).options].map((o) => o.text);
    expect(options).toEqual(["Before 1. Back up", "Before 2. Migrate", "After 2. Migrate (at the end)"]);
    expect(screen.getByLabelText(/Add to template/)).not.toBeChecked();
    expect(screen.getByText(/every customer of this release/)).toBeInTheDocument();
  });

  it("sends the chosen position and add-to-template", () => {
    render(<AddCustomStepDialog open onOpenChange={() => {}} releaseId={1} customerId={2} customerName="Acme" category={release.Category.VERIFY} existing={[step(1, "Check")]} initialPosition={1} />);
    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "Extra check" } });
    fireEvent.change(screen.getByLabelText("Content"), { target: { value: "select 1" } });
    fireEvent.change(screen.getByLabelText("Position"), { target: { value: "0" } });
    fireEvent.click(screen.getByLabelText(/Add to template/));
    fireEvent.click(screen.getByRole("button", { name: "Add step" }));
    expect(mutate).toHaveBeenCalledWith(
      { releaseId: 1, customerId: 2, category: "verify", name: "Extra check", type: "bash", content: "select 1", position: 0, addToTemplate: true },
      expect.anything(),
    );
  });
});
