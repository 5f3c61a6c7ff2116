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
from rvpack.sdk.frontend.limits import DEFAULT_LIMITS
from rvpack.sdk.ir.graph import STATE_OPS, Graph, Node, Tensor
from rvpack.sdk.ir import onnx_ops

# Never folded: their value is not a pure function of the inputs.
_NONDETERMINISTIC = {"RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike",
                     "Multinomial", "Bernoulli"}


def fold_constants(graph: Graph, max_bytes: int = DEFAULT_LIMITS.fold) -> Graph:
    """max_bytes: the most one folded node may produce; a node that would
    produce more is refused before anything is allocated."""
    g = graph.copy()
    kept: list[Node] = []
    for node in g.nodes:
        values = _try_fold(node, g, max_bytes)
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


def _try_fold(node: Node, g: Graph, max_bytes: int) -> list[np.ndarray] | None:
    if node.op in _NONDETERMINISTIC or node.op in STATE_OPS or "." in node.op:
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
    produced = _output_bytes(node, g)
    if produced is not None and produced > max_bytes:
        raise UnsupportedModelError(f"{node.describe()}: folding it would produce {produced} bytes of constants, "
                                    f"more than the limit of {max_bytes}", hint="raise it with --limit fold=BYTES")
    try:
        return onnx_ops.evaluate(node, g)
    except Exception as e:
        raise UnsupportedModelError(f"{node.describe()}: cannot evaluate its constant inputs: {e}") from e


def _output_bytes(node: Node, g: Graph) -> int | None:
    """What folding `node` would allocate: from the inferred output shapes,
    or, for the ops whose output size is a value of their inputs, from those
    values; None if unknown (the node is then simply evaluated)."""
    shapes = [g.tensors[o].shape for o in node.outputs if o]
    if shapes and all(s is not None for s in shapes):
        return sum(int(np.prod(s, dtype=np.float64)) * g.tensors[o].dtype.itemsize
                   for s, o in zip(shapes, node.outputs) if s is not None)
    inputs = [g.constant(name) if name else None for name in node.inputs]

    def elements(shape) -> float:
        return float(np.prod(np.abs(np.asarray(shape, dtype=np.float64)))) if np.size(shape) else 1.0

    first = inputs[0] if inputs else None
    if node.op == "ConstantOfShape" and first is not None:
        count = elements(first)
    elif node.op == "Expand" and len(inputs) > 1 and first is not None and inputs[1] is not None:
        count = max(elements(first.shape), elements(inputs[1])) * max(1.0, float(first.size))
    elif node.op == "Tile" and len(inputs) > 1 and first is not None and inputs[1] is not None:
        count = float(first.size) * elements(inputs[1])
    elif node.op == "Range" and len(inputs) == 3 and all(v is not None for v in inputs):
        start, limit, delta = (float(np.asarray(v).reshape(-1)[0]) for v in inputs)  # type: ignore[union-attr]
        count = abs((limit - start) / delta) + 1 if delta else float("inf")
    elif node.op == "Pad" and len(inputs) > 1 and first is not None and inputs[1] is not None:
        pads = np.abs(np.asarray(inputs[1], dtype=np.float64)).reshape(-1)
        half = pads.size // 2
        rank = min(first.ndim, half)
        padded = np.asarray(first.shape, dtype=np.float64)
        padded[:rank] += pads[:rank] + pads[half:half + rank]
        count = elements(padded)
    else:
        return None
    return int(min(count, 2.0**62)) * 8


def _complete_shapes(node: Node, g: Graph) -> None:
    if all(g.tensors[o].shape is not None for o in node.outputs if o):
        return
    for name, (dtype, shape) in zip(node.outputs, onnx_ops.infer_output_types(node, g)):
        if name:
            t = g.tensors[name]
            g.tensors[name] = Tensor(name, dtype, shape if shape is not None else t.shape)
