"""Deploying a bundle to a real board over OpenSSH, and running it there.

Everything goes through the user's own `ssh` and `scp` executables (argument
lists, never a local shell), so ~/.ssh/config, keys, the agent, ProxyJump and
known_hosts work as they do on the command line. rvpack never handles
passwords: BatchMode=yes makes ssh fail instead of prompting.

One deploy:
  1. connect    one multiplexed master connection (ControlMaster), so the
                steps below cost one handshake, not six
  2. probe      uname, /proc/cpuinfo, and a tiny static riscv64 probe program
                (built here with zig cc, sent over ssh's stdin, run from a
                temp dir and removed): AT_HWCAP, VLEN (vlenb), and whether
                the vector unit is RVV 1.0 or 0.7.1 (XTheadVector)
  3. check      refuse a bundle the board cannot run, naming what it has and
                what the bundle needs
  4. upload     scp the runtime part of the bundle (manifest.json, bin/) to
                <remote_dir>/<name>-<hash12>/, skipped when a marker with the
                same content hash is already there, and the inputs (.npy)
  5. run        the runner program (through the board's run_prefix, e.g. an
                emulator), under `timeout` when the board has it
  6. download   scp the outputs back
  7. cleanup    remove what this deploy created unless keep=True

Remote paths are built only from a portable set of characters (the profile's
remote_dir is checked), so they mean the same thing to the remote shell, to
scp in SFTP mode and in legacy mode; every remote path is still quoted with
shlex.quote in the remote command, which always runs as `sh -c '<script>'`.
Local paths may contain anything: they are separate arguments.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import os
import posixpath
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
import tomllib
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rvpack.sdk.bundle import Bundle
from rvpack.sdk.errors import (BundleError, InputError, RunError, RvpackError, ToolMissingError,
                               UnsupportedTargetError)
from rvpack.sdk.progress import ProgressFn, report
from rvpack.sdk.runners.local import LayerTime, _check_exit, parse_profile

DEFAULT_BOARDS_FILE = Path("~/.config/rvpack/boards.toml")
DEFAULT_REMOTE_DIR = "/tmp/rvpack"
CONNECT_TIMEOUT = 10  # seconds: ssh ConnectTimeout
IO_TIMEOUT = 300.0  # seconds for one probe/copy/cleanup step
PROFILE_KEYS = {"host", "port", "user", "remote_dir", "run_prefix", "isa", "vlen", "legacy_scp", "multiplex"}
MARKER = ".rvpack-hash"
# Remote paths: characters that mean the same to sh, to scp (SFTP and legacy) and in sftp globs.
_SAFE_REMOTE = re.compile(r"[A-Za-z0-9_./+@%=,-]+")
_SAFE_NAME = re.compile(r"[A-Za-z0-9_.-]+")


class DeployError(RunError):
    """ssh/scp could not reach the board, or a command on the board failed."""


class BoardConfigError(InputError):
    """boards.toml or --host is malformed."""


class IncompatibleBoardError(UnsupportedTargetError):
    """The board cannot run this bundle (architecture, extension, VLEN)."""


# ---- board profiles -----------------------------------------------------------
@dataclass(frozen=True)
class BoardProfile:
    name: str  # the profile name, or the destination as given
    host: str  # what ssh connects to: a host name, address or ~/.ssh/config alias
    port: int | None = None
    user: str | None = None
    remote_dir: str = DEFAULT_REMOTE_DIR
    run_prefix: str = ""  # shell words put before the runner, e.g. "qemu-riscv64-static -cpu rv64"
    isa: str | None = None  # the ISA the board is expected to have (checked against the probe)
    vlen: int | None = None  # the VLEN the board is expected to have, in bits
    legacy_scp: bool = False  # scp -O: for boards without an SFTP server (e.g. dropbear)
    multiplex: bool = True  # one ssh master connection for all steps

    @property
    def destination(self) -> str:
        """For messages: user@host, with the port when one is set."""
        return (f"{self.user}@" if self.user else "") + self.host + (f" port {self.port}" if self.port else "")


def load_boards(path: Path) -> dict[str, BoardProfile]:
    """Reads `[boards.NAME]` tables from a TOML file."""
    try:
        data = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise BoardConfigError(f"{path}: no such boards file",
                               hint="write one with [boards.NAME] tables (host, remote_dir, run_prefix, ...)") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as e:
        raise BoardConfigError(f"{path}: not a valid TOML file ({e})") from None
    boards = data.get("boards", {})
    if not isinstance(boards, dict):
        raise BoardConfigError(f"{path}: `boards` must be a table of [boards.NAME] tables")
    profiles = {}
    for name, table in boards.items():
        where = f"{path}: [boards.{name}]"
        if not isinstance(table, dict):
            raise BoardConfigError(f"{where} must be a table")
        unknown = sorted(set(table) - PROFILE_KEYS)
        if unknown:
            raise BoardConfigError(f"{where}: unknown key(s) {', '.join(unknown)}",
                                   hint="known keys: " + ", ".join(sorted(PROFILE_KEYS)))
        if "host" not in table:
            raise BoardConfigError(f"{where} has no host", hint='add host = "board.local" (or an ~/.ssh/config alias)')
        for key, kind in (("host", str), ("user", str), ("remote_dir", str), ("run_prefix", str), ("isa", str),
                          ("port", int), ("vlen", int), ("legacy_scp", bool), ("multiplex", bool)):
            if key in table and (not isinstance(table[key], kind) or (kind is int and isinstance(table[key], bool))):
                raise BoardConfigError(f"{where}: {key} must be a {kind.__name__}, got {table[key]!r}")
        profile = BoardProfile(name=name, **table)
        _validate_profile(profile, where)
        profiles[name] = profile
    return profiles


def resolve_board(host: str, boards_file: Path | None = None) -> BoardProfile:
    """`host` is a profile name from `boards_file` (default ~/.config/rvpack/boards.toml,
    if it exists) or a plain ssh destination: [user@]host or ssh://[user@]host[:port]."""
    if boards_file is None:
        default = DEFAULT_BOARDS_FILE.expanduser()
        boards_file = default if default.is_file() else None
    profiles = load_boards(boards_file) if boards_file is not None else {}
    if host in profiles:
        return profiles[host]
    user, port, name = None, None, host
    if host.startswith("ssh://"):
        m = re.fullmatch(r"ssh://(?:([^@/]+)@)?(\[[^\]]+\]|[^:/\[\]]+)(?::(\d+))?/?", host)
        if not m:
            raise BoardConfigError(f"--host {host}: not an ssh:// destination", hint="write ssh://user@host:port")
        user, host, port = m.group(1), m.group(2).strip("[]"), int(m.group(3)) if m.group(3) else None
    elif "@" in host:
        user, _, host = host.rpartition("@")
    profile = BoardProfile(name=name, host=host, user=user, port=port)
    _validate_profile(profile, f"--host {name}")
    return profile


