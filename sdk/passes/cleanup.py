"""Removal passes: inference no-ops and dead code."""

from __future__ import annotations

from rvpack.sdk.ir.graph import Graph

# Ops that pass their first input through unchanged at inference time.
_PASS_THROUGH = {"Identity", "Dropout"}


def remove_pass_through(graph: Graph) -> Graph:
    """Drops Identity and inference-mode Dropout, rewiring their consumers.
    A node whose output is a graph output stays (it becomes a copy)."""
    g = graph.copy()
    rename: dict[str, str] = {}
    consumers = g.consumers()
    kept = []
    for node in g.nodes:
        node.inputs = [rename.get(i, i) for i in node.inputs]
        extra_outputs_used = any(o in consumers or o in g.outputs for o in node.outputs[1:] if o)
        if node.op in _PASS_THROUGH and node.outputs[0] not in g.outputs and not extra_outputs_used:
            rename[node.outputs[0]] = node.inputs[0]
            continue
        kept.append(node)
    g.nodes = kept
    g.outputs = [rename.get(o, o) for o in g.outputs]
    return g


def eliminate_dead_code(graph: Graph) -> Graph:
    """Drops nodes and tensors that no graph output depends on."""
    g = graph.copy()
    live = set(g.outputs)
    kept = []
    for node in reversed(g.nodes):
        if any(o in live for o in node.outputs if o) or node.op == "AssignState":  # (a side effect)
            kept.append(node)
            live.update(i for i in node.inputs if i)
    g.nodes = list(reversed(kept))
    live.update(g.inputs)
    g.tensors = {k: t for k, t in g.tensors.items() if k in live or any(k in n.outputs for n in g.nodes)}
    return g
