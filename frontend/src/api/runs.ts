import { useCallback, useState, useSyncExternalStore } from "react";
import { useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import * as Runs from "@wails/go/release/Runs";
import * as Steps from "@wails/go/release/Steps";
import * as Settings from "@wails/go/settings/Service";
import { release, type runner, type settings } from "@wails/go/models";
import { call, keys, useAppMutation } from "./client";
import { stepKeys } from "./steps";
import { useAppEvent } from "@/lib/events";

// Running bash steps (docs/running-steps.md). Go owns every rule: what can
// run and why not (Check), the clusters to confirm, the record. This file
// keeps what the window knows while runs go: the session's batches (fed by
// "run:update"), the live output of each run (fed by "run:output"), and the
// queries a finished run makes stale ("steps:ran").


/** Job states (runner.State), in the order a job goes through them. */
export type JobState = "queued" | "running" | "succeeded" | "failed" | "cancelled" | "timed_out" | "skipped";
export const jobStates: JobState[] = ["queued", "running", "succeeded", "failed", "cancelled", "timed_out", "skipped"];
export const isFinal = (s: string) => s !== "queued" && s !== "running";

// --- queries and calls -----------------------------------------------------

/** useRunCheck asks Go what a run of these steps would do. */
export const useRunCheck = (stepIds: number[], enabled = true) =>
  // Always fresh when a panel mounts: a step state change remounts it.
  useQuery({ queryKey: keys.runCheck(stepIds), queryFn: () => call(Runs.Check(stepIds)), enabled: enabled && stepIds.length > 0, staleTime: 0 });

export const checkRun = (stepIds: number[]) => call(Runs.Check(stepIds));

/** useBatches is this session's batches, newest first, kept current by the
 * run events (useRunEvents): fetched once, never refetched on a timer. */
export const useBatches = () =>
  useQuery({ queryKey: keys.runBatches, queryFn: () => call(Runs.Batches()), staleTime: Infinity, refetchOnWindowFocus: false });

export const useStepRuns = (stepId: number) => useQuery({ queryKey: keys.stepRuns(stepId), queryFn: () => call(Runs.StepRuns(stepId)), enabled: stepId > 0 });

/** useRunOutput reads a recorded run: its script and the output kept. */
export const useRunOutput = (runId: number, enabled = true) =>
  useQuery({ queryKey: keys.runOutput(runId), queryFn: () => call(Runs.RunOutput(runId)), enabled: enabled && runId > 0 });

/** useStartRun starts runs; the batch it returns goes into the cache at
 * once (events may have arrived before it: the furthest state wins). */
export function useStartRun() {
  const qc = useQueryClient();
  return useAppMutation((v: release.RunInput) => Runs.Start(v), {
    invalidate: () => [keys.runCheckAll],
    invalidateOnError: () => [keys.runCheckAll],
    success: (b) => {
      putBatch(qc, b);
    },
  });
}

export const useCancelRun = () => useAppMutation((batchId: string) => Runs.Cancel(batchId));

/** useSaveRunning stores the run settings. */
export function useSaveRunning() {
  const qc = useQueryClient();
  return useAppMutation((r: settings.Running) => Settings.SaveRunning(r), {
    invalidate: () => [keys.settings, keys.runCheckAll],
    success: (s) => {
      qc.setQueryData(keys.settings, s);
      return "Run settings saved.";
    },
    silentErrors: true,
  });
}

/** resolveCells finds the step ids of matrix cells (rows × cols, indexes
 * into the matrix) in one read in Go; cells without a step are left out. */
export async function resolveCells(m: release.Matrix, rows: number[], cols: number[]): Promise<number[]> {
  const templateIds = [...new Set(rows.map((r) => m.rows[r].templateId))];
  const customerIds = cols.map((c) => m.customers[c].id);
  if (templateIds.length === 0 || customerIds.length === 0) return [];
  return call(Steps.StepIDs({ releaseId: m.release.id, templateIds, customerIds }));
}

/** useCellSteps resolves matrix cells to step ids (resolveCells). */
export function useCellSteps(m: release.Matrix, rows: number[], cols: number[]) {
  return useQuery({
    queryKey: keys.runCells(m.release.id, rows, cols),
    queryFn: () => resolveCells(m, rows, cols),
    staleTime: 0,
    gcTime: 0,
    retry: false,
  });
}

// --- the batches cache -------------------------------------------------------

const rank = (s: string) => (s === "queued" ? 0 : s === "running" ? 1 : 2);

/** mergeJob keeps the job that is further along: events and snapshots can
 * arrive in any order, but a job only moves forward. */
export function mergeJob(a: release.RunJob | undefined, b: release.RunJob): release.RunJob {
  if (!a) return b;
  return rank(b.state) >= rank(a.state) ? b : a;
}

/** Updates for a batch the cache does not know yet (an event that came
 * before Start's answer): applied when the batch arrives. */
const early = new Map<string, release.RunJob[]>();

function withJobs(b: release.Batch, jobs: release.RunJob[]): release.Batch {
  if (jobs.length === 0) return b;
  const next = b.jobs.slice();
  for (const j of jobs) if (j.index >= 0 && j.index < next.length) next[j.index] = mergeJob(next[j.index], j);
  return { ...b, jobs: next, done: b.done || next.every((x) => isFinal(x.state)) };
}

/** putBatch puts a batch snapshot into the cache, merged with what the
 * cache and early events know. */
export function putBatch(qc: QueryClient, b: release.Batch) {
  const pending = early.get(b.id) ?? [];
  early.delete(b.id);
  qc.setQueryData<release.Batch[]>(keys.runBatches, (old = []) => {
    const have = old.find((x) => x.id === b.id);
    const merged = withJobs(have ? withJobs(b, have.jobs) : b, pending);
    return have ? old.map((x) => (x.id === b.id ? merged : x)) : [merged, ...old];
  });
}

/** applyJobs applies job updates to the batches cache, in one write. */
export function applyJobs(qc: QueryClient, jobs: release.RunJob[]) {
  const byBatch = new Map<string, release.RunJob[]>();
  for (const j of jobs) byBatch.set(j.batchId, [...(byBatch.get(j.batchId) ?? []), j]);
  const old = qc.getQueryData<release.Batch[]>(keys.runBatches);
  const known = new Set(old?.map((b) => b.id));
  let unknown = false;
  for (const [id, js] of byBatch) {
    if (!known.has(id)) {
      early.set(id, [...(early.get(id) ?? []), ...js]);
      unknown = true;
    }
  }
  if (old) qc.setQueryData<release.Batch[]>(keys.runBatches, old.map((b) => withJobs(b, byBatch.get(b.id) ?? [])));
  if (unknown) void qc.invalidateQueries({ queryKey: keys.runBatches });
}

/** activeJobs counts the jobs of the session not finished yet. */
export function runningCount(batches: release.Batch[] | undefined): { running: number; queued: number; batch?: release.Batch } {
  let running = 0;
  let queued = 0;
  let batch: release.Batch | undefined;
  for (const b of batches ?? []) {
    let active = false;
    for (const j of b.jobs) {
      if (j.state === "running") running++;
      else if (j.state === "queued") queued++;
      else continue;
      active = true;
    }
    if (active && !batch) batch = b;
  }
  return { running, queued, batch };
}

/** latestJob is the session's most recent job of a step (batches come
 * newest first). */
export function latestJob(batches: release.Batch[] | undefined, stepId: number): release.RunJob | undefined {
  for (const b of batches ?? []) {
    for (const j of b.jobs) if (j.stepId === stepId) return j;
  }
  return undefined;
}

// --- live output -----------------------------------------------------------

/** OUTPUT_CAP is how much of a run's output the window keeps, in
 * characters (about 1 MiB, the same as the record keeps): the last part. */
export const OUTPUT_CAP = 1 << 20;
/** MAX_RUNS is how many runs' output the window keeps at once; the oldest
 * go first (their record stays in the database). */
export const MAX_RUNS = 500;
/** Adjacent chunks of one stream are merged up to this length. */
const MERGE_UPTO = 16 << 10;

export interface LiveOutput {
  chunks: runner.Chunk[];
  /** characters kept */
  size: number;
  /** characters dropped from the beginning to stay under the cap */
  dropped: number;
  /** changes with every append */
  version: number;
}

type Listener = () => void;

/** OutputStore keeps the live output of runs, by run id, capped per run and
 * in the number of runs. Listeners hear of appends at most once per frame. */
export class OutputStore {
  private runs = new Map<number, LiveOutput>();
  private listeners = new Map<number, Set<Listener>>();
  private dirty = new Set<number>();
  private scheduled = false;
  constructor(
    private cap = OUTPUT_CAP,
    private maxRuns = MAX_RUNS,
    private schedule: (f: () => void) => void = (f) => (typeof requestAnimationFrame === "function" ? requestAnimationFrame(() => f()) : setTimeout(f, 16)),
  ) {}

  get(runId: number): LiveOutput | undefined {
    return this.runs.get(runId);
  }

  append(runId: number, chunks: runner.Chunk[]) {
    if (!runId || chunks.length === 0) return;
    let e = this.runs.get(runId);
    if (!e) {
      e = { chunks: [], size: 0, dropped: 0, version: 0 };
      this.runs.set(runId, e);
      while (this.runs.size > this.maxRuns) {
        const oldest = this.runs.keys().next().value as number;
        this.runs.delete(oldest);
      }
    }
    const list = e.chunks.slice();
    let size = e.size;
    let dropped = e.dropped;
    for (const c of chunks) {
      if (!c.text) continue;
      const last = list[list.length - 1];
      if (last && last.stderr === c.stderr && last.text.length < MERGE_UPTO) list[list.length - 1] = { stderr: c.stderr, text: last.text + c.text };
      else list.push({ stderr: c.stderr, text: c.text });
      size += c.text.length;
    }
    // Drop from the front to stay under the cap: whole chunks, then the
    // start of the first one.
    let first = 0;
    while (size > this.cap && first < list.length) {
      const over = size - this.cap;
      const t = list[first].text;
      if (t.length <= over) {
        size -= t.length;
        dropped += t.length;
        first++;
      } else {
        list[first] = { stderr: list[first].stderr, text: t.slice(over) };
        size -= over;
        dropped += over;
      }
    }
    const kept = first > 0 ? list.slice(first) : list;
    this.runs.set(runId, { chunks: kept, size, dropped, version: e.version + 1 });
    this.notify(runId);
  }

  clear() {
    const ids = [...this.runs.keys()];
    this.runs.clear();
    ids.forEach((id) => this.notify(id));
  }

  subscribe(runId: number, l: Listener): () => void {
    let set = this.listeners.get(runId);
    if (!set) this.listeners.set(runId, (set = new Set()));
    set.add(l);
    return () => {
      set.delete(l);
      if (set.size === 0) this.listeners.delete(runId);
    };
  }

  private notify(runId: number) {
    this.dirty.add(runId);
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => {
      this.scheduled = false;
      const ids = [...this.dirty];
      this.dirty.clear();
      for (const id of ids) this.listeners.get(id)?.forEach((l) => l());
    });
  }
}

