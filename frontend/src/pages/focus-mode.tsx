import { useEffect, useEffectEvent, useMemo, useRef, useState } from "react";
import { StepRunLive, useRunControl } from "@/components/runs/step-run";
import { latestJob, useBatches } from "@/api/runs";
import { QueryError } from "@/components/ui/query-error";
import { Link, useNavigate, useParams } from "react-router";
import { ArrowDown, ArrowLeft, ArrowUp, Check, ChevronRight, CircleDashed, Crosshair, PartyPopper, PauseCircle, SkipForward, Undo2 } from "lucide-react";
import { release } from "@wails/go/models";
import { Button } from "@/components/ui/button";
import { Badge } from "@/components/ui/badge";
import { ConfirmDialog } from "@/components/ui/dialog";
import { Field, Textarea } from "@/components/ui/input";
import { Kbd, Skeleton } from "@/components/ui/misc";
import { useCrumb } from "@/components/layout/crumbs";
import { ReleaseProgress } from "@/components/releases/badges";
import { CodeBlock } from "@/components/steps/code-block";
import { StatusBadge, StatusIcon, TypeBadge } from "@/components/steps/status";
import { useCustomerSteps, useMatrix, useTransition, useUndo } from "@/api/steps";
import { formatDateTime } from "@/lib/format";
import { showStepChange } from "@/lib/undo-toast";
import { cn } from "@/lib/utils";

const A = release.Action;

/** nextPending is the first pending step after index i, wrapping round;
 * -1 when no other step is pending. */
export function nextPending(steps: release.Step[], i: number): number {
  for (let k = 1; k <= steps.length; k++) {
    const j = (i + k) % steps.length;
    if (j !== i && steps[j].status === release.Status.PENDING) return j;
  }
  return -1;
}

/** nextCustomer is the next customer of the same cluster, in matrix order
 * and wrapping round, with pending steps and not on hold. */
export function nextCustomer(m: release.Matrix | undefined, customerId: number): release.MatrixCustomer | undefined {
  if (!m) return undefined;
  const at = m.customers.findIndex((c) => c.id === customerId);
  if (at < 0) return undefined;
  const cluster = m.customers[at].clusterId;
  for (let k = 1; k < m.customers.length; k++) {
    const j = (at + k) % m.customers.length;
    const c = m.customers[j];
    if (c.clusterId === cluster && !c.heldAt && (m.colCounts[j]?.pending ?? 0) > 0) return c;
  }
  return undefined;
}

const keyHelp: [string, string][] = [
  ["d", "done, then the next pending step"],
  ["s", "skip (type the reason, Enter)"],
  ["r", "revert"],
  ["p", "back to pending"],
  ["↑ ↓", "previous / next step"],
  ["n", "next customer of the cluster"],
  ["Esc", "back to the matrix"],
];

/** Focus mode (docs/design.md, "Focus mode"): one customer's steps top to
 * bottom, the current one large, worked from the keyboard. Every action is
 * the same transition as in the panel and the matrix, with its history. */
