"""Can this machine run this bundle? One check for every place a bundle runs:
QEMU here (`rvpack run`), QEMU in Docker, Spike (`rvpack bench`) and a board
over ssh (`rvpack deploy`). It reads only the bundle's manifest (TargetSpec)
and what the machine offers, and refuses with one message that names both,
instead of an illegal-instruction crash.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rvpack.sdk.bundle.target import TargetSpec
from rvpack.sdk.errors import UnsupportedTargetError

VECTOR_NAMES = {"rvv1.0": "RVV 1.0", "xtheadvector": "RVV 0.7.1 (XTheadVector)"}


class IncompatibleError(UnsupportedTargetError):
    """The machine (emulator or board) cannot run the bundle."""


@dataclass
class Isa:
    """An ISA string split up: base ("rv64"), single-letter and multi-letter extensions."""

    base: str
    letters: set[str]
    multi: set[str]

    @staticmethod
    def parse(text: str) -> "Isa":
        s = text.strip().lower()
        m = re.match(r"(rv32|rv64|rv128)([a-z]*)", s)
        if not m:
            return Isa(s, set(), set())
        letters, multi = set(), set()
        single, *rest = (m.group(2) + s[m.end():]).split("_")
        for i, ch in enumerate(single):
            if ch in "zx":  # a multi-letter extension written without "_"
                rest.insert(0, single[i:])
                break
            if ch not in "su":  # old kernels print the privilege modes: rv64imafdcsu
                letters.add(ch)
        if "g" in letters:
            letters |= set("imafd")
            multi |= {"zicsr", "zifencei"}
            letters.discard("g")
        multi |= {r for r in rest if r}
        return Isa(m.group(1), letters, multi)

    def __str__(self) -> str:
        order = "imafdqlcbkjtpvh"
        letters = "".join(c for c in order if c in self.letters) + "".join(sorted(self.letters - set(order)))
        return self.base + letters + "".join("_" + x for x in sorted(self.multi))


@dataclass
class Machine:
    """What a machine offers a bundle. vector: "none", "unknown" or a
    TargetSpec.vector value; vlen None where unknown or without vectors."""

    description: str  # "board 'k1' (riscv64, rv64imafdcv, RVV 1.0 VLEN=256)", "QEMU (...)"
    arch: str
    isa: str
    vector: str
    vlen: int | None
    emulated: bool = False  # the VLEN was chosen by us (--vlen), not measured


def requirement(spec: TargetSpec) -> str:
    """'rvv1.0 (rv64imafdcv, VLEN >= 128)'."""
    return f"{spec.name} ({spec.isa}" + (f", VLEN >= {spec.min_vlen}" if spec.min_vlen else "") + ")"


def choose_vlen(spec: TargetSpec, vlen: int | None, max_vlen: int | None = None,
                option: str = "--vlen") -> int | None:
    """The VLEN an emulator runs the bundle at: `vlen` (the user's option),
    else the bundle's minimum; None for bundles without vectors. Refuses a
    VLEN the bundle's code or the emulator does not support."""
    if spec.min_vlen is None:
        if vlen is not None:
            raise IncompatibleError(f"{option} {vlen}: target {spec.name} has no vector unit",
                                    hint=f"drop {option} for this bundle")
        return None
    if vlen is None:
        return spec.min_vlen
    largest = max_vlen or vlen
    if vlen <= 0 or vlen & (vlen - 1) or vlen > largest:
        choices = [v for v in (128, 256, 512, 1024, 2048, 4096) if spec.min_vlen <= v <= largest]
        raise IncompatibleError(f"{option} {vlen} is not supported",
                                hint="choose one of " + ", ".join(map(str, choices)))
    if vlen < spec.min_vlen:
        raise IncompatibleError(f"{option} {vlen} is below the bundle's minimum VLEN {spec.min_vlen}",
                                hint=f"run with {option} {spec.min_vlen} or more")
    return vlen


def emulated_machine(spec: TargetSpec, name: str, vlen: int | None) -> Machine:
    """The machine an emulator configured for the bundle's target offers."""
    what = f"{name} emulating {spec.name}" + (f" at VLEN={vlen}" if vlen else "")
    return Machine(what, spec.arch, spec.isa, spec.vector or "none", vlen, emulated=True)


def check_compatible(spec: TargetSpec, bundle_name: str, machine: Machine) -> None:
    """Refuses, with one clear message, a bundle the machine cannot run."""
    needs = requirement(spec)
    where = machine.description
    rebuild = "rebuild it with --target rv64gc, or run it on a machine that has it"
    if machine.arch != spec.arch:
        hint = ("set run_prefix in the board's profile to run it under an emulator (e.g. "
                '"qemu-riscv64-static -cpu rv64")' if spec.arch.startswith("riscv") else "")
        raise IncompatibleError(f"{where} cannot run {bundle_name}: it needs a {spec.arch} Linux machine, "
                                f"this one is {machine.arch}", hint=hint)
    if not spec.arch.startswith("riscv"):
        return
    need, have = Isa.parse(spec.isa), Isa.parse(machine.isa)
    if spec.vector is not None and machine.vector != spec.vector:
        wanted = VECTOR_NAMES.get(spec.vector, spec.vector)
        if machine.vector in VECTOR_NAMES:
            what = f"the vector unit is {VECTOR_NAMES[machine.vector]}"
        elif machine.vector == "none":
            what = "it has no vector unit"
        else:
            what = f"it has no usable {wanted} vector unit"
        raise IncompatibleError(f"{where} cannot run {bundle_name}: {what}, the bundle needs {wanted}: {needs}",
                                hint=rebuild)
    vector_exts = {"v"} if spec.vector == "rvv1.0" else set()
    missing = sorted(need.letters - have.letters - vector_exts) + sorted(
        need.multi - have.multi - {"xtheadvector", "zicsr", "zifencei"})
    if missing:
        raise IncompatibleError(f"{where} cannot run {bundle_name}: it lacks extension(s) {', '.join(missing)}; "
                                f"the bundle needs {needs}", hint=rebuild)
    if spec.min_vlen and spec.vector is not None:
        if machine.vlen is None:
            raise IncompatibleError(f"{where}: cannot tell its VLEN; {bundle_name} needs VLEN >= {spec.min_vlen}",
                                    hint="set vlen = N in the board's profile (or pass --vlen)")
        if machine.vlen < spec.min_vlen:
            raise IncompatibleError(f"{where} cannot run {bundle_name}: VLEN={machine.vlen} is below the bundle's "
                                    f"minimum VLEN {spec.min_vlen}",
                                    hint=f"build for VLEN {machine.vlen}, or use a machine with longer vectors")
