#!/usr/bin/env python3
"""Generate the bundled example ONNX models for zkid.

Produces three small float32 models (batch dimension fixed to 1, input tensor
named "input", output tensor named "output", opset 13, IR version 8):

    models/linreg/   Gemm-only linear regression on sklearn's diabetes data
    models/digits/   small CNN trained with plain numpy on sklearn's 8x8 digits
    models/face/     face-embedding-shaped CNN with fixed seeded random weights

Each folder gets model.onnx, calib.npy, sample.npy, sample_expected.npy and
metrics.json (linreg and digits also get test_x.npy / test_y.npy).

Everything is seeded and BLAS is pinned to one thread, so re-running the
script on the same machine reproduces the files byte for byte.

Usage:  python3 models/make_models.py
"""

import os

# Pin BLAS / OpenMP to a single thread *before* numpy is imported: multi-
# threaded reductions may sum in a different order between runs.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
             "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import json  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import onnxruntime as ort  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402
from sklearn.datasets import load_diabetes, load_digits  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

OPSET = 13
IR_VERSION = 8
PRODUCER = "zkid-make_models"
ROOT = Path(__file__).resolve().parent
MAX_ONNX_BYTES = 1 << 20

F32 = np.float32


# --------------------------------------------------------------------------
# ONNX helpers
# --------------------------------------------------------------------------

def init(name, arr):
    """float32 initializer from a numpy array (shape preserved, incl. scalars)."""
    return numpy_helper.from_array(np.asarray(arr, dtype=F32), name=name)


def make_model(name, nodes, inits, in_shape, out_shape, doc):
    graph = helper.make_graph(
        nodes,
        name,
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, list(in_shape))],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, list(out_shape))],
        initializer=inits,
    )
    model = helper.make_model(
        graph,
        producer_name=PRODUCER,
        producer_version="1",
        opset_imports=[helper.make_opsetid("", OPSET)],
        doc_string=doc,
    )
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model, full_check=True)
    inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    out = inferred.graph.output[0].type.tensor_type.shape
    got = [d.dim_value for d in out.dim]
    assert got == list(out_shape), (name, got, out_shape)
    return model


def param_count(model):
    return int(sum(int(np.prod(t.dims)) for t in model.graph.initializer))


def op_list(model):
    return [n.op_type for n in model.graph.node]


def session(model_or_bytes):
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    data = model_or_bytes if isinstance(model_or_bytes, bytes) else model_or_bytes.SerializeToString()
    return ort.InferenceSession(data, so, providers=["CPUExecutionProvider"])


def run_each(sess, xs):
    """Run a batch-1 model over xs[N, ...] one sample at a time."""
    outs = [sess.run(None, {"input": x[None].astype(F32)})[0][0] for x in xs]
    return np.stack(outs)


def save_folder(folder, model, calib, sample, metrics, extra=None):
    folder.mkdir(parents=True, exist_ok=True)
    data = model.SerializeToString(deterministic=True)
    assert len(data) < MAX_ONNX_BYTES, (folder, len(data))
    (folder / "model.onnx").write_bytes(data)
    in_shape = [d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim]
    calib = np.ascontiguousarray(calib, dtype=F32)
    sample = np.ascontiguousarray(sample, dtype=F32)
    assert list(calib.shape[1:]) == in_shape[1:], (calib.shape, in_shape)
    assert list(sample.shape) == in_shape, (sample.shape, in_shape)
    np.save(folder / "calib.npy", calib)
    np.save(folder / "sample.npy", sample)
    expected = session(data).run(None, {"input": sample})[0].astype(F32)
    np.save(folder / "sample_expected.npy", expected)
    for fname, arr in (extra or {}).items():
        np.save(folder / fname, arr)
    metrics = dict(metrics)
    metrics["onnx_bytes"] = len(data)
    metrics["ops"] = op_list(model)
    metrics["params"] = param_count(model)
    metrics["input_shape"] = in_shape
    metrics["output_shape"] = list(expected.shape)
    (folder / "metrics.json").write_text(json.dumps(metrics, indent=2, sort_keys=True) + "\n")
    print(f"[{folder.name}] " + json.dumps(metrics, sort_keys=True))
    return metrics


