"""Graph passes the rvv kernels need: constant operands in the layout the
vector kernels read without strides."""

from __future__ import annotations

import numpy as np

from rvpack.sdk.ir.graph import Graph


def pretranspose_gemm_weights(graph: Graph) -> Graph:
    """Gemm(A, B, transB=1) with a constant B used by no other node becomes
    Gemm(A, B^T, transB=0): the RVV GEMM kernels vectorise along a row of B,
    and a fully connected layer's [N][K] weights would otherwise leave them a
    single lane per step. Free at run time: the transpose happens here."""
    g = graph.copy()
    consumers = g.consumers()
    for node in g.nodes:
        if node.op != "Gemm" or not int(node.attrs.get("transB", 0)):
            continue
        weights = g.constant(node.inputs[1])
        if weights is None or weights.ndim != 2 or len(consumers.get(node.inputs[1], [])) != 1:
            continue
        node.inputs[1] = g.add_constant(f"{node.inputs[1]}_kn", np.ascontiguousarray(weights.T))
        node.attrs["transB"] = 0
    return g
