//! Solidity verifier contracts and EVM calldata for zkid's Groth16 proofs.
//!
//! [`verifier_contract`] renders the verifying key of a key file into a contract with the key
//! as constants and the ABI of snarkjs's Groth16 verifiers: `verifyProof(uint[2] _pA,
//! uint[2][2] _pB, uint[2] _pC, uint[N] _pubSignals) returns (bool)`, so tools and calldata
//! made for those work unchanged. The contract's code is zkid's own (MIT OR Apache-2.0),
//! written from the Groth16 verification equation
//! `e(-A, B)·e(α, β)·e(vk_x, γ)·e(C, δ) = 1`, `vk_x = IC₀ + Σ pubᵢ·ICᵢ₊₁`, and the EVM's
//! BN254 precompiles (EIP-196 ecAdd `0x06` and ecMul `0x07`, EIP-197 pairing `0x08`); it
//! contains no snarkjs text (their template is GPL-3.0). `cli/tests/interop_evm.rs` runs it
//! beside snarkjs's own verifier for the same key on an EVM and compares results and gas.
//! What zkid adds is a NatSpec header stating what a valid proof means for the statement:
//! model digest, statement id, verifying-key digest and the role of each public signal.
//!
//! [`VerifyProofArgs`] turns a proof and its public signals into that function's arguments
//! (what `snarkjs zkey export soliditycalldata` prints) and into ready-to-send calldata.
//!
//! # Encoding (the interop facts this module exists for)
//!
//! * Every value is a 256-bit big-endian word.
//! * G2 coordinates are `[c1, c0]` (imaginary part first), the order of the EVM pairing
//!   precompile (EIP-197); snarkjs JSON writes `[c0, c1]`. This holds for the key's constants
//!   and for `_pB`.
//! * The point at infinity is `(0, 0)` for the precompiles (snarkjs JSON writes `[0, 1, 0]`);
//!   a valid key or proof does not contain it, but if it did it would be encoded correctly.
//! * Public signals must be below the scalar-field modulus `r`; the contract returns `false`
//!   otherwise. zkid's signed outputs are field elements, so a negative value `v` is `r + v`.
//! * A proof coordinate must be below the base-field modulus `q`: the precompiles refuse
//!   others in `B` and `C`, the contract itself refuses them in `A`'s `y` (which it negates),
//!   so every accepted calldata is the canonical encoding of its proof.
//! * A circuit with no public signal cannot be verified this way (a proof bound to nothing
//!   proves nothing): [`verifier_contract`] refuses such a key.

use std::fmt::Write as _;

use ark_bn254::{Fq, Fq2, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_ff::{AdditiveGroup, BigInteger, PrimeField};
use zkid_circuits::statement::{InputMode, OutputMode};

use crate::Fr;
use crate::error::{ProverError, Result};
use crate::json::field_to_decimal;
use crate::keys::{VerifyingKeyFile, hex};
use crate::proof::Proof;
use crate::statement::Statement;

/// Contract name snarkjs uses, and the default here.
pub const DEFAULT_CONTRACT_NAME: &str = "Groth16Verifier";

/// A 256-bit big-endian EVM word.
pub type Word = [u8; 32];

/// Choices for [`verifier_contract`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifierOptions {
    /// Solidity name of the contract (an identifier); default [`DEFAULT_CONTRACT_NAME`].
    pub contract_name: String,
    /// The key comes from `zkid setup --dev`: the contract is labelled insecure.
    pub dev_setup: bool,
}

impl Default for VerifierOptions {
    fn default() -> Self {
        Self { contract_name: DEFAULT_CONTRACT_NAME.into(), dev_setup: false }
    }
}

/// One public signal of a statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignalRole {
    /// Short name (`c_img`, `y[3]`, `nonce`).
    pub name: String,
    /// What the value is, in one line.
    pub meaning: String,
}

fn role(name: impl Into<String>, meaning: impl Into<String>) -> SignalRole {
    SignalRole { name: name.into(), meaning: meaning.into() }
}

const COMMIT: &str = "Poseidon commitment (circomlib parameters, salted)";

