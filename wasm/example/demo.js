// The demo flow of the example page, shared with the Node test (wasm/tests/node.test.mjs) so
// that the browser and Node run the very same code against the web and Node builds.
//
// `zkid` is the package's namespace (web build after `init()`, or the Node build); `load(name)`
// returns the bytes of a file of the mini iris fixture (models/iris/mini/); `report(event)`
// receives `{ step, phase?, fraction?, overall? }` as the work advances (`overall` in [0, 1]
// across both proofs).

/** The match statement the mini fixture is made for (models/iris/mini/README.md). */
export const MATCH_STATEMENT = "match(max_shift=3,min_bits=16)";

/** Dev setup, enroll capture a1, match capture a2 against it, verify both proofs. */
export async function runDemo(zkid, load, report = () => {}) {
  const model = zkid.Model.fromBytes(await load("model.zkm"));
  const capture = async (name) => ({ image: await load(`${name}.image`), mask: await load(`${name}.mask`) });
  const [a1, a2] = [await capture("a1"), await capture("a2")];

  // INSECURE development keys, made on the spot: a real app ships ceremony keys instead.
  report({ step: "setup", overall: 0 });
  const enrollKeys = zkid.devSetup(model, "enroll");
  const matchKeys = zkid.devSetup(model, MATCH_STATEMENT);
  const sealingKey = zkid.generateSealingKey();

  // The two proofs share the bar: enrollment the first half, the match the second.
  const progress = (step, offset) => (phase, fraction) => {
    report({ step, phase, fraction, overall: offset + fraction / 2 });
  };
  const enroller = new zkid.Prover(model, enrollKeys.provingKey);
  const enrolled = enroller.enroll(a1, sealingKey, undefined, progress("enroll", 0));
  const matcher = new zkid.Prover(model, matchKeys.provingKey);
  const matched = matcher.matchEnrolled(a2, enrolled.sealedEnrollment, sealingKey, undefined, undefined,
    progress("match", 0.5));

  report({ step: "verify", overall: 1 });
  const enrollCheck = new zkid.Verifier(enrollKeys.verifyingKey).verify(enrolled.proofJson);
  const matchCheck = new zkid.Verifier(matchKeys.verifyingKey).verify(matched.proofJson);
  const verified = enrollCheck.valid && matchCheck.valid && matchCheck.verdict === matched.verdict
    && matched.templateCommitment === enrolled.templateCommitment;
  sealingKey.fill(0);
  return {
    model: { name: model.name, digest: model.digest, constraints: { enroll: enrolled.constraints, match: matched.constraints } },
    enrolled,
    matched,
    verified,
    proveMs: { enroll: enrolled.proveMs, match: matched.proveMs },
  };
}
