//! Constraints of the iris filter bank ([`zkid_core::model::ops::IrisCode`]).
//!
//! Input: one pixel variable `p` (8-bit range check, 8 constraints) and one valid bit `m`
//! (1 constraint) per image pixel; the model input value is the free combination
//! `p + 256·m`. Per complex response `(f, i, j)`:
//!
//! * `S_re`, `S_im`: linear combinations of the patch pixels with the integer taps (free);
//! * code bit `[S > 0]`: `S - 1 + 2^k` decomposed into `k + 1` bits, the smallest `k` with
//!   `-255·ΣK⁻ - 1 >= -2^k` and `255·ΣK⁺ <= 2^k` (the taps sum to zero, so this is half the
//!   `|S|` bound), whose top bit is the code bit: `k + 2` constraints (`k = 27` for
//!   open-iris's λ = 28 filter, 26 for λ = 8). The bits also re-express `S` compactly for the
//!   zero test;
//! * `[S_re = S_im = 0]`: one zero test of `S_re + 2^32·S_im` (exact: `|S| < 2^28`), 3;
//! * `[invalid ≤ ⌊p·n/100⌋]`: one sign test of the threshold minus the patch's
//!   invalid-pixel count (a free sum of valid bits), `bits(n) + 2`;
//! * mask bit = enough-valid · (1 - zero): 1.
//!
//! So `2(k + 2) + bits(n) + 6` per response — 74 (λ = 28, `n` = 861) and 71 (λ = 8, `n` =
//! 357) on full rows — plus 9 per pixel (589,824 for the 128 × 512 image).

use crate::field::{Fr, fr_from_i64, pow2};
use crate::gadgets::bits::{alloc_bounded, bits_for, is_nonneg, is_zero, nonneg_split};
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

