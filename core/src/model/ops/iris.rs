//! The iris-code filter bank of open-iris 1.11.2 (`ConvFilterBank` + `IrisEncoder`) over
//! integers, evaluated only at the probe points.
//!
//! Semantics (see `models/iris/REFERENCE.md` for the derivation from the package source):
//!
//! * **Input** `[1, H, W]` (128 × 512: radius × angle), one integer per pixel
//!   `v = pixel + 256·valid` with `pixel ∈ 0..=255` (the normalized uint8 image) and
//!   `valid ∈ {0, 1}` (the noise mask, 1 = iris). Packing both into one value keeps the
//!   input a single tensor whose range check (9 bits) is exactly what the circuit needs.
//! * **Probes** `(i, j)`, `i < R`, `j < C`, sit at pixel `(stride_r·i, stride_c·j)`
//!   (16 × 256 at `(8i, 2j)`).
//! * **Correlation** with filter `f` (integer taps `K_re`, `K_im` of `kr × kc`, `kr`, `kc`
//!   odd, `pr = kr/2`, `pc = kc/2`): columns wrap around (angle is periodic), rows are cut
//!   short at the image border and use a *centred* slice of the kernel:
//!   `rtop = max(0, r - pr)`, `rbot = min(r + pr + 1, H)`, `h = rbot - rtop`,
//!   `ktop = pr - h/2`, and
//!   `S_p = Σ_{a<h, t<kc} pixel[rtop + a][(c - pc + t) mod W] · K_p[ktop + a][t]`.
//! * **Code bit** `code_p = [S_p > 0]` — bit-exact with open-iris, whose float pipeline
//!   only divides `S` by positive constants before testing `> 0`.
//! * **Mask bit** (zkid's sound simplification of open-iris's fragile-bit refinement and
//!   93 % |tap|-weight rule; `models/iris/ANALYSIS.md` measures its effect on matching), the
//!   same for both parts: `mask = [invalid ≤ ⌊p·n/100⌋] ∧ [S_re ≠ 0 ∨ S_im ≠ 0]`, where
//!   `invalid` counts the noise-masked pixels of the cut patch, `n = h·kc` its pixels and
//!   `p` = [`IrisCode::max_invalid_percent`] (7: at most 7 % of the patch occluded).
//! * **Output** `[1, 2, F, R, C, 2]`: code bits then mask bits, each `[filter, row, column,
//!   (re, im)]` — open-iris's `np.stack(iris_codes)` layout.

use crate::error::{CoreError, Result};
use serde::{Deserialize, Serialize};

/// Largest input value: pixel 255 with the valid bit set.
pub const INPUT_MAX: i64 = 511;
/// Pixel bits in an input value.
pub const PIXEL_BITS: u32 = 8;

/// The integer taps of one complex filter, row-major `rows × cols`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterTaps {
    /// Kernel rows (radius direction), odd.
    pub rows: usize,
    /// Kernel columns (angle direction), odd.
    pub cols: usize,
    /// Real-part taps.
    pub re: Vec<i64>,
    /// Imaginary-part taps.
    pub im: Vec<i64>,
}

impl FilterTaps {
    /// Taps of part `p` (0 = real, 1 = imaginary).
    pub fn part(&self, p: usize) -> &[i64] {
        if p == 0 { &self.re } else { &self.im }
    }

    /// Largest `Σ|K_p|` over both parts (bounds `|S| / 255`).
    pub fn abs_sum(&self) -> u64 {
        let s = |v: &[i64]| v.iter().map(|t| t.unsigned_abs()).sum::<u64>();
        s(&self.re).max(s(&self.im))
    }

    /// `(largest Σ of negative taps' magnitudes, largest Σ of positive taps)` over both parts:
    /// with pixels in `[0, 255]`, `-255·neg <= S <= 255·pos` for every (cut) patch.
    pub fn signed_sums(&self) -> (u64, u64) {
        let neg = |v: &[i64]| v.iter().filter(|&&t| t < 0).map(|t| t.unsigned_abs()).sum::<u64>();
        let pos = |v: &[i64]| v.iter().filter(|&&t| t > 0).map(|t| t.unsigned_abs()).sum::<u64>();
        (neg(&self.re).max(neg(&self.im)), pos(&self.re).max(pos(&self.im)))
    }
}

