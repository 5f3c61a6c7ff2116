"""The scalar int8 kernels (runtime/src/qs8.c) with the multipliers of
sdk/ir/quant.py are bit-exact against tflite-runtime: each case is a
one-operator full-integer TFLite model (random shapes, scales, zero points,
padding, strides, dilations and fused activations), run by tflite-runtime's
builtin kernels and by our kernel on the same int8 data."""

from __future__ import annotations

import ctypes
import math

import numpy as np
import pytest
from tflite import ActivationFunctionType as Act
from tflite import BuiltinOperator as B
from tflite import Padding

from rvpack.sdk.ir import quant
from rvpack.sdk.reference import _run_tflite
from tests.kernels import scalar_kernels_ffi as ffi
from tests.tflite_builder import ModelSpec, Op, T, build as build_tflite, options

c_int32 = ctypes.c_int32
I32P = ctypes.POINTER(c_int32)
ACTS = {Act.NONE: "NONE", Act.RELU: "RELU", Act.RELU6: "RELU6", Act.RELU_N1_TO_1: "RELU_N1_TO_1"}


class QS8Output(ctypes.Structure):
    _fields_ = [("zero_point", c_int32), ("min", c_int32), ("max", c_int32), ("per_channel", c_int32),
                ("rounding", c_int32), ("multiplier", I32P), ("shift", I32P), ("scale", ctypes.POINTER(ctypes.c_float))]


AWAY, HALF_UP, FLOAT = 0, 1, 2  # RVPACK_Q8_ROUND_*


class QS8Conv2dParams(ctypes.Structure):
    _fields_ = [("geometry", ffi.Conv2dParams), ("input_zero_point", c_int32), ("out", QS8Output)]


class QS8FullyConnectedParams(ctypes.Structure):
    _fields_ = [("batch", c_int32), ("in_features", c_int32), ("out_features", c_int32),
                ("input_zero_point", c_int32), ("out", QS8Output)]


class QS8AddParams(ctypes.Structure):
    _fields_ = [("shape", ffi.BinaryParams), ("a_zero_point", c_int32), ("b_zero_point", c_int32),
                ("a_multiplier", c_int32), ("a_shift", c_int32), ("b_multiplier", c_int32), ("b_shift", c_int32),
                ("left_shift", c_int32), ("out", QS8Output)]


class QS8MulParams(ctypes.Structure):
    _fields_ = [("shape", ffi.BinaryParams), ("a_zero_point", c_int32), ("b_zero_point", c_int32), ("out", QS8Output)]


class QS8Pool2dParams(ctypes.Structure):
    _fields_ = [("geometry", ffi.Pool2dParams), ("min", c_int32), ("max", c_int32)]


class Q8ConvertParams(ctypes.Structure):
    _fields_ = [("count", ctypes.c_size_t), ("scale", ctypes.c_float), ("input_zero_point", c_int32),
                ("output_zero_point", c_int32), ("multiplier", c_int32), ("shift", c_int32),
                ("input_unsigned", c_int32), ("output_unsigned", c_int32), ("onnx", c_int32),
                ("input_scale", ctypes.c_float)]


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    return ffi.build_shared_library(tmp_path_factory.mktemp("qs8"))


def ptr(a: np.ndarray | None):
    return None if a is None else a.ctypes.data_as(ctypes.c_void_p)


def _output(scale: float, zero_point: int, act: int, mults: list[int], shifts: list[int], keep: list,
            rounding: int = AWAY):
    m, s = np.array(mults, np.int32), np.array(shifts, np.int32)
    keep += [m, s]
    lo, hi = quant.activation_range(ACTS[act], scale, zero_point)
    return QS8Output(zero_point, lo, hi, int(len(mults) > 1), rounding, m.ctypes.data_as(I32P),
                     s.ctypes.data_as(I32P))


def _tflite(spec: ModelSpec, inputs: list[np.ndarray], tmp_path) -> np.ndarray:
    path = tmp_path / "op.tflite"
    path.write_bytes(build_tflite(spec))
    return _run_tflite(path, inputs)[0]


def _padding(size: int, kernel: int, stride: int, dilation: int, same: bool) -> tuple[int, int]:
    """(output size, leading pad) as TFLite computes them."""
    effective = (kernel - 1) * dilation + 1
    out = math.ceil(size / stride) if same else (size - effective) // stride + 1
    total = max((out - 1) * stride + effective - size, 0) if same else 0
    return out, total // 2


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def _int8(rng, shape) -> np.ndarray:
    return rng.integers(-128, 128, shape, dtype=np.int8)


