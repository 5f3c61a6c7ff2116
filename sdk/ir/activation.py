"""Elementwise activations: the ONNX unary ops the runtime applies in place of
a separate layer (fused into the producer) or as a standalone unary layer."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rvpack.sdk.ir.graph import Graph, Node


@dataclass(frozen=True)
class Activation:
    kind: str  # suffix of RVPACK_ACT_* in kernels.h
    a: float = 0.0
    b: float = 0.0


NONE = Activation("NONE")

# ONNX op -> activation kind, for ops without parameters.
_SIMPLE = {
    "Relu": "RELU", "Sigmoid": "SIGMOID", "Tanh": "TANH", "HardSwish": "HARD_SWISH", "Exp": "EXP",
    "Log": "LOG", "Sqrt": "SQRT", "Neg": "NEG", "Abs": "ABS", "Reciprocal": "RECIPROCAL",
    "Softplus": "SOFTPLUS", "Erf": "ERF", "Floor": "FLOOR", "Ceil": "CEIL",
}

UNARY_OPS = set(_SIMPLE) | {"Clip", "LeakyRelu", "HardSigmoid", "Elu"}

# Producers whose kernels apply an activation to their result.
FUSABLE_PRODUCERS = {"Conv", "ConvTranspose", "Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "Sum",
                     "BatchNormalization"}

# Only cheap, piecewise-linear activations are fused into producers: they cost
# nothing extra in the kernel epilogue and keep kernels small.
FUSABLE_KINDS = {"RELU", "CLAMP", "LEAKY_RELU"}


def activation_of(node: Node, graph: Graph) -> Activation | None:
    """The activation an ONNX unary node computes, or None if it is not one
    (or has non-constant parameters)."""
    if node.op in _SIMPLE:
        return Activation(_SIMPLE[node.op])
    if node.op == "LeakyRelu":
        return Activation("LEAKY_RELU", float(node.attrs.get("alpha", 0.01)))
    if node.op == "Elu":
        return Activation("ELU", float(node.attrs.get("alpha", 1.0)))
    if node.op == "HardSigmoid":
        return Activation("HARD_SIGMOID", float(node.attrs.get("alpha", 0.2)), float(node.attrs.get("beta", 0.5)))
    if node.op == "Clip":
        lo, hi = -np.inf, np.inf
        for i, default in ((1, -np.inf), (2, np.inf)):
            name = node.input(i)
            if name:
                value = graph.constant(name)
                if value is None:
                    return None
                if value.size != 1:
                    return None
                if i == 1:
                    lo = float(value.reshape(-1)[0])
                else:
                    hi = float(value.reshape(-1)[0])
        if lo == 0.0 and hi == np.inf:
            return Activation("RELU")
        return Activation("CLAMP", lo, hi)
    return None
