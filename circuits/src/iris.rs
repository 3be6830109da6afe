//! Constraints of the iris filter bank ([`zkid_core::model::ops::IrisCode`]).
//!
//! Input: one pixel variable `p` (8-bit range check, 8 constraints) and one valid bit `m`
//! (1 constraint) per image pixel; the model input value is the free combination
//! `p + 256·m`. Per complex response `(f, i, j)`:
//!
//! * `S_re`, `S_im`: linear combinations of the patch pixels with the integer taps (free);
//! * code bit `[S > 0]`: `S - 1 + 2^k` decomposed into `k + 1` bits, `2^k > 255·Σ|K|`, whose
//!   top bit is the code bit (`k + 2` constraints; `k = 28` for open-iris's λ = 28 filter,
//!   27 for λ = 8). The bits also re-express `S` compactly for the next two tests;
//! * `[S_re = S_im = 0]`: one zero test of `S_re + 2^32·S_im` (exact: `|S| < 2^28`), 3;
//! * `[patch fully valid]`: one zero test of the patch's invalid-pixel count, 3;
//! * mask bit = valid · (1 - zero): 1.
//!
//! So `2(k + 2) + 7` constraints per response (67 and 65 for open-iris's filters) plus 9 per
//! pixel: 1,130,496 for the 128 × 512 image and 2 × 16 × 256 responses.

use crate::field::{Fr, fr_from_i64, pow2};
use crate::gadgets::bits::{alloc_bounded, bits_for, decompose, is_zero};
use crate::wire::{SynResult, Wire};
use ark_ff::One;
use ark_relations::gr1cs::{ConstraintSystemRef, SynthesisError};
use zkid_core::NodeTrace;
use zkid_core::model::ops::IrisCode;
use zkid_core::model::ops::iris::PIXEL_BITS;

/// One input pixel: its 8-bit value and its valid bit, each a single variable.
#[derive(Clone, Debug)]
pub struct PixelWires {
    /// Pixel value in `[0, 255]`.
    pub pixel: Wire,
    /// 1 = iris, 0 = noise.
    pub valid: Wire,
}

impl PixelWires {
    /// Allocates and range-checks one input value `pixel + 256·valid`. Cost: 9 constraints.
    pub fn alloc(cs: &ConstraintSystemRef<Fr>, value: Option<i64>) -> SynResult<Self> {
        let pixel = alloc_bounded(cs, value.map(|v| (v & 0xff) as u64), PIXEL_BITS)?;
        let valid = alloc_bounded(cs, value.map(|v| (v >> PIXEL_BITS) as u64), 1)?;
        Ok(Self { pixel, valid })
    }

    /// The packed model input value `pixel + 256·valid` (free).
    pub fn value(&self) -> Wire {
        self.pixel.add(&self.valid.scale(pow2(PIXEL_BITS)))
    }
}

/// `k` of the code-bit decomposition for filter `f`: the smallest with `255·Σ|K| < 2^k`.
pub fn code_bit_width(bank: &IrisCode, f: usize) -> u32 {
    bits_for(u128::from(bank.filters[f].abs_sum()) * 255)
}

/// Constraints per response of filter `f` (see the module docs).
pub fn response_cost(bank: &IrisCode, f: usize) -> usize {
    2 * (code_bit_width(bank, f) as usize + 2) + 7
}

/// Output wires (code bits, then mask bits) of the filter bank over `pixels`.
pub fn synthesize(
    cs: &ConstraintSystemRef<Fr>,
    bank: &IrisCode,
    pixels: &[PixelWires],
    trace: Option<&NodeTrace>,
) -> SynResult<Vec<Wire>> {
    let n = bank.responses();
    let [h, w] = bank.image;
    if pixels.len() != h * w {
        return Err(SynthesisError::Unsatisfiable);
    }
    let mut code = vec![Wire::zero(); 2 * n];
    let mut mask = vec![Wire::zero(); 2 * n];
    let mut failure = None;
    bank.for_each_response(|r, f, i, j| {
        if failure.is_some() {
            return;
        }
        let k = &bank.filters[f];
        let (mut re, mut im, mut invalid) = (Vec::new(), Vec::new(), Vec::new());
        bank.for_each_tap(f, i, j, |xi, ki| {
            re.push((fr_from_i64(k.re[ki]), &pixels[xi].pixel));
            im.push((fr_from_i64(k.im[ki]), &pixels[xi].pixel));
            invalid.push((-Fr::one(), &pixels[xi].valid));
        });
        let taps = invalid.len() as i64;
        let acc = |p: usize| trace.and_then(|t| t.acc.get(2 * r + p)).map(|&v| fr_from_i64(v));
        let s_re = Wire::linear_with_value(re, Fr::from(0u64), acc(0));
        let s_im = Wire::linear_with_value(im, Fr::from(0u64), acc(1));
        let bad = Wire::linear_with_value(
            invalid,
            fr_from_i64(taps),
            trace.and_then(|t| t.invalid.get(r)).map(|&v| fr_from_i64(v)),
        );
        match response(cs, code_bit_width(bank, f), &s_re, &s_im, &bad) {
            Ok((c_re, c_im, m)) => {
                code[2 * r] = c_re;
                code[2 * r + 1] = c_im;
                mask[2 * r] = m.clone();
                mask[2 * r + 1] = m;
            }
            Err(e) => failure = Some(e),
        }
    });
    if let Some(e) = failure {
        return Err(e);
    }
    code.extend(mask);
    Ok(code)
}

/// Code bit of one part: returns `[s > 0]` and `s` re-expressed over the decomposition bits.
fn positive_bit(cs: &ConstraintSystemRef<Fr>, s: &Wire, k: u32) -> SynResult<(Wire, Wire)> {
    let offset = pow2(k) - Fr::one();
    let bits = decompose(cs, &s.add_const(offset), k + 1)?;
    let compact = Wire::linear(bits.iter().enumerate().map(|(e, b)| (pow2(e as u32), b.clone()))).add_const(-offset);
    Ok((compact, bits[k as usize].clone()))
}

/// Code bits and the shared mask bit of one response.
fn response(
    cs: &ConstraintSystemRef<Fr>,
    k: u32,
    s_re: &Wire,
    s_im: &Wire,
    bad: &Wire,
) -> SynResult<(Wire, Wire, Wire)> {
    let (re, code_re) = positive_bit(cs, s_re, k)?;
    let (im, code_im) = positive_bit(cs, s_im, k)?;
    // |S| < 2^28 < 2^32: S_re + 2^32·S_im = 0 over the integers (and in the field) iff both are 0.
    let zero = is_zero(cs, &re.add(&im.scale(pow2(32))))?;
    let all_valid = is_zero(cs, bad)?;
    let mask = all_valid.mul(&Wire::constant(Fr::one()).sub(&zero), cs)?;
    Ok((code_re, code_im, mask))
}
