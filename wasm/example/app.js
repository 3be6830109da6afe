// The example page: one button runs the demo in a worker and shows its progress and result.
const $ = (id) => document.getElementById(id);

function run() {
  $("run").disabled = true;
  $("verdict").textContent = "…";
  $("verdict").className = "";
  $("status").textContent = "loading the wasm module";
  const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
  worker.onmessage = ({ data }) => {
    if (data.type === "progress") {
      $("bar").value = data.overall;
      $("percent").textContent = `${Math.round(data.overall * 100)}%`;
      $("status").textContent = data.phase ? `${data.step}: ${data.phase}` : data.step;
    } else if (data.type === "result") {
      $("bar").value = 1;
      $("percent").textContent = "100%";
      $("verdict").textContent = data.verdict ? "MATCH" : "NO MATCH";
      $("verdict").className = data.verdict ? "match" : "nomatch";
      $("status").textContent = data.verified ? "both proofs verified" : "VERIFICATION FAILED";
      $("details").textContent = [
        `zkid ${data.version}, model ${data.model.name} (${data.model.digest.slice(0, 16)}…)`,
        `enroll: ${data.model.constraints.enroll} constraints, proved in ${data.proveMs.enroll.toFixed(0)} ms`,
        `match:  ${data.model.constraints.match} constraints, proved in ${data.proveMs.match.toFixed(0)} ms`,
        `threshold tau = ${data.tau} / 65536`,
      ].join("\n");
      $("run").disabled = false;
      worker.terminate();
    } else {
      $("verdict").textContent = "ERROR";
      $("status").textContent = `${data.code}: ${data.message}`;
      $("run").disabled = false;
      worker.terminate();
    }
  };
  worker.onerror = (event) => {
    $("verdict").textContent = "ERROR";
    $("status").textContent = `worker failed: ${event.message}`;
    $("run").disabled = false;
  };
  worker.postMessage("run");
}

$("run").addEventListener("click", run);
