"""Full-integer TFLite models end to end: imported, built for rv64gc and
rvv1.0, run under QEMU and compared byte for byte with tflite-runtime.

The models are written here with the schema's builders (tests/tflite_builder):
a float input quantized at the edge, int8 convolutions (per-channel weights,
fused ReLU6), a depthwise conv with channel multiplier 2, max and average
pooling, a residual ADD with broadcasting, RESHAPE, FULLY_CONNECTED and a
float output; and a model with int8 input and uint8 output."""

from __future__ import annotations

import numpy as np
import pytest
from tflite import ActivationFunctionType as Act
from tflite import BuiltinOperator as B
from tflite import Padding

from tests.e2e.harness import build, check
from tests.tflite_builder import ModelSpec, Op, T, build as build_tflite, options

RNG = np.random.default_rng(5)
VERSIONS = {B.CONV_2D: 3, B.DEPTHWISE_CONV_2D: 3, B.FULLY_CONNECTED: 4, B.ADD: 2, B.MAX_POOL_2D: 2,
            B.AVERAGE_POOL_2D: 2, B.QUANTIZE: 2, B.DEQUANTIZE: 2, B.RESHAPE: 1}


def _w(shape, axis_size):
    return RNG.integers(-127, 128, shape, dtype=np.int8), list(RNG.uniform(0.004, 0.02, axis_size).astype(np.float32))


def _cnn() -> ModelSpec:
    w1, s1 = _w((8, 3, 3, 3), 8)
    w2, s2 = _w((1, 3, 3, 16), 16)
    w3, _ = _w((10, 16 * 4 * 4), 1)
    s3 = [0.002]
    # scales that keep every layer's values inside the int8 range (no saturated, trivially equal outputs)
    xs, a1, a2, a3, a4, a5, ys = 0.02, 0.05, 0.15, 0.08, 0.3, 0.3, 0.5
    t = [
        T("x", np.float32, (1, 16, 16, 3)),                                               # 0
        T("xq", np.int8, (1, 16, 16, 3), scale=xs, zero_point=3),                         # 1
        T("w1", np.int8, w1.shape, w1, scale=s1, zero_point=[0] * 8),                     # 2
        T("b1", np.int32, (8,), RNG.integers(-2000, 2000, 8, dtype=np.int32),
          scale=[xs * s for s in s1], zero_point=[0] * 8),                                # 3
        T("c1", np.int8, (1, 16, 16, 8), scale=a1, zero_point=-128),                      # 4
        T("w2", np.int8, w2.shape, w2, scale=s2, zero_point=[0] * 16, quantized_dimension=3),  # 5
        T("b2", np.int32, (16,), RNG.integers(-2000, 2000, 16, dtype=np.int32),
          scale=[a1 * s for s in s2], zero_point=[0] * 16),                               # 6
        T("c2", np.int8, (1, 8, 8, 16), scale=a2, zero_point=5),                          # 7
        T("p1", np.int8, (1, 4, 4, 16), scale=a2, zero_point=5),                          # 8 max pool
        T("p2", np.int8, (1, 4, 4, 16), scale=a2, zero_point=5),                          # 9 avg pool
        T("bias16", np.int8, (16,), RNG.integers(-100, 100, 16, dtype=np.int8), scale=a3, zero_point=-2),  # 10
        T("s1", np.int8, (1, 4, 4, 16), scale=a4, zero_point=1),                          # 11 p1 + p2
        T("s2", np.int8, (1, 4, 4, 16), scale=a5, zero_point=0),                          # 12 s1 + bias16
        T("shape", np.int32, (2,), np.array([1, 256], np.int32)),                         # 13
        T("flat", np.int8, (1, 256), scale=a5, zero_point=0),                             # 14
        T("w3", np.int8, w3.shape, w3, scale=s3[0]),                                      # 15
        T("b3", np.int32, (10,), RNG.integers(-3000, 3000, 10, dtype=np.int32), scale=a5 * s3[0]),  # 16
        T("logits", np.int8, (1, 10), scale=ys, zero_point=-10),                          # 17
        T("y", np.float32, (1, 10)),                                                      # 18
    ]
    conv = options("Conv2DOptions", Padding=Padding.SAME, StrideW=1, StrideH=1, FusedActivationFunction=Act.RELU6)
    dw = options("DepthwiseConv2DOptions", Padding=Padding.SAME, StrideW=2, StrideH=2, DepthMultiplier=2,
                 FusedActivationFunction=Act.NONE)
    pool = dict(Padding=Padding.VALID, StrideW=2, StrideH=2, FilterWidth=2, FilterHeight=2)
    ops = [
        Op(B.QUANTIZE, [0], [1]),
        Op(B.CONV_2D, [1, 2, 3], [4], conv),
        Op(B.DEPTHWISE_CONV_2D, [4, 5, 6], [7], dw),
        Op(B.MAX_POOL_2D, [7], [8], options("Pool2DOptions", **pool)),
        Op(B.AVERAGE_POOL_2D, [7], [9], options("Pool2DOptions", **pool)),
        Op(B.ADD, [8, 9], [11], options("AddOptions", FusedActivationFunction=Act.RELU)),
        Op(B.ADD, [11, 10], [12], options("AddOptions")),
        Op(B.RESHAPE, [12, 13], [14]),
        Op(B.FULLY_CONNECTED, [14, 15, 16], [17], options("FullyConnectedOptions")),
        Op(B.DEQUANTIZE, [17], [18]),
    ]
    return ModelSpec(t, ops, [0], [18], op_versions=VERSIONS)


