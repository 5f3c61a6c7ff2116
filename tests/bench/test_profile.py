"""The instruction mix and the cycle model (runners/spike_profile.py,
runners/mix.py, targets/cores.py), checked on a hand-written instruction
sequence whose mix and cycles are counted here by hand, and on a bundle,
whose per-layer mixes must add up to Spike's exact counts."""

from __future__ import annotations

import subprocess
from fractions import Fraction
from pathlib import Path

import pytest

from rvpack.sdk.build.tools import zig_env, zig_executable
from rvpack.sdk.errors import ToolMissingError
from rvpack.sdk.resources import RUNTIME_DIR
from rvpack.sdk.runners import spike, spike_profile
from rvpack.sdk.runners.mix import VECTOR, VECTOR_MEMORY, InstructionMix, scalar_class, vector_groups
from rvpack.sdk.targets.cores import CORE_MODELS

BAREMETAL = RUNTIME_DIR / "baremetal"
MARK = ".insn i 0x13, 2, x0, x0, 2032"

# Between two markers: exactly these instructions (the first marker ends the
# window before; the window ending at the second marker starts with the first).
SEQUENCE = f"""
    .text
    .globl main
main:
    la a0, buf
    {MARK}
    vsetvli t0, zero, e32, m4, ta, ma
    vle32.v v8, (a0)
    vfmacc.vf v8, fa0, v16
    vfmacc.vf v8, fa0, v16
    vfmacc.vf v8, fa0, v16
    vle8.v v4, (a0)
    vsetvli t0, zero, e32, m1, ta, ma
    vadd.vv v1, v2, v3
    vfwmacc.vf v4, fa0, v2
    vmv4r.v v4, v8
    vsetvli t0, zero, e16, mf2, ta, ma
    vadd.vv v1, v2, v3
    addi a1, a1, 1
    add a2, a2, a1
    ld a3, 0(a0)
    sd a3, 8(a0)
    {MARK}
    li a0, 0
    ret
    .bss
    .balign 64
buf:
    .zero 1024
"""


@pytest.fixture(scope="module")
def spike_ok():
    try:
        spike.spike_executable()
        spike_profile.extension_library(spike.spike_executable().parents[2])
    except ToolMissingError as e:
        pytest.skip(str(e))


def build(tmp: Path, source: str) -> Path:
    (tmp / "seq.S").write_text(source)
    elf = tmp / "seq.elf"
    subprocess.run([str(zig_executable()), "cc", "--target=riscv64-freestanding-none", "-mcpu=baseline_rv64+v",
                    "-mcmodel=medany", "-O2", "-nostdlib", f"-I{BAREMETAL}", str(BAREMETAL / "crt0.S"),
                    str(BAREMETAL / "htif.c"), str(tmp / "seq.S"), "-T", str(BAREMETAL / "link.ld"), "-o", str(elf)],
                   check=True, env=zig_env(), capture_output=True)
    return elf


def profile_windows(elf: Path, tmp: Path, vlen: int) -> list[spike_profile.Window]:
    out = tmp / "profile.txt"
    spike.run_program(elf, f"rv64gcv_zvl{vlen}b", 60, extra=spike_profile.spike_arguments(spike.spike_executable()
                                                                                          .parents[2]),
                      env={"RVPACK_SPIKE_PROFILE": str(out)})
    return spike_profile.parse_profile(out.read_text())


