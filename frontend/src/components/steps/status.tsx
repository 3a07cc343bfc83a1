import { Check, CircleDashed, SkipForward, Undo2 } from "lucide-react";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { cn } from "@/lib/utils";

export type Status = "pending" | "done" | "skipped" | "reverted";

export const statusMeta: Record<Status, { label: string; tone: BadgeTone; icon: typeof Check; text: string; bg: string }> = {
  done: { label: "Done", tone: "done", icon: Check, text: "text-done", bg: "bg-done" },
  skipped: { label: "Skipped", tone: "skipped", icon: SkipForward, text: "text-skipped", bg: "bg-skipped" },
  reverted: { label: "Reverted", tone: "reverted", icon: Undo2, text: "text-reverted", bg: "bg-reverted" },
  pending: { label: "Pending", tone: "pending", icon: CircleDashed, text: "text-muted-foreground", bg: "bg-pending" },
};

export function StatusBadge({ status }: { status: string }) {
  const m = statusMeta[(status as Status) in statusMeta ? (status as Status) : "pending"];
  const Icon = m.icon;
  return (
    <Badge tone={m.tone}>
      <Icon aria-hidden />
      {m.label}
    </Badge>
  );
}

export function StatusIcon({ status, className }: { status: string; className?: string }) {
  const m = statusMeta[(status as Status) in statusMeta ? (status as Status) : "pending"];
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
