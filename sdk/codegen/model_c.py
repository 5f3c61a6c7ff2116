"""model.c: the generated code of a model (one static function per layer
with its static const params, the run entry points, the model descriptor)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from rvpack.sdk.codegen.calls import ConstArray, Literal, LoweredLayer, Params, ScratchArg, StateArg, TensorArg
from rvpack.sdk.codegen.cwriter import CWriter, c_comment, c_float, c_string
from rvpack.sdk.codegen.program import GeneratedModel, scratch_name
from rvpack.sdk.ir.activation import Activation
from rvpack.sdk.ir.graph import Graph, Node
from rvpack.sdk.plan.arena import ArenaPlan

ABI_VERSION = 2
DTYPE_CODES = {np.dtype(np.float32): ("RVPACK_DTYPE_F32", "float"), np.dtype(np.int8): ("RVPACK_DTYPE_I8", "int8_t"),
               np.dtype(np.uint8): ("RVPACK_DTYPE_U8", "uint8_t"), np.dtype(np.int32): ("RVPACK_DTYPE_I32", "int32_t"),
               np.dtype(np.int64): ("RVPACK_DTYPE_I64", "int64_t")}


class Resolver:
    """Turns tensor names into C pointer expressions inside a layer function."""

    def __init__(self, graph: Graph, roots: dict[str, tuple[str, int]], plan: ArenaPlan,
                 weights: dict[str, int], states: dict[str, int] | None = None) -> None:
        self.graph, self.plan, self.weights, self.root = graph, plan, weights, roots
        self.states = states or {}  # state variable -> byte offset in the state block
        self.inputs = {n: k for k, n in enumerate(graph.inputs)}
        self.outputs = {n: k for k, n in enumerate(graph.outputs)}

    def pointer(self, arg: TensorArg) -> str:
        name, base = self.root.get(arg.name, (arg.name, 0))
        t = self.graph.tensors[name]
        ctype = DTYPE_CODES.get(np.dtype(t.dtype), ("", "uint8_t"))[1]
        if name in self.outputs:
            expr = f"(({ctype}*)out[{self.outputs[name]}])"
        elif name in self.inputs:
            expr = f"((const {ctype}*)in[{self.inputs[name]}])"
        elif name in self.weights:
            expr = f"((const {ctype}*)(WEIGHTS + {self.weights[name]}))"
        else:
            expr = f"(({ctype}*)(arena + {self.plan.offsets[name]}))"
        offset = base + arg.element_offset
        return f"({expr} + {offset})" if offset else expr

    def state_pointer(self, arg: StateArg) -> str:
        return f"((uint8_t*)state + {self.states[arg.name]})"


def front_matter(w: CWriter, header_lines: list[str]) -> None:
    w.line("/* Auto-generated file. Do not edit!")
    for line in header_lines:
        w.line(" * " + c_comment(line))
    w.line(" */")


def _value(v: Any, arrays: dict[int, str]) -> str:
    if isinstance(v, Literal):
        return v.code
    if isinstance(v, Activation):
        return f"{{RVPACK_ACT_{v.kind}, {c_float(v.a)}, {c_float(v.b)}}}"
    if isinstance(v, ConstArray):
        return arrays[id(v)]
    if isinstance(v, (bool, np.bool_)):
        return str(int(v))
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return c_float(float(v))
    if isinstance(v, (list, tuple)):
        return "{" + ", ".join(_value(x, arrays) for x in v) + "}"
    if isinstance(v, dict):  # a nested struct
        return "{" + ", ".join(f".{k} = {_value(x, arrays)}" for k, x in v.items()) + "}"
    raise TypeError(f"cannot emit {v!r} as C")


def _const_arrays(fields: dict, prefix: str = "") -> list[tuple[str, ConstArray]]:
    """The ConstArray values of a params struct, nested structs included."""
    found = []
    for key, v in fields.items():
        if isinstance(v, ConstArray):
            found.append((prefix + key, v))
        elif isinstance(v, dict):
            found += _const_arrays(v, f"{prefix}{key}_")
    return found


def _emit_array(w: CWriter, name: str, arr: ConstArray) -> None:
    fmt = c_float if arr.ctype == "float" else str
    values = [fmt(v) for v in arr.values]
    w.line(f"static const {arr.ctype} {name}[{len(values)}] = {{")
    for i in range(0, len(values), 12):
        w.line("    " + ", ".join(values[i:i + 12]) + ",")
    w.line("};")


def _calls(w: CWriter, prefix: str, layer: LoweredLayer, resolver: Resolver) -> list[str]:
    """Emits a layer's static params and arrays; returns its C call statements."""
    arrays: dict[int, str] = {}
    statements = []
    for c, call in enumerate(layer.calls):
        args = []
        for a, arg in enumerate(call.args):
            if isinstance(arg, Params):
                for key, v in _const_arrays(arg.fields):
                    arrays[id(v)] = f"{prefix}_{c}_{key}"
                    _emit_array(w, arrays[id(v)], v)
                pname = f"{prefix}_p{c}"
                if arg.ctype == "rvpack_activation_t":
                    w.line(f"static const rvpack_activation_t {pname} = {_value(arg.fields['act'], arrays)};")
                else:
                    with w.block(f"static const {arg.ctype} {pname} = {{", "};"):
                        for key, v in arg.fields.items():
                            w.line(f".{key} = {_value(v, arrays)},")
                args.append("&" + pname)
            elif isinstance(arg, ConstArray):
                aname = f"{prefix}_{c}_a{a}"
                _emit_array(w, aname, arg)
                args.append(aname)
            elif isinstance(arg, TensorArg):
                args.append(resolver.pointer(arg))
            elif isinstance(arg, StateArg):
                args.append(resolver.state_pointer(arg))
            elif isinstance(arg, ScratchArg):
                args.append(f"((float*)(arena + {resolver.plan.offsets[scratch_name(layer)]}))"
                            if layer.scratch_bytes else "NULL")
            else:
                args.append(_value(arg, arrays))
        statements.append(f"{call.function}({', '.join(args)});")
    return statements


