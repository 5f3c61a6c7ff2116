"""Lowering rules of the `rvv` kernel ISA (RISC-V Vector 1.0).

Only ops with an xnnpack_rvv kernel get a rule here; every other op (and
every case a rule declines by returning None) uses the portable kernels,
compiled for the vector target, renamed to their runtime/rvv twins
(__init__.TWINS). Kernel tiles are read from the registry (.inc) files of
third_party/xnnpack_rvv, the one list of what exists.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np

from rvpack.sdk.codegen.calls import KernelCall, Literal, LoweredLayer, Params, ScratchArg, TensorArg
from rvpack.sdk.codegen.lower import Lowering, act_of, lower_conv, lower_gemm, lower_matmul
from rvpack.sdk.codegen.tiles import ColumnMask, GemmProblem, Tile
from rvpack.sdk.ir.activation import NONE
from rvpack.sdk.ir.graph import Graph, Node
from rvpack.sdk.targets.cores import CORE_MODELS, DEFAULT_CORE, CoreModel
from rvpack.sdk.targets.plugin import SparsePlan
from rvpack.sdk.targets.rvv.conv_costs import WinogradVariant, im2col_cost, winograd_transform_cost, winograd_variants
from rvpack.sdk.targets.rvv.packing import pack_conv_weights, packed_floats
from rvpack.sdk.targets.rvv.qs8 import lower_qs8_conv_rvv
from rvpack.sdk.targets.rvv.sparse import pack_sparse_weights
from rvpack.sdk.targets.rvv.tiles import ASSUMED_VLEN, convgemm_tiles, modelled_cost, spconvgemm_tiles
from rvpack.sdk.targets.rvv.winograd import RELATIVE_TOLERANCE, pack_winograd_weights

# Activations the GEMM and depthwise kernels apply as their output clamp.
CLAMP_ACTS = ("NONE", "RELU", "CLAMP")
# Depthwise shapes with an f32-dwconv2d-chw kernel.
DWCONV_KERNELS = (3, 5)
DWCONV_STRIDES = (1, 2)
# Upper bound of one layer's im2col panel in the arena.
MAX_PANEL_BYTES = 1 << 20
# Upper bound of a Winograd layer's transformed input + GEMM results per panel.
WINOGRAD_PANEL_BYTES = 1 << 20
# The largest VLEN a bundle may run at (its output-transform temporary is sized for it).
MAX_VLEN = 1024
# Upper bound of a pixel-rows layer's scratch (im2col panel, packed columns, Y^T).
PIXEL_ROWS_SCRATCH_BYTES = 2 << 20
# Convolution algorithms `rvpack build --algorithm` may force (where a layer can use them).
ALGORITHMS = ("im2col", "pixel-rows", "winograd", "winograd-f2", "winograd-f4", "winograd-f6")


def _tile_fields(tile: Tile) -> dict:
    """The rvpack_convgemm_tile_t of a tile (runtime/rvv/include/rvpack/kernels_rvv.h)."""
    return {"ukernel": Literal(tile.name), "tail": Literal(tile.tail or "NULL"), "mr": tile.mr, "lmul": tile.lmul}


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
    """A conv on the convgemm microkernels: output channels as the GEMM's rows
    (directly for a 1x1, stride-1, unpadded conv, else through im2col panels),
    output pixels as the rows ("pixel rows", groups 1), or, for 3x3 stride-1
    convs, Winograd F(2/4/6, 3); or, where blocks of output channels share
    zero K columns (column-wise pruning), the column-sparse kernels on the
    direct / im2col layout. The algorithm with the fewest modelled cycles
    (conv_costs.py), unless --algorithm forces one the layer can use
    (--sparse off: no sparse kernels)."""
    tiles = convgemm_tiles()
    if not tiles:
        return None
    base = lower_conv(node, g)
    conv, post, act_note = split_activation(node, g, base.calls[0].args[0].fields)
    groups = conv["groups"]
    icg, ocg = conv["in_channels"] // groups, conv["out_channels"] // groups
    if icg == 1 and ocg == 1:  # depthwise
        depthwise = lower_depthwise_rvv(node, base, conv, post, act_note)
        if depthwise is not None:
            return depthwise
        # Other depthwise shapes (e.g. stride 2x1): one 1-row GEMM per channel.
    weights = g.constant(node.inputs[1])
    bias_value = g.constant(node.input(2)) if node.input(2) else None
    if weights is None or (node.input(2) and bias_value is None):
        return None  # run-time weights: the portable kernel (the microkernels take them packed)
    core = CORE_MODELS[lowering.options.get("core", DEFAULT_CORE)]
    forced = lowering.options.get("algorithm", "auto")
    k, pixels, direct, panel = _conv_geometry(conv)
    gemm = GemmProblem(ocg, pixels, k, panel, conv["batch"] * groups)
    # The algorithms this layer can use, with their modelled cycles; pixel
    # rows and Winograd only where the scratch they need stays bounded.
    default_cycles = _best_gemm_cost(gemm, tiles, core) + (
        0 if direct else im2col_cost(core, k, conv["out_height"], conv["out_width"], conv["batch"] * groups))
    choices: list[tuple[float, Callable[[], LoweredLayer]]] = []
    if forced in ("auto", "im2col"):
        choices.append((default_cycles, lambda: _lower_gemm_conv(node, base, conv, post, act_note, weights,
                                                                 bias_value, lowering, tiles, gemm, direct, panel)))
    if groups == 1 and forced in ("auto", "pixel-rows") and _pixel_rows_scratch(conv, k, direct, 8) <= \
            PIXEL_ROWS_SCRATCH_BYTES:
        choices.append((_pixel_rows_cost(conv, k, direct, tiles, core),
                        lambda: _lower_pixel_rows(node, base, conv, post, act_note, weights, lowering, tiles, k,
                                                  direct)))
    for v in winograd_variants():
        if _winograd_fits(conv) and forced in ("auto", "winograd", f"winograd-f{v.m}"):
            choices.append((_winograd_cost(conv, v, tiles, core),
                            functools.partial(_lower_winograd, node, base, conv, post, act_note, v, weights, lowering,
                                              tiles)))
    sparse_tiles = spconvgemm_tiles()
    if groups == 1 and sparse_tiles and lowering.options.get("sparse", "auto") != "off" and forced in ("auto", "im2col"):
        mask = ColumnMask.of(weights.reshape(ocg, k))
        if not mask.nonzero.all():  # some block may skip a K step
            sparse = GemmProblem(ocg, pixels, k, panel, conv["batch"], mask=mask)
            choices.append((_best_gemm_cost(sparse, sparse_tiles, core) + default_cycles
                            - _best_gemm_cost(gemm, tiles, core),  # the same im2col panels, if any
                            lambda: _lower_sparse_conv(node, base, conv, post, act_note, weights, bias_value,
                                                       lowering, sparse_tiles, sparse, direct, panel)))
    if not choices:  # a forced algorithm this layer cannot use: its default
        choices.append((default_cycles, lambda: _lower_gemm_conv(node, base, conv, post, act_note, weights,
                                                                 bias_value, lowering, tiles, gemm, direct, panel)))
    return min(choices, key=lambda choice: choice[0])[1]()


def _conv_geometry(conv: dict) -> tuple[int, int, bool, int]:
    """(K per group, output pixels, direct, im2col panel pixels) of a conv as one GEMM per group."""
    k = conv["in_channels"] // conv["groups"] * conv["kernel_height"] * conv["kernel_width"]
    pixels = conv["out_height"] * conv["out_width"]
    direct = (conv["kernel_height"] == conv["kernel_width"] == 1 and conv["stride_height"] == conv["stride_width"] == 1
              and conv["pad_top"] == conv["pad_left"] == 0 and conv["in_height"] == conv["out_height"]
              and conv["in_width"] == conv["out_width"])
    panel = 0
    if not direct:
        # A multiple of 128 pixels (LMUL 8 at VLEN 512) keeps every vector step
        # of a panel full at any VLEN; the whole image if it fits the budget.
        panel = min(pixels, max(128, MAX_PANEL_BYTES // (4 * k) // 128 * 128))
    return k, pixels, direct, panel


def plan_sparse_conv(conv: dict, kept_steps: int, core: CoreModel, tile: Tile | None = None) -> SparsePlan | None:
    """The column-sparse tile `rvpack build` picks (its cost model on `core`)
    for a groups-1 conv whose row blocks each keep `kept_steps` of K, having
    been pruned for that tile's MR (`rvpack prune --tile auto`), or the given
    tile; with the modelled cycles of the layer's best dense GEMM and of the
    sparse one (the im2col panels, if any, in both). None if the conv cannot
    run sparse."""
    tiles, sparse_tiles = convgemm_tiles(), spconvgemm_tiles()
    if conv["groups"] != 1 or not tiles or not sparse_tiles:
        return None
    k, pixels, direct, panel = _conv_geometry(conv)
    oc, batch = conv["out_channels"], conv["batch"]
    nonzero = np.zeros((oc, k), bool)
    nonzero[:, :min(k, kept_steps)] = True  # costs depend on the kept counts only
    sparse = GemmProblem(oc, pixels, k, panel, batch, mask=ColumnMask(nonzero))
    if tile is None:
        tile = min(sparse_tiles, key=lambda t: (modelled_cost(sparse, t, core), -t.mr * t.lmul))
    im2col = 0 if direct else im2col_cost(core, k, conv["out_height"], conv["out_width"], batch)
    return SparsePlan(tile, _best_gemm_cost(GemmProblem(oc, pixels, k, panel, batch), tiles, core) + im2col,
                      modelled_cost(sparse, tile, core) + im2col)


def _lower_gemm_conv(node: Node, base: LoweredLayer, conv: dict, post: list[KernelCall], act_note: str,
                     weights: np.ndarray, bias_value: np.ndarray | None, lowering: Lowering, tiles: tuple[Tile, ...],
                     gemm: GemmProblem, direct: bool, panel: int) -> LoweredLayer:
    """Output channels as the GEMM's rows, pixels vectorised: directly or on im2col panels."""
    x, y = base.calls[0].args[1], base.calls[0].args[4]
    k = gemm.k
    tile, note = _choose_tile(lowering, gemm, tiles)
    params = Params("rvpack_conv2d_rvv_params_t", {"conv": conv, "tile": _tile_fields(tile), "panel_pixels": panel})
    packed = f"{node.name}__packed_weights"
    call = KernelCall("rvpack_f32_conv2d_nchw__rvv", [params, x, TensorArg(packed), y, ScratchArg()])
    how = ("direct" if direct else f"im2col panel {panel} px") + note
    return LoweredLayer(node.name, node.op, f"{tile.name} ({how}){act_note}", [call, *post], macs=base.macs,
                        params=base.params, scratch_bytes=4 * k * panel,
                        constants={packed: pack_conv_weights(tile.mr, weights, bias_value, conv["groups"])})


