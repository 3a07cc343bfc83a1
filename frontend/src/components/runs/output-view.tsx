import { memo, useLayoutEffect, useMemo, useRef, type ReactNode } from "react";
import type { runner } from "@wails/go/models";
import { cn } from "@/lib/utils";

/** A match of a search in the output: [start, end) in the whole text. */
export interface Match {
  start: number;
  end: number;
}

/** MAX_MATCHES bounds the marks drawn: beyond it the count says "1,000+". */
export const MAX_MATCHES = 1000;

/** findMatches finds a search (case-insensitive) in the text. */
export function findMatches(text: string, query: string): Match[] {
  const q = query.toLowerCase();
  if (!q) return [];
  const hay = text.toLowerCase();
  const out: Match[] = [];
  for (let i = hay.indexOf(q); i >= 0 && out.length < MAX_MATCHES; i = hay.indexOf(q, i + q.length)) out.push({ start: i, end: i + q.length });
  return out;
}

/** outputText is the output as one string, as copy puts it. */
export const outputText = (chunks: runner.Chunk[]) => chunks.map((c) => c.text).join("");

/** OutputView is a run's output in a terminal-like area: monospace on a
 * dark background in either theme, stderr in red. With `follow`, it keeps
 * the end in view unless the operator scrolled up. With matches, they are
 * marked and the current one is scrolled to. */
export function OutputView({ chunks, follow, matches, current = -1, className, empty, head }: {
  chunks: runner.Chunk[];
  follow?: boolean;
  matches?: Match[];
  current?: number;
  className?: string;
  empty?: ReactNode;
  head?: ReactNode;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const size = useMemo(() => chunks.reduce((n, c) => n + c.text.length, 0), [chunks]);
  // Keep the end in view while the output grows, unless scrolled up.
  useLayoutEffect(() => {
    const el = ref.current;
    if (follow && el && stick.current) el.scrollTop = el.scrollHeight;
  }, [follow, size, chunks]);
  useLayoutEffect(() => {
    if (current < 0) return;
    const el = ref.current?.querySelector<HTMLElement>(`[data-match="${current}"]`);
    el?.scrollIntoView?.({ block: "center" });
  }, [current, matches]);
  return (
    <div
      ref={ref}
      onScroll={(e) => {
        const el = e.currentTarget;
        stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
      }}
      className={cn("terminal min-h-0 overflow-auto rounded-lg border border-zinc-800 bg-zinc-950 font-mono text-[12px] leading-[1.45] text-zinc-100", className)}
      data-selectable
      data-testid="run-output"
      role="log"
      aria-live="off"
    >
      {head}
      {chunks.length === 0 ? (
        <div className="px-3 py-2 text-zinc-500">{empty ?? "No output."}</div>
      ) : (
        <pre className="whitespace-pre-wrap break-words px-3 py-2">
          <Segments chunks={chunks} matches={matches ?? []} current={current} />
        </pre>
      )}
    </div>
  );
}

const Segments = memo(function Segments({ chunks, matches, current }: { chunks: runner.Chunk[]; matches: Match[]; current: number }) {
  const out: ReactNode[] = [];
  let offset = 0;
  let mi = 0;
  chunks.forEach((c, ci) => {
    const start = offset;
    const end = offset + c.text.length;
    offset = end;
    const cls = c.stderr ? "text-red-400" : undefined;
    // Skip the matches before this chunk; mark those inside it.
    while (mi < matches.length && matches[mi].end <= start) mi++;
    if (mi >= matches.length || matches[mi].start >= end) {
      out.push(<span key={ci} className={cls} data-stream={c.stderr ? "stderr" : "stdout"}>{c.text}</span>);
      return;
    }
    const parts: ReactNode[] = [];
    let at = start;
    let k = mi;
    while (k < matches.length && matches[k].start < end) {
      const m = matches[k];
      const from = Math.max(m.start, start);
      const to = Math.min(m.end, end);
      if (from > at) parts.push(c.text.slice(at - start, from - start));
      parts.push(
        <mark key={`${k}:${from}`} data-match={m.start >= start ? k : undefined} className={cn("rounded-[2px] text-zinc-950", k === current ? "bg-amber-300 ring-2 ring-amber-400" : "bg-yellow-200/80")}>
          {c.text.slice(from - start, to - start)}
        </mark>,
      );
      at = to;
      if (m.end > end) break;
      k++;
    }
    if (at < end) parts.push(c.text.slice(at - start));
    out.push(<span key={ci} className={cls} data-stream={c.stderr ? "stderr" : "stdout"}>{parts}</span>);
  });
  return <>{out}</>;
});
