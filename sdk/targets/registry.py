"""The target registry: one row per target a bundle can be built for.

A row fixes the ISA string, the compiler flags, the emulator that runs it
here, the VLEN rule and the kernel ISA (the plugin package sdk/targets/<isa>/
with its lowering rules, twins, passes and tiles). The Bazel platforms and
toolchains are generated from these rows (sdk/targets/bazelgen.py); the rest
of the SDK asks the registry and never branches on a target's name.

Targets from outside this repository come from installed Python packages
that declare an entry point in the group "rvpack.targets" whose object is a
`Plugin` (targets + kernel ISAs); see docs/ARCHITECTURE.md.
"""

from __future__ import annotations

import functools
import importlib
import importlib.metadata
from dataclasses import dataclass, field

from rvpack.sdk.bundle.target import EmulatorSpec, TargetSpec
from rvpack.sdk.errors import UnsupportedTargetError
from rvpack.sdk.targets.plugin import KernelIsa

ENTRY_POINT_GROUP = "rvpack.targets"

# The kernel ISAs of this repository: name -> module exporting KERNEL_ISA.
BUILTIN_KERNEL_ISAS = {"scalar": "rvpack.sdk.targets.scalar", "rvv": "rvpack.sdk.targets.rvv"}

QEMU = "qemu-riscv64-static"


@dataclass(frozen=True)
class Target:
    """One registry row.

    bazel_name: the target's constraint value in @rvpack//toolchains and the
        prefix of its platforms (<bazel_name>_linux, <bazel_name>_baremetal).
    cpu: @platforms//cpu value; zig_target/zig_cpu/copts: how zig cc builds
        for it (Linux; the bare-metal profile uses the same -mcpu).
    emulator: how this machine runs its Linux ELFs (None: natively).
    spike_isa: Spike's --isa ("{vlen}" replaced), None: no bare-metal profile.
    vector/min_vlen: the VLEN rule (power of two, >= min_vlen)."""

    name: str
    description: str
    isa: str
    kernel_isa: str
    bazel_name: str
    zig_cpu: str
    cpu: str = "riscv64"
    zig_target: str = "riscv64-linux-musl"
    copts: tuple[str, ...] = ()
    emulator: EmulatorSpec | None = None
    spike_isa: str | None = None
    vector: str | None = None
    min_vlen: int | None = None
    available: bool = True  # False: listed, not buildable yet (with reason)
    unavailable_reason: str = ""

    @property
    def arch(self) -> str:
        return self.zig_target.split("-")[0]

    @property
    def bazel_platform(self) -> str:
        return f"//toolchains:{self.bazel_name}_linux"

    @property
    def bazel_baremetal_platform(self) -> str | None:
        return f"//toolchains:{self.bazel_name}_baremetal" if self.spike_isa else None

    def spec(self) -> TargetSpec:
        """What a bundle of this target records in its manifest."""
        return TargetSpec(name=self.name, isa=self.isa, kernel_isa=self.kernel_isa, arch=self.arch,
                          vector=self.vector, min_vlen=self.min_vlen, emulator=self.emulator,
                          spike_isa=self.spike_isa)


@dataclass(frozen=True)
class Plugin:
    """What an installed plugin package adds (its "rvpack.targets" entry point)."""

    targets: tuple[Target, ...]
    kernel_isas: tuple[KernelIsa, ...] = ()