/// The public signals of the statement `statement_id` with `count` public inputs, in circuit
/// order (what `_pubSignals[i]` holds). The layouts are those of
/// `zkid_circuits::statement::{infer, matching}`; a statement id this build does not know
/// gets generic names (`signal[i]`).
///
/// Fails with [`ProverError::KeyFormat`] when a known statement cannot have `count` public
/// inputs (a key whose header contradicts its key).
pub fn public_signal_layout(statement_id: &str, count: usize) -> Result<Vec<SignalRole>> {
    let nonce = || role("nonce", "the verifier's challenge: check that it is the one you issued (replay protection)");
    let layout = match Statement::from_id(statement_id) {
        Err(_) => return Ok((0..count).map(|i| role(format!("signal[{i}]"), "statement unknown to zkid")).collect()),
        Ok(Statement::Enroll) => vec![
            role("c_img", format!("{COMMIT} to the captured image; the capture device signs it")),
            role("c_tpl", format!("{COMMIT} to the template; keep it as the enrolled template")),
            nonce(),
        ],
        Ok(Statement::Match(_)) => vec![
            role("c_img", format!("{COMMIT} to the fresh capture; the capture device signs it")),
            role("c_tpl", format!("{COMMIT} to the enrolled template: check that it is the one you enrolled")),
            role(
                "tau",
                "threshold: fractional Hamming distance tau/2^16 (iris codes) or squared L2 in quantized units",
            ),
            role("verdict", "1 if the fresh template is within tau of the enrolled one, 0 otherwise"),
            nonce(),
        ],
        Ok(Statement::Infer(spec)) => {
            let mut v = Vec::new();
            if spec.input == InputMode::Committed {
                v.push(role("c_in", format!("{COMMIT} to the private input")));
            }
            match spec.output {
                OutputMode::Committed => v.push(role("c_out", format!("{COMMIT} to the output"))),
                OutputMode::Public => {
                    let outputs = count.saturating_sub(v.len() + 1).max(1);
                    v.extend((0..outputs).map(|i| {
                        role(format!("y[{i}]"), format!("output {i}, a quantized signed integer (negative v as r + v)"))
                    }));
                }
            }
            v.push(nonce());
            v
        }
    };
    if layout.len() != count {
        return Err(ProverError::KeyFormat(format!(
            "the verifying key has {count} public inputs, statement `{statement_id}` has {}",
            layout.len()
        )));
    }
    Ok(layout)
}

/// What a statement proves, for the contract's documentation.
fn statement_claim(statement_id: &str) -> String {
    match Statement::from_id(statement_id) {
        Ok(Statement::Enroll) => "T = model(I) for a private capture I; c_img commits to I and c_tpl to T".into(),
        Ok(Statement::Match(_)) => "T' = model(I') for a private capture I'; c_img commits to I'; c_tpl opens to \
                                    an enrolled template T; verdict = [dist(T', T) <= tau]"
            .into(),
        Ok(Statement::Infer(spec)) => {
            let x = match spec.input {
                InputMode::Private => "a private input x",
                InputMode::Committed => "a private input x committed as c_in",
            };
            let y = match spec.output {
                OutputMode::Public => "y public",
                OutputMode::Committed => "y committed as c_out",
            };
            format!("y = model(x) for {x}, {y}")
        }
        Err(_) => format!("statement `{statement_id}` (not a statement this zkid build knows)"),
    }
}

/// Whether `name` is a Solidity identifier (`[A-Za-z_$][A-Za-z0-9_$]*`).
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// Decimal coordinates of a G1 point as the precompiles take them (`(0, 0)` = infinity).
fn g1_decimal(p: &G1Affine) -> [String; 2] {
    match p.xy() {
        Some((x, y)) => [field_to_decimal(&x), field_to_decimal(&y)],
        None => ["0".into(), "0".into()],
    }
}

/// Decimal coordinates of a G2 point in EVM order: `[x.c1, x.c0, y.c1, y.c0]`.
fn g2_decimal(p: &G2Affine) -> [String; 4] {
    let (x, y) = p.xy().unwrap_or((Fq2::ZERO, Fq2::ZERO));
    [field_to_decimal(&x.c1), field_to_decimal(&x.c0), field_to_decimal(&y.c1), field_to_decimal(&y.c0)]
}

/// The word names of a G2 constant, in the pairing precompile's order (EIP-197).
const G2_PARTS: [&str; 4] = ["X_IM", "X_RE", "Y_IM", "Y_RE"];

/// Appends the constant declaration `NAME = value` to the contract.
fn constant(s: &mut String, name: &str, value: &str) {
    // `write!` into a String cannot fail.
    let _ = writeln!(s, "    uint256 private constant {name} = {value};");
}

/// Appends the G1 constants `NAME_X`, `NAME_Y` of `p`.
fn g1_constants(s: &mut String, name: &str, p: &G1Affine) {
    for (part, value) in ["X", "Y"].iter().zip(g1_decimal(p)) {
        constant(s, &format!("{name}_{part}"), &value);
    }
}

/// Appends the Yul statements that store the G2 constants `NAME_{X_IM,X_RE,Y_IM,Y_RE}` at
/// `m + offset` (four words, the pairing precompile's order).
fn store_g2(s: &mut String, name: &str, offset: usize) {
    for (k, part) in G2_PARTS.iter().enumerate() {
        let _ = writeln!(s, "                mstore(add(m, {:#x}), {name}_{part})", offset + 32 * k);
    }
}

