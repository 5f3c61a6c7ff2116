"""RVV 1.0 f32 conv-GEMM microkernels and im2col packers (third_party/xnnpack_rvv)
against their scalar references and a direct NCHW convolution.

One C test program (f32_convgemm_test.c) is built once per session with zig cc
for rv64gcv and runs under QEMU at VLEN 128, 256 and 512:
  exact   every kernel of src/f32-convgemm/f32-convgemm.inc vs the scalar reference,
          small-integer data, bit-exact, no stray writes
  float   uniform [-1, 1) data: bit-exact vs the reference (same fma order) and
          within a tolerance of a double-precision loop
  im2col  scalar packer vs a direct loop, RVV packer vs the scalar one
  conv    im2col + every kernel, driven as an operator would, vs a direct convolution
Also: the registry, the generated files, the header and BUILD.bazel agree, and
no kernel spills vector registers.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from tests.xnnpack_rvv import harness
from tests.xnnpack_rvv.harness import VLENS, XNN, build_test_program
TEST_SOURCE = Path(__file__).with_name("f32_convgemm_test.c")

sys.path.insert(0, str(XNN / "tools"))
import generate  # noqa: E402

VARIANT_RE = re.compile(r"^variant (\w+) mr (\d+) lmul (\d+) nr (\d+) cases (\d+) failed (\d+)$")
IM2COL_RE = re.compile(r"^im2col shapes (\d+) windows (\d+)$")
CONVGEMM = XNN / "src" / "f32-convgemm"



def library_sources() -> list[Path]:
    """What BUILD.bazel's conv_nchw library compiles, besides the headers."""
    return (sorted((CONVGEMM / "gen").glob("*.c"))
            + [CONVGEMM / "f32-convgemm-minmax-reference-scalar.c", CONVGEMM / "f32-convgemm-packw.c",
               CONVGEMM / "f32-convgemm-packw-rvv.c"]
            + sorted((XNN / "src" / "f32-im2col").glob("*.c")))


@pytest.fixture(scope="session")
def convgemm_test(tmp_path_factory) -> Path:
    return build_test_program(tmp_path_factory.mktemp("xnnpack_rvv_conv"), "f32_convgemm_test", library_sources(), TEST_SOURCE)


def run_mode(exe: Path, vlen: int, mode: str) -> list[str]:
    return harness.run_mode(exe, vlen, mode)


