"""Runs a bundle's runner program here: natively (host target) or under QEMU
user mode (RISC-V targets)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rvpack.sdk.bundle import Bundle
from rvpack.sdk.bundle.compat import check_compatible, choose_vlen, emulated_machine
from rvpack.sdk.errors import InputError, RunError, ToolMissingError

@dataclass
class LayerTime:
    index: int
    name: str
    op: str
    microseconds: float


@dataclass
class RunResult:
    outputs: list[np.ndarray]
    layers: list[LayerTime]
    total_us: float  # as measured inside the program (emulated time under QEMU)
    wall_seconds: float  # of the whole process, emulator included
    command: list[str] = field(default_factory=list)
    emulated: bool = True


def qemu_command(bundle: Bundle, vlen: int | None) -> list[str]:
    """The command prefix that executes the bundle's ELF here (empty: natively),
    from the emulator its manifest names, after the compatibility check."""
    spec = bundle.manifest.target_spec
    emulator = spec.emulator
    if emulator is None:
        choose_vlen(spec, vlen)  # a bundle without vectors refuses --vlen
        return []
    vlen = choose_vlen(spec, vlen, emulator.max_vlen)
    check_compatible(spec, bundle.name, emulated_machine(spec, emulator.executable, vlen))
    exe = shutil.which(emulator.executable)
    if exe is None:
        raise ToolMissingError(f"{emulator.executable} not found (needed to run {spec.name} bundles)",
                               hint=emulator.install_hint)
    cpu = emulator.cpu + (f",{emulator.vlen_option}={vlen}" if vlen and emulator.vlen_option else "")
    return [exe, "-cpu", cpu]


def run_local(bundle: Bundle, inputs: list[np.ndarray], *, vlen: int | None = None, repeat: int = 1,
              timeout: float | None = None, steps: int = 1) -> RunResult:
    """Runs the bundle's runner under QEMU. With steps > 1 every input has a
    leading dimension of `steps` and so has every output: the model runs
    that many times in sequence, its state (streaming models) carried."""
    prefix = qemu_command(bundle, vlen)
    with tempfile.TemporaryDirectory(prefix="rvpack-run-") as tmp:
        work = Path(tmp)
        cmd = prefix + [str(bundle.runner)]
        for k, value in enumerate(inputs):
            path = work / f"input_{k}.npy"
            np.save(path, value)
            cmd += ["-i", str(path)]
        cmd += ["-o", str(work), "-r", str(repeat)] + (["-s", str(steps)] if steps > 1 else [])
        t0 = time.monotonic()
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as e:
            raise RunError(f"{bundle.name}: the run did not finish within {timeout:.0f} s",
                           hint="raise --timeout, or use a smaller input") from e
        wall = time.monotonic() - t0
        _check_exit(bundle, proc)
        outputs = []
        for k, spec in enumerate(bundle.manifest.outputs):
            out = np.load(work / f"output_{k}.npy")
            outputs.append(out.reshape(([steps] if steps > 1 else []) + list(spec.shape)))
    layers, total = parse_profile(proc.stdout)
    return RunResult(outputs, layers, total, wall, cmd, emulated=bool(prefix))


def _check_exit(bundle: Bundle, proc: subprocess.CompletedProcess) -> None:
    if proc.returncode == 0:
        return
    message = (proc.stderr.strip().splitlines() or [""])[-1].removeprefix("error: ")
    if proc.returncode == 2:
        raise InputError(f"{bundle.name}: {message}")
    if proc.returncode < 0 or proc.returncode > 128:
        signal = -proc.returncode if proc.returncode < 0 else proc.returncode - 128
        hint = "an illegal instruction means the CPU (or emulator) lacks an extension the bundle needs" if signal == 4 else ""
        raise RunError(f"{bundle.name}: the runner was killed by signal {signal} {message}".strip(), hint=hint)
    raise RunError(f"{bundle.name}: the runner failed (exit {proc.returncode}): {message or 'no message'}")


def parse_profile(stdout: str) -> tuple[list[LayerTime], float]:
    """Reads the runner's `layer ...` / `total_us ...` lines."""
    layers, total = [], 0.0
    for line in stdout.splitlines():
        parts = line.split()
        if len(parts) >= 5 and parts[0] == "layer":
            layers.append(LayerTime(int(parts[1]), " ".join(parts[2:-2]), parts[-2], float(parts[-1])))
        elif len(parts) == 2 and parts[0] == "total_us":
            total = float(parts[1])
    return layers, total
