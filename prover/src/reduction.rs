//! The circom/snarkjs R1CS-to-QAP reduction, implemented here so that phone and wasm
//! builds never carry ark-circom (which pulls wasmer and cranelift).
//!
//! # Why not arkworks' default
//!
//! ark-groth16's [`LibsnarkReduction`] computes the quotient `h = (A·B − C)/Z` on a coset
//! `g·H` (g the field's multiplicative generator) and commits to its *coefficients*.
//! snarkjs instead commits to the evaluations of `A·B − C` on the **odd powers of the
//! 2n-th root of unity** `ω₂ₙ` (the coset `ω₂ₙ·H`, where `Z(x) = xⁿ − 1` is the constant
//! −2), against an H query made of the odd-index Lagrange basis of the 2n-domain at τ
//! divided by δ. A key from a snarkjs Phase-2 ceremony contains that H query, so only this
//! reduction produces proofs it accepts (arkworks groth16 issue #65).
//!
//! # Layout (shared with circom)
//!
//! * `n` = the smallest supported domain ≥ `num_constraints + num_inputs` (`num_inputs`
//!   counts the constant one). Row `num_constraints + i` is the input-binding constraint
//!   `z_i · 0 = 0` that makes every public input (and the constant) appear in `A`.
//! * `C·z` is never read: for a satisfying witness `(C·z)_i = (A·z)_i · (B·z)_i`, which is
//!   how snarkjs proves with a `.zkey` that carries no C matrix. The prover must therefore
//!   check satisfaction *before* calling the witness map (an unsatisfied witness would be
//!   silently "repaired" into an invalid proof, never into an accepted one).
//! * The instance map (key generation) is libsnark's: Lagrange basis of the n-domain at τ.
//!
//! The matrix-free entry point is [`witness_map_from_evaluations`]: give it the row
//! evaluations `A·z`, `B·z` (e.g. accumulators recorded by integer inference) and the
//! public part of `z`.

use ark_ff::PrimeField;
use ark_groth16::r1cs_to_qap::{LibsnarkReduction, R1CSToQAP, evaluate_constraint};
use ark_poly::EvaluationDomain;
use ark_relations::gr1cs::{ConstraintSystemRef, Matrix, SynthesisError};
use rayon::prelude::*;

/// The circom/snarkjs QAP reduction (see the module docs). Use it as the `QAP` parameter of
/// `ark_groth16::Groth16<Bn254, CircomReduction>`; it is a drop-in replacement for
/// ark-circom's `CircomReduction` and gives bit-identical results.
#[derive(Clone, Copy, Debug, Default)]
pub struct CircomReduction;

impl R1CSToQAP for CircomReduction {
    #[allow(clippy::type_complexity)] // signature fixed by the trait
    fn instance_map_with_evaluation<F: PrimeField, D: EvaluationDomain<F>>(
        cs: ConstraintSystemRef<F>,
        t: &F,
    ) -> Result<(Vec<F>, Vec<F>, Vec<F>, F, usize, usize), SynthesisError> {
        // circom's instance map is libsnark's: the input-binding rows sit after the
        // constraints, in A only.
        LibsnarkReduction::instance_map_with_evaluation::<F, D>(cs, t)
    }

    fn witness_map_from_matrices<F: PrimeField, D: EvaluationDomain<F>>(
        matrices: &[Matrix<F>],
        num_inputs: usize,
        num_constraints: usize,
        full_assignment: &[F],
    ) -> Result<Vec<F>, SynthesisError> {
        let (a, b) = ab_rows(matrices, num_inputs, num_constraints, full_assignment)?;
        witness_map_from_evaluations::<F, D>(a, b, &full_assignment[..num_inputs])
    }

    fn h_query_scalars<F: PrimeField, D: EvaluationDomain<F>>(
        max_power: usize,
        t: F,
        _zt: F,
        delta_inverse: F,
    ) -> Result<Vec<F>, SynthesisError> {
        circom_h_query_scalars::<F, D>(max_power, t, delta_inverse)
    }
}

