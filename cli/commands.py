"""The rvpack commands: thin wrappers over sdk/ calls."""

from __future__ import annotations

import json
import os
import shlex
import sys
import time
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table
from rich.text import Text

from rvpack.cli.options import BundleArgument, InputOption, InputShapeOption, VlenOption, parse_input_shapes
from rvpack.cli.render import (console, err_console, human_bytes, human_count, key_value_table, progress_reporter,
                               styled)
from rvpack.cli.report import print_check, print_layer_times, reference_outputs
from rvpack.sdk.errors import RunError
from rvpack.sdk.frontend.limits import DEFAULT_LIMITS


def register(app: typer.Typer) -> None:
    from rvpack.cli.bench_cmd import bench
    from rvpack.cli.clean_cmd import clean
    from rvpack.cli.deploy_cmd import deploy
    from rvpack.cli.prune_cmd import prune
    from rvpack.cli.quantize_cmd import quantize

    app.command("build")(build)
    app.command("prune")(prune)
    app.command("quantize")(quantize)
    app.command("run")(run)
    app.command("inspect")(inspect)
    app.command("bench")(bench)
    app.command("deploy")(deploy)
    app.command("targets")(targets)
    app.command("doctor")(doctor)
    app.command("clean")(clean)


def _command_line() -> str:
    return "rvpack " + " ".join(shlex.quote(a) for a in sys.argv[1:])


LimitOption = Annotated[Optional[list[str]], typer.Option(
    "--limit", help="Raise a size limit, NAME=VALUE (repeatable): elements (per tensor), weights, arena, fold "
                    "(bytes; K/M/G suffixes).")]
SparseOption = Annotated[str, typer.Option("--sparse", help="Column-sparse kernels for weights pruned column-wise "
                                          "(rvpack prune, or the user's training): auto (where cheaper) or off.")]


# ---- build ------------------------------------------------------------------
def build(
    model: Annotated[str, typer.Argument(help="Model file (.onnx / .tflite) or a packaged model name "
                                              "(`rvpack targets --models` lists them).", show_default=False)],
    target: Annotated[str, typer.Option("--target", "-t", help="Target to build for (`rvpack targets`).")] = "rv64gc",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Bundle directory to write. "
                                                   "Default: <model name>.rvpack")] = None,
    name: Annotated[Optional[str], typer.Option("--name", help="C name of the bundle. Default: from the file name.")] = None,
    input_shape: InputShapeOption = None,
    force: Annotated[bool, typer.Option("--force", "-f", help="Replace the output directory if it exists.")] = False,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", help="Parallel compile jobs for Bazel.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")] = False,
    tune: Annotated[bool, typer.Option("--tune", help="Pick each GEMM/conv tile by instruction counts measured on "
                                       "Spike (cached) instead of the cost model; RVV targets.")] = False,
    tune_vlen: Annotated[int, typer.Option("--tune-vlen", help="VLEN the --tune counts are measured at.")] = 256,
    core: Annotated[str, typer.Option("--core", help="Core model whose modelled cycles the tile and algorithm "
                                      "choices minimise (x60: DLEN 128; dlen=vlen).")] = "x60",
    algorithm: Annotated[str, typer.Option("--algorithm", help="Force a convolution algorithm where a layer can use "
                                           "it: auto (fewest modelled cycles), im2col, winograd, winograd-f2, "
                                           "winograd-f4, winograd-f6.")] = "auto",
    sparse: SparseOption = "auto",
    limit: LimitOption = None,
    remote_cache: Annotated[Optional[str], typer.Option(
        "--remote-cache", help="Bazel remote cache URL (http(s):// or grpc(s)://) shared with other machines; "
                               "default $RVPACK_REMOTE_CACHE. Unreachable: a warning and a local build.")] = None,
) -> None:
    """Compile a model into a bundle: generated C + static library + runner ELF.

    Examples:
      rvpack build model.onnx --target rv64gc -o model.rvpack
      rvpack build blazeface -o blazeface.rvpack --force
      rvpack build det.onnx --input-shape x=1x3x224x224
      rvpack build model.onnx --target rvv1.0 --tune --tune-vlen 256
      rvpack build model.onnx --target rvv1.0 --core dlen=vlen --algorithm winograd-f4
    """
    from rvpack.sdk import zoo
    from rvpack.sdk.compiler import build_bundle
    from rvpack.sdk.targets import get_target

    tgt = get_target(target)
    path, zoo_shapes = zoo.resolve(model)
    shapes = parse_input_shapes(input_shape) or zoo_shapes
    out = output or Path(f"{name or path.stem}.rvpack")
    t0 = time.monotonic()
    with progress_reporter(quiet) as on_progress:
        result = build_bundle(path, tgt, out, name=name, input_shapes=shapes, force=force, command=_command_line(),
                              on_progress=on_progress, jobs=jobs, tune_vlen=tune_vlen if tune else None,
                              core=core, algorithm=algorithm, sparse=sparse,
                              limits=DEFAULT_LIMITS.with_overrides(limit or []), remote_cache=remote_cache)
    for warning in result.warnings:
        err_console.print(Text.assemble(("warning", "yellow"), ": ", warning))
    m = result.bundle.manifest
    macs = sum(layer.macs for layer in m.layers)
    rows = [
        ("bundle", str(out)),
        ("target", f"{m.target['name']} ({m.target['isa']})"),
        ("layers", f"{sum(layer.executed for layer in m.layers)} run ({len(m.layers)} nodes)"),
        ("MACs", human_count(macs)),
        ("weights", human_bytes(m.weights_bytes)),
        ("arena", f"{human_bytes(m.arena_bytes)} (lower bound {human_bytes(m.arena_lower_bound_bytes)}"
                  + (f", {m.arena_bytes / m.arena_lower_bound_bytes:.3f}x)" if m.arena_lower_bound_bytes else ")")),
        ("time", f"{time.monotonic() - t0:.1f} s (compile {result.seconds.get('compile', 0):.1f} s, "
                 f"build {result.seconds.get('build', 0):.1f} s)"),
    ]
    if remote_cache or os.environ.get("RVPACK_REMOTE_CACHE"):
        rows.append(("remote cache", "not used" if result.warnings else f"{result.remote_hits} action(s) served"))
    console.print(key_value_table("Built", rows))


