// The wasm package in Node: the demo flow, verification, the bad-input table with error codes,
// progress and cancellation, a privacy walk over everything returned, snarkjs verification,
// and prove times. Run by `cargo xtask test` (wasm step) as
//   ZKID_WASM_PKG=target/wasm-test/pkg node --test wasm/tests/node.test.mjs
// against the mini iris fixture (models/iris/mini/README.md).
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runDemo, MATCH_STATEMENT } from "../example/demo.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const pkg = path.resolve(root, process.env.ZKID_WASM_PKG ?? "target/wasm-test/pkg");
const out = path.resolve(root, process.env.ZKID_WASM_OUT ?? "target/wasm-test");
const fixture = path.join(root, "models/iris/mini");
const zkid = createRequire(import.meta.url)(path.join(pkg, "node/zkid_wasm.js"));

const INFER_COMMITTED = "infer(input=committed,output=committed)";
const INFER_PUBLIC = "infer(input=committed,output=public)";
const load = async (name) => new Uint8Array(fs.readFileSync(path.join(fixture, name)));
const capture = (name) => ({
  image: new Uint8Array(fs.readFileSync(path.join(fixture, `${name}.image`))),
  mask: new Uint8Array(fs.readFileSync(path.join(fixture, `${name}.mask`))),
});

// Shared state, made once: model, captures, dev keys for four statements, one enrollment.
const S = {};
// Everything enroll/match/prove/verify returned and every error thrown: the privacy walk's input.
const returned = [];
const keep = (value) => {
  returned.push(value);
  return value;
};
const times = {};

function throwsCode(fn, code, why) {
  let error;
  try {
    keep(fn());
  } catch (e) {
    error = e;
  }
  assert.ok(error, `${why}: expected an error with code ${code}, nothing was thrown`);
  assert.ok(error instanceof Error, `${why}: thrown value is not an Error: ${error}`);
  assert.equal(error.name, "ZkidError", `${why}: ${error.stack}`);
  assert.equal(error.code, code, `${why}: ${error.message}`);
  assert.ok(error.message.length > 0, why);
  keep(error);
  return error;
}

function timed(name, fn) {
  const start = performance.now();
  const result = fn();
  times[name] = { wallMs: performance.now() - start, proveMs: result.proveMs, constraints: result.constraints };
  return result;
}

before(() => {
  S.model = zkid.Model.fromBytes(fs.readFileSync(path.join(fixture, "model.zkm")));
  S.a1 = capture("a1");
  S.a2 = capture("a2");
  S.b = capture("b");
  S.keys = {};
  for (const statement of ["enroll", MATCH_STATEMENT, INFER_COMMITTED, INFER_PUBLIC]) {
    const start = performance.now();
    S.keys[statement] = zkid.devSetup(S.model, statement);
    times[`devSetup ${statement}`] = { wallMs: performance.now() - start };
  }
  S.enroller = new zkid.Prover(S.model, S.keys.enroll.provingKey);
  S.matcher = new zkid.Prover(S.model, S.keys[MATCH_STATEMENT].provingKey);
  S.sealingKey = zkid.generateSealingKey();
  S.enrolled = keep(timed("enroll", () => S.enroller.enroll(S.a1, S.sealingKey)));
});

test("model metadata", () => {
  assert.equal(S.model.name, "mini-iris");
  assert.match(S.model.digest, /^[0-9a-f]{64}$/);
  assert.equal(S.model.isIris, true);
  assert.equal(S.model.captureLen, 1024);
  assert.match(zkid.version(), /^\d+\.\d+\.\d+/);
  assert.equal(S.enroller.statement, "enroll");
  assert.equal(S.matcher.statement, MATCH_STATEMENT);
});

test("generateSealingKey gives 32 fresh random bytes", () => {
  const [k1, k2] = [zkid.generateSealingKey(), zkid.generateSealingKey()];
  assert.equal(k1.length, 32);
  assert.notDeepEqual(k1, k2);
});

