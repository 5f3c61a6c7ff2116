"""Lowering rules of the `rvv` kernel ISA (RISC-V Vector 1.0).

Only ops with an xnnpack_rvv kernel get a rule here; every other op (and
every case a rule declines by returning None) uses the portable kernels,
compiled for the vector target, renamed to their runtime/rvv twins
(__init__.TWINS). Kernel tiles are read from the registry (.inc) files of
third_party/xnnpack_rvv, the one list of what exists.
"""

from __future__ import annotations

from rvpack.sdk.codegen.calls import KernelCall, Literal, LoweredLayer, Params, ScratchArg, TensorArg
from rvpack.sdk.codegen.lower import Lowering, act_of, lower_conv, lower_gemm, lower_matmul
from rvpack.sdk.codegen.tiles import GemmProblem, Tile
from rvpack.sdk.ir.activation import NONE
from rvpack.sdk.ir.graph import Graph, Node
from rvpack.sdk.targets.rvv.packing import pack_conv_weights, packed_floats
from rvpack.sdk.targets.rvv.tiles import convgemm_tiles

# Activations the GEMM and depthwise kernels apply as their output clamp.
CLAMP_ACTS = ("NONE", "RELU", "CLAMP")
# Depthwise shapes with an f32-dwconv2d-chw kernel.
DWCONV_KERNELS = (3, 5)
DWCONV_STRIDES = (1, 2)
# Upper bound of one layer's im2col panel in the arena.
MAX_PANEL_BYTES = 1 << 20


def _choose_tile(lowering: Lowering, problem: GemmProblem, tiles: tuple[Tile, ...]) -> tuple[Tile, str]:
    assert lowering.choose_tile is not None, "the rvv lowering needs a tile chooser"
    return lowering.choose_tile(problem, tiles)


def split_activation(node: Node, g: Graph, fields: dict) -> tuple[dict, list[KernelCall], str]:
    """The GEMM and depthwise kernels apply NONE/RELU/CLAMP as their output
    clamp; any other fused activation becomes a vector unary pass over the
    output right after (fields get act NONE). Returns (fields, extra calls,
    note for the kernel label)."""
    act = act_of(node)
    if act.kind in CLAMP_ACTS:
        return fields, [], ""
    y = TensorArg(node.outputs[0])
    n = g.tensors[node.outputs[0]].num_elements
    call = KernelCall("rvpack_f32_unary__rvv", [Literal(f"{n}u"), y, y, Params("rvpack_activation_t", {"act": act})])
    return {**fields, "act": NONE}, [call], f" + {act.kind.lower()}"


