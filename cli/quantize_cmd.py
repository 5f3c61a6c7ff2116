"""`rvpack quantize`: static int8 post-training quantization (sdk/quantize.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table
from rich.text import Text

from rvpack.cli.render import console, err_console, key_value_table, progress_reporter


def quantize(
    model: Annotated[Path, typer.Argument(help="Float ONNX model.", show_default=False)],
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Quantized model to write. "
                                                   "Default: <model>-int8.onnx")] = None,
    calibration: Annotated[Optional[Path], typer.Option("--calibration", help="Folder of calibration samples: "
                                                        ".npy (single-input models) or .npz (one array per "
                                                        "input), each shaped as the model's input.")] = None,
    random_calibration: Annotated[bool, typer.Option("--random-calibration", help="Calibrate on random inputs "
                                                     "when no samples exist (with a warning).")] = False,
    per_channel: Annotated[bool, typer.Option("--per-channel", help="One weight scale per output channel.")] = False,
    fmt: Annotated[str, typer.Option("--format", help="qdq (QuantizeLinear/DequantizeLinear around float ops) "
                                     "or qoperator (QLinearConv, ...).")] = "qdq",
    max_samples: Annotated[int, typer.Option("--max-samples", min=1, help="Use at most N calibration "
                                             "samples.")] = 256,
    force: Annotated[bool, typer.Option("--force", "-f", help="Replace -o if it exists.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")] = False,
) -> None:
    """Quantize an ONNX model to int8 (onnxruntime.quantization, static, calibrated) and report the
    drift of its outputs against the float model.

    Examples:
      rvpack quantize model.onnx --calibration samples/ -o model-int8.onnx --per-channel
      rvpack quantize model.onnx --random-calibration -o model-int8.onnx
    """
    from rvpack.sdk.quantize import QuantizeOptions, quantize_model

    out = output or model.with_name(model.stem + "-int8.onnx")
    options = QuantizeOptions(calibration=calibration, random_calibration=random_calibration,
                              per_channel=per_channel, format=fmt, max_samples=max_samples)
    with progress_reporter(quiet) as on_progress:
        result = quantize_model(model, out, options, force=force, on_progress=on_progress)
    for warning in result.warnings:
        err_console.print(Text.assemble(("warning", "yellow"), ": ", warning))
    console.print(key_value_table("Quantized", [
        ("model", str(result.output)), ("format", f"{fmt}, int8 activations and weights"
                                                  + (", per-channel weights" if per_channel else "")),
        ("calibration", result.calibration), ("quantization nodes", str(result.quantized_nodes))]))
    table = Table(title=f"Drift against the float model ({result.samples} samples)", title_justify="left")
    for col in ("output", "max |error|", "max |float|", "cosine", "top-1 agreement"):
        table.add_column(col, justify="left" if col == "output" else "right")
    for d in result.drift:
        table.add_row(d.output, f"{d.max_abs_error:.4g}", f"{d.max_abs_float:.4g}", f"{d.cosine:.5f}",
                      "" if d.top1_agreement is None else f"{100 * d.top1_agreement:.1f}%")
    console.print(table)
