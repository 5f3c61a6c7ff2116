"""cc_toolchain_config for `zig cc`, and a macro that declares one toolchain.

Bazel's legacy features (dependency files, -o, -c, user copts, archiving,
linking of libraries) are kept; the features below only add the target and
rvpack's fixed flags.

Two kinds of toolchain: Linux (static musl executables) and bare metal
(os = "none": riscv64-freestanding-none, medany, no libc, no start files;
the program brings its crt and linker script, see runtime/baremetal/).
"""

load("@bazel_tools//tools/build_defs/cc:action_names.bzl", "ACTION_NAMES")
load(
    "@bazel_tools//tools/cpp:cc_toolchain_config_lib.bzl",
    "feature",
    "flag_group",
    "flag_set",
    "tool_path",
)
load("@zig_sdk//:defs.bzl", "ZIG_LIB_DIR")

_COMPILE = [
    ACTION_NAMES.c_compile,
    ACTION_NAMES.cpp_compile,
    ACTION_NAMES.assemble,
    ACTION_NAMES.preprocess_assemble,
]

_LINK = [
    ACTION_NAMES.cpp_link_executable,
    ACTION_NAMES.cpp_link_dynamic_library,
    ACTION_NAMES.cpp_link_nodeps_dynamic_library,
]

def _flags(actions, flags):
    return flag_set(actions = actions, flag_groups = [flag_group(flags = flags)])

# Bare metal: the code runs at 0x80000000 (Spike's RAM), beyond the +-2 GiB
# that the default medlow code model reaches, hence medany. -ffreestanding
# (zig implies it for this target anyway) means no hosted headers and no
# built-in knowledge of library functions; runtime/baremetal/include/math.h
# spells math calls as __builtin_* to get the same code as the hosted build,
# and -fno-math-errno matches musl's default (no errno from math calls).
# -nostdlib: zig's own compiler-rt for this target is built for medlow and
# cannot be linked above 2 GiB; //runtime:baremetal_libc links a medany build
# of the same compiler-rt instead (//toolchains/zig:compiler_rt_baremetal).
# Every bare-metal link uses the profile's linker script (linker_script).
_BAREMETAL_COMPILE = ["-mcmodel=medany", "-ffreestanding", "-fno-math-errno"]
_BAREMETAL_LINK = ["-mcmodel=medany", "-nostdlib", "-static", "-Wl,--gc-sections"]
_LINUX_LINK = ["-static", "-Wl,--gc-sections"]

def _impl(ctx):
    target = ["--target=" + ctx.attr.zig_target, "-mcpu=" + ctx.attr.zig_cpu]
    copts = list(ctx.attr.copts)
    baremetal = ctx.attr.os == "none"
    if baremetal != (ctx.file.linker_script != None):
        fail("a bare-metal toolchain (os = \"none\") needs a linker_script, a Linux one none")
    script = ["-T", ctx.file.linker_script.path] if baremetal else []
    features = [
        feature(
            name = "rvpack_flags",
            enabled = True,
            flag_sets = [
                _flags(_COMPILE + _LINK, target),
                _flags(_COMPILE, [
                    "-O2",
                    "-ffunction-sections",
                    "-fdata-sections",
                    # Reproducible objects: no build-time macros.
                    "-Wno-builtin-macro-redefined",
                    "-D__DATE__=\"redacted\"",
                    "-D__TIMESTAMP__=\"redacted\"",
                    "-D__TIME__=\"redacted\"",
                ]),
                _flags([ACTION_NAMES.c_compile], ["-std=c11"]),
            ] + ([_flags(_COMPILE, copts)] if copts else []) + ([
                _flags(_COMPILE, _BAREMETAL_COMPILE),
                _flags(_LINK, _BAREMETAL_LINK + script),
            ] if baremetal else [
                _flags(_LINK, _LINUX_LINK),
            ]),
        ),
    ]
    if baremetal:
        # Replaces Bazel's legacy feature of that name, which passes -Wl,-S
        # (strip debug symbols) in fastbuild links; zig cc turns that into a
        # full strip, and Spike finds `tohost`/`fromhost` in the symbol table.
        features.append(feature(name = "strip_debug_symbols"))

    # Paths are relative to the package of the cc_toolchain (//toolchains).
    tools = {"gcc": "zig/zig-cc", "ar": "zig/zig-ar"}
    unused = ["cpp", "ld", "nm", "objcopy", "objdump", "strip", "gcov", "dwp"]
    tool_paths = [tool_path(name = n, path = p) for n, p in tools.items()]
    tool_paths += [tool_path(name = n, path = "zig/unsupported-tool") for n in unused]

    return cc_common.create_cc_toolchain_config_info(
        ctx = ctx,
        features = features,
        cxx_builtin_include_directories = [ZIG_LIB_DIR],
        toolchain_identifier = "zig-" + ctx.attr.name,
        host_system_name = "x86_64-linux",
        target_system_name = ctx.attr.zig_target,
        target_cpu = ctx.attr.zig_target.split("-")[0],
        target_libc = "none" if baremetal else "musl",
        compiler = "clang",
        abi_version = "unknown",
        abi_libc_version = "unknown",
        tool_paths = tool_paths,
    )

zig_cc_toolchain_config = rule(
    implementation = _impl,
    attrs = {
        "zig_target": attr.string(mandatory = True),
        "zig_cpu": attr.string(mandatory = True),
        "copts": attr.string_list(default = []),
        "os": attr.string(default = "linux", values = ["linux", "none"]),
        "linker_script": attr.label(allow_single_file = True),
    },
    provides = [CcToolchainConfigInfo],
)

def zig_cc_toolchain(name, isa, cpu, zig_target, zig_cpu, os = "linux", linker_script = None, copts = []):
    """Declares `name` (a toolchain() for @platforms cpu + os + //toolchains:<isa>).

    os is "linux" or "none" (bare metal, which needs linker_script, a label;
    it is passed as -T to every link). copts are added to every compile.
    Called from //toolchains/BUILD.bazel (generated from the target registry):
    tool paths are relative to that package.
    """
    zig_cc_toolchain_config(
        name = name + "_config",
        zig_target = zig_target,
        zig_cpu = zig_cpu,
        copts = copts,
        os = os,
        linker_script = linker_script,
    )
    files = "//toolchains/zig:tool_files"
    if linker_script != None:
        native.filegroup(
            name = name + "_files",
            srcs = [files, linker_script],
        )
        files = ":" + name + "_files"
    native.cc_toolchain(
        name = name + "_cc",
        toolchain_config = ":" + name + "_config",
        all_files = files,
        ar_files = files,
        as_files = files,
        compiler_files = files,
        dwp_files = files,
        linker_files = files,
        objcopy_files = files,
        strip_files = files,
        supports_param_files = True,
    )
    native.toolchain(
        name = name,
        exec_compatible_with = ["@platforms//cpu:x86_64", "@platforms//os:linux"],
        target_compatible_with = [
            "@platforms//cpu:" + cpu,
            "@platforms//os:" + os,
            "//toolchains:" + isa,
        ],
        toolchain = ":" + name + "_cc",
        toolchain_type = "@bazel_tools//tools/cpp:toolchain_type",
    )
