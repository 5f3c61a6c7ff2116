"""Builds a tiny hand-written bundle with Bazel + zig cc and runs it under QEMU.

Uses a fresh RVPACK_CACHE (its own workspace and Bazel server) but the shared
zig cache, so musl is not rebuilt: about 20 s with a warm zig cache.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from rvpack.sdk.build import bazel
from rvpack.sdk.resources import DATA_ROOT as REPO_ROOT
from rvpack.sdk.errors import BuildError
from rvpack.sdk.targets import get_target, kernel_isa_of

pytestmark = [
    pytest.mark.skipif(shutil.which("bazel") is None, reason="bazel is not installed"),
    pytest.mark.skipif(
        shutil.which("qemu-riscv64-static") is None, reason="qemu-riscv64-static is not installed"
    ),
    pytest.mark.skipif(
        not (REPO_ROOT / "runtime" / "src" / "runner_main.c").is_file(),
        reason="runtime/src/runner_main.c is not written yet",
    ),
]

NAME = "rvtest"

HEADER = """\
#ifndef RVTEST_H_
#define RVTEST_H_
#include "rvpack/rvpack.h"
extern const rvpack_model_desc_t rvtest_model;
#endif
"""

# y = relu(x + w), w from weights.bin; relu comes from the runtime, so the
# runtime archive must be linked in.
MODEL_C = """\
#include "rvtest.h"
#include "rvpack/kernels.h"

extern const float rvtest_weights[4];

static rvpack_status_t run(const void* const* inputs, void* const* outputs, void* state, void* arena,
                           size_t arena_bytes, const rvpack_layer_hook_t* hook) {
  (void)state;
  (void)arena;
  (void)arena_bytes;
  const float* x = (const float*)inputs[0];
  float* y = (float*)outputs[0];
  static const rvpack_activation_t relu = {RVPACK_ACT_RELU, 0.0f, 0.0f};
  if (hook != NULL) hook->begin(hook->ctx, 0);
  for (int i = 0; i < 4; ++i) y[i] = x[i] + rvtest_weights[i];
  rvpack_f32_unary__scalar(4, y, y, &relu);
  if (hook != NULL) hook->end(hook->ctx, 0);
  return RVPACK_OK;
}

static const rvpack_tensor_desc_t kInput = {"x", RVPACK_DTYPE_F32, 1, {4}, 16};
static const rvpack_tensor_desc_t kOutput = {"y", RVPACK_DTYPE_F32, 1, {4}, 16};
static const rvpack_layer_desc_t kLayers[] = {{"add_relu", "Add", 4}};

const rvpack_model_desc_t rvtest_model = {
    RVPACK_ABI_VERSION, "rvtest", 1, &kInput, 1, &kOutput, 1, kLayers, 64, run, 0, NULL,
};
"""

WEIGHTS_S = """\
  .section .rodata
  .balign 16
  .globl rvtest_weights
rvtest_weights:
  .incbin "weights.bin"
"""

RUNNER_DATA_C = """\
#include "rvpack/runner.h"
#include "rvtest.h"

static _Alignas(RVPACK_ARENA_ALIGNMENT) unsigned char arena[64];
static float in0[4];
static float out0[4];
static void* const inputs[] = {in0};
static void* const outputs[] = {out0};

const rvpack_runner_buffers_t rvpack_runner_buffers = {&rvtest_model, arena, inputs, outputs, NULL, NULL};
"""


def write_bundle_sources(dest: Path, weights: list[float]) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    (dest / f"{NAME}.h").write_text(HEADER)
    (dest / "model.c").write_text(MODEL_C)
    (dest / "weights.S").write_text(WEIGHTS_S)
    (dest / "weights.bin").write_bytes(struct.pack("<4f", *weights))
    (dest / "runner_data.c").write_text(RUNNER_DATA_C)
    return dest


def run_bundle(runner: Path, tmp: Path, x: list[float]) -> list[float]:
    (tmp / "x.bin").write_bytes(struct.pack("<4f", *x))
    out = tmp / "out"
    out.mkdir(exist_ok=True)
    cmd = ["qemu-riscv64-static", str(runner), "-i", str(tmp / "x.bin"), "-o", str(out), "-q"]
    subprocess.run(cmd, check=True, timeout=60)
    return list(struct.unpack("<4f", (out / "output_0.npy").read_bytes()[-16:]))




def assert_static_riscv64_elf(elf: bytes) -> None:
    assert elf[:4] == b"\x7fELF" and elf[4] == 2  # ELFCLASS64
    e_type, e_machine = struct.unpack_from("<HH", elf, 16)
    assert (e_type, e_machine) == (2, 243)  # ET_EXEC, EM_RISCV
    phoff = struct.unpack_from("<Q", elf, 32)[0]
    phentsize, phnum = struct.unpack_from("<HH", elf, 54)
    p_types = [struct.unpack_from("<I", elf, phoff + i * phentsize)[0] for i in range(phnum)]
    assert 3 not in p_types and 2 not in p_types  # no PT_INTERP, no PT_DYNAMIC: static


def runtime_compiles(actions: list[str]) -> list[str]:
    return [a for a in actions if a.startswith("CppCompile") and "/external/rvpack/runtime/" in a]


def test_build_run_and_reuse_runtime(tmp_path, rvpack_cache):
    target = get_target("rv64gc")
    progress: list[str] = []

    first = bazel.build_bundle(
        write_bundle_sources(tmp_path / "a", [1.0, -2.0, 3.0, -4.0]), NAME, target,
        kernel_isa_of(target), on_progress=progress.append,
    )  # fmt: skip
    assert first.runner.name == f"{NAME}_run"
    assert_static_riscv64_elf(first.runner.read_bytes())
    assert run_bundle(first.runner, tmp_path, [0.5, 0.5, 0.5, 0.5]) == [1.5, 0.0, 3.5, 0.0]

    # The merged archive holds the model and the runtime, not the runner's main.
    runtime_src = (REPO_ROOT / "runtime" / "src").glob("*.c")
    expected = {f"{c.stem}.o" for c in runtime_src if c.name != "runner_main.c"}
    members = subprocess.run(
        [str(bazel.zig_executable()), "ar", "t", str(first.library)],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    assert sorted(members) == sorted(expected | {"model.o", "weights.o"})
    assert runtime_compiles(first.actions)  # a fresh cache compiles the runtime once
    assert first.toolchain["bazel"] == bazel.bazel_version()
    assert set(first.toolchain) == {"bazel", "zig", "clang"}
    assert progress

    # A second bundle (new weights) reuses the compiled runtime.
    second = bazel.build_bundle(
        write_bundle_sources(tmp_path / "b", [0.0, 0.0, -1.0, 1.0]), NAME, target, kernel_isa_of(target)
    )
    assert runtime_compiles(second.actions) == []
    assert any("weights.o" in a for a in second.actions)  # ... but did rebuild the model
    assert run_bundle(second.runner, tmp_path, [1.0, 1.0, 1.0, 1.0]) == [1.0, 1.0, 0.0, 2.0]


def test_compile_error_is_a_build_error(tmp_path, rvpack_cache):
    src = write_bundle_sources(tmp_path / "bad", [0.0] * 4)
    (src / "model.c").write_text(MODEL_C + "\nint broken(void) { return undeclared_thing; }\n")
    with pytest.raises(BuildError) as err:
        bazel.build_bundle(src, NAME, get_target("rv64gc"), kernel_isa_of(get_target("rv64gc")))
    assert "undeclared_thing" in str(err.value)