# --------------------------------------------------------------------------
# numpy convolution helpers (NCHW, weights [OC, C, kh, kw] like ONNX)
# --------------------------------------------------------------------------

def im2col(x, k, pad, stride):
    """x [B,C,H,W] -> cols [B*Ho*Wo, C*k*k] (column order C, kh, kw)."""
    b, c, h, w = x.shape
    ho = (h + 2 * pad - k) // stride + 1
    wo = (w + 2 * pad - k) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    cols = np.empty((b, c, k, k, ho, wo), dtype=x.dtype)
    for i in range(k):
        for j in range(k):
            cols[:, :, i, j] = xp[:, :, i:i + stride * ho:stride, j:j + stride * wo:stride]
    return cols.transpose(0, 4, 5, 1, 2, 3).reshape(b * ho * wo, c * k * k), ho, wo


def col2im(dcols, xshape, k, pad, stride, ho, wo):
    b, c, h, w = xshape
    d = dcols.reshape(b, ho, wo, c, k, k).transpose(0, 3, 4, 5, 1, 2)
    dxp = np.zeros((b, c, h + 2 * pad, w + 2 * pad), dtype=dcols.dtype)
    for i in range(k):
        for j in range(k):
            dxp[:, :, i:i + stride * ho:stride, j:j + stride * wo:stride] += d[:, :, i, j]
    return dxp[:, :, pad:pad + h, pad:pad + w]


def conv2d(x, w, b, pad, stride):
    """Plain (group=1) conv, NCHW in / NCHW out."""
    oc, _, k, _ = w.shape
    cols, ho, wo = im2col(x, k, pad, stride)
    y = cols @ w.reshape(oc, -1).T + b
    return y.reshape(x.shape[0], ho, wo, oc).transpose(0, 3, 1, 2)


# --------------------------------------------------------------------------
# 1. linear regression on diabetes
# --------------------------------------------------------------------------

def make_linreg():
    ds = load_diabetes(scaled=False)
    x = ds.data.astype(np.float64)
    y = ds.target.astype(np.float64)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.25, random_state=0)
    mean = x_tr.mean(axis=0)
    std = x_tr.std(axis=0)
    z_tr = (x_tr - mean) / std
    z_te = (x_te - mean) / std

    a = np.hstack([z_tr, np.ones((len(z_tr), 1))])
    coef, *_ = np.linalg.lstsq(a, y_tr, rcond=None)
    w, b = coef[:10], coef[10]

    def r2(z, t):
        p = z @ w + b
        return 1.0 - np.sum((t - p) ** 2) / np.sum((t - t.mean()) ** 2)

    nodes = [helper.make_node("Gemm", ["input", "W", "B"], ["output"], name="gemm", transB=1)]
    inits = [init("W", w.reshape(1, 10)), init("B", np.array([b]))]
    model = make_model("linreg", nodes, inits, [1, 10], [1, 1],
                       "Linear regression on sklearn diabetes (inputs pre-standardised).")

    test_x = z_te.astype(F32)
    test_y = y_te.astype(F32)
    pred = run_each(session(model), test_x)[:, 0].astype(np.float64)
    ort_r2 = 1.0 - np.sum((y_te - pred) ** 2) / np.sum((y_te - y_te.mean()) ** 2)

    metrics = {
        "task": "regression (sklearn load_diabetes, scaled=False, standardised with train mean/std)",
        "split": "train_test_split(test_size=0.25, random_state=0)",
        "n_train": int(len(y_tr)),
        "n_test": int(len(y_te)),
        "r2_train": round(float(r2(z_tr, y_tr)), 6),
        "r2_test": round(float(r2(z_te, y_te)), 6),
        "r2_test_onnxruntime": round(float(ort_r2), 6),
        "feature_mean": [round(float(v), 8) for v in mean],
        "feature_std": [round(float(v), 8) for v in std],
        "calib": "first 128 standardised training rows",
    }
    return save_folder(ROOT / "linreg", model, z_tr[:128], test_x[:1], metrics,
                       {"test_x.npy": test_x, "test_y.npy": test_y})


