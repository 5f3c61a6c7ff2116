"""Acceptance: the nine light_* models of the onnx wheel, built for rv64gc and
run under QEMU, match their stored outputs and onnxruntime; their
randomised-weight variants match onnxruntime before the final softmax.
squeezenet and shufflenet run by default, the rest under -m slow."""

from __future__ import annotations

import numpy as np
import onnx
import pytest

from tests.e2e.harness import assert_matches, build, check
from tests.e2e.light_models import LIGHT, randomized, stored_input, stored_output

FAST = {"squeezenet", "shufflenet"}
PARAMS = [pytest.param(n, marks=() if n in FAST else pytest.mark.slow) for n in LIGHT]


@pytest.mark.parametrize("name", PARAMS)
def test_light_model_matches_stored_output_and_onnxruntime(name, onnx_test_data, tmp_path):
    path = onnx_test_data / "light" / f"light_{name}.onnx"
    bundle = build(path, tmp_path / "b.rvpack")
    x = stored_input(onnx.load(path))
    checked = check(bundle, path, [x])
    assert_matches(checked)
    expected = stored_output(path)
    np.testing.assert_allclose(checked.run.outputs[0].reshape(expected.shape), expected, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("name", PARAMS)
def test_light_model_with_random_weights_matches_onnxruntime_logits(name, onnx_test_data, tmp_path):
    model = randomized(onnx_test_data / "light" / f"light_{name}.onnx", seed=7)
    path = tmp_path / f"random_{name}.onnx"
    onnx.save(model, path)
    bundle = build(path, tmp_path / "b.rvpack")
    checked = check(bundle, path)
    assert_matches(checked)
    logits = checked.references[0]
    assert np.std(logits) > 1e-3 * np.max(np.abs(logits)), "random weights should give varied logits"
    print(f"{name}: max relative error {checked.max_relative_error:.2e}, arena {bundle.manifest.arena_bytes} B "
          f"(lower bound {bundle.manifest.arena_lower_bound_bytes} B), emulated {checked.run.total_us / 1e3:.0f} ms")