def _int8_io() -> ModelSpec:
    w, s = _w((6, 1, 1, 4), 6)
    t = [T("x", np.int8, (1, 5, 7, 4), scale=0.03, zero_point=-7),
         T("w", np.int8, w.shape, w, scale=s, zero_point=[0] * 6),
         T("b", np.int32, (6,), RNG.integers(-500, 500, 6, dtype=np.int32), scale=[0.03 * v for v in s],
           zero_point=[0] * 6),
         T("c", np.int8, (1, 5, 7, 6), scale=0.04, zero_point=2),
         T("y", np.uint8, (1, 5, 7, 6), scale=0.05, zero_point=131)]
    ops = [Op(B.CONV_2D, [0, 1, 2], [3], options("Conv2DOptions", Padding=Padding.VALID, StrideW=1, StrideH=1)),
           Op(B.QUANTIZE, [3], [4])]
    return ModelSpec(t, ops, [0], [4], op_versions=VERSIONS)


def _stream() -> ModelSpec:
    """The data movement of a streaming model: a frame concatenated to a
    (constant) history, a strided slice of it, a channel split and re-concat,
    and a depthwise conv over time."""
    q = dict(scale=0.04, zero_point=-3)
    w, s = _w((1, 5, 1, 8), 8)
    t = [T("frame", np.int8, (1, 3, 1, 8), **q),                                             # 0
         T("history", np.int8, (1, 2, 1, 8), RNG.integers(-128, 128, (1, 2, 1, 8), dtype=np.int8), **q),  # 1
         T("window", np.int8, (1, 5, 1, 8), **q),                                           # 2
         T("b", np.int32, (4,), np.array([0, 1, 0, 0], np.int32)),                         # 3
         T("e", np.int32, (4,), np.array([1, 5, 1, 8], np.int32)),                         # 4
         T("st", np.int32, (4,), np.array([1, 2, 1, 1], np.int32)),                        # 5
         T("next_history", np.int8, (1, 2, 1, 8), **q),                                     # 6
         T("sizes", np.int32, (2,), np.array([3, 5], np.int32)),                            # 7
         T("axis", np.int32, (), np.array(3, np.int32)),                                    # 8
         T("lo", np.int8, (1, 5, 1, 3), **q), T("hi", np.int8, (1, 5, 1, 5), **q),         # 9, 10
         T("swapped", np.int8, (1, 5, 1, 8), **q),                                          # 11
         T("w", np.int8, w.shape, w, scale=s, zero_point=[0] * 8, quantized_dimension=3),  # 12
         T("bias", np.int32, (8,), RNG.integers(-500, 500, 8, dtype=np.int32), scale=[0.04 * v for v in s],
           zero_point=[0] * 8),                                                             # 13
         T("y", np.int8, (1, 1, 1, 8), scale=0.05, zero_point=4)]                           # 14
    ops = [Op(B.CONCATENATION, [1, 0], [2], options("ConcatenationOptions", Axis=1)),
           Op(B.STRIDED_SLICE, [2, 3, 4, 5], [6], options("StridedSliceOptions")),
           Op(B.SPLIT_V, [2, 7, 8], [9, 10], options("SplitVOptions", NumSplits=2)),
           Op(B.CONCATENATION, [10, 9], [11], options("ConcatenationOptions", Axis=3)),
           Op(B.DEPTHWISE_CONV_2D, [11, 12, 13], [14],
              options("DepthwiseConv2DOptions", Padding=Padding.VALID, StrideW=1, StrideH=1, DepthMultiplier=1))]
    versions = {**VERSIONS, B.CONCATENATION: 2, B.STRIDED_SLICE: 2, B.SPLIT_V: 2}
    return ModelSpec(t, ops, [0], [6, 14], op_versions=versions)


