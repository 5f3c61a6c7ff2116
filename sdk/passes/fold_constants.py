"""Constant folding and shape completion.

Every node whose inputs are all constants is evaluated once here with ONNX's
reference evaluator (so ConstantOfShape, Constant, Cast, DEQUANTIZE-style
casts and arithmetic on weights all disappear); Shape/Size of a static tensor
become constants, which lets whole Shape -> Gather -> Concat -> Reshape chains
fold. Output shapes still unknown are filled in by ONNX shape inference.
"""

from __future__ import annotations

import numpy as np

from rvpack.sdk.errors import UnsupportedModelError
from rvpack.sdk.ir.graph import Graph, Node, Tensor
from rvpack.sdk.ir import onnx_ops

# Never folded: their value is not a pure function of the inputs.
_NONDETERMINISTIC = {"RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike",
                     "Multinomial", "Bernoulli"}


def fold_constants(graph: Graph) -> Graph:
    g = graph.copy()
    kept: list[Node] = []
    for node in g.nodes:
        values = _try_fold(node, g)
        if values is None:
            _complete_shapes(node, g)
            kept.append(node)
            continue
        for name, value in zip(node.outputs, values):
            if name:
                value = np.asarray(value, order="C")  # (ascontiguousarray would make 0-d arrays 1-d)
                g.tensors[name] = Tensor(name, value.dtype, tuple(value.shape), value)
    g.nodes = kept
    return g


def _try_fold(node: Node, g: Graph) -> list[np.ndarray] | None:
    if node.op in _NONDETERMINISTIC or "." in node.op:
        return None
    if node.op in ("Shape", "Size"):
        shape = g.tensors[node.inputs[0]].shape
        if shape is None:
            return None
        if node.op == "Size":
            return [np.array(int(np.prod(shape)), dtype=np.int64)]
        start, end = node.attrs.get("start", 0), node.attrs.get("end", None)
        return [np.array(shape[start:end], dtype=np.int64)]
    if not all(g.constant(name) is not None for name in node.inputs if name):
        return None
    try:
        return onnx_ops.evaluate(node, g)
    except Exception as e:
        raise UnsupportedModelError(f"{node.describe()}: cannot evaluate its constant inputs: {e}") from e


def _complete_shapes(node: Node, g: Graph) -> None:
    if all(g.tensors[o].shape is not None for o in node.outputs if o):
        return
    for name, (dtype, shape) in zip(node.outputs, onnx_ops.infer_output_types(node, g)):
        if name:
            t = g.tensors[name]
            g.tensors[name] = Tensor(name, dtype, shape if shape is not None else t.shape)
