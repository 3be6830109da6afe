//! The one value type every gadget works with: a linear combination of R1CS variables plus,
//! when proving, its assigned value.
//!
//! Linear operations on wires (add, subtract, scale by a constant) build new linear
//! combinations and cost **zero constraints**; only [`Wire::mul`] and the gadgets in
//! [`crate::gadgets`] add constraints. That is how a convolution with public weights is
//! free: its accumulator is a `Wire` whose linear combination lists the input pixels with
//! the weights as coefficients.

use crate::field::Fr;
use crate::rows::{self, is_placeholder, placeholder};
use ark_ff::{One, Zero};
use ark_relations::gr1cs::{ConstraintSystemRef, LinearCombination, SynthesisError, Variable};

/// Result of circuit construction.
pub type SynResult<T> = Result<T, SynthesisError>;

/// A circuit value: `lc` with the assignment `value` (`None` during key generation).
#[derive(Clone, Debug)]
pub struct Wire {
    /// The linear combination of variables this value equals.
    pub lc: LinearCombination<Fr>,
    /// Its value when a witness is present.
    pub value: Option<Fr>,
}

impl Wire {
    /// A constant (no variable, no constraint).
    pub fn constant(c: Fr) -> Self {
        let lc = if c.is_zero() { LinearCombination::zero() } else { LinearCombination::from((c, Variable::One)) };
        Self { lc, value: Some(c) }
    }

    /// The constant zero.
    pub fn zero() -> Self {
        Self { lc: LinearCombination::zero(), value: Some(Fr::zero()) }
    }

    /// While [`rows::record`] runs: a free linear combination whose value the caller already
    /// has (an accumulator from the inference trace), without listing its terms. Returns
    /// `None` outside recording, where the combination itself must be built.
    pub fn recorded(value: Option<Fr>) -> Option<Wire> {
        rows::recording().then(|| Wire { lc: placeholder(), value })
    }

    /// A new private witness variable. No constraint is added: the caller must constrain it.
    pub fn witness(cs: &ConstraintSystemRef<Fr>, value: Option<Fr>) -> SynResult<Self> {
        let v = cs.new_witness_variable(|| value.ok_or(SynthesisError::AssignmentMissing))?;
        Ok(Self { lc: variable_lc(v), value })
    }

    /// A new public input variable. The caller must bind it with a constraint (a public input
    /// no constraint touches is not bound by a Groth16 proof).
    pub fn input(cs: &ConstraintSystemRef<Fr>, value: Option<Fr>) -> SynResult<Self> {
        let v = cs.new_input_variable(|| value.ok_or(SynthesisError::AssignmentMissing))?;
        Ok(Self { lc: variable_lc(v), value })
    }

    /// `self + other` (free).
    pub fn add(&self, other: &Wire) -> Wire {
        let value = self.value.zip(other.value).map(|(a, b)| a + b);
        if is_placeholder(&self.lc) || is_placeholder(&other.lc) {
            return Wire { lc: placeholder(), value };
        }
        Wire { lc: &self.lc + &other.lc, value }
    }

    /// `self - other` (free).
    pub fn sub(&self, other: &Wire) -> Wire {
        let value = self.value.zip(other.value).map(|(a, b)| a - b);
        if is_placeholder(&self.lc) || is_placeholder(&other.lc) {
            return Wire { lc: placeholder(), value };
        }
        Wire { lc: &self.lc - &other.lc, value }
    }

    /// `self * c` for a constant `c` (free).
    pub fn scale(&self, c: Fr) -> Wire {
        if c.is_zero() {
            return Wire::zero();
        }
        let value = self.value.map(|v| v * c);
        if is_placeholder(&self.lc) {
            return Wire { lc: placeholder(), value };
        }
        Wire { lc: &self.lc * c, value }
    }

    /// `self + c` for a constant `c` (free).
    pub fn add_const(&self, c: Fr) -> Wire {
        self.add(&Wire::constant(c))
    }

    /// `Σ c_i * w_i` (free). Values are computed when every term has one.
    pub fn linear(terms: impl IntoIterator<Item = (Fr, Wire)>) -> Wire {
        let mut lc = Vec::new();
        let mut value = Some(Fr::zero());
        let mut recorded = false;
        for (c, w) in terms {
            value = value.zip(w.value).map(|(acc, v)| acc + c * v);
            if recorded || is_placeholder(&w.lc) {
                recorded = true;
                continue;
            }
            lc.extend(w.lc.0.iter().map(|(k, v)| (c * k, *v)));
        }
        if recorded {
            return Wire { lc: placeholder(), value };
        }
        let mut lc = LinearCombination(lc);
        // Merge repeated variables so chained use cannot grow the combination.
        lc.compactify();
        Wire { lc, value }
    }

    /// `Σ c_i * w_i + constant` with a value supplied by the caller (e.g. an accumulator
    /// recorded by integer inference), so no field arithmetic is spent on values. Free.
    pub fn linear_with_value<'a>(
        terms: impl IntoIterator<Item = (Fr, &'a Wire)>,
        constant: Fr,
        value: Option<Fr>,
    ) -> Wire {
        let mut lc: Vec<(Fr, Variable)> = Vec::new();
        if !constant.is_zero() {
            lc.push((constant, Variable::One));
        }
        for (c, w) in terms {
            if c.is_zero() {
                continue;
            }
            if is_placeholder(&w.lc) {
                return Wire { lc: placeholder(), value };
            }
            if c.is_one() {
                lc.extend(w.lc.0.iter().copied());
            } else {
                lc.extend(w.lc.0.iter().map(|(k, v)| (c * k, *v)));
            }
        }
        let mut lc = LinearCombination(lc);
        lc.compactify();
        Wire { lc, value }
    }

    /// A new witness `z = self * other`. Enforces `self * other = z`. Cost: 1 constraint.
    pub fn mul(&self, other: &Wire, cs: &ConstraintSystemRef<Fr>) -> SynResult<Wire> {
        let z = Wire::witness(cs, self.value.zip(other.value).map(|(a, b)| a * b))?;
        enforce(cs, self, other, &z)?;
        Ok(z)
    }

    /// Enforces `self == other`. Cost: 1 constraint.
    pub fn enforce_equal(&self, other: &Wire, cs: &ConstraintSystemRef<Fr>) -> SynResult<()> {
        enforce(cs, &self.sub(other), &Wire::constant(Fr::one()), &Wire::zero())
    }

    /// Replaces a long linear combination by a single witness variable equal to it.
    /// Cost: 1 constraint; saves matrix non-zeros when the value is used many times.
    pub fn compact(&self, cs: &ConstraintSystemRef<Fr>) -> SynResult<Wire> {
        let z = Wire::witness(cs, self.value)?;
        self.enforce_equal(&z, cs)?;
        Ok(z)
    }
}

/// Enforces `a * b = c`. Cost: 1 constraint.
/// While [`rows::record`] runs, the row's values are recorded instead.
pub fn enforce(cs: &ConstraintSystemRef<Fr>, a: &Wire, b: &Wire, c: &Wire) -> SynResult<()> {
    if rows::push(a.value, b.value, c.value)? {
        return Ok(());
    }
    cs.enforce_r1cs_constraint(|| a.lc.clone(), || b.lc.clone(), || c.lc.clone())
}

/// The linear combination of a freshly allocated variable (the placeholder while
/// recording rows: see [`rows`]).
fn variable_lc(v: Variable) -> LinearCombination<Fr> {
    if rows::recording() { placeholder() } else { v.into() }
}
