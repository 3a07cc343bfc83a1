import { useMemo, useState } from "react";
import { Link, useParams } from "react-router";
import { Check, CircleDashed, Keyboard, ListChecks, Search, SkipForward, X } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field, Input, NativeSelect, Textarea } from "@/components/ui/input";
import { EmptyState, Kbd, PageHeader, Skeleton } from "@/components/ui/misc";
import { useCrumb } from "@/components/layout/crumbs";
import { ReleaseProgress, ReleaseStatusBadge, ReleaseTypeBadge } from "@/components/releases/badges";
import { ReleaseActions } from "@/components/releases/release-actions";
import { StepPanel } from "@/components/steps/step-panel";
import { MatrixGrid, emptySelection, selectionSize, type Cell, type Selection } from "@/components/matrix/matrix-grid";
import { buildView, canDo, cellStatus } from "@/components/matrix/model";
import { useRelease } from "@/api/releases";
import { useBulkCells, useMatrix, useQuickCell, useStepAt } from "@/api/steps";
import { toast } from "sonner";
import { plural } from "@/lib/format";
import type { progress } from "@wails/go/models";

type Action = "done" | "skip" | "revert" | "pending";

const refusal: Record<Action, string> = {
  done: "Only a pending or reverted step can be marked done.",
  skip: "Only a pending step can be skipped.",
  revert: "Only a done step can be reverted.",
  pending: "Only a skipped or reverted step can go back to pending.",
};

/** The release page: its matrix of steps × customers
 * (docs/design.md, "The matrix"). */
