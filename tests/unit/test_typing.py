"""The Python code is mypy-clean (STYLE.md). The source tree maps cli/ and sdk/
to rvpack.cli / rvpack.sdk, so mypy reads them through a symlinked package."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def test_mypy_is_clean(tmp_path):
    pytest.importorskip("mypy")
    pkg = tmp_path / "rvpack"
    pkg.mkdir()
    (pkg / "sdk").symlink_to(REPO / "sdk")
    (pkg / "cli").symlink_to(REPO / "cli")
    proc = subprocess.run([sys.executable, "-m", "mypy", "--ignore-missing-imports", "--explicit-package-bases",
                           "--cache-dir", str(tmp_path / ".mypy_cache"), "-p", "rvpack.sdk", "-p", "rvpack.cli"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
