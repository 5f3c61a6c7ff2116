"""Model importers: ONNX and TFLite files -> IR."""

from __future__ import annotations

from pathlib import Path

from rvpack.sdk.errors import ModelLoadError
from rvpack.sdk.ir.graph import Graph


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


def load_model(path: Path, input_shapes: dict[str, tuple[int, ...]] | None = None) -> Graph:
    fmt = detect_format(path)
    if fmt == "tflite":
        from rvpack.sdk.frontend.tflite_importer import load_tflite

        return load_tflite(path, input_shapes)
    from rvpack.sdk.frontend.onnx_importer import load_onnx

    return load_onnx(path, input_shapes)
