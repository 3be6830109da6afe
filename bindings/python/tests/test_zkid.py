"""zkid's Python bindings on the mini iris fixture: enroll -> match -> verify, and errors.

Run by `cargo test -p zkid-ffi --test python` (bindings/tests/python.rs), which generates the
bindings from the library cargo just built, puts them with the library in a `zkid` package
on PYTHONPATH and sets ZKID_MINI_DIR.
"""

import os
import pathlib

import pytest

import zkid

MINI = pathlib.Path(
    os.environ.get("ZKID_MINI_DIR", pathlib.Path(__file__).resolve().parents[3] / "models" / "iris" / "mini")
)
MATCH = "match(max_shift=3,min_bits=16)"
INFER = "infer(input=committed,output=committed)"


def eye(name):
    return zkid.Capture.IRIS(image=(MINI / f"{name}.image").read_bytes(), mask=(MINI / f"{name}.mask").read_bytes())


@pytest.fixture(scope="session")
def model():
    return zkid.ZkidModel.from_bytes((MINI / "model.zkm").read_bytes())


@pytest.fixture(scope="session")
def keys(model):
    return {s: zkid.dev_setup(model, s) for s in ("enroll", MATCH, INFER)}


@pytest.fixture(scope="session")
def sealing_key():
    return zkid.generate_sealing_key()


@pytest.fixture(scope="session")
def enrolled(model, keys, sealing_key):
    return zkid.ZkidProver(model, keys["enroll"].proving_key).enroll(eye("a1"), sealing_key, nonce="7")


class Recorder(zkid.ProgressListener):
    def __init__(self, cancel=False, raise_on_progress=False):
        self.events = []
        self.cancel = cancel
        self.raise_on_progress = raise_on_progress

    def on_progress(self, phase, fraction):
        self.events.append((phase, fraction))
        if self.raise_on_progress:
            raise RuntimeError("listener bug")

    def is_cancelled(self):
        return self.cancel


def tamper(proof):
    first = proof.public_signals[0]
    flipped = first[:-1] + ("2" if first[-1] == "1" else "1")
    assert f'"{first}"' in proof.proof_json
    return proof.proof_json.replace(f'"{first}"', f'"{flipped}"', 1)


def test_model_facts(model):
    assert model.is_iris()
    assert model.capture_len() == 1024
    assert len(model.digest()) == 64
    assert zkid.version()


def test_enroll_match_verify(model, keys, sealing_key, enrolled):
    assert enrolled.proof.statement == "enroll"
    assert len(enrolled.proof.public_signals) == 3
    assert enrolled.proof.constraints > 0
    enroll_verifier = zkid.ZkidVerifier(keys["enroll"].verifying_key)
    assert enroll_verifier.statement() == "enroll"
    v = enroll_verifier.verify(enrolled.proof.proof_json, expected_nonce="7")
    assert v.valid and v.verdict is None

    matcher = zkid.ZkidProver(model, keys[MATCH].proving_key)
    assert matcher.statement() == MATCH
    verifier = zkid.ZkidVerifier(keys[MATCH].verifying_key)
    same = matcher.match_enrolled(eye("a2"), enrolled.sealed_enrollment, sealing_key)
    other = matcher.match_enrolled(eye("b"), enrolled.sealed_enrollment, sealing_key, tau=0.35)
    assert same.verdict is True
    assert other.verdict is False
    assert same.template_commitment == enrolled.template_commitment
    for m in (same, other):
        r = verifier.verify(m.proof.proof_json)
        assert r.valid and r.verdict == m.verdict
        assert r.public_signals == m.proof.public_signals
        try:
            assert not verifier.verify(tamper(m.proof)).valid
        except (zkid.ZkidError.Proof, zkid.ZkidError.InvalidInput):
            pass


def test_lookup_mode_enroll_match_verify(model, keys, sealing_key):
    lookup = {s: zkid.dev_setup(model, s, lookup=True) for s in ("enroll", MATCH)}
    enrolled = zkid.ZkidProver(model, lookup["enroll"].proving_key).enroll(eye("a1"), sealing_key)
    plain = zkid.ZkidProver(model, keys["enroll"].proving_key).enroll(eye("a1"), sealing_key)
    assert enrolled.proof.constraints < plain.proof.constraints
    assert "zkid_commitment" in enrolled.proof.proof_json
    assert zkid.ZkidVerifier(lookup["enroll"].verifying_key).verify(enrolled.proof.proof_json).valid
    try:
        assert not zkid.ZkidVerifier(keys["enroll"].verifying_key).verify(enrolled.proof.proof_json).valid
    except (zkid.ZkidError.Proof, zkid.ZkidError.InvalidInput):
        pass
    matcher = zkid.ZkidProver(model, lookup[MATCH].proving_key)
    verifier = zkid.ZkidVerifier(lookup[MATCH].verifying_key)
    for name, verdict in (("a2", True), ("b", False)):
        m = matcher.match_enrolled(eye(name), enrolled.sealed_enrollment, sealing_key)
        assert m.verdict is verdict
        r = verifier.verify(m.proof.proof_json)
        assert r.valid and r.verdict is verdict
        try:
            assert not verifier.verify(tamper(m.proof)).valid
        except (zkid.ZkidError.Proof, zkid.ZkidError.InvalidInput):
            pass


