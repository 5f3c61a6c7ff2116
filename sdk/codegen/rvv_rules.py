"""Lowering rules of the `rvv` kernel ISA (RISC-V Vector 1.0).

Only ops with an xnnpack_rvv kernel get a rule here; every other op (and
every case a rule declines by returning None) uses the portable kernels,
compiled for the vector target. Kernel variants are read from the registry
(.inc) files of third_party/xnnpack_rvv, the one list of what exists.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from rvpack.sdk.codegen.calls import KernelCall, Literal, LoweredLayer, Params, ScratchArg
from rvpack.sdk.codegen.lower import act_of, isa_rule, lower_conv
from rvpack.sdk.ir.graph import Graph, Node

XNNPACK_RVV = Path(__file__).resolve().parents[2] / "third_party" / "xnnpack_rvv"
CONVGEMM_REGISTRY = XNNPACK_RVV / "src" / "f32-convgemm" / "f32-convgemm.inc"

# Register-friendly defaults for choosing tiles without knowing VLEN: the
# cost model assumes this VLEN (a bundle stays correct at any VLEN).
ASSUMED_VLEN = 256
# Upper bound of one layer's im2col panel in the arena.
MAX_PANEL_BYTES = 1 << 20


@dataclass(frozen=True)
class Tile:
    mr: int
    lmul: int
    name: str


@functools.cache
def convgemm_tiles() -> tuple[Tile, ...]:
    if not CONVGEMM_REGISTRY.exists():
        return ()
    text = CONVGEMM_REGISTRY.read_text()
    return tuple(Tile(int(mr), int(lmul), name)
                 for mr, lmul, name in re.findall(r"^RVPACK_UKERNEL\((\d+),\s*(\d+),\s*(\w+)\)", text, re.M))


def choose_tile(rows: int, pixels: int, k: int, tiles: tuple[Tile, ...]) -> Tile:
    """The tile with the fewest retired instructions by a simple count: per
    (row block, vector chunk), each K step is one B load + MR weight loads +
    MR FMAs, and each chunk ends with ~4 instructions per row (bias, clamp,
    store) plus loop control. Wasted lanes and rows are counted as work."""
    lanes_per_register = ASSUMED_VLEN // 32

    def cost(t: Tile) -> int:
        blocks = -(-rows // t.mr)
        chunks = -(-pixels // (t.lmul * lanes_per_register))
        return blocks * chunks * (k * (1 + 2 * t.mr) + 4 * t.mr + 5)

    return min(tiles, key=lambda t: (cost(t), -t.mr * t.lmul))


@isa_rule("rvv", "Conv")
def lower_conv_rvv(node: Node, g: Graph) -> LoweredLayer | None:
    tiles = convgemm_tiles()
    if not tiles or act_of(node).kind not in ("NONE", "RELU", "CLAMP"):
        return None
    base = lower_conv(node, g)
    conv = base.calls[0].args[0].fields
    groups = conv["groups"]
    icg, ocg = conv["in_channels"] // groups, conv["out_channels"] // groups
    if icg == 1 and ocg == 1:
        return None  # depthwise: a dedicated kernel will do better than 1-row GEMMs
    k = icg * conv["kernel_height"] * conv["kernel_width"]
    pixels = conv["out_height"] * conv["out_width"]
    direct = (conv["kernel_height"] == conv["kernel_width"] == 1 and conv["stride_height"] == conv["stride_width"] == 1
              and conv["pad_top"] == conv["pad_left"] == 0 and conv["in_height"] == conv["out_height"]
              and conv["in_width"] == conv["out_width"])
    tile = choose_tile(ocg, pixels, k, tiles)
    panel = 0
    if not direct:
        # A multiple of 128 pixels (LMUL 8 at VLEN 512) keeps every vector step
        # of a panel full at any VLEN; the whole image if it fits the budget.
        panel = min(pixels, max(128, MAX_PANEL_BYTES // (4 * k) // 128 * 128))
    params = Params("rvpack_conv2d_rvv_params_t", {"conv": conv, "ukernel": Literal(tile.name), "mr": tile.mr,
                                                   "panel_pixels": panel})
    x, w, y = base.calls[0].args[1], base.calls[0].args[2], base.calls[0].args[4]
    bias = base.calls[0].args[3]
    fn = "rvpack_f32_conv2d_nchw__rvv"
    call = KernelCall(fn, [params, x, w, bias, y, ScratchArg()])
    how = "direct" if direct else f"im2col panel {panel} px"
    return LoweredLayer(node.name, node.op, f"{tile.name} ({how})", [call], macs=base.macs, params=base.params,
                        scratch_bytes=4 * k * panel)



