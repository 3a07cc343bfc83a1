// Journeys 1–4 of the end-to-end issue, in one app: an operator sets up a
// fleet, runs a release through the matrix, adds custom steps and a late
// customer, archives the release; then the database file itself is checked.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startApp } from "./harness.mjs";
import { sql } from "./db.mjs";

const steps = [
  { name: "Back up database", category: "Deploy", type: "bash", content: "pg_dump -Fc app > /backups/app.dump" },
  { name: "Migrate schema", category: "Deploy", type: "sql", content: "ALTER TABLE invoices ADD COLUMN currency CHAR(3);" },
  { name: "Tell the customer", category: "Deploy", type: "text", content: "Mail the customer that the release is in." },
  { name: "Health check", category: "Verify", type: "bash", content: "curl -fsS http://api/healthz" },
  { name: "Row count", category: "Verify", type: "sql", content: "SELECT count(*) FROM invoices;" },
];

test("an operator runs a release end to end", async (t) => {
  const app = await startApp("operator");
  const { page } = app;
  const kubeconfig = join(mkdtempSync(join(tmpdir(), "kube-")), "config");
  writeFileSync(kubeconfig, "apiVersion: v1\nkind: Config\n");
  let releaseId = 0;
  const customerIds = {};
  const progressText = () => page.getByTestId("release-progress").innerText();
  const cell = (row, col) => page.locator(`[role="gridcell"][aria-label^="${row} for ${col}:"]`);
  const panel = () => page.getByRole("dialog");

  try {
    await t.test("journey 1: set up, plan, reorder by drag and drop, activate", async () => {
      for (const [name, kc] of [["prod-eu", kubeconfig], ["prod-us", ""]]) {
        await app.go("/clusters/new");
        await page.getByLabel("Name", { exact: true }).fill(name);
        if (kc) await page.getByLabel("Kubeconfig file").fill(kc);
        await page.getByRole("button", { name: "Create cluster" }).click();
        await page.getByRole("heading", { name }).waitFor();
      }
      for (const [name, ns, cluster] of [["Acme", "acme", "prod-eu"], ["Bergmann", "bergmann", "prod-eu"], ["Globex", "globex", "prod-us"], ["Initech", "initech", "prod-us"]]) {
        await app.go("/customers/new");
        await page.getByLabel("Cluster").selectOption({ label: cluster });
        await page.getByLabel("Name", { exact: true }).fill(name);
        await page.getByLabel("Namespace").fill(ns);
        await page.getByRole("button", { name: "Create customer" }).click();
        await page.getByRole("heading", { name }).waitFor();
        customerIds[name] = Number(page.url().split("/").pop());
      }
      await app.go("/releases/new");
      await page.getByLabel("Name", { exact: true }).fill("2026.12");
      await page.getByRole("button", { name: "Next" }).click();
      await page.getByRole("button", { name: "Next" }).click();
      for (const s of steps) {
        await page.getByLabel("Step name").fill(s.name);
        await page.getByLabel("Category").selectOption({ label: s.category });
        await page.getByLabel("Type", { exact: true }).selectOption(s.type);
        await page.getByLabel("Content").fill(s.content);
        await page.getByRole("button", { name: "Add step" }).click();
      }
      await page.getByRole("button", { name: "Next" }).click();
      await page.getByRole("button", { name: "Create draft release" }).click();
      await page.getByText("Template steps: every customer").waitFor();
      releaseId = Number(page.url().match(/releases\/(\d+)/)[1]);

      // Drag "Tell the customer" above "Migrate schema".
      const handle = page.getByRole("button", { name: "Drag Tell the customer to reorder" });
      const target = page.getByTestId("template-Migrate schema");
      const from = await handle.boundingBox();
      const to = await target.boundingBox();
      await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
      await page.mouse.down();
      await page.mouse.move(from.x + from.width / 2, from.y - 10, { steps: 5 });
      await page.mouse.move(from.x + from.width / 2, to.y + 4, { steps: 10 });
      await page.mouse.up();
      await page.waitForFunction(async (id) => {
        const d = await window.go.release.Service.Get(id);
        return d.deploy.map((x) => x.name).join(",") === "Back up database,Tell the customer,Migrate schema";
      }, releaseId, { timeout: 10_000 });

      await page.getByRole("button", { name: "Activate" }).click();
      const confirm = page.getByRole("alertdialog");
      await confirm.getByText("20 steps").first().waitFor();
      assert.match(await confirm.innerText(), /creates 20 steps/);
      await confirm.getByRole("button", { name: "Create 20 steps" }).click();
      await page.getByTestId("matrix").waitFor();
      await cell("Back up database", "Acme").waitFor();
      assert.equal(await page.getByTestId("matrix-column").count(), 4);
      assert.equal(await page.getByRole("button", { name: /^Collapse cluster / }).count(), 2);
      assert.equal(await page.getByRole("button", { name: /^Select row / }).count(), 5);
      await app.screenshot("journey1-matrix.png");
    });

    await t.test("journey 2: work the matrix, override, edit the template, reset", async () => {
      // Done with a note.
      await cell("Back up database", "Acme").click();
      await panel().getByLabel("Note or reason").fill("dump is 2.1 GB");
      await panel().getByRole("button", { name: "Mark done" }).click();
      await panel().getByText("Marked done").waitFor();
      await page.keyboard.press("Escape");
      // Skip with a reason.
      await cell("Tell the customer", "Acme").click();
      await panel().getByLabel("Note or reason").fill("Acme is told by its account manager");
      await panel().getByRole("button", { name: "Skip" }).click();
      await panel().getByText("Skipped", { exact: true }).first().waitFor();
      await page.keyboard.press("Escape");
      // Revert the done one.
      await cell("Back up database", "Acme").click();
      await panel().getByLabel("Reason for reverting").fill("wrong bucket");
      await panel().getByRole("button", { name: "Revert" }).click();
      await panel().getByText("done → reverted").waitFor();
      await page.keyboard.press("Escape");
      // Bulk-done the whole "Migrate schema" row.
      await page.getByRole("button", { name: "Select row Migrate schema" }).click();
      await page.getByRole("toolbar", { name: "Bulk actions" }).getByRole("button", { name: "Mark done" }).click();
      await page.getByText("4 steps changed").waitFor();
      // Override Bergmann's health check.
      await cell("Health check", "Bergmann").click();
      await panel().getByRole("button", { name: "Override", exact: true }).click();
      await panel().getByLabel("Content for this customer only").fill("curl -fsS http://api.bergmann/healthz");
      await panel().getByRole("button", { name: "Save override" }).click();
      await panel().getByText("Overridden", { exact: true }).waitFor();
      await page.keyboard.press("Escape");
      // Edit that template: the override stays, the others follow.
      await app.go(`/releases/${releaseId}/steps`);
      await page.getByRole("button", { name: "Edit Health check" }).click();
      await page.getByLabel("Content").fill("curl -fsS http://api/healthz?deep=1");
      await page.getByRole("button", { name: "Save step" }).click();
      await page.getByText(/3 pending customer steps updated/).waitFor();
      const contentOf = async (customer) => {
        const cs = await app.call("release.Steps", "CustomerSteps", releaseId, customerIds[customer]);
        return cs.verify.find((s) => s.templateId && s.name === "Health check").content;
      };
      assert.equal(await contentOf("Bergmann"), "curl -fsS http://api.bergmann/healthz");
      assert.equal(await contentOf("Globex"), "curl -fsS http://api/healthz?deep=1");
      // Reset the override.
      await app.go(`/releases/${releaseId}`);
      await cell("Health check", "Bergmann").click();
      await panel().getByRole("button", { name: "Reset to template" }).click();
      await panel().getByText("From template").waitFor();
      await page.keyboard.press("Escape");
      assert.equal(await contentOf("Bergmann"), "curl -fsS http://api/healthz?deep=1");
      // 4 done, 1 skipped, 1 reverted, 14 pending: (4 + 1) / 20 = 25%.
      await page.waitForFunction(() => document.querySelector('[data-testid="release-progress"]')?.textContent?.includes("25%"));
      const text = await progressText();
      for (const part of ["25%", "4 done", "1 skipped", "1 reverted", "14 pending"]) assert.ok(text.includes(part), `progress "${text}" lacks "${part}"`);
      await app.screenshot("journey2-matrix.png");
    });

    await t.test("journey 3: custom steps, one with add to template", async () => {
      await app.go(`/releases/${releaseId}/customer/${customerIds.Acme}`);
      await page.getByRole("region", { name: "Deploy steps" }).waitFor();
      await page.getByRole("button", { name: "Add deploy step" }).click();
      let dialog = page.getByRole("dialog");
      await dialog.getByLabel("Name", { exact: true }).fill("Pause Acme's cron jobs");
      await dialog.getByLabel("Content").fill("kubectl -n acme patch cronjob report -p '{\"spec\":{\"suspend\":true}}'");
      await dialog.getByLabel("Position").selectOption({ index: 1 });
      await dialog.getByRole("button", { name: "Add step" }).click();
      await page.getByText("Custom step 'Pause Acme's cron jobs' added.").waitFor();
      let acme = await app.call("release.Steps", "CustomerSteps", releaseId, customerIds.Acme);
      assert.equal(acme.deploy[1].name, "Pause Acme's cron jobs");
      assert.equal(acme.deploy[1].source, "custom");

      await app.go(`/releases/${releaseId}/customer/${customerIds.Globex}`);
      await page.getByRole("region", { name: "Deploy steps" }).waitFor();
      await page.getByRole("button", { name: "Add deploy step" }).click();
      dialog = page.getByRole("dialog");
      await dialog.getByLabel("Name", { exact: true }).fill("Warm the cache");
      await dialog.getByLabel("Type").selectOption("bash");
      await dialog.getByLabel("Content").fill("curl -fsS http://api/warm");
      await dialog.getByLabel("Position").selectOption({ index: 2 });
      await dialog.getByLabel("Add to template").check();
      await dialog.getByRole("button", { name: "Add step" }).click();
      await page.getByText("added to the template and to every customer").waitFor();
      // Everyone has it right after the template step it was placed after,
      // which is position 2 for every customer without a custom step there.
      for (const name of ["Bergmann", "Globex", "Initech"]) {
        const cs = await app.call("release.Steps", "CustomerSteps", releaseId, customerIds[name]);
        assert.equal(cs.deploy[2].name, "Warm the cache", `${name}: ${cs.deploy.map((s) => s.name)}`);
      }
      acme = await app.call("release.Steps", "CustomerSteps", releaseId, customerIds.Acme);
      assert.deepEqual(acme.deploy.map((s) => s.name), ["Back up database", "Pause Acme's cron jobs", "Tell the customer", "Warm the cache", "Migrate schema"]);
    });

    await t.test("journey 4: a late customer joins; archiving makes it read-only", async () => {
      await app.go("/customers/new");
      await page.getByLabel("Cluster").selectOption({ label: "prod-us" });
      await page.getByLabel("Name", { exact: true }).fill("Umbrella");
      await page.getByLabel("Namespace").fill("umbrella");
      await page.getByRole("button", { name: "Create customer" }).click();
      await page.getByRole("heading", { name: "Umbrella" }).waitFor();
      customerIds.Umbrella = Number(page.url().split("/").pop());
      await app.go(`/releases/${releaseId}`);
      await page.getByRole("button", { name: "Add customers" }).click();
      await page.getByRole("dialog").getByLabel(/Umbrella/).check().catch(async () => page.getByRole("dialog").getByText("Umbrella").click());
      await page.getByRole("dialog").getByRole("button", { name: "Add 1 customer" }).click();
      await page.getByText("1 customer added to the release.").waitFor();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="matrix-column"]').length === 5);
      const umbrella = await app.call("release.Steps", "CustomerSteps", releaseId, customerIds.Umbrella);
      assert.equal(umbrella.deploy.length + umbrella.verify.length, 6);

      await page.getByRole("button", { name: "More release actions" }).click();
      await page.getByRole("menuitem", { name: "Archive release" }).click();
      await page.getByRole("alertdialog").getByRole("button", { name: "Archive release" }).click();
      await page.getByText("Release '2026.12' archived.").waitFor();
      assert.equal(await page.getByRole("button", { name: "Add customers" }).count(), 0);
      await cell("Health check", "Globex").click();
      await panel().getByText("read-only").waitFor();
      assert.equal(await panel().getByRole("button", { name: "Mark done" }).count(), 0);
      await page.keyboard.press("Escape");
      const refused = await page.evaluate(async ([rid, cid]) => {
        const cs = await window.go.release.Steps.CustomerSteps(rid, cid);
        try {
          await window.go.release.Steps.MarkDone({ stepId: cs.verify[0].id, note: "" });
          return "accepted";
        } catch (e) {
          return e.message ?? String(e);
        }
      }, [releaseId, customerIds.Globex]);
      assert.match(refused, /archived and can no longer be changed/);
      await app.go(`/releases/${releaseId}/steps`);
      await page.getByText("This release is archived and read-only.").waitFor();
      assert.equal(await page.getByRole("button", { name: /^Edit / }).count(), 0);
      assert.deepEqual(app.errors, []);
    });
  } finally {
    const res = await app.stop();
    assert.equal(res.code, 0);
  }

  await t.test("the database holds the record", () => {
    const db = app.dbPath;
    const acme = customerIds.Acme;
    const row = (name, customer) => sql(db, `SELECT status, executed_by, executed_at, skip_reason, notes FROM customer_steps WHERE release_id = ${releaseId} AND customer_id = ${customer} AND name = '${name}'`)[0];
    const reverted = row("Back up database", acme);
    assert.equal(reverted.status, "reverted");
    assert.ok(reverted.executed_by && reverted.executed_at > 1_700_000_000);
    assert.equal(reverted.notes, "wrong bucket");
    const skipped = row("Tell the customer", acme);
    assert.equal(skipped.status, "skipped");
    assert.equal(skipped.skip_reason, "Acme is told by its account manager");
    // 4 customers × 5 steps, + 1 custom step, + "Warm the cache" for 4, + 6 for Umbrella = 31.
    const counts = sql(db, `SELECT status, count(*) AS n FROM customer_steps WHERE release_id = ${releaseId} GROUP BY status ORDER BY status`);
    assert.deepEqual(counts, [
      { status: "done", n: 4 },
      { status: "pending", n: 25 },
      { status: "reverted", n: 1 },
      { status: "skipped", n: 1 },
    ]);
    const history = sql(db, `SELECT action, from_status, to_status, actor, note FROM step_history WHERE release_id = ${releaseId} ORDER BY id`);
    assert.deepEqual(history.filter((h) => h.from_status).map((h) => `${h.action}:${h.from_status}>${h.to_status}`), [
      "done:pending>done",
      "skip:pending>skipped",
      "revert:done>reverted",
      "done:pending>done",
      "done:pending>done",
      "done:pending>done",
      "done:pending>done",
    ]);
    assert.ok(history.every((h) => h.actor && h.actor.length > 0));
    // Besides the state changes: content changes and the release's own events.
    assert.deepEqual(history.filter((h) => !h.from_status).map((h) => h.action), [
      "reorder", "activate", "override", "template-edit", "reset", "add", "template-add", "add", "customers-add", "archive",
    ]);
    assert.equal(sql(db, `SELECT status FROM releases WHERE id = ${releaseId}`)[0].status, "archived");
    assert.equal(sql(db, "PRAGMA integrity_check")[0].integrity_check, "ok");
    app.cleanup();
  });
});
