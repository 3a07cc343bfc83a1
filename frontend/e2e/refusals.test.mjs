// Journeys 5 and 6: bad input is refused with a clear message and changes
// nothing; hostile step content is shown as text and never runs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { startApp } from "./harness.mjs";

test("bad input and hostile content", async (t) => {
  const app = await startApp("refusals");
  const { page } = app;
  const snapshot = async () =>
    JSON.stringify(await page.evaluate(async () => [
      await window.go.cluster.Service.List(true),
      await window.go.customer.Service.List({ includeArchived: true, clusterId: 0, search: "" }),
      await window.go.release.Service.List(),
    ]));
  try {
    const eu = await app.call("cluster.Service", "Create", { name: "prod-eu", kubeconfigPath: "", description: "" });
    await app.call("customer.Service", "Create", { clusterId: eu.id, namespace: "acme", name: "Acme", description: "" });

    await t.test("journey 5: each bad input shows a clear message and changes nothing", async () => {
      const cases = [
        { path: "/clusters/new", fill: async () => page.getByLabel("Name", { exact: true }).fill("   "), submit: "Create cluster", message: "Cluster name is required." },
        {
          path: "/clusters/new",
          fill: async () => {
            await page.getByLabel("Name", { exact: true }).fill("prod-us");
            await page.getByLabel("Kubeconfig file").fill("/nonexistent/kube/config");
          },
          submit: "Create cluster",
          message: "No file exists at /nonexistent/kube/config.",
        },
        {
          path: "/customers/new",
          fill: async () => {
            await page.getByLabel("Cluster").selectOption({ label: "prod-eu" });
            await page.getByLabel("Name", { exact: true }).fill("Globex");
            await page.getByLabel("Namespace").fill("Globex");
          },
          submit: "Create customer",
          message: "Namespace must be lower case: use 'globex'.",
        },
        {
          path: "/customers/new",
          fill: async () => {
            await page.getByLabel("Cluster").selectOption({ label: "prod-eu" });
            await page.getByLabel("Name", { exact: true }).fill("Acme again");
            await page.getByLabel("Namespace").fill("acme");
          },
          submit: "Create customer",
          message: "A customer with namespace 'acme' already exists on cluster 'prod-eu'.",
        },
        { path: "/customers/new", fill: async () => page.getByLabel("Cluster").selectOption({ label: "prod-eu" }), submit: "Create customer", message: "Customer name is required." },
      ];
      for (const c of cases) {
        await app.go("/settings"); // a fresh form each time
        await page.locator("h1").first().waitFor();
        await app.go(c.path);
        await c.fill();
        const before = await snapshot();
        await page.getByRole("button", { name: c.submit }).click();
        await page.getByRole("alert").filter({ hasText: c.message }).first().waitFor();
        assert.equal(await snapshot(), before, `${c.message}: the data changed`);
      }
      // The live hint warns about capitals before anything is sent.
      await app.go("/customers/new");
      await page.getByLabel("Namespace").fill("Acme");
      await page.getByText("Must be lower case: use 'acme'.").waitFor();

      // Skip without a reason, in the step panel.
      const r = await app.call("release.Service", "Create", {
        name: "r", type: "release", versionNumber: "", description: "", targets: { mode: "all", clusterIds: [], customerIds: [] }, copyTemplatesFrom: 0,
        templates: [{ name: "Deploy", category: "deploy", type: "bash", content: "echo hi", description: "" }],
      });
      await app.call("release.Service", "Activate", r.id);
      await app.go(`/releases/${r.id}`);
      await page.locator('[role="gridcell"]').first().click();
      const before = await snapshot();
      await page.getByRole("dialog").getByRole("button", { name: "Skip" }).click();
      await page.getByRole("dialog").getByText("A reason for skipping is required.").waitFor();
      assert.equal(await snapshot(), before);
      const st = await app.call("release.Steps", "Matrix", r.id, 0);
      assert.equal(st.cells[0], "p");
      await app.screenshot("journey5-skip-needs-reason.png");
    });

    await t.test("journey 6: hostile content is shown as text and never runs", async () => {
      const hostile = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>`;
      const r = await app.call("release.Service", "Create", {
        name: "xss", type: "hotfix", versionNumber: "", description: "", targets: { mode: "all", clusterIds: [], customerIds: [] }, copyTemplatesFrom: 0,
        templates: [{ name: "Hostile", category: "deploy", type: "bash", content: hostile, description: "" }],
      });
      await app.call("release.Service", "Activate", r.id);
      await app.go(`/releases/${r.id}`);
      await page.locator('[role="gridcell"]').first().click();
      const code = page.getByRole("dialog").locator(".chroma-host");
      await code.waitFor();
      assert.ok((await code.innerText()).includes(hostile), "the content is not shown as text");
      assert.equal(await code.locator("img, script").count(), 0);
      assert.ok((await code.locator("span[class]").count()) > 1, "not highlighted");
      await app.go(`/releases/${r.id}/steps`);
      await page.getByText("Template steps: every customer").waitFor();
      assert.equal(await page.evaluate(() => window.__pwned), undefined);
      await app.screenshot("journey6-hostile-content.png");
    });
    assert.deepEqual(app.errors.filter((e) => !e.includes("the server responded with a status of")), []);
  } finally {
    await app.stop();
    app.cleanup();
  }
});
