"""RVV 1.0 f32 depthwise CHW convolution microkernels (third_party/xnnpack_rvv,
src/f32-dwconv2d-chw) against their scalar reference.

One C test program (f32_dwconv2d_chw_test.c) is built once per session with zig
cc for rv64gcv and runs under QEMU at VLEN 128, 256 and 512, with the
tail/mask-agnostic policies filling with ones (rvv_ta_all_1s, rvv_ma_all_1s) so
that a kernel relying on agnostic elements being kept fails:
  exact   every kernel of f32-dwconv2d-chw.inc vs the scalar reference, small-integer
          data (the reference also vs an integer loop), bit-exact, no stray writes,
          no reads outside the input plane (guard pages on both sides)
  float   uniform [-1, 1) data (some cases with NaN/inf inputs), bit-exact vs the
          reference (same fma order)
Also: the registry, the generated files, the header and BUILD.bazel agree, the
generator is deterministic and up to date, and no kernel spills vector registers.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from tests.xnnpack_rvv import harness
from tests.xnnpack_rvv.harness import VLENS, XNN, build_test_program

TEST_SOURCE = Path(__file__).with_name("f32_dwconv2d_chw_test.c")
DWCONV = XNN / "src" / "f32-dwconv2d-chw"

sys.path.insert(0, str(XNN / "tools"))
import generate  # noqa: E402

VARIANT_RE = re.compile(
    r"^variant (\w+) k (\d+) s (\d+) rows (\d+) lmul (\d+) nr (\d+) cases (\d+) failed (\d+)$")
# Agnostic tails and masked-off elements become all ones: a kernel that reads
# them back (a wrong policy) sees NaNs instead of the old values QEMU keeps by default.


def library_sources() -> list[Path]:
    """What BUILD.bazel's conv_nchw library compiles for this family."""
    return sorted((DWCONV / "gen").glob("*.c")) + [DWCONV / "f32-dwconv2d-chw-reference-scalar.c"]


@pytest.fixture(scope="session")
def dwconv_test(tmp_path_factory) -> Path:
    return build_test_program(tmp_path_factory.mktemp("xnnpack_rvv_dwconv"), "f32_dwconv2d_chw_test",
                              library_sources(), TEST_SOURCE)


def run_mode(exe: Path, vlen: int, mode: str) -> list[str]:
    return harness.run_mode(exe, vlen, mode)


