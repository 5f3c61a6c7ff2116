"""ONNX QOperator models -> the QDQ form of the same computation.

A QOperator node (QLinearConv, QLinearMatMul, and onnxruntime's
com.microsoft QLinearAdd, QLinearMul, QLinearConcat, QLinear(Global)AveragePool,
QLinearSigmoid, QLinearLeakyRelu, QGemm) means: dequantize the inputs,
apply the float operator, quantize the output. Written out that way, before
version conversion and shape inference (which know only the standard
operators), the model takes the QDQ path (sdk/passes/qdq.py), which puts
the heavy operators back on int8 kernels.
"""

from __future__ import annotations

import numpy as np
import onnx
from onnx import helper, numpy_helper

from rvpack.sdk.errors import UnsupportedModelError

MS = "com.microsoft"


class _Expander:
    def __init__(self, model: onnx.ModelProto):
        self.model = model
        self.graph = model.graph
        self.inits = {t.name: t for t in self.graph.initializer}
        self.used = {n for node in self.graph.node for n in (*node.input, *node.output)} | set(self.inits)
        self.out: list[onnx.NodeProto] = []

    def fresh(self, base: str) -> str:
        name, i = base, 1
        while name in self.used:
            name, i = f"{base}_{i}", i + 1
        self.used.add(name)
        return name

    def constant(self, name: str, what: str, node: onnx.NodeProto) -> np.ndarray:
        if name not in self.inits:
            raise UnsupportedModelError(f"node '{node.name}' ({node.op_type}): its {what} '{name}' is computed at run "
                                        "time; rvpack needs it constant")
        return numpy_helper.to_array(self.inits[name])

    def add_init(self, base: str, value: np.ndarray) -> str:
        name = self.fresh(base)
        self.graph.initializer.append(numpy_helper.from_array(value, name))
        self.inits[name] = self.graph.initializer[-1]
        return name

    def dq(self, x: str, scale: str, zp: str, node: onnx.NodeProto, axis: int | None = None) -> str:
        y = self.fresh(f"{x}_dequantized")
        s = self.constant(scale, "scale", node)
        dq = helper.make_node("DequantizeLinear", [x, scale, zp], [y], name=self.fresh(f"{node.name}_dq"))
        if axis is not None and s.size > 1:
            dq.attribute.append(helper.make_attribute("axis", axis))
        self.out.append(dq)
        return y

    def q(self, x: str, scale: str, zp: str, y: str, node: onnx.NodeProto) -> None:
        self.out.append(helper.make_node("QuantizeLinear", [x, scale, zp], [y], name=self.fresh(f"{node.name}_q")))

    def op(self, op_type: str, inputs: list[str], node: onnx.NodeProto, **attrs) -> str:
        y = self.fresh(f"{node.output[0]}_float")
        self.out.append(helper.make_node(op_type, inputs, [y], name=node.name or self.fresh(op_type), **attrs))
        return y

    def bias(self, b: str, a_scale: str, w_scale: str, node: onnx.NodeProto) -> str:
        """An int32 bias with scale a_scale * w_scale (per output channel), dequantized."""
        scale = (self.constant(a_scale, "scale", node).astype(np.float32)
                 * self.constant(w_scale, "scale", node).astype(np.float32)).astype(np.float32).ravel()
        n = self.constant(b, "bias", node).size
        scale = np.broadcast_to(scale, (n,)).copy() if scale.size == 1 and n > 1 else scale
        s = self.add_init(f"{b}_scale", scale if scale.size > 1 else scale.reshape(()))
        z = self.add_init(f"{b}_zero_point", np.zeros(scale.shape if scale.size > 1 else (), np.int32))
        return self.dq(b, s, z, node, axis=0)


def _attrs(node: onnx.NodeProto, drop: tuple[str, ...] = ()) -> dict:
    return {a.name: helper.get_attribute_value(a) for a in node.attribute if a.name not in drop}


def _opt(node: onnx.NodeProto, i: int) -> str:
    return node.input[i] if len(node.input) > i else ""


def _expand(e: _Expander, node: onnx.NodeProto) -> bool:
    """Appends the QDQ form of `node` to e.out; False if it is no QOperator node."""
    op, i = node.op_type, list(node.input)
    ms = node.domain == MS
    if op == "QLinearConv" and not ms:
        x, w = e.dq(i[0], i[1], i[2], node), e.dq(i[3], i[4], i[5], node, axis=0)
        inputs = [x, w] + ([e.bias(i[8], i[1], i[4], node)] if _opt(node, 8) else [])
        e.q(e.op("Conv", inputs, node, **_attrs(node)), i[6], i[7], node.output[0], node)
    elif op == "QLinearMatMul" and not ms:
        a, b = e.dq(i[0], i[1], i[2], node), e.dq(i[3], i[4], i[5], node, axis=1)
        e.q(e.op("MatMul", [a, b], node), i[6], i[7], node.output[0], node)
    elif ms and op in ("QLinearAdd", "QLinearMul"):
        a, b = e.dq(i[0], i[1], i[2], node), e.dq(i[3], i[4], _opt(node, 5), node)
        e.q(e.op(op[len("QLinear"):], [a, b], node), i[6], _opt(node, 7), node.output[0], node)
    elif ms and op == "QLinearConcat":
        triples = [i[k:k + 3] for k in range(2, len(i), 3)]
        xs = [e.dq(x, s, z, node) for x, s, z in triples]
        e.q(e.op("Concat", xs, node, **_attrs(node)), i[0], i[1], node.output[0], node)
    elif ms and op in ("QLinearGlobalAveragePool", "QLinearAveragePool", "QLinearSigmoid", "QLinearLeakyRelu"):
        if _attrs(node).get("channels_last", 0):
            raise UnsupportedModelError(f"node '{node.name}' ({op}): channels_last is not supported")
        x = e.dq(i[0], i[1], _opt(node, 2), node)
        e.q(e.op(op[len("QLinear"):], [x], node, **_attrs(node, ("channels_last",))), i[3], _opt(node, 4),
            node.output[0], node)
    elif ms and op == "QGemm":
        a, b = e.dq(i[0], i[1], i[2], node), e.dq(i[3], i[4], i[5], node, axis=0 if _attrs(node).get("transB") else 1)
        inputs = [a, b] + ([e.bias(i[6], i[1], i[4], node)] if _opt(node, 6) else [])
        y = e.op("Gemm", inputs, node, **_attrs(node))
        if _opt(node, 7):
            e.q(y, i[7], _opt(node, 8), node.output[0], node)
        else:  # no output scale: a float output
            e.out.append(helper.make_node("Identity", [y], [node.output[0]], name=e.fresh(f"{node.name}_out")))
    else:
        return False
    return True


def expand_qoperator(model: onnx.ModelProto) -> int:
    """Rewrites the QOperator nodes of `model` in place; returns how many."""
    if not any(n.op_type.startswith("QLinear") or n.op_type == "QGemm" for n in model.graph.node):
        return 0
    e = _Expander(model)
    count = 0
    for node in model.graph.node:
        if _expand(e, node):
            count += 1
        else:
            e.out.append(node)
    del model.graph.node[:]
    model.graph.node.extend(e.out)
    if not any(n.domain == MS for n in model.graph.node):
        kept = [o for o in model.opset_import if o.domain != MS]
        del model.opset_import[:]
        model.opset_import.extend(kept)
    return count
