import { useState, type ReactNode } from "react";

/** LazyDetails is a <details> whose content is made only once it is
 * opened: a closed diff of a 1 MiB override, or 200 history entries' "what
 * it was", cost nothing until someone looks. */
export function LazyDetails({ summary, children, className, summaryClassName }: { summary: ReactNode; children: () => ReactNode; className?: string; summaryClassName?: string }) {
  const [open, setOpen] = useState(false);
  return (
    <details className={className} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary className={summaryClassName ?? "cursor-pointer text-muted-foreground"}>{summary}</summary>
      {open && children()}
    </details>
  );
}
