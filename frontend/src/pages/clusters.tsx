import { useMemo, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { Archive, ArchiveRestore, FileKey2, FolderOpen, Pencil, Plus, Server, Users } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import { ConfirmDialog, Dialog } from "@/components/ui/dialog";
import { Field, Input, Textarea } from "@/components/ui/input";
import { EmptyState, PageHeader, Skeleton } from "@/components/ui/misc";
import { QueryError } from "@/components/ui/query-error";
import { MetadataEditor, MetadataView, metadataOf, metadataProblem, metadataRows } from "@/components/ui/metadata-editor";
import { useCrumb } from "@/components/layout/crumbs";
import { useArchiveCluster, useCluster, useClusters, useCreateCluster, useRestoreCluster, useUpdateCluster } from "@/api/clusters";
import { chooseFile } from "@/api/system";
import { plural } from "@/lib/format";
import { CustomerTable, type CustomerRow } from "./customers";
import type { cluster } from "@wails/go/models";

export function ClustersPage() {
  const [archived, setArchived] = useState(false);
  const { data, isLoading, error, refetch, isFetching } = useClusters(archived);
  return (
    <div className="mx-auto max-w-6xl p-8">
      <PageHeader
        title="Clusters"
        description="The Kubernetes clusters your customers' namespaces live on."
        actions={
          <>
            <label className="flex items-center gap-2 text-[13px] text-muted-foreground">
              <input type="checkbox" checked={archived} onChange={(e) => setArchived(e.target.checked)} className="accent-[var(--primary)]" />
              Show archived
            </label>
            <Button asChild>
              <Link to="/clusters/new"><Plus /> New cluster</Link>
            </Button>
          </>
        }
      />
      {error ? (
        <QueryError what="Clusters" error={error} refetch={refetch} retrying={isFetching} />
      ) : isLoading ? (
        <div className="grid grid-cols-3 gap-4">{[0, 1, 2].map((i) => <Skeleton key={i} className="h-32" />)}</div>
      ) : !data?.length ? (
        <EmptyState icon={<Server />} title="No clusters yet" action={<Button asChild><Link to="/clusters/new">Create cluster</Link></Button>}>
          Add the clusters your customers run on; each customer is a namespace on one of them.
        </EmptyState>
      ) : (
        <div className="grid grid-cols-1 gap-4 md:grid-cols-2 xl:grid-cols-3">
          {data.map((c) => <ClusterCard key={c.id} c={c} />)}
        </div>
      )}
    </div>
  );
}

function ClusterCard({ c }: { c: cluster.Cluster }) {
  return (
    <Link to={`/clusters/${c.id}`} className={`group flex min-w-0 flex-col rounded-lg border border-border bg-card p-4 shadow-xs transition-colors hover:border-primary/40 ${c.isActive ? "" : "opacity-70"}`}>
      <div className="flex min-w-0 items-center gap-2">
        <Server className="size-4 shrink-0 text-muted-foreground" aria-hidden />
        <span className="truncate font-semibold" title={c.name}>{c.name}</span>
        {!c.isActive && <Badge className="shrink-0">Archived</Badge>}
      </div>
      <p className="mt-1 line-clamp-2 min-h-9 break-words text-[13px] text-muted-foreground" title={c.description || undefined}>{c.description || "No description"}</p>
      <div className="mt-3 flex items-center gap-3 border-t border-border pt-3 text-xs text-muted-foreground">
        <span className="flex shrink-0 items-center gap-1"><Users className="size-3.5" aria-hidden />{plural(c.customerCount, "customer")}</span>
        <span className="flex min-w-0 items-center gap-1 truncate font-mono">
          <FileKey2 className="size-3.5 shrink-0" aria-hidden />
          <span className="truncate" title={c.kubeconfigPath || undefined}>{c.kubeconfigPath || "no kubeconfig"}</span>
        </span>
      </div>
    </Link>
  );
}

/** archiveRefusal is why a cluster cannot be archived yet, in Go's words
 * (cluster.go, setActive), or "" when it can: said before asking, not
 * after a confirm that Go would refuse. */
export function archiveRefusal(c: Pick<cluster.Cluster, "name" | "customerCount">): string {
  if (c.customerCount === 1) return `Cluster '${c.name}' still has 1 active customer: archive or move it first.`;
  if (c.customerCount > 1) return `Cluster '${c.name}' still has ${c.customerCount.toLocaleString()} active customers: archive or move them first.`;
  return "";
}

export function ClusterDetailPage() {
  const id = Number(useParams().id);
  const { data, error, refetch, isFetching } = useCluster(id);
  const archive = useArchiveCluster();
  const restore = useRestoreCluster();
  const [confirm, setConfirm] = useState(false);
  const rows = useMemo<CustomerRow[]>(() => (data?.customers ?? []).map((c) => ({ kind: "customer", c })), [data]);
  useCrumb(`/clusters/${id}`, data?.cluster.name);
  if (error) return <div className="mx-auto max-w-5xl p-8"><QueryError what="The cluster" error={error} refetch={refetch} retrying={isFetching} /></div>;
  if (!data) return <div className="p-8"><Skeleton className="h-40" /></div>;
  const c = data.cluster;
  const refusal = archiveRefusal(c);
  return (
    <div className="mx-auto flex h-full max-w-5xl flex-col p-8">
      <PageHeader
        title={<span className="flex min-w-0 items-center gap-2"><span className="truncate" title={c.name}>{c.name}</span>{!c.isActive && <Badge className="shrink-0">Archived</Badge>}</span>}
        description={<span className="line-clamp-2 break-words" title={c.description || undefined}>{c.description || "No description"}</span>}
        actions={
          c.isActive ? (
            <>
              <Button variant="outline" asChild><Link to={`/clusters/${id}/edit`}><Pencil /> Edit</Link></Button>
              <Button variant="outline" asChild><Link to={`/customers/new?cluster=${id}`}><Plus /> Add customer</Link></Button>
              <Button variant="outline" onClick={() => setConfirm(true)}><Archive /> Archive</Button>
            </>
          ) : (
            <Button onClick={() => restore.mutate(id)}><ArchiveRestore /> Restore</Button>
          )
        }
      />
      <div className="mb-6 grid shrink-0 grid-cols-3 gap-4 text-[13px]">
        <Card className="p-4"><div className="text-xs text-muted-foreground">Active customers</div><div className="text-xl font-semibold tabular-nums">{c.customerCount.toLocaleString()}</div></Card>
        <Card className="p-4"><div className="text-xs text-muted-foreground">Archived customers</div><div className="text-xl font-semibold tabular-nums">{c.archivedCustomerCount.toLocaleString()}</div></Card>
        <Card className="min-w-0 p-4"><div className="text-xs text-muted-foreground">Kubeconfig</div><div className="truncate font-mono text-xs" data-selectable title={c.kubeconfigPath || undefined}>{c.kubeconfigPath || "—"}</div></Card>
      </div>
      {Object.keys(c.metadata ?? {}).length > 0 && (
        <Card className="mb-6 max-h-48 shrink-0 overflow-auto p-4">
          <h2 className="mb-2 text-xs text-muted-foreground">Metadata</h2>
          <MetadataView metadata={c.metadata} />
        </Card>
      )}
      <div className="mb-2 flex shrink-0 items-center gap-2">
        <h2 className="text-sm font-semibold">Customers</h2>
        {rows.length > 0 && <span className="text-xs tabular-nums text-muted-foreground">{rows.length.toLocaleString()}</span>}
        {rows.length > 0 && <Link to={`/customers?cluster=${id}${c.archivedCustomerCount ? "&archived=1" : ""}`} className="ml-auto text-xs text-primary hover:underline">Search these customers</Link>}
      </div>
      {rows.length === 0 ? (
        <EmptyState icon={<Users />} title="No customers on this cluster" action={c.isActive ? <Button variant="outline" asChild><Link to={`/customers/new?cluster=${id}`}><Plus /> Add customer</Link></Button> : undefined} />
      ) : (
        <CustomerTable rows={rows} label={`Customers on ${c.name}`} description={false} className="min-h-60 flex-1" />
      )}
      {refusal ? (
        <Dialog
          open={confirm}
          onOpenChange={setConfirm}
          title="This cluster cannot be archived yet"
          footer={
            <>
              <Button variant="outline" asChild><Link to={`/customers?cluster=${id}`}><Users /> Show its customers</Link></Button>
              <Button onClick={() => setConfirm(false)}>OK</Button>
            </>
          }
        >
          <p className="break-words text-[13px] leading-relaxed" data-testid="archive-refusal">{refusal}</p>
          <p className="mt-2 text-[13px] leading-relaxed text-muted-foreground">Archiving a customer keeps its steps and history in every release; you can restore it later.</p>
        </Dialog>
      ) : (
        <ConfirmDialog
          open={confirm}
          onOpenChange={setConfirm}
          title={`Archive cluster '${c.name}'?`}
          description="It disappears from lists and can no longer take new customers. Its record stays, and you can restore it at any time."
          confirmLabel="Archive cluster"
          destructive
          busy={archive.isPending}
          onConfirm={() => archive.mutate(id, { onSettled: () => setConfirm(false) })}
        />
      )}
    </div>
  );
}

export function ClusterFormPage() {
  const params = useParams();
  const id = params.id ? Number(params.id) : 0;
  const existing = useCluster(id);
  useCrumb(`/clusters/${id}`, existing.data?.cluster.name);
  if (id && existing.error) return <div className="mx-auto max-w-2xl p-8"><QueryError what="The cluster" error={existing.error} refetch={existing.refetch} retrying={existing.isFetching} /></div>;
  if (id && !existing.data) return <div className="p-8"><Skeleton className="h-64 max-w-2xl" /></div>;
  return <ClusterForm key={id} initial={existing.data?.cluster} />;
}

function ClusterForm({ initial }: { initial?: cluster.Cluster }) {
  const navigate = useNavigate();
  const create = useCreateCluster();
  const update = useUpdateCluster();
  const [name, setName] = useState(initial?.name ?? "");
  const [kubeconfigPath, setKube] = useState(initial?.kubeconfigPath ?? "");
  const [description, setDescription] = useState(initial?.description ?? "");
  const [meta, setMeta] = useState(() => metadataRows(initial?.metadata));
  const [metaProblem, setMetaProblem] = useState("");
  const err = create.error ?? update.error;
  const fieldErr = (f: string) => (err?.field === f ? err.message : undefined);
  const busy = create.isPending || update.isPending;

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const problem = metadataProblem(meta);
    setMetaProblem(problem);
    if (problem) return;
    const done = (c: cluster.Cluster) => navigate(`/clusters/${c.id}`);
    const v = { name, kubeconfigPath, description, metadata: metadataOf(meta) };
    if (initial) update.mutate({ id: initial.id, ...v }, { onSuccess: done });
    else create.mutate(v, { onSuccess: done });
  };
  const browse = async () => {
    const p = await chooseFile("Choose a kubeconfig file").catch(() => "");
    if (p) setKube(p);
  };

  return (
    <div className="mx-auto max-w-2xl p-8">
      <PageHeader title={initial ? `Edit ${initial.name}` : "New cluster"} description="A cluster groups the customers whose namespaces live on it." />
      <Card>
        <form onSubmit={submit} className="grid gap-5 p-5" noValidate>
          <Field label="Name" htmlFor="name" error={fieldErr("name")} hint="Unique, e.g. prod-eu.">
            <Input id="name" value={name} onChange={(e) => setName(e.target.value)} autoFocus aria-invalid={!!fieldErr("name")} />
          </Field>
          <Field label="Kubeconfig file" htmlFor="kubeconfig" error={fieldErr("kubeconfigPath")} hint="Optional. An absolute path, or one starting with ~/ for your home folder; Shipdeck only checks that the file exists and never reads it.">
            <div className="flex gap-2">
              <Input id="kubeconfig" className="font-mono" value={kubeconfigPath} onChange={(e) => setKube(e.target.value)} placeholder="/home/you/.kube/prod-eu.yaml" aria-invalid={!!fieldErr("kubeconfigPath")} />
              <Button type="button" variant="outline" onClick={browse}><FolderOpen /> Browse…</Button>
            </div>
          </Field>
          <Field label="Description" htmlFor="description" error={fieldErr("description")}>
            <Textarea id="description" value={description} onChange={(e) => setDescription(e.target.value)} placeholder="Region, provider, anything the operator should know." aria-invalid={!!fieldErr("description")} />
          </Field>
          <MetadataEditor scope="cluster" rows={meta} onChange={(r) => { setMeta(r); setMetaProblem(""); }} error={metaProblem || fieldErr("metadata")} />
          {err && !err.field && <p role="alert" className="text-[13px] text-destructive">{err.message}</p>}
          <div className="flex justify-end gap-2">
            <Button type="button" variant="outline" onClick={() => navigate(-1)}>Cancel</Button>
            <Button type="submit" disabled={busy}>{initial ? "Save cluster" : "Create cluster"}</Button>
          </div>
        </form>
      </Card>
    </div>
  );
}
