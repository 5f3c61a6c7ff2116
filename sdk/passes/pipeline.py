"""The default pass pipeline: a list of pure Graph -> Graph functions."""

from __future__ import annotations

from typing import Callable

from rvpack.sdk.ir.graph import Graph
from rvpack.sdk.passes.cleanup import eliminate_dead_code, remove_pass_through
from rvpack.sdk.passes.fold_constants import fold_constants
from rvpack.sdk.passes.fuse import fold_batchnorm_into_conv, fuse_activations
from rvpack.sdk.passes.layout import pretranspose_gemm_weights

Pass = Callable[[Graph], Graph]

DEFAULT_PIPELINE: list[Pass] = [
    fold_constants,
    remove_pass_through,
    eliminate_dead_code,
    fold_batchnorm_into_conv,
    fuse_activations,
    eliminate_dead_code,
]


# Extra passes per kernel ISA, run after the default pipeline.
ISA_PASSES: dict[str, list[Pass]] = {
    "rvv": [pretranspose_gemm_weights, eliminate_dead_code],
}


def optimize(graph: Graph, pipeline: list[Pass] | None = None, kernel_isa: str = "scalar") -> Graph:
    for p in (pipeline or DEFAULT_PIPELINE) + ISA_PASSES.get(kernel_isa, []):
        graph = p(graph)
    return graph
