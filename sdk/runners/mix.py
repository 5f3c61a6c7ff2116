"""The instruction mix of a run: retired instructions by class, decoded from
their encodings (RV64GC + V 1.0), and the modelled cycles of a core model
(sdk/targets/cores.py).

Classes: scalar (integer, FP, branches, CSRs), scalar loads/stores, vsetvl,
vector arithmetic and vector loads/stores by register groups (LMUL, or EMUL
for memory, e.g. "m4", "mf2"). Every vector instruction is counted with the
SEW/LMUL it ran with (the profile records them per execution), so its cost
is exact, not a guess from nearby vsetvli instructions.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TypeVar

from rvpack.sdk.targets.cores import CoreModel

K = TypeVar("K")

SCALAR, SCALAR_MEMORY, VSETVL, VECTOR, VECTOR_MEMORY = "scalar", "scalar_memory", "vsetvl", "vector", "vector_memory"

# Compressed (16-bit) loads and stores: (quadrant, funct3).
_C_MEMORY = {(0, 1), (0, 2), (0, 3), (0, 5), (0, 6), (0, 7), (2, 1), (2, 2), (2, 3), (2, 5), (2, 6), (2, 7)}
_VECTOR_EEW = {0: 8, 5: 16, 6: 32, 7: 64}


def instruction_length(low_half: int) -> int:
    return 2 if low_half & 3 != 3 else 4


def scalar_class(bits: int) -> str:
    """The class of a scalar (non-vector) instruction."""
    if bits & 3 != 3:
        return SCALAR_MEMORY if (bits & 3, (bits >> 13) & 7) in _C_MEMORY else SCALAR
    opcode = bits & 0x7F
    if opcode in (0x03, 0x23, 0x2F) or (opcode in (0x07, 0x27) and (bits >> 12) & 7 not in _VECTOR_EEW):
        return SCALAR_MEMORY  # LOAD, STORE, AMO, FP loads/stores
    if opcode == 0x57 and (bits >> 12) & 7 == 7:
        return VSETVL
    return SCALAR


def is_vector(bits: int) -> bool:
    """An RVV instruction that processes register groups (not vsetvl)."""
    if bits & 3 != 3:
        return False
    opcode, funct3 = bits & 0x7F, (bits >> 12) & 7
    if opcode == 0x57:
        return funct3 != 7
    return opcode in (0x07, 0x27) and funct3 in _VECTOR_EEW


def vector_groups(bits: int, sew: int, lmul: Fraction) -> tuple[str, Fraction]:
    """(class, register groups processed) of a vector instruction run with SEW/LMUL."""
    opcode, funct3 = bits & 0x7F, (bits >> 12) & 7
    if opcode in (0x07, 0x27):
        nf, mop, umop = (bits >> 29) & 7, (bits >> 26) & 3, (bits >> 20) & 0x1F
        eew = _VECTOR_EEW[funct3]
        if mop == 0 and umop == 0b01000:  # whole-register load/store: nf + 1 registers
            return VECTOR_MEMORY, Fraction(nf + 1)
        if mop == 0 and umop == 0b01011:  # mask load/store: one register at most
            return VECTOR_MEMORY, Fraction(1)
        emul = Fraction(eew, sew) * lmul
        if mop in (1, 3):  # indexed: data at LMUL, indices at EEW/SEW*LMUL
            emul = max(lmul, emul)
        return VECTOR_MEMORY, emul * (nf + 1)
    funct6 = bits >> 26
    if funct3 == 3 and funct6 == 0b100111:  # vmv<nr>r.v: nr registers, whatever the vtype
        return VECTOR, Fraction(((bits >> 15) & 0x1F) + 1)
    widening = funct3 in (2, 6, 1, 5) and funct6 >= 0b110000  # OPM*/OPF* vw*, vfw*
    narrowing = funct3 in (0, 3, 4) and 0b101100 <= funct6 <= 0b101111  # vnsrl, vnsra, vnclip(u)
    conversion = funct3 == 1 and funct6 == 0b010010 and 0b01000 <= (bits >> 15) & 0x1F <= 0b10111  # vfwcvt/vfncvt
    return VECTOR, lmul * 2 if widening or narrowing or conversion else lmul


def group_label(groups: Fraction) -> str:
    return f"m{groups.numerator}" if groups >= 1 else f"mf{groups.denominator}"


@dataclass
class InstructionMix:
    """Retired instructions by class. vector/vector_memory count by register
    groups (a label such as "m4"); `groups` counts every vector instruction
    by its exact group count, for the cycle model."""

    scalar: int = 0
    scalar_memory: int = 0
    vsetvl: int = 0
    vector: Counter[str] = field(default_factory=Counter)
    vector_memory: Counter[str] = field(default_factory=Counter)
    groups: Counter[Fraction] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return self.scalar + self.scalar_memory + self.vsetvl + sum(self.groups.values())

    @property
    def vector_total(self) -> int:
        return sum(self.groups.values())

    def add_scalar(self, kind: str, count: int) -> None:
        setattr(self, kind, getattr(self, kind) + count)

    def add_vector(self, kind: str, groups: Fraction, count: int) -> None:
        (self.vector if kind == VECTOR else self.vector_memory)[group_label(groups)] += count
        self.groups[groups] += count

    def __add__(self, other: "InstructionMix") -> "InstructionMix":
        return InstructionMix(self.scalar + other.scalar, self.scalar_memory + other.scalar_memory,
                              self.vsetvl + other.vsetvl, self.vector + other.vector,
                              self.vector_memory + other.vector_memory, self.groups + other.groups)

    def __sub__(self, other: "InstructionMix") -> "InstructionMix":
        """self minus other, class by class (other must be contained in self)."""
        out = InstructionMix(self.scalar - other.scalar, self.scalar_memory - other.scalar_memory,
                             self.vsetvl - other.vsetvl, _minus(self.vector, other.vector),
                             _minus(self.vector_memory, other.vector_memory), _minus(self.groups, other.groups))
        if min([out.scalar, out.scalar_memory, out.vsetvl, *out.groups.values()], default=0) < 0:
            raise ValueError("instruction mix subtraction went negative")
        return out

    def cycles(self, core: CoreModel, vlen: int | None) -> float:
        """Modelled cycles on `core` at `vlen` (additive in-order, see cores.py)."""
        scalar = self.scalar + self.scalar_memory + self.vsetvl
        if not self.groups:
            return float(scalar)
        if vlen is None:
            raise ValueError("vector instructions need a VLEN to cost")
        return scalar + sum(n * core.vector_cycles(float(g), vlen) for g, n in self.groups.items())

    def to_json(self) -> dict:
        return {"scalar": self.scalar, "scalar_memory": self.scalar_memory, "vsetvl": self.vsetvl,
                "vector": dict(sorted(self.vector.items())), "vector_memory": dict(sorted(self.vector_memory.items())),
                "groups": {str(g): n for g, n in sorted(self.groups.items())}, "total": self.total}

    @staticmethod
    def from_json(data: dict) -> "InstructionMix":
        return InstructionMix(int(data["scalar"]), int(data["scalar_memory"]), int(data["vsetvl"]),
                              Counter(data["vector"]), Counter(data["vector_memory"]),
                              Counter({Fraction(g): int(n) for g, n in data["groups"].items()}))


def _minus(a: Counter[K], b: Counter[K]) -> Counter[K]:
    """a - b, keeping negative counts (the caller checks them) and dropping zeros."""
    out = Counter(a)
    out.subtract(b)
    return Counter({k: v for k, v in out.items() if v != 0})
