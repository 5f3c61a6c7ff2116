"""`rvpack quantize`: onnxruntime's static quantization of a float model with
calibration samples, and the drift report, checked against the two models
run side by side here (onnxruntime, the float model as the oracle)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import numpy_helper

from rvpack.sdk.quantize import QuantizeOptions, quantize_model
from tests.e2e.light_models import randomized


def rvpack(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rvpack.cli", *args], capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def squeezenet(onnx_test_data, tmp_path_factory) -> Path:
    """light_squeezenet (opset 9) with random weights, seed 7."""
    path = tmp_path_factory.mktemp("sq") / "squeezenet.onnx"
    model = randomized(onnx_test_data / "light" / "light_squeezenet.onnx", seed=7)
    inits = {t.name for t in model.graph.initializer}
    used = {name for n in model.graph.node for name in n.input}
    live = [vi for vi in model.graph.input if vi.name in used or vi.name in inits]
    del model.graph.input[:]
    model.graph.input.extend(live)  # (the light models list their weights' dead shape inputs)
    onnx.save(model, path)
    return path


def _samples(folder: Path, shape: tuple[int, ...], count: int, seed: int = 1) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    for k in range(count):
        np.save(folder / f"sample{k:02d}.npy", rng.uniform(-1, 1, shape).astype(np.float32))
    return folder


def _run(path: Path, x: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: x})[0]


def test_calibrated_per_channel_qdq_model_and_its_drift(squeezenet, tmp_path):
    calib = _samples(tmp_path / "calib", (1, 3, 224, 224), 6)
    out = tmp_path / "sq-int8.onnx"
    result = quantize_model(squeezenet, out, QuantizeOptions(calibration=calib, per_channel=True))
    model = onnx.load(out)
    ops = [n.op_type for n in model.graph.node]
    assert ops.count("QuantizeLinear") >= 20 and ops.count("DequantizeLinear") >= 40 and "Conv" in ops
    # per-channel: the DequantizeLinear of every conv weight has one scale per output channel
    inits = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    producers = {o: n for n in model.graph.node for o in n.output}
    convs = [n for n in model.graph.node if n.op_type == "Conv"]
    for conv in convs:
        dq = producers[conv.input[1]]
        assert dq.op_type == "DequantizeLinear" and inits[dq.input[0]].dtype == np.int8
        assert inits[dq.input[1]].shape == (inits[dq.input[0]].shape[0],)
    # the report, against both models run here on the same samples
    samples = [np.load(p) for p in sorted(calib.glob("*.npy"))]
    f = np.stack([_run(squeezenet, x) for x in samples]).astype(np.float64)
    q = np.stack([_run(out, x) for x in samples]).astype(np.float64)
    (drift,) = result.drift
    assert result.samples == 6 and result.warnings == []
    assert drift.max_abs_error == pytest.approx(float(np.abs(f - q).max()), rel=1e-6)
    assert drift.cosine == pytest.approx(float((f.ravel() @ q.ravel()) / np.linalg.norm(f) / np.linalg.norm(q)),
                                         rel=1e-9)
    top1 = np.mean(f.reshape(6, -1).argmax(1) == q.reshape(6, -1).argmax(1))
    assert drift.top1_agreement == pytest.approx(top1)
    assert 0 < drift.max_abs_error < 0.2 * drift.max_abs_float and drift.cosine > 0.99
    print(f"squeezenet int8 (6 samples): max|err| {drift.max_abs_error:.4f} of {drift.max_abs_float:.2f}, "
          f"cosine {drift.cosine:.5f}, top-1 {100 * top1:.0f}%")


def test_qoperator_format_of_a_dynamic_shape_model(rapidocr_models, tmp_path):
    """PP-OCR's angle classifier (opset 11, dynamic batch/height/width):
    calibration samples fix the shape; QOperator gives QLinearConv nodes."""
    calib = _samples(tmp_path / "calib", (1, 3, 48, 192), 4)
    out = tmp_path / "cls-int8.onnx"
    result = quantize_model(rapidocr_models / "ch_ppocr_mobile_v2.0_cls_infer.onnx", out,
                            QuantizeOptions(calibration=calib, format="qoperator"))
    ops = [n.op_type for n in onnx.load(out).graph.node]
    assert ops.count("QLinearConv") >= 10
    (drift,) = result.drift
    assert drift.top1_agreement is not None and drift.cosine > 0.95


def test_no_calibration_is_refused_and_random_calibration_warns(squeezenet, tmp_path):
    out = tmp_path / "q.onnx"
    proc = rvpack("quantize", str(squeezenet), "-o", str(out))
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert "--calibration" in proc.stderr and "--random-calibration" in proc.stderr and not out.exists()
    proc = rvpack("quantize", str(squeezenet), "-o", str(out), "--random-calibration", "-q")
    assert proc.returncode == 0, proc.stderr
    warnings = [line for line in proc.stderr.splitlines() if line.startswith("warning")]
    assert len(warnings) == 1 and "random" in warnings[0] and out.is_file()
    assert "cosine" in proc.stdout and "top-1 agreement" in proc.stdout
    proc = rvpack("quantize", str(squeezenet), "-o", str(out), "--random-calibration", "-q")
    assert proc.returncode != 0 and "--force" in proc.stderr


def test_a_sample_of_the_wrong_shape_is_named(squeezenet, tmp_path):
    calib = _samples(tmp_path / "calib", (1, 3, 224, 224), 2)
    np.save(calib / "bad.npy", np.zeros((1, 3, 32, 32), np.float32))
    proc = rvpack("quantize", str(squeezenet), "-o", str(tmp_path / "q.onnx"), "--calibration", str(calib))
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    text = " ".join(proc.stderr.split())
    assert "bad.npy" in text and "[1, 3, 32, 32]" in text and "[1, 3, 224, 224]" in text
    assert not (tmp_path / "q.onnx").exists() and not list(tmp_path.glob(".rvpack-quantize-*"))
