import { Check, CircleDashed, SkipForward, Undo2 } from "lucide-react";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { cn } from "@/lib/utils";
import { release } from "@wails/go/models";

export type Status = release.Status;

export const statusMeta: Record<Status, { label: string; tone: BadgeTone; icon: typeof Check; text: string; bg: string }> = {
  [release.Status.DONE]: { label: "Done", tone: "done", icon: Check, text: "text-done", bg: "bg-done" },
  [release.Status.SKIPPED]: { label: "Skipped", tone: "skipped", icon: SkipForward, text: "text-skipped", bg: "bg-skipped" },
  [release.Status.REVERTED]: { label: "Reverted", tone: "reverted", icon: Undo2, text: "text-reverted", bg: "bg-reverted" },
  [release.Status.PENDING]: { label: "Pending", tone: "pending", icon: CircleDashed, text: "text-muted-foreground", bg: "bg-pending" },
};

export function StatusBadge({ status }: { status: string }) {
  const m = statusMeta[(status as Status) in statusMeta ? (status as Status) : release.Status.PENDING];
  const Icon = m.icon;
  return (
    <Badge tone={m.tone}>
      <Icon aria-hidden />
      {m.label}
    </Badge>
  );
}

export function StatusIcon({ status, className }: { status: string; className?: string }) {
  const m = statusMeta[(status as Status) in statusMeta ? (status as Status) : release.Status.PENDING];
  const Icon = m.icon;
  return <Icon className={cn("size-4", m.text, className)} aria-label={m.label} />;
}

export function TypeBadge({ type }: { type: string }) {
  const tone: BadgeTone = type === "bash" ? "sky" : type === "sql" ? "violet" : "neutral";
  return (
    <Badge tone={tone} className="font-mono uppercase tracking-wide">
      {type}
    </Badge>
  );
}
