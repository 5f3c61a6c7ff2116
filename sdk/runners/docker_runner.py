"""Runs a bundle's runner program under QEMU inside a throwaway Docker container.

The image is built here, FROM scratch, and holds one file: the host's static
qemu-riscv64 (Debian's qemu-user-static). Nothing is pulled from a registry.
Its tag is the content hash of what goes into it (`rvpack-qemu:<sha12>`), so it
is built once and rebuilt only when QEMU changes.

Each run gets a fresh container: the bundle mounted read-only at /bundle, a
host temp dir mounted read-write at /work for the inputs and outputs, no
network, a read-only root file system, no capabilities, memory/CPU/pid limits,
and the caller's uid:gid (so the files it writes belong to the caller). The
container is labelled `rvpack=1` and removed in every case: success, failure,
timeout, Ctrl-C.
"""

from __future__ import annotations

import hashlib
import io
import os
import struct
import subprocess
import tarfile
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

from rvpack.sdk.bundle import Bundle
from rvpack.sdk.errors import RunError, ToolMissingError
from rvpack.sdk.progress import ProgressFn, report
from rvpack.sdk.runners.local import RunResult, _check_exit, parse_profile, qemu_command

IMAGE_REPOSITORY = "rvpack-qemu"
CONTAINER_LABEL = "rvpack"  # containers carry rvpack=1: `docker ps -a --filter label=rvpack=1`
IMAGE_LABEL = "org.rvpack.image"  # images carry org.rvpack.image=qemu-riscv64
QEMU_IN_IMAGE = "/usr/bin/qemu-riscv64-static"
QEMU_HOST_NAME = "qemu-riscv64-static"
MEMORY_LIMIT = "2g"
NANO_CPUS = 1_000_000_000  # one CPU
PIDS_LIMIT = 64
API_TIMEOUT = 60  # seconds, for every Docker API call except waiting for the run
# Bumped whenever the image recipe below changes meaning (part of the tag hash).
RECIPE_VERSION = "1"
DOCKERFILE = f"FROM scratch\nCOPY qemu-riscv64-static {QEMU_IN_IMAGE}\n"


def docker_url() -> str:
    """Where the Docker SDK looks for the engine (DOCKER_HOST, else the default socket)."""
    return os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock"


def docker_client():
    """A connected docker.DockerClient, or one clear error line."""
    try:
        import docker
    except ImportError:
        raise ToolMissingError("the docker Python package is not installed", hint="pip install 'docker>=7'") from None
    url = docker_url()
    try:
        client = docker.from_env(timeout=API_TIMEOUT)
        client.ping()
    except Exception as e:  # DockerException, requests' ConnectionError, OSError: all mean "no engine"
        if "Permission denied" in str(e) or isinstance(e, PermissionError):
            raise ToolMissingError(f"Docker engine at {url} refused access (permission denied): add your user to "
                                   "the docker group, or use --runner qemu") from None
        raise ToolMissingError(f"Docker engine not reachable at {url}: start it, or use --runner qemu") from None
    return client


def host_qemu() -> Path:
    """The host's static qemu-riscv64, which the image is made of."""
    from shutil import which

    found = which(QEMU_HOST_NAME)
    if found is None:
        raise ToolMissingError(f"{QEMU_HOST_NAME} not found (the Docker runner's image is built from it)",
                               hint="apt-get install qemu-user-static (or run `rvpack doctor`)")
    path = Path(found).resolve()
    if not _is_static_elf(path):
        raise ToolMissingError(f"{path} is not a static executable, so it cannot run in an empty container",
                               hint="install Debian's qemu-user-static (apt-get install qemu-user-static)")
    return path


