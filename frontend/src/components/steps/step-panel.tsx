import { useState, type FormEvent, type KeyboardEvent } from "react";
import { Link } from "react-router";
import { Check, CircleDashed, PauseCircle, Pencil, RotateCcw, SkipForward, Trash2, Undo2 } from "lucide-react";
import { release } from "@wails/go/models";
import type { UseQueryResult } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { Badge } from "@/components/ui/badge";
import { ConfirmDialog, Sheet } from "@/components/ui/dialog";
import { Field, Input, NativeSelect, Textarea } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/misc";
import { CodeBlock } from "./code-block";
import { DiffView } from "./diff-view";
import { LazyDetails } from "@/components/ui/lazy-details";
import { Timeline } from "@/components/history/timeline";
import { StatusBadge, TypeBadge } from "./status";
import { useDeleteCustom, useEditCustom, useOverride, useResetToTemplate, useTransition, useUndo, type StepAction } from "@/api/steps";
import { showStepChange } from "@/lib/undo-toast";
import { formatDateTime } from "@/lib/format";
import { StepRunLive, StepRunsList, useRunControl } from "@/components/runs/step-run";
import { latestJob, useBatches } from "@/api/runs";
import { useAppEvent, type DBChange } from "@/lib/events";
import { FrozenFields } from "@/components/ui/frozen-fields";

const A = release.Action;

const sourceLabel: Record<string, { label: string; tone: "neutral" | "primary" | "warning" | "rose" }> = {
  [release.Source.TEMPLATE]: { label: "From template", tone: "neutral" },
  [release.Source.CUSTOM]: { label: "Custom step", tone: "primary" },
  [release.Source.OVERRIDDEN]: { label: "Overridden", tone: "warning" },
  [release.Source.TEMPLATE_DELETED]: { label: "Template deleted", tone: "rose" },
};


/** StepPanel is the side panel of one customer step (docs/design.md, "The
 * step panel"): its state and actions stay at the top while the content and
 * the history scroll below them. */
export function StepPanel({ query, releaseId, open, onOpenChange, returnFocus }: {
  query: UseQueryResult<release.StepDetail, unknown>;
  releaseId: number;
  open: boolean;
  onOpenChange: (o: boolean) => void;
  returnFocus?: () => void;
}) {
  const d = query.data;
  // A change made outside the window (the command line, another program)
  // refetches the panel (app-shell); the panel also says so, so the
  // operator does not wonder why the step changed under their eyes. Kept
  // here: the body remounts with every change of the step.
  const [outsideFor, setOutsideFor] = useState(0);
  useAppEvent("db:changed", (c: DBChange) => {
    if (d && (c.all || c.steps.includes(d.step.id))) setOutsideFor(d.step.id);
  });
  return (
    <Sheet
      open={open}
      onOpenChange={(o) => {
        if (!o) setOutsideFor(0);
        onOpenChange(o);
      }}
      returnFocus={returnFocus}
      title={d ? d.step.name : "Step"}
      description={
        d ? (
          <span className="flex flex-wrap items-center gap-1.5">
            <Link className="max-w-[16rem] truncate font-medium text-foreground hover:underline" to={`/releases/${releaseId}/customer/${d.customer.id}`} onClick={() => onOpenChange(false)} title={d.customer.name}>
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
        // The panel is a portal, outside the page's FrozenFields.
        <FrozenFields>
          <StepPanelBody key={d.step.id + ":" + d.step.updatedAt + d.step.status} d={d} releaseId={releaseId} outside={outsideFor === d.step.id} />
        </FrozenFields>
      )}
    </Sheet>
  );
}

