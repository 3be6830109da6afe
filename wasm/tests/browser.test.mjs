// The example page (wasm/example/) in real headless Chromium, driven by playwright-core: serve
// the page, the web build and the mini fixture on 127.0.0.1, click the button, wait for
// "MATCH" and the verified status, check the progress bar reached 100%, save a screenshot.
// Run by `cargo xtask test` (wasm step) as
//   ZKID_WASM_PKG=target/wasm-test/pkg node --test wasm/tests/browser.test.mjs
// Needs /usr/bin/chromium (tools/apt/install.sh chromium chromium-driver) and playwright-core
// (bash tools/npm/install.sh); a missing one fails the test with the reason.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const pkg = path.resolve(root, process.env.ZKID_WASM_PKG ?? "target/wasm-test/pkg");
const out = path.resolve(root, process.env.ZKID_WASM_OUT ?? "target/wasm-test");
const chromiumPath = process.env.ZKID_CHROMIUM ?? "/usr/bin/chromium";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
};

// URL prefix → directory. The page imports ../pkg/web/ (wasm/pkg after `cargo xtask wasm`);
// here that prefix serves the build under test. Nothing else of the repository is served.
const MOUNTS = [
  ["/wasm/pkg/", path.join(pkg, "/")],
  ["/wasm/example/", path.join(root, "wasm/example/")],
  ["/models/iris/mini/", path.join(root, "models/iris/mini/")],
];

function serve() {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://localhost");
    const pathname = decodeURIComponent(url.pathname);
    const mount = MOUNTS.find(([prefix]) => pathname.startsWith(prefix));
    const file = mount && path.resolve(mount[1], "." + pathname.slice(mount[0].length - 1));
    if (!file || !file.startsWith(mount[1]) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, {
      "content-type": TYPES[path.extname(file)] ?? "application/octet-stream",
      "cache-control": "no-store",
    });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

test("the example page enrolls, matches and verifies in headless Chromium", async (t) => {
  assert.ok(fs.existsSync(chromiumPath), `${chromiumPath} is missing: tools/apt/install.sh chromium chromium-driver`);
  assert.ok(fs.existsSync(path.join(pkg, "web/zkid_wasm_bg.wasm")), `no web build in ${pkg} (cargo xtask test builds it)`);
  const playwright = path.join(root, "tools/npm/node_modules/playwright-core");
  assert.ok(fs.existsSync(playwright), "playwright-core is not installed: bash tools/npm/install.sh");
  const { chromium } = createRequire(import.meta.url)(playwright);

  const server = await serve();
  const base = `http://127.0.0.1:${server.address().port}`;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "zkid-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 820, height: 640 },
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const problems = [];
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("console", (m) => m.type() === "error" && problems.push(`console error: ${m.text()}`));
    page.on("response", (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()} for ${r.url()}`));
    const widths = [];
    await page.exposeFunction("__zkidBar", (v) => widths.push(v));

    await page.goto(`${base}/wasm/example/index.html`);
    await page.waitForSelector("#run:not([disabled])");
    const version = await page.evaluate(() => navigator.userAgent);
    t.diagnostic(`browser: ${version}`);
    // Record every value the bar takes, to check it advances monotonically.
    await page.evaluate(() => {
      const bar = document.getElementById("bar");
      new MutationObserver(() => window.__zkidBar(bar.value)).observe(bar, { attributes: true });
      const set = Object.getOwnPropertyDescriptor(HTMLProgressElement.prototype, "value").set;
      Object.defineProperty(bar, "value", {
        get: () => Number(bar.getAttribute("value")),
        set(v) {
          set.call(bar, v);
          bar.setAttribute("value", String(v));
        },
      });
    });
    const start = Date.now();
    await page.click("#run");
    await page.waitForFunction(
      () => ["MATCH", "NO MATCH", "ERROR"].includes(document.getElementById("verdict").textContent),
      null,
      { timeout: 300_000 },
    );
    const elapsed = Date.now() - start;
    const state = await page.evaluate(() => ({
      verdict: document.getElementById("verdict").textContent,
      status: document.getElementById("status").textContent,
      bar: document.getElementById("bar").value,
      percent: document.getElementById("percent").textContent,
      details: document.getElementById("details").textContent,
    }));
    t.diagnostic(`page finished in ${elapsed} ms: ${JSON.stringify(state)}`);
    console.log(`Chromium: enroll + match + verify (with two dev setups) in ${elapsed} ms\n${state.details}`);
    fs.mkdirSync(out, { recursive: true });
    await page.screenshot({ path: path.join(out, "example.png"), fullPage: true });

    assert.equal(state.verdict, "MATCH", `status: ${state.status}`);
    assert.equal(state.status, "both proofs verified");
    assert.equal(state.bar, 1);
    assert.equal(state.percent, "100%");
    assert.match(state.details, /enroll: \d+ constraints, proved in \d+ ms/);
    assert.ok(widths.length > 10, `the bar moved ${widths.length} times`);
    for (let i = 1; i < widths.length; i++) assert.ok(widths[i] >= widths[i - 1], `bar went back: ${widths}`);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    server.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
});
