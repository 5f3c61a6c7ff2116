"""The default pass pipeline: a list of pure Graph -> Graph functions."""

from __future__ import annotations

from typing import Callable

from rvpack.sdk.ir.graph import Graph
from rvpack.sdk.passes.cleanup import eliminate_dead_code, remove_pass_through
from rvpack.sdk.passes.fold_constants import fold_constants
from rvpack.sdk.passes.fuse import fold_batchnorm_into_conv, fuse_activations

Pass = Callable[[Graph], Graph]

DEFAULT_PIPELINE: list[Pass] = [
    fold_constants,
    remove_pass_through,
    eliminate_dead_code,
    fold_batchnorm_into_conv,
    fuse_activations,
    eliminate_dead_code,
]


def optimize(graph: Graph, pipeline: list[Pass] | None = None) -> Graph:
    for p in pipeline or DEFAULT_PIPELINE:
        graph = p(graph)
    return graph
