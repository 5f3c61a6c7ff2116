"""A target added from outside the repository, through the plugin API only.

A temporary directory holds an installed-looking package `rvpack_toy` (a
dist-info with an `rvpack.targets` entry point) whose Plugin adds:
  - the target `toy-zbb`: rv64gc plus Zba/Zbb (zig -mcpu) and an extra copt,
    run by QEMU with those extensions on;
  - its kernel ISA `toy`: the portable kernels plus its own twin of the unary
    kernel (runtime in the plugin's own Bazel repository; its C refuses to
    compile without the target's -mcpu and copt, so it proves they were used).
The CLI (in a subprocess, the plugin on PYTHONPATH) lists the target, builds
a bundle whose Sigmoid layer runs the toy kernel, runs it under QEMU and
checks it against onnxruntime; no file of the repository changes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import onnx
import pytest
from onnx import TensorProto, helper

REPO = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.skipif(shutil.which("bazel") is None, reason="bazel is not installed"),
    pytest.mark.skipif(shutil.which("qemu-riscv64-static") is None, reason="qemu-riscv64-static is not installed"),
]

PLUGIN_INIT = '''
from pathlib import Path

from rvpack.sdk.bundle.target import EmulatorSpec
from rvpack.sdk.targets import Plugin, Target
from rvpack.sdk.targets.plugin import KernelIsa

RUNTIME = Path(__file__).resolve().parent / "runtime"

PLUGIN = Plugin(
    targets=(Target(
        name="toy-zbb",
        description="RV64GC + Zba/Zbb with the toy kernels",
        isa="rv64imafdc_zba_zbb",
        kernel_isa="toy",
        bazel_name="toy_zbb",
        zig_cpu="baseline_rv64+zba+zbb",
        copts=("-DTOY_TARGET_COPT=1",),
        emulator=EmulatorSpec("qemu-riscv64-static", "rv64,zba=true,zbb=true"),
    ),),
    kernel_isas=(KernelIsa(
        name="toy",
        description="portable kernels + a toy unary kernel",
        twins={"rvpack_f32_unary__scalar": "toy_f32_unary"},
        headers=("toy/kernels_toy.h",),
        runtime_deps=("@rvpack_isa_toy//:toy",),
        bazel_repositories={"rvpack_isa_toy": RUNTIME},
    ),),
)
'''

TOY_BUILD = '''
cc_library(
    name = "toy",
    srcs = ["toy.c"],
    hdrs = ["include/toy/kernels_toy.h"],
    includes = ["include"],
    visibility = ["//visibility:public"],
    deps = ["@rvpack//runtime"],
)
'''

TOY_H = '''
#ifndef TOY_KERNELS_TOY_H_
#define TOY_KERNELS_TOY_H_
#include <stddef.h>
#include "rvpack/kernels.h"
void toy_f32_unary(size_t n, const float* x, float* y, const rvpack_activation_t* act);
#endif
'''

# The toy twin computes SIGMOID itself (1 / (1 + e^-x)); every other kind goes to the portable kernel.
TOY_C = '''
#include <math.h>
#include "toy/kernels_toy.h"
#if !defined(__riscv_zbb) || !defined(__riscv_zba)
#error "the toy target's -mcpu (Zba/Zbb) was not applied"
#endif
#ifndef TOY_TARGET_COPT
#error "the toy target's copts were not applied"
#endif
void toy_f32_unary(size_t n, const float* x, float* y, const rvpack_activation_t* act) {
  if (act->kind != RVPACK_ACT_SIGMOID) {
    rvpack_f32_unary__scalar(n, x, y, act);
    return;
  }
  for (size_t i = 0; i < n; ++i) y[i] = 1.0f / (1.0f + expf(-x[i]));
}
'''


def write_plugin(root: Path) -> Path:
    pkg = root / "rvpack_toy"
    (pkg / "runtime" / "include" / "toy").mkdir(parents=True)
    (pkg / "__init__.py").write_text(textwrap.dedent(PLUGIN_INIT))
    (pkg / "runtime" / "WORKSPACE").write_text('workspace(name = "rvpack_isa_toy")\n')
    (pkg / "runtime" / "BUILD.bazel").write_text(TOY_BUILD)
    (pkg / "runtime" / "include" / "toy" / "kernels_toy.h").write_text(TOY_H)
    (pkg / "runtime" / "toy.c").write_text(TOY_C)
    info = root / "rvpack_toy-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: rvpack-toy\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[rvpack.targets]\ntoy = rvpack_toy:PLUGIN\n")
    return root


def write_model(path: Path) -> Path:
    """y = sigmoid(x * 2 + 1): the Sigmoid stays a layer of its own (no fusion)."""
    nodes = [helper.make_node("Mul", ["x", "two"], ["m"]), helper.make_node("Add", ["m", "one"], ["a"]),
             helper.make_node("Sigmoid", ["a"], ["y"])]
    inits = [helper.make_tensor("two", TensorProto.FLOAT, [], [2.0]), helper.make_tensor("one", TensorProto.FLOAT, [], [1.0])]
    graph = helper.make_graph(nodes, "toy_net", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 64])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 64])], inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8), path)
    return path


def repo_state() -> str:
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    return subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=REPO, capture_output=True,
                          text=True, check=True).stdout


def test_a_toy_target_from_a_plugin_builds_and_runs(tmp_path, rvpack_cache):
    before = repo_state()
    plugins = write_plugin(tmp_path / "site")
    model = write_model(tmp_path / "toy_net.onnx")
    env = {**os.environ, "PYTHONPATH": f"{plugins}{os.pathsep}{REPO}"}

    def rvpack(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "rvpack.cli", *args], capture_output=True, text=True, env=env,
                              cwd=tmp_path, timeout=1200)

    listed = rvpack("targets")
    assert listed.returncode == 0 and "toy-zbb" in listed.stdout and "rv64imafdc_zba_zbb" in listed.stdout

    out = tmp_path / "toy.rvpack"
    build = rvpack("build", str(model), "-t", "toy-zbb", "-o", str(out), "-q")
    assert build.returncode == 0, build.stdout + build.stderr
    run = rvpack("run", str(out), "--check")
    assert run.returncode == 0 and "check passed" in run.stdout, run.stdout + run.stderr

    from rvpack.sdk.bundle import Bundle

    m = Bundle.open(out).manifest
    assert m.target["name"] == "toy-zbb" and m.target["emulator"]["cpu"] == "rv64,zba=true,zbb=true"
    assert [layer.kernel for layer in m.layers if layer.op == "Sigmoid"] == ["toy_f32_unary"]
    assert "toy_f32_unary(" in (out / "src" / "model.c").read_text()
    assert '#include "toy/kernels_toy.h"' in (out / "src" / "model.c").read_text()
    members = subprocess.run([sys.executable, "-m", "ziglang", "ar", "t", str(out / "lib" / "libtoy_net.a")],
                             capture_output=True, text=True, check=True).stdout.split()
    assert "toy.o" in members  # the plugin's runtime is part of the bundle's library

    # The plugin is not installed in this process: the repository's own registry does not know it.
    from rvpack.sdk.targets.registry import builtin_registry

    assert "toy-zbb" not in builtin_registry().targets
    assert repo_state() == before, "building with a plugin target must not write into the repository"
