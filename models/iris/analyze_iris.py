#!/usr/bin/env python3
"""Effect of zkid's simplified mask rule and of lower-precision Gabor taps (open-iris 1.11.2).

Usage (the open-iris venv, see models/iris/requirements.txt; nothing is downloaded):

    /root/venvs/iris/bin/python models/iris/analyze_iris.py        # ~80-110 s on 2 cores

Writes models/iris/analysis.json and prints a summary; ANALYSIS.md explains the method.

zkid's mask rule (replaces FragileBitRefinement + the 93 % |tap|-weight ratio):
    maskcode(f, i, j, re) = maskcode(f, i, j, im) =
        invalid(f, i, j) <= T(f, i)  AND  (S_re != 0 or S_im != 0)
    invalid = number of mask == 0 pixels in the cut patch of probe (i, j) (h x kc pixels),
    T(f, i) = floor(7 * n / 100), n = h * kc  ("at most 7 % of the patch pixels invalid",
    an unweighted stand-in for open-iris's 93 % |tap|-weight rule).
Code bits are unchanged: code_p = S_p > 0.
The previous zkid rule ("all-valid (previous)": every patch pixel valid AND S != 0) is kept
as a comparison in part 1 and in the scattered-occlusion stress test only.

Parts (all deterministic; synthetic data from make_iris_vectors.py's integer-only generator):
  1. mask rule effect   - committed vectors + a sweep of 100 synthetic eyes: open-iris vs zkid
                          mask bits, the ratio-only / fragile-only components, the all-valid
                          (previous) rule for comparison, the per-probe agreement of zkid's count
                          decision with open-iris's exact 93 % weighted decision, and a
                          scattered-occlusion stress test.
  2. matching effect    - plain fractional HD (SimpleHammingDistanceMatcher semantics) with
                          open-iris masks (checked bit-exact against the package) and zkid masks,
                          for the committed pairs, 30 same-eye and 30 different-eye sweep pairs
                          (plus all 4950 capture-1 x capture-1 impostor pairs, own matcher only).
  3. filter precision   - taps round(float_tap * 2^q), q = 15..8: code-bit flips, tap/accumulator
                          bounds and the constraint cost of zkid's sign check.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import make_iris_vectors as miv  # noqa: E402  (generator, integer constants, encoder nodes)

import iris  # noqa: E402
from iris.nodes.matcher.utils import simple_hamming_distance  # noqa: E402

H, W = miv.H, miv.W
VEC = HERE / "vectors"
OUT_JSON = HERE / "analysis.json"
N_SWEEP = 100  # synthetic eyes (capture 1)
N_SAME = 30  # of which the first N_SAME get a second capture (genuine pairs)
N_DIFF = 30  # impostor pairs (capture 1 vs capture 1 of two other sweep eyes)
TAU_NUM, TAU_DEN = 7, 20  # tau = 0.35 ; match iff nonmatch * 20 <= 7 * common
Q_LEVELS = [15, 13, 12, 11, 10, 9, 8]
SHIFTS = [0] + [y for x in range(1, 16) for y in (-x, x)]
MIN_MASKCODES = 4096
N_SPARSE = 10  # same-eye pairs (both captures) used for the scattered-occlusion sensitivity test
MASKS3 = [("openiris", "openiris"), ("zkid", "zkid"), ("allvalid_previous", "allvalid")]  # stress-table columns
SPARSE_LEVELS = [("pixels", 0), ("pixels", 10), ("pixels", 50), ("pixels", 200), ("pixels", 1000), ("streaks", 10), ("streaks", 40), ("streaks", 150)]


# ----------------------------------------------------------------------------------
# vectorised exact integer encoder (same arithmetic as miv.int_encode, checked against
# the package output on every image)
# ----------------------------------------------------------------------------------
class Geo:
    """Probe geometry of one filter (REFERENCE.md section 3/4)."""

    def __init__(self, kr, kc):
        self.kr, self.kc = kr, kc
        self.pr, self.pc = kr // 2, kc // 2
        self.rows = []  # (rtop, h, ktop) per probe row i
        for i in range(16):
            r = 8 * i
            rtop = max(0, r - self.pr)
            rbot = min(r + self.pr + 1, H)
            h = rbot - rtop
            self.rows.append((rtop, h, self.pr - h // 2))
        j = np.arange(256)[:, None]
        t = np.arange(kc)[None, :]
        self.cols = (2 * j - self.pc + t) % W  # [256, kc]


def correlate(img, taps, geo):
    """S[i, j, p] = sum img[rtop+a, cols[j, t]] * taps[p, ktop+a, t]  (int64, exact)."""
    img = img.astype(np.int64)
    s = np.zeros((16, 256, 2), np.int64)
    for i, (rtop, h, ktop) in enumerate(geo.rows):
        patch = img[rtop : rtop + h][:, geo.cols]  # [h, 256, kc]
        s[i] = np.einsum("hjk,phk->jp", patch, taps[:, ktop : ktop + h, :])
    return s


def mask_stats(mask, abstaps, geo):
    """invalid[i, j] (number of invalid pixels in the cut patch) and A[i, j, p] = sum mask * |tap_p|."""
    m = mask.astype(np.int64)
    inv = np.zeros((16, 256), np.int64)
    a = np.zeros((16, 256, 2), np.int64)
    for i, (rtop, h, ktop) in enumerate(geo.rows):
        mp = m[rtop : rtop + h][:, geo.cols]
        inv[i] = h * geo.kc - mp.sum(axis=(0, 2))
        a[i] = np.einsum("hjk,phk->jp", mp, abstaps[:, ktop : ktop + h, :])
    return inv, a


class Encoder:
    def __init__(self, int_filters):
        self.f = int_filters  # list of miv.IntFilter (package taps, q = 15)
        self.geo = [Geo(f.kr, f.kc) for f in int_filters]
        self.absk = [np.abs(f.k) for f in int_filters]
        # per-row constants: n = h*kc, B = sum |tap| of the cut kernel, Amin (exact 0.93 table),
        # T = floor(7 n / 100) (zkid: max invalid pixels per patch)
        self.n = np.zeros((2, 16), np.int64)
        self.amin = np.zeros((2, 16, 2), np.int64)
        for fi, (f, g) in enumerate(zip(self.f, self.geo)):
            for i, (_, h, ktop) in enumerate(g.rows):
                self.n[fi, i] = h * f.kc
                for p in range(2):
                    b = int(self.absk[fi][p, ktop : ktop + h].sum())
                    self.amin[fi, i, p] = miv.mask_threshold_min_a(b)
        self.tmax = (7 * self.n) // 100

    def encode(self, img, mask):
        """Returns dict of [2, 16, 256, 2] bool arrays (re/im on the last axis):
        code, nz (S != 0 complex), allvalid (0 invalid patch pixels), count_ok (invalid <= T),
        ratio_px (A >= Amin, the pixel-mask part of open-iris's 93 % rule), ratio (ratio_px and nz),
        r_lo (|resp| >= 1e-4), r_hi (|resp| <= 0.275), angle (the 5-degree rule of that part);
        plus acc (S) and invalid [2, 16, 256] (invalid pixels per patch)."""
        keys = ("code", "nz", "allvalid", "count_ok", "ratio_px", "ratio", "r_lo", "r_hi", "angle")
        out = {k: np.zeros((2, 16, 256, 2), bool) for k in keys}
        out["acc"] = np.zeros((2, 16, 256, 2), np.int64)
        out["invalid"] = np.zeros((2, 16, 256), np.int64)
        for fi, (f, g) in enumerate(zip(self.f, self.geo)):
            s = correlate(img, f.k, g)
            inv, a = mask_stats(mask, self.absk[fi], g)
            out["acc"][fi] = s
            out["invalid"][fi] = inv
            out["code"][fi] = s > 0
            nz = (s[..., 0] != 0) | (s[..., 1] != 0)
            out["nz"][fi] = nz[..., None]
            out["allvalid"][fi] = (inv == 0)[..., None]
            out["count_ok"][fi] = (inv <= self.tmax[fi][:, None])[..., None]
            out["ratio_px"][fi] = a >= self.amin[fi][:, None, :]
            out["ratio"][fi] = out["ratio_px"][fi] & nz[..., None]
            # exact rational fragile-bit criterion (REFERENCE.md section 6), Python ints
            sre = s[..., 0].astype(object)
            sim = s[..., 1].astype(object)
            qre, qim = f.q
            n = self.n[fi].astype(object)[:, None]
            d = n * n * (qre * qim)
            e = sre * sre * qim + sim * sim * qre
            out["r_lo"][fi] = (e * 2 ** (2 * miv.LO_SHIFT) >= miv.LO_NUM**2 * d)[..., None].astype(bool)
            out["r_hi"][fi] = (e * 2 ** (2 * miv.HI_SHIFT) <= miv.HI_NUM**2 * d)[..., None].astype(bool)
            out["angle"][fi, ..., 0] = (miv.SIN2_NUM * sim * sim * qre <= miv.COS2_NUM * sre * sre * qim).astype(bool)
            out["angle"][fi, ..., 1] = (miv.SIN2_NUM * sre * sre * qim <= miv.COS2_NUM * sim * sim * qre).astype(bool)
        out["oi_mask"] = out["ratio"] & out["r_lo"] & out["r_hi"] & out["angle"]
        out["zk_mask"] = out["count_ok"] & out["nz"]  # zkid rule (<= 7 % of patch pixels invalid)
        out["av_mask"] = out["allvalid"] & out["nz"]  # previous zkid rule (all patch pixels valid)
        return out


# ----------------------------------------------------------------------------------
# data
# ----------------------------------------------------------------------------------
def sweep_eye(k):
    """Capture 1 of sweep eye k: make_iris_vectors' texture / eyelid / occlusion generator
    with varied contrast (10..39) and eyelid (centre, half width 60..119, depth 0..49)."""
    contrast = 10 + (k * 7) % 30
    tex = miv.iris_texture(700000 + k, contrast=contrast)
    centre, hw, depth = (k * 37) % W, 60 + (k * 13) % 60, (k * 11) % 50
    mask, spots = miv.eyelid_mask(710000 + k, center_col=centre, half_width=hw, depth=depth)
    img = miv.apply_occlusion(tex, mask, spots, 720000 + k)
    return tex, img, mask, dict(contrast=contrast, eyelid=(centre, hw, depth))


def sparse_occlusion(img, mask, seed, kind, level):
    """Eyelash-like scattered occlusion on top of an eye: kind 'pixels' = isolated invalid
    pixels at `level` parts per 10^5; kind 'streaks' = `level` radial streaks (1 column x 12
    rows). Occluded pixels are set dark (40) and marked invalid."""
    rng = np.random.Generator(np.random.PCG64(seed))
    img = img.astype(np.int64).copy()
    mask = mask.copy()
    if kind == "pixels":
        hit = rng.integers(0, 100000, size=(H, W)) < level
    else:
        hit = np.zeros((H, W), bool)
        for _ in range(level):
            r0, c0 = int(rng.integers(0, H - 12)), int(rng.integers(0, W))
            hit[r0 : r0 + 12, c0] = True
    img[hit] = 40
    mask[hit] = False
    return img.astype(np.uint8), mask


def second_capture(k, tex, eyelid):
    """Capture 2 of eye k, built like eye_a2 from eye_a1: the texture rolled by a few image
    columns (2..14, either sign, odd rolls included), uniform +-10 sensor noise, a different
    eyelid (moved with the roll, jittered) and different specular spots."""
    rng = np.random.Generator(np.random.PCG64(730000 + k))
    roll = int(rng.integers(2, 15)) * (1 if rng.integers(0, 2) else -1)
    noisy = np.clip(np.roll(tex, roll, axis=1).astype(np.int64) + rng.integers(-10, 11, size=(H, W)), 0, 255)
    centre, hw, depth = eyelid
    centre2 = (centre + roll + int(rng.integers(-8, 9))) % W
    hw2 = max(40, hw + int(rng.integers(-15, 16)))
    depth2 = max(0, depth + int(rng.integers(-10, 11)))
    mask, spots = miv.eyelid_mask(740000 + k, center_col=centre2, half_width=hw2, depth=depth2)
    img = miv.apply_occlusion(noisy.astype(np.uint8), mask, spots, 750000 + k)
    return img, mask, roll


# ----------------------------------------------------------------------------------
# matcher: plain fractional HD, SimpleHammingDistanceMatcher semantics, bit-packed
# ----------------------------------------------------------------------------------
POP8 = np.array([bin(x).count("1") for x in range(256)], np.int64)


def pack(bits):
    """[2, 16, 256, 2] bool -> [256] uint64 (one 64-bit word per code column)."""
    x = np.ascontiguousarray(bits.transpose(2, 0, 1, 3).reshape(256, 64))
    return np.packbits(x, axis=1).view(np.uint64)[:, 0]


def popcount(words):
    return POP8[words.view(np.uint8).reshape(words.shape + (8,))].sum(axis=(-1, -2))


def hd_counts(pc, pm, gc, gm):
    """Probe (pc, pm) [256] uint64 vs galleries gc, gm [G, 256]: nonmatch, common [31, G]."""
    rc = np.stack([np.roll(pc, s) for s in SHIFTS])[:, None, :]  # [31, 1, 256]
    rm = np.stack([np.roll(pm, s) for s in SHIFTS])[:, None, :]
    common = rm & gm[None]
    return popcount((rc ^ gc[None]) & common), popcount(common)


def best_shift(nonmatch, common):
    """Strict-< first minimum over the shift order, starting from distance 1; shifts with 0
    common bits skipped. Works column-wise on [31, G]; returns lists of dicts."""
    res = []
    for g in range(nonmatch.shape[1]):
        best, bi = 1.0, None
        for si in range(len(SHIFTS)):
            c = int(common[si, g])
            if c == 0:
                continue
            d = int(nonmatch[si, g]) / c
            if d < best:
                best, bi = d, si
        if bi is None:
            res.append(dict(distance=1.0, shift=0, nonmatch=None, common=0, match=False))
        else:
            nm, c = int(nonmatch[bi, g]), int(common[bi, g])
            res.append(dict(distance=best, shift=SHIFTS[bi], nonmatch=nm, common=c, match=nm * TAU_DEN <= TAU_NUM * c))
    return res


def hd_pair(pc, pm, gc, gm):
    nm, cm = hd_counts(pack(pc), pack(pm), pack(gc)[None], pack(gm)[None])
    return best_shift(nm, cm)[0]


def package_hd(code_p, mask_p, code_g, mask_g):
    tp = miv.template_from(code_p, mask_p)
    tg = miv.template_from(code_g, mask_g)
    d = float(iris.SimpleHammingDistanceMatcher().run(tp, tg))
    d2, s = simple_hamming_distance(tp, tg)
    assert float(d2) == d
    return d, int(s)


# ----------------------------------------------------------------------------------
# part 1 helpers
# ----------------------------------------------------------------------------------
def ratio_agreement(e):
    """Per-probe agreement of zkid's count decision (invalid <= T) with open-iris's exact
    93 % |tap|-weight decision (A_p >= Amin_p, per part p; S != 0 not included). Probes: 8192."""
    cnt = e["count_ok"][..., 0]  # [2, 16, 256]
    rp = e["ratio_px"]  # [2, 16, 256, 2]
    dif = cnt[..., None] != rp
    lenient = cnt[..., None] & ~rp  # zkid keeps, open-iris's ratio drops
    strict = ~cnt[..., None] & rp  # zkid drops, open-iris's ratio keeps
    return dict(
        probes=int(cnt.size),
        partial_probes=int((e["invalid"] > 0).sum()),  # >= 1 invalid pixel (all-valid probes always agree)
        differ_any=int(dif.any(-1).sum()),  # count decision != ratio decision of re or im
        differ_re=int(dif[..., 0].sum()),
        differ_im=int(dif[..., 1].sum()),
        zkid_keeps_ratio_drops=int(lenient.any(-1).sum()),
        zkid_drops_ratio_keeps=int(strict.any(-1).sum()),
        ratio_re_ne_im=int((rp[..., 0] != rp[..., 1]).sum()),  # no single per-probe bit can match both
        per_filter_differ_any=[int(dif[f].any(-1).sum()) for f in range(2)],
    )


def mask_effect(e):
    oi, zk, av, ratio = e["oi_mask"], e["zk_mask"], e["av_mask"], e["ratio"]
    frag = e["r_lo"] & e["r_hi"] & e["angle"]
    only_zk = zk & ~oi
    only_oi = oi & ~zk
    assert not (av & ~zk).any()  # all-valid patch => 0 invalid <= T
    assert not (av & ~ratio).any()  # all-valid patch => ratio 1 >= 0.93
    d = dict(
        openiris=int(oi.sum()),
        zkid=int(zk.sum()),
        allvalid_previous=int(av.sum()),
        both=int((oi & zk).sum()),
        only_openiris=int(only_oi.sum()),
        only_zkid=int(only_zk.sum()),
        # components
        ratio_only_rule=int(ratio.sum()),  # open-iris without FragileBitRefinement
        fragile_only_rule=int(frag.sum()),  # open-iris with an all-valid noise mask
        ratio_but_not_allvalid=int((ratio & ~e["allvalid"]).sum()),  # partial patch with >= 93 % weight
        ratio_but_not_count=int((ratio & ~e["count_ok"]).sum()),  # >= 93 % weight but > 7 % of pixels invalid
        count_but_not_ratio=int((zk & ~ratio).sum()),  # <= 7 % of pixels invalid but < 93 % weight
        # why zkid keeps a bit open-iris drops: the fragile rule (weak / strong / angle), or,
        # with the fragile rule passed, the 93 % weight rule (count ok, weight < 93 %)
        only_zkid_weak=int((only_zk & ~e["r_lo"]).sum()),  # |resp| < 1e-4
        only_zkid_strong=int((only_zk & ~e["r_hi"]).sum()),  # |resp| > 0.275
        only_zkid_angle=int((only_zk & e["r_lo"] & e["r_hi"] & ~e["angle"]).sum()),  # within 5 deg of an axis
        only_zkid_weight=int((only_zk & frag & ~ratio).sum()),  # fragile ok, count ok, weight < 93 %
        # why open-iris keeps a bit zkid drops: >= 93 % of |tap| weight valid but > 7 % of pixels invalid
        only_openiris_count=int((only_oi & e["ratio"] & ~e["count_ok"]).sum()),
        ratio_decision_agreement=ratio_agreement(e),
        per_filter=[
            dict(
                openiris=int(oi[f].sum()),
                zkid=int(zk[f].sum()),
                allvalid_previous=int(av[f].sum()),
                both=int((oi[f] & zk[f]).sum()),
                fragile_only_rule=int(frag[f].sum()),
                strong_gt_0275=int((~e["r_hi"][f, ..., 0]).sum()),  # probes (not bits) with |resp| > 0.275
            )
            for f in range(2)
        ],
    )
    assert d["only_zkid"] == d["only_zkid_weak"] + d["only_zkid_strong"] + d["only_zkid_angle"] + d["only_zkid_weight"]
    assert d["only_openiris"] == d["only_openiris_count"]
    return d


def agg(rows, keys):
    a = {k: int(sum(r[k] for r in rows)) for k in keys}
    a["n_images"] = len(rows)
    ra = [r["ratio_decision_agreement"] for r in rows]
    a["ratio_decision_agreement"] = {k: int(sum(x[k] for x in ra)) for k in ra[0] if k != "per_filter_differ_any"}
    a["ratio_decision_agreement"]["per_filter_differ_any"] = [int(sum(x["per_filter_differ_any"][f] for x in ra)) for f in range(2)]
    a["ratio_decision_agreement"]["differ_any_per_template_max"] = int(max(x["differ_any"] for x in ra))
    a["ratio_decision_agreement"]["templates_with_no_difference"] = int(sum(x["differ_any"] == 0 for x in ra))
    for k in ("openiris", "zkid", "allvalid_previous", "both"):
        v = [r[k] for r in rows]
        a[k + "_min_max_mean"] = [int(min(v)), int(max(v)), round(float(np.mean(v)), 1)]
    a["templates_below_4096"] = dict(
        openiris=int(sum(r["openiris"] < MIN_MASKCODES for r in rows)),
        zkid=int(sum(r["zkid"] < MIN_MASKCODES for r in rows)),
        allvalid_previous=int(sum(r["allvalid_previous"] < MIN_MASKCODES for r in rows)),
    )
    return a


# ----------------------------------------------------------------------------------
# part 3 helpers
# ----------------------------------------------------------------------------------
def float_taps(filter_params):
    """Unit-norm float taps before to_fixpoints, from the package's GaborFilter."""
    out = []
    for prm in filter_params:
        g = iris.GaborFilter(**{**prm, "to_fixpoints": False})
        kv = g.kernel_values
        t = np.stack([kv.real, kv.imag])
        assert np.allclose(np.sqrt((t**2).sum(axis=(1, 2))), 1.0, atol=1e-12)
        out.append(t)
    return out


def zero_row_sum_round(x):
    """Round each kernel row to integers with the row sum forced to 0 (the float rows of the
    DC-corrected Re part sum to ~1e-16; Im rows are antisymmetric): round half-to-even, then
    move the |residual| taps whose rounding error points the wrong way the most by 1."""
    r = np.round(x).astype(np.int64)
    for p in range(r.shape[0]):
        for a in range(r.shape[1]):
            assert abs(x[p, a].sum()) < 1e-6
            res = int(r[p, a].sum())
            if res == 0:
                continue
            err = r[p, a] - x[p, a]  # > 0: rounded up
            order = np.argsort(-err if res > 0 else err, kind="stable")[: abs(res)]
            r[p, a, order] -= np.sign(res)
            assert r[p, a].sum() == 0
    return r


def tap_stats(kq):
    """Per (filter, part) bounds and sign-check cost for integer taps kq[f] = [2, kr, kc]."""
    rows = []
    for fi, k in enumerate(kq):
        for p in range(2):
            kp = k[p]
            sabs = int(np.abs(kp).sum())
            bound = 255 * sabs
            kbits = bound.bit_length()  # 2^k > bound
            tight = 255 * max(int(kp[kp > 0].sum()), int(-kp[kp < 0].sum()))  # S in [255*sum(K-), 255*sum(K+)]
            rows.append(
                dict(
                    filter=fi,
                    part="re" if p == 0 else "im",
                    max_abs_tap=int(np.abs(kp).max()),
                    tap_bits_signed=int(np.abs(kp).max()).bit_length() + 1,
                    sum_tap=int(kp.sum()),
                    sum_abs_tap=sabs,
                    bound_255_sum_abs=bound,
                    k=kbits,
                    constraints_per_code_bit=kbits + 2,
                    tight_bound=tight,
                    k_tight=tight.bit_length(),
                )
            )
    per_part_bits = 16 * 256  # code bits per (filter, part)
    total = sum(per_part_bits * r["constraints_per_code_bit"] for r in rows)
    kmax = max(r["k"] for r in rows)
    return rows, total, 16384 * (kmax + 2)


# ----------------------------------------------------------------------------------
def main():
    t0 = time.time()
    assert iris.__version__ == miv.PINNED, iris.__version__
    filter_bank, refinement, encoder, min_maskcodes, nodes = miv.load_encoder_nodes()
    assert min_maskcodes == MIN_MASKCODES
    int_filters = [miv.IntFilter(f) for f in filter_bank.params.filters]
    enc = Encoder(int_filters)
    index = json.loads((VEC / "vectors.json").read_text())

    def run_both(img, mask, ref_code=None, ref_mcode=None):
        _, _, t = miv.run_open_iris(filter_bank, refinement, encoder, img, mask)
        pc, pm = np.stack(t.iris_codes), np.stack(t.mask_codes)
        e = enc.encode(img, mask)
        assert np.array_equal(e["code"], pc), "iris code differs from the package"
        assert np.array_equal(e["oi_mask"], pm), "exact mask criterion differs from the package"
        if ref_code is not None:
            assert np.array_equal(pc, ref_code) and np.array_equal(pm, ref_mcode), "committed vector mismatch"
        return e

    # ---------------- data -------------------------------------------------------------
    images = {}  # name -> (img, mask)
    enc_out = {}
    for s in index["samples"]:
        name = s["name"]
        img = np.load(VEC / f"{name}_image.npy")
        mask = np.load(VEC / f"{name}_mask.npy")
        images[name] = (img, mask)
        enc_out[name] = run_both(img, mask, np.load(VEC / f"{name}_code.npy"), np.load(VEC / f"{name}_maskcode.npy"))
    committed = [s["name"] for s in index["samples"]]
    sweep_meta = {}
    for k in range(N_SWEEP):
        tex, img, mask, meta = sweep_eye(k)
        name = f"s{k:03d}"
        images[name] = (img, mask)
        enc_out[name] = run_both(img, mask)
        sweep_meta[name] = meta
        if k < N_SAME:
            img2, mask2, roll = second_capture(k, tex, meta["eyelid"])
            images[name + "b"] = (img2, mask2)
            enc_out[name + "b"] = run_both(img2, mask2)
            sweep_meta[name]["second_capture_roll_image_columns"] = roll
    sweep1 = [f"s{k:03d}" for k in range(N_SWEEP)]
    sweep2 = [f"s{k:03d}b" for k in range(N_SAME)]
    t_data = time.time() - t0

    # ---------------- part 1: mask rule effect -----------------------------------------
    keys = [
        "openiris",
        "zkid",
        "both",
        "only_openiris",
        "only_zkid",
        "ratio_only_rule",
        "fragile_only_rule",
        "allvalid_previous",
        "ratio_but_not_allvalid",
        "ratio_but_not_count",
        "count_but_not_ratio",
        "only_zkid_weak",
        "only_zkid_strong",
        "only_zkid_angle",
        "only_zkid_weight",
        "only_openiris_count",
    ]
    eff = {n: mask_effect(enc_out[n]) for n in enc_out}
    part1 = dict(
        committed={n: eff[n] for n in committed},
        sweep_aggregate=agg([eff[n] for n in sweep1], keys),
        second_captures_aggregate=agg([eff[n] for n in sweep2], keys),
        sweep_per_image={n: {k: eff[n][k] for k in ("openiris", "zkid", "allvalid_previous", "both")} for n in sweep1 + sweep2},
        sweep_params=sweep_meta,
    )
    # contrast dependence (the 0.275 ceiling fires on high-contrast textures)
    ctr = np.array([sweep_meta[n]["contrast"] for n in sweep1])
    bins = []
    for lo, hi in ((10, 17), (18, 24), (25, 31), (32, 39)):
        sel = [n for n, c in zip(sweep1, ctr) if lo <= c <= hi]
        bins.append(dict(contrast=[lo, hi], images=len(sel),
                         openiris_mean=float(np.mean([eff[n]["openiris"] for n in sel])),
                         zkid_mean=float(np.mean([eff[n]["zkid"] for n in sel])),
                         strong_bits_mean=float(np.mean([eff[n]["only_zkid_strong"] for n in sel]))))
    part1["contrast_dependence"] = dict(
        corr_openiris_bits_vs_contrast=float(np.corrcoef(ctr, [eff[n]["openiris"] for n in sweep1])[0, 1]),
        corr_zkid_bits_vs_contrast=float(np.corrcoef(ctr, [eff[n]["zkid"] for n in sweep1])[0, 1]),
        bins=bins,
    )
    # sensitivity: scattered (eyelash-like) invalid pixels, which the synthetic eyelids lack
    sens = []
    for kind, level in SPARSE_LEVELS:
        rows, pair_rows = [], []
        for k in range(N_SPARSE):
            for suffix in ("", "b"):
                img, mask = images[f"s{k:03d}{suffix}"]
                im2, m2 = sparse_occlusion(img, mask, 760000 + 2 * k + (suffix == "b") + 7919 * level, kind, level)
                e = run_both(im2, m2)
                ra = ratio_agreement(e)
                rows.append(dict(openiris=int(e["oi_mask"].sum()), zkid=int(e["zk_mask"].sum()), allvalid=int(e["av_mask"].sum()),
                                 ratio=int(e["ratio"].sum()), invalid_pixels=int((~m2).sum()),
                                 ratio_differ_any=ra["differ_any"], partial_probes=ra["partial_probes"],
                                 keeps=ra["zkid_keeps_ratio_drops"], drops=ra["zkid_drops_ratio_keeps"]))
                if suffix == "":
                    ea = e
            # probe = second capture, gallery = first capture
            pair_rows.append(tuple(hd_pair(e["code"], e[k], ea["code"], ea[k]) for k in ("oi_mask", "zk_mask", "av_mask")))
        sens.append(
            dict(
                kind=kind,
                level=level,
                level_meaning="invalid pixels per 10^5" if kind == "pixels" else "streaks of 1x12 pixels",
                templates=len(rows),
                mean_invalid_pixels=float(np.mean([r["invalid_pixels"] for r in rows])),
                openiris_mean_bits=float(np.mean([r["openiris"] for r in rows])),
                zkid_mean_bits=float(np.mean([r["zkid"] for r in rows])),
                allvalid_previous_mean_bits=float(np.mean([r["allvalid"] for r in rows])),
                ratio_rule_mean_bits=float(np.mean([r["ratio"] for r in rows])),
                openiris_min_bits=int(min(r["openiris"] for r in rows)),
                zkid_min_bits=int(min(r["zkid"] for r in rows)),
                allvalid_previous_min_bits=int(min(r["allvalid"] for r in rows)),
                below_4096={k: int(sum(r[c] < MIN_MASKCODES for r in rows)) for k, c in MASKS3},
                ratio_decision_probes_differing_mean=float(np.mean([r["ratio_differ_any"] for r in rows])),
                ratio_decision_probes_differing_max=int(max(r["ratio_differ_any"] for r in rows)),
                ratio_decision_zkid_keeps_ratio_drops_mean=float(np.mean([r["keeps"] for r in rows])),
                ratio_decision_zkid_drops_ratio_keeps_mean=float(np.mean([r["drops"] for r in rows])),
                partial_probes_mean=float(np.mean([r["partial_probes"] for r in rows])),
                same_eye_pairs=len(pair_rows),
                same_eye_max_hd={k: max(pr[m]["distance"] for pr in pair_rows) for m, (k, _) in enumerate(MASKS3)},
                same_eye_min_common={k: min(pr[m]["common"] for pr in pair_rows) for m, (k, _) in enumerate(MASKS3)},
                same_eye_matches={k: int(sum(pr[m]["match"] for pr in pair_rows)) for m, (k, _) in enumerate(MASKS3)},
            )
        )
    part1["sparse_occlusion_sensitivity"] = sens
    sw = part1["sweep_aggregate"]
    sw["per_filter"] = [
        {k: int(sum(eff[n]["per_filter"][f][k] for n in sweep1)) for k in eff[sweep1[0]]["per_filter"][f]} for f in range(2)
    ]

    # ---------------- part 2: matching effect ------------------------------------------
    pairs = [(p["probe"], p["gallery"], "committed: " + p["what"]) for p in index["pairs"]]
    pairs += [(f"s{k:03d}b", f"s{k:03d}", "same eye") for k in range(N_SAME)]
    pairs += [(f"s{N_SAME + 2 * m:03d}", f"s{N_SAME + 2 * m + 1:03d}", "different eye") for m in range(N_DIFF)]
    recorded = {(p["probe"], p["gallery"]): p["SimpleHammingDistanceMatcher_default"] for p in index["pairs"]}
    prow = []
    for probe, gallery, what in pairs:
        ep, eg = enc_out[probe], enc_out[gallery]
        a = hd_pair(ep["code"], ep["oi_mask"], eg["code"], eg["oi_mask"])
        b = hd_pair(ep["code"], ep["zk_mask"], eg["code"], eg["zk_mask"])
        pd, ps = package_hd(ep["code"], ep["oi_mask"], eg["code"], eg["oi_mask"])
        assert pd == a["distance"] and ps == a["shift"], (probe, gallery, pd, ps, a)
        if (probe, gallery) in recorded:
            r = recorded[(probe, gallery)]
            assert r["distance"] == pd and r["shift"] == ps
        prow.append(dict(probe=probe, gallery=gallery, what=what, package=dict(distance=pd, shift=ps), openiris_mask=a, zkid_mask=b))

    def summarize(rows):
        out = {}
        for key in ("openiris_mask", "zkid_mask"):
            d = [r[key]["distance"] for r in rows]
            out[key] = dict(
                min=min(d), max=max(d), mean=float(np.mean(d)),
                matches_at_tau=int(sum(r[key]["match"] for r in rows)),
                min_common_at_best=int(min(r[key]["common"] for r in rows)),
            )
        out["decision_agreement"] = f"{sum(r['openiris_mask']['match'] == r['zkid_mask']['match'] for r in rows)}/{len(rows)}"
        out["best_shift_agreement"] = f"{sum(r['openiris_mask']['shift'] == r['zkid_mask']['shift'] for r in rows)}/{len(rows)}"
        return out

    # where do genuine-pair disagreements come from under zkid's mask? classify the common bits at
    # zkid's best shift by the open-iris status of the bit in the two captures
    cls = {c: [0, 0] for c in ("openiris_valid_in_both", "angle_rule_fails_in_one", "only_strong_or_ratio")}
    # and by the zkid patch state: all pixels valid in both captures vs 1..T invalid pixels in >= 1 capture
    pcls = {c: [0, 0] for c in ("patch_allvalid_in_both", "patch_partial_in_one_or_both")}
    for r in prow:
        if r["what"] != "same eye":
            continue
        ep, eg = enc_out[r["probe"]], enc_out[r["gallery"]]
        sh = r["zkid_mask"]["shift"]
        roll = lambda x: np.roll(x, sh, axis=2)  # noqa: E731
        common = roll(ep["zk_mask"]) & eg["zk_mask"]
        dis = (roll(ep["code"]) != eg["code"]) & common
        both_oi = roll(ep["oi_mask"]) & eg["oi_mask"]
        ang = ~(roll(ep["angle"]) & eg["angle"])
        c1 = common & both_oi
        c2 = common & ~both_oi & ang
        c3 = common & ~both_oi & ~ang
        for c, m in zip(cls, (c1, c2, c3)):
            cls[c][0] += int(m.sum())
            cls[c][1] += int((dis & m).sum())
        av2 = roll(ep["allvalid"]) & eg["allvalid"]
        for c, m in zip(pcls, (common & av2, common & ~av2)):
            pcls[c][0] += int(m.sum())
            pcls[c][1] += int((dis & m).sum())
    same_eye_bit_classes = {c: dict(bits=v[0], disagreeing=v[1], rate=v[1] / max(1, v[0])) for c, v in cls.items()}
    same_eye_bit_classes_patch = {c: dict(bits=v[0], disagreeing=v[1], rate=v[1] / max(1, v[0])) for c, v in pcls.items()}
    same = [r for r in prow if r["what"] == "same eye"]
    diff = [r for r in prow if r["what"] == "different eye"]
    part2 = dict(
        tau=TAU_NUM / TAU_DEN,
        verdict_rule="match iff nonmatch * 20 <= 7 * common at the best shift",
        package_check=f"{len(prow)}/{len(prow)} pairs: own matcher on open-iris templates == SimpleHammingDistanceMatcher().run (distance and shift, float-equal)",
        pairs=prow,
        same_eye=summarize(same),
        same_eye_even_roll=summarize([r for r in same if sweep_meta[r["gallery"]]["second_capture_roll_image_columns"] % 2 == 0]),
        same_eye_odd_roll=summarize([r for r in same if sweep_meta[r["gallery"]]["second_capture_roll_image_columns"] % 2 == 1]),
        different_eye=summarize(diff),
        all_pairs=summarize(prow),
        same_eye_zkid_common_bits_by_openiris_status=same_eye_bit_classes,
        same_eye_zkid_common_bits_by_patch_state=same_eye_bit_classes_patch,
    )
    for key in ("openiris_mask", "zkid_mask"):
        part2[key + "_separation"] = dict(
            same_eye_max=part2["same_eye"][key]["max"],
            different_eye_min=part2["different_eye"][key]["min"],
            margin=part2["different_eye"][key]["min"] - part2["same_eye"][key]["max"],
        )
    part2["min_common_bits_at_best_shift_all_pairs"] = dict(
        openiris_mask=part2["all_pairs"]["openiris_mask"]["min_common_at_best"],
        zkid_mask=part2["all_pairs"]["zkid_mask"]["min_common_at_best"],
    )
    # extended impostor set: all capture-1 x capture-1 sweep pairs (own matcher only)
    ext = {}
    for key in ("oi_mask", "zk_mask"):
        pcs = np.stack([pack(enc_out[n]["code"]) for n in sweep1])
        pms = np.stack([pack(enc_out[n][key]) for n in sweep1])
        dist, comm, nmatch = [], [], 0
        for a in range(N_SWEEP - 1):
            nm, cm = hd_counts(pcs[a], pms[a], pcs[a + 1 :], pms[a + 1 :])
            for r in best_shift(nm, cm):
                dist.append(r["distance"])
                comm.append(r["common"])
                nmatch += r["match"]
        ext[key] = dict(n_pairs=len(dist), min=min(dist), max=max(dist), mean=float(np.mean(dist)),
                        false_matches_at_tau=int(nmatch), min_common_at_best=int(min(comm)))
    part2["all_sweep_impostor_pairs"] = {"openiris_mask": ext["oi_mask"], "zkid_mask": ext["zk_mask"]}
    t_match = time.time() - t0

    # ---------------- part 3: filter precision -----------------------------------------
    fparams = [f["params"] for f in nodes["filter_bank"]["algorithm"]["params"]["filters"]]
    ftaps = float_taps(fparams)
    for fi in range(2):
        assert np.array_equal(np.round(ftaps[fi] * 2**15).astype(np.int64), int_filters[fi].k), "float taps do not round to the package taps"
    all_names = list(enc_out)
    zk_ref = {n: enc_out[n]["zk_mask"] for n in all_names}
    oi_ref = {n: enc_out[n]["oi_mask"] for n in all_names}
    code_ref = {n: enc_out[n]["code"] for n in all_names}
    part3 = dict(method="taps_q = np.round(float_tap * 2^q) (half-to-even), float_tap = GaborFilter(..., to_fixpoints=False).kernel_values; q = 15 reproduces the package taps exactly", levels=[])
    total15 = None
    for q in Q_LEVELS:
        kq = [np.round(t * 2**q).astype(np.int64) for t in ftaps]
        alt = [np.round(f.k / 2 ** (15 - q)).astype(np.int64) for f in int_filters]
        n_alt_diff = int(sum((a != b).sum() for a, b in zip(kq, alt)))
        flips = flips_zk = flips_oi = 0
        kz = [zero_row_sum_round(t * 2**q) for t in ftaps]
        zflips = zflips_zk = 0
        zflips_fp = [[0, 0], [0, 0]]
        flips_fp = [[0, 0], [0, 0]]
        zk_mask_changes = 0
        codes_q = {}
        masks_q = {}
        for n in all_names:
            img, mask = images[n]
            cq = np.zeros((2, 16, 256, 2), bool)
            nzq = np.zeros((2, 16, 256, 2), bool)
            for fi, g in enumerate(enc.geo):
                s = correlate(img, kq[fi], g)
                cq[fi] = s > 0
                nzq[fi] = ((s[..., 0] != 0) | (s[..., 1] != 0))[..., None]
            cz = np.stack([correlate(img, kz[fi], g) > 0 for fi, g in enumerate(enc.geo)])
            zfl = cz != code_ref[n]
            zflips += int(zfl.sum())
            zflips_zk += int((zfl & zk_ref[n]).sum())
            for fi in range(2):
                for p in range(2):
                    zflips_fp[fi][p] += int(zfl[fi, ..., p].sum())
            mq = enc_out[n]["count_ok"] & nzq
            fl = cq != code_ref[n]
            flips += int(fl.sum())
            for fi in range(2):
                for p in range(2):
                    flips_fp[fi][p] += int(fl[fi, ..., p].sum())
            flips_zk += int((fl & zk_ref[n]).sum())
            flips_oi += int((fl & oi_ref[n]).sum())
            zk_mask_changes += int((mq != zk_ref[n]).sum())
            codes_q[n], masks_q[n] = cq, mq
        # matching with q-taps and zkid masks vs q = 15
        dmax, dec_changes = 0.0, 0
        for r in prow:
            b = hd_pair(codes_q[r["probe"]], masks_q[r["probe"]], codes_q[r["gallery"]], masks_q[r["gallery"]])
            dmax = max(dmax, abs(b["distance"] - r["zkid_mask"]["distance"]))
            dec_changes += b["match"] != r["zkid_mask"]["match"]
        stats, total, total_uniform = tap_stats(kq)
        if total15 is None:
            total15, total15_u = total, total_uniform
        nbits = 16384 * len(all_names)
        part3["levels"].append(
            dict(
                q=q,
                code_bit_flips=flips,
                code_bits=nbits,
                flip_rate=flips / nbits,
                flips_per_filter_part=flips_fp,  # [[f0 re, f0 im], [f1 re, f1 im]]
                flips_on_zkid_valid_bits=flips_zk,
                flips_on_openiris_valid_bits=flips_oi,
                zkid_mask_bit_changes=zk_mask_changes,
                zero_row_sum_variant=dict(
                    code_bit_flips=zflips,
                    flips_on_zkid_valid_bits=zflips_zk,
                    flips_per_filter_part=zflips_fp,
                    taps_changed_vs_plain_rounding=int(sum((a != b).sum() for a, b in zip(kz, kq))),
                    max_abs_tap=[int(np.abs(k).max()) for k in kz],
                    sum_abs_tap=[[int(np.abs(k[p]).sum()) for p in range(2)] for k in kz],
                ),
                taps_differing_from_round_K15_over_2pow=n_alt_diff,
                zkid_hd_max_abs_change_over_pairs=dmax,
                zkid_decision_changes_over_pairs=int(dec_changes),
                taps=stats,
                sign_check_constraints_total=total,
                saved_vs_q15=total15 - total,
                sign_check_constraints_total_uniform_k=total_uniform,
                saved_vs_q15_uniform_k=total15_u - total_uniform,
            )
        )
    part3["images"] = len(all_names)

    runtime = time.time() - t0
    result = dict(
        generator="models/iris/analyze_iris.py",
        open_iris_version=iris.__version__,
        numpy_version=np.__version__,
        zkid_mask_rule="maskcode(f,i,j,re) = maskcode(f,i,j,im) = invalid(f,i,j) <= floor(7*h*kc/100) AND (S_re != 0 or S_im != 0); invalid = mask==0 pixels of the cut patch (rows rtop..rbot-1 x kc wrapped columns)",
        zkid_invalid_threshold_T={f"filter{f}": [int(x) for x in enc.tmax[f]] for f in range(2)},
        previous_rule_allvalid="maskcode = all patch pixels valid AND (S_re != 0 or S_im != 0) (part 1 comparison column and stress test only)",
        images=dict(committed=committed, sweep_capture1=len(sweep1), sweep_capture2=len(sweep2)),
        part1_mask_rule=part1,
        part2_matching=part2,
        part3_precision=part3,
    )
    OUT_JSON.write_text(json.dumps(result, indent=1) + "\n")

    # ---------------- summary -------------------------------------------------------------
    print(f"open-iris {iris.__version__}, numpy {np.__version__}; {len(all_names)} images "
          f"({len(committed)} committed, {len(sweep1)} sweep eyes, {len(sweep2)} second captures)")
    print("\n[1] mask bits (of 16384): open-iris vs zkid (<= 7 % invalid); av = all-valid (previous)")
    hdr = (f"{'image':10s} {'oi':>6s} {'zkid':>6s} {'av':>6s} {'both':>6s} {'only_oi':>7s} {'only_zk':>7s} {'ratio':>6s} {'fragile':>7s} "
           f"{'weak':>5s} {'strong':>6s} {'angle':>5s} {'weight':>6s} | {'probes≠93%':>10s} {'keep/drop':>10s} {'partial':>7s}")
    print(hdr)
    for n in committed + ["SWEEP(sum)", "CAPT2(sum)"]:
        d = eff[n] if n in eff else (part1["sweep_aggregate"] if n.startswith("SWEEP") else part1["second_captures_aggregate"])
        ra = d["ratio_decision_agreement"]
        print(f"{n:10s} {d['openiris']:6d} {d['zkid']:6d} {d['allvalid_previous']:6d} {d['both']:6d} {d['only_openiris']:7d} {d['only_zkid']:7d} "
              f"{d['ratio_only_rule']:6d} {d['fragile_only_rule']:7d} {d['only_zkid_weak']:5d} {d['only_zkid_strong']:6d} {d['only_zkid_angle']:5d} {d['only_zkid_weight']:6d} | "
              f"{ra['differ_any']:10d} {str(ra['zkid_keeps_ratio_drops']) + '/' + str(ra['zkid_drops_ratio_keeps']):>10s} {ra['partial_probes']:7d}")
    print(f"  sweep per-image min/max/mean: openiris {sw['openiris_min_max_mean']} zkid {sw['zkid_min_max_mean']} av {sw['allvalid_previous_min_max_mean']}; "
          f"templates < 4096: {sw['templates_below_4096']}; ratio-decision agreement {sw['ratio_decision_agreement']}")
    cd = part1["contrast_dependence"]
    print(f"  contrast dependence: corr(open-iris bits, contrast) {cd['corr_openiris_bits_vs_contrast']:.3f}, corr(zkid bits, contrast) {cd['corr_zkid_bits_vs_contrast']:.3f}; "
          + "; ".join(f"{b['contrast']}: oi {b['openiris_mean']:.0f} zk {b['zkid_mean']:.0f}" for b in cd["bins"]))
    print("  scattered-occlusion sensitivity (first 10 same-eye pairs, both captures):")
    for r in part1["sparse_occlusion_sensitivity"]:
        print(f"    {r['kind']:7s} {r['level']:5d}: invalid px {r['mean_invalid_pixels']:7.1f}  mean bits oi {r['openiris_mean_bits']:7.1f} zk {r['zkid_mean_bits']:7.1f} "
              f"av {r['allvalid_previous_mean_bits']:7.1f} ratio {r['ratio_rule_mean_bits']:7.1f}  probes≠93% {r['ratio_decision_probes_differing_mean']:.1f} (max {r['ratio_decision_probes_differing_max']}, partial {r['partial_probes_mean']:.0f})"
              f"  min oi {r['openiris_min_bits']:5d} zk {r['zkid_min_bits']:5d} av {r['allvalid_previous_min_bits']:5d}  <4096 {r['below_4096']}  same-eye maxHD {r['same_eye_max_hd']}"
              f" minCommon {r['same_eye_min_common']} matches {r['same_eye_matches']}")
    print("\n[2] plain fractional HD (tau = 0.35): " + part2["package_check"])
    print(f"{'probe':7s} {'gallery':7s} {'what':14s} {'HD_oi':>7s} {'sh':>3s} {'common':>6s} {'HD_zk':>7s} {'sh':>3s} {'common':>6s}")
    for r in prow:
        if r["what"].startswith("committed") or r in same[:3] or r in diff[:3]:
            a, b = r["openiris_mask"], r["zkid_mask"]
            print(f"{r['probe']:7s} {r['gallery']:7s} {r['what'][:14]:14s} {a['distance']:7.4f} {a['shift']:3d} {a['common']:6d} "
                  f"{b['distance']:7.4f} {b['shift']:3d} {b['common']:6d}")
    for grp in ("same_eye", "same_eye_even_roll", "same_eye_odd_roll", "different_eye", "all_pairs"):
        g = part2[grp]
        print(f"  {grp:13s} oi {g['openiris_mask']}  zk {g['zkid_mask']}  agreement {g['decision_agreement']} shifts {g['best_shift_agreement']}")
    print(f"  same-eye common bits (zkid mask, best shift) by open-iris status: {part2['same_eye_zkid_common_bits_by_openiris_status']}")
    print(f"  same-eye common bits (zkid mask, best shift) by patch state: {part2['same_eye_zkid_common_bits_by_patch_state']}")
    for key in ("openiris_mask", "zkid_mask"):
        print(f"  separation {key}: {part2[key + '_separation']}")
    print(f"  all 4950 sweep impostor pairs: {part2['all_sweep_impostor_pairs']}")
    print("  flips per [filter][re, im]: " + ", ".join(f"q{lv['q']}: {lv['flips_per_filter_part']}" for lv in part3["levels"]))
    print("  zero-row-sum rounding variant: " + ", ".join(
        f"q{lv['q']}: {lv['zero_row_sum_variant']['code_bit_flips']} flips ({lv['zero_row_sum_variant']['flips_on_zkid_valid_bits']} on zk-valid) {lv['zero_row_sum_variant']['flips_per_filter_part']}"
        for lv in part3["levels"]))
    print("\n[3] tap precision (flips vs q = 15 over all images; sign-check cost per (filter, part) k)")
    print(f"{'q':>3s} {'flips':>7s} {'rate':>9s} {'on_zk':>6s} {'maxHDd':>7s} {'|K|max f0/f1':>13s} {'sum|K| f0re/f0im/f1re/f1im':>32s} {'k':>12s} {'total':>8s} {'saved':>7s}")
    for lv in part3["levels"]:
        t = lv["taps"]
        print(f"{lv['q']:3d} {lv['code_bit_flips']:7d} {lv['flip_rate']:9.2e} {lv['flips_on_zkid_valid_bits']:6d} "
              f"{lv['zkid_hd_max_abs_change_over_pairs']:7.4f} {max(t[0]['max_abs_tap'], t[1]['max_abs_tap']):6d}/{max(t[2]['max_abs_tap'], t[3]['max_abs_tap']):<6d} "
              f"{'/'.join(str(x['sum_abs_tap']) for x in t):>32s} {'/'.join(str(x['k']) for x in t):>12s} "
              f"{lv['sign_check_constraints_total']:8d} {lv['saved_vs_q15']:7d}")
    print(f"\nruntime {runtime:.1f} s (data+encode {t_data:.1f} s, matching {t_match - t_data:.1f} s)")


if __name__ == "__main__":
    sys.exit(main())
