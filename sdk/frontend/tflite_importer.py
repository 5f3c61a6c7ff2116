"""TFLite (f32) -> IR.

The flatbuffer is read through the `tflite` package's generated schema
bindings. TFLite is NHWC; the IR is NCHW with ONNX semantics, so every 4-D
activation is kept in NCHW and explicit Transposes are inserted only where an
op depends on the memory order (Reshape, Softmax, model inputs/outputs).
Each translated node's shape is checked against the shape the TFLite file
declares, so a translation mistake fails loudly here instead of computing a
wrong answer.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import tflite

from rvpack.sdk.errors import RootCauses, ShapeError, UnsupportedModelError
from rvpack.sdk.frontend.limits import DEFAULT_LIMITS, Limits
from rvpack.sdk.frontend.tflite_sparsity import SparsityError, densify
from rvpack.sdk.frontend.tflite_verify import verify_tflite
from rvpack.sdk.frontend.names import c_identifier
from rvpack.sdk.ir import onnx_ops
from rvpack.sdk.frontend import tflite_int8, tflite_state
from rvpack.sdk.ir.graph import Graph, ModelInfo, Node, QuantParams, StateVar, Tensor

NHWC_TO_NCHW = [0, 3, 1, 2]
NCHW_TO_NHWC = [0, 2, 3, 1]
NHWC_AXIS_TO_NCHW = {0: 0, 1: 2, 2: 3, 3: 1}

_TFLITE_DTYPES = {
    tflite.TensorType.FLOAT32: np.float32,
    tflite.TensorType.FLOAT16: np.float16,
    tflite.TensorType.INT32: np.int32,
    tflite.TensorType.INT64: np.int64,
    tflite.TensorType.INT8: np.int8,
    tflite.TensorType.UINT8: np.uint8,
    tflite.TensorType.INT16: np.int16,
    tflite.TensorType.BOOL: np.bool_,
}
_QUANTIZED = {np.dtype(np.int8), np.dtype(np.uint8), np.dtype(np.int16)}
# Operators that only move data: the float translation serves int8 too.
_ANY_DTYPE = {"RESHAPE", "SQUEEZE", "EXPAND_DIMS", "TRANSPOSE", "STRIDED_SLICE", "SPLIT", "SPLIT_V"}

# TFLite fused_activation_function -> ONNX op (and its Clip bounds).
_FUSED_ACTIVATIONS: dict[int, tuple[str, tuple[float, float] | None]] = {
    tflite.ActivationFunctionType.RELU: ("Relu", None),
    tflite.ActivationFunctionType.RELU6: ("Clip", (0.0, 6.0)),
    tflite.ActivationFunctionType.RELU_N1_TO_1: ("Clip", (-1.0, 1.0)),
    tflite.ActivationFunctionType.TANH: ("Tanh", None),
}

_UNARY = {
    "RELU": "Relu", "LOGISTIC": "Sigmoid", "TANH": "Tanh", "HARD_SWISH": "HardSwish", "EXP": "Exp",
    "SQRT": "Sqrt", "ABS": "Abs", "NEG": "Neg", "LOG": "Log", "FLOOR": "Floor", "CEIL": "Ceil",
    "ELU": "Elu",
}
_BINARY = {"ADD": "Add", "SUB": "Sub", "MUL": "Mul", "DIV": "Div", "MAXIMUM": "Max", "MINIMUM": "Min",
           "POW": "Pow"}


class _Unsupported(Exception):
    """One operator the importer cannot translate (collected, reported together)."""


@dataclass
class _Value:
    """Where the IR holds a TFLite tensor: `name` in `layout` ("nchw" for 4-D
    activations kept channel-first, "plain" for TFLite's own order)."""

    name: str
    layout: str


def tensor_name(tensor: tflite.Tensor, index: int) -> str:
    """A tensor's name; the schema makes it optional."""
    name = tensor.Name()
    return name.decode("utf-8", "replace") if name else f"tensor_{index}"


def load_tflite(path: Path, input_shapes: dict[str, tuple[int, ...]] | None = None,
                limits: Limits = DEFAULT_LIMITS) -> Graph:
    data = path.read_bytes()
    verify_tflite(path, data, limits.elements)  # every offset, length and index the importer follows
    model = tflite.Model.GetRootAsModel(data, 0)
    subgraph = model.Subgraphs(0)
    num_ops = subgraph.OperatorsLength()
    if input_shapes:
        raise ShapeError("--input-shape is not supported for TFLite models (their input shapes are fixed)")
    importer = _Importer(model, subgraph, path, data)
    return importer.run(num_ops)


class _Importer:
    def __init__(self, model: tflite.Model, subgraph: tflite.SubGraph, path: Path, data: bytes) -> None:
        self.model, self.sg, self.path, self.data = model, subgraph, path, data
        self.tensors: dict[str, Tensor] = {}
        self.nodes: list[Node] = []
        self.values: dict[int, _Value] = {}
        self.transposed: dict[tuple[str, str], str] = {}  # (ir name, layout wanted) -> ir name
        self.current = ""  # name of the operator being translated, for node names
        self.states: dict[str, StateVar] = {}  # resource variables (tflite_state.py)
        self.handles: dict[int, str] = {}  # VAR_HANDLE output tensor -> variable

    # ---- tensors -----------------------------------------------------------
    def tfl_tensor(self, index: int) -> tflite.Tensor:
        if index < 0:  # -1 marks an omitted optional operand; this one is required
            raise _Unsupported("a required operand is missing (tensor index -1)")
        return self.sg.Tensors(index)

    def tfl_name(self, index: int) -> str:
        return tensor_name(self.tfl_tensor(index), index)

    def tfl_shape(self, index: int) -> tuple[int, ...]:
        t = self.tfl_tensor(index)
        return tuple(int(d) for d in t.ShapeAsNumpy()) if t.ShapeLength() else ()

    def tfl_dtype(self, index: int) -> np.dtype:
        t = self.tfl_tensor(index)
        if t.Type() not in _TFLITE_DTYPES:
            raise _Unsupported(f"tensor '{self.tfl_name(index)}' has unsupported type {t.Type()}")
        return np.dtype(_TFLITE_DTYPES[t.Type()])

    def subgraph_constant(self, sg: tflite.SubGraph, index: int) -> tuple[np.ndarray | None, QuantParams | None]:
        """A constant tensor of another subgraph (CALL_ONCE's initialiser) and its quantization."""
        main = self.sg
        self.sg = sg
        try:
            data = self.tfl_constant(index)
            quant = tflite_int8.quant_of(self, index) if data is not None and data.dtype in _QUANTIZED else None
        finally:
            self.sg = main
        return data, quant

    def unique_node_name(self, base: str) -> str:
        existing = {n.name for n in self.nodes}
        name, i = base, 1
        while name in existing:
            name, i = f"{base}_{i}", i + 1
        return name

    def tfl_constant(self, index: int) -> np.ndarray | None:
        t = self.tfl_tensor(index)
        buf = self.model.Buffers(t.Buffer())
        if buf.Offset():
            raw = np.frombuffer(self.data, dtype=np.uint8, count=buf.Size(), offset=buf.Offset())
        elif buf.DataLength():
            raw = buf.DataAsNumpy()
        else:
            return None
        dtype = self.tfl_dtype(index)
        if t.Sparsity() is not None:
            # Densified here, as DENSIFY would at run time; column-wise zero
            # structure then reaches the sparse kernels like any other weights.
            try:
                return densify(raw.view(dtype), self.tfl_shape(index), t.Sparsity())
            except SparsityError as e:
                raise _Unsupported(f"sparse tensor '{self.tfl_name(index)}': {e}") from None
        return raw.view(dtype).reshape(self.tfl_shape(index)).copy()

    def add_tensor(self, name: str, dtype: np.dtype, shape: tuple[int, ...] | None, data: np.ndarray | None = None) -> str:
        unique = name
        i = 1
        while unique in self.tensors:
            unique, i = f"{name}_{i}", i + 1
        self.tensors[unique] = Tensor(unique, np.dtype(dtype), shape, data)
        return unique

    def const(self, base: str, value: np.ndarray) -> str:
        value = np.asarray(value, order="C")  # (ascontiguousarray would make 0-d arrays 1-d)
        return self.add_tensor(base, value.dtype, tuple(value.shape), value)

    def value(self, index: int) -> _Value:
        """The IR value of TFLite tensor `index` (constants are created lazily)."""
        if index in self.values:
            return self.values[index]
        data = self.tfl_constant(index)
        if data is None:
            raise _Unsupported(f"tensor '{self.tfl_name(index)}' is read before it is computed")
        v = _Value(self.const(self.tfl_name(index), data), "plain")
        if data.dtype in _QUANTIZED:
            self.tensors[v.name].quant = tflite_int8.quant_of(self, index)
        self.values[index] = v
        return v

    def as_layout(self, index: int, layout: str) -> str:
        """The IR name holding tensor `index` in `layout`, transposing if needed."""
        v = self.value(index)
        if v.layout == layout or len(self.tfl_shape(index)) != 4:
            return v.name
        key = (v.name, layout)
        if key not in self.transposed:
            perm = NHWC_TO_NCHW if layout == "nchw" else NCHW_TO_NHWC
            src = self.tensors[v.name]
            if src.data is not None:
                self.transposed[key] = self.const(v.name + "_" + layout, src.data.transpose(perm))
                self.tensors[self.transposed[key]].quant = src.quant  # (per-tensor: int8 constants of ADD)
            else:
                self.transposed[key] = self.emit("Transpose", [v.name], v.name + "_" + layout, {"perm": perm},
                                                 expect=_permute(src.shape, perm))
        return self.transposed[key]

    def nchw(self, index: int) -> str:
        return self.as_layout(index, "nchw")

    def plain(self, index: int) -> str:
        return self.as_layout(index, "plain")

    def broadcast_operand(self, index: int, rank: int, layout: str) -> str:
        """Operand of an elementwise op whose result has `rank` dims in `layout`:
        lower-rank operands are aligned to TFLite's trailing (NHWC) dims first."""
        shape = self.tfl_shape(index)
        if layout != "nchw" or len(shape) == 4:
            return self.as_layout(index, layout)
        padded = (1,) * (4 - len(shape)) + shape
        data = self.tfl_constant(index)
        if data is not None:
            name = self.const(self.tfl_name(index) + "_nchw", data.reshape(padded).transpose(NHWC_TO_NCHW))
            if data.dtype in _QUANTIZED:
                self.tensors[name].quant = tflite_int8.quant_of(self, index)
            return name
        reshaped = self.emit("Reshape", [self.value(index).name, self.const("shape", np.array(padded, np.int64))],
                             self.tfl_name(index) + "_4d", expect=padded)
        return self.emit("Transpose", [reshaped], reshaped + "_nchw", {"perm": NHWC_TO_NCHW},
                         expect=_permute(padded, NHWC_TO_NCHW))

    # ---- nodes -------------------------------------------------------------
    def emit(self, op: str, inputs: list[str], out_base: str, attrs: dict | None = None,
             expect: tuple[int, ...] | None = None, num_outputs: int = 1) -> str:
        outputs = [self.add_tensor(out_base if k == 0 else f"{out_base}_{k}", np.dtype(np.float32), None)
                   for k in range(num_outputs)]
        name = out_base
        existing = {n.name for n in self.nodes}
        i = 1
        while name in existing:
            name, i = f"{out_base}_{i}", i + 1
        node = Node(name, op, inputs, outputs, attrs or {})
        graph = self._graph_view()
        try:
            inferred = onnx_ops.infer_output_types(node, graph)
        except Exception as e:  # noqa: BLE001 - ONNX's InferenceError and friends: operands that do not fit
            raise _Unsupported(f"its operands do not fit {op}: {str(e).strip().splitlines()[0][:200]}") from None
        for out, (dtype, shape) in zip(outputs, inferred):
            if shape is None:
                raise _Unsupported(f"cannot infer the shape of {op} output '{out}'")
            # data movement keeps the quantization of int8 data
            quant = self.tensors[inputs[0]].quant if op in ("Reshape", "Transpose", "Slice", "Split") else None
            self.tensors[out] = Tensor(out, dtype, shape, quant=quant)
        if expect is not None and num_outputs == 1 and self.tensors[outputs[0]].shape != tuple(expect):
            raise _Unsupported(
                f"internal translation error: {op} gives shape {self.tensors[outputs[0]].shape}, "
                f"the file declares {tuple(expect)}"
            )
        self.nodes.append(node)
        return outputs[0]

    def emit_output(self, op: str, inputs: list[str], out_index: int, layout: str, attrs: dict | None = None,
                    fused: int = tflite.ActivationFunctionType.NONE) -> None:
        """Emits the node computing TFLite tensor `out_index` (plus its fused activation)."""
        shape = self.tfl_shape(out_index)
        expect = _permute(shape, NHWC_TO_NCHW) if layout == "nchw" and len(shape) == 4 else shape
        name = self.tfl_name(out_index)
        out = self.emit(op, inputs, name, attrs, expect=expect)
        if fused != tflite.ActivationFunctionType.NONE:
            if fused not in _FUSED_ACTIVATIONS:
                raise _Unsupported(f"fused activation {fused} is not supported")
            act_op, bounds = _FUSED_ACTIVATIONS[fused]
            act_inputs = [out]
            if bounds is not None:
                act_inputs += [self.const("min", np.array(bounds[0], np.float32)),
                               self.const("max", np.array(bounds[1], np.float32))]
            out = self.emit(act_op, act_inputs, name + "_act", expect=expect)
        if self.tensors[out].dtype in _QUANTIZED:  # a layout op on int8 data keeps its quantization
            self.tensors[out].quant = tflite_int8.quant_of(self, out_index)
        self.values[out_index] = _Value(out, layout if len(shape) == 4 else "plain")

    def emit_declared(self, op: str, inputs: list[str], out_index: int, layout: str, attrs: dict,
                      quant: QuantParams | None) -> None:
        """A node of an rvpack operator (no ONNX schema): the output's dtype and
        shape are the file's (NCHW when layout is nchw), its quantization `quant`."""
        shape = self.tfl_shape(out_index)
        if layout == "nchw" and len(shape) == 4:
            shape = _permute(shape, NHWC_TO_NCHW)
        out = self.add_tensor(self.tfl_name(out_index), self.tfl_dtype(out_index), shape)
        self.tensors[out].quant = quant
        name, i = out, 1
        existing = {n.name for n in self.nodes}
        while name in existing:
            name, i = f"{out}_{i}", i + 1
        self.nodes.append(Node(name, op, inputs, [out], attrs))
        self.values[out_index] = _Value(out, layout if len(shape) == 4 else "plain")

    def _graph_view(self) -> Graph:
        return Graph("view", self.tensors, self.nodes, [], [], ModelInfo("", "tflite", ""))

    # ---- driver ------------------------------------------------------------
    def run(self, num_ops: int) -> Graph:
        inputs = []
        for k in range(self.sg.InputsLength()):
            index = int(self.sg.Inputs(k))
            dtype = self.tfl_dtype(index)
            if dtype in _QUANTIZED:
                self._check_quantized_io(index, "input")
            sig = self.tfl_tensor(index).ShapeSignatureAsNumpy() if self.tfl_tensor(index).ShapeSignatureLength() else None
            shape = self.tfl_shape(index)
            if sig is not None and any(int(d) < 0 and k != 0 for k, d in enumerate(sig)):
                raise ShapeError(f"{self.path}: input '{self.tfl_name(index)}' has dynamic dimensions {list(sig)}")
            name = self.add_tensor(self.tfl_name(index), dtype, shape)
            self.tensors[name].quant = tflite_int8.quant_of(self, index) if dtype in _QUANTIZED else None
            self.values[index] = _Value(name, "plain")
            inputs.append(name)

        problems = RootCauses()
        for i in range(num_ops):
            op = self.sg.Operators(i)
            code = self.model.OperatorCodes(op.OpcodeIndex())
            builtin = max(code.BuiltinCode(), code.DeprecatedBuiltinCode())
            out_name = self.tfl_name(int(op.Outputs(0))) if op.OutputsLength() else f"op{i}"
            try:
                opname = tflite.opcode2name(builtin)
            except ValueError:  # not a builtin the schema knows
                problems.failed([], [int(op.Outputs(k)) for k in range(op.OutputsLength())],
                                f"node '{out_name}': unknown operator code {builtin}")
                continue
            ins = [int(op.Inputs(k)) for k in range(op.InputsLength()) if op.Inputs(k) >= 0]
            outs = [int(op.Outputs(k)) for k in range(op.OutputsLength())]
            try:
                self.translate(opname, op)
            except IndexError:  # a handler read an operand the operator does not have
                problems.failed(ins, outs, f"node '{out_name}' ({opname}): too few inputs or outputs "
                                           f"({len(ins)} and {len(outs)})")
            except (_Unsupported, tflite_int8.Int8Unsupported, tflite_state.StateUnsupported) as e:
                problems.failed(ins, outs, f"node '{out_name}' ({opname}): {e}")
        problems.raise_if_any(self.path.name, "unsupported",
                              hint="see `rvpack targets` for the supported operators")

        outputs = []
        for k in range(self.sg.OutputsLength()):
            index = int(self.sg.Outputs(k))
            name = self.plain(index)
            outputs.append(name)
        return Graph(
            name=c_identifier(self.path.stem),
            tensors=self.tensors,
            nodes=self.nodes,
            inputs=inputs,
            outputs=outputs,
            info=ModelInfo(path=str(self.path), format="tflite", sha256=hashlib.sha256(self.data).hexdigest(),
                           producer=f"TFLite schema v{self.model.Version()}"),
            states=self.states,
        )

    def _check_quantized_io(self, index: int, what: str) -> None:
        """A quantized model input: int8/uint8 with one scale and zero point."""
        dtype = self.tfl_dtype(index)
        try:
            if dtype not in (tflite_int8.INT8, tflite_int8.UINT8):
                raise tflite_int8.Int8Unsupported(f"{what} '{self.tfl_name(index)}' is {dtype}: rvpack runs int8 and "
                                                  "uint8 quantized models (not int16)")
            tflite_int8._activation(self, index, what)
        except tflite_int8.Int8Unsupported as e:
            raise UnsupportedModelError(f"{self.path.name}: {e}", hint="see `rvpack targets` for what is supported") \
                from None

    def translate(self, opname: str, op: tflite.Operator) -> None:
        ins = [int(op.Inputs(k)) for k in range(op.InputsLength())]
        outs = [int(op.Outputs(k)) for k in range(op.OutputsLength())]
        if opname in tflite_state.OPERATORS:
            tflite_state.translate(self, opname, op, ins, outs)
            return
        if tflite_int8.is_int8_op(self, opname, ins, outs):
            if opname not in _ANY_DTYPE:
                tflite_int8.translate(self, opname, op, ins, outs)
                return
        elif any(self.tfl_dtype(o) in _QUANTIZED for o in outs):
            raise _Unsupported(f"an output is {'/'.join(str(self.tfl_dtype(o)) for o in outs)} without quantized "
                               "inputs; int8 operators are: " + ", ".join(sorted(tflite_int8.OPERATORS)))
        handler: Callable[[tflite.Operator, list[int], list[int]], None] | None = getattr(
            self, "op_" + opname.lower(), None)
        if handler is not None:
            handler(op, ins, outs)
        elif opname in _UNARY:
            v = self.value(ins[0])
            self.emit_output(_UNARY[opname], [v.name], outs[0], v.layout)
        elif opname in _BINARY:
            self.binary(_BINARY[opname], op, ins, outs)
        else:
            raise _Unsupported("operator is not supported")

    # ---- operators ---------------------------------------------------------
    def options(self, op: tflite.Operator, cls: type):
        table = op.BuiltinOptions()
        if table is None or op.BuiltinOptionsType() != getattr(tflite.BuiltinOptions, cls.__name__):
            raise _Unsupported(f"its options are missing or not {cls.__name__}")
        opts = cls()
        opts.Init(table.Bytes, table.Pos)
        return opts

    def op_densify(self, op, ins, outs):
        data = self.tfl_constant(ins[0])  # densified on reading
        if data is None:
            raise _Unsupported("only DENSIFY of constant sparse tensors is supported")
        self.values[outs[0]] = _Value(self.const(self.tfl_name(outs[0]), data), "plain")

    def op_dequantize(self, op, ins, outs):
        data = self.tfl_constant(ins[0])
        if data is None or data.dtype != np.float16:
            raise _Unsupported("only DEQUANTIZE of float16 constants is supported")
        # Folded right away: a constant in, a constant out.
        self.values[outs[0]] = _Value(self.const(self.tfl_name(outs[0]), data.astype(np.float32)), "plain")

    def op_conv_2d(self, op, ins, outs):
        o = self.options(op, tflite.Conv2DOptions)
        w = self._const_input(ins[1], "weights")  # [O, H, W, I]
        in_c = self.tfl_shape(ins[0])[3]
        groups = in_c // w.shape[3]
        attrs = self._conv_attrs(ins[0], w.shape[1:3], o.StrideH(), o.StrideW(), o.DilationHFactor(),
                                 o.DilationWFactor(), o.Padding())
        attrs["group"] = groups
        inputs = [self.nchw(ins[0]), self.const(self.tfl_name(ins[1]) + "_oihw", w.transpose(0, 3, 1, 2))]
        if len(ins) > 2 and ins[2] >= 0:
            inputs.append(self.value(ins[2]).name)
        self.emit_output("Conv", inputs, outs[0], "nchw", attrs, o.FusedActivationFunction())

    def op_depthwise_conv_2d(self, op, ins, outs):
        o = self.options(op, tflite.DepthwiseConv2DOptions)
        w = self._const_input(ins[1], "weights")  # [1, H, W, C * M]
        in_c = self.tfl_shape(ins[0])[3]
        attrs = self._conv_attrs(ins[0], w.shape[1:3], o.StrideH(), o.StrideW(), o.DilationHFactor(),
                                 o.DilationWFactor(), o.Padding())
        attrs["group"] = in_c
        inputs = [self.nchw(ins[0]), self.const(self.tfl_name(ins[1]) + "_oihw", w.transpose(3, 0, 1, 2))]
        if len(ins) > 2 and ins[2] >= 0:
            inputs.append(self.value(ins[2]).name)
        self.emit_output("Conv", inputs, outs[0], "nchw", attrs, o.FusedActivationFunction())

    def op_transpose_conv(self, op, ins, outs):
        o = self.options(op, tflite.TransposeConvOptions)
        w = self._const_input(ins[1], "weights")  # [O, H, W, I]
        out_shape = self.tfl_shape(outs[0])
        in_shape = self.tfl_shape(ins[2])
        pads, out_pad = [], []
        for axis, stride in ((1, o.StrideH()), (2, o.StrideW())):
            k, n_in, n_out = w.shape[axis], in_shape[axis], out_shape[axis]
            full = (n_in - 1) * stride + k
            total = max(full - n_out, 0) if o.Padding() == tflite.Padding.SAME else 0
            pads.append((total // 2, total - total // 2))
            out_pad.append(n_out - (full - total))
        attrs = {"strides": [o.StrideH(), o.StrideW()], "pads": [pads[0][0], pads[1][0], pads[0][1], pads[1][1]],
                 "output_padding": out_pad}
        inputs = [self.nchw(ins[2]), self.const(self.tfl_name(ins[1]) + "_iohw", w.transpose(3, 0, 1, 2))]
        if len(ins) > 3 and ins[3] >= 0:
            inputs.append(self.value(ins[3]).name)
        self.emit_output("ConvTranspose", inputs, outs[0], "nchw", attrs, o.FusedActivationFunction())

    def op_fully_connected(self, op, ins, outs):
        o = self.options(op, tflite.FullyConnectedOptions)
        w = self._const_input(ins[1], "weights")  # [N, K]
        x = self.plain(ins[0])
        x_shape = self.tfl_shape(ins[0])
        rows = int(np.prod(x_shape)) // w.shape[1]
        if x_shape != (rows, w.shape[1]):
            x = self.emit("Reshape", [x, self.const("shape", np.array([rows, w.shape[1]], np.int64))], x + "_2d",
                          expect=(rows, w.shape[1]))
        inputs = [x, self.value(ins[1]).name]
        if len(ins) > 2 and ins[2] >= 0:
            inputs.append(self.value(ins[2]).name)
        out_shape = self.tfl_shape(outs[0])
        if out_shape == (rows, w.shape[0]):
            self.emit_output("Gemm", inputs, outs[0], "plain", {"transB": 1}, o.FusedActivationFunction())
            return
        y = self.emit("Gemm", inputs, self.tfl_name(outs[0]) + "_2d", {"transB": 1}, expect=(rows, w.shape[0]))
        if o.FusedActivationFunction() != tflite.ActivationFunctionType.NONE:
            raise _Unsupported("fused activation with keep_num_dims is not supported")
        self.emit_output("Reshape", [y, self.const("shape", np.array(out_shape, np.int64))], outs[0], "plain")

    def binary(self, onnx_op, op, ins, outs):
        fused = tflite.ActivationFunctionType.NONE
        table = op.BuiltinOptions()
        if table is not None and onnx_op in ("Add", "Sub", "Mul", "Div"):
            cls = {"Add": tflite.AddOptions, "Sub": tflite.SubOptions, "Mul": tflite.MulOptions,
                   "Div": tflite.DivOptions}[onnx_op]
            fused = self.options(op, cls).FusedActivationFunction()
        rank = len(self.tfl_shape(outs[0]))
        layout = "nchw" if rank == 4 and any(self.value_layout(i) == "nchw" for i in ins) else "plain"
        inputs = [self.broadcast_operand(i, rank, layout) for i in ins]
        self.emit_output(onnx_op, inputs, outs[0], layout, fused=fused)

    def value_layout(self, index: int) -> str:
        return self.values[index].layout if index in self.values else "plain"

    def op_prelu(self, op, ins, outs):
        rank = len(self.tfl_shape(outs[0]))
        layout = "nchw" if rank == 4 else "plain"
        self.emit_output("PRelu", [self.broadcast_operand(ins[0], rank, layout),
                                   self.broadcast_operand(ins[1], rank, layout)], outs[0], layout)

    def op_leaky_relu(self, op, ins, outs):
        v = self.value(ins[0])
        alpha = self.options(op, tflite.LeakyReluOptions).Alpha()
        self.emit_output("LeakyRelu", [v.name], outs[0], v.layout, {"alpha": float(alpha)})

    def op_relu6(self, op, ins, outs):
        self._clip(ins, outs, 0.0, 6.0)

    def op_relu_n1_to_1(self, op, ins, outs):
        self._clip(ins, outs, -1.0, 1.0)

    def _clip(self, ins, outs, lo, hi):
        v = self.value(ins[0])
        self.emit_output("Clip", [v.name, self.const("min", np.array(lo, np.float32)),
                                  self.const("max", np.array(hi, np.float32))], outs[0], v.layout)

    def _pool(self, onnx_op, op, ins, outs):
        o = self.options(op, tflite.Pool2DOptions)
        attrs = self._conv_attrs(ins[0], (o.FilterHeight(), o.FilterWidth()), o.StrideH(), o.StrideW(), 1, 1,
                                 o.Padding())
        attrs.pop("dilations")
        attrs["kernel_shape"] = [o.FilterHeight(), o.FilterWidth()]
        self.emit_output(onnx_op, [self.nchw(ins[0])], outs[0], "nchw", attrs, o.FusedActivationFunction())

    def op_max_pool_2d(self, op, ins, outs):
        self._pool("MaxPool", op, ins, outs)

    def op_average_pool_2d(self, op, ins, outs):
        self._pool("AveragePool", op, ins, outs)

    def op_pad(self, op, ins, outs):
        self._pad(ins, outs, np.float32(0.0))

    def op_padv2(self, op, ins, outs):
        self._pad(ins, outs, self._const_input(ins[2], "pad value").astype(np.float32))

    def _pad(self, ins, outs, value):
        x, pads, layout = self.pad_inputs(ins)
        self.emit_output("Pad", [x, pads, self.const("value", np.array(value, np.float32))], outs[0], layout)

    def pad_inputs(self, ins) -> tuple[str, str, str]:
        """(data, ONNX pads constant, layout) of a PAD/PADV2."""
        pads = self._const_input(ins[1], "paddings").astype(np.int64)  # [rank, 2]
        layout = "nchw" if len(self.tfl_shape(ins[0])) == 4 else "plain"
        if layout == "nchw":
            pads = pads[NHWC_TO_NCHW]
        return self.as_layout(ins[0], layout), self.const("pads", np.concatenate([pads[:, 0], pads[:, 1]])), layout

    def op_reshape(self, op, ins, outs):
        shape = np.array(self.tfl_shape(outs[0]), np.int64)
        self.emit_output("Reshape", [self.plain(ins[0]), self.const("shape", shape)], outs[0], "plain")

    def op_squeeze(self, op, ins, outs):
        self.op_reshape(op, ins, outs)

    def op_expand_dims(self, op, ins, outs):
        self.op_reshape(op, ins[:1], outs)

    def op_concatenation(self, op, ins, outs):
        o = self.options(op, tflite.ConcatenationOptions)
        rank = len(self.tfl_shape(outs[0]))
        axis = o.Axis() % rank
        if rank == 4:
            self.emit_output("Concat", [self.nchw(i) for i in ins], outs[0], "nchw",
                             {"axis": NHWC_AXIS_TO_NCHW[axis]}, o.FusedActivationFunction())
        else:
            self.emit_output("Concat", [self.plain(i) for i in ins], outs[0], "plain", {"axis": axis},
                             o.FusedActivationFunction())

    def op_strided_slice(self, op, ins, outs):
        o = self.options(op, tflite.StridedSliceOptions)
        if o.EllipsisMask() or o.NewAxisMask() or o.Offset():
            raise _Unsupported("ellipsis_mask, new_axis_mask and offset are not supported")
        begin, end, strides = (self._const_input(i, what).astype(np.int64).reshape(-1)
                               for i, what in zip(ins[1:4], ("begin", "end", "strides")))
        shape = self.tfl_shape(ins[0])
        rank = len(shape)
        if not (len(begin) == len(end) == len(strides) == rank) or not strides.all():
            raise _Unsupported(f"begin/end/strides must have {rank} non-zero entries")
        starts, ends = [], []
        for a in range(rank):
            shrink = (o.ShrinkAxisMask() >> a) & 1
            first = 0 if (o.BeginMask() >> a) & 1 and not shrink else int(begin[a])
            big = np.iinfo(np.int64).max if strides[a] > 0 else np.iinfo(np.int64).min
            last = first + 1 if shrink else big if (o.EndMask() >> a) & 1 else int(end[a])
            if shrink and first == -1:
                last = big  # the last element: [-1, end of axis)
            starts.append(first)
            ends.append(last)
        v = self.value(ins[0])
        axes = list(range(rank))
        layout = v.layout if rank == 4 and not o.ShrinkAxisMask() else "plain"
        source = v.name if layout == v.layout else self.plain(ins[0])
        if layout == "nchw":  # slice the channel-first copy: TFLite axis a is NCHW axis NHWC_AXIS_TO_NCHW[a]
            axes = [NHWC_AXIS_TO_NCHW[a] for a in axes]
        consts = [self.const("slice_" + k, np.array(vals, np.int64))
                  for k, vals in (("starts", starts), ("ends", ends), ("axes", axes), ("steps", strides))]
        out_shape = self.tfl_shape(outs[0])
        if o.ShrinkAxisMask():  # slice, then drop the shrunk axes
            sliced = self.emit("Slice", [source, *consts], self.tfl_name(outs[0]) + "_slice")
            self.emit_output("Reshape", [sliced, self.const("shape", np.array(out_shape, np.int64))], outs[0],
                             "plain")
            return
        self.emit_output("Slice", [source, *consts], outs[0], layout)

    def op_split(self, op, ins, outs):
        axis_value = self._const_input(ins[0], "axis")
        self._split(ins[1], int(np.asarray(axis_value).reshape(-1)[0]), None, outs)

    def op_split_v(self, op, ins, outs):
        sizes = [int(v) for v in self._const_input(ins[1], "size_splits").reshape(-1)]
        axis_value = self._const_input(ins[2], "axis")
        self._split(ins[0], int(np.asarray(axis_value).reshape(-1)[0]), sizes, outs)

    def _split(self, x_index: int, axis: int, sizes: list[int] | None, outs: list[int]) -> None:
        shape = self.tfl_shape(x_index)
        rank = len(shape)
        axis %= rank
        if sizes is None:
            sizes = [shape[axis] // len(outs)] * len(outs)
        if -1 in sizes:  # one size may be inferred
            sizes[sizes.index(-1)] = shape[axis] - (sum(sizes) + 1)
        if len(sizes) != len(outs) or sum(sizes) != shape[axis] or min(sizes) < 0:
            raise _Unsupported(f"split sizes {sizes} do not fit axis {axis} of {list(shape)}")
        v = self.value(x_index)
        layout = v.layout if rank == 4 else "plain"
        onnx_axis = NHWC_AXIS_TO_NCHW[axis] if layout == "nchw" else axis
        self.emit("Split", [v.name, self.const("split", np.array(sizes, np.int64))], self.tfl_name(outs[0]),
                  {"axis": onnx_axis}, num_outputs=len(outs))
        node = self.nodes[-1]
        for k, out_index in enumerate(outs):
            name = node.outputs[k]
            if self.tensors[name].dtype in _QUANTIZED:
                self.tensors[name].quant = tflite_int8.quant_of(self, out_index)
            self.values[out_index] = _Value(name, layout)

    def op_softmax(self, op, ins, outs):
        beta = self.options(op, tflite.SoftmaxOptions).Beta()
        x = self.plain(ins[0])
        if beta != 1.0:
            x = self.emit("Mul", [x, self.const("beta", np.array(beta, np.float32))], x + "_scaled")
        self.emit_output("Softmax", [x], outs[0], "plain", {"axis": -1})

    def op_mean(self, op, ins, outs):
        keep = self.options(op, tflite.ReducerOptions).KeepDims()
        axes = [int(a) % len(self.tfl_shape(ins[0])) for a in np.atleast_1d(self._const_input(ins[1], "axes"))]
        if len(self.tfl_shape(ins[0])) == 4 and (keep or {1, 2} <= set(axes) and 3 not in axes):
            mapped = sorted(NHWC_AXIS_TO_NCHW[a] for a in axes)
            self.emit_output("ReduceMean", [self.nchw(ins[0]), self.const("axes", np.array(mapped, np.int64))],
                             outs[0], "nchw", {"keepdims": int(keep)})
        else:
            self.emit_output("ReduceMean", [self.plain(ins[0]), self.const("axes", np.array(axes, np.int64))],
                             outs[0], "plain", {"keepdims": int(keep)})

    def _resize(self, op, ins, outs, mode, opts_cls):
        o = self.options(op, opts_cls)
        size = self._const_input(ins[1], "size")
        n, _, _, c = self.tfl_shape(ins[0])
        if o.AlignCorners():
            transform = "align_corners"
        elif o.HalfPixelCenters():
            transform = "half_pixel" if mode == "linear" else "tf_half_pixel_for_nn"
        else:
            transform = "asymmetric"
        attrs = {"mode": mode, "coordinate_transformation_mode": transform}
        if mode == "nearest":
            attrs["nearest_mode"] = "round_prefer_ceil" if o.AlignCorners() else "floor"
        sizes = self.const("sizes", np.array([n, c, int(size[0]), int(size[1])], np.int64))
        self.emit_output("Resize", [self.nchw(ins[0]), "", "", sizes], outs[0], "nchw", attrs)

    def op_resize_bilinear(self, op, ins, outs):
        self._resize(op, ins, outs, "linear", tflite.ResizeBilinearOptions)

    def op_resize_nearest_neighbor(self, op, ins, outs):
        self._resize(op, ins, outs, "nearest", tflite.ResizeNearestNeighborOptions)

    def op_depth_to_space(self, op, ins, outs):
        block = self.options(op, tflite.DepthToSpaceOptions).BlockSize()
        self.emit_output("DepthToSpace", [self.nchw(ins[0])], outs[0], "nchw", {"blocksize": block, "mode": "DCR"})

    def op_transpose(self, op, ins, outs):
        perm = [int(p) for p in self._const_input(ins[1], "perm")]
        self.emit_output("Transpose", [self.plain(ins[0])], outs[0], "plain", {"perm": perm})

    def op_hard_swish(self, op, ins, outs):
        v = self.value(ins[0])
        self.emit_output("HardSwish", [v.name], outs[0], v.layout)

    # ---- helpers -----------------------------------------------------------
    def _const_input(self, index: int, what: str) -> np.ndarray:
        if index in self.values:
            data = self.tensors[self.values[index].name].data
        else:
            data = self.tfl_constant(index)
        if data is None:
            raise _Unsupported(f"the {what} must be a constant")
        return data

    def _conv_attrs(self, x_index, kernel, sh, sw, dh, dw, padding) -> dict:
        shape = self.tfl_shape(x_index)
        if len(shape) != 4:
            raise _Unsupported(f"the input has shape {list(shape)}, not NHWC")
        if min(sh, sw, dh, dw, int(kernel[0]), int(kernel[1])) < 1:
            raise _Unsupported(f"kernel {list(kernel)}, strides {[sh, sw]} and dilations {[dh, dw]} must be positive")
        _, h, w, _ = shape
        pads = [0, 0, 0, 0]
        if padding == tflite.Padding.SAME:
            for axis, (size, k, s, d) in enumerate(((h, kernel[0], sh, dh), (w, kernel[1], sw, dw))):
                out = -(-size // s)
                total = max((out - 1) * s + (k - 1) * d + 1 - size, 0)
                pads[axis], pads[axis + 2] = total // 2, total - total // 2
        return {"kernel_shape": [int(kernel[0]), int(kernel[1])], "strides": [sh, sw], "dilations": [dh, dw],
                "pads": pads}


def _permute(shape, perm) -> tuple[int, ...]:
    return tuple(int(shape[p]) for p in perm)
