"""Build-time weight packing for the f32-convgemm microkernels: the same bytes
as third_party/xnnpack_rvv/src/f32-convgemm/f32-convgemm-packw.c (a kernel
test compares them), so constant weights cost nothing to pack at run time."""

from __future__ import annotations

import numpy as np


def pack_convgemm_weights(mr: int, weights: np.ndarray, bias: np.ndarray | None) -> np.ndarray:
    """weights [rows][K] (+ bias [rows]) -> ceil(rows / mr) blocks of mr rows:
    the block's biases, then per K step its mr weights; missing rows zero."""
    rows, k = weights.shape
    blocks = -(-rows // mr)
    padded = np.zeros((blocks * mr, k + 1), np.float32)
    padded[:rows, 0] = 0.0 if bias is None else bias
    padded[:rows, 1:] = weights
    # [block][row][1 + K] -> [block][1 + K][row]
    return np.ascontiguousarray(padded.reshape(blocks, mr, k + 1).transpose(0, 2, 1)).reshape(-1)


def pack_conv_weights(mr: int, weights: np.ndarray, bias: np.ndarray | None, groups: int) -> np.ndarray:
    """An [OC][C/groups][KH][KW] conv weight (+ bias [OC]), group after group."""
    oc = weights.shape[0]
    ocg = oc // groups
    w = weights.reshape(groups, ocg, -1).astype(np.float32)
    b = None if bias is None else bias.reshape(groups, ocg).astype(np.float32)
    return np.concatenate([pack_convgemm_weights(mr, w[g], None if b is None else b[g]) for g in range(groups)])


def packed_floats(mr: int, rows: int, k: int) -> int:
    """rvpack_f32_convgemm_packed_floats: floats of `rows` rows, packed."""
    return -(-rows // mr) * mr * (k + 1)
