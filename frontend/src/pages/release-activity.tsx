import { useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { useVirtualizer } from "@tanstack/react-virtual";
import { Activity, ArrowLeft, Boxes, FileCode2, PauseCircle, Play, RefreshCw, Rocket, Search, X } from "lucide-react";
import { release } from "@wails/go/models";
import { Button } from "@/components/ui/button";
import { Badge } from "@/components/ui/badge";
import { Input, NativeSelect } from "@/components/ui/input";
import { EmptyState, Skeleton } from "@/components/ui/misc";
import { useCrumb } from "@/components/layout/crumbs";
import { DiffView } from "@/components/steps/diff-view";
import { LazyDetails } from "@/components/ui/lazy-details";
import { StatusIcon } from "@/components/steps/status";
import { describe, kindLabels } from "@/components/history/words";
import { useRelease } from "@/api/releases";
import { useActivity, useMatrix } from "@/api/steps";
import { formatDateTime, timeAgo } from "@/lib/format";
import { useDebounced } from "@/lib/use-debounced";
import { cn } from "@/lib/utils";

interface Filters {
  kinds: release.Kind[];
  actor: string;
  clusterId: number;
  customerId: number;
  templateId: number;
  search: string;
}

const none: Filters = { kinds: [], actor: "", clusterId: 0, customerId: 0, templateId: 0, search: "" };

/** The release activity log (docs/design.md, "History"): every change to
 * the release, its templates, its customers and its steps, newest first.
 * Go pages it by id (keyset), so scrolling to the end of 200,000 rows
 * fetches a page at a time; only the rows on screen are in the DOM. */
export function ReleaseActivityPage() {
  const id = Number(useParams().id);
  const rel = useRelease(id);
  // The matrix holds the release's clusters, customers and steps for the
  // filters; the release page has usually loaded it already.
  const matrix = useMatrix(id);
  // The step panel links here with its customer and template as filters.
  const [params] = useSearchParams();
  const [f, setF] = useState<Filters>(() => ({ ...none, customerId: Number(params.get("customer")) || 0, templateId: Number(params.get("template")) || 0 }));
  const [searchText, setSearchText] = useState("");
  const search = useDebounced(searchText.trim(), 250);
  const q = useMemo(() => ({ releaseId: id, ...f, search }), [id, f, search]);
  const log = useActivity(q);
  const entries = useMemo(() => log.data?.pages.flatMap((p) => p.entries) ?? [], [log.data]);
  const actors = log.data?.pages[0]?.actors ?? [];
  const name = rel.data?.release.name ?? matrix.data?.release.name;
  useCrumb(`/releases/${id}`, name);

  const m = matrix.data;
  const customers = useMemo(() => (m ? m.customers.filter((c) => !f.clusterId || c.clusterId === f.clusterId).slice().sort((a, b) => a.name.localeCompare(b.name)) : []), [m, f.clusterId]);
  const filtered = f.kinds.length > 0 || f.actor || f.clusterId || f.customerId || f.templateId || search;
  const set = (change: Partial<Filters>) => setF((x) => ({ ...x, ...change }));

  const scrollRef = useRef<HTMLDivElement>(null);
  const rows = useVirtualizer({
    count: entries.length + (log.hasNextPage ? 1 : 0),
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 68,
    overscan: 8,
  });
  const items = rows.getVirtualItems();
  const last = items.at(-1)?.index ?? 0;
  useEffect(() => {
    if (last >= entries.length - 10 && log.hasNextPage && !log.isFetchingNextPage) void log.fetchNextPage();
  }, [last, entries.length, log.hasNextPage, log.isFetchingNextPage, log]);

  return (
    <div className="flex h-full min-w-0 flex-col gap-3 p-4">
      <div className="flex flex-wrap items-center gap-3">
        <Button variant="ghost" size="sm" asChild><Link to={`/releases/${id}`}><ArrowLeft /> Matrix</Link></Button>
        <h1 className="flex min-w-0 items-center gap-2 text-lg font-semibold tracking-tight">
          <Activity className="size-5 shrink-0 text-muted-foreground" aria-hidden />
          <span className="shrink-0">Activity</span>
          {name && <span className="truncate font-normal text-muted-foreground" title={name}>· {name}</span>}
        </h1>
        <span className="ml-auto text-xs text-muted-foreground" data-testid="activity-count">
          {log.isLoading ? "Loading…" : `${entries.length.toLocaleString()}${log.hasNextPage ? "+" : ""} ${entries.length === 1 ? "change" : "changes"}${filtered ? " match" : ""}`}
        </span>
      </div>

      <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Filters">
        <div className="relative w-52">
          <Search className="absolute left-2.5 top-2 size-4 text-muted-foreground" aria-hidden />
          <Input className="pl-8" placeholder="Search notes, reasons and steps" value={searchText} onChange={(e) => setSearchText(e.target.value)} aria-label="Search notes, reasons and steps" />
        </div>
        <div className="flex flex-wrap gap-1" role="group" aria-label="Kinds of change">
          {kindLabels.map(([k, label]) => {
            const on = f.kinds.includes(k);
            return (
              <button
                key={k}
                type="button"
                aria-pressed={on}
                onClick={() => set({ kinds: on ? f.kinds.filter((x) => x !== k) : [...f.kinds, k] })}
                className={cn("h-8 rounded-md border px-2.5 text-xs font-medium transition-colors", on ? "border-primary bg-primary/10 text-primary" : "border-border text-muted-foreground hover:bg-muted")}
              >
                {label}
              </button>
            );
          })}
        </div>
        <NativeSelect className="w-32" value={f.actor} onChange={(e) => set({ actor: e.target.value })} aria-label="Filter by person">
          <option value="">Anyone</option>
          {actors.map((a) => <option key={a} value={a}>{a}</option>)}
        </NativeSelect>
        <NativeSelect className="w-32" value={f.clusterId} onChange={(e) => set({ clusterId: Number(e.target.value), customerId: 0 })} aria-label="Filter by cluster">
          <option value={0}>All clusters</option>
          {m?.clusters.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
        </NativeSelect>
        <NativeSelect className="w-40" value={f.customerId} onChange={(e) => set({ customerId: Number(e.target.value) })} aria-label="Filter by customer">
          <option value={0}>All customers</option>
          {customers.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
        </NativeSelect>
        <NativeSelect className="w-40" value={f.templateId} onChange={(e) => set({ templateId: Number(e.target.value) })} aria-label="Filter by step">
          <option value={0}>All steps</option>
          {m?.rows.map((r) => <option key={r.templateId} value={r.templateId}>{r.name}</option>)}
        </NativeSelect>
        {filtered && (
          <Button variant="ghost" size="sm" onClick={() => { setF(none); setSearchText(""); }}><X /> Clear filters</Button>
        )}
      </div>

      <div ref={scrollRef} className="min-h-0 flex-1 overflow-auto rounded-lg border border-border bg-card" data-testid="activity-log">
        {log.isLoading ? (
          <div className="grid gap-3 p-4">{Array.from({ length: 6 }, (_, i) => <Skeleton key={i} className="h-12" />)}</div>
        ) : log.error ? (
          <div className="p-6"><EmptyState icon={<RefreshCw />} title="The activity could not be read" action={<Button variant="outline" onClick={() => log.refetch()}><RefreshCw /> Retry</Button>}>{log.error.message}</EmptyState></div>
        ) : entries.length === 0 ? (
          <div className="p-6"><EmptyState icon={<Activity />} title={filtered ? "No change matches these filters" : "No changes yet"}>{filtered ? "Clear a filter to see more." : "Changes to this release and its steps will show here."}</EmptyState></div>
        ) : (
          <ol className="relative" style={{ height: rows.getTotalSize() }} aria-label="Changes, newest first">
            {items.map((v) => {
              const h = entries[v.index];
              return (
                <li key={v.key} ref={rows.measureElement} data-index={v.index} className="absolute left-0 w-full border-b border-border" style={{ transform: `translateY(${v.start}px)` }}>
                  {h ? <Entry h={h} onFilter={set} /> : <div className="p-4 text-center text-xs text-muted-foreground">Loading older changes…</div>}
                </li>
              );
            })}
          </ol>
        )}
      </div>
    </div>
  );
}

const kindIcon: Record<string, ReactNode> = {
  [release.Kind.CONTENT]: <FileCode2 className="size-3.5 text-amber-600" />,
  [release.Kind.TEMPLATES]: <FileCode2 className="size-3.5 text-primary" />,
  [release.Kind.CUSTOMERS]: <Boxes className="size-3.5 text-primary" />,
  [release.Kind.RELEASE]: <Rocket className="size-3.5 text-primary" />,
  [release.Kind.RUNS]: <Play className="size-3.5 text-primary" />,
};

/** Entry is one change: who, what, where and when, its note, and what it
 * changed in a step's content when it did. Names are links that filter. */
function Entry({ h, onFilter }: { h: release.HistoryEntry; onFilter: (f: Partial<Filters>) => void }) {
  const changed = h.contentBefore !== h.contentAfter && (h.contentBefore || h.contentAfter);
  const icon = h.action === "hold" || h.action === "unhold" ? <PauseCircle className="size-3.5 text-amber-600" /> : h.kind === release.Kind.STATUS ? <StatusIcon status={h.toStatus || "pending"} className="size-3.5" /> : kindIcon[h.kind];
  return (
    <div className="flex gap-3 px-4 py-2.5 text-[13px]" data-testid="activity-entry" data-action={h.action}>
      <span className="mt-0.5 flex size-6 shrink-0 items-center justify-center rounded-full bg-muted">{icon}</span>
      <div className="min-w-0 flex-1">
        <p className="break-words">
          <button type="button" className="font-medium hover:underline" onClick={() => onFilter({ actor: h.actor })} title={`Only changes by ${h.actor}`}>{h.actor}</button>{" "}
          {describe(h).map((p, i) =>
            typeof p === "string" ? (
              <span key={i}>{p}</span>
            ) : p.of === "customer" && h.customerId ? (
              <button key={i} type="button" className="font-medium hover:underline" onClick={() => onFilter({ customerId: h.customerId })} title={`Only changes for ${p.name}`}>{p.name}</button>
            ) : p.of === "step" && h.templateId ? (
              <button key={i} type="button" className="font-medium hover:underline" onClick={() => onFilter({ templateId: h.templateId })} title={`Only changes to ${p.name}`}>{p.name}</button>
            ) : (
              <span key={i} className="font-medium">{p.name}</span>
            ),
          )}
          {h.clusterName && <span className="text-muted-foreground"> · {h.clusterName}</span>}
          {h.fromStatus && h.toStatus && <span className="text-muted-foreground"> · {h.fromStatus} → {h.toStatus}</span>}
          {h.source === "cli" && <Badge className="ml-2">command line</Badge>}
        </p>
        {h.note && <p className="mt-0.5 break-words text-xs text-muted-foreground">“{h.note}”</p>}
        {changed && (
          <LazyDetails className="mt-1 text-xs" summary="Show the change">
            {() => <DiffView className="mt-1" before={h.contentBefore} after={h.contentAfter} />}
          </LazyDetails>
        )}
      </div>
      <time className="shrink-0 text-xs tabular-nums text-muted-foreground" dateTime={new Date(h.createdAt * 1000).toISOString()} title={formatDateTime(h.createdAt)}>
        {timeAgo(h.createdAt)}
      </time>
    </div>
  );
}

