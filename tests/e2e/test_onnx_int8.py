"""ONNX quantized (QDQ) models end to end, against onnxruntime's evaluation
of the same int8 model (reference.run_reference: no graph optimizations, so
onnxruntime computes exactly what the QDQ graph says, in float between the
Q/DQ nodes). Differences are counted in output quantization steps (LSB).

- Layers: each fused int8 layer (Conv + Relu/Clip, Gemm, MatMul, MaxPool,
  Concat of differently scaled inputs, Reshape) is within 1 LSB of
  onnxruntime on the same int8 input, and runs on an int8 kernel.
- Models quantized by `rvpack quantize` (QDQ, per-channel): a 1-LSB rounding
  flip inside the network can add steps later, so whole models are held to
  the --check bound (reference.QDQ_CHECK_STEPS) and their step histogram is
  printed.
- Unsupported schemes give one clear error naming the tensor.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from rvpack.sdk import reference
from rvpack.sdk.compiler import build_bundle
from rvpack.sdk.errors import UnsupportedModelError
from rvpack.sdk.quantize import QuantizeOptions, quantize_model
from rvpack.sdk.targets import get_target
from tests.e2e.harness import build, check
from tests.e2e.light_models import randomized_live

RNG = np.random.default_rng(11)


def _init(name: str, value: np.ndarray) -> onnx.TensorProto:
    return numpy_helper.from_array(np.asarray(value), name)


class _Qdq:
    """Builds a QDQ graph: int8 tensors with their (scale, zero point)."""

    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.inits: list[onnx.TensorProto] = []

    def params(self, name: str, scale, zero_point, dtype=np.int8) -> tuple[str, str]:
        self.inits += [_init(f"{name}_s", np.asarray(scale, np.float32)),
                       _init(f"{name}_z", np.asarray(zero_point, dtype))]
        return f"{name}_s", f"{name}_z"

    def q(self, x: str, name: str, scale: float, zero_point: int) -> str:
        s, z = self.params(name, scale, zero_point)
        self.nodes.append(helper.make_node("QuantizeLinear", [x, s, z], [name]))
        return name

    def dq(self, x: str, name: str, scale, zero_point, axis: int | None = None, dtype=np.int8) -> str:
        s, z = self.params(name, scale, zero_point, dtype)
        attrs = {} if axis is None else {"axis": axis}
        self.nodes.append(helper.make_node("DequantizeLinear", [x, s, z], [name], **attrs))
        return name

    def weights(self, name: str, shape, axis: int) -> tuple[str, np.ndarray]:
        """Per-channel symmetric int8 weights along `axis`, dequantized."""
        w = RNG.integers(-127, 128, shape, dtype=np.int8)
        scales = RNG.uniform(0.002, 0.02, shape[axis]).astype(np.float32)
        self.inits.append(_init(name, w))
        return self.dq(name, f"{name}_dq", scales, np.zeros(shape[axis], np.int8), axis=axis), scales

    def bias(self, name: str, x_scale: float, w_scales: np.ndarray) -> str:
        b = RNG.integers(-3000, 3000, w_scales.size, dtype=np.int32)
        self.inits.append(_init(name, b))
        return self.dq(name, f"{name}_dq", (np.float32(x_scale) * w_scales).astype(np.float32),
                       np.zeros(w_scales.size, np.int32), axis=0, dtype=np.int32)


def _layers_model(path: Path) -> Path:
    """One int8 input feeding six independent fused layers, each to its own
    dequantized output."""
    b = _Qdq()
    xs, xz = 0.03, 5
    x = b.dq(b.q("x", "xq", xs, xz), "x_dq", xs, xz)
    outputs = []

    def out(y: str, name: str, scale: float, zero_point: int) -> None:
        outputs.append(b.dq(b.q(y, f"{name}_q", scale, zero_point), name, scale, zero_point))

    w, ws = b.weights("w_conv", (6, 4, 3, 3), 0)
    b.nodes.append(helper.make_node("Conv", [x, w, b.bias("b_conv", xs, ws)], ["conv"], pads=[1, 1, 1, 1],
                                    strides=[2, 1]))
    b.nodes.append(helper.make_node("Relu", ["conv"], ["conv_relu"]))
    out("conv_relu", "y_conv_relu", 0.05, -128)
    w, ws = b.weights("w_dw", (4, 1, 3, 3), 0)
    b.nodes.append(helper.make_node("Conv", [x, w], ["dw"], group=4, pads=[0, 1, 0, 1]))
    b.inits += [_init("lo", np.float32(-0.5)), _init("hi", np.float32(0.6))]
    b.nodes.append(helper.make_node("Clip", ["dw", "lo", "hi"], ["dw_clip"]))
    out("dw_clip", "y_dw_clip", 0.006, 3)
    b.inits.append(_init("flat", np.array([1, -1], np.int64)))
    b.nodes.append(helper.make_node("Reshape", [x, "flat"], ["flat_x"]))
    flat = b.dq(b.q("flat_x", "flat_q", xs, xz), "flat_dq", xs, xz)  # Reshape on int8
    w, ws = b.weights("w_gemm", (7, 4 * 8 * 8), 0)
    b.nodes.append(helper.make_node("Gemm", [flat, w, b.bias("b_gemm", xs, ws)], ["gemm"], transB=1))
    out("gemm", "y_gemm", 0.4, -2)
    w, ws = b.weights("w_matmul", (8, 5), 1)
    b.nodes.append(helper.make_node("MatMul", [x, w], ["matmul"]))
    out("matmul", "y_matmul", 0.08, 0)
    b.nodes.append(helper.make_node("MaxPool", [x], ["pool"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]))
    out("pool", "y_pool", xs, xz)
    other = b.dq(b.q("x", "xq2", 0.011, -20), "x2_dq", 0.011, -20)
    b.nodes.append(helper.make_node("Concat", [x, other], ["cat"], axis=1))
    out("cat", "y_cat", 0.02, 1)
    graph = helper.make_graph(b.nodes, "qdq_layers", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4, 8, 8])],
                              [], b.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    inferred = {v.name: v for v in onnx.shape_inference.infer_shapes(model).graph.value_info}
    model.graph.output.extend(inferred[o] for o in outputs)
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return path


def _steps(bundle, checked) -> list[np.ndarray]:
    """|ours - onnxruntime| in quantization steps, per output."""
    steps = reference.lsb_of(bundle.manifest)
    return [np.abs(np.asarray(o, np.float64).ravel() - np.asarray(r, np.float64).ravel())
            / (steps[s.name] / reference.QDQ_CHECK_STEPS)
            for o, r, s in zip(checked.run.outputs, checked.references, bundle.manifest.outputs)]


def test_each_fused_layer_is_within_one_step_of_onnxruntime(tmp_path):
    model = _layers_model(tmp_path / "layers.onnx")
    bundle = build(model, tmp_path / "b")
    ops = {layer.name: layer.op for layer in bundle.manifest.layers}
    kinds = sorted(ops.values())
    assert kinds.count("Qs8Conv") == 2 and {"Qs8FullyConnected", "Qs8MaxPool", "Q8Requantize"} <= set(kinds)
    assert kinds.count("Qs8FullyConnected") == 2 and "Conv" not in kinds and "Gemm" not in kinds
    inputs = [RNG.uniform(-3, 3, (1, 4, 8, 8)).astype(np.float32)]
    checked = check(bundle, model, inputs)
    for spec, d in zip(bundle.manifest.outputs, _steps(bundle, checked)):
        assert d.max() <= 1 + 1e-4, f"{spec.name}: {d.max():.3f} steps"
        exact = spec.name in ("y_pool", "y_cat")  # Q(DQ(x)) and ONNX's own float requantization
        assert d.max() < 1e-4 if exact else np.mean(d < 0.5) > 0.97, spec.name


def _quantized(f32: Path, out: Path, shape: tuple[int, ...], seed: int, fmt: str = "qdq") -> Path:
    """`rvpack quantize` (per-channel) of f32 with 4 calibration samples uniform in [-1, 1)."""
    calib = out.with_name(out.stem + "-calib")
    calib.mkdir(exist_ok=True)
    rng = np.random.default_rng(seed)
    for k in range(4):
        np.save(calib / f"s{k}.npy", rng.uniform(-1, 1, shape).astype(np.float32))
    quantize_model(f32, out, QuantizeOptions(calibration=calib, per_channel=True, format=fmt))
    return out


@pytest.fixture(scope="module")
def quantized_squeezenet(onnx_test_data, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("qsq")
    onnx.save(randomized_live(onnx_test_data / "light" / "light_squeezenet.onnx", seed=7), folder / "f32.onnx")
    return _quantized(folder / "f32.onnx", folder / "int8.onnx", (1, 3, 224, 224), seed=1)


def _check_model(model: Path, out: Path, target: str = "rv64gc", shapes=None, vlen: int | None = None):
    bundle = build(model, out, target, shapes=shapes)
    checked = check(bundle, model, vlen=vlen)
    d = _steps(bundle, checked)[0]
    histogram = {int(k): int(v) for k, v in zip(*np.unique(np.round(d), return_counts=True))}
    print(f"{model.name} {target}: steps from onnxruntime {histogram}")
    assert d.max() <= reference.QDQ_CHECK_STEPS + 1e-3 and all(c.ok for c in checked.comparisons)
    return bundle, d


def test_quantized_squeezenet_matches_onnxruntime(quantized_squeezenet, tmp_path):
    bundle, d = _check_model(quantized_squeezenet, tmp_path / "b")
    kinds = [layer.op for layer in bundle.manifest.layers]
    assert kinds.count("Qs8Conv") == 26 and "Conv" not in kinds  # every conv on the int8 kernel
    assert d.max() <= 1 + 1e-3 and np.mean(d < 0.5) > 0.9


def test_quantized_ppocr_cls_matches_onnxruntime(rapidocr_models, tmp_path):
    model = _quantized(rapidocr_models / "ch_ppocr_mobile_v2.0_cls_infer.onnx", tmp_path / "cls-int8.onnx",
                       (1, 3, 48, 192), seed=2)
    bundle, _ = _check_model(model, tmp_path / "b", shapes={"x": (1, 3, 48, 192)})
    assert sum(layer.op == "Qs8Conv" for layer in bundle.manifest.layers) >= 50


@pytest.mark.slow
@pytest.mark.parametrize("target,vlen", [("rvv1.0", 128), ("rvv1.0", 512)])
def test_quantized_squeezenet_on_rvv(quantized_squeezenet, target, vlen, tmp_path):
    _check_model(quantized_squeezenet, tmp_path / "b", target, vlen=vlen)


@pytest.mark.slow
def test_quantized_ppocr_det_and_resnet50(rapidocr_models, onnx_test_data, tmp_path):
    for name, source, shape in [("det", rapidocr_models / "ch_PP-OCRv4_det_infer.onnx", (1, 3, 160, 160)),
                                ("resnet50", onnx_test_data / "light" / "light_resnet50.onnx", (1, 3, 224, 224))]:
        if name == "resnet50":
            onnx.save(randomized_live(source, seed=7), tmp_path / "resnet50.onnx")
            source = tmp_path / "resnet50.onnx"
        model = _quantized(source, tmp_path / f"{name}-int8.onnx", shape, seed=3)
        _check_model(model, tmp_path / f"b-{name}", shapes={"x": shape} if name == "det" else None)


def _scheme_model(path: Path, kind: str) -> Path:
    b = _Qdq()
    shape = [1, 2, 4, 4]
    if kind == "int16":
        s, z = b.params("xq", 0.01, 0, np.int16)
        b.nodes.append(helper.make_node("QuantizeLinear", ["x", s, z], ["xq"]))
        x = b.dq("xq", "x_dq", 0.01, 0, dtype=np.int16)
    elif kind == "float16":
        b.inits += [_init("xq_s", np.float16(0.01)), _init("xq_z", np.int8(0))]
        b.nodes.append(helper.make_node("QuantizeLinear", ["x", "xq_s", "xq_z"], ["xq"]))
        x = b.dq("xq", "x_dq", 0.01, 0)
    else:  # per-axis activation scales
        s, z = b.params("xq", [0.01, 0.02], [0, 0])
        b.nodes.append(helper.make_node("QuantizeLinear", ["x", s, z], ["xq"], axis=1))
        x = b.dq("xq", "x_dq", [0.01, 0.02], [0, 0], axis=1)
    b.nodes.append(helper.make_node("Relu", [x], ["y"]))
    graph = helper.make_graph(b.nodes, "scheme", [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, shape)], b.inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21)]), path)
    return path


@pytest.mark.parametrize("kind,words", [("int16", ["'xq'", "16-bit"]), ("float16", ["'xq_s'", "float16"]),
                                        ("per_axis", ["'xq'", "per-axis"])])
def test_unsupported_schemes_name_the_tensor(kind, words, tmp_path):
    model = _scheme_model(tmp_path / f"{kind}.onnx", kind)
    with pytest.raises(UnsupportedModelError) as e:
        build_bundle(model, get_target("rv64gc"), tmp_path / "b")
    text = str(e.value)
    assert all(w in text for w in words) and "unsupported quantization" in text, text
    assert not (tmp_path / "b").exists()


def test_qoperator_squeezenet_is_bit_exact_against_onnxruntime(quantized_squeezenet, tmp_path):
    """QLinearConv, QLinearConcat and QLinearGlobalAveragePool (onnxruntime's
    QOperator format): onnxruntime runs them as integer kernels with the same
    float requantization as ours, so every output is identical."""
    model = _quantized(quantized_squeezenet.with_name("f32.onnx"), tmp_path / "qop.onnx", (1, 3, 224, 224), seed=1,
                       fmt="qoperator")
    assert any(n.op_type == "QLinearConv" for n in onnx.load(model).graph.node)
    bundle = build(model, tmp_path / "b")
    assert sum(layer.op == "Qs8Conv" for layer in bundle.manifest.layers) == 26
    assert {layer.op for layer in bundle.manifest.layers} >= {"Qs8MaxPool", "Q8Quantize", "Q8Dequantize"}
    checked = check(bundle, model)
    assert np.array_equal(checked.run.outputs[0].ravel(), checked.references[0].ravel())
