//! Graph simplification before quantization: fold per-channel affines (batch norm,
//! Mul/Div by constants) into the preceding conv/gemm, and fuse ReLU/Clip into the
//! operator that produces their input. Both only fire when the intermediate tensor has a
//! single reader, so no other consumer sees a changed value.

use super::{Act, FGraph, FOp};

impl FGraph {
    /// Applies all fusions until none fires.
    pub fn fuse(&mut self) {
        while self.fuse_once() {}
    }

    fn fuse_once(&mut self) -> bool {
        for i in 0..self.nodes.len() {
            let n = &self.nodes[i];
            if n.inputs.len() != 1 {
                continue;
            }
            let src = n.inputs[0];
            let Some(p) = self.nodes.iter().position(|m| m.output == src) else { continue };
            if self.readers(src) != 1 {
                continue;
            }
            let merged = match (&self.nodes[p].op, &self.nodes[i].op) {
                (FOp::Conv { act: Act::None, .. } | FOp::Gemm { act: Act::None, .. }, FOp::Affine { m, b, act }) => {
                    let (m, b, act) = (m.clone(), b.clone(), *act);
                    match &mut self.nodes[p].op {
                        FOp::Conv { geom, w, b: bias, act: a } => {
                            fold(w, bias, geom.out_ch, &m, &b);
                            *a = act;
                        }
                        FOp::Gemm { n, w, b: bias, act: a, .. } => {
                            fold(w, bias, *n, &m, &b);
                            *a = act;
                        }
                        _ => unreachable!("matched above"),
                    }
                    true
                }
                (op, FOp::Affine { m, b, act })
                    if is_identity(m, b) && *act != Act::None && activation(op) == Some(Act::None) =>
                {
                    let act = *act;
                    set_activation(&mut self.nodes[p].op, act);
                    true
                }
                _ => false,
            };
            if merged {
                let removed = self.nodes.remove(i);
                let p = if p > i { p - 1 } else { p };
                self.nodes[p].output = removed.output;
                self.nodes[p].label = format!("{}+{}", self.nodes[p].label, removed.label);
                return true;
            }
        }
        false
    }
}

fn is_identity(m: &[f32], b: &[f32]) -> bool {
    m.iter().all(|&v| v == 1.0) && b.iter().all(|&v| v == 0.0)
}

fn activation(op: &FOp) -> Option<Act> {
    match op {
        FOp::Conv { act, .. }
        | FOp::Gemm { act, .. }
        | FOp::Add { act }
        | FOp::Affine { act, .. }
        | FOp::AvgPool { act, .. }
        | FOp::PRelu { act, .. } => Some(*act),
        _ => None,
    }
}

fn set_activation(op: &mut FOp, new: Act) {
    if let FOp::Conv { act, .. }
    | FOp::Gemm { act, .. }
    | FOp::Add { act }
    | FOp::Affine { act, .. }
    | FOp::AvgPool { act, .. }
    | FOp::PRelu { act, .. } = op
    {
        *act = new;
    }
}

/// `y = (W x + bias) * m + b` per output channel → `W' = W*m`, `bias' = bias*m + b`.
fn fold(w: &mut [f32], bias: &mut [f32], out_ch: usize, m: &[f32], b: &[f32]) {
    let per = w.len() / out_ch;
    for c in 0..out_ch {
        let mc = if m.len() == 1 { m[0] } else { m[c] };
        let bc = if b.len() == 1 { b[0] } else { b[c] };
        w[c * per..(c + 1) * per].iter_mut().for_each(|v| *v *= mc);
        bias[c] = bias[c] * mc + bc;
    }
}