/// `k` of the code-bit decomposition for filter `f`: the smallest with
/// `max(255·ΣK⁻ + 1, 255·ΣK⁺) <= 2^k`.
pub fn code_bit_width(bank: &IrisCode, f: usize) -> u32 {
    let (neg, pos) = bank.filters[f].signed_sums();
    bits_for((u128::from(neg) * 255).max((u128::from(pos) * 255).saturating_sub(1)))
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
        let acc = |p: usize| trace.and_then(|t| t.acc.get(2 * r + p)).map(|&v| fr_from_i64(v));
        let invalid_count = trace.and_then(|t| t.invalid.get(r)).map(|&v| fr_from_i64(v));
        // While rows are recorded the patch sums' values come from the trace: walking the
        // ~800 taps of every response would be most of the synthesis time.
        let (s_re, s_im, bad) = match (Wire::recorded(acc(0)), Wire::recorded(acc(1)), Wire::recorded(invalid_count)) {
            (Some(s_re), Some(s_im), Some(bad)) => (s_re, s_im, bad),
            _ => patch_sums(bank, pixels, (f, i, j), [acc(0), acc(1), invalid_count]),
        };
        let limit = Wire::constant(fr_from_i64(bank.max_invalid(f, i))).sub(&bad);
        let k_count = bits_for(bank.patch_pixels(f, i) as u128);
        match response(cs, code_bit_width(bank, f), &s_re, &s_im, &limit, k_count) {
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

/// `S_re`, `S_im` and the invalid-pixel count of response `(f, i, j)` as linear combinations
/// of the patch's pixels and valid bits, with the given values.
fn patch_sums(
    bank: &IrisCode,
    pixels: &[PixelWires],
    (f, i, j): (usize, usize, usize),
    [v_re, v_im, v_bad]: [Option<Fr>; 3],
) -> (Wire, Wire, Wire) {
    let k = &bank.filters[f];
    let (mut re, mut im, mut invalid) = (Vec::new(), Vec::new(), Vec::new());
    bank.for_each_tap(f, i, j, |xi, ki| {
        re.push((fr_from_i64(k.re[ki]), &pixels[xi].pixel));
        im.push((fr_from_i64(k.im[ki]), &pixels[xi].pixel));
        invalid.push((-Fr::one(), &pixels[xi].valid));
    });
    let taps = invalid.len() as i64;
    (
        Wire::linear_with_value(re, Fr::from(0u64), v_re),
        Wire::linear_with_value(im, Fr::from(0u64), v_im),
        Wire::linear_with_value(invalid, fr_from_i64(taps), v_bad),
    )
}

/// Code bit of one part: returns `[s > 0]` and `s` re-expressed over the sign test's new
/// variables (`[s − 1 >= 0]` with `|s − 1| <= 2^k`).
fn positive_bit(cs: &ConstraintSystemRef<Fr>, s: &Wire, k: u32) -> SynResult<(Wire, Wire)> {
    let (bit, compact) = nonneg_split(cs, &s.add_const(-Fr::one()), k)?;
    Ok((compact.add_const(Fr::one()), bit))
}

/// Code bits and the shared mask bit of one response; `limit` is the allowed minus the
/// actual number of invalid pixels, `|limit| < 2^k_count`.
fn response(
    cs: &ConstraintSystemRef<Fr>,
    k: u32,
    s_re: &Wire,
    s_im: &Wire,
    limit: &Wire,
    k_count: u32,
) -> SynResult<(Wire, Wire, Wire)> {
    let (re, code_re) = positive_bit(cs, s_re, k)?;
    let (im, code_im) = positive_bit(cs, s_im, k)?;
    // |S| < 2^28 < 2^32: S_re + 2^32·S_im = 0 over the integers (and in the field) iff both are 0.
    let zero = is_zero(cs, &re.add(&im.scale(pow2(32))))?;
    let enough_valid = is_nonneg(cs, limit, k_count)?;
    let mask = enough_valid.mul(&Wire::constant(Fr::one()).sub(&zero), cs)?;
    Ok((code_re, code_im, mask))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gadgets::test_util::{prove_cs, r1cs, setup_cs};
    use ark_relations::gr1cs::ConstraintSystemRef;
    use zkid_core::model::ops::iris::FilterTaps;

    fn bank() -> IrisCode {
        let taps = |rows: usize, cols: usize, seed: i64| {
            let mut re: Vec<i64> = (0..(rows * cols) as i64).map(|t| (t * 7 + seed) % 11 - 5).collect();
            let mut im: Vec<i64> = (0..(rows * cols) as i64).map(|t| (t * 5 + seed) % 13 - 6).collect();
            re[0] -= re.iter().sum::<i64>();
            im[0] -= im.iter().sum::<i64>();
            FilterTaps { rows, cols, re, im }
        };
        IrisCode {
            image: [7, 12],
            probes: [2, 4],
            stride: [4, 3],
            filters: vec![taps(5, 5, 1), taps(3, 3, 2)],
            max_invalid_percent: 10,
        }
    }

    /// Pixels with texture, a few invalid ones, and a constant (S = 0) corner.
    fn image(b: &IrisCode) -> Vec<i64> {
        let [h, w] = b.image;
        (0..h * w)
            .map(|i| {
                let (r, c) = (i / w, i % w);
                let p = if r < 3 && c < 4 { 9 } else { ((i * 37) % 256) as i64 };
                p + if i % 23 == 5 { 0 } else { 256 }
            })
            .collect()
    }

    fn build(cs: &ConstraintSystemRef<Fr>, b: &IrisCode, x: Option<&[i64]>) -> Vec<Wire> {
        let px: Vec<PixelWires> =
            (0..b.image[0] * b.image[1]).map(|i| PixelWires::alloc(cs, x.map(|x| x[i])).unwrap()).collect();
        let trace = x.map(|x| {
            let e = b.evaluate(x);
            NodeTrace { acc: e.acc, invalid: e.invalid, ..NodeTrace::default() }
        });
        synthesize(cs, b, &px, trace.as_ref()).unwrap()
    }

    #[test]
    fn outputs_cost_and_tamper() {
        let b = bank();
        let x = image(&b);
        let cs = prove_cs();
        let out = build(&cs, &b, Some(&x));
        let want = b.evaluate(&x).out;
        let got: Vec<Fr> = out.iter().map(|w| w.value.unwrap()).collect();
        assert_eq!(got, want.iter().map(|&v| fr_from_i64(v)).collect::<Vec<_>>());
        // Both mask outcomes and both code values occur, so the tamper test covers them.
        let masks = &want[2 * b.responses()..];
        assert!(masks.contains(&0) && masks.contains(&1), "{masks:?}");
        let r = r1cs(&cs);
        assert!(r.is_satisfied());
        // Cost: 9 per pixel + per response 2(k+2) + bits(n) + 6.
        let mut expect = 9 * b.image[0] * b.image[1];
        b.for_each_response(|_, f, i, _| {
            expect += 2 * (code_bit_width(&b, f) as usize + 2) + bits_for(b.patch_pixels(f, i) as u128) as usize + 6;
        });
        assert_eq!(cs.num_constraints(), expect);
        // Every witness variable is pinned (every pixel lies in some patch here): changing any
        // one alone breaks a constraint.
        for col in r.num_instance..r.z.len() {
            assert!(!r.satisfied_with(col, r.z[col] + Fr::one()), "column {col} can change alone");
        }
        // Setup mode has the same shape.
        let cs2 = setup_cs();
        build(&cs2, &b, None);
        assert_eq!(cs2.num_constraints(), expect);
    }

    #[test]
    fn out_of_range_pixels_are_unsatisfiable() {
        let b = bank();
        let mut x = image(&b);
        x[7] = 512; // pixel 0 with a valid "bit" of 2
        let cs = prove_cs();
        let px: Vec<PixelWires> = x.iter().map(|&v| PixelWires::alloc(&cs, Some(v)).unwrap()).collect();
        assert_eq!(px.len(), x.len());
        assert!(!r1cs(&cs).is_satisfied());
    }
}
