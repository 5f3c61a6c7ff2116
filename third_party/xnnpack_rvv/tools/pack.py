"""Weight packing for the f32 GEMM microkernels, in numpy (build-time packing).

Produces the same bytes as the C reference routines in
src/x32-packw/x32-packw-gemm-scalar.c (layout: include/rvpack_rvv/packw.h):
for each panel of nr output columns, nr biases then k rows of nr weights,
zero-padded past n. Values are copied bit for bit (NaN payloads, -0.0);
inputs of another dtype are converted with `astype(np.float32)` first.

    packed = pack_gemm_goi(w, bias, nr)   # w: [n][k]
    packed = pack_gemm_gio(w, bias, nr)   # w: [k][n]

`nr` must be the NR of the consuming kernel: LMUL * VLEN / 32 for an RVV
"{MR}x{LMUL}v" kernel running at VLEN bits.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


def packed_size(n: int, k: int, nr: int) -> int:
    """Bytes of packed weights (rvpack_x32_packw_gemm_size)."""
    return -(-n // nr) * nr * (k + 1) * 4


def pack_gemm_goi(w: npt.ArrayLike, bias: npt.ArrayLike | None, nr: int) -> npt.NDArray[np.float32]:
    """Packs w[n][k] (output channel major) and bias[n] (or None: zeros) for panels of nr.

    Returns a 1-D float32 array of packed_size(n, k, nr) / 4 elements."""
    wa = np.asarray(w).astype(np.float32, copy=False)
    if wa.ndim != 2:
        raise ValueError(f"w must be 2-D [n][k], got shape {wa.shape}")
    n, k = wa.shape
    if nr < 1:
        raise ValueError(f"nr must be >= 1, got {nr}")
    panels = -(-n // nr)
    out = np.zeros((panels, k + 1, nr), dtype=np.float32)
    if bias is not None:
        ba = np.asarray(bias).astype(np.float32, copy=False)
        if ba.shape != (n,):
            raise ValueError(f"bias must have shape ({n},), got {ba.shape}")
        padded_bias = np.zeros(panels * nr, dtype=np.float32)
        padded_bias[:n] = ba
        out[:, 0, :] = padded_bias.reshape(panels, nr)
    padded_w = np.zeros((panels * nr, k), dtype=np.float32)
    padded_w[:n] = wa
    out[:, 1:, :] = padded_w.reshape(panels, nr, k).transpose(0, 2, 1)
    return out.reshape(-1)


def pack_gemm_gio(w: npt.ArrayLike, bias: npt.ArrayLike | None, nr: int) -> npt.NDArray[np.float32]:
    """Packs w[k][n] (input channel major) and bias[n] (or None) for panels of nr."""
    wa = np.asarray(w)
    if wa.ndim != 2:
        raise ValueError(f"w must be 2-D [k][n], got shape {wa.shape}")
    return pack_gemm_goi(wa.T, bias, nr)
