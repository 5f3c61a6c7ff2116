"""`rvpack build --tune` (sdk/tune.py): tiles chosen by modelled cycles of
instruction mixes measured on Spike. Checked against independent measurements: the whole
bundle's Spike bench (the tuner's kernel counts of a layer must account for
almost all of that layer's measured instructions), onnxruntime (the tuned
bundle is still correct), and the cache (a second tuner measures nothing)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from rvpack.sdk.bench import bench_bundle
from rvpack.sdk.codegen.lower import lower_graph
from rvpack.sdk.codegen.tiles import ColumnMask, GemmProblem
from rvpack.sdk.compiler import build_bundle
from rvpack.sdk.errors import ToolMissingError
from rvpack.sdk.frontend import load_model
from rvpack.sdk.passes.pipeline import optimize
from rvpack.sdk.runners import spike
from rvpack.sdk.targets import get_target, kernel_isa_of
from rvpack.sdk.targets.rvv.tiles import convgemm_tiles, spconvgemm_tiles
from rvpack.sdk.tune import SpikeTuner
from tests.e2e.harness import assert_matches, check

pytestmark = pytest.mark.skipif(shutil.which("bazel") is None, reason="bazel is not installed")

RVV = get_target("rvv1.0")
RVV_ISA = kernel_isa_of(RVV)


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> Path:
    try:
        spike.spike_executable()
    except ToolMissingError as e:
        pytest.skip(str(e))
    rng = np.random.default_rng(3)
    w1 = numpy_helper.from_array(rng.standard_normal((24, 3, 3, 3)).astype(np.float32), "W1")
    w2 = numpy_helper.from_array(rng.standard_normal((37, 24, 1, 1)).astype(np.float32), "W2")
    graph = helper.make_graph(
        [helper.make_node("Conv", ["x", "W1"], ["a"], pads=[1, 1, 1, 1], strides=[2, 2]),
         helper.make_node("Relu", ["a"], ["b"]),
         helper.make_node("Conv", ["b", "W2"], ["y"])],
        "tune_net", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 41, 41])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 37, 21, 21])], [w1, w2])
    path = tmp_path_factory.mktemp("tune") / "tune_net.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], ir_version=8), path)
    return path


def test_tuned_bundle_is_correct_and_its_counts_match_the_bench(model, tmp_path):
    # Channels as the GEMM rows (im2col / direct), so the pointwise conv is one direct GEMM.
    bundle = build_bundle(model, RVV, tmp_path / "t.rvpack", force=True, tune_vlen=256, algorithm="im2col").bundle
    kernels = {layer.name: layer.kernel for layer in bundle.manifest.layers if layer.op == "Conv"}
    assert len(kernels) == 2 and all("tuned at VLEN 256" in k for k in kernels.values()), kernels
    assert_matches(check(bundle, model, vlen=256))

    # The pointwise conv is one direct GEMM: the tuner's count of its calls
    # must be nearly all of the layer's instructions measured by the bench.
    tuner = SpikeTuner(RVV, RVV_ISA, 256)
    tiles = {t.name: t for t in convgemm_tiles()}
    pointwise = next(layer for layer in bundle.manifest.layers
                     if layer.kernel.endswith("(direct; tuned at VLEN 256 for x60)"))
    tile = tiles[pointwise.kernel.split(" ")[0]]
    predicted = tuner.cost(GemmProblem(rows=37, pixels=21 * 21, k=24), tile)
    measured = next(c for c in bench_bundle(bundle, vlen=256, model_path=model).layers if c.name == pointwise.name)
    assert predicted is not None and predicted <= measured.instructions <= predicted * 1.02 + 300, \
        (predicted, measured.instructions)


def test_tuner_picks_the_measured_minimum_and_caches(model, tmp_path):
    graph = optimize(load_model(model), extra=RVV_ISA.passes)
    cache = tmp_path / "counts.json"
    first = SpikeTuner(RVV, RVV_ISA, 128, cache_file=cache)
    lower_graph(graph, RVV_ISA.lowering(first.choose))
    first.measure_missing()
    assert first.spike_runs == 1 and cache.is_file()

    second = SpikeTuner(RVV, RVV_ISA, 128, cache_file=cache)
    chosen = []
    lower_graph(graph, RVV_ISA.lowering(lambda p, t: chosen.append((p, second.choose(p, t)[0])) or second.choose(p, t)))
    assert second.spike_runs == 0 and not second.missing
    assert len(chosen) == 2
    tiles = convgemm_tiles()
    for problem, tile in chosen:
        # Chosen by modelled cycles of the measured mixes on the tuner's core.
        cycles = {t.name: second.cycles(problem, t) for t in tiles}
        assert cycles[tile.name] == min(cycles.values()), cycles
        # At VLEN 128 a 1-row, LMUL-1 tile needs many more instructions than the best.
        counts = {t.name: second.cost(problem, t) for t in tiles}
        assert counts["rvpack_f32_convgemm_minmax_ukernel_1x1v__rvv"] > 2 * counts[tile.name], counts
    # The cost model stays the default outside --tune.
    assert RVV_ISA.choose_by_model(GemmProblem(37, 441, 24), tiles)[1] == ""


def test_tune_on_a_scalar_target_is_a_clear_error(model, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "rvpack.cli", "build", str(model), "--target", "rv64gc", "--tune",
                           "-o", str(tmp_path / "x.rvpack")], capture_output=True, text=True, timeout=600)
    assert proc.returncode != 0
    assert "--tune" in proc.stdout + proc.stderr and "Traceback" not in proc.stdout + proc.stderr
    assert not (tmp_path / "x.rvpack").exists()


def test_tune_at_an_unsupported_vlen_names_the_option(model, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "rvpack.cli", "build", str(model), "--target", "rvv1.0", "--tune",
                           "--tune-vlen", "64", "-o", str(tmp_path / "x.rvpack")], capture_output=True, text=True,
                          timeout=600)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0 and "--tune-vlen 64" in out and "128" in out and "Traceback" not in out
    assert not (tmp_path / "x.rvpack").exists()


def test_tuner_measures_the_sparse_tiles_too(tmp_path):
    """A column-pruned 1x1 conv: the tuner measures every column-sparse tile
    on its kept counts and picks one; its count of the layer's kernel calls is
    nearly all the layer's instructions measured by the bench."""
    try:
        spike.spike_executable()
    except ToolMissingError as e:
        pytest.skip(str(e))
    rng = np.random.default_rng(8)
    w = rng.standard_normal((30, 40, 1, 1)).astype(np.float32)
    flat = w.reshape(30, 40)
    for r0 in range(0, 30, 6):  # 2 of every 4 input channels per block of 6 output channels
        for g0 in range(0, 40, 4):
            flat[r0:r0 + 6, g0 + rng.permutation(4)[:2]] = 0
    graph = helper.make_graph([helper.make_node("Conv", ["x", "W"], ["y"])], "sparse_tune",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 40, 15, 17])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 30, 15, 17])],
                              [numpy_helper.from_array(w, "W")])
    path = tmp_path / "sparse_tune.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], ir_version=8), path)
    bundle = build_bundle(path, RVV, tmp_path / "s.rvpack", force=True, tune_vlen=256).bundle
    layer = next(layer for layer in bundle.manifest.layers if layer.op == "Conv")
    assert "spconvgemm" in layer.kernel and layer.kernel.endswith("direct; tuned at VLEN 256 for x60)"), layer.kernel
    assert_matches(check(bundle, path, vlen=256))
    tuner = SpikeTuner(RVV, RVV_ISA, 256)
    tile = next(t for t in spconvgemm_tiles() if t.name == layer.kernel.split(" ")[0])
    predicted = tuner.cost(GemmProblem(30, 15 * 17, 40, mask=ColumnMask.of(w)), tile)
    measured = bench_bundle(bundle, vlen=256, model_path=path).layers[0]
    assert predicted is not None and predicted <= measured.instructions <= predicted * 1.02 + 300, \
        (predicted, measured.instructions)
