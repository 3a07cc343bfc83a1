import { useMemo, useRef, useState, type KeyboardEvent } from "react";
import { Link } from "react-router";
import { useVirtualizer } from "@tanstack/react-virtual";
import { ExternalLink, Square } from "lucide-react";
import type { release } from "@wails/go/models";
import { Button } from "@/components/ui/button";
import { ConfirmDialog, Sheet } from "@/components/ui/dialog";
import { NativeSelect } from "@/components/ui/input";
import { EmptyState } from "@/components/ui/misc";
import { closeRunBoard, formatDuration, isFinal, jobStates, showBatch, stateLabel, useBatches, useCancelRun, useLiveOutput, useRunBoard, useRunOutput, type JobState } from "@/api/runs";
import { formatBytes, plural } from "@/lib/format";
import { cn } from "@/lib/utils";
import { OutputView } from "./output-view";
import { StateIcon, useNow } from "./run-bits";
import { exitText, jobSummary } from "./step-run";

const ROW_H = 40;

/** countJobs counts a batch's jobs by state. */
export function countJobs(jobs: release.RunJob[]): Record<JobState, number> {
  const out = Object.fromEntries(jobStates.map((s) => [s, 0])) as Record<JobState, number>;
  for (const j of jobs) out[j.state as JobState] = (out[j.state as JobState] ?? 0) + 1;
  return out;
}

/** RunBoard is the drawer of a batch of runs: each customer's job with its
 * state, time and exit code, live output of the one selected, Cancel all.
 * The list is virtualised: a batch can be a row of 2,000 customers. */
export function RunBoard() {
  const { open, batchId } = useRunBoard();
  const batches = useBatches();
  const list = batches.data ?? [];
  const batch = list.find((b) => b.id === batchId) ?? list[0];
  return (
    <Sheet
      open={open}
      onOpenChange={(o) => !o && closeRunBoard()}
      title={batch ? `Runs: ${batch.stepName}` : "Runs"}
      description={batch ? <BatchLine batch={batch} /> : "Steps run in this session show here."}
      className="w-[min(1180px,100vw)]"
    >
      {batch ? (
        <BatchView key={batch.id} batch={batch} batches={list} />
      ) : (
        <div className="p-5"><EmptyState icon={<Square />} title="Nothing has run yet">Run a bash step from its panel, or select cells of the matrix and choose Run….</EmptyState></div>
      )}
    </Sheet>
  );
}

function BatchLine({ batch }: { batch: release.Batch }) {
  const active = batch.jobs.some((j) => !isFinal(j.state));
  return (
    <span className="flex flex-wrap items-center gap-x-2">
      <span>{plural(batch.jobs.length, "customer")}</span>
      <span>·</span>
      <span>{active ? "running" : "finished"}</span>
      <span>·</span>
      <Link to={`/releases/${batch.releaseId}`} onClick={() => closeRunBoard()} className="inline-flex items-center gap-1 text-foreground hover:underline">
        Open the matrix <ExternalLink className="size-3" aria-hidden />
      </Link>
    </span>
  );
}

