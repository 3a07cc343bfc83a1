// Shutdown while a big write is in flight (reliability issue): the real app
// is told to quit during an activation of 24,000 steps — by SIGTERM, SIGINT,
// File → Quit (Ctrl+Q) or the window's close button. The process exits
// within 5 s, the database is intact with its WAL checkpointed, and the
// activation happened whole or not at all.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, statSync } from "node:fs";
import { startApp } from "./harness.mjs";
import { sql } from "./db.mjs";

for (const how of ["SIGTERM", "SIGINT", "menu quit", "window close"]) {
  test(`${how} during an activation loses nothing`, async () => {
    const app = await startApp(`shutdown-${how.replace(" ", "-")}`);
    let res, inFlight;
    try {
      // 240 customers × 100 steps, seeded through the bound methods.
      const releaseId = await app.page.evaluate(async () => {
        const go = window.go;
        for (let c = 0; c < 4; c++) {
          const cl = await go.cluster.Service.Create({ name: `cl-${c}`, kubeconfigPath: "", description: "" });
          await Promise.all(Array.from({ length: 60 }, (_, i) => go.customer.Service.Create({ clusterId: cl.id, namespace: `ns-${c}-${i}`, name: `C ${c}-${i}`, description: "" })));
        }
        const templates = Array.from({ length: 100 }, (_, i) => ({ name: `s${i}`, category: i < 70 ? "deploy" : "verify", type: "bash", content: `kubectl -n "$NS" rollout status deploy/svc-${i} --timeout=5m`, description: "" }));
        const r = await go.release.Service.Create({ name: "big", type: "release", versionNumber: "", description: "", targets: { mode: "all", clusterIds: [], customerIds: [] }, copyTemplatesFrom: 0, templates });
        return r.id;
      });
      const win = how.startsWith("SIG") ? "" : app.window();
      // Start the activation and quit while it runs.
      await app.page.evaluate((id) => {
        window.__activation = window.go.release.Service.Activate(id).finally(() => (window.__settled = true));
      }, releaseId);
      await new Promise((r) => setTimeout(r, 40));
      // The quit must land while the activation is still running, or this
      // test would prove nothing about a write in flight.
      inFlight = await app.page.evaluate(() => !window.__settled);
      res = how.startsWith("SIG") ? await app.signal(how) : await app.quit(how, win);
    } finally {
      await app.stop();
    }
    assert.ok(inFlight, "the activation had finished before the quit: make the fleet larger");
    assert.equal(res.code, 0, `exit ${JSON.stringify(res)}\n${app.log()}`);
    assert.ok(res.ms < 5000, `exited after ${res.ms} ms`);
    const wal = app.dbPath + "-wal";
    assert.ok(!existsSync(wal) || statSync(wal).size === 0, "the WAL was not checkpointed");
    assert.equal(sql(app.dbPath, "PRAGMA integrity_check")[0].integrity_check, "ok");
    const [r] = sql(app.dbPath, "SELECT status, (SELECT count(*) FROM customer_steps WHERE release_id = releases.id) AS steps FROM releases WHERE name = 'big'");
    assert.ok(
      (r.status === "draft" && r.steps === 0) || (r.status === "active" && r.steps === 24000),
      `half an activation: ${JSON.stringify(r)}`,
    );
    console.log(`${how}: exited in ${res.ms} ms; release ${r.status} with ${r.steps} steps`);
    app.cleanup();
  });
}
