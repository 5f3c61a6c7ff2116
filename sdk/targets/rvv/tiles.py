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
from rvpack.sdk.targets.cores import CoreModel

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
    entries = [(int(mr), int(lmul), name)
               for mr, lmul, name in re.findall(r"^RVPACK_UKERNEL\((\d+),\s*(\d+),\s*(\w+)\)", text, re.M)]
    lmul1 = {mr: name for mr, lmul, name in entries if lmul == 1}
    return tuple(Tile(CONVGEMM, mr, lmul, name, lmul1.get(mr) if lmul > 1 else None) for mr, lmul, name in entries)


def convgemm_sources() -> list[Path]:
    """The kernels and the tune shim that calls them: both shape a measured count."""
    return sorted((CONVGEMM_DIR / "gen").glob("*.c")) + [CONVGEMM_DIR / f"{CONVGEMM}-tune.c"]


# The kernel loop's scalar work per K step besides the MR weight loads: one B
# pointer add per step, the weight pointer, the K counter and the branch per 4
# steps (f32-convgemm's template, KUNROLL = 4).
LOOP_SCALAR_PER_K = 1 + 3 / 4
CHUNK_SCALAR = 12  # per vector chunk: vsetvl, loop and pointer updates


def modelled_cost(problem: GemmProblem, tile: Tile, core: CoreModel) -> float:
    """Modelled cycles on `core` at ASSUMED_VLEN (cores.py's additive model)
    of the kernel calls: per (row block, vector chunk), each K step is MR flw,
    one vle32 and MR vfmacc of LMUL registers, plus the loop's scalar work;
    each chunk starts with MR bias broadcasts and ends with the clamp (2 per
    row) and MR stores. A vector instruction costs its full LMUL even on a
    partial chunk, and missing rows of a block are computed: wasted lanes and
    rows count as work."""
    lanes = tile.lmul * ASSUMED_VLEN // 32

    def chunk(lmul: int) -> float:
        v = core.vector_cycles(lmul, ASSUMED_VLEN)
        return problem.k * (tile.mr + v + tile.mr * v + LOOP_SCALAR_PER_K) + 4 * tile.mr * v + CHUNK_SCALAR

    def call(width: int) -> float:
        if tile.tail is None:
            return -(-width // lanes) * chunk(tile.lmul)
        rest = width % lanes  # the tail kernel's columns: LMUL-1 steps of ASSUMED_VLEN / 32
        return width // lanes * chunk(tile.lmul) + -(-rest // (ASSUMED_VLEN // 32)) * chunk(1)

    return sum(n * call(width) for (_, width), n in problem.calls(tile.mr).items())
