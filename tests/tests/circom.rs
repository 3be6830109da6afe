//! zkid's gadgets against the reference circom templates in `circuits/circom/`.
//!
//! Each template is compiled with circom (`circom2`, `--O2`) into a small main component;
//! snarkjs computes its witness for edge and seeded random inputs, and the circom outputs must
//! equal zkid's native computation and the value of the gadget's output wire in a prove-mode
//! constraint system. Inputs outside a gadget's range must make circom's witness generation
//! fail (an `assert` or `===`) exactly when zkid's constraint system is unsatisfied; the one
//! extra refusal, `Requantize`'s `accBits` precondition, is a witness-time assert without a
//! zkid counterpart (see the README).
//!
//! Constraint counts: circom's `--O2` substitutes away every linear constraint, while zkid
//! keeps the sum of each bit decomposition as one (linear) constraint. So the check is that
//! zkid's *non-linear* constraints equal circom's count and zkid's linear ones are exactly its
//! decompositions (see `circuits/circom/README.md`). Run with `--nocapture` for the table.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly

use ark_ff::Zero;
use ark_relations::gr1cs::{ConstraintSystem, ConstraintSystemRef};
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;
use zkid_circuits::field::{fr_from_i64, pow2};
use zkid_circuits::gadgets::{clamp, decompose, is_nonneg, requantize};
use zkid_circuits::poseidon::gadget::{poseidon_sponge as sponge_gadget, sponge_cost};
use zkid_circuits::poseidon::poseidon_sponge;
use zkid_circuits::r1cs::R1cs;
use zkid_circuits::{Fr, Wire};
use zkid_core::quant::Multiplier;
use zkid_core::quant::requant::requantize as native_requantize;
use zkid_tests::{npm, repo_root};

/// A compiled main component.
struct Circom {
    name: String,
    dir: PathBuf,
    wasm: PathBuf,
    header: Header,
}

/// The counts of a `.r1cs` header that the test needs.
struct Header {
    n_wires: usize,
    n_pub_out: usize,
    n_constraints: usize,
}

/// Reads the header section of a circom `.r1cs` file (iden3 binfile layout, see
/// `zkid_circuits::r1cs_file`). Read here rather than with `R1csFile::from_bytes` because
/// circom's --O2 may substitute away a private input, leaving fewer wires than the declared
/// signals, which that reader refuses.
fn read_header(bytes: &[u8]) -> Header {
    let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
    assert_eq!(&bytes[..4], b"r1cs", "not an .r1cs file");
    let mut at = 12;
    for _ in 0..u32_at(8) {
        let (kind, size) = (u32_at(at), u64::from_le_bytes(bytes[at + 4..at + 12].try_into().unwrap()) as usize);
        if kind == 1 {
            let h = at + 12;
            let n8 = u32_at(h);
            let counts = h + 4 + n8; // after the prime: nWires, nPubOut, nPubIn, nPrvIn, nLabels (u64), m
            return Header {
                n_wires: u32_at(counts),
                n_pub_out: u32_at(counts + 4),
                n_constraints: u32_at(counts + 24),
            };
        }
        at += 12 + size;
    }
    panic!("no header section")
}

/// What circom's witness generation gave for one input.
enum Witness {
    /// The full witness, `[1, outputs..., ...]` in wire order.
    Ok(Vec<Fr>),
    /// Witness generation refused the input (the message names the failing assert).
    Refused(String),
}