function StepPanelBody({ d, releaseId, outside }: { d: release.StepDetail; releaseId: number; outside: boolean }) {
  const s = d.step;
  const transition = useTransition(releaseId);
  const override = useOverride(releaseId);
  const reset = useResetToTemplate(releaseId);
  const edit = useEditCustom(releaseId);
  const del = useDeleteCustom(releaseId);
  const undo = useUndo(releaseId);
  const [note, setNote] = useState("");
  const [noteError, setNoteError] = useState("");
  const [mode, setMode] = useState<"" | "override" | "edit">("");
  const [content, setContent] = useState(s.content);
  const [name, setName] = useState(s.name);
  const [type, setType] = useState<release.StepType>(s.type);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [heldAction, setHeldAction] = useState<StepAction | null>(null);
  const can = (a: string) => d.actions.includes(a);
  const run = useRunControl(d);
  // A run of this session goes above the content, with the runs below it.
  const ranNow = !!latestJob(useBatches().data, s.id);
  const src = sourceLabel[s.source] ?? sourceLabel[release.Source.TEMPLATE];
  const last = d.history[0];

  const act = (action: StepAction, confirmedHeld = false) => {
    if (d.hold && !confirmedHeld) {
      setHeldAction(action);
      return;
    }
    transition.mutate(
      { action, stepId: s.id, note },
      {
        onSuccess: (st) => {
          setNote("");
          showStepChange(st, (from, to) => undo.mutate({ from, to }));
        },
        onError: (e) => setNoteError(e.message),
      },
    );
  };
  // Enter in the note does the main action (Shift+Enter: a new line).
  const submitNote = (e: FormEvent | KeyboardEvent) => {
    e.preventDefault();
    if (can(A.SKIP) && note.trim() && !can(A.DONE)) act(A.SKIP);
    else if (can(A.DONE)) act(A.DONE);
    else if (can(A.REVERT)) act(A.REVERT);
  };

  return (
    <>
      <div className="grid shrink-0 gap-3 border-b border-border px-5 py-4" data-testid="panel-top">
        <div className="flex flex-wrap items-center gap-2">
          <StatusBadge status={s.status} />
          <TypeBadge type={s.type} />
          <Badge tone={src.tone}>{src.label}</Badge>
          {d.hold && <Badge tone="warning"><PauseCircle aria-hidden /> Customer on hold</Badge>}
          {d.releaseStatus !== release.ReleaseStatus.ACTIVE && <Badge>Release {d.releaseStatus}: read-only</Badge>}
        </div>
        {outside && (
          <p role="status" data-testid="changed-outside" className="rounded-md border border-primary/30 bg-primary/5 px-3 py-2 text-[13px]">
            This step just changed outside this window{last?.source === "cli" ? ` — from the command line, by ${last.actor}` : ""}. It shows as it is now.
          </p>
        )}
        {d.hold && <p className="text-[13px] text-muted-foreground">On hold since {formatDateTime(d.hold.at)} ({d.hold.by}): {d.hold.reason}</p>}
        {s.status !== release.Status.PENDING && s.executedAt && (
          <div className="rounded-lg border border-border bg-muted/40 px-3 py-2 text-[13px]">
            <span className="font-medium capitalize">{s.status}</span> by <span className="font-medium">{s.executedBy}</span> on {formatDateTime(s.executedAt)}
            {s.skipReason && <div className="mt-1 break-words text-muted-foreground">Reason: {s.skipReason}</div>}
            {s.notes && <div className="mt-1 break-words text-muted-foreground">Notes: {s.notes}</div>}
          </div>
        )}
        {(d.actions.length > 0 || run.button) && mode === "" && (
          <div className="grid gap-2">
            {(can(A.DONE) || can(A.SKIP) || can(A.REVERT)) && (
              <form onSubmit={submitNote}>
                <Field label={can(A.SKIP) ? "Note or reason" : can(A.REVERT) ? "Reason for reverting" : "Note"} htmlFor="note" error={noteError}>
                  <Textarea
                    id="note"
                    className="min-h-12"
                    value={note}
                    onChange={(e) => { setNote(e.target.value); setNoteError(""); }}
                    onKeyDown={(e) => e.key === "Enter" && !e.shiftKey && submitNote(e)}
                    placeholder={can(A.SKIP) ? "A note for done, or the reason for skipping (required to skip)" : "Optional"}
                    aria-invalid={!!noteError}
                  />
                </Field>
              </form>
            )}
            <div className="flex flex-wrap gap-2">
              {run.button}
              {can(A.DONE) && <Button onClick={() => act(A.DONE)} disabled={transition.isPending}><Check /> Mark done</Button>}
              {can(A.SKIP) && <Button variant="outline" onClick={() => act(A.SKIP)} disabled={transition.isPending}><SkipForward /> Skip</Button>}
              {can(A.REVERT) && <Button variant="outline" onClick={() => act(A.REVERT)} disabled={transition.isPending}><Undo2 /> Revert</Button>}
              {can(A.PENDING) && <Button variant="outline" onClick={() => act(A.PENDING)} disabled={transition.isPending}><CircleDashed /> Back to pending</Button>}
              <span className="flex-1" />
              {can("override") && <Button variant="ghost" size="sm" onClick={() => { setContent(s.content); setMode("override"); }}><Pencil /> Override</Button>}
              {can("reset") && <Button variant="ghost" size="sm" onClick={() => reset.mutate(s.id)}><RotateCcw /> Reset to template</Button>}
              {can("edit") && <Button variant="ghost" size="sm" onClick={() => setMode("edit")}><Pencil /> Edit</Button>}
              {can("delete") && <Button variant="ghost" size="sm" className="text-destructive" onClick={() => setConfirmDelete(true)}><Trash2 /> Delete</Button>}
            </div>
            {run.note}
          </div>
        )}
        {!(d.actions.length > 0 || run.button) && mode === "" && run.note}
      </div>

      <div className="grid min-h-0 flex-1 content-start gap-5 overflow-auto px-5 py-4">
        {mode === "" && ranNow && <StepRunLive stepId={s.id} />}
        {mode === "" && ranNow && <StepRunsList stepId={s.id} stepName={s.name} />}
        {/* A wrapper keeps the grid from squeezing the code below its height (its min-h-0). */}
        {mode === "" && <div><CodeBlock code={s.content} type={s.type} rendered={s.rendered} bodyClassName="max-h-[48vh]" /></div>}
        {mode === "" && !ranNow && s.type === release.StepType.BASH && <StepRunsList stepId={s.id} stepName={s.name} />}
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
                <NativeSelect id="c-type" value={type} onChange={(e) => setType(e.target.value as release.StepType)}>
                  {Object.values(release.StepType).map((t) => <option key={t}>{t}</option>)}
                </NativeSelect>
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
        {s.source === release.Source.OVERRIDDEN && d.template && mode === "" && (
          <LazyDetails className="text-[13px]" summary="What differs from the template">
            {() => <DiffView className="mt-2" before={d.template!.content} after={s.content} />}
          </LazyDetails>
        )}
        <Timeline history={d.history} current={s.rendered?.text ?? s.content} />
        {d.historyTotal > d.history.length && (
          <p className="text-xs text-muted-foreground" data-testid="history-more">
            The newest {d.history.length.toLocaleString()} of {d.historyTotal.toLocaleString()} changes.{" "}
            <Link className="font-medium text-foreground underline" to={`/releases/${releaseId}/activity?customer=${d.customer.id}${s.templateId ? `&template=${s.templateId}` : ""}`}>
              All of them in the activity log
            </Link>
          </p>
        )}
      </div>

      <ConfirmDialog
        open={confirmDelete}
        onOpenChange={setConfirmDelete}
        title={`Delete '${s.name}'?`}
        description="This custom step is removed for this customer; its history stays on record."
        confirmLabel="Delete step"
        destructive
        onConfirm={() => del.mutate(s.id, { onSettled: () => setConfirmDelete(false) })}
      />
      <ConfirmDialog
        open={!!heldAction}
        onOpenChange={(o) => !o && setHeldAction(null)}
        title={`${d.customer.name} is on hold`}
        description={<>Held back since {formatDateTime(d.hold?.at ?? 0)}: {d.hold?.reason}. Change this step anyway?</>}
        confirmLabel="Change it anyway"
        onConfirm={() => { const a = heldAction; setHeldAction(null); if (a) act(a, true); }}
      />
      {run.dialogs}
    </>
  );
}
