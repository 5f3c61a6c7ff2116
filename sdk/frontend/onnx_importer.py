"""ONNX -> IR.

Validation and normalisation are delegated to the onnx package: the checker
rejects malformed models, the version converter brings every model to the
canonical opset (so lowering sees one form of each operator), and shape
inference gives dtypes and shapes. Constant subgraphs are folded later by the
fold_constants pass.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import onnx
from onnx import helper, numpy_helper, version_converter

from rvpack.sdk.errors import ModelLoadError, ShapeError, UnsupportedModelError
from rvpack.sdk.frontend.limits import DEFAULT_LIMITS, Limits
from rvpack.sdk.frontend.names import c_identifier
from rvpack.sdk.frontend.onnx_qoperator import expand_qoperator
from rvpack.sdk.frontend.onnx_validate import read_onnx
from rvpack.sdk.ir.graph import Graph, ModelInfo, Node, Tensor
from rvpack.sdk.ir.onnx_ops import CANONICAL_OPSET

MIN_OPSET, MAX_OPSET = 6, 21


def load_onnx(path: Path, input_shapes: dict[str, tuple[int, ...]] | None = None,
              limits: Limits = DEFAULT_LIMITS) -> Graph:
    model = read_onnx(path, limits)
    opset = _default_opset(model)
    if not MIN_OPSET <= opset <= MAX_OPSET:
        raise UnsupportedModelError(
            f"{path}: ONNX opset {opset} is not supported",
            hint=f"export the model with an opset from {MIN_OPSET} to {MAX_OPSET}",
        )
    _fix_input_shapes(model, input_shapes or {}, path)
    expand_qoperator(model)  # QLinearConv & co. -> DQ, float operator, Q (the QDQ path)
    if opset < 7:
        _per_channel_prelu_slopes(model)
    if opset != CANONICAL_OPSET:
        try:
            model = version_converter.convert_version(model, CANONICAL_OPSET)
        except Exception as e:  # the converter raises bare RuntimeErrors
            raise UnsupportedModelError(
                f"{path}: cannot convert opset {opset} to {CANONICAL_OPSET}: {e}",
                hint="re-export the model with a newer opset",
            ) from e
    try:
        model = onnx.shape_inference.infer_shapes(model, strict_mode=False, data_prop=True)
    except Exception as e:
        raise ModelLoadError(f"{path}: ONNX shape inference failed: {e}") from e
    return _to_ir(model, path, opset)


def _per_channel_prelu_slopes(model: onnx.ModelProto) -> None:
    """PRelu-6 applied a 1-D slope per channel (axis 1); from opset 7 on it
    broadcasts from the right. The version converter keeps the tensor as is,
    so reshape such slopes to [C, 1, ..., 1] to keep the meaning."""
    ranks = {}
    inferred = onnx.shape_inference.infer_shapes(model)
    for vi in list(inferred.graph.input) + list(inferred.graph.value_info):
        if vi.type.tensor_type.HasField("shape"):
            ranks[vi.name] = len(vi.type.tensor_type.shape.dim)
    inits = {i.name: i for i in model.graph.initializer}
    for node in model.graph.node:
        if node.op_type != "PRelu" or len(node.input) < 2 or node.input[1] not in inits:
            continue
        slope = numpy_helper.to_array(inits[node.input[1]])
        rank = ranks.get(node.input[0], 0)
        if slope.ndim == 1 and slope.size > 1 and rank > 2:
            shape = (slope.size,) + (1,) * (rank - 2)
            inits[node.input[1]].CopyFrom(numpy_helper.from_array(slope.reshape(shape), node.input[1]))
            for vi in model.graph.input:  # IR 3 lists initializers as inputs too
                if vi.name == node.input[1]:
                    vi.type.tensor_type.shape.CopyFrom(helper.make_tensor_type_proto(1, shape).tensor_type.shape)


def _default_opset(model: onnx.ModelProto) -> int:
    for imp in model.opset_import:
        if imp.domain in ("", "ai.onnx"):
            return imp.version
    return 0


def _fix_input_shapes(model: onnx.ModelProto, overrides: dict[str, tuple[int, ...]], path: Path) -> None:
    """Makes every graph input static, from the model or from --input-shape."""
    initializers = {i.name for i in model.graph.initializer}
    real_inputs = [i for i in model.graph.input if i.name not in initializers]
    unknown = set(overrides) - {i.name for i in real_inputs}
    if unknown:
        raise ShapeError(
            f"--input-shape names {', '.join(sorted(unknown))}, which is not an input of {path.name}",
            hint="inputs are: " + ", ".join(i.name for i in real_inputs),
        )
    problems = []
    for vi in real_inputs:
        dims = vi.type.tensor_type.shape.dim
        shown = [str(d.dim_value) if d.dim_value > 0 else (d.dim_param or "?") for d in dims]
        wanted = overrides.get(vi.name)
        if wanted is not None:
            if len(wanted) != len(dims):
                raise ShapeError(
                    f"--input-shape {vi.name}: rank {len(wanted)} given, the model's input has rank "
                    f"{len(dims)} ({'x'.join(shown)})"
                )
            for d, w in zip(dims, wanted):
                if d.dim_value > 0 and d.dim_value != w:
                    raise ShapeError(
                        f"--input-shape {vi.name}={'x'.join(map(str, wanted))} conflicts with the model's "
                        f"static shape {'x'.join(shown)}"
                    )
                d.Clear()
                d.dim_value = w
        elif any(d.dim_value <= 0 for d in dims):
            problems.append(f"input '{vi.name}' has dynamic shape [{', '.join(shown)}]")
    if problems:
        names = " ".join(f"--input-shape {vi.name}=1x..." for vi in real_inputs)
        raise ShapeError(
            "dynamic input dimensions: " + "; ".join(problems),
            hint=f"give static shapes, e.g. {names} (like --input-shape x=1x3x224x224)",
        )


def _to_ir(model: onnx.ModelProto, path: Path, source_opset: int) -> Graph:
    g = model.graph
    tensors: dict[str, Tensor] = {}
    for vi in list(g.input) + list(g.value_info) + list(g.output):
        tt = vi.type.tensor_type
        if not tt.elem_type:
            continue
        dims = [d.dim_value if d.HasField("dim_value") else -1 for d in tt.shape.dim]
        shape = None if (not tt.HasField("shape") or any(d < 0 for d in dims)) else tuple(dims)
        tensors[vi.name] = Tensor(vi.name, np.dtype(helper.tensor_dtype_to_np_dtype(tt.elem_type)), shape)
    for init in g.initializer:
        value = numpy_helper.to_array(init)
        tensors[init.name] = Tensor(init.name, value.dtype, tuple(value.shape), value)

    nodes = []
    used_names: set[str] = set()
    for i, n in enumerate(g.node):
        if n.domain not in ("", "ai.onnx"):
            attrs = {}
        else:
            attrs = {a.name: helper.get_attribute_value(a) for a in n.attribute}
        name = n.name or f"{n.op_type}_{i}"
        if name in used_names:
            name = f"{name}_{i}"
        used_names.add(name)
        op = n.op_type if n.domain in ("", "ai.onnx") else f"{n.domain}.{n.op_type}"
        nodes.append(Node(name, op, list(n.input), list(n.output), attrs))
        for out in n.output:
            if out and out not in tensors:
                tensors[out] = Tensor(out, np.dtype(np.float32), None)

    initializers = {i.name for i in g.initializer}
    info = ModelInfo(
        path=str(path),
        format="onnx",
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        producer=f"{model.producer_name} {model.producer_version}".strip(),
        opset=source_opset,
    )
    return Graph(
        name=c_identifier(path.stem),
        tensors=tensors,
        nodes=nodes,
        inputs=[i.name for i in g.input if i.name not in initializers],
        outputs=[o.name for o in g.output],
        info=info,
    )
