import { useState, type ReactNode } from "react";
import { Link } from "react-router";
import { Info, Loader2, Play, Square, X } from "lucide-react";
import { release } from "@wails/go/models";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { Tooltip } from "@/components/ui/misc";
import { formatDuration, isFinal, latestJob, stateLabel, useBatches, useCancelRun, useLiveOutput, useRunCheck, useRunOutput, useStartRun, useStepRuns } from "@/api/runs";
import { formatBytes, formatDateTime } from "@/lib/format";
import { OutputView } from "./output-view";
import { OutcomeBadge, StateIcon, useNow } from "./run-bits";
import { RunOutputDialog } from "./run-output-dialog";

/** ClusterFacts names where a run goes: cluster, namespaces, kubeconfig. */
export function ClusterFacts({ c }: { c: release.ClusterConfirm }) {
  return (
    <dl className="grid grid-cols-[100px_1fr] gap-x-3 gap-y-1 rounded-lg border border-border bg-muted/40 px-3 py-2 text-[13px]">
      <dt className="text-muted-foreground">Cluster</dt>
      <dd className="font-medium">{c.cluster}</dd>
      <dt className="text-muted-foreground">{c.namespaces.length === 1 ? "Namespace" : "Namespaces"}</dt>
      <dd className="break-words font-mono text-xs leading-5">{c.namespaces.join(", ")}</dd>
      <dt className="text-muted-foreground">Kubeconfig</dt>
      <dd className="break-all font-mono text-xs leading-5">{c.kubeconfig || <span className="font-sans text-muted-foreground">none set: KUBECONFIG is not given, so kubectl uses your own default</span>}</dd>
    </dl>
  );
}

/** useRunControl is the Run button of a step panel and what goes with it:
 * Go's reason when the step cannot run (Check), the question before a
 * run again or the first run against a cluster this session. */
export function useRunControl(d: { step: release.Step; customer: { name: string } }): { button: ReactNode; note: ReactNode; dialogs: ReactNode } {
  const s = d.step;
  const check = useRunCheck([s.id]);
  const batches = useBatches();
  const start = useStartRun();
  const [ask, setAsk] = useState(false);
  const job = latestJob(batches.data, s.id);
  const running = !!job && !isFinal(job.state);
  const chk = check.data;
  const refusal = chk?.refused[0]?.why ?? (check.isError ? check.error.message : "");
  const runnable = !!chk && chk.runnable.length > 0;
  const again = !!chk && chk.again > 0;
  const confirm = chk?.confirm ?? [];
  const go = () => {
    setAsk(false);
    start.mutate({ stepIds: [s.id], concurrency: 1, stopOnFailure: true, again, confirmed: confirm.map((c) => c.clusterId) });
  };

  if (s.type !== release.StepType.BASH) {
    // Only bash steps run: Go's sentence says so (copy it instead).
    const note = refusal ? <RunNote>{refusal}</RunNote> : null;
    return { button: null, note, dialogs: null };
  }
  let button: ReactNode;
  if (running || start.isPending) {
    button = <Button variant="outline" disabled><Loader2 className="animate-spin" /> Running…</Button>;
  } else if (!runnable) {
    const b = <Button variant="outline" disabled aria-describedby="run-refusal"><Play /> Run</Button>;
    button = refusal ? <Tooltip content={refusal}><span tabIndex={0} className="inline-flex rounded-md" data-testid="run-disabled">{b}</span></Tooltip> : b;
  } else {
    button = (
      <Button variant="outline" onClick={() => (again || confirm.length ? setAsk(true) : go())}>
        <Play className="text-done" /> {again ? "Run again…" : confirm.length ? "Run…" : "Run"}
      </Button>
    );
  }
  const note = !runnable && !running && refusal ? <RunNote id="run-refusal">{refusal}{refusal.includes("Settings") && <> <Link to="/settings" className="underline">Open Settings</Link></>}</RunNote> : null;
  const c = confirm[0];
  const dialogs = (
    <ConfirmDialog
      open={ask}
      onOpenChange={setAsk}
      title={c ? `Run against ${c.cluster}?` : `Run '${s.name}' again?`}
      description={
        <div className="grid gap-3">
          {c && <p>No step has run against {c.cluster} since Shipdeck started. The script runs on this machine, as you, with:</p>}
          {c && <ClusterFacts c={c} />}
          {again && <p>'{s.name}' is done for {d.customer.name} already. The run is recorded in its history; the step stays done whatever the outcome.</p>}
        </div>
      }
      confirmLabel={again ? "Run again" : "Run"}
      busy={start.isPending}
      onConfirm={go}
    />
  );
  return { button, note, dialogs };
}

function RunNote({ children, id }: { children: ReactNode; id?: string }) {
  return (
    <p id={id} className="flex items-start gap-1.5 text-xs text-muted-foreground" data-testid="run-note">
      <Info className="mt-px size-3.5 shrink-0" aria-hidden />
      <span>{children}</span>
    </p>
  );
}

/** jobSummary is a job's state in a few words: "Running for 12 s",
 * "Failed after 2 s, exit 1". */