def _validate_profile(p: BoardProfile, where: str) -> None:
    for key, value in (("host", p.host), ("user", p.user)):
        if value is not None and (not value or value.startswith("-") or re.search(r"[\s\x00-\x1f'\"`$;&|<>\\]", value)):
            raise BoardConfigError(f"{where}: {key} {value!r} is not a valid ssh {key}")
    if p.port is not None and not 0 < p.port < 65536:
        raise BoardConfigError(f"{where}: port {p.port} is out of range")
    remote_dir_path(p.remote_dir, where)
    try:
        shlex.split(p.run_prefix)
    except ValueError as e:
        raise BoardConfigError(f"{where}: run_prefix {p.run_prefix!r} is not valid shell words ({e})") from None
    if p.vlen is not None and (p.vlen < 32 or p.vlen & (p.vlen - 1)):
        raise BoardConfigError(f"{where}: vlen {p.vlen} is not a power of two >= 32")


def remote_dir_path(remote_dir: str, where: str = "remote_dir") -> str:
    """The remote_dir as used in commands: `~` and `~/x` become paths relative to
    the login directory (where both ssh commands and scp start)."""
    d = remote_dir.strip()
    if d in ("~", "~/"):
        d = "."
    elif d.startswith("~/"):
        d = d[2:]
    d = posixpath.normpath(d) if d else d
    if not d or not _SAFE_REMOTE.fullmatch(d) or ".." in d.split("/"):
        raise BoardConfigError(f"{where}: remote_dir {remote_dir!r} must be a plain path (letters, digits and "
                               "_ . / + @ % = , -; no spaces, quotes or ..)",
                               hint='e.g. remote_dir = "/tmp/rvpack" or "~/rvpack"')
    return "./" + d if d.startswith("-") else d


