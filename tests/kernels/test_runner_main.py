"""The generic bundle runner (runtime/src/runner_main.c) with a hand-written fake bundle.

runner_fake_model.c: inputs x (f32 [2, 3]) and mask (u8 [3]); outputs
output_0 = x + 1 (f32 [2, 3]) and output_1 = mask as int64 [3]; two layers.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

# The helper sits next to this file; import it the same way whether or not
# tests/kernels is a package.
sys.path.insert(0, str(Path(__file__).resolve().parent))
import scalar_kernels_ffi as ffi  # noqa: E402

FAKE_MODEL = Path(__file__).with_name("runner_fake_model.c")
LAYER_RE = re.compile(r"^layer (\d+) (\S+) (\S+) (\d+\.\d)$")
TOTAL_RE = re.compile(r"^total_us (\d+\.\d)$")
ARENA_RE = re.compile(r"^arena_bytes (\d+)$")


def build_runner(out: Path, target: list[str]) -> Path:
    ffi.zig_cc(
        ["-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", f"-I{ffi.INCLUDE}", *target, "-o", str(out)]
        + [str(p) for p in ffi.kernel_sources()]
        + [str(ffi.RUNNER_MAIN), str(FAKE_MODEL), "-lm"]
    )
    return out


@pytest.fixture(scope="session")
def runner(tmp_path_factory) -> Path:
    return build_runner(tmp_path_factory.mktemp("runner") / "fake_run", [])


@pytest.fixture
def inputs(tmp_path):
    x = np.arange(6, dtype=np.float32).reshape(2, 3) * 1.5 - 2
    mask = np.array([1, 7, 250], dtype=np.uint8)
    np.save(tmp_path / "x.npy", x)
    np.save(tmp_path / "mask.npy", mask)
    return tmp_path, x, mask


def run(cmd, cwd, args):
    return subprocess.run([*cmd, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=60)


def parse_report(stdout: str):
    layers, total, arena = [], None, None
    for line in stdout.splitlines():
        if m := LAYER_RE.match(line):
            layers.append((int(m[1]), m[2], m[3], float(m[4])))
        elif m := TOTAL_RE.match(line):
            total = float(m[1])
        elif m := ARENA_RE.match(line):
            arena = int(m[1])
        else:
            raise AssertionError(f"unexpected stdout line {line!r}")
    return layers, total, arena


def check_roundtrip(cmd, tmp: Path, x, mask):
    out_dir = tmp / "out"
    out_dir.mkdir()
    proc = run(cmd, tmp, ["-i", "x.npy", "-i", "mask.npy", "-o", out_dir, "-r", "3"])
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    y = np.load(out_dir / "output_0.npy")
    assert y.dtype == np.float32 and y.shape == (2, 3)
    np.testing.assert_array_equal(y, x + 1)
    w = np.load(out_dir / "output_1.npy")
    assert w.dtype == np.int64 and w.shape == (3,)
    np.testing.assert_array_equal(w, mask.astype(np.int64))
    # numpy's own v1.0 layout: header padded so the data is 64-byte aligned.
    raw = (out_dir / "output_0.npy").read_bytes()
    assert raw[:8] == b"\x93NUMPY\x01\x00"
    (hlen,) = struct.unpack("<H", raw[8:10])
    assert (10 + hlen) % 64 == 0 and raw[10 + hlen - 1: 10 + hlen] == b"\n"
    layers, total, arena = parse_report(proc.stdout)
    assert [(i, n, o) for i, n, o, _ in layers] == [(0, "add_one", "Add"), (1, "widen_mask", "Cast")]
    assert all(us >= 0 for *_, us in layers)
    assert total is not None and total >= 0
    assert arena == 128


def test_npy_roundtrip_and_report(runner, inputs):
    tmp, x, mask = inputs
    check_roundtrip([runner], tmp, x, mask)


def test_raw_input_and_default_output_dir(runner, inputs):
    tmp, x, mask = inputs
    (tmp / "x.bin").write_bytes(x.tobytes())
    proc = run([runner], tmp, ["-i", "x.bin", "-i", "mask.npy", "-q"])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""  # -q
    np.testing.assert_array_equal(np.load(tmp / "output_0.npy"), x + 1)


def test_npy_format_v2_accepted(runner, inputs):
    tmp, x, mask = inputs
    with open(tmp / "x2.npy", "wb") as f:
        np.lib.format.write_array(f, x, version=(2, 0))
    proc = run([runner], tmp, ["-i", "x2.npy", "-i", "mask.npy", "-q"])
    assert proc.returncode == 0, proc.stderr
    np.testing.assert_array_equal(np.load(tmp / "output_0.npy"), x + 1)


def expect_input_error(proc, *fragments):
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert lines and lines[0].startswith("error: "), proc.stderr
    for frag in fragments:
        assert frag in lines[0], (frag, proc.stderr)


def test_wrong_shape_npy(runner, inputs):
    tmp, x, _ = inputs
    np.save(tmp / "bad.npy", x.reshape(3, 2))
    proc = run([runner], tmp, ["-i", "bad.npy", "-i", "mask.npy"])
    expect_input_error(proc, "input 0 'x'", "expected float32 [2, 3]", "got float32 [3, 2]", "bad.npy")
    assert proc.stderr.count("\n") == 1


def test_wrong_dtype_npy(runner, inputs):
    tmp, x, _ = inputs
    np.save(tmp / "f64.npy", x.astype(np.float64))
    proc = run([runner], tmp, ["-i", "f64.npy", "-i", "mask.npy"])
    expect_input_error(proc, "input 0 'x'", "expected float32 [2, 3]", "got float64 [2, 3]")
    np.save(tmp / "i8.npy", np.zeros(3, np.int8))
    proc = run([runner], tmp, ["-i", "x.npy", "-i", "i8.npy"])
    expect_input_error(proc, "input 1 'mask'", "expected uint8 [3]", "got int8 [3]", "i8.npy")


def test_fortran_order_npy_rejected(runner, inputs):
    tmp, x, _ = inputs
    np.save(tmp / "f.npy", np.asfortranarray(x))
    proc = run([runner], tmp, ["-i", "f.npy", "-i", "mask.npy"])
    expect_input_error(proc, "input 0 'x'", "fortran_order")


def test_truncated_npy_rejected(runner, inputs):
    tmp, _, _ = inputs
    data = (tmp / "x.npy").read_bytes()
    (tmp / "short.npy").write_bytes(data[:-4])
    proc = run([runner], tmp, ["-i", "short.npy", "-i", "mask.npy"])
    expect_input_error(proc, "input 0 'x'", "24 data bytes", "got 20")


def test_wrong_size_raw(runner, inputs):
    tmp, _, _ = inputs
    (tmp / "x.bin").write_bytes(b"\0" * 20)
    proc = run([runner], tmp, ["-i", "x.bin", "-i", "mask.npy"])
    expect_input_error(proc, "input 0 'x'", "24 bytes", "got 20 bytes", "x.bin")
    (tmp / "m.raw").write_bytes(b"\0" * 4)
    proc = run([runner], tmp, ["-i", "x.npy", "-i", "m.raw"])
    expect_input_error(proc, "input 1 'mask'", "3 bytes", "got 4 bytes")


def test_missing_file_and_input_count(runner, inputs):
    tmp, _, _ = inputs
    proc = run([runner], tmp, ["-i", "x.npy", "-i", "nope.npy"])
    expect_input_error(proc, "input 1 'mask'", "nope.npy")
    proc = run([runner], tmp, ["-i", "x.npy"])
    expect_input_error(proc, "2 inputs", "got 1")
    proc = run([runner], tmp, ["-i", "x.npy", "-i", "mask.npy", "-i", "x.npy"])
    expect_input_error(proc, "2 inputs", "got 3")
    proc = run([runner], tmp, ["-i", "x.npy", "-i", "mask.npy", "-r", "0"])
    expect_input_error(proc, "-r")
    proc = run([runner], tmp, ["-i", "x.npy", "-i"])
    expect_input_error(proc, "-i")


def test_model_failure_exits_3(runner, inputs):
    tmp, x, _ = inputs
    x = x.copy()
    x[0, 0] = np.nan
    np.save(tmp / "nan.npy", x)
    proc = run([runner], tmp, ["-i", "nan.npy", "-i", "mask.npy"])
    assert proc.returncode == 3
    assert proc.stderr.strip() == "error: model run failed: invalid argument"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("qemu-riscv64-static") is None, reason="qemu-riscv64-static not installed")
def test_riscv64_runner_under_qemu(tmp_path_factory, inputs):
    """The same runner, statically linked for riscv64-linux-musl, under user-mode QEMU.
    Marked slow only because the first build on a machine compiles musl for riscv64
    into zig's global cache (about a minute, once); after that it takes ~2 s."""
    exe = build_runner(tmp_path_factory.mktemp("runner_rv") / "fake_run",
                       ["-target", "riscv64-linux-musl", "-mcpu=baseline_rv64", "-static"])
    tmp, x, mask = inputs
    check_roundtrip(["qemu-riscv64-static", exe], tmp, x, mask)


