"""RVV 1.0 int8 operator kernels (runtime/rvv: qs8_conv2d_rvv.c on the
qs8-convgemm microkernels with its int8 im2col, q8_rvv.c: quantize,
dequantize, requantize, max pooling, the generic conv twin, ADD, MUL)
against their scalar twins
(runtime/src/qs8.c), bit-exact, at VLEN 128, 256 and 512 (rvv_qs8_test.c,
built once per session with the scalar runtime and the microkernels)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.xnnpack_rvv import harness
from tests.xnnpack_rvv.harness import REPO, VLENS, XNN, build_test_program

TEST_SOURCE = Path(__file__).with_name("rvv_qs8_test.c")


@pytest.fixture(scope="session")
def qs8_test(tmp_path_factory) -> Path:
    scalar = [p for p in sorted((REPO / "runtime" / "src").glob("*.c")) if p.name != "runner_main.c"]
    qs8 = XNN / "src" / "qs8-convgemm"
    sources = scalar + sorted((qs8 / "gen").glob("*.c")) + [REPO / "runtime" / "rvv" / "qs8_conv2d_rvv.c",
                                                            REPO / "runtime" / "rvv" / "q8_rvv.c"]
    return build_test_program(tmp_path_factory.mktemp("rvv_qs8"), "rvv_qs8_test", sources, TEST_SOURCE,
                              includes=(REPO / "runtime" / "include", REPO / "runtime" / "rvv" / "include",
                                        REPO / "runtime" / "src"))


@pytest.mark.parametrize("mode", ["convert", "pool", "conv", "anyconv", "addmul"])
@pytest.mark.parametrize("vlen", VLENS)
def test_rvv_int8_kernels_equal_the_scalar_ones(qs8_test, mode, vlen):
    harness.run_mode(qs8_test, vlen, mode)
