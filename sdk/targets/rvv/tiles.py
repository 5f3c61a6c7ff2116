"""The conv-GEMM tiles of the rvv kernel ISA and their cost model.

The tiles are read from the family's registry (third_party/xnnpack_rvv/src/
f32-convgemm/f32-convgemm.inc), the one list of what exists.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from rvpack.sdk.codegen.tiles import GemmProblem, Tile
from rvpack.sdk.resources import XNNPACK_RVV_DIR

CONVGEMM = "f32-convgemm"
CONVGEMM_DIR = XNNPACK_RVV_DIR / "src" / CONVGEMM

# Register-friendly defaults for choosing tiles without knowing VLEN: the
# cost model assumes this VLEN (a bundle stays correct at any VLEN).
ASSUMED_VLEN = 256


@functools.cache
def convgemm_tiles() -> tuple[Tile, ...]:
    registry = CONVGEMM_DIR / f"{CONVGEMM}.inc"
    if not registry.exists():
        return ()
    text = registry.read_text()
    return tuple(Tile(CONVGEMM, int(mr), int(lmul), name)
                 for mr, lmul, name in re.findall(r"^RVPACK_UKERNEL\((\d+),\s*(\d+),\s*(\w+)\)", text, re.M))


def convgemm_sources() -> list[Path]:
    return sorted((CONVGEMM_DIR / "gen").glob("*.c"))


def modelled_cost(problem: GemmProblem, tile: Tile) -> int:
    """Retired instructions by a simple count: per (row block, vector chunk),
    each K step is one B load + MR weight loads + MR FMAs, and each chunk ends
    with ~4 instructions per row (bias, clamp, store) plus loop control.
    Wasted lanes and rows are counted as work."""
    lanes = tile.lmul * ASSUMED_VLEN // 32
    return sum(n * -(-width // lanes) * (problem.k * (1 + 2 * tile.mr) + 4 * tile.mr + 5)
               for (_, width), n in problem.calls(tile.mr).items())