test("enroll a1, match a2 (true) and b (false), every proof verifies", () => {
  const e = S.enrolled;
  assert.equal(e.statement, "enroll");
  assert.equal(e.publicSignals.length, 3);
  assert.equal(e.publicSignals[0], e.imageCommitment);
  assert.equal(e.publicSignals[1], e.templateCommitment);
  assert.ok(e.sealedEnrollment instanceof Uint8Array && e.sealedEnrollment.length > 32);
  assert.ok(e.constraints > 0 && e.proveMs > 0);
  const enrollVerifier = new zkid.Verifier(S.keys.enroll.verifyingKey);
  assert.equal(enrollVerifier.statement, "enroll");
  assert.equal(enrollVerifier.modelDigest, S.model.digest);
  const v = keep(enrollVerifier.verify(e.proofJson));
  assert.equal(v.valid, true);
  assert.equal(v.verdict, undefined);
  assert.deepEqual(v.publicSignals, e.publicSignals);

  const matchVerifier = new zkid.Verifier(S.keys[MATCH_STATEMENT].verifyingKey);
  const same = keep(timed("match", () => S.matcher.matchEnrolled(S.a2, e.sealedEnrollment, S.sealingKey)));
  assert.equal(same.verdict, true);
  assert.equal(same.tau, Math.round(0.35 * 65536));
  assert.equal(same.templateCommitment, e.templateCommitment);
  assert.notEqual(same.imageCommitment, e.imageCommitment);
  const sv = keep(matchVerifier.verify(same.proofJson));
  assert.deepEqual([sv.valid, sv.verdict, sv.statement], [true, true, MATCH_STATEMENT]);

  const other = keep(S.matcher.matchEnrolled(S.b, e.sealedEnrollment, S.sealingKey));
  assert.equal(other.verdict, false);
  const ov = keep(matchVerifier.verify(other.proofJson));
  assert.deepEqual([ov.valid, ov.verdict], [true, false]);
  S.matched = same;
});

test("the demo flow of the example page (shared with the browser test)", async () => {
  const result = keep(await runDemo(zkid, load));
  assert.equal(result.matched.verdict, true);
  assert.equal(result.verified, true);
});

test("lookup-mode keys (devSetup(model, id, true)): enroll, match, verify", () => {
  const keys = { enroll: zkid.devSetup(S.model, "enroll", true), match: zkid.devSetup(S.model, MATCH_STATEMENT, true) };
  const enrolled = keep(new zkid.Prover(S.model, keys.enroll.provingKey).enroll(S.a1, S.sealingKey));
  assert.ok(enrolled.constraints < S.enrolled.constraints, "lookup mode is the smaller circuit");
  assert.match(enrolled.proofJson, /zkid_commitment/);
  assert.equal(new zkid.Verifier(keys.enroll.verifyingKey).verify(enrolled.proofJson).valid, true);
  const matcher = new zkid.Prover(S.model, keys.match.provingKey);
  const verifier = new zkid.Verifier(keys.match.verifyingKey);
  for (const [capture, verdict] of [[S.a2, true], [S.b, false]]) {
    const m = keep(matcher.matchEnrolled(capture, enrolled.sealedEnrollment, S.sealingKey));
    assert.equal(m.verdict, verdict);
    const v = verifier.verify(m.proofJson);
    assert.deepEqual([v.valid, v.verdict], [true, verdict]);
  }
  // Plain keys do not accept a lookup-mode proof.
  let plainAccepts = false;
  try {
    plainAccepts = new zkid.Verifier(S.keys.enroll.verifyingKey).verify(enrolled.proofJson).valid;
  } catch (e) {
    assert.equal(e.name, "ZkidError");
  }
  assert.equal(plainAccepts, false);
});

test("a nonce is bound into the proof and checked by the verifier", () => {
  const nonce = "123456789012345678901234567890";
  const r = keep(S.enroller.enroll(S.a1, S.sealingKey, nonce));
  assert.equal(r.publicSignals.at(-1), nonce);
  const verifier = new zkid.Verifier(S.keys.enroll.verifyingKey);
  assert.equal(keep(verifier.verify(r.proofJson, nonce)).valid, true);
  throwsCode(() => verifier.verify(r.proofJson, "42"), "Proof", "another nonce");
});

