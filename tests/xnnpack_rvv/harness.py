"""Shared by the xnnpack_rvv kernel tests: build one RVV test program with zig
cc, run one of its modes under QEMU at a given VLEN, check its summary line."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
XNN = REPO / "third_party" / "xnnpack_rvv"
TEST_UTIL_DIR = Path(__file__).resolve().parent  # rvv_test_util.h
QEMU = "qemu-riscv64-static"
VLENS = (128, 256, 512)
SUMMARY_RE = re.compile(r"^(\w+): (\d+) passed, (\d+) failed$")


def qemu_cmd(vlen: int) -> list[str]:
    """QEMU at `vlen`, filling tail- and mask-agnostic elements with ones
    (NaN for f32): a kernel that relies on elements it did not ask to keep
    undisturbed fails instead of passing by luck."""
    return [QEMU, "-cpu", f"rv64,v=true,vext_spec=v1.0,elen=64,vlen={vlen},rvv_ta_all_1s=true,rvv_ma_all_1s=true"]


def family_copts(src: Path) -> list[str]:
    """The extra compiler options of a generated kernel's family (family.json
    "copts", which BUILD.bazel passes too); none for other sources."""
    family = src.parent.parent if src.parent.name == "gen" else src.parent
    spec = family / "family.json"
    return list(json.loads(spec.read_text()).get("copts", [])) if spec.is_file() else []


def build_test_program(out_dir: Path, name: str, sources: list[Path], test_source: Path,
                       includes: tuple[Path, ...] = ()) -> Path:
    """Compiles the library sources (each with its family's copts) + the test
    program for rv64gcv (skips without QEMU or zig). xnnpack_rvv's include/
    and src/ and this directory (rvv_test_util.h, the helpers the test programs
    share) are always on the include path; `includes` adds more (e.g.
    runtime/include)."""
    if shutil.which(QEMU) is None:
        pytest.skip(f"{QEMU} is not installed")
    pytest.importorskip("ziglang")
    exe = out_dir / name
    base = [sys.executable, "-m", "ziglang", "cc", "--target=riscv64-linux-musl", "-mcpu=baseline_rv64+v",
            "-O2", "-g0", "-std=c11", "-Wall", "-Wextra", "-Werror", "-DRVPACK_RVV_DEBUG",
            f"-I{XNN / 'include'}", f"-I{XNN / 'src'}", f"-I{TEST_UTIL_DIR}", *(f"-I{d}" for d in includes)]
    objects = []
    for i, src in enumerate([*sources, test_source]):
        obj = out_dir / f"{i}-{src.stem}.o"
        proc = subprocess.run([*base, *family_copts(src), "-c", str(src), "-o", str(obj)], capture_output=True,
                              text=True, timeout=600)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        objects.append(str(obj))
    proc = subprocess.run([*base, "-o", str(exe), *objects, "-lm"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return exe


def run_mode(exe: Path, vlen: int, mode: str) -> list[str]:
    """Runs `exe mode` at `vlen`; asserts the program saw that VLEN, ran cases
    and reported no failure. Returns its output lines."""
    proc = subprocess.run([*qemu_cmd(vlen), str(exe), mode], capture_output=True, text=True, timeout=300)
    lines = proc.stdout.splitlines()
    assert lines and lines[0] == f"vlenb {vlen // 8}", proc.stdout[:2000] + proc.stderr
    summary = SUMMARY_RE.match(lines[-1])
    assert summary is not None, proc.stdout[-4000:] + proc.stderr
    failures = "\n".join(line for line in lines if line.startswith("FAIL") or line.startswith("("))
    assert summary[1] == mode and int(summary[3]) == 0 and proc.returncode == 0, failures + "\n" + lines[-1]
    assert int(summary[2]) > 0
    return lines


def check_generated_family(ukernels: list, generated: Iterable[Path], family: str, template: str, header: str,
                           declare_macro: str, name_re: str, declared_first: tuple[str, ...] = ()) -> str:
    """One family's registry, gen/ files, generated header and BUILD.bazel glob
    agree, and the generator writes them all (ukernels: the registry as the
    generator reads it; generated: the paths it writes). Returns the
    BUILD.bazel text for the family's own checks."""
    gen = XNN / "src" / family / "gen"
    assert {uk.gen_file for uk in ukernels} == {p.name for p in gen.glob("*.c")}
    written = set(generated)
    assert XNN / "include" / "rvpack_rvv" / header in written
    assert all(gen / uk.gen_file in written for uk in ukernels)
    for uk in ukernels:
        text = (gen / uk.gen_file).read_text()
        assert text.startswith("// Auto-generated file. Do not edit!\n")
        assert f"Template: third_party/xnnpack_rvv/src/{family}/{template}" in text
        assert "Generator: python third_party/xnnpack_rvv/tools/generate.py" in text
        assert f"void {uk.name}(" in text
        assert re.fullmatch(name_re, uk.name), uk.name
    text = (XNN / "include" / "rvpack_rvv" / header).read_text()
    assert text.startswith("// Auto-generated file. Do not edit!\n")
    declared = re.findall(rf"^{declare_macro}\((\w+)\)$", text, re.M)
    assert declared == list(declared_first) + [uk.name for uk in ukernels]
    build = (XNN / "BUILD.bazel").read_text()
    assert f'"src/{family}/gen/*.c"' in build
    return build


def kernel_assembly(src: Path, out_dir: Path) -> str:
    """The RVV assembly clang makes of one kernel source (-O2, as the build does)."""
    pytest.importorskip("ziglang")
    asm = out_dir / (src.stem + ".s")
    proc = subprocess.run([sys.executable, "-m", "ziglang", "cc", "--target=riscv64-linux-musl",
                           "-mcpu=baseline_rv64+v", "-O2", "-g0", "-std=c11", "-Wno-unused-command-line-argument",
                           *family_copts(src), f"-I{XNN / 'include'}", "-S", str(src), "-o", str(asm)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return asm.read_text()


def vector_spills(assembly: str) -> list[str]:
    """Whole-register stores/loads (vs<n>r.v / vl<n>re): vector registers spilled to the stack."""
    return re.findall(r"^\s*(vs[1248]r\.v|vl[1248]re\d+\.v)\b.*$", assembly, re.M)


def check_every_kernel_ran(lines: list[str], variant_re: re.Pattern, expected: dict[str, tuple[int, ...]]) -> None:
    """The program reported every kernel of the registry (one `variant NAME
    <params...> cases C failed F` line each, matched by variant_re), with the
    expected parameters (NR = LMUL * VLEN / 32 among them) and some cases."""
    ran = {m[1]: tuple(int(x) for x in m.groups()[1:]) for m in map(variant_re.match, lines) if m is not None}
    width = len(next(iter(expected.values())))
    assert {name: v[:width] for name, v in ran.items()} == expected
    assert all(v[width] > 0 for v in ran.values())
