import { History, Loader2 } from "lucide-react";
import { Breadcrumb } from "./breadcrumb";
import { Button } from "@/components/ui/button";
import { Tooltip } from "@/components/ui/misc";
import { RunBoard } from "@/components/runs/run-board";
import { openRunBoard, runningCount, useBatches } from "@/api/runs";

export function Header() {
  return (
    <header className="flex h-12 shrink-0 items-center gap-3 border-b border-border bg-background px-6">
      <Breadcrumb />
      <span className="flex-1" />
      <RunIndicator />
      <RunBoard />
    </header>
  );
}

/** RunIndicator says how many steps run while any do, and opens the run
 * board; once they are done it stays as a way back to this session's runs. */
function RunIndicator() {
  const batches = useBatches();
  if (!batches.data?.length) return null;
  const { running, queued, batch } = runningCount(batches.data);
  if (running + queued === 0) {
    return (
      <Tooltip content="Runs of this session">
        <Button variant="ghost" size="sm" onClick={() => openRunBoard()} aria-label="Runs of this session"><History /> Runs</Button>
      </Tooltip>
    );
  }
  return (
    <Button variant="outline" size="sm" className="border-primary/40 text-primary" onClick={() => openRunBoard(batch?.id)} data-testid="runs-indicator">
      <Loader2 className="animate-spin" aria-hidden /> {running.toLocaleString()} running{queued ? `, ${queued.toLocaleString()} queued` : ""}
    </Button>
  );
}