# ---- ssh / scp ------------------------------------------------------------------
class SshSession:
    """ssh/scp to one board. With multiplexing (the default) the first step opens
    a master connection that later steps reuse; close() ends it."""

    def __init__(self, board: BoardProfile, *, ssh_config: Path | None = None,
                 connect_timeout: int = CONNECT_TIMEOUT) -> None:
        self.board = board
        self.ssh_config = ssh_config
        self.connect_timeout = connect_timeout
        self._control_dir: str | None = None
        for tool in ("ssh", "scp"):
            if shutil.which(tool) is None:
                raise ToolMissingError(f"{tool} not found (rvpack deploy uses OpenSSH's ssh and scp)",
                                       hint="apt-get install openssh-client")
        if ssh_config is not None and not Path(ssh_config).is_file():
            raise BoardConfigError(f"ssh config {ssh_config}: no such file")

    def __enter__(self) -> "SshSession":
        self.open()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _options(self) -> list[str]:
        opts = ["-F", str(self.ssh_config)] if self.ssh_config else []
        opts += ["-o", "BatchMode=yes", "-o", f"ConnectTimeout={self.connect_timeout}",
                 "-o", "ServerAliveInterval=15", "-o", "ServerAliveCountMax=4"]
        if self.board.user:
            opts += ["-o", f"User={self.board.user}"]
        if self._control_dir:
            opts += ["-o", f"ControlPath={self._control_dir}/c", "-o", "ControlMaster=no"]
        return opts

    def ssh_argv(self, remote_command: str | None) -> list[str]:
        port = ["-p", str(self.board.port)] if self.board.port else []
        return ["ssh", *self._options(), *port, "--", self.board.host] + ([remote_command] if remote_command else [])

    def scp_argv(self, sources: list[str], target: str) -> list[str]:
        port = ["-P", str(self.board.port)] if self.board.port else []
        legacy = ["-O"] if self.board.legacy_scp else []
        return ["scp", *self._options(), *port, *legacy, "-r", "-p", "--", *sources, target]

    def remote(self, path: str) -> str:
        host = f"[{self.board.host}]" if ":" in self.board.host else self.board.host
        return f"{host}:{path}"

    def open(self) -> None:
        if not self.board.multiplex or self._control_dir:
            return
        control = tempfile.mkdtemp(prefix="rvpack-ssh-", dir="/tmp" if os.path.isdir("/tmp") else None)
        argv = self.ssh_argv(None)
        i = argv.index("--")
        argv[i:i] = ["-o", "ControlMaster=yes", "-o", f"ControlPath={control}/c", "-o", "ControlPersist=120",
                     "-N", "-f"]
        log = Path(control) / "master.log"
        try:
            with open(log, "w") as err:
                # -f: ssh returns once logged in, leaving the master in the background; its
                # output goes to a file, not a pipe, so nothing here waits for it to exit.
                proc = _execute(argv, timeout=self.connect_timeout + 30, stdout=subprocess.DEVNULL, stderr=err)
            stderr = log.read_text(errors="replace")
        except subprocess.TimeoutExpired:
            shutil.rmtree(control, ignore_errors=True)
            raise self._error(255, f"Connection timed out (no login within {self.connect_timeout + 30} s)",
                              "connect") from None
        except BaseException:
            shutil.rmtree(control, ignore_errors=True)
            raise
        if proc.returncode != 0:
            shutil.rmtree(control, ignore_errors=True)
            raise self._error(proc.returncode, stderr, "connect")
        self._control_dir = control

    def close(self) -> None:
        control, self._control_dir = self._control_dir, None
        if not control:
            return
        argv = ["ssh", *(["-F", str(self.ssh_config)] if self.ssh_config else []), "-o", f"ControlPath={control}/c",
                "-O", "exit", "--", self.board.host]
        try:
            _execute(argv, timeout=15, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except (subprocess.TimeoutExpired, OSError):
            pass  # ControlPersist ends an idle master on its own
        shutil.rmtree(control, ignore_errors=True)

    def run(self, script: str, *, step: str, timeout: float, stdin: bytes | None = None) -> subprocess.CompletedProcess:
        """Runs a POSIX sh script on the board. ssh-level failures raise; the
        script's own exit status is returned for the caller to judge."""
        argv = self.ssh_argv("sh -c " + shlex.quote(script))
        try:
            proc = _execute(argv, timeout=timeout, input=stdin)
        except subprocess.TimeoutExpired:
            raise DeployError(f"board '{self.board.name}': {step} did not finish within {timeout:g} s (ssh killed)",
                              hint="raise --timeout, or check the board and the network") from None
        if proc.returncode == 255 and _ssh_failure(proc.stderr):
            raise self._error(255, proc.stderr, step)
        return proc

    def check(self, script: str, *, step: str, timeout: float, stdin: bytes | None = None) -> str:
        """run(), and any non-zero exit is an error naming the step; returns stdout."""
        proc = self.run(script, step=step, timeout=timeout, stdin=stdin)
        if proc.returncode != 0:
            raise DeployError(f"board '{self.board.name}': {step} failed (exit {proc.returncode}): "
                              f"{_tail(proc.stderr) or 'no message'}")
        return proc.stdout

    def copy(self, sources: list[str], target: str, *, step: str, timeout: float) -> None:
        try:
            proc = _execute(self.scp_argv(sources, target), timeout=timeout)
        except subprocess.TimeoutExpired:
            raise DeployError(f"board '{self.board.name}': {step} did not finish within {timeout:g} s (scp killed)",
                              hint="check the network; large bundles take a while on slow links") from None
        if proc.returncode != 0:
            # "scp: PATH: Permission denied" is about a file; ssh's own messages are about the connection.
            ssh_says = "\n".join(line for line in proc.stderr.splitlines() if not line.startswith("scp: "))
            if _ssh_failure(ssh_says):
                raise self._error(proc.returncode, ssh_says, step)
            hint = ""
            if "subsystem request failed" in proc.stderr or "Connection closed" in proc.stderr:
                hint = "the board may have no SFTP server: set legacy_scp = true in its boards.toml profile"
            raise DeployError(f"board '{self.board.name}': {step} failed (scp exit {proc.returncode}): "
                              f"{_tail(proc.stderr) or 'no message'}", hint=hint)

    def _error(self, code: int, stderr: str, step: str) -> DeployError:
        b = self.board
        where = f"board '{b.name}'" + (f" ({b.destination})" if b.destination != b.name else "")
        text = " ".join(stderr.split())
        line = _tail(stderr, 1)
        if "Could not resolve hostname" in text:
            return DeployError(f"{where}: cannot resolve host name '{b.host}'",
                               hint="check the name, or define the board in boards.toml or ~/.ssh/config")
        if "Permission denied" in text:
            return DeployError(f"{where}: ssh login refused ({line})",
                               hint="rvpack logs in with your ssh keys or agent, never a password: "
                                    f"ssh-copy-id {b.destination}, or set IdentityFile in ~/.ssh/config")
        if "Connection refused" in text:
            return DeployError(f"{where}: connection refused on port {b.port or 22}",
                               hint="is sshd running on the board, and is the port right?")
        if "Host key verification failed" in text:
            return DeployError(f"{where}: host key verification failed",
                               hint=f"connect once with `ssh {b.destination}` to check and accept the board's host key")
        if "timed out" in text:
            return DeployError(f"{where}: no answer ({line})", hint="is the board on and reachable from here?")
        if "No route to host" in text or "Network is unreachable" in text:
            return DeployError(f"{where}: unreachable ({line})", hint="check the network and the address")
        return DeployError(f"{where}: ssh failed during {step} (exit {code}): {line or 'no message'}")


_SSH_FAILURES = ("Could not resolve hostname", "Permission denied", "Connection refused",
                 "Host key verification failed", "timed out", "No route to host", "Network is unreachable",
                 "Connection closed", "Connection reset", "kex_exchange_identification", "ssh: connect to host",
                 "Broken pipe", "mux_client")


def _ssh_failure(stderr: str) -> bool:
    return any(s in stderr for s in _SSH_FAILURES)


def _execute(argv: list[str], *, timeout: float, input: bytes | None = None, stdout=subprocess.PIPE,
             stderr=subprocess.PIPE) -> subprocess.CompletedProcess:
    """subprocess.run in its own process group, so a timeout or Ctrl-C also ends
    what ssh started (ProxyJump/ProxyCommand helpers). Text output."""
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL, stdout=stdout,
                            stderr=stderr, start_new_session=True)
    try:
        out, err = proc.communicate(input, timeout=timeout)
    except BaseException:  # TimeoutExpired, KeyboardInterrupt
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        # Do not wait for EOF: a multiplexed ssh hands its pipes to the master
        # connection, which keeps them open until the remote command ends.
        for pipe in (proc.stdin, proc.stdout, proc.stderr):
            if pipe is not None:
                try:
                    pipe.close()
                except OSError:
                    pass
        proc.wait()
        raise
    decode = (lambda b: b.decode(errors="replace") if isinstance(b, bytes) else (b or ""))
    return subprocess.CompletedProcess(argv, proc.returncode, decode(out), decode(err))