/** outputs is the window's one store of live output. */
export const outputs = new OutputStore();

/** useLiveOutput is the live output of a run kept in this window. */
export function useLiveOutput(runId: number): LiveOutput | undefined {
  const subscribe = useCallback((l: Listener) => outputs.subscribe(runId, l), [runId]);
  return useSyncExternalStore(subscribe, () => outputs.get(runId));
}

// --- the run board's state ---------------------------------------------------

interface BoardState {
  open: boolean;
  batchId: string;
}
let board: BoardState = { open: false, batchId: "" };
const boardListeners = new Set<Listener>();
const setBoard = (b: BoardState) => {
  board = b;
  boardListeners.forEach((l) => l());
};

/** openRunBoard shows the run board, on a batch ("" keeps the one shown). */
export const openRunBoard = (batchId = "") => setBoard({ open: true, batchId: batchId || board.batchId });
export const closeRunBoard = () => setBoard({ ...board, open: false });
export const showBatch = (batchId: string) => setBoard({ ...board, batchId });
export const useRunBoard = () =>
  useSyncExternalStore(
    (l) => {
      boardListeners.add(l);
      return () => boardListeners.delete(l);
    },
    () => board,
  );

// --- events ------------------------------------------------------------------

/** throttled runs f at once, then at most once per ms with the latest
 * arguments gathered (a trailing call). */
