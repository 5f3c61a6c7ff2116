"""Deploying a bundle to a real board over OpenSSH, and running it there
(boards.py: profiles; ssh.py: the session; probe.py: what the board is;
bundle/compat.py: whether it can run the bundle).

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
import posixpath
import re
import shlex
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rvpack.sdk.bundle import Bundle
from rvpack.sdk.bundle.compat import check_compatible
from rvpack.sdk.errors import BundleError, InputError, RvpackError
from rvpack.sdk.progress import ProgressFn, report
from rvpack.sdk.runners.boards import BoardProfile, remote_dir_path, validate_profile
from rvpack.sdk.runners.local import LayerTime, _check_exit, parse_profile
from rvpack.sdk.runners.probe import IO_TIMEOUT, BoardInfo, board_machine, probe_board
from rvpack.sdk.runners.ssh import (CONNECT_TIMEOUT, DeployError, SshSession, mkdir_script, prefix_words,
                                    rmdir_script, tail)

MARKER = ".rvpack-hash"
_SAFE_NAME = re.compile(r"[A-Za-z0-9_.-]+")


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


def check_board(bundle: Bundle, info: BoardInfo) -> None:
    """Refuses, with one clear message, a bundle the board cannot run."""
    check_compatible(bundle.manifest.target_spec, bundle.name, board_machine(info))


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
        validate_profile(board, f"--vlen {vlen}")
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
        check_board(bundle, info)

        # Until the prepare step answers, assume the bundle was there (never remove what may not be ours).
        created_top, present, finished = "", True, False
        try:
            # Prepare: the run directory, and is this bundle already there?
            t0 = time.monotonic()
            out = session.check("\n".join([
                mkdir_script(rdir),
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
        f'exec "$@" {prefix_words(run_prefix)} "$B/bin/{name}_run" {args} -o . -r {int(repeat)}',
    ])


def _check_run(bundle: Bundle, board: BoardProfile, proc: subprocess.CompletedProcess, timeout: float) -> None:
    where = f"board '{board.name}'"
    if proc.returncode == 255:
        raise DeployError(f"{where}: ssh failed during the run: {tail(proc.stderr) or 'no message'}")
    if proc.returncode == 124:
        raise DeployError(f"{where}: {bundle.name} did not finish within {timeout:g} s (stopped on the board)",
                          hint="raise --timeout, or use a smaller input")
    if proc.returncode in (90, 91, 92, 93):
        raise DeployError(f"{where}: installing {bundle.name} failed: {tail(proc.stderr) or 'no message'}")
    if proc.returncode in (126, 127):
        hint = "check run_prefix in the board's profile" if board.run_prefix else \
            "is the remote directory on a noexec mount? set remote_dir in the profile"
        raise DeployError(f"{where}: cannot execute {bundle.name}'s runner (exit {proc.returncode}): "
                          f"{tail(proc.stderr) or 'no message'}", hint=hint)
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
            lines.append(rmdir_script(rdir, shlex.quote(created_top)))
    else:
        lines.append(f"rm -f -- {r}/.pid")
    lines.append("exit 0")
    try:
        session.check("\n".join(lines), step="cleanup", timeout=timeout)
    except (RvpackError, OSError):
        if raise_errors:
            raise
