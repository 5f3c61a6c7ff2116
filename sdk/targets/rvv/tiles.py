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
SPCONVGEMM = "f32-spconvgemm"  # column-sparse conv-GEMM
SPCONVGEMM_DIR = XNNPACK_RVV_DIR / "src" / SPCONVGEMM

# Register-friendly defaults for choosing tiles without knowing VLEN: the
# cost model assumes this VLEN (a bundle stays correct at any VLEN).
ASSUMED_VLEN = 256


@functools.cache
def convgemm_tiles() -> tuple[Tile, ...]:
    return _registry_tiles(CONVGEMM, CONVGEMM_DIR / f"{CONVGEMM}.inc")


def _registry_tiles(family: str, registry: Path) -> tuple[Tile, ...]:
    """A family's tiles in registry order, each with its same-MR LMUL-1 tail kernel if the family has one."""
    if not registry.exists():
        return ()
    text = registry.read_text()
    entries = [(int(mr), int(lmul), name)
               for mr, lmul, name in re.findall(r"^RVPACK_UKERNEL\((\d+),\s*(\d+),\s*(\w+)\)", text, re.M)]
    lmul1 = {mr: name for mr, lmul, name in entries if lmul == 1}
    return tuple(Tile(family, mr, lmul, name, lmul1.get(mr) if lmul > 1 else None) for mr, lmul, name in entries)


def convgemm_sources() -> list[Path]:
    """The kernels and the tune shim that calls them: both shape a measured count."""
    return sorted((CONVGEMM_DIR / "gen").glob("*.c")) + [CONVGEMM_DIR / f"{CONVGEMM}-tune.c"]


@functools.cache
def spconvgemm_tiles() -> tuple[Tile, ...]:
    """The column-sparse tiles (src/f32-spconvgemm/f32-spconvgemm.inc)."""
    return _registry_tiles(SPCONVGEMM, SPCONVGEMM_DIR / f"{SPCONVGEMM}.inc")


def spconvgemm_sources() -> list[Path]:
    return sorted((SPCONVGEMM_DIR / "gen").glob("*.c")) + [SPCONVGEMM_DIR / f"{SPCONVGEMM}-tune.c"]


# The kernel loop's scalar work per K step besides the MR weight loads: one B
# pointer add per step, the weight pointer, the K counter and the branch per 4
# steps (f32-convgemm's template, KUNROLL = 4). A column-sparse kept step also
# loads its B row's offset (f32-spconvgemm).
LOOP_SCALAR_PER_K = {CONVGEMM: 1 + 3 / 4, SPCONVGEMM: 2 + 3 / 4}
CHUNK_SCALAR = 12  # per vector chunk: vsetvl, loop and pointer updates


def modelled_cost(problem: GemmProblem, tile: Tile, core: CoreModel) -> float:
    """Modelled cycles on `core` at ASSUMED_VLEN (cores.py's additive model)
    of the kernel calls: per (row block, vector chunk), each K step (kept step,
    for a column-sparse tile) is MR flw, one vle32 and MR vfmacc of LMUL
    registers, plus the loop's scalar work; each chunk starts with MR bias
    broadcasts and ends with the clamp (2 per row) and MR stores. A vector
    instruction costs its full LMUL even on a partial chunk, and missing rows
    of a block are computed: wasted lanes and rows count as work."""
    lanes = tile.lmul * ASSUMED_VLEN // 32
    loop_scalar = LOOP_SCALAR_PER_K[tile.family]

    def chunk(lmul: int, k: int) -> float:
        v = core.vector_cycles(lmul, ASSUMED_VLEN)
        return k * (tile.mr + v + tile.mr * v + loop_scalar) + 4 * tile.mr * v + CHUNK_SCALAR

    def call(width: int, k: int) -> float:
        if tile.tail is None:
            return -(-width // lanes) * chunk(tile.lmul, k)
        rest = width % lanes  # the tail kernel's columns: LMUL-1 steps of ASSUMED_VLEN / 32
        return width // lanes * chunk(tile.lmul, k) + -(-rest // (ASSUMED_VLEN // 32)) * chunk(1, k)

    return sum(n * call(width, k) for (_, width, k), n in problem.calls(tile.mr).items())
