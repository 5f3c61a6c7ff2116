"""`rvpack prune`: column-wise N:M pruning of a model's conv weights (sdk/prune.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from rvpack.cli.render import console, key_value_table, progress_reporter


def prune(
    model: Annotated[Path, typer.Argument(help="Model file (.onnx / .tflite).", show_default=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help="Pruned model to write (same format as MODEL).",
                                         show_default=False)],
    sparsity: Annotated[float, typer.Option("--sparsity", help="Fraction of each block's K columns set to zero.")] = 0.5,
    m: Annotated[int, typer.Option("--m", help="Group size M of N:M: N = M * (1 - sparsity) columns of every M "
                                   "stay.")] = 4,
    tile: Annotated[str, typer.Option("--tile", help="Column-sparse tile whose MR rows share a mask: auto (the one "
                                      "`rvpack build` picks for the pruned layer) or MRxLMUL, e.g. 7x4v.")] = "auto",
    layers: Annotated[Optional[list[str]], typer.Option("--layers", help="Glob over layer names to prune "
                                                        "(repeatable; `rvpack inspect` lists them).")] = None,
    exclude: Annotated[Optional[list[str]], typer.Option("--exclude", help="Glob over layer names to leave dense "
                                                         "(repeatable).")] = None,
    mask_out: Annotated[Optional[Path], typer.Option("--mask-out", help="Write the masks (True = kept), per "
                                                     "weight tensor in its file layout, to this .npz.")] = None,
    target: Annotated[str, typer.Option("--target", "-t", help="Target whose column-sparse kernels to prune "
                                        "for.")] = "rvv1.0",
    core: Annotated[str, typer.Option("--core", help="Core model of the tile choice, as for build.")] = "x60",
    force: Annotated[bool, typer.Option("--force", "-f", help="Replace -o / --mask-out if they exist.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")] = False,
) -> None:
    """Prune conv weights column-wise (N of every M K columns per block of MR output channels, by L2 norm)
    for the sparse kernels; report per layer and the output drift against the dense model.

    Examples:
      rvpack prune model.onnx --sparsity 0.5 -o model-pruned.onnx --mask-out mask.npz
      rvpack prune model.onnx --sparsity 0.75 --exclude conv1 -o model-75.onnx
      rvpack prune model.tflite --tile 7x4v -o model-pruned.tflite
    """
    from rvpack.sdk.prune import PruneOptions, prune_model
    from rvpack.sdk.targets import get_target

    options = PruneOptions(sparsity=sparsity, m=m, tile=tile, layers=tuple(layers or ("*",)),
                           exclude=tuple(exclude or ()), core=core)
    with progress_reporter(quiet) as on_progress:
        result = prune_model(model, output, get_target(target), options, mask_out=mask_out, force=force,
                             on_progress=on_progress)
    table = Table(title=f"Pruned layers ({len(result.layers)})", title_justify="left")
    for col in ("layer", "weights", "tile", "kept K", "norm kept", "modelled saving"):
        table.add_column(col, justify="left" if col in ("layer", "weights", "tile") else "right")
    for layer in result.layers:
        table.add_row(layer.layer, layer.weight, layer.tile, f"{100 * layer.kept_fraction:.0f}%",
                      f"{100 * layer.norm_retained:.1f}%", f"{layer.saving:.2f}x")
    console.print(table)
    if result.skipped:
        skipped = Table(title="Left dense", title_justify="left")
        skipped.add_column("layer")
        skipped.add_column("why")
        for name, why in result.skipped:
            skipped.add_row(name, why)
        console.print(skipped)
    drift = Table(title="Output drift, pruned vs dense (reference runtime, sample inputs)", title_justify="left")
    for col in ("output", "max |change|", "max |dense|", "relative"):
        drift.add_column(col, justify="left" if col == "output" else "right")
    for d in result.drift:
        drift.add_row(d.output, f"{d.max_abs_change:.3g}", f"{d.max_abs_dense:.3g}", f"{d.relative:.2e}")
    console.print(drift)
    rows = [("model", str(result.output)),
            ("zeroed", f"{result.zeroed:,} of {result.total:,} weights of the pruned layers "
                       f"({100 * result.zeroed / max(result.total, 1):.1f}%)")]
    if result.mask_file is not None:
        rows.append(("masks", str(result.mask_file)))
    console.print(key_value_table("Pruned", rows))
