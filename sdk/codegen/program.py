"""A lowered model, ready to be written as C: every layer's kernel calls,
which layers are views, where every tensor lives in the arena, the I/O."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from rvpack.sdk.codegen.calls import LoweredLayer
from rvpack.sdk.codegen.lower import Lowering, lower_graph
from rvpack.sdk.codegen.lower_state import state_init_layer
from rvpack.sdk.frontend.names import unique_c_identifiers
from rvpack.sdk.ir.graph import Graph, Node, QuantParams, Tensor
from rvpack.sdk.plan.arena import ALIGNMENT, ArenaPlan, Buffer, plan_arena


@dataclass
class IOTensor:
    name: str  # as in the model
    field: str  # C identifier in the inputs/outputs struct
    dtype: np.dtype
    shape: tuple[int, ...]
    quant: QuantParams | None = None  # int8/uint8 inputs and outputs

    @property
    def nbytes(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64)) * self.dtype.itemsize


@dataclass
class Program:
    graph: Graph  # the model, with every output written by a layer (_materialize_outputs)
    layers: list[LoweredLayer]  # every lowered node, views included
    executed: list[LoweredLayer]  # the layers that run (views removed), in order
    views: dict[str, str]  # node name -> the tensor its output is a view of (a Concat placed in place: its output)
    # tensor -> (the tensor whose memory holds it, element offset there): views
    # (offset 0) and the inputs of in-place Concats (their slice of its output)
    roots: dict[str, tuple[str, int]]
    plan: ArenaPlan
    inputs: list[IOTensor]
    outputs: list[IOTensor]
    state: "StateLayout"


@dataclass
class StateLayout:
    """The state block of a streaming model: each variable's byte offset,
    the total size, and the calls that write the initial values."""

    offsets: dict[str, int] = field(default_factory=dict)
    bytes: int = 0
    init: LoweredLayer | None = None


def plan_state(graph: Graph) -> StateLayout:
    if not graph.states:
        return StateLayout()
    offsets, offset = {}, 0
    for key, state in graph.states.items():
        offsets[key] = offset
        offset += -(-state.initial.nbytes // ALIGNMENT) * ALIGNMENT
    return StateLayout(offsets, offset, state_init_layer(graph))


@dataclass
class GeneratedModel:
    name: str
    layers: list[LoweredLayer]  # every lowered node, views included
    executed: list[LoweredLayer]  # the layers that run (views removed), in order
    plan: ArenaPlan
    weights_bytes: int
    inputs: list[IOTensor]
    outputs: list[IOTensor]
    # node name -> (output shape, where the output lives: "arena[a:b]", "output k", "view of ...")
    layer_outputs: dict[str, tuple[list[int], str]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    state: StateLayout = field(default_factory=StateLayout)


def plan_program(graph: Graph, lowering: Lowering) -> Program:
    """Lowers `graph` with `lowering`, turns pure views into aliases and plans the arena."""
    graph = _materialize_outputs(graph)
    layers = lower_graph(graph, lowering)
    for layer in layers:  # constants made by lowering become the program's own
        for name, data in layer.constants.items():
            if name in graph.tensors:
                raise ValueError(f"lowering constant '{name}' of layer '{layer.node_name}' clashes with a tensor")
            graph.tensors[name] = Tensor(name, data.dtype, data.shape, data=data)
    views = _choose_views(graph, layers)
    placed, concats = _inplace_concats(graph, views)
    views.update(concats)
    roots = _view_roots(graph, views, placed)
    executed = [layer for layer in layers if layer.node_name not in views]
    plan = plan_arena(_buffers(graph, executed, roots))
    in_fields = unique_c_identifiers(graph.inputs)
    out_fields = unique_c_identifiers(graph.outputs)
    inputs = [IOTensor(n, f, np.dtype(graph.tensors[n].dtype), graph.tensors[n].shape or (), graph.tensors[n].quant)
              for n, f in zip(graph.inputs, in_fields)]
    outputs = [IOTensor(n.removesuffix(_COPY_SUFFIX), f.removesuffix(_COPY_SUFFIX), np.dtype(graph.tensors[n].dtype),
                        graph.tensors[n].shape or (), graph.tensors[n].quant) for n, f in zip(graph.outputs, out_fields)]
    return Program(graph, layers, executed, views, roots, plan, inputs, outputs, plan_state(graph))


_COPY_SUFFIX = "__rvpack_copy"


def _materialize_outputs(graph: Graph) -> Graph:
    """Outputs must be written by a layer into the caller's buffer: an output
    that is a model input, a constant or listed twice gets an explicit copy."""
    produced = {o for n in graph.nodes for o in n.outputs}
    g = graph.copy()
    seen: set[str] = set()
    for k, name in enumerate(g.outputs):
        if name in produced and name not in seen:
            seen.add(name)
            continue
        new = g.unique_name(name + _COPY_SUFFIX)
        src = g.tensors[name]
        g.tensors[new] = Tensor(new, src.dtype, src.shape)
        g.nodes.append(Node(g.unique_name("copy_" + name), "Identity", [name], [new]))
        g.outputs[k] = new
        seen.add(new)
    return g


def _choose_views(graph: Graph, layers: list[LoweredLayer]) -> dict[str, str]:
    """node name -> source tensor, for layers that become pure views (no copy)."""
    views = {}
    nodes = {n.name: n for n in graph.nodes}
    for layer in layers:
        node = nodes[layer.node_name]
        if layer.alias_of and node.outputs[0] not in graph.outputs and not graph.tensors[layer.alias_of].is_constant:
            views[layer.node_name] = layer.alias_of
    return views


def _inplace_concats(graph: Graph, views: dict[str, str]) -> tuple[dict[str, tuple[str, int]], dict[str, str]]:
    """Concats whose producers can write straight into their slices of the
    output: a Concat whose slices are contiguous (nothing outside the axis
    but size-1 dims before it: NCHW channels at batch 1), not a graph output,
    each input a distinct tensor written by a layer that runs (not a view,
    input or constant) and read by this Concat only. Returns (input tensor ->
    (Concat output, element offset), Concat node name -> its output)."""
    producers = {out: node for node in graph.nodes for out in node.outputs if out}
    consumers = graph.consumers()
    placed: dict[str, tuple[str, int]] = {}
    concats: dict[str, str] = {}
    for node in graph.nodes:
        y = node.outputs[0] if node.op == "Concat" else ""
        shape = graph.tensors[y].shape if y else None
        if shape is None or y in graph.outputs:
            continue
        axis = int(node.attrs["axis"]) % len(shape)
        if int(np.prod(shape[:axis])) != 1 or len(set(node.inputs)) != len(node.inputs):
            continue
        inner = int(np.prod(shape[axis + 1:]))
        slices, offset = {}, 0
        for name in node.inputs:
            producer = producers.get(name)
            t = graph.tensors[name]
            if (producer is None or producer.name in views or name in graph.outputs or name in placed
                    or t.is_constant or t.shape is None or len(consumers.get(name, [])) != 1):
                break
            slices[name] = (y, offset * inner)
            offset += t.shape[axis]
        else:
            placed.update(slices)
            concats[node.name] = y
    return placed, concats


def _view_roots(graph: Graph, alias: dict[str, str], placed: dict[str, tuple[str, int]]
                ) -> dict[str, tuple[str, int]]:
    """tensor -> (the tensor whose memory holds it, element offset): the
    in-place Concat slices, then the views (chains followed)."""
    root = dict(placed)
    for node in graph.nodes:  # topological: a view's source is resolved first
        if node.name in alias and node.op != "Concat":
            src = alias[node.name]
            root[node.outputs[0]] = root.get(src, (src, 0))
    return root


def _buffers(graph: Graph, executed: list[LoweredLayer], root: dict[str, tuple[str, int]]) -> list[Buffer]:
    nodes = {n.name: n for n in graph.nodes}
    first: dict[str, int] = {}
    last: dict[str, int] = {}
    for step, layer in enumerate(executed):
        node = nodes[layer.node_name]
        for out in node.outputs:
            if out:
                r = root.get(out, (out, 0))[0]
                first.setdefault(r, step)
                last[r] = max(last.get(r, step), step)
        for name in node.inputs:
            if name:
                r = root.get(name, (name, 0))[0]
                last[r] = max(last.get(r, step), step)
    external = set(graph.inputs) | set(graph.outputs)
    buffers = [Buffer(name, graph.tensors[name].nbytes, first[name], last[name])
               for name in first if name not in external and not graph.tensors[name].is_constant]
    buffers += [Buffer(scratch_name(layer), layer.scratch_bytes, step, step)
                for step, layer in enumerate(executed) if layer.scratch_bytes]
    return buffers


def scratch_name(layer: LoweredLayer) -> str:
    """The planner's name for a layer's scratch buffer (never a tensor name)."""
    return f"{layer.node_name}\0scratch"