/// Rows of one cut-short patch: image rows `top .. top + height`, kernel rows
/// `ktop .. ktop + height`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PatchRows {
    /// First image row.
    pub top: usize,
    /// Number of rows.
    pub height: usize,
    /// First kernel row.
    pub ktop: usize,
}

/// The filter bank operator (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IrisCode {
    /// Image `[rows, cols]` (128, 512).
    pub image: [usize; 2],
    /// Probe grid `[rows, cols]` (16, 256).
    pub probes: [usize; 2],
    /// Probe spacing in pixels `[rows, cols]` (8, 2).
    pub stride: [usize; 2],
    /// The complex filters.
    pub filters: Vec<FilterTaps>,
    /// Largest share of invalid pixels, in percent, a patch may hold for its bits to count.
    pub max_invalid_percent: u8,
}

impl IrisCode {
    /// Input shape `[1, H, W]`.
    pub fn in_shape(&self) -> Vec<usize> {
        vec![1, self.image[0], self.image[1]]
    }

    /// Output shape `[1, 2, F, R, C, 2]`.
    pub fn out_shape(&self) -> Vec<usize> {
        vec![1, 2, self.filters.len(), self.probes[0], self.probes[1], 2]
    }

    /// Number of complex responses `F · R · C`.
    pub fn responses(&self) -> usize {
        self.filters.len() * self.probes[0] * self.probes[1]
    }

    /// Checks the geometry: odd kernels that fit the image, probes inside it, tap counts.
    pub fn validate(&self) -> std::result::Result<(), String> {
        let [h, w] = self.image;
        if h == 0 || w == 0 || self.probes.contains(&0) || self.stride.contains(&0) {
            return Err("iris filter bank has an empty image, probe grid or stride".into());
        }
        if (self.probes[0] - 1) * self.stride[0] >= h || (self.probes[1] - 1) * self.stride[1] >= w {
            return Err("probe grid extends past the image".into());
        }
        if self.filters.is_empty() {
            return Err("iris filter bank has no filters".into());
        }
        if self.max_invalid_percent > 100 {
            return Err("the invalid-pixel share of a patch is a percentage (0..=100)".into());
        }
        for (f, k) in self.filters.iter().enumerate() {
            if k.rows % 2 == 0 || k.cols % 2 == 0 || k.rows > h || k.cols > w {
                return Err(format!("filter {f}: kernel {}x{} must be odd and fit the image", k.rows, k.cols));
            }
            if k.re.len() != k.rows * k.cols || k.im.len() != k.rows * k.cols {
                return Err(format!("filter {f}: tap count does not match {}x{}", k.rows, k.cols));
            }
            if k.re.iter().chain(&k.im).any(|t| t.unsigned_abs() >= 1 << 24) {
                return Err(format!("filter {f}: taps must be below 2^24 in magnitude"));
            }
        }
        Ok(())
    }

    /// The cut-short rows of filter `f` at probe row `i` (open-iris 1.11.2 `_convolve`).
    pub fn patch_rows(&self, f: usize, i: usize) -> PatchRows {
        let pr = self.filters[f].rows / 2;
        let r = i * self.stride[0];
        let top = r.saturating_sub(pr);
        let bottom = (r + pr + 1).min(self.image[0]);
        let height = bottom - top;
        PatchRows { top, height, ktop: pr - height / 2 }
    }

    /// Calls `tap(pixel index, kernel index)` for every tap of filter `f` at probe `(i, j)`.
    pub fn for_each_tap(&self, f: usize, i: usize, j: usize, mut tap: impl FnMut(usize, usize)) {
        let k = &self.filters[f];
        let w = self.image[1];
        let rows = self.patch_rows(f, i);
        let c0 = j * self.stride[1] + w - k.cols / 2;
        for a in 0..rows.height {
            let row = (rows.top + a) * w;
            let krow = (rows.ktop + a) * k.cols;
            for t in 0..k.cols {
                tap(row + (c0 + t) % w, krow + t);
            }
        }
    }

