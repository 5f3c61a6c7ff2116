"""rvpack installed from its wheel, outside the checkout, builds and runs a
bundle: the runtime, the kernel sources and the Bazel files ship as package
data, and nothing reaches back into the source tree.

The wheel is built from this checkout (pip wheel, no build isolation) and
installed (no dependencies) into a fresh virtualenv; the dependencies
(numpy, onnx, ...) come from this environment's site-packages through a .pth
line, which does not load this environment's editable rvpack.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.models import write_tiny_gemm

REPO = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.skipif(shutil.which("bazel") is None, reason="bazel is not installed"),
    pytest.mark.skipif(shutil.which("qemu-riscv64-static") is None, reason="qemu-riscv64-static is not installed"),
]


@pytest.fixture(scope="module")
def fresh_env(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    d = tmp_path_factory.mktemp("wheel")
    dist = d / "dist"
    # Built from a copy: setuptools writes build/ and *.egg-info next to the sources.
    source = d / "source"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(".git", ".venv", "build", "*.egg-info", "*.rvpack",
                                                                "__pycache__", ".pytest_cache"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(dist),
                    str(source)], check=True, capture_output=True, timeout=600)
    wheel = next(dist.glob("rvpack-*.whl"))
    venv = d / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    # --target, not --prefix: pip would uninstall this environment's rvpack first.
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--target", site,
                    str(wheel)], check=True, capture_output=True, timeout=600)
    (Path(site) / "rvpack_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    cache = d / "cache"
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(Path.home()), "RVPACK_CACHE": str(cache)}
    yield python, env
    if (cache / "workspace").is_dir():
        subprocess.run(["bazel", f"--output_base={cache / 'bazel'}", "--nohome_rc", "shutdown"],
                       cwd=cache / "workspace", capture_output=True, timeout=120)


def test_the_installed_package_finds_its_files_in_site_packages(fresh_env):
    python, env = fresh_env
    out = subprocess.run([str(python), "-c", "import rvpack.sdk.resources as r; print(r.data_root())"],
                         check=True, capture_output=True, text=True, env=env, cwd="/").stdout.strip()
    root = Path(out)
    assert root.is_relative_to(python.parents[1]), root  # inside the fresh virtualenv, not the checkout
    for rel in ("runtime/src/conv.c", "runtime/rvv/include/rvpack/kernels_rvv.h", "runtime/baremetal/link.ld",
                "toolchains/BUILD.bazel", "toolchains/zig/zig-cc", "toolchains/shims/rules_cc/WORKSPACE",
                "third_party/xnnpack_rvv/src/f32-convgemm/gen/f32-convgemm-2x8v-minmax-rvv.c", "sdk/runners/probe.c"):
        assert (root / rel).is_file(), rel
    assert (root / "toolchains" / "zig" / "zig-cc").stat().st_mode & 0o111


def test_build_and_run_from_the_wheel_outside_the_checkout(fresh_env, tmp_path):
    python, env = fresh_env
    model = write_tiny_gemm(tmp_path / "tiny.onnx")
    for target in ("rv64gc", "rvv1.0"):
        bundle = tmp_path / f"tiny-{target}.rvpack"
        build = subprocess.run([str(python), "-m", "rvpack.cli", "build", str(model), "-t", target, "-o", str(bundle),
                                "-q"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=1200)
        assert build.returncode == 0, build.stdout + build.stderr
        run = subprocess.run([str(python), "-m", "rvpack.cli", "run", str(bundle), "--check"],
                             capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600)
        assert run.returncode == 0 and "check passed" in run.stdout, run.stdout + run.stderr
