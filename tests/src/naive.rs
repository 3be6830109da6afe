//! A deliberately plain, independent re-implementation of zkid's integer semantics, used
//! to cross-check `QModel::infer` node by node. It uses i128 and textbook loops and shares
//! no evaluation code with zkid-core.

use zkid_core::QModel;
use zkid_core::model::ops::{Op, OutputStage};

/// `clamp(floor(acc*M / 2^s + 1/2), lo, hi)` in exact rational arithmetic.
fn requant(acc: i128, mult: i64, shift: u32, lo: i64, hi: i64) -> i64 {
    let v = if shift == 0 {
        acc * mult as i128
    } else {
        (2 * acc * mult as i128 + (1i128 << shift)).div_euclid(1i128 << (shift + 1))
    };
    v.clamp(lo as i128, hi as i128) as i64
}

fn chan(shape: &[usize], i: usize) -> usize {
    if shape.len() < 2 {
        return 0;
    }
    let inner: usize = shape[2..].iter().product();
    (i / inner) % shape[1]
}

fn pick<T: Copy>(v: &[T], c: usize) -> T {
    if v.len() == 1 { v[0] } else { v[c] }
}

fn finish(stage: &OutputStage, acc: &[i128], shape: &[usize], lo: i64, hi: i64) -> Vec<i64> {
    acc.iter()
        .enumerate()
        .map(|(i, &a)| match stage {
            OutputStage::Sign => a.signum() as i64,
            OutputStage::Requant(r) => {
                let m = r.for_channel(chan(shape, i));
                requant(a, m.mult, m.shift, lo, hi)
            }
        })
        .collect()
}

