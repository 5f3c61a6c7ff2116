"""Throwaway servers on 127.0.0.1 that tests start and stop (sshd for
deploy, nginx for the Bazel remote cache)."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Callable

import pytest


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (right now)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_listening(proc: subprocess.Popen, port: int, what: str, log: Callable[[], str],
                         timeout: float = 20.0) -> None:
    """Returns once `port` accepts connections; fails the test (with the
    server's log) if the server exits or does not listen within timeout."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"{what} did not start: {log()}")
            time.sleep(0.05)
