// Proving runs in a module worker: it takes seconds, and on the page's main thread it would
// freeze the page (and its progress bar) until done.
import init, * as zkid from "../pkg/web/zkid_wasm.js";
import { runDemo } from "./demo.js";

const fixture = new URL("../../models/iris/mini/", import.meta.url);

async function load(name) {
  const response = await fetch(new URL(name, fixture));
  if (!response.ok) throw new Error(`cannot fetch ${name}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

self.onmessage = async () => {
  try {
    await init();
    const result = await runDemo(zkid, load, (event) => self.postMessage({ type: "progress", ...event }));
    // Only what the page shows: the sealed enrollment stays here (a real app stores it).
    self.postMessage({
      type: "result",
      version: zkid.version(),
      model: result.model,
      verdict: result.matched.verdict,
      tau: result.matched.tau,
      verified: result.verified,
      proveMs: result.proveMs,
    });
  } catch (error) {
    self.postMessage({ type: "error", code: error.code ?? "Error", message: String(error.message ?? error) });
  }
};
