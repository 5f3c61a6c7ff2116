"""Column-wise sparsity of conv weights, for the f32-spconvgemm microkernels.

A block of MR output channels (rows of the [OC][K] weight matrix) keeps a K
step when any of its rows has a nonzero weight there: column-wise N:M pruning
(`rvpack prune`, or the user's own training) zeroes the same steps for every
row of a tile, so the block's kernel can skip them. Any zero pattern works;
the structure only decides how much is skipped.

Build-time packing writes the same words as third_party/xnnpack_rvv/src/
f32-spconvgemm/f32-spconvgemm-packw.c (a kernel test compares them): per
block the kept count (uint32), the MR biases, then per kept step the byte
offset of its B row (int32, step * b_stride) and the MR weights.
"""

from __future__ import annotations

import numpy as np


def kept_steps(mr: int, weights: np.ndarray) -> list[np.ndarray]:
    """weights [rows][K] -> per block of mr rows, the K steps it keeps (ascending)."""
    rows = weights.shape[0]
    return [np.flatnonzero(np.any(weights[r0:r0 + mr] != 0, axis=0)) for r0 in range(0, rows, mr)]


def kept_counts(mr: int, weights: np.ndarray) -> list[int]:
    return [len(steps) for steps in kept_steps(mr, weights)]


def block_words(mr: int, kept: int) -> int:
    """rvpack_f32_spconvgemm_block_words."""
    return 1 + mr + kept * (mr + 1)


def pack_sparse_weights(mr: int, weights: np.ndarray, bias: np.ndarray | None, b_stride: int) -> np.ndarray:
    """weights [rows][K] (+ bias [rows]) -> the sparse blocks of mr rows, as
    float32 words (the count and offsets stored by their bits)."""
    rows, k = weights.shape
    if k and (k - 1) * b_stride > np.iinfo(np.int32).max:
        raise ValueError(f"B row offsets up to {(k - 1) * b_stride} bytes do not fit int32")
    blocks = []
    for r0, steps in zip(range(0, rows, mr), kept_steps(mr, weights)):
        n = min(mr, rows - r0)
        block = np.zeros(block_words(mr, len(steps)), np.float32)
        words = block.view(np.uint32)
        words[0] = len(steps)
        if bias is not None:
            block[1:1 + n] = bias[r0:r0 + n]
        entries = block[1 + mr:].reshape(len(steps), mr + 1)
        entries.view(np.int32)[:, 0] = steps * b_stride
        entries[:, 1:1 + n] = weights[r0:r0 + n, steps].T
        blocks.append(block)
    return np.concatenate(blocks) if blocks else np.zeros(0, np.float32)
