import { useEffect, useMemo, useState, type ReactNode } from "react";
import { Check, Copy, WrapText } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Tooltip } from "@/components/ui/misc";
import { useHighlight, useHighlightStyles } from "@/api/steps";
import { copyToClipboard, usePreferences } from "@/api/system";
import { cn } from "@/lib/utils";

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

/** CodeBlock shows step content under a header bar with its copy button
 * and, for code, a wrap toggle (remembered). Prose (text steps) always
 * wraps. The content shows at once as plain text; chroma's highlighting
 * (from Go) replaces it when it arrives. That HTML is the only HTML the app
 * injects: Go escapes every character of the content (docs/design.md,
 * "Highlighting"). `copyText` is what copy puts on the clipboard when it
 * differs from what is shown. */
export function CodeBlock({ code, type, className, bodyClassName, label, actions, copyText }: {
  code: string;
  type: string;
  className?: string;
  bodyClassName?: string;
  label?: ReactNode;
  actions?: ReactNode;
  copyText?: string;
}) {
  useChromaStyles();
  const [prefs, setPrefs] = usePreferences();
  const prose = type === "text";
  const wrap = prose || prefs.wrapCode;
  const lines = useMemo(() => code.replace(/\n$/, "").split("\n"), [code]);
  const highlightable = !prose && lines.length <= maxHighlightLines && code.length <= maxHighlightBytes;
  const hl = useHighlight(type, code, highlightable);
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    const text = copyText ?? code;
    await copyToClipboard(text).catch(() => navigator.clipboard?.writeText(text));
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  };
  const width = `${String(lines.length).length}ch`;
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
      <div className={cn("min-h-0 flex-1 overflow-auto", bodyClassName)} data-selectable data-testid="code-body">
        {highlightable && hl.data ? (
          <div className={cn("chroma-host code-lines", wrap && "wrap")} style={{ ["--ln-width" as string]: width }} dangerouslySetInnerHTML={{ __html: hl.data.html }} />
        ) : (
          <PlainLines lines={lines} wrap={wrap} width={width} />
        )}
      </div>
    </div>
  );
}

/** PlainLines is the content without highlighting, in the same layout. */
function PlainLines({ lines, wrap, width }: { lines: string[]; wrap: boolean; width: string }) {
  return (
    <pre className={cn("code-lines", wrap && "wrap")} style={{ ["--ln-width" as string]: width }}>
      {lines.map((l, i) => (
        <span key={i} className="line">
          <span className="ln">{i + 1}</span>
          <span className="cl">{l + "\n"}</span>
        </span>
      ))}
    </pre>
  );
}
