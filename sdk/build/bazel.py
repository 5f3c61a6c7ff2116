"""Builds a bundle's generated C sources with Bazel and zig cc.

build_bundle() stages the sources as a package of one persistent workspace
(see workspace.py), runs `bazel build` for the target's platform and merges
every archive the model links (model, runtime, the kernel ISA's libraries)
into one self-contained lib<name>.a.

build_bench_elf() builds the same sources for the target's bare-metal
platform into <name>_bench, the Spike bench program (runtime/baremetal).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rvpack.sdk.build.cache import evict_bundles
from rvpack.sdk.build.remote_cache import RemoteCache
from rvpack.sdk.build.tools import (
    bazel_executable,
    bazel_version,
    cache_root,
    zig_cache_dir,
    zig_dir,
    zig_env,
    zig_executable,
    zig_versions,
)
from rvpack.sdk.build.workspace import ensure_workspace, stage_bundle, write_if_changed
from rvpack.sdk.errors import BuildError, UnsupportedTargetError
from rvpack.sdk.resources import data_root
from rvpack.sdk.targets import Target, registry
from rvpack.sdk.targets.bazelgen import generate as generate_toolchains
from rvpack.sdk.targets.plugin import KernelIsa

__all__ = ["BuildArtifacts", "build_bench_elf", "build_bundle", "bazel_version", "zig_executable"]

# The server outlives one rvpack command (warm analysis cache for the next
# build) but goes away on its own after 10 idle minutes.
_MAX_IDLE_SECS = 600

# Forwarded to on_progress: "[12 / 30] Compiling ...", and why Bazel is waiting.
_PROGRESS = re.compile(
    r"^(\[\s*[\d,]+\s*/\s*[\d,]+\]\s|Starting local Bazel server|Another command)"
)
_NOISE = re.compile(
    r"^(INFO|Loading|Analyzing|Target |FAILED|Use --verbose_failures)|^\[\s*[\d,]+\s*/"
)
_MAX_ERROR_LINES = 40


@dataclass
class BuildArtifacts:
    library: Path  # lib<name>.a: model objects + runtime objects, self-contained
    runner: Path  # <name>_run, a static ELF
    toolchain: dict[str, str]  # {"bazel": "4.2.3", "zig": "0.17.1", "clang": "22.1.8"}
    # "<mnemonic> <first output>" of every action Bazel ran (cache hits are not
    # listed), e.g. to show that the runtime was not recompiled.
    actions: list[str] = field(default_factory=list)
    # the same for the actions whose outputs came from the remote cache
    remote_hits: list[str] = field(default_factory=list)


def build_bundle(
    sources: Path,
    name: str,
    target: Target,
    kernel_isa: KernelIsa,
    *,
    on_progress: Callable[[str], None] | None = None,
    jobs: int | None = None,
    remote_cache: RemoteCache = RemoteCache(None),
) -> BuildArtifacts:
    """Builds lib<name>.a and <name>_run for target from the generated sources.

    Outputs go to <cache>/out/<target>/<name>/ (overwritten by the next build
    of the same bundle); copy them to keep them."""
    root, package = _stage(sources, name, kernel_isa)
    suffix = _suffix(target.name)
    targets = [f"//{package}:archives", f"//{package}:{name}_run"]
    bin_dir, exec_log = _bazel_build(
        root, target.bazel_platform, suffix, targets, f"bundle '{name}' for {target.name}",
        f"{name}-{suffix}", on_progress=on_progress, jobs=jobs, remote_cache=remote_cache,
    )  # fmt: skip
    cache = cache_root()
    out = cache / "out" / suffix / name
    out.mkdir(parents=True, exist_ok=True)
    library = out / f"lib{name}.a"
    _merge_archives(library, _listed_archives(bin_dir, bin_dir / package / "archives.txt"))
    runner = out / f"{name}_run"
    shutil.copyfile(bin_dir / package / f"{name}_run", runner)
    runner.chmod(0o755)
    return BuildArtifacts(
        library=library,
        runner=runner,
        toolchain={"bazel": bazel_version() or "unknown", **zig_versions()},
        actions=[action for action, remote in _spawns(exec_log) if not remote],
        remote_hits=[action for action, remote in _spawns(exec_log) if remote],
    )


# The bench program of a bundle: its model library and runner_data.c (the
# static buffers) with the bare-metal main and crt (the bare-metal toolchain
# adds the linker script). Appended to the bundle package's BUILD.bazel, which
# workspace.py writes: a later build_bundle() rewrites the file without it,
# which costs Bazel a package reload, not a recompile.
def build_bench_elf(
    sources: Path,
    name: str,
    target: Target,
    kernel_isa: KernelIsa,
    *,
    on_progress: Callable[[str], None] | None = None,
    jobs: int | None = None,
) -> Path:
    """Builds <name>_bench, the bare-metal bench program (Spike), for target.

    The same generated sources as build_bundle(), built for the target's
    bare-metal platform (target.bazel_baremetal_platform): the runtime is
    compiled once per platform and cached like the Linux one. Returns the ELF
    at <cache>/out/<target>_baremetal/<name>/<name>_bench.elf (overwritten by
    the next build of the same bundle; copy it to keep it)."""
    platform = _baremetal_platform(target)
    root, package = _stage(sources, name, kernel_isa)
    suffix = _suffix(target.name) + "_baremetal"
    bin_dir, _ = _bazel_build(
        root, platform, suffix, [f"//{package}:{name}_bench"], f"bench program '{name}' for {target.name}",
        f"{name}-{suffix}", on_progress=on_progress, jobs=jobs,
    )  # fmt: skip
    return _copy_out(bin_dir / package / f"{name}_bench", cache_root() / "out" / suffix / name / f"{name}_bench.elf")


def build_baremetal_program(label: str, target: Target, *, on_progress: Callable[[str], None] | None = None) -> Path:
    """Builds a cc_binary of the checkout (label inside @rvpack, e.g.
    "//third_party/xnnpack_rvv:f32_gemm_bench") for target's bare-metal
    platform; returns the ELF (a copy in the cache, safe to keep using until
    the next build of the same label)."""
    platform = _baremetal_platform(target)
    root = _workspace()
    suffix = _suffix(target.name) + "_baremetal"
    package, _, name = label.removeprefix("//").partition(":")
    bin_dir, _ = _bazel_build(root, platform, suffix, [f"@rvpack{label}"], f"{label} for {target.name}",
                              f"{name}-{suffix}", on_progress=on_progress, jobs=None)
    return _copy_out(bin_dir / "external" / "rvpack" / package / name,
                     cache_root() / "out" / suffix / "programs" / f"{name}.elf")


_TUNE_BUILD = """\
# Generated by rvpack (sdk/tune.py): the tile tuner with one table of calls.
cc_binary(
    name = "tune",
    srcs = ["tune_table.c"],
    deps = {deps!r},
    linkstatic = 1,
    target_compatible_with = ["@platforms//os:none"],
)
"""


def build_tune_program(table_c: str, deps: list[str], target: Target, *,
                       on_progress: Callable[[str], None] | None = None) -> Path:
    """Builds the bare-metal tile tuner (runtime/baremetal/tune_main.c) with
    the generated table `table_c` and the tile families' shim libraries
    `deps`; returns the ELF."""
    platform = _baremetal_platform(target)
    root = _workspace()
    package = root / "tune"
    write_if_changed(package / "BUILD.bazel", _TUNE_BUILD.format(deps=["@rvpack//runtime:tune_main", *deps]))
    write_if_changed(package / "tune_table.c", table_c)
    suffix = _suffix(target.name) + "_baremetal"
    bin_dir, _ = _bazel_build(root, platform, suffix, ["//tune:tune"], f"the tile tuner for {target.name}",
                              f"tune-{suffix}", on_progress=on_progress, jobs=None)
    return bin_dir / "tune" / "tune"


def _baremetal_platform(target: Target) -> str:
    if not target.bazel_baremetal_platform:
        raise UnsupportedTargetError(f"target {target.name} has no bare-metal build profile",
                                     hint="the Spike programs support rv64gc and rvv1.0")
    return target.bazel_baremetal_platform


def _copy_out(built: Path, dest: Path) -> Path:
    """Copies a built ELF to dest atomically (a reader never sees half a file)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.tmp")
    shutil.copyfile(built, tmp)
    os.replace(tmp, dest)
    return dest


