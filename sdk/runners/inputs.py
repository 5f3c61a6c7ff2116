"""Reading and validating user-provided inputs against a bundle's manifest."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from rvpack.sdk.bundle.manifest import TensorSpec
from rvpack.sdk.errors import InputError


def load_inputs(specs: list[TensorSpec], args: list[str], notices: list[str] | None = None,
                steps: int = 1) -> list[np.ndarray]:
    """`args` are FILE (in input order) or NAME=FILE; .npy is parsed, any
    other file is raw little-endian data of exactly the input's size. A
    float .npy for a quantized (int8/uint8) input is quantized with the
    input's scale and zero point; `notices` collects one line per such input.
    With steps > 1 every file holds a sequence: a leading `steps` dimension."""
    by_name: dict[str, str] = {}
    positional: list[str] = []
    names = {s.name for s in specs}
    for a in args:
        name, sep, path = a.partition("=")
        if sep and name in names:
            by_name[name] = path
        else:
            positional.append(a)
    missing = [s for s in specs if s.name not in by_name]
    if len(positional) > len(missing):
        raise InputError(f"{len(args)} input files given, the model has {len(specs)} input(s): "
                         + ", ".join(s.name for s in specs))
    for spec, path in zip(missing, positional):
        by_name[spec.name] = path
    absent = [s.name for s in specs if s.name not in by_name]
    if absent:
        raise InputError(f"no file given for input(s) {', '.join(absent)}",
                         hint="pass one --input per model input (NAME=FILE or in order), or none for random inputs")
    return [_load_one(spec, Path(by_name[spec.name]), notices, steps) for spec in specs]


def quantize(value: np.ndarray, spec: TensorSpec) -> np.ndarray:
    """Real values to the input's int8/uint8 levels as TFLite's QUANTIZE
    does: round(x / scale) half away from zero, plus the zero point, saturated."""
    assert spec.scale is not None and spec.zero_point is not None
    info = np.iinfo(np.dtype(spec.dtype))
    scaled = np.asarray(value, np.float32) / np.float32(spec.scale)
    rounded = np.where(scaled >= 0, np.floor(scaled + 0.5), -np.floor(-scaled + 0.5))
    rounded = np.nan_to_num(rounded, nan=0.0, posinf=info.max, neginf=info.min)  # (NaN: the zero point)
    return np.clip(rounded.astype(np.float64) + spec.zero_point, info.min, info.max).astype(spec.dtype)


def _load_one(spec: TensorSpec, path: Path, notices: list[str] | None = None, steps: int = 1) -> np.ndarray:
    shape = ([steps] if steps > 1 else []) + list(spec.shape)
    want = f"{spec.dtype} {shape}"
    if not path.is_file():
        raise InputError(f"input '{spec.name}': {path}: no such file")
    if path.suffix == ".npy":
        try:
            value = np.load(path, allow_pickle=False)
        except (ValueError, OSError) as e:
            raise InputError(f"input '{spec.name}': {path} is not a valid .npy file ({e})") from e
        got = f"{value.dtype} {list(value.shape)}"
        if (spec.scale is not None and value.dtype.kind == "f" and np.dtype(spec.dtype).kind in "iu"
                and list(value.shape) == shape):
            if notices is not None:
                notices.append(f"input '{spec.name}': quantized {value.dtype} data from {path.name} to {spec.dtype} "
                               f"(scale {spec.scale:.6g}, zero point {spec.zero_point})")
            return quantize(value, spec)
        if value.dtype != np.dtype(spec.dtype) or list(value.shape) != shape:
            hint = "" if list(value.shape) == shape or steps > 1 else \
                "a sequence of inputs needs --steps N" if list(value.shape[1:]) == list(spec.shape) else ""
            if value.dtype != np.dtype(spec.dtype) and list(value.shape) == shape:
                hint = f"convert it, e.g. np.save(path, x.astype(np.{spec.dtype}))"
            raise InputError(f"input '{spec.name}' expects {want}, got {got} in {path}", hint=hint)
        return np.asarray(value, order="C")
    raw = path.read_bytes()
    expected = int(np.prod(shape)) * np.dtype(spec.dtype).itemsize
    if len(raw) != expected:
        raise InputError(f"input '{spec.name}' expects {want} = {expected} bytes of raw data, {path} has {len(raw)} bytes",
                         hint="use a .npy file, or raw little-endian data of exactly that size")
    return np.frombuffer(raw, dtype=np.dtype(spec.dtype).newbyteorder("<")).reshape(shape).copy()
