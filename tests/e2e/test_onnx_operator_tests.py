"""Acceptance: every operator test shipped in the onnx wheel (pytorch-converted/,
pytorch-operator/, simple/) either compiles, runs under QEMU and matches its
stored outputs, or is refused with the clear "unsupported" error. A wrong
answer, a crash or an unclear error fails the test."""

from __future__ import annotations

import glob
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper

from rvpack.sdk import reference
from rvpack.sdk.errors import UnsupportedModelError
from rvpack.sdk.runners.local import run_local
from tests.e2e.harness import build

SUITES = ("pytorch-converted", "pytorch-operator", "simple")


def _tensors(directory: Path, prefix: str) -> list[np.ndarray]:
    out = []
    for f in sorted(directory.glob(f"{prefix}_*.pb"), key=lambda p: int(p.stem.split("_")[1])):
        t = onnx.TensorProto()
        t.ParseFromString(f.read_bytes())
        out.append(numpy_helper.to_array(t))
    return out


def _input_shapes(model_path: Path, inputs: list[np.ndarray]) -> dict[str, tuple[int, ...]]:
    model = onnx.load(model_path, load_external_data=False)
    inits = {i.name for i in model.graph.initializer}
    names = [i.name for i in model.graph.input if i.name not in inits]
    return {n: tuple(x.shape) for n, x in zip(names, inputs)}


def test_every_onnx_operator_test_passes_or_is_cleanly_unsupported(onnx_test_data, tmp_path):
    run_operator_suite(onnx_test_data, tmp_path)


def run_operator_suite(onnx_test_data: Path, tmp_path: Path, target: str = "rv64gc", vlen: int | None = None) -> None:
    cases = sorted(Path(p) for s in SUITES for p in glob.glob(str(onnx_test_data / s / "*")) if Path(p, "model.onnx").exists())
    assert len(cases) > 100
    passed, unsupported, wrong = [], {}, []
    for case in cases:
        data = case / "test_data_set_0"
        inputs, expected = _tensors(data, "input"), _tensors(data, "output")
        label = f"{case.parent.name}/{case.name}"
        try:
            bundle = build(case / "model.onnx", tmp_path / f"{case.name}.rvpack",
                           shapes=_input_shapes(case / "model.onnx", inputs), name="m", target=target)
        except UnsupportedModelError as e:
            assert e.problems or "not supported" in e.message, f"{label}: unclear error: {e}"
            unsupported[label] = (e.problems[0] if e.problems else e.message)
            continue
        if [s.dtype for s in bundle.manifest.inputs] != [str(x.dtype) for x in inputs]:
            wrong.append(f"{label}: input dtypes differ")
            continue
        result = run_local(bundle, inputs, vlen=vlen, timeout=600)
        checks = reference.compare([s.name for s in bundle.manifest.outputs], result.outputs, expected)
        if all(c.ok for c in checks) and len(checks) == len(expected):
            passed.append(label)
        else:
            wrong.append(f"{label}: " + ", ".join(f"max|err| {c.max_abs_error:.3g} (tol {c.tolerance:.3g})" for c in checks))
    print(f"\nONNX operator tests ({target}): {len(passed)} passed, {len(unsupported)} cleanly unsupported, "
          f"{len(wrong)} wrong, of {len(cases)}")
    for label, reason in sorted(unsupported.items()):
        print(f"  unsupported {label}: {reason}")
    assert not wrong, "wrong answers:\n" + "\n".join(wrong)
    assert len(passed) >= len(cases) // 2
