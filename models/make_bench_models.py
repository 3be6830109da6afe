#!/usr/bin/env python3
"""Generate the two comparison models of zkid's benchmark (issue 7): the ezkl shapes.

    models/mnist/     28x28x1 -> Conv(1->4, 5x5) -> Relu -> Flatten -> Gemm(2304->10)
                      (23,154 params: ezkl's MNIST-shaped CNN)
    models/facecnn/   3x32x32 -> Conv(3->8, 3x3, s2) -> Relu -> Conv(8->32, 3x3, s2) -> Relu
                      -> Flatten -> Gemm(1568->64)  (102,976 params: the ~101k-parameter
                      face-embedding-shaped CNN; 3x32x32 with 8 and 32 channels lands closest)

Weights are fixed seeded random (He-scaled), not trained: the benchmark measures proving
cost, which depends on shapes and bit widths, not on what the weights learned. Inputs are
data-shaped so calibration ranges are realistic: mnist gets sklearn's 8x8 digits upsampled
to 28x28, facecnn make_models.py's synthetic faces in three tinted channels.

Conv nodes spell out strides and pads (ezkl refuses a Conv without them). Same
conventions and helpers as make_models.py (opset 13, IR 8, batch 1, tensors "input" /
"output", BLAS on one thread, deterministic files). Each folder gets model.onnx, calib.npy
(64 samples), sample.npy, sample_expected.npy (onnxruntime) and metrics.json.

Usage:  python3 models/make_bench_models.py      (models/requirements.txt; ~2 s)
"""

import make_models as mm  # noqa: E402  (pins BLAS threads before numpy is imported)

import numpy as np  # noqa: E402
from onnx import helper  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402

F32 = np.float32
CALIB = 64


def he(rng, shape, fan_in):
    return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(F32)


def bias(rng, n):
    return (rng.standard_normal(n) * 0.05).astype(F32)


def upsampled_digits(n):
    """sklearn digits (8x8, 0..16) -> 28x28 in [0, 1]: 3x nearest upsampling of each pixel
    into a 24x24 image, padded by 2 like MNIST's centred digits."""
    x = load_digits().images[:n].astype(np.float64) / 16.0
    up = np.kron(x, np.ones((1, 3, 3)))
    out = np.zeros((n, 1, 28, 28))
    out[:, 0, 2:26, 2:26] = up
    return out.astype(F32)


def make_mnist():
    rng = np.random.default_rng(7001)
    w1, b1 = he(rng, (4, 1, 5, 5), 25), bias(rng, 4)
    wf, bf = he(rng, (10, 2304), 2304), bias(rng, 10)
    nodes = [
        helper.make_node("Conv", ["input", "conv.W", "conv.B"], ["conv"], name="conv", kernel_shape=[5, 5],
                         strides=[1, 1], pads=[0, 0, 0, 0]),
        helper.make_node("Relu", ["conv"], ["relu"], name="relu"),
        helper.make_node("Flatten", ["relu"], ["flat"], name="flatten", axis=1),
        helper.make_node("Gemm", ["flat", "fc.W", "fc.B"], ["output"], name="fc", transB=1),
    ]
    inits = [mm.init("conv.W", w1), mm.init("conv.B", b1), mm.init("fc.W", wf), mm.init("fc.B", bf)]
    model = mm.make_model("mnist", nodes, inits, [1, 1, 28, 28], [1, 10],
                          "MNIST-shaped CNN (ezkl comparison): conv 4@5x5, relu, gemm 10; seeded random weights")
    data = upsampled_digits(CALIB + 1)
    metrics = {"weights": "seeded random (He), untrained", "calib": "sklearn digits 0..63 upsampled to 28x28",
               "sample": "sklearn digit 64 upsampled"}
    return mm.save_folder(mm.ROOT / "mnist", model, data[:CALIB], data[CALIB:], metrics)


def make_facecnn():
    rng = np.random.default_rng(7002)
    w1, b1 = he(rng, (8, 3, 3, 3), 27), bias(rng, 8)
    w2, b2 = he(rng, (32, 8, 3, 3), 72), bias(rng, 32)
    wf, bf = he(rng, (64, 1568), 1568), bias(rng, 64)
    nodes = [
        helper.make_node("Conv", ["input", "conv1.W", "conv1.B"], ["conv1"], name="conv1",
                         kernel_shape=[3, 3], strides=[2, 2], pads=[0, 0, 0, 0]),
        helper.make_node("Relu", ["conv1"], ["relu1"], name="relu1"),
        helper.make_node("Conv", ["relu1", "conv2.W", "conv2.B"], ["conv2"], name="conv2",
                         kernel_shape=[3, 3], strides=[2, 2], pads=[0, 0, 0, 0]),
        helper.make_node("Relu", ["conv2"], ["relu2"], name="relu2"),
        helper.make_node("Flatten", ["relu2"], ["flat"], name="flatten", axis=1),
        helper.make_node("Gemm", ["flat", "fc.W", "fc.B"], ["output"], name="fc", transB=1),
    ]
    inits = [mm.init("conv1.W", w1), mm.init("conv1.B", b1), mm.init("conv2.W", w2), mm.init("conv2.B", b2),
             mm.init("fc.W", wf), mm.init("fc.B", bf)]
    model = mm.make_model("facecnn", nodes, inits, [1, 3, 32, 32], [1, 64],
                          "face-embedding-shaped CNN (ezkl comparison): two 3x3 stride-2 convs, gemm 64; "
                          "seeded random weights")
    gray = mm.face_images(np.random.default_rng(7003), CALIB + 1)
    tint = np.random.default_rng(7004).uniform(0.8, 1.0, (CALIB + 1, 3, 1, 1))
    data = np.clip(gray * tint, 0.0, 1.0).astype(F32)
    metrics = {"weights": "seeded random (He), untrained",
               "calib": "make_models.face_images (seed 7003), tinted per channel (seed 7004)"}
    return mm.save_folder(mm.ROOT / "facecnn", model, data[:CALIB], data[CALIB:], metrics)


def main():
    make_mnist()
    make_facecnn()


if __name__ == "__main__":
    main()
