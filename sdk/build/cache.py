"""What rvpack keeps on disk between commands, how big it is, and how it is
freed (`rvpack clean`) or kept bounded (after every build).

Under cache_root() (one per installation, tools.py):
  workspace/bundles/<name>_<hash>  staged bundle sources (one package per bundle)
  bazel/                           Bazel's output base: the compiled runtime per
                                   platform and every staged bundle's outputs
  out/<platform>/<name>/           copies of the last built library/runner/ELF
  logs/                            execution logs and failed-build logs
  tune/                            Spike counts of kernel calls (`build --tune`)
  spike/, probe/                   the Spike profile extension, the board probe
and zig's cache (musl, compiler-rt per target) in zig_cache_dir().

Bounded: at most MAX_BUNDLES staged bundles (least recently built first out,
with their Bazel outputs and copies) and MAX_TUNE_FILES tune tables. Bazel
never forgets the outputs of a package that is gone, so those are removed
here too.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rvpack.sdk.build.tools import cache_root, zig_cache_dir

MAX_BUNDLES = int(os.environ.get("RVPACK_MAX_BUNDLES", "24"))
MAX_TUNE_FILES = int(os.environ.get("RVPACK_MAX_TUNE_FILES", "32"))

# Which part of the cache each `rvpack clean` flag frees.
KINDS = {
    "builds": ("workspace", "rvpack_repo", "bazel", "out", "logs"),
    "tune": ("tune",),
    "tools": ("spike", "probe", "zig"),
}


@dataclass(frozen=True)
class CacheEntry:
    kind: str  # a key of KINDS
    name: str
    path: Path
    bytes: int


def _location(name: str) -> Path:
    return zig_cache_dir() if name == "zig" else cache_root() / name


def disk_usage(path: Path) -> int:
    """Bytes of the regular files under path (symlinks not followed)."""
    if path.is_symlink() or path.is_file():
        return path.lstat().st_size if path.is_file() and not path.is_symlink() else 0
    total = 0
    for folder, _, files in os.walk(path):
        for f in files:
            try:
                st = os.lstat(os.path.join(folder, f))
            except OSError:
                continue
            if stat.S_ISREG(st.st_mode):
                total += st.st_size
    return total


def entries(kinds: Iterable[str] = KINDS) -> list[CacheEntry]:
    """The cache's parts of the given kinds that exist, with their sizes."""
    return [CacheEntry(kind, name, _location(name), disk_usage(_location(name)))
            for kind in kinds for name in KINDS[kind] if _location(name).exists()]


def _remove(path: Path) -> None:
    """rm -rf that also handles Bazel's read-only output directories."""
    def make_writable(func, p, _exc):
        os.chmod(os.path.dirname(p), 0o755)
        if os.path.isdir(p) and not os.path.islink(p):
            os.chmod(p, 0o755)
        func(p)

    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    elif path.exists():
        shutil.rmtree(path, onerror=make_writable)


def shutdown_bazel() -> None:
    """Stops the Bazel server of this cache (it holds the output base open)."""
    workspace, output_base = cache_root() / "workspace", cache_root() / "bazel"
    exe = shutil.which("bazel")
    if exe and workspace.is_dir() and output_base.is_dir():
        subprocess.run([exe, f"--output_base={output_base}", "--nohome_rc", "shutdown"], cwd=workspace,
                       capture_output=True, timeout=120, check=False)


def clean(kinds: Iterable[str]) -> list[CacheEntry]:
    """Removes the cache parts of the given kinds; returns what was freed."""
    freed = entries(kinds)
    if any(e.name == "bazel" for e in freed):
        shutdown_bazel()
    for e in freed:
        _remove(e.path)
    return freed


def _bundle_outputs(root: Path, package: str) -> list[Path]:
    """Bazel's output directories of one staged package, every platform."""
    return list((root / "bazel" / "execroot").glob(f"*/bazel-out/*/bin/bundles/{package}"))


def evict_bundles(keep: int = MAX_BUNDLES) -> list[str]:
    """Keeps the `keep` most recently built bundle packages; removes the rest
    with their Bazel outputs, and the Bazel outputs of packages already gone.
    Returns the removed package names."""
    root = cache_root()
    bundles = root / "workspace" / "bundles"
    if not bundles.is_dir():
        return []
    staged = sorted((p for p in bundles.iterdir() if p.is_dir() and not p.name.startswith(".")),
                    key=lambda p: p.stat().st_mtime, reverse=True)
    removed = [p.name for p in staged[keep:]]
    for p in staged[keep:]:
        _remove(p)
    kept = {p.name for p in staged[:keep]}
    for out in (root / "bazel" / "execroot").glob("*/bazel-out/*/bin/bundles/*"):
        if out.name not in kept:
            _remove(out)
    names = {n.rsplit("_", 1)[0] for n in kept}
    for out in (root / "out").glob("*/*"):
        if out.is_dir() and out.name != "programs" and out.name not in names:
            _remove(out)
    return removed


def evict_tune_tables(keep: int = MAX_TUNE_FILES) -> list[Path]:
    """Keeps the `keep` most recently written tune tables (an old table is
    keyed by kernel code that has changed since, so it is never read again)."""
    tables = sorted((cache_root() / "tune").glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for p in tables[keep:]:
        p.unlink(missing_ok=True)
    return tables[keep:]


def touch_bundle(package_dir: Path) -> None:
    """Marks a staged package as just used (its mtime orders eviction)."""
    os.utime(package_dir)
