"""RVV 1.0 f32 column-sparse conv-GEMM microkernels (third_party/xnnpack_rvv/
src/f32-spconvgemm) against the dense scalar reference on the masked weights.

One C test program (f32_spconvgemm_test.c), built once per session with zig cc
for rv64gcv, runs under QEMU at VLEN 128, 256 and 512:
  exact  every kernel, small-integer data, bit-exact, no stray writes: rows
         m = 1..MR, columns 1..NR+1 and 2NR+3, kept steps none / one / odd /
         2:4 / all but one / all, dense and padded B strides, three clamps
  float  uniform [-1, 1) data, bit-exact (the fma chain skips only zero terms)
  dump   the C packer's words == the build-time packer's (sdk/targets/rvv/sparse.py)
Also: the registry, the generated files, the header and BUILD.bazel agree;
no kernel spills; the kept-step loop costs one instruction more than a dense
K step, and nothing depends on VLEN.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.xnnpack_rvv import harness
from tests.xnnpack_rvv.harness import VLENS, XNN, build_test_program
from tests.xnnpack_rvv.test_f32_convgemm import inner_loop

sys.path.insert(0, str(XNN / "tools"))
import generate  # noqa: E402

TEST_SOURCE = Path(__file__).with_name("f32_spconvgemm_test.c")
SPCONVGEMM = XNN / "src" / "f32-spconvgemm"
VARIANT_RE = re.compile(r"^variant (\w+) mr (\d+) lmul (\d+) nr (\d+) cases (\d+) failed (\d+)$")


def registry() -> list:
    return generate.read_registry(generate.family("f32-spconvgemm"))


def library_sources() -> list[Path]:
    """What BUILD.bazel's f32_spconvgemm library compiles, and the dense scalar reference (the oracle)."""
    return (sorted((SPCONVGEMM / "gen").glob("*.c")) + [SPCONVGEMM / "f32-spconvgemm-packw.c"]
            + [XNN / "src" / "f32-convgemm" / "f32-convgemm-minmax-reference-scalar.c"])


@pytest.fixture(scope="session")
def spconvgemm_test(tmp_path_factory) -> Path:
    return build_test_program(tmp_path_factory.mktemp("xnnpack_rvv_sparse"), "f32_spconvgemm_test",
                              library_sources(), TEST_SOURCE)


def check_every_kernel_ran(lines: list[str], vlen: int) -> None:
    harness.check_every_kernel_ran(lines, VARIANT_RE, {uk.name: (uk.mr, uk.lmul, uk.lmul * vlen // 32)
                                                       for uk in registry()})


@pytest.mark.parametrize("vlen", VLENS)
def test_f32_spconvgemm_exact(spconvgemm_test, vlen):
    check_every_kernel_ran(harness.run_mode(spconvgemm_test, vlen, "exact"), vlen)


@pytest.mark.parametrize("vlen", VLENS)
def test_f32_spconvgemm_float(spconvgemm_test, vlen):
    check_every_kernel_ran(harness.run_mode(spconvgemm_test, vlen, "float"), vlen)


def test_c_and_numpy_packers_write_the_same_words(spconvgemm_test):
    from rvpack.sdk.targets.rvv.sparse import pack_sparse_weights

    line = next(x for x in harness.run_mode(spconvgemm_test, 128, "dump") if x.startswith("words"))
    c_words = [int(x, 16) for x in line.split()[1:]]
    w = np.zeros((5, 6), np.float32)
    for i in range(5):
        for kk in range(6):
            if (kk in (1, 4) or (kk == 5 and i == 2)) if i < 4 else kk == 2:
                w[i, kk] = 1 + i * 6 + kk
    packed = pack_sparse_weights(4, w, np.array([-1, -2, -3, -4, -5], np.float32), b_stride=40)
    assert packed.view(np.uint32).tolist() == c_words
    # The layout, spelled out: block 0 keeps steps 1, 4, 5; block 1 (one row) keeps step 2.
    f = [float(x) for x in packed]
    words = packed.view(np.uint32)
    assert words[0] == 3 and f[1:5] == [-1, -2, -3, -4]
    assert words[5] == 40 and f[6:10] == [2, 8, 14, 20]
    assert words[10] == 160 and f[11:15] == [5, 11, 17, 23]
    assert words[15] == 200 and f[16:20] == [0, 0, 18, 0]
    assert words[20] == 1 and f[21:25] == [-5, 0, 0, 0] and words[25] == 80 and f[26:30] == [27, 0, 0, 0]
    assert len(packed) == 30


def test_registry_matches_gen_files_header_and_build():
    build = harness.check_generated_family(registry(), generate.expected_outputs(), "f32-spconvgemm",
                                           "MRxNRv-rvv.c.in", "spconvgemm.h",
                                           "RVPACK_DECLARE_F32_SPCONVGEMM_MINMAX_UKERNEL_FUNCTION",
                                           r"rvpack_f32_spconvgemm_minmax_ukernel_\d+x[1248]v__rvv")
    copts = harness.family_copts(SPCONVGEMM / "gen" / "x.c")
    assert copts and "copts = [\n" + "".join(f'        "{c}",\n' for c in copts) + "    ]" in build
    assert '"src/f32-spconvgemm/f32-spconvgemm-packw.c"' in build
    # The same tiles as the dense family: a sparse layer has the same choices (and tail kernels).
    dense = {(uk.mr, uk.lmul) for uk in generate.read_convgemm_registry()}
    assert {(uk.mr, uk.lmul) for uk in registry()} == dense


def test_kept_step_loop_is_one_instruction_more_than_a_dense_step(tmp_path):
    """Per kept step: lw (offset) + add + vle32 + MR flw + MR vfmacc; per
    KUNROLL steps the entry pointer add and the branch; no spills, no
    vsetvli or vector moves in the loop, no vlenb reads anywhere (nothing
    depends on VLEN but the step)."""
    for uk in registry():
        text = harness.kernel_assembly(SPCONVGEMM / "gen" / uk.gen_file, tmp_path)
        assert not harness.vector_spills(text), uk.name
        assert "vlenb" not in text, uk.name
        body = inner_loop(text)
        ops = [insn.split()[0] for insn in body]
        assert ops.count("lw") == uk.kunroll and ops.count("vle32.v") == uk.kunroll, (uk.name, body)
        assert ops.count("flw") == uk.mr * uk.kunroll, (uk.name, body)
        assert ops.count("vfmacc.vf") + ops.count("vfmadd.vf") == uk.mr * uk.kunroll, (uk.name, body)
        assert len(body) == (2 * uk.mr + 3) * uk.kunroll + 2, (uk.name, body)
        assert not [insn for insn in body if re.match(r"vmv\d+r\.v|vsetvli", insn)], (uk.name, body)
