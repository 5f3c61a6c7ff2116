"""The bundle is a contract users build against: include/ + lib/ alone let a
C program (compiled with the same zig clang, no rvpack sources) run the model
with its own arena, get the reference answer, and get a status code (not a
crash) for a too-small or misaligned arena. The library needs no malloc."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from rvpack.sdk import reference
from rvpack.sdk.build.tools import zig_executable
from rvpack.sdk.runners.local import qemu_command
from tests.e2e.harness import build
from tests.kernels.scalar_kernels_ffi import elf_undefined_symbols

USER_PROGRAM = r"""
#include <stdio.h>
#include <stdint.h>
#include "tinyconv.h"

static uint8_t arena[TINYCONV_ARENA_BYTES + 64] __attribute__((aligned(64)));
static float x[1 * 3 * 6 * 6];
static float y[1 * 4 * 3 * 3];

int main(void) {
  for (int i = 0; i < (int)(sizeof(x) / sizeof(x[0])); ++i) x[i] = (float)(i % 7) - 3.0f;
  tinyconv_inputs_t in = {x};
  tinyconv_outputs_t out = {y};
  printf("small %d\n", (int)tinyconv_run(&in, &out, arena, TINYCONV_ARENA_BYTES - 1));
  printf("misaligned %d\n", (int)tinyconv_run(&in, &out, arena + 4, TINYCONV_ARENA_BYTES));
  printf("null %d\n", (int)tinyconv_run(&in, &out, NULL, TINYCONV_ARENA_BYTES));
  rvpack_status_t status = tinyconv_run(&in, &out, arena, TINYCONV_ARENA_BYTES);
  printf("status %d %s\n", (int)status, tinyconv_model_desc.name);
  for (int i = 0; i < (int)(sizeof(y) / sizeof(y[0])); ++i) printf("%a\n", (double)y[i]);
  return 0;
}
"""


def _model(path: Path) -> None:
    rng = np.random.default_rng(5)
    inits = [numpy_helper.from_array(rng.standard_normal((4, 3, 3, 3)).astype(np.float32), "W"),
             numpy_helper.from_array(rng.standard_normal(4).astype(np.float32), "B")]
    nodes = [helper.make_node("Conv", ["x", "W", "B"], ["c"], pads=[1, 1, 1, 1]), helper.make_node("Relu", ["c"], ["r"]),
             helper.make_node("MaxPool", ["r"], ["y"], kernel_shape=[2, 2], strides=[2, 2])]
    graph = helper.make_graph(nodes, "tinyconv", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 6, 6])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, 3, 3])], inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8), path)


def _archive_members(path: Path, out_dir: Path) -> list[Path]:
    """Extracts the members of a System V `ar` archive (GNU long names)."""
    data = path.read_bytes()
    assert data[:8] == b"!<arch>\n"
    pos, names, members = 8, b"", []
    while pos < len(data):
        header = data[pos: pos + 60]
        name, size = header[:16].decode().strip(), int(header[48:58].decode().strip())
        body = data[pos + 60: pos + 60 + size]
        if name == "//":
            names = body
        elif name.startswith("/") and name[1:].isdigit():
            start = int(name[1:])
            name = names[start: names.index(b"/\n", start)].decode()
        if not name.startswith("/") and name != "//":
            f = out_dir / f"{len(members)}_{name.rstrip('/')}"
            f.write_bytes(body)
            members.append(f)
        pos += 60 + size + (size & 1)
    return members


def test_user_program_links_against_the_bundle_alone(tmp_path):
    model = tmp_path / "tinyconv.onnx"
    _model(model)
    bundle = build(model, tmp_path / "tinyconv.rvpack")
    prog = tmp_path / "user_prog"
    (tmp_path / "main.c").write_text(USER_PROGRAM)
    subprocess.run([str(zig_executable()), "cc", "--target=riscv64-linux-musl", "-mcpu=baseline_rv64", "-O2",
                    "-I", str(bundle.path / "include"), str(tmp_path / "main.c"), str(bundle.library), "-o", str(prog)],
                   check=True, capture_output=True, env={"ZIG_GLOBAL_CACHE_DIR": str(Path.home() / ".cache/rvpack/zig"),
                                                         "ZIG_LOCAL_CACHE_DIR": str(tmp_path / "zig"), "PATH": "/usr/bin:/bin"})
    lines = subprocess.run(qemu_command(bundle, None) + [str(prog)], capture_output=True, text=True,
                           check=True).stdout.splitlines()
    assert lines[:3] == ["small 1", "misaligned 2", "null 3"]
    assert lines[3] == "status 0 tinyconv"
    got = np.array([float.fromhex(v) for v in lines[4:]], np.float32).reshape(1, 4, 3, 3)
    x = ((np.arange(108) % 7) - 3).astype(np.float32).reshape(1, 3, 6, 6)
    ref = reference.run_reference(model, "onnx", ["x"], [x])[0]
    np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-5)


def test_library_needs_no_allocator_or_libc_io(tmp_path):
    model = tmp_path / "tinyconv.onnx"
    _model(model)
    bundle = build(model, tmp_path / "tinyconv.rvpack")
    undefined: set[str] = set()
    for member in _archive_members(bundle.library, tmp_path):
        if member.read_bytes()[:4] == b"\x7fELF":
            undefined |= elf_undefined_symbols(member)
    forbidden = {"malloc", "calloc", "realloc", "free", "abort", "exit", "printf", "fprintf", "puts", "fopen"}
    assert not undefined & forbidden, undefined & forbidden
    assert {s for s in undefined if not s.startswith(("rvpack_", "tinyconv_"))} <= {
        "expf", "logf", "tanhf", "powf", "erff", "sqrtf", "floorf", "ceilf", "fabsf", "fmaxf", "fminf", "log1pf",
        "expm1f", "roundf", "fmaf", "memcpy", "memset"}, undefined