def _tail(text: str, lines: int = 3) -> str:
    kept = [line.strip() for line in (text or "").strip().splitlines() if line.strip()][-lines:]
    out = " | ".join(kept)
    return out if len(out) < 400 else "..." + out[-397:]


# ---- the probe --------------------------------------------------------------------
PROBE_SOURCE = r"""/* rvpack board probe: what the kernel and the CPU offer a user program.
 * Generated by rvpack (sdk/runners/ssh_deploy.py); built with zig cc, static. */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>

static sigjmp_buf trap;
static void on_sigill(int sig) { (void)sig; siglongjmp(trap, 1); }

int main(void) {
  unsigned long hwcap = getauxval(AT_HWCAP);
  printf("rvpack-probe hwcap %lx\n", hwcap);
  fflush(stdout);
  if (!(hwcap & (1UL << ('V' - 'A')))) {
    printf("rvpack-probe vector none\nrvpack-probe vlen 0\n");
    return 0;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigill;
  sigaction(SIGILL, &sa, 0);
  unsigned long vlenb = 0, vtype = 0;
  if (sigsetjmp(trap, 1) == 0) {
    __asm__ volatile("csrr %0, 0xc22" : "=r"(vlenb)); /* vlenb */
    printf("rvpack-probe vlen %lu\n", vlenb * 8);
  } else {
    printf("rvpack-probe vlen trap\n");
  }
  fflush(stdout);
  /* vsetvli t0, zero, e8, m1, ta, ma (vtype 0xc0): legal in RVV 1.0; in 0.7.1
   * (XTheadVector) bits 7..5 are vediv/reserved, so vtype.vill gets set. */
  if (sigsetjmp(trap, 1) == 0) {
    __asm__ volatile(".word 0x0c0072d7\n\tcsrr %0, 0xc21" : "=r"(vtype) : : "t0"); /* vsetvli; csrr vtype */
    printf("rvpack-probe vector %s\n", (long)vtype < 0 ? "0.7" : "1.0");
  } else {
    printf("rvpack-probe vector trap\n");
  }
  return 0;
}
"""


def probe_executable() -> Path:
    """The probe, a static riscv64 Linux ELF built with zig cc on first use and
    cached under the rvpack cache (keyed by its source and zig's version)."""
    from rvpack.sdk.build.tools import cache_root, zig_env, zig_executable, zig_versions

    key = hashlib.sha256((PROBE_SOURCE + repr(sorted(zig_versions().items()))).encode()).hexdigest()[:12]
    out_dir = cache_root() / "probe" / key
    exe = out_dir / "rvpack-probe"
    if exe.is_file():
        return exe
    out_dir.mkdir(parents=True, exist_ok=True)
    zig = str(zig_executable())
    with tempfile.TemporaryDirectory(dir=out_dir) as tmp:
        src, obj, out = Path(tmp) / "probe.c", Path(tmp) / "probe.o", Path(tmp) / "rvpack-probe"
        src.write_text(PROBE_SOURCE)
        # Same target flags as the rv64gc bundles, so zig's cached musl is reused.
        target = ["--target=riscv64-linux-musl", "-mcpu=baseline_rv64"]
        for argv in ([zig, "cc", *target, "-O2", "-c", str(src), "-o", str(obj)],
                     [zig, "cc", *target, "-static", "-Wl,--gc-sections", "-s", str(obj), "-o", str(out)]):
            try:
                proc = subprocess.run(argv, capture_output=True, text=True, env=zig_env(), timeout=600, cwd=tmp)
            except (OSError, subprocess.TimeoutExpired) as e:
                raise ToolMissingError(f"cannot build the board probe with zig: {e}") from None
            if proc.returncode != 0:
                raise ToolMissingError(f"cannot build the board probe with zig: {_tail(proc.stderr)}",
                                       hint="run `rvpack doctor`")
        os.replace(out, exe)
    return exe


# ---- what the board is ----------------------------------------------------------------
@dataclass
class Isa:
    """An ISA string split up: base ("rv64"), single-letter and multi-letter extensions."""
    base: str
    letters: set[str]
    multi: set[str]

    @staticmethod
    def parse(text: str) -> "Isa":
        s = text.strip().lower()
        m = re.match(r"(rv32|rv64|rv128)([a-z]*)", s)
        if not m:
            return Isa(s, set(), set())
        letters, multi = set(), set()
        single, *rest = (m.group(2) + s[m.end():]).split("_")
        for i, ch in enumerate(single):
            if ch in "zx":  # a multi-letter extension written without "_"
                rest.insert(0, single[i:])
                break
            if ch not in "su":  # old kernels print the privilege modes: rv64imafdcsu
                letters.add(ch)
        if "g" in letters:
            letters |= set("imafd")
            multi |= {"zicsr", "zifencei"}
            letters.discard("g")
        multi |= {r for r in rest if r}
        return Isa(m.group(1), letters, multi)

    def __str__(self) -> str:
        order = "imafdqlcbkjtpvh"
        letters = "".join(c for c in order if c in self.letters) + "".join(sorted(self.letters - set(order)))
        return self.base + letters + "".join("_" + x for x in sorted(self.multi))


