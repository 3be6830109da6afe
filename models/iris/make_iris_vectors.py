#!/usr/bin/env python3
"""Reference test vectors for zkid's iris-code QModel, produced by open-iris 1.11.2.

Usage (open-iris pins numpy 1.24 / pydantic 1 etc., so use a separate venv):

    python3 -m venv /tmp/iris-venv
    /tmp/iris-venv/bin/pip install -r models/iris/requirements.txt
    /tmp/iris-venv/bin/python models/iris/make_iris_vectors.py      # ~10 s

What it does (no downloads, no image files, fully deterministic):

1. Builds synthetic 128x512 uint8 normalized iris images + bool noise masks with
   integer-only arithmetic (numpy PCG64 `integers`, integer box blurs), so the
   inputs are identical on every machine.
2. Instantiates the encoder nodes of open-iris's own default pipeline
   (`iris/pipelines/confs/pipeline.yaml`: `filter_bank`, `iris_response_refinement`,
   `encoder`) exactly the way `IRISPipeline` does (pydoc.locate + YAML params) and runs
   them directly on `iris.NormalizedIris(image, mask)`.
3. Runs open-iris's matchers on pairs of templates.
4. Re-implements the encoder in exact integer arithmetic (`int_encode`) and asserts
   that it reproduces the package's iris codes bit for bit, and the mask codes (see
   REFERENCE.md for the one float-boundary caveat of the fragile-bit mask).
5. Writes everything to models/iris/vectors/ and an index vectors/vectors.json.

Layouts (all C order):
  <name>_image.npy        uint8 [128, 512]         normalized image (row = radius, col = angle)
  <name>_mask.npy         bool  [128, 512]         normalized noise mask (True = valid pixel)
  <name>_code.npy         bool  [2, 16, 256, 2]    iris code  [filter, probe_row, probe_col, (re, im)]
  <name>_maskcode.npy     bool  [2, 16, 256, 2]    mask code  (same layout)
  <name>_acc.npy          int32 [2, 16, 256, 2]    exact integer correlation sums S (re, im)
  <name>_response.npy     float32 [2, 16, 256, 2]  package's iris_responses (complex64 split into re, im)
  <name>_maskacc.npy      int32 [2, 16, 256, 2]    A = sum of |tap| over valid mask pixels of the patch
  kernel_f0.npy / kernel_f1.npy  int32 [2, 21, kc] package's integer taps [re, im]
  open-iris's IrisTemplate.iris_codes is the list [code[0], code[1]]; its serialised
  "old format" is np.stack(list).transpose(1, 2, 0, 3) = [16, 256, 2 filters, 2].
"""

from __future__ import annotations

import hashlib
import json
import os
import pydoc
import sys
from pathlib import Path

import numpy as np
import yaml

import iris
from iris.io.dataclasses import IrisTemplate, NormalizedIris
from iris.nodes.matcher.utils import count_nonmatchbits, get_bitcounts

OUT = Path(__file__).resolve().parent / "vectors"
H, W = 128, 512
PINNED = "1.11.2"


# ----------------------------------------------------------------------------------
# 1. open-iris encoder nodes, instantiated from the package's own pipeline.yaml
# ----------------------------------------------------------------------------------
def _instantiate(spec):
    """Mirror of BasePipeline._instantiate_pipeline_node_param for nested class specs."""
    cls = pydoc.locate(spec["class_name"])
    assert cls is not None, spec["class_name"]
    params = {}
    for k, v in (spec.get("params") or {}).items():
        if isinstance(v, list) and v and isinstance(v[0], dict) and "class_name" in v[0]:
            v = [_instantiate(x) for x in v]
        elif isinstance(v, dict) and "class_name" in v:
            v = _instantiate(v)
        params[k] = v
    return cls(**params)


def load_encoder_nodes():
    conf_path = Path(iris.__file__).parent / "pipelines" / "confs" / "pipeline.yaml"
    conf = yaml.safe_load(conf_path.read_text())
    assert conf["metadata"]["iris_version"] == PINNED, conf["metadata"]
    nodes = {n["name"]: n for n in conf["pipeline"]}
    filter_bank = _instantiate(nodes["filter_bank"]["algorithm"])
    refinement = _instantiate(nodes["iris_response_refinement"]["algorithm"])
    encoder = _instantiate(nodes["encoder"]["algorithm"])
    min_maskcodes = nodes["encoder"]["callbacks"][0]["params"]["min_maskcodes_size"]
    return filter_bank, refinement, encoder, min_maskcodes, nodes


