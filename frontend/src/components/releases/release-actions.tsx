import { useState } from "react";
import { useNavigate } from "react-router";
import { Archive, Copy, MoreHorizontal, Play, UserPlus } from "lucide-react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog, Dialog } from "@/components/ui/dialog";
import { Menu, MenuContent, MenuItem, MenuTrigger } from "@/components/ui/dropdown";
import { Input } from "@/components/ui/input";
import { useActivate, useAddCustomers, useAddable, useArchiveRelease, useCloneRelease, usePreview } from "@/api/releases";
import { plural } from "@/lib/format";
import type { release } from "@wails/go/models";

/** ReleaseActions are the buttons of a release: activate, add customers,
 * clone and archive, each confirmed first where it matters. */
export function ReleaseActions({ r }: { r: release.Release }) {
  const navigate = useNavigate();
  const [dialog, setDialog] = useState<"" | "activate" | "archive" | "add">("");
  const activate = useActivate();
  const archive = useArchiveRelease();
  const clone = useCloneRelease();
  const preview = usePreview(r.id, dialog === "activate");
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
          <MenuItem onSelect={() => clone.mutate(r.id, { onSuccess: (c) => navigate(`/releases/${c.id}/steps`) })}>
            <Copy /> Clone as new draft
          </MenuItem>
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
        description="The release becomes read-only: no step can change any more. Its full record stays."
        confirmLabel="Archive release"
        destructive
        busy={archive.isPending}
        onConfirm={() => archive.mutate(r.id, { onSettled: close })}
      />
      {dialog === "add" && <AddCustomersDialog r={r} onClose={close} />}
    </>
  );
}

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