def _lower_sparse_conv(node: Node, base: LoweredLayer, conv: dict, post: list[KernelCall], act_note: str,
                       weights: np.ndarray, bias_value: np.ndarray | None, lowering: Lowering,
                       tiles: tuple[Tile, ...], problem: GemmProblem, direct: bool, panel: int) -> LoweredLayer:
    """Column-sparse weights: output channels as the GEMM's rows in blocks of
    MR that visit only their kept K steps (f32-spconvgemm), directly or on
    im2col panels."""
    assert problem.mask is not None
    x, y = base.calls[0].args[1], base.calls[0].args[4]
    k = problem.k
    tile, note = _choose_tile(lowering, problem, tiles)
    b_stride = 4 * (conv["in_height"] * conv["in_width"] if direct else panel)
    params = Params("rvpack_conv2d_sparse_rvv_params_t", {"conv": conv, "tile": _tile_fields(tile),
                                                         "panel_pixels": panel})
    packed = f"{node.name}__sparse_weights"
    call = KernelCall("rvpack_f32_conv2d_sparse__rvv", [params, x, TensorArg(packed), y, ScratchArg()])
    kept = problem.mask.kept_fraction(tile.mr)
    how = f"sparse, {100 * kept:.0f}% of K kept, " + ("direct" if direct else f"im2col panel {panel} px") + note
    bias = None if bias_value is None else bias_value.astype(np.float32)
    return LoweredLayer(node.name, node.op, f"{tile.name} ({how}){act_note}", [call, *post], macs=base.macs,
                        params=base.params, scratch_bytes=4 * k * panel, kept_fraction=kept,
                        constants={packed: pack_sparse_weights(tile.mr, weights.reshape(-1, k).astype(np.float32),
                                                               bias, b_stride)})


