"""Generated code is deterministic, and a golden snapshot of a small model's
generated C catches unintended codegen changes ("process replay").

After an intended change, refresh the snapshot with:
    RVPACK_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/unit/test_codegen_snapshot.py
and review the diff of tests/golden/ in the commit."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from rvpack.sdk.compiler import compile_to_sources
from rvpack.sdk.targets import get_target

GOLDEN_ROOT = Path(__file__).resolve().parents[1] / "golden"
# One snapshot per kernel ISA family of code: the portable kernels and RVV 1.0.
GOLDEN = {"rv64gc": GOLDEN_ROOT / "snapshot_net", "rvv1.0": GOLDEN_ROOT / "snapshot_net_rvv1.0"}
FILES = ["model.c", "snapshot_net.h", "weights.S", "runner_data.c"]


def _model(path: Path) -> None:
    rng = np.random.default_rng(11)
    inits = [numpy_helper.from_array(rng.standard_normal((8, 3, 3, 3)).astype(np.float32), "W1"),
             numpy_helper.from_array(rng.standard_normal(8).astype(np.float32), "B1"),
             numpy_helper.from_array(rng.standard_normal((8, 1, 3, 3)).astype(np.float32), "W2"),
             numpy_helper.from_array(rng.standard_normal((10, 8)).astype(np.float32), "W3"),
             numpy_helper.from_array(np.array([1, 8], np.int64), "shape")]
    nodes = [
        helper.make_node("Conv", ["x", "W1", "B1"], ["c1"], pads=[1, 1, 1, 1], strides=[2, 2]),
        helper.make_node("Relu", ["c1"], ["r1"]),
        helper.make_node("Conv", ["r1", "W2"], ["c2"], group=8, pads=[1, 1, 1, 1]),
        helper.make_node("Add", ["c2", "r1"], ["s"]),
        helper.make_node("GlobalAveragePool", ["s"], ["g"]),
        helper.make_node("Reshape", ["g", "shape"], ["f"]),
        helper.make_node("Gemm", ["f", "W3"], ["logits"], transB=1),
        helper.make_node("Softmax", ["logits"], ["y"]),
    ]
    graph = helper.make_graph(nodes, "snapshot_net", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 16, 16])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 10])], inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8,
                                producer_name="rvpack-tests"), path)


def _generate(tmp: Path, sub: str, target: str) -> Path:
    model = tmp / "snapshot_net.onnx"
    if not model.exists():
        _model(model)
    out = tmp / sub
    out.mkdir()
    compile_to_sources(model, get_target(target), out, command=f"rvpack build snapshot_net.onnx -t {target}"
                       if target != "rv64gc" else "rvpack build snapshot_net.onnx")
    return out


@pytest.mark.parametrize("target", sorted(GOLDEN))
def test_generation_is_deterministic(tmp_path, target):
    a, b = _generate(tmp_path, "a", target), _generate(tmp_path, "b", target)
    for name in FILES + ["weights.bin"]:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


@pytest.mark.parametrize("target", sorted(GOLDEN))
def test_generated_code_matches_golden_snapshot(tmp_path, target):
    out = _generate(tmp_path, "gen", target)
    golden = GOLDEN[target]
    if os.environ.get("RVPACK_UPDATE_GOLDEN"):
        golden.mkdir(parents=True, exist_ok=True)
        for name in FILES:
            (golden / name).write_text((out / name).read_text())
    for name in FILES:
        expected = (golden / name).read_text()
        assert (out / name).read_text() == expected, (
            f"generated {name} for {target} changed; if intended, refresh with RVPACK_UPDATE_GOLDEN=1 "
            "(see this file's docstring)")