/// The same reduction computed the way ark-circom's `CircomReduction` does it, with
/// ark-poly's transforms (interpolate, shift, evaluate: six FFTs with bit reversal). Same
/// results as [`CircomReduction`]; it exists as the **stock baseline** the benchmarks
/// compare zkid's prover against (`zkid bench --stock`), so that the baseline does not
/// silently get zkid's faster witness map.
#[derive(Clone, Copy, Debug, Default)]
pub struct ArkPolyCircomReduction;

impl R1CSToQAP for ArkPolyCircomReduction {
    #[allow(clippy::type_complexity)] // signature fixed by the trait
    fn instance_map_with_evaluation<F: PrimeField, D: EvaluationDomain<F>>(
        cs: ConstraintSystemRef<F>,
        t: &F,
    ) -> Result<(Vec<F>, Vec<F>, Vec<F>, F, usize, usize), SynthesisError> {
        CircomReduction::instance_map_with_evaluation::<F, D>(cs, t)
    }

    fn witness_map_from_matrices<F: PrimeField, D: EvaluationDomain<F>>(
        matrices: &[Matrix<F>],
        num_inputs: usize,
        num_constraints: usize,
        full_assignment: &[F],
    ) -> Result<Vec<F>, SynthesisError> {
        let (mut a, mut b) = ab_rows(matrices, num_inputs, num_constraints, full_assignment)?;
        let domain = D::new(num_constraints + num_inputs).ok_or(SynthesisError::PolynomialDegreeTooLarge)?;
        let n = domain.size();
        a.resize(n, F::zero());
        a[num_constraints..num_constraints + num_inputs].copy_from_slice(&full_assignment[..num_inputs]);
        b.resize(n, F::zero());
        Ok(odd_coset_with_ark_poly(&domain, a, b, odd_coset_offset::<F, D>(n)?))
    }

    fn h_query_scalars<F: PrimeField, D: EvaluationDomain<F>>(
        max_power: usize,
        t: F,
        zt: F,
        delta_inverse: F,
    ) -> Result<Vec<F>, SynthesisError> {
        CircomReduction::h_query_scalars::<F, D>(max_power, t, zt, delta_inverse)
    }
}

/// `A·z` and `B·z` over the first `num_constraints` rows, after checking the shapes.
fn ab_rows<F: PrimeField>(
    matrices: &[Matrix<F>],
    num_inputs: usize,
    num_constraints: usize,
    full_assignment: &[F],
) -> Result<(Vec<F>, Vec<F>), SynthesisError> {
    let [a_matrix, b_matrix, ..] = matrices else {
        return Err(SynthesisError::ArityMismatch);
    };
    if a_matrix.len() < num_constraints || b_matrix.len() < num_constraints || full_assignment.len() < num_inputs {
        return Err(SynthesisError::ArityMismatch);
    }
    let a = evaluate_rows(&a_matrix[..num_constraints], full_assignment)?;
    let b = evaluate_rows(&b_matrix[..num_constraints], full_assignment)?;
    Ok((a, b))
}

/// Evaluates every row of one R1CS matrix at the full assignment `z = (1, x, w)`:
/// returns `M·z`. Fails with [`SynthesisError::AssignmentMissing`] if a row refers to a
/// variable beyond `z` (a matrix from another constraint system).
pub fn evaluate_rows<F: PrimeField>(
    matrix: &[Vec<(F, usize)>],
    full_assignment: &[F],
) -> Result<Vec<F>, SynthesisError> {
    let n = full_assignment.len();
    let in_range = matrix.par_iter().all(|row| row.iter().all(|&(_, index)| index < n));
    if !in_range {
        return Err(SynthesisError::AssignmentMissing);
    }
    Ok(matrix.par_iter().map(|row| evaluate_constraint(row, full_assignment)).collect())
}