fn run(cmd: &mut Command) -> std::process::Output {
    cmd.output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

/// Compiles `component main = <main>;` with `include "<file>"` from `circuits/circom`.
fn compile(name: &str, file: &str, main: &str) -> Circom {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("circom").join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
    std::fs::create_dir_all(&dir).unwrap();
    let src = dir.join(format!("{name}.circom"));
    std::fs::write(&src, format!("pragma circom 2.1.0;\ninclude \"{file}\";\ncomponent main = {main};\n")).unwrap();
    let root = repo_root();
    // circom2 runs under WASI with the working directory's ancestors preopened; include
    // directories are only found below the working directory, so run it from the repository.
    let out = run(Command::new(npm::bin("circom2"))
        .current_dir(&root)
        .arg(&src)
        .args(["--r1cs", "--wasm", "--O2", "-l"])
        .arg(root.join("circuits/circom"))
        .arg("-l")
        .arg(npm::dir().join("node_modules/circomlib/circuits"))
        .arg("-o")
        .arg(&dir));
    assert!(
        out.status.success(),
        "circom failed on {main}:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let header = read_header(&std::fs::read(dir.join(format!("{name}.r1cs"))).unwrap());
    let wasm = dir.join(format!("{name}_js")).join(format!("{name}.wasm"));
    Circom { name: name.into(), dir, wasm, header }
}

impl Circom {
    /// Runs `snarkjs wtns calculate` on `input` (a JSON object) and exports the witness.
    fn witness(&self, tag: &str, input: &str) -> Witness {
        let snarkjs = npm::bin("snarkjs");
        let (json_in, wtns, json_out) = (
            self.dir.join(format!("{tag}.input.json")),
            self.dir.join(format!("{tag}.wtns")),
            self.dir.join(format!("{tag}.json")),
        );
        std::fs::write(&json_in, input).unwrap();
        let calc = run(Command::new(&snarkjs).args(["wtns", "calculate"]).arg(&self.wasm).arg(&json_in).arg(&wtns));
        let log = format!("{}{}", String::from_utf8_lossy(&calc.stdout), String::from_utf8_lossy(&calc.stderr));
        if !calc.status.success() {
            return Witness::Refused(log);
        }
        let export = run(Command::new(&snarkjs).args(["wtns", "export", "json"]).arg(&wtns).arg(&json_out));
        assert!(export.status.success(), "snarkjs wtns export json: {}", String::from_utf8_lossy(&export.stderr));
        let text = std::fs::read_to_string(&json_out).unwrap();
        let w: Vec<Fr> = text
            .trim()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .split(',')
            .map(|s| Fr::from_str(s.trim().trim_matches('"')).unwrap_or_else(|_| panic!("bad witness value {s}")))
            .collect();
        assert_eq!(w.len(), self.header.n_wires, "{}: witness length", self.name);
        Witness::Ok(w)
    }

    /// The circom outputs for `input`, or a panic naming the reason witness generation failed.
    fn outputs(&self, tag: &str, input: &str) -> Vec<Fr> {
        match self.witness(tag, input) {
            Witness::Ok(w) => w[1..=self.header.n_pub_out].to_vec(),
            Witness::Refused(log) => panic!("{}: circom refused {input}:\n{log}", self.name),
        }
    }

    /// Asserts that witness generation fails on an `assert` or constraint check for `input`.
    fn assert_refuses(&self, tag: &str, input: &str) {
        match self.witness(tag, input) {
            Witness::Ok(_) => panic!("{}: circom accepted out-of-range {input}", self.name),
            Witness::Refused(log) => {
                assert!(log.contains("Assert Failed"), "{}: {input} failed otherwise:\n{log}", self.name)
            }
        }
    }
}

/// zkid's constraint counts: total and linear (one operand constant; circom --O2 eliminates
/// such constraints by substitution).
struct Counts {
    total: usize,
    linear: usize,
}

/// Finalizes `cs`, asserts it is satisfied (or not) and returns its counts.
fn zkid_counts(cs: &ConstraintSystemRef<Fr>, satisfied: bool, what: &str) -> Counts {
    let total = cs.num_constraints();
    let r = R1cs::from_cs(cs).unwrap();
    assert_eq!(r.is_satisfied(), satisfied, "zkid satisfaction for {what}");
    let constant = |row: &Vec<(Fr, usize)>| row.iter().all(|&(_, col)| col == 0);
    let linear = (0..r.num_constraints()).filter(|&i| constant(&r.a[i]) || constant(&r.b[i])).count();
    Counts { total, linear }
}

/// Checks and prints one row of the constraint-count table: zkid's non-linear constraints
/// equal circom's --O2 count, and its linear ones are `decompositions` bit-decomposition sums.
fn compare_counts(c: &Circom, zkid: &Counts, decompositions: usize) {
    let circom = c.header.n_constraints;
    // A row of the table in circuits/circom/README.md: template, zkid total, zkid linear, circom.
    println!("| `{}` | {} | {} | {} |", c.name, zkid.total, zkid.linear, circom);
    assert_eq!(zkid.total - zkid.linear, circom, "{}: zkid non-linear vs circom --O2", c.name);
    assert_eq!(zkid.linear, decompositions, "{}: zkid's linear constraints are its decomposition sums", c.name);
}

fn witness(cs: &ConstraintSystemRef<Fr>, v: Fr) -> Wire {
    Wire::witness(cs, Some(v)).unwrap()
}

fn seeded(tag: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(0x7a6b_6964_0000_0000 ^ tag)
}

/// A seeded random integer in `[lo, hi]`.
fn random_in(rng: &mut ChaCha8Rng, lo: i64, hi: i64) -> i64 {
    lo + (rng.next_u64() % (hi - lo + 1) as u64) as i64
}

#[test]
fn range_check_matches_decompose() {
    for n in [1u32, 8, 20] {
        let c = compile(&format!("range_check_{n}"), "bits.circom", &format!("RangeCheck({n})"));
        let top = (1i64 << n) - 1;
        let mut rng = seeded(u64::from(n));
        let mut counts = None;
        for (i, v) in [0, top, random_in(&mut rng, 0, top)].into_iter().enumerate() {
            let bits = c.outputs(&format!("ok{i}"), &format!("{{\"in\": \"{v}\"}}"));
            let cs = ConstraintSystem::<Fr>::new_ref();
            let zkid = decompose(&cs, &witness(&cs, fr_from_i64(v)), n).unwrap();
            let native: Vec<Fr> = (0..n).map(|b| Fr::from(((v >> b) & 1) as u64)).collect();
            assert_eq!(bits, native, "RangeCheck({n}) of {v}");
            assert_eq!(zkid.iter().map(|b| b.value.unwrap()).collect::<Vec<_>>(), native, "decompose({v}, {n})");
            counts = Some(zkid_counts(&cs, true, &format!("decompose({v}, {n})")));
        }
        for (i, v) in [top + 1, -1].into_iter().enumerate() {
            c.assert_refuses(&format!("bad{i}"), &format!("{{\"in\": \"{v}\"}}"));
            let cs = ConstraintSystem::<Fr>::new_ref();
            decompose(&cs, &witness(&cs, fr_from_i64(v)), n).unwrap();
            zkid_counts(&cs, false, &format!("decompose({v}, {n})"));
        }
        let counts = counts.unwrap();
        assert_eq!(counts.total, n as usize + 1, "documented cost of decompose");
        compare_counts(&c, &counts, 1);
    }
}

#[test]
fn is_nonneg_matches() {
    for k in [3u32, 16] {
        let c = compile(&format!("is_nonneg_{k}"), "bits.circom", &format!("IsNonNeg({k})"));
        let lim = 1i64 << k;
        let mut rng = seeded(100 + u64::from(k));
        let mut counts = None;
        for (i, v) in [-lim, -1, 0, lim - 1, random_in(&mut rng, -lim, lim - 1)].into_iter().enumerate() {
            let out = c.outputs(&format!("ok{i}"), &format!("{{\"in\": \"{v}\"}}"));
            let cs = ConstraintSystem::<Fr>::new_ref();
            let zkid = is_nonneg(&cs, &witness(&cs, fr_from_i64(v)), k).unwrap();
            assert_eq!(out, [Fr::from(u64::from(v >= 0))], "IsNonNeg({k}) of {v}");
            assert_eq!(zkid.value, Some(out[0]), "is_nonneg({v}, {k})");
            counts = Some(zkid_counts(&cs, true, &format!("is_nonneg({v}, {k})")));
        }
        for (i, v) in [lim, -lim - 1].into_iter().enumerate() {
            c.assert_refuses(&format!("bad{i}"), &format!("{{\"in\": \"{v}\"}}"));
            let cs = ConstraintSystem::<Fr>::new_ref();
            is_nonneg(&cs, &witness(&cs, fr_from_i64(v)), k).unwrap();
            zkid_counts(&cs, false, &format!("is_nonneg({v}, {k})"));
        }
        let counts = counts.unwrap();
        assert_eq!(counts.total, k as usize + 2, "documented cost of is_nonneg");
        compare_counts(&c, &counts, 1);
    }
}

#[test]
fn requantize_matches_core_rule() {
    // (M, s, accBits): halves with M = 1, s = 1; a typical int8 multiplier; s = 0.
    for (mult, shift, acc_bits) in [(1i64, 1u32, 16u32), (77, 9, 20), (21845, 16, 24), (3, 0, 20)] {
        let name = format!("requantize_{mult}_{shift}_{acc_bits}");
        let c = compile(&name, "requant.circom", &format!("Requantize({mult}, {shift}, {acc_bits})"));
        let m = Multiplier { mult, shift };
        let lim = 1i64 << acc_bits;
        let half = if shift > 0 { 1i64 << (shift - 1) } else { 1 };
        let mut rng = seeded(200 + u64::from(shift));
        // ±2^(s-1) with an odd M lands exactly on a rounding half (x.5 up, -x.5 toward +inf).
        let accs = [0, -1, half, -half, 3 * half, -3 * half, lim, -lim, random_in(&mut rng, -lim, lim)];
        let mut counts = None;
        for (i, acc) in accs.into_iter().enumerate() {
            let q = c.outputs(&format!("ok{i}"), &format!("{{\"acc\": \"{acc}\"}}"));
            let step = native_requantize(acc, m, i64::MIN / 2, i64::MAX / 2, "circom").unwrap();
            assert_eq!(q, [fr_from_i64(step.unclamped)], "{name} of {acc}");
            let cs = ConstraintSystem::<Fr>::new_ref();
            let zkid = requantize(&cs, &witness(&cs, fr_from_i64(acc)), m, Some(step.unclamped)).unwrap();
            assert_eq!(zkid.value, Some(q[0]), "requantize gadget of {acc}");
            counts = Some(zkid_counts(&cs, true, &format!("{name} of {acc}")));
        }
        // accBits is a witness-time precondition of the template (no constraint; zkid's
        // gadget leaves bounding to the caller's clamp, see README.md).
        c.assert_refuses("bad", &format!("{{\"acc\": \"{}\"}}", lim + 1));
        let counts = counts.unwrap();
        assert_eq!(counts.total, if shift == 0 { 0 } else { shift as usize + 1 }, "documented cost of requantize");
        compare_counts(&c, &counts, usize::from(shift > 0));
    }
}

#[test]
fn clamp_matches() {
    // (lo, hi, bound, decompositions): the power-of-two span path, the general path (two sign
    // tests), and the no-clamp path (in_range with two range checks).
    for (lo, hi, bound, decompositions) in [(0i64, 255i64, 1000u64, 1usize), (-50, 200, 1000, 2), (-127, 127, 100, 2)] {
        let name = format!("clamp_{}_{}_{bound}", lo.to_string().replace('-', "m"), hi);
        let c = compile(&name, "clamp.circom", &format!("Clamp({lo}, {hi}, {bound})"));
        let b = bound as i64;
        let mut rng = seeded(300 + bound);
        let mut xs = vec![-b, lo - 1, lo, 0, hi, hi + 1, b, random_in(&mut rng, -b, b)];
        xs.retain(|x| x.abs() <= b);
        xs.sort_unstable();
        xs.dedup();
        let mut counts = None;
        for (i, x) in xs.into_iter().enumerate() {
            let out = c.outputs(&format!("ok{i}"), &format!("{{\"in\": \"{x}\"}}"));
            assert_eq!(out, [fr_from_i64(x.clamp(lo, hi))], "{name} of {x}");
            let cs = ConstraintSystem::<Fr>::new_ref();
            let zkid = clamp(&cs, &witness(&cs, fr_from_i64(x)), lo, hi, bound).unwrap();
            assert_eq!(zkid.value, Some(out[0]), "clamp gadget of {x}");
            counts = Some(zkid_counts(&cs, true, &format!("{name} of {x}")));
        }
        // Just outside what the decompositions can represent: refused by both.
        let bad = if lo == 0 {
            [2048, -2049]
        } else if lo == -50 {
            [1998, -1849]
        } else {
            [128, -128]
        };
        for (i, x) in bad.into_iter().enumerate() {
            c.assert_refuses(&format!("bad{i}"), &format!("{{\"in\": \"{x}\"}}"));
            let cs = ConstraintSystem::<Fr>::new_ref();
            clamp(&cs, &witness(&cs, fr_from_i64(x)), lo, hi, bound).unwrap();
            zkid_counts(&cs, false, &format!("{name} of {x}"));
        }
        compare_counts(&c, &counts.unwrap(), decompositions);
    }
}

#[test]
fn poseidon_chain_matches_sponge() {
    let p_minus_1 = -Fr::from(1u64);
    // One call (smallest and largest single chunk) and three calls (full middle chunk, tail).
    for n in [1usize, 15, 31] {
        let c = compile(&format!("poseidon_chain_{n}"), "poseidon_chain.circom", &format!("PoseidonChain({n})"));
        let mut rng = seeded(400 + n as u64);
        let random: Vec<Fr> = (0..n).map(|_| pow2(64) * Fr::from(rng.next_u64()) + Fr::from(rng.next_u64())).collect();
        let edge: Vec<Fr> = (0..n).map(|i| if i % 2 == 0 { Fr::zero() } else { p_minus_1 }).collect();
        let mut counts = None;
        for (i, xs) in [random, edge].into_iter().enumerate() {
            let list = xs.iter().map(|x| format!("\"{x}\"")).collect::<Vec<_>>().join(", ");
            let out = c.outputs(&format!("ok{i}"), &format!("{{\"in\": [{list}]}}"));
            assert_eq!(out, [poseidon_sponge(&xs)], "PoseidonChain({n}) vs native sponge");
            let cs = ConstraintSystem::<Fr>::new_ref();
            let wires: Vec<Wire> = xs.iter().map(|x| witness(&cs, *x)).collect();
            let zkid = sponge_gadget(&cs, &wires).unwrap();
            assert_eq!(zkid.value, Some(out[0]), "sponge gadget, {n} inputs");
            counts = Some(zkid_counts(&cs, true, &format!("sponge of {n}")));
        }
        let counts = counts.unwrap();
        assert_eq!(counts.total, sponge_cost(n).unwrap(), "documented cost of poseidon_sponge");
        compare_counts(&c, &counts, 0);
    }
}
