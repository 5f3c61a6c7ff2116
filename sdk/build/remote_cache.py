"""Bazel's remote cache, shared by a fleet of machines (CI runners, a team):
`rvpack build --remote-cache URL` or RVPACK_REMOTE_CACHE.

The URL is checked before Bazel sees it: an unreachable cache must cost one
warning and a local build, not a failed build or a minute of Bazel retries.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from rvpack.sdk.errors import InputError

ENV_VAR = "RVPACK_REMOTE_CACHE"
_DEFAULT_PORTS = {"http": 80, "https": 443, "grpc": 443, "grpcs": 443}
_CONNECT_TIMEOUT_S = 3.0


@dataclass(frozen=True)
class RemoteCache:
    url: str | None  # None: build locally
    warning: str = ""  # why the configured cache is not used

    def bazel_flags(self) -> list[str]:
        if self.url is None:
            return []
        # Local results are uploaded, so the first machine to build fills the
        # cache; a cache error mid-build falls back to building locally.
        return [f"--remote_cache={self.url}", "--remote_upload_local_results", "--remote_timeout=30",
                "--remote_local_fallback"]


def resolve(url: str | None) -> RemoteCache:
    """The remote cache to use: `url`, else $RVPACK_REMOTE_CACHE, else none.
    A malformed URL is an error; an unreachable one gives a warning."""
    url = url or os.environ.get(ENV_VAR) or None
    if url is None:
        return RemoteCache(None)
    parts = urlsplit(url)
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        source = "--remote-cache" if url != os.environ.get(ENV_VAR) else ENV_VAR
        raise InputError(f"{source} {url}: expected http://, https://, grpc:// or grpcs:// with a host",
                         hint="e.g. --remote-cache http://cache.example:8080/rvpack")
    try:
        port = parts.port or _DEFAULT_PORTS[parts.scheme]
    except ValueError:
        raise InputError(f"remote cache {url}: the port is not a number") from None
    try:
        with socket.create_connection((parts.hostname, port), timeout=_CONNECT_TIMEOUT_S):
            pass
    except OSError as e:
        return RemoteCache(None, f"remote cache {url} is unreachable ({e.strerror or type(e).__name__}); "
                                 "building locally")
    return RemoteCache(url)
