"""RVV 1.0 elementwise twins (runtime/rvv: unary, binary + channel affine,
softmax, reduce, strided copy) against their scalar oracles (runtime/src).

One C test program (rvv_elementwise_test.c) is built once per session with zig
cc for rv64gcv, together with the scalar runtime sources, and runs under QEMU
at VLEN 128, 256 and 512:
  unary     every activation kind, lengths 0..70, 257, 1000 and around 1-3
            vectors, x == y; bit-exact except the transcendental kinds
  binary    every op x broadcast pattern (elementwise, per-channel, scalar, row
            vs column, strided, random rank <= 6) x fused act, y == a / y == b;
            bit-exact (NaN and signed zeros included); channel affine
  softmax   inner == 1 and > 1, Softmax and LogSoftmax, in place; tolerance
  reduce    SUM MEAN MAX MIN, inner == 1 and > 1; bit-exact on small integers
  copy      concat, transpose, slice, reversed and padded layouts, element sizes
            1/2/4/8 (and 3/6/12/16); byte-exact over the whole output buffer
  accuracy  exp, log, sigmoid, tanh vs double precision over 1M+ points each:
            the measured maximum ulp error must be the one documented in
            runtime/rvv/vmath_rvv.h and within its documented bound
Every mode also runs once with QEMU filling agnostic tail and masked-off
elements with ones, which catches a missing tail-/mask-undisturbed policy.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.xnnpack_rvv import harness
from tests.xnnpack_rvv.harness import REPO, VLENS, build_test_program

TEST_SOURCE = Path(__file__).with_name("rvv_elementwise_test.c")
RVV = REPO / "runtime" / "rvv"
VMATH = RVV / "vmath_rvv.h"
RVV_SOURCES = ("unary_rvv.c", "binary_rvv.c", "softmax_rvv.c", "reduce_rvv.c", "copy_rvv.c")
MODES = ("unary", "binary", "softmax", "reduce", "copy")
FUNCTIONS = ("exp", "log", "sigmoid", "tanh")
MAXULP_RE = re.compile(r"^maxulp (\w+) ([0-9.]+|inf|nan) at (\S+) points (\d+)$")
DOC_RE = re.compile(r"^ \*\s+(\w+)\s+measured ([0-9.]+) ulp, bound ([0-9.]+) ulp:", re.M)


def sources() -> list[Path]:
    """The scalar runtime (the oracles) + the vector twins under test."""
    scalar = [p for p in sorted((REPO / "runtime" / "src").glob("*.c")) if p.name != "runner_main.c"]
    return scalar + [RVV / name for name in RVV_SOURCES]


@pytest.fixture(scope="session")
def elementwise_test(tmp_path_factory) -> Path:
    return build_test_program(tmp_path_factory.mktemp("rvv_elementwise"), "rvv_elementwise_test", sources(),
                              TEST_SOURCE, includes=(REPO / "runtime" / "include", REPO / "runtime" / "rvv" / "include"))


def documented_errors() -> dict[str, tuple[float, float]]:
    """{function: (measured, bound)} from the header comment of vmath_rvv.h."""
    return {m[1]: (float(m[2]), float(m[3])) for m in DOC_RE.finditer(VMATH.read_text())}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("vlen", VLENS)
def test_rvv_elementwise(elementwise_test, vlen, mode):
    harness.run_mode(elementwise_test, vlen, mode)


@pytest.mark.parametrize("vlen", VLENS)
def test_rvv_vector_math_accuracy(elementwise_test, vlen):
    lines = harness.run_mode(elementwise_test, vlen, "accuracy")
    measured = {m[1]: (float(m[2]), int(m[4])) for m in map(MAXULP_RE.match, lines) if m is not None}
    documented = documented_errors()
    assert set(measured) == set(FUNCTIONS) == set(documented)
    for name, (err, points) in measured.items():
        doc_measured, bound = documented[name]
        assert points >= 1_000_000, name
        assert err <= bound, f"{name}: measured {err} ulp > documented bound {bound} ulp"
        assert abs(err - doc_measured) <= 0.01, f"{name}: measured {err} ulp, vmath_rvv.h says {doc_measured}"


def test_vmath_documents_every_function():
    documented = documented_errors()
    assert set(documented) == set(FUNCTIONS)
    for name, (measured, bound) in documented.items():
        assert 0.0 < measured <= bound, name
