import { test } from "node:test";
import assert from "node:assert/strict";
import { startApp } from "./harness.mjs";

test("the app starts on an empty database and shows the dashboard", async () => {
  const app = await startApp("smoke");
  try {
    await app.page.getByRole("navigation", { name: "Main" }).waitFor();
    const status = await app.call("app.System", "Status");
    assert.equal(status.ready, true, status.error);
    assert.ok(status.schemaVersion >= 4);
    await app.screenshot("smoke-dashboard.png");
    assert.deepEqual(app.errors, []);
  } finally {
    const res = await app.stop();
    app.cleanup();
    assert.equal(res.code, 0, `app exit: ${JSON.stringify(res)}\n${app.log()}`);
  }
});