@dataclass
class BoardInfo:
    name: str
    arch: str  # what runs the bundle: "riscv64" (natively, or through run_prefix), or uname -m
    host_arch: str  # uname -m of the board
    isa: str  # e.g. "rv64imafdcv_zba_zbb"
    isa_source: str  # "/proc/cpuinfo", "hwcap" (the probe) or "boards.toml"
    vector: str  # "none", "rvv1.0", "xtheadvector" or "unknown"
    vlen: int | None  # bits; None without a (usable) vector unit
    kernel: str = ""
    run_prefix: str = ""
    hwcap: int | None = None
    cpuinfo: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def describe(self) -> str:
        parts = [self.arch + (f" via `{self.run_prefix}`" if self.run_prefix else "")]
        if self.arch.startswith("riscv"):
            parts.append(self.isa)
            parts.append({"none": "no vector unit", "rvv1.0": f"RVV 1.0 VLEN={self.vlen}",
                          "xtheadvector": "RVV 0.7.1 (XTheadVector)" + (f" VLEN={self.vlen}" if self.vlen else ""),
                          }.get(self.vector, "vector unit of unknown version"))
        return ", ".join(parts)


def probe_board(session: SshSession, *, timeout: float = IO_TIMEOUT, on_progress: ProgressFn = None) -> BoardInfo:
    """One ssh command: uname, /proc/cpuinfo, and (on riscv64 or through
    run_prefix) the probe program, sent over stdin and removed afterwards."""
    board = session.board
    rdir = remote_dir_path(board.remote_dir)
    report(on_progress, "probe", f"probing {board.name}")
    prefix = _prefix_words(board.run_prefix)
    script = "\n".join([
        'echo "rvpack-facts arch $(uname -m 2>/dev/null)"',
        'echo "rvpack-facts kernel $(uname -r 2>/dev/null)"',
        "echo rvpack-cpuinfo-begin; cat /proc/cpuinfo 2>/dev/null; echo; echo rvpack-cpuinfo-end",
        f'case "$(uname -m)" in riscv64) run=1 ;; *) run={1 if prefix else 0} ;; esac',
        'if [ "$run" = 1 ]; then',
        _mkdir_script(rdir),
        f"  t=$(mktemp -d {shlex.quote(posixpath.join(rdir, '.rvpack-probe.XXXXXX'))}) || exit 90",
        f'  cat > "$t/probe" && chmod 700 "$t/probe" && {prefix} "$t/probe"; echo "rvpack-probe-exit $?"',
        '  rm -rf -- "$t"',
        _rmdir_script(rdir, '"$top"'),
        "else cat > /dev/null; fi",
        "exit 0",
    ])
    proc = session.run(script, step="probe", timeout=timeout, stdin=probe_executable().read_bytes())
    if proc.returncode != 0:
        raise DeployError(f"board '{board.name}': probe failed (exit {proc.returncode}): "
                          f"{_tail(proc.stderr) or 'no message'}", hint="check remote_dir in the board's profile")
    info = _parse_probe(board, proc.stdout, proc.stderr)
    report(on_progress, "probe", info.describe(), done=True)
    return info


def _prefix_words(run_prefix: str) -> str:
    return " ".join(shlex.quote(w) for w in shlex.split(run_prefix))


def _mkdir_script(rdir: str) -> str:
    """sh: create rdir; $top is the topmost directory created (empty if none)."""
    q = shlex.quote(rdir)
    return "\n".join([
        f'  top=""; d={q}',
        '  while [ ! -e "$d" ]; do top=$d; d=$(dirname -- "$d"); done',
        f'  mkdir -p -- {q} || {{ echo "rvpack: cannot create the remote directory {rdir}" >&2; exit 90; }}',
    ])


def _rmdir_script(rdir: str, top: str) -> str:
    """sh: remove rdir and its parents up to `top` (an sh word), while empty."""
    return (f'  if [ -n {top} ]; then d={shlex.quote(rdir)}; while rmdir -- "$d" 2>/dev/null; '
            f'do [ "$d" = {top} ] && break; d=$(dirname -- "$d"); done; fi')


def _parse_probe(board: BoardProfile, out: str, err: str = "") -> BoardInfo:
    facts, cpuinfo, probe = {}, {}, {}
    in_cpuinfo = False
    for line in out.splitlines():
        if line == "rvpack-cpuinfo-begin":
            in_cpuinfo = True
        elif line == "rvpack-cpuinfo-end":
            in_cpuinfo = False
        elif in_cpuinfo:
            key, sep, value = line.partition(":")
            if sep and key.strip() and key.strip() not in cpuinfo:
                cpuinfo[key.strip()] = value.strip()
        elif line.startswith("rvpack-facts "):
            fact = line.split(" ", 2)
            facts[fact[1]] = fact[2].strip() if len(fact) > 2 else ""
        elif line.startswith("rvpack-probe"):
            parts = line.split()
            if len(parts) >= 3:
                probe[parts[1]] = parts[2]
            elif parts[0] == "rvpack-probe-exit" and len(parts) == 2:
                probe["exit"] = parts[1]
    host_arch = facts.get("arch", "") or "unknown"
    notes: list[str] = []
    ran = "hwcap" in probe
    if board.run_prefix:
        if not ran:
            raise DeployError(f"board '{board.name}': run_prefix `{board.run_prefix}` cannot run a riscv64 program "
                              f"(exit {probe.get('exit', '?')}): {_tail(err) or 'no message'}",
                              hint="check run_prefix in boards.toml (is the emulator installed on the board?)")
        arch = "riscv64"
    else:
        arch = host_arch
        if arch == "riscv64" and not ran:
            notes.append(f"the probe did not run (exit {probe.get('exit', '?')}); ISA from /proc/cpuinfo only")
    hwcap = int(probe["hwcap"], 16) if ran else None
    hw_letters = {chr(ord("a") + i) for i in range(26) if hwcap and hwcap >> i & 1}
    if not arch.startswith("riscv"):
        isa, source = Isa(arch, set(), set()), "uname -m"
    elif board.run_prefix or not cpuinfo.get("isa"):
        isa = Isa("rv64", hw_letters, set()) if ran else Isa.parse(board.isa or "rv64")
        source = "hwcap" if ran else "boards.toml"
    else:
        isa, source = Isa.parse(cpuinfo["isa"]), "/proc/cpuinfo"
        if ran and hw_letters:  # the kernel's hwcap is what user space may actually use
            isa.letters &= hw_letters | {"s", "u", "h"}
    vector, vlen = "none", None
    if "xtheadvector" in isa.multi:
        vector = "xtheadvector"
    if "v" in isa.letters or probe.get("vector") in ("1.0", "0.7"):
        kind = probe.get("vector")
        vlen_text = probe.get("vlen", "")
        vlen = int(vlen_text) if vlen_text.isdigit() and int(vlen_text) > 0 else None
        if kind == "1.0":
            vector = "rvv1.0"
        elif kind == "0.7" or cpuinfo.get("mvendorid", "").lower() in ("0x5b7", "0x00000000000005b7"):
            vector = "xtheadvector"
            isa.letters.discard("v")
            isa.multi.add("xtheadvector")
        else:
            vector = "unknown"
            notes.append("the vector unit did not answer the probe (vector instructions trap)" if kind == "trap"
                         else "the vector unit was not probed")
    info = BoardInfo(board.name, arch, host_arch, str(isa), source, vector, vlen, facts.get("kernel", ""),
                     board.run_prefix, hwcap, cpuinfo, notes)
    _check_declared(board, info)
    return info