# --------------------------------------------------------------------------
# 2. digits CNN, trained with numpy (real training-mode BatchNorm)
# --------------------------------------------------------------------------

class DigitsCNN:
    """Conv(1->8,3x3,p1) BN Relu MaxPool2 Conv(8->16,3x3,p1) Relu Flatten Gemm(256->10)."""

    EPS = 1e-5

    def __init__(self, rng):
        def he(shape, fan_in):
            return rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)

        self.p = {
            "W1": he((8, 1, 3, 3), 9),
            "b1": rng.uniform(-0.1, 0.1, 8),  # absorbed by BN but kept non-zero
            "gamma": np.ones(8),
            "beta": np.zeros(8),
            "W2": he((16, 8, 3, 3), 72),
            "b2": np.zeros(16),
            "W3": he((10, 256), 256) * 0.5,
            "b3": np.zeros(10),
        }
        self.bn_mean = np.zeros(8)
        self.bn_var = np.ones(8)

    def forward(self, x, train, cache=None):
        p = self.p
        b = x.shape[0]
        cols1, _, _ = im2col(x, 3, 1, 1)                       # [B*64, 9]
        c1 = cols1 @ p["W1"].reshape(8, 9).T + p["b1"]         # [B*64, 8]
        if train:
            mu = c1.mean(axis=0)
            var = c1.var(axis=0)
        else:
            mu, var = self.bn_mean, self.bn_var
        inv = 1.0 / np.sqrt(var + self.EPS)
        xhat = (c1 - mu) * inv
        bn = xhat * p["gamma"] + p["beta"]
        r1 = np.maximum(bn, 0.0).reshape(b, 8, 8, 8)           # NHWC
        r1w = r1.reshape(b, 4, 2, 4, 2, 8)
        m1 = r1w.max(axis=(2, 4))                              # [B,4,4,8]
        m1_nchw = m1.transpose(0, 3, 1, 2)
        cols2, _, _ = im2col(m1_nchw, 3, 1, 1)                 # [B*16, 72]
        c2 = cols2 @ p["W2"].reshape(16, 72).T + p["b2"]       # [B*16, 16]
        r2 = np.maximum(c2, 0.0)
        f = r2.reshape(b, 4, 4, 16).transpose(0, 3, 1, 2).reshape(b, 256)  # ONNX flatten order
        logits = f @ p["W3"].T + p["b3"]
        if cache is not None:
            cache.update(locals())
        return logits

    def backward(self, c, dlogits):
        p = self.p
        b = c["b"]
        g = {}
        g["W3"] = dlogits.T @ c["f"]
        g["b3"] = dlogits.sum(axis=0)
        df = dlogits @ p["W3"]
        dr2 = df.reshape(b, 16, 4, 4).transpose(0, 2, 3, 1).reshape(b * 16, 16)
        dc2 = dr2 * (c["c2"] > 0)
        g["W2"] = (dc2.T @ c["cols2"]).reshape(p["W2"].shape)
        g["b2"] = dc2.sum(axis=0)
        dcols2 = dc2 @ p["W2"].reshape(16, 72)
        dm1 = col2im(dcols2, c["m1_nchw"].shape, 3, 1, 1, 4, 4).transpose(0, 2, 3, 1)  # NHWC
        mask = c["r1w"] == c["m1"][:, :, None, :, None, :]
        dr1 = (mask * dm1[:, :, None, :, None, :]).reshape(b * 64, 8)
        dbn = dr1 * (c["bn"] > 0)
        g["gamma"] = (dbn * c["xhat"]).sum(axis=0)
        g["beta"] = dbn.sum(axis=0)
        dxhat = dbn * p["gamma"]
        n = dxhat.shape[0]
        dc1 = c["inv"] / n * (n * dxhat - dxhat.sum(axis=0) - c["xhat"] * (dxhat * c["xhat"]).sum(axis=0))
        g["W1"] = (dc1.T @ c["cols1"]).reshape(p["W1"].shape)
        g["b1"] = dc1.sum(axis=0)
        return g

    def set_population_stats(self, x):
        """Final BN statistics over the whole training set (what ONNX BN uses)."""
        cols1, _, _ = im2col(x, 3, 1, 1)
        c1 = cols1 @ self.p["W1"].reshape(8, 9).T + self.p["b1"]
        self.bn_mean = c1.mean(axis=0)
        self.bn_var = c1.var(axis=0)


