import { useEffect, useState } from "react";
import { Ban, CheckCircle2, CircleDashed, Clock, Loader2, SkipForward, TimerOff, XCircle, Zap } from "lucide-react";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { stateLabel } from "@/api/runs";
import { cn } from "@/lib/utils";

/** useNow is the time in ms, ticking every second while active. */
export function useNow(active: boolean, every = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const tick = () => setNow(Date.now());
    const first = setTimeout(tick, 0);
    const t = setInterval(tick, every);
    return () => {
      clearTimeout(first);
      clearInterval(t);
    };
  }, [active, every]);
  return now;
}

const icons: Record<string, typeof Clock> = {
  queued: Clock,
  running: Loader2,
  succeeded: CheckCircle2,
  failed: XCircle,
  cancelled: Ban,
  timed_out: TimerOff,
  skipped: SkipForward,
  interrupted: Zap,
};

const iconTone: Record<string, string> = {
  queued: "text-muted-foreground",
  running: "text-primary animate-spin",
  succeeded: "text-done",
  failed: "text-destructive",
  cancelled: "text-amber-600 dark:text-amber-400",
  timed_out: "text-destructive",
  skipped: "text-muted-foreground",
  interrupted: "text-amber-600 dark:text-amber-400",
};

export const badgeTone: Record<string, BadgeTone> = {
  queued: "neutral",
  running: "primary",
  succeeded: "done",
  failed: "rose",
  cancelled: "warning",
  timed_out: "rose",
  skipped: "neutral",
  interrupted: "warning",
};

/** StateIcon is a job state or run outcome as an icon. */
export function StateIcon({ state, className }: { state: string; className?: string }) {
  const Icon = icons[state] ?? CircleDashed;
  return <Icon className={cn("size-4 shrink-0", iconTone[state], className)} aria-label={stateLabel[state] ?? state} />;
}

/** OutcomeBadge is a job state or run outcome as a badge. */
export function OutcomeBadge({ state, className }: { state: string; className?: string }) {
  const Icon = icons[state] ?? CircleDashed;
  return (
    <Badge tone={badgeTone[state] ?? "neutral"} className={className} data-state={state}>
      <Icon className={cn(state === "running" && "animate-spin")} aria-hidden /> {stateLabel[state] ?? state}
    </Badge>
  );
}
