// Working the matrix all day (issue 13) and finishing a rollout (issue 18):
// each point is a subtest in one app on a seeded release, checked in the
// window and, where it writes, in the database file afterwards.
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startApp } from "./harness.mjs";
import { sql } from "./db.mjs";

// Under 128 KB: the dev build's browser bridge (x/net/websocket) reads one
// frame per call, and Chromium splits larger messages.
const longScript = Array.from({ length: 2000 }, (_, i) => `echo "step ${i}: ${"x".repeat(i % 40)}"`).join("\n");
const longLine = "Tell the customer " + "that the maintenance window is over and everything went fine, ".repeat(40);
const templates = [
  ["Back up", "deploy", "bash", "pg_dump -Fc app > /backups/app.dump"],
  ["Migrate", "deploy", "sql", "ALTER TABLE invoices ADD COLUMN currency CHAR(3);"],
  ["Long script", "deploy", "bash", longScript],
  ["Announce", "deploy", "text", longLine],
  ["Scale up", "deploy", "bash", "kubectl scale deploy/api --replicas=3"],
  ["Health", "verify", "bash", "curl -fsS http://api/healthz"],
  ["Rows", "verify", "sql", "SELECT count(*) FROM invoices;"],
  ["Smoke", "verify", "bash", "./smoke.sh"],
  ["Dashboards", "verify", "text", "Look at the dashboards."],
];
const customers = [
  ["Acme", "prod-eu"],
  ["Bergmann", "prod-eu"],
  ["Cyberdyne", "prod-eu"],
  ["Globex", "prod-us"],
  ["Initech", "prod-us"],
];

