import { memo, useState, type FormEvent } from "react";
import { useNavigate } from "react-router";
import { toast } from "sonner";
import { Archive, Copy, FileDown, FileUp, MoreHorizontal, Pencil, Play, ScrollText, UserPlus } from "lucide-react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog, Dialog } from "@/components/ui/dialog";
import { Menu, MenuContent, MenuItem, MenuTrigger } from "@/components/ui/dropdown";
import { Field, Input, NativeSelect, Textarea } from "@/components/ui/input";
import { MetadataEditor, metadataOf, metadataProblem, metadataRows } from "@/components/ui/metadata-editor";
import { useActivate, useAddCustomers, useAddable, useArchiveRelease, useCloneRelease, usePreview, useRelease, useUpdateRelease } from "@/api/releases";
import { ExportDialog } from "@/components/exports/export-dialog";
import { RunbookImportDialog } from "@/components/exports/runbook-import";
import { useExportRunbook } from "@/api/exports";
import { useAppEvent } from "@/lib/events";
import { TargetPicker, fromTargets, toTargets, type TargetChoice } from "./target-picker";
import { fromDateInput, plural, toDateInput } from "@/lib/format";
import { release } from "@wails/go/models";

/** ReleaseActions are the buttons of a release: activate, add customers,
 * clone, export and archive, each confirmed first where it matters. On the
 * release's own pages (menuExport) File → Export release… opens its export;
 * filtered are the customers the matrix's filters show, offered as the
 * export's scope. */
// Memoised: the release page re-renders when a panel opens, this menu need not.
export const ReleaseActions = memo(function ReleaseActions({ r, menuExport = false, filtered }: { r: release.Release; menuExport?: boolean; filtered?: { ids: number[]; label: string } }) {
  const navigate = useNavigate();
  const [dialog, setDialog] = useState<"" | "activate" | "archive" | "add" | "edit" | "clone" | "export" | "runbook">("");
  const exportRunbook = useExportRunbook();
  useAppEvent("menu:export-release", () => {
    if (!menuExport) return;
    if (r.status === release.ReleaseStatus.DRAFT) toast.info("A draft has no record to export yet: save its steps with More → Export runbook…, or activate it first.");
    else setDialog("export");
  });
  const activate = useActivate();
  const archive = useArchiveRelease();
  const preview = usePreview(r.id, dialog === "activate");
  // Who is on hold is read when the archive confirmation asks (a release's
  // detail reads every step: not for each row of the releases list).
  const detail = useRelease(r.id, dialog === "archive");
  const held = (detail.data?.clusters ?? []).flatMap((c) => c.customers.filter((cu) => cu.hold));
  const close = () => setDialog("");

  return (
    <>
      {r.status === "draft" && (
        <Button onClick={() => setDialog("activate")}>
          <Play /> Activate
        </Button>
      )}
      {r.status === "active" && (
        <Button variant="outline" onClick={() => setDialog("add")}>
          <UserPlus /> Add customers
        </Button>
      )}
      <Menu>
        <MenuTrigger asChild>
          <Button variant="outline" size="icon" aria-label="More release actions">
            <MoreHorizontal />
          </Button>
        </MenuTrigger>
        <MenuContent>
          {r.status !== release.ReleaseStatus.ARCHIVED && (
            <MenuItem onSelect={() => setDialog("edit")}>
              <Pencil /> Edit release…
            </MenuItem>
          )}
          <MenuItem onSelect={() => setDialog("clone")}>
            <Copy /> Clone as new draft…
          </MenuItem>
          {r.status !== release.ReleaseStatus.DRAFT && (
            <MenuItem onSelect={() => setDialog("export")}>
              <FileDown /> Export report…
            </MenuItem>
          )}
          <MenuItem onSelect={() => exportRunbook.mutate(r.id)} disabled={r.templateCount === 0}>
            <ScrollText /> Export runbook…
          </MenuItem>
          {r.status === release.ReleaseStatus.DRAFT && (
            <MenuItem onSelect={() => setDialog("runbook")}>
              <FileUp /> Import runbook…
            </MenuItem>
          )}
          {r.status !== "archived" && (
            <MenuItem destructive onSelect={() => setDialog("archive")}>
              <Archive /> Archive release
            </MenuItem>
          )}
        </MenuContent>
      </Menu>

      <ConfirmDialog
        open={dialog === "activate"}
        onOpenChange={(o) => !o && close()}
        title={`Activate '${r.name}'?`}
        description={
          preview.data ? (
            <>
              This creates <strong className="text-foreground">{plural(preview.data.stepCount, "step")}</strong>: {plural(preview.data.templateCount, "template step")} for each of{" "}
              {plural(preview.data.customerCount, "customer")}. Targets can no longer change afterwards; template edits still reach pending steps.
              {preview.data.lacking.length > 0 && (
                <span role="note" data-testid="activation-lacking" className="mt-3 block rounded-md border border-amber-500/40 bg-amber-500/10 p-2.5 text-foreground">
                  <strong className="block font-medium">Some customers lack a variable the steps use</strong>
                  <span className="mt-1 block text-xs">Their steps will show it as written, flagged, until it is set. Activating is still possible.</span>
                  <span className="mt-1.5 grid max-h-40 gap-0.5 overflow-auto text-xs">
                    {preview.data.lacking.map((l) => (
                      <span key={l.name}>
                        <code className="font-mono">{`{{${l.name}}}`}</code>: {plural(l.count, "customer")} ({l.customers.join(", ")}{l.count > l.customers.length ? `, and ${l.count - l.customers.length} more` : ""})
                      </span>
                    ))}
                  </span>
                </span>
              )}
            </>
          ) : (
            "Counting the steps to create…"
          )
        }
        confirmLabel={preview.data ? `Create ${plural(preview.data.stepCount, "step")}` : "Activate"}
        busy={activate.isPending || !preview.data}
        onConfirm={() => activate.mutate(r.id, { onSettled: close, onSuccess: () => navigate(`/releases/${r.id}`) })}
      />
      <ConfirmDialog
        open={dialog === "archive"}
        onOpenChange={(o) => !o && close()}
        title={`Archive '${r.name}'?`}
        description={
          <>
            The release becomes read-only: no step can change any more. Its full record stays.
            {r.progress.pending + r.progress.reverted > 0 && (
              <strong className="mt-2 block text-foreground">
                {plural(r.progress.pending, "step")} still pending{r.progress.reverted > 0 ? ` and ${plural(r.progress.reverted, "step")} reverted` : ""}.
              </strong>
            )}
            {held.length > 0 && (
              <span className="mt-2 block">
                On hold: {held.map((h) => `${h.name} (${h.hold?.reason})`).join("; ")}.
              </span>
            )}
          </>
        }
        confirmLabel="Archive release"
        destructive
        busy={archive.isPending}
        onConfirm={() => archive.mutate(r.id, { onSettled: close })}
      />
      {dialog === "add" && <AddCustomersDialog r={r} onClose={close} />}
      {dialog === "export" && <ExportDialog r={r} filtered={filtered} onClose={close} />}
      {dialog === "runbook" && <RunbookImportDialog releaseId={r.id} templateCount={r.templateCount} onClose={close} />}
      {dialog === "edit" && <EditReleaseDialog r={r} onClose={close} />}
      {dialog === "clone" && <CloneDialog r={r} onClose={close} onCloned={(id) => navigate(`/releases/${id}/steps`)} />}
    </>
  );
});

