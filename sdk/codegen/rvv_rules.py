"""Lowering rules of the `rvv` kernel ISA (RISC-V Vector 1.0).

Only ops with an xnnpack_rvv kernel get a rule here; every other op (and
every case a rule declines by returning None) uses the portable kernels,
compiled for the vector target. Kernel variants are read from the registry
(.inc) files of third_party/xnnpack_rvv, the one list of what exists.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rvpack.sdk.codegen.calls import KernelCall, Literal, LoweredLayer, Params, ScratchArg, TensorArg
from rvpack.sdk.codegen.lower import ISA_TWINS, act_of, isa_rule, lower_conv, lower_gemm, lower_matmul
from rvpack.sdk.ir.activation import NONE
from rvpack.sdk.ir.graph import Graph, Node

XNNPACK_RVV = Path(__file__).resolve().parents[2] / "third_party" / "xnnpack_rvv"
CONVGEMM_REGISTRY = XNNPACK_RVV / "src" / "f32-convgemm" / "f32-convgemm.inc"

# Register-friendly defaults for choosing tiles without knowing VLEN: the
# cost model assumes this VLEN (a bundle stays correct at any VLEN).
ASSUMED_VLEN = 256
# Activations the GEMM and depthwise kernels apply as their output clamp.
CLAMP_ACTS = ("NONE", "RELU", "CLAMP")
# Depthwise shapes with an f32-dwconv2d-chw kernel.
DWCONV_KERNELS = (3, 5)
DWCONV_STRIDES = (1, 2)
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


@dataclass(frozen=True)
class GemmProblem:
    """A layer's GEMM work as the drivers issue it (runtime/rvv): `repeats`
    times (batch x groups), for each pixel panel (panel == 0: all pixels in
    one call), row blocks of MR rows over the panel's pixels."""

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


def modelled_cost(problem: GemmProblem, tile: Tile) -> int:
    """Retired instructions by a simple count: per (row block, vector chunk),
    each K step is one B load + MR weight loads + MR FMAs, and each chunk ends
    with ~4 instructions per row (bias, clamp, store) plus loop control.
    Wasted lanes and rows are counted as work."""
    lanes = tile.lmul * ASSUMED_VLEN // 32
    return sum(n * -(-width // lanes) * (problem.k * (1 + 2 * tile.mr) + 4 * tile.mr + 5)
               for (_, width), n in problem.calls(tile.mr).items())


def choose_by_model(problem: GemmProblem, tiles: tuple[Tile, ...]) -> tuple[Tile, str]:
    return min(tiles, key=lambda t: (modelled_cost(problem, t), -t.mr * t.lmul)), ""


# Picks (tile, note) for a problem; `rvpack build --tune` swaps in measured
# counts (sdk/tune.py). The note is shown next to the kernel in the manifest.
TileChooser = Callable[[GemmProblem, tuple[Tile, ...]], tuple[Tile, str]]
_chooser: contextvars.ContextVar[TileChooser] = contextvars.ContextVar("tile_chooser", default=choose_by_model)


@contextlib.contextmanager
def tile_chooser(chooser: TileChooser) -> Iterator[None]:
    token = _chooser.set(chooser)
    try:
        yield
    finally:
        _chooser.reset(token)


def choose_tile(problem: GemmProblem, tiles: tuple[Tile, ...]) -> tuple[Tile, str]:
    return _chooser.get()(problem, tiles)


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


@isa_rule("rvv", "Conv")
def lower_conv_rvv(node: Node, g: Graph) -> LoweredLayer | None:
    tiles = convgemm_tiles()
    if not tiles:
        return None
    base = lower_conv(node, g)
    conv, post, act_note = split_activation(node, g, base.calls[0].args[0].fields)
    x, w, bias, y = base.calls[0].args[1:5]
    groups = conv["groups"]
    icg, ocg = conv["in_channels"] // groups, conv["out_channels"] // groups
    if icg == 1 and ocg == 1:
        depthwise = lower_depthwise_rvv(node, base, conv, post, act_note)
        if depthwise is not None:
            return depthwise
        # Other depthwise shapes (e.g. stride 2x1): one 1-row GEMM per channel.
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
    tile, note = choose_tile(GemmProblem(ocg, pixels, k, panel, conv["batch"] * groups), tiles)
    params = Params("rvpack_conv2d_rvv_params_t", {"conv": conv, "ukernel": Literal(tile.name), "mr": tile.mr,
                                                   "panel_pixels": panel})
    call = KernelCall("rvpack_f32_conv2d_nchw__rvv", [params, x, w, bias, y, ScratchArg()])
    how = ("direct" if direct else f"im2col panel {panel} px") + note
    return LoweredLayer(node.name, node.op, f"{tile.name} ({how}){act_note}", [call, *post], macs=base.macs,
                        params=base.params, scratch_bytes=4 * k * panel)


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


# Operator kernels of runtime/rvv with the same signature and contract as
# their portable twins (runtime/include/rvpack/kernels_rvv.h).
ISA_TWINS["rvv"] = {
    "rvpack_f32_unary__scalar": "rvpack_f32_unary__rvv",
    "rvpack_f32_binary__scalar": "rvpack_f32_binary__rvv",
    "rvpack_f32_channel_affine__scalar": "rvpack_f32_channel_affine__rvv",
    "rvpack_f32_softmax__scalar": "rvpack_f32_softmax__rvv",
    "rvpack_f32_reduce__scalar": "rvpack_f32_reduce__rvv",
    "rvpack_f32_pool2d_nchw__scalar": "rvpack_f32_pool2d_nchw__rvv",
    "rvpack_copy_strided": "rvpack_copy_strided__rvv",
    "rvpack_f32_pad__scalar": "rvpack_f32_pad__rvv",
    "rvpack_f32_lrn__scalar": "rvpack_f32_lrn__rvv",
    "rvpack_f32_resize__scalar": "rvpack_f32_resize__rvv",
    "rvpack_f32_conv_transpose2d_nchw__scalar": "rvpack_f32_conv_transpose2d_nchw__rvv",
}


@isa_rule("rvv", "Gemm", "MatMul")
def lower_matmul_rvv(node: Node, g: Graph) -> LoweredLayer | None:
    """GEMM on the convgemm microkernels: A rows broadcast, B rows vectorised.
    A transposed A or B operand (the rvv passes already pre-transposed
    constant Gemm weights) is transposed into scratch first."""
    tiles = convgemm_tiles()
    if not tiles:
        return None
    base = lower_gemm(node, g) if node.op == "Gemm" else lower_matmul(node, g)
    call = base.calls[0]
    fields, post, act_note = split_activation(node, g, call.args[0].fields)
    if fields["k"] == 0:
        return None
    m, n, k = fields["m"], fields["n"], fields["k"]
    scratch = 4 * (m * k * bool(fields["a_transposed"]) + k * n * bool(fields["b_transposed"]))
    tile, note = choose_tile(GemmProblem(m, n, k, 0, fields["batch"]), tiles)
    params = Params("rvpack_matmul_rvv_params_t", {"matmul": fields, "ukernel": Literal(tile.name), "mr": tile.mr})
    fn = "rvpack_f32_matmul__rvv"
    how = "matmul" + (", transposed in scratch" if scratch else "") + note
    return LoweredLayer(node.name, node.op, f"{tile.name} ({how}){act_note}",
                        [KernelCall(fn, [params, *call.args[1:], ScratchArg()]), *post],
                        macs=base.macs, params=base.params, scratch_bytes=scratch)
