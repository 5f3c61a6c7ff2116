"""TFLite sparse weight tensors (SparsityParameters: traversal order, block
map, DENSE / SPARSE_CSR levels with int32 / uint16 / uint8 index vectors) and
the DENSIFY operator: rvpack densifies them at import. Oracle: tflite-runtime
running DENSIFY on the same file. A conv whose sparse weights hide a
column-wise pattern builds onto the column-sparse kernels and matches
tflite-runtime; a model that fails early reports the root cause, not every
node after it.
"""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import numpy as np
import pytest
import tflite

from rvpack.sdk.compiler import build_bundle
from rvpack.sdk.errors import UnsupportedModelError
from rvpack.sdk.frontend import load_model
from rvpack.sdk.targets import get_target
from tests.e2e.harness import assert_matches, check
from tests.tflite_builder import Level, ModelSpec, Op, Sparsity, T, build, options

BO = tflite.BuiltinOperator


def encode(dense: np.ndarray, traversal: list[int], block_map: list[int], block_size: list[int],
           sparse_levels: set[int], index_type: str = "int32") -> tuple[np.ndarray, Sparsity]:
    """TFLite's sparse storage of `dense` (test-side encoder; tflite-runtime checks it)."""
    n = dense.ndim
    expanded = dense
    # Split each blocked dimension d into (blocks, block) and move the block axes to the end.
    shape_e = list(dense.shape)
    for b, d in enumerate(block_map):
        shape_e[d] //= block_size[b]
    split = []
    for d in range(n):
        split += [shape_e[d], block_size[block_map.index(d)]] if d in block_map else [shape_e[d]]
    expanded = expanded.reshape(split)
    axes, pos = [], 0
    block_axes = {}
    for d in range(n):
        axes.append(pos)
        if d in block_map:
            block_axes[block_map.index(d)] = pos + 1
            pos += 2
        else:
            pos += 1
    expanded = expanded.transpose(axes + [block_axes[b] for b in range(len(block_map))])
    tree = expanded.transpose(traversal)
    nodes: list[tuple[int, ...]] = [()]
    levels = []
    for i, size in enumerate(tree.shape):
        if i not in sparse_levels:
            levels.append(Level(False, size))
            nodes = [p + (c,) for p in nodes for c in range(size)]
            continue
        segments, indices, children = [0], [], []
        for p in nodes:
            for c in range(size):
                if np.any(tree[p + (c,)] != 0):
                    indices.append(c)
                    children.append(p + (c,))
            segments.append(len(indices))
        levels.append(Level(True, 0, segments, indices, index_type))
        nodes = children
    values = np.array([tree[p] for p in nodes], dtype=dense.dtype)
    return values, Sparsity(traversal, block_map, levels)


def densify_model(dense: np.ndarray, values: np.ndarray, sparsity: Sparsity) -> bytes:
    """x + DENSIFY(sparse constant) -> y: with x = 0, y is the densified tensor."""
    shape = dense.shape
    return build(ModelSpec(
        tensors=[T("x", np.float32, shape), T("w_sparse", np.float32, shape, values, sparsity=sparsity),
                 T("w", np.float32, shape), T("y", np.float32, shape)],
        ops=[Op(BO.DENSIFY, [1], [2]), Op(BO.ADD, [0, 2], [3], options("AddOptions"))],
        inputs=[0], outputs=[3]))


def tflite_run(path: Path, x: np.ndarray) -> np.ndarray:
    from tflite_runtime.interpreter import Interpreter

    interp = Interpreter(model_path=str(path))
    interp.allocate_tensors()
    interp.set_tensor(interp.get_input_details()[0]["index"], x)
    interp.invoke()
    return interp.get_tensor(interp.get_output_details()[0]["index"])


