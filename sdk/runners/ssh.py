"""ssh and scp to one board, through the user's own OpenSSH executables
(argument lists, never a local shell), so ~/.ssh/config, keys, the agent,
ProxyJump and known_hosts work as they do on the command line. rvpack never
handles passwords: BatchMode=yes makes ssh fail instead of prompting. Remote
commands always run as `sh -c '<script>'`; the helpers at the end write the
small sh fragments probe.py and deploy.py share."""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from rvpack.sdk.errors import RunError, ToolMissingError
from rvpack.sdk.runners.boards import BoardConfigError, BoardProfile

CONNECT_TIMEOUT = 10  # seconds: ssh ConnectTimeout


class DeployError(RunError):
    """ssh/scp could not reach the board, or a command on the board failed."""


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
                proc = execute(argv, timeout=self.connect_timeout + 30, stdout=subprocess.DEVNULL, stderr=err)
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
            execute(argv, timeout=15, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except (subprocess.TimeoutExpired, OSError):
            pass  # ControlPersist ends an idle master on its own
        shutil.rmtree(control, ignore_errors=True)

    def run(self, script: str, *, step: str, timeout: float, stdin: bytes | None = None) -> subprocess.CompletedProcess:
        """Runs a POSIX sh script on the board. ssh-level failures raise; the
        script's own exit status is returned for the caller to judge."""
        argv = self.ssh_argv("sh -c " + shlex.quote(script))
        try:
            proc = execute(argv, timeout=timeout, input=stdin)
        except subprocess.TimeoutExpired:
            raise DeployError(f"board '{self.board.name}': {step} did not finish within {timeout:g} s (ssh killed)",
                              hint="raise --timeout, or check the board and the network") from None
        if proc.returncode == 255 and ssh_failure(proc.stderr):
            raise self._error(255, proc.stderr, step)
        return proc

    def check(self, script: str, *, step: str, timeout: float, stdin: bytes | None = None) -> str:
        """run(), and any non-zero exit is an error naming the step; returns stdout."""
        proc = self.run(script, step=step, timeout=timeout, stdin=stdin)
        if proc.returncode != 0:
            raise DeployError(f"board '{self.board.name}': {step} failed (exit {proc.returncode}): "
                              f"{tail(proc.stderr) or 'no message'}")
        return proc.stdout

    def copy(self, sources: list[str], target: str, *, step: str, timeout: float) -> None:
        try:
            proc = execute(self.scp_argv(sources, target), timeout=timeout)
        except subprocess.TimeoutExpired:
            raise DeployError(f"board '{self.board.name}': {step} did not finish within {timeout:g} s (scp killed)",
                              hint="check the network; large bundles take a while on slow links") from None
        if proc.returncode != 0:
            # "scp: PATH: Permission denied" is about a file; ssh's own messages are about the connection.
            ssh_says = "\n".join(line for line in proc.stderr.splitlines() if not line.startswith("scp: "))
            if ssh_failure(ssh_says):
                raise self._error(proc.returncode, ssh_says, step)
            hint = ""
            if "subsystem request failed" in proc.stderr or "Connection closed" in proc.stderr:
                hint = "the board may have no SFTP server: set legacy_scp = true in its boards.toml profile"
            raise DeployError(f"board '{self.board.name}': {step} failed (scp exit {proc.returncode}): "
                              f"{tail(proc.stderr) or 'no message'}", hint=hint)

    def _error(self, code: int, stderr: str, step: str) -> DeployError:
        b = self.board
        where = f"board '{b.name}'" + (f" ({b.destination})" if b.destination != b.name else "")
        text = " ".join(stderr.split())
        line = tail(stderr, 1)
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


def ssh_failure(stderr: str) -> bool:
    return any(s in stderr for s in _SSH_FAILURES)


def execute(argv: list[str], *, timeout: float, input: bytes | None = None, stdout=subprocess.PIPE,
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


def tail(text: str, lines: int = 3) -> str:
    kept = [line.strip() for line in (text or "").strip().splitlines() if line.strip()][-lines:]
    out = " | ".join(kept)
    return out if len(out) < 400 else "..." + out[-397:]


# ---- sh fragments ------------------------------------------------------------------
def prefix_words(run_prefix: str) -> str:
    return " ".join(shlex.quote(w) for w in shlex.split(run_prefix))


def mkdir_script(rdir: str) -> str:
    """sh: create rdir; $top is the topmost directory created (empty if none)."""
    q = shlex.quote(rdir)
    return "\n".join([
        f'  top=""; d={q}',
        '  while [ ! -e "$d" ]; do top=$d; d=$(dirname -- "$d"); done',
        f'  mkdir -p -- {q} || {{ echo "rvpack: cannot create the remote directory {rdir}" >&2; exit 90; }}',
    ])


def rmdir_script(rdir: str, top: str) -> str:
    """sh: remove rdir and its parents up to `top` (an sh word), while empty."""
    return (f'  if [ -n {top} ]; then d={shlex.quote(rdir)}; while rmdir -- "$d" 2>/dev/null; '
            f'do [ "$d" = {top} ] && break; d=$(dirname -- "$d"); done; fi')
