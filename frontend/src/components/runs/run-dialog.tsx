import { useMemo, useState } from "react";
import { AlertTriangle, Play } from "lucide-react";
import { release } from "@wails/go/models";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field, NativeSelect } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/misc";
import { QueryError } from "@/components/ui/query-error";
import { groupRefusals, useCellSteps, useRunCheck, useStartRun } from "@/api/runs";
import { plural } from "@/lib/format";
import { ClusterFacts } from "./step-run";

/** RunDialog runs the bash steps of a matrix selection: it says how many
 * will run and why the others will not (Go's Check), asks how many at once
 * and whether to stop at the first failure, has each cluster confirmed that
 * no step has run against this session, then starts them. */
export function RunDialog({ m, rows, cols, onClose, onStarted }: {
  m: release.Matrix;
  rows: number[];
  cols: number[];
  onClose: () => void;
  onStarted: (b: release.Batch) => void;
}) {
  const steps = useCellSteps(m, rows, cols);
  const ids = steps.data ?? [];
  const check = useRunCheck(ids, !!steps.data);
  const start = useStartRun();
  const [concurrency, setConcurrency] = useState(1);
  const [stop, setStop] = useState(true);
  const [again, setAgain] = useState(false);
  const [confirmed, setConfirmed] = useState<Set<number>>(new Set());
  const chk = check.data;
  const plan = useMemo(() => {
    if (!chk) return null;
    const run = chk.runnable.filter((t) => again || t.status !== release.Status.DONE);
    const perCluster = new Map<number, number>();
    for (const t of run) perCluster.set(t.clusterId, (perCluster.get(t.clusterId) ?? 0) + 1);
    const confirm = chk.confirm.filter((c) => perCluster.has(c.clusterId));
    return { run, perCluster, confirm, refused: groupRefusals(chk.refused), done: chk.again };
  }, [chk, again]);
  const unconfirmed = plan ? plan.confirm.filter((c) => !confirmed.has(c.clusterId)).length : 0;
  const go = () => {
    if (!plan) return;
    start.mutate(
      { stepIds: plan.run.map((t) => t.stepId), concurrency, stopOnFailure: stop, again, confirmed: plan.confirm.map((c) => c.clusterId) },
      { onSuccess: (b) => onStarted(b) },
    );
  };
  const names = [...new Set(rows.filter((r) => m.rows[r].type === release.StepType.BASH).map((r) => m.rows[r].name))];

  return (
    <Dialog
      open
      onOpenChange={(o) => !o && onClose()}
      title={names.length === 1 ? `Run '${names[0]}'` : `Run ${plural(rows.length, "step")}`}
      description={`For ${plural(cols.length, "customer")} of the selection. Each script runs on this machine, as you, with its cluster's kubeconfig.`}
      className="w-[min(640px,calc(100vw-2rem))]"
      footer={
        <>
          <Button variant="outline" onClick={onClose}>Cancel</Button>
          <Button onClick={go} disabled={!plan || plan.run.length === 0 || unconfirmed > 0 || start.isPending} data-testid="start-run">
            <Play /> {plan && plan.run.length > 0 ? `Run ${plural(plan.run.length, "step")}` : "Run"}
          </Button>
        </>
      }
    >
      {steps.isError ? (
        <QueryError what="The steps of the selection" error={steps.error} refetch={() => void steps.refetch()} retrying={steps.isFetching} />
      ) : check.isError ? (
        <QueryError what="What can run" error={check.error} refetch={() => void check.refetch()} retrying={check.isFetching} />
      ) : !plan ? (
        <div className="grid gap-2 text-[13px] text-muted-foreground">
          <span>{!steps.data ? "Finding the steps…" : "Checking what can run…"}</span>
          <Skeleton className="h-24" />
        </div>
      ) : (
        <div className="grid gap-4 text-[13px]">
          <div className="flex flex-wrap items-baseline gap-x-5 gap-y-1" data-testid="run-plan">
            <span><span className="text-2xl font-semibold tabular-nums" data-testid="will-run">{plan.run.length.toLocaleString()}</span> will run</span>
            {plan.refused.length > 0 && (
              <span className="text-muted-foreground"><span className="text-lg font-semibold tabular-nums" data-testid="refused">{chk!.refused.length.toLocaleString()}</span> left out</span>
            )}
            {plan.done > 0 && !again && <span className="text-muted-foreground"><span className="font-semibold tabular-nums">{plan.done.toLocaleString()}</span> done already</span>}
          </div>
          {plan.refused.length > 0 && (
            <ul className="grid max-h-40 gap-1 overflow-auto rounded-lg border border-border bg-muted/40 px-3 py-2" aria-label="Left out" data-testid="refusals">
              {plan.refused.map((g) => (
                <li key={g.why} className="flex gap-2">
                  <span className="w-10 shrink-0 text-right font-medium tabular-nums">{g.customers.length.toLocaleString()}</span>
                  <span className="min-w-0">
                    {g.why}
                    {g.customers.length > 1 && g.why.includes(g.customers[0]) && (
                      <span className="block truncate text-xs text-muted-foreground" title={g.customers.slice(1).join(", ")}>
                        Also {g.customers.slice(1, 6).join(", ")}{g.customers.length > 6 ? ` and ${(g.customers.length - 6).toLocaleString()} more` : ""}.
                      </span>
                    )}
                  </span>
                </li>
              ))}
            </ul>
          )}
          {plan.done > 0 && (
            <label className="flex cursor-pointer items-start gap-2">
              <input type="checkbox" className="mt-0.5 accent-[var(--primary)]" checked={again} onChange={(e) => setAgain(e.target.checked)} />
              <span>Also run the {plural(plan.done, "step")} done already <span className="block text-xs text-muted-foreground">They stay done whatever the outcome; each run is recorded in the step's history.</span></span>
            </label>
          )}
          {plan.run.length > 0 && (
            <div className="grid grid-cols-[200px_1fr] items-start gap-4">
              <Field label="At once" htmlFor="run-concurrency" hint="Up to 8 scripts at the same time.">
                <NativeSelect id="run-concurrency" value={concurrency} onChange={(e) => setConcurrency(Number(e.target.value))}>
                  {[1, 2, 3, 4, 5, 6, 7, 8].map((n) => <option key={n} value={n}>{n === 1 ? "1: one after the other" : n}</option>)}
                </NativeSelect>
              </Field>
              <label className="mt-6 flex cursor-pointer items-start gap-2">
                <input type="checkbox" className="mt-0.5 accent-[var(--primary)]" checked={stop} onChange={(e) => setStop(e.target.checked)} />
                <span>Stop at the first failure <span className="block text-xs text-muted-foreground">No new run starts once one fails or times out; those running finish, the rest are skipped.</span></span>
              </label>
            </div>
          )}
          {plan.confirm.length > 0 && (
            <div className="grid gap-2" data-testid="cluster-confirm">
              <div className="flex items-center gap-1.5 font-medium">
                <AlertTriangle className="size-4 text-amber-600" aria-hidden />
                {plan.confirm.length === 1 ? `Run against ${plan.confirm[0].cluster}?` : `Run against ${plural(plan.confirm.length, "cluster")}?`}
              </div>
              <p className="flex items-center gap-2 text-xs text-muted-foreground">
                <span>No step has run against {plan.confirm.length === 1 ? "it" : "them"} since Shipdeck started. Confirm each one.</span>
                {plan.confirm.length > 2 && unconfirmed > 0 && (
                  <Button variant="link" size="sm" className="h-auto px-0 text-xs" onClick={() => setConfirmed(new Set(plan.confirm.map((c) => c.clusterId)))}>
                    Confirm all {plan.confirm.length}
                  </Button>
                )}
              </p>
              {plan.confirm.map((c) => {
                const n = plan.perCluster.get(c.clusterId) ?? 0;
                const more = n - c.namespaces.length;
                return (
                  <label key={c.clusterId} className="flex cursor-pointer items-start gap-2">
                    <input
                      type="checkbox"
                      className="mt-3 accent-[var(--primary)]"
                      checked={confirmed.has(c.clusterId)}
                      onChange={(e) => setConfirmed((s) => { const x = new Set(s); if (e.target.checked) x.add(c.clusterId); else x.delete(c.clusterId); return x; })}
                      aria-label={`Run against ${c.cluster}`}
                    />
                    <div className="min-w-0 flex-1">
                      <ClusterFacts c={more > 0 ? { ...c, namespaces: [...c.namespaces, `and ${more.toLocaleString()} more`] } : c} />
                    </div>
                  </label>
                );
              })}
            </div>
          )}
        </div>
      )}
    </Dialog>
  );
}
