"""Writes the generated C of a bundle: model.c, <name>.h, weights.S +
weights.bin, runner_data.c. Every file says it is generated, by what and from
what, so `src/` can be audited and rebuilt by one command.

The pieces: program.py (lowering, views, arena plan), weights.py, model_c.py,
header.py; this module runs them in order."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from rvpack.sdk.codegen.calls import LoweredLayer
from rvpack.sdk.codegen.header import bundle_header, runner_data
from rvpack.sdk.codegen.lower import PORTABLE, Lowering
from rvpack.sdk.codegen.model_c import Resolver, model_c
from rvpack.sdk.codegen.program import GeneratedModel, plan_program
from rvpack.sdk.codegen.weights import weights_asm, write_weights
from rvpack.sdk.ir.graph import Graph


def generate(graph: Graph, out_dir: Path, name: str, header_lines: list[str], lowering: Lowering = PORTABLE,
             isa_headers: Sequence[str] = ()) -> GeneratedModel:
    """Lowers `graph` with `lowering` (a kernel ISA's, see sdk/targets) and
    writes its sources into `out_dir` (which must exist); isa_headers are the
    kernel ISA's runtime headers model.c includes."""
    program = plan_program(graph, lowering)
    graph = program.graph
    state_init = [program.state.init] if program.state.init is not None else []
    weight_offsets, weights_bytes = write_weights(graph, program.executed + state_init, out_dir / "weights.bin")
    resolver = Resolver(graph, program.roots, program.plan, weight_offsets, program.state.offsets)
    model = GeneratedModel(name, program.layers, program.executed, program.plan, weights_bytes, program.inputs,
                           program.outputs, _layer_outputs(graph, program.layers, program.views, resolver),
                           state=program.state)
    (out_dir / "model.c").write_text(model_c(model, graph, resolver, header_lines, isa_headers))
    (out_dir / f"{name}.h").write_text(bundle_header(model, header_lines))
    (out_dir / "weights.S").write_text(weights_asm(name, header_lines, weights_bytes))
    (out_dir / "runner_data.c").write_text(runner_data(model, header_lines))
    model.files = ["model.c", f"{name}.h", "weights.S", "weights.bin", "runner_data.c"]
    return model


def _layer_outputs(graph: Graph, layers: list[LoweredLayer], alias: dict[str, str],
                   resolver: Resolver) -> dict[str, tuple[list[int], str]]:
    nodes = {n.name: n for n in graph.nodes}
    info: dict[str, tuple[list[int], str]] = {}
    for layer in layers:
        node = nodes[layer.node_name]
        if not node.outputs:  # AssignState: writes the state block
            info[layer.node_name] = ([], f"state '{node.attrs.get('state', '')}'")
            continue
        out = node.outputs[0]
        t = graph.tensors[out]
        root, element = resolver.root.get(out, (out, 0))
        if node.op == "Concat" and alias.get(layer.node_name) == out:
            where = "in place: its inputs' producers write their slices"
        elif layer.node_name in alias:
            where = f"view of '{alias[layer.node_name]}'"
        elif root in resolver.outputs:
            where = f"output {resolver.outputs[root]}"
        else:
            start = resolver.plan.offsets[root] + element * np.dtype(t.dtype).itemsize
            where = f"arena[{start}:{start + t.nbytes}]" + (f" (in '{root}')" if root != out else "")
        info[layer.node_name] = (list(t.shape or []), where)
    return info
