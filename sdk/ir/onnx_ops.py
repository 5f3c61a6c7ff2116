"""Single-node access to ONNX's own shape inference and reference evaluator.

IR operators carry ONNX semantics at CANONICAL_OPSET, so instead of
re-implementing shape rules and constant evaluation for every operator, we
wrap one node in a tiny ONNX model and ask the onnx package.
"""

from __future__ import annotations

import warnings

import numpy as np
import onnx
from onnx import helper, numpy_helper

from rvpack.sdk.ir.graph import Graph, Node

# Every graph is converted to this opset on import (onnx.version_converter).
CANONICAL_OPSET = 21

# Constants larger than this are passed to shape inference as typed inputs
# rather than initializers: their values never matter for shapes, and copying
# a VGG weight into a protobuf for each query would be slow.
_SMALL_CONSTANT_ELEMENTS = 4096


def _value_info(name: str, dtype: np.dtype, shape: tuple[int, ...] | None) -> onnx.ValueInfoProto:
    elem = helper.np_dtype_to_tensor_dtype(np.dtype(dtype))
    return helper.make_tensor_value_info(name, elem, None if shape is None else list(shape))


def _single_node_model(node: Node, graph: Graph, with_values: bool) -> onnx.ModelProto:
    inputs, initializers = [], []
    for name in dict.fromkeys(n for n in node.inputs if n):
        t = graph.tensors[name]
        if t.data is not None and (with_values or t.data.size <= _SMALL_CONSTANT_ELEMENTS):
            initializers.append(numpy_helper.from_array(np.asarray(t.data), name))
        else:
            inputs.append(_value_info(name, t.dtype, t.shape))
    onnx_node = helper.make_node(node.op, node.inputs, node.outputs, name=node.name, **node.onnx_attrs())
    outputs = [helper.make_empty_tensor_value_info(o) for o in node.outputs if o]
    g = helper.make_graph([onnx_node], "node", inputs, outputs, initializers)
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", CANONICAL_OPSET)])


def infer_output_types(node: Node, graph: Graph) -> list[tuple[np.dtype, tuple[int, ...] | None]]:
    """(dtype, static shape or None) of each output of `node`, from onnx shape inference."""
    model = _single_node_model(node, graph, with_values=False)
    inferred = onnx.shape_inference.infer_shapes(model, strict_mode=False, data_prop=True)
    found: dict[str, tuple[np.dtype, tuple[int, ...] | None]] = {}
    for vi in list(inferred.graph.value_info) + list(inferred.graph.output):
        tt = vi.type.tensor_type
        if not tt.elem_type:
            continue
        dtype = np.dtype(helper.tensor_dtype_to_np_dtype(tt.elem_type))
        shape: tuple[int, ...] | None = None
        if tt.HasField("shape"):
            dims = [d.dim_value if d.HasField("dim_value") else -1 for d in tt.shape.dim]
            shape = None if any(d < 0 for d in dims) else tuple(dims)
        found[vi.name] = (dtype, shape)
    return [found.get(o, (np.dtype(np.float32), None)) for o in node.outputs]


def evaluate(node: Node, graph: Graph) -> list[np.ndarray]:
    """Computes the outputs of a node whose inputs are all constants."""
    from onnx.reference import ReferenceEvaluator

    model = _single_node_model(node, graph, with_values=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = ReferenceEvaluator(model).run(None, {})
    return [np.asarray(r) for r in results]
