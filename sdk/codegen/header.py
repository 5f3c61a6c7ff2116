"""The bundle's public header (<name>.h) and the runner program's static
buffers (runner_data.c)."""

from __future__ import annotations

from rvpack.sdk.codegen.cwriter import CWriter, c_comment
from rvpack.sdk.codegen.model_c import DTYPE_CODES, front_matter
from rvpack.sdk.codegen.program import GeneratedModel
from rvpack.sdk.plan.arena import ALIGNMENT


def bundle_header(model: GeneratedModel, header_lines: list[str]) -> str:
    w = CWriter()
    front_matter(w, header_lines)
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
    if model.state.bytes:
        w.line(f"/* Bytes of the state {name}_run keeps between calls (a streaming model); align it like the")
        w.line(f" * arena, set it up once with {name}_state_init and pass the same block to every run. */")
        w.line(f"#define {upper}_STATE_BYTES {model.state.bytes}u")
    w.line(f"#define {upper}_NUM_INPUTS {len(model.inputs)}")
    w.line(f"#define {upper}_NUM_OUTPUTS {len(model.outputs)}")
    w.line()
    for label, tensors, const in (("inputs", model.inputs, "const "), ("outputs", model.outputs, "")):
        with w.block(f"typedef struct {name}_{label} {{", f"}} {name}_{label}_t;"):
            for t in tensors:
                ctype = DTYPE_CODES[t.dtype][1]
                q = f", real = {t.quant.scale[0]:.9g} * (q - {t.quant.zero_point[0]})" if t.quant else ""
                w.line(f"/* '{c_comment(t.name)}': {t.dtype} {list(t.shape)}, {t.nbytes} bytes{q} */")
                w.line(f"{const}{ctype}* {t.field};")
            if not tensors:
                w.line("const void* unused;")
        w.line()
    state = "void* state, " if model.state.bytes else ""
    if model.state.bytes:
        w.line(f"/* Writes the initial state into `state` ({upper}_STATE_BYTES bytes): once, before the first run. */")
        w.line(f"void {name}_state_init(void* state);")
        w.line()
    w.line("/* Runs the model. `arena` must hold at least ARENA_BYTES bytes, aligned to")
    w.line(" * RVPACK_ARENA_ALIGNMENT; it is scratch memory, owned by the caller."
           + (" `state` is the block" if state else " */"))
    if state:
        w.line(f" * {name}_state_init set up; each run reads and updates it (one step of a stream). */")
    w.line(f"rvpack_status_t {name}_run(const {name}_inputs_t* inputs, {name}_outputs_t* outputs, {state}void* arena,")
    w.line(f"{' ' * (len(name) + 21)}size_t arena_bytes);")
    w.line()
    w.line("/* As above, calling hook->begin/end around every layer (profiling). */")
    w.line(f"rvpack_status_t {name}_run_hooked(const {name}_inputs_t* inputs, {name}_outputs_t* outputs, "
           f"{state}void* arena,")
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


def runner_data(model: GeneratedModel, header_lines: list[str]) -> str:
    w = CWriter()
    front_matter(w, header_lines)
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
    if model.state.bytes:
        for buffer in ("state", "state_copy"):
            w.line(f"static uint8_t {buffer}[{upper}_STATE_BYTES] __attribute__((aligned(RVPACK_ARENA_ALIGNMENT)));")
        states = "state, state_copy"
    else:
        states = "NULL, NULL"
    w.line()
    w.line(f"const rvpack_runner_buffers_t rvpack_runner_buffers = {{&{name}_model_desc, arena, inputs, outputs, "
           f"{states}}};")
    return w.text()
