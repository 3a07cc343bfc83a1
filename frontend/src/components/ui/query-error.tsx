import { AlertTriangle, RefreshCw } from "lucide-react";
import { cn } from "@/lib/utils";
import { Button } from "./button";

/** QueryError says that a read failed, in Go's plain words, with a Retry:
 * a list that could not be read must never look like an empty one. what
 * names what was being read ("Customers", "The cluster"); error is the
 * query's error ({code, message}, see toAppError in api/client.ts).
 * compact is one line, for a read that only feeds a filter or a select. */
export function QueryError({ what, error, refetch, retrying, compact, className }: {
  what: string;
  error: { message?: string } | null | undefined;
  refetch: () => unknown;
  retrying?: boolean;
  compact?: boolean;
  className?: string;
}) {
  const message = error?.message?.trim() || "Something went wrong.";
  const retry = (
    <Button type="button" variant="outline" size={compact ? "sm" : "default"} disabled={retrying} onClick={() => void refetch()}>
      <RefreshCw className={cn(retrying && "animate-spin")} aria-hidden /> {retrying ? "Retrying…" : "Retry"}
    </Button>
  );
  if (compact) {
    return (
      <div role="alert" className={cn("flex min-w-0 items-center gap-2 text-xs text-destructive", className)} data-testid="query-error">
        <AlertTriangle className="size-3.5 shrink-0" aria-hidden />
        <span className="min-w-0 truncate" title={`${what} could not be read: ${message}`}>
          <span className="font-medium">{what} could not be read:</span> {message}
        </span>
        {retry}
      </div>
    );
  }
  return (
    <div role="alert" className={cn("flex flex-col items-center justify-center rounded-lg border border-destructive/30 bg-destructive/5 px-6 py-12 text-center", className)} data-testid="query-error">
      <div className="mb-3 flex size-10 items-center justify-center rounded-full bg-destructive/10 text-destructive">
        <AlertTriangle className="size-5" aria-hidden />
      </div>
      <h3 className="text-sm font-semibold">{what} could not be read</h3>
      <p className="mt-1 max-w-md break-words text-[13px] text-muted-foreground" data-selectable>{message}</p>
      <div className="mt-4">{retry}</div>
    </div>
  );
}