/// The Solidity verifier of `vk` (see the module docs): zkid's own contract with the key's
/// constants, documented with the statement's public-signal layout. Deterministic: the same
/// key and options give the same text.
///
/// Errors: [`ProverError::InvalidInput`] for a key with zero public inputs (nothing for the
/// proof to be about; `uint[0]` is not a useful ABI either) or a contract name that is not a
/// Solidity identifier; [`ProverError::KeyFormat`] when the statement in the header cannot
/// have the key's number of public inputs.
pub fn verifier_contract(vk: &VerifyingKeyFile, options: &VerifierOptions) -> Result<String> {
    if vk.key.is_lookup() {
        return Err(ProverError::InvalidInput(crate::groth16::LOOKUP_NOT_PORTABLE.into()));
    }
    let key = vk.key.as_ark();
    let n = vk.key.num_public_inputs();
    if n == 0 {
        return Err(ProverError::InvalidInput(
            "a Solidity verifier needs at least one public input; this key has none".into(),
        ));
    }
    if !is_identifier(&options.contract_name) {
        return Err(ProverError::InvalidInput(format!(
            "contract name `{}` is not a Solidity identifier",
            options.contract_name
        )));
    }
    let statement = &vk.header.statement_id;
    let layout = public_signal_layout(statement, n)?;

    // `write!` into a String cannot fail; the results are discarded on purpose.
    let mut s = String::with_capacity(8192 + 256 * n);
    let _ = write!(
        s,
        "// SPDX-License-Identifier: MIT OR Apache-2.0
// Generated by zkid {zkid} (`zkid export solidity`) from a Groth16 verifying key.
pragma solidity >=0.8.0 <0.9.0;

",
        zkid = env!("CARGO_PKG_VERSION"),
    );
    let _ = writeln!(s, "/// @title zkid Groth16 verifier, statement `{statement}`");
    let _ = writeln!(s, "/// @notice Accepts a Groth16 proof (BN254, circom/snarkjs QAP reduction) that");
    let _ = writeln!(s, "///         {},", statement_claim(statement));
    let _ = writeln!(s, "///         where model is the quantized model whose .zkm file has SHA-256");
    let _ = writeln!(s, "///         {}.", vk.header.model_digest.to_hex());
    let _ = writeln!(s, "/// @dev Public signals `_pubSignals`, in circuit order ({n}):");
    let width = layout.iter().map(|r| r.name.len()).max().unwrap_or(0);
    for (i, r) in layout.iter().enumerate() {
        let _ = writeln!(s, "///        [{i}] {:<width$}  {}", r.name, r.meaning);
    }
    let _ = write!(
        s,
        "///      Each public signal must be below r, the BN254 scalar-field modulus (constant `R`):
///      verifyProof returns false otherwise.
///      Proof points are big-endian words: _pA = [x, y], _pB = [[x.c1, x.c0], [y.c1, y.c0]]
///      (G2 imaginary part first, the EVM pairing precompile's order; snarkjs's proof.json
///      writes [c0, c1]), _pC = [x, y]. `zkid export solidity --calldata PROOF.json` prints them.
///      Coordinates must be below q, the base-field modulus (constant `Q`).
///      verifyProof checks the proof only: the caller checks that the nonce is its fresh
///      challenge and, for identity statements, the commitments and the verdict it expects.
/// @custom:zkid-statement {statement}
/// @custom:zkid-model-digest {model}
/// @custom:zkid-vk-digest {vk}
",
        model = vk.header.model_digest.to_hex(),
        vk = hex(&vk.header.vk_digest),
    );
    if options.dev_setup {
        let _ = writeln!(
            s,
            "/// @custom:zkid-setup dev: INSECURE FOR PRODUCTION. The key comes from `zkid setup --dev`, whose\n\
             ///      toxic waste existed on the machine that ran it: that machine can forge proofs."
        );
    }
    let _ = writeln!(s, "contract {} {{", options.contract_name);
    let _ = write!(
        s,
        "    // BN254: public signals are elements of F_R, point coordinates of F_Q.
    uint256 private constant R = {r};
    uint256 private constant Q = {q};

    // The verifying key. A G1 point is (X, Y); a G2 point is (X_IM, X_RE, Y_IM, Y_RE), each
    // F_q2 coordinate imaginary part first, the order in which the pairing precompile reads it.
",
        r = Fr::MODULUS,
        q = Fq::MODULUS,
    );
    g1_constants(&mut s, "ALPHA", &key.alpha_g1);
    for (name, p) in [("BETA", &key.beta_g2), ("GAMMA", &key.gamma_g2), ("DELTA", &key.delta_g2)] {
        for (part, value) in G2_PARTS.iter().zip(g2_decimal(p)) {
            constant(&mut s, &format!("{name}_{part}"), &value);
        }
    }
    s.push_str("    // vk_x = IC0 + sum of _pubSignals[i] * IC{i+1}: the point of the public signals.\n");
    for (i, p) in key.gamma_abc_g1.iter().enumerate() {
        g1_constants(&mut s, &format!("IC{i}"), p);
    }
    let _ = write!(
        s,
        "
    /// @notice Verifies a proof for the public signals.
    /// @dev Checks e(-A, B) * e(alpha, beta) * e(vk_x, gamma) * e(C, delta) == 1 with the
    ///      precompiles of EIP-196 (ecAdd 0x06, ecMul 0x07) and EIP-197 (pairing 0x08). Never
    ///      reverts on a bad proof: a signal >= R, A.y >= Q, or a point a precompile refuses
    ///      (not on the curve, not in the subgroup, a coordinate >= Q) gives false. A refusing
    ///      precompile consumes the gas passed to it (all but 1/64, EIP-150).
    /// @param _pA proof point A (G1): [x, y]
    /// @param _pB proof point B (G2): [[x.c1, x.c0], [y.c1, y.c0]]
    /// @param _pC proof point C (G1): [x, y]
    /// @param _pubSignals the public signals in circuit order (see above), each below r
    /// @return true if and only if the proof is valid for these public signals
    function verifyProof(uint[2] calldata _pA, uint[2][2] calldata _pB, uint[2] calldata _pC, uint[{n}] calldata _pubSignals) external view returns (bool) {{
        bool valid;
        assembly {{
            // Scratch memory from the free-memory pointer m (not allocated: nothing outlives
            // this block) holds the pairing input, four (G1, G2) pairs of six words in the
            // order of the equation: -A, B at m; alpha, beta at m + 0xc0; vk_x, gamma at
            // m + 0x180; C, delta at m + 0x240.

            // acc := acc + s * (x, y), with acc at memory acc..acc + 0x40 and the three words
            // after it as scratch. Returns 0 when s >= R (the precompile would reduce it, so
            // s and s + R would both pass) or a precompile refuses its input.
            function mulAdd(acc, x, y, s) -> ok {{
                if iszero(lt(s, R)) {{ leave }}
                let t := add(acc, 0x40)
                mstore(t, x)
                mstore(add(t, 0x20), y)
                mstore(add(t, 0x40), s)
                // ecMul (x, y, s) -> s * (x, y) into t; ecAdd (acc, t) -> acc.
                if iszero(staticcall(gas(), 0x07, t, 0x60, t, 0x40)) {{ leave }}
                ok := staticcall(gas(), 0x06, acc, 0x80, acc, 0x40)
            }}

            function pairingCheck(m, pA, pB, pC, signals) -> ok {{
                // vk_x, accumulated in place in its slot; gamma's slot after it is the
                // scratch of mulAdd until gamma is written below.
                let acc := add(m, 0x180)
                mstore(acc, IC0_X)
                mstore(add(acc, 0x20), IC0_Y)
"
    );
    for i in 1..=n {
        let _ = writeln!(
            s,
            "                if iszero(mulAdd(acc, IC{i}_X, IC{i}_Y, calldataload(add(signals, {:#x})))) {{ leave }}",
            (i - 1) * 32
        );
    }
    s.push_str(
        "
                // -A: y negated modulo Q (Q - y, and 0 stays 0). A y >= Q is refused here, as
                // the precompile refuses one in B or C: every accepted encoding is canonical.
                let ay := calldataload(add(pA, 0x20))
                if iszero(lt(ay, Q)) { leave }
                mstore(m, calldataload(pA))
                mstore(add(m, 0x20), mod(sub(Q, ay), Q))
                // B, already in the precompile's word order.
                calldatacopy(add(m, 0x40), pB, 0x80)
                mstore(add(m, 0xc0), ALPHA_X)
                mstore(add(m, 0xe0), ALPHA_Y)
",
    );
    store_g2(&mut s, "BETA", 0x100);
    store_g2(&mut s, "GAMMA", 0x1c0);
    s.push_str("                calldatacopy(add(m, 0x240), pC, 0x40)\n");
    store_g2(&mut s, "DELTA", 0x280);
    s.push_str(
        "                // One word back: 1 if the product of the four pairings is 1, else 0.
                if iszero(staticcall(gas(), 0x08, m, 0x300, m, 0x20)) { leave }
                ok := mload(m)
            }

            valid := pairingCheck(mload(0x40), _pA, _pB, _pC, _pubSignals)
        }
        return valid;
    }
}
",
    );
    Ok(s)
}

/// The Solidity signature of the verifier's function for `n` public signals, e.g.
/// `verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[3])`.
pub fn verify_proof_signature(n: usize) -> String {
    format!("verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[{n}])")
}

/// The 4-byte function selector of [`verify_proof_signature`]`(n)`.
pub fn verify_proof_selector(n: usize) -> [u8; 4] {
    let h = keccak256(verify_proof_signature(n).as_bytes());
    [h[0], h[1], h[2], h[3]]
}

fn fq_word(f: &Fq) -> Word {
    word_from_be(&f.into_bigint().to_bytes_be())
}

fn fr_word(f: &Fr) -> Word {
    word_from_be(&f.into_bigint().to_bytes_be())
}

/// Right-aligns big-endian bytes (at most 32; BN254 elements are exactly 32) in a word.
fn word_from_be(bytes: &[u8]) -> Word {
    let mut w = [0u8; 32];
    let take = bytes.len().min(32);
    w[32 - take..].copy_from_slice(&bytes[bytes.len() - take..]);
    w
}

/// `0x` and 64 lower-case hex digits.
pub fn word_hex(w: &Word) -> String {
    format!("0x{}", hex(w))
}

/// The arguments of `verifyProof` for one proof, as EVM words (G2 in `[c1, c0]` order).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyProofArgs {
    /// `_pA`: `[x, y]`.
    pub a: [Word; 2],
    /// `_pB`: `[[x.c1, x.c0], [y.c1, y.c0]]`.
    pub b: [[Word; 2]; 2],
    /// `_pC`: `[x, y]`.
    pub c: [Word; 2],
    /// `_pubSignals`, in circuit order.
    pub pub_signals: Vec<Word>,
}

impl VerifyProofArgs {
    /// The arguments for `proof` over `public_signals`.
    pub fn new(proof: &Proof, public_signals: &[Fr]) -> Self {
        let p = proof.as_ark();
        let g1 = |q: &G1Affine| match q.xy() {
            Some((x, y)) => [fq_word(&x), fq_word(&y)],
            None => [[0u8; 32]; 2],
        };
        let (bx, by) = p.b.xy().unwrap_or((Fq2::ZERO, Fq2::ZERO));
        Self {
            a: g1(&p.a),
            b: [[fq_word(&bx.c1), fq_word(&bx.c0)], [fq_word(&by.c1), fq_word(&by.c0)]],
            c: g1(&p.c),
            pub_signals: public_signals.iter().map(fr_word).collect(),
        }
    }

    /// The arguments as text, exactly as `snarkjs zkey export soliditycalldata` prints them:
    /// `["0x…", "0x…"],[["0x…", "0x…"],["0x…", "0x…"]],["0x…", "0x…"],["0x…",…]`.
    pub fn to_snarkjs_string(&self) -> String {
        let q = |w: &Word| format!("\"{}\"", word_hex(w));
        let signals: Vec<String> = self.pub_signals.iter().map(q).collect();
        format!(
            "[{}, {}],[[{}, {}],[{}, {}]],[{}, {}],[{}]",
            q(&self.a[0]),
            q(&self.a[1]),
            q(&self.b[0][0]),
            q(&self.b[0][1]),
            q(&self.b[1][0]),
            q(&self.b[1][1]),
            q(&self.c[0]),
            q(&self.c[1]),
            signals.join(",")
        )
    }

    /// The words in ABI order. Every argument is a fixed-size array of `uint256`, so the ABI
    /// encoding is these words concatenated (no offsets or lengths).
    pub fn words(&self) -> Vec<Word> {
        let mut v = Vec::with_capacity(8 + self.pub_signals.len());
        v.extend_from_slice(&self.a);
        v.extend_from_slice(&self.b[0]);
        v.extend_from_slice(&self.b[1]);
        v.extend_from_slice(&self.c);
        v.extend_from_slice(&self.pub_signals);
        v
    }

    /// The ABI-encoded arguments, without the selector.
    pub fn abi_encode(&self) -> Vec<u8> {
        self.words().concat()
    }

    /// The transaction data of a `verifyProof` call: selector, then the encoded arguments.
    pub fn calldata(&self) -> Vec<u8> {
        let mut out = verify_proof_selector(self.pub_signals.len()).to_vec();
        out.extend(self.abi_encode());
        out
    }
}

/// Keccak-256 (the original Keccak padding Ethereum uses, not SHA3-256). Used for the
/// function selector only; not on any secret.
pub fn keccak256(data: &[u8]) -> [u8; 32] {
    const RATE: usize = 136;
    let mut state = [0u64; 25];
    let absorb = |state: &mut [u64; 25], block: &[u8]| {
        for (lane, chunk) in state.iter_mut().zip(block.chunks_exact(8)) {
            let mut b = [0u8; 8];
            b.copy_from_slice(chunk);
            *lane ^= u64::from_le_bytes(b);
        }
        keccak_f1600(state);
    };
    let mut blocks = data.chunks_exact(RATE);
    for block in blocks.by_ref() {
        absorb(&mut state, block);
    }
    let rest = blocks.remainder();
    let mut last = [0u8; RATE];
    last[..rest.len()].copy_from_slice(rest);
    last[rest.len()] ^= 0x01;
    last[RATE - 1] ^= 0x80;
    absorb(&mut state, &last);
    let mut out = [0u8; 32];
    for (chunk, lane) in out.chunks_exact_mut(8).zip(state) {
        chunk.copy_from_slice(&lane.to_le_bytes());
    }
    out
}

/// The Keccak-f[1600] permutation (24 rounds).
fn keccak_f1600(a: &mut [u64; 25]) {
    const RC: [u64; 24] = [
        0x0000_0000_0000_0001,
        0x0000_0000_0000_8082,
        0x8000_0000_0000_808a,
        0x8000_0000_8000_8000,
        0x0000_0000_0000_808b,
        0x0000_0000_8000_0001,
        0x8000_0000_8000_8081,
        0x8000_0000_0000_8009,
        0x0000_0000_0000_008a,
        0x0000_0000_0000_0088,
        0x0000_0000_8000_8009,
        0x0000_0000_8000_000a,
        0x0000_0000_8000_808b,
        0x8000_0000_0000_008b,
        0x8000_0000_0000_8089,
        0x8000_0000_0000_8003,
        0x8000_0000_0000_8002,
        0x8000_0000_0000_0080,
        0x0000_0000_0000_800a,
        0x8000_0000_8000_000a,
        0x8000_0000_8000_8081,
        0x8000_0000_0000_8080,
        0x0000_0000_8000_0001,
        0x8000_0000_8000_8008,
    ];
    // Rotation offsets and lane order of the combined rho and pi steps.
    const ROT: [u32; 24] = [1, 3, 6, 10, 15, 21, 28, 36, 45, 55, 2, 14, 27, 41, 56, 8, 25, 43, 62, 18, 39, 61, 20, 44];
    const PI: [usize; 24] = [10, 7, 11, 17, 18, 3, 5, 16, 8, 21, 24, 4, 15, 23, 19, 13, 12, 2, 20, 14, 22, 9, 6, 1];
    for rc in RC {
        let mut c = [0u64; 5];
        for (x, cx) in c.iter_mut().enumerate() {
            *cx = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
        }
        for x in 0..5 {
            let d = c[(x + 4) % 5] ^ c[(x + 1) % 5].rotate_left(1);
            for y in 0..5 {
                a[5 * y + x] ^= d;
            }
        }
        let mut carry = a[1];
        for (&j, &r) in PI.iter().zip(&ROT) {
            let next = a[j];
            a[j] = carry.rotate_left(r);
            carry = next;
        }
        for y in 0..5 {
            let row = [a[5 * y], a[5 * y + 1], a[5 * y + 2], a[5 * y + 3], a[5 * y + 4]];
            for x in 0..5 {
                a[5 * y + x] = row[x] ^ (!row[(x + 1) % 5] & row[(x + 2) % 5]);
            }
        }
        a[0] ^= rc;
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::keys::VerifyingKeyFile;
    use crate::{prove, setup_dev, verify};
    use ark_bn254::{Bn254, G1Projective, G2Projective};
    use ark_ec::{CurveGroup, PrimeGroup, pairing::Pairing};
    use ark_ff::{Field, One};
    use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;
    use zkid_core::ModelDigest;

    /// `y = x²` with `x` private and `publics` public inputs (`y` first, then `nonce`s each
    /// squared into a constraint). `publics = 0` makes a circuit with no public input.
    struct Square {
        x: Option<Fr>,
        publics: usize,
    }

    impl ConstraintSynthesizer<Fr> for Square {
        fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> std::result::Result<(), SynthesisError> {
            let x_val = self.x;
            let x = cs.new_witness_variable(|| x_val.ok_or(SynthesisError::AssignmentMissing))?;
            let y_val = x_val.map(|x| x.square());
            let y = if self.publics == 0 {
                cs.new_witness_variable(|| y_val.ok_or(SynthesisError::AssignmentMissing))?
            } else {
                cs.new_input_variable(|| y_val.ok_or(SynthesisError::AssignmentMissing))?
            };
            cs.enforce_r1cs_constraint(|| x.into(), || x.into(), || y.into())?;
            for i in 1..self.publics {
                let n_val = x_val.map(|_| Fr::from(1000 + i as u64));
                let n = cs.new_input_variable(|| n_val.ok_or(SynthesisError::AssignmentMissing))?;
                let sq =
                    cs.new_witness_variable(|| n_val.map(|n| n.square()).ok_or(SynthesisError::AssignmentMissing))?;
                cs.enforce_r1cs_constraint(|| n.into(), || n.into(), || sq.into())?;
            }
            Ok(())
        }
    }

    fn rng() -> ChaCha20Rng {
        ChaCha20Rng::seed_from_u64(11)
    }

    fn key_file(publics: usize, statement: &str) -> VerifyingKeyFile {
        let (_, vk) = setup_dev(Square { x: None, publics }, &mut rng()).unwrap();
        VerifyingKeyFile::new(vk, ModelDigest([7u8; 32]), statement).unwrap()
    }

    const ENROLL: &str = "enroll";

    #[test]
    fn contract_has_every_constant_in_evm_order() {
        let vk = key_file(3, ENROLL);
        let sol = verifier_contract(&vk, &VerifierOptions::default()).unwrap();
        let k = vk.key.as_ark();
        let has = |name: &str, v: &Fq| {
            let line = format!("uint256 private constant {name} = {};", field_to_decimal(v));
            assert!(sol.lines().any(|l| l.split_whitespace().collect::<Vec<_>>().join(" ") == line), "{line}");
        };
        let (ax, ay) = k.alpha_g1.xy().unwrap();
        has("ALPHA_X", &ax);
        has("ALPHA_Y", &ay);
        for (name, p) in [("BETA", k.beta_g2), ("GAMMA", k.gamma_g2), ("DELTA", k.delta_g2)] {
            let (x, y) = p.xy().unwrap();
            // The imaginary part first, as the pairing precompile reads it.
            has(&format!("{name}_X_IM"), &x.c1);
            has(&format!("{name}_X_RE"), &x.c0);
            has(&format!("{name}_Y_IM"), &y.c1);
            has(&format!("{name}_Y_RE"), &y.c0);
        }
        for (i, p) in k.gamma_abc_g1.iter().enumerate() {
            let (x, y) = p.xy().unwrap();
            has(&format!("IC{i}_X"), &x);
            has(&format!("IC{i}_Y"), &y);
        }
        assert!(!sol.contains("IC4_X"));
        // The moduli, spelled out.
        let modulus = |name: &str, v: &str| {
            let line = format!("uint256 private constant {name} = {v};");
            assert!(sol.contains(&line), "{line}");
        };
        modulus("R", "21888242871839275222246405745257275088548364400416034343698204186575808495617");
        modulus("Q", "21888242871839275222246405745257275088696311157297823662689037894645226208583");
    }

    #[test]
    fn contract_size_matches_the_public_inputs() {
        for n in [1usize, 3, 11] {
            let vk = key_file(n, "custom-statement");
            let sol = verifier_contract(&vk, &VerifierOptions::default()).unwrap();
            assert!(sol.contains(&format!("uint[{n}] calldata _pubSignals")), "n = {n}");
            // One ecMul and ecAdd per signal, each signal read at its own offset.
            assert_eq!(sol.matches("if iszero(mulAdd(acc, IC").count(), n);
            for i in 0..n {
                assert!(sol.contains(&format!("calldataload(add(signals, {:#x}))", 32 * i)), "n = {n}, i = {i}");
            }
            assert!(!sol.contains(&format!("calldataload(add(signals, {:#x}))", 32 * n)));
            assert_eq!(sol.matches("uint256 private constant IC").count(), 2 * (n + 1));
            assert!(sol.contains(&format!("[{}] signal[{}]", n - 1, n - 1)));
        }
    }

    #[test]
    fn contract_is_deterministic_and_documents_the_statement() {
        let vk = key_file(3, ENROLL);
        let opts = VerifierOptions { contract_name: "EnrollVerifier".into(), dev_setup: true };
        let a = verifier_contract(&vk, &opts).unwrap();
        assert_eq!(a, verifier_contract(&vk, &opts).unwrap());
        assert!(a.contains("contract EnrollVerifier {"));
        assert!(a.contains(&format!("@custom:zkid-model-digest {}", "07".repeat(32))));
        assert!(a.contains(&format!("@custom:zkid-vk-digest {}", hex(&vk.header.vk_digest))));
        assert!(a.contains("@custom:zkid-statement enroll"));
        assert!(a.contains("INSECURE FOR PRODUCTION"));
        let names: Vec<&str> = ["[0] c_img", "[1] c_tpl", "[2] nonce"].to_vec();
        let mut at = 0;
        for n in names {
            let i = a[at..].find(n).unwrap_or_else(|| panic!("{n} after {at}"));
            at += i;
        }
        let plain = verifier_contract(&vk, &VerifierOptions::default()).unwrap();
        assert!(plain.contains("contract Groth16Verifier {"));
        assert!(!plain.contains("INSECURE"));
        // The four pairs go to the pairing precompile in one call.
        assert!(plain.contains("staticcall(gas(), 0x08, m, 0x300, m, 0x20)"));
    }

    /// The contract used to be snarkjs's GPL-3.0 template; zkid is MIT OR Apache-2.0, so
    /// the generated text must carry none of it.
    #[test]
    fn contract_is_not_the_gpl_template() {
        let sol = verifier_contract(&key_file(3, ENROLL), &VerifierOptions::default()).unwrap();
        assert!(sol.starts_with("// SPDX-License-Identifier: MIT OR Apache-2.0\n"));
        for word in ["GPL", "General Public License", "0KIMS", "snarkJS", "Copyright", "checkField", "g1_mulAccC"] {
            assert!(!sol.contains(word), "{word}");
        }
        // Same ABI as snarkjs's verifiers, so their calldata and tools still fit.
        assert!(sol.contains(
            "function verifyProof(uint[2] calldata _pA, uint[2][2] calldata _pB, uint[2] calldata _pC, \
             uint[3] calldata _pubSignals) external view returns (bool)"
        ));
    }

    #[test]
    fn zero_public_inputs_are_refused() {
        let vk = key_file(0, "custom-statement");
        assert_eq!(vk.key.num_public_inputs(), 0);
        let err = verifier_contract(&vk, &VerifierOptions::default()).unwrap_err();
        assert!(matches!(err, ProverError::InvalidInput(ref m) if m.contains("at least one public input")), "{err}");
    }

    #[test]
    fn bad_contract_names_are_refused() {
        let vk = key_file(1, "custom-statement");
        for name in ["", "1abc", "a-b", "a b", "Verifier;contract"] {
            let opts = VerifierOptions { contract_name: name.into(), dev_setup: false };
            assert!(matches!(verifier_contract(&vk, &opts), Err(ProverError::InvalidInput(_))), "{name:?}");
        }
        let opts = VerifierOptions { contract_name: "_$V1".into(), dev_setup: false };
        assert!(verifier_contract(&vk, &opts).is_ok());
    }

    #[test]
    fn layouts_of_the_statements() {
        let names = |id: &str, n: usize| -> Vec<String> {
            public_signal_layout(id, n).unwrap().into_iter().map(|r| r.name).collect()
        };
        assert_eq!(names("enroll", 3), ["c_img", "c_tpl", "nonce"]);
        assert_eq!(names("match(max_shift=3,min_bits=16)", 5), ["c_img", "c_tpl", "tau", "verdict", "nonce"]);
        assert_eq!(names("infer(input=private,output=public)", 3), ["y[0]", "y[1]", "nonce"]);
        assert_eq!(names("infer(input=committed,output=public)", 3), ["c_in", "y[0]", "nonce"]);
        assert_eq!(names("infer(input=committed,output=committed)", 3), ["c_in", "c_out", "nonce"]);
        assert_eq!(names("infer(input=private,output=committed)", 2), ["c_out", "nonce"]);
        assert_eq!(names("imported", 2), ["signal[0]", "signal[1]"]);
        // A header that contradicts the key.
        for (id, n) in [("enroll", 4), ("match(max_shift=3,min_bits=16)", 3), ("infer(input=private,output=public)", 1)]
        {
            assert!(matches!(public_signal_layout(id, n), Err(ProverError::KeyFormat(_))), "{id} {n}");
        }
        let vk = key_file(2, ENROLL);
        assert!(matches!(verifier_contract(&vk, &VerifierOptions::default()), Err(ProverError::KeyFormat(_))));
    }

    #[test]
    fn keccak_vectors() {
        let k = |d: &[u8]| hex(&keccak256(d));
        // Reference values from ethers 5.8 (`ethers.utils.keccak256`).
        assert_eq!(k(b""), "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
        assert_eq!(k(&[b'a'; 135]), "34367dc248bbd832f4e3e69dfaac2f92638bd0bbd18f2912ba4ef454919cf446");
        assert_eq!(k(&[b'a'; 136]), "a6c4d403279fe3e0af03729caada8374b5ca54d8065329a3ebcaeb4b60aa386e");
        assert_eq!(k(&[b'a'; 300]), "5b7e0e47a96f32a88b4f14ca177982790807c40e1a105742ba0fc1babe1ef826");
        assert_eq!(hex(&keccak256(b"transfer(address,uint256)")[..4]), "a9059cbb");
        assert_eq!(hex(&verify_proof_selector(3)), "11479fea");
    }

    /// Reads the words back as the EVM does and runs the contract's pairing check
    /// `e(-A, B)·e(α, β)·e(vk_x, γ)·e(C, δ) = 1`: the calldata layout (G2 as `[c1, c0]`)
    /// agrees with the key's, independently of an EVM.
    #[test]
    fn calldata_satisfies_the_contract_equation() {
        let n = 3;
        let (pk, vk) = setup_dev(Square { x: None, publics: n }, &mut rng()).unwrap();
        let x = Fr::from(5u64);
        let proof = prove(&pk, Square { x: Some(x), publics: n }, &mut rng()).unwrap();
        let public = vec![x.square(), Fr::from(1001u64), Fr::from(1002u64)];
        assert!(verify(&vk, &public, &proof).unwrap());
        let args = VerifyProofArgs::new(&proof, &public);

        let fq = |w: &Word| Fq::from_be_bytes_mod_order(w);
        let g1 = |w: &[Word; 2]| G1Affine::new(fq(&w[0]), fq(&w[1]));
        let g2 = |w: &[[Word; 2]; 2]| {
            G2Affine::new(Fq2::new(fq(&w[0][1]), fq(&w[0][0])), Fq2::new(fq(&w[1][1]), fq(&w[1][0])))
        };
        let k = vk.as_ark();
        let check = |signals: &[Word]| {
            let mut vk_x = G1Projective::from(k.gamma_abc_g1[0]);
            for (w, ic) in signals.iter().zip(&k.gamma_abc_g1[1..]) {
                vk_x += *ic * Fr::from_be_bytes_mod_order(w);
            }
            let lhs = Bn254::multi_pairing(
                [-g1(&args.a), k.alpha_g1, vk_x.into_affine(), g1(&args.c)],
                [g2(&args.b), k.beta_g2, k.gamma_g2, k.delta_g2],
            );
            lhs.0.is_one()
        };
        assert!(check(&args.pub_signals));
        let mut tampered = args.pub_signals.clone();
        tampered[2][31] ^= 1;
        assert!(!check(&tampered));

        // ABI layout: 8 proof words, then the signals; the selector in front.
        let data = args.calldata();
        assert_eq!(data.len(), 4 + 32 * (8 + n));
        assert_eq!(data[..4], verify_proof_selector(n));
        assert_eq!(data[4..36], args.a[0]);
        assert_eq!(data[4 + 32 * 2..4 + 32 * 3], args.b[0][0]);
        assert_eq!(data[4 + 32 * 8..4 + 32 * 9], fr_word(&public[0]));
    }

    #[test]
    fn snarkjs_calldata_text_layout() {
        let proof = Proof::from_ark(ark_groth16::Proof {
            a: (G1Projective::generator() * Fr::from(2u64)).into_affine(),
            b: (G2Projective::generator() * Fr::from(3u64)).into_affine(),
            c: G1Affine::generator(),
        });
        let args = VerifyProofArgs::new(&proof, &[Fr::from(255u64), -Fr::one()]);
        let text = args.to_snarkjs_string();
        let quoted = |w: &Word| format!("\"{}\"", word_hex(w));
        assert!(text.starts_with(&format!("[{}, {}],[[", quoted(&args.a[0]), quoted(&args.a[1]))));
        assert!(text.ends_with(&format!(
            "[\"0x{}ff\",\"0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000000\"]",
            "0".repeat(62)
        )));
        // G1 generator (1, 2) as C.
        assert!(text.contains(&format!("[\"0x{0}1\", \"0x{0}2\"],[", "0".repeat(63))));
        let (bx, _) = proof.as_ark().b.xy().unwrap();
        assert_eq!(args.b[0], [fq_word(&bx.c1), fq_word(&bx.c0)]);
    }
}
