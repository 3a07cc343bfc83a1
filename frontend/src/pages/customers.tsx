import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { defaultRangeExtractor, useVirtualizer, type Range } from "@tanstack/react-virtual";
import { Archive, ArchiveRestore, Download, FileSpreadsheet, Pencil, Plus, Search, Server, Upload, Users, X } from "lucide-react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import { ConfirmDialog } from "@/components/ui/dialog";
import { Field, Input, NativeSelect, Textarea } from "@/components/ui/input";
import { EmptyState, PageHeader, Skeleton } from "@/components/ui/misc";
import { QueryError } from "@/components/ui/query-error";
import { MetadataEditor, MetadataView, metadataOf, metadataProblem, metadataRows } from "@/components/ui/metadata-editor";
import { ImportDialog, carriesFiles, readCsvFile } from "@/components/customers/import-dialog";
import { closeImport, openImport, useImportState } from "@/components/customers/import-state";
import { useCrumb } from "@/components/layout/crumbs";
import { ReleaseProgress, ReleaseStatusBadge, ReleaseTypeBadge } from "@/components/releases/badges";
import { useArchiveCustomer, useCreateCustomer, useCustomer, useCustomers, useExportCustomers, useRestoreCustomer, useUpdateCustomer } from "@/api/customers";
import { useClusters } from "@/api/clusters";
import type { AppError } from "@/api/client";
import { plural } from "@/lib/format";
import { useDebounced } from "@/lib/use-debounced";
import { cn } from "@/lib/utils";
import type { customer } from "@wails/go/models";

type ListedCustomer = { id: number; name: string; namespace: string; description?: string; isActive: boolean };

/** A CustomerRow is one row of a customer table: a cluster's group header
 * (full width) or a customer. */
export type CustomerRow = { kind: "group"; id: number; name: string; count: number } | { kind: "customer"; c: ListedCustomer };

const rowHeight = 40;
const groupHeight = 36;
const headHeight = 32;

/** groupByCluster turns Go's list (ordered by cluster, then customer) into
 * table rows, a group header before each cluster's customers. */
export function groupByCluster(list: customer.Row[]): CustomerRow[] {
  const counts = new Map<number, number>();
  for (const c of list) counts.set(c.clusterId, (counts.get(c.clusterId) ?? 0) + 1);
  const rows: CustomerRow[] = [];
  let cluster = -1;
  for (const c of list) {
    if (c.clusterId !== cluster) {
      cluster = c.clusterId;
      rows.push({ kind: "group", id: c.clusterId, name: c.clusterName, count: counts.get(c.clusterId) ?? 0 });
    }
    rows.push({ kind: "customer", c });
  }
  return rows;
}

/** CustomerTable is a virtualised table of customers: only the rows on
 * screen are in the DOM, so 50,000 customers cost what 30 do. Every row
 * shares one column template, so columns line up across cluster groups;
 * the header of the cluster being scrolled through stays pinned under the
 * column headers. Long names end in an ellipsis, the whole name in the
 * tooltip. */
