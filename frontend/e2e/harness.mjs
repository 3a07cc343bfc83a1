// The end-to-end harness: the real app's dev build (real Go services, real
// SQLite file) under Xvfb, driven through Debian's Chromium by playwright-core.
// Each test file gets its own app process and a fresh data directory.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";

export const repoRoot = resolve(import.meta.dirname, "../..");
export const binary = process.env.SHIPDECK_DEV_BINARY ?? join(repoRoot, "build", "shipdeck-dev");
// Sends WM_DELETE_WINDOW as a window manager would (Xvfb runs none); built by run.sh.
export const xclose = process.env.SHIPDECK_XCLOSE ?? join(repoRoot, "build", "xclose");
export const artifacts = process.env.SHIPDECK_ARTIFACTS ?? join(repoRoot, "frontend", "e2e", "artifacts");

const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", rej);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

async function waitFor(fn, what, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      if (await fn()) return;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ""}`);
}

/**
 * startApp launches the dev binary on a free port with a fresh data
 * directory, and a Chromium page on it. Console errors and page errors are
 * collected in `errors`. opts.env adds to (or overrides) the app's
 * environment, PATH say.
 */
export async function startApp(name, opts = {}) {
  if (!process.env.DISPLAY) throw new Error("DISPLAY is not set: run the suite through `make test-e2e` (it starts Xvfb)");
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), `shipdeck-e2e-${name}-`));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let log = "";
  // The dev build serves frontend/dist from the working directory; it takes
  // no flags of ours (Wails parses its own from the command line).
  const proc = spawn(binary, [], {
    cwd: repoRoot,
    env: { ...process.env, ...opts.env, devserver: `127.0.0.1:${port}`, SHIPDECK_DATA_DIR: dataDir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  proc.stdout.on("data", (d) => (log += d));
  proc.stderr.on("data", (d) => (log += d));
  const exited = new Promise((res) => proc.on("exit", (code, signal) => res({ code, signal })));
  await waitFor(async () => {
    if (proc.exitCode !== null) throw new Error(`app exited early:\n${log}`);
    const r = await fetch(url + "/");
    return r.ok;
  }, `the dev server on ${url}`);

  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: chromiumArgs });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors = [];
  // The dev build's browser bridge (Wails' ipc.js over a websocket) can drop
  // its connection on a loaded machine; until it reconnects (every 500 ms)
  // a call fails in ipc.js with "Cannot read properties of null (reading
  // 'send')". The app's window uses WebKit's own message handler instead, so
  // that is the harness's transport failing, not the app: it is counted
  // and printed, not treated as the app's console error.
  const bridgeDrops = [];
  const record = (text) => {
    if (text.includes("reading 'send'") && text.includes("/wails/ipc.js")) bridgeDrops.push(text);
    else errors.push(text);
  };
  page.on("console", (m) => {
    if (m.type() === "error") record(m.text());
  });
  page.on("pageerror", (e) => record(String(e.stack ?? e)));
  page.on("close", () => {
    if (bridgeDrops.length) console.log(`# the dev bridge's websocket was down for ${bridgeDrops.length} call(s) (${name})`);
  });
  await page.goto(url + "/");
  await page.waitForFunction(() => window.go !== undefined, null, { timeout: 60_000 });

  return {
    page,
    url,
    dataDir,
    dbPath: join(dataDir, "shipdeck.db"),
    errors,
    log: () => log,
    /** call invokes a bound Go method the way the UI does. */
    call: (service, method, ...args) =>
      page.evaluate(([s, m, a]) => {
        const [pkg, struct] = s.split(".");
        return window.go[pkg][struct][m](...a);
      }, [service, method, args]),
    /** go navigates to a hash route. */
    go: async (path) => {
      await page.goto(`${url}/#${path}`);
    },
    screenshot: async (file) => {
      mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: join(artifacts, file) });
    },
    /** signal sends a signal to the app's own process and resolves when it
     * exits, with the time it took. */
    signal: async (sig) => {
      const t0 = Date.now();
      proc.kill(sig);
      const res = await exited;
      return { ...res, ms: Date.now() - t0 };
    },
    /** window is the X11 id of the app's own window (not Chromium's). */
    window: () => {
      const out = execFileSync("xdotool", ["search", "--onlyvisible", "--pid", String(proc.pid), "--name", "^Shipdeck$"], { encoding: "utf8" });
      const id = out.trim().split("\n")[0];
      if (!id) throw new Error("the app has no visible window");
      return id;
    },
    /** quit asks the app to quit the way an operator does — "menu quit"
     * (Ctrl+Q, the File menu's accelerator) or "window close" (the title
     * bar's ×, a WM_DELETE_WINDOW message) — and resolves when it exits. */
    quit: async (how, win) => {
      const t0 = Date.now();
      if (how === "menu quit") {
        execFileSync("xdotool", ["windowfocus", "--sync", win]);
        execFileSync("xdotool", ["key", "--clearmodifiers", "ctrl+q"]);
      } else if (how === "window close") {
        execFileSync(xclose, [win]);
      } else {
        throw new Error(`no way to quit called ${how}`);
      }
      const res = await exited;
      return { ...res, ms: Date.now() - t0 };
    },
    stop: async () => {
      await browser.close().catch(() => {});
      if (proc.exitCode === null) proc.kill("SIGTERM");
      const t = setTimeout(() => proc.kill("SIGKILL"), 5_000);
      const res = await exited;
      clearTimeout(t);
      return res;
    },
    cleanup: () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

/**
 * seedRelease makes, through app's bound services, the cluster prod-eu with
 * the customers given as [name, namespace] pairs, and the active release
 * 2026.12 of two bash steps for all of them: deploy "Upgrade" (helm, with
 * {{namespace}}) and verify "Health". It resolves with the release.
 */
export async function seedRelease(app, customers) {
  const eu = await app.call("cluster.Service", "Create", { name: "prod-eu", kubeconfigPath: "", description: "", metadata: {} });
  for (const [name, ns] of customers) {
    await app.call("customer.Service", "Create", { clusterId: eu.id, name, namespace: ns, description: "", metadata: {} });
  }
  const r = await app.call("release.Service", "Create", {
    name: "2026.12", type: "release", versionNumber: "", description: "", metadata: {},
    targets: { mode: "all", clusterIds: [], customerIds: [] }, copyTemplatesFrom: 0,
    templates: [
      { name: "Upgrade", category: "deploy", type: "bash", content: "helm upgrade -n {{namespace}}", description: "" },
      { name: "Health", category: "verify", type: "bash", content: "curl", description: "" },
    ],
  });
  return app.call("release.Service", "Activate", r.id);
}
