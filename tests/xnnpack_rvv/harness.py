"""Shared by the xnnpack_rvv kernel tests: build one RVV test program with zig
cc, run one of its modes under QEMU at a given VLEN, check its summary line."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
XNN = REPO / "third_party" / "xnnpack_rvv"
QEMU = "qemu-riscv64-static"
VLENS = (128, 256, 512)
SUMMARY_RE = re.compile(r"^(\w+): (\d+) passed, (\d+) failed$")


def qemu_cmd(vlen: int) -> list[str]:
    return [QEMU, "-cpu", f"rv64,v=true,vext_spec=v1.0,elen=64,vlen={vlen}"]


def build_test_program(out_dir: Path, name: str, sources: list[Path], test_source: Path) -> Path:
    """Compiles the library sources + the test program for rv64gcv (skips without QEMU or zig)."""
    if shutil.which(QEMU) is None:
        pytest.skip(f"{QEMU} is not installed")
    pytest.importorskip("ziglang")
    exe = out_dir / name
    cmd = [sys.executable, "-m", "ziglang", "cc", "--target=riscv64-linux-musl", "-mcpu=baseline_rv64+v",
           "-O2", "-g0", "-std=c11", "-Wall", "-Wextra", "-Werror", "-DRVPACK_RVV_DEBUG",
           f"-I{XNN / 'include'}", f"-I{XNN / 'src'}", "-o", str(exe),
           *map(str, sources), str(test_source), "-lm"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
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
