"""The target registry: the Bazel files generated from it are current, plugins
cannot shadow a target, and the one compatibility check (bundle/compat.py)
that run, bench, deploy and Docker share."""

from __future__ import annotations

import subprocess
import sys

import pytest

from rvpack.sdk.bundle.compat import IncompatibleError, Machine, check_compatible, choose_vlen
from rvpack.sdk.errors import UnsupportedTargetError
from rvpack.sdk.targets import Plugin, get_target, kernel_isa_of
from rvpack.sdk.targets.bazelgen import BUILD_FILE, generate
from rvpack.sdk.targets.registry import builtin_registry

RVV = get_target("rvv1.0").spec()
GC = get_target("rv64gc").spec()


def test_checked_in_toolchains_match_the_registry():
    proc = subprocess.run([sys.executable, "-m", "rvpack.sdk.targets.bazelgen", "--check"], capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr
    assert BUILD_FILE.read_text() == generate(builtin_registry().targets.values())


def test_generated_toolchains_follow_each_row():
    text = generate(builtin_registry().targets.values())
    for t in builtin_registry().targets.values():
        if not t.available:
            assert f'name = "{t.bazel_name}_linux"' not in text  # listed by `rvpack targets`, never built
            continue
        assert f'name = "{t.bazel_name}_linux"' in text and f'zig_cpu = "{t.zig_cpu}"' in text
        assert (f'name = "{t.bazel_name}_baremetal"' in text) == bool(t.spike_isa)
        assert f'":kernel_isa_{t.kernel_isa}"' in text
    assert text.count("baseline_rv64+v") == 3  # the rvv1.0 Linux and bare-metal toolchains, compiler-rt


def test_a_checker_for_stale_files_fails_on_an_edit(tmp_path, monkeypatch):
    from rvpack.sdk.targets import bazelgen

    stale = tmp_path / "BUILD.bazel"
    stale.write_text(BUILD_FILE.read_text().replace("baseline_rv64+v", "baseline_rv64"))
    monkeypatch.setattr(bazelgen, "BUILD_FILE", stale)
    assert bazelgen.main(["--check"]) == 1


def test_a_plugin_cannot_replace_a_target():
    reg = builtin_registry()
    with pytest.raises(UnsupportedTargetError, match="target 'rv64gc' is defined twice"):
        reg.with_plugin(Plugin(targets=(get_target("rv64gc"),)))


def test_every_builtin_target_has_its_kernel_isa():
    for t in builtin_registry().targets.values():
        if t.available:
            assert kernel_isa_of(t).name == t.kernel_isa


# ---- the compatibility check ----------------------------------------------------
def test_vlen_rule():
    assert choose_vlen(RVV, None) == 128 and choose_vlen(RVV, 512, 1024) == 512
    assert choose_vlen(GC, None) is None
    with pytest.raises(IncompatibleError, match="--vlen 256: target rv64gc has no vector unit"):
        choose_vlen(GC, 256)
    with pytest.raises(IncompatibleError, match="--vlen 96 is not supported") as e:
        choose_vlen(RVV, 96, 1024)
    assert e.value.hint == "choose one of 128, 256, 512, 1024"
    with pytest.raises(IncompatibleError, match="--vlen 2048 is not supported"):
        choose_vlen(RVV, 2048, 1024)
    with pytest.raises(IncompatibleError, match="--tune-vlen 64 is below the bundle's minimum VLEN 128"):
        choose_vlen(RVV, 64, 1024, option="--tune-vlen")


def board(vector: str, vlen: int | None, isa: str = "rv64imafdcv", arch: str = "riscv64") -> Machine:
    return Machine(f"board 'b' ({isa})", arch, isa, vector, vlen)


def test_machines_that_cannot_run_a_bundle_are_refused_with_both_sides_named():
    check_compatible(RVV, "m", board("rvv1.0", 256))
    check_compatible(GC, "m", board("none", None, "rv64imafdc"))
    cases = [
        (RVV, board("none", None, "rv64imafdc"), "it has no vector unit, the bundle needs RVV 1.0"),
        (RVV, board("xtheadvector", 128, "rv64imafdc_xtheadvector"), "the vector unit is RVV 0.7.1 (XTheadVector)"),
        (RVV, board("rvv1.0", 64), "VLEN=64 is below the bundle's minimum VLEN 128"),
        (RVV, board("rvv1.0", None), "cannot tell its VLEN"),
        (GC, board("none", None, "rv64imac"), "it lacks extension(s) d, f"),
        (GC, board("none", None, "x86_64", "x86_64"), "it needs a riscv64 Linux machine, this one is x86_64"),
    ]
    for spec, machine, message in cases:
        with pytest.raises(IncompatibleError) as e:
            check_compatible(spec, "m", machine)
        assert message in str(e.value) and "board 'b'" in str(e.value), str(e.value)