def _pixel_rows_problem(conv: dict, k: int) -> GemmProblem:
    return GemmProblem(conv["out_height"] * conv["out_width"], conv["out_channels"], k, 0, conv["batch"])


def _pixel_rows_scratch(conv: dict, k: int, direct: bool, mr: int) -> int:
    pixels = conv["out_height"] * conv["out_width"]
    return 4 * ((0 if direct else k * pixels) + packed_floats(mr, pixels, k) + pixels * conv["out_channels"])


def _pixel_rows_cost(conv: dict, k: int, direct: bool, tiles: tuple[Tile, ...], core: CoreModel) -> float:
    pixels, oc, batch = conv["out_height"] * conv["out_width"], conv["out_channels"], conv["batch"]
    # The column packer: per block of MR pixels and K step, an LMUL-2 load and store and ~3 scalar.
    packing = batch * -(-pixels // 7) * k * (2 * core.vector_cycles(2, ASSUMED_VLEN) + 3)
    # Per pixel and LMUL-8 chunk of channels: load, bias load and add, clamp (2), strided store.
    transpose = batch * pixels * -(-oc // (8 * ASSUMED_VLEN // 32)) * (6 * core.vector_cycles(8, ASSUMED_VLEN) + 8)
    im2col = 0 if direct else im2col_cost(core, k, conv["out_height"], conv["out_width"], batch)
    return _best_gemm_cost(_pixel_rows_problem(conv, k), tiles, core) + packing + transpose + im2col


def _lower_pixel_rows(node: Node, base: LoweredLayer, conv: dict, post: list[KernelCall], act_note: str,
                      weights: np.ndarray, lowering: Lowering, tiles: tuple[Tile, ...], k: int,
                      direct: bool) -> LoweredLayer:
    tile, note = _choose_tile(lowering, _pixel_rows_problem(conv, k), tiles)
    params = Params("rvpack_conv2d_pixel_rows_rvv_params_t", {"conv": conv, "tile": _tile_fields(tile),
                                                             "direct": int(direct)})
    transposed = f"{node.name}__weights_kn"
    x, bias, y = base.calls[0].args[1], base.calls[0].args[3], base.calls[0].args[4]
    call = KernelCall("rvpack_f32_conv2d_nchw_pixel_rows__rvv", [params, x, TensorArg(transposed), bias, y,
                                                                 ScratchArg()])
    how = "pixel rows" + ("" if direct else ", im2col") + note
    return LoweredLayer(node.name, node.op, f"{tile.name} ({how}){act_note}", [call, *post], macs=base.macs,
                        params=base.params, scratch_bytes=_pixel_rows_scratch(conv, k, direct, tile.mr),
                        constants={transposed: np.ascontiguousarray(
                            weights.reshape(conv["out_channels"], k).T.astype(np.float32))})


def _winograd_fits(conv: dict) -> bool:
    return (conv["kernel_height"] == conv["kernel_width"] == 3 and conv["stride_height"] == conv["stride_width"] == 1
            and conv["dilation_height"] == conv["dilation_width"] == 1 and conv["groups"] == 1)


def _best_gemm_cost(problem: GemmProblem, tiles: tuple[Tile, ...], core: CoreModel) -> float:
    return min(modelled_cost(problem, t, core) for t in tiles)


def _winograd_geometry(conv: dict, v: WinogradVariant) -> tuple[int, int, int]:
    """(tile columns tw, tile rows th, tile rows per panel) of F(m, 3)."""
    tw, th = -(-conv["out_width"] // v.m), -(-conv["out_height"] // v.m)
    per_tile = 4 * (v.m + 2) ** 2 * (conv["in_channels"] + conv["out_channels"])
    return tw, th, max(1, min(th, WINOGRAD_PANEL_BYTES // (per_tile * tw)))


def _winograd_gemm(conv: dict, v: WinogradVariant) -> GemmProblem:
    tw, th, rows = _winograd_geometry(conv, v)
    return GemmProblem(conv["out_channels"], th * tw, conv["in_channels"], rows * tw,
                       conv["batch"] * (v.m + 2) ** 2)


def _winograd_cost(conv: dict, v: WinogradVariant, tiles: tuple[Tile, ...], core: CoreModel) -> float:
    return (_best_gemm_cost(_winograd_gemm(conv, v), tiles, core)
            + winograd_transform_cost(core, v, conv["in_channels"], conv["out_channels"], conv["out_height"],
                                      conv["out_width"], conv["batch"]))


def _lower_winograd(node: Node, base: LoweredLayer, conv: dict, post: list[KernelCall], act_note: str,
                    v: WinogradVariant, weights: np.ndarray, lowering: Lowering,
                    tiles: tuple[Tile, ...]) -> LoweredLayer:
    tw, _, panel_rows = _winograd_geometry(conv, v)
    tile, note = _choose_tile(lowering, _winograd_gemm(conv, v), tiles)
    alpha, c, oc = v.m + 2, conv["in_channels"], conv["out_channels"]
    t_panel = panel_rows * tw
    scratch = 4 * (alpha * (tw * v.m + 2) + alpha * alpha * (c + oc) * t_panel + alpha * v.m * v.lmul * MAX_VLEN // 32)
    params = Params("rvpack_conv2d_winograd_rvv_params_t", {
        "conv": conv, "gemm": _tile_fields(tile), "tile": v.m,
        "input_transform": Literal(f"{v.name}_input__rvv"), "output_transform": Literal(f"{v.name}_output__rvv"),
        "panel_tile_rows": panel_rows})
    packed = f"{node.name}__winograd_weights"
    x, bias, y = base.calls[0].args[1], base.calls[0].args[3], base.calls[0].args[4]
    call = KernelCall("rvpack_f32_conv2d_winograd__rvv", [params, x, TensorArg(packed), bias, y, ScratchArg()])
    how = f"winograd F({v.m},3) {v.lmul}v, {panel_rows} tile rows per panel{note}"
    return LoweredLayer(node.name, node.op, f"{tile.name} ({how}){act_note}", [call, *post], macs=base.macs,
                        params=base.params, scratch_bytes=scratch, rel_error=RELATIVE_TOLERANCE[v.m],
                        constants={packed: pack_winograd_weights(v.m, tile.mr, weights)})


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
    params = Params("rvpack_matmul_rvv_params_t", {"matmul": fields, "tile": _tile_fields(tile)})
    fn = "rvpack_f32_matmul__rvv"
    how = "matmul" + (", transposed in scratch" if transposed else "") + note
    return LoweredLayer(node.name, node.op, f"{tile.name} ({how}){act_note}",
                        [KernelCall(fn, [params, *call.args[1:], ScratchArg()]), *post],
                        macs=base.macs, params=base.params, scratch_bytes=scratch)


RULES = {"Conv": lower_conv_rvv, "Gemm": lower_matmul_rvv, "MatMul": lower_matmul_rvv, "Qs8Conv": lower_qs8_conv_rvv}
