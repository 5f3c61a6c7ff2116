"""Lowering: IR node -> runtime kernel calls (a table of rules, one per op).

Each rule reads static shapes and constant attributes and produces the
params structs of runtime/include/rvpack/kernels.h. Anything a rule cannot
express raises Unsupported with the reason; `lower_graph` collects every
such problem of the model and reports them together.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from rvpack.sdk.codegen.lower_q8 import Q8_RULES
from rvpack.sdk.codegen.lower_state import STATE_RULES
from rvpack.sdk.codegen.calls import ConstArray, KernelCall, Literal, LoweredLayer, Params, TensorArg
from rvpack.sdk.codegen.shapes import (MAX_BINARY_RANK, Unsupported, _decode, as_2d, broadcast_strides, coalesce,  # noqa: F401
                                         const, conv_pads, shape, spatial_2d, strides_of)
from rvpack.sdk.codegen.tiles import TileChooser
from rvpack.sdk.errors import RootCauses, UnsupportedModelError
from rvpack.sdk.ir.activation import NONE, UNARY_OPS, Activation, activation_of
from rvpack.sdk.ir.graph import Graph, Node

VIEW_OPS = {"Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity", "Dropout"}
DATA_MOVEMENT = VIEW_OPS | {"Transpose", "Slice", "Split", "Concat", "Pad"}  # any element type (int8 models)


# A portable rule lowers every case of its op onto the scalar kernels.
Rule = Callable[[Node, Graph], LoweredLayer]


@dataclass(frozen=True)
class Lowering:
    """What a kernel ISA changes in lowering, handed to lower_graph explicitly.

    rules: op -> rule that may do better than the portable one; it returns
        None to fall back to PORTABLE_RULES for that node.
    twins: kernels with a same-signature ISA twin (portable name -> ISA
        name); calls the portable rules emit are renamed after lowering.
    choose_tile: picks the GEMM tile of a layer (the ISA's cost model, or
        measured counts with --tune); None for ISAs without tiles.
    options: build options the ISA's rules read (e.g. "core": the core
        model their cost models use, "algorithm": a forced convolution
        algorithm); the portable rules read none."""

    rules: Mapping[str, Callable[[Node, Graph, "Lowering"], LoweredLayer | None]] = field(default_factory=dict)
    twins: Mapping[str, str] = field(default_factory=dict)
    choose_tile: TileChooser | None = None
    options: Mapping[str, str] = field(default_factory=dict)


PORTABLE = Lowering()


def supported_ops() -> list[str]:
    return sorted(PORTABLE_RULES)


def check_supported(graph: Graph) -> None:
    """Reports every node whose operator has no lowering rule, all at once."""
    problems = [f"{n.describe()}: operator {n.op} is not supported" for n in graph.nodes if n.op not in PORTABLE_RULES]
    if problems:
        raise UnsupportedModelError(
            f"{graph.name}: {len(problems)} node(s) use unsupported operators", problems,
            hint="`rvpack targets` lists the supported operators",
        )


def lower_graph(graph: Graph, lowering: Lowering = PORTABLE) -> list[LoweredLayer]:
    layers, problems = [], RootCauses()
    for node in graph.nodes:
        try:
            layers.append(lower_node(node, graph, lowering))
        except Unsupported as e:
            problems.failed(node.inputs, node.outputs, f"{node.describe()}: {e}")
    problems.raise_if_any(
        graph.name, "uncompilable",
        hint="these operators or attribute values are not supported yet (`rvpack targets` lists the operators)",
    )
    return layers


def lower_node(node: Node, graph: Graph, lowering: Lowering = PORTABLE) -> LoweredLayer:
    fn = PORTABLE_RULES.get(node.op)
    if fn is None:
        raise Unsupported(f"operator {node.op} is not supported")
    for name in node.inputs + node.outputs:
        if not name:
            continue
        t = graph.tensors[name]
        if t.is_constant:
            continue
        if t.dtype != np.float32 and node.op not in Q8_RULES and node.op not in DATA_MOVEMENT and node.op not in STATE_RULES:
            raise Unsupported(f"tensor '{name}' is {t.dtype} at run time; only float32 is supported")
    special = lowering.rules.get(node.op)
    layer = special(node, graph, lowering) if special is not None else None
    if layer is None:
        layer = fn(node, graph)
    for call in layer.calls:
        call.function = lowering.twins.get(call.function, call.function)
    layer.kernel = lowering.twins.get(layer.kernel, layer.kernel)
    return layer


# ---- helpers ----------------------------------------------------------------


def act_of(node: Node) -> Activation:
    return node.attrs.get("_act", NONE)


def _conv_geometry(node: Node, g: Graph, pad_begin: Callable[[list[int], list[int], list[int], int], list[int]]
                   ) -> tuple[Params, int]:
    """The rvpack_conv2d_params_t of a Conv/ConvTranspose (1-D as height 1) and
    its kernel area. pad_begin(kernel, strides, dilations, rank) gives the
    leading pads, the one place the two ops differ."""
    x, w, y = shape(g, node.inputs[0]), shape(g, node.inputs[1]), shape(g, node.outputs[0])
    rank = len(x) - 2
    if rank not in (1, 2):
        raise Unsupported(f"{rank}-D {node.op} is not supported (only 1-D and 2-D)")
    n, c, h, wd = spatial_2d(x, f"{node.op} input")
    _, oc, oh, ow = spatial_2d(y, f"{node.op} output")
    kernel = list(node.attrs.get("kernel_shape", w[2:]))
    strides = list(node.attrs.get("strides", [1] * rank))
    dil = list(node.attrs.get("dilations", [1] * rank))
    begin = pad_begin(kernel, strides, dil, rank)
    kernel, strides, dil, begin = as_2d(kernel, rank, 1), as_2d(strides, rank, 1), as_2d(dil, rank, 1), as_2d(begin, rank, 0)
    p = Params("rvpack_conv2d_params_t", dict(
        batch=n, in_channels=c, in_height=h, in_width=wd, out_channels=oc, out_height=oh, out_width=ow,
        kernel_height=kernel[0], kernel_width=kernel[1], stride_height=strides[0], stride_width=strides[1],
        dilation_height=dil[0], dilation_width=dil[1], pad_top=begin[0], pad_left=begin[1],
        groups=int(node.attrs.get("group", 1)), act=act_of(node)))
    return p, kernel[0] * kernel[1]


def _conv_call(fn: str, p: Params, node: Node) -> KernelCall:
    bias = TensorArg(node.input(2)) if node.input(2) else Literal("NULL")
    return KernelCall(fn, [p, TensorArg(node.inputs[0]), TensorArg(node.inputs[1]), bias, TensorArg(node.outputs[0])])


def lower_conv(node: Node, g: Graph) -> LoweredLayer:
    x, y = shape(g, node.inputs[0]), shape(g, node.outputs[0])

    def pads(kernel: list[int], strides: list[int], dil: list[int], rank: int) -> list[int]:
        return conv_pads(node, list(x[2:]), kernel, strides, dil, list(y[2:]))[0]

    p, area = _conv_geometry(node, g, pads)
    f = p.fields
    fn = "rvpack_f32_conv2d_nchw__scalar"
    macs = f["batch"] * f["out_channels"] * f["out_height"] * f["out_width"] * (f["in_channels"] // f["groups"]) * area
    params = int(np.prod(shape(g, node.inputs[1]))) + (f["out_channels"] if node.input(2) else 0)
    return LoweredLayer(node.name, node.op, fn, [_conv_call(fn, p, node)], macs=macs, params=params)


def lower_conv_transpose(node: Node, g: Graph) -> LoweredLayer:
    x, y = shape(g, node.inputs[0]), shape(g, node.outputs[0])
    auto = _decode(node.attrs.get("auto_pad"), "NOTSET")

    def pads(kernel: list[int], strides: list[int], dil: list[int], rank: int) -> list[int]:
        if "output_shape" not in node.attrs and auto not in ("SAME_UPPER", "SAME_LOWER"):
            return list(node.attrs.get("pads", [0] * (2 * rank)))[:rank]
        out_pad = list(node.attrs.get("output_padding", [0] * rank))
        begin = []
        for i in range(rank):
            total = strides[i] * (x[2 + i] - 1) + out_pad[i] + (kernel[i] - 1) * dil[i] + 1 - y[2 + i]
            begin.append(total // 2 if auto != "SAME_LOWER" else total - total // 2)
        return begin

    p, area = _conv_geometry(node, g, pads)
    f = p.fields
    fn = "rvpack_f32_conv_transpose2d_nchw__scalar"
    macs = f["batch"] * f["in_channels"] * f["in_height"] * f["in_width"] * (f["out_channels"] // f["groups"]) * area
    return LoweredLayer(node.name, node.op, fn, [_conv_call(fn, p, node)], macs=macs,
                        params=int(np.prod(shape(g, node.inputs[1]))))


# ---- matrix multiplication --------------------------------------------------
def _matmul_layer(node: Node, fields: dict, a: str, b: str, bias: str, y: str, macs: int, params: int) -> LoweredLayer:
    fn = "rvpack_f32_matmul__scalar"
    p = Params("rvpack_matmul_params_t", {**fields, "act": act_of(node)})
    bias_arg = TensorArg(bias) if bias else Literal("NULL")
    call = KernelCall(fn, [p, TensorArg(a), TensorArg(b), bias_arg, TensorArg(y)])
    return LoweredLayer(node.name, node.op, fn, [call], macs=macs, params=params)


def lower_gemm(node: Node, g: Graph) -> LoweredLayer:
    a, b, y = shape(g, node.inputs[0]), shape(g, node.inputs[1]), shape(g, node.outputs[0])
    ta, tb = int(node.attrs.get("transA", 0)), int(node.attrs.get("transB", 0))
    m, n = y
    k = a[0] if ta else a[1]
    bias_kind, bias = "RVPACK_BIAS_NONE", node.input(2)
    if bias:
        c = shape(g, bias)
        size = int(np.prod(c))
        if size == 1:
            bias_kind = "RVPACK_BIAS_SCALAR"
        elif c[-1:] == (n,) and size == n:
            bias_kind = "RVPACK_BIAS_PER_COLUMN"
        elif size == m and (len(c) == 1 and m == n or c == (m, 1)):
            bias_kind = "RVPACK_BIAS_PER_ROW" if c == (m, 1) else "RVPACK_BIAS_PER_COLUMN"
        elif c == (m, n):
            bias_kind = "RVPACK_BIAS_FULL"
        else:
            raise Unsupported(f"Gemm bias of shape {list(c)} does not broadcast to [{m}, {n}]")
    fields = dict(batch=1, m=m, n=n, k=k, a_batch_stride=0, b_batch_stride=0, y_batch_stride=0, a_transposed=ta,
                  b_transposed=tb, bias_kind=Literal(bias_kind), alpha=float(node.attrs.get("alpha", 1.0)),
                  beta=float(node.attrs.get("beta", 1.0)))
    params = int(np.prod(b)) if g.constant(node.inputs[1]) is not None else 0
    return _matmul_layer(node, fields, node.inputs[0], node.inputs[1], bias, node.outputs[0], m * n * k, params)


def lower_matmul(node: Node, g: Graph) -> LoweredLayer:
    a, b = shape(g, node.inputs[0]), shape(g, node.inputs[1])
    a2 = (1,) + a if len(a) == 1 else a
    b2 = b + (1,) if len(b) == 1 else b
    m, k, n = a2[-2], a2[-1], b2[-1]
    batch_a, batch_b = a2[:-2], b2[:-2]
    rank = max(len(batch_a), len(batch_b))
    batch_a = (1,) * (rank - len(batch_a)) + batch_a
    batch_b = (1,) * (rank - len(batch_b)) + batch_b
    batch = int(np.prod(np.maximum(batch_a, batch_b))) if rank else 1

    def batch_stride(dims: tuple[int, ...], size: int) -> int:
        if int(np.prod(dims)) == 1:
            return 0
        if tuple(dims) != tuple(np.maximum(batch_a, batch_b)):
            raise Unsupported("MatMul with partially broadcast batch dimensions is not supported")
        return size

    fields = dict(batch=batch, m=m, n=n, k=k, a_batch_stride=batch_stride(batch_a, m * k),
                  b_batch_stride=batch_stride(batch_b, k * n), y_batch_stride=m * n, a_transposed=0, b_transposed=0,
                  bias_kind=Literal("RVPACK_BIAS_NONE"), alpha=1.0, beta=0.0)
    params = int(np.prod(b)) if g.constant(node.inputs[1]) is not None else 0
    return _matmul_layer(node, fields, node.inputs[0], node.inputs[1], "", node.outputs[0], batch * m * n * k, params)


# ---- elementwise ------------------------------------------------------------
_BINARY = {"Add": "ADD", "Sub": "SUB", "Mul": "MUL", "Div": "DIV", "Max": "MAX", "Min": "MIN", "Pow": "POW",
           "PRelu": "PRELU", "Sum": "ADD"}


def binary_call(op: str, a: str, b: str, y: str, g: Graph, act: Activation) -> KernelCall:
    out = shape(g, y)
    dims, (sa, sb) = coalesce(out, broadcast_strides(shape(g, a), out), broadcast_strides(shape(g, b), out))
    if len(dims) > MAX_BINARY_RANK:
        raise Unsupported(f"broadcast over {len(dims)} dimensions is not supported (max {MAX_BINARY_RANK})")
    pad = MAX_BINARY_RANK - len(dims)
    p = Params("rvpack_binary_params_t", dict(
        op=Literal(f"RVPACK_BINARY_{op}"), rank=MAX_BINARY_RANK, shape=[1] * pad + dims,
        a_strides=[0] * pad + sa, b_strides=[0] * pad + sb, act=act))
    return KernelCall("rvpack_f32_binary__scalar", [p, TensorArg(a), TensorArg(b), TensorArg(y)])


def lower_binary(node: Node, g: Graph) -> LoweredLayer:
    op = _BINARY[node.op]
    ins = [i for i in node.inputs if i]
    y = node.outputs[0]
    if len(ins) == 1:
        return lower_copy_like(node, g)
    calls = []
    acc = ins[0]
    # Variadic ops accumulate in the output: y = x0 op x1, then y = y op x2, ...
    for k, other in enumerate(ins[1:]):
        last = k == len(ins) - 2
        calls.append(binary_call(op, acc, other, y, g, act_of(node) if last else NONE))
        acc = y
    return LoweredLayer(node.name, node.op, calls[0].function, calls)


def lower_unary(node: Node, g: Graph) -> LoweredLayer:
    act = activation_of(node, g)
    if act is None:
        raise Unsupported("activation parameters must be constants")
    fn = "rvpack_f32_unary__scalar"
    n = g.tensors[node.outputs[0]].num_elements
    call = KernelCall(fn, [Literal(f"{n}u"), TensorArg(node.inputs[0]), TensorArg(node.outputs[0]), Params("rvpack_activation_t", {"act": act})])
    return LoweredLayer(node.name, node.op, fn, [call])


def lower_batchnorm(node: Node, g: Graph) -> LoweredLayer:
    if any(node.outputs[1:]):
        raise Unsupported("training-mode BatchNormalization is not supported")
    scale, shift, mean, var = (const(g, node, i, "BatchNormalization parameters") for i in range(1, 5))
    eps = float(node.attrs.get("epsilon", 1e-5))
    factor = scale.astype(np.float64) / np.sqrt(var.astype(np.float64) + eps)  # type: ignore[union-attr]
    offset = shift.astype(np.float64) - mean.astype(np.float64) * factor  # type: ignore[union-attr]
    x = shape(g, node.inputs[0])
    fn = "rvpack_f32_channel_affine__scalar"
    p = Params("rvpack_channel_affine_params_t", dict(
        batch=x[0], channels=x[1], spatial=int(np.prod(x[2:])), act=act_of(node)))
    call = KernelCall(fn, [p, TensorArg(node.inputs[0]), ConstArray("float", tuple(factor.astype(np.float32).tolist())),
                           ConstArray("float", tuple(offset.astype(np.float32).tolist())), TensorArg(node.outputs[0])])
    return LoweredLayer(node.name, node.op, fn, [call], params=2 * x[1])


# ---- pooling and reductions -------------------------------------------------
def lower_pool(node: Node, g: Graph) -> LoweredLayer:
    if len(node.outputs) > 1 and node.outputs[1]:
        raise Unsupported("MaxPool with an indices output is not supported")
    x, y = shape(g, node.inputs[0]), shape(g, node.outputs[0])
    rank = len(x) - 2
    n, c, h, wd = spatial_2d(x, f"{node.op} input")
    _, _, oh, ow = spatial_2d(y, f"{node.op} output")
    kernel = list(node.attrs["kernel_shape"])
    strides = list(node.attrs.get("strides", [1] * rank))
    dil = list(node.attrs.get("dilations", [1] * rank))
    begin, end = conv_pads(node, list(x[2:]), kernel, strides, dil, list(y[2:]))
    kernel, strides, dil = as_2d(kernel, rank, 1), as_2d(strides, rank, 1), as_2d(dil, rank, 1)
    begin, end = as_2d(begin, rank, 0), as_2d(end, rank, 0)
    p = Params("rvpack_pool2d_params_t", dict(
        batch=n, channels=c, in_height=h, in_width=wd, out_height=oh, out_width=ow, kernel_height=kernel[0],
        kernel_width=kernel[1], stride_height=strides[0], stride_width=strides[1], dilation_height=dil[0],
        dilation_width=dil[1], pad_top=begin[0], pad_left=begin[1], pad_bottom=end[0], pad_right=end[1],
        kind=Literal("RVPACK_POOL_MAX" if node.op == "MaxPool" else "RVPACK_POOL_AVERAGE"),
        count_include_pad=int(node.attrs.get("count_include_pad", 0)), act=NONE))
    fn = "rvpack_f32_pool2d_nchw__scalar"
    return LoweredLayer(node.name, node.op, fn, [KernelCall(fn, [p, TensorArg(node.inputs[0]), TensorArg(node.outputs[0])])])


def reduce_layer(node: Node, g: Graph, outer: int, red: int, inner: int, kind: str) -> LoweredLayer:
    fn = "rvpack_f32_reduce__scalar"
    p = Params("rvpack_reduce_params_t", dict(outer=outer, reduce=red, inner=inner, kind=Literal(f"RVPACK_REDUCE_{kind}")))
    return LoweredLayer(node.name, node.op, fn, [KernelCall(fn, [p, TensorArg(node.inputs[0]), TensorArg(node.outputs[0])])])


def lower_global_pool(node: Node, g: Graph) -> LoweredLayer:
    x = shape(g, node.inputs[0])
    kind = "MEAN" if node.op == "GlobalAveragePool" else "MAX"
    return reduce_layer(node, g, x[0] * x[1], int(np.prod(x[2:])), 1, kind)


def lower_reduce(node: Node, g: Graph) -> LoweredLayer:
    x = shape(g, node.inputs[0])
    axes_value = const(g, node, 1, "reduction axes")
    if axes_value is None:
        axes_value = np.array(node.attrs.get("axes", []), np.int64)
    axes = sorted(int(a) % len(x) for a in np.atleast_1d(axes_value))
    if not axes:
        if node.attrs.get("noop_with_empty_axes", 0):
            return lower_copy_like(node, g)
        axes = list(range(len(x)))
    if axes != list(range(axes[0], axes[-1] + 1)):
        raise Unsupported(f"reduction over non-adjacent axes {axes} is not supported")
    outer = int(np.prod(x[: axes[0]]))
    red = int(np.prod(x[axes[0]: axes[-1] + 1]))
    inner = int(np.prod(x[axes[-1] + 1:]))
    kind = {"ReduceMean": "MEAN", "ReduceSum": "SUM", "ReduceMax": "MAX", "ReduceMin": "MIN"}[node.op]
    return reduce_layer(node, g, outer, red, inner, kind)


def lower_softmax(node: Node, g: Graph) -> LoweredLayer:
    x = shape(g, node.inputs[0])
    axis = int(node.attrs.get("axis", -1)) % len(x)
    fn = "rvpack_f32_softmax__scalar"
    p = Params("rvpack_softmax_params_t", dict(outer=int(np.prod(x[:axis])), axis=x[axis],
                                               inner=int(np.prod(x[axis + 1:])), log=int(node.op == "LogSoftmax")))
    return LoweredLayer(node.name, node.op, fn, [KernelCall(fn, [p, TensorArg(node.inputs[0]), TensorArg(node.outputs[0])])])


def lower_lrn(node: Node, g: Graph) -> LoweredLayer:
    x = shape(g, node.inputs[0])
    fn = "rvpack_f32_lrn__scalar"
    p = Params("rvpack_lrn_params_t", dict(
        batch=x[0], channels=x[1], spatial=int(np.prod(x[2:])), size=int(node.attrs["size"]),
        alpha=float(node.attrs.get("alpha", 1e-4)), beta=float(node.attrs.get("beta", 0.75)),
        bias=float(node.attrs.get("bias", 1.0))))
    return LoweredLayer(node.name, node.op, fn, [KernelCall(fn, [p, TensorArg(node.inputs[0]), TensorArg(node.outputs[0])])])


# ---- resampling and padding -------------------------------------------------
def _source_coordinate(mode: str, o: np.ndarray, scale: float, in_size: int, out_size: int) -> np.ndarray:
    if mode == "half_pixel":
        return (o + 0.5) / scale - 0.5
    if mode == "pytorch_half_pixel":
        return (o + 0.5) / scale - 0.5 if out_size > 1 else np.zeros_like(o)
    if mode == "align_corners":
        return o * (in_size - 1) / (out_size - 1) if out_size > 1 else np.zeros_like(o)
    if mode == "asymmetric":
        return o / scale
    if mode == "tf_half_pixel_for_nn":
        return (o + 0.5) / scale
    if mode == "half_pixel_symmetric":
        adj = out_size / (scale * in_size)
        center = in_size / 2
        offset = center * (1 - adj)
        return offset + (o + 0.5) / scale - 0.5
    raise Unsupported(f"coordinate_transformation_mode '{mode}' is not supported")


def _nearest(x: np.ndarray, mode: str) -> np.ndarray:
    if mode == "round_prefer_floor":
        return np.where(x - np.floor(x) == 0.5, np.floor(x), np.round(x))
    if mode == "round_prefer_ceil":
        return np.floor(x + 0.5)
    if mode == "floor":
        return np.floor(x)
    if mode == "ceil":
        return np.ceil(x)
    raise Unsupported(f"nearest_mode '{mode}' is not supported")


def lower_resize(node: Node, g: Graph) -> LoweredLayer:
    x, y = shape(g, node.inputs[0]), shape(g, node.outputs[0])
    if len(x) != 4 or x[:2] != y[:2]:
        raise Unsupported("only resizing the two spatial dims of a 4-D NCHW tensor is supported")
    mode = _decode(node.attrs.get("mode"), "nearest")
    if mode not in ("nearest", "linear"):
        raise Unsupported(f"mode '{mode}' is not supported (nearest, linear)")
    if node.attrs.get("antialias", 0):
        raise Unsupported("antialias is not supported")
    transform = _decode(node.attrs.get("coordinate_transformation_mode"), "half_pixel")
    nearest_mode = _decode(node.attrs.get("nearest_mode"), "round_prefer_floor")
    scales = const(g, node, 2, "Resize scales")
    tables: dict[str, ConstArray] = {}
    for axis, label in ((2, "y"), (3, "x")):
        in_size, out_size = x[axis], y[axis]
        scale = float(scales[axis]) if scales is not None and scales.size else out_size / in_size
        o = np.arange(out_size, dtype=np.float64)
        src = _source_coordinate(transform, o, scale, in_size, out_size)
        if mode == "nearest":
            idx = np.clip(_nearest(src, nearest_mode), 0, in_size - 1).astype(np.int32)
            tables[label + "0"] = ConstArray("int32_t", tuple(idx.tolist()))
        else:
            src = np.clip(src, 0, in_size - 1)
            i0 = np.floor(src).astype(np.int32)
            i1 = np.minimum(i0 + 1, in_size - 1)
            lam = (src - i0).astype(np.float32)
            tables[label + "0"] = ConstArray("int32_t", tuple(i0.tolist()))
            tables[label + "1"] = ConstArray("int32_t", tuple(i1.tolist()))
            tables[label + "_lambda"] = ConstArray("float", tuple(lam.tolist()))
    null = Literal("NULL")
    p = Params("rvpack_resize_params_t", dict(
        planes=x[0] * x[1], in_height=x[2], in_width=x[3], out_height=y[2], out_width=y[3],
        mode=Literal("RVPACK_RESIZE_NEAREST" if mode == "nearest" else "RVPACK_RESIZE_LINEAR"),
        y0=tables["y0"], y1=tables.get("y1", null), y_lambda=tables.get("y_lambda", null),
        x0=tables["x0"], x1=tables.get("x1", null), x_lambda=tables.get("x_lambda", null)))
    fn = "rvpack_f32_resize__scalar"
    return LoweredLayer(node.name, node.op, fn, [KernelCall(fn, [p, TensorArg(node.inputs[0]), TensorArg(node.outputs[0])])])


def _lower_pad_bytes(node: Node, g: Graph, begin: list[int]) -> LoweredLayer:
    """Constant padding of a non-float (int8) tensor: the output filled with
    the constant's bytes, then the input copied into it."""
    x, y = node.inputs[0], node.outputs[0]
    value = const(g, node, 2, "Pad constant_value")
    t = g.tensors[y]
    if _decode(node.attrs.get("mode"), "constant") != "constant" or t.dtype.itemsize != 1:
        raise Unsupported(f"Pad of {t.dtype} data supports constant mode on 1-byte elements only")
    fill = int(np.asarray(value).reshape(-1)[0].view(np.uint8)) if value is not None and value.size else 0
    in_shape, out_shape = shape(g, x), shape(g, y)
    out_strides = [int(np.prod(out_shape[d + 1:])) for d in range(len(out_shape))]
    in_strides = [int(np.prod(in_shape[d + 1:])) for d in range(len(in_shape))]
    offset = sum(b * s for b, s in zip(begin, out_strides))
    calls = [KernelCall("rvpack_memset", [TensorArg(y), Literal(str(fill)), Literal(f"{t.num_elements}u")]),
             copy_call(g, x, y, list(in_shape), in_strides, out_strides, 0, offset)]
    return LoweredLayer(node.name, node.op, "rvpack_copy_strided", calls)


