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


from rvpack.sdk.codegen.calls import KernelCall, Literal, LoweredLayer, Params, ScratchArg, TensorArg
from rvpack.sdk.codegen.lower import Lowering
from rvpack.sdk.codegen.lower_q8 import lower_qs8_conv
from rvpack.sdk.codegen.qs8_packing import pack_qs8_conv_weights
from rvpack.sdk.codegen.tiles import Tile
from rvpack.sdk.ir import quant
from rvpack.sdk.ir.graph import Graph, Node
from rvpack.sdk.resources import XNNPACK_RVV_DIR
from rvpack.sdk.targets.cores import CORE_MODELS, DEFAULT_CORE, CoreModel
from rvpack.sdk.targets.rvv.tiles import ASSUMED_VLEN

QS8_CONVGEMM = "qs8-convgemm"
QS8_CONVGEMM_DIR = XNNPACK_RVV_DIR / "src" / QS8_CONVGEMM
ROUNDINGS = {"half_up": "RVPACK_QS8_ROUND_HALF_UP", "float": "RVPACK_QS8_ROUND_FLOAT"}
PANEL_BYTES = 64 * 1024  # bound of an im2col panel (K x panel pixels int8)


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
    rounding = node.attrs.get("_rounding", "away")
    tiles = qs8_convgemm_tiles()
    weights = g.constant(node.inputs[1])
    bias = g.constant(node.input(2)) if node.input(2) else None
    if rounding not in ROUNDINGS or not tiles or weights is None or (node.input(2) and bias is None):
        return None
    base = lower_qs8_conv(node, g)
    fields = base.calls[0].args[0].fields
    geometry, out = fields["geometry"], fields["out"]
    groups = geometry["groups"]
    ocg = geometry["out_channels"] // groups
    if ocg == 1 and geometry["in_channels"] == groups:
        return None  # depthwise: one-row GEMMs waste the tile; the vector twin of the scalar kernel runs it
    k = weights[0].size
    pixels = geometry["out_height"] * geometry["out_width"]
    direct = (geometry["kernel_height"] == geometry["kernel_width"] == 1 and geometry["stride_height"] == 1
              and geometry["stride_width"] == 1 and geometry["pad_top"] == geometry["pad_left"] == 0
              and pixels == geometry["in_height"] * geometry["in_width"])
    panel = 0 if direct else max(1, min(pixels, PANEL_BYTES // k))
    core = CORE_MODELS[lowering.options.get("core", DEFAULT_CORE)]
    tile = min(tiles, key=lambda t: qs8_tile_cost(t, ocg, panel or pixels, k, core))
    xq, wq, yq = (g.tensors[n].quant for n in (node.inputs[0], node.inputs[1], node.outputs[0]))
    assert xq is not None and wq is not None and yq is not None
    mults, shifts = quant.conv_multipliers(xq.scale[0], list(wq.scale), yq.scale[0])
    scales = quant.onnx_output_scales(xq.scale[0], list(wq.scale), yq.scale[0])
    packed = pack_qs8_conv_weights(tile.mr, weights, bias, xq.zero_point[0], mults, shifts, scales, groups)
    params = Params("rvpack_qs8_conv2d_rvv_params_t", {
        "conv": geometry, "input_zero_point": fields["input_zero_point"],
        "out": {"rounding": Literal(ROUNDINGS[rounding]), "output_zero_point": out["zero_point"], "min": out["min"],
                "max": out["max"]},
        "tile": {"ukernel": Literal(tile.name), "mr": tile.mr, "lmul": tile.lmul}, "panel_pixels": panel})
    name = f"{node.name}__packed_qs8"
    call = KernelCall("rvpack_qs8_conv2d_nchw__rvv", [params, TensorArg(node.inputs[0]), TensorArg(name),
                                                       TensorArg(node.outputs[0]), ScratchArg()])
    how = "direct" if direct else f"im2col panel {panel} px"
    return LoweredLayer(node.name, node.op, f"{tile.name} ({how})", [call], macs=base.macs, params=base.params,
                        scratch_bytes=k * panel, constants={name: packed})
