//! Native prove times for the statements the Node test times (`wasm/tests/node.test.mjs`),
//! through the same `zkid_prover::device` calls the wasm wrapper makes: the native column
//! of the table in `wasm/README.md`.
//!
//! `cargo run -p zkid-wasm --profile ci --example native_times [runs]` (default 3 runs; the
//! median is printed). Uses every core, as the native prover does (wasm runs on one).

use std::path::Path;
use std::time::Instant;

use zkid_prover::{
    Capture, DeviceProver, LoadedModel, NoObserver, OsRng, ProvingKeyFile, RangeMode, SealingKey, device,
};

const MATCH: &str = "match(max_shift=3,min_bits=16)";
const INFER_COMMITTED: &str = "infer(input=committed,output=committed)";
const INFER_PUBLIC: &str = "infer(input=committed,output=public)";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runs: usize = std::env::args().nth(1).map_or(Ok(3), |a| a.parse())?;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/iris/mini");
    let model = LoadedModel::load(&dir.join("model.zkm"))?;
    let read = |name: &str| std::fs::read(dir.join(name));
    let (a1_image, a1_mask, a2_image, a2_mask) =
        (read("a1.image")?, read("a1.mask")?, read("a2.image")?, read("a2.mask")?);
    let a1 = Capture::Iris { image: &a1_image, mask: &a1_mask };
    let a2 = Capture::Iris { image: &a2_image, mask: &a2_mask };
    let sealing_key = SealingKey::generate()?;
    println!(
        "native ({} threads), median of {runs} runs:",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );

    let prover = |statement: &str| -> Result<DeviceProver, Box<dyn std::error::Error>> {
        let start = Instant::now();
        let (pk, _vk) = device::dev_setup(&model, statement, RangeMode::Bits, &mut OsRng)?;
        println!("{:<45} devSetup {:>7.0} ms", statement, start.elapsed().as_secs_f64() * 1e3);
        Ok(DeviceProver::new(model.clone(), ProvingKeyFile::from_bytes(&pk)?)?)
    };
    let report = |name: &str, mut ms: Vec<f64>, constraints: u64| {
        ms.sort_by(f64::total_cmp);
        println!("{name:<45} prove {:>7.0} ms, {constraints} constraints", ms[ms.len() / 2]);
    };

    let enroller = prover("enroll")?;
    let mut enrolled = None;
    let mut ms = Vec::new();
    for _ in 0..runs {
        let e = enroller.enroll(a1, &sealing_key, None, &mut OsRng, &mut NoObserver)?;
        ms.push(e.proof.prove_ms);
        enrolled = Some(e);
    }
    let enrolled = enrolled.ok_or("no runs")?;
    report("enroll", ms, enrolled.proof.constraints);

    let matcher = prover(MATCH)?;
    let mut ms = Vec::new();
    let mut constraints = 0;
    for _ in 0..runs {
        let m = matcher.match_enrolled(
            a2,
            &enrolled.sealed_enrollment,
            &sealing_key,
            None,
            None,
            &mut OsRng,
            &mut NoObserver,
        )?;
        assert!(m.verdict, "a2 matches a1");
        ms.push(m.proof.prove_ms);
        constraints = m.proof.constraints;
    }
    report("match", ms, constraints);

    for statement in [INFER_COMMITTED, INFER_PUBLIC] {
        let p = prover(statement)?;
        let mut ms = Vec::new();
        for _ in 0..runs {
            let o = p.prove(a1, None, &mut OsRng, &mut NoObserver)?;
            ms.push(o.prove_ms);
            constraints = o.constraints;
        }
        report(statement, ms, constraints);
    }
    Ok(())
}
