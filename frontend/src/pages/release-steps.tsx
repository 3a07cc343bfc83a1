import { useState } from "react";
import { QueryError } from "@/components/ui/query-error";
import { useDebounced } from "@/lib/use-debounced";
import { Link, useParams } from "react-router";
import { DndContext, KeyboardSensor, PointerSensor, closestCenter, useSensor, useSensors, type DragEndEvent } from "@dnd-kit/core";
import { SortableContext, arrayMove, sortableKeyboardCoordinates, useSortable, verticalListSortingStrategy } from "@dnd-kit/sortable";
import { CSS } from "@dnd-kit/utilities";
import { ArrowDown, ArrowUp, GripVertical, Info, LayoutGrid, Lock, Pencil, Plus, Trash2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog, Dialog } from "@/components/ui/dialog";
import { Field, Input, NativeSelect, Textarea } from "@/components/ui/input";
import { EmptyState, PageHeader, Skeleton, Tooltip } from "@/components/ui/misc";
import { useCrumb } from "@/components/layout/crumbs";
import { ReleaseStatusBadge, ReleaseTypeBadge } from "@/components/releases/badges";
import { ReleaseActions } from "@/components/releases/release-actions";
import { CodeBlock } from "@/components/steps/code-block";
import { TypeBadge } from "@/components/steps/status";
import { useAddTemplate, useDeleteTemplate, useRelease, useReorderTemplates, useTemplatePreview, useUpdateTemplate } from "@/api/releases";
import { plural } from "@/lib/format";
import { release } from "@wails/go/models";
import { useFrozen } from "@/lib/frozen";

/** The template steps editor (/releases/:id/steps). */
export function ReleaseStepsPage() {
  const frozen = useFrozen();
  const id = Number(useParams().id);
  const { data, isLoading, error, refetch, isFetching } = useRelease(id);
  const [editing, setEditing] = useState<{ category: release.Category; template?: release.Template } | null>(null);
  useCrumb(`/releases/${id}`, data?.release.name);
  if (error && !data) return <div className="p-8"><QueryError what="The release" error={error} refetch={refetch} retrying={isFetching} /></div>;
  if (isLoading || !data) return <div className="p-8"><Skeleton className="h-96" /></div>;
  const r = data.release;
  const archived = r.status === "archived";
  const readOnly = archived || frozen;
  return (
    <div className="mx-auto max-w-4xl p-8">
      <PageHeader
        title={<span className="flex items-center gap-2"><ReleaseTypeBadge type={r.type} />{r.name}<ReleaseStatusBadge status={r.status} /></span>}
        description={`Template steps: every customer of the release gets these, in this order.`}
        actions={
          <>
            {r.status !== "draft" && <Button variant="outline" asChild><Link to={`/releases/${id}`}><LayoutGrid /> Matrix</Link></Button>}
            <ReleaseActions r={r} menuExport />
          </>
        }
      />
      {r.status === "active" && (
        <div className="mb-5 flex gap-2 rounded-lg border border-sky-500/30 bg-sky-500/5 px-3 py-2.5 text-[13px] text-sky-800 dark:text-sky-200">
          <Info className="mt-0.5 size-4 shrink-0" aria-hidden />
          <span>This release is active: edits flow to customer steps that are still <strong>pending</strong> and not overridden. Steps already done, skipped or reverted keep what was executed.</span>
        </div>
      )}
      {archived && (
        <div className="mb-5 flex gap-2 rounded-lg border border-border bg-muted px-3 py-2.5 text-[13px] text-muted-foreground">
          <Lock className="mt-0.5 size-4 shrink-0" aria-hidden /> This release is archived and read-only.
        </div>
      )}
      <div className="grid gap-8">
        <TemplateList title="Deploy" category={release.Category.DEPLOY} releaseId={id} items={data.deploy} readOnly={readOnly} onEdit={(t) => setEditing({ category: release.Category.DEPLOY, template: t })} onAdd={() => setEditing({ category: release.Category.DEPLOY })} />
        <TemplateList title="Verify" category={release.Category.VERIFY} releaseId={id} items={data.verify} readOnly={readOnly} onEdit={(t) => setEditing({ category: release.Category.VERIFY, template: t })} onAdd={() => setEditing({ category: release.Category.VERIFY })} />
      </div>
      {editing && <TemplateForm releaseId={id} category={editing.category} template={editing.template} count={(editing.category === release.Category.DEPLOY ? data.deploy : data.verify).length} active={r.status === release.ReleaseStatus.ACTIVE} onClose={() => setEditing(null)} />}
    </div>
  );
}

