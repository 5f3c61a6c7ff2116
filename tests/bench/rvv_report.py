"""The RVV 1.0 benchmark report (issues #4 and #10), all on Spike, exact:

    .venv/bin/python -m tests.bench.rvv_report                       # GEMM + both models at VLEN 256
    .venv/bin/python -m tests.bench.rvv_report --vlen 128 256 512 --layers

1. The 256x256x256 GEMM with every xnnpack_rvv GEMM kernel (MACs per retired
   instruction; target >= 12 at VLEN 256).
2. light_resnet50 and light_squeezenet (weights randomised, seed 7, as the e2e
   tests use them) built for rvv1.0 and rv64gc from the same model and benched
   in the same run: Conv/Gemm MACs per retired instruction of one whole
   inference (target >= 5.0) and the instruction ratio to rv64gc (target
   >= 10x). Every bench checks its outputs against onnxruntime.

Slow by nature (Spike simulates LMUL-8 code at a few M instructions/s): the
resnet50 bench takes minutes per VLEN. Nothing here is part of the test suite;
tests/bench/test_gemm_bench.py and tests/e2e/test_rvv_target.py assert the
thresholds on smaller runs.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import onnx
from rich.console import Console
from rich.table import Table

from rvpack.sdk import kernel_bench
from rvpack.sdk.bench import BenchResult, bench_bundle
from rvpack.sdk.compiler import build_bundle
from rvpack.sdk.targets import get_target
from rvpack.sdk.targets.cores import CORE_MODELS
from tests.conftest import package_path
from tests.e2e.light_models import randomized

MODELS = ("light_resnet50", "light_squeezenet")
GEMM_OPS = ("Conv", "Gemm", "MatMul")

console = Console(width=160)


def gemm_macs(result: BenchResult) -> int:
    return sum(layer.macs for layer in result.layers if layer.op in GEMM_OPS)


def report_gemm(vlens: list[int]) -> None:
    elf = kernel_bench.build_gemm_bench()
    table = Table(title="256x256x256 GEMM on Spike: MACs per retired instruction / per modelled cycle at DLEN 128 "
                        "(x60) / at DLEN = VLEN", title_justify="left")
    table.add_column("family")
    table.add_column("kernel")
    for vlen in vlens:
        table.add_column(f"VLEN {vlen}", justify="right")
    runs = {vlen: kernel_bench.run_gemm_bench(vlen, elf) for vlen in vlens}
    for i, first in enumerate(runs[vlens[0]]):
        table.add_row(first.family, first.kernel.removeprefix("rvpack_").removesuffix("__rvv"),
                      *(f"{runs[v][i].macs_per_instruction:.2f} / {runs[v][i].macs_per_cycle(CORE_MODELS['x60']):.2f}"
                        f" / {runs[v][i].macs_per_cycle(CORE_MODELS['dlen=vlen']):.2f}" for v in vlens))
    console.print(table)


def report_model(name: str, vlens: list[int], work: Path, layers: bool) -> None:
    path = work / f"{name}.onnx"
    onnx.save(randomized(package_path("onnx") / "backend" / "test" / "data" / "light" / f"{name}.onnx", seed=7), path)
    scalar = bench_bundle(build_bundle(path, get_target("rv64gc"), work / f"{name}_rv64gc.rvpack", force=True).bundle,
                          model_path=path)
    rvv_bundle = build_bundle(path, get_target("rvv1.0"), work / f"{name}_rvv.rvpack", force=True).bundle
    results = {vlen: bench_bundle(rvv_bundle, vlen=vlen, model_path=path) for vlen in vlens}
    table = Table(title=f"{name} (random weights, seed 7): one whole inference on Spike; MACs per modelled cycle "
                        "(all MACs, dense formula) and fraction of the FMA peak per core model", title_justify="left")
    for column in ("target", "VLEN", "instructions", "Conv/Gemm MACs per instr", "fewer than rv64gc",
                   *(f"{core} MACs/cycle" for core in CORE_MODELS), "checked"):
        table.add_column(column, justify="right")
    for label, vlen, r in [("rv64gc", "-", scalar)] + [("rvv1.0", str(v), r) for v, r in results.items()]:
        rates = [f"{r.macs_per_cycle(r.total_macs, r.total_mix, core):.2f} "
                 f"({100 * r.peak_fraction(r.total_macs, r.total_mix, core):.0f}%)" for core in CORE_MODELS.values()]
        table.add_row(label, vlen, f"{r.total_instructions:,}", f"{gemm_macs(r) / r.total_instructions:.2f}",
                      f"{scalar.total_instructions / r.total_instructions:.1f}x", *rates,
                      "ok" if r.check_passed else "FAILED")
    console.print(table)
    if layers:
        report_layers(name, scalar, results)


def report_layers(name: str, scalar: BenchResult, results: dict[int, BenchResult]) -> None:
    table = Table(title=f"{name}: per-layer instructions", title_justify="left")
    for column in ("#", "layer", "op", "MACs", "rv64gc"):
        table.add_column(column, justify="right")
    for vlen in results:
        table.add_column(f"VLEN {vlen}", justify="right")
        table.add_column("MACs/instr", justify="right")
    by_name = {vlen: {layer.name: layer for layer in r.layers} for vlen, r in results.items()}
    for i, layer in enumerate(scalar.layers):
        cells = []
        for vlen in results:
            twin = by_name[vlen].get(layer.name)
            n = twin.instructions if twin else 0
            cells += [f"{n:,}" if twin else "-", f"{layer.macs / n:.2f}" if layer.macs and n else ""]
        table.add_row(str(i), layer.name, layer.op, f"{layer.macs:,}", f"{layer.instructions:,}", *cells)
    console.print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vlen", type=int, nargs="+", default=[256])
    parser.add_argument("--models", nargs="*", default=list(MODELS), help="light_* models of the onnx wheel")
    parser.add_argument("--layers", action="store_true", help="also print the per-layer tables")
    args = parser.parse_args()
    report_gemm(args.vlen)
    with tempfile.TemporaryDirectory(prefix="rvv-report-") as tmp:
        for name in args.models:
            report_model(name, args.vlen, Path(tmp), args.layers)


if __name__ == "__main__":
    main()