CONV_CASES = [  # (seed, depthwise, cin, h, w, cout or multiplier, k, stride, dilation, same, act)
    (1, False, 3, 9, 8, 4, 3, 2, 1, True, Act.RELU6),
    (2, False, 5, 7, 7, 6, 3, 1, 2, False, Act.NONE),
    (3, False, 8, 6, 5, 3, 1, 1, 1, True, Act.RELU),
    (4, False, 2, 11, 6, 5, 5, 2, 1, True, Act.NONE),
    (5, True, 6, 8, 9, 1, 3, 1, 1, True, Act.RELU6),
    (6, True, 4, 9, 7, 2, 3, 2, 1, True, Act.NONE),
    (7, True, 3, 14, 14, 1, 5, 1, 2, False, Act.RELU),
]


@pytest.mark.parametrize("case", CONV_CASES, ids=lambda c: f"{'dw' if c[1] else 'conv'}{c[0]}")
def test_conv_and_depthwise_are_bit_exact(lib, case, tmp_path):
    seed, depthwise, cin, h, w_, cout_or_mult, k, stride, dil, same, act = case
    rng = _rng(seed)
    cout = cin * cout_or_mult if depthwise else cout_or_mult
    in_scale, in_zp = float(rng.uniform(0.005, 0.05)), int(rng.integers(-20, 20))
    out_scale, out_zp = float(rng.uniform(0.02, 0.3)), int(rng.integers(-30, 30))
    w_scales = rng.uniform(0.002, 0.02, cout).astype(np.float32)
    weights = rng.integers(-127, 128, (cout, k, k, cin if not depthwise else 1), dtype=np.int8)
    bias = rng.integers(-3000, 3000, cout, dtype=np.int32)
    oh, pad_t = _padding(h, k, stride, dil, same)
    ow, pad_l = _padding(w_, k, stride, dil, same)
    x = _int8(rng, (1, h, w_, cin))

    pad = Padding.SAME if same else Padding.VALID
    if depthwise:
        filt = weights.transpose(3, 1, 2, 0)  # [1][k][k][cout]
        opts = options("DepthwiseConv2DOptions", Padding=pad, StrideW=stride, StrideH=stride,
                       DepthMultiplier=cout_or_mult, FusedActivationFunction=act, DilationWFactor=dil,
                       DilationHFactor=dil)
        code, qdim = B.DEPTHWISE_CONV_2D, 3
    else:
        filt = weights
        opts = options("Conv2DOptions", Padding=pad, StrideW=stride, StrideH=stride, FusedActivationFunction=act,
                       DilationWFactor=dil, DilationHFactor=dil)
        code, qdim = B.CONV_2D, 0
    bias_scales = (np.float32(in_scale) * w_scales).astype(np.float32)
    tensors = [T("x", np.int8, x.shape, scale=in_scale, zero_point=in_zp),
               T("w", np.int8, filt.shape, filt, scale=list(w_scales), zero_point=[0] * cout,
                 quantized_dimension=qdim),
               T("b", np.int32, (cout,), bias, scale=list(bias_scales), zero_point=[0] * cout),
               T("y", np.int8, (1, oh, ow, cout), scale=out_scale, zero_point=out_zp)]
    expected = _tflite(ModelSpec(tensors, [Op(code, [0, 1, 2], [3], opts)], [0], [3], op_versions={code: 3}),
                       [x], tmp_path)

    keep: list = []
    mults, shifts = quant.conv_multipliers(in_scale, w_scales, out_scale)
    geometry = ffi.Conv2dParams(1, cin, h, w_, cout, oh, ow, k, k, stride, stride, dil, dil, pad_t, pad_l,
                                cin if depthwise else 1, ffi.act())
    rounding = AWAY if depthwise else HALF_UP  # as the importer chooses (sdk/frontend/tflite_int8.py)
    params = QS8Conv2dParams(geometry, in_zp, _output(out_scale, out_zp, act, mults, shifts, keep, rounding))
    x_nchw = np.ascontiguousarray(x.transpose(0, 3, 1, 2))
    w_oihw = np.ascontiguousarray(weights.transpose(0, 3, 1, 2))  # depthwise: [cout][1][k][k]
    y = np.zeros((1, cout, oh, ow), np.int8)
    lib.rvpack_qs8_conv2d_nchw__scalar(ctypes.byref(params), ptr(x_nchw), ptr(w_oihw), ptr(bias), ptr(y),
                                           ptr(np.zeros(y.shape[2] * y.shape[3], np.int32)))
    got = y.transpose(0, 2, 3, 1)
    assert np.array_equal(got, expected), f"{np.count_nonzero(got != expected)} of {got.size} differ"
    assert len(np.unique(expected)) > 8  # not a saturated, trivially equal output