def _suffix(target_name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", target_name)


def _workspace() -> Path:
    """Checks the tools and prepares the workspace; returns its root."""
    bazel_executable()
    zig_executable()  # fail early, with the pip hint, if ziglang is missing
    root = cache_root() / "workspace"
    reg = registry()
    repositories = {name: path for isa in reg.kernel_isas.values() for name, path in isa.bazel_repositories.items()}
    ensure_workspace(root, data_root(), generate_toolchains(reg.targets.values()), repositories)
    return root


def _stage(sources: Path, name: str, kernel_isa: KernelIsa) -> tuple[Path, str]:
    """The workspace root and the package the sources are staged in."""
    root = _workspace()
    package = stage_bundle(root, Path(sources), name, ["@rvpack//runtime", *kernel_isa.runtime_deps])
    evict_bundles()  # the cache stays bounded (cache.py)
    return root, package


def _bazel_build(
    root: Path,
    platform: str,
    suffix: str,
    targets: list[str],
    what: str,
    log_name: str,
    *,
    on_progress: Callable[[str], None] | None,
    jobs: int | None,
    remote_cache: RemoteCache = RemoteCache(None),
) -> tuple[Path, Path]:
    """Runs `bazel build targets` for platform (a label in @rvpack); returns
    (the bin directory, the execution log). Raises BuildError on failure."""
    cache = cache_root()
    links = f".out/{suffix}/"  # per-platform convenience symlinks: .out/<suffix>/bin
    logs = cache / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    exec_log = logs / f"{log_name}.exec.json"
    exec_log.unlink(missing_ok=True)  # never report a previous build's actions
    cmd = [
        bazel_executable(),
        f"--output_base={cache / 'bazel'}",
        f"--max_idle_secs={_MAX_IDLE_SECS}",
        # Keep the system rc (Debian puts --install_base there); a user's
        # ~/.bazelrc must not change our builds.
        "--nohome_rc",
        "build",
        f"--platforms=@rvpack{platform}",
        "--incompatible_enable_cc_toolchain_resolution",
        # Bazel 4 names output directories after --cpu, not the platform: without
        # a suffix every target would share (and keep rebuilding) k8-fastbuild.
        f"--platform_suffix=-{suffix}",
        f"--symlink_prefix={links}",
        f"--repo_env=RVPACK_ZIG_DIR={zig_dir()}",
        # Bazel's default toolchain repository would probe the host gcc; ours
        # never need it (the zig toolchains are registered first).
        "--repo_env=BAZEL_DO_NOT_DETECT_CPP_TOOLCHAIN=1",
        f"--action_env=RVPACK_ZIG_CACHE={zig_cache_dir()}",
        # A fixed PATH: the caller's PATH would be part of every action key.
        "--incompatible_strict_action_env",
        # Unsandboxed: zig keeps musl/compiler-rt builds in its cache outside the
        # execroot (the sandbox mounts it read-only) and finds its lib/ via its
        # real path anyway, so the sandbox would add cost, not hermeticity.
        "--spawn_strategy=local",
        f"--execution_log_json_file={exec_log}",
        "--color=no",
        "--curses=no",
        "--show_result=0",
        *([f"--jobs={jobs}"] if jobs else []),
        *remote_cache.bazel_flags(),
        "--",
        *targets,
    ]
    stderr = _run_bazel(cmd, root, on_progress)
    failure_log = logs / f"{log_name}.log"
    if stderr is not None:
        failure_log.write_text(stderr)
        raise BuildError(
            f"building {what} failed:\n" + _error_excerpt(stderr),
            hint=f"full Bazel log: {failure_log}",
        )
    failure_log.unlink(missing_ok=True)
    return root / links / "bin", exec_log


def _run_bazel(cmd: list[str], cwd: Path, on_progress: Callable[[str], None] | None) -> str | None:
    """Runs Bazel, forwarding progress lines; returns its stderr if it failed."""
    lines: list[str] = []
    with subprocess.Popen(
        cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True, errors="replace",
    ) as proc:  # fmt: skip
        assert proc.stderr is not None
        for line in proc.stderr:
            line = line.rstrip()
            lines.append(line)
            if on_progress is not None and _PROGRESS.match(line):
                on_progress(line)
    return "\n".join(lines) if proc.returncode != 0 else None


def _error_excerpt(stderr: str) -> str:
    """The first relevant lines of a failed build: Bazel's ERROR lines and the
    compiler output that follows them, without progress and summary noise."""
    lines = stderr.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("ERROR:")), None)
    if start is None:  # e.g. the server did not start: show the tail
        return "\n".join(lines[-_MAX_ERROR_LINES:])
    kept = []
    for line in lines[start:]:
        if _NOISE.match(line) or line.startswith("ERROR: Build did NOT complete"):
            continue
        # "ERROR: <BUILD file>:2:11: Compiling x.c failed: (Exit 1): zig-cc failed:
        # error executing command <command line>" -> "Compiling x.c failed:"
        line = re.sub(r"^ERROR: \S+:\d+:\d+: ", "", line)
        kept.append(re.sub(r" failed: \(Exit \d+\): .*", " failed:", line))
    return "\n".join(kept[:_MAX_ERROR_LINES])


