"""Fusion passes: BatchNorm into Conv, and activations into their producer."""

from __future__ import annotations

import numpy as np

from rvpack.sdk.ir.activation import FUSABLE_KINDS, FUSABLE_PRODUCERS, activation_of
from rvpack.sdk.ir.graph import Graph, Node


def _single_consumer(g: Graph, consumers: dict[str, list[Node]], tensor: str) -> Node | None:
    users = consumers.get(tensor, [])
    if len(users) != 1 or tensor in g.outputs:
        return None
    return users[0]


def fold_batchnorm_into_conv(graph: Graph) -> Graph:
    """Conv -> BatchNormalization (inference) becomes one Conv with rescaled
    weights and bias, when the conv's output feeds nothing else."""
    g = graph.copy()
    consumers = g.consumers()
    removed: set[str] = set()
    for conv in g.nodes:
        if conv.op != "Conv" or conv.name in removed:
            continue
        bn = _single_consumer(g, consumers, conv.outputs[0])
        weights = g.constant(conv.inputs[1])
        if bn is None or bn.op != "BatchNormalization" or weights is None or len(bn.outputs) > 1 and any(bn.outputs[1:]):
            continue
        params = [g.constant(name) for name in bn.inputs[1:5]]
        if any(p is None for p in params) or weights.dtype != np.float32:
            continue
        scale, shift, mean, var = (np.asarray(p, dtype=np.float64) for p in params)  # type: ignore[arg-type]
        factor = scale / np.sqrt(var + float(bn.attrs.get("epsilon", 1e-5)))
        bias = g.constant(conv.input(2))
        old_bias = np.zeros(weights.shape[0]) if bias is None else bias.astype(np.float64)
        new_w = (weights.astype(np.float64) * factor.reshape(-1, *([1] * (weights.ndim - 1)))).astype(np.float32)
        new_b = ((old_bias - mean) * factor + shift).astype(np.float32)
        conv.inputs = [conv.inputs[0], g.add_constant(conv.name + "_bn_w", new_w), g.add_constant(conv.name + "_bn_b", new_b)]
        conv.outputs = [bn.outputs[0]]
        removed.add(bn.name)
    g.nodes = [n for n in g.nodes if n.name not in removed]
    return g


def fuse_activations(graph: Graph) -> Graph:
    """A cheap activation (ReLU, clamp, leaky ReLU) that is the only consumer
    of a conv/matmul/elementwise result is applied by that kernel instead."""
    g = graph.copy()
    consumers = g.consumers()
    removed: set[str] = set()
    for producer in g.nodes:
        if producer.op not in FUSABLE_PRODUCERS or "_act" in producer.attrs or len(producer.outputs) != 1:
            continue
        if g.tensors[producer.outputs[0]].dtype != np.float32:
            continue
        act_node = _single_consumer(g, consumers, producer.outputs[0])
        if act_node is None or act_node.name in removed:
            continue
        act = activation_of(act_node, g)
        if act is None or act.kind not in FUSABLE_KINDS:
            continue
        producer.attrs["_act"] = act
        producer.outputs = [act_node.outputs[0]]
        removed.add(act_node.name)
        consumers = g.consumers()
    g.nodes = [n for n in g.nodes if n.name not in removed]
    return g
