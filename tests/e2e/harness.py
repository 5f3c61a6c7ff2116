"""Build a bundle, run it under QEMU, compare with the reference runtime.

RVPACK_E2E_RUNNER=docker runs every end-to-end bundle through the Docker
runner instead of local QEMU (skipped, with the reason, where no engine is
reachable): `RVPACK_E2E_RUNNER=docker .venv/bin/python -m pytest tests/e2e`."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from rvpack.sdk import reference
from rvpack.sdk.bundle import Bundle
from rvpack.sdk.compiler import build_bundle
from rvpack.sdk.runners.local import RunResult, run_local
from rvpack.sdk.targets import get_target


@dataclass
class Checked:
    bundle: Bundle
    run: RunResult
    references: list[np.ndarray]
    comparisons: list[reference.Comparison]

    @property
    def max_relative_error(self) -> float:
        return max(c.relative_error for c in self.comparisons)


def build(model: Path, out: Path, target: str = "rv64gc", shapes=None, name: str | None = None) -> Bundle:
    return build_bundle(model, get_target(target), out, input_shapes=shapes, name=name, force=True).bundle


def check(bundle: Bundle, model: Path, inputs: list[np.ndarray] | None = None, vlen: int | None = None,
          rel_tolerance: float | None = None, steps: int = 1) -> Checked:
    """Runs the bundle and compares with the reference, within rel_tolerance
    (default: the bundle's own check tolerance, as `rvpack run --check`);
    `steps` > 1 runs a sequence (inputs with a leading steps dimension)."""
    m = bundle.manifest
    if inputs is None:
        inputs = reference.make_inputs(m.inputs, seed=0, steps=steps)
    result = _run(bundle, inputs, vlen, steps)
    refs = reference.run_reference(model, m.model["format"], [s.name for s in m.inputs], inputs, steps)
    comparisons = reference.compare([s.name for s in m.outputs], result.outputs, refs,
                                     reference.tolerance_of(m) if rel_tolerance is None else rel_tolerance,
                                     reference.lsb_of(m))
    return Checked(bundle, result, refs, comparisons)


def _run(bundle: Bundle, inputs: list[np.ndarray], vlen: int | None, steps: int = 1) -> RunResult:
    if os.environ.get("RVPACK_E2E_RUNNER", "qemu") != "docker":
        return run_local(bundle, inputs, vlen=vlen, timeout=3600, steps=steps)
    from rvpack.sdk.errors import ToolMissingError
    from rvpack.sdk.runners.docker_runner import docker_client, run_docker

    try:
        docker_client().close()
    except ToolMissingError as e:
        pytest.skip(f"RVPACK_E2E_RUNNER=docker, but {e.message}")
    return run_docker(bundle, inputs, vlen=vlen, timeout=3600, steps=steps)


def assert_matches(checked: Checked) -> None:
    bad = [c for c in checked.comparisons if not c.ok]
    assert not bad, "; ".join(f"{c.name}: max|err| {c.max_abs_error:.3g} vs tolerance {c.tolerance:.3g} "
                              f"(max|ref| {c.max_abs_reference:.3g})" for c in bad)