def run_open_iris(filter_bank, refinement, encoder, img, mask):
    normalized = NormalizedIris(normalized_image=img, normalized_mask=mask)
    response = filter_bank(normalized)  # ConvFilterBank.run
    refined = refinement(response)  # FragileBitRefinement.run
    template = encoder(refined)  # IrisEncoder.run
    return response, refined, template


# ----------------------------------------------------------------------------------
# 2. exact integer re-implementation (what the Rust QModel implements)
# ----------------------------------------------------------------------------------
F32_093 = np.float32(0.93)


def mask_threshold_min_a(b: int) -> int:
    """Smallest integer A with float32(float64(A)/float64(B)) >= float32(0.93)
    (the package's mask-ratio comparison; exhaustively checked below)."""
    a = int(np.floor(0.93 * b)) - 8
    while not (np.float32(np.float64(a) / np.float64(b)) >= F32_093):
        a += 1
    # monotone: check a window around the threshold
    for d in range(-8, 9):
        x = a + d
        if 0 <= x <= b:
            assert (np.float32(np.float64(x) / np.float64(b)) >= F32_093) == (x >= a)
    return a


# FragileBitRefinement compares float32 arrays with Python/np.float64 scalars; under numpy 1.24
# value-based casting the scalar is rounded to float32 first. The exact float32 thresholds:
LO_NUM, LO_SHIFT = 13743895, 37  # float32(0.0001) = 13743895 / 2^37
HI_NUM, HI_SHIFT = 9227469, 25  # float32(0.275)  = 9227469 / 2^25
COS_NUM, COS_SHIFT = 8356687, 23  # float32(cos(0.08726646259971647 rad = 5 deg)) = 8356687 / 2^23
assert float(np.float32(0.0001)) == LO_NUM / 2**LO_SHIFT
assert float(np.float32(0.275)) == HI_NUM / 2**HI_SHIFT
assert float(np.float32(np.cos(0.08726646259971647))) == COS_NUM / 2**COS_SHIFT
SIN2_NUM = 2 ** (2 * COS_SHIFT) - COS_NUM**2  # (1 - c^2) * 2^46
COS2_NUM = COS_NUM**2  # c^2 * 2^46


class IntFilter:
    def __init__(self, f):
        kv = f.kernel_values
        assert np.all(kv.real == np.round(kv.real)) and np.all(kv.imag == np.round(kv.imag))
        self.k = np.stack([kv.real, kv.imag]).astype(np.int64)  # [2, kr, kc]
        self.kr, self.kc = kv.shape
        self.pr, self.pc = self.kr // 2, self.kc // 2
        self.q = [int((self.k[p] ** 2).sum()) for p in range(2)]  # kernel_norm^2 (re, im)
        assert abs(np.sqrt(float(self.q[0])) - f.kernel_norm.real) == 0
        assert abs(np.sqrt(float(self.q[1])) - f.kernel_norm.imag) == 0


def probe_geometry(i, j, filt: IntFilter, n_rows=16, n_cols=256):
    """Integer version of ConvFilterBank._convolve's patch selection for RegularProbeSchema
    (boundary_rho=[0, 0.0625], boundary_phi='periodic-left')."""
    r = (i * H) // n_rows  # round(linspace(0, 0.9375, 16)[i] * 128) = 8*i (exact)
    c = (j * W) // n_cols  # round(j/256 * 512) = 2*j (exact)
    rtop = max(0, r - filt.pr)
    rbot = min(r + filt.pr + 1, H)  # 1.11.0 had min(..., H - 1)
    h = rbot - rtop
    ktop = filt.pr - h // 2
    cols = [(c - filt.pc + t) % W for t in range(filt.kc)]
    return r, c, rtop, h, ktop, cols