def image_tag(qemu: Path) -> str:
    digest = hashlib.sha256()
    digest.update(f"rvpack-qemu-image {RECIPE_VERSION}\n{DOCKERFILE}".encode())
    with open(qemu, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return f"{IMAGE_REPOSITORY}:{digest.hexdigest()[:12]}"


def ensure_image(client, on_progress: ProgressFn = None):
    """The QEMU image, built FROM scratch if no image has its tag yet.
    Returns (image, built) where `built` says whether it was built now."""
    import docker

    qemu = host_qemu()
    tag = image_tag(qemu)
    try:
        image = client.images.get(tag)
        report(on_progress, "image", f"{tag} (cached)", done=True)
        return image, False
    except docker.errors.ImageNotFound:
        pass
    except docker.errors.DockerException as e:
        raise RunError(f"Docker engine at {docker_url()}: cannot look up image {tag}: {_one_line(e)}") from None
    report(on_progress, "image", f"building image {tag} (FROM scratch + {qemu.name})")
    context = _build_context(qemu)
    try:
        image, _ = client.images.build(fileobj=context, custom_context=True, tag=tag, rm=True, forcerm=True,
                                       pull=False, labels={IMAGE_LABEL: "qemu-riscv64"})
    except docker.errors.BuildError as e:
        log = [str(chunk.get("stream") or chunk.get("error") or "").strip() for chunk in e.build_log]
        tail = " | ".join(line for line in log if line)[-300:]
        raise RunError(f"building the Docker image {tag} failed: {e.msg}", hint=tail) from None
    except Exception as e:  # APIError, connection loss
        raise RunError(f"building the Docker image {tag} failed: {_one_line(e)}") from None
    report(on_progress, "image", f"built image {tag}", done=True)
    return image, True


def _build_context(qemu: Path) -> io.BytesIO:
    """The build context as an in-memory tarball: the Dockerfile and the emulator."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        dockerfile = DOCKERFILE.encode()
        info = tarfile.TarInfo("Dockerfile")
        info.size, info.mode = len(dockerfile), 0o644
        tar.addfile(info, io.BytesIO(dockerfile))
        info = tarfile.TarInfo("qemu-riscv64-static")
        info.size, info.mode = qemu.stat().st_size, 0o755
        with open(qemu, "rb") as f:
            tar.addfile(info, f)
    buf.seek(0)
    return buf


def run_docker(bundle: Bundle, inputs: list[np.ndarray], *, vlen: int | None = None, repeat: int = 1,
               timeout: float | None = 600.0, on_progress: ProgressFn = None, steps: int = 1) -> RunResult:
    """Like run_local, but QEMU runs in a locked-down container."""
    import docker
    import requests
    from docker.types import Mount

    prefix = qemu_command(bundle, vlen)  # checks --vlen against the bundle, and that QEMU is installed
    client = docker_client()
    try:
        image, _ = ensure_image(client, on_progress)
        runner_in = f"/bundle/bin/{bundle.runner.name}"
        cmd = ([QEMU_IN_IMAGE, *prefix[1:]] if prefix else []) + [runner_in]
        with tempfile.TemporaryDirectory(prefix="rvpack-docker-") as tmp:
            work = Path(tmp)
            for k, value in enumerate(inputs):
                np.save(work / f"input_{k}.npy", value)
                cmd += ["-i", f"/work/input_{k}.npy"]
            cmd += ["-o", "/work", "-r", str(repeat)] + (["-s", str(steps)] if steps > 1 else [])
            name = f"rvpack-run-{uuid.uuid4().hex[:12]}"
            report(on_progress, "container", f"{name}: {bundle.name} under QEMU")
            proc, wall = _run_container(
                client, image.id, cmd, name, bundle, timeout,
                mounts=[Mount("/bundle", str(bundle.path.resolve()), type="bind", read_only=True),
                        Mount("/work", str(work.resolve()), type="bind", read_only=False)])
            report(on_progress, "container", f"{name}: exit {proc.returncode}, removed", done=True)
            _check_exit(bundle, proc)
            outputs = []
            for k, spec in enumerate(bundle.manifest.outputs):
                path = work / f"output_{k}.npy"
                if not path.is_file():
                    raise RunError(f"{bundle.name}: the runner exited without writing {path.name}")
                outputs.append(np.load(path).reshape(([steps] if steps > 1 else []) + list(spec.shape)))
    except (docker.errors.DockerException, requests.exceptions.RequestException) as e:  # engine gone, ...
        raise RunError(f"Docker engine at {docker_url()}: {_one_line(e)}") from None
    finally:
        client.close()
    layers, total = parse_profile(proc.stdout)
    return RunResult(outputs, layers, total, wall, cmd, emulated=bool(prefix))


def _run_container(client, image_id: str, cmd: list[str], name: str, bundle: Bundle, timeout: float | None,
                   mounts: list) -> tuple[subprocess.CompletedProcess, float]:
    """Creates, starts and waits for the container; always removes it."""
    import docker
    import requests

    container, finished = None, False
    try:
        container = client.containers.create(
            image_id, command=cmd, name=name, labels={CONTAINER_LABEL: "1"}, mounts=mounts,
            working_dir="/work", user=f"{os.getuid()}:{os.getgid()}", network_disabled=True, network_mode="none",
            mem_limit=MEMORY_LIMIT, memswap_limit=MEMORY_LIMIT, nano_cpus=NANO_CPUS, pids_limit=PIDS_LIMIT,
            read_only=True, cap_drop=["ALL"], security_opt=["no-new-privileges"], environment={},
        )
        t0 = time.monotonic()
        container.start()
        deadline = None if timeout is None else t0 + timeout
        while True:
            # The SDK replaces timeout=None by its default API timeout, so always give one.
            step = 3600.0 if deadline is None else max(deadline - time.monotonic(), 0.05)
            try:
                status = container.wait(timeout=step)
                break
            except requests.exceptions.RequestException:
                # The wait request timed out (or the connection broke): still running means our timeout.
                container.reload()
                if container.status not in ("running", "created", "restarting"):
                    continue  # it has just finished: the next wait returns at once
                if deadline is not None and time.monotonic() >= deadline:
                    container.kill()
                    raise RunError(f"{bundle.name}: the run did not finish within {timeout:g} s (container killed)",
                                   hint="raise --timeout, or use a smaller input") from None
        wall = time.monotonic() - t0
        if status.get("Error"):
            raise RunError(f"{bundle.name}: the container failed: {status['Error'].get('Message', status['Error'])}")
        stdout = container.logs(stdout=True, stderr=False).decode(errors="replace")
        stderr = container.logs(stdout=False, stderr=True).decode(errors="replace")
        finished = True
        return subprocess.CompletedProcess(cmd, int(status["StatusCode"]), stdout, stderr), wall
    except docker.errors.APIError as e:
        raise RunError(f"{bundle.name}: the Docker engine refused the run: {_one_line(e)}") from None
    finally:
        problem = _remove(client, container, name)
        if problem and finished:  # otherwise the run's own error is the one to report
            raise RunError(problem, hint=f"remove it with `docker rm -f {name}`")


def _remove(client, container, name: str) -> str:
    """Removes the container (killing it if needed); looks it up by name if
    creation was interrupted before the SDK returned it. Returns a problem, or ""."""
    import docker

    for attempt in range(2):
        try:
            if container is None or attempt:
                client.api.remove_container(name, force=True)
            else:
                container.remove(force=True)
            return ""
        except docker.errors.NotFound:
            return ""
        except Exception as e:  # engine busy or gone: try once more by name
            problem = f"could not remove container {name}: {_one_line(e)}"
    return problem


def _is_static_elf(path: Path) -> bool:
    """True for an ELF with no program interpreter (PT_INTERP)."""
    try:
        with open(path, "rb") as f:
            ident = f.read(64)
            if ident[:4] != b"\x7fELF":
                return False
            is64, little = ident[4] == 2, ident[5] == 1
            end = "<" if little else ">"
            if is64:
                phoff, = struct.unpack_from(end + "Q", ident, 32)
                phentsize, phnum = struct.unpack_from(end + "HH", ident, 54)
            else:
                phoff, = struct.unpack_from(end + "I", ident, 28)
                phentsize, phnum = struct.unpack_from(end + "HH", ident, 42)
            f.seek(phoff)
            table = f.read(phentsize * phnum)
    except (OSError, struct.error):
        return False
    return all(struct.unpack_from(end + "I", table, i * phentsize)[0] != 3 for i in range(phnum))  # 3 = PT_INTERP


def _one_line(e: BaseException) -> str:
    text = " ".join(str(e).split())
    return text if len(text) < 300 else text[:297] + "..."
