"""Writes the generated C of a bundle: model.c, <name>.h, weights.S +
weights.bin, runner_data.c. Every file says it is generated, by what and from
what, so `src/` can be audited and rebuilt by one command."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from rvpack.sdk.codegen.calls import ConstArray, Literal, LoweredLayer, Params, ScratchArg, TensorArg
from rvpack.sdk.codegen.cwriter import CWriter, c_comment, c_float, c_string
from rvpack.sdk.codegen.lower import lower_graph
from rvpack.sdk.frontend.names import unique_c_identifiers
from rvpack.sdk.ir.activation import Activation
from rvpack.sdk.ir.graph import Graph, Node, Tensor
from rvpack.sdk.plan.arena import ALIGNMENT, ArenaPlan, Buffer, align_up, plan_arena

ABI_VERSION = 1
DTYPE_CODES = {np.dtype(np.float32): ("RVPACK_DTYPE_F32", "float"), np.dtype(np.int8): ("RVPACK_DTYPE_I8", "int8_t"),
               np.dtype(np.uint8): ("RVPACK_DTYPE_U8", "uint8_t"), np.dtype(np.int32): ("RVPACK_DTYPE_I32", "int32_t"),
               np.dtype(np.int64): ("RVPACK_DTYPE_I64", "int64_t")}


@dataclass
class IOTensor:
    name: str  # as in the model
    field: str  # C identifier in the inputs/outputs struct
    dtype: np.dtype
    shape: tuple[int, ...]

    @property
    def nbytes(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64)) * self.dtype.itemsize


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


def generate(graph: Graph, out_dir: Path, name: str, header_lines: list[str], kernel_isa: str = "scalar") -> GeneratedModel:
    """Lowers `graph` (with the kernels of `kernel_isa`) and writes its sources into `out_dir` (which must exist)."""
    graph = _materialize_outputs(graph)
    layers = lower_graph(graph, kernel_isa)
    alias = _choose_views(graph, layers)
    roots = _view_roots(graph, alias)
    executed = [layer for layer in layers if layer.node_name not in alias]
    plan = plan_arena(_buffers(graph, executed, roots))
    in_fields = unique_c_identifiers(graph.inputs)
    out_fields = unique_c_identifiers(graph.outputs)
    inputs = [IOTensor(n, f, np.dtype(graph.tensors[n].dtype), graph.tensors[n].shape or ()) for n, f in zip(graph.inputs, in_fields)]
    outputs = [IOTensor(n.removesuffix(_COPY_SUFFIX), f.removesuffix(_COPY_SUFFIX), np.dtype(graph.tensors[n].dtype),
                        graph.tensors[n].shape or ()) for n, f in zip(graph.outputs, out_fields)]
    weight_offsets, weights_bytes = _write_weights(graph, executed, out_dir / "weights.bin")
    resolver = _Resolver(graph, roots, plan, weight_offsets)
    model = GeneratedModel(name, layers, executed, plan, weights_bytes, inputs, outputs,
                           _layer_outputs(graph, layers, alias, resolver))
    (out_dir / "model.c").write_text(_model_c(model, graph, resolver, header_lines))
    (out_dir / f"{name}.h").write_text(_header(model, header_lines))
    (out_dir / "weights.S").write_text(_weights_asm(name, header_lines, weights_bytes))
    (out_dir / "runner_data.c").write_text(_runner_data(model, header_lines))
    model.files = ["model.c", f"{name}.h", "weights.S", "weights.bin", "runner_data.c"]
    return model


# ---- graph preparation ------------------------------------------------------
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


def _view_roots(graph: Graph, alias: dict[str, str]) -> dict[str, str]:
    """view output tensor -> the tensor whose memory it shares (chains followed)."""
    root: dict[str, str] = {}
    for node in graph.nodes:  # topological: a view's source is resolved first
        if node.name in alias:
            src = alias[node.name]
            root[node.outputs[0]] = root.get(src, src)
    return root


def _buffers(graph: Graph, executed: list[LoweredLayer], root: dict[str, str]) -> list[Buffer]:
    nodes = {n.name: n for n in graph.nodes}
    first: dict[str, int] = {}
    last: dict[str, int] = {}
    for step, layer in enumerate(executed):
        node = nodes[layer.node_name]
        for out in node.outputs:
            if out:
                first.setdefault(out, step)
                last[out] = max(last.get(out, step), step)
        for name in node.inputs:
            if name:
                r = root.get(name, name)
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


# ---- weights ----------------------------------------------------------------
def _write_weights(graph: Graph, executed: list[LoweredLayer], path: Path) -> tuple[dict[str, int], int]:
    offsets: dict[str, int] = {}
    offset = 0
    with path.open("wb") as f:
        for layer in executed:
            for call in layer.calls:
                for arg in call.args:
                    if not isinstance(arg, TensorArg) or arg.name in offsets:
                        continue
                    data = graph.tensors[arg.name].data
                    if data is None:
                        continue
                    raw = np.ascontiguousarray(data).tobytes()
                    offsets[arg.name] = offset
                    f.write(raw)
                    padding = align_up(len(raw)) - len(raw)
                    f.write(b"\0" * padding)
                    offset += len(raw) + padding
    return offsets, offset


def _layer_outputs(graph: Graph, layers: list[LoweredLayer], alias: dict[str, str],
                   resolver: "_Resolver") -> dict[str, tuple[list[int], str]]:
    nodes = {n.name: n for n in graph.nodes}
    info = {}
    for layer in layers:
        out = nodes[layer.node_name].outputs[0]
        t = graph.tensors[out]
        if layer.node_name in alias:
            where = f"view of '{alias[layer.node_name]}'"
        elif out in resolver.outputs:
            where = f"output {resolver.outputs[out]}"
        else:
            offset = resolver.plan.offsets[out]
            where = f"arena[{offset}:{offset + t.nbytes}]"
        info[layer.node_name] = (list(t.shape or []), where)
    return info


# ---- C emission -------------------------------------------------------------
class _Resolver:
    """Turns tensor names into C pointer expressions inside a layer function."""

    def __init__(self, graph: Graph, roots: dict[str, str], plan: ArenaPlan, weights: dict[str, int]) -> None:
        self.graph, self.plan, self.weights, self.root = graph, plan, weights, roots
        self.inputs = {n: k for k, n in enumerate(graph.inputs)}
        self.outputs = {n: k for k, n in enumerate(graph.outputs)}

    def pointer(self, arg: TensorArg) -> str:
        name = self.root.get(arg.name, arg.name)
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
        return f"({expr} + {arg.element_offset})" if arg.element_offset else expr


def _front_matter(w: CWriter, header_lines: list[str]) -> None:
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


def _emit_array(w: CWriter, name: str, arr: ConstArray) -> None:
    fmt = c_float if arr.ctype == "float" else str
    values = [fmt(v) for v in arr.values]
    w.line(f"static const {arr.ctype} {name}[{len(values)}] = {{")
    for i in range(0, len(values), 12):
        w.line("    " + ", ".join(values[i:i + 12]) + ",")
    w.line("};")


def _emit_layer(w: CWriter, index: int, layer: LoweredLayer, node: Node, graph: Graph, resolver: _Resolver) -> None:
    out_shape = graph.tensors[node.outputs[0]].shape if node.outputs and node.outputs[0] else None
    w.line(f"/* Layer {index}: {layer.op} '{c_comment(layer.node_name)}' -> {list(out_shape or [])} */")
    arrays: dict[int, str] = {}
    statements = []
    for c, call in enumerate(layer.calls):
        args = []
        for a, arg in enumerate(call.args):
            if isinstance(arg, Params):
                for key, v in arg.fields.items():
                    if isinstance(v, ConstArray):
                        arrays[id(v)] = f"layer{index}_{c}_{key}"
                        _emit_array(w, arrays[id(v)], v)
                pname = f"layer{index}_p{c}"
                if arg.ctype == "rvpack_activation_t":
                    w.line(f"static const rvpack_activation_t {pname} = {_value(arg.fields['act'], arrays)};")
                else:
                    with w.block(f"static const {arg.ctype} {pname} = {{", "};"):
                        for key, v in arg.fields.items():
                            w.line(f".{key} = {_value(v, arrays)},")
                args.append("&" + pname)
            elif isinstance(arg, ConstArray):
                aname = f"layer{index}_{c}_a{a}"
                _emit_array(w, aname, arg)
                args.append(aname)
            elif isinstance(arg, TensorArg):
                args.append(resolver.pointer(arg))
            elif isinstance(arg, ScratchArg):
                args.append(f"((float*)(arena + {resolver.plan.offsets[scratch_name(layer)]}))"
                            if layer.scratch_bytes else "NULL")
            else:
                args.append(_value(arg, arrays))
        statements.append(f"{call.function}({', '.join(args)});")
    with w.block(f"static void layer{index}(uint8_t* arena, const void* const* in, void* const* out) {{"):
        w.line("(void)arena;")
        w.line("(void)in;")
        w.line("(void)out;")
        for s in statements:
            w.line(s)
    w.line()


def _model_c(model: GeneratedModel, graph: Graph, resolver: _Resolver, header_lines: list[str]) -> str:
    w = CWriter()
    _front_matter(w, header_lines)
    name, upper = model.name, model.name.upper()
    w.line(f'#include "{name}.h"')
    w.line()
    w.line("#include <stddef.h>")
    w.line("#include <stdint.h>")
    w.line()
    w.line('#include "rvpack/kernels.h"')
    if any(call.function.endswith("__rvv") for layer in model.executed for call in layer.calls):
        w.line('#include "rvpack/kernels_rvv.h"')
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
    w.line("typedef void (*layer_fn)(uint8_t* arena, const void* const* in, void* const* out);")
    with w.block(f"static const layer_fn kLayers[{max(n, 1)}] = {{", "};"):
        for i in range(n):
            w.line(f"layer{i},")
        if n == 0:
            w.line("NULL,")
    w.line()
    with w.block("static rvpack_status_t run_layers(const void* const* in, void* const* out, void* arena, "
                 "size_t arena_bytes, const rvpack_layer_hook_t* hook) {"):
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
            w.line("kLayers[i]((uint8_t*)arena, in, out);")
            w.line("if (hook != NULL && hook->end != NULL) hook->end(hook->ctx, i);")
        w.line("return RVPACK_OK;")
    w.line()
    in_ptrs = ", ".join(f"inputs->{t.field}" for t in model.inputs) or "NULL"
    out_ptrs = ", ".join(f"outputs->{t.field}" for t in model.outputs)
    with w.block(f"rvpack_status_t {name}_run_hooked(const {name}_inputs_t* inputs, {name}_outputs_t* outputs, "
                 "void* arena, size_t arena_bytes, const rvpack_layer_hook_t* hook) {"):
        w.line("if (inputs == NULL || outputs == NULL) return RVPACK_ERR_NULL_ARGUMENT;")
        w.line(f"const void* in[{max(len(model.inputs), 1)}] = {{{in_ptrs}}};")
        w.line(f"void* out[{len(model.outputs)}] = {{{out_ptrs}}};")
        w.line("return run_layers(in, out, arena, arena_bytes, hook);")
    w.line()
    with w.block(f"rvpack_status_t {name}_run(const {name}_inputs_t* inputs, {name}_outputs_t* outputs, "
                 "void* arena, size_t arena_bytes) {"):
        w.line(f"return {name}_run_hooked(inputs, outputs, arena, arena_bytes, NULL);")
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


def _header(model: GeneratedModel, header_lines: list[str]) -> str:
    w = CWriter()
    _front_matter(w, header_lines)
    name, upper = model.name, model.name.upper()
    w.line(f"#ifndef {upper}_H_")
    w.line(f"#define {upper}_H_")
    w.line()
    w.line("#include <stddef.h>")
    w.line()
    w.line('#include "rvpack/rvpack.h"')
    w.line()
    w.line("#ifdef __cplusplus")
    w.line('extern "C" {')
    w.line("#endif")
    w.line()
    w.line(f"/* Bytes of scratch memory {name}_run needs; align it to RVPACK_ARENA_ALIGNMENT ({ALIGNMENT}). */")
    w.line(f"#define {upper}_ARENA_BYTES {model.plan.peak_bytes}u")
    w.line(f"#define {upper}_NUM_INPUTS {len(model.inputs)}")
    w.line(f"#define {upper}_NUM_OUTPUTS {len(model.outputs)}")
    w.line()
    for label, tensors, const in (("inputs", model.inputs, "const "), ("outputs", model.outputs, "")):
        with w.block(f"typedef struct {name}_{label} {{", f"}} {name}_{label}_t;"):
            for t in tensors:
                ctype = DTYPE_CODES[t.dtype][1]
                w.line(f"/* '{c_comment(t.name)}': {t.dtype} {list(t.shape)}, {t.nbytes} bytes */")
                w.line(f"{const}{ctype}* {t.field};")
            if not tensors:
                w.line("const void* unused;")
        w.line()
    w.line("/* Runs the model. `arena` must hold at least ARENA_BYTES bytes, aligned to")
    w.line(" * RVPACK_ARENA_ALIGNMENT; it is scratch memory, owned by the caller. */")
    w.line(f"rvpack_status_t {name}_run(const {name}_inputs_t* inputs, {name}_outputs_t* outputs, void* arena,")
    w.line(f"{' ' * (len(name) + 21)}size_t arena_bytes);")
    w.line()
    w.line("/* As above, calling hook->begin/end around every layer (profiling). */")
    w.line(f"rvpack_status_t {name}_run_hooked(const {name}_inputs_t* inputs, {name}_outputs_t* outputs, void* arena,")
    w.line(f"{' ' * (len(name) + 28)}size_t arena_bytes, const rvpack_layer_hook_t* hook);")
    w.line()
    w.line("/* Model-independent description (names, shapes, layers, entry point). */")
    w.line(f"extern const rvpack_model_desc_t {name}_model_desc;")
    w.line()
    w.line("#ifdef __cplusplus")
    w.line("}")
    w.line("#endif")
    w.line()
    w.line(f"#endif /* {upper}_H_ */")
    return w.text()


def _weights_asm(name: str, header_lines: list[str], size: int) -> str:
    lines = ["/* Auto-generated file. Do not edit!"] + [" * " + c_comment(h) for h in header_lines] + [
        f" * The model's constants ({size} bytes), embedded from weights.bin. */",
        f'  .section .rodata.{name}_weights,"a"',
        f"  .balign {ALIGNMENT}",
        f"  .global {name}_weights",
        f"  .type {name}_weights, %object",
        f"{name}_weights:",
        '  .incbin "weights.bin"',
        "  .byte 0  /* keeps the symbol valid for a model without constants */",
        f"  .size {name}_weights, . - {name}_weights",
        '  .section .note.GNU-stack,"",%progbits',
        "",
    ]
    return "\n".join(lines)


def _runner_data(model: GeneratedModel, header_lines: list[str]) -> str:
    w = CWriter()
    _front_matter(w, header_lines)
    name, upper = model.name, model.name.upper()
    w.line("/* Statically allocated buffers for the bundle's runner program (bin/). */")
    w.line(f'#include "{name}.h"')
    w.line()
    w.line("#include <stdint.h>")
    w.line()
    w.line('#include "rvpack/runner.h"')
    w.line()
    w.line(f"static uint8_t arena[{upper}_ARENA_BYTES > 0 ? {upper}_ARENA_BYTES : 1] "
           f"__attribute__((aligned(RVPACK_ARENA_ALIGNMENT)));")
    for label, tensors in (("input", model.inputs), ("output", model.outputs)):
        for k, t in enumerate(tensors):
            w.line(f"static uint8_t {label}{k}[{max(t.nbytes, 1)}] __attribute__((aligned(64)));")
        names = ", ".join(f"{label}{k}" for k in range(len(tensors))) or "NULL"
        w.line(f"static void* const {label}s[{max(len(tensors), 1)}] = {{{names}}};")
    w.line()
    w.line(f"const rvpack_runner_buffers_t rvpack_runner_buffers = {{&{name}_model_desc, arena, inputs, outputs}};")
    return w.text()