    /// Pixels of the cut patch of filter `f` at probe row `i`.
    pub fn patch_pixels(&self, f: usize, i: usize) -> usize {
        self.patch_rows(f, i).height * self.filters[f].cols
    }

    /// Most invalid pixels the patch of filter `f` at probe row `i` may hold for its bits to
    /// count: `⌊p·n/100⌋`.
    pub fn max_invalid(&self, f: usize, i: usize) -> i64 {
        (self.patch_pixels(f, i) * usize::from(self.max_invalid_percent) / 100) as i64
    }

    /// Index of response `(f, i, j)` in the flat `F × R × C` order.
    pub fn response_index(&self, f: usize, i: usize, j: usize) -> usize {
        (f * self.probes[0] + i) * self.probes[1] + j
    }

    /// Calls `visit(response index, f, i, j)` for every probe of every filter, in order.
    pub fn for_each_response(&self, mut visit: impl FnMut(usize, usize, usize, usize)) {
        for f in 0..self.filters.len() {
            for i in 0..self.probes[0] {
                for j in 0..self.probes[1] {
                    visit(self.response_index(f, i, j), f, i, j);
                }
            }
        }
    }

    /// Evaluates the bank on input values (`pixel + 256·valid`, already range-checked).
    pub fn evaluate(&self, x: &[i64]) -> IrisEval {
        let n = self.responses();
        let mut acc = vec![0i64; 2 * n];
        let mut invalid = vec![0i64; n];
        self.for_each_response(|r, f, i, j| {
            let k = &self.filters[f];
            let (mut re, mut im, mut bad) = (0i64, 0i64, 0i64);
            self.for_each_tap(f, i, j, |xi, ki| {
                let p = x[xi] & 0xff;
                re += p * k.re[ki];
                im += p * k.im[ki];
                bad += 1 - (x[xi] >> PIXEL_BITS);
            });
            acc[2 * r] = re;
            acc[2 * r + 1] = im;
            invalid[r] = bad;
        });
        let mut out = vec![0i64; 4 * n];
        self.for_each_response(|r, f, i, _| {
            let (re, im) = (acc[2 * r], acc[2 * r + 1]);
            let valid = i64::from(invalid[r] <= self.max_invalid(f, i) && (re != 0 || im != 0));
            out[2 * r] = i64::from(re > 0);
            out[2 * r + 1] = i64::from(im > 0);
            out[2 * n + 2 * r] = valid;
            out[2 * n + 2 * r + 1] = valid;
        });
        IrisEval { acc, invalid, out }
    }
}

/// Everything [`IrisCode::evaluate`] computes.
#[derive(Clone, PartialEq, Eq)]
pub struct IrisEval {
    /// `S_re, S_im` per response, interleaved.
    pub acc: Vec<i64>,
    /// Invalid pixels in each response's patch.
    pub invalid: Vec<i64>,
    /// The output tensor data (code bits, then mask bits).
    pub out: Vec<i64>,
}

