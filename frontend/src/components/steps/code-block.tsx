import { useEffect, useState } from "react";
import { Check, Copy } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Skeleton, Tooltip } from "@/components/ui/misc";
import { useHighlight, useHighlightStyles } from "@/api/steps";
import { copyToClipboard } from "@/api/system";
import { cn } from "@/lib/utils";

/** ChromaStyles puts chroma's light and dark CSS in the page once. */
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

/** CodeBlock shows step content highlighted by chroma in Go, with line
 * numbers and a copy button. The HTML is the only HTML the app injects: Go
 * escapes every character of the content (docs/design.md, "Highlighting"). */
export function CodeBlock({ code, type, className }: { code: string; type: string; className?: string }) {
  useChromaStyles();
  const { data, isLoading, error } = useHighlight(type, code);
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    await copyToClipboard(code).catch(() => navigator.clipboard?.writeText(code));
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  };
  return (
    <div className={cn("code-block group relative overflow-hidden rounded-lg border border-border bg-muted/40", className)} data-selectable>
      <div className="absolute right-2 top-2 z-10 opacity-70 transition-opacity group-hover:opacity-100">
        <Tooltip content={copied ? "Copied" : "Copy to clipboard"}>
          <Button variant="outline" size="icon-sm" onClick={copy} aria-label="Copy to clipboard">
            {copied ? <Check className="text-done" /> : <Copy />}
          </Button>
        </Tooltip>
      </div>
      {isLoading ? (
        <div className="grid gap-2 p-4"><Skeleton className="h-3 w-3/4" /><Skeleton className="h-3 w-1/2" /></div>
      ) : error || !data ? (
        <pre className="overflow-auto p-4 font-mono text-xs">{code}</pre>
      ) : (
        <div className="chroma-host overflow-auto text-xs leading-relaxed" dangerouslySetInnerHTML={{ __html: data.html }} />
      )}
    </div>
  );
}