def sparse_array(shape: tuple[int, ...], seed: int, block: tuple[int, int] | None = None) -> np.ndarray:
    rng = np.random.default_rng(seed)
    dense = rng.standard_normal(shape).astype(np.float32)
    if block is None:
        dense[rng.random(shape) < 0.6] = 0
    else:  # zero whole blocks of `block[1]` along dimension block[0]
        d, size = block
        keep = rng.random(shape[:d] + (shape[d] // size,) + shape[d + 1:]) < 0.4
        dense *= np.repeat(keep, size, axis=d)
    return dense


# (shape, traversal, block_map, block_size, sparse levels, index type, block pattern)
ENCODINGS = [
    ((6, 10), [0, 1], [], [], {1}, "int32", None),
    ((6, 10), [1, 0], [], [], {0, 1}, "uint16", None),
    ((5, 7), [0, 1], [], [], {0}, "uint8", None),
    ((4, 16), [0, 1, 2], [1], [4], {1}, "int32", (1, 4)),  # 1x4 blocks along columns
    ((8, 3, 3, 8), [0, 1, 2, 3, 4], [3], [4], {3}, "uint8", (3, 4)),  # OHWI conv weights, blocks of 4 in channels
    ((4, 2, 2, 6), [0, 3, 1, 2], [], [], {1, 3}, "int32", None),
]


@pytest.mark.parametrize("case", range(len(ENCODINGS)))
def test_import_densifies_like_tflite_runtime(case, tmp_path):
    shape, traversal, block_map, block_size, sparse_levels, index_type, block = ENCODINGS[case]
    dense = sparse_array(shape, seed=case, block=block)
    dense[1::3] = 0  # whole zero slices along the first dimension, for a sparse outer level
    values, sparsity = encode(dense, traversal, block_map, block_size, sparse_levels, index_type)
    assert values.size < dense.size  # something is left out
    path = tmp_path / "densify.tflite"
    path.write_bytes(densify_model(dense, values, sparsity))
    np.testing.assert_array_equal(tflite_run(path, np.zeros(shape, np.float32)), dense)  # the encoding is TFLite's
    graph = load_model(path)
    constants = [t.data for t in graph.tensors.values() if t.data is not None and t.data.shape == shape]
    assert any(np.array_equal(c, dense) for c in constants)


def test_bad_sparsity_metadata_names_the_tensor(tmp_path):
    dense = sparse_array((6, 10), seed=1)
    values, sparsity = encode(dense, [0, 1], [], [], {1})
    sparsity.levels[1].segments[-1] += 3  # points past array_indices
    path = tmp_path / "bad.tflite"
    path.write_bytes(densify_model(dense, values, sparsity))
    with pytest.raises(UnsupportedModelError) as e:
        load_model(path)
    assert "sparse tensor 'w_sparse'" in str(e.value) and "array_segments" in str(e.value)


def test_one_unsupported_op_is_one_root_cause(tmp_path):
    """An unsupported operator first, then a chain of 6 ops reading it: one line, and the count of the rest."""
    tensors = [T("x", np.float32, (1, 4)), T("a", np.float32, (1, 4))]
    ops = [Op(BO.SEGMENT_SUM, [0, 0], [1])]
    for i in range(6):
        tensors.append(T(f"t{i}", np.float32, (1, 4)))
        ops.append(Op(BO.ADD, [len(tensors) - 2, 0], [len(tensors) - 1], options("AddOptions")))
    path = tmp_path / "cascade.tflite"
    path.write_bytes(build(ModelSpec(tensors, ops, [0], [len(tensors) - 1])))
    with pytest.raises(UnsupportedModelError) as e:
        load_model(path)
    assert e.value.problems == ["node 'a' (SEGMENT_SUM): operator is not supported"]
    assert "1 unsupported node(s) (and 6 more node(s) that depend on them)" in str(e.value)


def column_pruned_ohwi(rng: np.random.Generator, oc: int, k: int, ic: int, mr: int) -> np.ndarray:
    """OHWI conv weights where every block of mr output channels keeps 2 of every 4 K columns
    (K in OIHW order, as rvpack reads it)."""
    w = rng.standard_normal((oc, ic, k, k)).astype(np.float32)
    flat = w.reshape(oc, -1)
    for r0, g0 in itertools.product(range(0, oc, mr), range(0, flat.shape[1], 4)):
        drop = rng.permutation(4)[:2] + g0
        flat[r0:r0 + mr, drop[drop < flat.shape[1]]] = 0
    return np.ascontiguousarray(w.transpose(0, 2, 3, 1))


@pytest.mark.skipif(shutil.which("bazel") is None or shutil.which("qemu-riscv64-static") is None,
                    reason="bazel and qemu-user-static are needed")
def test_sparse_conv_weights_build_onto_the_sparse_kernels(tmp_path):
    rng = np.random.default_rng(5)
    w = column_pruned_ohwi(rng, 28, 1, 24, 7)  # a 1x1 conv: K = input channels
    values, sparsity = encode(w, [0, 1, 2, 3], [], [], {3})
    bias = rng.standard_normal(28).astype(np.float32)
    spec = ModelSpec(
        tensors=[T("x", np.float32, (1, 9, 11, 24)), T("w_sparse", np.float32, w.shape, values, sparsity=sparsity),
                 T("w", np.float32, w.shape), T("b", np.float32, (28,), bias), T("y", np.float32, (1, 9, 11, 28))],
        ops=[Op(BO.DENSIFY, [1], [2]),
             Op(BO.CONV_2D, [0, 2, 3], [4], options("Conv2DOptions", Padding=tflite.Padding.VALID, StrideW=1,
                                                      StrideH=1, FusedActivationFunction=1))],
        inputs=[0], outputs=[4])
    path = tmp_path / "sparse_conv.tflite"
    path.write_bytes(build(spec))
    bundle = build_bundle(path, get_target("rvv1.0"), tmp_path / "b.rvpack", force=True).bundle
    conv = next(layer for layer in bundle.manifest.layers if layer.op == "Conv")
    assert conv.sparse_kept == pytest.approx(0.5) and "spconvgemm" in conv.kernel, conv
    assert_matches(check(bundle, path, vlen=256))