def _classifier() -> ModelSpec:
    """The tail of a keyword spotter: FULLY_CONNECTED -> LOGISTIC -> uint8 probability."""
    w = RNG.integers(-127, 128, (4, 64), dtype=np.int8)
    t = [T("x", np.int8, (1, 1, 1, 64), scale=0.05, zero_point=-128),
         T("w", np.int8, w.shape, w, scale=0.004),
         T("b", np.int32, (4,), RNG.integers(-2000, 2000, 4, dtype=np.int32), scale=0.05 * 0.004),
         T("logit", np.int8, (1, 4), scale=0.12, zero_point=3),
         T("p", np.int8, (1, 4), scale=1 / 256, zero_point=-128),
         T("y", np.uint8, (1, 4), scale=1 / 256, zero_point=0)]
    ops = [Op(B.FULLY_CONNECTED, [0, 1, 2], [3], options("FullyConnectedOptions")), Op(B.LOGISTIC, [3], [4]),
           Op(B.QUANTIZE, [4], [5])]
    return ModelSpec(t, ops, [0], [5], op_versions={**VERSIONS, B.LOGISTIC: 2})


def _gate() -> ModelSpec:
    """Channel gating: x * g (g broadcast per channel) + x."""
    t = [T("x", np.int8, (1, 4, 5, 8), scale=0.05, zero_point=2),
         T("g", np.int8, (8,), RNG.integers(-128, 128, 8, dtype=np.int8), scale=0.01, zero_point=-4),
         T("xg", np.int8, (1, 4, 5, 8), scale=0.02, zero_point=-1),
         T("y", np.int8, (1, 4, 5, 8), scale=0.07, zero_point=0)]
    ops = [Op(B.MUL, [0, 1], [2], options("MulOptions")), Op(B.ADD, [2, 0], [3], options("AddOptions"))]
    return ModelSpec(t, ops, [0], [3], op_versions={**VERSIONS, B.MUL: 2})


def _hard_swish() -> ModelSpec:
    """A MobileNetV3-style block: CONV_2D (3x3, same padding) -> HARD_SWISH."""
    w, s = _w((8, 3, 3, 4), 8)
    t = [T("x", np.int8, (1, 6, 7, 4), scale=0.05, zero_point=-6),
         T("w", np.int8, w.shape, w, scale=s, zero_point=[0] * 8),
         T("b", np.int32, (8,), RNG.integers(-800, 800, 8, dtype=np.int32), scale=[0.05 * v for v in s],
           zero_point=[0] * 8),
         T("c", np.int8, (1, 6, 7, 8), scale=0.25, zero_point=5),
         T("y", np.int8, (1, 6, 7, 8), scale=0.15, zero_point=-90)]
    ops = [Op(B.CONV_2D, [0, 1, 2], [3], options("Conv2DOptions", Padding=Padding.SAME, StrideW=1, StrideH=1)),
           Op(B.HARD_SWISH, [3], [4])]
    return ModelSpec(t, ops, [0], [4], op_versions=VERSIONS)


