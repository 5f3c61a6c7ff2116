"""TFLite full-integer operators -> rvpack's int8 IR operators.

TFLite's int8 arithmetic (fixed-point rescaling with its own roundings) has
no ONNX operator with the same results, so these become rvpack operators
whose semantics are TFLite's reference kernels, computed by
runtime/src/qs8.c (rvpack/kernels_qs8.h):

  Qs8Conv            x, w (int8, [O][I/g][kh][kw]), bias (int32) | Conv attributes
  Qs8FullyConnected  x ([rows][k]), w ([n][k]), bias
  Qs8Add, Qs8Mul     a, b (broadcast as ONNX Add/Mul)
  Qs8MaxPool, Qs8AveragePool                   | MaxPool/AveragePool attributes
  Qs8Lookup          x, table (int8[256])      | an elementwise function (LOGISTIC, HARD_SWISH) as a table
  Qs8Mean            x                         | the mean of each channel plane (MEAN over H, W, keep_dims)
  Qs8Softmax         x, table (float[256])     | SOFTMAX over the last dimension, tflite-runtime's float table
  Q8Quantize (f32 -> int8/uint8), Q8Dequantize, Q8Requantize (int8/uint8 -> int8/uint8)

Every int8/uint8 tensor carries its QuantParams; a fused activation is the
attribute "_act" (NONE, RELU, RELU6, RELU_N1_TO_1), a clamp in the quantized
domain; "_rounding" is "half_up" where tflite-runtime's kernel rounds ties
up (CONV_2D and FULLY_CONNECTED run through ruy), else "away" (TFLite's
reference rounding; tests/kernels/test_qs8_kernels.py shows both). Output shapes come from the file (TFLite declares every shape).
Schemes rvpack does not run (int16 activations, asymmetric weights,
per-channel activations, uint8 arithmetic) are refused naming the tensor.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import tflite

from rvpack.sdk.ir import quant
from rvpack.sdk.ir.graph import QuantParams

# The TFLite importer (tflite_importer._Importer), which calls this module;
# typed loosely so that the two modules do not import each other.
_Importer = Any

INT8, UINT8 = np.dtype(np.int8), np.dtype(np.uint8)
ACTIVATIONS = {tflite.ActivationFunctionType.NONE: "NONE", tflite.ActivationFunctionType.RELU: "RELU",
               tflite.ActivationFunctionType.RELU6: "RELU6", tflite.ActivationFunctionType.RELU_N1_TO_1: "RELU_N1_TO_1"}
# TFLite operators translated here when their output is int8/uint8
OPERATORS = {"QUANTIZE", "DEQUANTIZE", "CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "ADD", "MAX_POOL_2D",
             "AVERAGE_POOL_2D", "CONCATENATION", "RESHAPE", "SQUEEZE", "EXPAND_DIMS", "TRANSPOSE", "STRIDED_SLICE",
             "SPLIT", "SPLIT_V", "LOGISTIC", "MUL", "HARD_SWISH", "PAD", "PADV2", "MEAN", "SOFTMAX"}


class Int8Unsupported(Exception):
    pass


def quant_of(imp: _Importer, index: int) -> QuantParams | None:
    q = imp.tfl_tensor(index).Quantization()
    if q is None or q.ScaleLength() == 0:
        return None
    scale = tuple(float(np.float32(s)) for s in q.ScaleAsNumpy())
    zero_point = tuple(int(z) for z in q.ZeroPointAsNumpy()) if q.ZeroPointLength() else (0,) * len(scale)
    if any(not np.isfinite(s) or s <= 0 for s in scale) or len(zero_point) != len(scale):
        raise Int8Unsupported(f"tensor '{imp.tfl_name(index)}' has invalid quantization parameters")
    return QuantParams(scale, zero_point, int(q.QuantizedDimension()) if len(scale) > 1 else None)


def is_int8_op(imp: _Importer, opname: str, ins: list[int], outs: list[int]) -> bool:
    """Whether the operator computes on quantized data (its output, or for
    DEQUANTIZE its input, is int8/uint8)."""
    probe = ins[0] if opname == "DEQUANTIZE" and ins else outs[0] if outs else -1
    if probe < 0:
        return False
    if opname == "DEQUANTIZE" and imp.tfl_constant(probe) is not None:
        return False  # a float16/int8 constant: folded by the float importer
    return imp.tfl_dtype(probe) in (INT8, UINT8)


def _activation(imp: _Importer, index: int, what: str = "activation") -> QuantParams:
    dtype, q = imp.tfl_dtype(index), quant_of(imp, index)
    if q is None:
        raise Int8Unsupported(f"{what} '{imp.tfl_name(index)}' is {dtype} without quantization parameters")
    if q.per_channel:
        raise Int8Unsupported(f"{what} '{imp.tfl_name(index)}' has per-channel scales; rvpack runs per-tensor "
                              "activations only")
    return q


def _compute_int8(imp: _Importer, index: int) -> QuantParams:
    """An int8 operand of an arithmetic operator."""
    if imp.tfl_dtype(index) != INT8:
        raise Int8Unsupported(f"tensor '{imp.tfl_name(index)}' is {imp.tfl_dtype(index)}: int8 operators take int8 "
                              "(uint8 only at a model's edges, through QUANTIZE)")
    return _activation(imp, index)


def _weights(imp: _Importer, index: int, channel_axis: int) -> tuple[np.ndarray, QuantParams]:
    data = imp._const_input(index, "weights")
    q = quant_of(imp, index)
    if data.dtype != INT8 or q is None:
        raise Int8Unsupported(f"weights '{imp.tfl_name(index)}' are {data.dtype}{'' if q else ' unquantized'}; "
                              "int8 operators need int8 weights")
    if any(z != 0 for z in q.zero_point):
        raise Int8Unsupported(f"weights '{imp.tfl_name(index)}' have a non-zero zero point (asymmetric weights)")
    if q.per_channel and (q.axis != channel_axis or len(q.scale) != data.shape[channel_axis]):
        raise Int8Unsupported(f"weights '{imp.tfl_name(index)}' are quantized along axis {q.axis}, "
                              f"expected {channel_axis}")
    return data, q


def _bias(imp: _Importer, ins: list[int], k: int, channels: int) -> list[str]:
    if len(ins) <= k or ins[k] < 0:
        return []
    data = imp._const_input(ins[k], "bias")
    if data.dtype != np.int32 or data.size != channels:
        raise Int8Unsupported(f"bias '{imp.tfl_name(ins[k])}' is {data.dtype} {list(data.shape)}; expected int32 "
                              f"[{channels}]")
    return [imp.const(imp.tfl_name(ins[k]), data.reshape(channels))]


def _act(imp: _Importer, fused: int) -> str:
    if fused not in ACTIVATIONS:
        raise Int8Unsupported(f"fused activation {fused} is not supported on int8")
    return ACTIVATIONS[fused]


def translate(imp: _Importer, opname: str, op: tflite.Operator, ins: list[int], outs: list[int]) -> None:
    handler = _TRANSLATE.get(opname)
    if handler is None:
        raise Int8Unsupported(f"int8 {opname} is not supported yet")
    handler(imp, op, ins, outs)


def _conv(imp: _Importer, op, ins, outs, depthwise: bool) -> None:
    _compute_int8(imp, ins[0])
    out_q = _compute_int8(imp, outs[0])
    cls = tflite.DepthwiseConv2DOptions if depthwise else tflite.Conv2DOptions
    o = imp.options(op, cls)
    w, wq = _weights(imp, ins[1], 3 if depthwise else 0)
    in_c = imp.tfl_shape(ins[0])[3]
    attrs = imp._conv_attrs(ins[0], w.shape[1:3], o.StrideH(), o.StrideW(), o.DilationHFactor(),
                            o.DilationWFactor(), o.Padding())
    if depthwise:
        attrs["group"] = in_c
        oihw = w.transpose(3, 0, 1, 2)
    else:
        if w.shape[3] == 0 or in_c % w.shape[3]:
            raise Int8Unsupported(f"weights {list(w.shape)} do not fit {in_c} input channels")
        attrs["group"] = in_c // w.shape[3]
        oihw = w.transpose(0, 3, 1, 2)
    attrs["_act"] = _act(imp, o.FusedActivationFunction())
    attrs["_rounding"] = "away" if depthwise else "half_up"  # what tflite-runtime's kernels do (kernels_qs8.h)
    weights = imp.const(imp.tfl_name(ins[1]) + "_oihw", np.ascontiguousarray(oihw))
    imp.tensors[weights].quant = QuantParams(wq.scale, wq.zero_point, 0 if wq.per_channel else None)
    inputs = [imp.nchw(ins[0]), weights, *_bias(imp, ins, 2, oihw.shape[0])]
    imp.emit_declared("Qs8Conv", inputs, outs[0], "nchw", attrs, out_q)


def _fully_connected(imp: _Importer, op, ins, outs) -> None:
    _compute_int8(imp, ins[0])
    out_q = _compute_int8(imp, outs[0])
    o = imp.options(op, tflite.FullyConnectedOptions)
    w, wq = _weights(imp, ins[1], 0)
    if w.ndim != 2:
        raise Int8Unsupported(f"weights {list(w.shape)} are not [units, depth]")
    x_shape, out_shape = imp.tfl_shape(ins[0]), imp.tfl_shape(outs[0])
    rows = int(np.prod(x_shape)) // w.shape[1]
    if rows * w.shape[1] != int(np.prod(x_shape)) or int(np.prod(out_shape)) != rows * w.shape[0]:
        raise Int8Unsupported(f"input {list(x_shape)} and output {list(out_shape)} do not fit weights {list(w.shape)}")
    weights = imp.const(imp.tfl_name(ins[1]), w)
    imp.tensors[weights].quant = wq
    inputs = [imp.plain(ins[0]), weights, *_bias(imp, ins, 2, w.shape[0])]
    imp.emit_declared("Qs8FullyConnected", inputs, outs[0], "plain",
                      {"_act": _act(imp, o.FusedActivationFunction()), "_rounding": "half_up"}, out_q)


def _elementwise(imp: _Importer, op, ins, outs, kind: str) -> None:
    """ADD or MUL of two int8 tensors (broadcast as TFLite does)."""
    for i in ins:
        _compute_int8(imp, i)
    out_q = _compute_int8(imp, outs[0])
    cls = tflite.AddOptions if kind == "Add" else tflite.MulOptions
    fused = imp.options(op, cls).FusedActivationFunction() if op.BuiltinOptions() else 0
    rank = len(imp.tfl_shape(outs[0]))
    layout = "nchw" if rank == 4 and any(imp.value_layout(i) == "nchw" for i in ins) else "plain"
    inputs = [imp.broadcast_operand(i, rank, layout) for i in ins]
    imp.emit_declared(f"Qs8{kind}", inputs, outs[0], layout, {"_act": _act(imp, fused)}, out_q)


def _pool(imp: _Importer, op, ins, outs, kind: str) -> None:
    in_q = _compute_int8(imp, ins[0])
    out_q = _compute_int8(imp, outs[0])
    if in_q != out_q:
        raise Int8Unsupported(f"{kind} pool input '{imp.tfl_name(ins[0])}' and output '{imp.tfl_name(outs[0])}' "
                              "have different scales (TFLite requires them equal)")
    o = imp.options(op, tflite.Pool2DOptions)
    attrs = imp._conv_attrs(ins[0], (o.FilterHeight(), o.FilterWidth()), o.StrideH(), o.StrideW(), 1, 1, o.Padding())
    attrs.pop("dilations")
    attrs["_act"] = _act(imp, o.FusedActivationFunction())
    imp.emit_declared(f"Qs8{kind}Pool", [imp.nchw(ins[0])], outs[0], "nchw", attrs, out_q)


def _quantize(imp: _Importer, op, ins, outs) -> None:
    src, out_dtype = imp.tfl_dtype(ins[0]), imp.tfl_dtype(outs[0])
    out_q = _activation(imp, outs[0], "output")
    v = imp.value(ins[0])
    if src == np.float32:
        imp.emit_declared("Q8Quantize", [v.name], outs[0], v.layout, {}, out_q)
    elif src in (INT8, UINT8):
        _activation(imp, ins[0], "input")
        imp.emit_declared("Q8Requantize", [v.name], outs[0], v.layout, {}, out_q)
    else:
        raise Int8Unsupported(f"QUANTIZE from {src} to {out_dtype} is not supported")


def _dequantize(imp: _Importer, op, ins, outs) -> None:
    if imp.tfl_dtype(outs[0]) != np.float32:
        raise Int8Unsupported("DEQUANTIZE must produce float32")
    _activation(imp, ins[0], "input")
    v = imp.value(ins[0])
    imp.emit_declared("Q8Dequantize", [v.name], outs[0], v.layout, {}, None)


def _concatenation(imp: _Importer, op, ins, outs) -> None:
    out_q = _compute_int8(imp, outs[0])
    for i in ins:
        if _compute_int8(imp, i) != out_q:
            raise Int8Unsupported(f"input '{imp.tfl_name(i)}' has another scale or zero point than the output "
                                  "(int8 CONCATENATION with rescaling is not supported yet)")
    if imp.options(op, tflite.ConcatenationOptions).FusedActivationFunction():
        raise Int8Unsupported("a fused activation on int8 CONCATENATION is not supported")
    imp.op_concatenation(op, ins, outs)  # data movement: the float translation, quantization kept


def _lookup(imp: _Importer, op, ins, outs, function: str) -> None:
    in_q, out_q = _compute_int8(imp, ins[0]), _compute_int8(imp, outs[0])
    table = quant.lookup_table(function, in_q.scale[0], in_q.zero_point[0], out_q.scale[0], out_q.zero_point[0])
    v = imp.value(ins[0])
    imp.emit_declared("Qs8Lookup", [v.name, imp.const(f"{function.lower()}_table", table)], outs[0], v.layout,
                      {"_function": function}, out_q)


def _pad(imp: _Importer, op, ins, outs) -> None:
    """PAD / PADV2 on int8: the border holds the output zero point (PAD) or
    the quantized constant (PADV2); TFLite requires equal input and output
    quantization."""
    in_q, out_q = _compute_int8(imp, ins[0]), _compute_int8(imp, outs[0])
    if in_q != out_q:
        raise Int8Unsupported(f"PAD input '{imp.tfl_name(ins[0])}' and output '{imp.tfl_name(outs[0])}' have different "
                              "scales or zero points (TFLite requires them equal)")
    value = np.int8(out_q.zero_point[0])
    if len(ins) > 2 and ins[2] >= 0:
        constant = imp._const_input(ins[2], "pad value")
        if constant.dtype != INT8 or constant.size != 1:
            raise Int8Unsupported(f"pad value '{imp.tfl_name(ins[2])}' is {constant.dtype} {list(constant.shape)}; "
                                  "expected one int8")
        value = constant.reshape(())
    x, pads, layout = imp.pad_inputs(ins)
    imp.emit_declared("Pad", [x, pads, imp.const("pad_value", np.array(value, np.int8))], outs[0], layout, {}, out_q)


def _mean(imp: _Importer, op, ins, outs) -> None:
    """MEAN over height and width with keep_dims (global average pooling):
    the case tflite-runtime computes with its own int8 kernel."""
    _compute_int8(imp, ins[0])
    out_q = _compute_int8(imp, outs[0])
    axes = sorted(int(a) % 4 for a in imp._const_input(ins[1], "axes").reshape(-1)) if len(imp.tfl_shape(ins[0])) == 4 \
        else []
    keep = imp.options(op, tflite.ReducerOptions).KeepDims() if op.BuiltinOptions() else False
    if axes != [1, 2] or not keep:
        raise Int8Unsupported(f"int8 MEAN of '{imp.tfl_name(ins[0])}' is supported over height and width of a 4-D "
                              "tensor with keep_dims (global average pooling) only")
    imp.emit_declared("Qs8Mean", [imp.nchw(ins[0])], outs[0], "nchw", {}, out_q)


def _softmax(imp: _Importer, op, ins, outs) -> None:
    """SOFTMAX over the last dimension (of the file's layout) with beta."""
    in_q, out_q = _compute_int8(imp, ins[0]), _compute_int8(imp, outs[0])
    beta = imp.options(op, tflite.SoftmaxOptions).Beta() if op.BuiltinOptions() else 1.0
    table = quant.softmax_table(in_q.scale[0], beta)
    imp.emit_declared("Qs8Softmax", [imp.plain(ins[0]), imp.const("softmax_exp_table", table)], outs[0], "plain", {},
                      out_q)


_TRANSLATE = {
    "SOFTMAX": _softmax,
    "MEAN": _mean,
    "PAD": _pad,
    "PADV2": _pad,
    "LOGISTIC": lambda imp, op, ins, outs: _lookup(imp, op, ins, outs, "LOGISTIC"),
    "HARD_SWISH": lambda imp, op, ins, outs: _lookup(imp, op, ins, outs, "HARD_SWISH"),
    "CONCATENATION": _concatenation,
    "QUANTIZE": _quantize,
    "DEQUANTIZE": _dequantize,
    "CONV_2D": lambda imp, op, ins, outs: _conv(imp, op, ins, outs, depthwise=False),
    "DEPTHWISE_CONV_2D": lambda imp, op, ins, outs: _conv(imp, op, ins, outs, depthwise=True),
    "FULLY_CONNECTED": _fully_connected,
    "ADD": lambda imp, op, ins, outs: _elementwise(imp, op, ins, outs, "Add"),
    "MUL": lambda imp, op, ins, outs: _elementwise(imp, op, ins, outs, "Mul"),
    "MAX_POOL_2D": lambda imp, op, ins, outs: _pool(imp, op, ins, outs, "Max"),
    "AVERAGE_POOL_2D": lambda imp, op, ins, outs: _pool(imp, op, ins, outs, "Average"),
}