@pytest.mark.parametrize("seed,batch,k,n,act", [(11, 1, 64, 10, Act.NONE), (12, 3, 37, 16, Act.RELU)])
def test_fully_connected_is_bit_exact(lib, seed, batch, k, n, act, tmp_path):
    rng = _rng(seed)
    in_scale, in_zp = float(rng.uniform(0.01, 0.05)), int(rng.integers(-20, 20))
    w_scale = float(rng.uniform(0.002, 0.02))
    out_scale, out_zp = float(rng.uniform(0.05, 0.5)), int(rng.integers(-30, 30))
    weights = rng.integers(-127, 128, (n, k), dtype=np.int8)
    bias = rng.integers(-5000, 5000, n, dtype=np.int32)
    x = _int8(rng, (batch, k))
    tensors = [T("x", np.int8, x.shape, scale=in_scale, zero_point=in_zp),
               T("w", np.int8, weights.shape, weights, scale=w_scale),
               T("b", np.int32, (n,), bias, scale=float(np.float32(in_scale) * np.float32(w_scale))),
               T("y", np.int8, (batch, n), scale=out_scale, zero_point=out_zp)]
    opts = options("FullyConnectedOptions", FusedActivationFunction=act)
    expected = _tflite(ModelSpec(tensors, [Op(B.FULLY_CONNECTED, [0, 1, 2], [3], opts)], [0], [3],
                                 op_versions={B.FULLY_CONNECTED: 4}), [x], tmp_path)
    keep: list = []
    mults, shifts = quant.conv_multipliers(in_scale, [w_scale], out_scale)
    params = QS8FullyConnectedParams(batch, k, n, in_zp, _output(out_scale, out_zp, act, mults, shifts, keep,
                                                                   HALF_UP))
    y = np.zeros((batch, n), np.int8)
    lib.rvpack_qs8_fully_connected__scalar(ctypes.byref(params), ptr(x), ptr(weights), ptr(bias), ptr(y))
    assert np.array_equal(y, expected)


@pytest.mark.parametrize("seed,b_shape,act", [(21, (1, 5, 6, 7), Act.NONE), (22, (1, 1, 1, 7), Act.RELU),
                                              (23, (1, 5, 1, 7), Act.RELU6)])