def _listed_archives(bin_dir: Path, listing: Path) -> list[Path]:
    """The archives a cc_static_archives listing names (execroot-relative
    paths under <output dir>/bin/), as paths under bin_dir."""
    return [bin_dir / line.split("/bin/", 1)[1] for line in listing.read_text().splitlines() if line]


def _merge_archives(dest: Path, archives: list[Path]) -> None:
    """Merges static archives into dest with `zig ar -M` (an MRI script keeps
    members with equal names apart, which extracting to one directory would not)."""
    with tempfile.TemporaryDirectory(prefix=".ar-", dir=dest.parent) as tmp:
        # Symlinks with plain names: MRI scripts cannot quote paths with spaces.
        script = ["create merged.a"]
        for i, archive in enumerate(archives):
            (Path(tmp) / f"in{i}.a").symlink_to(archive.resolve())
            script.append(f"addlib in{i}.a")
        script += ["save", "end", ""]
        proc = subprocess.run(
            [str(zig_executable()), "ar", "-M"], input="\n".join(script), cwd=tmp,
            capture_output=True, text=True, env=zig_env(),
        )  # fmt: skip
        if proc.returncode != 0:
            raise BuildError(
                f"merging {', '.join(map(str, archives))} failed: {proc.stderr.strip()}"
            )
        os.replace(Path(tmp) / "merged.a", dest)  # same filesystem: atomic


def _spawns(exec_log: Path) -> Iterator[tuple[str, bool]]:
    """('<mnemonic> <main output>', came from the remote cache) per spawn in
    Bazel's JSON execution log (a stream of JSON objects, not one array).
    Local action-cache hits are not in the log."""
    if not exec_log.is_file():
        return
    text, pos, decoder = exec_log.read_text(), 0, json.JSONDecoder()
    while (pos := _skip_ws(text, pos)) < len(text):
        entry, pos = decoder.raw_decode(text, pos)
        outputs = [o for o in entry.get("listedOutputs", []) if not o.endswith(".d")] or [""]
        yield f"{entry.get('mnemonic', '?')} {outputs[0]}", bool(entry.get("remoteCacheHit"))


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos
