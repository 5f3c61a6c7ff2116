"""ONNX quantized models (QDQ) -> rvpack's int8 operators.

A QDQ model computes in float between DequantizeLinear (DQ) and
QuantizeLinear (Q) nodes; its meaning is exactly that float computation.
This pass keeps the meaning and moves the heavy parts to int8:

- DQ(x) -> Conv / Gemm / MatMul (DQ'd int8 weights, int32 bias) [-> Relu |
  Clip] -> Q becomes Qs8Conv / Qs8FullyConnected: int32 accumulation, then
  onnxruntime's QLinearConv requantization (acc * float32(x_s * w_s / y_s),
  ties to even, "_rounding": "float"); the activation is a clamp, exact
  because Q is monotone.
- DQ -> MaxPool / Reshape / Flatten / Transpose / Squeeze / Unsqueeze -> Q
  with equal parameters runs on the int8 data (Q(DQ(x)) = x: exact).
- DQ... -> Concat -> Q: each input whose parameters differ from the output's
  is requantized (Q8Requantize in ONNX's float arithmetic: exact), then an
  int8 Concat.
- Anything else stays float between a Q8Dequantize and a Q8Quantize (ties to
  even, as QuantizeLinear): exactly the model's own semantics.

So a fused layer differs from onnxruntime's float evaluation of the same
layer only where float accumulation puts a value on the other side of a
rounding tie: at most 1 LSB (tests/e2e/test_onnx_int8.py measures it).

Schemes rvpack does not run are refused, naming the tensor: 4- and 16-bit
and float8 types, float16 scales, per-axis activation scales, blocked
quantization. DQ of constant weights that no int8 operator takes folds to
float (constant folding, after this pass).
"""

from __future__ import annotations

import numpy as np

from rvpack.sdk.errors import RootCauses, UnsupportedModelError
from rvpack.sdk.ir.graph import Graph, Node, QuantParams

QDQ = ("QuantizeLinear", "DequantizeLinear")
INT8, UINT8, INT32 = np.dtype(np.int8), np.dtype(np.uint8), np.dtype(np.int32)
_VIEWS = {"Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze"}


def round_even_f32(x: np.ndarray | float | np.floating) -> np.ndarray:
    """QuantizeLinear's rounding: float32 values, ties to even."""
    return np.rint(np.asarray(x, np.float32))


def lower_qdq(graph: Graph) -> Graph:
    if not any(n.op in QDQ for n in graph.nodes):
        return graph
    g = graph.copy()
    _check_schemes(g)
    _Fuser(g).run()
    _convert_rest(g)
    return g


# ---- schemes ----------------------------------------------------------------


def _check_schemes(g: Graph) -> None:
    problems = RootCauses()
    for node in (n for n in g.nodes if n.op in QDQ):
        try:
            _check_node(g, node)
        except UnsupportedModelError as e:
            problems.failed([], node.outputs, f"{node.describe()}: {e.message}")
    problems.raise_if_any(g.name, "unsupported quantization",
                          hint="rvpack runs int8/uint8 activations with per-tensor float32 scales and int8 weights "
                               "(`rvpack quantize` writes such models)")


def _check_node(g: Graph, node: Node) -> None:
    x, scale, zp = node.input(0), node.input(1), node.input(2)
    if node.attrs.get("block_size", 0):
        raise UnsupportedModelError(f"tensor '{x}': blocked quantization (block_size) is not supported")
    s = g.constant(scale)
    if s is None:
        raise UnsupportedModelError(f"scale '{scale}' is computed at run time; it must be a constant")
    if s.dtype != np.float32:
        raise UnsupportedModelError(f"scale '{scale}' is {s.dtype}; only float32 scales are supported "
                                    "(float16 QDQ is not)")
    quantized = x if node.op == "DequantizeLinear" else node.outputs[0]
    qtype = g.tensors[quantized].dtype
    constant = g.constant(x) is not None
    allowed = (INT8, UINT8, INT32) if node.op == "DequantizeLinear" and constant else (INT8, UINT8)
    if qtype not in allowed:
        what = "16-bit" if qtype.itemsize == 2 else f"{qtype}"
        raise UnsupportedModelError(f"tensor '{quantized}' is quantized to {what}; rvpack runs int8/uint8 "
                                    "activations and int8 weights")
    if zp and g.constant(zp) is None:
        raise UnsupportedModelError(f"zero point '{zp}' is computed at run time; it must be a constant")
    if not constant and s.size != 1:
        raise UnsupportedModelError(f"activation '{quantized}' has per-axis scales ({s.size}); rvpack runs "
                                    "per-tensor activation scales")