def softmax_xent(logits, y):
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    prob = e / e.sum(axis=1, keepdims=True)
    n = len(y)
    loss = -np.log(prob[np.arange(n), y] + 1e-12).mean()
    d = prob.copy()
    d[np.arange(n), y] -= 1.0
    return loss, d / n


def train_digits(x_tr, y_tr, seed=1234, epochs=40, batch=32, lr=3e-3, wd=1e-4):
    rng = np.random.default_rng(seed)
    net = DigitsCNN(rng)
    m = {k: np.zeros_like(v) for k, v in net.p.items()}
    v = {k: np.zeros_like(v) for k, v in net.p.items()}
    b1, b2, step = 0.9, 0.999, 0
    n = len(x_tr)
    for ep in range(epochs):
        lr_ep = lr * 0.5 * (1 + np.cos(np.pi * ep / epochs))  # cosine decay
        perm = rng.permutation(n)
        tot = 0.0
        for s in range(0, n, batch):
            idx = perm[s:s + batch]
            cache = {}
            logits = net.forward(x_tr[idx], True, cache)
            loss, d = softmax_xent(logits, y_tr[idx])
            tot += loss * len(idx)
            g = net.backward(cache, d)
            step += 1
            for k in net.p:
                gk = g[k] + (wd * net.p[k] if k.startswith("W") else 0.0)
                m[k] = b1 * m[k] + (1 - b1) * gk
                v[k] = b2 * v[k] + (1 - b2) * gk * gk
                mh = m[k] / (1 - b1 ** step)
                vh = v[k] / (1 - b2 ** step)
                net.p[k] -= lr_ep * mh / (np.sqrt(vh) + 1e-8)
        if ep % 10 == 9 or ep == epochs - 1:
            print(f"  digits epoch {ep + 1:3d}  loss {tot / n:.4f}")
    net.set_population_stats(x_tr)
    return net


