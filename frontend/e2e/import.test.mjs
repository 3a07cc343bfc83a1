// The fleet from a spreadsheet (issue 15): a .csv file dropped on the
// customers page is previewed in Go, a file with problems writes nothing,
// the fixed file imports whole, update mode changes metadata only, and the
// metadata shows on the customer's page. Checked in the window and in the
// database file.
import { test } from "node:test";
import assert from "node:assert/strict";
import { startApp } from "./harness.mjs";
import { sql } from "./db.mjs";

// Excel's "CSV UTF-8" in a German locale: a byte order mark, semicolons,
// CRLF, and a quoted value holding the separator, a quote and a line break.
const header = "\ufeffcluster;namespace;name;description;meta.tier;meta.contact\r\n";
const rows = (bad) =>
  header +
  'prod-eu;nova;Nova AG;"New in 2027; ""gold"" contract";gold;"Ana Berg\nOn call"\r\n' +
  `prod-eu;${bad ? "Orion_1" : "orion"};Orion SE;;silver;\r\n` +
  "prod-asia;sakura;Sakura KK;;gold;\r\n";

const count = (db) => sql(db, "SELECT count(*) AS n FROM customers")[0].n;

test("importing customers from a spreadsheet", async (t) => {
  const app = await startApp("import");
  const { page } = app;
  try {
    await app.call("sample.Service", "Load");
    const before = count(app.dbPath);
    const history = sql(app.dbPath, "SELECT count(*) AS n FROM step_history")[0].n;
    const dialog = page.getByRole("dialog", { name: "Import customers" });
    const drop = (text) =>
      page.evaluate((csv) => {
        const dt = new DataTransfer();
        dt.items.add(new File([csv], "fleet.csv", { type: "text/csv" }));
        const target = document.querySelector('[data-testid="import-drop"]') ?? document.querySelector('[data-testid="page-controls"] > div');
        target.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
      }, text);

    await t.test("a file dropped on the customers page is previewed; its problems write nothing", async () => {
      await app.go("/customers");
      await page.getByRole("table", { name: "Customers" }).waitFor();
      await drop(rows(true));
      await dialog.waitFor();
      const problems = dialog.getByRole("region", { name: "Problems" });
      await problems.waitFor();
      const items = await problems.getByRole("listitem").allTextContents();
      assert.equal(items.length, 2, items.join("\n"));
      // Nova's contact holds a line break: Orion starts on line 4.
      assert.match(items[0], /^Line 4namespace:Namespace 'Orion_1' is not a valid Kubernetes name/);
      assert.match(items[1], /^Line 5cluster:Cluster 'prod-asia' does not exist: create it first, or choose to create missing clusters\./);
      const table = dialog.getByRole("table", { name: "Rows to import" });
      assert.equal(await table.getByRole("row").count(), 4);
      assert.ok(await dialog.getByTestId("import-confirm").isDisabled());
      // Go says the same when asked directly, and nothing was written.
      const p = await app.call("customer.Service", "ImportPreview", { csv: rows(true), createClusters: true, update: false });
      assert.deepEqual(p.problems.map((x) => x.line), [4]);
      assert.deepEqual(p.newClusters, ["prod-asia"]);
      assert.equal(count(app.dbPath), before);
      assert.equal(sql(app.dbPath, "SELECT count(*) AS n FROM clusters WHERE name = 'prod-asia'")[0].n, 0);
    });

    await t.test("the fixed file imports whole, creating the missing cluster", async () => {
      await dialog.getByLabel("Create missing clusters").check();
      await drop(rows(false));
      await dialog.getByTestId("import-confirm").filter({ hasText: "Import 3 customers" }).waitFor();
      assert.equal(await dialog.getByRole("region", { name: "Problems" }).count(), 0);
      await dialog.getByText("new cluster").first().waitFor();
      await dialog.getByTestId("import-confirm").click();
      await page.getByText("Imported: 3 customers created; new cluster: prod-asia.").waitFor();
      await dialog.waitFor({ state: "hidden" });
      assert.equal(count(app.dbPath), before + 3);
      const [nova] = sql(app.dbPath, "SELECT c.name, c.description, c.metadata, cl.name AS cluster FROM customers c JOIN clusters cl ON cl.id = c.cluster_id WHERE c.namespace = 'nova'");
      assert.deepEqual(nova, { name: "Nova AG", description: 'New in 2027; "gold" contract', metadata: '{"contact":"Ana Berg\\nOn call","tier":"gold"}', cluster: "prod-eu" });
      // Customers have no history: an import records nothing there.
      assert.equal(sql(app.dbPath, "SELECT count(*) AS n FROM step_history")[0].n, history);
      await page.getByRole("link", { name: "Sakura KK" }).waitFor();
    });

    await t.test("update mode changes metadata only", async () => {
      const acme = sql(app.dbPath, "SELECT id, name, description, updated_at FROM customers WHERE namespace = 'acme'")[0];
      await page.getByRole("button", { name: /Import/ }).click();
      await dialog.waitFor();
      await drop("cluster,namespace,name,meta.tier\nprod-eu,acme,Acme GmbH,platinum\nprod-eu,nova,Nova AG,gold\n");
      const problems = dialog.getByRole("region", { name: "Problems" });
      await problems.getByText(/choose to update existing customers to change it/).waitFor();
      await dialog.getByLabel(/Update existing customers/).check();
      await dialog.getByTestId("import-confirm").filter({ hasText: "Update 1 customer" }).waitFor();
      const table = dialog.getByRole("table", { name: "Rows to import" });
      assert.deepEqual(await table.getByRole("row").nth(1).getByRole("cell").allTextContents(), ["2", "prod-eu", "acme", "Acme GmbH", "Updatemeta.tier"]);
      assert.equal(await table.getByRole("row").nth(2).getByRole("cell").nth(4).textContent(), "Unchanged");
      await dialog.getByTestId("import-confirm").click();
      await page.getByText("Imported: 1 customer updated, 1 already up to date.").waitFor();
      const after = sql(app.dbPath, "SELECT id, name, description, metadata FROM customers WHERE namespace = 'acme'")[0];
      assert.deepEqual(after, { id: acme.id, name: acme.name, description: acme.description, metadata: '{"tier":"platinum"}' });
    });

    await t.test("metadata shows on the customer's page and in the export", async () => {
      const nova = sql(app.dbPath, "SELECT id FROM customers WHERE namespace = 'nova'")[0];
      await app.go(`/customers/${nova.id}`);
      const view = page.getByTestId("metadata-view");
      await view.waitFor();
      assert.equal(await view.locator("dt").allTextContents().then((k) => k.join(",")), "contact,tier");
      assert.equal(await view.locator("dd").first().textContent(), "Ana Berg\nOn call");
      const csv = await app.call("customer.Service", "Export");
      assert.match(csv, /^cluster,namespace,name,description,meta\.contact,meta\.tier\n/);
      assert.match(csv, /prod-eu,nova,Nova AG,"New in 2027; ""gold"" contract","Ana Berg\nOn call",gold\n/);
      // The export reads back as the fleet it came from.
      const back = await app.call("customer.Service", "ImportPreview", { csv, createClusters: false, update: true });
      assert.equal(back.problems.length, 0);
      assert.equal(back.unchanged, back.rows.length);
    });
    assert.deepEqual(app.errors, []);
  } finally {
    await app.stop();
    app.cleanup();
  }
});
