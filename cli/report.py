"""Rendering shared by `run` and `deploy`: the reference outputs for --check,
the per-layer time table and the check table."""

from __future__ import annotations

from pathlib import Path

from rich.table import Table
from rich.text import Text

from rvpack.cli.render import console, styled
from rvpack.sdk.errors import RunError, RvpackError
from rvpack.sdk.progress import ProgressFn, report

EXIT_CHECK_FAILED = 3


class CheckFailed(RvpackError):
    exit_code = EXIT_CHECK_FAILED


def reference_outputs(manifest, model: Path | None, inputs: list, on_progress: ProgressFn = None,
                      steps: int = 1) -> list:
    """The reference runtime's outputs for `inputs`, from --model or the model path the bundle records."""
    from rvpack.sdk import reference

    model_path = model or Path(manifest.model["path"])
    if not model_path.exists():
        raise RunError(f"--check needs the model file; {model_path} does not exist", hint="pass it with --model PATH")
    report(on_progress, "reference", f"{manifest.model['format']} reference")
    refs = reference.run_reference(model_path, manifest.model["format"], [s.name for s in manifest.inputs], inputs,
                                   steps)
    report(on_progress, "reference", "done", done=True)
    return refs


def print_layer_times(result, show_all: bool) -> None:
    if not result.layers:
        return
    rows = result.layers if show_all else sorted(result.layers, key=lambda t: -t.microseconds)[:10]
    table = Table(title="Per-layer time" + ("" if show_all else " (10 slowest; --layers for all)"), title_justify="left")
    for col in ("#", "layer", "op", "ms", "share"):
        table.add_column(col, justify="right" if col in ("#", "ms", "share") else "left")
    total = sum(t.microseconds for t in result.layers) or 1.0
    for t in rows:
        table.add_row(str(t.index), t.name, t.op, f"{t.microseconds / 1000:.3f}", f"{100 * t.microseconds / total:.1f}%")
    console.print(table)


def print_check(manifest, outputs: list, refs: list) -> None:
    """Prints the comparison table; raises CheckFailed if an output is off."""
    from rvpack.sdk import reference

    comparisons = reference.compare([s.name for s in manifest.outputs], outputs, refs, reference.tolerance_of(manifest),
                                    reference.lsb_of(manifest))
    table = Table(title=f"Check against {'tflite-runtime' if manifest.model['format'] == 'tflite' else 'onnxruntime'}",
                  title_justify="left")
    for col in ("output", "shape", "max |error|", "max |ref|", "relative", "tolerance", "result"):
        table.add_column(col)
    for c, spec in zip(comparisons, manifest.outputs):
        table.add_row(c.name, "x".join(map(str, spec.shape)), f"{c.max_abs_error:.3g}", f"{c.max_abs_reference:.3g}",
                      f"{c.relative_error:.2e}", f"{c.tolerance:.2g}", styled("pass", "green") if c.ok else styled("FAIL", "red"))
    console.print(table)
    failed = [c.name for c in comparisons if not c.ok]
    if failed:
        raise CheckFailed(f"{len(failed)} output(s) differ from the reference beyond tolerance: {', '.join(failed)}")
    lsb = reference.lsb_of(manifest)
    exact = sum(c.tolerance == 0 for c in comparisons)  # integer (quantized) outputs: compared exactly
    stepped = sum(c.name in lsb for c in comparisons)
    within = len(comparisons) - exact - stepped
    parts = ([f"{exact} integer output(s) equal to the reference"] if exact else []) + \
        ([f"{stepped} quantized output(s) within {reference.QDQ_CHECK_STEPS} LSB of the reference"] if stepped else []) + \
        ([f"{within} output(s) within {reference.tolerance_of(manifest):g} x max|ref| of the reference"] if within else [])
    console.print(Text.assemble(("check passed", "green"), ": " + "; ".join(parts)))