BUILTIN_TARGETS: tuple[Target, ...] = (
    Target(
        name="rv64gc",
        description="RV64GC scalar baseline, portable C kernels",
        isa="rv64imafdc",
        kernel_isa="scalar",
        bazel_name="rv64gc",
        zig_cpu="baseline_rv64",
        emulator=EmulatorSpec(QEMU, "rv64"),
        spike_isa="rv64gc",
    ),
    Target(
        name="host",
        description="x86_64 Linux, for fast tests of the C runtime",
        isa="x86_64",
        kernel_isa="scalar",
        bazel_name="host",
        cpu="x86_64",
        zig_target="x86_64-linux-musl",
        zig_cpu="baseline",
    ),
    Target(
        name="rvv1.0",
        description="RV64GCV, RISC-V Vector 1.0 (VLEN-agnostic)",
        isa="rv64imafdcv",
        kernel_isa="rvv",
        bazel_name="rvv1_0",
        zig_cpu="baseline_rv64+v",
        emulator=EmulatorSpec(QEMU, "rv64,v=true,vext_spec=v1.0,elen=64", vlen_option="vlen"),
        spike_isa="rv64gcv_zvl{vlen}b",
        vector="rvv1.0",
        min_vlen=128,
    ),
    Target(
        name="rvv0.7.1",
        description="RV64GC + XTheadVector (T-Head C906/C910)",
        isa="rv64imafdc_xtheadvector",
        kernel_isa="xtheadv",
        bazel_name="rvv0_7_1",
        zig_cpu="baseline_rv64",
        vector="xtheadvector",
        min_vlen=128,
        available=False,
        unavailable_reason="no XTheadVector toolchain or emulator yet (see docs/ROADMAP.md)",
    ),
    Target(
        name="rvp",
        description="RV64GC + P (packed SIMD) extension",
        isa="rv64imafdcp",
        kernel_isa="rvp",
        bazel_name="rvp",
        zig_cpu="baseline_rv64",
        available=False,
        unavailable_reason="no P-extension kernels or emulator yet (see docs/ROADMAP.md)",
    ),
)


@dataclass(frozen=True)
class Registry:
    """Targets and kernel ISAs by name."""

    targets: dict[str, Target] = field(default_factory=dict)
    kernel_isas: dict[str, KernelIsa] = field(default_factory=dict)

    def with_plugin(self, plugin: Plugin) -> "Registry":
        """A registry with the plugin's targets and kernel ISAs added (a name
        already taken is an error, never a silent replacement)."""
        targets, isas = dict(self.targets), dict(self.kernel_isas)
        for isa in plugin.kernel_isas:
            if isa.name in isas or isa.name in BUILTIN_KERNEL_ISAS:
                raise UnsupportedTargetError(f"kernel ISA '{isa.name}' is defined twice")
            isas[isa.name] = isa
        for t in plugin.targets:
            if t.name in targets:
                raise UnsupportedTargetError(f"target '{t.name}' is defined twice")
            if t.kernel_isa not in isas and t.kernel_isa not in BUILTIN_KERNEL_ISAS:
                raise UnsupportedTargetError(f"target '{t.name}' names an unknown kernel ISA '{t.kernel_isa}'")
            targets[t.name] = t
        return Registry(targets, isas)

    def target(self, name: str) -> Target:
        """The buildable target called `name`, or a clear error."""
        target = self.targets.get(name)
        if target is None:
            raise UnsupportedTargetError(
                f"unknown target '{name}'",
                hint="choose one of: " + ", ".join(t for t in self.targets if self.targets[t].available)
                + " (`rvpack targets` lists them)",
            )
        if not target.available:
            raise UnsupportedTargetError(f"target '{name}' is not available: {target.unavailable_reason}",
                                         hint="use --target rv64gc or rvv1.0 for now")
        return target

    def kernel_isa(self, name: str) -> KernelIsa:
        if name in self.kernel_isas:
            return self.kernel_isas[name]
        if name in BUILTIN_KERNEL_ISAS:
            isa: KernelIsa = importlib.import_module(BUILTIN_KERNEL_ISAS[name]).KERNEL_ISA
            return isa
        raise UnsupportedTargetError(f"unknown kernel ISA '{name}'")


def builtin_registry() -> Registry:
    """The targets of this repository only (what the checked-in Bazel files describe)."""
    return Registry({t.name: t for t in BUILTIN_TARGETS})


@functools.cache
def registry() -> Registry:
    """The built-in targets plus those of installed plugins (entry points)."""
    reg = builtin_registry()
    for ep in sorted(importlib.metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        try:
            plugin = ep.load()
        except Exception as e:  # a broken plugin must not break rvpack: name it
            raise UnsupportedTargetError(f"target plugin '{ep.name}' ({ep.value}) failed to load: "
                                         f"{type(e).__name__}: {e}", hint="fix or uninstall that package") from e
        if not isinstance(plugin, Plugin):
            raise UnsupportedTargetError(f"target plugin '{ep.name}' ({ep.value}) is not an rvpack Plugin")
        reg = reg.with_plugin(plugin)
    return reg


def get_target(name: str) -> Target:
    return registry().target(name)


def kernel_isa_of(target: Target) -> KernelIsa:
    return registry().kernel_isa(target.kernel_isa)
