// Running bash steps (issue 16) through the window: a fake `kubectl` on
// PATH prints its arguments and $KUBECONFIG, so each run's record shows
// where it went. A row over 3 customers on 2 clusters, a failing customer
// that stops the row, the live output in the step panel, cancel from the
// run board — checked in the window, through the bound RunOutput and in the
// database file.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startApp } from "./harness.mjs";
import { sql } from "./db.mjs";

const fake = mkdtempSync(join(tmpdir(), "shipdeck-e2e-kube-"));
const bin = join(fake, "bin");
execFileSync("mkdir", ["-p", bin]);
const kubeconfig = { "prod-eu": join(fake, "eu.yaml"), "prod-us": join(fake, "us.yaml") };
for (const f of Object.values(kubeconfig)) writeFileSync(f, "apiVersion: v1\nkind: Config\n");
// kubectl -n NS VERB …: prints what it was asked and where; fails for a
// namespace with a fail-NS file in $FAKE_KUBE; "rollout status" takes a
// few seconds of progress lines, with a warning on stderr.
writeFileSync(
  join(bin, "kubectl"),
  `#!/bin/bash
ns=""
prev=""
for a in "$@"; do [ "$prev" = "-n" ] && ns="$a"; prev="$a"; done
echo "kubectl $*"
echo "KUBECONFIG=$KUBECONFIG"
echo "SHIPDECK_CUSTOMER=$SHIPDECK_CUSTOMER SHIPDECK_CLUSTER=$SHIPDECK_CLUSTER SHIPDECK_STEP=$SHIPDECK_STEP"
if [ -e "$FAKE_KUBE/fail-$ns" ]; then
  sleep 0.2
  echo "Error from server (Forbidden): deployments.apps is forbidden: User \\"deployer\\" cannot list resource \\"deployments\\" in namespace \\"$ns\\"" >&2
  exit 1
fi
if [ "$3" = "rollout" ]; then
  for i in $(seq 1 12); do
    echo "Waiting for deployment \\"api\\" rollout to finish: $i of 12 updated replicas are available..."
    [ "$i" = 4 ] && echo "Warning: spec.template.spec.containers[0].resources: cpu limit is lower than the request" >&2
    sleep 0.5
  done
  echo "deployment \\"api\\" successfully rolled out"
  exit 0
fi
echo "NAME                   READY   STATUS    RESTARTS   AGE"
echo "api-7d9c6b5f4-x2x7q    1/1     Running   0          3d"
`,
);
chmodSync(join(bin, "kubectl"), 0o755);

const customers = [
  ["Acme", "prod-eu"],
  ["Bergmann", "prod-eu"],
  ["Globex", "prod-us"],
];
const templates = [
  ["Pods", "deploy", "bash", "kubectl -n {{namespace}} get pods"],
  ["Deployments", "deploy", "bash", "kubectl -n {{namespace}} get deploy"],
  ["Rollout", "deploy", "bash", "kubectl -n {{namespace}} rollout status deploy/api"],
  ["Drain", "deploy", "bash", 'echo "draining {{namespace}}"\nsleep 300'],
  ["Tell them", "verify", "text", "Tell the customer it is done."],
];

async function seed(app) {
  const ids = { cluster: {}, customer: {} };
  for (const name of ["prod-eu", "prod-us"]) ids.cluster[name] = (await app.call("cluster.Service", "Create", { name, kubeconfigPath: kubeconfig[name], description: "", metadata: {} })).id;
  for (const [name, cl] of customers) {
    ids.customer[name] = (await app.call("customer.Service", "Create", { clusterId: ids.cluster[cl], name, namespace: name.toLowerCase(), description: "", metadata: {} })).id;
  }
  const r = await app.call("release.Service", "Create", {
    name: "2026.12",
    type: "release",
    versionNumber: "2026.12.0",
    description: "",
    targets: { mode: "all", clusterIds: [], customerIds: [] },
    copyTemplatesFrom: 0,
    templates: templates.map(([name, category, type, content]) => ({ name, category, type, content, description: "" })),
    metadata: {},
  });
  await app.call("release.Service", "Activate", r.id);
  ids.release = r.id;
  return ids;
}

