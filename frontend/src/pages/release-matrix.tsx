import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { QueryError } from "@/components/ui/query-error";
import { Link, useNavigate, useParams } from "react-router";
import { Activity, Keyboard, ListChecks, Search } from "lucide-react";
import { toast } from "sonner";
import { release } from "@wails/go/models";
import { Button } from "@/components/ui/button";
import { ConfirmDialog, Dialog } from "@/components/ui/dialog";
import { Input, NativeSelect } from "@/components/ui/input";
import { EmptyState, Kbd, Skeleton } from "@/components/ui/misc";
import { useCrumb } from "@/components/layout/crumbs";
import { ReleaseProgress, ReleaseStatusBadge, ReleaseTypeBadge } from "@/components/releases/badges";
import { ReleaseActions } from "@/components/releases/release-actions";
import { StepPanel } from "@/components/steps/step-panel";
import { ReasonDialog } from "@/components/steps/reason-dialog";
import { MatrixGrid, type Cell, type GridHandle } from "@/components/matrix/matrix-grid";
import type { ColumnCommand } from "@/components/matrix/matrix-headers";
import { useStable } from "@/lib/use-stable";
import { BulkBar } from "@/components/matrix/bulk-bar";
import { ExtrasPopover } from "@/components/matrix/extras-popover";
import { buildView, emptySelection, pendingCells, selectionSize, waveFront, type Selection, type View } from "@/components/matrix/model";
import { RunDialog } from "@/components/runs/run-dialog";
import { openRunBoard } from "@/api/runs";
import { useHold, useReleases, useUnhold } from "@/api/releases";
import { useChangeCells, useMatrix, useStepAt, useStepDetail, useUndo } from "@/api/steps";
import { showChange } from "@/lib/undo-toast";
import { plural } from "@/lib/format";
import { useFrozen } from "@/lib/frozen";

type Target = "selection" | Cell;
type Ask = { kind: "skip"; target: Target } | { kind: "hold"; cols: number[] } | { kind: "held"; action: release.Action; cell: Cell; note?: string } | { kind: "run"; rows: number[]; cols: number[] };

/** FAILED is the status filter of customers with a step whose last run
 * failed (Matrix.failed). */
const FAILED = "run-failed";

/** onlyFailed keeps the columns of customers with a failed last run. */
function onlyFailed(m: release.Matrix, view: View): View {
  const cols = new Set((m.failed ?? []).map(([, c]) => c));
  const columns = view.columns.filter((c) => c.kind === "collapsed" || cols.has(c.col));
  const groups: View["groups"] = [];
  columns.forEach((c, i) => {
    const g = groups[groups.length - 1];
    if (g && g.cluster === c.cluster) g.last = i;
    else groups.push({ cluster: c.cluster, first: i, last: i });
  });
  return { ...view, columns, groups };
}

const shortcuts: [string[], string][] = [
  [["g"], "Go to the grid (from anywhere on this page)"],
  [["←", "↑", "→", "↓"], "Move between cells"],
  [["Shift", "arrows"], "Select a rectangle"],
  [["Enter"], "Open the step"],
  [["d"], "Mark done (the selection, or the cell)"],
  [["s"], "Skip (asks for a reason)"],
  [["r"], "Revert done steps"],
  [["p"], "Back to pending"],
  [["f"], "Focus mode for the cell's customer"],
  [["Esc"], "Clear the selection"],
  [["?"], "This help"],
];

const holdMessage = (r: release.HoldResult, done: string) =>
  `${plural(r.changed, "customer")} ${done}.${r.unchanged && r.why ? ` ${r.why[0].toUpperCase()}${r.why.slice(1)}.` : ""}`;

/** The release page: its matrix of steps × customers (docs/design.md, "The
 * matrix"). Every change from a key, a hover button or the bulk bar is one
 * bulk call, shown at once and undoable for 10 seconds. */
