import { useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { AlertTriangle, Braces, Check, Copy, WrapText } from "lucide-react";
import type { vars } from "@wails/go/models";
import { Button } from "@/components/ui/button";
import { Tooltip } from "@/components/ui/misc";
import { useHighlight, useHighlightStyles } from "@/api/steps";
import { copyToClipboard, usePreferences } from "@/api/system";
import { cn } from "@/lib/utils";
import { markClass, markElement, markTitle, toMarks, type Mark } from "@/lib/spans";
import { useVirtualizer } from "@tanstack/react-virtual";

/** useChromaStyles puts chroma's light and dark CSS in the page once. */
function useChromaStyles() {
  const { data } = useHighlightStyles();
  useEffect(() => {
    if (!data || document.getElementById("chroma-styles")) return;
    const el = document.createElement("style");
    el.id = "chroma-styles";
    // textContent, not HTML: the CSS comes from Go and is inserted as text.
    el.textContent = data.light + "\n" + data.dark;
    document.head.appendChild(el);
  }, [data]);
}

/** Beyond these, content is shown plain: highlighting a huge script costs
 * more than it helps, and the plain text is there at once. */
const maxHighlightLines = 5000;
const maxHighlightBytes = 256 * 1024;

/** From this many lines on, only the lines in view (and a margin) are in
 * the page: a 2,000-line script opens as fast as a short one. */
const virtualFrom = 300;

/** CodeBlock shows step content under a header bar with its copy button
 * and, for code, a wrap toggle (remembered). Prose (text steps) always
 * wraps. The content shows at once as plain text; chroma's highlighting
 * (from Go) replaces it when it arrives. That HTML is the only HTML the app
 * injects: Go escapes every character of the content (docs/design.md,
 * "Highlighting"). `copyText` is what copy puts on the clipboard when it
 * differs from what is shown.
 *
 * With `rendered` (the content with its variables filled in for one
 * customer, from Go), that is what shows, is highlighted and is copied; each
 * value is marked with its source on hover, missing and risky values are
 * flagged above the code, and a toggle shows the content as written. */
export function CodeBlock({ code, type, className, bodyClassName, label, actions, copyText, rendered }: {
  code: string;
  type: string;
  className?: string;
  bodyClassName?: string;
  label?: ReactNode;
  actions?: ReactNode;
  copyText?: string;
  rendered?: vars.Result;
}) {
  useChromaStyles();
  const [prefs, setPrefs] = usePreferences();
  const [asWritten, setAsWritten] = useState(false);
  const hasVars = !!rendered && rendered.spans.length > 0;
  const showRendered = hasVars && !asWritten;
  const text = showRendered ? rendered.text : code;
  const marks = useMemo(() => (showRendered ? toMarks(rendered.text, rendered.spans) : []), [showRendered, rendered]);
  const prose = type === "text";
  const wrap = prose || prefs.wrapCode;
  const lines = useMemo(() => text.replace(/\n$/, "").split("\n"), [text]);
  const highlightable = !prose && lines.length <= maxHighlightLines && text.length <= maxHighlightBytes;
  const hl = useHighlight(type, text, highlightable);
  const hlRef = useRef<HTMLDivElement>(null);
  // chroma's HTML is not React's: the marks go into it once it is in place.
  useLayoutEffect(() => {
    if (hlRef.current) markElement(hlRef.current, marks);
  }, [hl.data, marks]);
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    const text = copyText ?? (showRendered ? rendered.text : code);
    await copyToClipboard(text).catch(() => navigator.clipboard?.writeText(text));
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  };
  const width = `${String(lines.length).length}ch`;
  const bodyRef = useRef<HTMLDivElement>(null);
  return (
    <div className={cn("code-block flex min-h-0 flex-col overflow-hidden rounded-lg border border-border bg-muted/40", className)}>
      <div className="flex h-9 shrink-0 items-center gap-2 border-b border-border bg-muted/60 px-2.5 text-xs text-muted-foreground">
        <span className="min-w-0 flex-1 truncate">
          {label ?? (
            <>
              {lines.length.toLocaleString()} line{lines.length === 1 ? "" : "s"}
              {!prose && !highlightable && " · too long to highlight"}
            </>
          )}
        </span>
        {actions}
        {hasVars && (
          <Tooltip content={asWritten ? "Show it as it runs for this customer" : "Show the variables as written"}>
            <Button variant={asWritten ? "outline" : "ghost"} size="sm" className="h-7 px-2" onClick={() => setAsWritten(!asWritten)} aria-pressed={asWritten} aria-label="Show as written">
              <Braces /> {asWritten ? "As written" : "Rendered"}
            </Button>
          </Tooltip>
        )}
        {!prose && (
          <Tooltip content={wrap ? "Don't wrap long lines" : "Wrap long lines"}>
            <Button variant={wrap ? "outline" : "ghost"} size="icon-sm" onClick={() => setPrefs({ wrapCode: !prefs.wrapCode })} aria-label="Wrap long lines" aria-pressed={wrap}>
              <WrapText />
            </Button>
          </Tooltip>
        )}
        <Tooltip content={copied ? "Copied" : "Copy to clipboard"}>
          <Button variant="ghost" size="sm" onClick={copy} aria-label="Copy to clipboard" className="h-7 px-2">
            {copied ? <Check className="text-done" /> : <Copy />} {copied ? "Copied" : "Copy"}
          </Button>
        </Tooltip>
      </div>
      {showRendered && (rendered.missing.length > 0 || rendered.unsafe.length > 0) && (
        <ul className="grid shrink-0 gap-0.5 border-b border-border bg-amber-500/10 px-2.5 py-1.5 text-xs" data-testid="variable-problems">
          {[...rendered.missing, ...rendered.unsafe].map((p) => (
            <li key={p.name + p.message} className="flex gap-1.5">
              <AlertTriangle className="mt-0.5 size-3.5 shrink-0 text-amber-600" aria-hidden />
              <span>{p.message}</span>
            </li>
          ))}
        </ul>
      )}
      <div ref={bodyRef} className={cn("min-h-0 flex-1 overflow-auto", bodyClassName)} data-selectable data-testid="code-body">
        {lines.length >= virtualFrom ? (
          <VirtualLines scrollRef={bodyRef} lines={lines} html={highlightable ? hl.data?.html : undefined} marks={marks} wrap={wrap} width={width} />
        ) : highlightable && hl.data ? (
          <div ref={hlRef} key={hl.data.html} className={cn("chroma-host code-lines", wrap && "wrap")} style={{ ["--ln-width" as string]: width }} dangerouslySetInnerHTML={{ __html: hl.data.html }} />
        ) : (
          <PlainLines lines={lines} marks={marks} wrap={wrap} width={width} />
        )}
      </div>
    </div>
  );
}

