//! The iris-code model against open-iris 1.11.2's own outputs (`models/iris/vectors/`,
//! written by `models/iris/make_iris_vectors.py`): code bits and accumulators bit for bit,
//! an independent plain implementation, and the circuit's exact cost.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly

use zkid_circuits::model::layer_constraints;
use zkid_core::QModel;
use zkid_core::iris::{self, IrisTemplate};
use zkid_tests::{load_npy, model_file, naive};

const VECTORS: [&str; 5] = ["noise", "eye_a1", "eye_a2", "eye_b", "edges"];

fn iris_model() -> QModel {
    let taps = |f: usize| iris::load_taps(&model_file("iris/vectors", &format!("kernel_f{f}.npy"))).unwrap();
    iris::model(vec![taps(0), taps(1)], "open-iris-1.11.2").unwrap()
}

/// Accumulators exceed f32's exact range: read the int32 file directly.
fn ints(name: &str, what: &str) -> Vec<i64> {
    let bytes = std::fs::read(model_file("iris/vectors", &format!("{name}_{what}.npy"))).unwrap();
    let file = npyz::NpyFile::new(&bytes[..]).unwrap();
    file.into_vec::<i32>().unwrap().into_iter().map(i64::from).collect()
}

fn bits(name: &str, what: &str) -> Vec<i64> {
    load_npy("iris/vectors", &format!("{name}_{what}.npy")).data().iter().map(|&v| v as i64).collect()
}

#[test]
fn code_bits_and_accumulators_equal_open_iris() {
    let model = iris_model();
    for name in VECTORS {
        let image = load_npy("iris/vectors", &format!("{name}_image.npy"));
        let mask = load_npy("iris/vectors", &format!("{name}_mask.npy"));
        let x = iris::input(&model, &image, &mask).unwrap();
        let trace = model.infer(&x).unwrap();
        let t = IrisTemplate::from_output(trace.output().data());
        // open-iris stores [filter, row, column, (re, im)], exactly zkid's order.
        assert_eq!(t.code, bits(name, "code").as_slice(), "{name}: code bits differ from open-iris");
        assert_eq!(trace.node(0).unwrap().acc, ints(name, "acc"), "{name}: accumulators differ");
        let reference = bits(name, "maskcode");
        let kept_by_zkid_only = t.mask.iter().zip(&reference).filter(|&(&z, &r)| z == 1 && r == 0).count();
        assert!(t.valid_bits() > 4096, "{name}: {} valid bits", t.valid_bits());
        eprintln!(
            "{name}: zkid keeps {} mask bits, open-iris {}, zkid-only {kept_by_zkid_only}",
            t.valid_bits(),
            reference.iter().sum::<i64>()
        );
        // The plain reference agrees on everything.
        let plain = naive::eval(&model, x.data());
        assert_eq!(plain[model.output().index()].as_deref(), Some(trace.output().data()), "{name}: naive");
    }
}

#[test]
fn exact_constraint_count_of_the_filter_bank() {
    let model = iris_model();
    let layers = layer_constraints(&model).unwrap();
    let total: usize = layers.iter().map(|(_, n)| n).sum();
    assert_eq!(total as u64, zkid_core::report::estimated_constraints(&model));
    // 9 per pixel; 2(k+2) + bits(n) + 6 per response with k = 27 (λ = 28) and 26 (λ = 8),
    // n = 451, 779, 861×13, 738 (λ = 28) and 187, 323, 357×13, 306 (λ = 8) pixels per row.
    assert_eq!(layers[0].1, 128 * 512 * 9);
    let f0 = 256 * (9 + 10 + 13 * 10 + 10 + 16 * (2 * 29 + 6));
    let f1 = 256 * (8 + 9 + 13 * 9 + 9 + 16 * (2 * 28 + 6));
    assert_eq!(layers[1].1, f0 + f1);
}

#[test]
fn bundled_iris_zkm_is_reproducible_from_the_taps() {
    // `zkid compile-iris --taps models/iris/vectors -o models/iris/iris.zkm` wrote it.
    let bundled = std::fs::read(model_file("iris", "iris.zkm")).unwrap();
    assert_eq!(zkid_core::zkm::to_bytes(&iris_model()).unwrap(), bundled);
}

/// The mini fixture the binding tests (Python, Kotlin, C, JavaScript) read from
/// `models/iris/mini/`. `ZKID_BLESS=1 cargo test -p zkid-tests --test iris mini` rewrites it.
#[test]
fn bundled_mini_iris_fixture_is_reproducible() {
    let dir = model_file("iris", "mini");
    let mut files = vec![("model.zkm".to_string(), zkid_core::zkm::to_bytes(&zkid_tests::mini_iris_model()).unwrap())];
    for c in zkid_tests::mini_iris_captures() {
        files.push((format!("{}.image", c.name), c.image));
        files.push((format!("{}.mask", c.name), c.mask));
    }
    for (name, bytes) in files {
        let path = dir.join(&name);
        if std::env::var_os("ZKID_BLESS").is_some() {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &bytes).unwrap();
        }
        let committed = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(committed == bytes, "{} differs from the generator (ZKID_BLESS=1 to rewrite)", path.display());
    }
}
