"""`rvpack bench --plot`: per-layer retired instructions (and modelled cycles
when every run has the instruction mix) of one or more bench runs as grouped
bars, one colour per run (bundle, target, VLEN), drawn with matplotlib.

Linear axes, so a bar twice as tall is twice the count. Every bar carries
an SVG id "bar:<panel>:<run>:<layer>" and text stays text in SVG, so the
image can be checked against the numbers it was drawn from."""

from __future__ import annotations

from pathlib import Path

from rvpack.sdk.bench import BenchResult
from rvpack.sdk.errors import InputError, ToolMissingError
from rvpack.sdk.targets.cores import CoreModel

FORMATS = (".svg", ".png", ".pdf")


def check_plot_path(path: Path) -> None:
    """Fails before any benchmark runs if the plot cannot be written."""
    if path.suffix.lower() not in FORMATS:
        raise InputError(f"--plot {path}: the file must end in {', '.join(FORMATS)}",
                         hint="e.g. --plot layers.svg")
    if not path.parent.is_dir():
        raise InputError(f"--plot {path}: folder {path.parent} does not exist")
    _pyplot()


def _pyplot():
    try:
        import matplotlib
    except ImportError:
        raise ToolMissingError("matplotlib is not installed (rvpack bench --plot draws with it)",
                               hint="pip install matplotlib") from None
    matplotlib.use("Agg")  # no display needed
    import matplotlib.pyplot as plt

    return plt


def run_label(r: BenchResult) -> str:
    return f"{r.bundle} ({r.target}" + (f", VLEN {r.vlen})" if r.vlen else ")")


def _layer_names(results: list[BenchResult]) -> list[str]:
    """Every layer of every run, in the first run's order, then the others'."""
    names: list[str] = []
    for r in results:
        names += [layer.name for layer in r.layers if layer.name not in names]
    return names


def plot_layers(results: list[BenchResult], path: Path, core: CoreModel) -> None:
    """Writes the chart of `results` to path (.svg, .png or .pdf)."""
    check_plot_path(path)
    plt = _pyplot()
    names = _layer_names(results)
    panels = [("instructions", "retired instructions (Spike, exact)",
               lambda r, layer: float(layer.instructions))]
    if all(r.has_mix for r in results):
        panels.append(("cycles", f"modelled cycles, core model {core.name}",
                       lambda r, layer: float(r.cycles(layer.mix, core) or 0.0)))
    width = 0.8 / len(results)
    fig, axes = plt.subplots(len(panels), 1, figsize=(max(8.0, 0.35 * len(names) * len(results) + 2), 4.5 * len(panels)),
                             squeeze=False)
    with plt.rc_context({"svg.fonttype": "none"}):
        for ax, (key, title, value) in zip(axes[:, 0], panels):
            for k, r in enumerate(results):
                by_name = {layer.name: layer for layer in r.layers}
                xs = [i + (k - (len(results) - 1) / 2) * width for i in range(len(names))]
                heights = [value(r, by_name[n]) if n in by_name else 0.0 for n in names]
                bars = ax.bar(xs, heights, width, label=run_label(r), color=f"C{k}")
                for name, bar in zip(names, bars):
                    bar.set_gid(f"bar:{key}:{k}:{name}")
            ax.set_title(title, loc="left")
            ax.set_ylabel(key)
            ax.set_xticks(range(len(names)))
            ax.set_xticklabels(names, rotation=90, fontsize=7)
            ax.ticklabel_format(axis="y", style="sci", scilimits=(0, 3))
            ax.margins(x=0.01)
            ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(path)
    plt.close(fig)
