"""Shape and stride arithmetic shared by the lowering rules (lower.py and
lower_q8.py): static shapes, broadcasting strides, loop coalescing, conv
padding, and the Unsupported exception a rule raises."""

from __future__ import annotations

import numpy as np

from rvpack.sdk.ir.graph import Graph, Node


class Unsupported(Exception):
    """A rule cannot lower this node (the message says why)."""


def shape(graph: Graph, name: str) -> tuple[int, ...]:
    s = graph.tensors[name].shape
    assert s is not None
    return s


def const(graph: Graph, node: Node, index: int, what: str) -> np.ndarray | None:
    name = node.input(index)
    if not name:
        return None
    value = graph.constant(name)
    if value is None:
        raise Unsupported(f"{what} must be a constant")
    return value


def strides_of(dims: tuple[int, ...]) -> list[int]:
    out, acc = [], 1
    for d in reversed(dims):
        out.append(acc)
        acc *= d
    return list(reversed(out))


def spatial_2d(dims: tuple[int, ...], what: str) -> tuple[int, int, int, int]:
    """(N, C, H, W) of a 3-D or 4-D NCHW tensor (1-D ops use H = 1)."""
    if len(dims) == 4:
        return dims  # type: ignore[return-value]
    if len(dims) == 3:
        return dims[0], dims[1], 1, dims[2]
    raise Unsupported(f"{what} of rank {len(dims)} is not supported (only 1-D and 2-D spatial)")


def as_2d(values: list[int], rank: int, fill: int) -> list[int]:
    return [fill] + values if rank == 1 else values


def conv_pads(node: Node, in_hw: list[int], kernel: list[int], strides: list[int], dilations: list[int],
              out_hw: list[int]) -> tuple[list[int], list[int]]:
    """(begin, end) pads per spatial axis, honouring auto_pad."""
    n = len(kernel)
    auto = _decode(node.attrs.get("auto_pad"), "NOTSET")
    if auto in ("SAME_UPPER", "SAME_LOWER"):
        begin, end = [], []
        for i in range(n):
            total = max((out_hw[i] - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - in_hw[i], 0)
            small, big = total // 2, total - total // 2
            begin.append(small if auto == "SAME_UPPER" else big)
            end.append(big if auto == "SAME_UPPER" else small)
        return begin, end
    if auto == "VALID":
        return [0] * n, [0] * n
    pads = list(node.attrs.get("pads", [0] * (2 * n)))
    return pads[:n], pads[n:]


# ---- convolution ------------------------------------------------------------


MAX_BINARY_RANK = 6


def broadcast_strides(in_shape: tuple[int, ...], out_shape: tuple[int, ...]) -> list[int]:
    padded = (1,) * (len(out_shape) - len(in_shape)) + tuple(in_shape)
    return [0 if d == 1 and o != 1 else s for d, o, s in zip(padded, out_shape, strides_of(padded))]


def coalesce(out_shape: tuple[int, ...], *strides: list[int]) -> tuple[list[int], list[list[int]]]:
    """Merges adjacent dims that every operand walks contiguously (fewer, longer loops)."""
    dims: list[int] = []
    merged: list[list[int]] = [[] for _ in strides]
    for i, d in enumerate(out_shape):
        if d == 1:
            continue
        if dims and all(m[-1] == s[i] * d for m, s in zip(merged, strides)):
            dims[-1] *= d
            for m, s in zip(merged, strides):
                m[-1] = s[i]
            continue
        dims.append(d)
        for m, s in zip(merged, strides):
            m.append(s[i])
    return dims or [1], [m or [0] for m in merged]


def _decode(value: object, default: str) -> str:
    if value is None:
        return default
    return value.decode() if isinstance(value, bytes) else str(value)
