// The command line beside the open window (issue 19): a script marks a cell
// done and skips another; the matrix shows both within a second without any
// action in the window, and the history names the command line.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { binary, seedRelease, startApp } from "./harness.mjs";
import { sql } from "./db.mjs";

test("the command line reports back and the window refreshes itself", async () => {
  const app = await startApp("cli");
  const { page } = app;
  try {
    const r = await seedRelease(app, [["Acme", "acme"], ["Bergmann", "bergmann"]]);
    await app.go(`/releases/${r.id}`);
    const cell = (row, col) => page.locator(`[role="gridcell"][aria-label^="${row} for ${col}:"]`);
    await cell("Upgrade", "Acme").waitFor();
    assert.equal(await cell("Upgrade", "Acme").getAttribute("data-status"), "pending");

    const cli = (...args) => execFileSync(binary, [...args, "--data-dir", app.dataDir], { encoding: "utf8" });
    cli("step", "done", "--release", "2026.12", "--customer", "acme", "--step", "Upgrade", "--note", "CI job 4711", "--actor", "jenkins");
    cli("step", "skip", "--release", "2026.12", "--cluster", "prod-eu", "--namespace", "bergmann", "--position", "verify:1", "--reason", "checked by the customer");
    const t0 = Date.now(); // both commits are in the file now
    // No action in the window: it notices the commits by itself.
    await page.waitForFunction(
      () =>
        document.querySelector('[role="gridcell"][aria-label^="Upgrade for Acme:"]')?.getAttribute("data-status") === "done" &&
        document.querySelector('[role="gridcell"][aria-label^="Health for Bergmann:"]')?.getAttribute("data-status") === "skipped",
      null,
      { timeout: 3000 },
    );
    const ms = Date.now() - t0;
    console.log(`# the matrix showed both command-line changes ${ms} ms after the last command ended`);
    assert.ok(ms < 1000, `took ${ms} ms`);
    await app.screenshot("cli-refresh.png");

    // The panel of the changed step says where the change came from.
    await cell("Upgrade", "Acme").click();
    await page.getByRole("dialog").getByText("command line").first().waitFor();
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "hidden" });

    const hist = sql(app.dbPath, `SELECT action, actor, source, note FROM step_history WHERE from_status IS NOT NULL ORDER BY id`);
    assert.deepEqual(hist.slice(0, 2), [
      { action: "done", actor: "jenkins", source: "cli", note: "CI job 4711" },
      { action: "skip", actor: hist[1].actor, source: "cli", note: "checked by the customer" },
    ]);
    // A panel open while the command line changes its step refreshes and
    // says so.
    await page.mouse.move(5, 5); // the hovered cell's quick action covers its neighbour
    await cell("Upgrade", "Bergmann").click();
    const panel = page.getByRole("dialog");
    await panel.getByText("Pending", { exact: true }).first().waitFor();
    cli("step", "done", "--release", "2026.12", "--customer", "bergmann", "--step", "Upgrade", "--actor", "gitlab");
    await panel.getByTestId("changed-outside").getByText("from the command line, by gitlab").waitFor({ timeout: 3000 });
    await panel.getByText(/done by gitlab/i).first().waitFor();
    await app.screenshot("cli-panel-changed.png");
    await page.keyboard.press("Escape");

    // A refusal exits 1 with the reason, and changes nothing.
    let refused;
    try {
      cli("step", "done", "--release", "2026.12", "--customer", "acme", "--step", "Upgrade");
    } catch (e) {
      refused = e;
    }
    assert.equal(refused?.status, 1);
    assert.match(String(refused.stderr), /1 is done/);
    assert.deepEqual(app.errors, []);
  } finally {
    await app.stop();
    app.cleanup();
  }
});