def lower_pad(node: Node, g: Graph) -> LoweredLayer:
    x, y = shape(g, node.inputs[0]), shape(g, node.outputs[0])
    pads = const(g, node, 1, "Pad pads")
    value = const(g, node, 2, "Pad constant_value")
    axes = const(g, node, 3, "Pad axes")
    rank = len(x)
    begin = [0] * rank
    ax = [int(a) % rank for a in axes] if axes is not None else list(range(rank))
    for k, a in enumerate(ax):
        begin[a] = int(pads[k])  # type: ignore[index]
    if any(b < 0 for b in begin) or any(o < i for o, i in zip(y, x)):
        raise Unsupported("negative pads (cropping) are not supported")
    if g.tensors[node.inputs[0]].dtype != np.float32:
        return _lower_pad_bytes(node, g, begin)
    mode = _decode(node.attrs.get("mode"), "constant")
    if mode not in ("constant", "reflect", "edge"):
        raise Unsupported(f"pad mode '{mode}' is not supported")
    if rank > 6:
        raise Unsupported("Pad of rank > 6 is not supported")
    fill = 6 - rank
    p = Params("rvpack_pad_params_t", dict(
        rank=6, in_shape=[1] * fill + list(x), out_shape=[1] * fill + list(y), pad_begin=[0] * fill + begin,
        mode=Literal(f"RVPACK_PAD_{mode.upper()}"), value=float(value.reshape(-1)[0]) if value is not None and value.size else 0.0))
    fn = "rvpack_f32_pad__scalar"
    return LoweredLayer(node.name, node.op, fn, [KernelCall(fn, [p, TensorArg(node.inputs[0]), TensorArg(node.outputs[0])])])