/** PlainLines is the content without highlighting, in the same layout,
 * with the variables' values marked. */
function PlainLines({ lines, marks, wrap, width }: { lines: string[]; marks: Mark[]; wrap: boolean; width: string }) {
  // Where each line starts in the whole text (for the marks).
  const starts = useMemo(() => {
    const out: number[] = [];
    let at = 0;
    for (const l of lines) {
      out.push(at);
      at += l.length + 1;
    }
    return out;
  }, [lines]);
  return (
    <pre className={cn("code-lines", wrap && "wrap")} style={{ ["--ln-width" as string]: width }}>
      {lines.map((l, i) => {
        const start = starts[i];
        return (
          <span key={i} className="line">
            <span className="ln">{i + 1}</span>
            <span className="cl">{marks.length ? markedLine(l, start, marks) : l}{"\n"}</span>
          </span>
        );
      })}
    </pre>
  );
}

/** markedLine is one line of text (starting at offset in the whole) with
 * the parts inside marks wrapped. */
function markedLine(line: string, offset: number, marks: Mark[]): ReactNode[] {
  const out: ReactNode[] = [];
  let at = 0;
  for (const m of marks) {
    const from = Math.max(m.start - offset, 0);
    const to = Math.min(m.end - offset, line.length);
    if (to <= 0 || from >= line.length || to <= from) continue;
    if (from > at) out.push(line.slice(at, from));
    out.push(<mark key={from} className={markClass(m.span)} title={markTitle(m.span)}>{line.slice(from, to)}</mark>);
    at = to;
  }
  if (at < line.length) out.push(line.slice(at));
  return out;
}