export function FocusModePage() {
  const params = useParams();
  const releaseId = Number(params.id);
  const customerId = Number(params.customerId);
  const navigate = useNavigate();
  const cs = useCustomerSteps(releaseId, customerId);
  const matrix = useMatrix(releaseId);
  const transition = useTransition(releaseId);
  const undo = useUndo(releaseId);
  const steps = useMemo(() => (cs.data ? [...cs.data.deploy, ...cs.data.verify] : []), [cs.data]);
  const [current, setCurrent] = useState<number | null>(null);
  const [note, setNote] = useState("");
  const [error, setError] = useState("");
  const [askHeld, setAskHeld] = useState<release.Action | null>(null);
  // After s, the note is the reason and Enter skips; otherwise Enter marks done.
  const [skipping, setSkipping] = useState(false);
  const noteRef = useRef<HTMLTextAreaElement>(null);
  const pageRef = useRef<HTMLDivElement>(null);
  useCrumb(`/releases/${releaseId}`, cs.data?.release.name);
  useCrumb(`/releases/${releaseId}/focus/${customerId}`, cs.data ? `Focus mode: ${cs.data.customer.name}` : undefined);

  // The page is mounted afresh for each customer (the shell keys it by
  // path); until a step is chosen it shows the first pending one.
  const firstPending = Math.max(0, steps.findIndex((s) => s.status === release.Status.PENDING));
  const loaded = !!cs.data;
  useEffect(() => {
    if (loaded) pageRef.current?.focus();
  }, [customerId, loaded]);

  const idx = Math.min(current ?? firstPending, Math.max(steps.length - 1, 0));
  const step = steps[idx];
  const next = nextCustomer(matrix.data, customerId);
  const hold = cs.data?.hold;
  const active = cs.data?.release.status === release.ReleaseStatus.ACTIVE;
  const allowed = (a: release.Action) => !!step && active && !!matrix.data?.rules.find((r) => r.action === a)?.from.includes(step.status);
  const remaining = steps.filter((s) => s.status === release.Status.PENDING).length;

  const act = (action: release.Action, confirmedHeld = false) => {
    if (!step || !allowed(action)) return;
    if (action === A.SKIP && !note.trim()) {
      setSkipping(true);
      setError("Type the reason for skipping, then press Enter.");
      noteRef.current?.focus();
      return;
    }
    if (hold && !confirmedHeld) {
      setAskHeld(action);
      return;
    }
    const at = idx;
    transition.mutate(
      { action, stepId: step.id, note },
      {
        onSuccess: (st) => {
          setNote("");
          setError("");
          setSkipping(false);
          showStepChange(st, (from, to) => undo.mutate({ from, to }));
          // Done and skip move on to the next pending step.
          if (action === A.DONE || action === A.SKIP) {
            const after = steps.map((s, i) => (i === at ? st : s));
            const n = nextPending(after, at);
            if (n >= 0) setCurrent(n);
          }
          pageRef.current?.focus();
        },
        onError: (e) => setError(e.message),
      },
    );
  };

  const go = (to: number) => {
    if (to < 0 || to >= steps.length) return;
    setCurrent(to);
    setNote("");
    setError("");
    setSkipping(false);
  };

  // The keys work wherever the focus is on the page (not in a field or a
  // dialog): the window listens, and reads the latest handler.
  const onKeyDown = (e: KeyboardEvent) => {
    const inField = (e.target as HTMLElement).closest("textarea, input, select");
    if (inField) {
      if (e.key === "Escape") {
        e.preventDefault();
        setSkipping(false);
        setError("");
        pageRef.current?.focus();
      }
      return;
    }
    if (e.metaKey || e.ctrlKey || e.altKey || (e.target as HTMLElement).closest("[role=dialog]")) return;
    const keys: Record<string, () => void> = {
      d: () => act(A.DONE),
      s: () => {
        if (!allowed(A.SKIP)) return;
        if (note.trim()) return act(A.SKIP);
        setSkipping(true);
        noteRef.current?.focus();
      },
      r: () => act(A.REVERT),
      p: () => act(A.PENDING),
      ArrowDown: () => go(idx + 1),
      j: () => go(idx + 1),
      ArrowUp: () => go(idx - 1),
      k: () => go(idx - 1),
      n: () => next && navigate(`/releases/${releaseId}/focus/${next.id}`),
      Escape: () => navigate(`/releases/${releaseId}`),
    };
    const f = keys[e.key];
    if (!f) return;
    e.preventDefault();
    f();
  };
  const onKey = useEffectEvent(onKeyDown);
  useEffect(() => {
    const listen = (e: KeyboardEvent) => onKey(e);
    window.addEventListener("keydown", listen);
    return () => window.removeEventListener("keydown", listen);
  }, []);

  if (cs.error && !cs.data) return <div className="p-6"><QueryError what="The customer's steps" error={cs.error} refetch={cs.refetch} retrying={cs.isFetching} /></div>;
  if (cs.isLoading || !cs.data) return <div className="p-6"><Skeleton className="mb-4 h-10 w-96" /><Skeleton className="h-[60vh]" /></div>;
  const c = cs.data.customer;

  return (
    <div ref={pageRef} tabIndex={-1} className="flex h-full min-w-0 flex-col gap-3 p-4 outline-none" data-testid="focus-mode">
      <div className="flex flex-wrap items-center gap-3">
        <Button variant="ghost" size="sm" asChild><Link to={`/releases/${releaseId}`}><ArrowLeft /> Matrix <Kbd>Esc</Kbd></Link></Button>
        <h1 className="flex min-w-0 items-center gap-2 text-lg font-semibold tracking-tight">
          <Crosshair className="size-5 shrink-0 text-primary" aria-hidden />
          <span className="truncate" title={c.name}>{c.name}</span>
          <span className="shrink-0 text-sm font-normal text-muted-foreground">{c.namespace} · {c.clusterName}</span>
          {hold && <Badge tone="warning"><PauseCircle aria-hidden /> On hold</Badge>}
        </h1>
        <div className="min-w-56 flex-1"><ReleaseProgress p={cs.data.progress} /></div>
        <Button variant="outline" size="sm" disabled={!next} onClick={() => next && navigate(`/releases/${releaseId}/focus/${next.id}`)} title={next ? `Next customer of ${c.clusterName} with pending steps` : `No other customer of ${c.clusterName} has pending steps`}>
          {next ? <>Next: <span className="max-w-40 truncate">{next.name}</span></> : "No next customer"} <ChevronRight /> <Kbd>n</Kbd>
        </Button>
      </div>
      {hold && <p className="rounded-md border border-amber-500/30 bg-amber-500/10 px-3 py-2 text-[13px]">Held back since {formatDateTime(hold.at)} by {hold.by}: {hold.reason}. Changes here ask first.</p>}

      <div className="grid min-h-0 flex-1 grid-cols-[minmax(200px,260px)_minmax(0,1fr)] gap-4">
        <nav aria-label="Steps of this customer" className="min-h-0 overflow-auto rounded-lg border border-border bg-card p-1.5">
          <ol className="grid gap-0.5">
            {steps.map((s, i) => (
              <li key={s.id}>
                {(i === 0 || steps[i - 1].category !== s.category) && <div className="px-2 pb-1 pt-2 text-[11px] font-semibold uppercase tracking-wide text-muted-foreground">{s.category}</div>}
                <button
                  type="button"
                  tabIndex={-1}
                  onClick={() => go(i)}
                  aria-current={i === idx ? "step" : undefined}
                  className={cn("flex w-full items-center gap-2 rounded-md px-2 py-1.5 text-left text-[13px]", i === idx ? "bg-primary/10 font-medium text-foreground" : "text-muted-foreground hover:bg-muted")}
                >
                  <StatusIcon status={s.status} className="size-3.5 shrink-0" />
                  <span className="truncate" title={s.name}>{s.name}</span>
                </button>
              </li>
            ))}
          </ol>
        </nav>

        {step && (
          <section aria-label="Current step" className="flex min-h-0 flex-col gap-3 rounded-lg border border-border bg-card p-4" data-testid="focus-current">
            <div className="flex flex-wrap items-center gap-2">
              <span className="text-xs tabular-nums text-muted-foreground">Step {idx + 1} of {steps.length}</span>
              <StatusBadge status={step.status} />
              <TypeBadge type={step.type} />
              {step.isCustom && <Badge tone="primary">Custom</Badge>}
              {step.isOverridden && <Badge tone="warning">Overridden</Badge>}
              <span className="ml-auto text-xs text-muted-foreground">{remaining === 0 ? "Nothing pending for this customer" : `${remaining} pending`}</span>
            </div>
            <h2 className="break-words text-xl font-semibold tracking-tight">{step.name}</h2>
            {step.status !== release.Status.PENDING && step.executedAt && (
              <p className="text-[13px] text-muted-foreground">
                <span className="capitalize">{step.status}</span> by {step.executedBy} on {formatDateTime(step.executedAt)}
                {step.skipReason && <> — {step.skipReason}</>}
              </p>
            )}
            <CodeBlock code={step.content} type={step.type} rendered={step.rendered} className="min-h-0 shrink" />
            {active && (
              <div className="grid gap-2">
                <Field label={skipping ? "Reason for skipping (Enter skips, Esc cancels)" : "Note (Enter marks done)"} htmlFor="focus-note" error={error}>
                  <Textarea
                    id="focus-note"
                    ref={noteRef}
                    className="min-h-10"
                    value={note}
                    onChange={(e) => { setNote(e.target.value); setError(""); }}
                    onKeyDown={(e) => {
                      if (e.key === "Enter" && !e.shiftKey) {
                        e.preventDefault();
                        act(skipping ? A.SKIP : allowed(A.DONE) ? A.DONE : A.REVERT);
                      }
                    }}
                    placeholder={skipping ? "Why is it not needed for this customer?" : "Optional"}
                  />
                </Field>
                <FocusRun step={step} customer={c} />
                <div className="flex flex-wrap items-center gap-2">
                  {allowed(A.DONE) && <Button onClick={() => act(A.DONE)} disabled={transition.isPending}><Check /> Done and next <Kbd>d</Kbd></Button>}
                  {allowed(A.SKIP) && <Button variant="outline" onClick={() => act(A.SKIP)} disabled={transition.isPending}><SkipForward /> Skip <Kbd>s</Kbd></Button>}
                  {allowed(A.REVERT) && <Button variant="outline" onClick={() => act(A.REVERT)} disabled={transition.isPending}><Undo2 /> Revert <Kbd>r</Kbd></Button>}
                  {allowed(A.PENDING) && <Button variant="outline" onClick={() => act(A.PENDING)} disabled={transition.isPending}><CircleDashed /> Back to pending <Kbd>p</Kbd></Button>}
                  <span className="flex-1" />
                  <Button variant="ghost" size="sm" onClick={() => go(idx - 1)} disabled={idx === 0} aria-label="Previous step"><ArrowUp /></Button>
                  <Button variant="ghost" size="sm" onClick={() => go(idx + 1)} disabled={idx >= steps.length - 1} aria-label="Next step"><ArrowDown /></Button>
                </div>
              </div>
            )}
            {remaining === 0 && (
              <p className="flex items-center gap-2 rounded-md bg-done/10 px-3 py-2 text-[13px] text-done" role="status">
                <PartyPopper className="size-4" aria-hidden /> Every step of {c.name} is handled.{next ? ` Press n for ${next.name}.` : ""}
              </p>
            )}
            <p className="text-[11px] text-muted-foreground">
              {keyHelp.map(([k, d]) => <span key={k} className="mr-3 inline-flex items-center gap-1 whitespace-nowrap"><Kbd>{k}</Kbd> {d}</span>)}
            </p>
          </section>
        )}
      </div>
      <ConfirmDialog
        open={!!askHeld}
        onOpenChange={(o) => !o && setAskHeld(null)}
        title={`${c.name} is on hold`}
        description={<>Held back: {hold?.reason}. Change this step anyway?</>}
        confirmLabel="Change it anyway"
        returnFocus={() => pageRef.current?.focus()}
        onConfirm={() => { const a = askHeld; setAskHeld(null); if (a) act(a, true); }}
      />
    </div>
  );
}

/** FocusRun runs the current bash step as the step panel does (Go's Check,
 * the same questions), with its live output below. */
function FocusRun({ step, customer }: { step: release.Step; customer: { name: string } }) {
  const run = useRunControl({ step, customer });
  const ranNow = !!latestJob(useBatches().data, step.id);
  if (step.type !== release.StepType.BASH) return null;
  return (
    <div className="grid gap-2" data-testid="focus-run">
      <div className="flex flex-wrap items-center gap-2">{run.button}</div>
      {run.note}
      {run.dialogs}
      {ranNow && <StepRunLive stepId={step.id} />}
    </div>
  );
}
