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
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Tile:
    family: str  # the microkernel family, e.g. "f32-convgemm"
    mr: int
    lmul: int
    name: str  # the C function
    # The same-MR LMUL-1 kernel the drivers run on the columns past the last
    # full vector step, if the family has one (None: `name` does every column).
    tail: str | None = None


@dataclass(frozen=True, eq=False)
class ColumnMask:
    """Which weights of a GEMM's [rows][K] A operand are nonzero, for the
    column-sparse kernels: a block of MR rows visits only the K steps where
    one of its rows has a nonzero weight (its kept steps)."""

    nonzero: np.ndarray  # [rows][K] bool
    _kept: dict[int, tuple[int, ...]] = field(default_factory=dict, repr=False)

    @staticmethod
    def of(weights: np.ndarray) -> "ColumnMask":
        w = weights.reshape(weights.shape[0], -1)
        return ColumnMask(w != 0)

    def kept(self, mr: int) -> tuple[int, ...]:
        """Kept K steps of each block of mr rows."""
        if mr not in self._kept:
            nz = self.nonzero
            self._kept[mr] = tuple(int(np.any(nz[r0:r0 + mr], axis=0).sum()) for r0 in range(0, nz.shape[0], mr))
        return self._kept[mr]

    def kept_fraction(self, mr: int) -> float:
        return sum(self.kept(mr)) / (len(self.kept(mr)) * self.nonzero.shape[1])


@dataclass(frozen=True)
class GemmProblem:
    """A layer's GEMM work as the drivers issue it: `repeats` times (batch x
    groups), for each pixel panel (panel == 0: all pixels in one call), row
    blocks of MR rows over the panel's pixels. With a column mask, each block
    runs only its kept K steps (the column-sparse kernels)."""

    rows: int
    pixels: int
    k: int
    panel: int = 0
    repeats: int = 1
    mask: ColumnMask | None = field(default=None, compare=False)

    def calls(self, mr: int) -> Counter[tuple[int, int, int]]:
        """How often the driver calls a kernel of this MR with (rows, pixels, K steps)."""
        panel = self.panel or self.pixels
        widths = Counter({panel: self.pixels // panel})
        if self.pixels % panel:
            widths[self.pixels % panel] += 1
        if self.mask is None:
            blocks = Counter({(mr, self.k): self.rows // mr})
            if self.rows % mr:
                blocks[(self.rows % mr, self.k)] += 1
        else:
            kept = self.mask.kept(mr)
            blocks = Counter((min(mr, self.rows - b * mr), k) for b, k in enumerate(kept))
        return Counter({(h, w, k): nb * nw * self.repeats for (h, k), nb in blocks.items() if nb
                        for w, nw in widths.items() if nw})


# Picks (tile, note) for a problem among the candidate tiles; the note is
# shown next to the kernel in the manifest (e.g. "; tuned at VLEN 256").
TileChooser = Callable[[GemmProblem, tuple[Tile, ...]], tuple[Tile, str]]
