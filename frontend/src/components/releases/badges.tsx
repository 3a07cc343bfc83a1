import { Badge, type BadgeTone } from "@/components/ui/badge";
import { ProgressBar } from "@/components/ui/progress";
import type { progress } from "@wails/go/models";

const typeTone: Record<string, BadgeTone> = { onboarding: "sky", release: "primary", hotfix: "rose" };
const statusTone: Record<string, BadgeTone> = { draft: "neutral", active: "done", archived: "pending" };

export function ReleaseTypeBadge({ type }: { type: string }) {
  return <Badge tone={typeTone[type] ?? "neutral"} className="capitalize">{type}</Badge>;
}

export function ReleaseStatusBadge({ status }: { status: string }) {
  return (
    <Badge tone={statusTone[status] ?? "neutral"} className="capitalize">
      {status === "active" && <span className="size-1.5 rounded-full bg-done" aria-hidden />}
      {status}
    </Badge>
  );
}

/** ReleaseProgress is the bar with its figures. */
export function ReleaseProgress({ p, compact }: { p: progress.Progress; compact?: boolean }) {
  return (
    <div className="grid gap-1.5">
      <div className="flex items-baseline justify-between gap-3 text-xs tabular-nums">
        <span className="font-semibold text-foreground">{p.percent}%</span>
        {!compact && (
          <span className="flex flex-wrap justify-end gap-x-3 text-muted-foreground" data-testid="progress-figures">
            <span><span className="text-done">●</span> {p.done} done</span>
            <span><span className="text-skipped">●</span> {p.skipped} skipped</span>
            <span><span className="text-reverted">●</span> {p.reverted} reverted</span>
            <span>{p.pending} pending</span>
            {p.heldCustomers > 0 && (
              <span className="text-amber-700 dark:text-amber-400" title={`${p.heldSteps} steps of held customers are not counted in the figures`}>
                {p.heldCustomers} customer{p.heldCustomers === 1 ? "" : "s"} held
              </span>
            )}
          </span>
        )}
        {compact && <span className="text-muted-foreground">{p.done + p.skipped}/{p.total}</span>}
      </div>
      <ProgressBar done={p.done} skipped={p.skipped} reverted={p.reverted} total={p.total} />
    </div>
  );
}
