import { useState } from "react";
import { Link } from "react-router";
import { Check, History, Pencil, RotateCcw, SkipForward, Trash2, Undo2, CircleDashed } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Badge } from "@/components/ui/badge";
import { ConfirmDialog, Sheet } from "@/components/ui/dialog";
import { Field, Input, NativeSelect, Textarea } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/misc";
import { CodeBlock } from "./code-block";
import { StatusBadge, StatusIcon, TypeBadge } from "./status";
import { useDeleteCustom, useEditCustom, useOverride, useResetToTemplate, useTransition, type StepAction } from "@/api/steps";
import { formatDateTime, timeAgo } from "@/lib/format";
import type { release } from "@wails/go/models";
import type { UseQueryResult } from "@tanstack/react-query";

const sourceLabel: Record<string, { label: string; tone: "neutral" | "primary" | "warning" | "rose" }> = {
  template: { label: "From template", tone: "neutral" },
  custom: { label: "Custom step", tone: "primary" },
  overridden: { label: "Overridden", tone: "warning" },
  "template-deleted": { label: "Template deleted", tone: "rose" },
};

const historyWords: Record<string, string> = {
  done: "Marked done",
  skip: "Skipped",
  revert: "Reverted",
  pending: "Set back to pending",
  override: "Overrode the content",
  reset: "Reset to the template",
  add: "Added the step",
  edit: "Edited the step",
  delete: "Deleted the step",
};

/** StepPanel is the side panel of one customer step
 * (docs/design.md, "The step panel"). */
export function StepPanel({ query, releaseId, open, onOpenChange, cell }: {
  query: UseQueryResult<release.StepDetail, unknown>;
  releaseId: number;
  open: boolean;
  onOpenChange: (o: boolean) => void;
  cell?: { row: number; col: number };
}) {
  const d = query.data;
  return (
    <Sheet
      open={open}
      onOpenChange={onOpenChange}
      title={d ? d.step.name : "Step"}
      description={
        d ? (
          <span className="flex flex-wrap items-center gap-1.5">
            <Link className="font-medium text-foreground hover:underline" to={`/releases/${releaseId}/customer/${d.customer.id}`} onClick={() => onOpenChange(false)}>
              {d.customer.name}
            </Link>
            <span className="font-mono text-xs">{d.customer.clusterName}/{d.customer.namespace}</span>
            <span>· step {d.position + 1} of {d.stepCount} ({d.step.category})</span>
          </span>
        ) : undefined
      }
    >
      {query.isLoading || !d ? (
        <div className="grid gap-3 p-5"><Skeleton className="h-6 w-40" /><Skeleton className="h-40" /><Skeleton className="h-24" /></div>
      ) : (
        <StepPanelBody key={d.step.id + ":" + d.step.updatedAt + d.step.status} d={d} releaseId={releaseId} cell={cell} />
      )}
    </Sheet>
  );
}

