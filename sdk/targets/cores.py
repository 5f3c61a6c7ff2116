"""Core models: what a retired instruction costs on a named, simple core.

The reference model is "additive in-order": every instruction waits for the
one before it, nothing overlaps. A scalar instruction and a vsetvl cost one
cycle; a vector instruction costs one cycle per DLEN-wide slice of the
register groups it processes: max(1, groups * VLEN / DLEN), where groups is
its LMUL (EMUL for loads and stores: EEW / SEW * LMUL, or the register count
of a whole-register move; twice LMUL where a widening or narrowing operand
is 2 * SEW wide). A core's FMA peak is DLEN / 32 f32 multiply-adds per cycle
(one DLEN-wide vfmacc per cycle); a scalar core's is one per cycle.

It overlaps nothing, so it is a floor on what a real in-order core with a
decoupled vector unit spends, and a fair yardstick between kernels: LMUL 8
saves instructions, not datapath cycles. An MR x NRv GEMM tile caps at
MR*LMUL*r / (MR*LMUL*r + LMUL*r + MR) of peak with r = VLEN/DLEN (its FMAs,
its B load, its MR scalar weight loads).
"""

from __future__ import annotations

from dataclasses import dataclass

from rvpack.sdk.errors import UnsupportedTargetError


@dataclass(frozen=True)
class CoreModel:
    name: str
    description: str
    dlen: int | None  # datapath width in bits; None: DLEN = VLEN

    def dlen_at(self, vlen: int | None) -> int | None:
        """DLEN when running at `vlen` (None for scalar code)."""
        if vlen is None:
            return None
        return min(self.dlen, vlen) if self.dlen is not None else vlen

    def vector_cycles(self, groups: float, vlen: int) -> float:
        """Cycles of one vector instruction over `groups` register groups."""
        dlen = self.dlen_at(vlen)
        assert dlen is not None
        return max(1.0, groups * vlen / dlen)

    def fma_peak(self, vlen: int | None) -> float:
        """f32 multiply-adds per cycle at the FMA peak."""
        dlen = self.dlen_at(vlen)
        return dlen / 32 if dlen else 1.0


CORE_MODELS: dict[str, CoreModel] = {m.name: m for m in (
    CoreModel("x60", "DLEN 128 (a 128-bit vector datapath, like SpacemiT X60 at VLEN 256)", 128),
    CoreModel("dlen=vlen", "DLEN = VLEN (a datapath as wide as the registers)", None),
)}
DEFAULT_CORE = "x60"


def core_model_named(name: str) -> CoreModel:
    """The core model called `name`, or a clear error (--core)."""
    if name not in CORE_MODELS:
        raise UnsupportedTargetError(f"--core {name} is not a core model",
                                     hint="choose one of: " + ", ".join(CORE_MODELS))
    return CORE_MODELS[name]
