import { useQuery } from "@tanstack/react-query";
import * as Releases from "@wails/go/release/Service";
import * as Steps from "@wails/go/release/Steps";
import type { release } from "@wails/go/models";
import { call, keys, useAppMutation } from "./client";

export const useReleases = () => useQuery({ queryKey: keys.releases, queryFn: () => call(Releases.List()) });
/** useRelease is a release with its templates and every figure (one pass
 * over its steps in Go: not free at fleet size, so only where shown). */
export const useRelease = (id: number, enabled = true) => useQuery({ queryKey: keys.release(id), queryFn: () => call(Releases.Get(id)), enabled: enabled && id > 0 });
export const usePreview = (id: number, enabled: boolean) =>
  useQuery({ queryKey: keys.preview(id), queryFn: () => call(Releases.ActivationPreview(id)), enabled: enabled && id > 0 });
export const useAddable = (id: number, enabled: boolean) =>
  useQuery({ queryKey: keys.addable(id), queryFn: () => call(Releases.AddableCustomers(id)), enabled: enabled && id > 0 });

// Anything about a release changes its page, its matrix, the list and the
// dashboard; customer pages show per-release progress too.
const releaseKeys = (id: number) => [keys.release(id), keys.matrixOf(id), keys.releases, keys.dashboard, keys.customerAll, keys.customerStepsOf(id), keys.stepAll, keys.stepAtOf(id), keys.activityOf(id)];

export const useCreateRelease = () =>
  useAppMutation((v: release.Input) => Releases.Create(v), { invalidate: () => [keys.releases, keys.dashboard], success: (r) => `Release '${r.name}' created.`, silentErrors: true });
export const useUpdateRelease = () =>
  useAppMutation((v: release.UpdateInput) => Releases.Update(v), { invalidate: (v) => releaseKeys(v.id), success: () => "Release saved.", silentErrors: true });
export const useActivate = () =>
  useAppMutation((id: number) => Releases.Activate(id), { invalidate: (id) => releaseKeys(id), success: (r) => `Release '${r.name}' is active: ${r.progress.total} steps created.` });
export const useArchiveRelease = () =>
  useAppMutation((id: number) => Releases.Archive(id), { invalidate: (id) => releaseKeys(id), success: (r) => `Release '${r.name}' archived.` });
export const useCloneRelease = () =>
  useAppMutation((v: release.CloneInput) => Releases.Clone(v), { invalidate: () => [keys.releases, keys.dashboard], success: (r) => `Created draft '${r.name}'.`, silentErrors: true });
export const useTargetPreview = (t: release.Targets) =>
  useQuery({ queryKey: keys.targetPreview(t), queryFn: () => call(Releases.TargetPreview(t)), placeholderData: (prev) => prev });
export const useHold = (releaseId: number) =>
  useAppMutation((v: release.HoldInput) => Steps.Hold(v), {
    invalidate: () => releaseKeys(releaseId),
    success: (r) => `${r.changed} customer${r.changed === 1 ? "" : "s"} held back${r.why ? `; ${r.why}` : ""}.`,
  });
export const useUnhold = (releaseId: number) =>
  useAppMutation((v: release.UnholdInput) => Steps.Unhold(v), {
    invalidate: () => releaseKeys(releaseId),
    success: (r) => `${r.changed} hold${r.changed === 1 ? "" : "s"} released${r.why ? `; ${r.why}` : ""}.`,
  });
export const useAddCustomers = () =>
  useAppMutation((v: release.AddCustomersInput) => Releases.AddCustomers(v), {
    invalidate: (v) => [...releaseKeys(v.releaseId), keys.addable(v.releaseId)],
    success: (_r, v) => `${v.customerIds.length} customer${v.customerIds.length === 1 ? "" : "s"} added to the release.`,
  });

export const useAddTemplate = () =>
  useAppMutation((v: release.AddTemplateInput) => Releases.AddTemplate(v), { invalidate: (v) => releaseKeys(v.releaseId), success: (t) => `Step '${t.name}' added.`, silentErrors: true });
export const useUpdateTemplate = (releaseId: number) =>
  useAppMutation((v: release.UpdateTemplateInput) => Releases.UpdateTemplate(v), {
    invalidate: () => releaseKeys(releaseId),
    success: (c) => (c.propagated > 0 ? `Step saved; ${c.propagated} pending customer step${c.propagated === 1 ? "" : "s"} updated.` : "Step saved."),
    silentErrors: true,
  });
export const useDeleteTemplate = (releaseId: number) =>
  useAppMutation((id: number) => Releases.DeleteTemplate(id), {
    invalidate: () => releaseKeys(releaseId),
    success: (d) => `Step deleted${d.keptExecuted > 0 ? `; ${d.keptExecuted} executed step${d.keptExecuted === 1 ? "" : "s"} kept on record` : ""}.`,
  });
export const useReorderTemplates = () =>
  useAppMutation((v: release.ReorderInput) => Releases.ReorderTemplates(v), { invalidate: (v) => releaseKeys(v.releaseId) });

/** useTemplatePreview renders template content for one of the release's
 * customers while it is written, and names those lacking a variable. */
export const useTemplatePreview = (in_: release.TemplatePreviewInput, enabled: boolean) =>
  useQuery({ queryKey: keys.templatePreview(in_), queryFn: () => call(Releases.PreviewTemplate(in_)), enabled, placeholderData: (prev) => prev });
