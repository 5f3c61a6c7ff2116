"""int8 convolutions on the qs8-convgemm microkernels (third_party/
xnnpack_rvv/src/qs8-convgemm): output channels as the GEMM's rows in packed
blocks of MR (int32 biases with the input zero point folded in, both
requantizations' parameters, int8 weights), output pixels vectorised,
directly for a 1x1 stride-1 unpadded conv or through int8 im2col panels
whose padding holds the input zero point (runtime/rvv/qs8_conv2d_rvv.c).

A Qs8Conv whose rounding the kernels do not implement (TFLite's reference
rounding "away", which tflite-runtime uses for DEPTHWISE_CONV_2D), and any
depthwise conv, runs on rvpack_qs8_conv2d_nchw__rvv_any (runtime/rvv/
q8_rvv.c), the vector twin of the scalar kernel."""

from __future__ import annotations

import functools
import re

from rvpack.sdk.codegen.calls import Literal, LoweredLayer, Params
from rvpack.sdk.codegen.lower import Lowering
from rvpack.sdk.codegen.lower_q8 import qs8_conv_gemm
from rvpack.sdk.codegen.tiles import Tile
from rvpack.sdk.ir.graph import Graph, Node
from rvpack.sdk.resources import XNNPACK_RVV_DIR
from rvpack.sdk.targets.cores import CORE_MODELS, DEFAULT_CORE, CoreModel
from rvpack.sdk.targets.rvv.tiles import ASSUMED_VLEN

QS8_CONVGEMM = "qs8-convgemm"
QS8_CONVGEMM_DIR = XNNPACK_RVV_DIR / "src" / QS8_CONVGEMM
ROUNDINGS = {"half_up": "RVPACK_QS8_ROUND_HALF_UP", "float": "RVPACK_QS8_ROUND_FLOAT"}


@functools.cache
def qs8_convgemm_tiles() -> tuple[Tile, ...]:
    registry = QS8_CONVGEMM_DIR / f"{QS8_CONVGEMM}.inc"
    if not registry.exists():
        return ()
    return tuple(Tile(QS8_CONVGEMM, int(mr), int(lmul), name, None) for mr, lmul, name in
                 re.findall(r"^RVPACK_UKERNEL\((\d+),\s*(\d+),\s*(\w+)\)", registry.read_text(), re.M))


def qs8_tile_cost(tile: Tile, rows: int, pixels: int, k: int, core: CoreModel) -> float:
    """Modelled cycles at ASSUMED_VLEN of one GEMM: per (row block, vector
    chunk) and K step, MR lb, one vle8 (LMUL/4), one vsext (LMUL/2), MR
    vwmacc writing LMUL registers and the B pointer add with 1/8 of the loop;
    per chunk the bias broadcasts, 8 vector operations of requantization,
    clamp and narrowing per row, and the loop's scalar work. Missing rows and
    lanes are computed: they count."""
    v = functools.partial(core.vector_cycles, vlen=ASSUMED_VLEN)
    per_k = tile.mr + v(tile.lmul / 4) + v(tile.lmul / 2) + tile.mr * v(tile.lmul) + 1 + 2 / 8
    chunk = k * per_k + 9 * tile.mr * v(tile.lmul) + 12
    lanes = tile.lmul * ASSUMED_VLEN // 32
    return -(-rows // tile.mr) * -(-pixels // lanes) * chunk


def lower_qs8_conv_rvv(node: Node, g: Graph, lowering: Lowering) -> LoweredLayer | None:
    tiles = qs8_convgemm_tiles()
    gemm = qs8_conv_gemm(node, g) if tiles else None
    if gemm is None:
        return None  # the portable rule: its plane kernel runs on the vector twin
    fields = gemm.fields
    geometry, out = fields["geometry"], fields["out"]
    ocg = geometry["out_channels"] // geometry["groups"]
    core = CORE_MODELS[lowering.options.get("core", DEFAULT_CORE)]
    tile = min(tiles, key=lambda t: qs8_tile_cost(t, ocg, gemm.panel or gemm.pixels, gemm.k, core))
    params = Params("rvpack_qs8_conv2d_rvv_params_t", {
        "conv": geometry, "input_zero_point": fields["input_zero_point"],
        "out": {"rounding": Literal(ROUNDINGS[node.attrs["_rounding"]]), "output_zero_point": out["zero_point"], "min": out["min"],
                "max": out["max"]},
        "tile": {"ukernel": Literal(tile.name), "mr": tile.mr, "lmul": tile.lmul}, "panel_pixels": gemm.panel})
    return gemm.layer(node, "rvpack_qs8_conv2d_nchw__rvv", params, tile.name, tile.mr)
