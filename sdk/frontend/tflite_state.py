"""TFLite resource variables -> the IR's persistent state.

A streaming TFLite model keeps state in resource variables: VAR_HANDLE names
a variable (container + shared_name), READ_VARIABLE and ASSIGN_VARIABLE read
and write it, and CALL_ONCE runs an initialiser subgraph (VAR_HANDLE +
ASSIGN_VARIABLE of constants) before the first inference. rvpack turns each
variable into a StateVar of the graph (its initial value from the
initialiser), READ_VARIABLE into ReadState and ASSIGN_VARIABLE into
AssignState (sdk/ir/graph.py), so the bundle carries the state in a block
the caller keeps between runs."""

from __future__ import annotations

from typing import Any

import numpy as np
import tflite

from rvpack.sdk.ir.graph import Node, StateVar

# The TFLite importer (tflite_importer._Importer); typed loosely so that the
# two modules do not import each other.
_Importer = Any

OPERATORS = {"CALL_ONCE", "VAR_HANDLE", "READ_VARIABLE", "ASSIGN_VARIABLE"}


class StateUnsupported(Exception):
    pass


def _variable_key(imp: _Importer, op: tflite.Operator) -> str:
    o = imp.options(op, tflite.VarHandleOptions)
    container = (o.Container() or b"").decode("utf-8", "replace")
    shared = (o.SharedName() or b"").decode("utf-8", "replace")
    if not shared:
        raise StateUnsupported("a VAR_HANDLE without a shared_name")
    return f"{container}/{shared}" if container else shared


def _opname(model: tflite.Model, op: tflite.Operator) -> str:
    code = model.OperatorCodes(op.OpcodeIndex())
    return tflite.opcode2name(max(code.BuiltinCode(), code.DeprecatedBuiltinCode()))


def initial_values(imp: _Importer, subgraph_index: int) -> None:
    """Runs CALL_ONCE's initialiser symbolically: every ASSIGN_VARIABLE of a
    constant there sets the initial value of its variable."""
    model = imp.model
    if not 0 < subgraph_index < model.SubgraphsLength():
        raise StateUnsupported(f"CALL_ONCE names subgraph {subgraph_index}, the file has {model.SubgraphsLength()}")
    sg = model.Subgraphs(subgraph_index)
    handles: dict[int, str] = {}
    for i in range(sg.OperatorsLength()):
        op = sg.Operators(i)
        name = _opname(model, op)
        if name == "VAR_HANDLE":
            handles[int(op.Outputs(0))] = _variable_key(imp, op)
        elif name == "ASSIGN_VARIABLE":
            handle, value = int(op.Inputs(0)), int(op.Inputs(1))
            if handle not in handles:
                raise StateUnsupported("the initialiser assigns a variable it has no handle for")
            data, quant = imp.subgraph_constant(sg, value)
            if data is None:
                raise StateUnsupported(f"the initialiser assigns '{handles[handle]}' a value that is not a constant")
            imp.states[handles[handle]] = StateVar(handles[handle], data, quant)
        else:
            raise StateUnsupported(f"the initialiser subgraph runs {name}; only VAR_HANDLE and ASSIGN_VARIABLE "
                                   "of constants are supported")


def translate(imp: _Importer, opname: str, op: tflite.Operator, ins: list[int], outs: list[int]) -> None:
    if opname == "CALL_ONCE":
        initial_values(imp, imp.options(op, tflite.CallOnceOptions).InitSubgraphIndex())
    elif opname == "VAR_HANDLE":
        imp.handles[outs[0]] = _variable_key(imp, op)
    elif opname == "READ_VARIABLE":
        key = _handle(imp, ins[0])
        state = imp.states[key]
        dtype, shape = imp.tfl_dtype(outs[0]), imp.tfl_shape(outs[0])
        if dtype != state.initial.dtype or tuple(shape) != state.initial.shape:
            raise StateUnsupported(f"reads '{key}' as {dtype} {list(shape)}; it holds {state.initial.dtype} "
                                   f"{list(state.initial.shape)}")
        imp.emit_declared("ReadState", [], outs[0], "plain", {"state": key}, state.quant)
    elif opname == "ASSIGN_VARIABLE":
        key = _handle(imp, ins[0])
        state = imp.states[key]
        value = imp.plain(ins[1])
        t = imp.tensors[value]
        if t.dtype != state.initial.dtype or tuple(t.shape or ()) != state.initial.shape:
            raise StateUnsupported(f"assigns {t.dtype} {list(t.shape or ())} to '{key}', which holds "
                                   f"{state.initial.dtype} {list(state.initial.shape)}")
        imp.nodes.append(Node(imp.unique_node_name(f"assign_{key}"), "AssignState", [value], [], {"state": key}))


def _handle(imp: _Importer, index: int) -> str:
    if index not in imp.handles:
        raise StateUnsupported("the resource operand does not come from a VAR_HANDLE")
    key = imp.handles[index]
    if key not in imp.states:
        raise StateUnsupported(f"variable '{key}' is used before CALL_ONCE initialises it")
    return key