def _check_declared(board: BoardProfile, info: BoardInfo) -> None:
    """A profile's isa/vlen say what the board should be; a board that is less is
    probably the wrong board (or a wrong profile). Unmeasured values are taken from it."""
    if board.isa:
        declared = Isa.parse(board.isa)
        have = Isa.parse(info.isa)
        missing = sorted(declared.letters - have.letters) + sorted(declared.multi - have.multi)
        if info.isa_source != "boards.toml" and missing:
            raise IncompatibleBoardError(
                f"board '{board.name}': boards.toml expects isa {board.isa}, the board reports {info.isa} "
                f"(missing {', '.join(missing)})",
                hint="fix isa in the profile, or check that --host is the right board")
    if board.vlen is not None and info.vector != "none":
        if info.vlen is None:
            info.vlen = board.vlen
            info.notes.append(f"VLEN {board.vlen} from boards.toml (not measured)")
        elif info.vlen != board.vlen:
            raise IncompatibleBoardError(
                f"board '{board.name}': expected VLEN={board.vlen} (boards.toml / --vlen), the board reports "
                f"VLEN={info.vlen}", hint="fix vlen in the profile, or check that --host is the right board")


def bundle_arch(bundle: Bundle) -> str:
    isa = bundle.manifest.target["isa"]
    return {"rv64": "riscv64", "rv32": "riscv32"}.get(isa[:4], isa)


def check_compatible(bundle: Bundle, info: BoardInfo) -> None:
    """Refuses, with one clear message, a bundle the board cannot run."""
    t = bundle.manifest.target
    needs = f"{t['name']} ({t['isa']}" + (f", VLEN >= {t['min_vlen']}" if t.get("min_vlen") else "") + ")"
    board = f"board '{info.name}' ({info.describe()})"
    arch = bundle_arch(bundle)
    if info.arch != arch:
        hint = ("set run_prefix in the board's profile to run it under an emulator (e.g. "
                '"qemu-riscv64-static -cpu rv64")' if arch.startswith("riscv") else "")
        raise IncompatibleBoardError(f"{board} cannot run {bundle.name}: it needs a {arch} Linux board, "
                                     f"this one is {info.arch}", hint=hint)
    if not arch.startswith("riscv"):
        return
    need, have = Isa.parse(t["isa"]), Isa.parse(info.isa)
    rebuild = "rebuild it with --target rv64gc, or deploy to a board that has it"
    if "v" in need.letters:
        if info.vector == "xtheadvector":
            raise IncompatibleBoardError(f"{board} cannot run {bundle.name}: the board's vector unit is RVV 0.7.1 "
                                         f"(XTheadVector), the bundle needs RVV 1.0: {needs}", hint=rebuild)
        if info.vector != "rvv1.0":
            what = "has no vector unit" if info.vector == "none" else "has no usable RVV 1.0 vector unit"
            raise IncompatibleBoardError(f"{board} cannot run {bundle.name}: the board {what}, the bundle needs "
                                         f"RVV 1.0: {needs}", hint=rebuild)
    if "xtheadvector" in need.multi and info.vector != "xtheadvector":
        what = "an RVV 1.0 vector unit" if info.vector == "rvv1.0" else "no XTheadVector unit"
        raise IncompatibleBoardError(f"{board} cannot run {bundle.name}: the board has {what}, the bundle needs "
                                     f"RVV 0.7.1 (XTheadVector): {needs}", hint=rebuild)
    missing = sorted(need.letters - have.letters - {"v"}) + sorted(need.multi - have.multi - {"xtheadvector",
                                                                                                "zicsr", "zifencei"})
    if missing:
        raise IncompatibleBoardError(f"{board} cannot run {bundle.name}: the board lacks extension(s) "
                                     f"{', '.join(missing)}; the bundle needs {needs}", hint=rebuild)
    min_vlen = t.get("min_vlen")
    if min_vlen and ("v" in need.letters or "xtheadvector" in need.multi):
        if info.vlen is None:
            raise IncompatibleBoardError(f"{board}: cannot tell its VLEN; {bundle.name} needs VLEN >= {min_vlen}",
                                         hint="set vlen = N in the board's profile (or pass --vlen)")
        if info.vlen < min_vlen:
            raise IncompatibleBoardError(f"{board} cannot run {bundle.name}: VLEN={info.vlen} is below the "
                                         f"bundle's minimum VLEN {min_vlen}", hint=f"build for VLEN {info.vlen}, or "
                                         "deploy to a board with longer vectors")


