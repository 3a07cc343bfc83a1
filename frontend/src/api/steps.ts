import { useInfiniteQuery, useQuery, useQueryClient, type QueryKey } from "@tanstack/react-query";
import * as Steps from "@wails/go/release/Steps";
import * as Highlight from "@wails/go/highlight/Service";
import { release } from "@wails/go/models";
import { call, keys, useAppMutation } from "./client";
import { applyRule } from "@/components/matrix/model";

export const matrixQuery = (releaseId: number, clusterId = 0) => ({ queryKey: keys.matrix(releaseId, clusterId), queryFn: () => call(Steps.Matrix(releaseId, clusterId)) });
export const useMatrix = (releaseId: number, clusterId = 0) => useQuery({ ...matrixQuery(releaseId, clusterId), enabled: releaseId > 0 });
export const useCustomerSteps = (releaseId: number, customerId: number) =>
  useQuery({ queryKey: keys.customerSteps(releaseId, customerId), queryFn: () => call(Steps.CustomerSteps(releaseId, customerId)), enabled: releaseId > 0 && customerId > 0 });
export const useStepDetail = (id: number) => useQuery({ queryKey: keys.step(id), queryFn: () => call(Steps.StepDetail(id)), enabled: id > 0 });
export const useStepAt = (releaseId: number, templateId: number, customerId: number) =>
  useQuery({
    queryKey: keys.stepAt(releaseId, templateId, customerId),
    queryFn: () => call(Steps.StepDetailAt(releaseId, templateId, customerId)),
    enabled: releaseId > 0 && templateId > 0 && customerId > 0,
  });
export const useHighlight = (type: string, content: string, enabled = true) =>
  useQuery({ queryKey: keys.highlight(type, content), queryFn: () => call(Highlight.Highlight({ type, content })), staleTime: Infinity, enabled });
export const useHighlightStyles = () => useQuery({ queryKey: keys.styles, queryFn: () => call(Highlight.Styles()), staleTime: Infinity });

/** useActivity pages through a release's activity log, newest first. */
export const useActivity = (q: Omit<release.ActivityQuery, "before" | "limit">) =>
  useInfiniteQuery({
    queryKey: keys.activity(q.releaseId, q),
    queryFn: ({ pageParam }) => call(Steps.Activity({ ...q, before: pageParam, limit: 200 })),
    initialPageParam: 0,
    getNextPageParam: (p) => (p.next > 0 ? p.next : undefined),
    enabled: q.releaseId > 0,
  });

/** stepKeys are the queries a change to a release's steps touches. */
export const stepKeys = (releaseId: number): QueryKey[] => [
  keys.matrixOf(releaseId),
  keys.release(releaseId),
  keys.customerStepsOf(releaseId),
  keys.stepAll,
  keys.stepAtOf(releaseId),
  keys.activityOf(releaseId),
  keys.releases,
  keys.dashboard,
  keys.customerAll,
];

export type StepAction = release.Action;

const callFor: Record<StepAction, (v: release.TransitionInput) => Promise<release.Step>> = {
  [release.Action.DONE]: Steps.MarkDone,
  [release.Action.SKIP]: Steps.Skip,
  [release.Action.REVERT]: Steps.Revert,
  [release.Action.PENDING]: Steps.SetPending,
};

/** useTransition changes one step's state from its panel. */
export function useTransition(releaseId: number) {
  return useAppMutation((v: { action: StepAction; stepId: number; note?: string }) => callFor[v.action]({ stepId: v.stepId, note: v.note ?? "" }), {
    invalidate: () => stepKeys(releaseId),
    // A refusal means the panel showed an old state: show the real one.
    invalidateOnError: () => stepKeys(releaseId),
  });
}

/** The cells of a matrix change: rows × columns (indexes into the matrix). */
export interface CellsChange {
  action: StepAction;
  note?: string;
  rows: number[];
  cols: number[];
  /** reach customers held back in the release (one step, confirmed) */
  includeHeld?: boolean;
}

/** useChangeCells applies an action to matrix cells — one from a key or a
 * hover button, or a whole selection — in one bulk call. The cells show
 * their new state at once (where the state rules allow it), and go back to
 * what they were if the call fails. */
export function useChangeCells(releaseId: number, clusterId: number) {
  const qc = useQueryClient();
  const key = keys.matrix(releaseId, clusterId);
  return useAppMutation(
    (v: CellsChange) => {
      const m = qc.getQueryData<release.Matrix>(key);
      if (!m) throw { code: "state", message: "The matrix is still loading." };
      return Steps.BulkCells({
        releaseId,
        templateIds: v.rows.map((r) => m.rows[r].templateId),
        customerIds: v.cols.map((c) => m.customers[c].id),
        action: v.action,
        note: v.note ?? "",
        includeHeld: !!v.includeHeld,
      });
    },
    {
      invalidate: () => stepKeys(releaseId),
      onMutate: async (v) => {
        await qc.cancelQueries({ queryKey: key });
        const before = qc.getQueryData<release.Matrix>(key);
        if (before) qc.setQueryData(key, applyRule(before, v.action, v.rows, v.cols));
        return () => qc.setQueryData(key, before);
      },
    },
  );
}

/** useUndo takes back a change just made (its history rows). */
export const useUndo = (releaseId: number) =>
  useAppMutation((v: { from: number; to: number }) => Steps.Undo({ releaseId, from: v.from, to: v.to }), { invalidate: () => stepKeys(releaseId) });

export const useOverride = (releaseId: number) =>
  useAppMutation((v: release.OverrideInput) => Steps.Override(v), {
    invalidate: () => stepKeys(releaseId),
    invalidateOnError: () => stepKeys(releaseId),
    success: () => "Content overridden for this customer.",
    silentErrors: true,
  });
export const useResetToTemplate = (releaseId: number) =>
  useAppMutation((id: number) => Steps.ResetToTemplate(id), { invalidate: () => stepKeys(releaseId), invalidateOnError: () => stepKeys(releaseId), success: () => "Step reset to its template." });
export const useAddCustom = (releaseId: number) =>
  useAppMutation((v: release.CustomStepInput) => Steps.AddCustom(v), {
    invalidate: () => stepKeys(releaseId),
    success: (s, v) => (v.addToTemplate ? `Step '${s.name}' added to the template and to every customer.` : `Custom step '${s.name}' added.`),
    silentErrors: true,
  });
export const useEditCustom = (releaseId: number) =>
  useAppMutation((v: release.CustomStepEdit) => Steps.EditCustom(v), { invalidate: () => stepKeys(releaseId), invalidateOnError: () => stepKeys(releaseId), success: () => "Custom step saved.", silentErrors: true });
export const useDeleteCustom = (releaseId: number) =>
  useAppMutation((id: number) => Steps.DeleteCustom(id), { invalidate: () => stepKeys(releaseId), invalidateOnError: () => stepKeys(releaseId), success: () => "Custom step deleted." });