def make_digits():
    ds = load_digits()
    x = (ds.images / 16.0).astype(np.float64)[:, None, :, :]   # [N,1,8,8] in [0,1]
    y = ds.target.astype(np.int64)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.25, random_state=0, stratify=y)

    net = train_digits(x_tr, y_tr)

    # Round parameters to float32 *before* measuring, so numpy and ONNX agree.
    p = {k: v.astype(F32).astype(np.float64) for k, v in net.p.items()}
    net.p = p
    net.bn_mean = net.bn_mean.astype(F32).astype(np.float64)
    net.bn_var = net.bn_var.astype(F32).astype(np.float64)

    acc_tr = float((net.forward(x_tr, False).argmax(1) == y_tr).mean())
    acc_te = float((net.forward(x_te, False).argmax(1) == y_te).mean())

    nodes = [
        helper.make_node("Conv", ["input", "conv1.W", "conv1.B"], ["conv1"], name="conv1",
                         kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1]),
        helper.make_node("BatchNormalization",
                         ["conv1", "bn1.scale", "bn1.B", "bn1.mean", "bn1.var"], ["bn1"],
                         name="bn1", epsilon=DigitsCNN.EPS),
        helper.make_node("Relu", ["bn1"], ["relu1"], name="relu1"),
        helper.make_node("MaxPool", ["relu1"], ["pool1"], name="pool1",
                         kernel_shape=[2, 2], strides=[2, 2], pads=[0, 0, 0, 0]),
        helper.make_node("Conv", ["pool1", "conv2.W", "conv2.B"], ["conv2"], name="conv2",
                         kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1]),
        helper.make_node("Relu", ["conv2"], ["relu2"], name="relu2"),
        helper.make_node("Flatten", ["relu2"], ["flat"], name="flatten", axis=1),
        helper.make_node("Gemm", ["flat", "fc.W", "fc.B"], ["output"], name="fc", transB=1),
    ]
    inits = [
        init("conv1.W", p["W1"]), init("conv1.B", p["b1"]),
        init("bn1.scale", p["gamma"]), init("bn1.B", p["beta"]),
        init("bn1.mean", net.bn_mean), init("bn1.var", net.bn_var),
        init("conv2.W", p["W2"]), init("conv2.B", p["b2"]),
        init("fc.W", p["W3"]), init("fc.B", p["b3"]),
    ]
    model = make_model("digits", nodes, inits, [1, 1, 8, 8], [1, 10],
                       "Small CNN on sklearn 8x8 digits (pixels/16), trained with numpy.")

    test_x = x_te.astype(F32)
    test_y = y_te.astype(np.int64)
    sess = session(model)
    ort_logits = run_each(sess, test_x)
    ort_acc_te = float((ort_logits.argmax(1) == test_y).mean())
    np_logits = net.forward(test_x.astype(np.float64), False)
    max_diff = float(np.abs(ort_logits - np_logits).max())
    assert ort_acc_te == acc_te, (ort_acc_te, acc_te)
    assert max_diff < 1e-3, max_diff

    metrics = {
        "task": "classification (sklearn load_digits, pixels / 16.0)",
        "split": "train_test_split(test_size=0.25, random_state=0, stratify=y)",
        "n_train": int(len(y_tr)),
        "n_test": int(len(y_te)),
        "float_train_accuracy": round(acc_tr, 6),
        "float_test_accuracy": round(acc_te, 6),
        "onnxruntime_test_accuracy": round(ort_acc_te, 6),
        "max_abs_logit_diff_numpy_vs_onnxruntime": max_diff,
        "bn_mean": [round(float(v), 6) for v in net.bn_mean],
        "bn_var": [round(float(v), 6) for v in net.bn_var],
        "calib": "first 128 training samples",
    }
    return save_folder(ROOT / "digits", model, x_tr[:128], test_x[:1], metrics,
                       {"test_x.npy": test_x, "test_y.npy": test_y})


# --------------------------------------------------------------------------
# 3. face-embedding-shaped CNN with fixed random weights
# --------------------------------------------------------------------------

