"""RVV 1.0 spatial operator drivers (runtime/rvv) against their scalar twins
(runtime/src), bit for bit:

  dwconv  rvpack_f32_dwconv2d_nchw__rvv  vs rvpack_f32_conv2d_nchw__scalar
          (depthwise 3x3/5x5, stride 1/2, every pad_top/pad_left, implied
          bottom/right padding -1..2, batch 2, 1..9 channels, bias/NULL,
          NONE/RELU/CLAMP fused and LEAKY_RELU after, integer and float data,
          NaN/inf inputs where the scalar semantics allow; shapes outside the
          vector path fall back to the scalar kernel)
  pool    rvpack_f32_pool2d_nchw__rvv    vs rvpack_f32_pool2d_nchw__scalar
          (MAX/AVERAGE, kernels 1..5 incl. non-square, strides 1..3, dilation
          1/2, asymmetric and ceil-mode padding, count_include_pad 0/1,
          global-sized windows, both vector paths, fused and unfused acts,
          -0.0, NaN and infinities)

One C program (rvv_spatial_test.c) is built once per session with zig cc for
rv64gcv from runtime/src/*.c (but runner_main.c), the two drivers and the
xnnpack_rvv f32-dwconv2d-chw kernels, and runs under QEMU at VLEN 128, 256 and
512 with agnostic tails/masked-off elements filled with ones.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.xnnpack_rvv import harness
from tests.xnnpack_rvv.harness import REPO, VLENS, XNN, build_test_program

TEST_SOURCE = Path(__file__).with_name("rvv_spatial_test.c")
RUNTIME = REPO / "runtime"


def sources() -> list[Path]:
    return ([p for p in sorted((RUNTIME / "src").glob("*.c")) if p.name != "runner_main.c"]
            + [RUNTIME / "rvv" / name for name in ("dwconv2d_nchw_rvv.c", "pool2d_nchw_rvv.c", "pad_rvv.c", "lrn_rvv.c", "resize_rvv.c",
                                                 "conv_transpose_rvv.c")]
            + sorted((XNN / "src" / "f32-dwconv2d-chw" / "gen").glob("*.c")))


@pytest.fixture(scope="session")
def spatial_test(tmp_path_factory) -> Path:
    return build_test_program(tmp_path_factory.mktemp("rvv_spatial"), "rvv_spatial_test", sources(), TEST_SOURCE,
                              includes=(RUNTIME / "include", RUNTIME / "rvv" / "include"))


def run_mode(exe: Path, vlen: int, mode: str) -> list[str]:
    return harness.run_mode(exe, vlen, mode)


@pytest.mark.parametrize("vlen", VLENS)
def test_rvv_dwconv2d_nchw(spatial_test, vlen):
    lines = run_mode(spatial_test, vlen, "dwconv")
    m = next(re.match(r"^dwconv cases (\d+) fallback (\d+) special (\d+)$", line)
             for line in lines if line.startswith("dwconv cases"))
    assert int(m[1]) > 1000 and int(m[2]) == 4 and int(m[3]) > 100


@pytest.mark.parametrize("vlen", VLENS)
def test_rvv_pool2d_nchw(spatial_test, vlen):
    lines = run_mode(spatial_test, vlen, "pool")
    m = next(re.match(r"^pool cases (\d+) global (\d+) across_planes (\d+)$", line)
             for line in lines if line.startswith("pool cases"))
    cases, global_windows, across_planes = int(m[1]), int(m[2]), int(m[3])
    # Both vector paths (along rows, across planes) ran plenty of cases.
    assert cases > 1500 and global_windows == 48
    assert 300 < across_planes < cases - 300


@pytest.mark.parametrize("vlen", VLENS)
def test_rvv_pad(spatial_test, vlen):
    """Ranks 1..4, constant/reflect/edge, pads 0..3 (constant also crops),
    rows up to several vectors: bit-exact against the scalar kernel."""
    lines = run_mode(spatial_test, vlen, "pad")
    assert any(line == "pad cases 600" for line in lines)


@pytest.mark.parametrize("vlen", VLENS)
def test_rvv_lrn(spatial_test, vlen):
    """Within 1e-5 relative of the scalar kernel everywhere (pow as
    exp(beta * log)), and in fact within a few ulp."""
    lines = run_mode(spatial_test, vlen, "lrn")
    m = next(re.match(r"^lrn cases (\d+) max_rel_err (\S+)$", line) for line in lines if line.startswith("lrn cases"))
    assert int(m[1]) == 300 and float(m[2]) < 1e-6, m[0]


@pytest.mark.parametrize("vlen", VLENS)
def test_rvv_resize(spatial_test, vlen):
    """Random source tables: NEAREST bit-exact, LINEAR within 2 ulp of the
    data's magnitude."""
    lines = run_mode(spatial_test, vlen, "resize")
    assert "resize cases 400" in lines


@pytest.mark.parametrize("vlen", VLENS)
def test_rvv_conv_transpose(spatial_test, vlen):
    """Kernels 1..4, strides 1..3, dilation, pads, output padding, groups,
    bias/NULL, NONE/RELU: bit-exact against the scalar kernel."""
    lines = run_mode(spatial_test, vlen, "deconv")
    assert "deconv cases 300" in lines
