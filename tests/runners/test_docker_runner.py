"""`rvpack run --runner docker`: QEMU in a throwaway container, against the real
Docker engine (no mocks). Skipped, with the reason, only when no engine is reachable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from rvpack.sdk import reference
from rvpack.sdk.bundle import Bundle
from rvpack.sdk.compiler import build_bundle
from rvpack.sdk.errors import RunError, ToolMissingError
from rvpack.sdk.runners import docker_runner
from rvpack.sdk.runners.docker_runner import CONTAINER_LABEL, ensure_image, host_qemu, image_tag, run_docker
from rvpack.sdk.runners.local import run_local
from rvpack.sdk.targets import get_target
from tests.models import write_tiny_gemm


@pytest.fixture(scope="module")
def client():
    try:
        c = docker_runner.docker_client()
    except ToolMissingError as e:
        pytest.skip(f"no Docker engine: {e}")
    yield c
    c.close()


def _leftovers(client) -> list:
    return client.containers.list(all=True, filters={"label": f"{CONTAINER_LABEL}=1"})


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Bundle:
    """y = relu(x @ W + b), built for rv64gc, in a directory whose name has a space."""
    d = tmp_path_factory.mktemp("docker")
    write_tiny_gemm(d / "tiny.onnx")
    return build_bundle(d / "tiny.onnx", get_target("rv64gc"), d / "my tiny.rvpack", force=True).bundle


def test_runs_in_a_container_and_matches_the_reference(client, tiny):
    inputs = reference.make_inputs(tiny.manifest.inputs, seed=3)
    result = run_docker(tiny, inputs, timeout=120)
    refs = reference.run_reference(Path(tiny.manifest.model["path"]), "onnx", ["x"], inputs)
    assert all(c.ok for c in reference.compare(["y"], result.outputs, refs))
    np.testing.assert_array_equal(result.outputs[0], run_local(tiny, inputs).outputs[0])
    assert [t.op for t in result.layers] == ["Gemm"] and result.total_us > 0 and result.emulated
    assert result.command[0] == docker_runner.QEMU_IN_IMAGE and "/bundle/bin/tiny_run" in result.command
    assert not _leftovers(client)


def test_image_is_built_once_then_reused(client, tiny):
    import docker

    tag = image_tag(host_qemu())
    try:
        client.images.remove(tag, force=True)  # our own tag: rebuilt below in ~2 s
    except docker.errors.ImageNotFound:
        pass
    inputs = reference.make_inputs(tiny.manifest.inputs, seed=0)
    first, second = [], []
    run_docker(tiny, inputs, on_progress=first.append)
    run_docker(tiny, inputs, on_progress=second.append)
    assert [e.message for e in first if e.stage == "image" and "building" in e.message]
    assert not [e for e in second if e.stage == "image" and "building" in e.message]
    assert any("(cached)" in e.message for e in second)
    image, built = ensure_image(client)
    assert not built and tag in image.tags and image.labels.get("org.rvpack.image") == "qemu-riscv64"
    attrs = client.images.get(tag).attrs
    assert attrs["Config"]["Entrypoint"] is None and attrs["RootFS"]["Layers"] and len(attrs["RootFS"]["Layers"]) == 1


def test_timeout_kills_and_removes_the_container(client, tiny):
    inputs = reference.make_inputs(tiny.manifest.inputs, seed=0)
    t0 = time.monotonic()
    with pytest.raises(RunError, match=r"did not finish within 1 s \(container killed\)"):
        run_docker(tiny, inputs, repeat=10**8, timeout=1.0)
    assert time.monotonic() - t0 < 30
    assert not _leftovers(client)


def test_locked_down_container_removed_on_ctrl_c(client, tiny, interruptible):
    """While a long run goes on, look at its container; then Ctrl-C: it must be gone."""
    inputs = reference.make_inputs(tiny.manifest.inputs, seed=0)
    main = threading.main_thread().ident
    seen = {}

    def inspect_then_interrupt():
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not seen:
            for c in _leftovers(client):
                if c.status == "running":
                    seen.update(c.attrs)
            time.sleep(0.1)
        signal.pthread_kill(main, signal.SIGINT)

    thread = threading.Thread(target=inspect_then_interrupt)
    thread.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            run_docker(tiny, inputs, repeat=10**8, timeout=120)
    finally:
        thread.join()
    assert not _leftovers(client)
    host, config = seen["HostConfig"], seen["Config"]
    assert host["ReadonlyRootfs"] and host["NetworkMode"] == "none" and config["NetworkDisabled"]
    assert host["CapDrop"] == ["ALL"] and host["SecurityOpt"] == ["no-new-privileges"]
    assert host["Memory"] == 2 * 1024**3 and host["NanoCpus"] == 10**9 and host["PidsLimit"] == 64
    assert config["User"] == f"{os.getuid()}:{os.getgid()}" and config["Labels"][CONTAINER_LABEL] == "1"
    mounts = {m["Destination"]: m for m in seen["Mounts"]}
    assert mounts["/bundle"]["RW"] is False and mounts["/bundle"]["Source"] == str(tiny.path.resolve())
    assert mounts["/work"]["RW"] is True


def test_unreachable_engine_is_one_clear_line(tiny, monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent")
    with pytest.raises(ToolMissingError) as e:
        run_docker(tiny, reference.make_inputs(tiny.manifest.inputs, seed=0))
    assert str(e.value) == "Docker engine not reachable at unix:///nonexistent: start it, or use --runner qemu"
    proc = subprocess.run([sys.executable, "-m", "rvpack.cli", "run", str(tiny.path), "--runner", "docker"],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "DOCKER_HOST": "unix:///nonexistent", "COLUMNS": "200"})
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "error: Docker engine not reachable at unix:///nonexistent: start it, or use --runner qemu" in proc.stderr


def test_cli_run_with_the_docker_runner(client, tiny):
    proc = subprocess.run([sys.executable, "-m", "rvpack.cli", "run", str(tiny.path), "--runner", "docker", "--check"],
                          capture_output=True, text=True, timeout=300, env={**os.environ, "COLUMNS": "200"})
    assert proc.returncode == 0, proc.stderr
    assert "check passed" in proc.stdout
    assert not _leftovers(client)