/// Packs a normalized image and its noise mask into the iris input values.
pub fn encode_input(image: &[u8], valid: &[bool]) -> Result<Vec<i64>> {
    if image.len() != valid.len() {
        return Err(CoreError::InputShape { expected: vec![image.len()], got: vec![valid.len()] });
    }
    Ok(image.iter().zip(valid).map(|(&p, &m)| i64::from(p) + (i64::from(m) << PIXEL_BITS)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bank() -> IrisCode {
        let taps = |rows: usize, cols: usize, seed: i64| FilterTaps {
            rows,
            cols,
            re: (0..(rows * cols) as i64).map(|t| (t * 7 + seed) % 11 - 5).collect(),
            im: (0..(rows * cols) as i64).map(|t| (t * 5 + seed) % 13 - 6).collect(),
        };
        IrisCode {
            image: [12, 16],
            probes: [3, 8],
            stride: [4, 2],
            filters: vec![taps(5, 7, 1), taps(3, 3, 2)],
            max_invalid_percent: 7,
        }
    }

    #[test]
    fn cut_short_rows_follow_open_iris() {
        // open-iris 1.11.2 with a 21-row kernel on 128 rows: probe rows 0, 8, 120.
        let k = FilterTaps { rows: 21, cols: 1, re: vec![0; 21], im: vec![0; 21] };
        let b =
            IrisCode { image: [128, 512], probes: [16, 256], stride: [8, 2], filters: vec![k], max_invalid_percent: 7 };
        assert_eq!(b.patch_rows(0, 0), PatchRows { top: 0, height: 11, ktop: 5 });
        assert_eq!(b.patch_rows(0, 1), PatchRows { top: 0, height: 19, ktop: 1 });
        assert_eq!(b.patch_rows(0, 5), PatchRows { top: 30, height: 21, ktop: 0 });
        assert_eq!(b.patch_rows(0, 15), PatchRows { top: 110, height: 18, ktop: 1 });
    }

    #[test]
    fn evaluate_matches_a_direct_sum() {
        let b = bank();
        b.validate().unwrap();
        let n = b.image[0] * b.image[1];
        let x: Vec<i64> = (0..n as i64).map(|i| (i * 37) % 256 + if i % 17 == 3 { 0 } else { 256 }).collect();
        let e = b.evaluate(&x);
        let [h, w] = b.image;
        for f in 0..2 {
            let k = &b.filters[f];
            for i in 0..b.probes[0] {
                for j in 0..b.probes[1] {
                    let rows = b.patch_rows(f, i);
                    let (mut re, mut bad) = (0, 0);
                    for a in 0..rows.height {
                        for t in 0..k.cols {
                            let y = rows.top + a;
                            let xcol = (j * 2 + w + t - k.cols / 2) % w;
                            let v = x[y * w + xcol];
                            re += (v % 256) * k.re[(rows.ktop + a) * k.cols + t];
                            bad += i64::from(v < 256);
                        }
                    }
                    assert!(rows.top + rows.height <= h);
                    let r = b.response_index(f, i, j);
                    assert_eq!(e.acc[2 * r], re);
                    assert_eq!(e.invalid[r], bad);
                    assert_eq!(e.out[2 * r], i64::from(re > 0));
                    let n = (rows.height * k.cols) as i64;
                    let valid = bad * 100 <= 7 * n && (e.acc[2 * r], e.acc[2 * r + 1]) != (0, 0);
                    assert_eq!(e.out[2 * b.responses() + 2 * r + 1], i64::from(valid));
                }
            }
        }
    }

    #[test]
    fn constant_patches_are_masked() {
        let mut b = bank();
        // Zero-sum rows (open-iris corrects DC per row): a constant image gives S = 0 even on
        // cut-short patches, hence mask 0 everywhere.
        for k in &mut b.filters {
            for row in 0..k.rows {
                for taps in [&mut k.re, &mut k.im] {
                    let r = &mut taps[row * k.cols..(row + 1) * k.cols];
                    r[0] -= r.iter().sum::<i64>();
                }
            }
        }
        let x = vec![256 + 77; 12 * 16];
        let e = b.evaluate(&x);
        assert!(e.acc.iter().all(|&s| s == 0));
        assert!(e.out.iter().all(|&v| v == 0));
    }

    #[test]
    fn validation_rejects_bad_geometry() {
        let mut b = bank();
        b.filters[0].rows = 4;
        assert!(b.validate().is_err());
        let mut b = bank();
        b.filters[1].im.pop();
        assert!(b.validate().is_err());
        let mut b = bank();
        b.probes = [4, 8];
        assert!(b.validate().is_err());
        let mut b = bank();
        b.max_invalid_percent = 101;
        assert!(b.validate().is_err());
        assert!(encode_input(&[1, 2], &[true]).is_err());
    }
}
