// Team mode (issue 20): two app processes and the command line on one team
// database (a private PostgreSQL server). A change in one window shows in
// the other within a second without any action there; a change that
// conflicts with one just made is refused in plain words; the command
// line is the third operator.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { join } from "node:path";
import { binary, repoRoot, seedRelease, startApp } from "./harness.mjs";

/** startPostgres starts build/pgserver (run.sh builds it) and resolves with
 * the URL of its empty database and a stop function. */
async function startPostgres() {
  const proc = spawn(join(repoRoot, "build", "pgserver"), [], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: proc.stdout });
  const next = () => new Promise((res, rej) => {
    lines.once("line", res);
    proc.once("exit", (code) => rej(new Error(`pgserver exited with ${code}`)));
  });
  const url = await next();
  /** command sends "down" or "up" and waits until it is done. */
  const command = async (cmd) => {
    const answer = next();
    proc.stdin.write(cmd + "\n");
    const got = await answer;
    if (got !== cmd) throw new Error(`pgserver ${cmd}: ${got}`);
  };
  return { url, command, stop: () => new Promise((res) => { proc.on("exit", res); proc.stdin.end(); }) };
}

test("two windows and the command line work one release on a team database", async () => {
  const pg = await startPostgres();
  const a = await startApp("team-a", { env: { SHIPDECK_DATABASE_URL: pg.url } });
  const b = await startApp("team-b", { env: { SHIPDECK_DATABASE_URL: pg.url } });
  try {
    const r = await seedRelease(a, [["Acme", "acme"], ["Bergmann", "bergmann"], ["Globex", "globex"]]);

    const cellIn = (page, row, col) => page.locator(`[role="gridcell"][aria-label^="${row} for ${col}:"]`);
    const statusIn = (page, row, col) =>
      page.evaluate(([r, c]) => document.querySelector(`[role="gridcell"][aria-label^="${r} for ${c}:"]`)?.getAttribute("data-status"), [row, col]);
    // B opened its release page before A's release existed on its screen:
    // it reads it from the shared record.
    for (const app of [a, b]) {
      await app.go(`/releases/${r.id}`);
      await cellIn(app.page, "Upgrade", "Acme").waitFor();
    }
    // Each window names the workspace it has open.
    const name = await b.page.getByTestId("workspace-name").innerText();
    assert.match(name, /127\.0\.0\.1:\d+\/e2e/);

    // A marks a cell done in its window; B shows it within a second.
    await cellIn(a.page, "Upgrade", "Acme").hover();
    await a.page.getByRole("button", { name: /Mark done/ }).first().click();
    await a.page.waitForFunction(() => document.querySelector('[role="gridcell"][aria-label^="Upgrade for Acme:"]')?.getAttribute("data-status") === "done");
    let t0 = Date.now();
    await b.page.waitForFunction(() => document.querySelector('[role="gridcell"][aria-label^="Upgrade for Acme:"]')?.getAttribute("data-status") === "done", null, { timeout: 3000 });
    let ms = Date.now() - t0;
    console.log(`# window B showed window A's change ${ms} ms after A showed it`);
    assert.ok(ms < 1000, `took ${ms} ms`);

    // B, not yet knowing, marks the same step done: refused plainly.
    const m = await b.call("release.Steps", "Matrix", r.id, 0);
    const upgrade = m.rows.find((t) => t.name === "Upgrade");
    const acme = m.customers.find((c) => c.name === "Acme");
    const [stepId] = await b.call("release.Steps", "StepIDs", { releaseId: r.id, templateIds: [upgrade.templateId], customerIds: [acme.id] });
    const refusal = await b.page.evaluate((id) => window.go.release.Steps.MarkDone({ stepId: id, note: "" }).then(() => null, (e) => e), stepId);
    assert.ok(refusal, "the second mark done was not refused");
    assert.equal(refusal.code, "state");
    assert.match(refusal.message, /Cannot mark as done 'Upgrade': it is done/);

    // The command line, a third operator, skips a step; both windows show it.
    execFileSync(binary, ["step", "skip", "--release", "2026.12", "--customer", "Globex", "--step", "Health", "--reason", "checked by the customer", "--database", pg.url], { encoding: "utf8" });
    t0 = Date.now();
    for (const app of [a, b]) {
      await app.page.waitForFunction(() => document.querySelector('[role="gridcell"][aria-label^="Health for Globex:"]')?.getAttribute("data-status") === "skipped", null, { timeout: 3000 });
    }
    ms = Date.now() - t0;
    console.log(`# both windows showed the command line's change ${ms} ms after it ended`);
    assert.ok(ms < 1000, `took ${ms} ms`);
    assert.equal(await statusIn(a.page, "Upgrade", "Bergmann"), "pending");
    await b.screenshot("team-window-b.png");

    // B's operator gives their name in Settings: B's next change carries
    // it, and A's activity log can show B's changes alone.
    await b.go("/settings");
    await b.page.getByLabel("Operator name").fill("Ben Ops");
    await b.page.getByRole("button", { name: "Save", exact: true }).first().click();
    await b.page.getByText("Settings saved.").waitFor();
    await b.screenshot("team-settings.png");
    await b.call("release.Steps", "BulkCells", { releaseId: r.id, templateIds: [upgrade.templateId], customerIds: [m.customers.find((c) => c.name === "Bergmann").id], action: "done", note: "", includeHeld: false });
    const bens = await a.call("release.Steps", "Activity", { releaseId: r.id, before: 0, limit: 50, actor: "Ben Ops", customerId: 0, clusterId: 0, templateId: 0, kinds: [], search: "" });
    assert.deepEqual(bens.entries.map((e) => [e.action, e.customerName]), [["done", "Bergmann"]]);
    assert.ok(bens.actors.includes("Ben Ops"), `actors ${bens.actors}`);

    // The server goes away: both windows say so and keep what they show; a
    // change is refused plainly. It comes back: they say so, and a change
    // made meanwhile by the other window is there.
    await a.go(`/releases/${r.id}`);
    await b.go(`/releases/${r.id}`);
    await cellIn(b.page, "Upgrade", "Acme").waitFor();
    // A dialog open in window A when the server goes away freezes too.
    await a.page.getByRole("button", { name: "More release actions" }).click();
    await a.page.getByRole("menuitem", { name: "Edit release…" }).click();
    const editing = a.page.getByRole("dialog", { name: "Edit release" });
    await editing.getByLabel("Name").waitFor();
    await pg.command("down");
    for (const app of [a, b]) await app.page.getByTestId("offline-banner").waitFor({ timeout: 15_000 });
    await editing.getByRole("status").filter({ hasText: "out of reach" }).waitFor();
    assert.equal(await editing.getByLabel("Name").isDisabled(), true);
    assert.equal(await editing.getByRole("button", { name: "Save" }).isDisabled(), true);
    await a.screenshot("team-offline-dialog.png");
    await editing.getByRole("button", { name: "Close" }).click();
    await editing.waitFor({ state: "hidden" });
    assert.equal(await statusIn(b.page, "Upgrade", "Acme"), "done");
    // Offline, the page is kept read-only: its controls are disabled, a cell
    // offers no action on hover, and an action's key does not try one.
    assert.notEqual(await b.page.getByTestId("page-controls").getAttribute("disabled"), null);
    await cellIn(b.page, "Upgrade", "Bergmann").click({ modifiers: ["Shift"] }); // selects it
    await b.page.keyboard.press("d");
    await b.page.waitForTimeout(500); // for a refusal that must not come
    assert.equal(await b.page.getByRole("button", { name: /Mark done/ }).count(), 0);
    assert.equal(await b.page.getByText(/cannot be reached, so nothing was changed/).count(), 0);
    await b.screenshot("team-offline.png");
    const away = await b.page.evaluate((id) => window.go.release.Steps.Revert({ stepId: id, note: "" }).then(() => null, (e) => e), stepId);
    assert.match(away?.message ?? "", /The team database cannot be reached, so nothing was changed/);
    await pg.command("up");
    for (const app of [a, b]) await app.page.getByTestId("offline-banner").waitFor({ state: "hidden", timeout: 15_000 });
    const back = await a.page.evaluate((id) => window.go.release.Steps.Revert({ stepId: id, note: "rolled back" }).then(() => null, (e) => e), stepId);
    assert.equal(back, null, `a change once the server is back: ${JSON.stringify(back)}`);
    await b.page.waitForFunction(() => document.querySelector('[role="gridcell"][aria-label^="Upgrade for Acme:"]')?.getAttribute("data-status") === "reverted", null, { timeout: 3000 });
    assert.deepEqual(a.errors, []);
    assert.deepEqual(b.errors, []);

    // A third window, on this computer's workspace, connects to the team
    // database from Settings → Workspace, giving its operator's name, and
    // goes back to its own file.
    const c = await startApp("team-c");
    try {
      await c.go("/settings");
      assert.equal(await c.page.getByTestId("workspace-name").innerText(), "This computer");
      await c.page.getByLabel("Team database address").fill(pg.url.replace(/\?.*$/, "") + "?sslmode=disable");
      await c.page.getByLabel("Your name").fill("Cleo");
      await c.screenshot("team-connect.png");
      await c.page.getByRole("button", { name: "Connect", exact: true }).click();
      await c.page.getByText(/Connected to the team database/).waitFor();
      await c.page.getByTestId("workspace-name").getByText(/\/e2e$/).waitFor();
      await c.go(`/releases/${r.id}`);
      await c.page.waitForFunction(() => document.querySelector('[role="gridcell"][aria-label^="Health for Globex:"]')?.getAttribute("data-status") === "skipped");
      const who = await c.call("settings.Service", "Get");
      assert.equal(who.operatorName, "Cleo");
      await c.go("/settings");
      await c.page.getByRole("button", { name: "Use this computer's workspace" }).click();
      await c.page.getByTestId("workspace-name").getByText("This computer").waitFor();
      assert.deepEqual(c.errors, []);
    } finally {
      await c.stop();
      c.cleanup();
    }
  } finally {
    await a.stop();
    await b.stop();
    a.cleanup();
    b.cleanup();
    await pg.stop();
  }
});