def _params(g: Graph, node: Node) -> tuple[np.ndarray, np.ndarray, int | None]:
    """(scales float32, zero points int64, axis or None) of a Q/DQ node."""
    scale_const = g.constant(node.input(1))
    assert scale_const is not None  # (checked by _check_node)
    scale = scale_const.astype(np.float32).ravel()
    zp_const = g.constant(node.input(2))
    zp = np.zeros(scale.size, np.int64) if zp_const is None else zp_const.astype(np.int64).ravel()
    if zp.size == 1 and scale.size > 1:
        zp = np.repeat(zp, scale.size)
    axis = int(node.attrs.get("axis", 1)) if scale.size > 1 else None
    return scale, zp, axis


def _activation_params(g: Graph, node: Node) -> QuantParams:
    scale, zp, _ = _params(g, node)
    return QuantParams((float(scale[0]),), (int(zp[0]),), None)


# ---- fusion -----------------------------------------------------------------


class _Fuser:
    def __init__(self, g: Graph):
        self.g = g
        self.producer = {o: n for n in g.nodes for o in n.outputs if o}
        self.consumers = g.consumers()
        self.removed: set[int] = set()
        self.replacement: dict[int, list[Node]] = {}

    def run(self) -> None:
        rules = {"Conv": self._conv, "Gemm": self._gemm, "MatMul": self._matmul, "MaxPool": self._maxpool,
                 "Concat": self._concat, **{op: self._view for op in _VIEWS}}
        for node in list(self.g.nodes):
            rule = rules.get(node.op)
            if rule is not None and id(node) not in self.removed:
                rule(node)
        nodes = []
        for node in self.g.nodes:
            nodes += self.replacement.get(id(node), [])
            if id(node) not in self.removed:
                nodes.append(node)
        self.g.nodes = nodes

    # -- pattern pieces --

    def _act_dq(self, name: str) -> tuple[str, QuantParams] | None:
        """The int8 tensor and its parameters behind DQ(name), for a run-time tensor."""
        dq = self.producer.get(name)
        if dq is None or dq.op != "DequantizeLinear" or self.g.constant(dq.inputs[0]) is not None:
            return None
        if self.g.tensors[dq.inputs[0]].dtype != INT8:
            return None
        return dq.inputs[0], _activation_params(self.g, dq)

    def _const_dq(self, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, int | None] | None:
        dq = self.producer.get(name)
        if not name or dq is None or dq.op != "DequantizeLinear":
            return None
        data = self.g.constant(dq.inputs[0])
        if data is None:
            return None
        scale, zp, axis = _params(self.g, dq)
        if axis is not None and axis < 0:
            axis += data.ndim
        return data, scale, zp, axis

    def _only_consumer(self, name: str) -> Node | None:
        users = self.consumers.get(name, [])
        if name in self.g.outputs or len(users) != 1:
            return None
        return users[0]

    def _tail(self, name: str) -> tuple[list[Node], Node, QuantParams, int, int] | None:
        """[optional Relu/Clip] -> Q(int8) after `name`: (nodes, Q, y params, qmin, qmax)."""
        nxt, between = self._only_consumer(name), []
        clip: tuple[float | None, float | None] = (None, None)
        if nxt is not None and nxt.op in ("Relu", "Clip"):
            if nxt.op == "Relu":
                clip = (0.0, None)
            else:
                bounds = [self.g.constant(nxt.input(i)) for i in (1, 2)]
                if any(nxt.input(i) and b is None for i, b in zip((1, 2), bounds)):
                    return None
                clip = (None if bounds[0] is None else float(bounds[0]), None if bounds[1] is None else float(bounds[1]))
            between = [nxt]
            nxt = self._only_consumer(nxt.outputs[0])
        if nxt is None or nxt.op != "QuantizeLinear" or self.g.tensors[nxt.outputs[0]].dtype != INT8:
            return None
        yq = _activation_params(self.g, nxt)
        lo, hi = -128, 127
        for bound, pick in zip(clip, (max, min)):
            if bound is not None:  # Q is monotone: Q(clip(x)) = clamp(Q(x), Q(lo), Q(hi))
                q = int(round_even_f32(np.float32(bound) / np.float32(yq.scale[0]))) + yq.zero_point[0]
                q = max(-128, min(127, q))
                lo, hi = (pick(lo, q), hi) if pick is max else (lo, pick(hi, q))
        return between, nxt, yq, lo, hi

    def _replace(self, anchor: Node, removed: list[Node], new: list[Node]) -> None:
        self.replacement[id(anchor)] = new
        for n in removed:
            self.removed.add(id(n))

    def _weights(self, dq, rows_axis: int, name: str) -> str | None:
        """The int8 weight constant with rows (output channels) on axis 0."""
        data, scale, zp, axis = dq
        if data.dtype != INT8 or np.any(zp != 0) or (axis is not None and axis != rows_axis):
            return None
        if rows_axis != 0:
            data = np.ascontiguousarray(np.moveaxis(data, rows_axis, 0))
        const = self.g.add_constant(name, data)
        self.g.tensors[const].quant = QuantParams(tuple(float(s) for s in scale), (0,) * scale.size,
                                                  0 if axis is not None else None)
        return const

    def _bias(self, dq, x: QuantParams, w_scale: np.ndarray, channels: int) -> np.ndarray | None:
        """The int32 bias if its scale is x_scale * w_scale (as QLinearConv needs)."""
        data, scale, zp, _ = dq
        if data.dtype != INT32 or np.any(zp != 0) or data.size != channels:
            return None
        expected = np.float32(x.scale[0]) * w_scale.astype(np.float32)
        if not np.allclose(np.broadcast_to(scale, expected.shape), expected, rtol=1e-6, atol=0):
            return None
        return data.reshape(channels)

    def _int8_node(self, anchor: Node, op: str, inputs: list[str], tail, attrs: dict) -> None:
        between, q, yq, lo, hi = tail
        y = q.outputs[0]
        self.g.tensors[y].quant = yq
        new = Node(anchor.name, op, inputs, [y], {**attrs, "_rounding": "float", "_qmin": lo, "_qmax": hi})
        self._replace(anchor, [anchor, *between, q], [new])

    # -- rules --

    def _conv(self, node: Node) -> None:
        x, wdq = self._act_dq(node.input(0)), self._const_dq(node.input(1))
        tail = self._tail(node.outputs[0])
        if x is None or wdq is None or tail is None or wdq[0].ndim != 4:
            return
        weights = self._weights(wdq, 0, node.input(1) + "_int8")
        if weights is None:
            return
        inputs = [x[0], weights]
        if node.input(2):
            bdq = self._const_dq(node.input(2))
            bias = None if bdq is None else self._bias(bdq, x[1], wdq[1], wdq[0].shape[0])
            if bias is None:
                return
            inputs.append(self.g.add_constant(node.input(2) + "_int32", bias))
        self._int8_node(node, "Qs8Conv", inputs, tail, dict(node.attrs))

    def _fully_connected(self, node: Node, a: str, b: str, bias_name: str, trans_b: bool) -> None:
        x, wdq = self._act_dq(a), self._const_dq(b)
        tail = self._tail(node.outputs[0])
        if x is None or wdq is None or tail is None or wdq[0].ndim != 2:
            return
        weights = self._weights(wdq, 0 if trans_b else 1, b + "_int8")
        if weights is None:
            return
        n = int(wdq[0].shape[1 if not trans_b else 0])
        inputs = [x[0], weights]
        if bias_name:
            bdq = self._const_dq(bias_name)
            bias = None if bdq is None else self._bias(bdq, x[1], wdq[1], n)
            if bias is None:
                return
            inputs.append(self.g.add_constant(bias_name + "_int32", bias))
        self._int8_node(node, "Qs8FullyConnected", inputs, tail, {})

    def _gemm(self, node: Node) -> None:
        a = node.attrs
        if a.get("transA", 0) or float(a.get("alpha", 1.0)) != 1.0 or float(a.get("beta", 1.0)) != 1.0:
            return
        shape = self.g.tensors[node.input(0)].shape
        if shape is None or len(shape) != 2:
            return
        self._fully_connected(node, node.input(0), node.input(1), node.input(2), bool(a.get("transB", 0)))

    def _matmul(self, node: Node) -> None:
        self._fully_connected(node, node.input(0), node.input(1), "", trans_b=False)

    def _maxpool(self, node: Node) -> None:
        x, tail = self._act_dq(node.input(0)), self._tail(node.outputs[0])
        if (x is None or tail is None or len([o for o in node.outputs if o]) != 1 or tail[2] != x[1]
                or any(d != 1 for d in node.attrs.get("dilations", [1, 1])) or node.attrs.get("storage_order", 0)):
            return
        attrs = {k: v for k, v in node.attrs.items() if k not in ("dilations", "storage_order")}
        self._int8_node(node, "Qs8MaxPool", [x[0]], tail, attrs)

    def _view(self, node: Node) -> None:
        x, tail = self._act_dq(node.input(0)), self._tail(node.outputs[0])
        if x is None or tail is None or tail[0] or tail[2] != x[1]:
            return
        y = tail[1].outputs[0]
        self.g.tensors[y].quant = tail[2]
        self._replace(node, [node, tail[1]], [Node(node.name, node.op, [x[0], *node.inputs[1:]], [y],
                                                   dict(node.attrs))])

    def _concat(self, node: Node) -> None:
        sources = [self._act_dq(i) for i in node.inputs]
        tail = self._tail(node.outputs[0])
        if tail is None or tail[0] or any(s is None for s in sources):
            return
        yq, new, inputs = tail[2], [], []
        for source in sources:
            assert source is not None
            name, xq = source
            if xq == yq:
                inputs.append(name)
                continue
            moved = self.g.unique_name(f"{name}_requantized")
            self.g.tensors[moved] = type(self.g.tensors[name])(moved, INT8, self.g.tensors[name].shape, quant=yq)
            self.g.tensors[name].quant = xq
            new.append(Node(self.g.unique_name(f"{node.name}_requantize"), "Q8Requantize", [name], [moved],
                            {"_onnx": True}))
            inputs.append(moved)
        y = tail[1].outputs[0]
        self.g.tensors[y].quant = yq
        new.append(Node(node.name, "Concat", inputs, [y], dict(node.attrs)))
        self._replace(node, [node, tail[1]], new)