export function ReleaseMatrixPage() {
  const id = Number(useParams().id);
  const release = useRelease(id);
  const [clusterId, setClusterId] = useState(0);
  const matrix = useMatrix(id, clusterId);
  const [collapsed, setCollapsed] = useState<Set<number>>(new Set());
  const [status, setStatus] = useState("all");
  const [search, setSearch] = useState("");
  const [selection, setSelection] = useState<Selection>(emptySelection());
  const [open, setOpen] = useState<Cell | null>(null);
  const [skipFor, setSkipFor] = useState<{ cells?: Cell; bulk?: boolean } | null>(null);
  const [help, setHelp] = useState(false);
  const quickCell = useQuickCell(id);
  const bulk = useBulkCells(id);
  const m = matrix.data;
  const view = useMemo(() => (m ? buildView(m, { collapsed, status, search }) : null), [m, collapsed, status, search]);
  const detail = useStepAt(id, open && m ? m.rows[open.row]?.templateId ?? 0 : 0, open && m ? m.customers[open.col]?.id ?? 0 : 0);
  useCrumb(`/releases/${id}`, release.data?.release.name ?? matrix.data?.release.name);

  // The matrix call carries what the page needs to draw; the release's own
  // figures (for the actions) may arrive later without holding the grid up.
  const head = release.data?.release ?? m?.release;
  if (!head) return <div className="p-8"><Skeleton className="mb-4 h-10 w-80" /><Skeleton className="h-[60vh]" /></div>;
  const r = release.data?.release;
  const readOnly = head.status !== "active";
  const clusterOptions = release.data?.clusters ?? m?.clusters ?? [];

  const quick = (action: Action, cell: Cell, note = "") => {
    if (!m) return;
    const st = cellStatus(m.cells[cell.row]?.[cell.col]);
    if (!canDo(action, st)) {
      toast.error(`This step is ${st}. ${refusal[action]}`);
      return;
    }
    if (action === "skip" && !note) {
      setSkipFor({ cells: cell });
      return;
    }
    quickCell.mutate({ action, note, row: cell.row, col: cell.col, templateId: m.rows[cell.row].templateId, customerId: m.customers[cell.col].id });
  };
  const runBulk = (action: Action, note = "") => {
    if (!m) return;
    if (action === "skip" && !note) {
      setSkipFor({ bulk: true });
      return;
    }
    bulk.mutate(
      { releaseId: id, templateIds: [...selection.rows].map((r) => m.rows[r].templateId), customerIds: [...selection.cols].map((c) => m.customers[c].id), action, note },
      { onSuccess: () => setSelection(emptySelection()) },
    );
  };
  const total: progress.Progress | undefined = m
    ? { done: m.total[0], skipped: m.total[1], reverted: m.total[2], pending: m.total[3], total: m.total.reduce((a, b) => a + b, 0), percent: 0 }
    : undefined;
  if (total) total.percent = total.total ? Math.round(((total.done + total.skipped) * 100) / total.total) : 0;

  return (
    <div className="flex h-full flex-col p-6">
      <PageHeader
        title={<span className="flex items-center gap-2"><ReleaseTypeBadge type={head.type} />{head.name}{head.versionNumber && <span className="font-mono text-sm font-normal text-muted-foreground">{head.versionNumber}</span>}<ReleaseStatusBadge status={head.status} /></span>}
        description={head.status === "draft" ? "A draft: plan its steps, then activate it to create them for every target customer." : r ? `${plural(r.customerCount, "customer")} × ${plural(r.templateCount, "template step")}` : m ? `${plural(m.customers.length, "customer")} × ${plural(m.rows.length, "template step")}` : ""}
        actions={
          <>
            <Button variant="outline" asChild><Link to={`/releases/${id}/steps`}><ListChecks /> Template steps</Link></Button>
            {r && <ReleaseActions r={r} />}
          </>
        }
      />
      {head.status === "draft" ? (
        <EmptyState icon={<ListChecks />} title="Not active yet" action={<Button asChild><Link to={`/releases/${id}/steps`}>Edit template steps</Link></Button>}>
          This release has {plural(r?.templateCount ?? 0, "step")}. Activate it to create them for its customers and work through them here.
        </EmptyState>
      ) : (
        <>
          {total && <div className="mb-4 rounded-lg border border-border bg-card px-4 py-3" data-testid="release-progress"><ReleaseProgress p={total} /></div>}
          <div className="mb-3 flex flex-wrap items-center gap-2">
            <div className="relative w-64">
              <Search className="absolute left-2.5 top-2 size-4 text-muted-foreground" aria-hidden />
              <Input className="pl-8" placeholder="Search customers" value={search} onChange={(e) => setSearch(e.target.value)} aria-label="Search customers" />
            </div>
            <NativeSelect className="w-44" value={clusterId} onChange={(e) => { setClusterId(Number(e.target.value)); setSelection(emptySelection()); }} aria-label="Filter by cluster">
              <option value={0}>All clusters</option>
              {clusterOptions.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
            </NativeSelect>
            <NativeSelect className="w-48" value={status} onChange={(e) => setStatus(e.target.value)} aria-label="Filter by status">
              <option value="all">Any status</option>
              <option value="pending">With pending steps</option>
              <option value="done">With done steps</option>
              <option value="skipped">With skipped steps</option>
              <option value="reverted">With reverted steps</option>
            </NativeSelect>
            <div className="ml-auto flex items-center gap-3 text-xs text-muted-foreground">
              <span className="flex items-center gap-1"><span className="size-1.5 rounded-full bg-amber-500" /> overridden</span>
              <span className="flex items-center gap-1"><span className="rounded bg-primary px-0.5 text-[9px] font-semibold text-primary-foreground">+1</span> custom steps</span>
              <Button variant="ghost" size="sm" onClick={() => setHelp(true)} aria-label="Keyboard shortcuts"><Keyboard /> <Kbd>?</Kbd></Button>
            </div>
          </div>
          {selectionSize(selection) > 0 && !readOnly && (
            <div className="mb-3 flex items-center gap-2 rounded-lg border border-primary/30 bg-accent px-3 py-2 text-[13px]" role="toolbar" aria-label="Bulk actions">
              <span className="font-medium">{plural(selectionSize(selection), "step")} selected</span>
              <span className="text-muted-foreground">({plural(selection.rows.size, "row")} × {plural(selection.cols.size, "customer")})</span>
              <div className="ml-auto flex gap-2">
                <Button size="sm" onClick={() => runBulk("done")} disabled={bulk.isPending}><Check /> Mark done</Button>
                <Button size="sm" variant="outline" onClick={() => runBulk("skip")} disabled={bulk.isPending}><SkipForward /> Skip…</Button>
                <Button size="sm" variant="outline" onClick={() => runBulk("pending")} disabled={bulk.isPending}><CircleDashed /> Back to pending</Button>
                <Button size="sm" variant="ghost" onClick={() => setSelection(emptySelection())} aria-label="Clear selection"><X /></Button>
              </div>
            </div>
          )}
          <div className="min-h-0 flex-1" onKeyDown={(e) => e.key === "?" && setHelp(true)}>
            {!m || !view ? (
              <Skeleton className="h-full" />
            ) : view.columns.length === 0 ? (
              <EmptyState icon={<Search />} title="No customer matches these filters" />
            ) : (
              <MatrixGrid
                m={m}
                view={view}
                collapsed={collapsed}
                onToggleCluster={(cid) => setCollapsed((s) => { const n = new Set(s); if (n.has(cid)) n.delete(cid); else n.add(cid); return n; })}
                selection={selection}
                onSelect={setSelection}
                onOpen={setOpen}
                onQuick={(a, c) => quick(a, c)}
                readOnly={readOnly}
              />
            )}
          </div>
        </>
      )}
      <StepPanel query={detail} releaseId={id} open={!!open} onOpenChange={(o) => !o && setOpen(null)} cell={open ?? undefined} />
      {skipFor && <SkipDialog count={skipFor.bulk ? selectionSize(selection) : 1} onClose={() => setSkipFor(null)} onSkip={(reason) => { if (skipFor.bulk) runBulk("skip", reason); else if (skipFor.cells) quick("skip", skipFor.cells, reason); setSkipFor(null); }} />}
      <Dialog open={help} onOpenChange={setHelp} title="Keyboard shortcuts" description="With the matrix focused.">
        <dl className="grid grid-cols-[140px_1fr] gap-y-2 text-[13px]">
          {[
            [["←", "↑", "→", "↓"], "Move between cells"],
            [["Shift", "arrows"], "Select a rectangle"],
            [["Enter"], "Open the step"],
            [["d"], "Mark done"],
            [["s"], "Skip (asks for a reason)"],
            [["r"], "Revert a done step"],
            [["p"], "Back to pending"],
            [["Esc"], "Clear the selection"],
            [["?"], "This help"],
          ].map(([k, d]) => (
            <div key={String(d)} className="contents">
              <dt className="flex gap-1">{(k as string[]).map((x) => <Kbd key={x}>{x}</Kbd>)}</dt>
              <dd className="text-muted-foreground">{d as string}</dd>
            </div>
          ))}
        </dl>
      </Dialog>
      {quickCell.isPending && <span className="sr-only">Saving…</span>}
    </div>
  );
}

function SkipDialog({ count, onClose, onSkip }: { count: number; onClose: () => void; onSkip: (reason: string) => void }) {
  const [reason, setReason] = useState("");
  const [error, setError] = useState("");
  return (
    <Dialog
      open
      onOpenChange={(o) => !o && onClose()}
      title={count === 1 ? "Skip this step" : `Skip ${plural(count, "step")}`}
      description="Skipped steps count as handled. The reason stays on record."
      footer={
        <>
          <Button variant="outline" onClick={onClose}>Cancel</Button>
          <Button onClick={() => (reason.trim() ? onSkip(reason) : setError("A reason for skipping is required."))}>Skip</Button>
        </>
      }
    >
      <Field label="Reason" htmlFor="skip-reason" error={error}>
        <Textarea id="skip-reason" value={reason} onChange={(e) => setReason(e.target.value)} autoFocus placeholder="Why is it not needed here?" aria-invalid={!!error} />
      </Field>
    </Dialog>
  );
}