def int_encode(img, mask, filters, value_threshold=(0.0001, 0.275, 0.08726646259971647)):
    assert value_threshold == (0.0001, 0.275, 0.08726646259971647)
    img = img.astype(np.int64)
    m = mask.astype(np.int64)
    nf = len(filters)
    acc = np.zeros((nf, 16, 256, 2), np.int64)
    macc = np.zeros((nf, 16, 256, 2), np.int64)
    code = np.zeros((nf, 16, 256, 2), bool)
    mcode = np.zeros((nf, 16, 256, 2), bool)
    n_of_row = np.zeros((nf, 16), np.int64)
    bsum = np.zeros((nf, 16, 2), np.int64)
    amin = np.zeros((nf, 16, 2), np.int64)
    for fi, f in enumerate(filters):
        absk = np.abs(f.k)
        for i in range(16):
            _, _, rtop, h, ktop, _ = probe_geometry(i, 0, f)
            n_of_row[fi, i] = h * f.kc
            kp = f.k[:, ktop : ktop + h, :]
            ak = absk[:, ktop : ktop + h, :]
            for p in range(2):
                bsum[fi, i, p] = ak[p].sum()
                amin[fi, i, p] = mask_threshold_min_a(int(bsum[fi, i, p]))
            for j in range(256):
                _, _, rtop, h, ktop, cols = probe_geometry(i, j, f)
                patch = img[rtop : rtop + h][:, cols]
                mpatch = m[rtop : rtop + h][:, cols]
                for p in range(2):
                    acc[fi, i, j, p] = (patch * kp[p]).sum()
                    macc[fi, i, j, p] = (mpatch * ak[p]).sum()
        # bits
        code[fi] = acc[fi] > 0
        for i in range(16):
            n = int(n_of_row[fi, i])
            qre, qim = f.q
            d = n * n * qre * qim
            for j in range(256):
                sre, sim = int(acc[fi, i, j, 0]), int(acc[fi, i, j, 1])
                e = sre * sre * qim + sim * sim * qre  # = (n*N_re*N_im*|response|)^2
                # |resp|^2 = e / d ;  f32(1e-4) <= |resp| <= f32(0.275), exact rational version
                r_ok = (e << (2 * LO_SHIFT)) >= LO_NUM**2 * d and (e << (2 * HI_SHIFT)) <= HI_NUM**2 * d
                # real bit kept iff |sin(angle)| <= c  <=>  (1 - c^2) Im^2 <= c^2 Re^2
                re_ang = _angle_ok(sim, sre, qim, qre)
                # imag bit kept iff |cos(angle)| <= c  <=>  (1 - c^2) Re^2 <= c^2 Im^2
                im_ang = _angle_ok(sre, sim, qre, qim)
                for p, ang in ((0, re_ang), (1, im_ang)):
                    val_ok = macc[fi, i, j, p] >= amin[fi, i, p]
                    mcode[fi, i, j, p] = bool(r_ok and ang and val_ok)
    return dict(acc=acc, macc=macc, code=code, mcode=mcode, n=n_of_row, bsum=bsum, amin=amin)


def _angle_ok(u, v, qu, qv):
    """(1 - c^2) (u/N_u)^2 <= c^2 (v/N_v)^2  <=>  (1 - c^2) u^2 Q_v <= c^2 v^2 Q_u   (Q = N^2, c = f32(cos 5deg)).

    Real bit: u = S_im, v = S_re (|sin angle| <= c). Imag bit: u = S_re, v = S_im (|cos angle| <= c).
    """
    return SIN2_NUM * u * u * qv <= COS2_NUM * v * v * qu


# ----------------------------------------------------------------------------------
# 3. deterministic synthetic normalized irises (integer-only arithmetic)
# ----------------------------------------------------------------------------------
def box_blur(x, r_rows, r_cols):
    """Integer box blur: rows clamp-free (reflect via roll is fine for texture), columns
    periodic (angle). Sum of a (2r+1) window; no normalisation (integer exact)."""
    y = np.zeros_like(x)
    for d in range(-r_rows, r_rows + 1):
        y += np.roll(x, d, axis=0)
    z = np.zeros_like(y)
    for d in range(-r_cols, r_cols + 1):
        z += np.roll(y, d, axis=1)
    return z


