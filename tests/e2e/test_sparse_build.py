"""`rvpack build` on column-sparse weights (rvv1.0): layers whose row blocks
share zero K columns run the f32-spconvgemm kernels, whoever pruned them
(N:M patterns, arbitrary zero columns, whole zero blocks), directly on the
input (1x1) or on im2col panels, and match onnxruntime under QEMU at VLEN
128, 256 and 512. The manifest and `inspect` say which layers are sparse and
what they keep; `--sparse off` keeps every layer dense.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from rvpack.sdk.compiler import build_bundle
from rvpack.sdk.targets import get_target
from tests.e2e.harness import assert_matches, check

pytestmark = pytest.mark.skipif(shutil.which("bazel") is None or shutil.which("qemu-riscv64-static") is None,
                                reason="bazel and qemu-user-static are needed")

RVV = get_target("rvv1.0")


def column_prune(w: np.ndarray, mr: int, n: int, m: int) -> np.ndarray:
    """Keeps, per block of mr output channels, the n of every m K columns with the largest norm."""
    w2 = w.reshape(w.shape[0], -1).copy()
    for r0 in range(0, w2.shape[0], mr):
        block = w2[r0:r0 + mr]
        norms = np.linalg.norm(block, axis=0)
        for g0 in range(0, w2.shape[1], m):
            block[:, np.argsort(-norms[g0:g0 + m])[n:] + g0] = 0
    return w2.reshape(w.shape)


def sparse_model(path: Path) -> Path:
    """Convs over one input [1, 12, 17, 19], in parallel:
      c0  1x1, 2:4 pruned for MR 7, bias, ReLU (direct)
      c1  3x3 pad 1, 1:4 pruned for MR 4 (im2col)
      c2  3x3 stride 2, arbitrary zero columns shared by every row, and a whole
          zero block of output channels (a block keeping nothing: bias only)
      c3  1x1, dense (stays on the dense kernels)."""
    rng = np.random.default_rng(11)
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 12, 17, 19])
    w0 = column_prune(rng.standard_normal((29, 12, 1, 1)).astype(np.float32), 7, 2, 4)
    w1 = column_prune(rng.standard_normal((20, 12, 3, 3)).astype(np.float32), 4, 1, 4)
    w2 = rng.standard_normal((16, 12, 3, 3)).astype(np.float32)
    w2.reshape(16, -1)[:, rng.permutation(108)[:70]] = 0
    w2[8:16] = 0
    w3 = rng.standard_normal((9, 12, 1, 1)).astype(np.float32)
    inits = [numpy_helper.from_array(a, name) for a, name in
             ((w0, "w0"), (w1, "w1"), (w2, "w2"), (w3, "w3"), (rng.standard_normal(29).astype(np.float32), "b0"),
              (rng.standard_normal(16).astype(np.float32), "b2"))]
    nodes = [helper.make_node("Conv", ["x", "w0", "b0"], ["c0"]), helper.make_node("Relu", ["c0"], ["y0"]),
             helper.make_node("Conv", ["x", "w1"], ["y1"], pads=[1, 1, 1, 1]),
             helper.make_node("Conv", ["x", "w2", "b2"], ["y2"], strides=[2, 2]),
             helper.make_node("Conv", ["x", "w3"], ["y3"])]
    outputs = [helper.make_tensor_value_info(f"y{i}", TensorProto.FLOAT, None) for i in range(4)]
    model = helper.make_model(helper.make_graph(nodes, "sparse_net", [x], outputs, inits),
                              opset_imports=[helper.make_opsetid("", 13)], ir_version=8)
    onnx.save(onnx.shape_inference.infer_shapes(model), path)
    return path


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> Path:
    return sparse_model(tmp_path_factory.mktemp("sparse") / "sparse_net.onnx")


def test_sparse_layers_match_onnxruntime_at_every_vlen(model, tmp_path):
    # im2col: the Winograd alternative of the 3x3 stride-1 conv is off the table.
    bundle = build_bundle(model, RVV, tmp_path / "s.rvpack", force=True, algorithm="im2col").bundle
    layers = {layer.name: layer for layer in bundle.manifest.layers if layer.op == "Conv"}
    assert len(layers) == 4
    sparse = {name: layer for name, layer in layers.items() if layer.sparse_kept is not None}
    assert all("spconvgemm" in layer.kernel for layer in sparse.values())
    assert len(sparse) == 3, {n: (l.kernel, l.sparse_kept) for n, l in layers.items()}
    assert any("direct" in layer.kernel for layer in sparse.values())
    assert any("im2col" in layer.kernel for layer in sparse.values())
    dense = next(layer for layer in layers.values() if layer.sparse_kept is None)
    assert "f32_convgemm" in dense.kernel
    kept = sorted(layer.sparse_kept for layer in sparse.values())
    # 1:4 for MR 4 keeps 25% whatever tile MR divides 4; 2:4 for MR 7 keeps 50%
    # with MR 7 (another MR keeps more); c2 keeps 38/108 of each block with rows, 0 of the zero block.
    assert kept[0] <= 0.25 + 1e-9 and all(0 < k < 1 for k in kept), kept
    for vlen in (128, 256, 512):
        assert_matches(check(bundle, model, vlen=vlen))


def test_sparse_off_keeps_every_layer_dense(model, tmp_path):
    bundle = build_bundle(model, RVV, tmp_path / "d.rvpack", force=True, algorithm="im2col", sparse="off").bundle
    convs = [layer for layer in bundle.manifest.layers if layer.op == "Conv"]
    assert all(layer.sparse_kept is None and "spconvgemm" not in layer.kernel for layer in convs)
    assert bundle.manifest.build["sparse"] == "off"
    assert_matches(check(bundle, model, vlen=256))


def test_inspect_shows_the_kept_fraction(model):
    proc = subprocess.run([sys.executable, "-m", "rvpack.cli", "inspect", str(model), "--target", "rvv1.0",
                           "--algorithm", "im2col", "--json"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    layers = json.loads(proc.stdout)["layers"]
    kept = [layer["sparse_kept"] for layer in layers if layer["op"] == "Conv"]
    assert sum(k is not None for k in kept) == 3 and kept.count(None) == 1


def test_an_unknown_sparse_mode_is_a_clear_error(model, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "rvpack.cli", "build", str(model), "--target", "rvv1.0",
                           "--sparse", "maybe", "-o", str(tmp_path / "x.rvpack")], capture_output=True, text=True,
                          timeout=300)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0 and "--sparse maybe" in out and "auto, off" in out and "Traceback" not in out
    assert not (tmp_path / "x.rvpack").exists()
