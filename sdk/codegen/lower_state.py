"""Lowering of the state operators (ReadState, AssignState; sdk/ir/graph.py)
and of the state block's initialisation: byte copies between the caller's
state block (StateArg) and tensors or constants."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from rvpack.sdk.codegen.calls import KernelCall, LoweredLayer, Params, StateArg, TensorArg
from rvpack.sdk.ir.graph import Graph, Node


def _copy(src: TensorArg | StateArg, dst: TensorArg | StateArg, nbytes: int) -> KernelCall:
    p = Params("rvpack_copy_params_t", dict(rank=1, elem_size=1, shape=[nbytes], in_strides=[1], out_strides=[1],
                                            in_offset=0, out_offset=0))
    return KernelCall("rvpack_copy_strided", [p, src, dst])


def lower_read_state(node: Node, g: Graph) -> LoweredLayer:
    key = node.attrs["state"]
    call = _copy(StateArg(key), TensorArg(node.outputs[0]), g.states[key].initial.nbytes)
    return LoweredLayer(node.name, node.op, call.function, [call])


def lower_assign_state(node: Node, g: Graph) -> LoweredLayer:
    key = node.attrs["state"]
    call = _copy(TensorArg(node.inputs[0]), StateArg(key), g.states[key].initial.nbytes)
    return LoweredLayer(node.name, node.op, call.function, [call])


def state_init_layer(g: Graph) -> LoweredLayer:
    """The calls of <name>_state_init: each variable's initial value (a
    constant added to the graph) copied into the state block."""
    calls = []
    for key, state in g.states.items():
        const = g.add_constant(f"{key}__initial", np.ascontiguousarray(state.initial))
        calls.append(_copy(TensorArg(const), StateArg(key), state.initial.nbytes))
    return LoweredLayer("state_init", "StateInit", "rvpack_copy_strided", calls)


STATE_RULES: dict[str, Callable[[Node, Graph], LoweredLayer]] = {
    "ReadState": lower_read_state,
    "AssignState": lower_assign_state,
}
