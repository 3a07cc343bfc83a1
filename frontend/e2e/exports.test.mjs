// The record leaves the app (issue 17): release reports from the release
// page (whole release, what the matrix's filters show), from File → Export
// release… and from the customer page; a runbook exported, started from in
// the wizard, and a broken one refused line by line. The dev build answers
// the native save and open dialogs from a folder (SHIPDECK_E2E_DIALOGS);
// everything else is the real window on a real database.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startApp } from "./harness.mjs";
import { sql } from "./db.mjs";

const templates = [
  ["Back up", "deploy", "bash", "pg_dump -Fc app > /backups/{{namespace}}.dump"],
  ["Configure", "deploy", "bash", "helm upgrade app chart --set region={{customer.region}}"],
  ["Health", "verify", "bash", "curl -fsS http://api/healthz"],
];
const customers = [
  ["Acme", "prod-eu", { region: "eu-west-1" }],
  ["Bergmann", "prod-eu", {}],
  ["Globex", "prod-us", {}],
];

async function seed(app) {
  const ids = { cluster: {}, customer: {} };
  for (const name of ["prod-eu", "prod-us"]) ids.cluster[name] = (await app.call("cluster.Service", "Create", { name, kubeconfigPath: "", description: "" })).id;
  for (const [name, cl, metadata] of customers) {
    ids.customer[name] = (await app.call("customer.Service", "Create", { clusterId: ids.cluster[cl], name, namespace: name.toLowerCase(), description: "", metadata })).id;
  }
  const r = await app.call("release.Service", "Create", {
    name: "2026.12",
    type: "release",
    versionNumber: "2026.12.0",
    description: "",
    targets: { mode: "all", clusterIds: [], customerIds: [] },
    copyTemplatesFrom: 0,
    templates: templates.map(([name, category, type, content]) => ({ name, category, type, content, description: "" })),
  });
  ids.release = r.id;
  return ids;
}

