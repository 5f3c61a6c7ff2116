"""The model targets on Spike (exact counts, one whole inference at VLEN 256,
random weights seed 7, outputs checked against onnxruntime, MACs counted
with the dense formula):
  - issue #10: >= 3.5 MACs per modelled cycle at DLEN 128 (core model x60;
    ncnn 3.10) and >= 5.0 at DLEN = VLEN (ncnn 4.54);
  - issue #4: Conv/Gemm MACs per retired instruction >= 5.0 and >= 10x fewer
    instructions than the rv64gc bundle of the same model.
light_squeezenet runs by default; light_resnet50 (~10 minutes of Spike)
under -m slow. `python -m tests.bench.rvv_report` prints the full tables at
every VLEN."""

from __future__ import annotations

import shutil

import onnx
import pytest

from rvpack.sdk.bench import bench_bundle
from rvpack.sdk.compiler import build_bundle
from rvpack.sdk.errors import ToolMissingError
from rvpack.sdk.runners import spike
from rvpack.sdk.targets import get_target
from tests.bench.rvv_report import gemm_macs
from tests.e2e.light_models import randomized

pytestmark = pytest.mark.skipif(shutil.which("bazel") is None, reason="bazel is not installed")

MIN_MACS_PER_INSTRUCTION = 5.0
MIN_RATIO_TO_RV64GC = 10.0
MIN_MACS_PER_CYCLE = {"x60": 3.5, "dlen=vlen": 5.0}


@pytest.mark.parametrize("name", ["light_squeezenet", pytest.param("light_resnet50", marks=pytest.mark.slow)])
def test_rvv_model_reaches_the_issue_targets_at_vlen_256(name, onnx_test_data, tmp_path):
    try:
        spike.spike_executable()
    except ToolMissingError as e:
        pytest.skip(str(e))
    path = tmp_path / f"{name}.onnx"
    onnx.save(randomized(onnx_test_data / "light" / f"{name}.onnx", seed=7), path)
    rvv = bench_bundle(build_bundle(path, get_target("rvv1.0"), tmp_path / "rvv.rvpack", force=True).bundle,
                       vlen=256, model_path=path)
    scalar = bench_bundle(build_bundle(path, get_target("rv64gc"), tmp_path / "gc.rvpack", force=True).bundle,
                          model_path=path)
    assert rvv.check_passed and scalar.check_passed
    macs_per_instruction = gemm_macs(rvv) / rvv.total_instructions
    ratio = scalar.total_instructions / rvv.total_instructions
    print(f"{name} VLEN 256: {rvv.total_instructions:,} instructions, {macs_per_instruction:.2f} Conv/Gemm MACs per "
          f"instruction; rv64gc {scalar.total_instructions:,} ({ratio:.1f}x more)")
    assert macs_per_instruction >= MIN_MACS_PER_INSTRUCTION
    assert ratio >= MIN_RATIO_TO_RV64GC
    from rvpack.sdk.targets.cores import CORE_MODELS

    for core, floor in MIN_MACS_PER_CYCLE.items():
        rate = rvv.macs_per_cycle(rvv.total_macs, rvv.total_mix, CORE_MODELS[core])
        print(f"{name} VLEN 256: {rate:.2f} MACs per modelled cycle on {core}")
        assert rate is not None and rate >= floor, (core, rate)
