import { toast } from "sonner";
import type { release } from "@wails/go/models";
import { plural } from "./format";

/** bulkMessage says what a change did in the server's words: how many
 * steps changed, and why the rest stayed (per state, on hold). */
export function bulkMessage(r: release.BulkResult): { text: string; tone: "success" | "warning" | "info" } {
  const why = r.kept.map((k) => k.why).join("; ");
  if (r.changed === 0) return { text: `Nothing changed: ${why}.`, tone: "warning" };
  const head = `${plural(r.changed, "step")} changed`;
  return r.kept.length ? { text: `${head}. ${why[0].toUpperCase()}${why.slice(1)}.`, tone: "warning" } : { text: `${head}.`, tone: "success" };
}

/** showChange toasts a change with an Undo button for 10 seconds; Undo
 * applies the inverse change (recorded in the history as well). */
export function showChange(r: release.BulkResult, undo: (from: number, to: number) => void) {
  const { text, tone } = bulkMessage(r);
  const action = r.historyFrom > 0 ? { label: "Undo", onClick: () => undo(r.historyFrom, r.historyTo) } : undefined;
  const opts = { duration: 10_000, action };
  if (tone === "success") toast.success(text, opts);
  else if (tone === "warning") toast.warning(text, opts);
  else toast(text, opts);
}

const doneWords: Record<string, string> = { done: "marked done", skipped: "skipped", reverted: "reverted", pending: "set back to pending" };

/** showStepChange toasts one step's change, with Undo for 10 seconds. */
export function showStepChange(s: release.Step, undo: (from: number, to: number) => void) {
  const action = s.change ? { label: "Undo", onClick: () => undo(s.change!, s.change!) } : undefined;
  toast.success(`'${s.name}' ${doneWords[s.status] ?? s.status}.`, { duration: 10_000, action });
}