def test_infer_proof_with_progress(model, keys):
    rec = Recorder()
    p = zkid.ZkidProver(model, keys[INFER].proving_key).prove(eye("a1"), listener=rec)
    assert zkid.ZkidVerifier(keys[INFER].verifying_key).verify(p.proof_json).valid
    fractions = [f for _, f in rec.events]
    assert len(fractions) > 2
    assert fractions == sorted(fractions), rec.events
    assert rec.events[-1] == ("done", 1.0)
    assert all(0.0 <= f <= 1.0 for f in fractions)


def test_cancelled_proof(model, keys):
    rec = Recorder(cancel=True)
    with pytest.raises(zkid.ZkidError.Cancelled):
        zkid.ZkidProver(model, keys[INFER].proving_key).prove(eye("a1"), listener=rec)
    assert all(phase != "done" for phase, _ in rec.events)


def test_listener_that_raises_is_an_internal_error(model, keys):
    rec = Recorder(raise_on_progress=True)
    with pytest.raises(zkid.ZkidError.Internal):
        zkid.ZkidProver(model, keys[INFER].proving_key).prove(eye("a1"), listener=rec)
    assert len(rec.events) == 1


def test_wrong_image_size(model, keys, sealing_key):
    prover = zkid.ZkidProver(model, keys["enroll"].proving_key)
    with pytest.raises(zkid.ZkidError.InvalidInput, match="1024"):
        prover.enroll(zkid.Capture.IRIS(image=bytes(1000), mask=bytes(1000)), sealing_key)
    with pytest.raises(zkid.ZkidError.InvalidInput):
        prover.enroll(zkid.Capture.RAW(values=[0.0] * 1024), sealing_key)


def test_wrong_key_for_model(keys):
    other = zkid.ZkidModel.from_bytes((MINI.parent / "iris.zkm").read_bytes())
    with pytest.raises(zkid.ZkidError.Key):
        zkid.ZkidProver(other, keys["enroll"].proving_key)


