"""Validation of an ONNX file before anything else reads it.

The onnx package's checker validates the graph's structure, but trusts what
it is asked to load: external-data locations (absolute paths, "..",
symlinks out of the model's folder, devices, directories), offsets and
lengths past a file, initializers whose raw bytes do not match their dims or
whose element type is unknown, names that are not UTF-8, tensors of 2^40
elements. Each of those gets one line naming the file, the tensor and the
field, and nothing is loaded before it passes.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import numpy as np
import onnx
from google.protobuf.message import DecodeError
from onnx import TensorProto, helper

from rvpack.sdk.errors import ModelLoadError, short_shape
from rvpack.sdk.frontend.limits import Limits

# The typed field that holds a tensor's values when raw_data is not used.
_VALUE_FIELDS: dict[int, str] = {
    TensorProto.FLOAT: "float_data", TensorProto.COMPLEX64: "float_data", TensorProto.DOUBLE: "double_data",
    TensorProto.COMPLEX128: "double_data", TensorProto.INT64: "int64_data", TensorProto.UINT32: "uint64_data",
    TensorProto.UINT64: "uint64_data", TensorProto.STRING: "string_data",
}


def _fail(path: Path, message: str) -> ModelLoadError:
    return ModelLoadError(f"{path}: {message}",
                          hint="the file may be truncated or corrupted; re-download or re-export it")


def read_onnx(path: Path, limits: Limits) -> onnx.ModelProto:
    """The model, with its external data loaded once it has been checked."""
    model = onnx.ModelProto()
    try:
        model.ParseFromString(path.read_bytes())
    except (DecodeError, RuntimeError, ValueError) as e:
        raise _fail(path, f"not a valid ONNX or TFLite file (protobuf decoding failed: {_first_line(e)})") from None
    if not model.HasField("graph") or not model.graph.node or not model.opset_import:
        raise ModelLoadError(f"{path}: not an ONNX model (no graph found)", hint="rvpack reads .onnx and .tflite files")
    _check_names(path, model)
    total = 0
    for tensor, where in _tensors(model.graph):
        total += _check_tensor(path, tensor, where, limits)
    if total > limits.weights:
        raise ModelLoadError(f"{path}: {total} bytes of constant data, more than the limit of {limits.weights}",
                             hint="raise it with --limit weights=BYTES")
    if not model.graph.output:
        raise ModelLoadError(f"{path}: the graph has no outputs", hint="export the model with its outputs")
    for vi in model.graph.input:
        dims = vi.type.tensor_type.shape.dim
        # (some exporters write -1 for a dynamic dimension: --input-shape fixes those)
        values = [d.dim_value for d in dims if d.HasField("dim_value") and d.dim_value > 0]
        if values and int(np.prod(values, dtype=np.float64)) > limits.elements:
            raise ModelLoadError(f"{path}: input '{vi.name}' has {int(np.prod(values, dtype=np.float64))} elements, "
                                 f"more than the limit of {limits.elements}", hint="raise it with --limit elements=N")
    try:
        onnx.load_external_data_for_model(model, str(path.parent))
    except (OSError, ValueError) as e:
        raise _fail(path, f"cannot read its external data: {_first_line(e)}") from None
    try:
        onnx.checker.check_model(model)
    except UnicodeDecodeError:
        raise _fail(path, "a text field of the model is not valid UTF-8") from None
    except Exception as e:  # noqa: BLE001 - the checker raises ValidationError and, for odd inputs, others
        raise ModelLoadError(f"{path}: the ONNX checker rejected the model: {_first_line(e)}") from None
    return model


def _first_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0][:300] if text else type(e).__name__


def _tensors(graph: onnx.GraphProto, where: str = ""):
    """Every constant tensor of the graph and its subgraphs, with where it sits."""
    for init in graph.initializer:
        yield init, f"{where}initializer '{init.name}'"
    for node in graph.node:
        for attr in node.attribute:
            if attr.type == onnx.AttributeProto.TENSOR:
                yield attr.t, f"{where}node '{node.name or node.op_type}' attribute '{attr.name}'"
            for t in attr.tensors:
                yield t, f"{where}node '{node.name or node.op_type}' attribute '{attr.name}'"
            if attr.type == onnx.AttributeProto.GRAPH:
                yield from _tensors(attr.g, f"{where}node '{node.name or node.op_type}' subgraph: ")
            for g in attr.graphs:
                yield from _tensors(g, f"{where}node '{node.name or node.op_type}' subgraph: ")


def _check_names(path: Path, model: onnx.ModelProto) -> None:
    """proto2 strings that are not UTF-8 come back as bytes."""
    g = model.graph
    for kind, names in (("node", [n.name for n in g.node] + [n.op_type for n in g.node]),
                        ("tensor", [t for n in g.node for t in list(n.input) + list(n.output)]
                         + [i.name for i in g.initializer] + [v.name for v in list(g.input) + list(g.output)])):
        for name in names:
            if not isinstance(name, str):
                raise _fail(path, f"a {kind} name is not valid UTF-8 ({bytes(name)[:40]!r})")


def _check_tensor(path: Path, t: TensorProto, where: str, limits: Limits) -> int:
    """Checks one constant tensor; returns its size in bytes."""
    if any(d < 0 for d in t.dims):
        raise _fail(path, f"{where} has a negative dimension {short_shape(t.dims)}")
    elements = int(np.prod(list(t.dims), dtype=np.float64)) if t.dims else 1
    if elements > limits.elements:
        raise ModelLoadError(f"{path}: {where} has {elements} elements, more than the limit of {limits.elements}",
                             hint="raise it with --limit elements=N")
    try:
        dtype = np.dtype(helper.tensor_dtype_to_np_dtype(t.data_type))
    except (KeyError, TypeError, ValueError):
        raise _fail(path, f"{where} has unknown element type {t.data_type}") from None
    if t.data_type == TensorProto.STRING:
        return 0
    nbytes = elements * dtype.itemsize
    if t.data_location == TensorProto.EXTERNAL:
        _check_external(path, t, where, nbytes)
        return nbytes
    if t.HasField("raw_data"):
        if len(t.raw_data) != nbytes:
            raise _fail(path, f"{where}: {len(t.raw_data)} bytes of data for {elements} elements of {dtype.name}")
        return nbytes
    field = _VALUE_FIELDS.get(t.data_type, "int32_data")
    count = len(getattr(t, field))
    expected = elements * (2 if t.data_type in (TensorProto.COMPLEX64, TensorProto.COMPLEX128) else 1)
    if count != expected:
        raise _fail(path, f"{where}: {count} values for {elements} elements")
    return nbytes


def _check_external(path: Path, t: TensorProto, where: str, nbytes: int) -> None:
    info = {e.key: e.value for e in t.external_data}
    location = info.get("location", "")
    try:
        offset, length = int(info.get("offset", "0") or 0), int(info["length"]) if info.get("length") else None
    except ValueError:
        raise _fail(path, f"{where}: external data offset/length are not integers") from None
    if not location or os.path.isabs(location) or ".." in Path(location).parts:
        raise _fail(path, f"{where}: external data location '{location}' must be a relative path inside the "
                          "model's folder")
    folder = path.parent.resolve()
    target = (path.parent / location).resolve()
    if folder not in target.parents:
        raise _fail(path, f"{where}: external data '{location}' leads outside the model's folder")
    try:
        mode = os.stat(target).st_mode
    except OSError:
        raise ModelLoadError(f"{path}: {where}: external data file '{location}' is missing",
                             hint="keep the model's external data files next to the .onnx file") from None
    if not stat.S_ISREG(mode):
        raise _fail(path, f"{where}: external data '{location}' is not a regular file")
    size = os.stat(target).st_size
    available = size - offset
    if offset < 0 or available < 0 or (length is not None and (length < 0 or length > available)):
        raise _fail(path, f"{where}: external data offset {offset} / length {length} lie outside "
                          f"'{location}' ({size} bytes)")
    if (length if length is not None else available) != nbytes:
        raise _fail(path, f"{where}: {length if length is not None else available} bytes of external data for "
                          f"a tensor of {nbytes} bytes")