def check_every_kernel_ran(lines: list[str], vlen: int) -> None:
    expected = {uk.name: (uk.ksize, uk.stride, uk.rows, uk.lmul, uk.lmul * vlen // 32)
                for uk in generate.read_dwconv2d_chw_registry()}
    harness.check_every_kernel_ran(lines, VARIANT_RE, expected)


@pytest.mark.parametrize("vlen", VLENS)
def test_f32_dwconv2d_chw_exact(dwconv_test, vlen):
    """Small-integer data: output widths 1..3NR+1 x every pad_left x implied
    right padding -1..2, heights 1..7 x every pad_top x implied bottom padding
    -1..2, five clamps (none, ReLU, ReLU6, clip, NaN bounds), bias and 0;
    bit-exact, no stray writes, no reads outside the input."""
    check_every_kernel_ran(run_mode(dwconv_test, vlen, "exact"), vlen)


@pytest.mark.parametrize("vlen", VLENS)
def test_f32_dwconv2d_chw_float(dwconv_test, vlen):
    """Uniform [-1, 1) data, a fifth of the cases with NaN and infinite
    inputs: bit-exact against the reference."""
    check_every_kernel_ran(run_mode(dwconv_test, vlen, "float"), vlen)


def test_registry_matches_gen_files_header_and_build():
    ukernels = generate.read_dwconv2d_chw_registry()
    # The four kernel shapes the operator driver needs are all there.
    assert {(uk.ksize, uk.stride) for uk in ukernels} == {(3, 1), (3, 2), (5, 1), (5, 2)}
    build = harness.check_generated_family(ukernels, generate.expected_outputs(), "f32-dwconv2d-chw",
                                           "KxKsS-rvv.c.in", "dwconv2d_chw.h",
                                           "RVPACK_DECLARE_F32_DWCONV2D_CHW_MINMAX_UKERNEL_FUNCTION",
                                           r"rvpack_f32_dwconv2d_chw_minmax_ukernel_([35])x\1s[12]_[1-4]x[1248]v__rvv")
    header = (XNN / "include" / "rvpack_rvv" / "dwconv2d_chw.h").read_text()
    assert "void rvpack_f32_dwconv2d_chw_minmax_reference__scalar(" in header
    assert '"src/f32-dwconv2d-chw/f32-dwconv2d-chw-reference-scalar.c"' in build
    assert '"include/rvpack_rvv/dwconv2d_chw.h"' in build
    assert '"src/f32-dwconv2d-chw/f32-dwconv2d-chw.inc"' in build


def test_registry_fits_the_registers():
    for uk in generate.read_dwconv2d_chw_registry():
        assert uk.vector_registers <= generate.DWCONV_VECTOR_REGISTERS


def test_registry_errors_are_reported(tmp_path):
    bad = tmp_path / "f32-dwconv2d-chw.inc"
    cases = [
        ("RVPACK_DWCONV2D_CHW_UKERNEL(3, 1, 2, 8, rvpack_f32_dwconv2d_chw_minmax_ukernel_3x3s1_2x8v__rvv)",
         "need 32 vector registers"),
        ("RVPACK_DWCONV2D_CHW_UKERNEL(7, 1, 1, 2, rvpack_f32_dwconv2d_chw_minmax_ukernel_7x7s1_1x2v__rvv)",
         "KSIZE 7"),
        ("RVPACK_DWCONV2D_CHW_UKERNEL(3, 3, 1, 2, rvpack_f32_dwconv2d_chw_minmax_ukernel_3x3s3_1x2v__rvv)",
         "STRIDE 3"),
        ("RVPACK_DWCONV2D_CHW_UKERNEL(3, 1, 1, 3, rvpack_f32_dwconv2d_chw_minmax_ukernel_3x3s1_1x3v__rvv)",
         "LMUL 3"),
        ("RVPACK_DWCONV2D_CHW_UKERNEL(3, 1, 1, 2, rvpack_f32_dwconv2d_chw_minmax_ukernel_3x3s2_1x2v__rvv)",
         "the name must be rvpack_f32_dwconv2d_chw_minmax_ukernel_3x3s1_1x2v__rvv"),
        ("RVPACK_UKERNEL(1, 2, rvpack_f32_dwconv2d_chw_minmax_ukernel_3x3s1_1x2v__rvv)",
         "expected RVPACK_DWCONV2D_CHW_UKERNEL"),
        ("RVPACK_DWCONV2D_CHW_UKERNEL(3, 1, 1, 2, rvpack_f32_dwconv2d_chw_minmax_ukernel_3x3s1_1x2v__rvv)\n" * 2,
         "listed twice"),
    ]
    for text, message in cases:
        bad.write_text(text + "\n")
        with pytest.raises(generate.GenerateError, match=message):
            generate.read_dwconv2d_chw_registry(bad)


def test_kernels_do_not_spill_vector_registers(tmp_path):
    """No vector register is spilled to the stack (vs<n>r.v / vl<n>re) and no
    weight is reloaded from it: per kernel one input load per (input row of a
    pass, kernel column) and one FMA per (output row, tap), once in the
    interior path and once in the masked edge path; no vsetvli between taps."""
    spills = {}
    for uk in generate.read_dwconv2d_chw_registry():
        src = DWCONV / "gen" / uk.gen_file
        text = harness.kernel_assembly(src, tmp_path)
        if harness.vector_spills(text):
            spills[src.name] = harness.vector_spills(text)
        # clang picks vfmadd.vf instead of vfmacc.vf where that saves a move: both are one FMA.
        fmas = len(re.findall(r"^\s*vfm(acc|add)\.vf\b", text, re.M))
        assert fmas == 2 * uk.rows * uk.ksize ** 2, (uk.name, fmas)
        load = "vle32.v" if uk.stride == 1 else "vlse32.v"
        loads = len(re.findall(rf"^\s*{re.escape(load)}\s", text, re.M))
        assert loads == 2 * uk.nin * uk.ksize, (uk.name, loads)
        # Masked loads and masked FMAs share one vtype (mask-undisturbed): no
        # vsetvli between the taps of the edge steps, about one per input row.
        vsetvlis = len(re.findall(r"^\s*vsetvli\s", text, re.M))
        assert vsetvlis <= uk.nin + 4, (uk.name, vsetvlis)
        # The K*K weights, bias, min and max stay in FP registers (fld/fsd of sp only save fs*).
        assert not re.search(r"^\s*f(lw|sw)\s.*\(sp\)", text, re.M), uk.name
    assert not spills
