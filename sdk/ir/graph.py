"""The rvpack IR: a static-shaped dataflow graph with ONNX operator semantics.

Both importers produce this IR. Operators keep ONNX's names and attributes
(the TFLite importer translates to them), so ONNX's own shape inference and
reference evaluator can serve every op. Attributes rvpack adds itself (fused
activations, chosen kernels) start with an underscore and are never passed to
ONNX.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class QuantParams:
    """An affine-quantized tensor: real = scale * (q - zero_point), one scale
    and zero point per tensor or, along `axis`, per channel."""

    scale: tuple[float, ...]  # float32 values, as the model stores them
    zero_point: tuple[int, ...]
    axis: int | None = None  # None: per tensor

    @property
    def per_channel(self) -> bool:
        return len(self.scale) > 1


@dataclass
class Tensor:
    """A value in the graph: a constant when `data` is set, else computed at run time."""

    name: str
    dtype: np.dtype
    shape: tuple[int, ...] | None  # None while unknown (only before shape inference)
    data: np.ndarray | None = None
    quant: QuantParams | None = None  # int8/uint8 (and their int32 biases) only

    @property
    def is_constant(self) -> bool:
        return self.data is not None

    @property
    def num_elements(self) -> int:
        assert self.shape is not None, f"tensor '{self.name}' has no static shape"
        return int(np.prod(self.shape, dtype=np.int64))

    @property
    def nbytes(self) -> int:
        return self.num_elements * np.dtype(self.dtype).itemsize


# Operators on a graph's persistent state (streaming models): ReadState
# (attr "state"; no inputs, one output) copies a state variable into a
# tensor, AssignState (attr "state"; one input, no outputs) writes it back.
# Run in node order; never folded; AssignState is always live.
STATE_OPS = {"ReadState", "AssignState"}


@dataclass
class StateVar:
    """A variable kept from one run of the model to the next (TFLite resource
    variables), starting from `initial` (its dtype and shape are the state's)."""

    name: str
    initial: np.ndarray
    quant: QuantParams | None = None


@dataclass
class Node:
    name: str
    op: str
    inputs: list[str]  # "" marks an omitted optional input
    outputs: list[str]
    attrs: dict[str, Any] = field(default_factory=dict)

    def input(self, i: int) -> str:
        return self.inputs[i] if i < len(self.inputs) else ""

    def onnx_attrs(self) -> dict[str, Any]:
        return {k: v for k, v in self.attrs.items() if not k.startswith("_")}

    def describe(self) -> str:
        return f"node '{self.name}' ({self.op})"


@dataclass
class ModelInfo:
    """Where the graph came from: carried into generated code and the manifest."""

    path: str
    format: str  # "onnx" or "tflite"
    sha256: str
    producer: str = ""
    opset: int | None = None


@dataclass
class Graph:
    name: str
    tensors: dict[str, Tensor]
    nodes: list[Node]
    inputs: list[str]
    outputs: list[str]
    info: ModelInfo
    states: dict[str, StateVar] = field(default_factory=dict)

    def tensor(self, name: str) -> Tensor:
        return self.tensors[name]

    def constant(self, name: str) -> np.ndarray | None:
        """The value of `name` if it is a constant, else None ("" is None too)."""
        if not name:
            return None
        t = self.tensors.get(name)
        return None if t is None else t.data

    def consumers(self) -> dict[str, list[Node]]:
        result: dict[str, list[Node]] = {}
        for n in self.nodes:
            for name in n.inputs:
                if name:
                    result.setdefault(name, []).append(n)
        return result

    def copy(self) -> "Graph":
        """A copy whose node and tensor records can be changed independently
        (constant arrays are shared: passes never mutate an array in place)."""
        return Graph(
            name=self.name,
            tensors={k: dataclasses.replace(t) for k, t in self.tensors.items()},
            nodes=[dataclasses.replace(n, inputs=list(n.inputs), outputs=list(n.outputs), attrs=dict(n.attrs))
                   for n in self.nodes],
            inputs=list(self.inputs),
            outputs=list(self.outputs),
            info=self.info,
            states=dict(self.states),
        )

    def unique_name(self, base: str) -> str:
        """A tensor/node name not used yet, derived from `base`."""
        used = set(self.tensors) | {n.name for n in self.nodes}
        if base not in used:
            return base
        i = 1
        while f"{base}_{i}" in used:
            i += 1
        return f"{base}_{i}"

    def add_constant(self, base: str, value: np.ndarray) -> str:
        name = self.unique_name(base)
        value = np.asarray(value, order="C")  # (ascontiguousarray would make 0-d arrays 1-d)
        self.tensors[name] = Tensor(name, value.dtype, tuple(value.shape), value)
        return name
