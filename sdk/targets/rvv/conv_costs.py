"""Modelled cycles of the rvv convolution algorithms, besides their GEMM
(tiles.modelled_cost): the im2col panel packing and the Winograd transforms,
counted from the code's structure in the additive in-order model of
targets/cores.py at tiles.ASSUMED_VLEN. The per-layer choice among direct
(1x1), im2col + GEMM and Winograd F(2/4/6, 3) takes the lowest total
(rules.lower_conv_rvv); `rvpack bench` measures what it chose.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass

from rvpack.sdk.resources import XNNPACK_RVV_DIR
from rvpack.sdk.targets.cores import CoreModel
from rvpack.sdk.targets.rvv.tiles import ASSUMED_VLEN
from rvpack.sdk.targets.rvv.winograd import matrices, nonzeros

WINOGRAD_REGISTRY = XNNPACK_RVV_DIR / "src" / "f32-winograd" / "f32-winograd.inc"
# Scalar instructions around each row segment the im2col packer copies
# (bounds, pointers, the three zero/copy/zero loops' setup).
IM2COL_SCALAR_PER_ROW = 30
# Scalar work per row (pass) of a Winograd transform and per padded input row.
TRANSFORM_SCALAR_PER_PASS = 6
FILL_SCALAR_PER_ROW = 15


@dataclass(frozen=True)
class WinogradVariant:
    m: int
    lmul: int
    name: str  # the transforms are name + "_input__rvv" / "_output__rvv"


@functools.cache
def winograd_variants() -> tuple[WinogradVariant, ...]:
    if not WINOGRAD_REGISTRY.exists():
        return ()
    text = WINOGRAD_REGISTRY.read_text()
    return tuple(WinogradVariant(int(m), int(lmul), name) for m, lmul, name in
                 re.findall(r"^RVPACK_WINOGRAD_UKERNEL\((\d+),\s*(\d+),\s*(\w+)\)", text, re.M))


def _vector(core: CoreModel, lmul: int) -> float:
    return core.vector_cycles(lmul, ASSUMED_VLEN)


def _chunks(n: int, lmul: int) -> int:
    return -(-n // (lmul * ASSUMED_VLEN // 32))


def im2col_cost(core: CoreModel, k: int, out_h: int, out_w: int, repeats: int) -> float:
    """Packing the K x pixels im2col matrix: per (K row, output row) a copy of
    the row segment (LMUL-8 vector load + store) and its bookkeeping."""
    per_row = IM2COL_SCALAR_PER_ROW + 2 * _chunks(out_w, 8) * _vector(core, 8)
    return repeats * k * out_h * per_row


def winograd_transform_cost(core: CoreModel, v: WinogradVariant, in_c: int, out_c: int, out_h: int,
                            out_w: int, repeats: int) -> float:
    """The input fill and transform (per input channel and tile row) and the
    output transform (per output channel and tile row) of F(m, 3)."""
    at, _, bt = matrices(v.m)
    alpha, m = v.m + 2, v.m
    th, tw = math.ceil(out_h / m), math.ceil(out_w / m)
    vl = _vector(core, v.lmul)
    chunks = _chunks(tw, v.lmul)
    row_len = tw * m + 2
    fill = alpha * (FILL_SCALAR_PER_ROW + 1.5 * _chunks(row_len, 8) * _vector(core, 8))
    # Rows then columns: alpha loads, B^T's terms and alpha stores each, alpha times.
    input_chunk = 2 * alpha * ((2 * alpha + nonzeros(bt)) * vl + TRANSFORM_SCALAR_PER_PASS)
    # Rows: alpha loads, A^T's terms, m stores; columns: alpha loads and per output
    # row a broadcast of the bias, A^T's terms of that row, the clamp and a store.
    output_chunk = (alpha * ((alpha + nonzeros(at) + m) * vl + TRANSFORM_SCALAR_PER_PASS)
                    + m * ((alpha + 4 * m) * vl + TRANSFORM_SCALAR_PER_PASS) + nonzeros(at) * vl)
    return repeats * th * (in_c * (fill + chunks * input_chunk) + out_c * chunks * output_chunk)