def _padded() -> ModelSpec:
    """PAD (border = zero point) -> CONV_2D VALID -> PADV2 (a constant border)."""
    w, s = _w((6, 3, 3, 3), 6)
    q, yq = dict(scale=0.05, zero_point=-6), dict(scale=0.2, zero_point=7)
    t = [T("x", np.int8, (1, 5, 6, 3), **q),                                                 # 0
         T("pads", np.int32, (4, 2), np.array([[0, 0], [1, 2], [2, 1], [0, 0]], np.int32)),  # 1
         T("xp", np.int8, (1, 8, 9, 3), **q),                                               # 2
         T("w", np.int8, w.shape, w, scale=s, zero_point=[0] * 6),                          # 3
         T("c", np.int8, (1, 6, 7, 6), **yq),                                               # 4
         T("pads2", np.int32, (4, 2), np.array([[0, 0], [0, 1], [1, 0], [0, 0]], np.int32)),  # 5
         T("value", np.int8, (), np.array(-100, np.int8), **yq),                            # 6
         T("y", np.int8, (1, 7, 8, 6), **yq),                                               # 7
         T("b", np.int32, (6,), RNG.integers(-400, 400, 6, dtype=np.int32), scale=[0.05 * v for v in s],
           zero_point=[0] * 6)]                                                             # 8
    ops = [Op(B.PAD, [0, 1], [2]),
           Op(B.CONV_2D, [2, 3, 8], [4], options("Conv2DOptions", Padding=Padding.VALID, StrideW=1, StrideH=1)),
           Op(B.PADV2, [4, 5, 6], [7])]
    return ModelSpec(t, ops, [0], [7], op_versions={**VERSIONS, B.PAD: 2, B.PADV2: 2})


def _pooled() -> ModelSpec:
    """Global average pooling as TFLite writes it: MEAN over H, W with keep_dims."""
    t = [T("x", np.int8, (1, 5, 6, 24), scale=0.06, zero_point=-9),
         T("axes", np.int32, (2,), np.array([1, 2], np.int32)),
         T("y", np.int8, (1, 1, 1, 24), scale=0.011, zero_point=4)]
    ops = [Op(B.MEAN, [0, 1], [2], options("ReducerOptions", KeepDims=True))]
    return ModelSpec(t, ops, [0], [2], op_versions={**VERSIONS, B.MEAN: 2})


def _softmax_head() -> ModelSpec:
    """A classifier head: FULLY_CONNECTED -> SOFTMAX over 10 classes, two rows."""
    w = RNG.integers(-127, 128, (10, 32), dtype=np.int8)
    t = [T("x", np.int8, (2, 32), scale=0.05, zero_point=-3),
         T("w", np.int8, w.shape, w, scale=0.004),
         T("b", np.int32, (10,), RNG.integers(-500, 500, 10, dtype=np.int32), scale=0.05 * 0.004),
         T("logits", np.int8, (2, 10), scale=0.06, zero_point=2),
         T("p", np.int8, (2, 10), scale=1 / 256, zero_point=-128)]
    ops = [Op(B.FULLY_CONNECTED, [0, 1, 2], [3], options("FullyConnectedOptions")),
           Op(B.SOFTMAX, [3], [4], options("SoftmaxOptions", Beta=1.0))]
    return ModelSpec(t, ops, [0], [4], op_versions={**VERSIONS, B.SOFTMAX: 2})


MODELS = {"cnn": _cnn, "int8_io": _int8_io, "stream": _stream, "classifier": _classifier, "gate": _gate,
          "hard_swish": _hard_swish, "padded": _padded, "pooled": _pooled,
          "softmax_head": _softmax_head}


@pytest.mark.parametrize("target,vlen", [("rv64gc", None), ("rvv1.0", 256)])
@pytest.mark.parametrize("model", sorted(MODELS))
def test_int8_model_is_bit_exact(model, target, vlen, tmp_path):
    path = tmp_path / f"{model}.tflite"
    path.write_bytes(build_tflite(MODELS[model]()))
    bundle = build(path, tmp_path / f"{model}.rvpack", target=target)
    kernels = {layer.kernel for layer in bundle.manifest.layers if layer.executed}
    assert any(k.startswith("rvpack_qs8_") or k.startswith("rvpack_q8_") for k in kernels), kernels
    for seed in (0, 1):
        inputs = None
        if seed:
            from rvpack.sdk import reference

            inputs = reference.make_inputs(bundle.manifest.inputs, seed=seed)
        result = check(bundle, path, inputs=inputs, vlen=vlen)
        for c in result.comparisons:
            assert c.ok, f"{c.name}: max |error| {c.max_abs_error} (tolerance {c.tolerance})"
        for out, ref in zip(result.run.outputs, result.references):
            ref = np.asarray(ref)
            assert out.dtype == ref.dtype and np.array_equal(out.reshape(ref.shape), ref)
        assert len(np.unique(result.references[-1])) > {"cnn": 6, "int8_io": 40, "stream": 4, "classifier": 1, "gate": 40,
                                                            "hard_swish": 30, "padded": 30, "pooled": 8,
                                                            "softmax_head": 3}[model]