function TemplateList({ title, category, releaseId, items, readOnly, onEdit, onAdd }: {
  title: string;
  category: release.Category;
  releaseId: number;
  items: release.Template[];
  readOnly: boolean;
  onEdit: (t: release.Template) => void;
  onAdd: () => void;
}) {
  const reorder = useReorderTemplates();
  const del = useDeleteTemplate(releaseId);
  const [order, setOrder] = useState(items);
  const [deleting, setDeleting] = useState<release.Template | null>(null);
  // The local order follows the server's whenever it changes (adjusted
  // while rendering, not in an effect); a drag changes it first.
  const [shown, setShown] = useState(items);
  if (items !== shown) {
    setShown(items);
    setOrder(items);
  }
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 4 } }), useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }));

  const commit = (next: release.Template[]) => {
    setOrder(next);
    reorder.mutate({ releaseId, category, orderedIds: next.map((t) => t.id) }, { onError: () => setOrder(items) });
  };
  const onDragEnd = (e: DragEndEvent) => {
    if (!e.over || e.active.id === e.over.id) return;
    const from = order.findIndex((t) => t.id === e.active.id);
    const to = order.findIndex((t) => t.id === e.over!.id);
    commit(arrayMove(order, from, to));
  };
  const move = (i: number, d: number) => commit(arrayMove(order, i, i + d));

  return (
    <section aria-label={`${title} steps`}>
      <div className="mb-2 flex items-center justify-between">
        <h2 className="text-sm font-semibold">{title} <span className="font-normal text-muted-foreground">{order.length}</span></h2>
        {!readOnly && <Button variant="outline" size="sm" onClick={onAdd}><Plus /> Add {category} step</Button>}
      </div>
      {order.length === 0 ? (
        <EmptyState icon={<Plus />} title={`No ${category} steps`}>{category === release.Category.DEPLOY ? "What to run for every customer, in order." : "How to check that it worked."}</EmptyState>
      ) : (
        <DndContext sensors={sensors} collisionDetection={closestCenter} onDragEnd={onDragEnd}>
          <SortableContext items={order.map((t) => t.id)} strategy={verticalListSortingStrategy}>
            <ol className="grid grid-cols-1 gap-1.5">
              {order.map((t, i) => (
                <SortableTemplate key={t.id} t={t} index={i} last={i === order.length - 1} readOnly={readOnly} onEdit={() => onEdit(t)} onDelete={() => setDeleting(t)} onMove={(d) => move(i, d)} />
              ))}
            </ol>
          </SortableContext>
        </DndContext>
      )}
      <ConfirmDialog
        open={!!deleting}
        onOpenChange={(o) => !o && setDeleting(null)}
        title={`Delete '${deleting?.name}'?`}
        description={
          deleting && executed(deleting) > 0
            ? `Its ${plural(deleting.progress.pending, "pending customer step")} go; the ${plural(executed(deleting), "step")} already done, skipped or reverted stay on record, marked "template deleted".`
            : deleting && deleting.progress.pending > 0
              ? `Its ${plural(deleting.progress.pending, "pending customer step")} are deleted too.`
              : "The step is removed from the release."
        }
        confirmLabel="Delete step"
        destructive
        busy={del.isPending}
        onConfirm={() => deleting && del.mutate(deleting.id, { onSettled: () => setDeleting(null) })}
      />
    </section>
  );
}

