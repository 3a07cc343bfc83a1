import { useMemo } from "react";
import { lineDiff } from "@/lib/diff";
import { cn } from "@/lib/utils";

/** DiffView shows what changed between two contents, line by line. */
export function DiffView({ before, after, className }: { before: string; after: string; className?: string }) {
  const lines = useMemo(() => lineDiff(before, after), [before, after]);
  return (
    <pre className={cn("max-h-72 overflow-auto rounded-md border border-border bg-muted/40 py-2 font-mono text-xs leading-relaxed", className)} data-selectable data-testid="diff">
      {lines.map((l, i) => (
        <div
          key={i}
          className={cn("whitespace-pre-wrap break-all px-3", l.kind === "del" && "bg-destructive/10 text-destructive", l.kind === "add" && "bg-done/10 text-done")}
        >
          <span className="mr-2 select-none opacity-60">{l.kind === "del" ? "−" : l.kind === "add" ? "+" : " "}</span>
          {l.text}
        </div>
      ))}
    </pre>
  );
}
