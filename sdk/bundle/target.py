"""What a bundle records of its target (manifest.json "target"): everything
the runners, the bench and deploy need to run it or refuse it, so that they
read the bundle, never the registry it was built from."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class EmulatorSpec:
    """How a Linux ELF of the target runs on an x86_64 machine: `executable
    -cpu <cpu>[,<vlen_option>=<VLEN>]`."""

    executable: str  # a name looked up on PATH, e.g. "qemu-riscv64-static"
    cpu: str  # the -cpu value, e.g. "rv64,v=true,vext_spec=v1.0,elen=64"
    vlen_option: str = ""  # the -cpu property that sets VLEN ("vlen"), "" without vectors
    max_vlen: int = 1024  # the largest VLEN the emulator accepts
    install_hint: str = "apt-get install qemu-user-static (or run `rvpack doctor`)"


@dataclass(frozen=True)
class TargetSpec:
    """A bundle's target as its manifest records it.

    isa: the ISA string a CPU must have ("rv64imafdcv"); vector: the vector
    extension's dialect ("rvv1.0", "xtheadvector") or None; min_vlen: the
    smallest VLEN the bundle's code is correct at (VLEN must also be a power
    of two); emulator: how this machine runs it (None: natively); spike_isa:
    Spike's --isa with "{vlen}" for the VLEN, None where Spike cannot run it."""

    name: str
    isa: str
    kernel_isa: str
    arch: str = "riscv64"  # uname -m of a machine that runs it
    vector: str | None = None
    min_vlen: int | None = None
    emulator: EmulatorSpec | None = None
    spike_isa: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @staticmethod
    def from_dict(data: dict[str, Any]) -> "TargetSpec":
        emulator = data.get("emulator")
        return TargetSpec(**{**data, "emulator": EmulatorSpec(**emulator) if emulator else None})