test("tampered public signals do not verify", () => {
  const verifier = new zkid.Verifier(S.keys[MATCH_STATEMENT].verifyingKey);
  for (const [index, change] of [
    [1, (x) => (BigInt(x) + 1n).toString()], // another template commitment
    [3, (x) => (x === "1" ? "0" : "1")], // the verdict flipped
  ]) {
    const env = JSON.parse(S.matched.proofJson);
    env.publicSignals[index] = change(env.publicSignals[index]);
    let valid;
    try {
      valid = keep(verifier.verify(JSON.stringify(env))).valid;
    } catch (e) {
      assert.equal(e.code, "Proof", e.message);
      valid = false;
    }
    assert.equal(valid, false, `public signal ${index} tampered`);
  }
});

test("verifySnarkjs on snarkjs-format files", () => {
  const env = JSON.parse(S.enrolled.proofJson);
  const vkJson = zkid.verifyingKeyToSnarkjs(S.keys.enroll.verifyingKey);
  const vk = JSON.parse(vkJson);
  assert.equal(vk.protocol, "groth16");
  assert.equal(vk.curve, "bn128");
  assert.equal(vk.nPublic, 3);
  const proof = JSON.stringify(env.proof);
  assert.equal(zkid.verifySnarkjs(vkJson, proof, JSON.stringify(env.publicSignals)), true);
  const tampered = [...env.publicSignals];
  tampered[0] = (BigInt(tampered[0]) + 1n).toString();
  assert.equal(zkid.verifySnarkjs(vkJson, proof, JSON.stringify(tampered)), false);
  const swapped = { ...env.proof, pi_a: env.proof.pi_c, pi_c: env.proof.pi_a };
  assert.equal(zkid.verifySnarkjs(vkJson, JSON.stringify(swapped), JSON.stringify(env.publicSignals)), false);
  throwsCode(() => zkid.verifySnarkjs("{}", proof, "[]"), "Key", "empty verification key");
  throwsCode(() => zkid.verifySnarkjs(vkJson, "not json", "[]"), "Proof", "garbage proof");
  throwsCode(() => zkid.verifySnarkjs(vkJson, proof, '["x"]'), "Proof", "garbage public signals");
});