export function ReleaseMatrixPage() {
  const frozen = useFrozen();
  const id = Number(useParams().id);
  const navigate = useNavigate();
  const [clusterId, setClusterId] = useState(0);
  // The matrix is asked for first, and the page needs nothing heavier: the
  // release's own row comes from the releases list (the sidebar's and the
  // list page's, usually cached), the figures from the matrix.
  const matrix = useMatrix(id, clusterId);
  const releases = useReleases();
  const [collapsed, setCollapsed] = useState<Set<number>>(new Set());
  const [status, setStatus] = useState("all");
  const [search, setSearch] = useState("");
  const [selection, setSelection] = useState<Selection>(emptySelection());
  const [open, setOpen] = useState<{ cell?: Cell; stepId?: number } | null>(null);
  const [extras, setExtras] = useState<{ cell: Cell; at: { x: number; y: number } } | null>(null);
  const [ask, setAsk] = useState<Ask | null>(null);
  const [help, setHelp] = useState(false);
  const grid = useRef<GridHandle>(null);
  const change = useChangeCells(id, clusterId);
  const undo = useUndo(id);
  const hold = useHold(id);
  const unhold = useUnhold(id);
  const m = matrix.data;
  const view = useMemo(() => {
    if (!m) return null;
    if (status !== FAILED) return buildView(m, { collapsed, status, search });
    return onlyFailed(m, buildView(m, { collapsed, status: "all", search }));
  }, [m, collapsed, status, search]);
  // The export's "what the matrix shows": the filtered customers, collapsed
  // clusters included (collapsing hides columns, it does not filter them).
  const filtered = useMemo(() => {
    if (!m || (status === "all" && !search && !clusterId)) return undefined;
    const all = buildView(m, { collapsed: new Set(), status: status === FAILED ? "all" : status, search });
    const v = status === FAILED ? onlyFailed(m, all) : all;
    const ids = v.columns.flatMap((c) => (c.kind === "customer" ? [m.customers[c.col].id] : []));
    return { ids, label: plural(ids.length, "customer") };
  }, [m, status, search, clusterId]);
  const atCell = useStepAt(id, open?.cell && m ? m.rows[open.cell.row]?.templateId ?? 0 : 0, open?.cell && m ? m.customers[open.cell.col]?.id ?? 0 : 0);
  const byId = useStepDetail(open?.stepId ?? 0);
  const r = releases.data?.find((x) => x.id === id);
  // The cluster filter lists every cluster of the release: those of the
  // unfiltered matrix, kept while a filtered one shows.
  const [allClusters, setAllClusters] = useState<release.MatrixCluster[]>([]);
  if (m && clusterId === 0 && m.clusters !== allClusters) setAllClusters(m.clusters);
  useCrumb(`/releases/${id}`, r?.name ?? m?.release.name);
  const focusGrid = useCallback(() => setTimeout(() => grid.current?.focus(), 0), []);

  // g puts the keyboard on the grid from anywhere on the page.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (e.key !== "g" || e.metaKey || e.ctrlKey || e.altKey || t.closest("input, textarea, select, [role=dialog], [contenteditable]")) return;
      e.preventDefault();
      grid.current?.focus();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const undoChange = (from: number, to: number) =>
    undo.mutate({ from, to }, { onSuccess: (res) => toast.success(res.changed ? `Undone: ${plural(res.changed, "step")} back as they were.` : "Nothing to undo: those steps changed again.") });

  const doAction = (action: release.Action, target: Target, note = "", includeHeld = false) => {
    if (!m) return;
    if (action === release.Action.SKIP && !note) {
      setAsk({ kind: "skip", target });
      return;
    }
    const isSel = target === "selection";
    const rows = isSel ? [...selection.rows] : [target.row];
    const cols = isSel ? [...selection.cols] : [target.col];
    if (!isSel && m.customers[target.col]?.heldAt && !includeHeld) {
      setAsk({ kind: "held", action, cell: target, note });
      return;
    }
    change.mutate(
      { action, note, rows, cols, includeHeld },
      {
        onSuccess: (res) => {
          showChange(res, undoChange);
          if (isSel) setSelection(emptySelection());
        },
      },
    );
  };

  // The grid is memoised and its callbacks are stable, so opening a panel
  // or a dialog re-renders the page around it, not the grid.
  const onToggleCluster = useStable((cid: number) => setCollapsed((c) => { const n = new Set(c); if (n.has(cid)) n.delete(cid); else n.add(cid); return n; }));
  const onOpenCell = useStable((cell: Cell) => setOpen({ cell }));
  const onExtras = useStable((cell: Cell, at: { x: number; y: number }) => setExtras({ cell, at }));
  const onGridAction = useStable((a: release.Action, target: Target) => doAction(a, target));
  const onFocusMode = useStable((cell: Cell) => m && navigate(`/releases/${id}/focus/${m.customers[cell.col].id}`));
  const onColumn = useStable((col: number, command: ColumnCommand) => {
    if (!m) return;
    const cu = m.customers[col];
    if (command === "focus") navigate(`/releases/${id}/focus/${cu.id}`);
    else if (command === "page") navigate(`/releases/${id}/customer/${cu.id}`);
    else if (command === "hold") setAsk({ kind: "hold", cols: [col] });
    else unhold.mutate({ releaseId: id, customerIds: [cu.id] }, { onSuccess: (res) => toast.success(holdMessage(res, "released")) });
  });
  const onHelp = useStable(() => setHelp(true));

  const head = r ?? m?.release;
  if (!head && (releases.error || matrix.error)) {
    const q = matrix.error ? matrix : releases;
    return <div className="p-6"><QueryError what="The release" error={q.error} refetch={q.refetch} retrying={q.isFetching} /></div>;
  }
  if (!head) return <div className="p-6"><Skeleton className="mb-4 h-10 w-80" /><Skeleton className="h-[60vh]" /></div>;
  const readOnly = head.status !== release.ReleaseStatus.ACTIVE || frozen;
  const clusterOptions = clusterId === 0 ? (m?.clusters ?? []) : allClusters;

  const keepOnly = (pick: (row: number, cols: number[]) => number[]) => {
    if (!m) return;
    const rows = new Set<number>();
    const cols = new Set<number>();
    for (const row of selection.rows) {
      const keep = pick(row, [...selection.cols]);
      if (keep.length) rows.add(row);
      keep.forEach((c) => cols.add(c));
    }
    if (rows.size === 0) toast.info("No cell of the selection matches.");
    setSelection({ rows, cols });
  };
  const wholeColumns = !!view && selection.cols.size > 0 && selection.rows.size === view.rows.filter((x) => x.kind === "step").length;

  return (
    <div className="flex h-full min-w-0 flex-col gap-2 p-4">
      <a href="#grid" className="sr-only focus:not-sr-only focus:absolute focus:z-50 focus:rounded focus:bg-card focus:p-2" onClick={(e) => { e.preventDefault(); grid.current?.focus(); }}>
        Skip to the grid (g)
      </a>
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
        <h1 className="flex min-w-0 items-center gap-2 text-lg font-semibold tracking-tight">
          <ReleaseTypeBadge type={head.type} />
          <span className="truncate" title={head.name}>{head.name}</span>
          {head.versionNumber && <span className="shrink-0 font-mono text-sm font-normal text-muted-foreground">{head.versionNumber}</span>}
          <ReleaseStatusBadge status={head.status} />
        </h1>
        {m && head.status !== release.ReleaseStatus.DRAFT && (
          <div className="min-w-64 flex-1" data-testid="release-progress">
            <ReleaseProgress p={m.total} />
          </div>
        )}
        <div className="ml-auto flex shrink-0 items-center gap-2">
          <Button variant="outline" size="sm" asChild><Link to={`/releases/${id}/activity`}><Activity /> Activity</Link></Button>
          <Button variant="outline" size="sm" asChild><Link to={`/releases/${id}/steps`}><ListChecks /> Template steps</Link></Button>
          {r && <ReleaseActions r={r} menuExport filtered={filtered} />}
        </div>
      </div>
      {head.status === release.ReleaseStatus.DRAFT ? (
        <EmptyState icon={<ListChecks />} title="Not active yet" action={<Button asChild><Link to={`/releases/${id}/steps`}>Edit template steps</Link></Button>}>
          This release has {plural(r?.templateCount ?? 0, "step")}. Activate it to create them for its customers and work through them here.
        </EmptyState>
      ) : (
        <>
          <div className="flex min-h-9 items-center gap-2">
            {m && selectionSize(selection) > 0 && !readOnly ? (
              <BulkBar
                m={m}
                selection={selection}
                busy={change.isPending || hold.isPending || unhold.isPending}
                wholeColumns={wholeColumns}
                onAction={(a) => doAction(a, "selection")}
                onRun={() => setAsk({ kind: "run", rows: [...selection.rows], cols: [...selection.cols] })}
                onPendingOnly={() => keepOnly((row, cols) => pendingCells(m, [row], cols).flatMap((g) => g.cols))}
                onWaveFront={() => keepOnly((row, cols) => waveFront(m, row, cols))}
                onHold={() => setAsk({ kind: "hold", cols: [...selection.cols] })}
                onUnhold={() =>
                  unhold.mutate(
                    { releaseId: id, customerIds: [...selection.cols].filter((c) => m.customers[c].heldAt).map((c) => m.customers[c].id) },
                    { onSuccess: (res) => { setSelection(emptySelection()); toast.success(holdMessage(res, "released")); } },
                  )
                }
                onClear={() => setSelection(emptySelection())}
              />
            ) : (
              <>
                <div className="relative w-56">
                  <Search className="absolute left-2.5 top-2 size-4 text-muted-foreground" aria-hidden />
                  <Input className="pl-8" placeholder="Search customers" value={search} onChange={(e) => setSearch(e.target.value)} aria-label="Search customers" />
                </div>
                <NativeSelect className="w-40" value={clusterId} onChange={(e) => { setClusterId(Number(e.target.value)); setSelection(emptySelection()); }} aria-label="Filter by cluster">
                  <option value={0}>All clusters</option>
                  {clusterOptions.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
                </NativeSelect>
                <NativeSelect className="w-44" value={status} onChange={(e) => setStatus(e.target.value)} aria-label="Filter by status">
                  <option value="all">Any status</option>
                  {Object.values(release.Status).map((s) => <option key={s} value={s}>With {s} steps</option>)}
                  <option value={FAILED}>Last run failed</option>
                </NativeSelect>
                <div className="ml-auto hidden items-center gap-3 text-xs text-muted-foreground lg:flex">
                  <span className="flex items-center gap-1"><span className="size-1.5 rounded-full bg-amber-500" /> overridden</span>
                  <span className="flex items-center gap-1"><span className="rounded bg-primary px-0.5 text-[9px] font-semibold text-primary-foreground">+1</span> custom steps</span>
                  {(m?.failed?.length ?? 0) > 0 && <span className="flex items-center gap-1"><span className="size-1.5 rounded-full bg-destructive" /> last run failed</span>}
                </div>
                <Button variant="ghost" size="sm" className="ml-auto lg:ml-0" onClick={() => setHelp(true)} aria-label="Keyboard shortcuts"><Keyboard /> <Kbd>?</Kbd></Button>
              </>
            )}
          </div>
          <div id="grid" className="min-h-0 flex-1">
            {!m && matrix.error ? (
              <QueryError what="The matrix" error={matrix.error} refetch={matrix.refetch} retrying={matrix.isFetching} />
            ) : !m || !view ? (
              <Skeleton className="h-full" />
            ) : view.columns.length === 0 ? (
              <EmptyState icon={<Search />} title="No customer matches these filters" />
            ) : (
              <MatrixGrid
                handle={grid}
                m={m}
                view={view}
                collapsed={collapsed}
                onToggleCluster={onToggleCluster}
                selection={selection}
                onSelect={setSelection}
                onOpen={onOpenCell}
                onExtras={onExtras}
                onAction={onGridAction}
                onFocusMode={onFocusMode}
                onColumn={onColumn}
                onHelp={onHelp}
                readOnly={readOnly}
              />
            )}
          </div>
        </>
      )}
      <StepPanel query={open?.stepId ? byId : atCell} releaseId={id} open={!!open} onOpenChange={(o) => !o && setOpen(null)} returnFocus={focusGrid} />
      {extras && m && (
        <ExtrasPopover releaseId={id} m={m} cell={extras.cell} at={extras.at} onClose={() => { setExtras(null); focusGrid(); }} onOpenStep={(stepId) => { setExtras(null); setOpen({ stepId }); }} />
      )}
      {ask?.kind === "skip" && (
        <ReasonDialog
          title={ask.target === "selection" ? `Skip ${plural(selectionSize(selection), "step")}` : "Skip this step"}
          description="Skipped steps count as handled. The reason stays on record."
          label="Reason"
          placeholder="Why is it not needed here?"
          submit="Skip"
          required="A reason for skipping is required."
          returnFocus={focusGrid}
          onClose={() => setAsk(null)}
          onSubmit={(reason) => { const t = ask.target; setAsk(null); doAction(release.Action.SKIP, t, reason); }}
        />
      )}
      {ask?.kind === "hold" && m && (
        <ReasonDialog
          title={ask.cols.length === 1 ? `Hold ${m.customers[ask.cols[0]].name} back` : `Hold ${plural(ask.cols.length, "customer")} back`}
          description="Held customers keep their steps, but bulk actions and runs leave them alone and the release's figures count them apart, until the hold is released."
          label="Reason"
          placeholder="Why are they held back?"
          submit="Hold"
          required="A reason for the hold is required."
          returnFocus={focusGrid}
          onClose={() => setAsk(null)}
          onSubmit={(reason) => {
            setAsk(null);
            hold.mutate({ releaseId: id, customerIds: ask.cols.map((c) => m.customers[c].id), reason }, { onSuccess: (res) => { setSelection(emptySelection()); toast.success(holdMessage(res, "held back")); } });
          }}
        />
      )}
      {ask?.kind === "held" && m && (
        <ConfirmDialog
          open
          onOpenChange={(o) => !o && setAsk(null)}
          returnFocus={focusGrid}
          title={`${m.customers[ask.cell.col].name} is on hold`}
          description={<>Held back: {m.customers[ask.cell.col].holdReason}. Change this step anyway?</>}
          confirmLabel="Change it anyway"
          onConfirm={() => { const a = ask; setAsk(null); doAction(a.action, a.cell, a.note, true); }}
        />
      )}
      {ask?.kind === "run" && m && (
        <RunDialog
          m={m}
          rows={ask.rows}
          cols={ask.cols}
          onClose={() => { setAsk(null); focusGrid(); }}
          onStarted={(b) => {
            setAsk(null);
            setSelection(emptySelection());
            openRunBoard(b.id);
          }}
        />
      )}
      <Dialog open={help} onOpenChange={setHelp} title="Keyboard shortcuts" description="With the matrix focused (press g to get there)." returnFocus={focusGrid}>
        <dl className="grid grid-cols-[150px_1fr] gap-y-2 text-[13px]">
          {shortcuts.map(([k, d]) => (
            <div key={d} className="contents">
              <dt className="flex gap-1">{k.map((x) => <Kbd key={x}>{x}</Kbd>)}</dt>
              <dd className="text-muted-foreground">{d}</dd>
            </div>
          ))}
        </dl>
      </Dialog>
      {change.isPending && <span className="sr-only">Saving…</span>}
    </div>
  );
}
