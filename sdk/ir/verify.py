"""Graph invariants every pass must keep; checked after the pipeline."""

from __future__ import annotations

from rvpack.sdk.errors import ShapeError
from rvpack.sdk.ir.graph import Graph


class GraphInvariantError(AssertionError):
    """A pass broke the IR (a bug in rvpack, not in the user's model)."""


def verify(graph: Graph) -> None:
    defined = set(graph.inputs) | {k for k, t in graph.tensors.items() if t.is_constant}
    produced: set[str] = set()
    for node in graph.nodes:
        for name in node.inputs:
            if name and name not in defined:
                raise GraphInvariantError(f"{node.describe()} reads '{name}' before it is defined")
        for name in node.outputs:
            if not name:
                continue
            if name in produced or name in graph.inputs:
                raise GraphInvariantError(f"{node.describe()} redefines '{name}'")
            produced.add(name)
            defined.add(name)
            if graph.tensors[name].shape is None:
                raise ShapeError(
                    f"{node.describe()}: the shape of output '{name}' is not static",
                    hint="give static input shapes with --input-shape NAME=1x3x224x224",
                )
    for name in graph.outputs:
        if name not in defined:
            raise GraphInvariantError(f"graph output '{name}' is never computed")
