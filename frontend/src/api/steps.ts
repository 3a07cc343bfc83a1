import { useQuery, useQueryClient } from "@tanstack/react-query";
import * as Steps from "@wails/go/release/Steps";
import * as Highlight from "@wails/go/highlight/Service";
import type { release } from "@wails/go/models";
import { call, keys, useAppMutation } from "./client";

export const useMatrix = (releaseId: number, clusterId = 0) =>
  useQuery({ queryKey: keys.matrix(releaseId, clusterId), queryFn: () => call(Steps.Matrix(releaseId, clusterId)), enabled: releaseId > 0 });
export const useCustomerSteps = (releaseId: number, customerId: number) =>
  useQuery({ queryKey: keys.customerSteps(releaseId, customerId), queryFn: () => call(Steps.CustomerSteps(releaseId, customerId)), enabled: releaseId > 0 && customerId > 0 });
export const useStepDetail = (id: number) => useQuery({ queryKey: keys.step(id), queryFn: () => call(Steps.StepDetail(id)), enabled: id > 0 });
export const useStepAt = (releaseId: number, templateId: number, customerId: number) =>
  useQuery({
    queryKey: keys.stepAt(releaseId, templateId, customerId),
    queryFn: () => call(Steps.StepDetailAt(releaseId, templateId, customerId)),
    enabled: releaseId > 0 && templateId > 0 && customerId > 0,
  });
export const useHighlight = (type: string, content: string) =>
  useQuery({ queryKey: keys.highlight(type, content), queryFn: () => call(Highlight.Highlight({ type, content })), staleTime: Infinity });
export const useHighlightStyles = () => useQuery({ queryKey: keys.styles, queryFn: () => call(Highlight.Styles()), staleTime: Infinity });

const stepKeys = (releaseId: number) => [keys.matrixOf(releaseId), keys.release(releaseId), ["customer-steps", releaseId], ["step"], ["step-at", releaseId], keys.releases, keys.dashboard, ["customer"]];

export type StepAction = "done" | "skip" | "revert" | "pending";

const callFor: Record<StepAction, (v: release.TransitionInput) => Promise<release.Step>> = {
  done: Steps.MarkDone,
  skip: Steps.Skip,
  revert: Steps.Revert,
  pending: Steps.SetPending,
};

const cellChar: Record<StepAction, string> = { done: "d", skip: "s", revert: "r", pending: "p" };

/** useTransition changes one step's status. With a matrix cell given, the
 * matrix shows the new status at once (optimistic) and the server's answer
 * replaces it. */
export function useTransition(releaseId: number) {
  const qc = useQueryClient();
  return useAppMutation(
    async (v: { action: StepAction; stepId: number; note?: string; cell?: { row: number; col: number } }) => {
      if (v.cell) {
        const { row, col } = v.cell;
        qc.setQueriesData<release.Matrix>({ queryKey: keys.matrixOf(releaseId) }, (m) => {
          if (!m || !m.cells[row]) return m;
          const s = m.cells[row];
          const ch = s[col] === s[col]?.toUpperCase() && s[col] !== "." ? cellChar[v.action].toUpperCase() : cellChar[v.action];
          const cells = m.cells.slice();
          cells[row] = s.slice(0, col) + ch + s.slice(col + 1);
          return { ...m, cells };
        });
      }
      try {
        return await callFor[v.action]({ stepId: v.stepId, note: v.note ?? "" });
      } catch (e) {
        qc.invalidateQueries({ queryKey: keys.matrixOf(releaseId) });
        throw e;
      }
    },
    { invalidate: () => stepKeys(releaseId) },
  );
}

export const useBulkCells = (releaseId: number) =>
  useAppMutation((v: release.BulkCellsInput) => Steps.BulkCells(v), {
    invalidate: () => stepKeys(releaseId),
    success: (r) => `${r.changed} step${r.changed === 1 ? "" : "s"} changed${r.unchanged ? `; ${r.unchanged} left as they were` : ""}.`,
  });
export const useBulk = (releaseId: number) =>
  useAppMutation((v: release.BulkInput) => Steps.Bulk(v), {
    invalidate: () => stepKeys(releaseId),
    success: (r) => `${r.changed} step${r.changed === 1 ? "" : "s"} changed${r.unchanged ? `; ${r.unchanged} left as they were` : ""}.`,
  });
export const useOverride = (releaseId: number) =>
  useAppMutation((v: release.OverrideInput) => Steps.Override(v), { invalidate: () => stepKeys(releaseId), success: () => "Content overridden for this customer.", silentErrors: true });
export const useResetToTemplate = (releaseId: number) =>
  useAppMutation((id: number) => Steps.ResetToTemplate(id), { invalidate: () => stepKeys(releaseId), success: () => "Step reset to its template." });
export const useAddCustom = (releaseId: number) =>
  useAppMutation((v: release.CustomStepInput) => Steps.AddCustom(v), {
    invalidate: () => stepKeys(releaseId),
    success: (s, v) => (v.addToTemplate ? `Step '${s.name}' added to the template and to every customer.` : `Custom step '${s.name}' added.`),
    silentErrors: true,
  });
export const useEditCustom = (releaseId: number) =>
  useAppMutation((v: release.CustomStepEdit) => Steps.EditCustom(v), { invalidate: () => stepKeys(releaseId), success: () => "Custom step saved.", silentErrors: true });
export const useDeleteCustom = (releaseId: number) =>
  useAppMutation((id: number) => Steps.DeleteCustom(id), { invalidate: () => stepKeys(releaseId), success: () => "Custom step deleted." });

/** useQuickCell changes one matrix cell from the keyboard or the hover
 * buttons: the cell shows its new status at once, and the server's answer
 * (or its refusal) replaces it. */
export function useQuickCell(releaseId: number) {
  const qc = useQueryClient();
  return useAppMutation(
    async (v: { action: StepAction; note?: string; row: number; col: number; templateId: number; customerId: number }) => {
      qc.setQueriesData<release.Matrix>({ queryKey: keys.matrixOf(releaseId) }, (m) => {
        const s = m?.cells[v.row];
        if (!m || !s || s[v.col] === undefined || s[v.col] === ".") return m;
        const ch = s[v.col] === s[v.col].toUpperCase() ? cellChar[v.action].toUpperCase() : cellChar[v.action];
        const cells = m.cells.slice();
        cells[v.row] = s.slice(0, v.col) + ch + s.slice(v.col + 1);
        return { ...m, cells };
      });
      try {
        return await Steps.BulkCells({ releaseId, templateIds: [v.templateId], customerIds: [v.customerId], action: v.action, note: v.note ?? "" });
      } catch (e) {
        qc.invalidateQueries({ queryKey: keys.matrixOf(releaseId) });
        throw e;
      }
    },
    { invalidate: () => stepKeys(releaseId) },
  );
}
