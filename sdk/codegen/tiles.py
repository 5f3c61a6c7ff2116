"""Tiled GEMM work and the choice of a tile for it.

A kernel ISA's GEMM-like microkernels come in tiles (MR rows x LMUL vector
registers of columns). A layer's GEMM work is a `GemmProblem`; a
`TileChooser` picks the tile for it: the ISA's cost model by default, or
measured counts (`rvpack build --tune`, sdk/tune.py). The chooser is passed
to lowering explicitly (codegen/lower.Lowering), never looked up.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Tile:
    family: str  # the microkernel family, e.g. "f32-convgemm"
    mr: int
    lmul: int
    name: str  # the C function
    # The same-MR LMUL-1 kernel the drivers run on the columns past the last
    # full vector step, if the family has one (None: `name` does every column).
    tail: str | None = None


@dataclass(frozen=True)
class GemmProblem:
    """A layer's GEMM work as the drivers issue it: `repeats` times (batch x
    groups), for each pixel panel (panel == 0: all pixels in one call), row
    blocks of MR rows over the panel's pixels."""

    rows: int
    pixels: int
    k: int
    panel: int = 0
    repeats: int = 1

    def calls(self, mr: int) -> Counter[tuple[int, int]]:
        """How often the driver calls a kernel of this MR with (rows, pixels)."""
        panel = self.panel or self.pixels
        widths = Counter({panel: self.pixels // panel})
        if self.pixels % panel:
            widths[self.pixels % panel] += 1
        heights = Counter({mr: self.rows // mr})
        if self.rows % mr:
            heights[self.rows % mr] += 1
        return Counter({(h, w): nh * nw * self.repeats for h, nh in heights.items() if nh
                        for w, nw in widths.items() if nw})


# Picks (tile, note) for a problem among the candidate tiles; the note is
# shown next to the kernel in the manifest (e.g. "; tuned at VLEN 256").
TileChooser = Callable[[GemmProblem, tuple[Tile, ...]], tuple[Tile, str]]
