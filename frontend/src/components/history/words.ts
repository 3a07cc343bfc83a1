import { release } from "@wails/go/models";
import { plural } from "@/lib/format";

/** historyWords names each kind of history row, as a step's timeline shows it. */
export const historyWords: Record<string, string> = {
  done: "Marked done",
  skip: "Skipped",
  revert: "Reverted",
  pending: "Set back to pending",
  undo: "Undid a change",
  override: "Overrode the content",
  reset: "Reset to the template",
  add: "Added the step",
  edit: "Edited the step",
  delete: "Deleted the step",
  "template-edit": "Template edited",
  "template-add": "Template step added",
  "template-delete": "Template step deleted",
  reorder: "Steps reordered",
  "customers-add": "Customers added",
  "release-edit": "Release edited",
  activate: "Release activated",
  archive: "Release archived",
  hold: "Held back",
  unhold: "Hold released",
  run: "Ran the step",
};

/** kindLabels are the activity log's filters, in display order. */
export const kindLabels: [release.Kind, string][] = [
  [release.Kind.STATUS, "Status"],
  [release.Kind.CONTENT, "Content"],
  [release.Kind.TEMPLATES, "Templates"],
  [release.Kind.CUSTOMERS, "Customers"],
  [release.Kind.RELEASE, "Release"],
  [release.Kind.RUNS, "Runs"],
];

/** A sentence in parts: the activity log renders the names in bold. */
export type Part = string | { name: string; of: "step" | "customer" | "release" };

const step = (h: release.HistoryEntry): Part => ({ name: h.stepName, of: "step" });
const customer = (h: release.HistoryEntry): Part => ({ name: h.customerName || "a customer no longer on record", of: "customer" });

function parse(detail: string): Record<string, unknown> {
  if (!detail) return {};
  try {
    const v = JSON.parse(detail);
    return v && typeof v === "object" ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const fieldNames: Record<string, string> = { name: "name", type: "type", version: "version", releaseDate: "date", description: "description", targets: "targets" };
const show = (v: unknown) => (v === null || v === undefined || v === "" ? "none" : typeof v === "object" ? "changed" : String(v));

/** describe is what one history row says, after its actor. */
export function describe(h: release.HistoryEntry): Part[] {
  const d = parse(h.detail);
  switch (h.action) {
    case "done":
      return ["marked ", step(h), " done for ", customer(h)];
    case "skip":
      return ["skipped ", step(h), " for ", customer(h)];
    case "revert":
      return ["reverted ", step(h), " for ", customer(h)];
    case "pending":
      return ["set ", step(h), " back to pending for ", customer(h)];
    case "undo":
      return ["undid a change to ", step(h), " for ", customer(h)];
    case "override":
      return ["overrode ", step(h), " for ", customer(h)];
    case "reset":
      return ["reset ", step(h), " to its template for ", customer(h)];
    case "add":
      return ["added the custom step ", step(h), " for ", customer(h)];
    case "edit":
      return ["edited the custom step ", step(h), " for ", customer(h)];
    case "delete":
      return ["deleted the custom step ", step(h), " for ", customer(h)];
    case "run":
      return ["ran ", step(h), " for ", customer(h)];
    case "hold":
      return ["held ", customer(h), " back"];
    case "unhold":
      return ["released the hold on ", customer(h)];
    case "template-add":
      return d.fromCustomer ? ["added the template step ", step(h), " from the steps of ", customer(h)] : ["added the template step ", step(h)];
    case "template-delete":
      return ["deleted the template step ", step(h)];
    case "template-edit": {
      const renamed = Array.isArray(d.renamed) ? ` (renamed from “${d.renamed[0]}”)` : "";
      const n = typeof d.propagated === "number" ? d.propagated : 0;
      return ["edited the template step ", step(h), `${renamed}; it reached ${plural(n, "pending step")}`];
    }
    case "reorder":
      return [`reordered the ${typeof d.category === "string" ? d.category : ""} steps`.replace("  ", " ")];
    case "customers-add": {
      const names = Array.isArray(d.customers) ? (d.customers as string[]) : [];
      const head = names.slice(0, 5).join(", ");
      return [`added ${plural(names.length, "customer")}${head ? `: ${head}${names.length > 5 ? ` and ${names.length - 5} more` : ""}` : ""}`];
    }
    case "release-edit": {
      const changes = Object.entries(d).map(([k, v]) => {
        const pair = Array.isArray(v) ? v : [];
        return k === "targets" || k === "description" ? `the ${fieldNames[k] ?? k}` : `the ${fieldNames[k] ?? k} from “${show(pair[0])}” to “${show(pair[1])}”`;
      });
      return [`changed ${changes.join(", ") || "the release"}`];
    }
    case "activate": {
      const c = typeof d.customerCount === "number" ? d.customerCount : undefined;
      const s = typeof d.stepCount === "number" ? d.stepCount : undefined;
      return [`activated the release${c !== undefined ? ` for ${plural(c, "customer")}` : ""}${s !== undefined ? ` (${plural(s, "step")})` : ""}`];
    }
    case "archive": {
      const p = typeof d.percent === "number" ? d.percent : undefined;
      const pending = typeof d.pending === "number" ? d.pending : 0;
      return [`archived the release${p !== undefined ? ` at ${p}% done` : ""}${pending ? `, ${plural(pending, "step")} still pending` : ""}`];
    }
  }
  return [historyWords[h.action] ?? h.action, " ", step(h)];
}

/** sentence is describe as plain text. */
export const sentence = (h: release.HistoryEntry) => describe(h).map((p) => (typeof p === "string" ? p : p.name)).join("");
