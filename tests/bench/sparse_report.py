"""The column-sparse end-to-end report (issue #11), on Spike, exact:

    .venv/bin/python -m tests.bench.sparse_report [--model light_resnet50] [--vlen 256] [--sparsity 0.5]

The model (weights randomised, seed 7, as the e2e tests use it) is pruned
column-wise (`rvpack prune`, tile auto) on every conv but the first, then the
dense and the pruned model are built for rvv1.0 and benched side by side in
one run, each checked against onnxruntime on its own model:
  - with every algorithm the build can choose (Winograd and pixel rows
    included: today's dense bundle), and
  - with --algorithm im2col on both (channels as GEMM rows, direct or
    im2col: the only layout the column-sparse kernels use).
Printed: retired instructions, modelled cycles per core model, and the dense /
sparse ratios. Slow (four whole-model benches; resnet50 takes minutes each).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import onnx
from rich.console import Console
from rich.table import Table

from rvpack.sdk.bench import BenchResult, bench_bundle
from rvpack.sdk.compiler import build_bundle
from rvpack.sdk.frontend import load_model
from rvpack.sdk.prune import PruneOptions, prune_model
from rvpack.sdk.targets import get_target
from rvpack.sdk.targets.cores import CORE_MODELS
from tests.conftest import package_path
from tests.e2e.light_models import randomized


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="light_resnet50")
    parser.add_argument("--vlen", type=int, default=256)
    parser.add_argument("--sparsity", type=float, default=0.5)
    args = parser.parse_args()
    console = Console(width=160)
    rvv = get_target("rvv1.0")
    with tempfile.TemporaryDirectory(prefix="rvpack-sparse-report-") as tmp:
        work = Path(tmp)
        dense = work / f"{args.model}.onnx"
        onnx.save(randomized(package_path("onnx") / "backend" / "test" / "data" / "light" / f"{args.model}.onnx",
                             seed=7), dense)
        first = next(node.name for node in load_model(dense).nodes if node.op == "Conv")
        pruned = work / "pruned.onnx"
        result = prune_model(dense, pruned, rvv, PruneOptions(sparsity=args.sparsity, exclude=(first,)))
        console.print(f"{args.model}: {len(result.layers)} convs pruned to {args.sparsity:.0%} (all but {first}); "
                      f"output drift {max(d.relative for d in result.drift):.2e} of max |output|")
        table = Table(title=f"{args.model} at VLEN {args.vlen}: dense vs column-sparse (Spike, exact)",
                      title_justify="left")
        for col in ("algorithms", "model", "instructions", *(f"{c} cycles" for c in CORE_MODELS), "sparse layers",
                    "checked"):
            table.add_column(col, justify="left" if col in ("algorithms", "model") else "right")
        for algorithm in ("auto", "im2col"):
            runs: dict[str, BenchResult] = {}
            for label, model in (("dense", dense), ("pruned", pruned)):
                bundle = build_bundle(model, rvv, work / f"{label}-{algorithm}.rvpack", force=True,
                                      algorithm=algorithm).bundle
                runs[label] = bench_bundle(bundle, vlen=args.vlen, model_path=model)
                cycles = runs[label].to_json()["total_cycles"]
                table.add_row(algorithm, label, f"{runs[label].total_instructions:,}",
                              *(f"{cycles[c]['cycles']:,.0f}" for c in CORE_MODELS),
                              str(sum(layer.sparse_kept is not None for layer in bundle.manifest.layers)),
                              "ok" if runs[label].check_passed else "FAIL")
            d, p = runs["dense"].to_json(), runs["pruned"].to_json()
            table.add_row(algorithm, "dense / pruned", f"{d['total_instructions'] / p['total_instructions']:.2f}x",
                          *(f"{d['total_cycles'][c]['cycles'] / p['total_cycles'][c]['cycles']:.2f}x"
                            for c in CORE_MODELS), "", "")
        console.print(table)


if __name__ == "__main__":
    main()