# ---- data movement ----------------------------------------------------------
MAX_COPY_RANK = 8


def copy_call(g: Graph, src: str, dst: str, dims: list[int], in_strides: list[int], out_strides: list[int],
              in_offset: int = 0, out_offset: int = 0) -> KernelCall:
    dims2, (si, so) = coalesce(tuple(dims), list(in_strides), list(out_strides))
    if len(dims2) > MAX_COPY_RANK:
        raise Unsupported(f"data movement over {len(dims2)} dimensions is not supported")
    elem = np.dtype(g.tensors[src].dtype).itemsize
    p = Params("rvpack_copy_params_t", dict(rank=len(dims2), elem_size=elem, shape=dims2, in_strides=si,
                                            out_strides=so, in_offset=in_offset, out_offset=out_offset))
    return KernelCall("rvpack_copy_strided", [p, TensorArg(src), TensorArg(dst)])


def lower_copy_like(node: Node, g: Graph) -> LoweredLayer:
    """Ops whose output is the input's bytes: a view if possible, else a copy."""
    src, dst = node.inputs[0], node.outputs[0]
    n = g.tensors[dst].num_elements
    call = copy_call(g, src, dst, [n], [1], [1])
    return LoweredLayer(node.name, node.op, "rvpack_copy_strided", [call], alias_of=src)