# ---- deploy ------------------------------------------------------------------------
@dataclass
class DeployResult:
    board: BoardInfo
    outputs: list[np.ndarray]
    layers: list[LayerTime]
    total_us: float  # as measured by the runner on the board
    wall_seconds: float  # the run command, ssh round trip included
    total_seconds: float  # the whole deploy: connect, probe, copy, run, download, cleanup
    uploaded: bool  # False: the same bundle was already on the board
    remote_bundle: str
    remote_run_dir: str
    kept: bool
    inputs: list[np.ndarray] = field(default_factory=list)
    steps: dict[str, float] = field(default_factory=dict)  # seconds per step
    stdout: str = ""

    @property
    def emulated(self) -> bool:
        return bool(self.board.run_prefix)


def bundle_hash(bundle: Bundle) -> str:
    """sha256 over what is copied to the board: manifest.json and bin/."""
    digest = hashlib.sha256()
    for path in _bundle_files(bundle):
        rel = path.relative_to(bundle.path).as_posix()
        digest.update(f"{rel}\0{path.stat().st_size}\0".encode())
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def _bundle_files(bundle: Bundle) -> list[Path]:
    return [bundle.path / "manifest.json"] + sorted(p for p in (bundle.path / "bin").rglob("*") if p.is_file())


def deploy(bundle: Bundle, board: BoardProfile, inputs: list[np.ndarray] | None = None, *,
           ssh_config: Path | None = None, keep: bool = False, repeat: int = 1, timeout: float = 600.0,
           vlen: int | None = None, seed: int = 0, io_timeout: float = IO_TIMEOUT,
           connect_timeout: int = CONNECT_TIMEOUT, on_progress: ProgressFn = None) -> DeployResult:
    """Copies the bundle to the board, runs it there on `inputs` (default: the
    seeded random inputs `rvpack run` uses) and brings the outputs back.
    `timeout` bounds the run on the board; `vlen` is the VLEN the board is
    expected to have (overrides the profile's)."""
    t_start = time.monotonic()
    steps: dict[str, float] = {}
    name = bundle.name
    if not _SAFE_NAME.fullmatch(name):
        raise BundleError(f"{bundle.path}: bundle name {name!r} is not a plain C name", hint="rebuild the bundle")
    if vlen is not None:
        board = dataclasses.replace(board, vlen=vlen)
        _validate_profile(board, f"--vlen {vlen}")
    if inputs is None:
        from rvpack.sdk.reference import make_inputs

        inputs = make_inputs(bundle.manifest.inputs, seed)
    if len(inputs) != len(bundle.manifest.inputs):
        raise InputError(f"{name} has {len(bundle.manifest.inputs)} input(s), {len(inputs)} given")
    rdir = remote_dir_path(board.remote_dir)
    digest = bundle_hash(bundle)
    remote_bundle = posixpath.join(rdir, f"{name}-{digest[:12]}")
    remote_run = f"{remote_bundle}.run-{uuid.uuid4().hex[:8]}"

    def timed(step: str, t0: float) -> None:
        steps[step] = steps.get(step, 0.0) + time.monotonic() - t0

    session = SshSession(board, ssh_config=ssh_config, connect_timeout=connect_timeout)
    t0 = time.monotonic()
    report(on_progress, "connect", f"ssh {board.destination}")
    with session, tempfile.TemporaryDirectory(prefix="rvpack-deploy-") as tmp:
        timed("connect", t0)
        report(on_progress, "connect", f"connected to {board.destination}", done=True)

        t0 = time.monotonic()
        info = probe_board(session, timeout=io_timeout, on_progress=on_progress)
        timed("probe", t0)
        check_compatible(bundle, info)

        # Until the prepare step answers, assume the bundle was there (never remove what may not be ours).
        created_top, present, finished = "", True, False
        try:
            # Prepare: the run directory, and is this bundle already there?
            t0 = time.monotonic()
            out = session.check("\n".join([
                _mkdir_script(rdir),
                '  echo "rvpack-top $top"',
                f"mkdir -- {shlex.quote(remote_run)} || exit 91",
                f'[ "$(cat -- {shlex.quote(remote_bundle + "/" + MARKER)} 2>/dev/null)" = {digest} ] '
                "&& echo rvpack-present",
                "exit 0",
            ]), step="preparing the remote directory", timeout=io_timeout)
            created_top = next((line[len("rvpack-top "):] for line in out.splitlines()
                                if line.startswith("rvpack-top ")), "")
            present = "rvpack-present" in out.splitlines()
            timed("prepare", t0)
            local = Path(tmp)
            sources = []
            if not present:
                sources += [str(p.resolve()) for p in (bundle.path / "manifest.json", bundle.path / "bin")]
            for k, value in enumerate(inputs):
                path = local / f"input_{k}.npy"
                np.save(path, value)
                sources.append(str(path))
            t0 = time.monotonic()
            size = sum(Path(s).stat().st_size for s in sources if Path(s).is_file()) + (
                0 if present else sum(p.stat().st_size for p in _bundle_files(bundle)))
            report(on_progress, "upload", ("inputs only, bundle already on the board" if present else
                                           f"{name} + inputs") + f" ({size / 1024:.0f} KiB)")
            session.copy(sources, session.remote(remote_run + "/"), step="upload", timeout=io_timeout)
            timed("upload", t0)
            report(on_progress, "upload", "bundle already there, inputs sent" if present else "sent", done=True)

            t0 = time.monotonic()
            report(on_progress, "run", f"{name} on {board.name}" + (f" (x{repeat})" if repeat > 1 else ""))
            proc = session.run(_run_script(name, remote_bundle, remote_run, digest, board.run_prefix, len(inputs),
                                           repeat, timeout),
                               step="the run", timeout=timeout + 30)
            wall = time.monotonic() - t0
            timed("run", t0)
            _check_run(bundle, board, proc, timeout)
            report(on_progress, "run", f"{wall:.1f} s", done=True)

            t0 = time.monotonic()
            report(on_progress, "download", f"{len(bundle.manifest.outputs)} output(s)")
            out_dir = local / "outputs"
            out_dir.mkdir()
            session.copy([session.remote(f"{remote_run}/output_{k}.npy") for k in range(len(bundle.manifest.outputs))],
                         str(out_dir) + "/", step="download", timeout=io_timeout)
            outputs = []
            for k, spec in enumerate(bundle.manifest.outputs):
                try:
                    outputs.append(np.load(out_dir / f"output_{k}.npy", allow_pickle=False).reshape(spec.shape))
                except (OSError, ValueError) as e:
                    raise DeployError(f"board '{board.name}': output {k} of {name} is not a valid .npy file ({e})") \
                        from None
            timed("download", t0)
            report(on_progress, "download", "done", done=True)
            finished = True
        finally:
            t0 = time.monotonic()
            _cleanup(session, remote_run, None if present else remote_bundle, rdir, created_top,
                     keep=keep, interrupted=not finished, timeout=min(io_timeout, 30.0) if finished else 15.0,
                     raise_errors=finished)
            timed("cleanup", t0)
    layers, total = parse_profile(proc.stdout)
    return DeployResult(info, outputs, layers, total, wall, time.monotonic() - t_start, not present, remote_bundle,
                        remote_run, keep, inputs, steps, proc.stdout)


