"""Winograd F(M, 3) (sdk/targets/rvv/winograd.py, xnnpack_rvv f32-winograd,
runtime/rvv/conv2d_winograd_rvv.c):
  - the transform matrices compute the correlation exactly (rational
    arithmetic, 1-D and 2-D), and the generated kernels carry the same B^T and
    A^T as the Python module builds G from;
  - whole convolutions forced to each tile size, over edge shapes (1 and odd
    channel counts, outputs that are not a multiple of the tile, asymmetric
    and zero padding, bias or none, ReLU), run under QEMU at VLEN 128/256/512
    and match onnxruntime within the tile size's stated tolerance;
  - the algorithm is recorded per layer.
"""

from __future__ import annotations

import random
import re
import shutil
from fractions import Fraction
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from rvpack.sdk.compiler import build_bundle
from rvpack.sdk.resources import XNNPACK_RVV_DIR
from rvpack.sdk.targets import get_target
from rvpack.sdk.targets.rvv.winograd import RELATIVE_TOLERANCE, TILES, amplification, matrices
from tests.e2e.harness import check

GEN = XNNPACK_RVV_DIR / "src" / "f32-winograd" / "gen"


@pytest.mark.parametrize("m", TILES)
def test_transforms_compute_the_correlation_exactly(m):
    at, g, bt = matrices(m)
    n = m + 2
    rng = random.Random(m)
    for _ in range(5):
        d = [[Fraction(rng.randint(-9, 9)) for _ in range(n)] for _ in range(n)]
        w = [[Fraction(rng.randint(-9, 9)) for _ in range(3)] for _ in range(3)]
        want = [[sum(d[i + a][j + b] * w[a][b] for a in range(3) for b in range(3)) for j in range(m)] for i in range(m)]
        gw = [[sum(g[i][a] * w[a][b] * g[j][b] for a in range(3) for b in range(3)) for j in range(n)] for i in range(n)]
        v = [[sum(bt[i][k] * d[k][l] * bt[j][l] for k in range(n) for l in range(n)) for j in range(n)] for i in range(n)]
        got = [[sum(at[r][i] * gw[i][j] * v[i][j] * at[c][j] for i in range(n) for j in range(n)) for c in range(m)]
               for r in range(m)]
        assert got == want


@pytest.mark.parametrize("m", TILES)
def test_generated_kernels_use_the_same_matrices(m):
    at, _, bt = matrices(m)
    for source in GEN.glob(f"f32-winograd-f{m}x3-*-rvv.c"):
        text = source.read_text()
        for name, matrix in (("B^T", bt), ("A^T", at)):
            rows = re.findall(rf"^//   {re.escape(name)}\[\d+\] = \[(.*)\]$", text, re.M)
            assert rows == [", ".join(str(c) for c in row) for row in matrix], (source.name, name)
        # Every coefficient the kernels multiply by is exact in f32.
        for c in (c for row in at + bt for c in row):
            assert float(np.float32(float(c))) == c


def test_stated_tolerances_follow_the_transforms_amplification():
    # F(2,3) by hand: A^T rows [1 1 1 0] and [0 1 -1 1]; |G| row sums 1, 3/2, 3/2, 1;
    # |B^T| row sums 2, 2, 2, 2 -> 1*2 + 3/2*2 + 3/2*2 = 8 per output.
    assert amplification(2) == 8
    # Direct 3x3 sums amplify by 9 in 2-D; Winograd's grows with the tile.
    assert 9 < amplification(2) ** 2 < amplification(4) ** 2 < amplification(6) ** 2
    assert RELATIVE_TOLERANCE == {m: float(amplification(m) ** 2) / 2 ** 24 for m in TILES}
    # Brute force over the sign patterns of g and d (|g|, |d| = 1) reaches the bound in 1-D.
    for m in TILES:
        at, g, bt = matrices(m)
        n = m + 2
        best = Fraction(0)
        rng = random.Random(m)
        for _ in range(400):
            w = [Fraction(rng.choice((-1, 1))) for _ in range(3)]
            d = [Fraction(rng.choice((-1, 1))) for _ in range(n)]
            gw = [sum(g[i][k] * w[k] for k in range(3)) for i in range(n)]
            bd = [sum(bt[i][k] * d[k] for k in range(n)) for i in range(n)]
            best = max(best, max(sum(abs(at[r][i] * gw[i] * bd[i]) for i in range(n)) for r in range(m)))
        assert best <= amplification(m)


# C, OC, H, W, pads (top, left, bottom, right), bias, relu
SHAPES = [
    (1, 2, 5, 5, (1, 1, 1, 1), True, False),
    (3, 7, 9, 11, (1, 1, 1, 1), True, True),
    (8, 16, 13, 13, (0, 0, 0, 0), False, False),
    (5, 9, 6, 17, (1, 0, 2, 1), True, False),
    (16, 24, 14, 14, (1, 1, 1, 1), True, True),
]


def save_model(path: Path, name: str, nodes: list, x, outputs: list, inits: list) -> Path:
    graph = helper.make_graph(nodes, name, [x], outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], ir_version=8)
    onnx.save(onnx.shape_inference.infer_shapes(model), path)
    return path


