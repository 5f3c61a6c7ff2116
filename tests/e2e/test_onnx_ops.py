"""Every f32 operator the foundation promises, one small ONNX graph each, built
for rv64gc, run under QEMU and compared with onnxruntime. The cases hit the
attribute variants real exports carry (auto_pad, dilation, groups, ceil_mode,
broadcasting, negative steps, coordinate modes, ...)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from tests.e2e.harness import assert_matches, build, check

RNG = np.random.default_rng(0)


def w(*shape: int, scale: float = 0.5) -> np.ndarray:
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


@dataclass
class Case:
    id: str
    nodes: list
    inputs: dict[str, tuple[int, ...]]
    outputs: list[str] = field(default_factory=lambda: ["y"])
    weights: dict[str, np.ndarray] = field(default_factory=dict)
    opset: int = 17


def n(op: str, ins: list[str], outs: list[str] | None = None, **attrs) -> onnx.NodeProto:
    return helper.make_node(op, ins, outs or ["y"], **attrs)


CASES = [
    Case("conv_pads_bias", [n("Conv", ["x", "W", "B"], pads=[1, 2, 0, 1], strides=[2, 1])], {"x": (1, 3, 9, 8)},
         weights={"W": w(4, 3, 3, 3), "B": w(4)}),
    Case("conv_same_upper", [n("Conv", ["x", "W"], auto_pad="SAME_UPPER")], {"x": (2, 2, 7, 6)},
         weights={"W": w(3, 2, 2, 4)}),
    Case("conv_dilated_padded", [n("Conv", ["x", "W"], dilations=[2, 3], pads=[2, 1, 1, 3])], {"x": (1, 2, 9, 9)},
         weights={"W": w(3, 2, 3, 3)}),
    Case("conv_same_lower_stride", [n("Conv", ["x", "W"], auto_pad="SAME_LOWER", strides=[2, 2])], {"x": (1, 2, 8, 8)},
         weights={"W": w(2, 2, 4, 4)}),
    Case("conv_depthwise_multiplier", [n("Conv", ["x", "W"], group=4, pads=[1, 1, 1, 1])], {"x": (1, 4, 6, 6)},
         weights={"W": w(8, 1, 3, 3)}),
    Case("conv_grouped_1d", [n("Conv", ["x", "W"], group=2, pads=[1, 1])], {"x": (1, 4, 10)},
         weights={"W": w(6, 2, 3)}),
    Case("conv_transpose", [n("ConvTranspose", ["x", "W", "B"], strides=[2, 2], pads=[1, 1, 1, 1],
                              output_padding=[1, 1])], {"x": (1, 3, 5, 4)}, weights={"W": w(3, 2, 3, 3), "B": w(2)}),
    Case("conv_transpose_grouped_same", [n("ConvTranspose", ["x", "W"], strides=[2, 2], auto_pad="SAME_UPPER",
                                           group=2)], {"x": (1, 4, 3, 3)}, weights={"W": w(4, 1, 2, 2)}),
    Case("conv_bn_relu_fused", [n("Conv", ["x", "W"], ["c"], pads=[1, 1, 1, 1]),
                                n("BatchNormalization", ["c", "s", "b", "m", "v"], ["bn"]), n("Relu", ["bn"])],
         {"x": (1, 3, 6, 6)}, weights={"W": w(4, 3, 3, 3), "s": w(4) + 1, "b": w(4), "m": w(4),
                                       "v": np.abs(w(4)) + 0.5}),
    Case("batchnorm_alone", [n("BatchNormalization", ["x", "s", "b", "m", "v"], epsilon=1e-3)], {"x": (2, 3, 4, 5)},
         weights={"s": w(3), "b": w(3), "m": w(3), "v": np.abs(w(3)) + 0.1}),
    Case("gemm_transposed_alpha_beta", [n("Gemm", ["x", "W", "C"], transA=1, transB=1, alpha=0.5, beta=2.0)],
         {"x": (5, 3)}, weights={"W": w(4, 5), "C": w(1, 4)}),
    Case("gemm_full_bias", [n("Gemm", ["x", "W", "C"])], {"x": (3, 6)}, weights={"W": w(6, 2), "C": w(3, 2)}),
    Case("gemm_run_time_b_transposed_scalar_bias", [n("Gemm", ["a", "b", "C"], transB=1, beta=0.5)],
         {"a": (4, 6), "b": (5, 6)}, weights={"C": w(1)}),
    Case("gemm_row_bias_leaky_relu", [n("Gemm", ["x", "W", "C"], ["g"]), n("LeakyRelu", ["g"], alpha=0.1)], {"x": (3, 7)},
         weights={"W": w(7, 9), "C": w(3, 1)}),
    Case("gemm_fc_sigmoid", [n("Gemm", ["x", "W", "C"], ["g"], transB=1), n("Sigmoid", ["g"])], {"x": (1, 40)},
         weights={"W": w(70, 40), "C": w(70)}),
    Case("depthwise_leaky_relu", [n("Conv", ["x", "W", "B"], ["c"], group=6, pads=[1, 1, 1, 1], strides=[2, 2]),
                                  n("LeakyRelu", ["c"], alpha=0.2)], {"x": (1, 6, 11, 10)},
         weights={"W": w(6, 1, 3, 3), "B": w(6)}),
    Case("matmul_batched_broadcast", [n("MatMul", ["x", "W"])], {"x": (2, 3, 4, 5)}, weights={"W": w(5, 6)}),
    Case("matmul_two_inputs", [n("MatMul", ["a", "b"])], {"a": (3, 4, 5), "b": (3, 5, 2)}),
    Case("matmul_vector", [n("MatMul", ["x", "W"])], {"x": (7,)}, weights={"W": w(7, 3)}),
    Case("activations", [n("Relu", ["x"], ["a"]), n("Clip", ["a", "lo", "hi"], ["b"]), n("LeakyRelu", ["x"], ["c"], alpha=0.2),
                         n("Sigmoid", ["x"], ["d"]), n("Tanh", ["x"], ["e"]), n("HardSwish", ["x"], ["f"]),
                         n("HardSigmoid", ["x"], ["g"], alpha=0.3, beta=0.4), n("Sum", ["b", "c", "d", "e", "f", "g"])],
         {"x": (2, 3, 4, 4)}, weights={"lo": np.array(-0.5, np.float32), "hi": np.array(6.0, np.float32)}),
    Case("prelu_per_channel", [n("PRelu", ["x", "slope"])], {"x": (1, 3, 4, 4)}, weights={"slope": w(3, 1, 1)}),
    Case("softmax_axis1", [n("Softmax", ["x"], axis=1)], {"x": (2, 5, 3)}),
    Case("log_softmax_last", [n("LogSoftmax", ["x"])], {"x": (3, 7)}),
    Case("binary_broadcast", [n("Add", ["x", "c"], ["a"]), n("Sub", ["a", "r"], ["b"]), n("Mul", ["b", "x"], ["m"]),
                              n("Div", ["m", "d"])], {"x": (2, 3, 4, 5), "r": (4, 1)},
         weights={"c": w(3, 1, 1), "d": np.abs(w(5)) + 0.5}),
    Case("concat_and_split", [n("Concat", ["a", "b"], ["c"], axis=1), n("Split", ["c", "sp"], ["y", "z"], axis=1)],
         {"a": (2, 3, 4), "b": (2, 5, 4)}, outputs=["y", "z"], weights={"sp": np.array([6, 2], np.int64)}),
    Case("reshape_flatten_squeeze", [n("Reshape", ["x", "s"], ["r"]), n("Flatten", ["r"], ["f"], axis=2),
                                     n("Unsqueeze", ["f", "ax"], ["u"]), n("Squeeze", ["u", "ax"], ["q"]),
                                     n("Relu", ["q"])], {"x": (2, 12)},
         weights={"s": np.array([2, 3, 2, 2], np.int64), "ax": np.array([0], np.int64)}),
    Case("transpose", [n("Transpose", ["x"], perm=[0, 2, 3, 1])], {"x": (2, 3, 4, 5)}),
    Case("maxpool_ceil_pads", [n("MaxPool", ["x"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 0, 0],
                                 ceil_mode=1)], {"x": (1, 2, 8, 7)}),
    Case("maxpool_same", [n("MaxPool", ["x"], kernel_shape=[2, 3], auto_pad="SAME_UPPER", strides=[2, 2])],
         {"x": (1, 2, 7, 6)}),
    Case("maxpool_dilated", [n("MaxPool", ["x"], kernel_shape=[2, 2], pads=[1, 1, 1, 1], dilations=[2, 2])],
         {"x": (1, 2, 6, 6)}),
    Case("avgpool_include_pad", [n("AveragePool", ["x"], kernel_shape=[3, 3], pads=[1, 1, 1, 1], count_include_pad=1)],
         {"x": (1, 2, 5, 5)}),
    Case("avgpool_exclude_pad_ceil", [n("AveragePool", ["x"], kernel_shape=[2, 2], strides=[2, 2], ceil_mode=1)],
         {"x": (1, 2, 5, 5)}),
    Case("global_pools", [n("GlobalAveragePool", ["x"], ["a"]), n("GlobalMaxPool", ["x"], ["b"]), n("Add", ["a", "b"])],
         {"x": (2, 3, 4, 5)}),
    Case("pad_constant", [n("Pad", ["x", "p", "v"])], {"x": (1, 2, 3, 3)},
         weights={"p": np.array([0, 1, 2, 1, 0, 0, 1, 2], np.int64), "v": np.array(0.5, np.float32)}),
    Case("pad_reflect", [n("Pad", ["x", "p"], mode="reflect")], {"x": (1, 2, 4, 4)},
         weights={"p": np.array([0, 0, 2, 1, 0, 0, 1, 2], np.int64)}),
    Case("pad_edge", [n("Pad", ["x", "p"], mode="edge")], {"x": (1, 1, 3, 4)},
         weights={"p": np.array([0, 0, 1, 3, 0, 0, 2, 0], np.int64)}),
    Case("resize_nearest_scales", [n("Resize", ["x", "", "sc"], mode="nearest")], {"x": (1, 2, 3, 4)},
         weights={"sc": np.array([1, 1, 2, 2], np.float32)}),
    Case("resize_nearest_asymmetric_floor", [n("Resize", ["x", "", "", "sz"], mode="nearest",
                                               coordinate_transformation_mode="asymmetric", nearest_mode="floor")],
         {"x": (1, 2, 4, 5)}, weights={"sz": np.array([1, 2, 7, 9], np.int64)}),
    Case("resize_linear_half_pixel", [n("Resize", ["x", "", "", "sz"], mode="linear")], {"x": (1, 2, 4, 5)},
         weights={"sz": np.array([1, 2, 9, 7], np.int64)}),
    Case("resize_linear_align_corners", [n("Resize", ["x", "", "sc"], mode="linear",
                                           coordinate_transformation_mode="align_corners")], {"x": (1, 1, 3, 4)},
         weights={"sc": np.array([1, 1, 2, 2], np.float32)}),
    Case("lrn", [n("LRN", ["x"], size=5, alpha=1e-3, beta=0.75, bias=2.0)], {"x": (1, 7, 3, 3)}),
    Case("reduce_mean_keepdims", [n("ReduceMean", ["x"], axes=[2, 3], keepdims=1)], {"x": (2, 3, 4, 5)}),
    Case("reduce_mean_last", [n("ReduceMean", ["x"], axes=[-1], keepdims=0)], {"x": (2, 3, 4)}),
    Case("depth_to_space_dcr", [n("DepthToSpace", ["x"], blocksize=2)], {"x": (1, 8, 2, 3)}),
    Case("depth_to_space_crd", [n("DepthToSpace", ["x"], blocksize=2, mode="CRD")], {"x": (1, 8, 3, 2)}),
    Case("slice_negative_step", [n("Slice", ["x", "st", "en", "ax", "sp"])], {"x": (2, 6, 7)},
         weights={"st": np.array([5, 1], np.int64), "en": np.array([0, 7], np.int64), "ax": np.array([1, 2], np.int64),
                  "sp": np.array([-2, 3], np.int64)}),
    Case("gather_constant_indices", [n("Gather", ["x", "i"], axis=1)], {"x": (2, 5, 3)},
         weights={"i": np.array([4, 0, 2], np.int64)}),
    Case("dropout_identity", [n("Dropout", ["x"], ["d"]), n("Identity", ["d"])], {"x": (3, 4)}),
    Case("shape_chain_reshape", [n("Shape", ["x"], ["s"]), n("Gather", ["s", "zero"], ["b"], axis=0),
                                 n("Unsqueeze", ["b", "ax"], ["b1"]), n("Concat", ["b1", "m1"], ["shp"], axis=0),
                                 n("Reshape", ["x", "shp"])], {"x": (2, 3, 4)},
         weights={"zero": np.array(0, np.int64), "ax": np.array([0], np.int64), "m1": np.array([-1], np.int64)}),
    Case("opset9_model", [n("Relu", ["x"], ["r"]), n("Upsample", ["r", "sc"], mode="nearest")], {"x": (1, 1, 2, 3)},
         weights={"sc": np.array([1, 1, 2, 3], np.float32)}, opset=9),
    Case("opset21_model", [n("Pad", ["x", "p", "", "ax"]), ], {"x": (2, 3, 4)},
         weights={"p": np.array([1, 2], np.int64), "ax": np.array([2], np.int64)}, opset=21),
]


def make_model(case: Case) -> onnx.ModelProto:
    inputs = [helper.make_tensor_value_info(k, TensorProto.FLOAT, list(v)) for k, v in case.inputs.items()]
    outputs = [helper.make_empty_tensor_value_info(o) for o in case.outputs]
    inits = [numpy_helper.from_array(v, k) for k, v in case.weights.items()]
    graph = helper.make_graph(case.nodes, case.id, inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", case.opset)], ir_version=8)
    model = onnx.shape_inference.infer_shapes(model)
    onnx.checker.check_model(model)
    return model


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_onnx_operator_matches_onnxruntime(case, tmp_path):
    path = tmp_path / f"{case.id}.onnx"
    onnx.save(make_model(case), path)
    bundle = build(path, tmp_path / "b.rvpack")
    assert_matches(check(bundle, path))


def test_external_data_model(tmp_path):
    case = Case("external", [n("Conv", ["x", "W", "B"], pads=[1, 1, 1, 1])], {"x": (1, 4, 6, 6)},
                weights={"W": w(8, 4, 3, 3), "B": w(8)})
    path = tmp_path / "external.onnx"
    onnx.save(make_model(case), path, save_as_external_data=True, all_tensors_to_one_file=True,
              location="external.weights", size_threshold=0)
    assert (tmp_path / "external.weights").stat().st_size > 8 * 4 * 9 * 4
    bundle = build(path, tmp_path / "b.rvpack")
    assert_matches(check(bundle, path))
