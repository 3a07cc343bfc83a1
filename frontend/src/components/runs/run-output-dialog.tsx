import { useMemo, useState } from "react";
import { Check, ChevronDown, ChevronUp, Copy, Search } from "lucide-react";
import type { runner } from "@wails/go/models";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/misc";
import { QueryError } from "@/components/ui/query-error";
import { CodeBlock } from "@/components/steps/code-block";
import { formatDuration, useRunOutput } from "@/api/runs";
import { copyToClipboard } from "@/api/system";
import { formatBytes, formatDateTime } from "@/lib/format";
import { cn } from "@/lib/utils";
import { MAX_MATCHES, OutputView, findMatches, outputText } from "./output-view";
import { OutcomeBadge } from "./run-bits";

/** RunOutputDialog shows one recorded run: its output, searchable and
 * copyable, and the script that ran. */
export function RunOutputDialog({ runId, title, onClose }: { runId: number; title: string; onClose: () => void }) {
  const q = useRunOutput(runId);
  const [tab, setTab] = useState<"output" | "script">("output");
  const d = q.data;
  return (
    <Dialog
      open
      onOpenChange={(o) => !o && onClose()}
      title={title}
      className="h-[min(80vh,820px)] w-[min(980px,calc(100vw-2rem))]"
      description={
        d ? (
          <span className="flex flex-wrap items-center gap-x-3 gap-y-1">
            <OutcomeBadge state={d.outcome} />
            <span>{formatDateTime(d.startedAt)} by {d.actor}</span>
            {d.finishedAt ? <span>took {formatDuration((d.finishedAt - d.startedAt) * 1000)}</span> : null}
            {d.exitCode !== undefined && d.exitCode !== null && <span>exit {d.exitCode}</span>}
            <span>{formatBytes(d.outputBytes)} of output</span>
          </span>
        ) : undefined
      }
    >
      {q.isError ? (
        <QueryError what="This run" error={q.error} refetch={() => void q.refetch()} retrying={q.isFetching} />
      ) : !d ? (
        <Skeleton className="h-full min-h-64" />
      ) : (
        <div className="flex h-full min-h-0 flex-col gap-3">
          <div className="inline-flex self-start rounded-lg border border-border bg-muted p-0.5" role="tablist" aria-label="Run">
            {(["output", "script"] as const).map((t) => (
              <button key={t} type="button" role="tab" aria-selected={tab === t} onClick={() => setTab(t)} className={cn("rounded-md px-3 py-1 text-[13px] capitalize", tab === t ? "bg-card font-medium shadow-xs" : "text-muted-foreground")}>
                {t === "script" ? "Script that ran" : "Output"}
              </button>
            ))}
          </div>
          {tab === "output" ? (
            <SearchableOutput chunks={d.chunks ?? []} truncated={d.truncated} bytes={d.outputBytes} />
          ) : (
            <CodeBlock code={d.script} type="bash" className="min-h-0 flex-1" />
          )}
        </div>
      )}
    </Dialog>
  );
}

/** SearchableOutput is output with a search bar (matches marked, next and
 * previous with Enter and Shift+Enter) and a copy button. */
export function SearchableOutput({ chunks, truncated, bytes, className }: { chunks: runner.Chunk[]; truncated?: boolean; bytes?: number; className?: string }) {
  const [query, setQuery] = useState("");
  const [at, setAt] = useState(0);
  const [copied, setCopied] = useState(false);
  const text = useMemo(() => outputText(chunks), [chunks]);
  const matches = useMemo(() => findMatches(text, query), [text, query]);
  const current = matches.length ? Math.min(at, matches.length - 1) : -1;
  const step = (d: number) => matches.length && setAt((current + d + matches.length) % matches.length);
  const copy = async () => {
    await copyToClipboard(text).catch(() => navigator.clipboard?.writeText(text));
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  };
  return (
    <div className={cn("flex min-h-0 flex-1 flex-col gap-2", className)}>
      <div className="flex items-center gap-2">
        <div className="relative w-72">
          <Search className="absolute left-2.5 top-2 size-4 text-muted-foreground" aria-hidden />
          <Input
            className="pl-8"
            placeholder="Search the output"
            aria-label="Search the output"
            value={query}
            onChange={(e) => { setQuery(e.target.value); setAt(0); }}
            onKeyDown={(e) => {
              if (e.key === "Enter") {
                e.preventDefault();
                step(e.shiftKey ? -1 : 1);
              }
            }}
          />
        </div>
        {query && (
          <span className="text-xs tabular-nums text-muted-foreground" data-testid="match-count">
            {matches.length ? `${current + 1} of ${matches.length >= MAX_MATCHES ? `${MAX_MATCHES.toLocaleString()}+` : matches.length}` : "No match"}
          </span>
        )}
        <Button variant="ghost" size="icon-sm" onClick={() => step(-1)} disabled={!matches.length} aria-label="Previous match"><ChevronUp /></Button>
        <Button variant="ghost" size="icon-sm" onClick={() => step(1)} disabled={!matches.length} aria-label="Next match"><ChevronDown /></Button>
        <span className="flex-1" />
        <Button variant="outline" size="sm" onClick={copy} disabled={!text} aria-label="Copy the output">
          {copied ? <Check className="text-done" /> : <Copy />} {copied ? "Copied" : "Copy output"}
        </Button>
      </div>
      <OutputView
        chunks={chunks}
        matches={matches}
        current={current}
        className="flex-1"
        head={truncated ? <div className="border-b border-zinc-800 px-3 py-1.5 text-zinc-400">Only the last {formatBytes(bytes && bytes < 1 << 20 ? bytes : 1 << 20)} of {formatBytes(bytes ?? 0)} is kept.</div> : undefined}
      />
    </div>
  );
}