def _emit_layer(w: CWriter, index: int, layer: LoweredLayer, node: Node, graph: Graph, resolver: Resolver) -> None:
    out_shape = graph.tensors[node.outputs[0]].shape if node.outputs and node.outputs[0] else None
    w.line(f"/* Layer {index}: {layer.op} '{c_comment(layer.node_name)}' -> {list(out_shape or [])} */")
    statements = _calls(w, f"layer{index}", layer, resolver)
    with w.block(f"static void layer{index}(uint8_t* arena, uint8_t* state, const void* const* in, "
                 "void* const* out) {"):
        for name in ("arena", "state", "in", "out"):
            w.line(f"(void){name};")
        for s in statements:
            w.line(s)
    w.line()


def model_c(model: GeneratedModel, graph: Graph, resolver: Resolver, header_lines: list[str],
            isa_headers: Sequence[str] = ()) -> str:
    """model.c: one static function per layer, the run entry points and the
    model descriptor; isa_headers are the kernel ISA's runtime headers."""
    w = CWriter()
    front_matter(w, header_lines)
    name, upper = model.name, model.name.upper()
    w.line(f'#include "{name}.h"')
    w.line()
    w.line("#include <stddef.h>")
    w.line("#include <stdint.h>")
    w.line()
    w.line('#include "rvpack/kernels.h"')
    w.line('#include "rvpack/kernels_qs8.h"')
    for h in isa_headers:
        w.line(f'#include "{h}"')
    w.line('#include "rvpack/rvpack.h"')
    w.line()
    w.line(f"#if RVPACK_ABI_VERSION != {ABI_VERSION}")
    w.line(f'#error "generated for rvpack runtime ABI {ABI_VERSION}"')
    w.line("#endif")
    w.line()
    w.line(f"/* {model.weights_bytes} bytes of constants, in weights.S (.rodata). */")
    w.line(f"extern const uint8_t {name}_weights[];")
    w.line(f"#define WEIGHTS {name}_weights")
    w.line()
    nodes = {n.name: n for n in graph.nodes}
    for i, layer in enumerate(model.executed):
        _emit_layer(w, i, layer, nodes[layer.node_name], graph, resolver)
    n = len(model.executed)
    stateful = model.state.bytes > 0
    if stateful:
        assert model.state.init is not None
        statements = _calls(w, "state_init", model.state.init, resolver)
        with w.block("static void state_init(void* state) {"):
            for st in statements:
                w.line(st)
        w.line()
        with w.block(f"void {name}_state_init(void* state) {{"):
            w.line("state_init(state);")
        w.line()
    w.line("typedef void (*layer_fn)(uint8_t* arena, uint8_t* state, const void* const* in, void* const* out);")
    with w.block(f"static const layer_fn kLayers[{max(n, 1)}] = {{", "};"):
        for i in range(n):
            w.line(f"layer{i},")
        if n == 0:
            w.line("NULL,")
    w.line()
    with w.block("static rvpack_status_t run_layers(const void* const* in, void* const* out, void* state, void* arena, "
                 "size_t arena_bytes, const rvpack_layer_hook_t* hook) {"):
        if stateful:
            w.line("if (state == NULL) return RVPACK_ERR_NULL_ARGUMENT;")
            w.line("if ((uintptr_t)state % RVPACK_ARENA_ALIGNMENT != 0) return RVPACK_ERR_ARENA_MISALIGNED;")
        w.line(f"if (arena_bytes < {upper}_ARENA_BYTES) return RVPACK_ERR_ARENA_TOO_SMALL;")
        with w.block(f"if ({upper}_ARENA_BYTES > 0) {{"):
            w.line("if (arena == NULL) return RVPACK_ERR_NULL_ARGUMENT;")
            w.line("if ((uintptr_t)arena % RVPACK_ARENA_ALIGNMENT != 0) return RVPACK_ERR_ARENA_MISALIGNED;")
        w.line("if (in == NULL || out == NULL) return RVPACK_ERR_NULL_ARGUMENT;")
        with w.block(f"for (int32_t i = 0; i < {len(model.inputs)}; ++i) {{"):
            w.line("if (in[i] == NULL) return RVPACK_ERR_NULL_ARGUMENT;")
        with w.block(f"for (int32_t i = 0; i < {len(model.outputs)}; ++i) {{"):
            w.line("if (out[i] == NULL) return RVPACK_ERR_NULL_ARGUMENT;")
        with w.block(f"for (int32_t i = 0; i < {n}; ++i) {{"):
            w.line("if (hook != NULL && hook->begin != NULL) hook->begin(hook->ctx, i);")
            w.line("kLayers[i]((uint8_t*)arena, (uint8_t*)state, in, out);")
            w.line("if (hook != NULL && hook->end != NULL) hook->end(hook->ctx, i);")
        w.line("return RVPACK_OK;")
    w.line()
    in_ptrs = ", ".join(f"inputs->{t.field}" for t in model.inputs) or "NULL"
    out_ptrs = ", ".join(f"outputs->{t.field}" for t in model.outputs)
    state_param, state_arg = ("void* state, ", "state") if stateful else ("", "NULL")
    with w.block(f"rvpack_status_t {name}_run_hooked(const {name}_inputs_t* inputs, {name}_outputs_t* outputs, "
                 f"{state_param}void* arena, size_t arena_bytes, const rvpack_layer_hook_t* hook) {{"):
        w.line("if (inputs == NULL || outputs == NULL) return RVPACK_ERR_NULL_ARGUMENT;")
        w.line(f"const void* in[{max(len(model.inputs), 1)}] = {{{in_ptrs}}};")
        w.line(f"void* out[{len(model.outputs)}] = {{{out_ptrs}}};")
        w.line(f"return run_layers(in, out, {state_arg}, arena, arena_bytes, hook);")
    w.line()
    with w.block(f"rvpack_status_t {name}_run(const {name}_inputs_t* inputs, {name}_outputs_t* outputs, "
                 f"{state_param}void* arena, size_t arena_bytes) {{"):
        w.line(f"return {name}_run_hooked(inputs, outputs, {state_arg + ', ' if stateful else ''}arena, arena_bytes, "
               "NULL);")
    w.line()
    _emit_descriptors(w, model)
    return w.text()


