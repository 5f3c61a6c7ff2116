"""`rvpack bench`: per-layer retired instructions, instruction mix and modelled
cycles on Spike (or emulated time on QEMU)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table
from rich.text import Text

from rvpack.cli.options import BundleArgument
from rvpack.cli.render import console, human_count, progress_reporter, styled
from rvpack.sdk.errors import RvpackError

EXIT_CHECK_FAILED = 3


class BenchCheckFailed(RvpackError):
    exit_code = EXIT_CHECK_FAILED


def bench(
    bundle: BundleArgument,
    vlens: Annotated[Optional[list[int]], typer.Option("--vlen", help="Vector length in bits for RVV bundles "
                                                       "(128/256/512); repeat to bench each VLEN side by side.")] = None,
    runner: Annotated[str, typer.Option("--runner", help="spike: exact retired instructions (default); "
                                        "qemu: emulated wall time.")] = "spike",
    against: Annotated[Optional[list[Path]], typer.Option("--against", help="Another bundle of the same model "
                                                          "(repeatable): per-layer and total ratios side by side.")] = None,
    plot: Annotated[Optional[Path], typer.Option("--plot", help="Also draw per-layer instructions and modelled "
                                                 "cycles of every run as a chart: FILE.svg, .png or .pdf.")] = None,
    json_file: Annotated[Optional[Path], typer.Option("--json", help="Also write the results as JSON to FILE.")] = None,
    model: Annotated[Optional[Path], typer.Option("--model", help="Model file for the output check "
                                                  "(default: the path recorded in the bundle).")] = None,
    no_check: Annotated[bool, typer.Option("--no-check", help="Skip comparing the counted run's outputs "
                                           "with the reference.")] = False,
    timeout: Annotated[float, typer.Option("--timeout", help="Give up after this many seconds.")] = 3600.0,
    core: Annotated[str, typer.Option("--core", help="Core model of the cycle columns (x60: DLEN 128; "
                                      "dlen=vlen); --json carries every model.")] = "x60",
    mix: Annotated[bool, typer.Option("--mix", help="Also show every layer's instruction mix.")] = False,
    no_profile: Annotated[bool, typer.Option("--no-profile", help="Instructions only: no instruction mix and no "
                                             "modelled cycles (Spike without rvpack's profile extension).")] = False,
) -> None:
    """Count retired instructions per layer on Spike (exact and repeatable), with
    each layer's instruction mix and its modelled cycles on a core model.

    Examples:
      rvpack bench squeezenet.rvpack
      rvpack bench squeezenet.rvpack --vlen 256 --core dlen=vlen --mix
      rvpack bench squeezenet.rvpack --json counts.json
      rvpack bench sq_rv64gc.rvpack --against sq_rvv.rvpack --vlen 256
      rvpack bench squeezenet.rvpack --runner qemu
      rvpack bench sq_rvv.rvpack --vlen 128 --vlen 256 --against sq_rv64gc.rvpack --plot layers.svg
    """
    from rvpack.sdk.targets.cores import CORE_MODELS

    if core not in CORE_MODELS:
        raise RvpackError(f"--core {core} is not a core model", hint="choose one of " + ", ".join(CORE_MODELS))
    model_core = CORE_MODELS[core]
    from rvpack.sdk.bundle import Bundle

    bundles = [Bundle.open(x) for x in [bundle, *(against or [])]]
    if runner == "qemu":
        if plot or len(bundles) > 2 or len(vlens or []) > 1:
            raise RvpackError("--runner qemu compares two bundles at one VLEN and draws no plot",
                              hint="use the default --runner spike")
        _bench_qemu(bundles[0], bundles[1] if len(bundles) > 1 else None, vlens[0] if vlens else None, json_file)
        return
    if runner != "spike":
        raise RvpackError(f"--runner {runner} is not a bench runner", hint="use --runner spike or --runner qemu")
    from rvpack.sdk.bench import bench_bundle
    from rvpack.sdk.bench_plot import check_plot_path, plot_layers

    if plot:
        check_plot_path(plot)  # before minutes of Spike
    # one run per bundle and VLEN (a scalar bundle has no VLEN: one run)
    per_bundle: list[int | None] = list(vlens) if vlens else [None]
    runs = [(x, v) for x in bundles for v in (per_bundle if x.manifest.target.get("min_vlen") else [None])]
    with progress_reporter() as on_progress:
        results = [bench_bundle(x, vlen=v, timeout=timeout, check=not no_check, model_path=model,
                                profile=not no_profile, on_progress=on_progress) for x, v in runs]
    if len(results) == 1:
        _print_counts(results[0], model_core)
        if mix:
            _print_mix(results[0])
    elif len(results) == 2:
        _print_comparison(results[0], results[1], model_core)
    else:
        _print_counts(results[0], model_core)
        _print_totals(results, model_core)
    if json_file:
        payload = [r.to_json() for r in results]
        json_file.write_text(json.dumps(payload[0] if len(payload) == 1 else {"a": payload[0], "b": payload[1]}
                                        if len(payload) == 2 else {"runs": payload}, indent=2))
        console.print(f"wrote {json_file}")
    if plot:
        plot_layers(results, plot, model_core)
        console.print(f"wrote {plot}")
    failed = [r for r in results if not r.check_passed]
    if failed:
        raise BenchCheckFailed(
            f"the counted run of {', '.join(r.bundle for r in failed)} does not match the reference: "
            "these counts are not valid results", hint="run `rvpack run BUNDLE --check` to investigate")


def _print_counts(r, core) -> None:
    title = f"{r.bundle}: retired instructions on Spike ({r.isa})"
    if r.has_mix:
        title += f"; cycles on core model {core.name} ({core.description})"
    table = Table(title=title, title_justify="left")
    columns = ["#", "layer", "op", "output", "MACs", "instructions", "MACs/instr", "share"]
    if r.has_mix:
        columns += ["vector", "cycles", "MACs/cycle", "of peak"]
    for col in columns:
        table.add_column(col, justify="left" if col in ("layer", "op", "output") else "right")
    for layer in r.layers:
        table.add_row(str(layer.index), layer.name, layer.op, "x".join(map(str, layer.output_shape)),
                      human_count(layer.macs) if layer.macs else "", f"{layer.instructions:,}",
                      f"{layer.macs_per_instruction:.3f}" if layer.macs else "",
                      f"{100 * layer.instructions / max(r.total_instructions, 1):.1f}%",
                      *(_cycle_cells(r, layer.macs, layer.mix, core) if r.has_mix else []))
    table.add_row("", "harness overhead", "", "", "", f"{r.overhead_instructions:,}", "", "",
                  *([""] * 4 if r.has_mix else []))
    table.add_row("", styled("total", "bold"), "", "", human_count(r.total_macs), styled(f"{r.total_instructions:,}", "bold"),
                  f"{r.total_macs / max(r.total_instructions, 1):.3f}", "100%",
                  *(_cycle_cells(r, r.total_macs, r.total_mix, core) if r.has_mix else []))
    console.print(table)
    console.print(f"hook cost per layer (calibrated on an empty layer, subtracted): {r.hook_overhead_per_layer} "
                  f"instructions; overhead = total - sum(layers) = {r.overhead_instructions:,}")
    if r.has_mix:
        console.print(f"cycles: additive in-order model (1 per scalar instruction and vsetvl, LMUL x VLEN/DLEN per "
                      f"vector instruction); FMA peak {core.fma_peak(r.vlen):g} MACs/cycle at DLEN "
                      f"{core.dlen_at(r.vlen) or '-'}")
    _print_check(r)
    console.print(f"Spike run {r.spike_seconds:.1f} s" + (f", bare-metal build {r.build_seconds:.1f} s" if r.build_seconds else ""))


def _cycle_cells(r, macs: int, mix, core) -> list[str]:
    cycles = r.cycles(mix, core)
    rate = r.macs_per_cycle(macs, mix, core)
    return [f"{100 * mix.vector_total / max(mix.total, 1):.0f}%", f"{cycles:,.0f}",
            f"{rate:.2f}" if macs and rate else "", f"{100 * r.peak_fraction(macs, mix, core):.0f}%" if macs else ""]


def _print_mix(r) -> None:
    if not r.has_mix:
        return
    labels = sorted({k for layer in r.layers for k in layer.mix.vector} | set(r.total_mix.vector),
                    key=_group_order)
    mem_labels = sorted({k for layer in r.layers for k in layer.mix.vector_memory} | set(r.total_mix.vector_memory),
                        key=_group_order)
    table = Table(title=f"{r.bundle}: instruction mix per layer (vector by register groups)", title_justify="left")
    for col in ["#", "layer", "scalar", "scalar ld/st", "vsetvl", *(f"v {k}" for k in labels),
                *(f"v ld/st {k}" for k in mem_labels), "total"]:
        table.add_column(col, justify="left" if col == "layer" else "right")
    rows = [(str(layer.index), layer.name, layer.mix) for layer in r.layers] + [("", styled("total", "bold"), r.total_mix)]
    for index, name, m in rows:
        table.add_row(index, name, f"{m.scalar:,}", f"{m.scalar_memory:,}", f"{m.vsetvl:,}",
                      *(f"{m.vector.get(k, 0):,}" for k in labels), *(f"{m.vector_memory.get(k, 0):,}" for k in mem_labels),
                      f"{m.total:,}")
    console.print(table)


def _group_order(label: str) -> float:
    return 1 / int(label[2:]) if label.startswith("mf") else int(label[1:])


def _print_check(r) -> None:
    if not r.check:
        console.print(styled("outputs not checked (--no-check)", "yellow"))
        return
    worst = max(r.check, key=lambda c: c["max_abs_error"] / max(c["tolerance"], 1e-30))
    verdict = (styled("outputs match the reference", "green") if r.check_passed
               else styled("outputs DIFFER from the reference", "red"))
    console.print(verdict + f" (worst: {worst['output']} max|err| {worst['max_abs_error']:.3g}, "
                            f"tolerance {worst['tolerance']:.3g})")


def _print_totals(results, core) -> None:
    """Whole-run totals of several runs, each against the first."""
    from rvpack.sdk.bench_plot import run_label

    first = results[0]
    both = all(r.has_mix for r in results)
    table = Table(title="side by side" + (f"; cycles on core model {core.name}" if both else ""),
                  title_justify="left")
    for col in ["run", "instructions", "vs first"] + (["cycles", "vs first", "MACs/cycle"] if both else []):
        table.add_column(col, justify="left" if col == "run" else "right")
    for r in results:
        row = [run_label(r), f"{r.total_instructions:,}", f"{r.total_instructions / first.total_instructions:.2f}x"]
        if both:
            c, c0 = r.cycles(r.total_mix, core), first.cycles(first.total_mix, core)
            row += [f"{c:,.0f}", f"{c / c0:.2f}x", f"{r.macs_per_cycle(r.total_macs, r.total_mix, core):.2f}"]
        table.add_row(*row)
    console.print(table)
    for r in results:
        _print_check(r)


def _short(r) -> str:
    return r.target + (f" VLEN {r.vlen}" if r.vlen else "")


def _print_comparison(a, b, core) -> None:
    both = a.has_mix and b.has_mix
    table = Table(title=f"{a.bundle} ({a.isa}) vs {b.bundle} ({b.isa})" +
                  (f"; cycles on core model {core.name}" if both else ""), title_justify="left")
    columns = ["layer", "op", "MACs", f"A {_short(a)} instr", f"B {_short(b)} instr", "A/B"]
    if both:
        columns += ["A cycles", "B cycles", "A/B cycles"]
    for col in columns:
        table.add_column(col, justify="left" if col in ("layer", "op") else "right")
    b_by_name = {layer.name: layer for layer in b.layers}
    for la in a.layers:
        lb = b_by_name.get(la.name)
        row = [la.name, la.op, human_count(la.macs) if la.macs else "", f"{la.instructions:,}",
               f"{lb.instructions:,}" if lb else "-",
               f"{la.instructions / lb.instructions:.2f}x" if lb and lb.instructions else "-"]
        if both:
            ca, cb = a.cycles(la.mix, core), b.cycles(lb.mix, core) if lb else None
            row += [f"{ca:,.0f}", f"{cb:,.0f}" if cb else "-", f"{ca / cb:.2f}x" if cb else "-"]
        table.add_row(*row)
    total: list[str | Text] = [styled("total", "bold"), "", human_count(a.total_macs), f"{a.total_instructions:,}", f"{b.total_instructions:,}",
             styled(f"{a.total_instructions / max(b.total_instructions, 1):.2f}x", "bold")]
    if both:
        ca, cb = a.cycles(a.total_mix, core), b.cycles(b.total_mix, core)
        total += [f"{ca:,.0f}", f"{cb:,.0f}", styled(f"{ca / cb:.2f}x", "bold")]
    table.add_row(*total)
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
    table.add_row(styled("total", "bold"), "", *[f"{run.total_us / 1000:.2f}" for _, run in results])
    console.print(table)
    if json_file:
        json_file.write_text(json.dumps([{"bundle": x.name, "emulated": True, "total_us": run.total_us,
                                          "layers": [vars(t) for t in run.layers]} for x, run in results], indent=2))
