import { useMemo, useState } from "react";
import { useNavigate } from "react-router";
import { Check, ChevronLeft, ChevronRight, Plus, Trash2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field, Input, NativeSelect, Textarea } from "@/components/ui/input";
import { PageHeader } from "@/components/ui/misc";
import { TypeBadge } from "@/components/steps/status";
import { useClusters } from "@/api/clusters";
import { useCustomers } from "@/api/customers";
import { useCreateRelease, useReleases } from "@/api/releases";
import { fromDateInput, plural } from "@/lib/format";
import { cn } from "@/lib/utils";
import type { release } from "@wails/go/models";

const stages = ["Details", "Targets", "Steps", "Review"] as const;

export function NewReleasePage() {
  const navigate = useNavigate();
  const create = useCreateRelease();
  const clusters = useClusters(false);
  const customers = useCustomers({ includeArchived: false, clusterId: 0, search: "" });
  const releases = useReleases();
  const [stage, setStage] = useState(0);
  const [name, setName] = useState("");
  const [type, setType] = useState("release");
  const [version, setVersion] = useState("");
  const [date, setDate] = useState("");
  const [description, setDescription] = useState("");
  const [mode, setMode] = useState<"all" | "clusters" | "customers">("all");
  const [clusterIds, setClusterIds] = useState<number[]>([]);
  const [customerIds, setCustomerIds] = useState<number[]>([]);
  const [copyFrom, setCopyFrom] = useState(0);
  const [steps, setSteps] = useState<release.TemplateInput[]>([]);
  const [localError, setLocalError] = useState("");

  const targetCount = useMemo(() => {
    const cs = customers.data ?? [];
    if (mode === "all") return cs.length;
    if (mode === "clusters") return cs.filter((c) => clusterIds.includes(c.clusterId)).length;
    return customerIds.length;
  }, [mode, clusterIds, customerIds, customers.data]);
  const copied = releases.data?.find((r) => r.id === copyFrom);

  const next = () => {
    setLocalError("");
    if (stage === 0 && !name.trim()) return setLocalError("Release name is required.");
    if (stage === 1 && mode === "clusters" && clusterIds.length === 0) return setLocalError("Choose at least one cluster.");
    if (stage === 1 && mode === "customers" && customerIds.length === 0) return setLocalError("Choose at least one customer.");
    setStage((s) => s + 1);
  };
  const submit = () =>
    create.mutate(
      {
        name,
        type,
        versionNumber: version,
        releaseDate: fromDateInput(date),
        description,
        targets: mode === "all" ? { mode: "all", clusterIds: [], customerIds: [] } : { mode: "selected", clusterIds: mode === "clusters" ? clusterIds : [], customerIds: mode === "customers" ? customerIds : [] },
        copyTemplatesFrom: copyFrom,
        templates: steps,
      },
      { onSuccess: (r) => navigate(`/releases/${r.id}/steps`) },
    );
  const toggle = (list: number[], set: (v: number[]) => void, id: number) => set(list.includes(id) ? list.filter((x) => x !== id) : [...list, id]);

  return (
    <div className="mx-auto max-w-3xl p-8">
      <PageHeader title="New release" description="Plan it as a draft; activating it creates the steps for every target customer." />
      <ol className="mb-6 flex items-center gap-2" aria-label="Wizard steps">
        {stages.map((s, i) => (
          <li key={s} className="flex items-center gap-2">
            <span className={cn("flex size-6 items-center justify-center rounded-full text-xs font-semibold", i < stage ? "bg-primary text-primary-foreground" : i === stage ? "bg-primary/15 text-primary ring-1 ring-primary" : "bg-muted text-muted-foreground")}>
              {i < stage ? <Check className="size-3.5" aria-hidden /> : i + 1}
            </span>
            <span className={cn("text-[13px]", i === stage ? "font-medium" : "text-muted-foreground")} aria-current={i === stage ? "step" : undefined}>{s}</span>
            {i < stages.length - 1 && <span className="mx-1 h-px w-8 bg-border" aria-hidden />}
          </li>
        ))}
      </ol>
      <Card className="p-5">
        {stage === 0 && (
          <div className="grid gap-4">
            <Field label="Name" htmlFor="r-name" error={create.error?.field === "name" ? create.error.message : undefined}>
              <Input id="r-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="2026.12" autoFocus maxLength={100} />
            </Field>
            <div className="grid grid-cols-3 gap-4">
              <Field label="Type" htmlFor="r-type">
                <NativeSelect id="r-type" value={type} onChange={(e) => setType(e.target.value)}>
                  <option value="release">Release</option>
                  <option value="hotfix">Hotfix</option>
                  <option value="onboarding">Onboarding</option>
                </NativeSelect>
              </Field>
              <Field label="Version" htmlFor="r-version">
                <Input id="r-version" className="font-mono" value={version} onChange={(e) => setVersion(e.target.value)} placeholder="2026.12.0" />
              </Field>
              <Field label="Release date" htmlFor="r-date">
                <Input id="r-date" type="date" value={date} onChange={(e) => setDate(e.target.value)} />
              </Field>
            </div>
            <Field label="Description" htmlFor="r-desc">
              <Textarea id="r-desc" value={description} onChange={(e) => setDescription(e.target.value)} placeholder="What ships, and anything the operator must know." />
            </Field>
          </div>
        )}
        {stage === 1 && (
          <div className="grid gap-4">
            <fieldset className="grid gap-2">
              <legend className="mb-1 text-[13px] font-medium">Who is this release for?</legend>
              {[
                { v: "all", t: "All active customers", d: "Everyone active when you activate the release." },
                { v: "clusters", t: "Customers of chosen clusters", d: "Every active customer on the clusters you pick." },
                { v: "customers", t: "Chosen customers", d: "A hotfix for a few, or an onboarding for one." },
              ].map((o) => (
                <label key={o.v} className={cn("flex cursor-pointer items-start gap-3 rounded-lg border p-3", mode === o.v ? "border-primary bg-accent/60" : "border-border")}>
                  <input type="radio" name="mode" value={o.v} checked={mode === o.v} onChange={() => setMode(o.v as typeof mode)} className="mt-0.5 accent-[var(--primary)]" />
                  <span>
                    <span className="block text-[13px] font-medium">{o.t}</span>
                    <span className="block text-xs text-muted-foreground">{o.d}</span>
                  </span>
                </label>
              ))}
            </fieldset>
            {mode === "clusters" && (
              <div className="grid grid-cols-2 gap-1">
                {clusters.data?.map((c) => (
                  <label key={c.id} className="flex items-center gap-2 rounded-md px-2 py-1.5 text-[13px] hover:bg-muted">
                    <input type="checkbox" checked={clusterIds.includes(c.id)} onChange={() => toggle(clusterIds, setClusterIds, c.id)} className="accent-[var(--primary)]" />
                    {c.name} <span className="text-xs text-muted-foreground">{plural(c.customerCount, "customer")}</span>
                  </label>
                ))}
              </div>
            )}
            {mode === "customers" && (
              <div className="grid max-h-72 grid-cols-2 gap-1 overflow-auto">
                {customers.data?.map((c) => (
                  <label key={c.id} className="flex items-center gap-2 rounded-md px-2 py-1.5 text-[13px] hover:bg-muted">
                    <input type="checkbox" checked={customerIds.includes(c.id)} onChange={() => toggle(customerIds, setCustomerIds, c.id)} className="accent-[var(--primary)]" />
                    <span className="truncate">{c.name}</span> <span className="truncate text-xs text-muted-foreground">{c.clusterName}</span>
                  </label>
                ))}
              </div>
            )}
            <p className="text-xs text-muted-foreground">Today that is {plural(targetCount, "customer")}.</p>
          </div>
        )}
        {stage === 2 && <StepsStage steps={steps} setSteps={setSteps} copyFrom={copyFrom} setCopyFrom={setCopyFrom} releases={releases.data ?? []} />}
        {stage === 3 && (
          <dl className="grid grid-cols-[140px_1fr] gap-x-4 gap-y-2 text-[13px]">
            <dt className="text-muted-foreground">Name</dt><dd className="font-medium">{name}</dd>
            <dt className="text-muted-foreground">Type</dt><dd className="capitalize">{type}</dd>
            <dt className="text-muted-foreground">Version</dt><dd className="font-mono">{version || "—"}</dd>
            <dt className="text-muted-foreground">Targets</dt>
            <dd>{mode === "all" ? "All active customers" : mode === "clusters" ? `${plural(clusterIds.length, "cluster")}` : `${plural(customerIds.length, "customer")}`} ({plural(targetCount, "customer")} today)</dd>
            <dt className="text-muted-foreground">Steps</dt>
            <dd>
              {copied ? `${plural(copied.templateCount, "step")} copied from ${copied.name}` : "No copied steps"}
              {steps.length > 0 && `, plus ${plural(steps.length, "new step")}`}
            </dd>
          </dl>
        )}
        {(localError || (create.error && stage === 3)) && <p role="alert" className="mt-4 text-[13px] text-destructive">{localError || create.error?.message}</p>}
        <div className="mt-6 flex justify-between">
          <Button variant="outline" onClick={() => (stage === 0 ? navigate(-1) : setStage(stage - 1))}>
            <ChevronLeft /> {stage === 0 ? "Cancel" : "Back"}
          </Button>
          {stage < 3 ? (
            <Button onClick={next}>Next <ChevronRight /></Button>
          ) : (
            <Button onClick={submit} disabled={create.isPending}>Create draft release</Button>
          )}
        </div>
      </Card>
    </div>
  );
}