test("exporting reports and runbooks", async (t) => {
  const dialogs = mkdtempSync(join(tmpdir(), "shipdeck-e2e-dialogs-"));
  const app = await startApp("exports", { env: { SHIPDECK_E2E_DIALOGS: dialogs } });
  const { page } = app;
  const saved = (ext) => readdirSync(dialogs).filter((f) => f.endsWith(ext));
  const waitSaved = async (ext) => {
    for (let i = 0; i < 200 && saved(ext).length === 0; i++) await page.waitForTimeout(50);
    const [f] = saved(ext);
    assert.ok(f, `no ${ext} file was saved`);
    return readFileSync(join(dialogs, f), "utf8");
  };
  const clear = () => {
    for (const f of readdirSync(dialogs)) rmSync(join(dialogs, f));
  };
  const more = () => page.getByRole("button", { name: "More release actions" }).click();
  const exportDialog = page.getByRole("dialog", { name: "Export '2026.12'" });
  try {
    const ids = await seed(app);
    const rid = ids.release;

    await t.test("activating warns, without blocking, of customers lacking a variable", async () => {
      await app.go(`/releases/${rid}/steps`);
      await page.getByRole("button", { name: "Activate" }).click();
      const note = page.getByTestId("activation-lacking");
      await note.waitFor();
      const text = await note.textContent();
      assert.match(text, /\{\{customer\.region\}\}: 2 customers \(Bergmann, Globex\)/);
      await app.screenshot("activation-lacking.png");
      await page.getByRole("button", { name: "Create 9 steps" }).click();
      await page.getByRole("grid").waitFor();
      assert.equal(sql(app.dbPath, `SELECT count(*) AS n FROM customer_steps WHERE release_id = ${rid}`)[0].n, 9);
    });

    await app.call("release.Steps", "BulkCells", {
      releaseId: rid,
      templateIds: sql(app.dbPath, `SELECT id FROM step_templates WHERE release_id = ${rid} AND name = 'Back up'`).map((r) => r.id),
      customerIds: [ids.customer.Acme],
      action: "done",
      note: "",
      includeHeld: false,
    });

    await t.test("the whole release as CSV, one row per customer step", async () => {
      clear();
      await app.go(`/releases/${rid}`);
      await page.getByRole("grid").waitFor();
      await more();
      await page.getByRole("menuitem", { name: "Export report…" }).click();
      await exportDialog.waitFor();
      await exportDialog.getByText("CSV", { exact: true }).click();
      await exportDialog.getByRole("button", { name: "Export…" }).click();
      const csv = await waitSaved(".csv");
      await exportDialog.waitFor({ state: "hidden" });
      const lines = csv.trim().split(/\r?\n/);
      assert.match(lines[0], /cluster.*namespace.*customer.*status/i);
      assert.equal(lines.length, 1 + 9);
      const acme = lines.find((l) => l.includes("acme") && l.includes("Back up"));
      assert.match(acme, /done/);
      await page.getByText(/Report saved: .*\.csv/).waitFor();
    });

    await t.test("what the matrix's filters show, as Markdown", async () => {
      clear();
      await page.getByLabel("Search customers").fill("Globex");
      await page.getByLabel("Select column Globex").waitFor();
      await page.getByLabel("Select column Bergmann").waitFor({ state: "detached" });
      await more();
      await page.getByRole("menuitem", { name: "Export report…" }).click();
      await exportDialog.getByText("What the matrix shows: 1 customer").click();
      await app.screenshot("export-dialog.png");
      await exportDialog.getByRole("button", { name: "Export…" }).click();
      const md = await waitSaved(".md");
      // The dialog closes when the call returns, which can be after the
      // file is there: the next step must not find this dialog still open.
      await exportDialog.waitFor({ state: "hidden" });
      assert.match(md, /Globex/);
      assert.doesNotMatch(md, /Bergmann|Acme/);
      assert.match(md, /one customer: Globex \(globex on prod-us\)/);
      await page.getByLabel("Search customers").fill("");
    });

    await t.test("File → Export release… opens the export on a release page, and says what to do elsewhere", async () => {
      await page.evaluate(() => window.runtime.EventsEmit("menu:export-release"));
      await exportDialog.waitFor();
      await exportDialog.getByRole("button", { name: "Cancel" }).click();
      await exportDialog.waitFor({ state: "hidden" });
      await app.go("/customers");
      await page.getByRole("table", { name: "Customers" }).waitFor();
      await page.evaluate(() => window.runtime.EventsEmit("menu:export-release"));
      await page.getByText("Open a release first").waitFor();
      assert.equal(await exportDialog.count(), 0);
    });

    await t.test("one customer's report from its page", async () => {
      clear();
      await app.go(`/releases/${rid}/customer/${ids.customer.Acme}`);
      await page.getByRole("button", { name: "Export report…" }).click();
      await exportDialog.getByText("Acme only").waitFor();
      await exportDialog.getByText("JSON", { exact: true }).click();
      await exportDialog.getByRole("button", { name: "Export…" }).click();
      const doc = JSON.parse(await waitSaved(".json"));
      await exportDialog.waitFor({ state: "hidden" });
      const names = JSON.stringify(doc);
      assert.match(names, /Acme/);
      assert.doesNotMatch(names, /Bergmann|Globex/);
    });

    await t.test("the template editor previews a step for any customer and names those lacking a variable", async () => {
      await app.go(`/releases/${rid}/steps`);
      await page.getByRole("button", { name: "Add deploy step" }).click();
      const dialog = page.getByRole("dialog", { name: "Add a deploy step" });
      await dialog.getByLabel("Name").fill("Region check");
      await dialog.getByLabel("Content").fill("echo {{customer.region}} for {{customer}}");
      await dialog.getByTestId("lacking-variables").getByText(/is not set for 2 customers of this release: Bergmann, Globex/).waitFor();
      await dialog.getByLabel("Preview for customer").selectOption({ label: "for Acme" });
      await page.waitForFunction(() => document.querySelector('[role="dialog"] [data-testid="code-body"]')?.textContent.includes("echo eu-west-1 for Acme"));
      await dialog.getByLabel("Preview for customer").selectOption({ label: "for Globex" });
      await page.waitForFunction(() => document.querySelector('[role="dialog"] [data-testid="code-body"]')?.textContent.includes("echo {{customer.region}} for Globex"));
      assert.match(await dialog.getByTestId("variable-problems").textContent(), /customer\.region is not set for Globex/);
      await app.screenshot("template-preview.png");
      await dialog.getByRole("button", { name: "Cancel" }).click();
      assert.equal(sql(app.dbPath, `SELECT count(*) AS n FROM step_templates WHERE name = 'Region check'`)[0].n, 0);
    });

    let runbook = "";
    await t.test("the runbook keeps the steps as written", async () => {
      clear();
      await app.go(`/releases/${rid}`);
      await page.getByRole("grid").waitFor();
      await more();
      await page.getByRole("menuitem", { name: "Export runbook…" }).click();
      const yaml = await waitSaved(".yaml");
      assert.match(yaml, /region=\{\{customer\.region\}\}/);
      assert.match(yaml, /Back up/);
      runbook = join(tmpdir(), `shipdeck-e2e-runbook-${process.pid}.yaml`);
      writeFileSync(runbook, yaml);
    });

    await t.test("the wizard starts from a runbook", async () => {
      writeFileSync(join(dialogs, "open"), runbook);
      await app.go("/releases/new");
      await page.getByLabel("Name").fill("2027.01");
      await page.getByRole("button", { name: "Next" }).click();
      await page.getByRole("button", { name: "Next" }).click();
      await page.getByRole("button", { name: "Start from a runbook…" }).click();
      await page.getByRole("button", { name: "Remove Health" }).waitFor();
      await page.getByRole("button", { name: "Next" }).click();
      await page.getByRole("button", { name: "Create draft release" }).click();
      await page.waitForURL(/\/steps$/);
      const rows = sql(app.dbPath, "SELECT t.name, t.content FROM step_templates t JOIN releases r ON r.id = t.release_id WHERE r.name = '2027.01' ORDER BY t.category, t.order_index");
      assert.deepEqual(rows.map((r) => r.name), ["Back up", "Configure", "Health"]);
      assert.match(rows[1].content, /\{\{customer\.region\}\}/);
    });

    await t.test("a broken runbook is refused line by line and changes nothing", async () => {
      const broken = join(dialogs, "broken.yaml");
      writeFileSync(broken, readFileSync(runbook, "utf8").replace("type: bash", "type: fish"));
      writeFileSync(join(dialogs, "open"), broken);
      const before = sql(app.dbPath, "SELECT count(*) AS n FROM step_templates")[0].n;
      await more();
      await page.getByRole("menuitem", { name: "Import runbook…" }).click();
      const dialog = page.getByRole("dialog", { name: "Import a runbook" });
      await dialog.getByRole("button", { name: "Choose runbook…" }).click();
      const problems = dialog.getByTestId("runbook-problems");
      await problems.waitFor();
      assert.match(await problems.textContent(), /Line \d+: .*fish/);
      assert.equal(sql(app.dbPath, "SELECT count(*) AS n FROM step_templates")[0].n, before);
      await app.screenshot("exports-runbook-problems.png");
    });

    assert.deepEqual(app.errors, []);
  } finally {
    await app.stop();
    app.cleanup();
    rmSync(dialogs, { recursive: true, force: true });
  }
});
