"""rvpack deploy against a real OpenSSH server: Debian's sshd on 127.0.0.1 with
its own throwaway host key, client keys and config. The "board" runs riscv64
programs through run_prefix = qemu-riscv64-static. No mocks: ssh, scp, sshd,
QEMU and the bundle are the real ones."""

from __future__ import annotations

import dataclasses
import json
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import numpy as np
import pytest

from rvpack.sdk import reference
from rvpack.sdk.bundle import Bundle
from rvpack.sdk.compiler import build_bundle
from rvpack.sdk.bundle.compat import IncompatibleError as IncompatibleBoardError
from rvpack.sdk.bundle.compat import Isa
from rvpack.sdk.runners.boards import BoardConfigError, load_boards, resolve_board
from rvpack.sdk.runners.deploy import check_board as check_compatible
from rvpack.sdk.runners.deploy import deploy
from rvpack.sdk.runners.probe import BoardInfo
from rvpack.sdk.runners.ssh import DeployError
from rvpack.sdk.targets import get_target
from tests.local_servers import free_port, wait_until_listening
from tests.models import write_tiny_gemm

SSHD = Path("/usr/sbin/sshd")
QEMU_RV64 = "qemu-riscv64-static -cpu rv64"


@pytest.fixture(scope="module")
def sshd(tmp_path_factory):
    """A real sshd on a free port of 127.0.0.1, in the foreground (-D), stopped at the end."""
    for tool in (str(SSHD), shutil.which("ssh"), shutil.which("scp"), shutil.which("ssh-keygen")):
        if not tool or not Path(tool).exists():
            pytest.skip("openssh-server/openssh-client not installed (toolchains/setup.sh installs them)")
    if not shutil.which("qemu-riscv64-static"):
        pytest.skip("qemu-user-static not installed (toolchains/setup.sh installs it)")
    d = tmp_path_factory.mktemp("sshd")
    for key in ("host_key", "client_key", "wrong_key"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", key, "-f", str(d / key)], check=True)
    (d / "authorized_keys").write_text((d / "client_key.pub").read_text())
    port, closed_port = free_port(), free_port()
    (d / "sshd_config").write_text(f"""\
Port {port}
ListenAddress 127.0.0.1
HostKey {d}/host_key
PidFile none
AuthorizedKeysFile {d}/authorized_keys
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
Subsystem sftp internal-sftp
LogLevel VERBOSE
""")
    user = pwd.getpwuid(os.getuid()).pw_name
    common = f"""  User {user}
  IdentitiesOnly yes
  UserKnownHostsFile {d}/known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking accept-new
"""
    (d / "ssh_config").write_text(
        f"Host board\n  HostName 127.0.0.1\n  Port {port}\n  IdentityFile {d}/client_key\n{common}"
        f"Host badkey\n  HostName 127.0.0.1\n  Port {port}\n  IdentityFile {d}/wrong_key\n{common}"
        f"Host closedport\n  HostName 127.0.0.1\n  Port {closed_port}\n  IdentityFile {d}/client_key\n{common}")
    if os.getuid() == 0:
        Path("/run/sshd").mkdir(exist_ok=True)  # sshd's privilege separation directory
    log = open(d / "sshd.log", "w")
    proc = subprocess.Popen([str(SSHD), "-D", "-e", "-f", str(d / "sshd_config")], stdout=log,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    wait_until_listening(proc, port, "sshd", lambda: (d / "sshd.log").read_text(), timeout=15)
    try:
        yield dataclasses.make_dataclass("Sshd", ["dir", "config", "port"])(d, d / "ssh_config", port)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    """y = relu(x @ W + b), built for rv64gc."""
    d = tmp_path_factory.mktemp("tiny")
    write_tiny_gemm(d / "tiny.onnx")
    build_bundle(d / "tiny.onnx", get_target("rv64gc"), d / "tiny.rvpack", force=True)
    return d / "tiny.rvpack"


@pytest.fixture
def boards(sshd, tmp_path) -> Path:
    """Board profiles; every board's remote_dir is under this test's tmp_path/remote."""
    remote = tmp_path / "remote"
    path = tmp_path / "boards.toml"
    path.write_text(f"""\
[boards.emu]
host = "board"
remote_dir = "{remote}/rvpack"
run_prefix = "{QEMU_RV64}"
isa = "rv64imafdc"

[boards.emu-v128]
host = "board"
remote_dir = "{remote}/rvpack"
run_prefix = "qemu-riscv64-static -cpu rv64,v=true,vext_spec=v1.0,vlen=128"

[boards.expects-v]
host = "board"
remote_dir = "{remote}/rvpack"
run_prefix = "{QEMU_RV64}"
isa = "rv64gcv"

[boards.x86]
host = "board"
remote_dir = "{remote}/rvpack"

[boards.badkey]
host = "badkey"
remote_dir = "{remote}/rvpack"
run_prefix = "{QEMU_RV64}"

[boards.closed]
host = "closedport"
remote_dir = "{remote}/rvpack"
run_prefix = "{QEMU_RV64}"

[boards.no-emulator]
host = "board"
remote_dir = "{remote}/rvpack"
run_prefix = "no-such-emulator -cpu rv64"

[boards.file-in-the-way]
host = "board"
remote_dir = "{tmp_path}/a-file/rvpack"
run_prefix = "{QEMU_RV64}"
""")
    (tmp_path / "a-file").write_text("not a directory")
    return path


def _reference(bundle: Bundle, inputs):
    m = bundle.manifest
    return reference.run_reference(Path(m.model["path"]), m.model["format"], [s.name for s in m.inputs], inputs)


def _fake_vector_bundle(tiny: Path, dest: Path, min_vlen: int) -> Bundle:
    """The tiny bundle with an rvv1.0 target in its manifest (only the checks look at it)."""
    shutil.copytree(tiny, dest)
    manifest = json.loads((dest / "manifest.json").read_text())
    manifest["target"] = {**get_target("rvv1.0").spec().to_dict(), "min_vlen": min_vlen}
    (dest / "manifest.json").write_text(json.dumps(manifest))
    return Bundle.open(dest)


def test_deploy_matches_reference_and_leaves_nothing_behind(sshd, boards, tiny, tmp_path):
    bundle = Bundle.open(tiny)
    events = []
    result = deploy(bundle, resolve_board("emu", boards), ssh_config=sshd.config, on_progress=events.append)
    comparisons = reference.compare(["y"], result.outputs, _reference(bundle, result.inputs))
    assert all(c.ok for c in comparisons), comparisons
    assert result.uploaded and not result.kept
    assert [t.op for t in result.layers] == ["Gemm"] and result.total_us > 0
    assert (result.board.arch, result.board.isa, result.board.vector) == ("riscv64", "rv64imafdc", "none")
    assert result.board.isa_source == "hwcap" and result.board.host_arch == os.uname().machine
    assert {"connect", "probe", "upload", "run", "download"} <= {e.stage for e in events}
    assert not (tmp_path / "remote").exists(), list((tmp_path / "remote").rglob("*"))


def test_keep_then_second_deploy_skips_the_upload(sshd, boards, tiny, tmp_path):
    bundle = Bundle.open(tiny)
    board = resolve_board("emu", boards)
    first = deploy(bundle, board, ssh_config=sshd.config, keep=True)
    runner = Path(first.remote_bundle) / "bin" / "tiny_run"
    assert first.uploaded and runner.is_file() and (Path(first.remote_bundle) / ".rvpack-hash").is_file()
    assert Path(first.remote_run_dir, "output_0.npy").is_file()  # kept: inputs and outputs too
    stamp = runner.stat().st_mtime_ns, runner.stat().st_ino
    events = []
    second = deploy(bundle, board, ssh_config=sshd.config, keep=True, seed=1, on_progress=events.append)
    assert not second.uploaded and second.remote_bundle == first.remote_bundle
    assert (runner.stat().st_mtime_ns, runner.stat().st_ino) == stamp
    assert any("already" in e.message for e in events if e.stage == "upload")
    assert all(c.ok for c in reference.compare(["y"], second.outputs, _reference(bundle, second.inputs)))
    # keep=False leaves what it found (the kept bundle) and removes only its own run directory.
    third = deploy(bundle, board, ssh_config=sshd.config)
    assert not third.uploaded and runner.is_file() and not Path(third.remote_run_dir).exists()


def test_bundle_path_with_spaces_and_shell_metacharacters(sshd, boards, tiny, tmp_path, monkeypatch):
    stray = f"rvpack-stray-{uuid.uuid4().hex[:8]}"
    weird = tmp_path / f"a b;$(touch {stray})'q `touch {stray}` \"$HOME\".rvpack"
    shutil.copytree(tiny, weird)
    monkeypatch.chdir(tmp_path)
    bundle = Bundle.open(weird)
    result = deploy(bundle, resolve_board("emu", boards), ssh_config=sshd.config, inputs=[np.ones((2, 4), np.float32)])
    np.testing.assert_allclose(result.outputs[0], _reference(bundle, result.inputs)[0], rtol=1e-6)
    for place in (tmp_path, Path.home(), Path("/"), Path(sys.prefix)):
        assert not (place / stray).exists(), place
    assert not [p for p in tmp_path.rglob("*") if p.name == stray]


def test_home_relative_dir_legacy_scp_without_multiplexing(sshd, tiny, tmp_path):
    """remote_dir = "~/...": relative to the login directory for ssh and for scp -O (legacy protocol)."""
    name = f".rvpack-test-{uuid.uuid4().hex[:8]}"
    path = tmp_path / "boards.toml"
    path.write_text(f'[boards.plain]\nhost = "board"\nremote_dir = "~/{name}/deep"\nrun_prefix = "{QEMU_RV64}"\n'
                    "legacy_scp = true\nmultiplex = false\n")
    home = Path(pwd.getpwuid(os.getuid()).pw_dir)
    try:
        bundle = Bundle.open(tiny)
        result = deploy(bundle, resolve_board("plain", path), ssh_config=sshd.config, keep=True)
        assert result.remote_bundle.startswith(f"{name}/deep/tiny-")
        assert (home / result.remote_bundle / "bin" / "tiny_run").is_file()
        again = deploy(bundle, resolve_board("plain", path), ssh_config=sshd.config)
        assert not again.uploaded
        assert all(c.ok for c in reference.compare(["y"], again.outputs, _reference(bundle, again.inputs)))
    finally:
        shutil.rmtree(home / name, ignore_errors=True)


def test_unknown_host(sshd, boards, tiny):
    with pytest.raises(DeployError, match="cannot resolve host name 'no-such-board.invalid'"):
        deploy(Bundle.open(tiny), resolve_board("no-such-board.invalid", boards), ssh_config=sshd.config)


def test_refused_login(sshd, boards, tiny):
    with pytest.raises(DeployError) as e:
        deploy(Bundle.open(tiny), resolve_board("badkey", boards), ssh_config=sshd.config)
    assert "ssh login refused" in str(e.value) and "Permission denied" in str(e.value)
    assert "never a password" in e.value.hint


def test_connection_refused(sshd, boards, tiny):
    with pytest.raises(DeployError, match="connection refused"):
        deploy(Bundle.open(tiny), resolve_board("closed", boards), ssh_config=sshd.config)


def test_remote_command_failure(sshd, boards, tiny):
    with pytest.raises(DeployError) as e:
        deploy(Bundle.open(tiny), resolve_board("file-in-the-way", boards), ssh_config=sshd.config)
    assert "probe failed" in str(e.value) and "cannot create the remote directory" in str(e.value)
    assert "Not a directory" in str(e.value)
    with pytest.raises(DeployError) as e:
        deploy(Bundle.open(tiny), resolve_board("no-emulator", boards), ssh_config=sshd.config)
    assert "run_prefix `no-such-emulator -cpu rv64` cannot run a riscv64 program" in str(e.value)
    assert "not found" in str(e.value)


def _processes_mentioning(text: str) -> list[str]:
    found = []
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if text in cmdline:
            found.append(cmdline)
    return found


def test_timeout_stops_the_run_on_the_board(sshd, boards, tiny, tmp_path):
    t0 = time.monotonic()
    with pytest.raises(DeployError, match=r"did not finish within 2 s \(stopped on the board\)"):
        deploy(Bundle.open(tiny), resolve_board("emu", boards), ssh_config=sshd.config, repeat=10**8, timeout=2)
    assert time.monotonic() - t0 < 20
    assert not _processes_mentioning(str(tmp_path / "remote"))
    assert not (tmp_path / "remote").exists()


def test_ctrl_c_stops_the_run_on_the_board_and_cleans_up(sshd, boards, tiny, tmp_path, interruptible):
    main = threading.main_thread().ident
    remote = str(tmp_path / "remote")

    def interrupt_when_running():
        deadline = time.monotonic() + 30
        running = re.compile(re.escape(remote) + r"/rvpack/tiny-[0-9a-f]{12}/bin/tiny_run")  # the runner itself
        while time.monotonic() < deadline and not any(running.search(c) for c in _processes_mentioning(remote)):
            time.sleep(0.05)
        signal.pthread_kill(main, signal.SIGINT)

    thread = threading.Thread(target=interrupt_when_running)
    thread.start()
    t0 = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            deploy(Bundle.open(tiny), resolve_board("emu", boards), ssh_config=sshd.config, repeat=10**8, timeout=300)
    finally:
        thread.join()
    assert time.monotonic() - t0 < 30
    assert not _processes_mentioning(remote)
    assert not (tmp_path / "remote").exists()


def test_incompatible_isa_is_refused_before_copying(sshd, boards, tiny, tmp_path):
    bundle = _fake_vector_bundle(tiny, tmp_path / "vec.rvpack", min_vlen=128)
    with pytest.raises(IncompatibleBoardError) as e:
        deploy(bundle, resolve_board("emu", boards), ssh_config=sshd.config)
    text = str(e.value)
    assert "board 'emu'" in text and "rv64imafdc, no vector unit" in text
    assert "the bundle needs RVV 1.0: rvv1.0 (rv64imafdcv, VLEN >= 128)" in text
    assert not (tmp_path / "remote").exists()


def test_incompatible_vlen(sshd, boards, tiny, tmp_path):
    bundle = _fake_vector_bundle(tiny, tmp_path / "vec.rvpack", min_vlen=256)
    with pytest.raises(IncompatibleBoardError) as e:
        deploy(bundle, resolve_board("emu-v128", boards), ssh_config=sshd.config)
    assert "board 'emu-v128'" in str(e.value) and "RVV 1.0 VLEN=128" in str(e.value)
    assert "VLEN=128 is below the bundle's minimum VLEN 256" in str(e.value)
    with pytest.raises(IncompatibleBoardError, match="expected VLEN=256 .* the board reports VLEN=128"):
        deploy(Bundle.open(tiny), resolve_board("emu-v128", boards), ssh_config=sshd.config, vlen=256)


def test_board_that_is_not_riscv_or_not_what_its_profile_says(sshd, boards, tiny):
    with pytest.raises(IncompatibleBoardError) as e:
        deploy(Bundle.open(tiny), resolve_board("x86", boards), ssh_config=sshd.config)
    assert f"needs a riscv64 Linux machine, this one is {os.uname().machine}" in str(e.value)
    assert "run_prefix" in e.value.hint
    with pytest.raises(IncompatibleBoardError, match="expects isa rv64gcv, the board reports rv64imafdc .missing v"):
        deploy(Bundle.open(tiny), resolve_board("expects-v", boards), ssh_config=sshd.config)


def test_check_compatible_vector_flavours(tiny, tmp_path):
    rvv = _fake_vector_bundle(tiny, tmp_path / "vec.rvpack", min_vlen=128)
    thead = BoardInfo("lpi4a", "riscv64", "riscv64", "rv64imafdc_xtheadvector", "/proc/cpuinfo", "xtheadvector", 128)
    with pytest.raises(IncompatibleBoardError, match=r"RVV 0.7.1 \(XTheadVector\), the bundle needs RVV 1.0"):
        check_compatible(rvv, thead)
    k1 = BoardInfo("k1", "riscv64", "riscv64", "rv64imafdcv_zba_zbb", "/proc/cpuinfo", "rvv1.0", 256)
    check_compatible(rvv, k1)
    check_compatible(Bundle.open(tiny), k1)
    check_compatible(Bundle.open(tiny), thead)
    assert str(Isa.parse("rv64gcv_zba")) == "rv64imafdcv_zba_zicsr_zifencei"
    assert str(Isa.parse("rv64imafdcvsu")) == "rv64imafdcv"


def test_board_profiles_are_validated(tmp_path):
    path = tmp_path / "b.toml"
    path.write_text('[boards.a]\nhost = "h"\nremote_dir = "/tmp/x y"\n')
    with pytest.raises(BoardConfigError, match="remote_dir '/tmp/x y' must be a plain path"):
        load_boards(path)
    path.write_text('[boards.a]\nhost = "h"\nvlen = "128"\n')
    with pytest.raises(BoardConfigError, match="vlen must be a int"):
        load_boards(path)
    path.write_text('[boards.a]\nhostname = "h"\n')
    with pytest.raises(BoardConfigError, match="unknown key"):
        load_boards(path)
    path.write_text("")
    board = resolve_board("ssh://me@example.org:2222", path)
    assert (board.user, board.host, board.port) == ("me", "example.org", 2222)
    with pytest.raises(BoardConfigError):
        resolve_board("-oProxyCommand=touch_x", path)


def _rvpack(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rvpack.cli", *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "COLUMNS": "200"})


def test_cli_deploy_check_and_a_clean_error(sshd, boards, tiny, tmp_path):
    proc = _rvpack("deploy", str(tiny), "--host", "emu", "--boards", str(boards), "--ssh-config", str(sshd.config),
                   "--check")
    assert proc.returncode == 0, proc.stderr
    assert "check passed" in proc.stdout and "board emu" in proc.stdout
    proc = _rvpack("deploy", str(tiny), "--host", "badkey", "--boards", str(boards), "--ssh-config", str(sshd.config))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "ssh login refused" in proc.stderr
