import { cn } from "@/lib/utils";

/** ProgressBar stacks done, skipped and reverted over the pending rest. */
export function ProgressBar({ done, skipped, reverted, total, className }: { done: number; skipped: number; reverted: number; total: number; className?: string }) {
  const pct = (n: number) => (total > 0 ? `${(n / total) * 100}%` : "0%");
  return (
    <div
      className={cn("flex h-1.5 w-full overflow-hidden rounded-full bg-muted", className)}
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={total}
      aria-valuenow={done + skipped}
      aria-label="Progress"
    >
      <div className="bg-done" style={{ width: pct(done) }} />
      <div className="bg-skipped" style={{ width: pct(skipped) }} />
      <div className="bg-reverted" style={{ width: pct(reverted) }} />
    </div>
  );
}
