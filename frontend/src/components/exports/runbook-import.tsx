import { useState } from "react";
import { FileUp } from "lucide-react";
import type { app, runbook } from "@wails/go/models";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { useImportRunbook } from "@/api/exports";
import { cn } from "@/lib/utils";

/** RunbookImportDialog puts a runbook file's steps into a draft: replacing
 * its templates or after them. A file with problems is listed line by line
 * and changes nothing. */
export function RunbookImportDialog({ releaseId, templateCount, onClose }: { releaseId: number; templateCount: number; onClose: () => void }) {
  const imp = useImportRunbook(releaseId);
  const [replace, setReplace] = useState(templateCount === 0);
  const [problems, setProblems] = useState<app.RunbookImport | null>(null);
  return (
    <Dialog
      open
      onOpenChange={(o) => !o && onClose()}
      title="Import a runbook"
      description="The runbook's deploy and verify steps, in their order, become this draft's template steps. All or nothing: a file with a problem changes nothing."
      footer={
        <>
          <Button variant="outline" onClick={onClose}>Cancel</Button>
          <Button
            disabled={imp.isPending}
            onClick={() =>
              imp.mutate(replace, {
                onSuccess: (r) => {
                  if (r.problems.length > 0) setProblems(r);
                  else if (!r.cancelled) onClose();
                },
              })
            }
          >
            <FileUp /> Choose runbook…
          </Button>
        </>
      }
    >
      <div className="grid gap-3 text-[13px]">
        <label className="flex items-center gap-2">
          <input type="radio" name="mode" checked={!replace} onChange={() => setReplace(false)} className="accent-[var(--primary)]" /> Add after the {templateCount} steps the draft has
        </label>
        <label className="flex items-center gap-2">
          <input type="radio" name="mode" checked={replace} onChange={() => setReplace(true)} className="accent-[var(--primary)]" /> Replace them
        </label>
        {problems && (
          <RunbookProblems heading={`${problems.path.split(/[\\/]/).pop()} was not imported:`} problems={problems.problems} />
        )}
      </div>
    </Dialog>
  );
}

/** RunbookProblems lists what is wrong with a runbook file, line by line
 * (Go's messages; the line number shown once). */
export function RunbookProblems({ heading, problems, className }: { heading: string; problems: runbook.Problem[]; className?: string }) {
  return (
    <div role="alert" className={cn("rounded-md border border-destructive/30 bg-destructive/10 p-3", className)} data-testid="runbook-problems">
      <p className="mb-1 font-medium">{heading}</p>
      <ul className="grid max-h-56 gap-0.5 overflow-auto text-xs">
        {problems.map((p, i) => (
          <li key={i}>{p.line > 0 ? `Line ${p.line}: ` : ""}{p.message.replace(/^Line \d+: /, "")}</li>
        ))}
      </ul>
    </div>
  );
}
