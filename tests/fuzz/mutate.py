"""Structure-aware mutators of ONNX (protobuf) and TFLite (flatbuffer) models,
for the fuzz harness (tests/fuzz/harness.py). Each mutant is written into its
own directory (ONNX external data lives next to the model) and named after
the mutation, so a failure can be replayed: `rvpack inspect DIR/model.onnx`.

Seeds are small models built here (a conv net, a shape-juggling net, one with
external data; a TFLite conv net) plus the BlazeFace TFLite file the tests
already use, so mutants reach the importers, the passes and the lowering.
"""

from __future__ import annotations

import os
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

EXTREME_INTS = [0, -1, 1, 2, 2**31 - 1, -(2**31), 2**40, 3, 65535]
RAW_TEXT = ("[/x]", "x[/red]", "[bold]x", "\u00e9\u00e8", "a" * 300, "")


@dataclass
class Mutant:
    path: Path
    kind: str  # the mutation, e.g. "onnx:attr"


# ---- seeds ---------------------------------------------------------------------
def onnx_seeds(rng: np.random.Generator) -> list[onnx.ModelProto]:
    def conv_net() -> onnx.ModelProto:
        inits = [numpy_helper.from_array(rng.standard_normal((8, 3, 3, 3)).astype(np.float32), "w"),
                 numpy_helper.from_array(rng.standard_normal(8).astype(np.float32), "b"),
                 numpy_helper.from_array(np.ones(8, np.float32), "scale"),
                 numpy_helper.from_array(np.zeros(8, np.float32), "shift"),
                 numpy_helper.from_array(np.zeros(8, np.float32), "mean"),
                 numpy_helper.from_array(np.ones(8, np.float32), "var"),
                 numpy_helper.from_array(rng.standard_normal((10, 8 * 4 * 4)).astype(np.float32), "fc"),
                 numpy_helper.from_array(np.zeros(10, np.float32), "fcb")]
        nodes = [helper.make_node("Conv", ["x", "w", "b"], ["c"], pads=[1, 1, 1, 1], strides=[1, 1], group=1,
                                  kernel_shape=[3, 3], name="conv"),
                 helper.make_node("BatchNormalization", ["c", "scale", "shift", "mean", "var"], ["bn"], name="bn"),
                 helper.make_node("Relu", ["bn"], ["r"], name="relu"),
                 helper.make_node("MaxPool", ["r"], ["p"], kernel_shape=[2, 2], strides=[2, 2], name="pool"),
                 helper.make_node("Flatten", ["p"], ["f"], axis=1, name="flatten"),
                 helper.make_node("Gemm", ["f", "fc", "fcb"], ["g"], transB=1, name="gemm"),
                 helper.make_node("Softmax", ["g"], ["y"], axis=1, name="softmax")]
        graph = helper.make_graph(nodes, "conv_net", [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                                                                     [1, 3, 8, 8])],
                                  [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 10])], inits)
        return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], ir_version=8)

    def shape_net() -> onnx.ModelProto:
        inits = [numpy_helper.from_array(np.array([1, 4, 16], np.int64), "shape"),
                 numpy_helper.from_array(np.array([2, 2], np.int64), "split"),
                 numpy_helper.from_array(np.array([0, 0, 1, 0, 0, 1], np.int64), "pads"),
                 numpy_helper.from_array(np.array([1.0, 1.0, 2.0], np.float32), "scales")]
        nodes = [helper.make_node("Reshape", ["x", "shape"], ["r"], name="reshape"),
                 helper.make_node("Split", ["r", "split"], ["s0", "s1"], axis=1, name="split"),
                 helper.make_node("Concat", ["s1", "s0"], ["c"], axis=1, name="concat"),
                 helper.make_node("Pad", ["c", "pads"], ["p"], mode="constant", name="pad"),
                 helper.make_node("Transpose", ["p"], ["t"], perm=[0, 2, 1], name="transpose"),
                 helper.make_node("Resize", ["t", "", "scales"], ["y"], mode="nearest", name="resize")]
        graph = helper.make_graph(nodes, "shape_net", [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                                                                      [1, 4, 4, 4])],
                                  [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], inits)
        return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], ir_version=8)

    return [conv_net(), shape_net()]