function throttled(f: (ids: Set<number>) => void, ms: number) {
  let pending: Set<number> | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const fire = () => {
    timer = null;
    if (!pending) return;
    const ids = pending;
    pending = null;
    f(ids);
    timer = setTimeout(fire, ms);
  };
  return (id: number) => {
    (pending ??= new Set()).add(id);
    if (!timer) fire();
  };
}

/** useRunEvents listens to the run events for the whole window; the app
 * shell calls it once. Job updates are applied once per frame; a finished
 * run makes its release's step queries stale, at most once a second (a
 * row of 2,000 quick runs would otherwise refetch the matrix nonstop). */
export function useRunEvents() {
  const qc = useQueryClient();
  const [jobs] = useState(() => eventHandlers(qc));
  useAppEvent("run:update", (j: release.RunJob) => jobs.update(j));
  useAppEvent("run:output", (e: { runId: number; chunks: runner.Chunk[] }) => outputs.append(e.runId, e.chunks ?? []));
  useAppEvent("steps:ran", (releaseId: number) => jobs.ran(releaseId));
}

/** eventHandlers are what the run events do to the cache. */
export function eventHandlers(qc: QueryClient) {
  let queue: release.RunJob[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const js = queue;
    queue = [];
    applyJobs(qc, js);
    // A run's row is written as it starts: a panel showing the step lists it.
    for (const j of js) if (j.state === "running") void qc.invalidateQueries({ queryKey: keys.stepRuns(j.stepId), exact: true });
  };
  const ran = throttled((ids) => {
    for (const id of ids) for (const k of stepKeys(id)) void qc.invalidateQueries({ queryKey: k });
    void qc.invalidateQueries({ queryKey: keys.stepRunsAll });
    void qc.invalidateQueries({ queryKey: keys.runCheckAll });
  }, 1000);
  return {
    update: (j: release.RunJob) => {
      queue.push(j);
      if (scheduled) return;
      scheduled = true;
      if (typeof requestAnimationFrame === "function") requestAnimationFrame(flush);
      else setTimeout(flush, 16);
    },
    ran: (releaseId: number) => ran(releaseId),
  };
}

// --- words -------------------------------------------------------------------

/** stateLabel is a job state or run outcome in the operator's words. */
export const stateLabel: Record<string, string> = {
  queued: "Queued",
  running: "Running",
  succeeded: "Succeeded",
  failed: "Failed",
  cancelled: "Cancelled",
  timed_out: "Timed out",
  skipped: "Skipped",
  interrupted: "Interrupted",
};

/** formatDuration shows a length of time in ms: "850 ms", "12 s", "3 m 04 s", "1 h 02 m". */
export function formatDuration(ms: number): string {
  if (ms < 0) ms = 0;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} m ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} m`;
}

/** groupRefusals groups Go's reasons for leaving steps out: the same
 * sentence for different customers is one group. */
export function groupRefusals(refused: release.RunRefusal[]): { why: string; customers: string[] }[] {
  const groups = new Map<string, { why: string; customers: string[] }>();
  for (const r of refused) {
    const key = r.customer ? r.why.split(r.customer).join("\u0000") : r.why;
    const g = groups.get(key);
    if (g) g.customers.push(r.customer);
    else groups.set(key, { why: r.why, customers: [r.customer] });
  }
  return [...groups.values()].sort((a, b) => b.customers.length - a.customers.length);
}