def face_images(rng, n, size=32):
    """Smooth synthetic 'faces': head oval + eyes + mouth + random blobs + noise, in [0,1]."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64)

    def blob(cx, cy, sx, sy, amp):
        return amp * np.exp(-(((xx - cx) / sx) ** 2 + ((yy - cy) / sy) ** 2) / 2.0)

    out = np.empty((n, 1, size, size))
    for i in range(n):
        cx = size / 2 + rng.uniform(-2.5, 2.5)
        cy = size / 2 + rng.uniform(-2.5, 2.5)
        img = 0.15 + 0.1 * rng.uniform()                                        # background
        img = img + blob(cx, cy, rng.uniform(7, 9), rng.uniform(9, 11.5), rng.uniform(0.45, 0.65))  # head
        eye_dx, eye_y = rng.uniform(3.5, 5.0), cy - rng.uniform(2.0, 4.0)
        for sgn in (-1, 1):
            img = img - blob(cx + sgn * eye_dx, eye_y, rng.uniform(1.2, 2.0), rng.uniform(0.9, 1.5),
                             rng.uniform(0.2, 0.35))
        img = img - blob(cx, cy + rng.uniform(4.5, 6.5), rng.uniform(2.5, 4.0), rng.uniform(0.8, 1.3),
                         rng.uniform(0.15, 0.3))                                 # mouth
        img = img + blob(cx, cy + rng.uniform(0, 1.5), rng.uniform(0.8, 1.3), rng.uniform(1.5, 2.5),
                         rng.uniform(0.05, 0.15))                                # nose
        for _ in range(rng.integers(2, 5)):                                      # lighting / clutter
            img = img + blob(rng.uniform(0, size), rng.uniform(0, size), rng.uniform(3, 10),
                             rng.uniform(3, 10), rng.uniform(-0.15, 0.2))
        img = img + rng.normal(0.0, 0.02, img.shape)
        out[i, 0] = np.clip(img, 0.0, 1.0)
    return out


def make_face():
    rng = np.random.default_rng(20240607)
    imgs = face_images(rng, 65)
    calib, sample = imgs[:64], imgs[64:65]

    def he(shape, fan_in):
        return rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)

    w = {}
    w["conv1.W"] = he((8, 1, 3, 3), 9)
    w["conv1.B"] = rng.uniform(-0.1, 0.1, 8)
    # Non-trivial BN statistics: close to (but deliberately not equal to) the
    # real per-channel statistics of conv1 on the calibration images, so the
    # BN output stays O(1) while mean/var/scale/bias are all non-identity.
    c1 = conv2d(calib, w["conv1.W"], w["conv1.B"], 1, 2)
    mu = c1.mean(axis=(0, 2, 3))
    sd = c1.std(axis=(0, 2, 3))
    w["bn1.mean"] = mu + rng.uniform(-0.3, 0.3, 8) * sd
    w["bn1.var"] = (sd * rng.uniform(0.8, 1.25, 8)) ** 2
    w["bn1.scale"] = rng.uniform(0.6, 1.4, 8)
    w["bn1.B"] = rng.uniform(-0.2, 0.3, 8)
    w["prelu.slope"] = rng.uniform(0.1, 0.3, (8, 1, 1))
    w["dw.W"] = he((8, 1, 3, 3), 9)
    w["dw.B"] = rng.uniform(-0.05, 0.05, 8)
    w["pw.W"] = he((8, 8, 1, 1), 8) * 0.5            # damp the residual branch
    w["pw.B"] = rng.uniform(-0.05, 0.05, 8)
    w["clip.min"] = np.array(0.0)
    w["clip.max"] = np.array(6.0)
    w["conv3.W"] = he((16, 8, 3, 3), 72)
    w["conv3.B"] = rng.uniform(-0.05, 0.05, 16)
    w["fc.W"] = he((64, 256), 256)
    w["fc.B"] = rng.uniform(-0.05, 0.05, 64)
    w["scale"] = np.array(0.5)

    nodes = [
        helper.make_node("Conv", ["input", "conv1.W", "conv1.B"], ["conv1"], name="conv1",
                         kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[2, 2]),
        helper.make_node("BatchNormalization",
                         ["conv1", "bn1.scale", "bn1.B", "bn1.mean", "bn1.var"], ["bn1"],
                         name="bn1", epsilon=1e-5),
        helper.make_node("PRelu", ["bn1", "prelu.slope"], ["A"], name="prelu1"),
        helper.make_node("Conv", ["A", "dw.W", "dw.B"], ["dw"], name="dwconv",
                         kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1], group=8),
        helper.make_node("Relu", ["dw"], ["dw_relu"], name="dw_relu"),
        helper.make_node("Conv", ["dw_relu", "pw.W", "pw.B"], ["pw"], name="pwconv",
                         kernel_shape=[1, 1], pads=[0, 0, 0, 0], strides=[1, 1]),
        helper.make_node("Add", ["pw", "A"], ["res"], name="residual"),
        helper.make_node("Clip", ["res", "clip.min", "clip.max"], ["clip"], name="clip"),
        helper.make_node("AveragePool", ["clip"], ["avgpool"], name="avgpool",
                         kernel_shape=[2, 2], strides=[2, 2], pads=[0, 0, 0, 0]),
        helper.make_node("Conv", ["avgpool", "conv3.W", "conv3.B"], ["conv3"], name="conv3",
                         kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[2, 2]),
        helper.make_node("Relu", ["conv3"], ["relu3"], name="relu3"),
        helper.make_node("Flatten", ["relu3"], ["flat"], name="flatten", axis=1),
        helper.make_node("Gemm", ["flat", "fc.W", "fc.B"], ["fc"], name="fc", transB=1),
        helper.make_node("Mul", ["fc", "scale"], ["output"], name="mul_scale"),
    ]
    order = ["conv1.W", "conv1.B", "bn1.scale", "bn1.B", "bn1.mean", "bn1.var", "prelu.slope",
             "dw.W", "dw.B", "pw.W", "pw.B", "clip.min", "clip.max", "conv3.W", "conv3.B",
             "fc.W", "fc.B", "scale"]
    inits = [init(k, w[k]) for k in order]
    model = make_model("face", nodes, inits, [1, 1, 32, 32], [1, 64],
                       "Face-embedding-shaped CNN with fixed seeded random (untrained) weights.")

    # Per-layer activation ranges on the calibration set: expose every
    # intermediate tensor as an extra output of a debug copy of the graph.
    dbg = onnx.shape_inference.infer_shapes(model)
    names = [n.output[0] for n in model.graph.node]
    vi = {v.name: v for v in dbg.graph.value_info}
    for nm in names[:-1]:
        dbg.graph.output.append(vi[nm])
    sess = session(dbg)
    outs = [sess.run(names, {"input": x[None].astype(F32)}) for x in calib]
    ranges = {}
    print("  face per-layer activation ranges over calib (min / max / mean / std):")
    for li, nm in enumerate(names):
        a = np.stack([o[li] for o in outs])
        ranges[nm] = {"shape": list(a.shape[1:]), "min": round(float(a.min()), 4),
                      "max": round(float(a.max()), 4), "mean": round(float(a.mean()), 4),
                      "std": round(float(a.std()), 4)}
        r = ranges[nm]
        print(f"    {nm:8s} {str(r['shape']):18s} {r['min']:9.4f} {r['max']:9.4f} "
              f"{r['mean']:9.4f} {r['std']:9.4f}")
    emb = np.stack([o[-1][0] for o in outs])
    norms = np.linalg.norm(emb, axis=1)
    cos = (emb @ emb.T) / np.outer(norms, norms)
    off = cos[~np.eye(len(cos), dtype=bool)]

    metrics = {
        "task": "face-embedding-shaped network, fixed seeded He-init weights (not trained)",
        "calib": "64 synthetic smooth face-like 32x32 grayscale images in [0,1] (seeded)",
        "input_range": [round(float(calib.min()), 4), round(float(calib.max()), 4)],
        "activation_ranges_calib": ranges,
        "embedding_l2_norm_mean": round(float(norms.mean()), 4),
        "embedding_pairwise_cosine_mean": round(float(off.mean()), 4),
        "embedding_pairwise_cosine_min": round(float(off.min()), 4),
    }
    return save_folder(ROOT / "face", model, calib, sample, metrics)


def main():
    print(f"numpy {np.__version__}  onnx {onnx.__version__}  onnxruntime {ort.__version__}  "
          f"python {sys.version.split()[0]}")
    make_linreg()
    make_digits()
    make_face()


if __name__ == "__main__":
    main()
