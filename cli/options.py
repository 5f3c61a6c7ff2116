"""Option types shared by several commands, and their parsing."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Optional

import typer

from rvpack.sdk.errors import ShapeError

VlenOption = Annotated[Optional[int], typer.Option("--vlen", help="Vector length in bits for RVV bundles (128/256/512).")]
InputOption = Annotated[Optional[list[str]], typer.Option(
    "--input", "-i", help="Input file (.npy or raw), in input order or as NAME=FILE; repeat per input. "
    "Default: seeded random inputs.")]
InputShapeOption = Annotated[Optional[list[str]], typer.Option(
    "--input-shape", help="Static shape for a dynamic input, NAME=1x3x224x224; repeat per input.")]
BundleArgument = Annotated[Path, typer.Argument(help="A bundle directory written by `rvpack build`.", show_default=False)]


def parse_input_shapes(values: list[str] | None) -> dict[str, tuple[int, ...]]:
    shapes: dict[str, tuple[int, ...]] = {}
    for v in values or []:
        name, sep, dims = v.rpartition("=")
        if not sep or not name or not re.fullmatch(r"\d+(x\d+)*", dims):
            raise ShapeError(f"--input-shape '{v}' is not NAME=DIMS", hint="write it like x=1x3x224x224")
        shape = tuple(int(d) for d in dims.split("x"))
        if any(d <= 0 for d in shape):
            raise ShapeError(f"--input-shape '{v}': dimensions must be positive")
        shapes[name] = shape
    return shapes