def lower_conv_rvv(node: Node, g: Graph, lowering: Lowering) -> LoweredLayer | None:
    tiles = convgemm_tiles()
    if not tiles:
        return None
    base = lower_conv(node, g)
    conv, post, act_note = split_activation(node, g, base.calls[0].args[0].fields)
    x, y = base.calls[0].args[1], base.calls[0].args[4]
    groups = conv["groups"]
    icg, ocg = conv["in_channels"] // groups, conv["out_channels"] // groups
    if icg == 1 and ocg == 1:
        depthwise = lower_depthwise_rvv(node, base, conv, post, act_note)
        if depthwise is not None:
            return depthwise
        # Other depthwise shapes (e.g. stride 2x1): one 1-row GEMM per channel.
    weights = g.constant(node.inputs[1])
    bias_value = g.constant(node.input(2)) if node.input(2) else None
    if weights is None or (node.input(2) and bias_value is None):
        return None  # run-time weights: the portable kernel (the microkernels take them packed)
    k = icg * conv["kernel_height"] * conv["kernel_width"]
    pixels = conv["out_height"] * conv["out_width"]
    direct = (conv["kernel_height"] == conv["kernel_width"] == 1 and conv["stride_height"] == conv["stride_width"] == 1
              and conv["pad_top"] == conv["pad_left"] == 0 and conv["in_height"] == conv["out_height"]
              and conv["in_width"] == conv["out_width"])
    panel = 0
    if not direct:
        # A multiple of 128 pixels (LMUL 8 at VLEN 512) keeps every vector step
        # of a panel full at any VLEN; the whole image if it fits the budget.
        panel = min(pixels, max(128, MAX_PANEL_BYTES // (4 * k) // 128 * 128))
    tile, note = _choose_tile(lowering, GemmProblem(ocg, pixels, k, panel, conv["batch"] * groups), tiles)
    params = Params("rvpack_conv2d_rvv_params_t", {"conv": conv, "ukernel": Literal(tile.name), "mr": tile.mr,
                                                   "panel_pixels": panel})
    packed = f"{node.name}__packed_weights"
    call = KernelCall("rvpack_f32_conv2d_nchw__rvv", [params, x, TensorArg(packed), y, ScratchArg()])
    how = ("direct" if direct else f"im2col panel {panel} px") + note
    return LoweredLayer(node.name, node.op, f"{tile.name} ({how}){act_note}", [call, *post], macs=base.macs,
                        params=base.params, scratch_bytes=4 * k * panel,
                        constants={packed: pack_conv_weights(tile.mr, weights, bias_value, groups)})


def lower_depthwise_rvv(node: Node, base: LoweredLayer, conv: dict, post: list[KernelCall],
                        act_note: str) -> LoweredLayer | None:
    """Depthwise 3x3/5x5, stride 1/2: the xnnpack_rvv f32-dwconv2d-chw kernels
    (vectorised along output rows); None for other shapes."""
    k, s = conv["kernel_height"], conv["stride_height"]
    if (k not in DWCONV_KERNELS or conv["kernel_width"] != k or s not in DWCONV_STRIDES or conv["stride_width"] != s
            or conv["dilation_height"] != 1 or conv["dilation_width"] != 1
            or conv["pad_top"] >= k or conv["pad_left"] >= k):
        return None
    fn = "rvpack_f32_dwconv2d_nchw__rvv"
    params = Params(base.calls[0].args[0].ctype, conv)
    call = KernelCall(fn, [params, *base.calls[0].args[1:]])
    return LoweredLayer(node.name, node.op, f"{fn} ({k}x{k}s{s}){act_note}", [call, *post], macs=base.macs,
                        params=base.params)


def lower_matmul_rvv(node: Node, g: Graph, lowering: Lowering) -> LoweredLayer | None:
    """GEMM on the convgemm microkernels: A rows broadcast (packed into scratch
    at run time), B rows vectorised. A transposed A or B operand (the rvv
    passes already pre-transposed constant Gemm weights) is transposed into
    scratch first."""
    tiles = convgemm_tiles()
    if not tiles:
        return None
    base = lower_gemm(node, g) if node.op == "Gemm" else lower_matmul(node, g)
    call = base.calls[0]
    fields, post, act_note = split_activation(node, g, call.args[0].fields)
    if fields["k"] == 0:
        return None
    m, n, k = fields["m"], fields["n"], fields["k"]
    transposed = 4 * (m * k * bool(fields["a_transposed"]) + k * n * bool(fields["b_transposed"]))
    tile, note = _choose_tile(lowering, GemmProblem(m, n, k, 0, fields["batch"]), tiles)
    scratch = 4 * packed_floats(tile.mr, m, k) + transposed  # A packed at run time, then the transposes
    params = Params("rvpack_matmul_rvv_params_t", {"matmul": fields, "ukernel": Literal(tile.name), "mr": tile.mr})
    fn = "rvpack_f32_matmul__rvv"
    how = "matmul" + (", transposed in scratch" if transposed else "") + note
    return LoweredLayer(node.name, node.op, f"{tile.name} ({how}){act_note}",
                        [KernelCall(fn, [params, *call.args[1:], ScratchArg()]), *post],
                        macs=base.macs, params=base.params, scratch_bytes=scratch)


RULES = {"Conv": lower_conv_rvv, "Gemm": lower_matmul_rvv, "MatMul": lower_matmul_rvv}
