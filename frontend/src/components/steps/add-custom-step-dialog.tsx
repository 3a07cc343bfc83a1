import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field, Input, NativeSelect, Textarea } from "@/components/ui/input";
import { useAddCustom } from "@/api/steps";
import { release } from "@wails/go/models";

/** AddCustomStepDialog adds a step for one customer at a chosen position,
 * optionally to the release's template too (docs/design.md, "Custom steps"). */
export function AddCustomStepDialog({ open, onOpenChange, releaseId, customerId, customerName, category, existing, initialPosition }: {
  open: boolean;
  onOpenChange: (o: boolean) => void;
  releaseId: number;
  customerId: number;
  customerName: string;
  category: release.Category;
  existing: release.Step[];
  initialPosition?: number;
}) {
  const add = useAddCustom(releaseId);
  const [name, setName] = useState("");
  const [type, setType] = useState<release.StepType>(release.StepType.BASH);
  const [content, setContent] = useState("");
  const [position, setPosition] = useState(initialPosition ?? existing.length);
  const [toTemplate, setToTemplate] = useState(false);
  const err = add.error;
  const submit = () =>
    add.mutate(
      { releaseId, customerId, category, name, type, content, position, addToTemplate: toTemplate },
      { onSuccess: () => onOpenChange(false) },
    );
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title={`Add a ${category} step`}
      description={`For ${customerName}.`}
      footer={
        <>
          <Button variant="outline" onClick={() => onOpenChange(false)}>Cancel</Button>
          <Button onClick={submit} disabled={add.isPending}>Add step</Button>
        </>
      }
    >
      <div className="grid gap-4">
        <div className="grid grid-cols-[1fr_110px] gap-3">
          <Field label="Name" htmlFor="cs-name" error={err?.field === "name" ? err.message : undefined}>
            <Input id="cs-name" value={name} onChange={(e) => setName(e.target.value)} autoFocus placeholder="Scale down the report workers" />
          </Field>
          <Field label="Type" htmlFor="cs-type">
            <NativeSelect id="cs-type" value={type} onChange={(e) => setType(e.target.value as release.StepType)}>{Object.values(release.StepType).map((t) => <option key={t}>{t}</option>)}</NativeSelect>
          </Field>
        </div>
        <Field label="Content" htmlFor="cs-content" error={err?.field === "content" ? err.message : undefined}>
          <Textarea id="cs-content" className="min-h-28 font-mono text-xs" value={content} onChange={(e) => setContent(e.target.value)} spellCheck={false} />
        </Field>
        <Field label="Position" htmlFor="cs-pos" error={err?.field === "position" ? err.message : undefined}>
          <NativeSelect id="cs-pos" value={position} onChange={(e) => setPosition(Number(e.target.value))}>
            {existing.map((s, i) => (
              <option key={s.id} value={i}>{`Before ${i + 1}. ${s.name}`}</option>
            ))}
            <option value={existing.length}>{existing.length ? `After ${existing.length}. ${existing[existing.length - 1].name} (at the end)` : "First step"}</option>
          </NativeSelect>
        </Field>
        <label className="flex cursor-pointer items-start gap-3 rounded-lg border border-border p-3">
          <input type="checkbox" checked={toTemplate} onChange={(e) => setToTemplate(e.target.checked)} className="mt-0.5 accent-[var(--primary)]" />
          <span>
            <span className="block text-[13px] font-medium">Add to template</span>
            <span className="block text-xs text-muted-foreground">Also add this step to the release's template, so every customer of this release gets it, pending, at this place.</span>
          </span>
        </label>
        {err && !err.field && <p role="alert" className="text-[13px] text-destructive">{err.message}</p>}
      </div>
    </Dialog>
  );
}
