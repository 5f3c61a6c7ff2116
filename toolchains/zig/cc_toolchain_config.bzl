"""cc_toolchain_config for `zig cc`, and a macro that declares one toolchain.

Bazel's legacy features (dependency files, -o, -c, user copts, archiving,
linking of libraries) are kept; the features below only add the target and
rvpack's fixed flags.
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

def _impl(ctx):
    target = ["--target=" + ctx.attr.zig_target, "-mcpu=" + ctx.attr.zig_cpu]
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
                _flags(_LINK, ["-static", "-Wl,--gc-sections"]),
            ],
        ),
    ]

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
        target_libc = "musl",
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
    },
    provides = [CcToolchainConfigInfo],
)

def zig_cc_toolchain(name, isa, cpu, zig_target, zig_cpu):
    """Declares `name` (a toolchain() for @platforms cpu + linux + //toolchains:<isa>).

    Call it from //toolchains/BUILD.bazel: tool paths are relative to that package.
    """
    zig_cc_toolchain_config(
        name = name + "_config",
        zig_target = zig_target,
        zig_cpu = zig_cpu,
    )
    native.cc_toolchain(
        name = name + "_cc",
        toolchain_config = ":" + name + "_config",
        all_files = "//toolchains/zig:tool_files",
        ar_files = "//toolchains/zig:tool_files",
        as_files = "//toolchains/zig:tool_files",
        compiler_files = "//toolchains/zig:tool_files",
        dwp_files = "//toolchains/zig:tool_files",
        linker_files = "//toolchains/zig:tool_files",
        objcopy_files = "//toolchains/zig:tool_files",
        strip_files = "//toolchains/zig:tool_files",
        supports_param_files = True,
    )
    native.toolchain(
        name = name,
        exec_compatible_with = ["@platforms//cpu:x86_64", "@platforms//os:linux"],
        target_compatible_with = [
            "@platforms//cpu:" + cpu,
            "@platforms//os:linux",
            "//toolchains:" + isa,
        ],
        toolchain = ":" + name + "_cc",
        toolchain_type = "@bazel_tools//tools/cpp:toolchain_type",
    )
