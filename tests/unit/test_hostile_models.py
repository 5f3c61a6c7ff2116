"""Hand-made hostile models, one per hole the fuzz harness (tests/fuzz) found
or the validation layer closes: each is refused with one clear message that
names the file and the tensor/node/field, before rvpack reads or allocates
what the file asks for."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from rvpack.sdk.errors import ModelLoadError, RvpackError, ShapeError, UnsupportedModelError
from rvpack.sdk.frontend import load_model
from rvpack.sdk.frontend.limits import DEFAULT_LIMITS, Limits
from rvpack.sdk.passes.pipeline import optimize


def _conv_model(weight: TensorProto | None = None, **conv_attrs) -> onnx.ModelProto:
    """y = Conv(x[1,4,8,8], w[8,4,3,3])."""
    w = weight if weight is not None else numpy_helper.from_array(
        np.ones((8, 4, 3, 3), np.float32), "w")
    attrs = {"kernel_shape": [3, 3], **conv_attrs}
    node = helper.make_node("Conv", ["x", "w"], ["y"], name="conv0", **attrs)
    graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4, 8, 8])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 8, 6, 6])], [w])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def _save(model: onnx.ModelProto, path: Path) -> Path:
    path.write_bytes(model.SerializeToString())
    return path


def _refused(path: Path, *fragments: str, error=RvpackError, limits: Limits = DEFAULT_LIMITS) -> str:
    with pytest.raises(error) as info:
        load_model(path, limits=limits)
    text = str(info.value)
    for f in (path.name, *fragments):
        assert f in text, f"{f!r} not in: {text}"
    return text


def _external_weight(location: str, offset: int | None = None, length: int | None = None) -> TensorProto:
    t = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[8, 4, 3, 3])
    t.data_location = TensorProto.EXTERNAL
    entries = {"location": location}
    if offset is not None:
        entries["offset"] = str(offset)
    if length is not None:
        entries["length"] = str(length)
    for k, v in entries.items():
        t.external_data.add(key=k, value=v)
    return t


WEIGHT_BYTES = 8 * 4 * 3 * 3 * 4


def test_a_valid_external_weight_file_is_read(tmp_path):
    (tmp_path / "w.bin").write_bytes(np.full(WEIGHT_BYTES // 4, 0.5, np.float32).tobytes())
    graph = load_model(_save(_conv_model(_external_weight("w.bin")), tmp_path / "ok.onnx"))
    assert float(graph.tensors["w"].data.sum()) == pytest.approx(0.5 * 288)


@pytest.mark.parametrize("location,fragment", [
    ("/etc/passwd", "must be a relative path"),
    ("../outside.bin", "must be a relative path"),
    ("", "must be a relative path"),
])
def test_external_data_must_stay_in_the_models_folder(tmp_path, location, fragment):
    _refused(_save(_conv_model(_external_weight(location)), tmp_path / "m.onnx"), "initializer 'w'", fragment)


def test_external_data_symlink_out_of_the_folder(tmp_path):
    outside = tmp_path / "secret.bin"
    outside.write_bytes(bytes(WEIGHT_BYTES))
    folder = tmp_path / "model"
    folder.mkdir()
    os.symlink(outside, folder / "w.bin")
    _refused(_save(_conv_model(_external_weight("w.bin")), folder / "m.onnx"), "leads outside the model's folder")


def test_external_data_that_is_a_directory_or_device(tmp_path):
    (tmp_path / "dir.bin").mkdir()
    _refused(_save(_conv_model(_external_weight("dir.bin")), tmp_path / "d.onnx"), "is not a regular file")
    if Path("/dev/zero").exists():
        os.symlink("/dev/zero", tmp_path / "zero.bin")
        # /dev is outside the folder: refused before anything is opened
        _refused(_save(_conv_model(_external_weight("zero.bin")), tmp_path / "z.onnx"), "outside the model's folder")


def test_external_data_missing_or_out_of_range(tmp_path):
    _refused(_save(_conv_model(_external_weight("gone.bin")), tmp_path / "a.onnx"), "'gone.bin' is missing")
    (tmp_path / "w.bin").write_bytes(bytes(WEIGHT_BYTES))
    _refused(_save(_conv_model(_external_weight("w.bin", offset=WEIGHT_BYTES + 8)), tmp_path / "b.onnx"),
             "lie outside 'w.bin'")
    _refused(_save(_conv_model(_external_weight("w.bin", length=WEIGHT_BYTES * 4)), tmp_path / "c.onnx"),
             "lie outside 'w.bin'")
    _refused(_save(_conv_model(_external_weight("w.bin", offset=4)), tmp_path / "d.onnx"),
             f"{WEIGHT_BYTES - 4} bytes of external data for a tensor of {WEIGHT_BYTES} bytes")


def test_raw_data_that_does_not_match_the_dims(tmp_path):
    w = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[8, 4, 3, 3], raw_data=bytes(100))
    _refused(_save(_conv_model(w), tmp_path / "m.onnx"), "initializer 'w'", "100 bytes of data for 288 elements")


def test_unknown_element_type(tmp_path):
    w = numpy_helper.from_array(np.ones((8, 4, 3, 3), np.float32), "w")
    w.data_type = 77
    _refused(_save(_conv_model(w), tmp_path / "m.onnx"), "initializer 'w'", "unknown element type 77")


def test_a_tensor_of_2_to_the_40_elements_is_refused_before_allocation(tmp_path):
    w = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[1 << 20, 1 << 20], raw_data=b"")
    _refused(_save(_conv_model(w), tmp_path / "m.onnx"), "initializer 'w'", "1099511627776 elements",
             "--limit elements")


def test_constant_data_over_the_weights_limit(tmp_path):
    path = _save(_conv_model(), tmp_path / "m.onnx")
    _refused(path, "1152 bytes of constant data", "--limit weights", limits=Limits(weights=1000))
    load_model(path, limits=DEFAULT_LIMITS.with_overrides(["weights=1K", "weights=2K"]))


def test_limit_option_syntax():
    assert DEFAULT_LIMITS.with_overrides(["arena=3M"]).arena == 3 << 20
    with pytest.raises(RvpackError, match="--limit arenas=1"):
        DEFAULT_LIMITS.with_overrides(["arenas=1"])
    with pytest.raises(RvpackError, match="--limit fold=-1"):
        DEFAULT_LIMITS.with_overrides(["fold=-1"])


def test_a_model_without_outputs(tmp_path):
    model = _conv_model()
    del model.graph.output[:]
    _refused(_save(model, tmp_path / "m.onnx"), "no outputs", error=ModelLoadError)


def test_names_that_are_not_utf8(tmp_path):
    data = _conv_model().SerializeToString().replace(b"conv0", b"c\xffnv0")
    path = tmp_path / "m.onnx"
    path.write_bytes(data)
    _refused(path, "not valid UTF-8", error=ModelLoadError)


@pytest.mark.parametrize("attrs,fragment", [
    ({"group": 0}, "group"),
    ({"strides": [0, 1]}, "attribute strides = [0, 1] is out of range"),
    ({"kernel_shape": [2147483647, 3]}, "kernel_shape"),
    ({"pads": [1, 1, 1]}, "attribute pads has 3 values, expected 4"),
    ({"dilations": [1 << 20, 1]}, "dilations"),
])
def test_conv_attributes_out_of_range_name_the_node(tmp_path, attrs, fragment):
    text = _refused(_save(_conv_model(**attrs), tmp_path / "m.onnx"), error=(ModelLoadError, ShapeError,
                                                                              UnsupportedModelError))
    assert "conv0" in text or "Conv" in text, text
    assert fragment in text, text


def test_constant_folding_refuses_a_huge_constant_of_shape(tmp_path):
    """ConstantOfShape([65536, 65536]) would fold to 16 GiB: the fold limit
    stops it before numpy allocates."""
    shape = numpy_helper.from_array(np.array([1 << 16, 1 << 16], np.int64), "shape")
    nodes = [helper.make_node("ConstantOfShape", ["shape"], ["big"], name="fill"),
             helper.make_node("ReduceSum", ["big"], ["s"], name="sum", keepdims=0),
             helper.make_node("Add", ["x", "s"], ["y"], name="add")]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])], [shape])
    path = _save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), tmp_path / "huge.onnx")
    limits = Limits(elements=1 << 40)  # past the per-tensor check, so the fold cap is what stops it
    g = load_model(path, limits=limits)
    with pytest.raises(RvpackError) as info:
        optimize(g, limits=limits)
    text = str(info.value)
    assert "fill" in text and "--limit fold" in text, text


def test_markup_in_names_is_printed_literally(tmp_path):
    """A node named like rich markup must reach the terminal verbatim, not
    be interpreted (or crash the renderer)."""
    model = _conv_model()
    model.graph.node[0].name = "[bold red]x[/] [/oops]"
    path = _save(model, tmp_path / "markup.onnx")
    proc = subprocess.run([sys.executable, "-m", "rvpack.cli", "inspect", str(path)], capture_output=True,
                          text=True, timeout=300, env={**os.environ, "COLUMNS": "200"})
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "[bold red]x[/] [/oops]" in proc.stdout


def test_tflite_tensors_without_names_are_named_by_index(tmp_path):
    """The schema makes a tensor's name optional (found by the fuzzer: a
    missing name crashed the importer)."""
    from tests.tflite_builder import ModelSpec, Op, T, build
    import tflite

    spec = ModelSpec(tensors=[T("", np.float32, (1, 4)), T("y", np.float32, (1, 4))],
                     ops=[Op(tflite.BuiltinOperator.RELU, [0], [1])], inputs=[0], outputs=[1])
    path = tmp_path / "noname.tflite"
    path.write_bytes(build(spec))
    graph = load_model(path)
    assert [graph.tensors[n].shape for n in graph.inputs] == [(1, 4)]
    assert "tensor_0" in graph.tensors
