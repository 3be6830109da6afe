#!/usr/bin/env python3
"""Prove one ONNX model on one input with ezkl, for zkid's side-by-side benchmark.

Usage:  tools/ezkl/.venv/bin/python tools/ezkl/run.py MODEL.onnx INPUT.npy OUTDIR

Runs ezkl's whole pipeline in OUTDIR: gen_settings -> calibrate_settings ->
compile_circuit -> gen_srs (generated here, never downloaded: this script makes no network
access) -> setup -> gen_witness -> prove -> verify, and prints one JSON object on stdout:
step times (s), proving-key and verifying-key sizes (bytes), logrows, and the peak RSS of
the prove step, which runs alone in a child process (its ru_maxrss from wait4).

The statement matches zkid's `infer`: input private, output public, weights fixed
(circuit constants). Calibration uses the proven input itself (target "resources").
The locally generated SRS is insecure (its toxic waste is known): like zkid's `setup
--dev`, it is for measuring, not for production.
"""

import asyncio
import inspect
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np


def call(f, *args, **kwargs):
    """ezkl functions are sync or async depending on the version."""
    out = f(*args, **kwargs)
    if inspect.isawaitable(out):
        out = asyncio.run(out)
    return out


def timed(f, *args, **kwargs):
    start = time.perf_counter()
    out = call(f, *args, **kwargs)
    return out, time.perf_counter() - start


def prove_child(witness, compiled, pk, proof, srs):
    """The prove step alone (run in a child process so its peak RSS is its own)."""
    import ezkl

    ok, secs = timed(ezkl.prove, witness=witness, model=compiled, pk_path=pk, proof_path=proof, srs_path=srs)
    print(json.dumps({"ok": bool(ok), "prove_s": secs}))


def main(model, input_npy, outdir):
    import ezkl

    os.makedirs(outdir, exist_ok=True)
    p = lambda name: os.path.join(outdir, name)  # noqa: E731
    x = np.load(input_npy).astype(np.float64)
    with open(p("input.json"), "w") as f:
        json.dump({"input_data": [x.reshape(-1).tolist()]}, f)

    times = {}
    args = ezkl.PyRunArgs()
    args.input_visibility = "private"
    args.output_visibility = "public"
    args.param_visibility = "fixed"
    _, times["gen_settings_s"] = timed(ezkl.gen_settings, model=model, output=p("settings.json"), py_run_args=args)
    _, times["calibrate_s"] = timed(
        ezkl.calibrate_settings, data=p("input.json"), model=model, settings=p("settings.json"), target="resources"
    )
    _, times["compile_s"] = timed(
        ezkl.compile_circuit, model=model, compiled_circuit=p("network.ezkl"), settings_path=p("settings.json")
    )
    with open(p("settings.json")) as f:
        settings = json.load(f)
    logrows = int(settings["run_args"]["logrows"])
    _, times["gen_srs_s"] = timed(ezkl.gen_srs, p("kzg.srs"), logrows)
    _, times["setup_s"] = timed(
        ezkl.setup, model=p("network.ezkl"), vk_path=p("vk.key"), pk_path=p("pk.key"), srs_path=p("kzg.srs")
    )
    _, times["gen_witness_s"] = timed(
        ezkl.gen_witness, data=p("input.json"), model=p("network.ezkl"), output=p("witness.json")
    )

    cmd = [sys.executable, os.path.abspath(__file__), "--prove-child",
           p("witness.json"), p("network.ezkl"), p("pk.key"), p("proof.json"), p("kzg.srs")]
    start = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.PIPE)
    stdout = child.stdout.read() if child.stdout else b""
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    process_s = time.perf_counter() - start
    if child.returncode != 0:
        sys.exit(f"ezkl prove failed (exit {child.returncode})")
    proved = json.loads(stdout.decode().strip().splitlines()[-1])
    # ru_maxrss is in KiB on Linux (bytes on macOS).
    rss = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)

    ok, times["verify_s"] = timed(
        ezkl.verify, proof_path=p("proof.json"), settings_path=p("settings.json"), vk_path=p("vk.key"),
        srs_path=p("kzg.srs"),
    )
    if not ok or not proved["ok"]:
        sys.exit("ezkl: the proof did not verify")
    report = {
        "tool": "ezkl",
        "ezkl_version": getattr(ezkl, "__version__", "unknown"),
        "model": os.path.abspath(model),
        "logrows": logrows,
        "num_rows": settings.get("num_rows"),
        "prove_ms": proved["prove_s"] * 1e3,
        "prove_process_ms": process_s * 1e3,
        "prove_peak_rss_bytes": rss,
        "proving_key_bytes": os.path.getsize(p("pk.key")),
        "verifying_key_bytes": os.path.getsize(p("vk.key")),
        "srs_bytes": os.path.getsize(p("kzg.srs")),
        "proof_bytes": os.path.getsize(p("proof.json")),
        "verified": True,
        "input_visibility": "private",
        "output_visibility": "public",
        "param_visibility": "fixed",
    }
    report.update({k[:-2] + "_ms": v * 1e3 for k, v in times.items()})
    # This process's own peak (setup and witness generation), for reference.
    report["pipeline_peak_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * (
        1 if sys.platform == "darwin" else 1024)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    if len(sys.argv) == 7 and sys.argv[1] == "--prove-child":
        prove_child(*sys.argv[2:])
    elif len(sys.argv) == 4:
        main(*sys.argv[1:])
    else:
        sys.exit(__doc__)
