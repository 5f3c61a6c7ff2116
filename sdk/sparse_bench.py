"""The column-sparse kernel report: the 64x576x3136 GEMM of a 3x3 conv (64
channels in and out, 56x56) with every dense conv-GEMM kernel and every
column-sparse one on the weights pruned to 50% (2 of every 4 K steps per
block of MR rows), as a kernel ISA's sparse bench program runs it (for rvv:
third_party/xnnpack_rvv/bench/f32-spconvgemm-bench.c) on Spike, checked
before it is counted. Per kernel: exact instructions, dense-equivalent MACs
(the dense formula, 64 * 576 * 3136) per instruction and per modelled cycle
of each core model, and the instruction ratio of the best dense kernel to it.

    python -m rvpack.sdk.sparse_bench [VLEN ...]
"""

from __future__ import annotations

import dataclasses
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from rvpack.sdk.errors import RunError
from rvpack.sdk.kernel_bench import bench_target, build_bench_program, matched_mixes, run_counting_program
from rvpack.sdk.runners.mix import InstructionMix
from rvpack.sdk.targets import Target
from rvpack.sdk.targets.cores import CORE_MODELS, CoreModel

SPARSE_M, SPARSE_K, SPARSE_N = 64, 576, 3136
DENSE_MACS = SPARSE_M * SPARSE_K * SPARSE_N

_HEADER_RE = re.compile(r"^sparse-bench m (\d+) n (\d+) k (\d+) counter (\w+)$")
_LINE_RE = re.compile(r"^(f32-convgemm|f32-spconvgemm) (\w+) mr (\d+) lmul (\d+) nr (\d+) count (\d+) kept (\d+)$")
_SUMMARY_RE = re.compile(r"^checked (\d+) failed (\d+)$")


@dataclass(frozen=True)
class SparseCount:
    family: str  # "f32-convgemm" (dense) or "f32-spconvgemm" (column-sparse)
    kernel: str
    mr: int
    lmul: int
    nr: int
    instructions: int
    kept_steps: int  # K steps over all row blocks (dense: blocks * K)
    vlen: int
    mix: InstructionMix | None = field(default=None, compare=False)

    @property
    def sparse(self) -> bool:
        return self.family == "f32-spconvgemm"

    @property
    def kept_fraction(self) -> float:
        return self.kept_steps / (-(-SPARSE_M // self.mr) * SPARSE_K)

    @property
    def macs_per_instruction(self) -> float:
        """Dense-equivalent: the dense MAC count over this kernel's instructions."""
        return DENSE_MACS / self.instructions

    def macs_per_cycle(self, core: CoreModel) -> float:
        if self.mix is None:
            raise RunError(f"{self.kernel}: no instruction mix (run the bench with the profile)")
        return DENSE_MACS / self.mix.cycles(core, self.vlen)


def sparse_bench_target(name: str = "rvv1.0") -> Target:
    return bench_target(name, "sparse_bench", "column-sparse kernels to bench")


def build_sparse_bench(target: Target | None = None) -> Path:
    return build_bench_program(target or sparse_bench_target(), "sparse_bench")


def parse_sparse_bench(stdout: str, vlen: int) -> list[SparseCount]:
    lines = stdout.splitlines()
    header = _HEADER_RE.match(lines[0]) if lines else None
    if header is None or header[4] != "instret":
        raise RunError(f"the sparse bench printed an unexpected header: {lines[:1]}")
    summary = _SUMMARY_RE.match(lines[-1])
    if summary is None or int(summary[2]) != 0:
        mismatches = [line for line in lines if line.startswith("MISMATCH")]
        raise RunError("the sparse bench failed its check: " + (", ".join(mismatches) or lines[-1]))
    counts = [SparseCount(m[1], m[2], int(m[3]), int(m[4]), int(m[5]), int(m[6]), int(m[7]), vlen)
              for m in map(_LINE_RE.match, lines) if m is not None]
    if len(counts) != int(summary[1]):
        raise RunError(f"the sparse bench checked {summary[1]} kernels but reported {len(counts)}")
    return counts


def run_sparse_bench(vlen: int, elf: Path | None = None, target: Target | None = None,
                     profile: bool = True, timeout: float = 3600.0) -> list[SparseCount]:
    target = target or sparse_bench_target()
    elf = elf or build_sparse_bench(target)
    stdout, mixes = run_counting_program(elf, target, vlen, timeout, profile)
    counts = parse_sparse_bench(stdout, vlen)
    return [dataclasses.replace(c, mix=mix)
            for c, mix in zip(counts, matched_mixes(counts, mixes, "the sparse bench"))]


def best(counts: list[SparseCount], sparse: bool) -> SparseCount:
    return min((c for c in counts if c.sparse == sparse), key=lambda c: c.instructions)


def main() -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=200)
    target = sparse_bench_target()
    elf = build_sparse_bench(target)
    for vlen in [int(v) for v in sys.argv[1:]] or [256]:
        counts = run_sparse_bench(vlen, elf, target)
        dense = best(counts, sparse=False)
        table = Table(title=f"64x576x3136 conv GEMM on Spike at VLEN {vlen}, sparse: 50% column-wise (2:4 per MR rows)"
                            f"; ratio: best dense ({dense.kernel.removeprefix('rvpack_f32_')}) / kernel",
                      title_justify="left")
        for col in ("family", "kernel", "kept", "instructions", "dense-eq MACs/instr", "ratio",
                    *(f"{name} MACs/cycle" for name in CORE_MODELS)):
            table.add_column(col, justify="left" if col in ("family", "kernel") else "right")
        for c in counts:
            table.add_row(c.family, c.kernel.removeprefix("rvpack_").removesuffix("__rvv"),
                          f"{100 * c.kept_fraction:.0f}%", f"{c.instructions:,}", f"{c.macs_per_instruction:.2f}",
                          f"{dense.instructions / c.instructions:.2f}x",
                          *(f"{c.macs_per_cycle(core):.2f}" for core in CORE_MODELS.values()))
        console.print(table)
        sparse = best(counts, sparse=True)
        console.print(f"VLEN {vlen}: best sparse {sparse.kernel} {sparse.instructions:,} instructions "
                      f"({sparse.macs_per_instruction:.2f} dense-eq MACs/instr), best dense {dense.kernel} "
                      f"{dense.instructions:,}: {dense.instructions / sparse.instructions:.2f}x fewer")


if __name__ == "__main__":
    main()
