"""Build-time packing of int8 conv weights into blocks of MR output channels:
the operand of the qs8-convgemm microkernels (third_party/xnnpack_rvv/include/
rvpack_rvv/qs8_convgemm.h) and of the portable register-blocked int8 conv
(runtime/src/qs8_gemm.c), which share the layout."""

from __future__ import annotations

import numpy as np


def pack_qs8_conv_weights(mr: int, weights: np.ndarray, bias: np.ndarray | None, input_zero_point: int,
                          multipliers: list[int], shifts: list[int], scales: list[float], groups: int) -> np.ndarray:
    """[OC][C/groups][KH][KW] int8 weights -> each group's blocks of MR rows
    (include/rvpack_rvv/qs8_convgemm.h): int32 bias - zx * sum(w), multiplier,
    left shift, right shift; float32 scale; [K][MR] int8 weights padded to 4
    bytes. Missing rows are zero. As int8 bytes."""
    oc = weights.shape[0]
    ocg = oc // groups
    w = weights.reshape(oc, -1).astype(np.int64)
    k = w.shape[1]
    per = (lambda v: np.broadcast_to(np.asarray(v), (oc,)))
    b = np.zeros(oc, np.int64) if bias is None else bias.astype(np.int64)
    folded = b - input_zero_point * w.sum(axis=1)
    mult, shift, scale = per(multipliers).astype(np.int64), per(shifts).astype(np.int64), per(scales)
    blocks = []
    for g in range(groups):
        for r0 in range(g * ocg, (g + 1) * ocg, mr):
            rows = min(mr, (g + 1) * ocg - r0)
            words = np.zeros((4, mr), np.int64)
            words[0, :rows] = folded[r0:r0 + rows]
            words[1, :rows] = mult[r0:r0 + rows]
            words[2, :rows] = np.maximum(shift[r0:r0 + rows], 0)
            words[3, :rows] = np.maximum(-shift[r0:r0 + rows], 0)
            if np.any(np.abs(words[0]) >= 1 << 31):
                raise ValueError(f"a bias of output channels {r0}..{r0 + rows - 1} does not fit int32 after folding "
                                 "the input zero point")
            fscale = np.zeros(mr, np.float32)
            fscale[:rows] = scale[r0:r0 + rows]
            wblock = np.zeros((k, mr), np.int8)
            wblock[:, :rows] = w[r0:r0 + rows].T
            wbytes = wblock.reshape(-1).view(np.int8)
            pad = -len(wbytes) % 4
            blocks += [words.astype("<i4").view(np.int8).reshape(-1), fscale.astype("<f4").view(np.int8),
                       wbytes, np.zeros(pad, np.int8)]
    return np.concatenate(blocks)