def tflite_seeds(rng: np.random.Generator) -> list[bytes]:
    import tflite

    from tests.tflite_builder import ModelSpec, Op, T, build, options

    bo = tflite.BuiltinOperator
    w = rng.standard_normal((4, 3, 3, 2)).astype(np.float32)
    dw = rng.standard_normal((1, 3, 3, 4)).astype(np.float32)
    fc = rng.standard_normal((5, 4 * 4 * 4)).astype(np.float32)
    spec = ModelSpec(
        tensors=[T("x", np.float32, (1, 4, 4, 2)), T("w", np.float32, w.shape, w),
                 T("b", np.float32, (4,), np.zeros(4, np.float32)), T("c", np.float32, (1, 4, 4, 4)),
                 T("dw", np.float32, dw.shape, dw), T("d", np.float32, (1, 4, 4, 4)),
                 T("a", np.float32, (1, 4, 4, 4)), T("shape", np.int32, (2,), np.array([1, 64], np.int32)),
                 T("r", np.float32, (1, 64)), T("fc", np.float32, fc.shape, fc), T("f", np.float32, (1, 5)),
                 T("y", np.float32, (1, 5))],
        ops=[Op(bo.CONV_2D, [0, 1, 2], [3], options("Conv2DOptions", Padding=0, StrideW=1, StrideH=1)),
             Op(bo.DEPTHWISE_CONV_2D, [3, 4, 2], [5],
                options("DepthwiseConv2DOptions", Padding=0, StrideW=1, StrideH=1, DepthMultiplier=1)),
             Op(bo.ADD, [3, 5], [6], options("AddOptions")),
             Op(bo.RESHAPE, [6, 7], [8]),
             Op(bo.FULLY_CONNECTED, [8, 9, -1], [10], options("FullyConnectedOptions")),
             Op(bo.SOFTMAX, [10], [11], options("SoftmaxOptions", Beta=1.0))],
        inputs=[0], outputs=[11])
    return [build(spec)]


