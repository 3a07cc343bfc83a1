import { useMutation, useQueryClient, type QueryKey } from "@tanstack/react-query";
import { toast } from "sonner";

/** AppError is what a failed Go call means to the UI. */
export interface AppError {
  code: string;
  message: string;
  field?: string;
}

/** toAppError normalises a rejected binding call: the Go ErrorFormatter
 * sends {code, message, field}; argument errors arrive as plain strings. */
export function toAppError(e: unknown): AppError {
  if (e && typeof e === "object" && "message" in e) {
    const o = e as { code?: string; message?: unknown; field?: string };
    return { code: o.code ?? "internal", message: String(o.message), field: o.field || undefined };
  }
  if (typeof e === "string") {
    if (e.startsWith("error parsing arguments")) return { code: "invalid", message: "The app sent a value of the wrong kind; nothing was changed." };
    return { code: "internal", message: e };
  }
  return { code: "internal", message: "Something went wrong and nothing was changed." };
}

/** keys are every query key the app uses, so invalidation stays exact: a
 * key ending in "Of" or "All" is the prefix of a family. */
export const keys = {
  status: ["status"] as const,
  dashboard: ["dashboard"] as const,
  clusters: (archived: boolean) => ["clusters", { archived }] as const,
  clustersAll: ["clusters"] as const,
  cluster: (id: number) => ["cluster", id] as const,
  customers: (f: object) => ["customers", f] as const,
  customersAll: ["customers"] as const,
  customer: (id: number) => ["customer", id] as const,
  customerAll: ["customer"] as const,
  releases: ["releases"] as const,
  release: (id: number) => ["release", id] as const,
  preview: (id: number) => ["release", id, "preview"] as const,
  targetPreview: (t: object) => ["target-preview", t] as const,
  addable: (id: number) => ["release", id, "addable"] as const,
  matrix: (id: number, cluster: number) => ["matrix", id, cluster] as const,
  matrixOf: (id: number) => ["matrix", id] as const,
  customerSteps: (release: number, customer: number) => ["customer-steps", release, customer] as const,
  customerStepsOf: (release: number) => ["customer-steps", release] as const,
  step: (id: number) => ["step", id] as const,
  stepAll: ["step"] as const,
  stepAt: (release: number, template: number, customer: number) => ["step-at", release, template, customer] as const,
  stepAtOf: (release: number) => ["step-at", release] as const,
  activity: (release: number, q: object) => ["activity", release, q] as const,
  activityOf: (release: number) => ["activity", release] as const,
  settings: ["settings"] as const,
  backups: ["backups"] as const,
  highlight: (type: string, content: string) => ["highlight", type, content] as const,
  styles: ["highlight-styles"] as const,
  templatePreview: (input: object) => ["template-preview", input] as const,
  importPreview: (file: number, createClusters?: boolean, update?: boolean) => ["import-preview", file, createClusters, update] as const,
  runCheck: (stepIds: number[]) => ["run-check", stepIds] as const,
  runCheckAll: ["run-check"] as const,
  runBatches: ["run-batches"] as const,
  runCells: (release: number, rows: number[], cols: number[]) => ["run-cells", release, rows, cols] as const,
  stepRuns: (stepId: number) => ["step-runs", stepId] as const,
  stepRunsAll: ["step-runs"] as const,
  runOutput: (runId: number) => ["run-output", runId] as const,
};

/** useAppMutation runs a binding call, toasts a failure in the user's words
 * (unless the form shows it inline) and invalidates the given keys.
 * onMutate may change the cache at once and return how to put it back: it
 * is called if the call fails. */
export function useAppMutation<TVars, TResult>(
  fn: (v: TVars) => Promise<TResult>,
  opts: {
    invalidate?: (v: TVars, r: TResult) => QueryKey[];
    invalidateOnError?: (v: TVars) => QueryKey[];
    success?: (r: TResult, v: TVars) => string | void;
    silentErrors?: boolean;
    onMutate?: (v: TVars) => Promise<(() => void) | void>;
  } = {},
) {
  const qc = useQueryClient();
  return useMutation<TResult, AppError, TVars, (() => void) | void>({
    mutationFn: async (v) => {
      try {
        return await fn(v);
      } catch (e) {
        throw toAppError(e);
      }
    },
    onMutate: opts.onMutate,
    onSuccess: (r, v) => {
      for (const k of opts.invalidate?.(v, r) ?? []) qc.invalidateQueries({ queryKey: k });
      const msg = opts.success?.(r, v);
      if (msg) toast.success(msg);
    },
    onError: (e, v, rollback) => {
      if (rollback) rollback();
      for (const k of opts.invalidateOnError?.(v) ?? []) qc.invalidateQueries({ queryKey: k });
      if (!opts.silentErrors || !e.field) toast.error(e.message);
    },
  });
}

/** call wraps a read so its rejection becomes an AppError. */
export async function call<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    throw toAppError(e);
  }
}
