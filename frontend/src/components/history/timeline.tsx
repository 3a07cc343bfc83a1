import { useDeferredValue } from "react";
import { History } from "lucide-react";
import type { release } from "@wails/go/models";
import { Badge } from "@/components/ui/badge";
import { DiffView } from "@/components/steps/diff-view";
import { LazyDetails } from "@/components/ui/lazy-details";
import { StatusIcon } from "@/components/steps/status";
import { formatDateTime, timeAgo } from "@/lib/format";
import { historyWords } from "./words";

const firstEntries = 25;

/** Timeline is a step's history, newest first: its own changes, and the
 * template edits that reached it, each with what changed. */
export function Timeline({ history, current }: { history: release.HistoryEntry[]; current?: string }) {
  // The newest entries first, the rest of a long history a moment later at
  // low priority: the panel shows at once, whatever the history's length.
  const shown = useDeferredValue(history, history.length > firstEntries ? history.slice(0, firstEntries) : history);
  return (
    <section aria-label="History">
      <h3 className="mb-2 flex items-center gap-1.5 text-[13px] font-semibold"><History className="size-4 text-muted-foreground" aria-hidden /> History</h3>
      {history.length === 0 ? (
        <p className="text-[13px] text-muted-foreground">No changes yet.</p>
      ) : (
        <ol className="relative grid gap-3 border-l border-border pl-4" data-testid="timeline">
          {shown.map((h) => (
            <li key={h.id} className="text-[13px]">
              <span className="absolute -left-[7px] mt-1 flex size-3.5 items-center justify-center rounded-full bg-card ring-1 ring-border">
                <StatusIcon status={h.toStatus || "pending"} className="size-2.5" />
              </span>
              <div>
                <span className="font-medium">{historyWords[h.action] ?? h.action}</span>
                {h.fromStatus && h.toStatus && <span className="text-muted-foreground"> · {h.fromStatus} → {h.toStatus}</span>}
                {h.source === "cli" && <Badge className="ml-2">command line</Badge>}
              </div>
              <div className="text-xs text-muted-foreground" title={formatDateTime(h.createdAt)}>{h.actor} · {timeAgo(h.createdAt)}</div>
              {h.note && <div className="mt-0.5 break-words text-xs">“{h.note}”</div>}
              {h.rendered && (
                <LazyDetails className="mt-1 text-xs" summary={<>What it was, for this customer{current !== undefined && current !== h.rendered ? " (differs from now)" : ""}</>}>
                  {() =>
                    current !== undefined && current !== h.rendered ? (
                      <DiffView className="mt-1" before={h.rendered} after={current} />
                    ) : (
                      <pre className="mt-1 max-h-48 overflow-auto whitespace-pre-wrap rounded-md border border-border bg-muted/40 p-2 font-mono text-[11px]" data-selectable>{h.rendered}</pre>
                    )
                  }
                </LazyDetails>
              )}
              {h.contentBefore && h.contentAfter && h.contentBefore !== h.contentAfter && (
                <LazyDetails className="mt-1 text-xs" summary="Show the change">
                  {() => <DiffView className="mt-1" before={h.contentBefore} after={h.contentAfter} />}
                </LazyDetails>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