function AddCustomersDialog({ r, onClose }: { r: release.Release; onClose: () => void }) {
  const addable = useAddable(r.id, true);
  const add = useAddCustomers();
  const [picked, setPicked] = useState<Set<number>>(new Set());
  const [q, setQ] = useState("");
  const list = (addable.data ?? []).filter((c) => !q || c.name.toLowerCase().includes(q.toLowerCase()) || c.namespace.includes(q.toLowerCase()));
  const toggle = (id: number) => setPicked((s) => { const n = new Set(s); if (n.has(id)) n.delete(id); else n.add(id); return n; });
  return (
    <Dialog
      open
      onOpenChange={(o) => !o && onClose()}
      title="Add customers to this release"
      description={`Each gets the current ${plural(r.templateCount, "template step")}, pending.`}
      footer={
        <>
          <Button variant="outline" onClick={onClose}>Cancel</Button>
          <Button disabled={picked.size === 0 || add.isPending} onClick={() => add.mutate({ releaseId: r.id, customerIds: [...picked] }, { onSuccess: onClose })}>
            Add {picked.size > 0 ? plural(picked.size, "customer") : "customers"}
          </Button>
        </>
      }
    >
      {addable.data?.length === 0 ? (
        <p className="text-[13px] text-muted-foreground">Every active customer is already part of this release.</p>
      ) : (
        <div className="grid gap-3">
          <Input placeholder="Filter customers" value={q} onChange={(e) => setQ(e.target.value)} aria-label="Filter customers" />
          <ul className="grid max-h-72 gap-0.5 overflow-auto">
            {list.map((c) => (
              <li key={c.id}>
                <label className="flex cursor-pointer items-center gap-3 rounded-md px-2 py-1.5 text-[13px] hover:bg-muted">
                  <input type="checkbox" checked={picked.has(c.id)} onChange={() => toggle(c.id)} className="accent-[var(--primary)]" />
                  <span className="font-medium">{c.name}</span>
                  <span className="font-mono text-xs text-muted-foreground">{c.namespace}</span>
                  <span className="ml-auto text-xs text-muted-foreground">{c.clusterName}</span>
                </label>
              </li>
            ))}
          </ul>
        </div>
      )}
    </Dialog>
  );
}

/** EditReleaseDialog corrects a release's name, type, version, date and
 * description — and its targets while it is a draft (the Go side refuses
 * them afterwards). */
