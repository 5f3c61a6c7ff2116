"""Bazel remote cache against a real HTTP cache server: nginx (Debian) with
WebDAV PUT on 127.0.0.1, started and stopped here. One build with an empty
local cache fills the remote one; a second build with another empty local
cache is served by it (Bazel's own count of remote hits, from its execution
log) and produces the same program; an unreachable cache costs one warning
and a local build."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rvpack.cli.render import human_bytes
from rvpack.sdk.build import bazel
from tests.local_servers import free_port, wait_until_listening
from tests.models import write_tiny_gemm

# Debian installs it in /usr/sbin, which a non-root PATH may lack.
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")

pytestmark = [
    pytest.mark.skipif(shutil.which("bazel") is None, reason="bazel is not installed"),
    pytest.mark.skipif(NGINX is None, reason="nginx is not installed (toolchains/setup.sh)"),
]

NGINX_CONF = """\
daemon off;
master_process off;
worker_processes 1;
pid {root}/nginx.pid;
events {{ worker_connections 64; }}
http {{
  access_log {root}/access.log;
  client_body_temp_path {root}/tmp/body;
  proxy_temp_path {root}/tmp/proxy;
  fastcgi_temp_path {root}/tmp/fastcgi;
  uwsgi_temp_path {root}/tmp/uwsgi;
  scgi_temp_path {root}/tmp/scgi;
  client_max_body_size 0;
  server {{
    listen 127.0.0.1:{port};
    root {root}/store;
    location / {{
      dav_methods PUT;
      create_full_put_path on;
    }}
  }}
}}
"""


@pytest.fixture(scope="module")
def cache_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("nginx")
    (root / "store").mkdir()
    (root / "tmp").mkdir()
    port = free_port()
    conf = root / "nginx.conf"
    conf.write_text(NGINX_CONF.format(root=root, port=port))
    proc = subprocess.Popen([NGINX, "-p", str(root), "-c", str(conf), "-e", str(root / "error.log")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    log = root / "error.log"
    wait_until_listening(proc, port, "nginx", lambda: log.read_text() if log.exists() else "")
    yield f"http://127.0.0.1:{port}/rvpack", root
    proc.terminate()
    proc.wait(timeout=30)


def _build(model: Path, out: Path, cache: Path, *extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "RVPACK_CACHE": str(cache), "COLUMNS": "200"}
    env.pop("RVPACK_REMOTE_CACHE", None)
    return subprocess.run([sys.executable, "-m", "rvpack.cli", "build", str(model), "-o", str(out), "--force",
                           "-q", *extra], capture_output=True, text=True, env=env, timeout=1800)


def _shutdown(cache: Path) -> None:
    if (cache / "workspace").is_dir():
        subprocess.run(["bazel", f"--output_base={cache / 'bazel'}", "--nohome_rc", "shutdown"],
                       cwd=cache / "workspace", capture_output=True, timeout=120)


def _served(stdout: str) -> int:
    line = next(line for line in stdout.splitlines() if "remote cache" in line)
    return int(line.split("remote cache")[1].split()[1])


@pytest.fixture(scope="module")
def caches(tmp_path_factory):
    """Two empty local build caches (Bazel workspace + output base)."""
    first, second = tmp_path_factory.mktemp("cache1"), tmp_path_factory.mktemp("cache2")
    yield first, second
    _shutdown(first)
    _shutdown(second)


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> Path:
    return write_tiny_gemm(tmp_path_factory.mktemp("model") / "tiny.onnx")


def test_a_second_empty_cache_is_served_by_the_remote_one(cache_server, caches, model, tmp_path):
    url, server_root = cache_server
    first, second = caches
    # The same command line both times: the generated C records it.
    out = tmp_path / "tiny.rvpack"
    proc = _build(model, out, first, "--remote-cache", url)
    assert proc.returncode == 0, proc.stderr
    assert _served(proc.stdout) == 0
    first_program = (out / "bin" / "tiny_run").read_bytes()
    puts = [line for line in (server_root / "access.log").read_text().splitlines() if '"PUT /rvpack/' in line]
    assert any("/cas/" in line for line in puts) and any("/ac/" in line for line in puts), puts[:5]

    proc = _build(model, out, second, "--remote-cache", url)
    assert proc.returncode == 0, proc.stderr
    hits = _served(proc.stdout)
    spawns = list(bazel._spawns(next((second / "logs").glob("tiny-*.exec.json"))))
    compiled_here = [a for a, remote in spawns if not remote and a.startswith("CppCompile")]
    print(f"remote cache: {len(puts)} uploads by the first build; the second: {hits} actions served, "
          f"{len(compiled_here)} compiled locally")
    assert hits >= 10 and hits == sum(remote for _, remote in spawns)
    assert compiled_here == []
    assert (out / "bin" / "tiny_run").read_bytes() == first_program


def test_an_unreachable_cache_gives_one_warning_and_builds_locally(caches, model, tmp_path):
    url = f"http://127.0.0.1:{free_port()}/rvpack"  # nothing listens there
    proc = _build(model, tmp_path / "a.rvpack", caches[1], "--remote-cache", url)
    assert proc.returncode == 0, proc.stderr
    warnings = [line for line in proc.stderr.splitlines() if line.startswith("warning")]
    assert len(warnings) == 1 and url in warnings[0] and "unreachable" in warnings[0], proc.stderr
    assert (tmp_path / "a.rvpack" / "bin" / "tiny_run").is_file()
    assert "not used" in proc.stdout


def test_a_malformed_cache_url_is_refused(model, tmp_path):
    proc = _build(model, tmp_path / "a.rvpack", tmp_path / "cache", "--remote-cache", "ftp://cache.example/x")
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert "--remote-cache ftp://cache.example/x" in proc.stderr and "http://" in proc.stderr
    assert not (tmp_path / "a.rvpack").exists()


def test_clean_and_eviction_on_a_real_cache(caches, model, tmp_path, monkeypatch):
    """On the first test's real Bazel cache: a second bundle name is staged,
    eviction down to one bundle removes the older package with its Bazel
    outputs and copies but keeps the compiled runtime; `rvpack clean --builds`
    then frees exactly what `rvpack clean` listed."""
    from rvpack.sdk.build import cache as build_cache

    first = caches[0]
    proc = _build(model, tmp_path / "other.rvpack", first, "--name", "other")
    assert proc.returncode == 0, proc.stderr
    monkeypatch.setenv("RVPACK_CACHE", str(first))
    outputs = list((first / "bazel" / "execroot").glob("*/bazel-out/*/bin/bundles/*"))
    assert {p.name.rsplit("_", 1)[0] for p in outputs} == {"tiny", "other"}, outputs
    runtime = list((first / "bazel" / "execroot").glob("*/bazel-out/*/bin/external/rvpack/runtime/*.a"))
    assert runtime

    removed = build_cache.evict_bundles(keep=1)
    assert [name.rsplit("_", 1)[0] for name in removed] == ["tiny"]  # least recently built
    assert [p.name.rsplit("_", 1)[0] for p in (first / "bazel" / "execroot").glob("*/bazel-out/*/bin/bundles/*")] \
        == ["other"]
    assert not (first / "out" / "rv64gc" / "tiny").exists() and (first / "out" / "rv64gc" / "other").is_dir()
    assert all(p.exists() for p in runtime)

    env = {**os.environ, "RVPACK_CACHE": str(first), "COLUMNS": "250"}
    listed = build_cache.entries(["builds"])
    proc = subprocess.run([sys.executable, "-m", "rvpack.cli", "clean", "--builds"], capture_output=True, text=True,
                          env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    for e in listed:
        assert f"removed {e.path}" in proc.stdout and not e.path.exists()
    freed = proc.stdout.split("freed")[-1].strip()
    assert freed == human_bytes(sum(e.bytes for e in listed))
    assert sum(e.bytes for e in listed) > 1 << 20  # the runtime's objects at least