test("running bash steps from the window", async (t) => {
  const app = await startApp("runs", { env: { PATH: `${bin}:${process.env.PATH}`, FAKE_KUBE: fake } });
  const { page } = app;
  const ids = await seed(app);
  const rid = ids.release;
  const cell = (row, col) => page.locator(`[role="gridcell"][aria-label^="${row} for ${col}:"]`);
  const board = (step) => page.getByRole("dialog", { name: `Runs: ${step}` });
  let shown; // the run board open now
  const job = (customer) => shown.getByRole("option", { name: new RegExp(`^${customer} on `) });
  const latestBatch = async () => (await app.call("release.Runs", "Batches"))[0];
  const db = (q) => sql(app.dbPath, q);
  const openMatrix = async () => {
    await app.go(`/releases/${rid}`);
    await cell("Pods", "Acme").waitFor();
  };
  const runRow = async (step, { confirm = [], atOnce } = {}) => {
    await page.getByRole("button", { name: `Select row ${step}` }).click();
    await page.getByRole("toolbar", { name: "Bulk actions" }).getByRole("button", { name: "Run…" }).click();
    const dlg = page.getByRole("dialog", { name: `Run '${step}'` });
    await dlg.getByTestId("will-run").waitFor();
    for (const c of confirm) await dlg.getByRole("checkbox", { name: `Run against ${c}` }).check();
    if (atOnce) await dlg.getByLabel("At once").selectOption(String(atOnce));
    await dlg.getByTestId("start-run").click();
    await dlg.waitFor({ state: "detached" });
    shown = board(step);
    await shown.waitFor();
    return dlg;
  };
  const waitCount = async (state, n, timeout = 30_000) => {
    await page.waitForFunction(([s, want]) => document.querySelector(`[role=dialog] [data-count="${s}"] .tabular-nums`)?.textContent === String(want), [state, n], { timeout });
  };
  const closeBoard = async () => {
    await page.keyboard.press("Escape");
    await shown.waitFor({ state: "detached" });
  };

  try {
    await t.test("a row over 3 customers on 2 clusters: each run gets its namespace and its cluster's kubeconfig", async () => {
      await openMatrix();
      await page.getByRole("button", { name: "Select row Pods" }).click();
      await page.getByRole("toolbar", { name: "Bulk actions" }).getByRole("button", { name: "Run…" }).click();
      const dlg = page.getByRole("dialog", { name: "Run 'Pods'" });
      assert.equal(await dlg.getByTestId("will-run").textContent(), "3");
      // First run this session: both clusters are named with their kubeconfig, and must be confirmed.
      const confirm = dlg.getByTestId("cluster-confirm");
      await confirm.getByText(kubeconfig["prod-eu"]).waitFor();
      await confirm.getByText(kubeconfig["prod-us"]).waitFor();
      await confirm.getByText("acme, bergmann").waitFor();
      assert.equal(await dlg.getByTestId("start-run").isDisabled(), true, "nothing starts before the clusters are confirmed");
      await dlg.getByRole("checkbox", { name: "Run against prod-eu" }).check();
      assert.equal(await dlg.getByTestId("start-run").isDisabled(), true);
      await dlg.getByRole("checkbox", { name: "Run against prod-us" }).check();
      await app.screenshot("run-dialog.png");
      assert.equal(await dlg.getByLabel("At once").inputValue(), "1");
      assert.equal(await dlg.getByRole("checkbox", { name: /Stop at the first failure/ }).isChecked(), true);
      await dlg.getByTestId("start-run").click();
      shown = board("Pods");
      await shown.waitFor();
      await waitCount("succeeded", 3);

      // The record, through the bound RunOutput: namespace and kubeconfig per customer.
      const b = await latestBatch();
      assert.deepEqual(b.jobs.map((j) => [j.customer, j.cluster, j.state, j.exitCode]), [
        ["Acme", "prod-eu", "succeeded", 0],
        ["Bergmann", "prod-eu", "succeeded", 0],
        ["Globex", "prod-us", "succeeded", 0],
      ]);
      for (const j of b.jobs) {
        const out = await app.call("release.Runs", "RunOutput", j.runId);
        const text = out.chunks.map((c) => c.text).join("");
        assert.match(text, new RegExp(`kubectl -n ${j.customer.toLowerCase()} get pods`));
        assert.match(text, new RegExp(`KUBECONFIG=${kubeconfig[j.cluster]}\n`));
        assert.match(text, new RegExp(`SHIPDECK_CUSTOMER=${j.customer} SHIPDECK_CLUSTER=${j.cluster} SHIPDECK_STEP=Pods`));
        assert.equal(out.script, `kubectl -n ${j.customer.toLowerCase()} get pods`);
      }
      // …and in the board: Globex's output names its namespace and prod-us's kubeconfig.
      await job("Globex").click();
      const output = shown.getByTestId("run-output");
      await output.getByText(`KUBECONFIG=${kubeconfig["prod-us"]}`).waitFor();
      await output.getByText("kubectl -n globex get pods").waitFor();
      await closeBoard();

      // The database: one run each, done with Go's note, a history row each.
      const runs = db(`SELECT cu.namespace, r.outcome, r.exit_code, r.output_bytes > 0 AS has_output FROM step_runs r JOIN customers cu ON cu.id = r.customer_id WHERE r.step_name = 'Pods' ORDER BY cu.namespace`);
      assert.deepEqual(runs, [
        { namespace: "acme", outcome: "succeeded", exit_code: 0, has_output: 1 },
        { namespace: "bergmann", outcome: "succeeded", exit_code: 0, has_output: 1 },
        { namespace: "globex", outcome: "succeeded", exit_code: 0, has_output: 1 },
      ]);
      const steps = db(`SELECT status, notes FROM customer_steps WHERE name = 'Pods'`);
      assert.equal(steps.length, 3);
      for (const s of steps) {
        assert.equal(s.status, "done");
        assert.match(s.notes, /^Ran in \d+s, exit 0$/);
      }
      assert.equal(db(`SELECT count(*) AS n FROM step_history WHERE step_name = 'Pods' AND action = 'run'`)[0].n, 3);
      // The matrix shows them done without a reload (steps:ran).
      await page.waitForFunction(() => document.querySelectorAll('[role=gridcell][aria-label^="Pods for "][data-status="done"]').length === 3);
    });

    await t.test("a failing customer stops the row: the rest are skipped, the cell is marked and filtered", async () => {
      writeFileSync(join(fake, "fail-bergmann"), "");
      const dlg = await runRow("Deployments"); // the clusters were confirmed this session: no question
      assert.equal(await dlg.count(), 0);
      await waitCount("skipped", 1);
      await waitCount("failed", 1);
      await waitCount("succeeded", 1);
      assert.deepEqual(
        await shown.getByTestId("run-job").evaluateAll((els) => els.map((e) => [e.getAttribute("aria-label").split(" on ")[0], e.dataset.state])),
        [["Acme", "succeeded"], ["Bergmann", "failed"], ["Globex", "skipped"]],
      );
      // The failure is selected by itself, its stderr in red.
      const err = shown.getByTestId("run-output").locator('[data-stream="stderr"]');
      await err.filter({ hasText: 'cannot list resource "deployments" in namespace "bergmann"' }).waitFor();
      assert.match(await err.first().getAttribute("class"), /\btext-red-400\b/);
      await shown.getByTestId("job-summary").filter({ hasText: /^Failed after .*, exit 1$/ }).waitFor();
      await job("Globex").click();
      await shown.getByText("Not run: an earlier run failed").waitFor();
      await job("Bergmann").click();
      await app.screenshot("run-board.png");
      await closeBoard();

      // The step keeps its state; the cell says its last run failed.
      const failed = cell("Deployments", "Bergmann");
      await page.waitForFunction(() => document.querySelector('[role=gridcell][aria-label^="Deployments for Bergmann:"]')?.getAttribute("aria-label").endsWith("last run failed"));
      assert.equal(await failed.getAttribute("data-status"), "pending");
      assert.equal(await failed.getByTestId("run-failed").count(), 1);
      assert.equal(await cell("Deployments", "Acme").getByTestId("run-failed").count(), 0);
      await page.getByLabel("Filter by status").selectOption({ label: "Last run failed" });
      await page.waitForFunction(() => document.querySelectorAll('[role=gridcell][aria-label^="Pods for "]').length === 1);
      await cell("Pods", "Bergmann").waitFor();
      await page.getByLabel("Filter by status").selectOption({ label: "Any status" });
      assert.deepEqual(db(`SELECT cu.namespace, r.outcome, r.exit_code FROM step_runs r JOIN customers cu ON cu.id = r.customer_id WHERE r.step_name = 'Deployments' ORDER BY r.id`), [
        { namespace: "acme", outcome: "succeeded", exit_code: 0 },
        { namespace: "bergmann", outcome: "failed", exit_code: 1 },
      ]);
      assert.deepEqual(db(`SELECT cu.namespace, cs.status FROM customer_steps cs JOIN customers cu ON cu.id = cs.customer_id WHERE cs.name = 'Deployments' ORDER BY cu.namespace`).map((r) => r.status), ["done", "pending", "pending"]);
      rmSync(join(fake, "fail-bergmann"));
    });

    await t.test("the step panel: live output with elapsed time, then the run in its list, searchable, with its script", async () => {
      await openMatrix();
      await cell("Rollout", "Acme").click();
      const panel = page.getByRole("dialog", { name: "Rollout" });
      await panel.getByTestId("panel-top").waitFor();
      await panel.getByRole("button", { name: "Run", exact: true }).click();
      const live = panel.getByTestId("live-run");
      await live.getByText("3 of 12 updated replicas").waitFor({ timeout: 15_000 });
      await live.getByTestId("run-state").filter({ hasText: /^Running for \d+ s$/ }).waitFor();
      await live.locator('[data-stream="stderr"]').filter({ hasText: "Warning: spec.template" }).waitFor();
      await live.getByRole("button", { name: "Cancel" }).waitFor();
      // The header says a step runs, and opens the board.
      await page.getByTestId("runs-indicator").filter({ hasText: "1 running" }).waitFor();
      await page.waitForTimeout(1200); // a second or two of elapsed time for the picture
      await app.screenshot("live-run-panel.png");
      // Autoscroll: the end of the output is in view.
      const out = live.getByTestId("run-output");
      assert.ok(await out.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 30), "the output follows its end");
      await panel.getByText(/^Succeeded in \d+ s, exit 0$/).waitFor({ timeout: 20_000 });
      await live.getByText('deployment "api" successfully rolled out').waitFor();
      // Marked done by the run; the run is listed and opens.
      await panel.getByText("Runs (1)").waitFor();
      await panel.getByRole("button", { name: "Run again…" }).waitFor();
      await panel.getByTestId("run-row").click();
      const dlg = page.getByRole("dialog", { name: /^'Rollout', run of / });
      await dlg.getByLabel("Search the output").fill("updated replicas");
      await dlg.getByTestId("match-count").filter({ hasText: "1 of 12" }).waitFor();
      await dlg.getByRole("button", { name: "Next match" }).click();
      await dlg.getByTestId("match-count").filter({ hasText: "2 of 12" }).waitFor();
      await dlg.getByLabel("Search the output").press("Shift+Enter");
      await dlg.getByTestId("match-count").filter({ hasText: "1 of 12" }).waitFor();
      assert.equal(await dlg.locator("mark[data-match]").count(), 12);
      await dlg.getByRole("tab", { name: "Script that ran" }).click();
      await dlg.getByText("kubectl -n acme rollout status deploy/api").waitFor();
      await page.keyboard.press("Escape");
      await dlg.waitFor({ state: "detached" });
      // Run again asks first.
      await panel.getByRole("button", { name: "Run again…" }).click();
      await page.getByRole("alertdialog", { name: "Run 'Rollout' again?" }).getByRole("button", { name: "Cancel" }).click();
      await page.keyboard.press("Escape");
      // A text step does not run, and says so in Go's words.
      await cell("Tell them", "Acme").click();
      const text = page.getByRole("dialog", { name: "Tell them" });
      await text.getByTestId("run-note").filter({ hasText: "only bash steps run. Copy it instead." }).waitFor();
      assert.equal(await text.getByRole("button", { name: /^Run/ }).count(), 0);
      await page.keyboard.press("Escape");
    });

    await t.test("cancel from the board: every run stops and is recorded as cancelled", async () => {
      await openMatrix();
      await runRow("Drain", { atOnce: 3 });
      await waitCount("running", 3);
      await page.getByTestId("runs-indicator").filter({ hasText: "3 running" }).waitFor();
      await shown.getByTestId("run-output").getByText(/^draining /).waitFor();
      const t0 = Date.now();
      await shown.getByRole("button", { name: "Cancel all" }).click();
      await page.getByRole("alertdialog", { name: "Cancel every run of this batch?" }).getByRole("button", { name: "Cancel all" }).click();
      await waitCount("cancelled", 3, 15_000);
      assert.ok(Date.now() - t0 < 10_000, "cancel takes seconds, not the 300 s of the script");
      await shown.getByTestId("job-summary").filter({ hasText: /^Cancelled after / }).waitFor();
      assert.equal(await page.getByTestId("runs-indicator").count(), 0, "the header no longer says anything runs");
      await closeBoard();
      // The header's Runs button opens the board again.
      await page.getByRole("button", { name: "Runs of this session" }).click();
      await board("Drain").waitFor();
      await page.keyboard.press("Escape");
      assert.deepEqual(db(`SELECT outcome FROM step_runs WHERE step_name = 'Drain'`).map((r) => r.outcome), ["cancelled", "cancelled", "cancelled"]);
      assert.deepEqual(db(`SELECT DISTINCT status FROM customer_steps WHERE name = 'Drain'`), [{ status: "pending" }]);
      // This app's scripts only (they inherit its SHIPDECK_DATA_DIR), even
      // orphaned ones: another `sleep 300` on the machine is none of this
      // test's business.
      const left = readdirSync("/proc").filter((p) => /^\d+$/.test(p)).filter((p) => {
        try {
          return readFileSync(`/proc/${p}/cmdline`, "utf8") === "sleep\0" + "300\0" && readFileSync(`/proc/${p}/environ`, "utf8").split("\0").includes(`SHIPDECK_DATA_DIR=${app.dataDir}`);
        } catch {
          return false; // gone, or not ours to read
        }
      });
      assert.deepEqual(left, [], "no script is left running");
    });

    await t.test("settings: running turned off says so at the Run button; Go's timeout rule shows at its field", async () => {
      await app.go("/settings");
      const card = page.getByRole("form", { name: "Running steps" });
      await card.getByLabel("Timeout (minutes)").fill("0");
      await card.getByRole("button", { name: "Save" }).click();
      await card.getByRole("alert").filter({ hasText: "The run timeout must be between 1 and 1440 minutes (got 0)." }).waitFor();
      await card.getByLabel("Timeout (minutes)").fill("30");
      await card.getByRole("switch", { name: "Run bash steps from Shipdeck" }).click();
      await card.getByRole("switch", { name: "Mark done when a run succeeds" }).click();
      await app.screenshot("settings-running.png");
      await card.getByRole("button", { name: "Save" }).click();
      await page.waitForFunction(async () => {
        const r = (await window.go.settings.Service.Get()).running;
        return !r.enabled && r.timeoutMinutes === 30 && !r.markDone;
      });
      await openMatrix();
      await cell("Drain", "Globex").click();
      const panel = page.getByRole("dialog", { name: "Drain" });
      await panel.getByTestId("run-note").filter({ hasText: "Running steps is turned off in Settings." }).waitFor();
      assert.equal(await panel.getByRole("button", { name: "Run", exact: true }).isDisabled(), true);
      await page.keyboard.press("Escape");
      await app.go("/settings");
      await page.getByRole("switch", { name: "Run bash steps from Shipdeck" }).click();
      await page.getByRole("form", { name: "Running steps" }).getByRole("button", { name: "Save" }).click();
      await page.waitForFunction(async () => (await window.go.settings.Service.Get()).running.enabled);
      assert.deepEqual(app.errors, []);
    });
  } finally {
    const res = await app.stop();
    assert.equal(res.code, 0);
    app.cleanup();
    rmSync(fake, { recursive: true, force: true });
  }
});
