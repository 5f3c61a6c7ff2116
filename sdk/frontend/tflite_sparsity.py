"""TFLite sparse tensors (the schema's SparsityParameters), densified at
import time: what the DENSIFY operator computes at run time.

A tensor of rank n with k block dimensions (block_map[b] is the original
dimension block b splits) is stored as a tree over n + k "expanded"
dimensions: dimension d < n counts blocks of its original dimension if it is
blocked (else its elements), dimension n + b the elements inside block b.
traversal_order lists the expanded dimensions from the root level down, and
dim_metadata[i] describes level i: DENSE (dense_size children for every node
of the level above) or SPARSE_CSR (node p of the level above has the children
array_indices[array_segments[p] : array_segments[p + 1]]). The values are the
leaves in tree order.
"""

from __future__ import annotations

import numpy as np
import tflite

DENSE = tflite.DimensionType.DENSE
SPARSE_CSR = tflite.DimensionType.SPARSE_CSR
_INDEX_VECTORS = {tflite.SparseIndexVector.Int32Vector: tflite.Int32Vector,
                  tflite.SparseIndexVector.Uint16Vector: tflite.Uint16Vector,
                  tflite.SparseIndexVector.Uint8Vector: tflite.Uint8Vector}


class SparsityError(ValueError):
    """Sparsity parameters that do not describe the tensor."""


def _index_vector(table, kind: int, what: str) -> np.ndarray:
    cls = _INDEX_VECTORS.get(kind)
    if table is None or cls is None:
        raise SparsityError(f"SPARSE_CSR level without {what}")
    vector = cls()
    vector.Init(table.Bytes, table.Pos)
    return vector.ValuesAsNumpy().astype(np.int64) if vector.ValuesLength() else np.zeros(0, np.int64)


def densify(values: np.ndarray, shape: tuple[int, ...], sparsity: tflite.SparsityParameters) -> np.ndarray:
    """The dense tensor of `shape` that the sparse `values` (1-D) and `sparsity` describe."""
    n = len(shape)
    block_map = [int(d) for d in sparsity.BlockMapAsNumpy()] if sparsity.BlockMapLength() else []
    k = len(block_map)
    traversal = ([int(d) for d in sparsity.TraversalOrderAsNumpy()] if sparsity.TraversalOrderLength()
                 else list(range(n + k)))
    if sorted(traversal) != list(range(n + k)) or sparsity.DimMetadataLength() != n + k:
        raise SparsityError(f"traversal order {traversal} and {sparsity.DimMetadataLength()} dimension metadata "
                            f"do not fit a rank-{n} tensor with {k} block dimension(s)")
    if any(not 0 <= d < n for d in block_map) or len(set(block_map)) != k:
        raise SparsityError(f"block map {block_map} does not name distinct dimensions of a rank-{n} tensor")
    levels = [sparsity.DimMetadata(i) for i in range(n + k)]
    block_size = []
    for b in range(k):
        level = levels[traversal.index(n + b)]
        if level.Format() != DENSE or level.DenseSize() <= 0 or shape[block_map[b]] % level.DenseSize():
            raise SparsityError(f"block dimension {b} must be dense and divide dimension {block_map[b]}")
        block_size.append(level.DenseSize())

    positions = np.zeros(1, np.int64)  # tree position of each node of the current level
    coords = np.zeros((1, 0), np.int64)  # expanded coordinates so far, in traversal order
    for i, level in enumerate(levels):
        if level.Format() == DENSE:
            size = level.DenseSize()
            children = np.arange(size, dtype=np.int64)
            positions = (positions[:, None] * size + children[None, :]).reshape(-1)
            coords = np.concatenate([np.repeat(coords, size, axis=0), np.tile(children, len(coords))[:, None]], axis=1)
        elif level.Format() == SPARSE_CSR:
            segments = _index_vector(level.ArraySegments(), level.ArraySegmentsType(), "array_segments")
            indices = _index_vector(level.ArrayIndices(), level.ArrayIndicesType(), "array_indices")
            if len(segments) < positions.max(initial=-1) + 2 or np.any(np.diff(segments) < 0) or \
                    segments[-1] > len(indices):
                raise SparsityError(f"level {i}: array_segments do not index array_indices")
            starts, ends = segments[positions], segments[positions + 1]
            counts = ends - starts
            parent = np.repeat(np.arange(len(positions)), counts)
            positions = np.concatenate([np.arange(s, e) for s, e in zip(starts, ends)]) if len(positions) else positions
            positions = positions.astype(np.int64)
            coords = np.concatenate([coords[parent], indices[positions][:, None]], axis=1)
        else:
            raise SparsityError(f"level {i}: unknown format {level.Format()}")
    if len(positions) != values.size or (len(positions) and positions.max() >= values.size):
        raise SparsityError(f"{values.size} values for {len(positions)} stored elements")

    expanded = np.zeros((len(positions), n + k), np.int64)
    expanded[:, traversal] = coords
    original = expanded[:, :n].copy()
    for b, d in enumerate(block_map):
        original[:, d] = expanded[:, d] * block_size[b] + expanded[:, n + b]
    if len(original) and (np.any(original < 0) or np.any(original >= np.array(shape))):
        raise SparsityError("an index lies outside the tensor")
    out = np.zeros(shape, values.dtype)
    out[tuple(original.T)] = values.reshape(-1)[positions]
    return out
