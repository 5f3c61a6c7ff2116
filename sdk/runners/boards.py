"""Board profiles for `rvpack deploy`: [boards.NAME] tables of a TOML file
(default ~/.config/rvpack/boards.toml), or a plain ssh destination."""

from __future__ import annotations

import posixpath
import re
import shlex
import tomllib
from dataclasses import dataclass
from pathlib import Path

from rvpack.sdk.errors import InputError

DEFAULT_BOARDS_FILE = Path("~/.config/rvpack/boards.toml")
DEFAULT_REMOTE_DIR = "/tmp/rvpack"
PROFILE_KEYS = {"host", "port", "user", "remote_dir", "run_prefix", "isa", "vlen", "legacy_scp", "multiplex"}
# Remote paths: characters that mean the same to sh, to scp (SFTP and legacy) and in sftp globs.
_SAFE_REMOTE = re.compile(r"[A-Za-z0-9_./+@%=,-]+")


class BoardConfigError(InputError):
    """boards.toml or --host is malformed."""


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
        validate_profile(profile, where)
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
    validate_profile(profile, f"--host {name}")
    return profile


def validate_profile(p: BoardProfile, where: str) -> None:
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
