"""`rvpack bench`: per-layer retired instructions on Spike (or emulated time on QEMU)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from rvpack.cli.options import BundleArgument, VlenOption
from rvpack.cli.render import console, human_count, progress_reporter
from rvpack.sdk.errors import RvpackError

EXIT_CHECK_FAILED = 3


class BenchCheckFailed(RvpackError):
    exit_code = EXIT_CHECK_FAILED


def bench(
    bundle: BundleArgument,
    vlen: VlenOption = None,
    runner: Annotated[str, typer.Option("--runner", help="spike: exact retired instructions (default); "
                                        "qemu: emulated wall time.")] = "spike",
    against: Annotated[Optional[Path], typer.Option("--against", help="A second bundle of the same model: "
                                                    "per-layer and total ratios side by side.")] = None,
    json_file: Annotated[Optional[Path], typer.Option("--json", help="Also write the results as JSON to FILE.")] = None,
    model: Annotated[Optional[Path], typer.Option("--model", help="Model file for the output check "
                                                  "(default: the path recorded in the bundle).")] = None,
    no_check: Annotated[bool, typer.Option("--no-check", help="Skip comparing the counted run's outputs "
                                           "with the reference.")] = False,
    timeout: Annotated[float, typer.Option("--timeout", help="Give up after this many seconds.")] = 3600.0,
) -> None:
    """Count retired instructions per layer on Spike (exact and repeatable).

    Examples:
      rvpack bench squeezenet.rvpack
      rvpack bench squeezenet.rvpack --json counts.json
      rvpack bench sq_rv64gc.rvpack --against sq_rvv.rvpack --vlen 256
      rvpack bench squeezenet.rvpack --runner qemu
    """
    from rvpack.sdk.bundle import Bundle

    a = Bundle.open(bundle)
    b = Bundle.open(against) if against else None
    if runner == "qemu":
        _bench_qemu(a, b, vlen, json_file)
        return
    if runner != "spike":
        raise RvpackError(f"--runner {runner} is not a bench runner", hint="use --runner spike or --runner qemu")
    from rvpack.sdk.bench import bench_bundle

    with progress_reporter() as on_progress:
        results = [bench_bundle(x, vlen=vlen if x.manifest.target.get("min_vlen") else None, timeout=timeout,
                                check=not no_check, model_path=model, on_progress=on_progress)
                   for x in ([a] + ([b] if b else []))]
    if b is None:
        _print_counts(results[0])
    else:
        _print_comparison(results[0], results[1])
    if json_file:
        payload = [r.to_json() for r in results]
        json_file.write_text(json.dumps(payload[0] if b is None else {"a": payload[0], "b": payload[1]}, indent=2))
        console.print(f"wrote {json_file}")
    failed = [r for r in results if not r.check_passed]
    if failed:
        raise BenchCheckFailed(
            f"the counted run of {', '.join(r.bundle for r in failed)} does not match the reference: "
            "these counts are not valid results", hint="run `rvpack run BUNDLE --check` to investigate")


def _print_counts(r) -> None:
    table = Table(title=f"{r.bundle}: retired instructions on Spike ({r.isa})", title_justify="left")
    for col in ("#", "layer", "op", "output", "MACs", "instructions", "MACs/instr", "share"):
        table.add_column(col, justify="left" if col in ("layer", "op", "output") else "right")
    for layer in r.layers:
        table.add_row(str(layer.index), layer.name, layer.op, "x".join(map(str, layer.output_shape)),
                      human_count(layer.macs) if layer.macs else "", f"{layer.instructions:,}",
                      f"{layer.macs_per_instruction:.3f}" if layer.macs else "",
                      f"{100 * layer.instructions / max(r.total_instructions, 1):.1f}%")
    table.add_row("", "harness overhead", "", "", "", f"{r.overhead_instructions:,}", "", "")
    table.add_row("", "[bold]total[/]", "", "", human_count(r.total_macs), f"[bold]{r.total_instructions:,}[/]",
                  f"{r.total_macs / max(r.total_instructions, 1):.3f}", "100%")
    console.print(table)
    console.print(f"hook cost per layer (calibrated on an empty layer, subtracted): {r.hook_overhead_per_layer} "
                  f"instructions; overhead = total - sum(layers) = {r.overhead_instructions:,}")
    _print_check(r)
    console.print(f"Spike run {r.spike_seconds:.1f} s" + (f", bare-metal build {r.build_seconds:.1f} s" if r.build_seconds else ""))


def _print_check(r) -> None:
    if not r.check:
        console.print("[yellow]outputs not checked (--no-check)[/]")
        return
    worst = max(r.check, key=lambda c: c["max_abs_error"] / max(c["tolerance"], 1e-30))
    verdict = "[green]outputs match the reference[/]" if r.check_passed else "[red]outputs DIFFER from the reference[/]"
    console.print(f"{verdict} (worst: {worst['output']} max|err| {worst['max_abs_error']:.3g}, "
                  f"tolerance {worst['tolerance']:.3g})")


def _print_comparison(a, b) -> None:
    table = Table(title=f"retired instructions: {a.bundle} ({a.isa}) vs {b.bundle} ({b.isa})", title_justify="left")
    for col in ("layer", "op", "MACs", f"A {a.target}", f"B {b.target}", "A/B"):
        table.add_column(col, justify="left" if col in ("layer", "op") else "right")
    b_by_name = {layer.name: layer for layer in b.layers}
    for la in a.layers:
        lb = b_by_name.get(la.name)
        table.add_row(la.name, la.op, human_count(la.macs) if la.macs else "", f"{la.instructions:,}",
                      f"{lb.instructions:,}" if lb else "-",
                      f"{la.instructions / lb.instructions:.2f}x" if lb and lb.instructions else "-")
    table.add_row("[bold]total[/]", "", human_count(a.total_macs), f"{a.total_instructions:,}", f"{b.total_instructions:,}",
                  f"[bold]{a.total_instructions / max(b.total_instructions, 1):.2f}x[/]")
    console.print(table)
    for r in (a, b):
        _print_check(r)


def _bench_qemu(a, b, vlen, json_file) -> None:
    from rvpack.sdk import reference
    from rvpack.sdk.runners.local import run_local

    results = []
    for x in [a] + ([b] if b else []):
        run = run_local(x, reference.make_inputs(x.manifest.inputs), vlen=vlen if x.manifest.target.get("min_vlen") else None,
                        repeat=3)
        results.append((x, run))
    table = Table(title="Emulated time under QEMU user mode (not a real core's time)", title_justify="left")
    table.add_column("layer")
    table.add_column("op")
    for x, _ in results:
        table.add_column(f"{x.name} ({x.manifest.target['name']}) ms", justify="right")
    for k, layer in enumerate(results[0][1].layers):
        row = [layer.name, layer.op] + [f"{run.layers[k].microseconds / 1000:.3f}" if k < len(run.layers) else "-"
                                        for _, run in results]
        table.add_row(*row)
    table.add_row("[bold]total[/]", "", *[f"{run.total_us / 1000:.2f}" for _, run in results])
    console.print(table)
    if json_file:
        json_file.write_text(json.dumps([{"bundle": x.name, "emulated": True, "total_us": run.total_us,
                                          "layers": [vars(t) for t in run.layers]} for x, run in results], indent=2))