/** seed builds the fleet and an active release through the bound Go methods. */
async function seed(app) {
  const ids = { cluster: {}, customer: {} };
  for (const name of ["prod-eu", "prod-us"]) ids.cluster[name] = (await app.call("cluster.Service", "Create", { name, kubeconfigPath: "", description: "" })).id;
  for (const [name, cl] of customers) {
    ids.customer[name] = (await app.call("customer.Service", "Create", { clusterId: ids.cluster[cl], name, namespace: name.toLowerCase(), description: "" })).id;
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
  await app.call("release.Service", "Activate", r.id);
  ids.release = r.id;
  return ids;
}

test("a working day on the matrix", async (t) => {
  const app = await startApp("workday");
  const { page } = app;
  const ids = await seed(app);
  const rid = ids.release;
  const cell = (row, col) => page.locator(`[role="gridcell"][aria-label^="${row} for ${col}:"]`);
  const panel = () => page.getByRole("dialog");
  const stepOf = async (row, customer) => (await app.call("release.Steps", "StepDetailAt", rid, (await templateId(row)), ids.customer[customer])).step;
  const tids = {};
  const templateId = async (name) => {
    if (!tids[name]) {
      const d = await app.call("release.Service", "Get", rid);
      for (const x of [...d.deploy, ...d.verify]) tids[x.name] = x.id;
    }
    return tids[name];
  };
  // fresh shows a page as it is in the database now: a full load, since
  // the test changes data behind the window's back (bound calls that
  // invalidate nothing on screen).
  const fresh = async (path) => {
    await app.go(path);
    await page.reload();
    await page.waitForFunction(() => window.go !== undefined);
  };
  const openMatrix = async () => {
    await fresh(`/releases/${rid}`);
    await cell("Back up", "Acme").waitFor();
  };
  const gridHasFocus = () => page.waitForFunction(() => document.activeElement?.getAttribute("role") === "grid");
  const inViewport = async (loc) => {
    const b = await loc.boundingBox();
    const vp = page.viewportSize();
    return b && b.y >= 0 && b.y + b.height <= vp.height && b.x >= 0 && b.x + b.width <= vp.width;
  };

  try {
    await t.test("13.1 a long step: actions stay in view, copy sits in a header bar, text wraps, wrap is remembered", async () => {
      await openMatrix();
      await cell("Long script", "Acme").click();
      const body = panel().getByTestId("code-body");
      await body.waitFor();
      const top = panel().getByTestId("panel-top");
      const copy = panel().getByRole("button", { name: "Copy to clipboard" });
      // The copy button is in a bar above the code, not over it.
      assert.ok((await copy.boundingBox()).y + (await copy.boundingBox()).height <= (await body.boundingBox()).y + 1, "copy is above the code");
      // The code scrolls in its own area; the actions never move.
      const scroll = await body.evaluate((el) => ({ sh: el.scrollHeight, ch: el.clientHeight }));
      assert.ok(scroll.sh > scroll.ch * 5, `the code scrolls by itself (${scroll.sh} > ${scroll.ch})`);
      await body.evaluate((el) => (el.scrollTop = el.scrollHeight));
      assert.ok(await inViewport(top.getByRole("button", { name: "Mark done" })), "Mark done stays in view at the end of the script");
      assert.ok(await inViewport(copy), "copy stays in view");
      assert.ok(await inViewport(panel().getByRole("region", { name: "History" })) || (await panel().getByRole("region", { name: "History" }).count()) === 1);
      await app.screenshot("long-step-panel.png");
      // Wrap: off by default for code, on after the toggle, and still on after a reload.
      const wrapBtn = panel().getByRole("button", { name: "Wrap long lines" });
      assert.equal(await wrapBtn.getAttribute("aria-pressed"), "false");
      await wrapBtn.click();
      await page.waitForFunction(async () => (await window.go.settings.Service.Get()).preferences.wrapCode === true);
      await page.reload();
      await page.waitForFunction(() => window.go !== undefined);
      await cell("Long script", "Acme").click();
      assert.equal(await panel().getByRole("button", { name: "Wrap long lines" }).getAttribute("aria-pressed"), "true");
      await panel().getByRole("button", { name: "Wrap long lines" }).click(); // back off for the others
      await page.keyboard.press("Escape");
      // A text step always wraps: no horizontal scroll for its 2,500-character line.
      await cell("Announce", "Acme").click();
      const text = panel().getByTestId("code-body");
      await text.waitFor();
      const w = await text.evaluate((el) => ({ sw: el.scrollWidth, cw: el.clientWidth }));
      assert.ok(w.sw <= w.cw + 1, `text wraps (${w.sw} ≤ ${w.cw})`);
      assert.equal(await panel().getByRole("button", { name: "Wrap long lines" }).count(), 0, "prose has no wrap toggle");
      await page.keyboard.press("Escape");
    });

    await t.test("13.2 keyboard: g reaches the grid, focus comes back, keys act on the selection, Enter submits, Undo takes back", async () => {
      await openMatrix();
      await page.locator("body").click({ position: { x: 5, y: 5 } });
      await page.keyboard.press("g");
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("role")), "grid");
      // Enter opens the focused cell; Esc closes it and the grid has the keyboard again.
      await page.keyboard.press("Enter");
      await panel().getByTestId("panel-top").waitFor();
      await page.keyboard.press("Escape");
      await panel().waitFor({ state: "hidden" });
      await gridHasFocus();
      // Select Back up..Migrate × Acme..Cyberdyne (6 cells) with Shift+arrows, then d.
      await page.keyboard.press("Shift+ArrowDown");
      await page.keyboard.press("Shift+ArrowRight");
      await page.keyboard.press("Shift+ArrowRight");
      await page.getByTestId("selection-size").filter({ hasText: "6 steps selected" }).waitFor();
      await page.keyboard.press("d");
      const toast = page.locator("[data-sonner-toast]").filter({ hasText: "6 steps changed" });
      await toast.waitFor();
      for (const [row, cu] of [["Back up", "Acme"], ["Migrate", "Cyberdyne"]]) assert.equal((await stepOf(row, cu)).status, "done");
      // Undo applies the inverse, recorded in the history as well.
      await toast.getByRole("button", { name: "Undo" }).click();
      await page.locator("[data-sonner-toast]").filter({ hasText: "Undone: 6 steps" }).waitFor();
      assert.equal((await stepOf("Migrate", "Cyberdyne")).status, "pending");
      const undo = sql(app.dbPath, `SELECT count(*) AS n FROM step_history WHERE release_id = ${rid} AND action = 'undo'`)[0].n;
      assert.equal(undo, 6);
      // s asks for a reason; Enter submits it.
      await cell("Back up", "Globex").click();
      await page.keyboard.press("Escape");
      await panel().waitFor({ state: "hidden" });
      await gridHasFocus();
      await page.keyboard.press("s");
      const reason = page.getByRole("dialog").getByLabel("Reason");
      await reason.fill("Globex backs up itself");
      await reason.press("Enter");
      await page.locator("[data-sonner-toast]").filter({ hasText: "1 step changed" }).first().waitFor();
      const skipped = await stepOf("Back up", "Globex");
      assert.equal(skipped.status, "skipped");
      assert.equal(skipped.skipReason, "Globex backs up itself");
      await gridHasFocus(); // back on the grid after the dialog
    });

    await t.test("13.3 a release can be corrected; a clone asks for its name and version", async () => {
      await openMatrix();
      await page.getByRole("button", { name: "More release actions" }).click();
      await page.getByRole("menuitem", { name: "Edit release…" }).click();
      const d = page.getByRole("dialog", { name: "Edit release" });
      await d.getByLabel("Name").fill("2026.12 winter");
      await d.getByLabel("Version").fill("2026.12.1");
      await d.getByLabel("Description").fill("Currency column and the new scaler.");
      await d.getByRole("button", { name: "Save" }).click();
      await page.getByRole("heading", { name: /2026\.12 winter/ }).waitFor();
      const r = (await app.call("release.Service", "Get", rid)).release;
      assert.equal(r.name, "2026.12 winter");
      assert.equal(r.versionNumber, "2026.12.1");
      assert.equal(await d.getByText("Targets").count(), 0, "no targets once active");
      await page.getByRole("button", { name: "More release actions" }).click();
      await page.getByRole("menuitem", { name: "Clone as new draft…" }).click();
      const c = page.getByRole("dialog", { name: /Clone/ });
      await c.getByLabel("New name").fill("2027.01");
      await c.getByLabel("Version").fill("2027.01.0");
      await c.getByRole("button", { name: "Create draft" }).click();
      await page.waitForURL(/releases\/\d+\/steps/);
      const clone = (await app.call("release.Service", "List")).find((x) => x.name === "2027.01");
      assert.ok(clone, "the clone has the name asked for");
      assert.equal(clone.versionNumber, "2027.01.0");
      assert.equal(clone.status, "draft");
    });

    await t.test("13.4 the customer view never widens for a long line", async () => {
      await fresh(`/releases/${rid}/customer/${ids.customer.Acme}`);
      await page.getByRole("region", { name: "Deploy steps" }).waitFor();
      const main = await page.locator("main").evaluate((el) => ({ sw: el.scrollWidth, cw: el.clientWidth }));
      assert.ok(main.sw <= main.cw + 1, `page ${main.sw} wide in ${main.cw}`);
      assert.ok(await inViewport(page.getByRole("button", { name: "Add deploy step" })));
    });

    await t.test("13.5 at 1024×640, eight step rows stay visible with the bulk bar open", async () => {
      await page.setViewportSize({ width: 1024, height: 640 });
      await app.call("settings.Service", "SavePreferences", { sidebarCollapsed: true, zoom: 100, wrapCode: false });
      await openMatrix();
      await page.getByRole("button", { name: "Select row Scale up" }).click();
      await page.getByRole("toolbar", { name: "Bulk actions" }).waitFor();
      const visible = await page.evaluate(() => {
        const g = document.querySelector('[role="grid"]').getBoundingClientRect();
        return [...document.querySelectorAll('[aria-label^="Select row "]')].filter((el) => {
          const b = el.getBoundingClientRect();
          return b.top >= g.top && b.bottom <= g.bottom && b.bottom <= window.innerHeight;
        }).length;
      });
      assert.ok(visible >= 8, `${visible} step rows visible`);
      await app.screenshot("matrix-1024x640-bulk.png");
      await page.keyboard.press("Escape");
      await page.setViewportSize({ width: 1440, height: 900 });
      await app.call("settings.Service", "SavePreferences", { sidebarCollapsed: false, zoom: 100, wrapCode: false });
    });

    await t.test("13.8 bulk: pending only, wave front, bulk revert, and a refusal that says why", async () => {
      // Acme and Bergmann: Back up done; Cyberdyne pending.
      await app.call("release.Steps", "BulkCells", { releaseId: rid, templateIds: [await templateId("Back up")], customerIds: [ids.customer.Acme, ids.customer.Bergmann], action: "done", note: "", includeHeld: false });
      await openMatrix();
      // Wave front on Migrate: Acme and Bergmann (Back up done) and Globex
      // (Back up skipped) are ready; Cyberdyne and Initech are not.
      await page.getByRole("button", { name: "Select row Migrate" }).click();
      await page.getByRole("button", { name: "Wave front" }).click();
      await page.getByTestId("selection-size").filter({ hasText: "3 steps selected" }).waitFor();
      await page.getByRole("button", { name: "Clear selection" }).click();
      // Pending only on the Back up row leaves out the done and skipped cells.
      await page.getByRole("button", { name: "Select row Back up" }).click();
      await page.getByRole("button", { name: "Pending only" }).click();
      await page.getByTestId("selection-size").filter({ hasText: "2 steps selected" }).waitFor(); // Cyberdyne, Initech
      await page.getByRole("button", { name: "Clear selection" }).click();
      // "Back to pending" on done cells changes nothing and says why, as a warning.
      await page.getByRole("button", { name: "Select row Back up" }).click();
      await page.getByRole("toolbar", { name: "Bulk actions" }).getByRole("button", { name: "Back to pending" }).click();
      const warn = page.locator('[data-sonner-toast][data-type="warning"]').filter({ hasText: "2 are done: revert them first" });
      await warn.waitFor();
      // Bulk revert reaches the done ones.
      await page.getByRole("button", { name: "Select row Back up" }).click();
      await page.getByRole("toolbar", { name: "Bulk actions" }).getByRole("button", { name: "Revert" }).click();
      await page.locator("[data-sonner-toast]").filter({ hasText: "2 steps changed" }).first().waitFor();
      assert.equal((await stepOf("Back up", "Acme")).status, "reverted");
      // Globex's skipped Back up went back to pending above (skipped → pending is allowed); it is not reverted.
      assert.equal((await stepOf("Back up", "Globex")).status, "pending");
    });

    await t.test("13.9 the +n marker lists the customer's custom steps after that step, each opens", async () => {
      await app.call("release.Steps", "AddCustom", {
        releaseId: rid, customerId: ids.customer.Bergmann, category: "deploy", name: "Pause Bergmann's cron", type: "bash", content: "kubectl patch cronjob report", position: 1, addToTemplate: false,
      });
      await openMatrix();
      const badge = cell("Back up", "Bergmann").getByTestId("extras-badge");
      await badge.click();
      const pop = page.getByTestId("extras-popover");
      await pop.getByText("Pause Bergmann's cron").click();
      await panel().getByText("Custom step").waitFor();
      assert.ok(await panel().getByText("kubectl patch cronjob report").count());
      await page.keyboard.press("Escape");
    });

    await t.test("13.6 the activity log records every kind of change, filters and searches", async () => {
      // An override and a template edit that reaches the other steps.
      const health = await stepOf("Health", "Cyberdyne");
      await app.call("release.Steps", "Override", { stepId: health.id, content: "curl -fsS http://cyberdyne/healthz" });
      const tpl = (await app.call("release.Service", "Get", rid)).verify.find((x) => x.name === "Health");
      await app.call("release.Service", "UpdateTemplate", { id: tpl.id, name: "Health", type: "bash", content: "curl -fsS http://api/healthz?deep=1", description: "" });
      await fresh(`/releases/${rid}/activity`);
      const entries = page.getByTestId("activity-entry");
      await entries.first().waitFor();
      await app.screenshot("activity-log.png");
      // The list is virtualised: scroll to its end, where the activation is.
      const seen = new Set();
      for (let i = 0; i < 40 && !seen.has("activate"); i++) {
        for (const a of await entries.evaluateAll((els) => els.map((e) => e.dataset.action))) seen.add(a);
        await page.getByTestId("activity-log").evaluate((el) => (el.scrollTop += el.clientHeight));
        await page.waitForTimeout(50);
      }
      for (const a of ["template-edit", "override", "undo", "skip", "release-edit", "activate"]) assert.ok(seen.has(a), `the log shows ${a}: ${[...seen].join(",")}`);
      assert.ok((await entries.count()) < 60, "only the rows on screen are in the DOM");
      // Kind: templates only.
      await page.getByRole("group", { name: "Kinds of change" }).getByRole("button", { name: "Templates" }).click();
      await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="activity-entry"]')].every((e) => e.dataset.action.startsWith("template")));
      await page.getByRole("button", { name: "Clear filters" }).click();
      // Search in notes and reasons.
      await page.getByLabel("Search notes, reasons and steps").fill("backs up itself");
      await page.waitForFunction(() => {
        const e = [...document.querySelectorAll('[data-testid="activity-entry"]')];
        return e.length === 1 && e[0].dataset.action === "skip";
      });
      await page.getByRole("button", { name: "Clear filters" }).click();
      // Customer filter.
      await page.getByLabel("Filter by customer").selectOption({ label: "Globex" });
      await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="activity-entry"]')].every((e) => e.textContent.includes("Globex")));
      // A step's timeline shows the template edit that reached it, and an override's diff.
      await openMatrix();
      await cell("Health", "Acme").click();
      await panel().getByText("Template edited").waitFor();
      await page.keyboard.press("Escape");
      await cell("Health", "Cyberdyne").click();
      await panel().getByText("Overrode the content").waitFor();
      await panel().getByRole("region", { name: "History" }).getByText("Show the change").first().click();
      await panel().getByText("http://cyberdyne/healthz").first().waitFor();
      await page.keyboard.press("Escape");
    });

    await t.test("13.7 every screen shows the same figures, from Go", async () => {
      const p = (await app.call("release.Service", "Get", rid)).release.progress;
      const figures = [`${p.done} done`, `${p.skipped} skipped`, `${p.reverted} reverted`, `${p.pending} pending`];
      await openMatrix();
      const matrixText = await page.getByTestId("release-progress").innerText();
      for (const f of [`${p.percent}%`, ...figures]) assert.ok(matrixText.includes(f), `matrix "${matrixText}" lacks ${f}`);
      await fresh("/");
      const card = page.locator("a, div").filter({ has: page.getByText("2026.12 winter", { exact: true }) }).getByTestId("progress-figures").first();
      const cardText = await card.innerText();
      for (const f of figures) assert.ok(cardText.includes(f), `dashboard card "${cardText}" lacks ${f}`);
      // The "Pending steps" stat is Go's sum of the active releases' pending steps (reverted apart).
      const overview = await app.call("dashboard.Service", "Overview");
      const pendingSum = overview.active.reduce((n, r) => n + r.progress.pending, 0);
      assert.equal(overview.steps.pending, pendingSum);
      assert.equal(await page.getByTestId("stat-Pending steps").innerText(), pendingSum.toLocaleString("en-US"));
      await fresh("/releases");
      const row = page.getByRole("row").filter({ hasText: "2026.12 winter" });
      const rowText = await row.innerText();
      assert.ok(rowText.includes(`${p.percent}%`) && rowText.includes(`${p.done + p.skipped}/${p.total}`), `releases list "${rowText}"`);
      // Template rows: the steps page and the matrix agree with Go.
      const d = await app.call("release.Service", "Get", rid);
      await fresh(`/releases/${rid}/steps`);
      await page.getByTestId("template-Health").waitFor();
      for (const tp of [...d.deploy, ...d.verify]) {
        assert.equal(await page.getByTestId(`template-${tp.name}`).getByTestId("template-progress").innerText(), `${tp.progress.percent}%`, tp.name);
      }
      await openMatrix();
      for (const tp of [...d.deploy, ...d.verify]) assert.equal(await page.getByTestId(`row-progress-${tp.name}`).innerText(), `${tp.progress.percent}%`, tp.name);
    });

    await t.test("18 hold a customer from its column header; bulk leaves it alone and says so; figures count it apart", async () => {
      await openMatrix();
      const before = (await app.call("release.Service", "Get", rid)).release.progress;
      const bar = page.getByTestId("release-progress");
      // The screen shows Go's figures, exactly.
      const shows = async (p) => {
        await bar.getByText(`${p.percent}%`, { exact: true }).waitFor();
        for (const [n, what] of [[p.done, "done"], [p.skipped, "skipped"], [p.reverted, "reverted"], [p.pending, "pending"]]) {
          await bar.getByText(new RegExp(`(^|\\s)${n} ${what}$`)).waitFor();
        }
        assert.equal(p.percent, Math.round(((p.done + p.skipped) * 100) / p.total), "percent = (done + skipped) / total");
      };
      await shows(before);
      await page.getByTestId("matrix-column").filter({ hasText: "Initech" }).hover();
      await page.getByRole("button", { name: "Menu for Initech" }).click();
      await page.getByRole("menuitem", { name: "Hold back…" }).click();
      const reason = page.getByRole("dialog").getByLabel("Reason");
      await reason.fill("contract renewal");
      await reason.press("Enter");
      await page.getByRole("button", { name: "Select column Initech (on hold)" }).waitFor();
      const held = (await app.call("release.Service", "Get", rid)).release.progress;
      assert.equal(held.heldCustomers, 1);
      assert.equal(held.total, before.total - 9, "Initech's 9 steps are counted apart");
      await page.getByTestId("release-progress").getByText("1 customer held").waitFor();
      await shows(held);
      await page.getByRole("button", { name: "Select row Smoke" }).click();
      await page.getByRole("toolbar", { name: "Bulk actions" }).getByRole("button", { name: "Mark done" }).click();
      await page.locator("[data-sonner-toast]").filter({ hasText: "of customers on hold: left as they are" }).waitFor();
      assert.equal((await stepOf("Smoke", "Initech")).status, "pending");
      assert.equal((await stepOf("Smoke", "Globex")).status, "done");
      await app.screenshot("matrix-hold.png");
    });

    await t.test("18 focus mode: a customer's steps top to bottom, keyboard only", async () => {
      await openMatrix();
      await cell("Back up", "Cyberdyne").click();
      await page.keyboard.press("Escape");
      await gridHasFocus();
      await page.keyboard.press("f");
      await page.getByTestId("focus-mode").waitFor();
      const current = () => page.getByTestId("focus-current").getByRole("heading").innerText();
      assert.equal(await current(), "Back up");
      await page.keyboard.press("d");
      await page.waitForFunction(() => document.querySelector('[data-testid="focus-current"] h2')?.textContent === "Migrate");
      await page.keyboard.press("d");
      await page.waitForFunction(() => document.querySelector('[data-testid="focus-current"] h2')?.textContent === "Long script");
      await page.keyboard.press("s");
      await page.keyboard.type("not needed on Cyberdyne");
      await page.keyboard.press("Enter");
      await page.waitForFunction(() => document.querySelector('[data-testid="focus-current"] h2')?.textContent === "Announce");
      await page.keyboard.press("ArrowUp");
      await page.keyboard.press("ArrowUp");
      assert.equal(await current(), "Migrate");
      await app.screenshot("focus-mode.png");
      await page.keyboard.press("n"); // the next customer of prod-eu with pending steps
      await page.getByRole("heading", { name: /Acme|Bergmann/ }).first().waitFor();
      await page.keyboard.press("Escape");
      await page.getByTestId("matrix").waitFor();
      assert.equal((await stepOf("Back up", "Cyberdyne")).status, "done");
      assert.equal((await stepOf("Migrate", "Cyberdyne")).status, "done");
      const s = await stepOf("Long script", "Cyberdyne");
      assert.equal(s.status, "skipped");
      assert.equal(s.skipReason, "not needed on Cyberdyne");
      // And in the database file, with one history row per key press.
      const rows = sql(app.dbPath, `SELECT cs.name, cs.status, cs.skip_reason FROM customer_steps cs JOIN customers cu ON cu.id = cs.customer_id
        WHERE cu.name = 'Cyberdyne' AND cs.name IN ('Back up', 'Migrate', 'Long script') ORDER BY cs.order_index`);
      assert.deepEqual(rows, [
        { name: "Back up", status: "done", skip_reason: null },
        { name: "Migrate", status: "done", skip_reason: null },
        { name: "Long script", status: "skipped", skip_reason: "not needed on Cyberdyne" },
      ]);
      const hist = sql(app.dbPath, `SELECT h.step_name, h.to_status FROM step_history h JOIN customers cu ON cu.id = h.customer_id
        WHERE cu.name = 'Cyberdyne' AND h.step_name IN ('Back up', 'Migrate', 'Long script') AND h.to_status IS NOT NULL ORDER BY h.id`);
      assert.deepEqual(hist.slice(-3), [
        { step_name: "Back up", to_status: "done" },
        { step_name: "Migrate", to_status: "done" },
        { step_name: "Long script", to_status: "skipped" },
      ]);
    });

    await t.test("13.12 smaller things: archive confirmation counts pending; a refused panel action shows the real state", async () => {
      await openMatrix();
      // Change a step behind the panel's back, then act on the stale panel.
      await cell("Rows", "Globex").click();
      await panel().getByRole("button", { name: "Mark done" }).waitFor();
      await app.call("release.Steps", "Skip", { stepId: (await stepOf("Rows", "Globex")).id, note: "elsewhere" });
      await panel().getByRole("button", { name: "Mark done" }).click();
      await page.locator("[data-sonner-toast]").filter({ hasText: "Cannot mark as done 'Rows'" }).first().waitFor();
      await panel().getByTestId("panel-top").getByText("Skipped", { exact: true }).waitFor();
      await page.keyboard.press("Escape");
      const p = (await app.call("release.Service", "Get", rid)).release.progress;
      await page.getByRole("button", { name: "More release actions" }).click();
      await page.getByRole("menuitem", { name: "Archive release" }).click();
      await page.getByRole("alertdialog").getByText(`${p.pending} steps still pending`).waitFor();
      await page.getByRole("alertdialog").getByText("On hold: Initech (contract renewal)").waitFor();
      await page.getByRole("alertdialog").getByRole("button", { name: "Cancel" }).click();
      assert.deepEqual(app.errors, []);
    });
  } finally {
    const res = await app.stop();
    assert.equal(res.code, 0);
  }

  await t.test("13.10 a damaged database: the start-up page restores the newest good backup", async () => {
    const backups = join(app.dataDir, "backups");
    const daily = readdirSync(backups).filter((f) => /^shipdeck-.*\.db$/.test(f));
    assert.ok(daily.length > 0, "the first run made its daily backup");
    const dir = mkdtempSync(join(tmpdir(), "shipdeck-e2e-damaged-"));
    mkdirSync(join(dir, "backups"));
    copyFileSync(join(backups, daily[0]), join(dir, "backups", daily[0]));
    writeFileSync(join(dir, "shipdeck.db"), "SQLite format 3\0 and then nothing that makes sense");
    const broken = await startApp("damaged", { dataDir: dir });
    try {
      const pg = broken.page;
      await pg.getByTestId("startup-error").waitFor();
      await pg.getByRole("heading", { name: "The database file is damaged" }).waitFor();
      // Go's sentence, and no sentence of the page's own about what changed.
      const st = await broken.call("app.System", "Status");
      assert.equal(st.startupErrorCode, "damaged");
      await pg.getByText(st.error).waitFor();
      assert.equal(await pg.getByText("Nothing was changed").count(), st.error.includes("Nothing was changed") ? 1 : 0);
      await pg.getByText(daily[0]).waitFor();
      await broken.screenshot("startup-restore.png");
      await pg.getByRole("button", { name: "Restore this backup" }).click();
      await pg.getByTestId("startup-error").waitFor({ state: "detached" });
      await pg.getByRole("link", { name: "Releases" }).first().waitFor();
      assert.ok(readdirSync(dir).some((f) => f.endsWith("-unreadable.db")), "the damaged file is kept beside it");
      assert.deepEqual(broken.errors, []);
    } finally {
      await broken.stop();
      broken.cleanup();
    }
    app.cleanup();
  });
});
