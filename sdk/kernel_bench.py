"""The GEMM kernel report: a 256x256x256 GEMM with every microkernel of a
kernel ISA's GEMM bench (for rvv: third_party/xnnpack_rvv/bench/
f32-gemm-bench.c, f32-gemm, f32-convgemm and the int8 qs8-convgemm), built for the bare-metal
profile and run on Spike, which checks every kernel bit-exactly against its
scalar reference before counting it:
  - exact retired instructions per kernel, and its instruction mix (the
    profile extension, runners/spike_profile.py) with the modelled cycles of
    each core model (targets/cores.py): MACs per cycle, fraction of peak;
  - each f32-convgemm kernel's inner loop through llvm-mca (Debian's
    llvm-19) with the sifive-x280 and sifive-p670 scheduling models: cycles
    per iteration and fraction of their FMA peak.

    python -m rvpack.sdk.kernel_bench [VLEN ...]
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from rvpack.sdk.errors import RunError, ToolMissingError, UnsupportedTargetError
from rvpack.sdk.runners.mix import SCALAR, InstructionMix
from rvpack.sdk.targets import Target, kernel_isa_of, registry
from rvpack.sdk.targets.cores import CORE_MODELS, CoreModel

GEMM_M = GEMM_N = GEMM_K = 256
GEMM_MACS = GEMM_M * GEMM_N * GEMM_K

_HEADER_RE = re.compile(r"^gemm-bench m (\d+) n (\d+) k (\d+) counter (\w+)$")
_LINE_RE = re.compile(r"^(f32-gemm|f32-convgemm|qs8-convgemm) (\w+) mr (\d+) lmul (\d+) nr (\d+) count (\d+)$")
_SUMMARY_RE = re.compile(r"^checked (\d+) failed (\d+)$")


@dataclass(frozen=True)
class GemmCount:
    family: str  # "f32-gemm" (packed B), "f32-convgemm" (packed A blocks, unpacked B) or "qs8-convgemm" (int8)
    kernel: str
    mr: int
    lmul: int
    nr: int  # NR at the VLEN it ran: LMUL * VLEN / 32
    instructions: int
    vlen: int = 0
    mix: InstructionMix | None = field(default=None, compare=False)

    @property
    def macs_per_instruction(self) -> float:
        return GEMM_MACS / self.instructions

    def cycles(self, core: CoreModel) -> float:
        if self.mix is None:
            raise RunError(f"{self.kernel}: no instruction mix (run the bench with the profile)")
        return self.mix.cycles(core, self.vlen)

    def macs_per_cycle(self, core: CoreModel) -> float:
        return GEMM_MACS / self.cycles(core)

    def peak_fraction(self, core: CoreModel) -> float:
        return self.macs_per_cycle(core) / core.fma_peak(self.vlen)


def bench_target(name: str, program: str, what: str) -> Target:
    """Target `name`, if its kernel ISA has the bench program `program` (a
    KernelIsa field holding a Bazel label, e.g. "gemm_bench")."""
    target = registry().target(name)
    if getattr(kernel_isa_of(target), program) is None:
        raise UnsupportedTargetError(f"target {name} has no {what}",
                                     hint="choose a target with vector kernels, e.g. rvv1.0")
    return target


def build_bench_program(target: Target, program: str) -> Path:
    from rvpack.sdk.build.bazel import build_baremetal_program

    label = getattr(kernel_isa_of(target), program)
    assert label is not None
    return build_baremetal_program(label, target)


def gemm_bench_target(name: str = "rvv1.0") -> Target:
    """The target whose kernel ISA's GEMM bench runs (KernelIsa.gemm_bench)."""
    return bench_target(name, "gemm_bench", "GEMM benchmark")


def build_gemm_bench(target: Target | None = None) -> Path:
    return build_bench_program(target or gemm_bench_target(), "gemm_bench")


def parse_gemm_bench(stdout: str, vlen: int = 0) -> list[GemmCount]:
    lines = stdout.splitlines()
    header = _HEADER_RE.match(lines[0]) if lines else None
    if header is None or header[4] != "instret":
        raise RunError(f"the GEMM bench printed an unexpected header: {lines[:1]}")
    summary = _SUMMARY_RE.match(lines[-1])
    if summary is None or int(summary[2]) != 0:
        mismatches = [line for line in lines if line.startswith("MISMATCH")]
        raise RunError("the GEMM bench failed its reference check: " + (", ".join(mismatches) or lines[-1]))
    counts = [GemmCount(m[1], m[2], int(m[3]), int(m[4]), int(m[5]), int(m[6]), vlen)
              for m in map(_LINE_RE.match, lines) if m is not None]
    if len(counts) != int(summary[1]):
        raise RunError(f"the GEMM bench checked {summary[1]} kernels but reported {len(counts)}")
    return counts


