import { describe, expect, it, vi } from "vitest";
import { QueryClient } from "@tanstack/react-query";
import type { release } from "@wails/go/models";
import { OutputStore, applyJobs, groupRefusals, mergeJob, putBatch, runningCount, formatDuration } from "./runs";
import { keys } from "./client";

/** A store whose listeners hear at once when flush() is called. */
function store(cap = 100, maxRuns = 3) {
  let pending: (() => void) | null = null;
  const s = new OutputStore(cap, maxRuns, (f) => (pending = f));
  return { s, flush: () => { const f = pending; pending = null; f?.(); } };
}

const text = (s: OutputStore, id: number) => s.get(id)?.chunks.map((c) => c.text).join("") ?? "";

describe("OutputStore", () => {
  it("appends chunks per run, merging adjacent text of the same stream", () => {
    const { s } = store();
    s.append(1, [{ stderr: false, text: "a\n" }]);
    s.append(1, [{ stderr: false, text: "b\n" }, { stderr: true, text: "oops\n" }]);
    s.append(2, [{ stderr: false, text: "other\n" }]);
    expect(s.get(1)?.chunks).toEqual([{ stderr: false, text: "a\nb\n" }, { stderr: true, text: "oops\n" }]);
    expect(s.get(1)?.size).toBe(9);
    expect(text(s, 2)).toBe("other\n");
    expect(s.get(3)).toBeUndefined();
  });

  it("keeps only the last cap characters of a run, and counts what it dropped", () => {
    const { s } = store(10);
    s.append(1, [{ stderr: false, text: "0123456789" }]);
    s.append(1, [{ stderr: true, text: "abcd" }]);
    expect(text(s, 1)).toBe("456789abcd");
    expect(s.get(1)).toMatchObject({ size: 10, dropped: 4 });
    // A single chunk larger than the cap keeps its end.
    s.append(1, [{ stderr: false, text: "x".repeat(25) + "END" }]);
    expect(text(s, 1)).toBe("xxxxxxxEND");
    expect(s.get(1)).toMatchObject({ size: 10, dropped: 4 + 28 });
    expect(s.get(1)?.chunks).toEqual([{ stderr: false, text: "xxxxxxxEND" }]);
  });

  it("keeps the output of at most maxRuns runs, dropping the oldest", () => {
    const { s } = store(100, 2);
    s.append(1, [{ stderr: false, text: "one" }]);
    s.append(2, [{ stderr: false, text: "two" }]);
    s.append(3, [{ stderr: false, text: "three" }]);
    expect(s.get(1)).toBeUndefined();
    expect(text(s, 3)).toBe("three");
  });

  it("tells a run's listeners once per frame, with a new snapshot", () => {
    const { s, flush } = store();
    const heard = vi.fn();
    const other = vi.fn();
    s.subscribe(1, heard);
    s.subscribe(2, other);
    const before = s.get(1);
    s.append(1, [{ stderr: false, text: "a" }]);
    s.append(1, [{ stderr: false, text: "b" }]);
    expect(heard).not.toHaveBeenCalled();
    flush();
    expect(heard).toHaveBeenCalledTimes(1);
    expect(other).not.toHaveBeenCalled();
    expect(s.get(1)).not.toBe(before);
    expect(s.get(1)?.version).toBe(2);
  });

  it("ignores empty chunks and a run id of 0", () => {
    const { s } = store();
    s.append(0, [{ stderr: false, text: "x" }]);
    s.append(1, [{ stderr: false, text: "" }]);
    expect(s.get(0)).toBeUndefined();
    expect(text(s, 1)).toBe("");
  });
});

const job = (index: number, state: string, more: Partial<release.RunJob> = {}): release.RunJob => ({
  batchId: "b1", index, stepId: 10 + index, stepName: "Pods", releaseId: 1, customerId: index, customer: `c${index}`, cluster: "prod-eu", state, runId: 0, startedAt: 0, finishedAt: 0, error: "", ...more,
});
const batch = (jobs: release.RunJob[], id = "b1"): release.Batch => ({ id, releaseId: 1, stepName: "Pods", jobs, done: false });

describe("the batches cache", () => {
  it("keeps the job that is further along", () => {
    expect(mergeJob(job(0, "running"), job(0, "queued")).state).toBe("running");
    expect(mergeJob(job(0, "running"), job(0, "failed")).state).toBe("failed");
    expect(mergeJob(undefined, job(0, "queued")).state).toBe("queued");
  });

  it("applies updates that came before Start's answer once the batch is there", () => {
    const qc = new QueryClient();
    qc.setQueryData(keys.runBatches, []);
    applyJobs(qc, [job(0, "running", { runId: 5 }), job(1, "queued")]);
    // Start's answer is older than the events: they win.
    putBatch(qc, batch([job(0, "queued"), job(1, "queued")]));
    const [b] = qc.getQueryData<release.Batch[]>(keys.runBatches)!;
    expect(b.jobs.map((j) => j.state)).toEqual(["running", "queued"]);
    expect(b.jobs[0].runId).toBe(5);
    applyJobs(qc, [job(0, "succeeded"), job(1, "skipped")]);
    const [after] = qc.getQueryData<release.Batch[]>(keys.runBatches)!;
    expect(after.done).toBe(true);
    expect(runningCount([after])).toMatchObject({ running: 0, queued: 0 });
  });

  it("counts running and queued jobs and names the batch to show", () => {
    const older = batch([job(0, "succeeded")], "b1");
    const newer = batch([job(0, "running"), job(1, "queued"), job(2, "queued")], "b2");
    expect(runningCount([newer, older])).toEqual({ running: 1, queued: 2, batch: newer });
  });
});

describe("groupRefusals", () => {
  it("groups Go's sentence for different customers", () => {
    const g = groupRefusals([
      { stepId: 1, customer: "Acme", why: "Acme is on hold in this release." },
      { stepId: 2, customer: "Globex", why: "'Pods' was skipped for Globex: set it back to pending to run it." },
      { stepId: 3, customer: "Initech", why: "Initech is on hold in this release." },
    ]);
    expect(g).toEqual([
      { why: "Acme is on hold in this release.", customers: ["Acme", "Initech"] },
      { why: "'Pods' was skipped for Globex: set it back to pending to run it.", customers: ["Globex"] },
    ]);
  });
});

describe("formatDuration", () => {
  it("reads as time", () => {
    expect(formatDuration(850)).toBe("850 ms");
    expect(formatDuration(12_400)).toBe("12 s");
    expect(formatDuration(184_000)).toBe("3 m 04 s");
    expect(formatDuration(3_720_000)).toBe("1 h 02 m");
  });
});
