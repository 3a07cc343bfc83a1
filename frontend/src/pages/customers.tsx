import { useMemo, useState } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { Archive, ArchiveRestore, Pencil, Plus, Search, Server, Users } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import { ConfirmDialog } from "@/components/ui/dialog";
import { Field, Input, NativeSelect, Textarea } from "@/components/ui/input";
import { EmptyState, PageHeader, Skeleton } from "@/components/ui/misc";
import { useCrumb } from "@/components/layout/crumbs";
import { ReleaseProgress, ReleaseStatusBadge, ReleaseTypeBadge } from "@/components/releases/badges";
import { useArchiveCustomer, useCreateCustomer, useCustomer, useCustomers, useRestoreCustomer, useUpdateCustomer } from "@/api/customers";
import { useClusters } from "@/api/clusters";
import type { customer } from "@wails/go/models";

export function CustomersPage() {
  const [search, setSearch] = useState("");
  const [archived, setArchived] = useState(false);
  const { data, isLoading } = useCustomers({ includeArchived: archived, clusterId: 0, search: "" });
  const groups = useMemo(() => {
    const q = search.trim().toLowerCase();
    const m = new Map<string, customer.Customer[]>();
    for (const c of data ?? []) {
      if (q && !c.name.toLowerCase().includes(q) && !c.namespace.includes(q)) continue;
      const k = `${c.clusterId}\u0000${c.clusterName}`;
      m.set(k, [...(m.get(k) ?? []), c]);
    }
    return [...m.entries()].map(([k, v]) => ({ id: Number(k.split("\u0000")[0]), name: k.split("\u0000")[1], customers: v }));
  }, [data, search]);

  return (
    <div className="mx-auto max-w-6xl p-8">
      <PageHeader
        title="Customers"
        description="Every customer is one namespace on one cluster."
        actions={
          <>
            <label className="flex items-center gap-2 text-[13px] text-muted-foreground">
              <input type="checkbox" checked={archived} onChange={(e) => setArchived(e.target.checked)} className="accent-[var(--primary)]" />
              Show archived
            </label>
            <Button asChild><Link to="/customers/new"><Plus /> New customer</Link></Button>
          </>
        }
      />
      <div className="relative mb-4 max-w-sm">
        <Search className="absolute left-2.5 top-2 size-4 text-muted-foreground" aria-hidden />
        <Input className="pl-8" placeholder="Search by name or namespace" value={search} onChange={(e) => setSearch(e.target.value)} aria-label="Search customers" />
      </div>
      {isLoading ? (
        <Skeleton className="h-64" />
      ) : !data?.length ? (
        <EmptyState icon={<Users />} title="No customers yet" action={<Button asChild><Link to="/customers/new">Create customer</Link></Button>}>
          A customer is a namespace on one of your clusters.
        </EmptyState>
      ) : groups.length === 0 ? (
        <p className="text-[13px] text-muted-foreground">No customer matches “{search}”.</p>
      ) : (
        <div className="grid gap-5">
          {groups.map((g) => (
            <section key={g.id} aria-label={g.name}>
              <Link to={`/clusters/${g.id}`} className="mb-2 flex items-center gap-2 text-[13px] font-semibold hover:underline">
                <Server className="size-4 text-muted-foreground" aria-hidden /> {g.name}
                <span className="font-normal text-muted-foreground">{g.customers.length}</span>
              </Link>
              <Card>
                <table className="w-full text-[13px]">
                  <tbody className="divide-y divide-border">
                    {g.customers.map((c) => (
                      <tr key={c.id} className="hover:bg-muted/50">
                        <td className="px-4 py-2.5">
                          <Link to={`/customers/${c.id}`} className="font-medium hover:underline">{c.name}</Link>
                          {!c.isActive && <Badge className="ml-2">Archived</Badge>}
                        </td>
                        <td className="px-4 py-2.5 font-mono text-xs text-muted-foreground">{c.namespace}</td>
                        <td className="max-w-xs truncate px-4 py-2.5 text-muted-foreground">{c.description}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </Card>
            </section>
          ))}
        </div>
      )}
    </div>
  );
}

export function CustomerDetailPage() {
  const id = Number(useParams().id);
  const { data, isLoading } = useCustomer(id);
  const archive = useArchiveCustomer();
  const restore = useRestoreCustomer();
  const [confirm, setConfirm] = useState(false);
  useCrumb(`/customers/${id}`, data?.customer.name);
  if (isLoading || !data) return <div className="p-8"><Skeleton className="h-40" /></div>;
  const c = data.customer;
  return (
    <div className="mx-auto max-w-5xl p-8">
      <PageHeader
        title={<span className="flex items-center gap-2">{c.name}{!c.isActive && <Badge>Archived</Badge>}</span>}
        description={
          <span>
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
      <h2 className="mb-2 text-sm font-semibold">Releases</h2>
      {data.releases.length === 0 ? (
        <EmptyState icon={<Users />} title="Not in any release yet">Releases cover a customer when they are activated, or when it is added to an active one.</EmptyState>
      ) : (
        <div className="grid gap-3">
          {data.releases.map((r) => (
            <Link key={r.releaseId} to={`/releases/${r.releaseId}/customer/${id}`} className="grid grid-cols-[1fr_320px] items-center gap-6 rounded-lg border border-border bg-card p-4 shadow-xs hover:border-primary/40">
              <div className="flex items-center gap-2">
                <ReleaseTypeBadge type={r.type} />
                <span className="font-medium">{r.name}</span>
                {r.versionNumber && <span className="font-mono text-xs text-muted-foreground">{r.versionNumber}</span>}
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
export function namespaceHint(ns: string): { ok: boolean; text: string } {
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
  const err = create.error ?? update.error;
  const fieldErr = (f: string) => (err?.field === f ? err.message : undefined);
  const hint = namespaceHint(namespace);

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const done = (c: customer.Customer) => navigate(`/customers/${c.id}`);
    const v = { clusterId, name, namespace, description };
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
            <NativeSelect id="cluster" value={clusterId || ""} onChange={(e) => setClusterId(Number(e.target.value))}>
              <option value="">Choose a cluster…</option>
              {clusters.data?.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
            </NativeSelect>
          </Field>
          <Field label="Name" htmlFor="name" error={fieldErr("name")}>
            <Input id="name" value={name} onChange={(e) => setName(e.target.value)} placeholder="Acme GmbH" maxLength={100} aria-invalid={!!fieldErr("name")} />
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
            <Textarea id="description" value={description} onChange={(e) => setDescription(e.target.value)} />
          </Field>
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