def test_corrupted_key_bytes(model, keys):
    pk = bytearray(keys["enroll"].proving_key)
    pk[len(pk) // 2] ^= 1
    with pytest.raises(zkid.ZkidError.Key):
        zkid.ZkidProver(model, bytes(pk))
    with pytest.raises(zkid.ZkidError.Key):
        zkid.ZkidProver(model, keys["enroll"].verifying_key)
    with pytest.raises(zkid.ZkidError.Key):
        zkid.ZkidVerifier(b"garbage")
    with pytest.raises(zkid.ZkidError.Key):
        zkid.ZkidProver(model, keys["enroll"].proving_key, expected_digest="00" * 32)
    with pytest.raises(zkid.ZkidError.InvalidInput):
        zkid.ZkidProver(model, keys["enroll"].proving_key, expected_digest="not hex")
    with pytest.raises(zkid.ZkidError.Model):
        zkid.ZkidModel.from_bytes(b"not a model")


def test_garbage_sealed_blob(model, keys, sealing_key):
    matcher = zkid.ZkidProver(model, keys[MATCH].proving_key)
    with pytest.raises(zkid.ZkidError.Sealing):
        matcher.match_enrolled(eye("a2"), b"\x07" * 80, sealing_key)


def test_wrong_sealing_key(model, keys, enrolled):
    matcher = zkid.ZkidProver(model, keys[MATCH].proving_key)
    with pytest.raises(zkid.ZkidError.Sealing):
        matcher.match_enrolled(eye("a2"), enrolled.sealed_enrollment, zkid.generate_sealing_key())
    with pytest.raises(zkid.ZkidError.Sealing):
        matcher.match_enrolled(eye("a2"), enrolled.sealed_enrollment, b"short")


def test_bad_nonce(model, keys, sealing_key, enrolled):
    with pytest.raises(zkid.ZkidError.InvalidInput):
        zkid.ZkidProver(model, keys["enroll"].proving_key).enroll(eye("a1"), sealing_key, nonce="not a number")
    with pytest.raises(zkid.ZkidError.Proof):
        zkid.ZkidVerifier(keys["enroll"].verifying_key).verify(enrolled.proof.proof_json, expected_nonce="8")


@pytest.mark.parametrize("tau", [-0.1, 1.5, float("nan")])
def test_bad_tau(model, keys, sealing_key, enrolled, tau):
    matcher = zkid.ZkidProver(model, keys[MATCH].proving_key)
    with pytest.raises(zkid.ZkidError.InvalidInput):
        matcher.match_enrolled(eye("a2"), enrolled.sealed_enrollment, sealing_key, tau=tau)


def test_seal_unseal(model, sealing_key):
    blob = zkid.seal(sealing_key, model, "pin", b"secret")
    assert zkid.unseal(sealing_key, model, "pin", blob) == b"secret"
    with pytest.raises(zkid.ZkidError.Sealing):
        zkid.unseal(sealing_key, model, "other label", blob)


# ---- the bad-input table (issue 8): rows the tests above do not cover ----------------------

RAW_MODEL = MINI.parents[1] / "linreg" / "model.zkm"  # a raw-input model: 10 floats in


@pytest.fixture(scope="session")
def raw_model():
    return zkid.ZkidModel.from_bytes(RAW_MODEL.read_bytes())


@pytest.fixture(scope="session")
def raw_prover(raw_model):
    keys = zkid.dev_setup(raw_model, "infer(input=committed,output=public)")
    return zkid.ZkidProver(raw_model, keys.proving_key)


def raw_values(n, at=None, value=None):
    values = [0.25] * n
    if at is not None:
        values[at] = value
    return zkid.Capture.RAW(values=values)


BAD_INPUT = [
    # (row, error kind, message fragment, call(model, keys, sealing_key, enrolled, raw_model, raw_prover))
    ("NaN in a raw capture", zkid.ZkidError.Model, "#3 is not finite",
     lambda m, k, s, e, rm, rp: rp.prove(raw_values(rm.capture_len(), 3, float("nan")))),
    ("+inf in a raw capture", zkid.ZkidError.Model, "not finite",
     lambda m, k, s, e, rm, rp: rp.prove(raw_values(rm.capture_len(), 0, float("inf")))),
    ("-inf in a raw capture", zkid.ZkidError.Model, "not finite",
     lambda m, k, s, e, rm, rp: rp.prove(raw_values(rm.capture_len(), 9, float("-inf")))),
    ("raw capture of the wrong size", zkid.ZkidError.InvalidInput, "takes 10",
     lambda m, k, s, e, rm, rp: rp.prove(raw_values(rm.capture_len() + 1))),
    ("empty raw capture", zkid.ZkidError.InvalidInput, "0 values",
     lambda m, k, s, e, rm, rp: rp.prove(zkid.Capture.RAW(values=[]))),
    ("empty iris image and mask", zkid.ZkidError.InvalidInput, "0 values",
     lambda m, k, s, e, rm, rp: zkid.ZkidProver(m, k["enroll"].proving_key).enroll(
         zkid.Capture.IRIS(image=b"", mask=b""), s)),
    ("empty model bytes", zkid.ZkidError.Model, "",
     lambda m, k, s, e, rm, rp: zkid.ZkidModel.from_bytes(b"")),
    ("empty proving key", zkid.ZkidError.Key, "",
     lambda m, k, s, e, rm, rp: zkid.ZkidProver(m, b"")),
    ("empty verifying key", zkid.ZkidError.Key, "",
     lambda m, k, s, e, rm, rp: zkid.ZkidVerifier(b"")),
    ("empty proof JSON", zkid.ZkidError.Proof, "",
     lambda m, k, s, e, rm, rp: zkid.ZkidVerifier(k["enroll"].verifying_key).verify("")),
    ("empty sealed enrollment", zkid.ZkidError.Sealing, "truncated",
     lambda m, k, s, e, rm, rp: zkid.ZkidProver(m, k[MATCH].proving_key).match_enrolled(eye("a2"), b"", s)),
    ("empty sealing key", zkid.ZkidError.Sealing, "32 bytes",
     lambda m, k, s, e, rm, rp: zkid.ZkidProver(m, k[MATCH].proving_key).match_enrolled(
         eye("a2"), e.sealed_enrollment, b"")),
    ("a key for another model", zkid.ZkidError.Key, "key was made for model",
     lambda m, k, s, e, rm, rp: zkid.ZkidProver(rm, k["enroll"].proving_key)),
    ("proving over the memory budget", zkid.ZkidError.InvalidInput, "memory budget of 1.00 MiB",
     lambda m, k, s, e, rm, rp: zkid.ZkidProver(m, k["enroll"].proving_key, memory_budget=1 << 20)),
    ("a budget of zero bytes", zkid.ZkidError.InvalidInput, "needs an estimated",
     lambda m, k, s, e, rm, rp: zkid.ZkidProver(m, k["enroll"].proving_key, memory_budget=0)),
    ("key file over the memory budget", zkid.ZkidError.InvalidInput, "loading the proving key",
     lambda m, k, s, e, rm, rp: zkid.ZkidProver.from_path(m, str(MINI / "model.zkm"), memory_budget=1000)),
]


@pytest.mark.parametrize("row", BAD_INPUT, ids=[r[0] for r in BAD_INPUT])
def test_bad_input_table(row, model, keys, sealing_key, enrolled, raw_model, raw_prover):
    name, kind, fragment, call = row
    with pytest.raises(kind) as info:
        call(model, keys, sealing_key, enrolled, raw_model, raw_prover)
    message = str(info.value)
    assert fragment in message, f"{name}: {message!r}"
    assert message and "panicked" not in message, f"{name}: {message!r}"


def test_a_roomy_budget_and_a_good_raw_capture_prove(model, keys, raw_model, raw_prover):
    assert zkid.ZkidProver(model, keys["enroll"].proving_key, memory_budget=1 << 30).statement() == "enroll"
    proof = raw_prover.prove(raw_values(raw_model.capture_len()))
    assert len(proof.public_signals) == 3