def _emit_descriptors(w: CWriter, model: GeneratedModel) -> None:
    name = model.name
    for label, tensors in (("inputs", model.inputs), ("outputs", model.outputs)):
        with w.block(f"static const rvpack_tensor_desc_t k{label.capitalize()}[{max(len(tensors), 1)}] = {{", "};"):
            for t in tensors:
                code = DTYPE_CODES[t.dtype][0]
                shape = "{" + ", ".join(str(d) for d in t.shape) + "}" if t.shape else "{0}"
                w.line(f"{{{c_string(t.name)}, {code}, {len(t.shape)}, {shape}, {t.nbytes}u}},")
    with w.block(f"static const rvpack_layer_desc_t kLayerDescs[{max(len(model.executed), 1)}] = {{", "};"):
        for layer in model.executed:
            w.line(f"{{{c_string(layer.node_name)}, {c_string(layer.op)}, {layer.macs}}},")
        if not model.executed:
            w.line('{"", "", 0},')
    with w.block(f"const rvpack_model_desc_t {name}_model_desc = {{", "};"):
        w.line(f".abi_version = {ABI_VERSION},")
        w.line(f".name = {c_string(name)},")
        w.line(f".num_inputs = {len(model.inputs)},")
        w.line(".inputs = kInputs,")
        w.line(f".num_outputs = {len(model.outputs)},")
        w.line(".outputs = kOutputs,")
        w.line(f".num_layers = {len(model.executed)},")
        w.line(".layers = kLayerDescs,")
        w.line(f".arena_bytes = {model.plan.peak_bytes}u,")
        w.line(".run = run_layers,")
        w.line(f".state_bytes = {model.state.bytes}u,")
        w.line(f".state_init = {'state_init' if model.state.bytes else 'NULL'},")