export function CustomerTable({ rows, label, description = true, className }: { rows: CustomerRow[]; label: string; description?: boolean; className?: string }) {
  const navigate = useNavigate();
  const scrollRef = useRef<HTMLDivElement>(null);
  const columns = description ? "minmax(0,5fr) 16rem minmax(0,4fr)" : "minmax(0,1fr) 20rem";
  // Where each cluster group starts and ends (rows have fixed heights): a
  // group's header is sticky inside a layer as tall as its group, so it stays
  // pinned under the column headers while its customers scroll by and the
  // next group's header pushes it away.
  const groups = useMemo(() => {
    const list: { index: number; start: number; end: number }[] = [];
    let y = headHeight;
    rows.forEach((r, i) => {
      if (r.kind === "group") {
        if (list.length) list[list.length - 1].end = y;
        list.push({ index: i, start: y, end: y });
      }
      y += r.kind === "group" ? groupHeight : rowHeight;
    });
    if (list.length) list[list.length - 1].end = y;
    return { list, at: new Map(list.map((g) => [g.index, g])) };
  }, [rows]);
  const rangeExtractor = useCallback(
    (range: Range) => {
      // The header of the group the first visible row belongs to stays rendered.
      let lo = 0;
      let hi = groups.list.length - 1;
      let pinned = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (groups.list[mid].index <= range.startIndex) {
          pinned = groups.list[mid].index;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      const out = defaultRangeExtractor(range);
      if (pinned >= 0 && !out.includes(pinned)) out.unshift(pinned);
      return out;
    },
    [groups],
  );
  const v = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => (rows[i].kind === "group" ? groupHeight : rowHeight),
    getItemKey: (i) => {
      const r = rows[i];
      return r.kind === "group" ? `cluster-${r.id}` : r.c.id;
    },
    scrollMargin: headHeight,
    overscan: 12,
    rangeExtractor,
  });
  const open = (e: React.MouseEvent, id: number) => {
    if ((e.target as HTMLElement).closest("a") || window.getSelection()?.toString()) return;
    navigate(`/customers/${id}`);
  };

  // The outer box takes the room it is given; the table inside is as tall
  // as its rows, up to that room, and scrolls beyond it.
  return (
    <div className={cn("min-h-0", className)}>
      <div ref={scrollRef} className="max-h-full overflow-auto rounded-lg border border-border bg-card text-[13px] shadow-xs" data-testid="customer-table">
        <div role="table" aria-label={label} aria-rowcount={rows.length + 1}>
          <div role="rowgroup" className="sticky top-0 z-20">
            <div role="row" aria-rowindex={1} className="grid items-center border-b border-border bg-card text-xs font-medium text-muted-foreground" style={{ gridTemplateColumns: columns, height: headHeight }}>
              <div role="columnheader" className="px-4">Name</div>
              <div role="columnheader" className="px-4">Namespace</div>
              {description && <div role="columnheader" className="px-4">Description</div>}
            </div>
          </div>
          <div role="rowgroup" className="relative" style={{ height: v.getTotalSize() }}>
            {v.getVirtualItems().map((item) => {
              const r = rows[item.index];
              if (r.kind === "group") {
                const g = groups.at.get(item.index)!;
                return (
                  <div key={item.key} role="presentation" className="pointer-events-none absolute left-0 z-10 w-full" style={{ top: g.start - headHeight, height: g.end - g.start }}>
                    <div role="row" aria-rowindex={item.index + 2} className="pointer-events-auto sticky flex items-center border-b border-border bg-muted px-4" style={{ top: headHeight, height: groupHeight }} data-testid="cluster-group">
                      <div role="rowheader" aria-colspan={description ? 3 : 2} className="flex min-w-0 items-center gap-2 font-semibold">
                        <Server className="size-4 shrink-0 text-muted-foreground" aria-hidden />
                        <Link to={`/clusters/${r.id}`} className="truncate hover:underline" title={r.name}>{r.name}</Link>
                        <span className="shrink-0 font-normal tabular-nums text-muted-foreground">{plural(r.count, "customer")}</span>
                      </div>
                    </div>
                  </div>
                );
              }
              const c = r.c;
              return (
                <div
                  key={item.key}
                  role="row"
                  aria-rowindex={item.index + 2}
                  className={cn("grid cursor-pointer items-center border-b border-border hover:bg-muted/50", !c.isActive && "text-muted-foreground")}
                  style={{ position: "absolute", top: 0, left: 0, width: "100%", height: item.size, transform: `translateY(${item.start - headHeight}px)`, gridTemplateColumns: columns }}
                  onClick={(e) => open(e, c.id)}
                >
                  <div role="cell" className="flex min-w-0 items-center gap-2 px-4">
                    <Link to={`/customers/${c.id}`} className="truncate font-medium hover:underline" title={c.name}>{c.name}</Link>
                    {!c.isActive && <Badge className="shrink-0">Archived</Badge>}
                  </div>
                  <div role="cell" className="truncate px-4 font-mono text-xs text-muted-foreground" title={c.namespace}>{c.namespace}</div>
                  {description && <div role="cell" className="truncate px-4 text-muted-foreground" title={c.description || undefined}>{c.description}</div>}
                </div>
              );
            })}
          </div>
        </div>
      </div>
    </div>
  );
}