def test_add_with_broadcasting_is_bit_exact(lib, seed, b_shape, act, tmp_path):
    rng = _rng(seed)
    a_shape = (1, 5, 6, 7)
    sa, za = float(rng.uniform(0.01, 0.1)), int(rng.integers(-50, 50))
    sb, zb = float(rng.uniform(0.01, 0.1)), int(rng.integers(-50, 50))
    sy, zy = float(rng.uniform(0.02, 0.2)), int(rng.integers(-50, 50))
    a, b = _int8(rng, a_shape), _int8(rng, b_shape)
    tensors = [T("a", np.int8, a_shape, scale=sa, zero_point=za), T("b", np.int8, b_shape, scale=sb, zero_point=zb),
               T("y", np.int8, a_shape, scale=sy, zero_point=zy)]
    opts = options("AddOptions", FusedActivationFunction=act)
    expected = _tflite(ModelSpec(tensors, [Op(B.ADD, [0, 1], [2], opts)], [0, 1], [2], op_versions={B.ADD: 2}),
                       [a, b], tmp_path)
    m = quant.add_multipliers(sa, sb, sy)
    keep: list = []
    # NHWC data, broadcast by strides (the kernel is layout-free)
    strides_a = [int(s) for s in np.array(a.strides) // a.itemsize]
    strides_b = [0 if d == 1 else int(s) for d, s in zip(b_shape, np.array(b.strides) // b.itemsize)]
    shape = ffi.BinaryParams(0, 4, (c_int32 * 6)(*a_shape, 1, 1), (ctypes.c_int64 * 6)(*strides_a, 0, 0),
                             (ctypes.c_int64 * 6)(*strides_b, 0, 0), ffi.act())
    params = QS8AddParams(shape, za, zb, m["a_multiplier"], m["a_shift"], m["b_multiplier"], m["b_shift"],
                          m["left_shift"], _output(sy, zy, act, [m["multiplier"]], [m["shift"]], keep))
    y = np.zeros(a_shape, np.int8)
    lib.rvpack_qs8_add__scalar(ctypes.byref(params), ptr(a), ptr(b), ptr(y))
    assert np.array_equal(y, expected), f"{np.count_nonzero(y != expected)} of {y.size} differ"


@pytest.mark.parametrize("seed,kind,size,stride,same,act", [
    (31, "AVERAGE", 3, 2, True, Act.NONE), (32, "AVERAGE", 2, 2, False, Act.RELU),
    (33, "MAX", 3, 2, True, Act.RELU6), (34, "MAX", 2, 1, False, Act.NONE), (35, "AVERAGE", 5, 1, True, Act.NONE)])
def test_pooling_is_bit_exact(lib, seed, kind, size, stride, same, act, tmp_path):
    rng = _rng(seed)
    c, h, w_ = 6, 9, 11
    scale, zp = float(rng.uniform(0.01, 0.1)), int(rng.integers(-30, 30))
    x = _int8(rng, (1, h, w_, c))
    oh, pad_t = _padding(h, size, stride, 1, same)
    ow, pad_l = _padding(w_, size, stride, 1, same)
    code = B.AVERAGE_POOL_2D if kind == "AVERAGE" else B.MAX_POOL_2D
    opts = options("Pool2DOptions", Padding=Padding.SAME if same else Padding.VALID, StrideW=stride,
                   StrideH=stride, FilterWidth=size, FilterHeight=size, FusedActivationFunction=act)
    tensors = [T("x", np.int8, x.shape, scale=scale, zero_point=zp),
               T("y", np.int8, (1, oh, ow, c), scale=scale, zero_point=zp)]
    expected = _tflite(ModelSpec(tensors, [Op(code, [0], [1], opts)], [0], [1], op_versions={code: 2}), [x], tmp_path)
    lo, hi = quant.activation_range(ACTS[act], scale, zp)
    geometry = ffi.Pool2dParams(1, c, h, w_, oh, ow, size, size, stride, stride, 1, 1, pad_t, pad_l, 0, 0,
                                ffi.POOL[kind], 0, ffi.act())
    params = QS8Pool2dParams(geometry, lo, hi)
    x_nchw = np.ascontiguousarray(x.transpose(0, 3, 1, 2))
    y = np.zeros((1, c, oh, ow), np.int8)
    lib.rvpack_qs8_pool2d_nchw__scalar(ctypes.byref(params), ptr(x_nchw), ptr(y))
    assert np.array_equal(y.transpose(0, 2, 3, 1), expected)


def test_quantize_dequantize_and_requantize_are_bit_exact(lib, tmp_path):
    rng = _rng(41)
    x = (rng.standard_normal((1, 257)) * 3).astype(np.float32)
    x[0, :6] = [0.5 * 0.04, -0.5 * 0.04, 1.5 * 0.04, 1e9, -1e9, 0.0]  # ties and saturation
    s8, z8, su, zu = 0.04, -3, 0.05, 131
    tensors = [T("x", np.float32, x.shape), T("q", np.int8, x.shape, scale=s8, zero_point=z8),
               T("u", np.uint8, x.shape, scale=su, zero_point=zu), T("d", np.float32, x.shape)]
    spec = ModelSpec(tensors, [Op(B.QUANTIZE, [0], [1]), Op(B.QUANTIZE, [1], [2]), Op(B.DEQUANTIZE, [2], [3])],
                     [0], [1, 2, 3], op_versions={B.QUANTIZE: 2, B.DEQUANTIZE: 2})
    path = tmp_path / "q.tflite"
    path.write_bytes(build_tflite(spec))
    q_ref, u_ref, d_ref = _run_tflite(path, [x])

    n = x.size
    q, u, d = np.zeros(n, np.int8), np.zeros(n, np.uint8), np.zeros(n, np.float32)
    lib.rvpack_q8_quantize__scalar(ctypes.byref(Q8ConvertParams(n, s8, 0, z8, 0, 0, 0, 0)), ptr(x), ptr(q))
    mult, shift = quant.requantize_multiplier(s8, su)
    lib.rvpack_q8_requantize__scalar(ctypes.byref(Q8ConvertParams(n, 0.0, z8, zu, mult, shift, 0, 1)), ptr(q), ptr(u))
    lib.rvpack_q8_dequantize__scalar(ctypes.byref(Q8ConvertParams(n, su, zu, 0, 0, 0, 1, 0)), ptr(u), ptr(d))
    # x[4] = -1e9: TFLite converts round(x / scale) = -2.5e10 to int32 (undefined
    # behaviour; x86 and RISC-V give INT32_MIN), adds the zero point, wraps
    # around and saturates to +127. We saturate to -128; everywhere else the
    # bytes are TFLite's.
    overflow = 4
    assert q[overflow] == -128
    rest = np.arange(n) != overflow
    assert np.array_equal(q[rest], q_ref.ravel()[rest]) and np.array_equal(u[rest], u_ref.ravel()[rest])
    assert np.array_equal(d[rest], d_ref.ravel()[rest])


@pytest.mark.parametrize("real,expected", [
    (0.5, (1 << 30, 0)), (1.0, (1 << 30, 1)), (0.75, (3 << 29, 0)), (2.0 ** -40, (0, 0)), (0.0, (0, 0)),
    # 2^31 * (1 - 2^-33) rounds up to 2^31: the multiplier halves and the shift grows
    (1 - 2.0 ** -33, (1 << 30, 1)),
])
def test_quantize_multiplier_edges(real, expected):
    assert quant.quantize_multiplier(real) == expected


def test_rescale_matches_exact_rational_rounding(lib):
    """rvpack_q31_rescale against the exact product rounded twice as the
    definition says, on random int32 inputs and multipliers."""
    rng = _rng(51)
    f = lib.rvpack_q31_rescale
    f.argtypes, f.restype = [c_int32, c_int32, c_int32], c_int32
    for _ in range(3000):
        shift = int(rng.integers(-31, 8))
        mult = int(rng.integers(1 << 30, 1 << 31))
        bound = (1 << 31) >> max(shift, 0)
        x = int(rng.integers(-bound, bound))
        left, right = max(shift, 0), max(-shift, 0)
        prod = (x << left) * mult
        high = (abs(prod) + (1 << 30)) >> 31  # doubling high multiply, half away from zero
        high = high if prod >= 0 else -high
        q, r = divmod(abs(high), 1 << right)  # divide by 2^right, half away from zero
        rounded = q + (1 if right and 2 * r >= (1 << right) else 0)
        assert f(x, mult, shift) == (rounded if high >= 0 else -rounded), (x, mult, shift)


@pytest.mark.parametrize("kind", ["conv", "depthwise", "fully_connected"])
def test_ties_round_as_tflite_runtime(lib, kind, tmp_path):
    """Scales whose rescale factor is exactly 2^-6 make every 32nd output a
    tie, where the two roundings differ for negative values: tflite-runtime's
    CONV_2D and FULLY_CONNECTED (ruy) round ties up, DEPTHWISE_CONV_2D rounds
    them away from zero (TFLite's reference). Each kernel matches the
    runtime in its mode and not in the other (so the ties really occur)."""
    rng = _rng(61)
    in_scale, w_scale, out_scale = 0.5, 0.0625, 2.0  # M = 2^-6: multiplier 2^30, shift -5
    cin, cout, h, k = 8, 8 if kind != "fully_connected" else 64, 12, 3 if kind != "fully_connected" else 1
    x = _int8(rng, (1, h, h, cin) if kind != "fully_connected" else (32, 64))
    bias = rng.integers(-300, 300, cout, dtype=np.int32)
    keep: list = []
    mults, shifts = quant.conv_multipliers(in_scale, [w_scale] * cout, out_scale)
    assert (mults[0], shifts[0]) == (1 << 30, -5)
    results = {}
    if kind == "fully_connected":
        weights = rng.integers(-127, 128, (cout, 64), dtype=np.int8)
        tensors = [T("x", np.int8, x.shape, scale=in_scale), T("w", np.int8, weights.shape, weights, scale=w_scale),
                   T("b", np.int32, (cout,), bias, scale=in_scale * w_scale),
                   T("y", np.int8, (32, cout), scale=out_scale)]
        expected = _tflite(ModelSpec(tensors, [Op(B.FULLY_CONNECTED, [0, 1, 2], [3], options("FullyConnectedOptions"))],
                                     [0], [3], op_versions={B.FULLY_CONNECTED: 4}), [x], tmp_path)
        for mode in (AWAY, HALF_UP):
            params = QS8FullyConnectedParams(32, 64, cout, 0, _output(out_scale, 0, Act.NONE, mults, shifts, keep, mode))
            y = np.zeros((32, cout), np.int8)
            lib.rvpack_qs8_fully_connected__scalar(ctypes.byref(params), ptr(x), ptr(weights), ptr(bias), ptr(y))
            results[mode] = y
    else:
        depthwise = kind == "depthwise"
        weights = rng.integers(-127, 128, (cout, k, k, 1 if depthwise else cin), dtype=np.int8)
        filt = weights.transpose(3, 1, 2, 0) if depthwise else weights
        code = B.DEPTHWISE_CONV_2D if depthwise else B.CONV_2D
        opts = (options("DepthwiseConv2DOptions", Padding=Padding.VALID, StrideW=1, StrideH=1, DepthMultiplier=1)
                if depthwise else options("Conv2DOptions", Padding=Padding.VALID, StrideW=1, StrideH=1))
        oh = h - k + 1
        tensors = [T("x", np.int8, x.shape, scale=in_scale),
                   T("w", np.int8, filt.shape, filt, scale=[w_scale] * cout, zero_point=[0] * cout,
                     quantized_dimension=3 if depthwise else 0),
                   T("b", np.int32, (cout,), bias, scale=[in_scale * w_scale] * cout, zero_point=[0] * cout),
                   T("y", np.int8, (1, oh, oh, cout), scale=out_scale)]
        expected = _tflite(ModelSpec(tensors, [Op(code, [0, 1, 2], [3], opts)], [0], [3], op_versions={code: 3}),
                           [x], tmp_path)
        geometry = ffi.Conv2dParams(1, cin, h, h, cout, oh, oh, k, k, 1, 1, 1, 1, 0, 0, cin if depthwise else 1,
                                    ffi.act())
        x_nchw = np.ascontiguousarray(x.transpose(0, 3, 1, 2))
        w_oihw = np.ascontiguousarray(weights.transpose(0, 3, 1, 2))
        for mode in (AWAY, HALF_UP):
            params = QS8Conv2dParams(geometry, 0, _output(out_scale, 0, Act.NONE, mults, shifts, keep, mode))
            y = np.zeros((1, cout, oh, oh), np.int8)
            lib.rvpack_qs8_conv2d_nchw__scalar(ctypes.byref(params), ptr(x_nchw), ptr(w_oihw), ptr(bias), ptr(y),
                                           ptr(np.zeros(y.shape[2] * y.shape[3], np.int32)))
            results[mode] = y.transpose(0, 2, 3, 1)
    mine, other = (AWAY, HALF_UP) if kind == "depthwise" else (HALF_UP, AWAY)
    assert np.array_equal(results[mine], expected)
    differ = np.count_nonzero(results[other] != expected)
    print(f"{kind}: {differ} of {expected.size} outputs are ties rounded the other way")
    assert differ > 0


@pytest.mark.parametrize("in_scale,in_zp", [(0.0625, 0), (0.0371, -11), (0.1, 25), (0.0078125, -128), (0.23, 7)])
def test_logistic_table_matches_tflite_runtime_on_every_input(lib, in_scale, in_zp, tmp_path):
    """All 256 int8 inputs through tflite-runtime's int8 LOGISTIC and through
    rvpack_qs8_lookup__scalar with the table of sdk/ir/quant.py."""
    x = np.arange(-128, 128, dtype=np.int8).reshape(1, 256)
    tensors = [T("x", np.int8, x.shape, scale=in_scale, zero_point=in_zp),
               T("y", np.int8, x.shape, scale=1 / 256, zero_point=-128)]  # TFLite's required output quantization
    expected = _tflite(ModelSpec(tensors, [Op(B.LOGISTIC, [0], [1])], [0], [1], op_versions={B.LOGISTIC: 2}),
                       [x], tmp_path)
    table = quant.lookup_table("LOGISTIC", in_scale, in_zp, 1 / 256, -128)
    y = np.zeros_like(x)
    lib.rvpack_qs8_lookup__scalar(ctypes.c_size_t(256), ptr(x), ptr(table), ptr(y))
    assert np.array_equal(y, expected), np.argwhere(y != expected)[:5]
    assert len(np.unique(expected)) > 20


class QS8MeanParams(ctypes.Structure):
    _fields_ = [("planes", c_int32), ("plane_size", c_int32), ("multiplier", c_int32), ("shift", c_int32),
                ("bias", c_int32)]


@pytest.mark.parametrize("seed", range(6))
def test_spatial_mean_is_bit_exact(lib, seed, tmp_path):
    """MEAN over height and width with keep_dims (tflite-runtime's own int8
    kernel): random sizes, scales and zero points, equal quantization too."""
    rng = _rng(200 + seed)
    h, w, c = (int(v) for v in rng.integers(1, 9, 3))
    si, zi = float(rng.uniform(0.01, 0.2)), int(rng.integers(-60, 60))
    so, zo = (si, zi) if seed % 3 == 0 else (float(rng.uniform(0.01, 0.2)), int(rng.integers(-60, 60)))
    x = _int8(rng, (1, h, w, c))
    tensors = [T("x", np.int8, x.shape, scale=si, zero_point=zi), T("axes", np.int32, (2,), np.array([1, 2], np.int32)),
               T("y", np.int8, (1, 1, 1, c), scale=so, zero_point=zo)]
    spec = ModelSpec(tensors, [Op(B.MEAN, [0, 1], [2], options("ReducerOptions", KeepDims=True))], [0], [2],
                     op_versions={B.MEAN: 2})
    expected = _tflite(spec, [x], tmp_path).reshape(c)
    mult, shift, bias = quant.mean_parameters(si, zi, so, zo, h * w)
    planes = np.ascontiguousarray(x.transpose(0, 3, 1, 2))
    y = np.zeros(c, np.int8)
    lib.rvpack_qs8_mean_hw__scalar(ctypes.byref(QS8MeanParams(c, h * w, mult, shift, bias)), ptr(planes), ptr(y))
    assert np.array_equal(y, expected), (y, expected)


class QS8SoftmaxParams(ctypes.Structure):
    _fields_ = [("rows", c_int32), ("row_len", c_int32), ("output_scale", ctypes.c_float),
                ("output_zero_point", c_int32)]


@pytest.mark.parametrize("seed", range(6))
def test_softmax_is_bit_exact(lib, seed, tmp_path):
    """int8 SOFTMAX (tflite-runtime's float table and float normaliser) on
    random rows, lengths, input scales and betas."""
    rng = _rng(300 + seed)
    rows, n = int(rng.integers(1, 6)), int(rng.integers(2, 60))
    si, beta = float(rng.uniform(0.02, 0.6)), float(rng.choice([1.0, 0.5, 2.0]))
    x = _int8(rng, (rows, n))
    tensors = [T("x", np.int8, x.shape, scale=si, zero_point=int(rng.integers(-30, 30))),
               T("y", np.int8, x.shape, scale=1 / 256, zero_point=-128)]  # TFLite's required output quantization
    spec = ModelSpec(tensors, [Op(B.SOFTMAX, [0], [1], options("SoftmaxOptions", Beta=beta))], [0], [1],
                     op_versions={B.SOFTMAX: 2})
    expected = _tflite(spec, [x], tmp_path)
    y = np.zeros_like(x)
    table = quant.softmax_table(si, beta)
    lib.rvpack_qs8_softmax__scalar(ctypes.byref(QS8SoftmaxParams(rows, n, 1 / 256, -128)), ptr(x), ptr(table), ptr(y))
    assert np.array_equal(y, expected), np.argwhere(y != expected)[:5]
    assert len(np.unique(expected)) > 3


HARD_SWISH_SCALES = [(0.05, 3, 0.03, -10), (0.1, -128, 0.07, -120), (0.02, 0, 0.02, 0), (0.5, 10, 0.3, -100),
                     (0.013, 40, 0.011, -50), (0.2, -5, 0.9, 60), (0.004, 100, 0.0035, -128)]


@pytest.mark.parametrize("in_scale,in_zp,out_scale,out_zp", HARD_SWISH_SCALES)
def test_hard_swish_table_matches_tflite_runtime_on_every_input(lib, in_scale, in_zp, out_scale, out_zp, tmp_path):
    """All 256 int8 inputs through tflite-runtime's int8 HARD_SWISH (16-bit
    fixed point, left- and right-shifting "reluish" multipliers among the
    cases) and through rvpack_qs8_lookup__scalar with sdk/ir/quant.py's table."""
    x = np.arange(-128, 128, dtype=np.int8).reshape(1, 256)
    tensors = [T("x", np.int8, x.shape, scale=in_scale, zero_point=in_zp),
               T("y", np.int8, x.shape, scale=out_scale, zero_point=out_zp)]
    expected = _tflite(ModelSpec(tensors, [Op(B.HARD_SWISH, [0], [1])], [0], [1]), [x], tmp_path)
    table = quant.lookup_table("HARD_SWISH", in_scale, in_zp, out_scale, out_zp)
    y = np.zeros_like(x)
    lib.rvpack_qs8_lookup__scalar(ctypes.c_size_t(256), ptr(x), ptr(table), ptr(y))
    assert np.array_equal(y, expected), np.argwhere(y != expected)[:5]
    assert len(np.unique(expected)) > 10



@pytest.mark.parametrize("seed,b_shape,scales,act", [
    (71, (1, 5, 6, 7), (0.05, 0.02, 0.01), Act.NONE),
    (72, (1, 1, 1, 7), (0.1, 0.03, 0.04), Act.RELU),
    (73, (1, 5, 6, 7), (0.5, 0.0625, 2.0), Act.NONE),  # M = 2^-6: many ties
])
def test_mul_with_broadcasting_is_bit_exact(lib, seed, b_shape, scales, act, tmp_path):
    rng = _rng(seed)
    a_shape = (1, 5, 6, 7)
    (sa, sb, sy), za, zb, zy = scales, int(rng.integers(-20, 20)), int(rng.integers(-20, 20)), int(rng.integers(-9, 9))
    a, b = _int8(rng, a_shape), _int8(rng, b_shape)
    tensors = [T("a", np.int8, a_shape, scale=sa, zero_point=za), T("b", np.int8, b_shape, scale=sb, zero_point=zb),
               T("y", np.int8, a_shape, scale=sy, zero_point=zy)]
    expected = _tflite(ModelSpec(tensors, [Op(B.MUL, [0, 1], [2], options("MulOptions", FusedActivationFunction=act))],
                                 [0, 1], [2], op_versions={B.MUL: 2}), [a, b], tmp_path)
    mult, shift = quant.mul_multiplier(sa, sb, sy)
    keep: list = []
    strides_a = [int(s) for s in np.array(a.strides) // a.itemsize]
    strides_b = [0 if d == 1 else int(s) for d, s in zip(b_shape, np.array(b.strides) // b.itemsize)]
    shape = ffi.BinaryParams(2, 4, (c_int32 * 6)(*a_shape, 1, 1), (ctypes.c_int64 * 6)(*strides_a, 0, 0),
                             (ctypes.c_int64 * 6)(*strides_b, 0, 0), ffi.act())
    y = np.zeros(a_shape, np.int8)
    params = QS8MulParams(shape, za, zb, _output(sy, zy, act, [mult], [shift], keep))
    lib.rvpack_qs8_mul__scalar(ctypes.byref(params), ptr(a), ptr(b), ptr(y))
    assert np.array_equal(y, expected), f"{np.count_nonzero(y != expected)} of {y.size} differ"
    assert len(np.unique(expected)) > 20


class QS8ConvGemmParams(ctypes.Structure):
    _fields_ = [("geometry", ffi.Conv2dParams), ("input_zero_point", c_int32), ("rounding", c_int32),
                ("output_zero_point", c_int32), ("min", c_int32), ("max", c_int32), ("panel_pixels", c_int32)]


@pytest.mark.parametrize("seed", range(12))
def test_register_blocked_conv_equals_the_plane_kernel(lib, seed):
    """rvpack_qs8_conv2d_nchw_gemm__scalar (the rv64gc path: weights packed by
    sdk/codegen/qs8_packing.py, im2col panels holding the zero point) against
    rvpack_qs8_conv2d_nchw__scalar on random geometries, groups, panel sizes
    and both of its roundings."""
    from rvpack.sdk.codegen.qs8_packing import pack_qs8_conv_weights

    rng = _rng(500 + seed)
    groups = int(rng.choice([1, 1, 2, 3]))
    cin, cout = groups * int(rng.integers(1, 5)), groups * int(rng.integers(1, 7))
    h, w = int(rng.integers(1, 10)), int(rng.integers(1, 12))
    direct = seed % 4 == 0
    kh, kw = (1, 1) if direct else (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
    sh, sw = (1, 1) if direct else (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
    dh, dw = (1, 1) if direct else (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
    pt, pl = (0, 0) if direct else (int(rng.integers(0, 2)), int(rng.integers(0, 2)))
    h, w = max(h, (kh - 1) * dh + 1), max(w, (kw - 1) * dw + 1)  # a non-empty output
    oh, ow = (h + 2 * pt - (kh - 1) * dh - 1) // sh + 1, (w + 2 * pl - (kw - 1) * dw - 1) // sw + 1
    k = cin // groups * kh * kw
    x = _int8(rng, (1, cin, h, w))
    wts = rng.integers(-127, 128, (cout, cin // groups, kh, kw), dtype=np.int8)
    bias = rng.integers(-30000, 30000, cout, dtype=np.int32)
    mults = [int(m) for m in rng.integers(1 << 30, (1 << 31) - 1, cout)]
    shifts = [int(s) for s in rng.integers(-12, 2, cout)]
    scales = [float(np.float32(m / 2 ** 31 * 2.0 ** s)) for m, s in zip(mults, shifts)]
    zx, zy, rounding = int(rng.integers(-128, 128)), int(rng.integers(-10, 10)), (HALF_UP, FLOAT)[seed % 2]
    geometry = ffi.Conv2dParams(1, cin, h, w, cout, oh, ow, kh, kw, sh, sw, dh, dw, pt, pl, groups)
    keep: list = []
    out = _output(0.1, zy, Act.NONE, mults, shifts, keep, rounding)
    s_arr = np.array(scales, np.float32)
    out.scale = s_arr.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
    want = np.zeros((1, cout, oh, ow), np.int8)
    lib.rvpack_qs8_conv2d_nchw__scalar(ctypes.byref(QS8Conv2dParams(geometry, zx, out)), ptr(x), ptr(wts), ptr(bias),
                                       ptr(want), ptr(np.zeros(oh * ow, np.int32)))
    packed = pack_qs8_conv_weights(4, wts, bias, zx, mults, shifts, scales, groups)
    panel = 0 if direct else int(rng.integers(1, oh * ow + 1))
    got = np.zeros_like(want)
    params = QS8ConvGemmParams(geometry, zx, rounding, zy, -128, 127, panel)
    lib.rvpack_qs8_conv2d_nchw_gemm__scalar(ctypes.byref(params), ptr(x), ptr(packed), ptr(got),
                                            ptr(np.zeros(max(1, k * panel), np.int8)))
    assert np.array_equal(got, want), np.argwhere(got != want)[:5]