def lower_cast(node: Node, g: Graph) -> LoweredLayer:
    if g.tensors[node.inputs[0]].dtype != g.tensors[node.outputs[0]].dtype:
        raise Unsupported("Cast between types at run time is not supported")
    return lower_copy_like(node, g)


def lower_transpose(node: Node, g: Graph) -> LoweredLayer:
    x = shape(g, node.inputs[0])
    perm = list(node.attrs.get("perm", list(reversed(range(len(x))))))
    y = [x[p] for p in perm]
    src_strides = strides_of(x)
    call = copy_call(g, node.inputs[0], node.outputs[0], y, [src_strides[p] for p in perm], strides_of(tuple(y)))
    return LoweredLayer(node.name, node.op, call.function, [call])


def lower_concat(node: Node, g: Graph) -> LoweredLayer:
    y = shape(g, node.outputs[0])
    axis = int(node.attrs["axis"]) % len(y)
    outer, inner = int(np.prod(y[:axis])), int(np.prod(y[axis + 1:]))
    calls, offset = [], 0
    for name in node.inputs:
        length = shape(g, name)[axis]
        if length == 0:
            continue
        block = length * inner
        calls.append(copy_call(g, name, node.outputs[0], [outer, block], [block, 1], [y[axis] * inner, 1], 0, offset * inner))
        offset += length
    return LoweredLayer(node.name, node.op, "rvpack_copy_strided", calls)