def _run_script(name: str, remote_bundle: str, remote_run: str, digest: str, run_prefix: str, n_inputs: int,
                repeat: int, timeout: float) -> str:
    b, r = shlex.quote(remote_bundle), shlex.quote(remote_run)
    args = " ".join(f"-i input_{k}.npy" for k in range(n_inputs))
    return "\n".join([
        f"B={b}; R={r}",
        f'if [ "$(cat -- "$B/{MARKER}" 2>/dev/null)" != {digest} ]; then',
        '  [ -f "$R/manifest.json" ] || { echo "rvpack: the bundle files are missing from $R" >&2; exit 91; }',
        '  rm -rf -- "$B.partial" && mkdir -- "$B.partial" && mv -- "$R/manifest.json" "$R/bin" "$B.partial/" &&',
        f'  echo {digest} > "$B.partial/{MARKER}" && rm -rf -- "$B" && mv -- "$B.partial" "$B" ||',
        '  { echo "rvpack: cannot install the bundle into $B" >&2; exit 92; }',
        "fi",
        'B=$(cd -- "$B" && pwd) && cd -- "$R" || exit 93',  # B may be relative to the login directory
        'echo $$ > .pid',
        # The board enforces the time limit too, so a timed-out run does not keep running there.
        f"if timeout -k 5 10 true 2>/dev/null; then set -- timeout -k 5 {math.ceil(max(timeout, 1))}; "
        "else set --; fi",
        f'exec "$@" {_prefix_words(run_prefix)} "$B/bin/{name}_run" {args} -o . -r {int(repeat)}',
    ])


def _check_run(bundle: Bundle, board: BoardProfile, proc: subprocess.CompletedProcess, timeout: float) -> None:
    where = f"board '{board.name}'"
    if proc.returncode == 255:
        raise DeployError(f"{where}: ssh failed during the run: {_tail(proc.stderr) or 'no message'}")
    if proc.returncode == 124:
        raise DeployError(f"{where}: {bundle.name} did not finish within {timeout:g} s (stopped on the board)",
                          hint="raise --timeout, or use a smaller input")
    if proc.returncode in (90, 91, 92, 93):
        raise DeployError(f"{where}: installing {bundle.name} failed: {_tail(proc.stderr) or 'no message'}")
    if proc.returncode in (126, 127):
        hint = "check run_prefix in the board's profile" if board.run_prefix else \
            "is the remote directory on a noexec mount? set remote_dir in the profile"
        raise DeployError(f"{where}: cannot execute {bundle.name}'s runner (exit {proc.returncode}): "
                          f"{_tail(proc.stderr) or 'no message'}", hint=hint)
    try:
        _check_exit(bundle, proc)
    except RvpackError as e:
        e.message = f"{where}: {e.message}"
        e.args = (e.message,)
        raise


def _cleanup(session: SshSession, remote_run: str, remote_bundle: str | None, rdir: str, created_top: str, *,
             keep: bool, interrupted: bool, timeout: float, raise_errors: bool) -> None:
    """Stops a run that may still be going (after an interrupt), then removes
    what this deploy created, unless keep."""
    lines = []
    r = shlex.quote(remote_run)
    if interrupted:
        lines.append(f'p=$(cat -- {r}/.pid 2>/dev/null) && [ -n "$p" ] && '
                     f'[ "$(readlink /proc/$p/cwd 2>/dev/null)" = "$(cd -- {r} 2>/dev/null && pwd -P)" ] && '
                     'kill -TERM "$p" 2>/dev/null')
    if not keep:
        lines.append(f"rm -rf -- {r}")
        if remote_bundle:
            lines.append(f"rm -rf -- {shlex.quote(remote_bundle)} {shlex.quote(remote_bundle + '.partial')}")
        if created_top:
            lines.append(_rmdir_script(rdir, shlex.quote(created_top)))
    else:
        lines.append(f"rm -f -- {r}/.pid")
    lines.append("exit 0")
    try:
        session.check("\n".join(lines), step="cleanup", timeout=timeout)
    except (RvpackError, OSError):
        if raise_errors:
            raise
