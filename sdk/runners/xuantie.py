"""xuantie-qemu: T-Head's QEMU fork from the pinned PyPI wheel (toolchains/
toolchain-requirements.txt), user mode, the emulator that runs the P 0.9.x
(`-cpu rv64,x-p=true`) and XTheadVector instructions neither Debian's QEMU
nor Spike knows. It needs Debian's libglib2.0-0, libgnutls30 and
libgcrypt20 (toolchains/setup.sh installs them)."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from rvpack.sdk.errors import ToolMissingError

P_CPU = "rv64,x-p=true"


def xuantie_qemu() -> Path:
    """The qemu-riscv64 of the xuantie-qemu wheel (its top-level package is `qemu`)."""
    spec = importlib.util.find_spec("qemu")
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for location in locations:
        exe = Path(location) / "qemu-riscv64"
        if exe.is_file():
            if not os.access(exe, os.X_OK):
                exe.chmod(exe.stat().st_mode | 0o111)  # (some installers drop the wheel's exec bit)
            return exe
    raise ToolMissingError("xuantie-qemu (T-Head's QEMU, which runs the P extension) is not installed",
                           hint="run ./toolchains/setup.sh (it installs the pinned xuantie-qemu wheel)")