export function jobSummary(j: release.RunJob, now: number): string {
  const took = formatDuration((j.finishedAt || now) - j.startedAt);
  const exit = j.exitCode !== undefined && j.exitCode !== null && j.exitCode >= 0 ? `, exit ${j.exitCode}` : "";
  switch (j.state) {
    case "queued":
      return "Waiting to start";
    case "running":
      return `Running for ${took}`;
    case "succeeded":
      return `Succeeded in ${took}${exit}`;
    case "skipped":
      return "Skipped: an earlier run failed";
  }
  if (!j.startedAt) return `${stateLabel[j.state] ?? j.state} before it started`;
  return `${stateLabel[j.state] ?? j.state} after ${took}${exit}`;
}

/** StepRunLive is the latest run of a step in this session: its output as
 * it comes, elapsed time and Cancel while it runs, how it ended after. */
export function StepRunLive({ stepId }: { stepId: number }) {
  const batches = useBatches();
  const job = latestJob(batches.data, stepId);
  const [dismissed, setDismissed] = useState("");
  if (!job || dismissed === `${job.batchId}:${job.index}`) return null;
  return <JobOutput key={`${job.batchId}:${job.index}`} job={job} onDismiss={() => setDismissed(`${job.batchId}:${job.index}`)} />;
}

function JobOutput({ job, onDismiss }: { job: release.RunJob; onDismiss: () => void }) {
  const running = !isFinal(job.state);
  const live = useLiveOutput(job.runId);
  const recorded = useRunOutput(job.runId, !running && !live);
  const cancel = useCancelRun();
  const now = useNow(running);
  const chunks = live?.chunks ?? recorded.data?.chunks ?? [];
  return (
    <section className="grid gap-2" aria-label="Run output" data-testid="live-run">
      <div className="flex items-center gap-2 text-[13px]">
        <StateIcon state={job.state} />
        <span className="font-medium" data-testid="run-state">{jobSummary(job, now)}</span>
        {job.error && <span className="truncate text-destructive" title={job.error}>{job.error}</span>}
        <span className="flex-1" />
        {running ? (
          <Button variant="outline" size="sm" onClick={() => cancel.mutate(job.batchId)} disabled={cancel.isPending}><Square className="fill-current" /> Cancel</Button>
        ) : (
          <Tooltip content="Hide this output (it stays in Runs below)">
            <Button variant="ghost" size="icon-sm" onClick={onDismiss} aria-label="Hide the output"><X /></Button>
          </Tooltip>
        )}
      </div>
      <OutputView
        chunks={chunks}
        follow
        className="max-h-[42vh] min-h-40"
        empty={job.state === "queued" ? "Waiting to start…" : running ? "No output yet…" : "No output."}
        head={live && live.dropped > 0 ? <div className="border-b border-zinc-800 px-3 py-1.5 text-zinc-400">Earlier output is not shown: the window keeps the last {formatBytes(live.size)}.</div> : undefined}
      />
    </section>
  );
}

/** exitText is an exit code for a table: "—" when there is none or the
 * script was killed by a signal (-1). */
export const exitText = (code?: number | null) => (code === undefined || code === null || code < 0 ? "—" : String(code));

/** StepRunsList lists a step's recorded runs, newest first; each opens its
 * output. */
export function StepRunsList({ stepId, stepName }: { stepId: number; stepName: string }) {
  const runs = useStepRuns(stepId);
  const [open, setOpen] = useState<release.RunSummary | null>(null);
  const list = runs.data ?? [];
  if (list.length === 0) return null;
  return (
    <section className="grid gap-2" aria-label="Runs">
      <h3 className="text-[13px] font-semibold">Runs ({list.length >= 100 ? "100, newest" : list.length})</h3>
      <div className="overflow-hidden rounded-lg border border-border">
        <table className="w-full text-[13px]">
          <thead className="bg-muted/60 text-left text-xs text-muted-foreground">
            <tr>
              <th className="px-3 py-1.5 font-medium">Started</th>
              <th className="px-3 py-1.5 font-medium">By</th>
              <th className="px-3 py-1.5 font-medium">Outcome</th>
              <th className="px-3 py-1.5 text-right font-medium">Exit</th>
              <th className="px-3 py-1.5 text-right font-medium">Took</th>
              <th className="px-3 py-1.5 text-right font-medium">Output</th>
            </tr>
          </thead>
          <tbody>
            {list.map((r) => (
              <tr key={r.id} className="cursor-pointer border-t border-border hover:bg-muted/50" onClick={() => setOpen(r)} data-testid="run-row">
                <td className="px-3 py-1.5">
                  <button type="button" className="text-left hover:underline" onClick={(e) => { e.stopPropagation(); setOpen(r); }} aria-label={`Open the run of ${formatDateTime(r.startedAt)}`}>
                    {formatDateTime(r.startedAt)}
                  </button>
                </td>
                <td className="max-w-32 truncate px-3 py-1.5" title={r.actor}>{r.actor}</td>
                <td className="px-3 py-1.5"><OutcomeBadge state={r.outcome} /></td>
                <td className="px-3 py-1.5 text-right tabular-nums">{exitText(r.exitCode)}</td>
                <td className="px-3 py-1.5 text-right tabular-nums">{r.finishedAt ? formatDuration((r.finishedAt - r.startedAt) * 1000) : "—"}</td>
                <td className="px-3 py-1.5 text-right tabular-nums">{r.outcome === "running" ? "—" : formatBytes(r.outputBytes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {open && <RunOutputDialog runId={open.id} title={`'${stepName}', run of ${formatDateTime(open.startedAt)}`} onClose={() => setOpen(null)} />}
    </section>
  );
}