def run_gemm_bench(vlen: int, elf: Path | None = None, timeout: float = 1800.0,
                   target: Target | None = None, profile: bool = True) -> list[GemmCount]:
    """Counts every GEMM kernel at `vlen` on Spike (builds the program if elf
    is None); with `profile`, each count carries its instruction mix."""
    target = target or gemm_bench_target()
    elf = elf or build_gemm_bench(target)
    stdout, mixes = run_counting_program(elf, target, vlen, timeout, profile)
    counts = parse_gemm_bench(stdout, vlen)
    return [dataclasses.replace(c, mix=mix)
            for c, mix in zip(counts, matched_mixes(counts, mixes, "the GEMM bench"))]


def run_counting_program(elf: Path, target: Target, vlen: int, timeout: float = 1800.0,
                         profile: bool = True) -> tuple[str, list[InstructionMix] | None]:
    """Runs a bare-metal bench that brackets each counted run with the fused
    counter reads + profile markers (runtime/baremetal/spike_profile.cc) on
    Spike at `vlen`: its stdout and, with `profile`, the instruction mix of
    each counted run, in order (None without)."""
    from rvpack.sdk.runners import spike, spike_profile

    isa = spike.isa_for(target.spec(), vlen)
    if not profile:
        stdout, _, _ = spike.run_program(elf, isa, timeout)
        return stdout, None
    with tempfile.TemporaryDirectory(prefix="rvpack-bench-profile-") as tmp:
        out = Path(tmp) / "profile.txt"
        stdout, _, _ = spike.run_program(elf, isa, timeout,
                                         extra=spike_profile.spike_arguments(spike.spike_executable().parents[2]),
                                         env={"RVPACK_SPIKE_PROFILE": str(out)})
        windows = spike_profile.parse_profile(out.read_text(), elf.name)
    # Two markers per counted run: the window ending at the second is the
    # counted run minus the counter read and that marker (2 scalar instructions).
    if len(windows) % 2:
        raise RunError(f"{elf.name}: the profile has an odd number of windows ({len(windows)})")
    image = spike_profile.ElfImage(elf)
    mixes = []
    for window in windows[1::2]:
        mix = spike_profile.window_mix(window, image)
        mix.add_scalar(SCALAR, 2)
        mixes.append(mix)
    return stdout, mixes


def matched_mixes(counts: list, mixes: list[InstructionMix] | None, what: str) -> list[InstructionMix | None]:
    """The mix of each count (each has .kernel and .instructions), checked to
    sum to it exactly; Nones without a profile."""
    if mixes is None:
        return [None] * len(counts)
    if len(mixes) != len(counts):
        raise RunError(f"{what}: the profile has {len(mixes)} counted windows for {len(counts)} kernels")
    for c, mix in zip(counts, mixes):
        if mix.total != c.instructions:
            raise RunError(f"{c.kernel}: the profile counts {mix.total} instructions, minstret {c.instructions}")
    return list(mixes)


# ---- llvm-mca ------------------------------------------------------------------
@dataclass(frozen=True)
class McaModel:
    """An LLVM scheduling model and what its FMA peak is (f32 lanes per cycle)."""

    cpu: str
    vlen: int
    fma_lanes_per_cycle: int
    description: str


MCA_MODELS = (
    McaModel("sifive-x280", 512, 8, "VLEN 512, DLEN 256, one vector FMA pipe"),
    McaModel("sifive-p670", 128, 8, "VLEN 128, two vector pipes of 128 bits"),
)


@dataclass(frozen=True)
class McaResult:
    kernel: str
    cpu: str
    cycles_per_iteration: float
    macs_per_iteration: int

    @property
    def macs_per_cycle(self) -> float:
        return self.macs_per_iteration / self.cycles_per_iteration


def llvm_mca() -> str:
    exe = shutil.which("llvm-mca-19")
    if exe is None:
        raise ToolMissingError("llvm-mca-19 not found (the kernel report's static cycle model)",
                               hint="apt-get install llvm-19 (or run toolchains/setup.sh)")
    return exe


def inner_loop(assembly: str) -> list[str]:
    """The instructions of the innermost loop clang marks (its back branch left out)."""
    lines = assembly.splitlines()
    start = next(i for i, line in enumerate(lines) if "Inner Loop Header" in line)
    body = []
    for line in lines[start + 1:]:
        insn = line.split("#", 1)[0].strip()
        if not insn or insn.endswith(":") or insn.startswith("."):
            continue
        if re.match(r"b\w*\s", insn):
            break
        body.append(insn)
    return body