function StepPanelBody({ d, releaseId, cell }: { d: release.StepDetail; releaseId: number; cell?: { row: number; col: number } }) {
  const s = d.step;
  const transition = useTransition(releaseId);
  const override = useOverride(releaseId);
  const reset = useResetToTemplate(releaseId);
  const edit = useEditCustom(releaseId);
  const del = useDeleteCustom(releaseId);
  const [note, setNote] = useState("");
  const [noteError, setNoteError] = useState("");
  const [mode, setMode] = useState<"" | "override" | "edit">("");
  const [content, setContent] = useState(s.content);
  const [name, setName] = useState(s.name);
  const [type, setType] = useState(s.type);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const can = (a: string) => d.actions.includes(a);
  const src = sourceLabel[s.source] ?? sourceLabel.template;

  const act = (action: StepAction) => {
    if (action === "skip" && !note.trim()) {
      setNoteError("A reason for skipping is required.");
      return;
    }
    setNoteError("");
    transition.mutate({ action, stepId: s.id, note, cell }, { onSuccess: () => setNote(""), onError: (e) => setNoteError(e.message) });
  };

  return (
    <div className="grid gap-5 p-5">
      <div className="flex flex-wrap items-center gap-2">
        <StatusBadge status={s.status} />
        <TypeBadge type={s.type} />
        <Badge tone={src.tone}>{src.label}</Badge>
        {d.releaseStatus !== "active" && <Badge>Release {d.releaseStatus}: read-only</Badge>}
      </div>
      {s.status !== "pending" && s.executedAt && (
        <div className="rounded-lg border border-border bg-muted/40 px-3 py-2 text-[13px]">
          <span className="font-medium capitalize">{s.status}</span> by <span className="font-medium">{s.executedBy}</span> on {formatDateTime(s.executedAt)}
          {s.skipReason && <div className="mt-1 text-muted-foreground">Reason: {s.skipReason}</div>}
          {s.notes && <div className="mt-1 text-muted-foreground">Notes: {s.notes}</div>}
        </div>
      )}

      {mode === "" && <CodeBlock code={s.content} type={s.type} />}
      {mode === "override" && (
        <div className="grid gap-2">
          <Field label="Content for this customer only" htmlFor="override" error={override.error?.message}>
            <Textarea id="override" className="min-h-40 font-mono text-xs" value={content} onChange={(e) => setContent(e.target.value)} spellCheck={false} />
          </Field>
          <p className="text-xs text-muted-foreground">Template edits no longer reach this step until you reset it.</p>
          <div className="flex gap-2">
            <Button onClick={() => override.mutate({ stepId: s.id, content }, { onSuccess: () => setMode("") })} disabled={override.isPending}>Save override</Button>
            <Button variant="outline" onClick={() => setMode("")}>Cancel</Button>
          </div>
        </div>
      )}
      {mode === "edit" && (
        <div className="grid gap-3">
          <div className="grid grid-cols-[1fr_110px] gap-3">
            <Field label="Name" htmlFor="c-name"><Input id="c-name" value={name} onChange={(e) => setName(e.target.value)} /></Field>
            <Field label="Type" htmlFor="c-type">
              <NativeSelect id="c-type" value={type} onChange={(e) => setType(e.target.value)}><option>bash</option><option>sql</option><option>text</option></NativeSelect>
            </Field>
          </div>
          <Field label="Content" htmlFor="c-content" error={edit.error?.message}>
            <Textarea id="c-content" className="min-h-40 font-mono text-xs" value={content} onChange={(e) => setContent(e.target.value)} spellCheck={false} />
          </Field>
          <div className="flex gap-2">
            <Button onClick={() => edit.mutate({ stepId: s.id, name, type, content }, { onSuccess: () => setMode("") })} disabled={edit.isPending}>Save step</Button>
            <Button variant="outline" onClick={() => setMode("")}>Cancel</Button>
          </div>
        </div>
      )}
      {s.source === "overridden" && d.template && mode === "" && (
        <details className="text-[13px]">
          <summary className="cursor-pointer text-muted-foreground">Template content</summary>
          <CodeBlock className="mt-2" code={d.template.content} type={d.template.type} />
        </details>
      )}

      {d.actions.length > 0 && mode === "" && (
        <div className="grid gap-3 rounded-lg border border-border p-4">
          {(can("done") || can("skip") || can("revert")) && (
            <Field label={can("skip") ? "Note or reason" : can("revert") ? "Reason for reverting" : "Note"} htmlFor="note" error={noteError}>
              <Textarea id="note" className="min-h-14" value={note} onChange={(e) => setNote(e.target.value)} placeholder={can("skip") ? "A note for done, or the reason for skipping (required to skip)" : "Optional"} aria-invalid={!!noteError} />
            </Field>
          )}
          <div className="flex flex-wrap gap-2">
            {can("done") && <Button onClick={() => act("done")} disabled={transition.isPending}><Check /> Mark done</Button>}
            {can("skip") && <Button variant="outline" onClick={() => act("skip")} disabled={transition.isPending}><SkipForward /> Skip</Button>}
            {can("revert") && <Button variant="outline" onClick={() => act("revert")} disabled={transition.isPending}><Undo2 /> Revert</Button>}
            {can("pending") && <Button variant="outline" onClick={() => act("pending")} disabled={transition.isPending}><CircleDashed /> Back to pending</Button>}
          </div>
          <div className="flex flex-wrap gap-2 border-t border-border pt-3">
            {can("override") && <Button variant="ghost" size="sm" onClick={() => { setContent(s.content); setMode("override"); }}><Pencil /> Override for this customer</Button>}
            {can("reset") && <Button variant="ghost" size="sm" onClick={() => reset.mutate(s.id)}><RotateCcw /> Reset to template</Button>}
            {can("edit") && <Button variant="ghost" size="sm" onClick={() => setMode("edit")}><Pencil /> Edit custom step</Button>}
            {can("delete") && <Button variant="ghost" size="sm" className="text-destructive" onClick={() => setConfirmDelete(true)}><Trash2 /> Delete</Button>}
          </div>
        </div>
      )}

      <section aria-label="History">
        <h3 className="mb-2 flex items-center gap-1.5 text-[13px] font-semibold"><History className="size-4 text-muted-foreground" aria-hidden /> History</h3>
        {d.history.length === 0 ? (
          <p className="text-[13px] text-muted-foreground">No changes yet.</p>
        ) : (
          <ol className="relative grid gap-3 border-l border-border pl-4">
            {d.history.map((h) => (
              <li key={h.id} className="text-[13px]">
                <span className="absolute -left-[7px] mt-1 flex size-3.5 items-center justify-center rounded-full bg-card ring-1 ring-border">
                  <StatusIcon status={h.toStatus || "pending"} className="size-2.5" />
                </span>
                <div>
                  <span className="font-medium">{historyWords[h.action] ?? h.action}</span>
                  {h.fromStatus && h.toStatus && <span className="text-muted-foreground"> · {h.fromStatus} → {h.toStatus}</span>}
                </div>
                <div className="text-xs text-muted-foreground" title={formatDateTime(h.createdAt)}>{h.actor} · {timeAgo(h.createdAt)}</div>
                {h.note && <div className="mt-0.5 text-xs">“{h.note}”</div>}
              </li>
            ))}
          </ol>
        )}
      </section>
      <ConfirmDialog
        open={confirmDelete}
        onOpenChange={setConfirmDelete}
        title={`Delete '${s.name}'?`}
        description="This custom step is removed for this customer; its history stays on record."
        confirmLabel="Delete step"
        destructive
        onConfirm={() => del.mutate(s.id, { onSettled: () => setConfirmDelete(false) })}
      />
    </div>
  );
}
