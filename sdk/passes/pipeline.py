"""The default pass pipeline: a list of pure Graph -> Graph functions."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rvpack.sdk.frontend.limits import DEFAULT_LIMITS, Limits
from rvpack.sdk.ir.graph import Graph
from rvpack.sdk.passes.cleanup import eliminate_dead_code, remove_pass_through
from rvpack.sdk.passes.fold_constants import fold_constants
from rvpack.sdk.passes.fuse import fold_batchnorm_into_conv, fuse_activations
from rvpack.sdk.passes.qdq import lower_qdq

Pass = Callable[[Graph], Graph]

DEFAULT_PIPELINE: list[Pass] = [
    lower_qdq,  # before folding, which would turn DQ'd int8 weights into float ones
    fold_constants,
    remove_pass_through,
    eliminate_dead_code,
    fold_batchnorm_into_conv,
    fuse_activations,
    eliminate_dead_code,
]


def optimize(graph: Graph, pipeline: Sequence[Pass] | None = None, extra: Sequence[Pass] = (),
             limits: Limits = DEFAULT_LIMITS) -> Graph:
    """Runs the pipeline (default: DEFAULT_PIPELINE), then `extra` (the
    passes a kernel ISA needs, KernelIsa.passes); constant folding within
    limits.fold bytes per node."""
    for p in [*(DEFAULT_PIPELINE if pipeline is None else pipeline), *extra]:
        graph = fold_constants(graph, limits.fold) if p is fold_constants else p(graph)
    return graph
