"""Target registry: one entry per target a bundle can be built for.

A target fixes the ISA string, the zig/clang flags, the Bazel platform and the
emulator that runs it here. Everything target-specific lives in this table;
the rest of the SDK asks the registry instead of branching on names.
"""

from __future__ import annotations

from dataclasses import dataclass

from rvpack.sdk.errors import UnsupportedTargetError


@dataclass(frozen=True)
class Target:
    name: str
    description: str
    isa: str
    bazel_platform: str  # label inside the @rvpack repository
    zig_target: str  # zig cc --target=
    zig_cpu: str  # zig cc -mcpu=
    kernel_isa: str  # the ISA tag of the kernels it uses: scalar, rvv, ...
    emulator: str | None  # executable that runs its Linux ELF here (None: native)
    qemu_cpu: str | None  # qemu -cpu value
    min_vlen: int | None  # bits; None for targets without vectors
    available: bool = True  # False: listed, not buildable yet (with reason)
    unavailable_reason: str = ""
    # Bare-metal build of the same ISA (label in @rvpack) for the Spike bench;
    # None: no bare-metal profile.
    bazel_baremetal_platform: str | None = None


TARGETS: dict[str, Target] = {
    t.name: t
    for t in [
        Target(
            name="rv64gc",
            description="RV64GC scalar baseline, portable C kernels",
            isa="rv64imafdc",
            bazel_platform="//toolchains:rv64gc_linux",
            bazel_baremetal_platform="//toolchains:rv64gc_baremetal",
            zig_target="riscv64-linux-musl",
            zig_cpu="baseline_rv64",
            kernel_isa="scalar",
            emulator="qemu-riscv64-static",
            qemu_cpu="rv64",
            min_vlen=None,
        ),
        Target(
            name="host",
            description="x86_64 Linux, for fast tests of the C runtime",
            isa="x86_64",
            bazel_platform="//toolchains:host_linux",
            zig_target="x86_64-linux-musl",
            zig_cpu="baseline",
            kernel_isa="scalar",
            emulator=None,
            qemu_cpu=None,
            min_vlen=None,
        ),
        Target(
            name="rvv1.0",
            description="RV64GCV, RISC-V Vector 1.0 (VLEN-agnostic)",
            isa="rv64imafdcv",
            bazel_platform="//toolchains:rvv1_0_linux",
            bazel_baremetal_platform="//toolchains:rvv1_0_baremetal",
            zig_target="riscv64-linux-musl",
            zig_cpu="baseline_rv64+v",
            kernel_isa="rvv",
            emulator="qemu-riscv64-static",
            qemu_cpu="rv64,v=true,vext_spec=v1.0,elen=64",
            min_vlen=128,
        ),
        Target(
            name="rvv0.7.1",
            description="RV64GC + XTheadVector (T-Head C906/C910)",
            isa="rv64imafdc_xtheadvector",
            bazel_platform="//toolchains:rvv0_7_1_linux",
            zig_target="riscv64-linux-musl",
            zig_cpu="baseline_rv64",
            kernel_isa="xtheadv",
            emulator=None,
            qemu_cpu=None,
            min_vlen=128,
            available=False,
            unavailable_reason="no XTheadVector toolchain or emulator yet (see docs/ROADMAP.md)",
        ),
        Target(
            name="rvp",
            description="RV64GC + P (packed SIMD) extension",
            isa="rv64imafdcp",
            bazel_platform="//toolchains:rvp_linux",
            zig_target="riscv64-linux-musl",
            zig_cpu="baseline_rv64",
            kernel_isa="rvp",
            emulator=None,
            qemu_cpu=None,
            min_vlen=None,
            available=False,
            unavailable_reason="no P-extension kernels or emulator yet (see docs/ROADMAP.md)",
        ),
    ]
}


def get_target(name: str) -> Target:
    """Returns the buildable target called `name`, or raises a clear error."""
    target = TARGETS.get(name)
    if target is None:
        raise UnsupportedTargetError(
            f"unknown target '{name}'",
            hint="choose one of: " + ", ".join(t for t in TARGETS if TARGETS[t].available)
            + " (`rvpack targets` lists them)",
        )
    if not target.available:
        raise UnsupportedTargetError(
            f"target '{name}' is not available: {target.unavailable_reason}",
            hint="use --target rv64gc for now",
        )
    return target