test("bad inputs fail with the right code and nothing panics", () => {
  const { model, a1, a2, sealingKey, enrolled } = S;
  const sealed = enrolled.sealedEnrollment;
  const pk = S.keys.enroll.provingKey;
  const inferProver = new zkid.Prover(model, S.keys[INFER_COMMITTED].provingKey);
  const corrupt = pk.slice();
  corrupt[corrupt.length >> 1] ^= 0x55;
  const otherKey = zkid.generateSealingKey();
  const garbage = new Uint8Array(200).map((_, i) => (i * 37 + 11) & 0xff);
  // A raw-input model (linreg: 10 floats in) for the non-finite rows.
  const rawModel = zkid.Model.fromBytes(fs.readFileSync(path.join(root, "models/linreg/model.zkm")));
  assert.equal(rawModel.isIris, false);
  const rawKeys = zkid.devSetup(rawModel, INFER_PUBLIC);
  const raw = { keys: rawKeys, prover: new zkid.Prover(rawModel, rawKeys.provingKey) };
  const rawValues = (at, value) => {
    const v = new Float32Array(rawModel.captureLen).fill(0.25);
    v[at] = value;
    return v;
  };
  assert.equal(keep(raw.prover.prove({ values: new Float32Array(rawModel.captureLen).fill(0.25) })).publicSignals.length, 3);
  const table = [
    ["garbage model bytes", "Model", () => zkid.Model.fromBytes(garbage)],
    ["empty model bytes", "Model", () => zkid.Model.fromBytes(new Uint8Array(0))],
    ["wrong image size", "InvalidInput", () => S.enroller.enroll({ image: a1.image.subarray(1), mask: a1.mask }, sealingKey)],
    ["wrong mask size", "InvalidInput", () => S.enroller.enroll({ image: a1.image, mask: new Uint8Array(5) }, sealingKey)],
    ["raw values for an iris model", "InvalidInput", () => S.enroller.enroll({ values: new Float32Array(1024) }, sealingKey)],
    ["capture is not an object", "InvalidInput", () => S.enroller.enroll("a1", sealingKey)],
    ["image is not a Uint8Array", "InvalidInput", () => S.enroller.enroll({ image: [1, 2, 3], mask: a1.mask }, sealingKey)],
    ["image without mask", "InvalidInput", () => S.enroller.enroll({ image: a1.image }, sealingKey)],
    ["corrupt proving key", "Key", () => new zkid.Prover(model, corrupt)],
    ["truncated proving key", "Key", () => new zkid.Prover(model, pk.subarray(0, 100))],
    ["verifying key as proving key", "Key", () => new zkid.Prover(model, S.keys.enroll.verifyingKey)],
    ["pinned digest differs", "Key", () => new zkid.Prover(model, pk, "00".repeat(32))],
    ["pinned digest not hex", "InvalidInput", () => new zkid.Prover(model, pk, "xyz")],
    ["key for another statement (enroll key, match call)", "Key",
      () => S.enroller.matchEnrolled(a2, sealed, sealingKey)],
    ["key for another statement (infer key, enroll call)", "Key", () => inferProver.enroll(a1, sealingKey)],
    ["key for another statement (match key, prove call)", "Key", () => S.matcher.prove(a1)],
    ["proof checked with another statement's key", "Proof",
      () => new zkid.Verifier(S.keys[MATCH_STATEMENT].verifyingKey).verify(enrolled.proofJson)],
    ["garbage verifying key", "Key", () => new zkid.Verifier(garbage)],
    ["garbage proof JSON", "Proof", () => new zkid.Verifier(S.keys.enroll.verifyingKey).verify("{\"proof\": 1}")],
    ["garbage sealed blob", "Sealing", () => S.matcher.matchEnrolled(a2, garbage, sealingKey)],
    ["empty sealed blob", "Sealing", () => S.matcher.matchEnrolled(a2, new Uint8Array(0), sealingKey)],
    ["wrong sealing key", "Sealing", () => S.matcher.matchEnrolled(a2, sealed, otherKey)],
    ["sealing key of 31 bytes", "Sealing", () => S.enroller.enroll(a1, sealingKey.subarray(1))],
    ["nonce not a number", "InvalidInput", () => S.enroller.enroll(a1, sealingKey, "abc")],
    ["negative nonce", "InvalidInput", () => S.enroller.enroll(a1, sealingKey, "-1")],
    ["nonce above the field", "InvalidInput", () => S.enroller.enroll(a1, sealingKey, (1n << 256n).toString())],
    ["expected nonce not a number", "InvalidInput",
      () => new zkid.Verifier(S.keys.enroll.verifyingKey).verify(enrolled.proofJson, "0x12")],
    ["tau NaN", "InvalidInput", () => S.matcher.matchEnrolled(a2, sealed, sealingKey, NaN)],
    ["tau 2.0", "InvalidInput", () => S.matcher.matchEnrolled(a2, sealed, sealingKey, 2.0)],
    ["tau negative", "InvalidInput", () => S.matcher.matchEnrolled(a2, sealed, sealingKey, -0.1)],
    ["onProgress not a function", "InvalidInput", () => S.enroller.enroll(a1, sealingKey, undefined, 42)],
    ["unknown statement for devSetup", "InvalidInput", () => zkid.devSetup(model, "prove(everything)")],
    ["cancel via onProgress", "Cancelled",
      () => S.enroller.enroll(a1, sealingKey, undefined, (phase) => phase === "witness_map")],
    ["cancel at the first phase", "Cancelled", () => S.matcher.matchEnrolled(a2, sealed, sealingKey, undefined, undefined, () => true)],
    // NaN and infinities in a raw capture, empty buffers of every kind, the memory budget.
    ["NaN in a raw capture", "Model", () => raw.prover.prove({ values: rawValues(3, NaN) })],
    ["+Infinity in a raw capture", "Model", () => raw.prover.prove({ values: rawValues(0, Infinity) })],
    ["-Infinity in a raw capture", "Model", () => raw.prover.prove({ values: rawValues(9, -Infinity) })],
    ["raw capture of the wrong size", "InvalidInput", () => raw.prover.prove({ values: new Float32Array(11) })],
    ["empty raw capture", "InvalidInput", () => raw.prover.prove({ values: new Float32Array(0) })],
    ["empty iris image and mask", "InvalidInput",
      () => S.enroller.enroll({ image: new Uint8Array(0), mask: new Uint8Array(0) }, sealingKey)],
    ["empty proving key", "Key", () => new zkid.Prover(model, new Uint8Array(0))],
    ["empty verifying key", "Key", () => new zkid.Verifier(new Uint8Array(0))],
    ["empty proof JSON", "Proof", () => new zkid.Verifier(S.keys.enroll.verifyingKey).verify("")],
    ["empty sealing key", "Sealing", () => S.matcher.matchEnrolled(a2, sealed, new Uint8Array(0))],
    ["raw keys for the iris model", "Key", () => new zkid.Prover(model, raw.keys.provingKey)],
    ["proving over a 1 MiB memory budget", "InvalidInput", () => new zkid.Prover(model, pk, undefined, 1 << 20)],
    ["memoryBudget not positive", "InvalidInput", () => new zkid.Prover(model, pk, undefined, -1)],
    ["memoryBudget NaN", "InvalidInput", () => new zkid.Prover(model, pk, null, NaN)],
  ];
  for (const [why, code, fn] of table) throwsCode(fn, code, why);
  // The budget's message says what is needed and how to raise it; a roomy budget loads.
  const over = throwsCode(() => new zkid.Prover(model, pk, undefined, 1 << 20), "InvalidInput", "budget message");
  assert.match(over.message, /needs an estimated [\d.]+ MiB of memory, over the memory budget of 1\.00 MiB/);
  assert.equal(new zkid.Prover(model, pk, undefined, 2 ** 31).statement, "enroll");
  assert.match(throwsCode(() => raw.prover.prove({ values: rawValues(3, NaN) }), "Model", "NaN index").message, /#3 is not finite/);

  // An exception thrown by onProgress stops the proof and comes back unchanged.
  const mine = new Error("stop from the app");
  assert.throws(() => S.enroller.enroll(a1, sealingKey, undefined, () => { throw mine; }), (e) => e === mine);

  // The instance is still healthy after all of that.
  const again = keep(S.matcher.matchEnrolled(a2, sealed, sealingKey));
  assert.equal(again.verdict, true);
});

test("progress: monotone fractions from 0, ending at exactly 1 with \"done\"", () => {
  const events = [];
  keep(S.enroller.enroll(S.a1, S.sealingKey, undefined, (phase, fraction) => {
    events.push([phase, fraction]);
  }));
  const fractions = events.map(([, f]) => f);
  assert.deepEqual(events[0], ["synthesis", 0]);
  assert.deepEqual(events.at(-1), ["done", 1]);
  for (let i = 1; i < fractions.length; i++) assert.ok(fractions[i] >= fractions[i - 1], JSON.stringify(events));
  const phases = events.map(([p]) => p);
  for (const p of ["synthesis", "row_evaluation", "witness_map", "msm_h", "msm_l", "msm_a", "msm_b_g1", "msm_b_g2"]) {
    assert.ok(phases.includes(p), `phase ${p} reported: ${phases}`);
  }
});

test("infer proofs; the template for the privacy walk comes from a public-output proof", () => {
  const committed = keep(timed(INFER_COMMITTED, () => new zkid.Prover(S.model, S.keys[INFER_COMMITTED].provingKey).prove(S.a1)));
  assert.equal(keep(new zkid.Verifier(S.keys[INFER_COMMITTED].verifyingKey).verify(committed.proofJson)).valid, true);
  // `infer(input=committed,output=public)` reveals the model's output, the iris code and mask
  // bits: the template itself. It is obtained through the public API on purpose (nothing extra
  // is exposed to extract a template) and is *not* part of the privacy walk's input.
  const open = timed(INFER_PUBLIC, () => new zkid.Prover(S.model, S.keys[INFER_PUBLIC].provingKey).prove(S.a1));
  assert.equal(new zkid.Verifier(S.keys[INFER_PUBLIC].verifyingKey).verify(open.proofJson).valid, true);
  const outputs = open.publicSignals.slice(1, -1); // [c_img, ...outputs, nonce]
  assert.equal(outputs.length, 512, "256 code bits and 256 mask bits");
  S.template = outputs.map(Number);
  assert.ok(S.template.every((v) => v === 0 || v === 1), `template values ${[...new Set(outputs)]}`);
  assert.ok(S.template.some((v) => v === 0) && S.template.some((v) => v === 1));
});

// ---- privacy walk ---------------------------------------------------------------------------

/** Every string, byte array and array reachable from `value` (JSON strings are parsed too). */
function collect(value, acc = { strings: [], bytes: [], arrays: [] }, seen = new Set()) {
  if (value === null || value === undefined) return acc;
  if (typeof value === "string") {
    acc.strings.push(value);
    acc.bytes.push(Buffer.from(value, "utf8"), Buffer.from(value, "latin1"));
    try {
      const parsed = JSON.parse(value);
      if (parsed && typeof parsed === "object") collect(parsed, acc, seen);
    } catch {}
    return acc;
  }
  if (typeof value !== "object" && typeof value !== "function") return acc;
  if (ArrayBuffer.isView(value)) {
    acc.bytes.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
    return acc;
  }
  if (value instanceof ArrayBuffer) {
    acc.bytes.push(Buffer.from(value));
    return acc;
  }
  if (seen.has(value)) return acc;
  seen.add(value);
  if (Array.isArray(value)) acc.arrays.push(value);
  for (const key of Reflect.ownKeys(value)) collect(value[key], acc, seen);
  if (value instanceof Error) for (const key of ["message", "stack", "code", "name"]) collect(value[key], acc, seen);
  return acc;
}

const W = 16; // window length, bytes

/** All substrings of `length` of `strings` (lower-cased), and all windows of `arrays` joined. */
function windows(acc, length) {
  const set = new Set();
  for (const s of acc.strings) {
    const l = s.toLowerCase();
    for (let i = 0; i + length <= l.length; i++) set.add(l.slice(i, i + length));
  }
  return set;
}

test("privacy walk: no capture, sealing key, proving key or template in anything returned", () => {
  assert.ok(S.template, "the template test ran");
  assert.ok(returned.length > 25, `walked ${returned.length} values`);
  const acc = collect(returned);
  const byteWindows = new Set();
  for (const b of acc.bytes) for (let i = 0; i + W <= b.length; i++) byteWindows.add(b.toString("hex", i, i + W));
  const hexWindows = windows(acc, 2 * W); // a secret window hex-encoded inside a string
  const b64Windows = windows({ strings: acc.strings.map((s) => s.toLowerCase()) }, 20);
  const allText = acc.strings.join("\u0000");
  // Runs of numbers: in arrays (numbers or numeric strings) and as lists inside strings.
  const numberWindows = new Set();
  const addRuns = (nums) => {
    for (let i = 0; i + W <= nums.length; i++) {
      const w = nums.slice(i, i + W);
      if (w.every((x) => x !== null)) numberWindows.add(w.join(","));
    }
  };
  for (const a of acc.arrays) {
    addRuns(a.map((x) => (typeof x === "number" || (typeof x === "string" && /^\d+$/.test(x)) ? String(Number(x)) : null)));
  }
  for (const s of acc.strings) {
    for (const list of s.match(/\d+(?:\s*,\s*\d+){15,}/g) ?? []) addRuns(list.split(/\s*,\s*/).map((x) => String(Number(x))));
  }

  // Public values a secret buffer may legitimately share bytes with: the model and key
  // digests and statement ids (the proving-key file header carries them, the envelope too).
  const publicBytes = new Set();
  const addPublic = (buf) => {
    for (let i = 0; i + W <= buf.length; i++) publicBytes.add(buf.toString("hex", i, i + W));
  };
  for (const s of acc.strings) if (/^[0-9a-f]{64}$/.test(s)) addPublic(Buffer.from(s, "hex"));
  for (const id of Object.keys(S.keys)) addPublic(Buffer.from(id.padEnd(W, "\0"), "latin1"));

  const leaks = [];
  const check = (name, buf, stride) => {
    buf = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    for (let i = 0; i + W <= buf.length; i += stride) {
      const w = buf.subarray(i, i + W);
      if (new Set(w).size < 4) continue; // low-entropy windows (flat image regions) say nothing
      const hex = w.toString("hex");
      if (publicBytes.has(hex)) continue;
      if (byteWindows.has(hex) || hexWindows.has(hex)) leaks.push(`${name}[${i}..${i + W}] raw/hex`);
      if (numberWindows.has([...w].join(","))) leaks.push(`${name}[${i}..${i + W}] as numbers`);
      if (i % 3 === 0 && i + 15 <= buf.length) {
        const b64 = buf.subarray(i, i + 15).toString("base64").toLowerCase();
        if (b64Windows.has(b64)) leaks.push(`${name}[${i}..${i + 15}] base64`);
      }
    }
  };
  for (const name of ["a1", "a2", "b"]) check(`${name}.image`, S[name].image, 1);
  check("sealing key", S.sealingKey, 1);
  // Proving keys are megabytes: 16-byte-aligned windows catch any leaked run of 31+ bytes.
  for (const [statement, keys] of Object.entries(S.keys)) check(`proving key ${statement}`, keys.provingKey, W);

  // The template (512 bits): runs of 64 values as numbers, digits, bytes, and bit-packed.
  const T = S.template;
  const RUN = 64;
  for (let i = 0; i + RUN <= T.length; i += 8) {
    const run = T.slice(i, i + RUN);
    if (new Set(run).size < 2) continue;
    if (allText.includes(run.join(""))) leaks.push(`template[${i}..] as digits`);
    if (allText.includes(run.join(","))) leaks.push(`template[${i}..] as a list`);
    for (const a of acc.arrays) {
      const s = a.map(String).join(",");
      if (s.includes(run.join(","))) leaks.push(`template[${i}..] in an array`);
    }
    const asBytes = Buffer.from(run);
    const lsb = Buffer.alloc(RUN / 8);
    const msb = Buffer.alloc(RUN / 8);
    run.forEach((bit, k) => {
      lsb[k >> 3] |= bit << (k & 7);
      msb[k >> 3] |= bit << (7 - (k & 7));
    });
    for (const b of acc.bytes) {
      for (const [how, needle] of [["bytes", asBytes], ["packed lsb", lsb], ["packed msb", msb]]) {
        if (b.includes(needle)) leaks.push(`template[${i}..] as ${how}`);
      }
    }
  }
  assert.deepEqual(leaks, [], `secrets found in returned values:\n${leaks.join("\n")}`);
});

test("prove times (Node)", (t) => {
  const lines = Object.entries(times).map(([name, x]) =>
    `${name.padEnd(45)} ${x.proveMs !== undefined ? `prove ${x.proveMs.toFixed(0).padStart(6)} ms, ` : ""}` +
    `wall ${x.wallMs.toFixed(0).padStart(6)} ms${x.constraints ? `, ${x.constraints} constraints` : ""}`);
  for (const line of lines) t.diagnostic(line);
  console.log(`zkid-wasm in Node ${process.version}:\n${lines.join("\n")}`);
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, "node-times.json"), JSON.stringify({ node: process.version, times }, null, 2));
});
