import { useState } from "react";
import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, within } from "@testing-library/react";
import { MetadataEditor, MetadataView, metadataOf, metadataProblem, metadataRows, type MetadataRow } from "./metadata-editor";

/** Harness keeps the rows in state, as a form does, and shows what the
 * form would send. */
function Harness({ initial, error }: { initial?: Record<string, string>; error?: string }) {
  const [rows, setRows] = useState<MetadataRow[]>(() => metadataRows(initial));
  return (
    <>
      <MetadataEditor scope="customer" rows={rows} onChange={setRows} error={error || metadataProblem(rows)} />
      <output data-testid="sent">{JSON.stringify(metadataOf(rows))}</output>
    </>
  );
}
const sent = () => JSON.parse(screen.getByTestId("sent").textContent!);

describe("metadata editor", () => {
  it("shows Go's metadata by key, values as they are", () => {
    render(<Harness initial={{ tier: "gold", region: "eu", note: "two\nlines", replicas: "3" }} />);
    const keys = screen.getAllByLabelText(/^Metadata key \d$/).map((i) => (i as HTMLInputElement).value);
    expect(keys).toEqual(["note", "region", "replicas", "tier"]);
    expect(screen.getByLabelText("Value of metadata key note")).toHaveValue("two\nlines");
    expect(screen.getByText("4 keys")).toBeInTheDocument();
    // Sent back untouched, every value is the text Go showed (a number
    // another app stored stays a number on the Go side).
    expect(sent()).toEqual({ tier: "gold", region: "eu", note: "two\nlines", replicas: "3" });
  });

  it("adds, edits and removes rows", () => {
    render(<Harness initial={{ tier: "gold" }} />);
    fireEvent.click(screen.getByRole("button", { name: "Add key" }));
    const rows = screen.getAllByTestId("metadata-row");
    expect(rows).toHaveLength(2);
    // A new, blank row is no key yet.
    expect(sent()).toEqual({ tier: "gold" });
    fireEvent.change(screen.getByLabelText("Metadata key 2"), { target: { value: "region" } });
    fireEvent.change(screen.getByLabelText("Value of metadata key region"), { target: { value: "eu-west" } });
    expect(sent()).toEqual({ tier: "gold", region: "eu-west" });
    expect(screen.getByText("{{customer.tier}}")).toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "Remove metadata key tier" }));
    expect(sent()).toEqual({ region: "eu-west" });
    expect(screen.getAllByTestId("metadata-row")).toHaveLength(1);
  });

  it("a key typed twice is said at once, since a map cannot carry it to Go", () => {
    render(<Harness initial={{ tier: "gold" }} />);
    fireEvent.click(screen.getByRole("button", { name: "Add key" }));
    fireEvent.change(screen.getByLabelText("Metadata key 2"), { target: { value: " tier " } });
    expect(screen.getByRole("alert")).toHaveTextContent("Metadata key 'tier' is given twice.");
  });

  it.each([
    ["Metadata key 'Region' must start with a lower-case letter and use only lower-case letters, digits and '_'.", "Region"],
    ["The value of metadata key 'note' must be at most 4096 bytes (it has 5000).", "note"],
  ])("Go's sentence shows below the rows and marks its row: %s", (message, key) => {
    render(<Harness initial={{ [key]: "x", other: "y" }} error={message} />);
    expect(screen.getByRole("alert")).toHaveTextContent(message);
    const rows = screen.getAllByTestId("metadata-row");
    const marked = rows.filter((r) => within(r).getAllByRole("textbox")[0].getAttribute("aria-invalid") === "true");
    expect(marked).toHaveLength(1);
    expect(within(marked[0]).getAllByRole("textbox")[0]).toHaveValue(key);
  });

  it("keys go to Go as typed: Go trims and checks them", () => {
    const rows = [
      { id: 1, key: " Tier ", value: " gold " },
      { id: 2, key: "", value: "" },
    ];
    expect(metadataOf(rows)).toEqual({ " Tier ": " gold " });
    expect(metadataProblem(rows)).toBe("");
    expect(metadataProblem([{ id: 1, key: "", value: "a" }, { id: 2, key: " ", value: "b" }])).toBe("Metadata keys cannot be empty.");
  });
});

describe("metadata view", () => {
  it("lists keys and values read-only, by key", () => {
    render(<MetadataView metadata={{ tier: "gold", region: "eu", limits: '{"cpu":2}' }} />);
    const list = screen.getByTestId("metadata-view");
    expect(Array.from(list.querySelectorAll("dt")).map((d) => d.textContent)).toEqual(["limits", "region", "tier"]);
    expect(Array.from(list.querySelectorAll("dd")).map((d) => d.textContent)).toEqual(['{"cpu":2}', "eu", "gold"]);
    expect(screen.queryByRole("textbox")).toBeNull();
  });

  it("says when there is none", () => {
    render(<MetadataView metadata={{}} />);
    expect(screen.getByText("No metadata.")).toBeInTheDocument();
  });
});
