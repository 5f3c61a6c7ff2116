"""Per-node validation of an imported graph (ONNX semantics, either format):
what the onnx checker and shape inference let through but the passes and
kernels rely on. Attribute lengths and ranges (kernel sizes, strides,
dilations, pads, group, axes, permutations), operand ranks and the shapes of
constant operands (conv weights and bias, BatchNorm parameters). Problems
are collected over the whole graph and reported as root causes."""

from __future__ import annotations

from collections.abc import Callable

from rvpack.sdk.errors import RootCauses
from rvpack.sdk.ir.graph import Graph, Node

MAX_KERNEL = 1 << 16  # a kernel, stride, dilation or pad larger than this is corrupt, not a model


class _Bad(Exception):
    pass


def _shape(g: Graph, name: str) -> tuple[int, ...] | None:
    return g.tensors[name].shape if name and name in g.tensors else None


def _ints(node: Node, name: str, count: int | None, low: int, default: list[int] | None = None) -> list[int]:
    value = node.attrs.get(name, default)
    if value is None:
        return []
    values = [int(v) for v in (value if isinstance(value, (list, tuple)) else [value])]
    if count is not None and len(values) != count:
        raise _Bad(f"attribute {name} has {len(values)} values, expected {count}")
    if any(v < low or v > MAX_KERNEL for v in values):
        raise _Bad(f"attribute {name} = {values} is out of range [{low}, {MAX_KERNEL}]")
    return values


def _window(node: Node, g: Graph, spatial: int) -> None:
    _ints(node, "kernel_shape", spatial, 1)
    _ints(node, "strides", spatial, 1)
    _ints(node, "dilations", spatial, 1)
    _ints(node, "pads", 2 * spatial, 0)


def _conv(node: Node, g: Graph) -> None:
    x, w = _shape(g, node.inputs[0]), _shape(g, node.input(1))
    if x is None or w is None:
        return
    if len(x) < 3 or len(w) != len(x):
        raise _Bad(f"input rank {len(x)} and weight rank {len(w)} do not fit a convolution")
    spatial = len(x) - 2
    _window(node, g, spatial)
    kernel = node.attrs.get("kernel_shape")
    if kernel is not None and list(kernel) != list(w[2:]):
        raise _Bad(f"kernel_shape {list(kernel)} differs from the weights' {list(w[2:])}")
    group = int(node.attrs.get("group", 1))
    if group < 1:
        raise _Bad(f"group {group}")
    if node.op == "Conv":  # weights [C_out][C_in / group][k...]
        if x[1] != w[1] * group or w[0] % group:
            raise _Bad(f"{x[1]} input channels, weights {list(w)} and group {group} do not fit")
        out_channels = w[0]
    else:  # ConvTranspose: weights [C_in][C_out / group][k...]
        if x[1] != w[0] or w[0] % group:
            raise _Bad(f"{x[1]} input channels, weights {list(w)} and group {group} do not fit")
        out_channels = w[1] * group
    bias = _shape(g, node.input(2))
    if bias is not None and tuple(bias) != (out_channels,):
        raise _Bad(f"bias of shape {list(bias)} for {out_channels} output channels")


def _pool(node: Node, g: Graph) -> None:
    x = _shape(g, node.inputs[0])
    if x is None:
        return
    if len(x) < 3:
        raise _Bad(f"input rank {len(x)} is too small for pooling")
    if "kernel_shape" not in node.attrs:
        raise _Bad("attribute kernel_shape is missing")
    _window(node, g, len(x) - 2)


def _batchnorm(node: Node, g: Graph) -> None:
    x = _shape(g, node.inputs[0])
    if x is None or len(x) < 2:
        return
    for name in node.inputs[1:5]:
        p = _shape(g, name)
        if p is not None and tuple(p) != (x[1],):
            raise _Bad(f"parameter '{name}' of shape {list(p)} for {x[1]} channels")


def _axis(node: Node, g: Graph) -> None:
    x = _shape(g, node.inputs[0]) if node.inputs else None
    if x is None or "axis" not in node.attrs:
        return
    axis = int(node.attrs["axis"])
    rank = len(x) + (1 if node.op == "Flatten" else 0)
    if not -rank <= axis < rank:
        raise _Bad(f"axis {axis} is out of range for rank {len(x)}")


def _transpose(node: Node, g: Graph) -> None:
    x = _shape(g, node.inputs[0])
    perm = node.attrs.get("perm")
    if x is not None and perm is not None and sorted(int(p) for p in perm) != list(range(len(x))):
        raise _Bad(f"perm {list(perm)} is not a permutation of {len(x)} axes")


def _gemm(node: Node, g: Graph) -> None:
    a, b = _shape(g, node.inputs[0]), _shape(g, node.input(1))
    if a is not None and b is not None and (len(a) != 2 or len(b) != 2):
        raise _Bad(f"operands of rank {len(a)} and {len(b)}; Gemm takes matrices")


_CHECKS: dict[str, Callable[[Node, Graph], None]] = {
    "Conv": _conv, "ConvTranspose": _conv, "MaxPool": _pool, "AveragePool": _pool, "LpPool": _pool,
    "BatchNormalization": _batchnorm, "Concat": _axis, "Softmax": _axis, "LogSoftmax": _axis, "Flatten": _axis,
    "Split": _axis, "Gather": _axis, "Transpose": _transpose, "Gemm": _gemm,
}


def validate_nodes(graph: Graph) -> None:
    problems = RootCauses()
    for node in graph.nodes:
        check = _CHECKS.get(node.op)
        if check is None:
            continue
        try:
            check(node, graph)
        except _Bad as e:
            problems.failed(node.inputs, node.outputs, f"{node.describe()}: {e}")
        except (TypeError, ValueError) as e:  # attribute values of the wrong type
            problems.failed(node.inputs, node.outputs, f"{node.describe()}: malformed attributes ({e})")
    problems.raise_if_any(graph.info.path, "invalid",
                          hint="the model is corrupt or was exported incorrectly; re-export it")
