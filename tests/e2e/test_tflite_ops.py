"""Every f32 TFLite operator the importer translates, in a tiny flatbuffer
model each (written with the schema's builders), built for rv64gc, run under
QEMU and compared with tflite-runtime. These exercise the NHWC -> NCHW
translation (weights, padding, axes, broadcasting) op by op."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from tflite import ActivationFunctionType as Act
from tflite import BuiltinOperator as B
from tflite import Padding

from tests.e2e.harness import assert_matches, build, check
from tests.tflite_builder import ModelSpec, Op, T, build as build_tflite, options

RNG = np.random.default_rng(3)
F32 = np.float32


def w(*shape: int) -> np.ndarray:
    return (RNG.standard_normal(shape) * 0.5).astype(F32)


def i32(values) -> np.ndarray:
    return np.array(values, np.int32)


@dataclass
class Case:
    id: str
    spec: ModelSpec


def single(id: str, code: int, ins: list[T], out: T, opts=None) -> Case:
    """One operator: every tensor without data is a model input."""
    tensors = ins + [out]
    inputs = [k for k, t in enumerate(ins) if t.data is None]
    return Case(id, ModelSpec(tensors, [Op(code, list(range(len(ins))), [len(ins)], opts)], inputs, [len(ins)]))


def conv_opts(padding, stride=1, act=Act.NONE, dil=1):
    return options("Conv2DOptions", Padding=padding, StrideW=stride, StrideH=stride, FusedActivationFunction=act,
                   DilationWFactor=dil, DilationHFactor=dil)


def pool_opts(padding, size, stride, act=Act.NONE):
    return options("Pool2DOptions", Padding=padding, StrideW=stride, StrideH=stride, FilterWidth=size,
                   FilterHeight=size, FusedActivationFunction=act)


CASES = [
    single("conv_same_stride2_relu6", B.CONV_2D, [T("x", F32, (1, 9, 8, 3)), T("w", F32, (4, 3, 3, 3), w(4, 3, 3, 3)),
                                                  T("b", F32, (4,), w(4))], T("y", F32, (1, 5, 4, 4)),
           conv_opts(Padding.SAME, 2, Act.RELU6)),
    single("conv_valid_dilated", B.CONV_2D, [T("x", F32, (1, 9, 9, 2)), T("w", F32, (3, 3, 3, 2), w(3, 3, 3, 2)),
                                             T("b", F32, (3,), w(3))], T("y", F32, (1, 5, 5, 3)),
           conv_opts(Padding.VALID, 1, Act.NONE, 2)),
    single("depthwise_multiplier2", B.DEPTHWISE_CONV_2D,
           [T("x", F32, (1, 6, 6, 3)), T("w", F32, (1, 3, 3, 6), w(1, 3, 3, 6)), T("b", F32, (6,), w(6))],
           T("y", F32, (1, 6, 6, 6)),
           options("DepthwiseConv2DOptions", Padding=Padding.SAME, StrideW=1, StrideH=1, DepthMultiplier=2,
                   FusedActivationFunction=Act.RELU, DilationWFactor=1, DilationHFactor=1)),
    single("fully_connected_4d_input", B.FULLY_CONNECTED,
           [T("x", F32, (1, 2, 2, 3)), T("w", F32, (5, 12), w(5, 12)), T("b", F32, (5,), w(5))], T("y", F32, (1, 5)),
           options("FullyConnectedOptions", FusedActivationFunction=Act.RELU)),
    single("avgpool_same", B.AVERAGE_POOL_2D, [T("x", F32, (1, 5, 5, 2))], T("y", F32, (1, 3, 3, 2)),
           pool_opts(Padding.SAME, 3, 2)),
    single("maxpool_valid", B.MAX_POOL_2D, [T("x", F32, (1, 6, 7, 2))], T("y", F32, (1, 3, 3, 2)),
           pool_opts(Padding.VALID, 2, 2)),
    single("add_channel_bias_relu", B.ADD, [T("x", F32, (1, 4, 4, 3)), T("c", F32, (3,), w(3))],
           T("y", F32, (1, 4, 4, 3)), options("AddOptions", FusedActivationFunction=Act.RELU)),
    single("mul_two_inputs", B.MUL, [T("a", F32, (1, 4, 4, 3)), T("b", F32, (1, 1, 1, 3))], T("y", F32, (1, 4, 4, 3)),
           options("MulOptions", FusedActivationFunction=Act.NONE)),
    single("sub_broadcast", B.SUB, [T("a", F32, (1, 4, 5, 3)), T("b", F32, (1, 4, 1, 1), w(1, 4, 1, 1))],
           T("y", F32, (1, 4, 5, 3)), options("SubOptions", FusedActivationFunction=Act.NONE)),
    single("div_2d", B.DIV, [T("a", F32, (3, 4)), T("b", F32, (4,), np.abs(w(4)) + 0.5)], T("y", F32, (3, 4)),
           options("DivOptions", FusedActivationFunction=Act.NONE)),
    single("concat_channels", B.CONCATENATION, [T("a", F32, (1, 4, 4, 2)), T("b", F32, (1, 4, 4, 3))],
           T("y", F32, (1, 4, 4, 5)), options("ConcatenationOptions", Axis=3, FusedActivationFunction=Act.NONE)),
    single("concat_height", B.CONCATENATION, [T("a", F32, (1, 2, 4, 2)), T("b", F32, (1, 3, 4, 2))],
           T("y", F32, (1, 5, 4, 2)), options("ConcatenationOptions", Axis=1, FusedActivationFunction=Act.NONE)),
    single("reshape_4d_to_2d", B.RESHAPE, [T("x", F32, (1, 2, 3, 4)), T("s", np.int32, (2,), i32([1, 24]))],
           T("y", F32, (1, 24))),
    single("softmax", B.SOFTMAX, [T("x", F32, (2, 5))], T("y", F32, (2, 5)), options("SoftmaxOptions", Beta=1.0)),
    single("mean_spatial", B.MEAN, [T("x", F32, (1, 4, 5, 3)), T("a", np.int32, (2,), i32([1, 2]))],
           T("y", F32, (1, 3)), options("ReducerOptions", KeepDims=False)),
    single("mean_keepdims", B.MEAN, [T("x", F32, (1, 4, 5, 3)), T("a", np.int32, (1,), i32([2]))],
           T("y", F32, (1, 4, 1, 3)), options("ReducerOptions", KeepDims=True)),
    single("resize_bilinear_half_pixel", B.RESIZE_BILINEAR, [T("x", F32, (1, 3, 4, 2)), T("s", np.int32, (2,), i32([6, 7]))],
           T("y", F32, (1, 6, 7, 2)), options("ResizeBilinearOptions", HalfPixelCenters=True)),
    single("resize_bilinear_align_corners", B.RESIZE_BILINEAR,
           [T("x", F32, (1, 3, 4, 2)), T("s", np.int32, (2,), i32([5, 7]))], T("y", F32, (1, 5, 7, 2)),
           options("ResizeBilinearOptions", AlignCorners=True)),
    single("resize_bilinear_asymmetric", B.RESIZE_BILINEAR,
           [T("x", F32, (1, 3, 4, 2)), T("s", np.int32, (2,), i32([6, 8]))], T("y", F32, (1, 6, 8, 2)),
           options("ResizeBilinearOptions")),
    single("resize_nearest", B.RESIZE_NEAREST_NEIGHBOR, [T("x", F32, (1, 3, 4, 2)), T("s", np.int32, (2,), i32([6, 8]))],
           T("y", F32, (1, 6, 8, 2)), options("ResizeNearestNeighborOptions")),
    single("pad", B.PAD, [T("x", F32, (1, 3, 3, 2)), T("p", np.int32, (4, 2), i32([[0, 0], [1, 2], [2, 1], [0, 1]]))],
           T("y", F32, (1, 6, 6, 3))),
    single("transpose_conv_same", B.TRANSPOSE_CONV,
           [T("shape", np.int32, (4,), i32([1, 8, 8, 2])), T("w", F32, (2, 3, 3, 3), w(2, 3, 3, 3)), T("x", F32, (1, 4, 4, 3))],
           T("y", F32, (1, 8, 8, 2)), options("TransposeConvOptions", Padding=Padding.SAME, StrideW=2, StrideH=2)),
    single("logistic", B.LOGISTIC, [T("x", F32, (1, 3, 3, 4))], T("y", F32, (1, 3, 3, 4))),
    single("tanh", B.TANH, [T("x", F32, (2, 7))], T("y", F32, (2, 7))),
    single("relu6", B.RELU6, [T("x", F32, (1, 3, 3, 4))], T("y", F32, (1, 3, 3, 4))),
    single("hard_swish", B.HARD_SWISH, [T("x", F32, (1, 3, 3, 4))], T("y", F32, (1, 3, 3, 4))),
    single("leaky_relu", B.LEAKY_RELU, [T("x", F32, (1, 3, 3, 4))], T("y", F32, (1, 3, 3, 4)),
           options("LeakyReluOptions", Alpha=0.2)),
    single("prelu", B.PRELU, [T("x", F32, (1, 4, 4, 3)), T("a", F32, (1, 1, 3), w(1, 1, 3))], T("y", F32, (1, 4, 4, 3))),
    single("depth_to_space", B.DEPTH_TO_SPACE, [T("x", F32, (1, 2, 3, 8))], T("y", F32, (1, 4, 6, 2)),
           options("DepthToSpaceOptions", BlockSize=2)),
    single("transpose", B.TRANSPOSE, [T("x", F32, (1, 2, 3, 4)), T("p", np.int32, (4,), i32([0, 3, 1, 2]))],
           T("y", F32, (1, 4, 2, 3))),
    single("strided_slice_masks", B.STRIDED_SLICE,
           [T("x", F32, (1, 7, 6, 5)), T("b", np.int32, (4,), i32([0, 1, -5, 4])),
            T("e", np.int32, (4,), i32([1, 7, 6, 5])), T("s", np.int32, (4,), i32([1, 2, 2, 1]))],
           T("y", F32, (1, 3, 3, 1)), options("StridedSliceOptions", BeginMask=0b0001, EndMask=0b0100)),
    single("strided_slice_shrink", B.STRIDED_SLICE,
           [T("x", F32, (2, 6, 5)), T("b", np.int32, (3,), i32([1, 0, -1])),
            T("e", np.int32, (3,), i32([2, 6, 0])), T("s", np.int32, (3,), i32([1, 3, 1]))],
           T("y", F32, (2,)), options("StridedSliceOptions", ShrinkAxisMask=0b101)),
    Case("split_v_of_conv_output", ModelSpec(
        [T("x", F32, (1, 4, 4, 2)), T("w", F32, (5, 1, 1, 2), w(5, 1, 1, 2)), T("b", F32, (5,), w(5)),
         T("c", F32, (1, 4, 4, 5)), T("sizes", np.int32, (2,), i32([2, -1])),
         T("axis", np.int32, (), np.array(3, np.int32)), T("y0", F32, (1, 4, 4, 2)), T("y1", F32, (1, 4, 4, 3))],
        [Op(B.CONV_2D, [0, 1, 2], [3], conv_opts(Padding.VALID)),
         Op(B.SPLIT_V, [3, 4, 5], [6, 7], options("SplitVOptions", NumSplits=2))], [0], [6, 7])),
    Case("conv_then_reshape_chain", ModelSpec(
        [T("x", F32, (1, 4, 4, 2)), T("w", F32, (3, 1, 1, 2), w(3, 1, 1, 2)), T("b", F32, (3,), w(3)),
         T("c", F32, (1, 4, 4, 3)), T("s", np.int32, (3,), i32([1, 16, 3])), T("y", F32, (1, 16, 3))],
        [Op(B.CONV_2D, [0, 1, 2], [3], conv_opts(Padding.VALID)), Op(B.RESHAPE, [3, 4], [5])], [0], [5])),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_tflite_operator_matches_tflite_runtime(case, tmp_path):
    path = tmp_path / f"{case.id}.tflite"
    path.write_bytes(build_tflite(case.spec))
    bundle = build(path, tmp_path / "b.rvpack")
    assert_matches(check(bundle, path))
