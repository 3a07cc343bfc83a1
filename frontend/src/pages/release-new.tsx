import { useState } from "react";
import { useNavigate } from "react-router";
import { toast } from "sonner";
import { Check, ChevronLeft, ChevronRight, FileUp, Plus, Trash2 } from "lucide-react";
import type { runbook } from "@wails/go/models";
import { openRunbook } from "@/api/exports";
import { RunbookProblems } from "@/components/exports/runbook-import";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field, Input, NativeSelect, Textarea } from "@/components/ui/input";
import { PageHeader } from "@/components/ui/misc";
import { MetadataEditor, metadataOf, metadataProblem, type MetadataRow } from "@/components/ui/metadata-editor";
import { TypeBadge } from "@/components/steps/status";
import { useCreateRelease, useReleases, useTargetPreview } from "@/api/releases";
import { TargetPicker, toTargets, type TargetChoice } from "@/components/releases/target-picker";
import { fromDateInput, plural } from "@/lib/format";
import { cn } from "@/lib/utils";
import { release } from "@wails/go/models";

const stages = ["Details", "Targets", "Steps", "Review"] as const;

export function NewReleasePage() {
  const navigate = useNavigate();
  const create = useCreateRelease();
  const releases = useReleases();
  const [stage, setStage] = useState(0);
  const [name, setName] = useState("");
  const [type, setType] = useState<release.ReleaseType>(release.ReleaseType.RELEASE);
  const [version, setVersion] = useState("");
  const [date, setDate] = useState("");
  const [description, setDescription] = useState("");
  const [meta, setMeta] = useState<MetadataRow[]>([]);
  const [targets, setTargets] = useState<TargetChoice>({ mode: "all", clusterIds: [], customerIds: [] });
  const preview = useTargetPreview(toTargets(targets));
  const [copyFrom, setCopyFrom] = useState(0);
  const [steps, setSteps] = useState<release.TemplateInput[]>([]);
  const [localError, setLocalError] = useState("");

  const copied = releases.data?.find((r) => r.id === copyFrom);

  // The checks here are a courtesy to move on; the Go side checks again
  // and its sentence is the one shown.
  const next = () => {
    setLocalError("");
    if (stage === 0 && !name.trim()) return setLocalError("Release name is required.");
    if (stage === 0 && metadataProblem(meta)) return setLocalError(metadataProblem(meta));
    if (stage === 1 && preview.error) return setLocalError(preview.error.message);
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
        targets: toTargets(targets),
        copyTemplatesFrom: copyFrom,
        templates: steps,
        metadata: metadataOf(meta),
      },
      {
        onSuccess: (r) => navigate(`/releases/${r.id}/steps`),
        // Go's sentence about a detail goes back to the step that has it.
        onError: (e) => e.field === "metadata" && setStage(0),
      },
    );

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
            <Field label="Name" htmlFor="r-name" error={create.error?.field === "name" ? create.error.message : name.trim().length > 100 ? `Names are at most 100 characters (this one has ${name.trim().length}).` : undefined}>
              <Input id="r-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="2026.12" autoFocus />
            </Field>
            <div className="grid grid-cols-3 gap-4">
              <Field label="Type" htmlFor="r-type">
                <NativeSelect id="r-type" value={type} onChange={(e) => setType(e.target.value as release.ReleaseType)}>
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
            <MetadataEditor scope="release" rows={meta} onChange={(m) => { setMeta(m); setLocalError(""); }} error={create.error?.field === "metadata" ? create.error.message : undefined} />
          </div>
        )}
        {stage === 1 && <TargetPicker value={targets} onChange={(t) => { setTargets(t); setLocalError(""); }} />}
        {stage === 2 && <StepsStage steps={steps} setSteps={setSteps} copyFrom={copyFrom} setCopyFrom={setCopyFrom} releases={releases.data ?? []} />}
        {stage === 3 && (
          <dl className="grid grid-cols-[140px_1fr] gap-x-4 gap-y-2 text-[13px]">
            <dt className="text-muted-foreground">Name</dt><dd className="font-medium">{name}</dd>
            <dt className="text-muted-foreground">Type</dt><dd className="capitalize">{type}</dd>
            <dt className="text-muted-foreground">Version</dt><dd className="font-mono">{version || "—"}</dd>
            <dt className="text-muted-foreground">Metadata</dt>
            <dd className="break-words font-mono text-xs leading-5">{Object.keys(metadataOf(meta)).length ? Object.entries(metadataOf(meta)).map(([k, v]) => `${k.trim()}=${v}`).join(", ") : "—"}</dd>
            <dt className="text-muted-foreground">Targets</dt>
            <dd>
              {targets.mode === "all" ? "All active customers" : targets.mode === "clusters" ? plural(targets.clusterIds.length, "cluster") : plural(targets.customerIds.length, "customer")}
              {preview.data !== undefined && ` (${plural(preview.data, "customer")} today)`}
            </dd>
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
  const [draft, setDraft] = useState<release.TemplateInput>({ name: "", category: release.Category.DEPLOY, type: release.StepType.BASH, content: "", description: "" });
  const [err, setErr] = useState("");
  const [rb, setRb] = useState<{ file: string; problems: runbook.Problem[] } | null>(null);
  const [reading, setReading] = useState(false);
  // A runbook file's steps join the list (after any already there); a file
  // with problems adds nothing and lists them.
  const fromRunbook = async () => {
    setReading(true);
    try {
      const f = await openRunbook();
      if (f.cancelled) return;
      const file = f.path.split(/[\\/]/).pop() ?? f.path;
      if (f.problems.length > 0) return setRb({ file, problems: f.problems });
      setRb(null);
      setSteps([...steps, ...f.templates]);
      toast.success(`${plural(f.templates.length, "step")} from ${file}.`);
    } catch (e) {
      toast.error((e as Error).message);
    } finally {
      setReading(false);
    }
  };
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
      <div className="flex items-center gap-3">
        <Button variant="outline" onClick={() => void fromRunbook()} disabled={reading}><FileUp /> Start from a runbook…</Button>
        <span className="text-xs text-muted-foreground">A YAML runbook exported from Shipdeck or kept in git.</span>
      </div>
      {rb && <RunbookProblems className="text-[13px]" heading={`${rb.file} was not read: nothing was added.`} problems={rb.problems} />}
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
            <NativeSelect id="s-cat" value={draft.category} onChange={(e) => setDraft({ ...draft, category: e.target.value as release.Category })}>
              <option value="deploy">Deploy</option><option value="verify">Verify</option>
            </NativeSelect>
          </Field>
          <Field label="Type" htmlFor="s-type">
            <NativeSelect id="s-type" value={draft.type} onChange={(e) => setDraft({ ...draft, type: e.target.value as release.StepType })}>
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