def lower_split(node: Node, g: Graph) -> LoweredLayer:
    x = shape(g, node.inputs[0])
    axis = int(node.attrs.get("axis", 0)) % len(x)
    outer, inner = int(np.prod(x[:axis])), int(np.prod(x[axis + 1:]))
    calls, offset = [], 0
    for name in node.outputs:
        length = shape(g, name)[axis] if name else 0
        if name and length:
            block = length * inner
            calls.append(copy_call(g, node.inputs[0], name, [outer, block], [x[axis] * inner, 1], [block, 1], offset * inner, 0))
        offset += length
    return LoweredLayer(node.name, node.op, "rvpack_copy_strided", calls)


def lower_slice(node: Node, g: Graph) -> LoweredLayer:
    x, y = shape(g, node.inputs[0]), shape(g, node.outputs[0])
    starts = const(g, node, 1, "Slice starts")
    const(g, node, 2, "Slice ends")  # must be constant; the extent comes from the output shape
    axes = const(g, node, 3, "Slice axes")
    steps = const(g, node, 4, "Slice steps")
    rank = len(x)
    axes_l = [int(a) % rank for a in (axes if axes is not None else range(len(starts)))]  # type: ignore[arg-type]
    first, step = [0] * rank, [1] * rank
    for k, a in enumerate(axes_l):
        s = int(steps[k]) if steps is not None else 1  # type: ignore[index]
        start = int(starts[k])  # type: ignore[index]
        start = start + x[a] if start < 0 else start
        start = min(max(start, 0), x[a] - 1) if s < 0 else min(max(start, 0), x[a])
        first[a], step[a] = start, s
    base = strides_of(x)
    in_offset = sum(f * b for f, b in zip(first, base))
    call = copy_call(g, node.inputs[0], node.outputs[0], list(y), [b * s for b, s in zip(base, step)],
                     strides_of(y), in_offset, 0)
    return LoweredLayer(node.name, node.op, call.function, [call])


