import { progress, release } from "@wails/go/models";
import rulesJSON from "../../../backend/release/testdata/rules.json";

/** progressOf builds the Go progress figures from done/skipped/reverted/pending. */
export function progressOf(done: number, skipped: number, reverted: number, pending: number, held = { customers: 0, steps: 0 }): progress.Progress {
  const total = done + skipped + reverted + pending;
  return {
    total,
    done,
    skipped,
    reverted,
    pending,
    percent: total ? Math.floor(((done + skipped) * 100) / total) : 0,
    heldCustomers: held.customers,
    heldSteps: held.steps,
  };
}

/** The state rules the Go side sends with every matrix; TestActionRules in
 * backend/release keeps this file equal to the Go state machine. */
export const rules = rulesJSON as release.ActionRule[];

const customer = (id: number, name: string, clusterId: number, extra: Partial<release.MatrixCustomer> = {}): release.MatrixCustomer => ({
  id,
  name,
  namespace: name.toLowerCase(),
  clusterId,
  isActive: true,
  heldBy: "",
  holdReason: "",
  ...extra,
});

/** matrixFixture is a two-cluster, three-customer, two-step release:
 *
 *            Acme  Bergmann  Globex
 *   Deploy   d     P (+2)    s
 *   Check    p     p         p
 */
export function matrixFixture(over: Partial<release.Matrix> = {}): release.Matrix {
  return {
    release: { id: 1, name: "r", type: release.ReleaseType.RELEASE, status: release.ReleaseStatus.ACTIVE, versionNumber: "" },
    clusters: [
      { id: 10, name: "prod-eu", first: 0, count: 2, counts: progressOf(1, 0, 0, 3) },
      { id: 20, name: "prod-us", first: 2, count: 1, counts: progressOf(0, 1, 0, 1) },
    ],
    customers: [customer(1, "Acme", 10), customer(2, "Bergmann", 10), customer(3, "Globex", 20)],
    rows: [
      { templateId: 5, name: "Deploy", category: release.Category.DEPLOY, type: release.StepType.BASH },
      { templateId: 6, name: "Check", category: release.Category.VERIFY, type: release.StepType.TEXT },
    ],
    cells: ["dPs", "ppp"],
    extras: [[0, 1, 2]],
    rowCounts: [progressOf(1, 1, 0, 1), progressOf(0, 0, 0, 3)],
    colCounts: [progressOf(1, 0, 0, 1), progressOf(0, 0, 0, 2), progressOf(0, 1, 0, 1)],
    total: progressOf(1, 1, 0, 4),
    rules,
    failed: [],
    ...over,
  };
}

export const heldCustomer = customer;