# ---- run --------------------------------------------------------------------
def run(
    bundle: BundleArgument,
    runner: Annotated[str, typer.Option("--runner", help="Where to run: qemu (local), docker, spike.")] = "qemu",
    input: InputOption = None,
    check: Annotated[bool, typer.Option("--check", help="Compare every output with onnxruntime / tflite-runtime.")] = False,
    model: Annotated[Optional[Path], typer.Option("--model", help="Model file for --check (default: the path "
                                                  "recorded in the bundle).")] = None,
    vlen: VlenOption = None,
    repeat: Annotated[int, typer.Option("--repeat", "-r", min=1, help="Run the model N times (timing).")] = 1,
    seed: Annotated[int, typer.Option("--seed", help="Seed for the generated inputs.")] = 0,
    save: Annotated[Optional[Path], typer.Option("--save-outputs", help="Write outputs as .npy into DIR.")] = None,
    layers: Annotated[bool, typer.Option("--layers", help="Show the time of every layer, not just the slowest.")] = False,
    timeout: Annotated[float, typer.Option("--timeout", help="Give up after this many seconds.")] = 3600.0,
    steps: Annotated[int, typer.Option("--steps", min=1, help="Run a sequence of N inputs in one process (each "
                                       "--input file then has a leading N dimension); a streaming model keeps "
                                       "its state from step to step.")] = 1,
) -> None:
    """Run a bundle under emulation and (with --check) verify it against the reference runtime.

    Examples:
      rvpack run blazeface.rvpack --check
      rvpack run model.rvpack --input x.npy --save-outputs out/
      rvpack run keyword.rvpack --steps 50 --check
    """
    from rvpack.sdk import reference
    from rvpack.sdk.bundle import Bundle
    from rvpack.sdk.runners.inputs import load_inputs
    from rvpack.sdk.runners.local import run_local

    if runner == "spike":
        raise RunError("--runner spike: use `rvpack bench`", hint="`rvpack run` supports --runner qemu or docker")
    if runner not in ("qemu", "docker"):
        raise RunError(f"unknown runner '{runner}'", hint="use --runner qemu or --runner docker")
    b = Bundle.open(bundle)
    m = b.manifest
    notices: list[str] = []
    inputs = load_inputs(m.inputs, input, notices, steps) if input else reference.make_inputs(m.inputs, seed, steps)
    for notice in notices:
        err_console.print(Text.assemble(("notice", "cyan"), ": ", notice))
    with progress_reporter() as on_progress:
        if on_progress:
            on_progress_event = on_progress
            from rvpack.sdk.progress import ProgressEvent
            on_progress_event(ProgressEvent("run", f"{b.name} on {m.target['name']} ({runner})"))
        if runner == "docker":
            from rvpack.sdk.runners.docker_runner import run_docker

            result = run_docker(b, inputs, vlen=vlen, repeat=repeat, timeout=timeout, on_progress=on_progress,
                                steps=steps)
        else:
            result = run_local(b, inputs, vlen=vlen, repeat=repeat, timeout=timeout, steps=steps)
        if on_progress:
            on_progress(ProgressEvent("run", f"{result.wall_seconds:.1f} s", done=True))
        refs = reference_outputs(m, model, inputs, on_progress, steps) if check else None
    if save:
        import numpy as np

        save.mkdir(parents=True, exist_ok=True)
        for k, out in enumerate(result.outputs):
            np.save(save / f"output_{k}.npy", out)
    print_layer_times(result, show_all=layers)
    label = "emulated time (QEMU user mode)" if result.emulated else "native time"
    console.print(f"{label}: {result.total_us / 1000:.2f} ms per inference; wall {result.wall_seconds:.2f} s")
    if refs is not None:
        print_check(m, result.outputs, refs)