def conv_model(path: Path, seed: int) -> Path:
    """One input [1, 16, 14, 17]; per shape a slice of channels conved in parallel."""
    rng = np.random.default_rng(seed)
    nodes, inits, outputs = [], [], []
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 16, 14, 17])
    for i, (c, oc, h, w, pads, bias, relu) in enumerate(SHAPES):
        inits.append(numpy_helper.from_array(np.array([0, 0, 0, 0], np.int64), f"s{i}"))
        inits.append(numpy_helper.from_array(np.array([1, c, h, w], np.int64), f"e{i}"))
        nodes.append(helper.make_node("Slice", ["x", f"s{i}", f"e{i}"], [f"x{i}"]))
        inits.append(numpy_helper.from_array(rng.uniform(-1, 1, (oc, c, 3, 3)).astype(np.float32), f"w{i}"))
        ins = [f"x{i}", f"w{i}"]
        if bias:
            inits.append(numpy_helper.from_array(rng.uniform(-1, 1, oc).astype(np.float32), f"b{i}"))
            ins.append(f"b{i}")
        out = f"y{i}"
        nodes.append(helper.make_node("Conv", ins, [f"c{i}" if relu else out], pads=[pads[0], pads[1], pads[2], pads[3]]))
        if relu:
            nodes.append(helper.make_node("Relu", [f"c{i}"], [out]))
        outputs.append(helper.make_tensor_value_info(out, TensorProto.FLOAT, None))
    return save_model(path, "winograd_net", nodes, x, outputs, inits)


@pytest.mark.skipif(shutil.which("bazel") is None or shutil.which("qemu-riscv64-static") is None,
                    reason="bazel and qemu-user-static are needed")
@pytest.mark.parametrize("m", TILES)
def test_forced_winograd_convs_match_onnxruntime(m, tmp_path):
    model = conv_model(tmp_path / "winograd_net.onnx", seed=m)
    bundle = build_bundle(model, get_target("rvv1.0"), tmp_path / "w.rvpack", force=True,
                          algorithm=f"winograd-f{m}").bundle
    kernels = [layer.kernel for layer in bundle.manifest.layers if layer.op == "Conv"]
    assert len(kernels) == len(SHAPES) and all(f"winograd F({m},3)" in k for k in kernels), kernels
    for vlen in (128, 256, 512):
        checked = check(bundle, model, vlen=vlen, rel_tolerance=RELATIVE_TOLERANCE[m])
        assert all(c.ok for c in checked.comparisons), (vlen, checked.comparisons)
        worst = max(c.max_abs_error / max(c.max_abs_reference, 1e-30) for c in checked.comparisons)
        print(f"F({m},3) VLEN {vlen}: max error / max |output| = {worst:.2e} (tolerance {RELATIVE_TOLERANCE[m]:.0e})")


def pixel_rows_model(path: Path, seed: int) -> Path:
    """Convs of several kernels and strides over one input [1, 12, 9, 10], in parallel."""
    rng = np.random.default_rng(seed)
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 12, 9, 10])
    nodes, inits, outputs = [], [], []
    # OC, kernel, stride, pads
    for i, (oc, kernel, stride, pad) in enumerate([(9, 1, 1, 0), (33, 1, 2, 0), (16, 3, 2, 1), (7, 5, 1, 2),
                                                   (24, 3, 1, 1)]):
        inits.append(numpy_helper.from_array(rng.uniform(-1, 1, (oc, 12, kernel, kernel)).astype(np.float32), f"w{i}"))
        inits.append(numpy_helper.from_array(rng.uniform(-1, 1, oc).astype(np.float32), f"b{i}"))
        nodes.append(helper.make_node("Conv", ["x", f"w{i}", f"b{i}"], [f"c{i}"], strides=[stride, stride],
                                      pads=[pad] * 4))
        nodes.append(helper.make_node("Relu", [f"c{i}"], [f"y{i}"]))
        outputs.append(helper.make_tensor_value_info(f"y{i}", TensorProto.FLOAT, None))
    return save_model(path, "pixel_rows_net", nodes, x, outputs, inits)


@pytest.mark.skipif(shutil.which("bazel") is None or shutil.which("qemu-riscv64-static") is None,
                    reason="bazel and qemu-user-static are needed")
def test_forced_pixel_rows_convs_match_onnxruntime(tmp_path):
    """Pixels as the GEMM's rows (vectors over output channels), direct for the 1x1
    stride-1 conv and through an im2col panel for the others."""
    model = pixel_rows_model(tmp_path / "pixel_rows_net.onnx", seed=5)
    bundle = build_bundle(model, get_target("rvv1.0"), tmp_path / "p.rvpack", force=True,
                          algorithm="pixel-rows").bundle
    kernels = [layer.kernel for layer in bundle.manifest.layers if layer.op == "Conv"]
    assert kernels[0].endswith("(pixel rows)") and all("(pixel rows, im2col)" in k for k in kernels[1:]), kernels
    for vlen in (128, 256, 512):
        checked = check(bundle, model, vlen=vlen)
        assert all(c.ok for c in checked.comparisons), (vlen, checked.comparisons)
