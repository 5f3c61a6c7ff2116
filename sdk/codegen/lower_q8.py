"""Lowering of rvpack's int8 operators (sdk/frontend/tflite_int8.py) onto
the scalar int8 kernels (runtime/include/rvpack/kernels_qs8.h).

The rescaling multipliers are computed here, at build time, exactly as
TFLite computes them (sdk/ir/quant.py), so the bundle's integers are
TFLite's integers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from rvpack.sdk.codegen.calls import ConstArray, KernelCall, Literal, LoweredLayer, Params, ScratchArg, TensorArg
from rvpack.sdk.codegen.qs8_packing import pack_qs8_conv_weights
from rvpack.sdk.codegen.shapes import (MAX_BINARY_RANK, Unsupported, broadcast_strides, coalesce, conv_pads, shape,
                                       spatial_2d)
from rvpack.sdk.ir import quant
from rvpack.sdk.ir.graph import Graph, Node, QuantParams

UINT8 = np.dtype(np.uint8)
# Largest accumulation length with no int32 overflow: K * 255 * 127 plus a bias below 2^30.
MAX_K = ((1 << 31) - (1 << 30)) // (255 * 127)


def _q(g: Graph, name: str) -> QuantParams:
    q = g.tensors[name].quant
    if q is None:
        raise Unsupported(f"tensor '{name}' has no quantization parameters")
    return q


def _clamp(node: Node, y: QuantParams) -> tuple[int, int]:
    """The output clamp: "_qmin"/"_qmax" (ONNX models), or the fused "_act" (TFLite)."""
    if "_qmin" in node.attrs:
        return int(node.attrs["_qmin"]), int(node.attrs["_qmax"])
    return quant.activation_range(node.attrs.get("_act", "NONE"), y.scale[0], y.zero_point[0])


def _output(g: Graph, node: Node, mults: list[int], shifts: list[int], scales: list[float] | None = None) -> dict:
    """The rvpack_qs8_output_t of a node: TFLite's fixed-point rescale, or with
    "_rounding": "float" (ONNX models, sdk/passes/qdq.py) onnxruntime's float
    one; the clamp from "_act" (TFLite) or "_qmin"/"_qmax" (ONNX)."""
    y = _q(g, node.outputs[0])
    lo, hi = _clamp(node, y)
    rounding = node.attrs.get("_rounding", "away")
    code = {"away": "RVPACK_Q8_ROUND_AWAY", "half_up": "RVPACK_Q8_ROUND_HALF_UP", "float": "RVPACK_Q8_ROUND_FLOAT"}
    if rounding == "float" and scales is None:
        raise Unsupported(f"{node.op} has no float rescaling")
    return dict(zero_point=y.zero_point[0], min=lo, max=hi, per_channel=int(len(mults) > 1),
                rounding=Literal(code[rounding]), multiplier=ConstArray("int32_t", tuple(mults)),
                shift=ConstArray("int32_t", tuple(shifts)),
                scale=ConstArray("float", tuple(scales)) if scales is not None and rounding == "float"
                else Literal("NULL"))


def lower_qs8_conv(node: Node, g: Graph) -> LoweredLayer:
    x, w, y = shape(g, node.inputs[0]), shape(g, node.inputs[1]), shape(g, node.outputs[0])
    n, c, h, wd = spatial_2d(x, "Qs8Conv input")
    _, oc, oh, ow = spatial_2d(y, "Qs8Conv output")
    kernel, strides = list(w[2:]), list(node.attrs.get("strides", [1, 1]))
    dil = list(node.attrs.get("dilations", [1, 1]))
    begin, _ = conv_pads(node, [h, wd], kernel, strides, dil, [oh, ow])
    group = int(node.attrs.get("group", 1))
    k = int(np.prod(w[1:]))
    if k > MAX_K:
        raise Unsupported(f"{k} products per output could overflow the int32 accumulator (max {MAX_K})")
    xq, wq, yq = _q(g, node.inputs[0]), _q(g, node.inputs[1]), _q(g, node.outputs[0])
    mults, shifts = quant.conv_multipliers(xq.scale[0], list(wq.scale), yq.scale[0])
    scales = quant.onnx_output_scales(xq.scale[0], list(wq.scale), yq.scale[0])
    geometry = dict(batch=n, in_channels=c, in_height=h, in_width=wd, out_channels=oc, out_height=oh, out_width=ow,
                    kernel_height=kernel[0], kernel_width=kernel[1], stride_height=strides[0],
                    stride_width=strides[1], dilation_height=dil[0], dilation_width=dil[1], pad_top=begin[0],
                    pad_left=begin[1], groups=group, act=Literal("{RVPACK_ACT_NONE, 0.0f, 0.0f}"))
    p = Params("rvpack_qs8_conv2d_params_t", dict(geometry=geometry, input_zero_point=xq.zero_point[0],
                                                  out=_output(g, node, mults, shifts, scales)))
    bias = TensorArg(node.inputs[2]) if node.input(2) else Literal("NULL")
    fn = "rvpack_qs8_conv2d_nchw__scalar"
    call = KernelCall(fn, [p, TensorArg(node.inputs[0]), TensorArg(node.inputs[1]), bias, TensorArg(node.outputs[0]),
                           ScratchArg()])
    return LoweredLayer(node.name, node.op, fn, [call], macs=n * oc * oh * ow * k, params=int(np.prod(w)),
                        scratch_bytes=4 * oh * ow)


GEMM_MR = 4  # RVPACK_QS8_GEMM_MR
PANEL_BYTES = 64 * 1024  # bound of an int8 im2col panel (K x panel pixels)
GEMM_ROUNDINGS = ("half_up", "float")  # the requantizations of the packed-block GEMM kernels


@dataclass(frozen=True)
class Qs8ConvGemm:
    """A Qs8Conv as one GEMM per group over blocks of output channels packed
    with their requantization (sdk/codegen/qs8_packing.py): the plan the
    rv64gc kernel (runtime/src/qs8_gemm.c) and the rvv microkernels
    (sdk/targets/rvv/qs8.py) share."""

    plane: LoweredLayer  # the plane kernel's lowering: its params, MACs and weight count
    k: int  # GEMM depth per group
    pixels: int
    direct: bool  # a 1x1, stride-1, unpadded conv: the input is the GEMM's B
    panel: int  # im2col panel pixels (0 when direct)
    pack: Callable[[int], np.ndarray]  # MR -> the packed weights

    @property
    def fields(self) -> dict:
        return self.plane.calls[0].args[0].fields

    def layer(self, node: Node, fn: str, params: Params, kernel: str, mr: int) -> LoweredLayer:
        name = f"{node.name}__packed_qs8"
        call = KernelCall(fn, [params, TensorArg(node.inputs[0]), TensorArg(name), TensorArg(node.outputs[0]),
                               ScratchArg()])
        how = "direct" if self.direct else f"im2col panel {self.panel} px"
        return LoweredLayer(node.name, node.op, f"{kernel} ({how})", [call], macs=self.plane.macs,
                            params=self.plane.params, scratch_bytes=self.k * self.panel,
                            constants={name: self.pack(mr)})


def qs8_conv_gemm(node: Node, g: Graph) -> Qs8ConvGemm | None:
    """The GEMM plan of a Qs8Conv, or None where the GEMM kernels do not apply
    (run-time weights, TFLite's "away" rounding, depthwise)."""
    weights = g.constant(node.inputs[1])
    bias = g.constant(node.input(2)) if node.input(2) else None
    if node.attrs.get("_rounding", "away") not in GEMM_ROUNDINGS or weights is None or (node.input(2) and bias is None):
        return None
    plane = lower_qs8_conv(node, g)
    geometry = plane.calls[0].args[0].fields["geometry"]
    groups = geometry["groups"]
    if geometry["in_channels"] == groups and geometry["out_channels"] == groups:
        return None  # depthwise: one-row GEMMs waste the blocks; the plane kernel (and its vector twin) run it
    k = int(weights[0].size)
    pixels = geometry["out_height"] * geometry["out_width"]
    direct = (geometry["kernel_height"] == geometry["kernel_width"] == 1 and geometry["stride_height"] == 1
              and geometry["stride_width"] == 1 and geometry["pad_top"] == geometry["pad_left"] == 0
              and pixels == geometry["in_height"] * geometry["in_width"])
    xq, wq, yq = _q(g, node.inputs[0]), _q(g, node.inputs[1]), _q(g, node.outputs[0])
    mults, shifts = quant.conv_multipliers(xq.scale[0], list(wq.scale), yq.scale[0])
    scales = quant.onnx_output_scales(xq.scale[0], list(wq.scale), yq.scale[0])
    return Qs8ConvGemm(plane, k, pixels, direct, 0 if direct else max(1, min(pixels, PANEL_BYTES // k)),
                       lambda mr: pack_qs8_conv_weights(mr, weights, bias, xq.zero_point[0], mults, shifts, scales,
                                                        groups))


def lower_qs8_conv_any(node: Node, g: Graph) -> LoweredLayer:
    """Qs8Conv on the register-blocked GEMM kernel where it applies, else on the plane kernel."""
    gemm = qs8_conv_gemm(node, g)
    if gemm is None:
        return lower_qs8_conv(node, g)
    fields = gemm.fields
    out = fields["out"]
    p = Params("rvpack_qs8_conv2d_gemm_params_t", dict(
        geometry=fields["geometry"], input_zero_point=fields["input_zero_point"], rounding=out["rounding"],
        output_zero_point=out["zero_point"], min=out["min"], max=out["max"], panel_pixels=gemm.panel))
    fn = "rvpack_qs8_conv2d_nchw_gemm__scalar"
    return gemm.layer(node, fn, p, fn, GEMM_MR)


def lower_qs8_fully_connected(node: Node, g: Graph) -> LoweredLayer:
    w = shape(g, node.inputs[1])
    rows = g.tensors[node.inputs[0]].num_elements // w[1]
    if w[1] > MAX_K:
        raise Unsupported(f"{w[1]} products per output could overflow the int32 accumulator (max {MAX_K})")
    xq, wq, yq = _q(g, node.inputs[0]), _q(g, node.inputs[1]), _q(g, node.outputs[0])
    mults, shifts = quant.conv_multipliers(xq.scale[0], list(wq.scale), yq.scale[0])
    scales = quant.onnx_output_scales(xq.scale[0], list(wq.scale), yq.scale[0])
    p = Params("rvpack_qs8_fully_connected_params_t", dict(
        batch=rows, in_features=w[1], out_features=w[0], input_zero_point=xq.zero_point[0],
        out=_output(g, node, mults, shifts, scales)))
    bias = TensorArg(node.inputs[2]) if node.input(2) else Literal("NULL")
    fn = "rvpack_qs8_fully_connected__scalar"
    call = KernelCall(fn, [p, TensorArg(node.inputs[0]), TensorArg(node.inputs[1]), bias, TensorArg(node.outputs[0])])
    return LoweredLayer(node.name, node.op, fn, [call], macs=rows * w[0] * w[1], params=w[0] * w[1])


def _broadcast(g: Graph, a: str, b: str, y: str, op: str) -> dict:
    """The rvpack_binary_params_t part of an int8 elementwise op."""
    out = shape(g, y)
    dims, (sa, sb) = coalesce(out, broadcast_strides(shape(g, a), out), broadcast_strides(shape(g, b), out))
    if len(dims) > MAX_BINARY_RANK:
        raise Unsupported(f"broadcast over {len(dims)} dimensions is not supported (max {MAX_BINARY_RANK})")
    pad = MAX_BINARY_RANK - len(dims)
    return dict(op=Literal(f"RVPACK_BINARY_{op}"), rank=MAX_BINARY_RANK, shape=[1] * pad + dims,
                a_strides=[0] * pad + sa, b_strides=[0] * pad + sb, act=Literal("{RVPACK_ACT_NONE, 0.0f, 0.0f}"))


def lower_qs8_mul(node: Node, g: Graph) -> LoweredLayer:
    a, b, y = node.inputs[0], node.inputs[1], node.outputs[0]
    aq, bq, yq = _q(g, a), _q(g, b), _q(g, y)
    mult, shift = quant.mul_multiplier(aq.scale[0], bq.scale[0], yq.scale[0])
    p = Params("rvpack_qs8_mul_params_t", dict(shape=_broadcast(g, a, b, y, "MUL"), a_zero_point=aq.zero_point[0],
                                               b_zero_point=bq.zero_point[0], out=_output(g, node, [mult], [shift])))
    fn = "rvpack_qs8_mul__scalar"
    return LoweredLayer(node.name, node.op, fn, [KernelCall(fn, [p, TensorArg(a), TensorArg(b), TensorArg(y)])])


def lower_qs8_add(node: Node, g: Graph) -> LoweredLayer:
    a, b, y = node.inputs[0], node.inputs[1], node.outputs[0]
    aq, bq, yq = _q(g, a), _q(g, b), _q(g, y)
    m = quant.add_multipliers(aq.scale[0], bq.scale[0], yq.scale[0])
    shape_params = _broadcast(g, a, b, y, "ADD")
    p = Params("rvpack_qs8_add_params_t", dict(
        shape=shape_params, a_zero_point=aq.zero_point[0], b_zero_point=bq.zero_point[0],
        a_multiplier=m["a_multiplier"], a_shift=m["a_shift"], b_multiplier=m["b_multiplier"],
        b_shift=m["b_shift"], left_shift=m["left_shift"], out=_output(g, node, [m["multiplier"]], [m["shift"]])))
    fn = "rvpack_qs8_add__scalar"
    return LoweredLayer(node.name, node.op, fn, [KernelCall(fn, [p, TensorArg(a), TensorArg(b), TensorArg(y)])])


def lower_qs8_pool(node: Node, g: Graph) -> LoweredLayer:
    x, y = shape(g, node.inputs[0]), shape(g, node.outputs[0])
    n, c, h, wd = spatial_2d(x, f"{node.op} input")
    _, _, oh, ow = spatial_2d(y, f"{node.op} output")
    kernel, strides = list(node.attrs["kernel_shape"]), list(node.attrs.get("strides", [1, 1]))
    begin, end = conv_pads(node, [h, wd], kernel, strides, [1, 1], [oh, ow])
    lo, hi = _clamp(node, _q(g, node.outputs[0]))
    geometry = dict(batch=n, channels=c, in_height=h, in_width=wd, out_height=oh, out_width=ow,
                    kernel_height=kernel[0], kernel_width=kernel[1], stride_height=strides[0],
                    stride_width=strides[1], dilation_height=1, dilation_width=1, pad_top=begin[0],
                    pad_left=begin[1], pad_bottom=end[0], pad_right=end[1],
                    kind=Literal("RVPACK_POOL_MAX" if node.op == "Qs8MaxPool" else "RVPACK_POOL_AVERAGE"),
                    count_include_pad=0, act=Literal("{RVPACK_ACT_NONE, 0.0f, 0.0f}"))
    p = Params("rvpack_qs8_pool2d_params_t", dict(geometry=geometry, min=lo, max=hi))
    fn = "rvpack_qs8_pool2d_nchw__scalar"
    return LoweredLayer(node.name, node.op, fn, [KernelCall(fn, [p, TensorArg(node.inputs[0]),
                                                                 TensorArg(node.outputs[0])])])


def lower_q8_convert(node: Node, g: Graph) -> LoweredLayer:
    x, y = node.inputs[0], node.outputs[0]
    xt, yt = g.tensors[x], g.tensors[y]
    onnx = bool(node.attrs.get("_onnx", False))  # ONNX's rounding (sdk/passes/qdq.py)
    fields = dict(count=Literal(f"{yt.num_elements}u"), scale=0.0, input_zero_point=0, output_zero_point=0,
                  multiplier=0, shift=0, input_unsigned=int(xt.dtype == UINT8), output_unsigned=int(yt.dtype == UINT8),
                  onnx=int(onnx), input_scale=0.0)
    if node.op == "Q8Quantize":
        yq = _q(g, y)
        fields.update(scale=yq.scale[0], output_zero_point=yq.zero_point[0])
    elif node.op == "Q8Dequantize":
        xq = _q(g, x)
        fields.update(scale=xq.scale[0], input_zero_point=xq.zero_point[0])
    else:
        xq, yq = _q(g, x), _q(g, y)
        mult, shift = quant.requantize_multiplier(xq.scale[0], yq.scale[0])
        fields.update(input_zero_point=xq.zero_point[0], output_zero_point=yq.zero_point[0], multiplier=mult,
                      shift=shift, scale=yq.scale[0], input_scale=xq.scale[0])
    fn = {"Q8Quantize": "rvpack_q8_quantize__scalar", "Q8Dequantize": "rvpack_q8_dequantize__scalar",
          "Q8Requantize": "rvpack_q8_requantize__scalar"}[node.op]
    p = Params("rvpack_q8_convert_params_t", fields)
    return LoweredLayer(node.name, node.op, fn, [KernelCall(fn, [p, TensorArg(x), TensorArg(y)])])


def lower_qs8_mean(node: Node, g: Graph) -> LoweredLayer:
    n, c, h, w = spatial_2d(shape(g, node.inputs[0]), "Qs8Mean input")
    if h * w > (1 << 31) // 128:
        raise Unsupported(f"a mean over {h * w} values could overflow the int32 sum")
    xq, yq = _q(g, node.inputs[0]), _q(g, node.outputs[0])
    mult, shift, bias = quant.mean_parameters(xq.scale[0], xq.zero_point[0], yq.scale[0], yq.zero_point[0], h * w)
    p = Params("rvpack_qs8_mean_params_t", dict(planes=n * c, plane_size=h * w, multiplier=mult, shift=shift,
                                                bias=bias))
    fn = "rvpack_qs8_mean_hw__scalar"
    return LoweredLayer(node.name, node.op, fn, [KernelCall(fn, [p, TensorArg(node.inputs[0]),
                                                                 TensorArg(node.outputs[0])])])


def lower_qs8_softmax(node: Node, g: Graph) -> LoweredLayer:
    dims = shape(g, node.inputs[0])
    yq = _q(g, node.outputs[0])
    rows = int(np.prod(dims[:-1])) if len(dims) > 1 else 1
    p = Params("rvpack_qs8_softmax_params_t", dict(rows=rows, row_len=dims[-1], output_scale=yq.scale[0],
                                                   output_zero_point=yq.zero_point[0]))
    fn = "rvpack_qs8_softmax__scalar"
    return LoweredLayer(node.name, node.op, fn, [KernelCall(fn, [p, TensorArg(node.inputs[0]), TensorArg(node.inputs[1]),
                                                                 TensorArg(node.outputs[0])])])


def lower_qs8_lookup(node: Node, g: Graph) -> LoweredLayer:
    n = g.tensors[node.outputs[0]].num_elements
    fn = "rvpack_qs8_lookup__scalar"
    call = KernelCall(fn, [Literal(f"{n}u"), TensorArg(node.inputs[0]), TensorArg(node.inputs[1]),
                           TensorArg(node.outputs[0])])
    return LoweredLayer(node.name, node.op, fn, [call])


Q8_RULES: dict[str, Callable[[Node, Graph], LoweredLayer]] = {
    "Qs8Lookup": lower_qs8_lookup,
    "Qs8Mean": lower_qs8_mean,
    "Qs8Softmax": lower_qs8_softmax,
    "Qs8Conv": lower_qs8_conv_any,
    "Qs8FullyConnected": lower_qs8_fully_connected,
    "Qs8Add": lower_qs8_add,
    "Qs8Mul": lower_qs8_mul,
    "Qs8MaxPool": lower_qs8_pool,
    "Qs8AveragePool": lower_qs8_pool,
    "Q8Quantize": lower_q8_convert,
    "Q8Dequantize": lower_q8_convert,
    "Q8Requantize": lower_q8_convert,
}