/// Values of every tensor (by index) computed the plain way; `None` for unused tensors.
#[allow(clippy::needless_range_loop)] // plain index loops are the point of this reference
pub fn eval(model: &QModel, input: &[i64]) -> Vec<Option<Vec<i64>>> {
    let mut vals: Vec<Option<Vec<i64>>> = vec![None; model.tensors().len()];
    vals[model.input().index()] = Some(input.to_vec());
    for node in model.nodes() {
        let x = vals[node.inputs[0].index()].clone().expect("input computed");
        let xs = model.tensor(node.inputs[0]).shape.clone();
        let out = model.tensor(node.output);
        let (lo, hi) = (out.quant.lo, out.quant.hi);
        let ys = out.shape.clone();
        let n: usize = ys.iter().product();
        let y: Vec<i64> = match &node.op {
            Op::Conv(c) => {
                let g = &c.geom;
                let (oh, ow) = (ys[2], ys[3]);
                let cin_g = g.in_ch / g.groups;
                let cout_g = g.out_ch / g.groups;
                let mut acc = vec![0i128; n];
                for oc in 0..g.out_ch {
                    for oy in 0..oh {
                        for ox in 0..ow {
                            let mut s = c.bias[oc] as i128;
                            for ci in 0..cin_g {
                                let ic = (oc / cout_g) * cin_g + ci;
                                for ky in 0..g.kernel[0] {
                                    for kx in 0..g.kernel[1] {
                                        let iy = (oy * g.stride[0] + ky * g.dilation[0]) as i64 - g.pads[0] as i64;
                                        let ix = (ox * g.stride[1] + kx * g.dilation[1]) as i64 - g.pads[1] as i64;
                                        if iy < 0 || ix < 0 || iy >= g.in_hw[0] as i64 || ix >= g.in_hw[1] as i64 {
                                            continue;
                                        }
                                        let xv = x[(ic * g.in_hw[0] + iy as usize) * g.in_hw[1] + ix as usize];
                                        let wv = c.weights[((oc * cin_g + ci) * g.kernel[0] + ky) * g.kernel[1] + kx];
                                        s += xv as i128 * wv as i128;
                                    }
                                }
                            }
                            acc[(oc * oh + oy) * ow + ox] = s;
                        }
                    }
                }
                finish(&c.out, &acc, &ys, lo, hi)
            }
            Op::Gemm(gm) => {
                let acc: Vec<i128> = (0..gm.out_features)
                    .map(|j| {
                        gm.bias[j] as i128
                            + (0..gm.in_features)
                                .map(|k| gm.weights[j * gm.in_features + k] as i128 * x[k] as i128)
                                .sum::<i128>()
                    })
                    .collect();
                finish(&gm.out, &acc, &ys, lo, hi)
            }
            Op::Add(a) => {
                let b = vals[node.inputs[1].index()].clone().expect("computed");
                let acc: Vec<i128> = x
                    .iter()
                    .zip(&b)
                    .map(|(&p, &q)| p as i128 * a.a_mult as i128 + q as i128 * a.b_mult as i128)
                    .collect();
                finish(&a.out, &acc, &ys, lo, hi)
            }
            Op::Affine(a) => {
                let acc: Vec<i128> = x
                    .iter()
                    .enumerate()
                    .map(|(i, &v)| {
                        let c = chan(&xs, i);
                        v as i128 * pick(&a.mult, c) as i128 + pick(&a.bias, c) as i128
                    })
                    .collect();
                finish(&a.out, &acc, &ys, lo, hi)
            }
            Op::PRelu(p) => {
                let acc: Vec<i128> = x
                    .iter()
                    .enumerate()
                    .map(|(i, &v)| v as i128 * if v >= 0 { p.pos } else { pick(&p.neg, chan(&xs, i)) } as i128)
                    .collect();
                finish(&p.out, &acc, &ys, lo, hi)
            }
            Op::AvgPool(_) | Op::MaxPool(_) => {
                let g = match &node.op {
                    Op::AvgPool(p) => &p.geom,
                    Op::MaxPool(p) => &p.geom,
                    _ => unreachable!(),
                };
                let (oh, ow) = (ys[2], ys[3]);
                let mut sums = vec![0i128; n];
                let mut maxs = vec![i64::MIN; n];
                for c in 0..g.in_ch {
                    for oy in 0..oh {
                        for ox in 0..ow {
                            let o = (c * oh + oy) * ow + ox;
                            for ky in 0..g.kernel[0] {
                                for kx in 0..g.kernel[1] {
                                    let iy = (oy * g.stride[0] + ky * g.dilation[0]) as i64 - g.pads[0] as i64;
                                    let ix = (ox * g.stride[1] + kx * g.dilation[1]) as i64 - g.pads[1] as i64;
                                    if iy < 0 || ix < 0 || iy >= g.in_hw[0] as i64 || ix >= g.in_hw[1] as i64 {
                                        continue;
                                    }
                                    let v = x[(c * g.in_hw[0] + iy as usize) * g.in_hw[1] + ix as usize];
                                    sums[o] += v as i128;
                                    maxs[o] = maxs[o].max(v);
                                }
                            }
                        }
                    }
                }
                match &node.op {
                    Op::AvgPool(p) => finish(&p.out, &sums, &ys, lo, hi),
                    _ => maxs,
                }
            }
            Op::Reshape => x.clone(),
            Op::Transpose(t) => {
                // Multi-index walk: out[i0..ik] = in[i_{perm^-1}...].
                let mut y = vec![0i64; n];
                for (o, slot) in y.iter_mut().enumerate() {
                    let mut rem = o;
                    let mut idx = vec![0usize; ys.len()];
                    for a in (0..ys.len()).rev() {
                        idx[a] = rem % ys[a];
                        rem /= ys[a];
                    }
                    let mut src = 0;
                    for a in 0..xs.len() {
                        let pos = t.perm.iter().position(|&p| p == a).expect("perm");
                        src = src * xs[a] + idx[pos];
                    }
                    *slot = x[src];
                }
                y
            }
            Op::IrisCode(b) => {
                // open-iris 1.11.2 `_convolve` written out: wrap-padded columns, rows cut short
                // with a centred kernel slice, code = S > 0, zkid's mask rule.
                let [h, w] = b.image;
                let resp = b.filters.len() * b.probes[0] * b.probes[1];
                let mut y = vec![0i64; 4 * resp];
                let mut r = 0;
                for k in &b.filters {
                    let (pr, pc) = ((k.rows / 2) as i64, (k.cols / 2) as i64);
                    for i in 0..b.probes[0] {
                        for j in 0..b.probes[1] {
                            let (row, col) = ((i * b.stride[0]) as i64, (j * b.stride[1]) as i64);
                            let rtop = (row - pr).max(0);
                            let rbot = (row + pr + 1).min(h as i64);
                            let ktop = pr - (rbot - rtop) / 2;
                            let (mut sre, mut sim, mut invalid, mut n) = (0i64, 0i64, 0i64, 0i64);
                            for (a, yy) in (rtop..rbot).enumerate() {
                                for t in 0..k.cols as i64 {
                                    let xx = (col - pc + t).rem_euclid(w as i64);
                                    let v = x[(yy * w as i64 + xx) as usize];
                                    let tap = ((ktop + a as i64) * k.cols as i64 + t) as usize;
                                    sre += (v % 256) * k.re[tap];
                                    sim += (v % 256) * k.im[tap];
                                    invalid += i64::from(v < 256);
                                    n += 1;
                                }
                            }
                            let ok = invalid * 100 <= n * i64::from(b.max_invalid_percent);
                            let m = i64::from(ok && (sre, sim) != (0, 0));
                            y[2 * r] = i64::from(sre > 0);
                            y[2 * r + 1] = i64::from(sim > 0);
                            y[2 * resp + 2 * r] = m;
                            y[2 * resp + 2 * r + 1] = m;
                            r += 1;
                        }
                    }
                }
                y
            }
            Op::Concat(c) => {
                let mut y = vec![0i64; n];
                let inner: usize = ys[c.axis + 1..].iter().product();
                let mut offset = 0;
                for i in &node.inputs {
                    let v = vals[i.index()].clone().expect("computed");
                    let s = &model.tensor(*i).shape;
                    for (k, &val) in v.iter().enumerate() {
                        let outer = k / (s[c.axis] * inner);
                        let mid = (k / inner) % s[c.axis];
                        let inn = k % inner;
                        y[(outer * ys[c.axis] + offset + mid) * inner + inn] = val;
                    }
                    offset += s[c.axis];
                }
                y
            }
        };
        vals[node.output.index()] = Some(y);
    }
    vals
}
