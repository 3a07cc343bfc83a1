import { describe, expect, it, vi } from "vitest";
import { render, screen } from "@testing-library/react";
import { FrozenContext } from "@/lib/frozen";
import { Button } from "./button";
import { ConfirmDialog, Dialog } from "./dialog";

function show(frozen: boolean) {
  render(
    <FrozenContext.Provider value={frozen}>
      <Dialog open onOpenChange={() => {}} title="Add customers" footer={<Button>Add 3 customers</Button>}>
        <input aria-label="Search customers" />
      </Dialog>
    </FrozenContext.Provider>,
  );
}

function confirm(frozen: boolean) {
  render(
    <FrozenContext.Provider value={frozen}>
      <ConfirmDialog open onOpenChange={() => {}} title="Delete release?" description="It goes for good." confirmLabel="Delete" onConfirm={vi.fn()} />
    </FrozenContext.Provider>,
  );
}

// A dialog is a portal, outside the page's disabled fieldset: one open when
// the team database goes out of reach freezes itself (lib/frozen).
describe("dialogs while the team database is out of reach", () => {
  it("disables a dialog's fields and footer, says why, and can still be closed", () => {
    show(true);
    expect(screen.getByLabelText("Search customers")).toBeDisabled();
    expect(screen.getByRole("button", { name: "Add 3 customers" })).toBeDisabled();
    expect(screen.getByRole("status")).toHaveTextContent("out of reach");
    expect(screen.getByRole("button", { name: "Close" })).toBeEnabled();
  });

  it("leaves a dialog alone while the database is there", () => {
    show(false);
    expect(screen.getByLabelText("Search customers")).toBeEnabled();
    expect(screen.getByRole("button", { name: "Add 3 customers" })).toBeEnabled();
    expect(screen.queryByRole("status")).toBeNull();
  });

  it("disables a confirmation's action but not its Cancel", () => {
    confirm(true);
    expect(screen.getByRole("button", { name: "Delete" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "Cancel" })).toBeEnabled();
    expect(screen.getByRole("status")).toHaveTextContent("out of reach");
  });
});
