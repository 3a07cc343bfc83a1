// UI timing on a fleet (issue 6): not part of the default suite. Run with
//   make perf-ui FLEET=DIR
// where DIR was filled by `go run ./backend/cmd/fleet --data-dir DIR …`.
// It prints how long the release page takes to show the matrix after
// navigation, and asserts that scrolling keeps the DOM bounded.
import assert from "node:assert/strict";
import { startApp } from "./harness.mjs";

const dir = process.env.FLEET;
if (!dir) throw new Error("set FLEET to a data directory made by backend/cmd/fleet");
const app = await startApp("perf", { dataDir: dir });
const { page } = app;
try {
  const list = await app.call("release.Service", "List");
  const rel = list.find((r) => r.status === "active");
  const cells = rel.progress.total;
  // Navigation as the operator does it: from the releases list (loaded
  // fresh, so no cached matrix) to the release page, until the first cells
  // show. Go builds the matrix, it crosses the bridge as JSON, React renders
  // the visible window.
  const nav = [];
  for (let i = 0; i < 4; i++) {
    await page.goto("about:blank");
    await page.goto(`${app.url}/#/releases`);
    await page.getByRole("link", { name: rel.name, exact: true }).first().waitFor();
    const t0 = Date.now();
    await page.getByRole("link", { name: rel.name, exact: true }).first().click();
    await page.locator('[role="gridcell"]').first().waitFor({ timeout: 30_000 });
    nav.push(Date.now() - t0);
  }
  // And a full page load straight onto the release page.
  const full = [];
  for (let i = 0; i < 3; i++) {
    await page.goto("about:blank");
    const t0 = Date.now();
    await page.goto(`${app.url}/#/releases/${rel.id}`);
    await page.locator('[role="gridcell"]').first().waitFor({ timeout: 30_000 });
    full.push(Date.now() - t0);
  }
  const count = () => page.evaluate(() => document.getElementsByTagName("*").length);
  const before = await count();
  const grid = page.getByTestId("matrix");
  let max = before;
  for (let i = 0; i < 20; i++) {
    await grid.evaluate((el, i) => el.scrollTo(i * 1500, i * 150), i);
    await page.waitForTimeout(50);
    max = Math.max(max, await count());
  }
  console.log(`release ${rel.name}: ${rel.customerCount} customers × ${rel.templateCount} steps = ${cells} cells`);
  console.log(`matrix shown after navigation from the list: ${nav.join(" ms, ")} ms (the first with the database cold)`);
  console.log(`matrix shown after a full page load: ${full.join(" ms, ")} ms`);
  console.log(`DOM elements: ${before} at first paint, at most ${max} while scrolling`);
  // Bounded by the window, not the fleet: 200,000 cells drawn would be
  // well over a million elements.
  assert.ok(max < 20000, `the DOM grew to ${max} elements: not virtualised`);
  await app.screenshot("perf-matrix.png");
} finally {
  await app.stop();
}
