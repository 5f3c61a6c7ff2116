"""RVV 1.0 f32 GEMM microkernels (third_party/xnnpack_rvv) against the scalar reference.

One C test program (f32_gemm_test.c) is built once per session with zig cc for
rv64gcv and runs every kernel listed in src/f32-gemm/f32-gemm.inc under QEMU at
VLEN 128, 256 and 512: small-integer data bit-exact, float data within a
tolerance. Also: the numpy packing (tools/pack.py) equals the C packing bit for
bit, and the generated files, the registry, the header and BUILD.bazel agree.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.xnnpack_rvv import harness
from tests.xnnpack_rvv.harness import VLENS, XNN, build_test_program, qemu_cmd
TEST_SOURCE = Path(__file__).with_name("f32_gemm_test.c")

sys.path.insert(0, str(XNN / "tools"))
import generate  # noqa: E402
import pack  # noqa: E402

VARIANT_RE = re.compile(r"^variant (\w+) mr (\d+) lmul (\d+) nr (\d+) cases (\d+) failed (\d+)$")



def library_sources() -> list[Path]:
    """What BUILD.bazel's f32_gemm library compiles, besides the headers."""
    return (sorted((XNN / "src" / "f32-gemm" / "gen").glob("*.c"))
            + [XNN / "src" / "f32-gemm" / "f32-gemm-minmax-reference-scalar.c"]
            + sorted((XNN / "src" / "x32-packw").glob("*.c")))


@pytest.fixture(scope="session")
def gemm_test(tmp_path_factory) -> Path:
    return build_test_program(tmp_path_factory.mktemp("xnnpack_rvv"), "f32_gemm_test", library_sources(), TEST_SOURCE)


def run_mode(exe: Path, vlen: int, mode: str) -> None:
    harness.check_every_kernel_ran(harness.run_mode(exe, vlen, mode), VARIANT_RE,
                                   {uk.name: (uk.mr, uk.lmul, uk.lmul * vlen // 32)
                                    for uk in generate.read_gemm_registry()})


@pytest.mark.parametrize("vlen", VLENS)
def test_f32_gemm_exact(gemm_test, vlen):
    """Small-integer data: m = 1..MR, n = 1..NR+1 and 2NR+3, k around the
    unroll, three clamps, dense and padded strides; bit-exact, no stray writes."""
    run_mode(gemm_test, vlen, "exact")


@pytest.mark.parametrize("vlen", VLENS)
def test_f32_gemm_float(gemm_test, vlen):
    """Uniform [-1, 1) data, k up to 131, against a double-precision loop."""
    run_mode(gemm_test, vlen, "float")


def special_values(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Random float32 with -0.0, infinities and NaNs with payloads sprinkled in."""
    x = rng.standard_normal(shape).astype(np.float32)
    bits = x.view(np.uint32).reshape(-1)
    specials = np.array([0x80000000, 0x7F800000, 0xFF800000, 0x7FC12345, 0x7F800001, 0xFFBFFFFF], dtype=np.uint32)
    idx = rng.choice(bits.size, size=min(bits.size, len(specials)), replace=False)
    bits[idx] = specials[: len(idx)]
    return x


@pytest.mark.parametrize("layout", ["goi", "gio"])
@pytest.mark.parametrize("n,k,nr,with_bias", [
    (1, 1, 4, True), (5, 3, 4, True), (8, 2, 8, False), (13, 17, 16, True), (130, 9, 64, False), (3, 5, 128, True),
])
def test_numpy_packing_equals_c_packing(gemm_test, tmp_path, layout, n, k, nr, with_bias):
    rng = np.random.default_rng(n * 1000 + k * 10 + nr)
    w = special_values(rng, (n, k) if layout == "goi" else (k, n))
    bias = special_values(rng, (n,)) if with_bias else None
    w.tofile(tmp_path / "w.bin")
    if bias is not None:
        bias.tofile(tmp_path / "b.bin")
    out = tmp_path / "packed.bin"
    proc = subprocess.run([*qemu_cmd(128), str(gemm_test), "packw", layout, str(n), str(k), str(nr),
                           str(tmp_path / "w.bin"), str(tmp_path / "b.bin") if with_bias else "-", str(out)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    packer = pack.pack_gemm_goi if layout == "goi" else pack.pack_gemm_gio
    packed = packer(w, bias, nr)
    assert packed.dtype == np.float32 and packed.nbytes == pack.packed_size(n, k, nr)
    assert out.read_bytes() == packed.tobytes()


def test_numpy_packing_layout():
    """The documented layout, spelled out for one small case (n=3, k=2, nr=2)."""
    w = np.array([[1, 2], [3, 4], [5, 6]], dtype=np.float32)  # [n][k]
    packed = pack.pack_gemm_goi(w, np.array([10, 20, 30], dtype=np.float32), 2)
    assert packed.tolist() == [10, 20, 1, 3, 2, 4, 30, 0, 5, 0, 6, 0]
    assert pack.pack_gemm_gio(w.T, None, 2).tolist() == [0, 0, 1, 3, 2, 4, 0, 0, 5, 0, 6, 0]


def test_generated_files_are_up_to_date():
    proc = subprocess.run([sys.executable, str(XNN / "tools" / "generate.py"), "--check"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_generator_is_deterministic():
    assert generate.expected_outputs() == generate.expected_outputs()


def test_registry_matches_gen_files_header_and_build():
    build = harness.check_generated_family(generate.read_gemm_registry(), generate.expected_outputs(), "f32-gemm",
                                           "MRxNRv-rvv.c.in", "gemm.h",
                                           "RVPACK_DECLARE_F32_GEMM_MINMAX_UKERNEL_FUNCTION",
                                           r"rvpack_f32_gemm_minmax_ukernel_\d+x[1248]v__rvv")
    # BUILD.bazel also names the other sources this test compiles.
    for src in library_sources():
        if src.parent.name != "gen":
            assert f'"{src.relative_to(XNN).as_posix()}"' in build or f'"{src.parent.relative_to(XNN).as_posix()}/*.c"' in build


def test_registry_errors_are_reported(tmp_path):
    bad = tmp_path / "f32-gemm.inc"
    bad.write_text("RVPACK_UKERNEL(8, 4, rvpack_f32_gemm_minmax_ukernel_8x4v__rvv)\n")
    with pytest.raises(generate.GenerateError, match="need 36 vector registers"):
        generate.read_gemm_registry(bad)
    bad.write_text("RVPACK_UKERNEL(4, 2, rvpack_f32_gemm_minmax_ukernel_4x1v__rvv)\n")
    with pytest.raises(generate.GenerateError, match="the name must be rvpack_f32_gemm_minmax_ukernel_4x2v__rvv"):
        generate.read_gemm_registry(bad)
    bad.write_text("RVPACK_UKERNEL(4, 3, rvpack_f32_gemm_minmax_ukernel_4x3v__rvv)\n")
    with pytest.raises(generate.GenerateError, match="LMUL 3"):
        generate.read_gemm_registry(bad)


def test_kernels_do_not_spill_vector_registers(tmp_path):
    """The MR/LMUL choices are meant to keep every accumulator in a register:
    no vector register may be spilled to the stack (vs<n>r.v / vl<n>re)."""
    spills = {}
    for src in sorted((XNN / "src" / "f32-gemm" / "gen").glob("*.c")):
        text = harness.kernel_assembly(src, tmp_path)
        assert "vfmacc.vf" in text
        if harness.vector_spills(text):
            spills[src.name] = harness.vector_spills(text)
    assert not spills
