"""The xnnpack_rvv GEMM benchmark on Spike: exact retired-instruction counts
of a 256x256x256 GEMM with every f32-gemm and f32-convgemm microkernel
(third_party/xnnpack_rvv/bench/f32-gemm-bench.c, built for the bare-metal
rvv1.0 profile). The program checks every kernel bit-exactly against its
scalar reference before counting it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rvpack.sdk.errors import RunError, UnsupportedTargetError
from rvpack.sdk.targets import Target, kernel_isa_of, registry

GEMM_M = GEMM_N = GEMM_K = 256

_HEADER_RE = re.compile(r"^gemm-bench m (\d+) n (\d+) k (\d+) counter (\w+)$")
_LINE_RE = re.compile(r"^(f32-gemm|f32-convgemm) (\w+) mr (\d+) lmul (\d+) nr (\d+) count (\d+)$")
_SUMMARY_RE = re.compile(r"^checked (\d+) failed (\d+)$")


@dataclass(frozen=True)
class GemmCount:
    family: str  # "f32-gemm" (packed B) or "f32-convgemm" (unpacked B)
    kernel: str
    mr: int
    lmul: int
    nr: int  # NR at the VLEN it ran: LMUL * VLEN / 32
    instructions: int

    @property
    def macs_per_instruction(self) -> float:
        return GEMM_M * GEMM_N * GEMM_K / self.instructions


def gemm_bench_target(name: str = "rvv1.0") -> Target:
    """The target whose kernel ISA's GEMM bench runs (KernelIsa.gemm_bench)."""
    target = registry().target(name)
    if kernel_isa_of(target).gemm_bench is None:
        raise UnsupportedTargetError(f"target {name} has no GEMM benchmark",
                                     hint="choose a target with vector kernels, e.g. rvv1.0")
    return target


def build_gemm_bench(target: Target | None = None) -> Path:
    from rvpack.sdk.build.bazel import build_baremetal_program

    target = target or gemm_bench_target()
    label = kernel_isa_of(target).gemm_bench
    assert label is not None
    return build_baremetal_program(label, target)


def parse_gemm_bench(stdout: str) -> list[GemmCount]:
    lines = stdout.splitlines()
    header = _HEADER_RE.match(lines[0]) if lines else None
    if header is None or header[4] != "instret":
        raise RunError(f"the GEMM bench printed an unexpected header: {lines[:1]}")
    summary = _SUMMARY_RE.match(lines[-1])
    if summary is None or int(summary[2]) != 0:
        mismatches = [line for line in lines if line.startswith("MISMATCH")]
        raise RunError("the GEMM bench failed its reference check: " + (", ".join(mismatches) or lines[-1]))
    counts = [GemmCount(m[1], m[2], int(m[3]), int(m[4]), int(m[5]), int(m[6]))
              for m in map(_LINE_RE.match, lines) if m is not None]
    if len(counts) != int(summary[1]):
        raise RunError(f"the GEMM bench checked {summary[1]} kernels but reported {len(counts)}")
    return counts


def run_gemm_bench(vlen: int, elf: Path | None = None, timeout: float = 1800.0,
                   target: Target | None = None) -> list[GemmCount]:
    """Counts every GEMM kernel at `vlen` on Spike (builds the program if elf is None)."""
    from rvpack.sdk.runners import spike

    target = target or gemm_bench_target()
    stdout, _, _ = spike.run_program(elf or build_gemm_bench(target), spike.isa_for(target.spec(), vlen), timeout)
    return parse_gemm_bench(stdout)


def main() -> None:
    """python -m rvpack.sdk.kernel_bench [VLEN ...]: one line per kernel."""
    import sys

    elf = build_gemm_bench()
    for vlen in [int(v) for v in sys.argv[1:]] or [256]:
        for c in run_gemm_bench(vlen, elf):
            print(f"VLEN {vlen} {c.family:12} {c.kernel:45} {c.instructions:>10} instructions "
                  f"{c.macs_per_instruction:6.2f} MACs/instr")


if __name__ == "__main__":
    main()
