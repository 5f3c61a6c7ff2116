"""Where rvpack's non-Python files are: the C runtime, the microkernels and
the Bazel toolchain files.

In a source checkout they are the top-level runtime/, third_party/ and
toolchains/ beside sdk/; an installed wheel ships them as package data in the
same places beside rvpack/sdk/ (pyproject.toml), so one rule finds both.
"""

from __future__ import annotations

from pathlib import Path

from rvpack.sdk.errors import ToolMissingError

# sdk/resources.py -> the directory holding sdk/, runtime/, toolchains/, third_party/.
DATA_ROOT = Path(__file__).resolve().parents[1]
RUNTIME_DIR = DATA_ROOT / "runtime"
TOOLCHAINS_DIR = DATA_ROOT / "toolchains"
XNNPACK_RVV_DIR = DATA_ROOT / "third_party" / "xnnpack_rvv"


def data_root() -> Path:
    """DATA_ROOT, checked: a clear error if the runtime or toolchain files are missing."""
    missing = [p for p in (RUNTIME_DIR / "BUILD.bazel", TOOLCHAINS_DIR / "zig" / "BUILD.bazel",
                           XNNPACK_RVV_DIR / "BUILD.bazel") if not p.is_file()]
    if missing:
        raise ToolMissingError(f"rvpack's runtime and toolchain files are missing beside its SDK "
                               f"({', '.join(str(p.relative_to(DATA_ROOT)) for p in missing)} in {DATA_ROOT})",
                               hint="reinstall rvpack (pip install --force-reinstall rvpack, or pip install -e "
                                    "<checkout>)")
    return DATA_ROOT