/** lineStarts are where each line starts in the whole text (for marks). */
function lineStarts(lines: string[]): number[] {
  const out: number[] = [];
  let at = 0;
  for (const l of lines) {
    out.push(at);
    at += l.length + 1;
  }
  return out;
}

/** splitChroma cuts chroma's HTML into its lines: Go writes each line as
 * one self-contained <span class="line">, and escapes every "<" of the
 * content, so the marker never occurs inside a line. null when the HTML
 * is not shaped so (then the plain lines show). */
function splitChroma(html: string, count: number): string[] | null {
  const from = html.indexOf("<code>");
  const to = html.lastIndexOf("</code>");
  if (from < 0 || to < from) return null;
  const marker = '<span class="line">';
  const parts = html.slice(from + 6, to).split(marker).slice(1).map((p) => marker + p);
  return parts.length === count ? parts : null;
}

/** VirtualLines shows a long text with only the lines in view in the page,
 * highlighted (chroma's lines, one by one) once Go's HTML is there. */
function VirtualLines({ scrollRef, lines, html, marks, wrap, width }: {
  scrollRef: React.RefObject<HTMLDivElement | null>;
  lines: string[];
  html?: string;
  marks: Mark[];
  wrap: boolean;
  width: string;
}) {
  const starts = useMemo(() => lineStarts(lines), [lines]);
  const htmlLines = useMemo(() => (html ? splitChroma(html, lines.length) : null), [html, lines.length]);
  const v = useVirtualizer({
    count: lines.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 19.2, // 12 px × line-height 1.6
    overscan: 40,
  });
  const pad = 10; // .code-lines' vertical padding
  return (
    <div
      className={cn("code-lines", wrap && "wrap", htmlLines && "chroma-host chroma")}
      style={{ ["--ln-width" as string]: width, position: "relative", height: v.getTotalSize() + 2 * pad, padding: 0 }}
      data-testid="code-virtual"
    >
      {v.getVirtualItems().map((it) => {
        const i = it.index;
        const lineMarks = marks.length ? marks.filter((m) => m.end > starts[i] && m.start < starts[i] + lines[i].length + 1) : [];
        return (
          <div
            key={it.key}
            data-index={i}
            ref={v.measureElement}
            style={{ position: "absolute", top: 0, left: 0, minWidth: "100%", width: wrap ? "100%" : "max-content", transform: `translateY(${it.start + pad}px)` }}
          >
            {htmlLines ? (
              <HtmlLine key={htmlLines[i] + lineMarks.length} html={htmlLines[i]} marks={lineMarks.map((m) => ({ ...m, start: m.start - starts[i], end: m.end - starts[i] }))} />
            ) : (
              <span className="line">
                <span className="ln">{i + 1}</span>
                <span className="cl">{lineMarks.length ? markedLine(lines[i], starts[i], lineMarks) : lines[i]}{"\n"}</span>
              </span>
            )}
          </div>
        );
      })}
    </div>
  );
}

/** HtmlLine is one of chroma's lines, with the variables' values marked
 * (marks relative to the line). Keyed by its HTML and marks, so the marks go
 * into fresh DOM once. */
function HtmlLine({ html, marks }: { html: string; marks: Mark[] }) {
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    // A re-render keeps React's innerHTML, and the marks in it: mark once.
    const el = ref.current;
    const sig = marks.map((m) => `${m.start}-${m.end}`).join(",");
    if (!el || el.dataset.marked === sig) return;
    markElement(el, marks);
    el.dataset.marked = sig;
  }, [marks]);
  return <div ref={ref} dangerouslySetInnerHTML={{ __html: html }} />;
}