def lower_gather(node: Node, g: Graph) -> LoweredLayer:
    x = shape(g, node.inputs[0])
    idx = const(g, node, 1, "Gather indices")
    axis = int(node.attrs.get("axis", 0)) % len(x)
    outer, inner = int(np.prod(x[:axis])), int(np.prod(x[axis + 1:]))
    flat = [int(i) % x[axis] for i in np.atleast_1d(idx).reshape(-1)]  # type: ignore[arg-type]
    calls = [copy_call(g, node.inputs[0], node.outputs[0], [outer, inner], [x[axis] * inner, 1],
                       [len(flat) * inner, 1], i * inner, k * inner) for k, i in enumerate(flat)]
    return LoweredLayer(node.name, node.op, "rvpack_copy_strided", calls)


def lower_depth_to_space(node: Node, g: Graph) -> LoweredLayer:
    n, c, h, w = shape(g, node.inputs[0])
    b = int(node.attrs["blocksize"])
    co = c // (b * b)
    mode = _decode(node.attrs.get("mode"), "DCR")
    hw = h * w
    # Output viewed as [n][co][h][i][w][j]; the input channel of (co, i, j) depends on the mode.
    if mode == "DCR":
        ch_c, ch_i, ch_j = hw, b * co * hw, co * hw
    else:
        ch_c, ch_i, ch_j = b * b * hw, b * hw, hw
    dims = [n, co, h, b, w, b]
    in_strides = [c * hw, ch_c, w, ch_i, 1, ch_j]
    call = copy_call(g, node.inputs[0], node.outputs[0], dims, in_strides, strides_of(tuple(dims)))
    return LoweredLayer(node.name, node.op, call.function, [call])


