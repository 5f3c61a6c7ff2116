"""Generates toolchains/BUILD.bazel (platforms, constraints, zig cc
toolchains, the bare-metal compiler-rt) from the target registry:

    python -m rvpack.sdk.targets.bazelgen          # rewrite toolchains/BUILD.bazel
    python -m rvpack.sdk.targets.bazelgen --check  # exit 1 if it is stale

The checked-in file describes the built-in targets (for Bazel runs inside the
checkout); the bundle workspace gets the same text generated from the live
registry, installed plugins included (sdk/build/workspace.py).

Per target (a registry row, see registry.Target):
  constraint_value <bazel_name>            of the setting :isa (the target)
  constraint_value kernel_isa_<kernel ISA> of the setting :kernel_isa
  platform <bazel_name>_linux              cpu + linux + both values
  platform <bazel_name>_baremetal          cpu + none + both values (targets with a Spike profile)
  zig_cc_toolchain for each platform       zig_target, -mcpu, copts of the row
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable

from rvpack.sdk.resources import TOOLCHAINS_DIR
from rvpack.sdk.targets.registry import Target, builtin_registry

BUILD_FILE = TOOLCHAINS_DIR / "BUILD.bazel"
BAREMETAL_ZIG_TARGET = "riscv64-freestanding-none"
LINKER_SCRIPT = "//runtime:baremetal/link.ld"


def _list(values: Iterable[str], indent: str = "    ") -> str:
    items = list(values)
    if not items:
        return "[]"
    return "[\n" + "".join(f'{indent}    "{v}",\n' for v in items) + f"{indent}]"


def _platform(name: str, cpu: str, os: str, isa: str, kernel_isa: str) -> str:
    values = [f"@platforms//cpu:{cpu}", f"@platforms//os:{os}", f":{isa}", f":kernel_isa_{kernel_isa}"]
    return f'platform(\n    name = "{name}",\n    constraint_values = {_list(values)},\n)\n'


def _toolchain(name: str, t: Target, os: str) -> str:
    baremetal = os == "none"
    args = [f'name = "{name}"', f'cpu = "{t.cpu}"', f'isa = "{t.bazel_name}"',
            f'zig_cpu = "{t.zig_cpu}"', f'zig_target = "{BAREMETAL_ZIG_TARGET if baremetal else t.zig_target}"']
    if t.copts:
        args.append(f"copts = {_list(t.copts)}")
    if baremetal:
        args += ['os = "none"', f'linker_script = "{LINKER_SCRIPT}"']
    return "zig_cc_toolchain(\n" + "".join(f"    {a},\n" for a in args) + ")\n"


def generate(targets: Iterable[Target]) -> str:
    """The text of toolchains/BUILD.bazel for these targets (unavailable rows are left out)."""
    rows = [t for t in targets if t.available]
    isas = sorted({t.kernel_isa for t in rows})
    baremetal = [t for t in rows if t.spike_isa]
    out = [
        "# Auto-generated file. Do not edit!",
        "#   Generator: python -m rvpack.sdk.targets.bazelgen (from sdk/targets/registry.py)",
        "#",
        "# Target platforms and their zig cc toolchains. A platform is @platforms cpu +",
        "# os (linux, or none for bare metal) + the target (:isa) + its kernel ISA",
        "# (:kernel_isa); exactly one toolchain is compatible with it. Build with",
        "# --platforms=@rvpack//toolchains:<target>_linux --incompatible_enable_cc_toolchain_resolution.",
        'load("//toolchains/zig:cc_toolchain_config.bzl", "zig_cc_toolchain")',
        "",
        'package(default_visibility = ["//visibility:public"])',
        "",
        "# The target a binary is built for; keeps RISC-V variants apart.",
        'constraint_setting(name = "isa")',
        "",
        "# The kernel ISA of the target: what kernel libraries may be built for it.",
        'constraint_setting(name = "kernel_isa")',
        "",
    ]
    for t in rows:
        out.append(f'constraint_value(\n    name = "{t.bazel_name}",\n    constraint_setting = ":isa",\n)\n')
    for isa in isas:
        out.append(f'constraint_value(\n    name = "kernel_isa_{isa}",\n    constraint_setting = ":kernel_isa",\n)\n')
    for t in rows:
        out.append(f"# {t.name}: {t.description}")
        out.append(_platform(f"{t.bazel_name}_linux", t.cpu, "linux", t.bazel_name, t.kernel_isa))
        out.append(_toolchain(f"{t.bazel_name}_toolchain", t, "linux"))
        if t.spike_isa:
            out.append(_platform(f"{t.bazel_name}_baremetal", t.cpu, "none", t.bazel_name, t.kernel_isa))
            out.append(_toolchain(f"{t.bazel_name}_baremetal_toolchain", t, "none"))
    if baremetal:
        out += [
            "# zig's compiler-rt (memcpy/memset, expf, logf, sqrtf, ...) built for the medany",
            "# code model (see zig/zig-compiler-rt), with the -mcpu of each bare-metal platform;",
            "# //runtime:baremetal_libc links it.",
        ]
        for t in baremetal:
            values = _list(["@platforms//os:none", f":{t.bazel_name}"])
            out.append(f'config_setting(\n    name = "{t.bazel_name}_baremetal_config",\n'
                       f"    constraint_values = {values},\n)\n")
        cases = "".join(f'        ":{t.bazel_name}_baremetal_config": "{t.zig_cpu}",\n' for t in baremetal)
        out.append(
            "genrule(\n"
            '    name = "compiler_rt_medany",\n'
            '    outs = ["libcompiler_rt_medany.a"],\n'
            '    cmd = "$(location //toolchains/zig:zig-compiler-rt) $(location @zig_sdk//:zig) " + select({\n'
            f"{cases}"
            '    }) + " $@",\n'
            '    target_compatible_with = ["@platforms//os:none"],\n'
            "    tools = [\n"
            '        "//toolchains/zig:zig-compiler-rt",\n'
            '        "@zig_sdk//:zig",\n'
            "    ],\n"
            ")\n")
        out.append(
            "cc_library(\n"
            '    name = "compiler_rt_baremetal",\n'
            '    srcs = [":compiler_rt_medany"],\n'
            '    target_compatible_with = ["@platforms//os:none"],\n'
            ")\n")
    return "\n".join(out).rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only check that toolchains/BUILD.bazel is up to date")
    args = parser.parse_args(argv)
    text = generate(builtin_registry().targets.values())
    if args.check:
        if not BUILD_FILE.is_file() or BUILD_FILE.read_text() != text:
            print(f"stale: {BUILD_FILE}\nrun: python -m rvpack.sdk.targets.bazelgen", file=sys.stderr)
            return 1
        return 0
    if not BUILD_FILE.is_file() or BUILD_FILE.read_text() != text:
        BUILD_FILE.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
