"""The onnx wheel's `light_*` models, and their randomised-weight variants.

Their weights are ConstantOfShape(0.02), so every output is a flat softmax
(or, for densenet121, a constant-weight pooling) that proves little. The variant replaces every weight with seeded random
values (He-scaled: std sqrt(2 / fan_in)) and makes the input of the final
Softmax the model output, so the comparison sees real, varied logits.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import helper, numpy_helper

LIGHT = ["squeezenet", "shufflenet", "resnet50", "densenet121", "inception_v1", "inception_v2", "vgg19",
         "bvlc_alexnet", "zfnet512"]


def stored_input(model: onnx.ModelProto) -> np.ndarray:
    """The input onnx's backend test used to produce light_*_output_0.pb: arange(n) / n."""
    inits = {i.name for i in model.graph.initializer}
    x = next(i for i in model.graph.input if i.name not in inits)
    shape = tuple(d.dim_value for d in x.type.tensor_type.shape.dim)
    n = int(np.prod(shape))
    return (np.arange(n).reshape(shape) / n).astype(np.float32)


def stored_output(path: Path) -> np.ndarray:
    tensor = onnx.TensorProto()
    tensor.ParseFromString(path.with_name(path.stem + "_output_0.pb").read_bytes())
    return numpy_helper.to_array(tensor)


def _random_weight(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    if len(shape) >= 2:
        fan_in = int(np.prod(shape[1:]))
        return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32)
    # 1-D: biases and BatchNorm scale/shift/mean/var; positive keeps variances valid.
    return rng.uniform(0.5, 1.5, size=shape).astype(np.float32)


def randomized(path: Path, seed: int = 0) -> onnx.ModelProto:
    model = onnx.load(path)
    g = model.graph
    inits = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    rng = np.random.default_rng(seed)
    new_values: dict[str, np.ndarray] = {}
    kept = []
    for node in g.node:
        if node.op_type == "ConstantOfShape" and node.input[0] in inits:
            new_values[node.output[0]] = _random_weight(rng, tuple(int(d) for d in inits[node.input[0]]))
        else:
            kept.append(node)
    for name, value in inits.items():
        if value.dtype == np.float32 and value.ndim >= 1 and name not in new_values:
            new_values[name] = _random_weight(rng, value.shape)
    used = {i for n in kept for i in n.input}
    del g.node[:]
    g.node.extend(kept)
    keep_inits = [numpy_helper.from_array(v, k) for k, v in inits.items() if k in used and k not in new_values]
    del g.initializer[:]
    g.initializer.extend(keep_inits + [numpy_helper.from_array(v, k) for k, v in new_values.items()])
    # IR >= 4 lets initializers stand without being listed as graph inputs.
    model.ir_version = max(model.ir_version, 7)
    weights = {i.name for i in g.initializer}
    real_inputs = [i for i in g.input if i.name not in weights]
    del g.input[:]
    g.input.extend(real_inputs)
    # The logits: the input of the last Softmax becomes the output (densenet121
    # has no Softmax; its output already is the pre-softmax value).
    softmaxes = [n for n in g.node if n.op_type == "Softmax"]
    if not softmaxes:
        onnx.checker.check_model(model)
        return model
    softmax = softmaxes[-1]
    logits = softmax.input[0]
    g.node.remove(softmax)
    inferred = onnx.shape_inference.infer_shapes(model)
    info = next(v for v in inferred.graph.value_info if v.name == logits)
    del g.output[:]
    g.output.append(helper.make_tensor_value_info(logits, info.type.tensor_type.elem_type,
                                                  [d.dim_value for d in info.type.tensor_type.shape.dim]))
    onnx.checker.check_model(model)
    return model


def randomized_live(path: Path, seed: int = 0) -> onnx.ModelProto:
    """randomized(), listing only the graph inputs some node reads (the light
    models list dead shape inputs of their weights, which quantization tools
    would ask calibration data for)."""
    model = randomized(path, seed)
    used = {name for n in model.graph.node for name in n.input}
    live = [vi for vi in model.graph.input if vi.name in used]
    del model.graph.input[:]
    model.graph.input.extend(live)
    return model