# ---- the table: op -> rule -----------------------------------------------
PORTABLE_RULES: Mapping[str, Rule] = {
    **Q8_RULES,
    **STATE_RULES,
    **{op: lower_copy_like for op in VIEW_OPS},
    "Conv": lower_conv,
    "ConvTranspose": lower_conv_transpose,
    "Gemm": lower_gemm,
    "MatMul": lower_matmul,
    **{op: lower_binary for op in _BINARY},
    **{op: lower_unary for op in UNARY_OPS},
    "BatchNormalization": lower_batchnorm,
    "MaxPool": lower_pool,
    "AveragePool": lower_pool,
    "GlobalAveragePool": lower_global_pool,
    "GlobalMaxPool": lower_global_pool,
    "ReduceMean": lower_reduce,
    "ReduceSum": lower_reduce,
    "ReduceMax": lower_reduce,
    "ReduceMin": lower_reduce,
    "Softmax": lower_softmax,
    "LogSoftmax": lower_softmax,
    "LRN": lower_lrn,
    "Resize": lower_resize,
    "Pad": lower_pad,
    "Cast": lower_cast,
    "Transpose": lower_transpose,
    "Concat": lower_concat,
    "Split": lower_split,
    "Slice": lower_slice,
    "Gather": lower_gather,
    "DepthToSpace": lower_depth_to_space,
}
