"""Stateful streaming models: TFLite resource variables (VAR_HANDLE,
READ_VARIABLE, ASSIGN_VARIABLE, CALL_ONCE) become a state block the runner
keeps across a sequence of inputs. The four pymicro-wakeword keyword
spotters (real, trained, fully int8) run 40 steps and every step's output
equals tflite-runtime's, which carries its own variables across invokes."""

from __future__ import annotations

import numpy as np
import pytest

from tests.e2e.harness import build, check

STEPS = 40
# Input ranges and seeds under which each model's output varies over the
# steps (most random spectrogram frames give probability 0, which would
# prove little); found by running tflite-runtime over a few candidates.
RANGES = {"okay_nabu": (-128, -60, 3), "alexa": (-128, -60, 0), "hey_jarvis": (30, 127, 0),
          "hey_mycroft": (-128, 127, 3)}
CASES = [pytest.param(name, target, vlen, id=f"{name}-{target}{'-' + str(vlen) if vlen else ''}",
                      marks=[] if (target, vlen) in (("rv64gc", None), ("rvv1.0", 256)) or name == "hey_mycroft"
                      else [pytest.mark.slow])
         for name in RANGES for target, vlen in (("rv64gc", None), ("rvv1.0", 128), ("rvv1.0", 256), ("rvv1.0", 512))]


@pytest.mark.parametrize("name,target,vlen", CASES)
def test_wakeword_model_streams_bit_exact(wakeword_models, name, target, vlen, tmp_path):
    model = wakeword_models / f"{name}.tflite"
    bundle = build(model, tmp_path / f"{name}.rvpack", target=target)
    m = bundle.manifest
    assert m.state_bytes > 0 and m.inputs[0].dtype == "int8" and m.outputs[0].dtype == "uint8"
    lo, hi, seed = RANGES[name]
    x = np.random.default_rng(seed).integers(lo, hi, [STEPS] + m.inputs[0].shape, dtype=np.int8)
    result = check(bundle, model, inputs=[x], vlen=vlen, steps=STEPS)
    out, ref = result.run.outputs[0], np.asarray(result.references[0])
    assert out.shape == ref.shape == (STEPS, 1, 1)
    assert np.array_equal(out, ref), np.argwhere(out != ref)[:5]
    assert len(np.unique(ref)) >= 2  # the outputs move: the state is exercised
    if name == "hey_mycroft":  # the carried state matters: a fresh interpreter per frame gives other outputs
        from rvpack.sdk.reference import run_reference

        fresh = np.stack([run_reference(model, "tflite", [m.inputs[0].name], [x[t]])[0] for t in range(STEPS)])
        assert not np.array_equal(fresh.reshape(ref.shape), ref)
    print(f"{name} {target} {vlen or ''}: {STEPS} steps equal, outputs {sorted(set(ref.ravel().tolist()))}, "
          f"state {m.state_bytes} bytes")


def test_run_cli_streams_a_sequence_and_checks_every_step(wakeword_models, tmp_path):
    import subprocess
    import sys

    model = wakeword_models / "hey_mycroft.tflite"
    bundle = build(model, tmp_path / "mycroft.rvpack")
    lo, hi, seed = RANGES["hey_mycroft"]
    x = np.random.default_rng(seed).integers(lo, hi, [STEPS] + bundle.manifest.inputs[0].shape, dtype=np.int8)
    np.save(tmp_path / "frames.npy", x)

    def rvpack(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "rvpack.cli", "run", str(bundle.path), *args],
                              capture_output=True, text=True, timeout=600)

    proc = rvpack("--input", str(tmp_path / "frames.npy"), "--steps", str(STEPS), "--check", "--save-outputs",
                  str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    assert "check passed: 1 integer output(s) equal to the reference" in proc.stdout
    assert np.load(tmp_path / "out" / "output_0.npy").shape == (STEPS, 1, 1)
    proc = rvpack("--input", str(tmp_path / "frames.npy"))  # a sequence without --steps
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert "a sequence of inputs needs --steps N" in " ".join(proc.stderr.split())