function SortableTemplate({ t, index, last, readOnly, onEdit, onDelete, onMove }: {
  t: release.Template;
  index: number;
  last: boolean;
  readOnly: boolean;
  onEdit: () => void;
  onDelete: () => void;
  onMove: (d: number) => void;
}) {
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({ id: t.id, disabled: readOnly });
  return (
    <li
      ref={setNodeRef}
      style={{ transform: CSS.Transform.toString(transform), transition }}
      className={`flex min-w-0 items-center gap-2 rounded-lg border border-border bg-card px-2 py-2 shadow-xs ${isDragging ? "z-10 shadow-lg ring-2 ring-primary/30" : ""}`}
      data-testid={`template-${t.name}`}
    >
      {!readOnly && (
        <button type="button" className="cursor-grab rounded p-1 text-muted-foreground hover:bg-muted active:cursor-grabbing" aria-label={`Drag ${t.name} to reorder`} {...attributes} {...listeners}>
          <GripVertical className="size-4" />
        </button>
      )}
      <span className="w-5 text-right text-xs tabular-nums text-muted-foreground">{index + 1}</span>
      <TypeBadge type={t.type} />
      <button type="button" onClick={onEdit} className="min-w-0 flex-1 text-left" disabled={readOnly}>
        <span className="block truncate text-[13px] font-medium">{t.name}</span>
        <span className="block truncate font-mono text-xs text-muted-foreground">{t.content.split("\n")[0]}</span>
      </button>
      {t.progress.total + t.progress.heldSteps > 0 && (
        <span className="text-xs tabular-nums text-muted-foreground" title={`${t.progress.done} done, ${t.progress.skipped} skipped, ${t.progress.reverted} reverted, ${t.progress.pending} pending`} data-testid="template-progress">
          {t.progress.percent}%
        </span>
      )}
      {!readOnly && (
        <div className="flex">
          <Tooltip content="Move up"><Button variant="ghost" size="icon-sm" aria-label={`Move ${t.name} up`} disabled={index === 0} onClick={() => onMove(-1)}><ArrowUp /></Button></Tooltip>
          <Tooltip content="Move down"><Button variant="ghost" size="icon-sm" aria-label={`Move ${t.name} down`} disabled={last} onClick={() => onMove(1)}><ArrowDown /></Button></Tooltip>
          <Tooltip content="Edit"><Button variant="ghost" size="icon-sm" aria-label={`Edit ${t.name}`} onClick={onEdit}><Pencil /></Button></Tooltip>
          <Tooltip content="Delete"><Button variant="ghost" size="icon-sm" aria-label={`Delete ${t.name}`} onClick={onDelete}><Trash2 /></Button></Tooltip>
        </div>
      )}
    </li>
  );
}

