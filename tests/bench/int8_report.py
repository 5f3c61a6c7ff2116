"""The int8 end-to-end report (issue #12), on Spike, exact:

    .venv/bin/python -m tests.bench.int8_report [--model light_squeezenet] [--vlen 256]

The model (weights randomised, seed 7, as the e2e tests use it) is quantized
by `rvpack quantize` (QDQ, per-channel, 4 calibration samples uniform in
[-1, 1), seed 1); the float and the int8 model are built for rv64gc and
rvv1.0 and benched side by side, each checked against onnxruntime on its own
model. Printed per bundle: retired instructions, modelled cycles per core
model, weight bytes and arena bytes; then the f32 / int8 ratios per target.
Slow (the rv64gc float bundle retires over a billion instructions).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
import onnx
from rich.console import Console
from rich.table import Table

from rvpack.sdk.bench import bench_bundle
from rvpack.sdk.compiler import build_bundle
from rvpack.sdk.quantize import QuantizeOptions, quantize_model
from rvpack.sdk.targets import get_target
from rvpack.sdk.targets.cores import CORE_MODELS
from tests.conftest import package_path
from tests.e2e.light_models import randomized_live


def _float_model(name: str, path: Path) -> tuple[int, ...]:
    model = randomized_live(package_path("onnx") / "backend" / "test" / "data" / "light" / f"{name}.onnx", seed=7)
    onnx.save(model, path)
    return tuple(d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="light_squeezenet")
    parser.add_argument("--vlen", type=int, default=256)
    args = parser.parse_args()
    console = Console(width=170)
    with tempfile.TemporaryDirectory(prefix="rvpack-int8-report-") as tmp:
        work = Path(tmp)
        f32 = work / "f32.onnx"
        shape = _float_model(args.model, f32)
        calib = work / "calib"
        calib.mkdir()
        rng = np.random.default_rng(1)
        for k in range(4):
            np.save(calib / f"s{k}.npy", rng.uniform(-1, 1, shape).astype(np.float32))
        int8 = work / "int8.onnx"
        quantize_model(f32, int8, QuantizeOptions(calibration=calib, per_channel=True))
        table = Table(title=f"{args.model}: f32 vs int8 (QDQ, per-channel) on Spike, exact; VLEN {args.vlen} for rvv1.0",
                      title_justify="left")
        for col in ("target", "model", "instructions", *(f"{c} cycles" for c in CORE_MODELS), "weight bytes",
                    "arena bytes", "checked"):
            table.add_column(col, justify="left" if col in ("target", "model") else "right")
        for target in ("rv64gc", "rvv1.0"):
            rows = {}
            for label, model in (("f32", f32), ("int8", int8)):
                bundle = build_bundle(model, get_target(target), work / f"{label}-{target}.rvpack", force=True).bundle
                result = bench_bundle(bundle, vlen=args.vlen if target != "rv64gc" else None, model_path=model)
                j = result.to_json()
                m = bundle.manifest
                rows[label] = (result.total_instructions, {c: j["total_cycles"][c]["cycles"] for c in CORE_MODELS},
                               m.weights_bytes, m.arena_bytes)
                table.add_row(target, label, f"{rows[label][0]:,}", *(f"{rows[label][1][c]:,.0f}" for c in CORE_MODELS),
                              f"{m.weights_bytes:,}", f"{m.arena_bytes:,}", "ok" if result.check_passed else "FAIL")
            f, q = rows["f32"], rows["int8"]
            table.add_row(target, "f32 / int8", f"{f[0] / q[0]:.2f}x", *(f"{f[1][c] / q[1][c]:.2f}x" for c in CORE_MODELS),
                          f"{f[2] / q[2]:.2f}x", f"{f[3] / q[3]:.2f}x", "")
        console.print(table)


if __name__ == "__main__":
    main()