def test_mix_and_cycles_of_a_known_sequence(spike_ok, tmp_path):
    elf = build(tmp_path, SEQUENCE)
    windows = profile_windows(elf, tmp_path, 256)
    assert len(windows) == 2
    mix = spike_profile.window_mix(windows[1], spike_profile.ElfImage(elf))
    # scalar: the first marker + addi, add; memory: ld, sd; three vsetvli.
    assert (mix.scalar, mix.scalar_memory, mix.vsetvl) == (3, 2, 3)
    # vle32 at e32/m4: EMUL 4; vle8 at e32/m4: EMUL 1; vfmacc x3 at m4; vadd m1; vfwmacc at m1 writes 2
    # registers; vmv4r moves 4 whatever the vtype; vadd at mf2.
    assert dict(mix.vector_memory) == {"m4": 1, "m1": 1}
    assert dict(mix.vector) == {"m4": 4, "m1": 1, "m2": 1, "mf2": 1}
    assert mix.total == 3 + 2 + 3 + 2 + 7
    # x60, DLEN 128 at VLEN 256: a register group costs 2 cycles, a fractional one at least 1.
    # 8 scalar + vle32 m4 (8) + 3 vfmacc m4 (24) + vle8 (2) + vadd m1 (2) + vfwmacc (4) + vmv4r (8) + mf2 (1)
    assert mix.cycles(CORE_MODELS["x60"], 256) == 8 + 8 + 24 + 2 + 2 + 4 + 8 + 1
    # DLEN = VLEN: a group costs 1 cycle.
    assert mix.cycles(CORE_MODELS["dlen=vlen"], 256) == 8 + 4 + 12 + 1 + 1 + 2 + 4 + 1
    # At VLEN 128 the two models agree.
    assert mix.cycles(CORE_MODELS["x60"], 128) == mix.cycles(CORE_MODELS["dlen=vlen"], 128)


def test_decoding_against_the_assembler(tmp_path):
    """The classes of instructions as zig's assembler encodes them."""
    src = tmp_path / "x.S"
    src.write_text("vfmacc.vf v8, fa0, v16\nvle32.v v8, (a0)\nvse8.v v4, (a1)\nvsetvli t0, a0, e32, m8, ta, ma\n"
                   "vl2re32.v v2, (a0)\nvnsrl.wi v1, v2, 0\nflw fa0, 0(a0)\nc.lw a1, 0(a0)\naddi a0, a0, 4\n")
    obj = tmp_path / "x.o"
    subprocess.run([str(zig_executable()), "cc", "--target=riscv64-freestanding-none", "-mcpu=baseline_rv64+v",
                    "-c", str(src), "-o", str(obj)], check=True, env=zig_env(), capture_output=True)
    subprocess.run([str(zig_executable()), "objcopy", "-O", "binary", "--only-section=.text", str(obj),
                    str(tmp_path / "x.bin")], check=True, env=zig_env(), capture_output=True)
    code = (tmp_path / "x.bin").read_bytes()
    insns, pos = [], 0
    while pos < len(code):
        low = int.from_bytes(code[pos:pos + 2], "little")
        size = 2 if low & 3 != 3 else 4
        insns.append(int.from_bytes(code[pos:pos + size], "little"))
        pos += size
    m4 = Fraction(4)
    assert vector_groups(insns[0], 32, m4) == (VECTOR, m4)
    assert vector_groups(insns[1], 32, m4) == (VECTOR_MEMORY, m4)
    assert vector_groups(insns[2], 32, m4) == (VECTOR_MEMORY, Fraction(1))
    assert scalar_class(insns[3]) == "vsetvl"
    assert vector_groups(insns[4], 32, Fraction(1, 2)) == (VECTOR_MEMORY, Fraction(2))
    assert vector_groups(insns[5], 16, Fraction(1)) == (VECTOR, Fraction(2))  # narrowing reads 2 * SEW
    assert [scalar_class(b) for b in insns[6:]] == ["scalar_memory", "scalar_memory", "scalar"]


def test_mix_arithmetic():
    a = InstructionMix(scalar=10, scalar_memory=4, vsetvl=2)
    a.add_vector(VECTOR, Fraction(8), 3)
    b = InstructionMix(scalar=3)
    a.add_vector(VECTOR, Fraction(1, 4), 2)
    assert (a - b).total == a.total - 3 and (a - b + b).to_json() == a.to_json()
    with pytest.raises(ValueError):
        b - a
    # 16 scalar + 3 x LMUL 8 at VLEN 512 / DLEN 128 (4 per group) + 2 x mf4 (at least 1 cycle).
    assert a.cycles(CORE_MODELS["x60"], 512) == 16 + 3 * 8 * 4 + 2
