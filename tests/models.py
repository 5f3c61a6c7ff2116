"""Small models the tests build on, written with onnx.helper."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper


def write_tiny_gemm(path: Path) -> Path:
    """y = relu(x @ W + b) with x: [2, 4], W = arange(12)/10 as [4, 3], b = [0.5, -1, 0.25]."""
    w = helper.make_tensor("W", TensorProto.FLOAT, [4, 3], np.arange(12, dtype=np.float32) / 10)
    b = helper.make_tensor("B", TensorProto.FLOAT, [3], [0.5, -1.0, 0.25])
    graph = helper.make_graph(
        [helper.make_node("Gemm", ["x", "W", "B"], ["g"]), helper.make_node("Relu", ["g"], ["y"])], "tiny",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])], [w, b])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8), path)
    return path