def test_manifest_describes_quantized_io_and_bad_schemes_are_refused(tmp_path):
    path = tmp_path / "io.tflite"
    path.write_bytes(build_tflite(_int8_io()))
    bundle = build(path, tmp_path / "io.rvpack")
    (x,), (y,) = bundle.manifest.inputs, bundle.manifest.outputs
    assert (x.dtype, x.scale, x.zero_point) == ("int8", pytest.approx(0.03), -7)
    assert (y.dtype, y.scale, y.zero_point) == ("uint8", pytest.approx(0.05), 131)

    from rvpack.sdk.errors import UnsupportedModelError
    from rvpack.sdk.frontend import load_model

    spec = _int8_io()
    spec.tensors[1].zero_point = [3] * 6  # asymmetric weights
    path.write_bytes(build_tflite(spec))
    with pytest.raises(UnsupportedModelError, match="weights 'w' have a non-zero zero point"):
        load_model(path)
    spec = _int8_io()
    spec.tensors[0] = T("x", np.int16, (1, 5, 7, 4), scale=0.03, zero_point=0)  # int16 activations
    path.write_bytes(build_tflite(spec))
    with pytest.raises(UnsupportedModelError, match="input 'x' is int16"):
        load_model(path)


def test_run_quantizes_float_inputs_of_an_int8_model_with_a_notice(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "io.tflite"
    path.write_bytes(build_tflite(_int8_io()))
    bundle = build(path, tmp_path / "io.rvpack")
    x = np.random.default_rng(2).uniform(-4, 4, (1, 5, 7, 4)).astype(np.float32)
    x[0, 0, 0, :3] = [0.015, -0.015, 100.0]  # a tie (0.5 LSB) each way and a saturating value
    np.save(tmp_path / "x.npy", x)
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "rvpack.cli", "run", str(bundle.path), "--input",
                           str(tmp_path / "x.npy"), "--check", "--save-outputs", str(out)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    notices = [line for line in proc.stderr.splitlines() if line.startswith("notice")]
    assert len(notices) == 1 and "quantized float32 data from x.npy to int8" in notices[0]
    # the same quantization as tflite-runtime's QUANTIZE of the same floats
    spec = ModelSpec([T("f", np.float32, x.shape), T("q", np.int8, x.shape, scale=0.03, zero_point=-7)],
                     [Op(B.QUANTIZE, [0], [1])], [0], [1], op_versions=VERSIONS)
    qpath = tmp_path / "q.tflite"
    qpath.write_bytes(build_tflite(spec))
    from rvpack.sdk.reference import _run_tflite
    from rvpack.sdk.runners.inputs import quantize

    assert np.array_equal(quantize(x, bundle.manifest.inputs[0]), _run_tflite(qpath, [x])[0])


def test_int8_mean_over_other_axes_is_refused_clearly(tmp_path):
    """tflite-runtime computes an int8 MEAN with another arithmetic unless it
    is over height and width with keep_dims: refused, naming the tensor."""
    from rvpack.sdk.compiler import build_bundle
    from rvpack.sdk.errors import UnsupportedModelError
    from rvpack.sdk.targets import get_target

    t = [T("feature_map", np.int8, (1, 5, 6, 24), scale=0.06, zero_point=-9),
         T("axes", np.int32, (1,), np.array([3], np.int32)),
         T("y", np.int8, (1, 5, 6), scale=0.011, zero_point=4)]
    spec = ModelSpec(t, [Op(B.MEAN, [0, 1], [2], options("ReducerOptions", KeepDims=False))], [0], [2],
                     op_versions={**VERSIONS, B.MEAN: 2})
    path = tmp_path / "mean.tflite"
    path.write_bytes(build_tflite(spec))
    with pytest.raises(UnsupportedModelError) as e:
        build_bundle(path, get_target("rv64gc"), tmp_path / "b")
    assert "MEAN" in str(e.value) and "'feature_map'" in str(e.value) and "keep_dims" in str(e.value)
    assert not (tmp_path / "b").exists()
