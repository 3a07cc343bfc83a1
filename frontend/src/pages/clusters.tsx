import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { Archive, ArchiveRestore, FileKey2, FolderOpen, Pencil, Plus, Server, Users } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import { ConfirmDialog } from "@/components/ui/dialog";
import { Field, Input, Textarea } from "@/components/ui/input";
import { EmptyState, PageHeader, Skeleton } from "@/components/ui/misc";
import { useCrumb } from "@/components/layout/crumbs";
import { useArchiveCluster, useCluster, useClusters, useCreateCluster, useRestoreCluster, useUpdateCluster } from "@/api/clusters";
import { chooseFile } from "@/api/system";
import { plural } from "@/lib/format";
import type { cluster } from "@wails/go/models";

export function ClustersPage() {
  const [archived, setArchived] = useState(false);
  const { data, isLoading } = useClusters(archived);
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
      {isLoading ? (
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
    <Link to={`/clusters/${c.id}`} className={`group flex flex-col rounded-lg border border-border bg-card p-4 shadow-xs transition-colors hover:border-primary/40 ${c.isActive ? "" : "opacity-70"}`}>
      <div className="flex items-center gap-2">
        <Server className="size-4 text-muted-foreground" aria-hidden />
        <span className="font-semibold">{c.name}</span>
        {!c.isActive && <Badge>Archived</Badge>}
      </div>
      <p className="mt-1 line-clamp-2 min-h-9 text-[13px] text-muted-foreground">{c.description || "No description"}</p>
      <div className="mt-3 flex items-center gap-3 border-t border-border pt-3 text-xs text-muted-foreground">
        <span className="flex items-center gap-1"><Users className="size-3.5" aria-hidden />{plural(c.customerCount, "customer")}</span>
        <span className="flex min-w-0 items-center gap-1 truncate font-mono">
          <FileKey2 className="size-3.5 shrink-0" aria-hidden />
          <span className="truncate">{c.kubeconfigPath || "no kubeconfig"}</span>
        </span>
      </div>
    </Link>
  );
}

export function ClusterDetailPage() {
  const id = Number(useParams().id);
  const { data, isLoading } = useCluster(id);
  const archive = useArchiveCluster();
  const restore = useRestoreCluster();
  const [confirm, setConfirm] = useState(false);
  useCrumb(`/clusters/${id}`, data?.cluster.name);
  if (isLoading || !data) return <div className="p-8"><Skeleton className="h-40" /></div>;
  const c = data.cluster;
  return (
    <div className="mx-auto max-w-5xl p-8">
      <PageHeader
        title={<span className="flex items-center gap-2">{c.name}{!c.isActive && <Badge>Archived</Badge>}</span>}
        description={c.description || "No description"}
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
      <div className="mb-6 grid grid-cols-3 gap-4 text-[13px]">
        <Card className="p-4"><div className="text-xs text-muted-foreground">Active customers</div><div className="text-xl font-semibold tabular-nums">{c.customerCount}</div></Card>
        <Card className="p-4"><div className="text-xs text-muted-foreground">Archived customers</div><div className="text-xl font-semibold tabular-nums">{c.archivedCustomerCount}</div></Card>
        <Card className="p-4"><div className="text-xs text-muted-foreground">Kubeconfig</div><div className="truncate font-mono text-xs" data-selectable>{c.kubeconfigPath || "—"}</div></Card>
      </div>
      <h2 className="mb-2 text-sm font-semibold">Customers</h2>
      {data.customers.length === 0 ? (
        <EmptyState icon={<Users />} title="No customers on this cluster" />
      ) : (
        <Card>
          <ul className="divide-y divide-border">
            {data.customers.map((cu) => (
              <li key={cu.id}>
                <Link to={`/customers/${cu.id}`} className="flex items-center gap-3 px-4 py-2.5 text-[13px] hover:bg-muted/60">
                  <span className="font-medium">{cu.name}</span>
                  <span className="font-mono text-xs text-muted-foreground">{cu.namespace}</span>
                  {!cu.isActive && <Badge>Archived</Badge>}
                </Link>
              </li>
            ))}
          </ul>
        </Card>
      )}
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
    </div>
  );
}

export function ClusterFormPage() {
  const params = useParams();
  const id = params.id ? Number(params.id) : 0;
  const existing = useCluster(id);
  useCrumb(`/clusters/${id}`, existing.data?.cluster.name);
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
  const err = create.error ?? update.error;
  const fieldErr = (f: string) => (err?.field === f ? err.message : undefined);
  const busy = create.isPending || update.isPending;

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const done = (c: cluster.Cluster) => navigate(`/clusters/${c.id}`);
    if (initial) update.mutate({ id: initial.id, name, kubeconfigPath, description }, { onSuccess: done });
    else create.mutate({ name, kubeconfigPath, description }, { onSuccess: done });
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
            <Input id="name" value={name} onChange={(e) => setName(e.target.value)} autoFocus aria-invalid={!!fieldErr("name")} maxLength={100} />
          </Field>
          <Field label="Kubeconfig file" htmlFor="kubeconfig" error={fieldErr("kubeconfigPath")} hint="Optional. Absolute path; Shipdeck only checks that the file exists and never reads it.">
            <div className="flex gap-2">
              <Input id="kubeconfig" className="font-mono" value={kubeconfigPath} onChange={(e) => setKube(e.target.value)} placeholder="/home/you/.kube/prod-eu.yaml" aria-invalid={!!fieldErr("kubeconfigPath")} />
              <Button type="button" variant="outline" onClick={browse}><FolderOpen /> Browse…</Button>
            </div>
          </Field>
          <Field label="Description" htmlFor="description" error={fieldErr("description")}>
            <Textarea id="description" value={description} onChange={(e) => setDescription(e.target.value)} placeholder="Region, provider, anything the operator should know." />
          </Field>
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