/// Size of the evaluation domain the circom reduction uses for a circuit with
/// `num_constraints` constraints and `num_inputs` instance variables (constant one
/// included). `None` if the field has no such domain.
pub fn domain_size<F: PrimeField, D: EvaluationDomain<F>>(num_constraints: usize, num_inputs: usize) -> Option<usize> {
    D::new(num_constraints.checked_add(num_inputs)?).map(|d| d.size())
}

/// The circom witness map from row evaluations: returns the evaluations of
/// `A(x)·B(x) − C(x)` on the odd powers of `ω₂ₙ`, i.e. the scalars for the H-query MSM.
///
/// * `a`, `b`: `(A·z)_i`, `(B·z)_i` for every constraint `i` (same length),
/// * `inputs`: the instance part of `z`, starting with the constant one.
///
/// `(C·z)_i` is taken as `a_i·b_i`, so the caller must already know the witness satisfies
/// the constraints. Cost: six size-n transforms (`fft.rs`: no inverse transform, no bit
/// reversal, one twiddle table, cache-blocked, lazily reduced BN254 butterflies) working in
/// place on `a`, `b` and one more vector. Domains that are not radix-2 (never the case for
/// BN254 below 2^28 points) take ark-poly's FFTs instead, with the same result.
pub fn witness_map_from_evaluations<F: PrimeField, D: EvaluationDomain<F>>(
    mut a: Vec<F>,
    mut b: Vec<F>,
    inputs: &[F],
) -> Result<Vec<F>, SynthesisError> {
    let num_constraints = a.len();
    if b.len() != num_constraints {
        return Err(SynthesisError::ArityMismatch);
    }
    let domain = D::new(num_constraints + inputs.len()).ok_or(SynthesisError::PolynomialDegreeTooLarge)?;
    let n = domain.size();
    let root_2n = odd_coset_offset::<F, D>(n)?;

    // Input-binding rows: A has z_i, B has 0 (so C = A·B = 0 there too).
    a.resize(n, F::zero());
    a[num_constraints..num_constraints + inputs.len()].copy_from_slice(inputs);
    b.resize(n, F::zero());

    // The fast path needs H = {ω^k} in this order, ω of order exactly n = 2^L, ψ² = ω.
    let omega = domain.group_gen();
    let radix2 = n.is_power_of_two()
        && domain.element(1) == omega
        && root_2n.square() == omega
        && (n == 1 || omega.pow([(n / 2) as u64]) == -F::one());
    match root_2n.inverse() {
        Some(psi_inv) if radix2 => Ok(crate::fft::odd_coset_witness_map(a, b, omega, psi_inv, domain.size_inv())),
        _ => Ok(odd_coset_with_ark_poly(&domain, a, b, root_2n)),
    }
}

/// The witness map with ark-poly's transforms (interpolate on H, evaluate on `ω₂ₙ·H`), for
/// domains the fast path does not handle, and the reference the fast path is tested against.
/// `a`, `b` are padded to the domain size.
fn odd_coset_with_ark_poly<F: PrimeField, D: EvaluationDomain<F>>(
    domain: &D,
    mut a: Vec<F>,
    mut b: Vec<F>,
    root_2n: F,
) -> Vec<F> {
    let mut c: Vec<F> = a.par_iter().zip(&b).map(|(a, b)| *a * b).collect();
    for v in [&mut a, &mut b, &mut c] {
        domain.ifft_in_place(v);
        D::distribute_powers_and_mul_by_const(v, root_2n, F::one());
        domain.fft_in_place(v);
    }
    a.par_iter_mut().zip(&b).zip(&c).for_each(|((a, b), c)| *a = *a * b - c);
    a
}

/// `ω₂ₙ`, the primitive 2n-th root of unity whose odd powers form the coset.
fn odd_coset_offset<F: PrimeField, D: EvaluationDomain<F>>(n: usize) -> Result<F, SynthesisError> {
    let double = D::new(2 * n).ok_or(SynthesisError::PolynomialDegreeTooLarge)?;
    if double.size() != 2 * n {
        return Err(SynthesisError::PolynomialDegreeTooLarge);
    }
    Ok(double.element(1))
}