def check_every_kernel_ran(lines: list[str], vlen: int) -> None:
    harness.check_every_kernel_ran(lines, VARIANT_RE, {uk.name: (uk.mr, uk.lmul, uk.lmul * vlen // 32)
                                                       for uk in generate.read_convgemm_registry()})


@pytest.mark.parametrize("vlen", VLENS)
def test_f32_convgemm_exact(convgemm_test, vlen):
    """Small-integer data: m = 1..MR, nc = 1..NR+1 and 2NR+3, k around the
    unroll, three clamps, dense and padded strides, bias and NULL; bit-exact,
    no stray writes, no reads past the operands."""
    check_every_kernel_ran(run_mode(convgemm_test, vlen, "exact"), vlen)


@pytest.mark.parametrize("vlen", VLENS)
def test_f32_convgemm_float(convgemm_test, vlen):
    """Uniform [-1, 1) data, k up to 97: bit-exact against the reference,
    within a tolerance of a double-precision loop."""
    check_every_kernel_ran(run_mode(convgemm_test, vlen, "float"), vlen)


@pytest.mark.parametrize("vlen", VLENS)
def test_f32_im2col_nchw(convgemm_test, vlen):
    """Kernels 1x1/3x3/5x5/2x3/1x3, strides 1/2/3, dilation 1/2, padding on
    every side, images down to 1x1, pixel windows crossing output rows;
    padded panel strides must keep their gaps."""
    lines = run_mode(convgemm_test, vlen, "im2col")
    counts = [IM2COL_RE.match(line) for line in lines]
    shapes = [m for m in counts if m is not None]
    assert len(shapes) == 1 and int(shapes[0][1]) > 1000


@pytest.mark.parametrize("vlen", VLENS)
def test_f32_conv_nchw_end_to_end(convgemm_test, vlen):
    """im2col panels (whole image, NR, 3 NR and 7 pixels wide) + each kernel
    over row blocks of MR == a direct NCHW convolution, bit for bit."""
    check_every_kernel_ran(run_mode(convgemm_test, vlen, "conv"), vlen)


@pytest.mark.parametrize("vlen", VLENS)
def test_rvv_packers_match_the_scalar_ones(convgemm_test, vlen):
    """The run-time packers (MatMul's A, pixel rows' columns) write the same bytes as the references."""
    run_mode(convgemm_test, vlen, "pack")


def test_numpy_packing_matches_the_layout():
    """sdk/targets/rvv/packing.py (build time) writes the layout the kernels read: blocks
    of MR rows, biases first, then per K step the MR weights, missing rows zero."""
    import numpy as np

    from rvpack.sdk.targets.rvv.packing import pack_convgemm_weights

    w = np.arange(5 * 3, dtype=np.float32).reshape(5, 3) + 1
    bias = np.array([-1, -2, -3, -4, -5], np.float32)
    packed = pack_convgemm_weights(4, w, bias)
    assert packed.tolist() == [-1, -2, -3, -4, 1, 4, 7, 10, 2, 5, 8, 11, 3, 6, 9, 12,
                               -5, 0, 0, 0, 13, 0, 0, 0, 14, 0, 0, 0, 15, 0, 0, 0]


def test_registry_matches_gen_files_header_and_build():
    build = harness.check_generated_family(generate.read_convgemm_registry(), generate.expected_outputs(),
                                           "f32-convgemm", "MRxNRv-rvv.c.in",
                                           "convgemm.h", "RVPACK_DECLARE_F32_CONVGEMM_MINMAX_UKERNEL_FUNCTION",
                                           r"rvpack_f32_convgemm_minmax_ukernel_\d+x[1248]v__rvv")
    header = (XNN / "include" / "rvpack_rvv" / "convgemm.h").read_text()
    assert "void rvpack_f32_convgemm_minmax_reference__scalar(" in header
    assert "void rvpack_f32_convgemm_pack_weights(" in header
    # The family's copts (family.json, which the tests use too) are what BUILD.bazel builds the kernels with.
    copts = harness.family_copts(CONVGEMM / "gen" / "x.c")
    assert copts and "copts = [\n" + "".join(f'        "{c}",\n' for c in copts) + "    ]" in build
    for src in library_sources():
        if src.parent.name != "gen":
            assert f'"{src.relative_to(XNN).as_posix()}"' in build
    for hdr in ("convgemm.h", "im2col.h", "microparams.h", "common.h"):
        assert f'"include/rvpack_rvv/{hdr}"' in build


def test_registry_fits_the_registers():
    for uk in generate.read_convgemm_registry():
        assert uk.vector_registers <= generate.VECTOR_REGISTERS
        assert uk.mr <= 8  # integer registers: MR output-row pointers


def test_registry_errors_are_reported(tmp_path):
    bad = tmp_path / "f32-convgemm.inc"
    bad.write_text("RVPACK_UKERNEL(4, 8, rvpack_f32_convgemm_minmax_ukernel_4x8v__rvv)\n")
    with pytest.raises(generate.GenerateError, match="need 40 vector registers"):
        generate.read_convgemm_registry(bad)
    bad.write_text("RVPACK_UKERNEL(4, 2, rvpack_f32_gemm_minmax_ukernel_4x2v__rvv)\n")
    with pytest.raises(generate.GenerateError, match="the name must be rvpack_f32_convgemm_minmax_ukernel_4x2v__rvv"):
        generate.read_convgemm_registry(bad)
    bad.write_text("RVPACK_UKERNEL(1, 1, rvpack_f32_convgemm_minmax_ukernel_1x1v__rvv)\n"
                   "RVPACK_UKERNEL(1, 1, rvpack_f32_convgemm_minmax_ukernel_1x1v__rvv)\n")
    with pytest.raises(generate.GenerateError, match="listed twice"):
        generate.read_convgemm_registry(bad)


def inner_loop(asm: str) -> list[str]:
    """The instructions of the innermost loop (clang marks its header; the
    K loop body is one basic block ending in the back branch)."""
    lines = asm.splitlines()
    start = next(i for i, line in enumerate(lines) if "Inner Loop Header" in line)
    body = []
    for line in lines[start + 1:]:
        insn = line.split("#", 1)[0].strip()
        if not insn or insn.endswith(":") or insn.startswith("."):
            continue
        body.append(insn)
        if re.match(r"b\w*\s", insn):
            break
    return body


def test_kernels_do_not_spill_vector_registers(tmp_path):
    """Every accumulator stays in a register: no vector register may be
    spilled to the stack (vs<n>r.v / vl<n>re). The K loop (unrolled by
    KUNROLL) has one B load per K step, one FMA (vfmacc.vf, or vfmadd.vf where
    clang swaps the roles of the registers) and one flw per row and K step,
    and besides them only the pointer and counter updates and the branch: no
    vector moves, no vsetvli, no stack access."""
    spills = {}
    for uk in generate.read_convgemm_registry():
        src = CONVGEMM / "gen" / uk.gen_file
        text = harness.kernel_assembly(src, tmp_path)
        # Main loop (K unrolled) + remainder: MR * (KUNROLL + 1) FMAs.
        fmas = len(re.findall(r"^\s*vfm(acc|add)\.vf\b", text, re.M))
        assert fmas == uk.mr * (uk.kunroll + 1), (uk.name, fmas)
        if harness.vector_spills(text):
            spills[src.name] = harness.vector_spills(text)
        body = inner_loop(text)
        ops = [insn.split()[0] for insn in body]
        assert ops.count("vle32.v") == uk.kunroll, (uk.name, body)
        assert ops.count("vfmacc.vf") + ops.count("vfmadd.vf") == uk.mr * uk.kunroll, (uk.name, body)
        assert ops.count("flw") == uk.mr * uk.kunroll, (uk.name, body)
        # B pointer per step; the weight pointer (which ends the loop) and the branch per iteration.
        assert len(body) == (2 * uk.mr + 2) * uk.kunroll + 2, (uk.name, body)
        assert not [insn for insn in body if re.match(r"vmv\d+r\.v|vsetvli", insn)], (uk.name, body)
        assert not [insn for insn in body if re.search(r"\((sp|s0)\)", insn)], (uk.name, body)
    assert not spills