function StepsStage({ steps, setSteps, copyFrom, setCopyFrom, releases }: {
  steps: release.TemplateInput[];
  setSteps: (s: release.TemplateInput[]) => void;
  copyFrom: number;
  setCopyFrom: (n: number) => void;
  releases: release.Release[];
}) {
  const [draft, setDraft] = useState<release.TemplateInput>({ name: "", category: "deploy", type: "bash", content: "", description: "" });
  const [err, setErr] = useState("");
  const add = () => {
    if (!draft.name.trim()) return setErr("Step name is required.");
    if (!draft.content.trim()) return setErr("Step content is required.");
    setErr("");
    setSteps([...steps, draft]);
    setDraft({ ...draft, name: "", content: "" });
  };
  return (
    <div className="grid gap-5">
      <Field label="Copy steps from an earlier release" htmlFor="copy-from" hint="Optional: its deploy and verify steps come first, in their order.">
        <NativeSelect id="copy-from" value={copyFrom} onChange={(e) => setCopyFrom(Number(e.target.value))}>
          <option value={0}>Start from scratch</option>
          {releases.map((r) => <option key={r.id} value={r.id}>{r.name} ({plural(r.templateCount, "step")})</option>)}
        </NativeSelect>
      </Field>
      {steps.length > 0 && (
        <ul className="grid gap-1.5">
          {steps.map((s, i) => (
            <li key={i} className="flex items-center gap-2 rounded-md border border-border px-3 py-2 text-[13px]">
              <span className="w-14 text-xs capitalize text-muted-foreground">{s.category}</span>
              <TypeBadge type={s.type} />
              <span className="font-medium">{s.name}</span>
              <Button className="ml-auto" variant="ghost" size="icon-sm" aria-label={`Remove ${s.name}`} onClick={() => setSteps(steps.filter((_, j) => j !== i))}><Trash2 /></Button>
            </li>
          ))}
        </ul>
      )}
      <div className="grid gap-3 rounded-lg border border-dashed border-border p-4">
        <div className="grid grid-cols-[1fr_120px_100px] gap-3">
          <Field label="Step name" htmlFor="s-name"><Input id="s-name" value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} placeholder="Upgrade the Helm release" /></Field>
          <Field label="Category" htmlFor="s-cat">
            <NativeSelect id="s-cat" value={draft.category} onChange={(e) => setDraft({ ...draft, category: e.target.value })}>
              <option value="deploy">Deploy</option><option value="verify">Verify</option>
            </NativeSelect>
          </Field>
          <Field label="Type" htmlFor="s-type">
            <NativeSelect id="s-type" value={draft.type} onChange={(e) => setDraft({ ...draft, type: e.target.value })}>
              <option value="bash">bash</option><option value="sql">sql</option><option value="text">text</option>
            </NativeSelect>
          </Field>
        </div>
        <Field label="Content" htmlFor="s-content">
          <Textarea id="s-content" className="min-h-24 font-mono text-xs" value={draft.content} onChange={(e) => setDraft({ ...draft, content: e.target.value })} placeholder="helm upgrade app chart --namespace $NS --wait" spellCheck={false} />
        </Field>
        {err && <p role="alert" className="text-xs text-destructive">{err}</p>}
        <div><Button variant="outline" onClick={add}><Plus /> Add step</Button></div>
      </div>
      <p className="text-xs text-muted-foreground">You can add, edit and reorder steps on the release's step page after creating it.</p>
    </div>
  );
}