# ---- ONNX ------------------------------------------------------------------------
def _write_onnx(model: onnx.ModelProto | bytes, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "model.onnx"
    path.write_bytes(model if isinstance(model, bytes) else model.SerializeToString())
    return path


def _external(model: onnx.ModelProto, folder: Path, rng: random.Random) -> None:
    """Moves one initializer to external data, then points it somewhere hostile."""
    folder.mkdir(parents=True, exist_ok=True)
    init = rng.choice(list(model.graph.initializer))
    raw = numpy_helper.to_array(init).tobytes()
    (folder / "weights.bin").write_bytes(raw)
    (folder / "adir").mkdir(exist_ok=True)
    link = folder / "link.bin"
    if not link.exists():
        os.symlink("/etc/hostname", link)
    location, offset, length = rng.choice([
        ("weights.bin", 0, len(raw)), ("../weights.bin", 0, len(raw)), ("/etc/hostname", 0, 4),
        ("", 0, len(raw)), ("adir", 0, len(raw)), ("link.bin", 0, 4), ("/dev/zero", 0, len(raw)),
        ("weights.bin", 2**40, len(raw)), ("weights.bin", 0, 2**40), ("weights.bin", 3, len(raw)),
        ("sub/../../weights.bin", 0, len(raw)), ("missing.bin", 0, len(raw))])
    init.ClearField("raw_data")
    for field in ("float_data", "int64_data", "int32_data", "double_data"):
        init.ClearField(field)
    init.data_location = TensorProto.EXTERNAL
    del init.external_data[:]
    for key, value in (("location", location), ("offset", str(offset)), ("length", str(length))):
        entry = init.external_data.add()
        entry.key, entry.value = key, value


def onnx_mutant(seed: onnx.ModelProto, folder: Path, rng: random.Random) -> Mutant:
    model = onnx.ModelProto()
    model.CopyFrom(seed)
    g = model.graph
    kind = rng.choice(["bytes", "truncate", "attr", "dims", "dtype", "names", "outputs", "opset", "shape",
                       "external", "op_type", "input", "ints", "utf8"])
    if kind == "bytes":
        data = bytearray(model.SerializeToString())
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return Mutant(_write_onnx(bytes(data), folder), "onnx:bytes")
    if kind == "truncate":
        data = model.SerializeToString()
        return Mutant(_write_onnx(data[:rng.randrange(1, len(data))], folder), "onnx:truncate")
    if kind == "utf8":  # an invalid UTF-8 sequence inside a name
        data = model.SerializeToString()
        name = rng.choice([n.name for n in g.node] + [i.name for i in g.initializer]).encode()
        at = data.find(name)
        data = data[:at] + b"\xff\xfe" + data[at + 2:] if at >= 0 and len(name) >= 2 else data
        return Mutant(_write_onnx(data, folder), "onnx:utf8")
    node = rng.choice(list(g.node))
    if kind == "attr" and node.attribute:
        attr = rng.choice(list(node.attribute))
        if attr.type == onnx.AttributeProto.INT:
            attr.i = rng.choice(EXTREME_INTS)
        elif attr.type == onnx.AttributeProto.INTS:
            del attr.ints[:]
            attr.ints.extend(rng.choice(EXTREME_INTS) for _ in range(rng.choice([0, 1, 2, 4, 7])))
        elif attr.type == onnx.AttributeProto.FLOAT:
            attr.f = rng.choice([0.0, -1.0, float("inf"), float("nan"), 1e30])
        elif attr.type == onnx.AttributeProto.STRING:
            attr.s = rng.choice([b"", b"bogus", b"\xff"])
    elif kind == "ints":  # an INTS attribute the op may not expect, with extreme values
        node.attribute.append(helper.make_attribute(rng.choice(["pads", "kernel_shape", "strides", "dilations",
                                                                "perm", "axes", "group", "axis"]),
                                                    [rng.choice(EXTREME_INTS) for _ in range(rng.randint(0, 5))],
                                                    attr_type=onnx.AttributeProto.INTS))
    elif kind == "dims" and g.initializer:
        init = rng.choice(list(g.initializer))
        dims = list(init.dims)
        if dims and rng.random() < 0.6:
            dims[rng.randrange(len(dims))] = rng.choice(EXTREME_INTS)
        else:
            dims.append(rng.choice(EXTREME_INTS))
        del init.dims[:]
        init.dims.extend(dims)
    elif kind == "dtype" and g.initializer:
        rng.choice(list(g.initializer)).data_type = rng.randrange(0, 30)
    elif kind == "names":
        target = rng.choice(["node", "input", "output"])
        text = rng.choice(RAW_TEXT)
        if target == "node":
            node.name = text
        elif target == "input" and node.input:
            node.input[rng.randrange(len(node.input))] = text
        elif node.output:
            node.output[0] = text
    elif kind == "outputs":
        if rng.random() < 0.5:
            del g.output[:]
        else:
            g.output.append(g.output[0])
    elif kind == "opset":
        model.opset_import[0].version = rng.choice([1, 3, 5, 7, 9, 11, 12, 22, 100, -1])
    elif kind == "shape":
        dims = g.input[0].type.tensor_type.shape.dim
        if dims:
            dims[rng.randrange(len(dims))].dim_value = rng.choice([0, 2**31 - 1, 2**40, 100000])
    elif kind == "external" and g.initializer:
        _external(model, folder, rng)
    elif kind == "op_type":
        node.op_type = rng.choice(["Conv", "Gemm", "Split", "Pad", "Reshape", "Resize", "BatchNormalization",
                                   "MaxPool", "Concat", "Bogus", "Loop", ""])
    elif kind == "input" and node.input:
        node.input.append(rng.choice([node.input[0], "missing", ""]))
    return Mutant(_write_onnx(model, folder), f"onnx:{kind}")


# ---- TFLite ----------------------------------------------------------------------
def tflite_mutant(seed: bytes, folder: Path, rng: random.Random) -> Mutant:
    data = bytearray(seed)
    kind = rng.choice(["bytes", "truncate", "u32", "u32", "u32", "i32small"])
    if kind == "bytes":
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(8, len(data))] = rng.randrange(256)
    elif kind == "truncate":
        data = data[:rng.randrange(8, len(data))]
    elif kind == "u32":  # an offset, length, index or enum somewhere in the tables
        at = rng.randrange(8, len(data) - 4) & ~3
        value = rng.choice([0, 1, 0x7FFFFFFF, 0xFFFFFFFF, len(data), len(data) + 4, rng.randrange(2**32)])
        data[at:at + 4] = value.to_bytes(4, "little")
    else:  # a small signed value: indices and shapes go out of range or negative
        at = rng.randrange(8, len(data) - 4) & ~3
        data[at:at + 4] = rng.choice([-1, -2, 2**20, 255, 17]).to_bytes(4, "little", signed=True)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "model.tflite"
    path.write_bytes(bytes(data))
    return Mutant(path, f"tflite:{kind}")


def mutants(out: Path, count: int, seed: int, blazeface: Path | None = None) -> list[Mutant]:
    """`count` mutants, half ONNX and half TFLite, reproducible from `seed`."""
    rng = random.Random(seed)
    np_rng = np.random.default_rng(seed)
    onnx_models = onnx_seeds(np_rng)
    tfl_models = tflite_seeds(np_rng) + ([blazeface.read_bytes()] if blazeface and blazeface.is_file() else [])
    shutil.rmtree(out, ignore_errors=True)
    result = []
    for i in range(count):
        folder = out / f"m{i:05d}"
        if i % 2 == 0:
            result.append(onnx_mutant(rng.choice(onnx_models), folder, rng))
        else:
            result.append(tflite_mutant(rng.choice(tfl_models), folder, rng))
    return result