/// The circom H-query scalars: `δ⁻¹·L_{2j+1}(τ)` for `j < n`, where `L_k` is the Lagrange
/// basis of the 2n-domain, computed as the odd entries of the inverse FFT of
/// `(δ⁻¹τ⁰, …, δ⁻¹τ^{2n−2})` (`max_power = n − 1`). The missing `τ^{2n−1}` term multiplies
/// the leading coefficient of `A·B − C`, which is zero (degree ≤ 2n − 2), so the result is
/// exactly snarkjs's H query for honest proofs; it matches ark-circom bit for bit.
fn circom_h_query_scalars<F: PrimeField, D: EvaluationDomain<F>>(
    max_power: usize,
    t: F,
    delta_inverse: F,
) -> Result<Vec<F>, SynthesisError> {
    let len = 2 * max_power + 1;
    let mut scalars = Vec::with_capacity(len + 1);
    let mut power = delta_inverse;
    for _ in 0..len {
        scalars.push(power);
        power *= t;
    }
    // The 2n-domain (`len + 1 = 2n`); ark-circom asks for `D::new(len)`, which is the same
    // domain for n ≥ 2 but collapses to size 1 (and an empty query) for n = 1.
    let domain = D::new(len + 1).ok_or(SynthesisError::PolynomialDegreeTooLarge)?;
    domain.ifft_in_place(&mut scalars);
    Ok(scalars.into_iter().skip(1).step_by(2).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bn254::Fr;
    use ark_ff::{AdditiveGroup, Field, UniformRand};
    use ark_poly::{GeneralEvaluationDomain, Radix2EvaluationDomain};
    use ark_relations::gr1cs::{
        ConstraintSynthesizer, ConstraintSystem, LinearCombination, R1CS_PREDICATE_LABEL, SynthesisMode, Variable,
    };
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha20Rng;

    type D = GeneralEvaluationDomain<Fr>;

    /// A random satisfiable R1CS: random linear combinations in A and B over the variables
    /// allocated so far, and each product allocated as a fresh witness bound by C.
    struct RandomCircuit {
        seed: u64,
        public: usize,
        private: usize,
        constraints: usize,
    }

    impl ConstraintSynthesizer<Fr> for RandomCircuit {
        fn generate_constraints(
            self,
            cs: ark_relations::gr1cs::ConstraintSystemRef<Fr>,
        ) -> ark_relations::gr1cs::Result<()> {
            let mut rng = ChaCha20Rng::seed_from_u64(self.seed);
            let mut vars: Vec<(Variable, Fr)> = vec![(Variable::One, Fr::ONE)];
            for _ in 0..self.public {
                let v = Fr::rand(&mut rng);
                vars.push((cs.new_input_variable(|| Ok(v))?, v));
            }
            for _ in 0..self.private {
                let v = Fr::rand(&mut rng);
                vars.push((cs.new_witness_variable(|| Ok(v))?, v));
            }
            for _ in 0..self.constraints {
                let lc = |rng: &mut ChaCha20Rng| {
                    let mut lc = LinearCombination::zero();
                    let mut value = Fr::ZERO;
                    for _ in 0..rng.gen_range(1..4) {
                        let (var, val) = vars[rng.gen_range(0..vars.len())];
                        let coeff = Fr::from(rng.gen_range(1u64..1000));
                        lc += (coeff, var);
                        value += coeff * val;
                    }
                    (lc, value)
                };
                let (a, av) = lc(&mut rng);
                let (b, bv) = lc(&mut rng);
                let product = av * bv;
                let c = cs.new_witness_variable(|| Ok(product))?;
                cs.enforce_r1cs_constraint(|| a, || b, || LinearCombination::from(c))?;
                vars.push((c, product));
            }
            Ok(())
        }
    }

    type Synthesized = (Vec<Matrix<Fr>>, Vec<Fr>, usize, usize);

    fn synthesize(circuit: RandomCircuit) -> Synthesized {
        let cs = ConstraintSystem::<Fr>::new_ref();
        cs.set_mode(SynthesisMode::Prove { construct_matrices: true, generate_lc_assignments: false });
        circuit.generate_constraints(cs.clone()).unwrap();
        cs.finalize();
        assert!(cs.is_satisfied().unwrap());
        let matrices = cs.to_matrices().unwrap()[R1CS_PREDICATE_LABEL].clone();
        let z = [cs.instance_assignment().unwrap(), cs.witness_assignment().unwrap()].concat();
        (matrices, z, cs.num_instance_variables(), cs.num_constraints())
    }

    /// Sizes chosen to hit exact powers of two, one past them and the tiny cases.
    const SHAPES: [(usize, usize, usize); 7] =
        [(0, 1, 1), (1, 1, 2), (1, 2, 5), (2, 3, 13), (3, 5, 29), (1, 4, 63), (4, 8, 100)];

    #[cfg(target_arch = "x86_64")] // the reference (ark-circom) is an x86_64-only dev-dependency
    #[test]
    fn witness_map_matches_ark_circom() {
        for (i, &(public, private, constraints)) in SHAPES.iter().enumerate() {
            let (m, z, num_inputs, num_constraints) =
                synthesize(RandomCircuit { seed: i as u64, public, private, constraints });
            let ours =
                CircomReduction::witness_map_from_matrices::<Fr, D>(&m, num_inputs, num_constraints, &z).unwrap();
            let reference =
                ark_circom::CircomReduction::witness_map_from_matrices::<Fr, D>(&m, num_inputs, num_constraints, &z)
                    .unwrap();
            assert_eq!(ours, reference, "shape {:?}", SHAPES[i]);
            let stock = ArkPolyCircomReduction::witness_map_from_matrices::<Fr, D>(&m, num_inputs, num_constraints, &z)
                .unwrap();
            assert_eq!(stock, reference, "stock baseline, shape {:?}", SHAPES[i]);
        }
    }

    #[cfg(target_arch = "x86_64")] // the reference (ark-circom) is an x86_64-only dev-dependency
    #[test]
    fn h_query_scalars_match_ark_circom() {
        let mut rng = ChaCha20Rng::seed_from_u64(7);
        for log_n in 1..8 {
            let n = 1usize << log_n;
            let t = Fr::rand(&mut rng);
            let delta_inv = Fr::rand(&mut rng);
            let zt = D::new(n).unwrap().evaluate_vanishing_polynomial(t);
            let ours = CircomReduction::h_query_scalars::<Fr, D>(n - 1, t, zt, delta_inv).unwrap();
            let reference = ark_circom::CircomReduction::h_query_scalars::<Fr, D>(n - 1, t, zt, delta_inv).unwrap();
            assert_eq!(ours.len(), n);
            assert_eq!(ours, reference, "n = {n}");
        }
    }

    /// The algebra behind the reduction, independently of ark-circom: Σ h_j·H_j equals
    /// (A(τ)B(τ) − C(τ))/δ, where A, B, C interpolate the rows (inputs appended) on the
    /// n-domain.
    #[test]
    fn h_commits_to_ab_minus_c_at_tau() {
        let (m, z, num_inputs, num_constraints) =
            synthesize(RandomCircuit { seed: 99, public: 2, private: 3, constraints: 20 });
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        let (t, delta_inv) = (Fr::rand(&mut rng), Fr::rand(&mut rng));
        let domain = Radix2EvaluationDomain::<Fr>::new(num_constraints + num_inputs).unwrap();
        let n = domain.size();
        let h = CircomReduction::witness_map_from_matrices::<Fr, D>(&m, num_inputs, num_constraints, &z).unwrap();
        let hq = CircomReduction::h_query_scalars::<Fr, D>(n - 1, t, Fr::ZERO, delta_inv).unwrap();
        let lhs: Fr = h.iter().zip(&hq).map(|(h, q)| *h * q).sum();

        let lagrange = domain.evaluate_all_lagrange_coefficients(t);
        let at_tau = |rows: &[Vec<(Fr, usize)>], with_inputs: bool| -> Fr {
            let mut evals = evaluate_rows(&rows[..num_constraints], &z).unwrap();
            evals.resize(n, Fr::ZERO);
            if with_inputs {
                evals[num_constraints..num_constraints + num_inputs].copy_from_slice(&z[..num_inputs]);
            }
            evals.iter().zip(&lagrange).map(|(e, l)| *e * l).sum()
        };
        let (a, b, c) = (at_tau(&m[0], true), at_tau(&m[1], false), at_tau(&m[2], false));
        assert_eq!(lhs, (a * b - c) * delta_inv);
    }

    /// A circuit with no constraint has n = 1; the query must still have n entries.
    #[test]
    fn h_query_for_single_point_domain() {
        let q = CircomReduction::h_query_scalars::<Fr, D>(0, Fr::from(3u64), Fr::ZERO, Fr::ONE).unwrap();
        assert_eq!(q.len(), 1);
    }

    /// The previous implementation (ark-poly's IFFT, coset shift, FFT), with the same padding.
    fn witness_map_with_ark_poly(mut a: Vec<Fr>, mut b: Vec<Fr>, inputs: &[Fr]) -> Vec<Fr> {
        let num_constraints = a.len();
        let domain = D::new(num_constraints + inputs.len()).unwrap();
        let n = domain.size();
        a.resize(n, Fr::ZERO);
        a[num_constraints..num_constraints + inputs.len()].copy_from_slice(inputs);
        b.resize(n, Fr::ZERO);
        odd_coset_with_ark_poly(&domain, a, b, odd_coset_offset::<Fr, D>(n).unwrap())
    }

    fn random_rows(rng: &mut ChaCha20Rng, len: usize) -> Vec<Fr> {
        (0..len).map(|_| Fr::rand(rng)).collect()
    }

    /// The fast witness map equals ark-poly's for n = 1 … 2^12, with the domain exactly
    /// full, just over half full, and with 1 to 3 instance variables.
    #[test]
    fn witness_map_matches_ark_poly_transforms() {
        let mut rng = ChaCha20Rng::seed_from_u64(5);
        for log_n in 0..=12 {
            let n = 1usize << log_n;
            for num_inputs in 1..=3usize.min(n) {
                for filled in [n, n / 2 + 1] {
                    let num_constraints = filled.saturating_sub(num_inputs);
                    let a = random_rows(&mut rng, num_constraints);
                    let b = random_rows(&mut rng, num_constraints);
                    let inputs: Vec<Fr> =
                        std::iter::once(Fr::ONE).chain(random_rows(&mut rng, num_inputs - 1)).collect();
                    let ours = witness_map_from_evaluations::<Fr, D>(a.clone(), b.clone(), &inputs).unwrap();
                    assert_eq!(ours.len(), n);
                    assert_eq!(ours, witness_map_with_ark_poly(a, b, &inputs), "n = {n}, {num_inputs} inputs");
                }
            }
        }
    }

    /// Rows shaped like a real circuit's (zeros, small repeated values, −1) agree too.
    #[test]
    fn witness_map_matches_on_structured_rows() {
        for log_n in [4usize, 9, 12] {
            let n = 1usize << log_n;
            let a: Vec<Fr> = (0..n - 2).map(|i| Fr::from((i % 3) as u64)).collect();
            let b: Vec<Fr> = (0..n - 2).map(|i| if i % 5 == 0 { Fr::ZERO } else { -Fr::ONE }).collect();
            let inputs = [Fr::ONE, Fr::from(7u64)];
            let ours = witness_map_from_evaluations::<Fr, D>(a.clone(), b.clone(), &inputs).unwrap();
            assert_eq!(ours, witness_map_with_ark_poly(a, b, &inputs), "n = {n}");
        }
    }

    /// CPU time of all threads of this process in ns (Linux; 0 elsewhere): on a shared
    /// machine the wall-clock ratio depends on the load, the CPU-time ratio much less.
    fn process_cpu_ns() -> u64 {
        let Ok(tasks) = std::fs::read_dir("/proc/self/task") else { return 0 };
        tasks
            .flatten()
            .filter_map(|task| std::fs::read_to_string(task.path().join("schedstat")).ok())
            .filter_map(|stat| stat.split_whitespace().next()?.parse::<u64>().ok())
            .sum()
    }

    /// Ours against the previous implementation, interleaved in one process (best of two
    /// each, wall clock and CPU time of all threads), for the domain sizes of the bundled
    /// circuits:
    /// `cargo test -p zkid-prover --profile ci --lib bench_witness_map -- --ignored --nocapture`
    #[test]
    #[ignore = "benchmark; run explicitly with optimisations"]
    fn bench_witness_map() {
        use std::time::Instant;
        let mut rng = ChaCha20Rng::seed_from_u64(11);
        println!(
            "{:>4} {:>8} {:>8} {:>6} | {:>12} {:>11} {:>6}",
            "n", "ours ms", "old ms", "ratio", "ours cpu ms", "old cpu ms", "ratio"
        );
        for log_n in [16u32, 19, 20] {
            let n = 1usize << log_n;
            let inputs = [Fr::ONE, Fr::from(2u64), Fr::from(3u64)];
            let a = random_rows(&mut rng, n - inputs.len());
            let b = random_rows(&mut rng, n - inputs.len());
            let (mut ours, mut old) = (f64::INFINITY, f64::INFINITY);
            let (mut ours_cpu, mut old_cpu) = (f64::INFINITY, f64::INFINITY);
            let mut results = Vec::new();
            for _ in 0..2 {
                let (a1, b1) = (a.clone(), b.clone());
                let start = Instant::now();
                let c0 = process_cpu_ns();
                let h = witness_map_from_evaluations::<Fr, D>(a1, b1, &inputs).unwrap();
                ours_cpu = ours_cpu.min((process_cpu_ns() - c0) as f64 / 1e6);
                ours = ours.min(start.elapsed().as_secs_f64() * 1e3);
                results.push(h);
                let (a1, b1) = (a.clone(), b.clone());
                let start = Instant::now();
                let c0 = process_cpu_ns();
                let h = witness_map_with_ark_poly(a1, b1, &inputs);
                old_cpu = old_cpu.min((process_cpu_ns() - c0) as f64 / 1e6);
                old = old.min(start.elapsed().as_secs_f64() * 1e3);
                results.push(h);
            }
            assert!(results.windows(2).all(|w| w[0] == w[1]));
            println!(
                "2^{log_n} {ours:>8.1} {old:>8.1} {:>6.2} | {ours_cpu:>12.1} {old_cpu:>11.1} {:>6.2}",
                old / ours,
                old_cpu / ours_cpu
            );
        }
    }

    #[test]
    fn mismatched_inputs_are_errors_not_panics() {
        let a = vec![Fr::ONE; 3];
        let b = vec![Fr::ONE; 2];
        assert_eq!(witness_map_from_evaluations::<Fr, D>(a, b, &[Fr::ONE]), Err(SynthesisError::ArityMismatch));
        let rows = vec![vec![(Fr::ONE, 5)]];
        assert_eq!(evaluate_rows(&rows, &[Fr::ONE]), Err(SynthesisError::AssignmentMissing));
        assert_eq!(
            CircomReduction::witness_map_from_matrices::<Fr, D>(&[], 1, 1, &[Fr::ONE]),
            Err(SynthesisError::ArityMismatch)
        );
    }
}
