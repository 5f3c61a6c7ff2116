"""RVV 1.0 int8 conv-GEMM microkernels (third_party/xnnpack_rvv/src/qs8-convgemm)
against their scalar reference and a plain 64-bit loop over the unpacked
operands (qs8_convgemm_test.c), bit-exact at VLEN 128, 256 and 512, in both
roundings (TFLite's half-up fixed point, onnxruntime's float). Also: the
registry, generated files, header and BUILD.bazel agree; no kernel spills;
the K loop is 2 + 2 MR instructions per step plus the B pointer add."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from tests.xnnpack_rvv import harness
from tests.xnnpack_rvv.harness import VLENS, XNN, build_test_program
from tests.xnnpack_rvv.test_f32_convgemm import inner_loop

sys.path.insert(0, str(XNN / "tools"))
import generate  # noqa: E402

TEST_SOURCE = Path(__file__).with_name("qs8_convgemm_test.c")
QS8 = XNN / "src" / "qs8-convgemm"
VARIANT_RE = re.compile(r"^variant (\w+) mr (\d+) lmul (\d+) nr (\d+) cases (\d+) failed (\d+)$")


def registry() -> list:
    return generate.read_registry(generate.family("qs8-convgemm"))


@pytest.fixture(scope="session")
def qs8_convgemm_test(tmp_path_factory) -> Path:
    sources = sorted((QS8 / "gen").glob("*.c")) + [QS8 / "qs8-convgemm-minmax-reference-scalar.c"]
    return build_test_program(tmp_path_factory.mktemp("xnnpack_rvv_qs8"), "qs8_convgemm_test", sources, TEST_SOURCE)


@pytest.mark.parametrize("vlen", VLENS)
def test_qs8_convgemm_exact(qs8_convgemm_test, vlen):
    lines = harness.run_mode(qs8_convgemm_test, vlen, "exact")
    harness.check_every_kernel_ran(lines, VARIANT_RE, {uk.name: (uk.mr, uk.lmul, uk.lmul * vlen // 32)
                                                       for uk in registry()})


def test_registry_matches_gen_files_header_and_build():
    build = harness.check_generated_family(registry(), generate.expected_outputs(), "qs8-convgemm",
                                           "MRxNRv-rvv.c.in", "qs8_convgemm.h",
                                           "RVPACK_DECLARE_QS8_CONVGEMM_MINMAX_UKERNEL_FUNCTION",
                                           r"rvpack_qs8_convgemm_minmax_ukernel_\d+x[1248]v__rvv")
    copts = harness.family_copts(QS8 / "gen" / "x.c")
    assert copts and "copts = [\n" + "".join(f'        "{c}",\n' for c in copts) + "    ]" in build
    assert '"src/qs8-convgemm/qs8-convgemm-minmax-reference-scalar.c"' in build


def test_k_loop_is_two_plus_two_mr_instructions_per_step(tmp_path):
    """Per K step: vle8 + vsext.vf2 + the B pointer add + MR lb + MR vwmacc.vx;
    per KUNROLL steps the weight pointer add, the branch and at most one vtype
    switch; no spills or vector moves in the loop, no vlenb reads anywhere."""
    for uk in registry():
        text = harness.kernel_assembly(QS8 / "gen" / uk.gen_file, tmp_path)
        assert not harness.vector_spills(text), uk.name
        assert "vlenb" not in text, uk.name
        body = inner_loop(text)
        ops = [insn.split()[0] for insn in body]
        assert ops.count("vle8.v") == uk.kunroll and ops.count("vsext.vf2") == uk.kunroll, (uk.name, body)
        assert ops.count("lb") == uk.mr * uk.kunroll, (uk.name, body)
        assert ops.count("vwmacc.vx") == uk.mr * uk.kunroll, (uk.name, body)
        # vwmacc runs at the sources' SEW (e16): clang switches vtype once per
        # iteration (vl kept: "vsetvli zero, zero"), 1 instruction per KUNROLL steps
        switches = [insn for insn in body if insn.startswith("vsetvli")]
        assert all(re.match(r"vsetvli\s+zero, zero, e16", insn) for insn in switches) and len(switches) <= 1
        assert len(body) == (2 * uk.mr + 3) * uk.kunroll + 2 + len(switches), (uk.name, body)
        assert not [insn for insn in body if re.match(r"vmv\d+r\.v", insn)], (uk.name, body)