# ---- what stays float ---------------------------------------------------------


def _convert_rest(g: Graph) -> None:
    """Run-time Q/DQ nodes left become Q8Quantize/Q8Dequantize (ONNX rounding);
    every int8/uint8 run-time tensor gets its parameters, the same wherever
    it is quantized or dequantized."""
    nodes = []
    for node in g.nodes:
        if node.op not in QDQ or g.constant(node.inputs[0]) is not None:
            nodes.append(node)
            continue
        quantized = node.outputs[0] if node.op == "QuantizeLinear" else node.inputs[0]
        params = _activation_params(g, node)
        known = g.tensors[quantized].quant
        if known is not None and known != params:
            raise UnsupportedModelError(
                f"tensor '{quantized}' is quantized with scale {known.scale[0]} zero point {known.zero_point[0]} "
                f"and dequantized by node '{node.name}' with scale {params.scale[0]} zero point "
                f"{params.zero_point[0]}", hint="a QDQ model uses one set of parameters per tensor")
        g.tensors[quantized].quant = params
        op = "Q8Quantize" if node.op == "QuantizeLinear" else "Q8Dequantize"
        nodes.append(Node(node.name, op, [node.inputs[0]], [node.outputs[0]], {"_onnx": True}))
    g.nodes = [_int8_movement(g, n) for n in nodes]


def _int8_movement(g: Graph, node: Node) -> Node:
    """An operator that moves int8 data itself (QOperator models pool and
    reshape int8 tensors directly): its output keeps the input's parameters;
    MaxPool becomes Qs8MaxPool."""
    if node.op not in _VIEWS | {"MaxPool", "Slice", "Split", "Concat"} or not node.inputs:
        return node
    x = g.tensors[node.inputs[0]]
    if x.dtype != INT8 or x.quant is None or g.constant(node.inputs[0]) is not None:
        return node
    for y in node.outputs:
        if y and g.tensors[y].quant is None:
            g.tensors[y].quant = x.quant
    if (node.op == "MaxPool" and len([o for o in node.outputs if o]) == 1
            and all(d == 1 for d in node.attrs.get("dilations", [1, 1]))):
        attrs = {k: v for k, v in node.attrs.items() if k not in ("storage_order",)}
        return Node(node.name, "Qs8MaxPool", [node.inputs[0]], node.outputs, {**attrs, "_qmin": -128, "_qmax": 127})
    return node
