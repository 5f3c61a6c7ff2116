"""The model's constants: weights.bin (every constant a kernel call reads,
each aligned) and weights.S, which embeds it in .rodata."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from rvpack.sdk.codegen.calls import LoweredLayer, TensorArg
from rvpack.sdk.codegen.cwriter import c_comment
from rvpack.sdk.ir.graph import Graph
from rvpack.sdk.plan.arena import ALIGNMENT, align_up


def write_weights(graph: Graph, executed: list[LoweredLayer], path: Path) -> tuple[dict[str, int], int]:
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


def weights_asm(name: str, header_lines: list[str], size: int) -> str:
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
