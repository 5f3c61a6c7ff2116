"""What a lowered layer is: a list of runtime kernel calls with static arguments."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class TensorArg:
    """A pointer to a tensor of the graph (resolved to arena/input/output/weights)."""

    name: str
    element_offset: int = 0


@dataclass(frozen=True)
class ConstArray:
    """A small static const array emitted next to the layer (index tables)."""

    ctype: str
    values: tuple


@dataclass(frozen=True)
class Literal:
    code: str


@dataclass(frozen=True)
class StateArg:
    """A pointer to a state variable in the caller's state block (streaming models)."""

    name: str


@dataclass(frozen=True)
class ScratchArg:
    """A pointer to the layer's own scratch memory (planned in the arena, live
    only while the layer runs), e.g. for an im2col panel."""


@dataclass
class Params:
    """A `static const` params struct passed by pointer. Values are ints,
    floats, lists of those, Activation, ConstArray or nested dicts."""

    ctype: str
    fields: dict[str, Any]


@dataclass
class KernelCall:
    function: str
    args: list[Any]  # TensorArg | ConstArray | Literal | Params, in the C argument order


@dataclass
class LoweredLayer:
    node_name: str
    op: str
    kernel: str  # the main kernel function, shown by inspect and recorded in the manifest
    calls: list[KernelCall]
    macs: int = 0
    params: int = 0  # number of weight elements
    # Relative error the layer's algorithm may add beyond the f32 rounding of a
    # direct sum (Winograd's transforms); the bundle's check tolerance covers the largest.
    rel_error: float = 0.0
    # Column-sparse layers: the fraction of the K steps their row blocks visit (None: dense).
    kept_fraction: float | None = None
    alias_of: str | None = None  # set for pure views: output shares the input's memory
    scratch_bytes: int = 0  # arena bytes the layer needs while it runs (ScratchArg)
    # Constants the lowering made (e.g. weights packed for a microkernel), by
    # tensor name; the calls refer to them with TensorArg like model constants.
    constants: dict[str, np.ndarray] = field(default_factory=dict)
