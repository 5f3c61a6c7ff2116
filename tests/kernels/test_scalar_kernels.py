"""Scalar runtime kernels (runtime/src) against independent oracles.

The kernels are built once per session as a host shared library with zig cc and
called through ctypes. The oracle is onnxruntime running a one-node ONNX model
(numpy where ONNX has no equivalent op). Inputs are small integers wherever the
op is exact in f32 (sums of small products, max, copies), so those results must
match bit for bit; transcendental ops use rtol 1e-5 / atol 1e-6 * max|ref|.
"""

from __future__ import annotations

import ctypes
import hashlib
import itertools
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

# The helper sits next to this file; import it the same way whether or not
# tests/kernels is a package.
sys.path.insert(0, str(Path(__file__).resolve().parent))
import scalar_kernels_ffi as ffi  # noqa: E402
from scalar_kernels_ffi import (
    ACT,
    BIAS,
    BINARY,
    PAD,
    POOL,
    REDUCE,
    RESIZE,
    assert_close,
    assert_exact,
    fptr,
    iptr,
    run_onnx_node,
)

F32 = np.float32


@pytest.fixture(scope="session")
def lib(tmp_path_factory):
    return ffi.build_shared_library(tmp_path_factory.mktemp("rvpack_scalar"))


def rng_for(*key) -> np.random.Generator:
    """Deterministic per-case generator (independent of test order)."""
    return np.random.default_rng(int.from_bytes(hashlib.sha256(repr(key).encode()).digest()[:8], "little"))


def small_ints(rng, shape, lo=-3, hi=3) -> np.ndarray:
    return np.asarray(rng.integers(lo, hi + 1, size=shape), dtype=F32)


def nan_like(shape) -> np.ndarray:
    """Output buffers start as NaN so an element the kernel never writes fails the test."""
    return np.full(shape, np.nan, dtype=F32)


def dense_strides(shape) -> list[int]:
    strides, s = [], 1
    for d in reversed(shape):
        strides.append(s)
        s *= d
    return strides[::-1]


def apply_act_np(x: np.ndarray, kind: str, a: float = 0.0, b: float = 0.0) -> np.ndarray:
    if kind == "NONE":
        return x
    if kind == "RELU":
        return np.maximum(x, F32(0))
    if kind == "CLAMP":
        return np.minimum(np.maximum(x, F32(a)), F32(b))
    raise ValueError(kind)


# ---- struct layout ---------------------------------------------------------------
def test_struct_layout_matches_header(lib):
    n = ctypes.c_size_t.in_dll(lib, "rvpack_test_layout_count").value
    got = list((ctypes.c_size_t * n).in_dll(lib, "rvpack_test_layout"))
    assert got == ffi.layout_expectations()


def test_status_string(lib):
    names = [lib.rvpack_status_string(s).decode() for s in range(5)]
    assert names[0] == "ok"
    assert len(set(names)) == 5 and all(names)
    assert lib.rvpack_status_string(12345).decode() == "unknown status"


# ---- activations -----------------------------------------------------------------
def act_input(domain: str) -> np.ndarray:
    base = np.concatenate([
        np.linspace(-8, 8, 257, dtype=F32),  # includes every integer and half
        np.array([0.0, -0.0, 1e-4, -1e-4, 3.0, -3.0, 6.0, -6.0, 0.4999, 20.0, -20.0], dtype=F32),
    ])
    if domain == "positive":
        return np.abs(base) + F32(1e-3)
    if domain == "nonneg":
        return np.abs(base)
    if domain == "nonzero":
        return base[base != 0]
    return base


# kind, a, b, ONNX op, attributes, constant inputs, input domain
ACT_CASES = [
    ("RELU", 0, 0, "Relu", {}, {}, "any"),
    ("CLAMP", -1.5, 2.5, "Clip", {}, {"lo": np.array(-1.5, F32), "hi": np.array(2.5, F32)}, "any"),
    ("LEAKY_RELU", 0.1, 0, "LeakyRelu", {"alpha": 0.1}, {}, "any"),
    ("SIGMOID", 0, 0, "Sigmoid", {}, {}, "any"),
    ("TANH", 0, 0, "Tanh", {}, {}, "any"),
    ("HARD_SIGMOID", 0.2, 0.5, "HardSigmoid", {"alpha": 0.2, "beta": 0.5}, {}, "any"),
    ("HARD_SWISH", 0, 0, "HardSwish", {}, {}, "any"),
    ("EXP", 0, 0, "Exp", {}, {}, "any"),
    ("LOG", 0, 0, "Log", {}, {}, "positive"),
    ("SQRT", 0, 0, "Sqrt", {}, {}, "nonneg"),
    ("NEG", 0, 0, "Neg", {}, {}, "any"),
    ("ABS", 0, 0, "Abs", {}, {}, "any"),
    ("RECIPROCAL", 0, 0, "Reciprocal", {}, {}, "nonzero"),
    ("ELU", 0.7, 0, "Elu", {"alpha": 0.7}, {}, "any"),
    ("SOFTPLUS", 0, 0, "Softplus", {}, {}, "any"),
    ("ERF", 0, 0, "Erf", {}, {}, "any"),
    ("FLOOR", 0, 0, "Floor", {}, {}, "any"),
    ("CEIL", 0, 0, "Ceil", {}, {}, "any"),
]


def test_every_activation_is_covered():
    assert sorted(c[0] for c in ACT_CASES) == sorted(k for k in ACT if k != "NONE")


@pytest.mark.parametrize("kind,a,b,op,attrs,consts,domain", ACT_CASES, ids=[c[0] for c in ACT_CASES])
def test_unary_activation(lib, kind, a, b, op, attrs, consts, domain):
    x = act_input(domain)
    (ref,) = run_onnx_node(op, {"x": x}, attrs, const_inputs=consts)
    act = ffi.act(kind, a, b)
    y = nan_like(x.shape)
    lib.rvpack_f32_unary__scalar(x.size, fptr(x), fptr(y), ctypes.byref(act))
    if kind in ("RELU", "CLAMP", "LEAKY_RELU", "NEG", "ABS", "FLOOR", "CEIL", "SQRT", "RECIPROCAL"):
        assert_exact(y, ref)  # correctly rounded or exact ops
    else:
        assert_close(y, ref)
    # The per-value entry point (used by fused kernels) agrees with the loop.
    single = np.array([lib.rvpack_f32_activate(ctypes.byref(act), float(v)) for v in x], dtype=F32)
    assert_exact(single, y)
    # In place (x == y) is allowed.
    z = x.copy()
    lib.rvpack_f32_unary__scalar(z.size, fptr(z), fptr(z), ctypes.byref(act))
    assert_exact(z, y)