function BatchView({ batch, batches }: { batch: release.Batch; batches: release.Batch[] }) {
  const counts = useMemo(() => countJobs(batch.jobs), [batch.jobs]);
  const active = counts.queued + counts.running > 0;
  const now = useNow(counts.running > 0);
  const cancel = useCancelRun();
  const [askCancel, setAskCancel] = useState(false);
  const [filter, setFilter] = useState<JobState | "">("");
  const shown = useMemo(() => (filter ? batch.jobs.filter((j) => j.state === filter) : batch.jobs), [batch.jobs, filter]);
  const [picked, setPicked] = useState<number | null>(null);
  // Until the operator picks one: the first running job, else the first
  // that failed, else the first.
  const auto = useMemo(() => {
    const first = (f: (j: release.RunJob) => boolean) => batch.jobs.find(f)?.index;
    return first((j) => j.state === "running") ?? first((j) => j.state === "failed" || j.state === "timed_out") ?? 0;
  }, [batch.jobs]);
  const sel = batch.jobs[picked ?? auto];
  const scrollRef = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({ count: shown.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_H, overscan: 12 });
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    e.preventDefault();
    const at = Math.max(0, shown.findIndex((j) => j.index === sel?.index));
    const next = Math.min(shown.length - 1, Math.max(0, at + (e.key === "ArrowDown" ? 1 : -1)));
    if (shown[next]) {
      setPicked(shown[next].index);
      v.scrollToIndex(next, { align: "auto" });
    }
  };

  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <div className="flex flex-wrap items-center gap-2 border-b border-border px-5 py-2.5">
        {batches.length > 1 && (
          <NativeSelect className="w-64" value={batch.id} onChange={(e) => showBatch(e.target.value)} aria-label="Batch">
            {batches.map((b, i) => (
              <option key={b.id} value={b.id}>
                {batches.length - i}. {b.stepName} ({b.jobs.length.toLocaleString()}){b.jobs.some((j) => !isFinal(j.state)) ? ", running" : ""}
              </option>
            ))}
          </NativeSelect>
        )}
        <div className="flex flex-wrap items-center gap-1" role="group" aria-label="Show jobs by state" data-testid="run-counts">
          {jobStates
            .filter((s) => counts[s] > 0 || filter === s || (active && (s === "queued" || s === "running")) || s === "succeeded" || s === "failed")
            .map((s) => (
              <button
                key={s}
                type="button"
                aria-pressed={filter === s}
                onClick={() => setFilter(filter === s ? "" : s)}
                disabled={counts[s] === 0 && filter !== s}
                className={cn("inline-flex h-7 items-center gap-1.5 rounded-md border px-2 text-xs disabled:opacity-50", filter === s ? "border-primary bg-accent" : "border-border bg-card hover:bg-muted")}
                data-count={s}
              >
                <StateIcon state={s} className={cn("size-3.5", s === "running" && counts.running === 0 && "animate-none")} />
                <span className="tabular-nums font-medium">{counts[s].toLocaleString()}</span> {stateLabel[s].toLowerCase()}
              </button>
            ))}
        </div>
        <span className="flex-1" />
        {active && (
          <Button variant="outline" size="sm" className="text-destructive" onClick={() => setAskCancel(true)} disabled={cancel.isPending}>
            <Square className="fill-current" /> Cancel all
          </Button>
        )}
      </div>
      <div className="flex min-h-0 flex-1">
        <div className="flex w-[400px] shrink-0 flex-col border-r border-border">
          <div className="flex h-8 shrink-0 items-center gap-2.5 border-b border-border bg-muted/60 px-4 text-xs font-medium text-muted-foreground" aria-hidden>
            <span className="w-4" />
            <span className="flex-1">Customer · cluster</span>
            <span className="w-16 text-right">Time</span>
            <span className="w-12 text-right">Exit</span>
          </div>
          <div
            ref={scrollRef}
            className="min-h-0 flex-1 overflow-auto outline-none focus-visible:ring-2 focus-visible:ring-inset focus-visible:ring-ring/40"
            tabIndex={0}
            role="listbox"
            aria-label="Jobs"
            aria-activedescendant={sel ? `job-${batch.id}-${sel.index}` : undefined}
            onKeyDown={onKey}
          >
            {shown.length === 0 ? (
              <p className="p-4 text-[13px] text-muted-foreground">No job is {filter ? stateLabel[filter].toLowerCase() : "here"}.</p>
            ) : (
              <div style={{ height: v.getTotalSize(), position: "relative" }}>
                {v.getVirtualItems().map((vi) => {
                  const j = shown[vi.index];
                  const on = j.index === sel?.index;
                  return (
                    <div
                      key={j.index}
                      id={`job-${batch.id}-${j.index}`}
                      role="option"
                      aria-selected={on}
                      aria-label={`${j.customer} on ${j.cluster}: ${stateLabel[j.state] ?? j.state}`}
                      onClick={() => setPicked(j.index)}
                      className={cn("absolute inset-x-0 flex cursor-pointer items-center gap-2.5 border-b border-border px-4 text-[13px]", on ? "bg-accent" : "hover:bg-muted/60")}
                      style={{ top: vi.start, height: ROW_H }}
                      data-testid="run-job"
                      data-state={j.state}
                    >
                      <StateIcon state={j.state} />
                      <span className="min-w-0 flex-1 truncate">
                        <span className="font-medium" title={j.customer}>{j.customer}</span>
                        <span className="ml-1.5 text-xs text-muted-foreground">{j.cluster}</span>
                      </span>
                      <span className="w-16 shrink-0 text-right text-xs tabular-nums text-muted-foreground">{j.startedAt ? formatDuration((j.finishedAt || now) - j.startedAt) : ""}</span>
                      <span className="w-12 shrink-0 text-right text-xs tabular-nums" title="Exit code">{isFinal(j.state) && j.runId ? exitText(j.exitCode) : ""}</span>
                    </div>
                  );
                })}
              </div>
            )}
          </div>
        </div>
        <div className="flex min-w-0 flex-1 flex-col gap-2 p-4">{sel ? <JobPane key={`${batch.id}:${sel.index}`} job={sel} now={now} /> : null}</div>
      </div>
      <ConfirmDialog
        open={askCancel}
        onOpenChange={setAskCancel}
        title="Cancel every run of this batch?"
        description={<>Running scripts get SIGTERM (SIGKILL 5 s later if they are still there), and queued ones never start. {plural(counts.running, "run")} running and {counts.queued.toLocaleString()} queued are recorded as cancelled.</>}
        confirmLabel="Cancel all"
        destructive
        onConfirm={() => { setAskCancel(false); cancel.mutate(batch.id); }}
      />
    </div>
  );
}

function JobPane({ job, now }: { job: release.RunJob; now: number }) {
  const running = !isFinal(job.state);
  const live = useLiveOutput(job.runId);
  const recorded = useRunOutput(job.runId, !running && !live);
  const chunks = live?.chunks ?? recorded.data?.chunks ?? [];
  return (
    <>
      <div className="flex min-w-0 items-center gap-2 text-[13px]">
        <StateIcon state={job.state} />
        <span className="truncate font-medium">{job.customer}</span>
        <span className="text-muted-foreground">{job.cluster}</span>
        <span className="text-muted-foreground">·</span>
        <span data-testid="job-summary">{jobSummary(job, now)}</span>
        <span className="flex-1" />
        {job.runId > 0 && live && <span className="text-xs text-muted-foreground">{formatBytes(live.size + live.dropped)}</span>}
      </div>
      {job.error && <p className="text-[13px] text-destructive">{job.error}</p>}
      <OutputView
        chunks={chunks}
        follow
        className="flex-1"
        empty={job.state === "queued" ? "Waiting to start…" : job.state === "skipped" ? "Not run: an earlier run failed and this batch stops at the first failure." : !job.runId ? "Not run." : running ? "No output yet…" : "No output."}
        head={recorded.data?.truncated ? <div className="border-b border-zinc-800 px-3 py-1.5 text-zinc-400">Only the last part of the output is kept.</div> : undefined}
      />
    </>
  );
}