# ---- inspect ----------------------------------------------------------------
def inspect(
    path: Annotated[str, typer.Argument(help="A model file, packaged model name, or bundle directory.", show_default=False)],
    target: Annotated[str, typer.Option("--target", "-t", help="Target to plan for (models only).")] = "rv64gc",
    input_shape: InputShapeOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the layer list as JSON.")] = False,
    core: Annotated[str, typer.Option("--core", help="Core model of the tile and algorithm choices (models only).")] = "x60",
    algorithm: Annotated[str, typer.Option("--algorithm", help="Force a convolution algorithm (models only), as "
                                           "for build.")] = "auto",
    sparse: SparseOption = "auto",
    limit: LimitOption = None,
) -> None:
    """Show per-layer op, shapes, MACs, parameters, kernel choice and the arena plan.

    Examples:
      rvpack inspect model.onnx
      rvpack inspect blazeface.rvpack --json
    """
    import tempfile

    from rvpack.sdk import zoo
    from rvpack.sdk.bundle import Bundle
    from rvpack.sdk.compiler import compile_to_sources, layer_records
    from rvpack.sdk.targets import get_target

    p = Path(path)
    if p.is_dir():
        m = Bundle.open(p).manifest
        layers = [vars(layer) for layer in m.layers]
        summary = {"name": m.name, "target": m.target["name"], "arena_bytes": m.arena_bytes,
                   "arena_lower_bound_bytes": m.arena_lower_bound_bytes, "weights_bytes": m.weights_bytes,
                   "state_bytes": m.state_bytes,
                   "inputs": [vars(t) for t in m.inputs], "outputs": [vars(t) for t in m.outputs]}
    else:
        model_path, zoo_shapes = zoo.resolve(path)
        with tempfile.TemporaryDirectory() as tmp:
            graph, gen = compile_to_sources(model_path, get_target(target), Path(tmp),
                                            input_shapes=parse_input_shapes(input_shape) or zoo_shapes,
                                            core=core, algorithm=algorithm, sparse=sparse,
                                            limits=DEFAULT_LIMITS.with_overrides(limit or []))
        layers = [vars(record) for record in layer_records(gen)]
        summary = {"name": gen.name, "target": target, "arena_bytes": gen.plan.peak_bytes,
                   "arena_lower_bound_bytes": gen.plan.lower_bound_bytes, "weights_bytes": gen.weights_bytes,
                   "state_bytes": gen.state.bytes,
                   "inputs": [{"name": t.name, "dtype": str(t.dtype), "shape": list(t.shape)} for t in gen.inputs],
                   "outputs": [{"name": t.name, "dtype": str(t.dtype), "shape": list(t.shape)} for t in gen.outputs]}
    if as_json:
        console.print_json(json.dumps({**summary, "layers": layers}))
        return
    table = Table(title=f"{summary['name']} ({summary['target']})", title_justify="left")
    any_sparse = any(layer.get("sparse_kept") is not None for layer in layers)
    for col in ("#", "layer", "op", "output", "MACs", "params", *(("kept K",) if any_sparse else ()), "kernel",
                "output memory"):
        table.add_column(col, justify="right" if col in ("#", "MACs", "params", "kept K") else "left")
    for i, layer in enumerate(layers):
        kept = layer.get("sparse_kept")
        table.add_row(str(i), layer["name"], layer["op"], "x".join(map(str, layer["output_shape"])),
                      human_count(layer["macs"]) if layer["macs"] else "", human_count(layer["params"]) if layer["params"] else "",
                      *((f"{100 * kept:.0f}%" if kept is not None else "dense",) if any_sparse else ()),
                      layer["kernel"].removeprefix("rvpack_"), layer["storage"])
    console.print(table)
    peak, bound = summary["arena_bytes"], summary["arena_lower_bound_bytes"]
    rows = [(f"input {t['name']}", f"{t['dtype']} {t['shape']}") for t in summary["inputs"]]
    rows += [(f"output {t['name']}", f"{t['dtype']} {t['shape']}") for t in summary["outputs"]]
    rows += [("MACs", human_count(sum(layer["macs"] for layer in layers))),
             ("weights", human_bytes(summary["weights_bytes"])),
             *([("state (kept between runs)", f"{human_bytes(summary['state_bytes'])} ({summary['state_bytes']} B)")]
               if summary["state_bytes"] else []),
             ("arena peak", f"{human_bytes(peak)} ({peak} B)"),
             ("arena lower bound", f"{human_bytes(bound)} ({bound} B); peak/bound = {peak / max(bound, 1):.3f}")]
    console.print(key_value_table("Summary", rows))


