// Journey 7: the sample workspace, loaded from the empty dashboard; every page
// renders without console errors. Its screenshots feed docs/screenshots/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { startApp } from "./harness.mjs";

test("sample workspace: every page renders without console errors", async () => {
  const app = await startApp("sample");
  const { page } = app;
  try {
    await page.getByRole("button", { name: "Load sample workspace" }).click();
    await page.getByText("Active releases", { exact: true }).first().waitFor();
    // Screenshots without the toast: they feed docs/screenshots/.
    await page.getByText("Sample workspace loaded.").waitFor({ state: "hidden", timeout: 10_000 });
    await app.screenshot("dashboard.png");

    const overview = await app.call("dashboard.Service", "Overview");
    const rel = overview.active[0];
    assert.equal(rel.name, "2026.11");

    await app.go(`/releases/${rel.id}`);
    await page.getByTestId("matrix").waitFor();
    await page.locator('[role="gridcell"]').first().waitFor();
    await app.screenshot("matrix.png");

    // A bash step, highlighted, for the screenshot.
    await page.locator('[role="gridcell"][data-status="done"][aria-label^="Upgrade the Helm release for"]').first().click();
    await page.getByRole("dialog").getByText("History").waitFor();
    await page.getByRole("dialog").locator(".chroma-host").waitFor();
    await app.screenshot("step-panel.png");
    await page.keyboard.press("Escape");

    // Variables: each customer's panel shows and copies its own rendering;
    // a customer without a tier sees the variable flagged, as written.
    for (const [customer, want] of [
      ["Acme GmbH", "Starting 2026.11 rollout for Acme GmbH"],
      ["Initech", "Starting 2026.11 rollout for Initech"],
    ]) {
      await page.locator(`[role="gridcell"][aria-label^="Announce maintenance window for ${customer}"]`).first().click();
      const panel = page.getByRole("dialog");
      await panel.getByText(want).first().waitFor();
      await panel.getByRole("button", { name: "Copy to clipboard" }).click();
      let copied = "";
      for (let i = 0; i < 50 && !copied.includes(want); i++) {
        copied = execFileSync("xclip", ["-o", "-selection", "clipboard"], { encoding: "utf8" });
        if (!copied.includes(want)) await page.waitForTimeout(50);
      }
      assert.match(copied, new RegExp(want));
      assert.doesNotMatch(copied, /\{\{customer\}\}/);
      await page.keyboard.press("Escape");
      await panel.waitFor({ state: "hidden" });
    }
    await page.locator('[role="gridcell"][aria-label^="Wait for the rollout for Internal QA"]').first().click();
    await page.getByRole("dialog").getByText("customer.tier is not set for Internal QA").first().waitFor();
    assert.match(await page.getByRole("dialog").getByTestId("code-body").textContent(), /--context staging -n qa rollout status deploy\/api/);
    await page.keyboard.press("Escape");

    await app.go(`/releases/${rel.id}/steps`);
    await page.getByText("Template steps: every customer").waitFor();
    await app.screenshot("template-steps.png");

    const customers = await app.call("customer.Service", "List", { includeArchived: false, clusterId: 0, search: "" });
    await app.go(`/releases/${rel.id}/customer/${customers[0].id}`);
    await page.getByRole("region", { name: "Deploy steps" }).waitFor();
    await app.screenshot("customer-steps.png");

    await app.go("/releases/new");
    await page.getByLabel("Name").fill("2026.12");
    await app.screenshot("wizard.png");

    for (const path of ["/releases", "/clusters", "/customers", "/settings", `/clusters/${customers[0].clusterId}`, `/customers/${customers[0].id}`]) {
      await app.go(path);
      await page.locator("h1").first().waitFor();
    }
    await app.go("/clusters");
    await app.screenshot("clusters.png");

    // The dark theme, as the operator picks it in Settings.
    await app.go("/settings");
    await page.getByRole("radio", { name: "dark" }).click();
    await page.waitForFunction(() => document.documentElement.classList.contains("dark"));
    await app.go(`/releases/${rel.id}`);
    await page.locator('[role="gridcell"][data-status="done"]').first().click();
    await page.getByRole("dialog").getByTestId("code-body").waitFor();
    await app.screenshot("dark-matrix-panel.png");
    assert.deepEqual(app.errors, [], "console errors");
  } finally {
    await app.stop();
    app.cleanup();
  }
});