def test_a_sequence_of_inputs_runs_step_by_step(runner, tmp_path):
    """-s 4: each input file holds 4 inputs (npy with a leading 4, or raw
    data of 4 inputs), each output file gets a leading 4; a file with
    another count is refused naming the input."""
    xs = np.arange(24, dtype=np.float32).reshape(4, 2, 3) - 7.5
    masks = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9], [250, 0, 1]], dtype=np.uint8)
    np.save(tmp_path / "xs.npy", xs)
    (tmp_path / "masks.raw").write_bytes(masks.tobytes())
    out = tmp_path / "out"
    out.mkdir()
    proc = run([runner], tmp_path, ["-i", "xs.npy", "-i", "masks.raw", "-o", out, "-s", "4", "-q"])
    assert proc.returncode == 0, proc.stderr
    np.testing.assert_array_equal(np.load(out / "output_0.npy"), xs + 1)
    np.testing.assert_array_equal(np.load(out / "output_1.npy"), masks.astype(np.int64))
    proc = run([runner], tmp_path, ["-i", "xs.npy", "-i", "masks.raw", "-o", out, "-s", "3", "-q"])
    assert proc.returncode == 2
    assert "input 0 'x': expected 3 steps of float32 [2, 3], got float32 [4, 2, 3] in xs.npy" in proc.stderr