/** listFilterOf reads the customers page's filters from its URL: the page
 * starts with them, and the route's loader asks Go for that list as the
 * navigation begins. */
export function listFilterOf(sp: URLSearchParams): customer.ListFilter {
  return { includeArchived: sp.get("archived") === "1", clusterId: Math.max(0, Math.trunc(Number(sp.get("cluster")))) || 0, search: (sp.get("q") ?? "").trim() };
}

/** The customers page: every customer grouped by cluster, filtered by
 * cluster and searched by name or namespace in Go. The filters live in the
 * URL (?cluster=, ?q=, ?archived=1), so going back to the list finds them
 * where they were. */
export function CustomersPage() {
  const [sp, setSp] = useSearchParams();
  const { includeArchived: archived, clusterId } = listFilterOf(sp);
  const [text, setText] = useState(sp.get("q") ?? "");
  const search = useDebounced(text.trim(), 250);
  const setParam = useCallback(
    (k: string, value: string) =>
      setSp(
        (p) => {
          const n = new URLSearchParams(p);
          if (value) n.set(k, value);
          else n.delete(k);
          return n;
        },
        { replace: true },
      ),
    [setSp],
  );
  useEffect(() => {
    if ((sp.get("q") ?? "") !== search) setParam("q", search);
  }, [search]); // eslint-disable-line react-hooks/exhaustive-deps

  const clusters = useClusters(true);
  const q = useCustomers({ includeArchived: archived, clusterId, search });
  const data = q.data;
  const rows = useMemo(() => groupByCluster(data ?? []), [data]);
  // Go refuses a search it cannot match (longer than any name): that is the
  // search box's error, not a failed read.
  const readErr = q.error as unknown as AppError | null;
  const searchErr = readErr?.field === "search" ? readErr.message : undefined;
  const filtered = !!(search || clusterId);
  const clear = () => {
    setText("");
    setSp(archived ? { archived: "1" } : {}, { replace: true });
  };
  const clusterOptions = (clusters.data ?? []).filter((c) => c.isActive || archived || c.id === clusterId);
  const count = data?.length ?? 0;
  const importing = useImportState();
  const exportCustomers = useExportCustomers();
  const [dragging, setDragging] = useState(false);
  // A .csv file dropped anywhere on the page opens its import preview.
  const drop = async (e: React.DragEvent) => {
    if (!carriesFiles(e)) return;
    e.preventDefault();
    setDragging(false);
    const f = e.dataTransfer.files[0];
    if (!f) return;
    try {
      openImport(await readCsvFile(f));
    } catch (err) {
      toast.error(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <div
      className="relative mx-auto flex h-full max-w-6xl flex-col p-8"
      onDragOver={(e) => {
        if (!carriesFiles(e) || importing.open) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={drop}
    >
      {dragging && (
        <div className="pointer-events-none absolute inset-4 z-30 flex flex-col items-center justify-center gap-2 rounded-xl border-2 border-dashed border-primary bg-background/90 text-[13px]" data-testid="drop-overlay">
          <FileSpreadsheet className="size-8 text-primary" aria-hidden />
          <span className="font-medium">Drop the .csv file to preview its customers</span>
          <span className="text-muted-foreground">Nothing is written until you import.</span>
        </div>
      )}
      <PageHeader
        title="Customers"
        description="Every customer is one namespace on one cluster."
        actions={
          <>
            <label className="flex items-center gap-2 text-[13px] text-muted-foreground">
              <input type="checkbox" checked={archived} onChange={(e) => setParam("archived", e.target.checked ? "1" : "")} className="accent-[var(--primary)]" />
              Show archived
            </label>
            <Button variant="outline" onClick={() => openImport()} title="Import customers from a spreadsheet (.csv), or drop the file on this page"><Upload /> Import…</Button>
            <Button variant="outline" onClick={() => exportCustomers.mutate(undefined)} disabled={exportCustomers.isPending} title="Save every active customer with its metadata as a .csv file"><Download /> Export…</Button>
            <Button asChild><Link to="/customers/new"><Plus /> New customer</Link></Button>
          </>
        }
      />
      {importing.open && <ImportDialog key={importing.file?.id ?? 0} open onOpenChange={(o) => !o && closeImport()} initial={importing.file} />}
      <div className="mb-4 flex flex-wrap items-start gap-3" role="group" aria-label="Filters">
        <div className="grid w-80 gap-1">
          <div className="relative">
            <Search className="absolute left-2.5 top-2 size-4 text-muted-foreground" aria-hidden />
            <Input
              className="pl-8"
              placeholder="Search by name or namespace"
              value={text}
              onChange={(e) => setText(e.target.value)}
              onKeyDown={(e) => e.key === "Escape" && text && (e.preventDefault(), setText(""))}
              aria-label="Search customers"
              aria-invalid={!!searchErr}
              aria-describedby={searchErr ? "search-error" : undefined}
            />
          </div>
          {searchErr && <p id="search-error" role="alert" className="text-xs text-destructive">{searchErr}</p>}
        </div>
        <NativeSelect className="w-56" value={clusterId} onChange={(e) => setParam("cluster", e.target.value === "0" ? "" : e.target.value)} aria-label="Filter by cluster">
          <option value={0}>All clusters</option>
          {clusterOptions.map((c) => (
            <option key={c.id} value={c.id}>{c.isActive ? c.name : `${c.name} (archived)`}</option>
          ))}
        </NativeSelect>
        {filtered && (rows.length > 0 || !!q.error) && <Button variant="ghost" onClick={clear}><X /> Clear filters</Button>}
        <span className="ml-auto self-center text-xs tabular-nums text-muted-foreground" aria-live="polite" data-testid="customer-count">
          {q.error ? "" : q.isFetching && data ? "Searching…" : count ? `${plural(count, "customer")}${filtered ? " match" : ""}` : ""}
        </span>
        {clusters.error && <QueryError compact className="basis-full" what="Clusters" error={clusters.error} refetch={clusters.refetch} retrying={clusters.isFetching} />}
      </div>
      {q.error && !searchErr ? (
        <QueryError what="Customers" error={q.error} refetch={q.refetch} retrying={q.isFetching} />
      ) : searchErr ? (
        <EmptyState icon={<Search />} title="No customer matches">Shorten the search to find a customer by its name or namespace.</EmptyState>
      ) : !data ? (
        <Skeleton className="h-64" />
      ) : rows.length === 0 ? (
        filtered ? (
          <EmptyState icon={<Search />} title="No customer matches" action={<Button variant="outline" onClick={clear}><X /> Clear filters</Button>}>
            <span className="break-words">
              No {archived ? "" : "active "}customer
              {clusterId ? ` on ${clusterOptions.find((c) => c.id === clusterId)?.name ?? "this cluster"}` : ""}
              {search ? ` matches “${search}”` : ""}.
            </span>
          </EmptyState>
        ) : (
          <EmptyState icon={<Users />} title="No customers yet" action={<Button asChild><Link to="/customers/new">Create customer</Link></Button>}>
            A customer is a namespace on one of your clusters.
          </EmptyState>
        )
      ) : (
        <CustomerTable rows={rows} label="Customers" className="min-h-60 flex-1" />
      )}
    </div>
  );
}

export function CustomerDetailPage() {
  const id = Number(useParams().id);
  const { data, error, refetch, isFetching } = useCustomer(id);
  const archive = useArchiveCustomer();
  const restore = useRestoreCustomer();
  const [confirm, setConfirm] = useState(false);
  useCrumb(`/customers/${id}`, data?.customer.name);
  if (error) return <div className="mx-auto max-w-5xl p-8"><QueryError what="The customer" error={error} refetch={refetch} retrying={isFetching} /></div>;
  if (!data) return <div className="p-8"><Skeleton className="h-40" /></div>;
  const c = data.customer;
  return (
    <div className="mx-auto max-w-5xl p-8">
      <PageHeader
        title={<span className="flex min-w-0 items-center gap-2"><span className="truncate" title={c.name}>{c.name}</span>{!c.isActive && <Badge className="shrink-0">Archived</Badge>}</span>}
        description={
          <span className="line-clamp-2 break-words" title={c.description || undefined}>
            <span className="font-mono">{c.namespace}</span> on <Link className="hover:underline" to={`/clusters/${c.clusterId}`}>{c.clusterName}</Link>
            {c.description && <> · {c.description}</>}
          </span>
        }
        actions={
          c.isActive ? (
            <>
              <Button variant="outline" asChild><Link to={`/customers/${id}/edit`}><Pencil /> Edit</Link></Button>
              <Button variant="outline" onClick={() => setConfirm(true)}><Archive /> Archive</Button>
            </>
          ) : (
            <Button onClick={() => restore.mutate(id)}><ArchiveRestore /> Restore</Button>
          )
        }
      />
      {Object.keys(c.metadata ?? {}).length > 0 && (
        <section className="mb-6" aria-labelledby="customer-metadata">
          <h2 id="customer-metadata" className="mb-2 text-sm font-semibold">Metadata</h2>
          <div className="max-h-64 overflow-auto rounded-lg border border-border bg-card p-4 shadow-xs">
            <MetadataView metadata={c.metadata} />
          </div>
        </section>
      )}
      <h2 className="mb-2 text-sm font-semibold">Releases</h2>
      {data.releases.length === 0 ? (
        <EmptyState icon={<Users />} title="Not in any release yet">Releases cover a customer when they are activated, or when it is added to an active one.</EmptyState>
      ) : (
        <div className="grid gap-3">
          {data.releases.map((r) => (
            <Link key={r.releaseId} to={`/releases/${r.releaseId}/customer/${id}`} className="grid grid-cols-[minmax(0,1fr)_320px] items-center gap-6 rounded-lg border border-border bg-card p-4 shadow-xs hover:border-primary/40">
              <div className="flex min-w-0 items-center gap-2">
                <ReleaseTypeBadge type={r.type} />
                <span className="truncate font-medium" title={r.name}>{r.name}</span>
                {r.versionNumber && <span className="shrink-0 font-mono text-xs text-muted-foreground">{r.versionNumber}</span>}
                <ReleaseStatusBadge status={r.status} />
              </div>
              <ReleaseProgress p={r.progress} compact />
            </Link>
          ))}
        </div>
      )}
      <ConfirmDialog
        open={confirm}
        onOpenChange={setConfirm}
        title={`Archive customer '${c.name}'?`}
        description="It is no longer offered for new releases. Its steps and history in every release stay on record; you can restore it later."
        confirmLabel="Archive customer"
        destructive
        busy={archive.isPending}
        onConfirm={() => archive.mutate(id, { onSettled: () => setConfirm(false) })}
      />
    </div>
  );
}

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** namespaceHint explains, as the operator types, what Kubernetes accepts. */
export function namespaceHint(raw: string): { ok: boolean; text: string } {
  // Go trims the namespace before its checks; so does the hint.
  const ns = raw.trim();
  if (!ns) return { ok: true, text: "Lower-case letters, digits and '-', starting and ending with a letter or digit; at most 63." };
  if (ns.length > 63) return { ok: false, text: `Too long: ${ns.length} characters, at most 63.` };
  if (ns !== ns.toLowerCase()) return { ok: false, text: `Must be lower case: use '${ns.toLowerCase()}'.` };
  if (!dnsLabel.test(ns)) return { ok: false, text: "Only lower-case letters, digits and '-', starting and ending with a letter or digit." };
  return { ok: true, text: "A valid Kubernetes namespace." };
}

export function CustomerFormPage() {
  const params = useParams();
  const id = params.id ? Number(params.id) : 0;
  const existing = useCustomer(id);
  useCrumb(`/customers/${id}`, existing.data?.customer.name);
  if (id && existing.error) return <div className="mx-auto max-w-2xl p-8"><QueryError what="The customer" error={existing.error} refetch={existing.refetch} retrying={existing.isFetching} /></div>;
  if (id && !existing.data) return <div className="p-8"><Skeleton className="h-64 max-w-2xl" /></div>;
  return <CustomerForm key={id} initial={existing.data?.customer} />;
}

function CustomerForm({ initial }: { initial?: customer.Customer }) {
  const navigate = useNavigate();
  const [sp] = useSearchParams();
  const clusters = useClusters(false);
  const create = useCreateCustomer();
  const update = useUpdateCustomer();
  const [clusterId, setClusterId] = useState<number>(initial?.clusterId ?? Number(sp.get("cluster") ?? 0));
  const [name, setName] = useState(initial?.name ?? "");
  const [namespace, setNamespace] = useState(initial?.namespace ?? "");
  const [description, setDescription] = useState(initial?.description ?? "");
  const [meta, setMeta] = useState(() => metadataRows(initial?.metadata));
  const [metaProblem, setMetaProblem] = useState("");
  const err = create.error ?? update.error;
  const fieldErr = (f: string) => (err?.field === f ? err.message : undefined);
  const hint = namespaceHint(namespace);

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const problem = metadataProblem(meta);
    setMetaProblem(problem);
    if (problem) return;
    const done = (c: customer.Customer) => navigate(`/customers/${c.id}`);
    const v = { clusterId, name, namespace, description, metadata: metadataOf(meta) };
    if (initial) update.mutate({ id: initial.id, ...v }, { onSuccess: done });
    else create.mutate(v, { onSuccess: done });
  };

  if (clusters.data && clusters.data.length === 0) {
    return (
      <div className="mx-auto max-w-2xl p-8">
        <EmptyState icon={<Server />} title="Create a cluster first" action={<Button asChild><Link to="/clusters/new">Create cluster</Link></Button>}>
          Every customer lives on a cluster.
        </EmptyState>
      </div>
    );
  }

  return (
    <div className="mx-auto max-w-2xl p-8">
      <PageHeader title={initial ? `Edit ${initial.name}` : "New customer"} description="A customer is one namespace on one cluster." />
      <Card>
        <form onSubmit={submit} className="grid gap-5 p-5" noValidate>
          <Field label="Cluster" htmlFor="cluster" error={fieldErr("clusterId")}>
            <NativeSelect id="cluster" value={clusterId || ""} onChange={(e) => setClusterId(Number(e.target.value))} aria-invalid={!!fieldErr("clusterId")}>
              <option value="">Choose a cluster…</option>
              {clusters.data?.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
            </NativeSelect>
            {clusters.error && <QueryError compact what="Clusters" error={clusters.error} refetch={clusters.refetch} retrying={clusters.isFetching} />}
          </Field>
          <Field label="Name" htmlFor="name" error={fieldErr("name")}>
            <Input id="name" value={name} onChange={(e) => setName(e.target.value)} placeholder="Acme GmbH" aria-invalid={!!fieldErr("name")} />
          </Field>
          <div className="grid gap-1.5">
            <Field label="Namespace" htmlFor="namespace" error={fieldErr("namespace")}>
              <Input id="namespace" className="font-mono" value={namespace} onChange={(e) => setNamespace(e.target.value)} placeholder="acme" aria-invalid={!!fieldErr("namespace") || !hint.ok} aria-describedby="namespace-hint" />
            </Field>
            {!fieldErr("namespace") && (
              <p id="namespace-hint" className={`text-xs ${hint.ok ? "text-muted-foreground" : "text-amber-600 dark:text-amber-400"}`}>{hint.text}</p>
            )}
          </div>
          <Field label="Description" htmlFor="description" error={fieldErr("description")}>
            <Textarea id="description" value={description} onChange={(e) => setDescription(e.target.value)} aria-invalid={!!fieldErr("description")} />
          </Field>
          <MetadataEditor scope="customer" rows={meta} onChange={(r) => { setMeta(r); setMetaProblem(""); }} error={metaProblem || fieldErr("metadata")} />
          {err && !err.field && <p role="alert" className="text-[13px] text-destructive">{err.message}</p>}
          <div className="flex justify-end gap-2">
            <Button type="button" variant="outline" onClick={() => navigate(-1)}>Cancel</Button>
            <Button type="submit" disabled={create.isPending || update.isPending}>{initial ? "Save customer" : "Create customer"}</Button>
          </div>
        </form>
      </Card>
    </div>
  );
}