function TemplateForm({ releaseId, category, template, count, active, onClose }: { releaseId: number; category: release.Category; template?: release.Template; count: number; active: boolean; onClose: () => void }) {
  const add = useAddTemplate();
  const update = useUpdateTemplate(releaseId);
  const [name, setName] = useState(template?.name ?? "");
  const [type, setType] = useState<release.StepType>(template?.type ?? release.StepType.BASH);
  const [content, setContent] = useState(template?.content ?? "");
  const [description, setDescription] = useState(template?.description ?? "");
  const [position, setPosition] = useState(count);
  const [previewFor, setPreviewFor] = useState(0);
  const typed = useDebounced(content, 200);
  const preview = useTemplatePreview({ releaseId, name, type, content: typed, customerId: previewFor }, typed.includes("{{"));
  const err = add.error ?? update.error;
  const fe = (f: string) => (err?.field === f ? err.message : undefined);
  const save = () =>
    template
      ? update.mutate({ id: template.id, name, type, content, description }, { onSuccess: onClose })
      : add.mutate({ releaseId, name, category, type, content, description, position }, { onSuccess: onClose });
  return (
    <Dialog
      open
      onOpenChange={(o) => !o && onClose()}
      className="w-[min(760px,calc(100vw-2rem))]"
      title={template ? `Edit '${template.name}'` : `Add a ${category} step`}
      description={active ? "Changes reach pending customer steps that are not overridden." : undefined}
      footer={
        <>
          <Button variant="outline" onClick={onClose}>Cancel</Button>
          <Button onClick={save} disabled={add.isPending || update.isPending}>{template ? "Save step" : "Add step"}</Button>
        </>
      }
    >
      <div className="grid gap-4">
        <div className="grid grid-cols-[1fr_110px] gap-3">
          <Field label="Name" htmlFor="t-name" error={fe("name")}><Input id="t-name" value={name} onChange={(e) => setName(e.target.value)} autoFocus /></Field>
          <Field label="Type" htmlFor="t-type" error={fe("type")}>
            <NativeSelect id="t-type" value={type} onChange={(e) => setType(e.target.value as release.StepType)}>{Object.values(release.StepType).map((t) => <option key={t}>{t}</option>)}</NativeSelect>
          </Field>
        </div>
        {!template && (
          <Field label="Position" htmlFor="t-pos" error={fe("position")}>
            <NativeSelect id="t-pos" value={position} onChange={(e) => setPosition(Number(e.target.value))}>
              {Array.from({ length: count + 1 }, (_, i) => <option key={i} value={i}>{i === count ? `At the end (${i + 1})` : `Position ${i + 1}`}</option>)}
            </NativeSelect>
          </Field>
        )}
        <div className="grid grid-cols-2 gap-3">
          <Field label="Content" htmlFor="t-content" error={fe("content")}>
            <Textarea id="t-content" className="min-h-56 font-mono text-xs" value={content} onChange={(e) => setContent(e.target.value)} spellCheck={false} />
          </Field>
          <div className="grid min-w-0 content-start gap-1.5">
            <div className="flex items-center justify-between gap-2">
              <span className="text-[13px] font-medium">Preview</span>
              {preview.data && preview.data.customers.length > 0 && typed.includes("{{") && (
                <NativeSelect className="h-7 w-48 text-xs" value={preview.data.customer.id} onChange={(e) => setPreviewFor(Number(e.target.value))} aria-label="Preview for customer">
                  {preview.data.customers.map((c) => <option key={c.id} value={c.id}>for {c.name}</option>)}
                </NativeSelect>
              )}
            </div>
            {content.trim() ? (
              <CodeBlock code={content} type={type} className="max-h-56" rendered={typed === content && preview.data ? preview.data.rendered : undefined} />
            ) : (
              <div className="flex h-56 items-center justify-center rounded-lg border border-dashed border-border text-xs text-muted-foreground">Highlighted content shows here</div>
            )}
          </div>
        </div>
        {preview.data && preview.data.lacking.length > 0 && typed.includes("{{") && (
          <div className="rounded-md border border-amber-500/30 bg-amber-500/10 px-3 py-2 text-xs" data-testid="lacking-variables">
            {preview.data.lacking.map((l) => (
              <p key={l.name}>
                <span className="font-mono">{`{{${l.name}}}`}</span> is not set for {plural(l.count, "customer")} of this release
                {l.customers.length > 0 && <>: {l.customers.join(", ")}{l.count > l.customers.length ? ` and ${l.count - l.customers.length} more` : ""}</>}. It stays as written for them.
              </p>
            ))}
          </div>
        )}
        <p className="text-xs text-muted-foreground">
          Variables: <span className="font-mono">{"{{customer}} {{namespace}} {{cluster}} {{kubeconfig}} {{release}} {{version}} {{step}} {{operator}}"}</span>, and metadata as <span className="font-mono">{"{{customer.KEY}}"}</span>. <span className="font-mono">{"\\{{"}</span> writes a literal <span className="font-mono">{"{{"}</span>.
        </p>
        <Field label="Description" htmlFor="t-desc"><Input id="t-desc" value={description} onChange={(e) => setDescription(e.target.value)} placeholder="Optional: why, or what to watch for" /></Field>
        {err && !err.field && <p role="alert" className="text-[13px] text-destructive">{err.message}</p>}
      </div>
    </Dialog>
  );
}

/** executed counts a template's steps that ran or were decided: done,
 * skipped or reverted (what a delete keeps). */
const executed = (t: release.Template) => t.progress.done + t.progress.skipped + t.progress.reverted;