def mca_convgemm(kernel_source: Path, mr: int, lmul: int, kunroll: int, copts: list[str]) -> list[McaResult]:
    """llvm-mca's steady-state cycles per iteration of a convgemm kernel's
    K loop (KUNROLL steps of MR FMAs over LMUL registers), per MCA model."""
    from rvpack.sdk.build.tools import zig_env, zig_executable

    with tempfile.TemporaryDirectory(prefix="rvpack-mca-") as tmp:
        asm = Path(tmp) / "k.s"
        include = kernel_source.parents[3] / "include"
        proc = subprocess.run([str(zig_executable()), "cc", "--target=riscv64-linux-musl", "-mcpu=baseline_rv64+v",
                               "-O2", "-g0", *copts, f"-I{include}", "-S", str(kernel_source), "-o", str(asm)],
                              capture_output=True, text=True, env=zig_env(), timeout=300)
        if proc.returncode != 0:
            raise RunError(f"compiling {kernel_source.name} for llvm-mca failed: {proc.stderr[-500:]}")
        loop = Path(tmp) / "loop.s"
        loop.write_text(f"# LLVM-MCA-RISCV-LMUL M{lmul}\n# LLVM-MCA-RISCV-SEW E32\n"
                        + "\n".join(inner_loop(asm.read_text())) + "\n")
        results = []
        for model in MCA_MODELS:
            proc = subprocess.run([llvm_mca(), "-mtriple=riscv64", f"-mcpu={model.cpu}", "-iterations=200", str(loop)],
                                  capture_output=True, text=True, timeout=300)
            m = re.search(r"Total Cycles:\s+(\d+)", proc.stdout)
            if proc.returncode != 0 or m is None:
                raise RunError(f"llvm-mca failed on {kernel_source.name}: {proc.stderr[-500:]}")
            macs = kunroll * mr * lmul * model.vlen // 32
            results.append(McaResult(kernel_source.stem, model.cpu, int(m[1]) / 200, macs))
        return results


def mca_report(target: Target | None = None) -> dict[str, list[McaResult]]:
    """llvm-mca results of every f32-convgemm kernel of the target's GEMM bench family."""
    import json

    from rvpack.sdk.resources import XNNPACK_RVV_DIR

    family = XNNPACK_RVV_DIR / "src" / "f32-convgemm"
    spec = json.loads((family / "family.json").read_text())
    kunroll = int(spec["derived"]["KUNROLL"])
    out = {}
    for tile in kernel_isa_of(target or gemm_bench_target()).tile_families[0].tiles():
        src = family / "gen" / f"f32-convgemm-{tile.mr}x{tile.lmul}v-minmax-rvv.c"
        out[tile.name] = mca_convgemm(src, tile.mr, tile.lmul, kunroll, list(spec.get("copts", [])))
    return out


def main() -> None:
    """python -m rvpack.sdk.kernel_bench [VLEN ...]: a table per VLEN, then llvm-mca."""
    from rich.console import Console
    from rich.table import Table

    console = Console(width=200)
    target = gemm_bench_target()
    elf = build_gemm_bench(target)
    for vlen in [int(v) for v in sys.argv[1:]] or [256]:
        table = Table(title=f"256x256x256 GEMM on Spike at VLEN {vlen}: exact instructions, modelled cycles",
                      title_justify="left")
        for col in ("family", "kernel", "instructions", "MACs/instr", "vector share",
                    *(f"{name} MACs/cycle (of peak)" for name in CORE_MODELS)):
            table.add_column(col, justify="left" if col in ("family", "kernel") else "right")
        for c in run_gemm_bench(vlen, elf, target=target):
            assert c.mix is not None
            table.add_row(c.family, c.kernel.removeprefix("rvpack_").removesuffix("__rvv"), f"{c.instructions:,}",
                          f"{c.macs_per_instruction:.2f}", f"{100 * c.mix.vector_total / c.mix.total:.0f}%",
                          *(f"{c.macs_per_cycle(core):.2f} ({100 * c.peak_fraction(core):.0f}%)"
                            for core in CORE_MODELS.values()))
        console.print(table)
    table = Table(title="f32-convgemm K loop through llvm-mca-19 (steady state)", title_justify="left")
    table.add_column("kernel")
    for model in MCA_MODELS:
        table.add_column(f"{model.cpu} cycles/iter", justify="right")
        table.add_column(f"{model.cpu} of FMA peak", justify="right")
    by_cpu = {m.cpu: m for m in MCA_MODELS}
    for kernel, results in mca_report(target).items():
        row = [kernel.removeprefix("rvpack_").removesuffix("__rvv")]
        for r in results:
            row += [f"{r.cycles_per_iteration:.1f}",
                    f"{100 * r.macs_per_cycle / by_cpu[r.cpu].fma_lanes_per_cycle:.0f}%"]
        table.add_row(*row)
    console.print(table)


if __name__ == "__main__":
    main()