# ---- targets ----------------------------------------------------------------
def targets(
    models: Annotated[bool, typer.Option("--models", help="List the packaged model names instead.")] = False,
) -> None:
    """List the targets (and the supported operators), or the packaged models."""
    from rvpack.sdk import zoo
    from rvpack.sdk.codegen.lower import supported_ops
    from rvpack.sdk.targets import registry

    if models:
        table = Table(title="Packaged models (installed from PyPI, never downloaded)", title_justify="left")
        for col in ("name", "package", "installed", "description"):
            table.add_column(col)
        for m in zoo.ZOO.values():
            table.add_row(m.name, m.pip_name, "yes" if zoo.package_dir(m.package) else "no", m.description)
        console.print(table)
        return
    table = Table(title="Targets", title_justify="left")
    for col in ("target", "ISA", "kernels", "runs here on", "status"):
        table.add_column(col)
    for t in registry().targets.values():
        runs_on = (t.emulator.executable if t.emulator else "native") + (" + Spike" if t.spike_isa else "")
        table.add_row(t.name, t.isa, t.kernel_isa, runs_on,
                      styled("available", "green") if t.available else styled(t.unavailable_reason, "yellow"))
    console.print(table)
    console.print("Operators: " + ", ".join(supported_ops()))


# ---- doctor -----------------------------------------------------------------
def doctor() -> None:
    """Check what is installed, what is missing, and how to get it."""
    from rvpack.sdk.doctor import run_checks

    checks = run_checks()
    table = Table(title="rvpack doctor", title_justify="left")
    for col in ("", "tool", "found", "needed for", "how to install"):
        table.add_column(col)
    for c in checks:
        status = (styled("ok", "green") if c.ok else styled("missing", "red") if c.required
                  else styled("missing (optional)", "yellow"))
        table.add_row(status, c.name, c.detail, c.needed_for, "" if c.ok else c.install)
    console.print(table)
    optional = [c for c in checks if not c.ok and not c.required]
    if optional:
        err_console.print(Text.assemble(("optional, missing", "yellow"), ": ",
                                        "; ".join(f"{c.name}: {c.install}" for c in optional)))
    missing = [c for c in checks if not c.ok and c.required]
    if missing:
        err_console.print(Text.assemble((f"{len(missing)} missing", "red"), ": ",
                                        "; ".join(f"{c.name}: {c.install}" for c in missing)))
        raise typer.Exit(1)
    console.print(styled("everything rvpack needs is installed", "green"))