def test_unary_none_copies(lib):
    x = np.arange(37, dtype=F32)
    y = nan_like(x.shape)
    lib.rvpack_f32_unary__scalar(x.size, fptr(x), fptr(y), ctypes.byref(ffi.act()))
    assert_exact(y, x)
    lib.rvpack_f32_unary__scalar(0, fptr(x), fptr(y), ctypes.byref(ffi.act("RELU")))


# ---- binary ----------------------------------------------------------------------
def broadcast_strides(shape, out_shape) -> list[int]:
    shape = (1,) * (len(out_shape) - len(shape)) + tuple(shape)
    return [0 if s == 1 else st for s, st in zip(shape, dense_strides(shape))]


def run_binary(lib, op, a, b, act=None, out=None):
    out_shape = np.broadcast_shapes(a.shape, b.shape)
    p = ffi.BinaryParams()
    p.op = BINARY[op]
    p.rank = len(out_shape)
    for d, s in enumerate(out_shape):
        p.shape[d] = s
    for d, s in enumerate(broadcast_strides(a.shape, out_shape)):
        p.a_strides[d] = s
    for d, s in enumerate(broadcast_strides(b.shape, out_shape)):
        p.b_strides[d] = s
    p.act = act or ffi.act()
    y = nan_like(out_shape) if out is None else out
    lib.rvpack_f32_binary__scalar(ctypes.byref(p), fptr(a), fptr(b), fptr(y))
    return y


BINARY_SHAPES = [
    ((2, 3, 4, 5), (2, 3, 4, 5)),
    ((2, 3, 4, 5), (1, 3, 1, 1)),  # per-channel
    ((3, 1, 5), (4, 1)),  # both broadcast
    ((1,), (2, 3)),
    ((4, 5), ()),  # scalar
    ((), ()),
    ((2, 1, 3, 1, 2, 2), (1, 4, 1, 5, 1, 2)),  # rank 6
    ((1, 1, 7), (1, 1, 1)),
]
BINARY_OPS = {"ADD": "Add", "SUB": "Sub", "MUL": "Mul", "DIV": "Div", "MAX": "Max", "MIN": "Min", "POW": "Pow"}


