"""Locates the build tools (Bazel, zig) and the directories rvpack builds in.

Everything here is cheap and side-effect free, so `rvpack doctor` can use it.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

from rvpack.sdk.errors import ToolMissingError
from rvpack.sdk.resources import DATA_ROOT

_VERSION = re.compile(r"\d+\.\d+\.\d+")


def cache_root() -> Path:
    """rvpack's build cache (Bazel workspace, output base, outputs): $RVPACK_CACHE,
    else ~/.cache/rvpack/builds/<hash of rvpack's data root>. One per rvpack
    checkout or installation, so two never rewrite each other's workspace or
    share a Bazel server."""
    env = os.environ.get("RVPACK_CACHE")
    if env:
        return Path(env).expanduser().resolve()
    install = hashlib.sha256(str(DATA_ROOT).encode()).hexdigest()[:12]
    return Path.home() / ".cache" / "rvpack" / "builds" / install


def zig_cache_dir() -> Path:
    """zig's own cache (musl, compiler-rt per target): $RVPACK_ZIG_CACHE, else
    ~/.cache/rvpack/zig. Kept apart from cache_root() so a fresh RVPACK_CACHE
    (tests) does not rebuild musl, which takes a minute per target."""
    env = os.environ.get("RVPACK_ZIG_CACHE")
    return Path(env).expanduser().resolve() if env else Path.home() / ".cache" / "rvpack" / "zig"


def bazel_executable() -> str:
    """The `bazel` on PATH, or a ToolMissingError saying how to install it."""
    exe = shutil.which("bazel")
    if exe is None:
        raise ToolMissingError(
            "bazel not found", hint="apt-get install bazel-bootstrap (or run toolchains/setup.sh)"
        )
    return exe


@functools.cache
def bazel_version() -> str | None:
    """Bazel's version ("4.2.3"), or None if Bazel is not installed.

    Debian's bazel-bootstrap reports "bazel no_version", so fall back to the
    version of the Debian package that provides it."""
    exe = shutil.which("bazel")
    if exe is None:
        return None
    out = _run_quiet([exe, "--version"])
    if out and (m := _VERSION.search(out)):
        return m.group(0)
    dpkg = _run_quiet(["dpkg-query", "-W", "-f=${Version}", "bazel-bootstrap"])
    if dpkg and (m := _VERSION.match(dpkg)):
        return m.group(0)
    return "unknown"


def zig_dir() -> Path:
    """The installed `ziglang` package directory (holds `zig` and `lib/`)."""
    try:
        import ziglang  # the PyPI wheel; only its location is used
    except ImportError:
        raise ToolMissingError(
            "zig (the `ziglang` Python package) is not installed",
            hint="pip install ziglang==0.17.1",
        ) from None
    return Path(ziglang.__file__).resolve().parent


def zig_executable() -> Path:
    """The `zig` executable of the installed `ziglang` package."""
    zig = zig_dir() / "zig"
    if not os.access(zig, os.X_OK):
        raise ToolMissingError(
            f"the ziglang package has no usable zig executable at {zig}",
            hint="pip install --force-reinstall ziglang==0.17.1",
        )
    return zig


@functools.cache
def zig_versions() -> dict[str, str]:
    """{"zig": "0.17.1", "clang": "22.1.8"} of the installed zig."""
    zig = str(zig_executable())
    env = zig_env()
    zig_version = (_run_quiet([zig, "version"], env) or "unknown").strip()
    cc = _run_quiet([zig, "cc", "--version"], env) or ""
    m = re.search(r"clang version (\S+)", cc)
    return {"zig": zig_version, "clang": m.group(1) if m else "unknown"}


def zig_env() -> dict[str, str]:
    """The environment for running zig directly: it refuses to run without a
    cache directory, and HOME may be unset."""
    cache = str(zig_cache_dir())
    return {**os.environ, "ZIG_GLOBAL_CACHE_DIR": cache, "ZIG_LOCAL_CACHE_DIR": cache}


def _run_quiet(cmd: list[str], env: dict[str, str] | None = None) -> str | None:
    """stdout of cmd, or None if it cannot run or fails. Runs outside any
    Bazel workspace so the `bazel` launcher does not look for .bazelversion."""
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd="/", env=env)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout if proc.returncode == 0 else None
