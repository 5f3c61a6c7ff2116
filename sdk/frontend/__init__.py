"""Model importers: ONNX and TFLite files -> IR."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from rvpack.sdk.errors import ModelLoadError, ShapeError, short_shape
from rvpack.sdk.frontend.limits import DEFAULT_LIMITS, Limits
from rvpack.sdk.ir.graph import Graph
from rvpack.sdk.ir.validate import validate_nodes


def detect_format(path: Path) -> str:
    """'onnx' or 'tflite', from the file's content (not its name)."""
    if not path.exists():
        raise ModelLoadError(f"{path}: no such file")
    if path.is_dir():
        raise ModelLoadError(f"{path}: is a directory, not a model file")
    with path.open("rb") as f:
        head = f.read(8)
    if len(head) >= 8 and head[4:8] == b"TFL3":
        return "tflite"
    if len(head) == 0:
        raise ModelLoadError(f"{path}: the file is empty")
    return "onnx"


def load_model(path: Path, input_shapes: dict[str, tuple[int, ...]] | None = None,
               limits: Limits = DEFAULT_LIMITS) -> Graph:
    """The model as IR. Every file is validated first (onnx_validate.py,
    tflite_verify.py), and the imported graph must stay within `limits`."""
    fmt = detect_format(path)
    if fmt == "tflite":
        from rvpack.sdk.frontend.tflite_importer import load_tflite

        graph = load_tflite(path, input_shapes, limits)
    else:
        from rvpack.sdk.frontend.onnx_importer import load_onnx

        graph = load_onnx(path, input_shapes, limits)
    check_sizes(graph, limits)
    validate_nodes(graph)
    return graph


def check_sizes(graph: Graph, limits: Limits) -> None:
    """Every tensor with a known shape: no negative dimension, at most
    limits.elements elements; and the graph has outputs."""
    if not graph.outputs:
        raise ModelLoadError(f"{graph.info.path}: the model has no outputs", hint="export the model with its outputs")
    for t in graph.tensors.values():
        if t.shape is None:
            continue
        if any(d < 0 for d in t.shape):
            raise ShapeError(f"{graph.info.path}: tensor '{t.name}' has a negative dimension {short_shape(t.shape)}")
        elements = int(np.prod(t.shape, dtype=np.float64))
        if elements > limits.elements:
            raise ShapeError(f"{graph.info.path}: tensor '{t.name}' has {elements} elements "
                             f"{short_shape(t.shape)}, more than the limit of {limits.elements}",
                             hint="raise it with --limit elements=N")