@pytest.mark.parametrize("op", list(BINARY_OPS))
@pytest.mark.parametrize("shapes", BINARY_SHAPES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_binary(lib, op, shapes):
    rng = rng_for("binary", op, shapes)
    a = small_ints(rng, shapes[0], -5, 5)
    b = small_ints(rng, shapes[1], -5, 5)
    if op == "DIV":
        b[b == 0] = 3
    if op == "POW":
        a = np.asarray(np.abs(a) + F32(0.5), dtype=F32)
        b = np.asarray(rng.integers(-4, 7, size=shapes[1]) / 2, dtype=F32)
    (ref,) = run_onnx_node(BINARY_OPS[op], {"a": a, "b": b})
    y = run_binary(lib, op, a, b)
    if op in ("DIV", "POW"):
        assert_close(y, ref)
    else:
        assert_exact(y, ref)


@pytest.mark.parametrize("slope_shape", [(3, 1, 1), (1,), (2, 3, 4, 5), (5,)])
def test_binary_prelu(lib, slope_shape):
    rng = rng_for("prelu", slope_shape)
    x = small_ints(rng, (2, 3, 4, 5), -5, 5)
    slope = (rng.integers(-4, 5, size=slope_shape) / 4).astype(F32)
    (ref,) = run_onnx_node("PRelu", {"x": x, "slope": slope})
    assert_exact(run_binary(lib, "PRELU", x, slope), ref)


def test_binary_fused_activation_and_in_place(lib):
    rng = rng_for("binary-act")
    a = small_ints(rng, (2, 3, 4, 5), -5, 5)
    b = small_ints(rng, (3, 1, 1), -5, 5)
    (ref,) = run_onnx_node("Add", {"a": a, "b": b})
    assert_exact(run_binary(lib, "ADD", a, b, ffi.act("RELU")), apply_act_np(ref, "RELU"))
    assert_exact(run_binary(lib, "ADD", a, b, ffi.act("CLAMP", -2, 3)), apply_act_np(ref, "CLAMP", -2, 3))
    inplace = a.copy()
    run_binary(lib, "ADD", inplace, b, out=inplace)  # y aliases a (same strides)
    assert_exact(inplace, ref)


def test_channel_affine(lib):
    rng = rng_for("affine")
    x = small_ints(rng, (2, 5, 3, 7), -4, 4)
    scale = small_ints(rng, (5,), -3, 3)
    shift = small_ints(rng, (5,), -6, 6)
    ref = x * scale[None, :, None, None] + shift[None, :, None, None]
    p = ffi.ChannelAffineParams(2, 5, 21, ffi.act())
    y = nan_like(x.shape)
    lib.rvpack_f32_channel_affine__scalar(ctypes.byref(p), fptr(x), fptr(scale), fptr(shift), fptr(y))
    assert_exact(y, ref)
    # Fused activation, in place.
    p.act = ffi.act("RELU")
    lib.rvpack_f32_channel_affine__scalar(ctypes.byref(p), fptr(x), fptr(scale), fptr(shift), fptr(x))
    assert_exact(x, apply_act_np(ref, "RELU"))


def test_channel_affine_matches_batchnorm(lib):
    rng = rng_for("bn")
    x = rng.normal(size=(1, 4, 5, 5)).astype(F32)
    gamma, beta = rng.normal(size=4).astype(F32), rng.normal(size=4).astype(F32)
    mean, var = rng.normal(size=4).astype(F32), rng.uniform(0.5, 2, size=4).astype(F32)
    eps = 1e-5
    (ref,) = run_onnx_node(
        "BatchNormalization", {"x": x}, {"epsilon": eps},
        const_inputs={"g": gamma, "b": beta, "m": mean, "v": var},
    )
    scale = (gamma / np.sqrt(var + F32(eps))).astype(F32)
    shift = (beta - mean * scale).astype(F32)
    p = ffi.ChannelAffineParams(1, 4, 25, ffi.act())
    y = nan_like(x.shape)
    lib.rvpack_f32_channel_affine__scalar(ctypes.byref(p), fptr(x), fptr(scale), fptr(shift), fptr(y))
    assert_close(y, ref)


# ---- convolution -----------------------------------------------------------------
# (N, C, H, W), OC, (KH, KW), strides, dilations, pads (top, left, bottom, right), groups
CONV_CASES = {
    "3x3_pad1": ((1, 3, 8, 8), 4, (3, 3), (1, 1), (1, 1), (1, 1, 1, 1), 1),
    "1x1_gemm_path": ((1, 5, 7, 9), 6, (1, 1), (1, 1), (1, 1), (0, 0, 0, 0), 1),
    "1x1_gemm_path_grouped_batch2": ((2, 8, 5, 3), 12, (1, 1), (1, 1), (1, 1), (0, 0, 0, 0), 4),
    "1x1_stride2": ((1, 8, 9, 9), 8, (1, 1), (2, 2), (1, 1), (0, 0, 0, 0), 1),
    "1x1_padded": ((1, 3, 4, 4), 5, (1, 1), (1, 1), (1, 1), (1, 0, 0, 2), 1),
    "1x1_image_3x3_pad1": ((1, 4, 1, 1), 5, (3, 3), (1, 1), (1, 1), (1, 1, 1, 1), 1),
    "1x1_image_1x1": ((1, 4, 1, 1), 8, (1, 1), (1, 1), (1, 1), (0, 0, 0, 0), 1),
    "5x5_stride2_asym": ((1, 3, 11, 12), 6, (5, 5), (2, 2), (1, 1), (2, 1, 1, 2), 1),
    "3x3_asym_pads": ((1, 2, 6, 7), 4, (3, 3), (1, 1), (1, 1), (0, 1, 2, 0), 1),
    "dilation2": ((1, 3, 10, 10), 5, (3, 3), (1, 1), (2, 2), (2, 2, 2, 2), 1),
    "dilation_2x3_stride2": ((1, 2, 13, 14), 4, (3, 3), (2, 2), (2, 3), (1, 3, 0, 1), 1),
    "depthwise": ((1, 8, 10, 10), 8, (3, 3), (1, 1), (1, 1), (1, 1, 1, 1), 8),
    "depthwise_stride2": ((1, 6, 9, 11), 6, (3, 3), (2, 2), (1, 1), (0, 0, 1, 1), 6),
    "depth_multiplier2": ((1, 4, 7, 7), 8, (3, 3), (1, 1), (1, 1), (1, 1, 1, 1), 4),
    "groups2_ocg6": ((1, 4, 6, 9), 12, (3, 3), (1, 1), (1, 1), (1, 1, 1, 1), 2),
    "odd_sizes_rect_kernel": ((2, 3, 13, 11), 5, (3, 2), (2, 3), (1, 1), (1, 0, 1, 2), 1),
    "kernel_larger_than_image": ((1, 2, 5, 5), 3, (7, 7), (1, 1), (1, 1), (3, 3, 3, 3), 1),
    "alexnet_like_k11_s4": ((1, 3, 27, 27), 4, (11, 11), (4, 4), (1, 1), (2, 2, 2, 2), 1),
    "batch2_groups3": ((2, 6, 5, 6), 9, (3, 3), (1, 2), (1, 1), (1, 1, 1, 1), 3),
    "many_tiles": ((1, 16, 14, 14), 32, (3, 3), (1, 1), (1, 1), (1, 1, 1, 1), 1),
    "conv1d": ((1, 4, 1, 17), 6, (1, 3), (1, 2), (1, 1), (0, 1, 0, 1), 1),
    "pad_exceeds_kernel": ((1, 2, 4, 4), 3, (3, 3), (1, 1), (1, 1), (3, 3, 3, 3), 1),
    "7x7_image_3x3": ((1, 8, 7, 7), 8, (3, 3), (1, 1), (1, 1), (1, 1, 1, 1), 1),
}


def conv_params(x_shape, out_shape, w_shape, strides, dilations, pads, groups, act):
    n, c, h, w = x_shape
    _, oc, oh, ow = out_shape
    return ffi.Conv2dParams(
        n, c, h, w, oc, oh, ow, w_shape[2], w_shape[3], strides[0], strides[1], dilations[0], dilations[1],
        pads[0], pads[1], groups, act,
    )


@pytest.mark.parametrize("with_bias", [True, False], ids=["bias", "nobias"])
@pytest.mark.parametrize("case", list(CONV_CASES))
def test_conv2d(lib, case, with_bias):
    x_shape, oc, k, strides, dil, pads, groups = CONV_CASES[case]
    rng = rng_for("conv", case, with_bias)
    x = small_ints(rng, x_shape)
    w = small_ints(rng, (oc, x_shape[1] // groups) + k, -2, 2)
    b = small_ints(rng, (oc,), -5, 5)
    attrs = dict(kernel_shape=list(k), strides=list(strides), dilations=list(dil), pads=list(pads), group=groups)
    consts = {"w": w, "b": b} if with_bias else {"w": w}
    (ref,) = run_onnx_node("Conv", {"x": x}, attrs, const_inputs=consts)
    for act_args in (("NONE",), ("RELU",), ("CLAMP", -4.0, 6.0)):
        p = conv_params(x.shape, ref.shape, w.shape, strides, dil, pads, groups, ffi.act(*act_args))
        y = nan_like(ref.shape)
        lib.rvpack_f32_conv2d_nchw__scalar(ctypes.byref(p), fptr(x), fptr(w), fptr(b if with_bias else None), fptr(y))
        assert_exact(y, apply_act_np(ref, *act_args))


def test_conv2d_float_data(lib):
    """Non-integer data: the summation order may differ from onnxruntime's."""
    rng = rng_for("conv-float")
    x = rng.normal(size=(1, 16, 12, 12)).astype(F32)
    w = rng.normal(size=(24, 16, 3, 3)).astype(F32)
    b = rng.normal(size=(24,)).astype(F32)
    (ref,) = run_onnx_node("Conv", {"x": x}, dict(kernel_shape=[3, 3], pads=[1, 1, 1, 1]), const_inputs={"w": w, "b": b})
    p = conv_params(x.shape, ref.shape, w.shape, (1, 1), (1, 1), (1, 1, 1, 1), 1, ffi.act())
    y = nan_like(ref.shape)
    lib.rvpack_f32_conv2d_nchw__scalar(ctypes.byref(p), fptr(x), fptr(w), fptr(b), fptr(y))
    assert_close(y, ref, rtol=1e-5, atol=1e-5)


# (N, C, H, W), OC, (KH, KW), strides, dilations, pads (t, l, b, r), output_padding, groups
CONV_T_CASES = {
    "k3_s2_p1_op1": ((1, 3, 4, 5), 4, (3, 3), (2, 2), (1, 1), (1, 1, 1, 1), (1, 1), 1),
    "k4_s2_p1": ((2, 2, 3, 3), 3, (4, 4), (2, 2), (1, 1), (1, 1, 1, 1), (0, 0), 1),
    "groups2": ((1, 4, 3, 4), 6, (3, 3), (2, 1), (1, 1), (0, 1, 0, 1), (1, 0), 2),
    "depthwise": ((1, 3, 5, 5), 3, (3, 3), (1, 1), (1, 1), (1, 1, 1, 1), (0, 0), 3),
    "dilation2_asym": ((1, 2, 4, 3), 3, (3, 2), (1, 2), (2, 2), (2, 0, 1, 1), (0, 1), 1),
    "1x1_image": ((1, 3, 1, 1), 2, (3, 3), (1, 1), (1, 1), (0, 0, 0, 0), (0, 0), 1),
    "k1_s3": ((1, 2, 3, 3), 2, (1, 1), (3, 3), (1, 1), (0, 0, 0, 0), (2, 2), 1),
}


@pytest.mark.parametrize("case", list(CONV_T_CASES))
def test_conv_transpose2d(lib, case):
    x_shape, oc, k, strides, dil, pads, out_pad, groups = CONV_T_CASES[case]
    rng = rng_for("convT", case)
    x = small_ints(rng, x_shape)
    w = small_ints(rng, (x_shape[1], oc // groups) + k, -2, 2)
    b = small_ints(rng, (oc,), -5, 5)
    attrs = dict(kernel_shape=list(k), strides=list(strides), dilations=list(dil), pads=list(pads),
                 output_padding=list(out_pad), group=groups)
    (ref,) = run_onnx_node("ConvTranspose", {"x": x}, attrs, const_inputs={"w": w, "b": b})
    for with_bias, act_args in ((True, ("NONE",)), (False, ("NONE",)), (True, ("RELU",))):
        p = conv_params(x.shape, ref.shape, w.shape, strides, dil, pads, groups, ffi.act(*act_args))
        y = nan_like(ref.shape)
        lib.rvpack_f32_conv_transpose2d_nchw__scalar(
            ctypes.byref(p), fptr(x), fptr(w), fptr(b if with_bias else None), fptr(y))
        expect = ref if with_bias else ref - b[None, :, None, None]
        assert_exact(y, apply_act_np(expect, *act_args))


# ---- matmul ----------------------------------------------------------------------
GEMM_SIZES = [(1, 10, 7), (5, 6, 3), (8, 8, 8), (13, 17, 9), (4, 4, 1), (3, 1, 5), (6, 9, 33)]


def bias_array(kind, m, n, rng):
    shape = {"PER_COLUMN": (n,), "PER_ROW": (m, 1), "FULL": (m, n), "SCALAR": (1,)}[kind]
    return small_ints(rng, shape, -5, 5)


@pytest.mark.parametrize("bias_kind", ["NONE", "PER_COLUMN", "PER_ROW", "FULL", "SCALAR"])
@pytest.mark.parametrize("trans", [(0, 0), (1, 0), (0, 1), (1, 1)], ids=lambda t: f"tA{t[0]}tB{t[1]}")
@pytest.mark.parametrize("mnk", GEMM_SIZES, ids=lambda s: "x".join(map(str, s)))
def test_gemm(lib, mnk, trans, bias_kind):
    m, n, k = mnk
    rng = rng_for("gemm", mnk, trans, bias_kind)
    a = small_ints(rng, (k, m) if trans[0] else (m, k))
    b = small_ints(rng, (n, k) if trans[1] else (k, n))
    alpha, beta = (0.5, 2.0) if (m + n) % 2 else (1.0, 1.0)
    attrs = dict(transA=trans[0], transB=trans[1], alpha=alpha, beta=beta)
    consts = {}
    bias = None
    if bias_kind != "NONE":
        bias = bias_array(bias_kind, m, n, rng)
        consts["c"] = bias
    (ref,) = run_onnx_node("Gemm", {"a": a, "b": b}, attrs, const_inputs=consts)
    p = ffi.MatmulParams(
        batch=1, m=m, n=n, k=k, a_batch_stride=0, b_batch_stride=0, y_batch_stride=0,
        a_transposed=trans[0], b_transposed=trans[1], bias_kind=BIAS[bias_kind], alpha=alpha, beta=beta,
        act=ffi.act(),
    )
    y = nan_like(ref.shape)
    lib.rvpack_f32_matmul__scalar(ctypes.byref(p), fptr(a), fptr(b), fptr(bias), fptr(y))
    assert_exact(y, ref)


# A shape, B shape (numpy MatMul broadcasting limited to one flattened batch dim)
MATMUL_CASES = [
    ((2, 3, 4, 5), (5, 6)),  # B broadcast (batch stride 0)
    ((4, 5), (3, 5, 6)),  # A broadcast
    ((3, 4, 5), (3, 5, 6)),
    ((1, 1, 9), (9, 1)),
    ((2, 7, 13), (2, 13, 5)),
]


@pytest.mark.parametrize("shapes", MATMUL_CASES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_batched_matmul(lib, shapes):
    rng = rng_for("matmul", shapes)
    a = small_ints(rng, shapes[0])
    b = small_ints(rng, shapes[1])
    (ref,) = run_onnx_node("MatMul", {"a": a, "b": b})
    m, k = a.shape[-2:]
    n = b.shape[-1]
    batch = int(np.prod(ref.shape[:-2])) if ref.ndim > 2 else 1
    p = ffi.MatmulParams(
        batch=batch, m=m, n=n, k=k,
        a_batch_stride=m * k if a.ndim > 2 else 0, b_batch_stride=k * n if b.ndim > 2 else 0,
        y_batch_stride=m * n, a_transposed=0, b_transposed=0, bias_kind=BIAS["NONE"], alpha=1.0, beta=1.0,
        act=ffi.act("RELU"),
    )
    y = nan_like(ref.shape)
    lib.rvpack_f32_matmul__scalar(ctypes.byref(p), fptr(a), fptr(b), None, fptr(y))
    assert_exact(y, apply_act_np(ref, "RELU"))


def test_matmul_output_batch_stride_leaves_gaps(lib):
    """A y_batch_stride larger than m * n (e.g. writing into a concat slice)."""
    rng = rng_for("matmul-gap")
    a, b = small_ints(rng, (3, 4, 6)), small_ints(rng, (3, 6, 5))
    ref = np.matmul(a, b)
    stride = 4 * 5 + 3
    y = np.full(3 * stride, 777.0, dtype=F32)
    p = ffi.MatmulParams(3, 4, 5, 6, 24, 30, stride, 0, 0, BIAS["NONE"], 1.0, 1.0, ffi.act())
    lib.rvpack_f32_matmul__scalar(ctypes.byref(p), fptr(a), fptr(b), None, fptr(y))
    for i in range(3):
        assert_exact(y[i * stride: i * stride + 20].reshape(4, 5), ref[i])
        assert (y[i * stride + 20: (i + 1) * stride] == 777.0).all()


# ---- pooling ---------------------------------------------------------------------
# op, (N, C, H, W), kernel, strides, pads (t, l, b, r), dilations, ceil_mode, count_include_pad
POOL_CASES = {
    "max_resnet_3x3_s2_p1": ("MaxPool", (1, 3, 8, 8), (3, 3), (2, 2), (1, 1, 1, 1), (1, 1), 0, 0),
    "max_2x2_s2_ceil_odd": ("MaxPool", (2, 2, 7, 9), (2, 2), (2, 2), (0, 0, 0, 0), (1, 1), 1, 0),
    "max_dilation2": ("MaxPool", (1, 2, 9, 9), (3, 3), (1, 1), (2, 1, 2, 1), (2, 2), 0, 0),
    "max_1x1_image": ("MaxPool", (1, 3, 1, 1), (1, 1), (1, 1), (0, 0, 0, 0), (1, 1), 0, 0),
    "max_1x1_image_padded": ("MaxPool", (1, 3, 1, 1), (3, 3), (2, 2), (1, 1, 1, 1), (1, 1), 0, 0),
    "max_global": ("MaxPool", (1, 2, 5, 6), (5, 6), (1, 1), (0, 0, 0, 0), (1, 1), 0, 0),
    "max_asym_ceil": ("MaxPool", (1, 2, 6, 7), (3, 2), (2, 3), (1, 0, 0, 1), (1, 1), 1, 0),
    "max_kernel_gt_stride_ceil": ("MaxPool", (1, 1, 10, 10), (3, 3), (2, 2), (0, 0, 0, 0), (1, 1), 1, 0),
    "avg_3x3_s2_p1_excl": ("AveragePool", (1, 3, 8, 8), (3, 3), (2, 2), (1, 1, 1, 1), (1, 1), 0, 0),
    "avg_3x3_s2_p1_incl": ("AveragePool", (1, 3, 8, 8), (3, 3), (2, 2), (1, 1, 1, 1), (1, 1), 0, 1),
    "avg_ceil_incl": ("AveragePool", (1, 2, 7, 7), (3, 3), (2, 2), (1, 1, 1, 1), (1, 1), 1, 1),
    "avg_ceil_excl": ("AveragePool", (1, 2, 7, 7), (3, 3), (2, 2), (1, 1, 1, 1), (1, 1), 1, 0),
    "avg_ceil_overhang_incl": ("AveragePool", (1, 2, 6, 6), (3, 3), (2, 2), (1, 1, 1, 1), (1, 1), 1, 1),
    "avg_ceil_nopad_incl": ("AveragePool", (1, 2, 6, 6), (3, 3), (2, 2), (0, 0, 0, 0), (1, 1), 1, 1),
    "avg_asym_incl": ("AveragePool", (2, 2, 5, 6), (2, 3), (1, 2), (0, 1, 1, 2), (1, 1), 0, 1),
    "avg_1x1_image": ("AveragePool", (1, 2, 1, 1), (1, 1), (1, 1), (0, 0, 0, 0), (1, 1), 0, 0),
    "avg_1x1_image_padded_incl": ("AveragePool", (1, 2, 1, 1), (2, 2), (1, 1), (1, 1, 0, 0), (1, 1), 0, 1),
    "avg_global": ("AveragePool", (1, 4, 7, 7), (7, 7), (1, 1), (0, 0, 0, 0), (1, 1), 0, 0),
    "avg_dilation2_incl": ("AveragePool", (1, 2, 9, 8), (3, 2), (1, 2), (1, 1, 1, 1), (2, 2), 0, 1),
    "avg_dilation2_excl": ("AveragePool", (1, 2, 9, 8), (3, 2), (1, 2), (1, 1, 1, 1), (2, 2), 0, 0),
}


@pytest.mark.parametrize("case", list(POOL_CASES))
def test_pool2d(lib, case):
    op, x_shape, k, strides, pads, dil, ceil_mode, cip = POOL_CASES[case]
    rng = rng_for("pool", case)
    x = small_ints(rng, x_shape, -9, 9)
    attrs = dict(kernel_shape=list(k), strides=list(strides), pads=list(pads), dilations=list(dil),
                 ceil_mode=ceil_mode)
    if op == "AveragePool":
        attrs["count_include_pad"] = cip
    (ref,) = run_onnx_node(op, {"x": x}, attrs)
    for act_args in (("NONE",), ("RELU",)):
        p = ffi.Pool2dParams(
            *x_shape[:2], *x_shape[2:], *ref.shape[2:], *k, *strides, *dil, *pads,
            POOL["MAX" if op == "MaxPool" else "AVERAGE"], cip, ffi.act(*act_args),
        )
        y = nan_like(ref.shape)
        lib.rvpack_f32_pool2d_nchw__scalar(ctypes.byref(p), fptr(x), fptr(y))
        expect = apply_act_np(ref, *act_args)
        if op == "MaxPool":
            assert_exact(y, expect)
        else:
            assert_close(y, expect)


# ---- reductions ----------------------------------------------------------------
REDUCE_CASES = [
    ((2, 3, 4, 5), (1,)),
    ((2, 3, 4, 5), (0,)),  # outer == 1
    ((2, 3, 4, 5), (3,)),  # inner == 1
    ((2, 3, 4, 5), (2, 3)),  # global pooling shape
    ((1, 7), (1,)),
    ((4, 1, 3), (1,)),  # reduce == 1
]
REDUCE_OPS = {"SUM": "ReduceSum", "MEAN": "ReduceMean", "MAX": "ReduceMax", "MIN": "ReduceMin"}


@pytest.mark.parametrize("kind", list(REDUCE_OPS))
@pytest.mark.parametrize("shape,axes", REDUCE_CASES, ids=lambda v: str(v))
def test_reduce(lib, kind, shape, axes):
    rng = rng_for("reduce", kind, shape, axes)
    x = small_ints(rng, shape, -9, 9)
    (ref,) = run_onnx_node(REDUCE_OPS[kind], {"x": x}, {"keepdims": 1},
                           const_inputs={"axes": np.array(axes, np.int64)})
    outer = int(np.prod(shape[: axes[0]]))
    red = int(np.prod([shape[a] for a in axes]))
    inner = int(np.prod(shape[axes[-1] + 1:]))
    p = ffi.ReduceParams(outer, red, inner, REDUCE[kind])
    y = nan_like(ref.shape)
    lib.rvpack_f32_reduce__scalar(ctypes.byref(p), fptr(x), fptr(y))
    if kind == "MEAN":
        assert_close(y, ref)
    else:
        assert_exact(y, ref)


# ---- softmax ---------------------------------------------------------------------
SOFTMAX_CASES = [((3, 10), 1), ((2, 5, 3, 4), 1), ((2, 5, 3, 4), 3), ((1, 1000), 1), ((2, 3), 0), ((4, 1), 1)]


@pytest.mark.parametrize("log", [0, 1], ids=["softmax", "logsoftmax"])
@pytest.mark.parametrize("shape,axis", SOFTMAX_CASES, ids=lambda v: str(v))
def test_softmax(lib, shape, axis, log):
    rng = rng_for("softmax", shape, axis, log)
    x = (rng.normal(size=shape) * 5).astype(F32)
    x.flat[0] = 80.0  # large values must not overflow (max subtracted)
    (ref,) = run_onnx_node("LogSoftmax" if log else "Softmax", {"x": x}, {"axis": axis}, opset=13)
    p = ffi.SoftmaxParams(int(np.prod(shape[:axis])), shape[axis], int(np.prod(shape[axis + 1:])), log)
    y = nan_like(shape)
    lib.rvpack_f32_softmax__scalar(ctypes.byref(p), fptr(x), fptr(y))
    assert_close(y, ref)


# ---- LRN ---------------------------------------------------------------------------
LRN_CASES = [
    ((1, 7, 3, 3), 5, 0.5, 0.75, 1.0),
    ((2, 16, 4, 5), 5, 1e-4, 0.75, 2.0),  # AlexNet settings
    ((1, 6, 2, 2), 4, 0.3, 0.5, 1.0),  # even size: window is asymmetric
    ((1, 5, 3, 1), 1, 0.2, 1.0, 0.5),
    ((1, 3, 2, 2), 2, 0.1, 0.75, 1.0),
    ((1, 2, 3, 3), 9, 0.4, 0.6, 1.5),  # window wider than the channels
]


def lrn_reference(x, size, alpha, beta, bias):
    c = x.shape[1]
    x64 = x.astype(np.float64)
    sq = np.zeros_like(x64)
    for ch in range(c):
        lo = max(0, ch - (size - 1) // 2)
        hi = min(c - 1, ch + math.ceil((size - 1) / 2))
        sq[:, ch] = (x64[:, lo: hi + 1] ** 2).sum(axis=1)
    return (x64 / (bias + alpha / size * sq) ** beta).astype(F32)


@pytest.mark.parametrize("shape,size,alpha,beta,bias", LRN_CASES, ids=lambda v: str(v))
def test_lrn(lib, shape, size, alpha, beta, bias):
    rng = rng_for("lrn", shape, size)
    x = (rng.normal(size=shape) * 3).astype(F32)
    if size % 2:
        (ref,) = run_onnx_node("LRN", {"x": x}, dict(size=size, alpha=alpha, beta=beta, bias=bias), opset=13)
    else:  # onnxruntime rejects even sizes; the ONNX spec formula in float64
        ref = lrn_reference(x, size, alpha, beta, bias)
    p = ffi.LrnParams(shape[0], shape[1], int(np.prod(shape[2:])), size, alpha, beta, bias)
    y = nan_like(shape)
    lib.rvpack_f32_lrn__scalar(ctypes.byref(p), fptr(x), fptr(y))
    assert_close(y, ref)


# ---- resize ------------------------------------------------------------------------
def source_coords(n_in: int, n_out: int, ctm: str, scale: float) -> np.ndarray:
    """ONNX coordinate transformation, in f32 like onnxruntime."""
    o = np.arange(n_out, dtype=F32)
    s = F32(scale)
    if ctm == "asymmetric":
        return o / s
    if ctm == "half_pixel":
        return (o + F32(0.5)) / s - F32(0.5)
    if ctm == "align_corners":
        return o * F32(n_in - 1) / F32(n_out - 1) if n_out > 1 else np.zeros(n_out, F32)
    raise ValueError(ctm)


def nearest_index(x: np.ndarray, n_in: int, mode: str) -> np.ndarray:
    if mode == "floor":
        i = np.floor(x)
    elif mode == "round_prefer_floor":
        i = np.where(x == np.floor(x) + F32(0.5), np.floor(x), np.round(x))
    else:
        raise ValueError(mode)
    return np.clip(i, 0, n_in - 1).astype(np.int32)


def linear_indices(x: np.ndarray, n_in: int):
    x = np.clip(x, 0, n_in - 1)
    i0 = np.floor(x).astype(np.int32)
    i1 = np.minimum(i0 + 1, n_in - 1).astype(np.int32)
    return i0, i1, (x - i0).astype(F32)


# (N, C, H, W), (OH, OW), mode, coordinate_transformation_mode, nearest_mode, by_scales
RESIZE_CASES = {
    "linear_half_pixel_up2": ((1, 2, 4, 5), (8, 10), "linear", "half_pixel", None, True),
    "linear_half_pixel_down": ((1, 2, 8, 6), (3, 4), "linear", "half_pixel", None, False),
    "linear_align_corners": ((1, 1, 5, 4), (9, 7), "linear", "align_corners", None, False),
    "linear_asymmetric": ((2, 1, 3, 3), (6, 6), "linear", "asymmetric", None, True),
    "linear_1x1_image": ((1, 2, 1, 1), (3, 3), "linear", "half_pixel", None, False),
    "nearest_asym_floor_up2": ((1, 3, 4, 4), (8, 8), "nearest", "asymmetric", "floor", True),
    "nearest_half_pixel_rpf": ((1, 2, 5, 7), (3, 11), "nearest", "half_pixel", "round_prefer_floor", False),
    "nearest_asym_floor_down": ((1, 1, 9, 9), (4, 4), "nearest", "asymmetric", "floor", False),
}


@pytest.mark.parametrize("case", list(RESIZE_CASES))
def test_resize(lib, case):
    x_shape, (oh, ow), mode, ctm, nearest_mode, by_scales = RESIZE_CASES[case]
    rng = rng_for("resize", case)
    x = small_ints(rng, x_shape, -9, 9)
    attrs = dict(mode=mode, coordinate_transformation_mode=ctm)
    if nearest_mode:
        attrs["nearest_mode"] = nearest_mode
    if by_scales:
        sh, sw = oh / x_shape[2], ow / x_shape[3]
        consts = {"scales": np.array([1, 1, sh, sw], F32)}
        order = ["x", "", "scales"]
    else:
        sh, sw = F32(oh) / F32(x_shape[2]), F32(ow) / F32(x_shape[3])
        consts = {"sizes": np.array([*x_shape[:2], oh, ow], np.int64)}
        order = ["x", "", "", "sizes"]
    (ref,) = run_onnx_node("Resize", {"x": x}, attrs, const_inputs=consts, input_order=order)
    assert ref.shape == x_shape[:2] + (oh, ow)
    ys = source_coords(x_shape[2], oh, ctm, sh)
    xs = source_coords(x_shape[3], ow, ctm, sw)
    keep = []  # ctypes does not own the arrays
    p = ffi.ResizeParams(x_shape[0] * x_shape[1], x_shape[2], x_shape[3], oh, ow, RESIZE[mode.upper()])
    if mode == "nearest":
        y0, x0 = nearest_index(ys, x_shape[2], nearest_mode), nearest_index(xs, x_shape[3], nearest_mode)
        keep += [y0, x0]
        p.y0, p.x0 = iptr(y0), iptr(x0)
    else:
        y0, y1, ly = linear_indices(ys, x_shape[2])
        x0, x1, lx = linear_indices(xs, x_shape[3])
        keep += [y0, y1, ly, x0, x1, lx]
        p.y0, p.y1, p.y_lambda = iptr(y0), iptr(y1), fptr(ly)
        p.x0, p.x1, p.x_lambda = iptr(x0), iptr(x1), fptr(lx)
    y = nan_like(ref.shape)
    lib.rvpack_f32_resize__scalar(ctypes.byref(p), fptr(x), fptr(y))
    if mode == "nearest":
        assert_exact(y, ref)
    else:
        assert_close(y, ref)


# ---- pad -------------------------------------------------------------------------
# shape, pads begin, pads end, mode
PAD_CASES = {
    "constant_nchw": ((1, 2, 3, 4), (0, 1, 2, 1), (1, 0, 1, 3), "constant"),
    "reflect_spatial": ((1, 2, 5, 4), (0, 0, 2, 3), (0, 0, 1, 2), "reflect"),
    "reflect_all_dims": ((3, 4, 5), (1, 2, 4), (2, 3, 1), "reflect"),
    "edge_wider_than_dim": ((2, 3, 4), (1, 0, 3), (0, 2, 6), "edge"),
    "edge_1x1_image": ((1, 1, 1, 1), (0, 0, 2, 1), (0, 0, 1, 2), "edge"),
    "constant_negative_crop": ((1, 3, 6, 6), (0, 0, -1, 2), (0, -1, 1, -2), "constant"),
    "constant_row_all_padding": ((2, 3), (1, 5), (0, -5), "constant"),
    "rank1_edge": ((5,), (2,), (3,), "edge"),
    "rank1_reflect": ((5,), (4,), (4,), "reflect"),
    "rank6_constant": ((2, 1, 2, 1, 3, 2), (1, 0, 0, 1, 1, 0), (0, 1, 1, 0, 0, 2), "constant"),
    "zero_pads": ((2, 3), (0, 0), (0, 0), "reflect"),
}


@pytest.mark.parametrize("case", list(PAD_CASES))
def test_pad(lib, case):
    shape, begin, end, mode = PAD_CASES[case]
    rng = rng_for("pad", case)
    x = small_ints(rng, shape, -9, 9)
    consts = {"pads": np.array(list(begin) + list(end), np.int64)}
    if mode == "constant":
        consts["value"] = np.array(1.5, F32)
    (ref,) = run_onnx_node("Pad", {"x": x}, {"mode": mode}, const_inputs=consts)
    p = ffi.PadParams()
    p.rank = len(shape)
    for d in range(len(shape)):
        p.in_shape[d], p.out_shape[d], p.pad_begin[d] = shape[d], ref.shape[d], begin[d]
    p.mode = PAD[mode.upper()]
    p.value = 1.5
    y = nan_like(ref.shape)
    lib.rvpack_f32_pad__scalar(ctypes.byref(p), fptr(x), fptr(y))
    assert_exact(y, ref)


def test_pad_rank0(lib):
    x = np.array([4.5], F32)
    y = nan_like((1,))
    p = ffi.PadParams()
    p.rank = 0
    lib.rvpack_f32_pad__scalar(ctypes.byref(p), fptr(x), fptr(y))
    assert y[0] == 4.5


# ---- strided copy ------------------------------------------------------------------
def run_copy(lib, x_bytes: np.ndarray, es: int, shape, in_strides, out_strides, in_offset, out_offset, y_bytes):
    p = ffi.CopyParams()
    p.rank = len(shape)
    p.elem_size = es
    for d in range(len(shape)):
        p.shape[d], p.in_strides[d], p.out_strides[d] = shape[d], in_strides[d], out_strides[d]
    p.in_offset, p.out_offset = in_offset, out_offset
    lib.rvpack_copy_strided(ctypes.byref(p), x_bytes.ctypes.data, y_bytes.ctypes.data)


@pytest.mark.parametrize("es", [1, 2, 4, 8, 3])
def test_copy_transpose(lib, es):
    rng = rng_for("copy-t", es)
    shape = (2, 3, 4, 5)
    x = rng.integers(0, 256, size=shape + (es,), dtype=np.uint8)
    for perm in [(0, 2, 3, 1), (3, 1, 0, 2), (0, 1, 2, 3)]:
        ref = np.ascontiguousarray(x.transpose(perm + (4,)))
        xs = dense_strides(shape)
        out_shape = [shape[d] for d in perm]
        y = np.zeros_like(ref)
        run_copy(lib, x, es, out_shape, [xs[d] for d in perm], dense_strides(out_shape), 0, 0, y)
        assert np.array_equal(y, ref), perm


@pytest.mark.parametrize("es", [1, 4, 8])
def test_copy_slice_negative_strides(lib, es):
    rng = rng_for("copy-s", es)
    shape = (2, 5, 6, 7)
    x = rng.integers(0, 256, size=shape + (es,), dtype=np.uint8)
    ref = np.ascontiguousarray(x[1:, ::-1, 1:5, ::-2])
    xs = dense_strides(shape)
    in_offset = 1 * xs[0] + 4 * xs[1] + 1 * xs[2] + 6 * xs[3]
    in_strides = [xs[0], -xs[1], xs[2], -2 * xs[3]]
    y = np.zeros_like(ref)
    out_shape = list(ref.shape[:-1])
    run_copy(lib, x, es, out_shape, in_strides, dense_strides(out_shape), in_offset, 0, y)
    assert np.array_equal(y, ref)


def test_copy_concat_with_out_offset(lib):
    rng = rng_for("copy-c")
    a = small_ints(rng, (2, 3, 4, 5))
    b = small_ints(rng, (2, 2, 4, 5))
    ref = np.concatenate([a, b], axis=1)
    y = nan_like(ref.shape)
    ys = dense_strides(ref.shape)
    run_copy(lib, a, 4, a.shape, dense_strides(a.shape), ys, 0, 0, y)
    run_copy(lib, b, 4, b.shape, dense_strides(b.shape), ys, 0, 3 * ys[1], y)
    assert_exact(y, ref)


def test_copy_depth_to_space_rank6(lib):
    rng = rng_for("copy-d2s")
    n, c, h, w, bs = 1, 8, 3, 4, 2
    x = small_ints(rng, (n, c, h, w), -99, 99)
    ref = run_onnx_node("DepthToSpace", {"x": x}, {"blocksize": bs, "mode": "DCR"})[0]
    # DCR: reshape [n, bs, bs, c/bs^2, h, w] -> transpose (0, 3, 4, 1, 5, 2)
    src_shape = (n, bs, bs, c // (bs * bs), h, w)
    perm = (0, 3, 4, 1, 5, 2)
    xs = dense_strides(src_shape)
    out_shape = [src_shape[d] for d in perm]
    y = nan_like(ref.shape)
    run_copy(lib, x, 4, out_shape, [xs[d] for d in perm], dense_strides(out_shape), 0, 0, y)
    assert_exact(y, ref)


def test_copy_rank8_and_rank0(lib):
    rng = rng_for("copy-8")
    shape = (2, 1, 2, 3, 1, 2, 2, 3)
    x = small_ints(rng, shape, -99, 99)
    perm = (7, 6, 5, 4, 3, 2, 1, 0)
    ref = np.ascontiguousarray(x.transpose(perm))
    xs = dense_strides(shape)
    y = nan_like(ref.shape)
    run_copy(lib, x, 4, list(ref.shape), [xs[d] for d in perm], dense_strides(ref.shape), 0, 0, y)
    assert_exact(y, ref)
    s = np.array([1.0, 2.0, 3.0], F32)
    d = nan_like((3,))
    run_copy(lib, s, 4, [], [], [], 2, 1, d)
    assert d[1] == 3.0 and np.isnan(d[0]) and np.isnan(d[2])


# ---- memcpy / memset ---------------------------------------------------------------
@pytest.mark.parametrize("n", [0, 1, 7, 8, 15, 16, 17, 31, 32, 33, 100, 257])
def test_memcpy_memset(lib, n):
    rng = rng_for("mem", n)
    for src_off, dst_off in itertools.product(range(0, 10, 3), range(0, 10, 2)):
        src = rng.integers(0, 256, size=n + 32, dtype=np.uint8)
        dst = rng.integers(0, 256, size=n + 32, dtype=np.uint8)
        ref = dst.copy()
        ref[dst_off: dst_off + n] = src[src_off: src_off + n]
        ret = lib.rvpack_memcpy(dst.ctypes.data + dst_off, src.ctypes.data + src_off, n)
        assert ret == dst.ctypes.data + dst_off
        assert np.array_equal(dst, ref)
        ref[dst_off: dst_off + n] = 0xA5
        ret = lib.rvpack_memset(dst.ctypes.data + dst_off, 0x1A5, n)  # only the low byte counts
        assert ret == dst.ctypes.data + dst_off
        assert np.array_equal(dst, ref)


# ---- riscv64 cross-compilation -------------------------------------------------------
# libm functions the kernels may call; anything else undefined (memcpy, memset,
# __stack_chk_fail, ...) would break the libc-free bare-metal build.
ALLOWED_EXTERNALS = {"expf", "logf", "tanhf", "sqrtf", "powf", "erff", "floorf", "ceilf"}


def test_riscv64_cross_compile_warning_free(tmp_path):
    """Every runtime source compiles for riscv64 with -Wall -Wextra -Werror, and the
    kernels reference nothing outside the runtime except libm."""
    sources = ffi.kernel_sources() + [ffi.RUNNER_MAIN]
    procs = []
    for src in sources:
        obj = tmp_path / (src.stem + ".o")
        args = ffi.ZIG_CC + ["-std=c11", "-target", "riscv64-linux-musl", "-mcpu=baseline_rv64", "-O2", "-Wall",
                             "-Wextra", "-Werror", f"-I{ffi.INCLUDE}", "-c", str(src), "-o", str(obj)]
        procs.append((src, obj, subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)))
    for src, _, proc in procs:
        out, _ = proc.communicate()
        assert proc.returncode == 0 and not out.strip(), f"{src.name}:\n{out}"
    for src, obj, _ in procs:
        if src == ffi.RUNNER_MAIN:
            continue
        external = {s for s in ffi.elf_undefined_symbols(obj) if not s.startswith("rvpack_")}
        assert external <= ALLOWED_EXTERNALS, f"{src.name} needs {sorted(external - ALLOWED_EXTERNALS)}"