function EditReleaseDialog({ r, onClose }: { r: release.Release; onClose: () => void }) {
  const update = useUpdateRelease();
  const [name, setName] = useState(r.name);
  const [type, setType] = useState<release.ReleaseType>(r.type);
  const [version, setVersion] = useState(r.versionNumber);
  const [date, setDate] = useState(toDateInput(r.releaseDate));
  const [description, setDescription] = useState(r.description);
  const [targets, setTargets] = useState<TargetChoice>(fromTargets(r.targets));
  const [meta, setMeta] = useState(() => metadataRows(r.metadata));
  const [metaProblem, setMetaProblem] = useState("");
  const draft = r.status === release.ReleaseStatus.DRAFT;
  const err = (f: string) => (update.error?.field === f ? update.error.message : undefined);
  const save = (e: FormEvent) => {
    e.preventDefault();
    const problem = metadataProblem(meta);
    setMetaProblem(problem);
    if (problem) return;
    update.mutate(
      { id: r.id, name, type, versionNumber: version, releaseDate: fromDateInput(date), description, targets: draft ? toTargets(targets) : undefined, metadata: metadataOf(meta) },
      { onSuccess: onClose },
    );
  };
  return (
    <Dialog
      open
      onOpenChange={(o) => !o && onClose()}
      title="Edit release"
      description={draft ? "A draft: its targets can still change." : "Its customers were fixed at activation; add more with \u201cAdd customers\u201d."}
      className="w-[min(640px,calc(100vw-2rem))]"
      footer={
        <>
          <Button variant="outline" onClick={onClose}>Cancel</Button>
          <Button type="submit" form="edit-release" disabled={update.isPending}>Save</Button>
        </>
      }
    >
      <form id="edit-release" className="grid gap-4" onSubmit={save}>
        <Field label="Name" htmlFor="e-name" error={err("name")}>
          <Input id="e-name" value={name} onChange={(e) => setName(e.target.value)} autoFocus />
        </Field>
        <div className="grid grid-cols-3 gap-3">
          <Field label="Type" htmlFor="e-type" error={err("type")}>
            <NativeSelect id="e-type" value={type} onChange={(e) => setType(e.target.value as release.ReleaseType)}>
              {Object.values(release.ReleaseType).map((t) => <option key={t} value={t} className="capitalize">{t}</option>)}
            </NativeSelect>
          </Field>
          <Field label="Version" htmlFor="e-version" error={err("versionNumber")}>
            <Input id="e-version" className="font-mono" value={version} onChange={(e) => setVersion(e.target.value)} />
          </Field>
          <Field label="Release date" htmlFor="e-date" error={err("releaseDate")}>
            <Input id="e-date" type="date" value={date} onChange={(e) => setDate(e.target.value)} />
          </Field>
        </div>
        <Field label="Description" htmlFor="e-desc" error={err("description")}>
          <Textarea id="e-desc" value={description} onChange={(e) => setDescription(e.target.value)} />
        </Field>
        <MetadataEditor scope="release" rows={meta} onChange={(m) => { setMeta(m); setMetaProblem(""); }} error={metaProblem || err("metadata")} />
        {draft && <TargetPicker value={targets} onChange={setTargets} />}
        {update.error && !update.error.field && <p role="alert" className="text-[13px] text-destructive">{update.error.message}</p>}
      </form>
    </Dialog>
  );
}

/** CloneDialog asks for the new draft's name and version first: a clone is
 * the next release, not a copy to rename later. */
function CloneDialog({ r, onClose, onCloned }: { r: release.Release; onClose: () => void; onCloned: (id: number) => void }) {
  const clone = useCloneRelease();
  const [name, setName] = useState("");
  const [version, setVersion] = useState("");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    clone.mutate({ id: r.id, name, versionNumber: version }, { onSuccess: (c) => { onClose(); onCloned(c.id); } });
  };
  return (
    <Dialog
      open
      onOpenChange={(o) => !o && onClose()}
      title={`Clone '${r.name}'`}
      description={`A new draft with its ${plural(r.templateCount, "template step")}, type, date, description and targets.`}
      footer={
        <>
          <Button variant="outline" onClick={onClose}>Cancel</Button>
          <Button type="submit" form="clone-release" disabled={clone.isPending}>Create draft</Button>
        </>
      }
    >
      <form id="clone-release" className="grid grid-cols-[1fr_160px] gap-3" onSubmit={submit}>
        <Field label="New name" htmlFor="c-name" error={clone.error?.field === "name" ? clone.error.message : undefined}>
          <Input id="c-name" value={name} onChange={(e) => setName(e.target.value)} placeholder={`After ${r.name}`} autoFocus />
        </Field>
        <Field label="Version" htmlFor="c-version" error={clone.error?.field === "versionNumber" ? clone.error.message : undefined}>
          <Input id="c-version" className="font-mono" value={version} onChange={(e) => setVersion(e.target.value)} placeholder={r.versionNumber || "2027.01.0"} />
        </Field>
        {clone.error && !clone.error.field && <p role="alert" className="col-span-2 text-[13px] text-destructive">{clone.error.message}</p>}
      </form>
    </Dialog>
  );
}
