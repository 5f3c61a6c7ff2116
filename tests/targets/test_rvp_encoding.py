"""The P extension 0.9.x encoder (sdk/targets/rvp/encoding.py) against the
published encodings, and every instruction it knows run on xuantie-qemu
against the encoder's own model of it.

Published patterns: riscv-opcodes' unratified/rv_zpn, the bit fields of the
riscv-p-spec v0.9.x instruction pages (funct7 | rs2 | rs1 | funct3 | rd |
OP-P), copied here as data; SMAQA with zero registers is 0xc8000077.
"""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

from rvpack.sdk.errors import ToolMissingError
from rvpack.sdk.resources import DATA_ROOT
from rvpack.sdk.runners.xuantie import P_CPU, xuantie_qemu
from rvpack.sdk.targets.rvp import encoding

PUBLISHED = {  # mnemonic: "funct7 funct3" of riscv-opcodes unratified/rv_zpn (opcode 1110111)
    "smaqa": "1100100 000", "smaqa.su": "1100101 000", "umaqa": "1100110 000",
    "add8": "0100100 000", "sub8": "0100101 000", "kadd8": "0001100 000", "ksub8": "0001101 000",
    "smax8": "1000101 000", "smin8": "1000100 000", "kadd16": "0001000 000", "smax16": "1000001 000",
    "smin16": "1000000 000",
}


def _published_word(mnemonic: str, rd: int, rs1: int, rs2: int) -> int:
    funct7, funct3 = PUBLISHED[mnemonic].split()
    bits = f"{funct7}{rs2:05b}{rs1:05b}{funct3}{rd:05b}1110111"
    assert len(bits) == 32
    return int(bits, 2)


def test_every_emitted_instruction_has_its_published_encoding():
    assert {i.mnemonic for i in encoding.INSTRUCTIONS} <= set(PUBLISHED)
    assert encoding.BY_NAME["smaqa"].word() == 0xC8000077
    rng = random.Random(3)
    for i in encoding.INSTRUCTIONS:
        for rd, rs1, rs2 in [(0, 0, 0), (31, 0, 0), (0, 31, 0), (0, 0, 31)] + \
                [tuple(rng.randrange(32) for _ in range(3)) for _ in range(20)]:
            assert i.word(rd, rs1, rs2) == _published_word(i.mnemonic, rd, rs1, rs2), (i.mnemonic, rd, rs1, rs2)
    with pytest.raises(ValueError):
        encoding.BY_NAME["add8"].word(32, 0, 0)


def test_generated_header_is_current():
    proc = subprocess.run([sys.executable, "-m", "rvpack.sdk.targets.rvp.encoding", "--check",
                           "--root", str(DATA_ROOT)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    text = (DATA_ROOT / encoding.HEADER).read_text()
    assert text.startswith("/* Auto-generated file. Do not edit!")
    assert all(f"rvpack_p_{i.mnemonic.replace('.', '_')}(" in text for i in encoding.INSTRUCTIONS)


TEST_PROGRAM = r"""
#include <stdint.h>
#include <stdio.h>
#include "rvpack/p_ext.h"

int main(void) {
  unsigned long long rd, a, b;
  while (scanf("%llx %llx %llx", &rd, &a, &b) == 3) {
    const int64_t d = (int64_t)rd, x = (int64_t)a, y = (int64_t)b;
    printf("%llx", (unsigned long long)rvpack_p_%%FIRST%%);
%%CALLS%%
    printf("\n");
  }
  return 0;
}
"""


def _program(tmp_path: Path) -> Path:
    calls = []
    for i in encoding.INSTRUCTIONS:
        name = i.mnemonic.replace(".", "_")
        args = "(d, x, y)" if i.accumulates else "(x, y)"
        calls.append(f'    printf(" %llx", (unsigned long long)rvpack_p_{name}{args});')
    first = calls.pop(0)
    source = TEST_PROGRAM.replace('    printf("%llx", (unsigned long long)rvpack_p_%%FIRST%%);',
                                  first.replace('" %llx"', '"%llx"')).replace("%%CALLS%%", "\n".join(calls))
    (tmp_path / "p.c").write_text(source)
    exe = tmp_path / "p"
    proc = subprocess.run([sys.executable, "-m", "ziglang", "cc", "--target=riscv64-linux-musl",
                           "-mcpu=baseline_rv64", "-O2", "-static", f"-I{DATA_ROOT / 'runtime' / 'rvp' / 'include'}",
                           str(tmp_path / "p.c"), "-o", str(exe)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return exe


def test_every_instruction_computes_its_model_on_xuantie_qemu(tmp_path):
    try:
        qemu = xuantie_qemu()
    except ToolMissingError as e:
        pytest.skip(str(e))
    exe = _program(tmp_path)
    rng = random.Random(11)
    edge = [0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0x7F7F7F7F7F7F7F7F, 0x8080808080808080, (1 << 64) - 1]
    triples = [(rng.choice(edge), rng.choice(edge), rng.choice(edge)) for _ in range(40)] + \
        [tuple(rng.getrandbits(64) for _ in range(3)) for _ in range(200)]
    stdin = "".join(f"{d:x} {a:x} {b:x}\n" for d, a, b in triples)
    proc = subprocess.run([str(qemu), "-cpu", P_CPU, str(exe)], input=stdin, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == len(triples)
    for (d, a, b), line in zip(triples, lines):
        got = [int(v, 16) for v in line.split()]
        want = [encoding.model(i.mnemonic, d, a, b) for i in encoding.INSTRUCTIONS]
        bad = [(i.mnemonic, hex(g), hex(w)) for i, g, w in zip(encoding.INSTRUCTIONS, got, want) if g != w]
        assert not bad, (hex(d), hex(a), hex(b), bad)


def test_debians_qemu_rejects_the_p_instructions(tmp_path):
    """The program really contains P instructions: QEMU without P dies on them."""
    exe = _program(tmp_path)
    proc = subprocess.run(["qemu-riscv64-static", str(exe)], input="0 0 0\n", capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode != 0
