"""What a board is: uname, /proc/cpuinfo and a tiny static riscv64 probe
program (probe.c: AT_HWCAP, VLEN from vlenb, and whether the vector unit is
RVV 1.0 or 0.7.1), run over ssh from a temp dir and removed; and the board as
the compatibility check sees it (board_machine)."""

from __future__ import annotations

import hashlib
import os
import posixpath
import shlex
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from rvpack.sdk.bundle.compat import IncompatibleError, Isa, Machine
from rvpack.sdk.errors import ToolMissingError
from rvpack.sdk.progress import ProgressFn, report
from rvpack.sdk.runners.boards import BoardProfile, remote_dir_path
from rvpack.sdk.runners.ssh import DeployError, SshSession, mkdir_script, prefix_words, rmdir_script, tail

PROBE_C = Path(__file__).with_name("probe.c")
IO_TIMEOUT = 300.0  # seconds for one probe/copy/cleanup step


def probe_source() -> str:
    return PROBE_C.read_text()


def probe_executable() -> Path:
    """The probe, a static riscv64 Linux ELF built with zig cc on first use and
    cached under the rvpack cache (keyed by its source and zig's version)."""
    from rvpack.sdk.build.tools import cache_root, zig_env, zig_executable, zig_versions

    key = hashlib.sha256((probe_source() + repr(sorted(zig_versions().items()))).encode()).hexdigest()[:12]
    out_dir = cache_root() / "probe" / key
    exe = out_dir / "rvpack-probe"
    if exe.is_file():
        return exe
    out_dir.mkdir(parents=True, exist_ok=True)
    zig = str(zig_executable())
    with tempfile.TemporaryDirectory(dir=out_dir) as tmp:
        src, obj, out = Path(tmp) / "probe.c", Path(tmp) / "probe.o", Path(tmp) / "rvpack-probe"
        src.write_text(probe_source())
        # Same target flags as the rv64gc bundles, so zig's cached musl is reused.
        target = ["--target=riscv64-linux-musl", "-mcpu=baseline_rv64"]
        for argv in ([zig, "cc", *target, "-O2", "-c", str(src), "-o", str(obj)],
                     [zig, "cc", *target, "-static", "-Wl,--gc-sections", "-s", str(obj), "-o", str(out)]):
            try:
                proc = subprocess.run(argv, capture_output=True, text=True, env=zig_env(), timeout=600, cwd=tmp)
            except (OSError, subprocess.TimeoutExpired) as e:
                raise ToolMissingError(f"cannot build the board probe with zig: {e}") from None
            if proc.returncode != 0:
                raise ToolMissingError(f"cannot build the board probe with zig: {tail(proc.stderr)}",
                                       hint="run `rvpack doctor`")
        os.replace(out, exe)
    return exe


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
    prefix = prefix_words(board.run_prefix)
    script = "\n".join([
        'echo "rvpack-facts arch $(uname -m 2>/dev/null)"',
        'echo "rvpack-facts kernel $(uname -r 2>/dev/null)"',
        "echo rvpack-cpuinfo-begin; cat /proc/cpuinfo 2>/dev/null; echo; echo rvpack-cpuinfo-end",
        f'case "$(uname -m)" in riscv64) run=1 ;; *) run={1 if prefix else 0} ;; esac',
        'if [ "$run" = 1 ]; then',
        mkdir_script(rdir),
        f"  t=$(mktemp -d {shlex.quote(posixpath.join(rdir, '.rvpack-probe.XXXXXX'))}) || exit 90",
        f'  cat > "$t/probe" && chmod 700 "$t/probe" && {prefix} "$t/probe"; echo "rvpack-probe-exit $?"',
        '  rm -rf -- "$t"',
        rmdir_script(rdir, '"$top"'),
        "else cat > /dev/null; fi",
        "exit 0",
    ])
    proc = session.run(script, step="probe", timeout=timeout, stdin=probe_executable().read_bytes())
    if proc.returncode != 0:
        raise DeployError(f"board '{board.name}': probe failed (exit {proc.returncode}): "
                          f"{tail(proc.stderr) or 'no message'}", hint="check remote_dir in the board's profile")
    info = _parse_probe(board, proc.stdout, proc.stderr)
    report(on_progress, "probe", info.describe(), done=True)
    return info


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
                              f"(exit {probe.get('exit', '?')}): {tail(err) or 'no message'}",
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
            raise IncompatibleError(
                f"board '{board.name}': boards.toml expects isa {board.isa}, the board reports {info.isa} "
                f"(missing {', '.join(missing)})",
                hint="fix isa in the profile, or check that --host is the right board")
    if board.vlen is not None and info.vector != "none":
        if info.vlen is None:
            info.vlen = board.vlen
            info.notes.append(f"VLEN {board.vlen} from boards.toml (not measured)")
        elif info.vlen != board.vlen:
            raise IncompatibleError(
                f"board '{board.name}': expected VLEN={board.vlen} (boards.toml / --vlen), the board reports "
                f"VLEN={info.vlen}", hint="fix vlen in the profile, or check that --host is the right board")


def board_machine(info: BoardInfo) -> Machine:
    """The board as the compatibility check (bundle/compat.py) sees it."""
    return Machine(f"board '{info.name}' ({info.describe()})", info.arch, info.isa, info.vector, info.vlen)
