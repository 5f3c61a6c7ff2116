"""The P extension 0.9.x instructions rvpack emits, and their encodings.

No assembler here knows the P 0.9.x mnemonics (zig's clang 22 implements the
newer, incompatible draft), so the kernels emit them with `.insn r`: this
module is the one place that knows their bits. Every instruction is an
R-type word in the OP-P major opcode (0b1110111 = 0x77):

    funct7 | rs2 | rs1 | funct3 | rd | 1110111

(riscv-p-spec P-ext-proposal.adoc v0.9.x; the same patterns are in
riscv-opcodes' unratified/rv_zpn). `python -m rvpack.sdk.targets.rvp.encoding`
writes runtime/rvp/include/rvpack/p_ext.h, the C macros the kernels use;
tests/targets/test_rvp_encoding.py checks the words against the published
patterns and runs every instruction on xuantie-qemu against the models
below.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

OP_P = 0b1110111


@dataclass(frozen=True)
class PInstruction:
    mnemonic: str
    funct7: int
    funct3: int
    summary: str

    def word(self, rd: int = 0, rs1: int = 0, rs2: int = 0) -> int:
        """The 32-bit instruction word."""
        for reg in (rd, rs1, rs2):
            if not 0 <= reg < 32:
                raise ValueError(f"register x{reg} does not exist")
        return (self.funct7 << 25) | (rs2 << 20) | (rs1 << 15) | (self.funct3 << 12) | (rd << 7) | OP_P

    @property
    def macro(self) -> str:
        return "RVPACK_P_" + self.mnemonic.upper().replace(".", "_")

    @property
    def accumulates(self) -> bool:
        return "MAQA" in self.mnemonic.upper()


INSTRUCTIONS = (
    PInstruction("smaqa", 0b1100100, 0b000, "rd.w[i] += sum of 4 signed x signed byte products of lane i"),
    PInstruction("smaqa.su", 0b1100101, 0b000, "rd.w[i] += sum of 4 signed (rs1) x unsigned (rs2) byte products"),
    PInstruction("umaqa", 0b1100110, 0b000, "rd.w[i] += sum of 4 unsigned x unsigned byte products"),
    PInstruction("add8", 0b0100100, 0b000, "bytewise add, wrapping"),
    PInstruction("sub8", 0b0100101, 0b000, "bytewise subtract, wrapping"),
    PInstruction("kadd8", 0b0001100, 0b000, "bytewise signed add, saturating"),
    PInstruction("ksub8", 0b0001101, 0b000, "bytewise signed subtract, saturating"),
    PInstruction("smax8", 0b1000101, 0b000, "bytewise signed maximum"),
    PInstruction("smin8", 0b1000100, 0b000, "bytewise signed minimum"),
    PInstruction("kadd16", 0b0001000, 0b000, "halfword signed add, saturating"),
    PInstruction("smax16", 0b1000001, 0b000, "halfword signed maximum"),
    PInstruction("smin16", 0b1000000, 0b000, "halfword signed minimum"),
)
BY_NAME = {i.mnemonic: i for i in INSTRUCTIONS}

HEADER = Path("runtime/rvp/include/rvpack/p_ext.h")


def header_text() -> str:
    lines = [
        "/* Auto-generated file. Do not edit!",
        " *   Generator: python -m rvpack.sdk.targets.rvp.encoding (sdk/targets/rvp/encoding.py)",
        " *",
        " * The P extension 0.9.x instructions of rvpack's rvp kernels as inline",
        " * functions on 64-bit registers (RV64: 8 bytes, 4 halfwords or 2 words per",
        " * register), emitted with .insn r (no assembler here knows them):",
        " * funct7 | rs2 | rs1 | funct3 | rd | 1110111. */",
        "#ifndef RVPACK_P_EXT_H_",
        "#define RVPACK_P_EXT_H_",
        "",
        "#include <stdint.h>",
        "",
    ]
    for i in INSTRUCTIONS:
        name = i.mnemonic.replace(".", "_")
        lines.append(f"/* {i.mnemonic}: {i.summary} (word {i.word():#010x} with x0 operands) */")
        if i.accumulates:
            lines += [f"static inline int64_t rvpack_p_{name}(int64_t rd, int64_t rs1, int64_t rs2) {{",
                      f'  __asm__(".insn r {OP_P:#x}, {i.funct3}, {i.funct7:#x}, %0, %1, %2" : "+r"(rd) : "r"(rs1), "r"(rs2));',
                      "  return rd;", "}", ""]
        else:
            lines += [f"static inline int64_t rvpack_p_{name}(int64_t rs1, int64_t rs2) {{",
                      "  int64_t rd;",
                      f'  __asm__(".insn r {OP_P:#x}, {i.funct3}, {i.funct7:#x}, %0, %1, %2" : "=r"(rd) : "r"(rs1), "r"(rs2));',
                      "  return rd;", "}", ""]
    lines += ["#endif /* RVPACK_P_EXT_H_ */", ""]
    return "\n".join(lines)


# ---- what each instruction computes (the tests' model, on RV64) -------------


def _lanes(value: int, width: int, signed: bool) -> list[int]:
    mask = (1 << width) - 1
    out = []
    for k in range(64 // width):
        v = (value >> (k * width)) & mask
        out.append(v - (1 << width) if signed and v >> (width - 1) else v)
    return out


def _pack(values: list[int], width: int) -> int:
    mask = (1 << width) - 1
    return sum((v & mask) << (k * width) for k, v in enumerate(values))


def model(mnemonic: str, rd: int, rs1: int, rs2: int) -> int:
    """The 64-bit result of the instruction (operands as unsigned 64-bit)."""
    if mnemonic.endswith("maqa") or mnemonic == "smaqa.su":
        s1 = mnemonic != "umaqa"
        s2 = mnemonic == "smaqa"
        a, b = _lanes(rs1, 8, s1), _lanes(rs2, 8, s2)
        acc = _lanes(rd, 32, True)
        return _pack([acc[w] + sum(a[4 * w + j] * b[4 * w + j] for j in range(4)) for w in range(2)], 32)
    width = 16 if mnemonic.endswith("16") else 8
    a, b = _lanes(rs1, width, True), _lanes(rs2, width, True)
    lo, hi = -(1 << (width - 1)), (1 << (width - 1)) - 1
    op = mnemonic.rstrip("0123456789")
    results = {
        "add": [x + y for x, y in zip(a, b)],
        "sub": [x - y for x, y in zip(a, b)],
        "kadd": [max(lo, min(hi, x + y)) for x, y in zip(a, b)],
        "ksub": [max(lo, min(hi, x - y)) for x, y in zip(a, b)],
        "smax": [max(x, y) for x, y in zip(a, b)],
        "smin": [min(x, y) for x, y in zip(a, b)],
    }[op]
    return _pack(results, width)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="writes (or --check's) runtime/rvp/include/rvpack/p_ext.h")
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[3])
    args = parser.parse_args(argv)
    path = args.root / HEADER
    text = header_text()
    if args.check:
        if not path.exists() or path.read_text() != text:
            print(f"{path} is stale: run python -m rvpack.sdk.targets.rvp.encoding", file=sys.stderr)
            return 1
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