def rescale(t, mean, std_num, std_den, lo=0, hi=255):
    """Integer affine rescale to roughly the target mean / contrast, clipped to [lo, hi]."""
    t = t.astype(np.int64)
    c = t - (t.sum() // t.size)
    sd = int(np.sqrt(float((c * c).sum() // t.size))) or 1
    return np.clip(mean + (c * std_num) // (sd * std_den), lo, hi)


def iris_texture(seed, contrast=22):
    rng = np.random.Generator(np.random.PCG64(seed))
    n1 = rng.integers(0, 256, size=(H, W), dtype=np.int64)
    n2 = rng.integers(0, 256, size=(H, W), dtype=np.int64)
    n3 = rng.integers(0, 256, size=(H, W), dtype=np.int64)
    # radial furrows (long along radius = rows, thin along angle = cols), crypts, fine grain
    furrows = box_blur(n1, 9, 1)  # window 19x3
    crypts = box_blur(n2, 4, 6)  # window 9x13
    grain = box_blur(n3, 1, 1)  # window 3x3
    t = 4 * rescale(furrows, 0, 1000, 1) + 3 * rescale(crypts, 0, 1000, 1) + 1 * rescale(grain, 0, 1000, 1)
    img = rescale(t, 0, contrast, 1, -10**9, 10**9)
    # radial brightness ramp: darker near the pupil (row 0), collarette ring near row 35
    rows = np.arange(H, dtype=np.int64)[:, None]
    ramp = 85 + (rows * 40) // H + 12 * (np.abs(rows - 35) < 4)
    return np.clip(img + ramp, 0, 255).astype(np.uint8)


def eyelid_mask(seed, center_col, half_width, depth):
    """Upper-eyelid-like occlusion: outer radii (high rows) hidden over an arc of angles."""
    rng = np.random.Generator(np.random.PCG64(seed))
    mask = np.ones((H, W), bool)
    cols = np.arange(W)
    dc = (cols - center_col + W // 2) % W - W // 2  # signed periodic distance
    inside = np.abs(dc) < half_width
    # parabola: depth at center, 0 at the arc ends; integer
    d = (depth * (half_width * half_width - dc * dc)) // (half_width * half_width)
    for c in np.nonzero(inside)[0]:
        if d[c] > 0:
            mask[H - d[c] :, c] = False
    # a few specular reflections (small masked rectangles)
    spots = []
    for _ in range(3):
        r0 = int(rng.integers(10, 90))
        c0 = int(rng.integers(0, W))
        spots.append((r0, c0))
        rr = slice(r0, r0 + 5)
        cc = [(c0 + k) % W for k in range(7)]
        mask[rr, cc] = False
    return mask, spots


def apply_occlusion(img, mask, spots, seed, eyelid_level=175):
    rng = np.random.Generator(np.random.PCG64(seed))
    out = img.astype(np.int64).copy()
    lid = eyelid_level + rng.integers(-12, 13, size=(H, W), dtype=np.int64)
    out[~mask] = lid[~mask]
    for r0, c0 in spots:
        cc = [(c0 + k) % W for k in range(7)]
        out[r0 : r0 + 5, cc] = 255
    return np.clip(out, 0, 255).astype(np.uint8)


def make_samples():
    s = {}
    # noise: uniform random pixels, every pixel valid
    rng = np.random.Generator(np.random.PCG64(1001))
    s["noise"] = (rng.integers(0, 256, size=(H, W), dtype=np.int64).astype(np.uint8), np.ones((H, W), bool))

    # eye A, capture 1: iris-like texture with eyelid + reflections
    tex_a = iris_texture(2001)
    m1, spots1 = eyelid_mask(2101, center_col=128, half_width=110, depth=40)
    s["eye_a1"] = (apply_occlusion(tex_a, m1, spots1, 2201), m1)

    # eye A, capture 2: same texture rotated by +10 image columns (= +5 code columns),
    # sensor noise, a different eyelid position and different reflections
    shift = 10
    rng = np.random.Generator(np.random.PCG64(2301))
    tex_a2 = np.clip(np.roll(tex_a, shift, axis=1).astype(np.int64) + rng.integers(-10, 11, size=(H, W)), 0, 255)
    m2, spots2 = eyelid_mask(2401, center_col=128 + shift + 6, half_width=100, depth=32)
    s["eye_a2"] = (apply_occlusion(tex_a2.astype(np.uint8), m2, spots2, 2501), m2)

    # eye B: a different eye
    tex_b = iris_texture(3001)
    mb, spotsb = eyelid_mask(3101, center_col=140, half_width=120, depth=46)
    s["eye_b"] = (apply_occlusion(tex_b, mb, spotsb, 3201), mb)

    # edge cases: smooth texture, an all-zero block (out-of-image pixels -> S == 0 -> mask 0),
    # a saturated block, masked columns across the 511/0 wrap, masked first/last rows,
    # a masked band that cuts patches partially (mask-ratio threshold 0.93 boundaries)
    img = iris_texture(4001, contrast=14).astype(np.int64)
    mask = np.ones((H, W), bool)
    img[30:90, 300:380] = 0
    mask[30:90, 300:380] = False
    img[60:70, 200:230] = 255
    mask[60:70, 200:230] = False
    wrap = list(range(500, 512)) + list(range(0, 9))
    mask[:, wrap] = False
    mask[0:3, :] = False
    mask[125:128, :] = False
    mask[100:102, 40:160] = False  # thin band: partial patches straddle the 0.93 ratio
    for k in range(0, 40):  # single masked pixel columns at increasing rows (ratio sweep)
        mask[k * 3 % H, 420 + k] = False
    s["edges"] = (np.clip(img, 0, 255).astype(np.uint8), mask)
    return s, shift


# ----------------------------------------------------------------------------------
# 4. main
# ----------------------------------------------------------------------------------
def template_from(code, mcode):
    return IrisTemplate(
        iris_codes=[code[i] for i in range(code.shape[0])],
        mask_codes=[mcode[i] for i in range(mcode.shape[0])],
        iris_code_version="v0.1",
    )


def per_shift_counts(t_probe, t_gallery, rotation_shift=15):
    rows = []
    for shift in [0] + [y for x in range(1, rotation_shift + 1) for y in (-x, x)]:
        irisbits, maskbits = get_bitcounts(t_probe, t_gallery, shift)
        ib, mb = count_nonmatchbits(irisbits, maskbits)  # plain totals (no halves)
        hw = [c.shape[1] // 2 for c in t_probe.iris_codes]
        ibh, mbh = count_nonmatchbits(irisbits, maskbits, hw)  # halves as HammingDistanceMatcher
        rows.append(
            dict(
                shift=shift,
                nonmatch=int(ib),
                common_mask=int(mb),
                halves_nonmatch_x2=[int(x) for x in ibh],
                halves_common_mask_x2=[int(x) for x in mbh],
            )
        )
    return rows


def sweep(n_images):
    """--sweep N: count mask-code / iris-code disagreements between the exact integer
    encoder and open-iris over N extra synthetic images (nothing is written)."""
    filter_bank, refinement, encoder, _, _ = load_encoder_nodes()
    filters = [IntFilter(f) for f in filter_bank.params.filters]
    code_diff = mask_diff = bits = 0
    for k in range(n_images):
        if k % 2 == 0:
            img = iris_texture(900000 + k, contrast=10 + (k * 7) % 30)
            mask, spots = eyelid_mask(910000 + k, center_col=(k * 37) % W, half_width=60 + k % 60, depth=k % 50)
            img = apply_occlusion(img, mask, spots, 920000 + k)
        else:
            rng = np.random.Generator(np.random.PCG64(930000 + k))
            img = rng.integers(0, 256, size=(H, W), dtype=np.int64).astype(np.uint8)
            mask = rng.integers(0, 50, size=(H, W)) > 0
        _, _, t = run_open_iris(filter_bank, refinement, encoder, img, mask)
        ir = int_encode(img, mask, filters)
        code_diff += int((ir["code"] != np.stack(t.iris_codes)).sum())
        mask_diff += int((ir["mcode"] != np.stack(t.mask_codes)).sum())
        bits += ir["code"].size
    print(f"sweep: {n_images} images, {bits} bits: iris-code diffs {code_diff}, mask-code diffs {mask_diff}")


def main():
    assert iris.__version__ == PINNED, iris.__version__
    if len(sys.argv) == 3 and sys.argv[1] == "--sweep":
        return sweep(int(sys.argv[2]))
    filter_bank, refinement, encoder, min_maskcodes, nodes = load_encoder_nodes()
    filters = [IntFilter(f) for f in filter_bank.params.filters]
    OUT.mkdir(parents=True, exist_ok=True)

    index = dict(
        generator="models/iris/make_iris_vectors.py",
        open_iris_version=iris.__version__,
        numpy_version=np.__version__,
        pipeline_nodes={k: nodes[k]["algorithm"] for k in ("filter_bank", "iris_response_refinement", "encoder")},
        min_maskcodes_size=min_maskcodes,
        layouts={
            "image": "uint8 [128, 512] row = radius (0 = pupil side), col = angle",
            "mask": "bool [128, 512] True = valid",
            "code/maskcode": "bool [2 filters, 16 probe rows, 256 probe cols, 2 (re, im)]",
            "acc": "int32 exact integer correlation sums S, same layout",
            "response": "float32 package iris_responses (after / kernel_norm), same layout",
            "maskacc": "int32 A = sum |tap| over valid mask pixels of the (cut) patch, same layout",
            "kernel_fK": "int32 [2 (re, im), 21 rows, kc cols] package integer taps",
        },
        filters=[],
        samples=[],
        pairs=[],
    )
    for fi, (f, fobj) in enumerate(zip(filters, filter_bank.params.filters)):
        np.save(OUT / f"kernel_f{fi}.npy", f.k.astype(np.int32))
        index["filters"].append(
            dict(
                file=f"kernel_f{fi}.npy",
                params=nodes["filter_bank"]["algorithm"]["params"]["filters"][fi]["params"],
                shape=[f.kr, f.kc],
                kernel_norm_sq=f.q,
                kernel_norm=[float(fobj.kernel_norm.real), float(fobj.kernel_norm.imag)],
                tap_min_max=[int(f.k.min()), int(f.k.max())],
            )
        )

    samples, rot_shift = make_samples()
    templates = {}
    stats = {}
    for name, (img, mask) in samples.items():
        response, refined, template = run_open_iris(filter_bank, refinement, encoder, img, mask)
        code = np.stack(template.iris_codes)  # [2, 16, 256, 2]
        mcode = np.stack(template.mask_codes)
        resp = np.stack([np.stack([r.real, r.imag], -1) for r in response.iris_responses]).astype(np.float32)
        assert np.stack(response.iris_responses).dtype == np.complex64

        ir = int_encode(img, mask, filters)
        # --- exactness checks ---
        assert np.array_equal(ir["code"], code), f"{name}: iris code mismatch"
        assert np.array_equal(np.sign(ir["acc"]), np.sign(resp)), f"{name}: response sign mismatch"
        # package float path from the integer sums: complex64((S/h)/kc) / float32(norm)
        for fi, fobj in enumerate(filter_bank.params.filters):
            for p in range(2):
                h_rows = ir["n"][fi] // filters[fi].kc
                x = (ir["acc"][fi, :, :, p].astype(np.float64) / h_rows[:, None]) / filters[fi].kc
                x = x.astype(np.float32)
                norm = fobj.kernel_norm.real if p == 0 else fobj.kernel_norm.imag
                y = x / np.float32(norm)
                assert np.array_equal(y, resp[fi, :, :, p]), f"{name}: float emulation mismatch f{fi} p{p}"
        # mask ratio (pre-fragile mask_responses) from integers
        for fi in range(2):
            mr = response.mask_responses[fi]
            for p in range(2):
                pk = mr.real if p == 0 else mr.imag
                b = ir["bsum"][fi, :, p][:, None]
                zero = (ir["acc"][fi, :, :, 0] == 0) & (ir["acc"][fi, :, :, 1] == 0)
                expect = np.where(zero, 0.0, (ir["macc"][fi, :, :, p] / b).astype(np.float32))
                assert np.array_equal(expect.astype(np.float32), pk), f"{name}: mask response mismatch"
        n_mask_diff = int((ir["mcode"] != mcode).sum())
        assert n_mask_diff == 0, f"{name}: {n_mask_diff} mask-code bits differ from the integer criterion"

        stats[name] = dict(
            code_ones=int(code.sum()),
            maskcode_ones=int(mcode.sum()),
            passes_min_maskcodes=bool(mcode.sum() >= min_maskcodes),
            valid_pixels=int(mask.sum()),
        )
        files = {}
        for key, arr in (
            ("image", img),
            ("mask", mask),
            ("code", code),
            ("maskcode", mcode),
            ("acc", ir["acc"].astype(np.int32)),
            ("response", resp),
            ("maskacc", ir["macc"].astype(np.int32)),
        ):
            assert key not in ("acc", "maskacc") or np.abs(arr).max() < 2**31
            fn = f"{name}_{key}.npy"
            np.save(OUT / fn, arr)
            files[key] = dict(file=fn, dtype=str(arr.dtype), shape=list(arr.shape))
        index["samples"].append(dict(name=name, files=files, **stats[name]))
        templates[name] = template

    # per-row constants used by the integer encoder (shared by all samples)
    ir = int_encode(samples["noise"][0], samples["noise"][1], filters)
    index["row_constants"] = dict(
        probe_rows=[8 * i for i in range(16)],
        probe_cols="2*j for j in 0..255",
        patch_pixels_n=ir["n"].tolist(),
        abs_tap_sum_B=ir["bsum"].tolist(),
        mask_ratio_min_A=ir["amin"].tolist(),
        fragile_thresholds=dict(
            radius_lo=f"{LO_NUM}/2^{LO_SHIFT}", radius_hi=f"{HI_NUM}/2^{HI_SHIFT}", cos_5deg=f"{COS_NUM}/2^{COS_SHIFT}"
        ),
    )

    m_default = iris.HammingDistanceMatcher()
    m_simple = iris.SimpleHammingDistanceMatcher()
    m_plain = iris.HammingDistanceMatcher(normalise=False, separate_half_matching=False)
    index["matchers"] = {
        "HammingDistanceMatcher()": dict(m_default.params.dict()),
        "SimpleHammingDistanceMatcher()": dict(m_simple.params.dict()),
        "HammingDistanceMatcher(normalise=False, separate_half_matching=False)": dict(m_plain.params.dict()),
    }
    from iris.nodes.matcher.utils import hamming_distance, simple_hamming_distance

    pairs = [
        ("eye_a2", "eye_a1", "same eye, rotated + noisy recapture"),
        ("eye_a1", "eye_a1", "identical template"),
        ("eye_b", "eye_a1", "different eye"),
        ("eye_b", "eye_a2", "different eye"),
        ("noise", "eye_a1", "random noise vs eye"),
        ("edges", "eye_b", "edge-case image vs eye"),
    ]
    for probe, gallery, what in pairs:
        tp, tg = templates[probe], templates[gallery]
        d_def, s_def = hamming_distance(tp, tg, **{k: v for k, v in m_default.params.dict().items() if k != "weights_path"})
        d_simple, s_simple = simple_hamming_distance(tp, tg, **m_simple.params.dict())
        d_plain, s_plain = hamming_distance(tp, tg, **{k: v for k, v in m_plain.params.dict().items() if k != "weights_path"})
        assert float(m_default.run(tp, tg)) == float(d_def)
        assert float(m_simple.run(tp, tg)) == float(d_simple)
        assert float(m_plain.run(tp, tg)) == float(d_plain)
        index["pairs"].append(
            dict(
                probe=probe,
                gallery=gallery,
                what=what,
                HammingDistanceMatcher_default=dict(distance=float(d_def), shift=int(s_def)),
                SimpleHammingDistanceMatcher_default=dict(distance=float(d_simple), shift=int(s_simple)),
                plain_fractional_hd=dict(distance=float(d_plain), shift=int(s_plain)),
                per_shift=per_shift_counts(tp, tg),
            )
        )
    index["rotation_of_eye_a2_in_image_columns"] = rot_shift

    (OUT / "vectors.json").write_text(json.dumps(index, indent=1, sort_keys=False) + "\n")

    digest = hashlib.sha256()
    total = 0
    for p in sorted(OUT.iterdir()):
        if p.name == "SHA256SUMS":
            continue
        b = p.read_bytes()
        total += len(b)
        digest.update(p.name.encode() + b)
    print(f"wrote {len(list(OUT.iterdir()))} files, {total} bytes, tree sha256 {digest.hexdigest()}")
    for name, st in stats.items():
        print(f"  {name:8s} {st}")
    for pr in index["pairs"]:
        print(
            f"  {pr['probe']:6s} vs {pr['gallery']:6s}: default {pr['HammingDistanceMatcher_default']} "
            f"simple {pr['SimpleHammingDistanceMatcher_default']} plain {pr['plain_fractional_hd']}"
        )


if __name__ == "__main__":
    sys.exit(main())
