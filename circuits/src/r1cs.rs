//! A plain R1CS snapshot of a synthesized constraint system: the three matrices and the
//! full assignment. Used to check satisfaction independently of ark-relations' cached
//! linear-combination values (tamper tests), to count non-zeros, and for export.

use crate::field::Fr;
use ark_ff::Zero;
use ark_relations::gr1cs::{ConstraintSystemRef, Matrix, R1CS_PREDICATE_LABEL, SynthesisError};

/// Matrices `A, B, C` (rows of `(coefficient, column)`) over the columns
/// `[1, public inputs..., witnesses...]`, and the assignment `z` when present.
#[derive(Clone, Debug)]
pub struct R1cs {
    /// Left matrix.
    pub a: Matrix<Fr>,
    /// Right matrix.
    pub b: Matrix<Fr>,
    /// Output matrix.
    pub c: Matrix<Fr>,
    /// Number of instance columns, including the constant 1.
    pub num_instance: usize,
    /// Number of witness columns.
    pub num_witness: usize,
    /// Full assignment `[1, inputs..., witnesses...]` (empty in setup mode).
    pub z: Vec<Fr>,
}

fn dot(row: &[(Fr, usize)], z: &[Fr]) -> Fr {
    row.iter().map(|(c, i)| *c * z[*i]).sum()
}

impl R1cs {
    /// Finalizes `cs` (inlining linear combinations) and extracts its R1CS.
    pub fn from_cs(cs: &ConstraintSystemRef<Fr>) -> Result<Self, SynthesisError> {
        cs.finalize();
        let mut m = cs.to_matrices()?;
        let mut mats = m.remove(R1CS_PREDICATE_LABEL).ok_or(SynthesisError::PredicateNotFound)?;
        if mats.len() != 3 {
            return Err(SynthesisError::Unsatisfiable);
        }
        let c = mats.pop().unwrap_or_default();
        let b = mats.pop().unwrap_or_default();
        let a = mats.pop().unwrap_or_default();
        let z = if cs.is_in_setup_mode() {
            Vec::new()
        } else {
            [cs.instance_assignment()?, cs.witness_assignment()?].concat()
        };
        Ok(Self { a, b, c, num_instance: cs.num_instance_variables(), num_witness: cs.num_witness_variables(), z })
    }

    /// Number of constraints.
    pub fn num_constraints(&self) -> usize {
        self.a.len()
    }

    /// Total non-zero entries of the three matrices.
    pub fn non_zeros(&self) -> usize {
        [&self.a, &self.b, &self.c].iter().map(|m| m.iter().map(Vec::len).sum::<usize>()).sum()
    }

    /// Index of the first constraint `z` violates, or `None` when all hold.
    pub fn first_unsatisfied(&self, z: &[Fr]) -> Option<usize> {
        (0..self.a.len()).find(|&i| dot(&self.a[i], z) * dot(&self.b[i], z) - dot(&self.c[i], z) != Fr::zero())
    }

    /// Whether the stored assignment satisfies every constraint.
    pub fn is_satisfied(&self) -> bool {
        !self.z.is_empty() && self.first_unsatisfied(&self.z).is_none()
    }

    /// Whether the stored assignment with column `col` replaced by `value` still satisfies
    /// every constraint (the tamper test primitive).
    pub fn satisfied_with(&self, col: usize, value: Fr) -> bool {
        let mut z = self.z.clone();
        z[col] = value;
        self.first_unsatisfied(&z).is_none()
    }
}

/// Fast single-column tamper checks: which constraints break when one assignment entry
/// changes. Precomputes every row's `A·z`, `B·z`, `C·z` and a column → rows index, so each
/// check touches only the rows that mention the column.
pub struct TamperChecker<'a> {
    r1cs: &'a R1cs,
    rows_of: Vec<Vec<(usize, Fr, Fr, Fr)>>,
    evals: Vec<(Fr, Fr, Fr)>,
}

impl<'a> TamperChecker<'a> {
    /// Builds the index for `r1cs` and its stored assignment.
    pub fn new(r1cs: &'a R1cs) -> Self {
        let n = r1cs.num_instance + r1cs.num_witness;
        let mut rows_of: Vec<Vec<(usize, Fr, Fr, Fr)>> = vec![Vec::new(); n];
        let z = &r1cs.z;
        let mut evals = Vec::with_capacity(r1cs.a.len());
        for i in 0..r1cs.a.len() {
            evals.push((dot(&r1cs.a[i], z), dot(&r1cs.b[i], z), dot(&r1cs.c[i], z)));
            let mut coeffs: std::collections::BTreeMap<usize, (Fr, Fr, Fr)> = std::collections::BTreeMap::new();
            for (c, col) in &r1cs.a[i] {
                coeffs.entry(*col).or_default().0 += c;
            }
            for (c, col) in &r1cs.b[i] {
                coeffs.entry(*col).or_default().1 += c;
            }
            for (c, col) in &r1cs.c[i] {
                coeffs.entry(*col).or_default().2 += c;
            }
            for (col, (a, b, c)) in coeffs {
                rows_of[col].push((i, a, b, c));
            }
        }
        Self { r1cs, rows_of, evals }
    }

    /// Whether adding `delta` to column `col` leaves every constraint satisfied (a
    /// soundness smell when `col` is a witness: nothing pins it down).
    pub fn still_satisfied(&self, col: usize, delta: Fr) -> bool {
        self.rows_of[col].iter().all(|&(i, a, b, c)| {
            let (ea, eb, ec) = self.evals[i];
            (ea + a * delta) * (eb + b * delta) == ec + c * delta
        })
    }

    /// Number of constraints that mention column `col`.
    pub fn touches(&self, col: usize) -> usize {
        self.rows_of.get(col).map_or(0, Vec::len)
    }

    /// Witness columns (indices into the full assignment) that can change by `delta`
    /// without breaking any constraint.
    pub fn free_witness_columns(&self, delta: Fr) -> Vec<usize> {
        (self.r1cs.num_instance..self.r1cs.num_instance + self.r1cs.num_witness)
            .filter(|&c| self.still_satisfied(c, delta))
            .collect()
    }
}
