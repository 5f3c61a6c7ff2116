"""manifest.json: what a bundle is, for tools and for people.

Everything `rvpack run`, `inspect` and `deploy` need is read from here, never
from the generated C.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rvpack.sdk.bundle.target import TargetSpec
from rvpack.sdk.errors import BundleError

FORMAT = "rvpack-bundle"
FORMAT_VERSION = 2  # 2: "target" is a full TargetSpec (emulator, VLEN rule, Spike ISA)


@dataclass
class TensorSpec:
    name: str
    field: str
    dtype: str  # numpy dtype name, e.g. "float32"
    shape: list[int]
    layout: str = ""  # informative: "NCHW", "NHWC" or ""
    # quantized (int8/uint8) tensors: real = scale * (q - zero_point)
    scale: float | None = None
    zero_point: int | None = None


@dataclass
class LayerRecord:
    name: str
    op: str
    kernel: str
    macs: int
    params: int
    output_shape: list[int]
    executed: bool  # False for views (Reshape, Flatten, ...) that cost nothing
    storage: str = ""  # where the output lives: "arena[start:end]", "output k" or "view of '<tensor>'"
    # Column-sparse layers: the fraction of K steps their row blocks keep (None: dense kernels).
    sparse_kept: float | None = None


@dataclass
class Manifest:
    name: str
    rvpack_version: str
    model: dict[str, Any]
    target: dict[str, Any]
    toolchain: dict[str, str]
    inputs: list[TensorSpec]
    outputs: list[TensorSpec]
    arena_bytes: int
    arena_lower_bound_bytes: int
    weights_bytes: int
    layers: list[LayerRecord]
    build: dict[str, Any] = field(default_factory=dict)
    state_bytes: int = 0  # streaming models: the state block kept between runs
    format: str = FORMAT
    format_version: int = FORMAT_VERSION

    @property
    def target_spec(self) -> TargetSpec:
        return TargetSpec.from_dict(self.target)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2) + "\n"

    @staticmethod
    def load(path: Path) -> "Manifest":
        try:
            data = json.loads(path.read_text())
        except FileNotFoundError as e:
            raise BundleError(f"{path.parent}: not an rvpack bundle (no manifest.json)",
                              hint="build one with `rvpack build MODEL -o DIR`") from e
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise BundleError(f"{path}: manifest.json is not valid JSON ({e})") from e
        if data.get("format") != FORMAT:
            raise BundleError(f"{path}: not an rvpack bundle manifest")
        if data.get("format_version") != FORMAT_VERSION:
            raise BundleError(f"{path}: bundle format version {data.get('format_version')} is not supported "
                              f"by this rvpack (reads {FORMAT_VERSION})", hint="rebuild the bundle")
        try:
            data["inputs"] = [TensorSpec(**t) for t in data["inputs"]]
            data["outputs"] = [TensorSpec(**t) for t in data["outputs"]]
            data["layers"] = [LayerRecord(**layer) for layer in data["layers"]]
            manifest = Manifest(**data)
            manifest.target_spec  # noqa: B018 (validates the target record)
            return manifest
        except (KeyError, TypeError) as e:
            raise BundleError(f"{path}: manifest.json is incomplete ({e})", hint="rebuild the bundle") from e
