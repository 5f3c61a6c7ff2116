"""Winograd F(MxM, 3x3) for 3x3 stride-1 convolutions: the transform
matrices (modified Toom-Cook over the points 0, +-1, +-2, +-1/2 and
infinity, exact rationals) and the build-time weight transform W' = G g G^T,
packed per point for the f32-convgemm microkernels.

The input and output transforms run at run time (third_party/xnnpack_rvv/
src/f32-winograd, whose template builds B^T and A^T from the same points;
a test checks that both agree). Only G has coefficients that f32 cannot hold
exactly (1/N with N the products of point differences), so the transformed
weights carry the rounding, and larger tiles amplify it through A^T's
growing coefficients.

The stated tolerance of F(m,3) (RELATIVE_TOLERANCE) is u * amplification(m)^2
with u = 2^-24, f32's unit roundoff: to first order each term of the 2-D
Winograd form is rounded about once, so the error is about u times the sum of
the terms' magnitudes, which amplification^2 bounds for |g|, |d| <= 1 (a
direct 3x3 sum's would be 9). It comes to 3.8e-6 (F(2,3)), 1.4e-4 (F(4,3)) and
2.7e-4 (F(6,3)). Measured against onnxruntime with weights and inputs
uniform in [-1, 1] over the edge shapes of tests/kernels/test_winograd.py,
the maximum error relative to max |output| was 4.6e-7, 2.1e-6 and 3.7e-6 at
VLEN 128, 256 and 512: the bound leaves room for unlucky cancellation.
"""

from __future__ import annotations

import functools
from fractions import Fraction

import numpy as np

from rvpack.sdk.targets.rvv.packing import pack_convgemm_weights

POINTS: dict[int, list[Fraction]] = {
    2: [Fraction(p) for p in (0, 1, -1)],
    4: [Fraction(p) for p in (0, 1, -1, 2, -2)],
    6: [Fraction(p) for p in (0, 1, -1, 2, -2)] + [Fraction(1, 2), Fraction(-1, 2)],
}
TILES = tuple(sorted(POINTS))


def _poly(roots: list[Fraction]) -> list[Fraction]:
    """Coefficients (ascending powers) of prod (x - r)."""
    out = [Fraction(1)]
    for r in roots:
        shifted = [Fraction(0)] + out
        out = [s - r * (out[i] if i < len(out) else 0) for i, s in enumerate(shifted)]
    return out


@functools.cache
def matrices(m: int, r: int = 3) -> tuple[list[list[Fraction]], list[list[Fraction]], list[list[Fraction]]]:
    """(A^T [m][n], G [n][r], B^T [n][n]) of F(m, r), n = m + r - 1, such that
    the correlation y[i] = sum_k d[i + k] g[k] is A^T ((G g) * (B^T d))."""
    p = POINTS[m]
    n = m + r - 1
    at = [[p[j] ** i for j in range(n - 1)] + [Fraction(1 if i == m - 1 else 0)] for i in range(m)]
    g = []
    for j in range(n - 1):
        denominator = functools.reduce(lambda a, b: a * b, (p[j] - p[k] for k in range(n - 1) if k != j), Fraction(1))
        g.append([p[j] ** k / denominator for k in range(r)])
    g.append([Fraction(1 if k == r - 1 else 0) for k in range(r)])
    bt = [_poly([p[k] for k in range(n - 1) if k != j]) + [Fraction(0)] for j in range(n - 1)] + [_poly(p)]
    return at, g, bt


def amplification(m: int) -> Fraction:
    """The largest sum of |terms| of an output of the 1-D form A^T ((G g) * (B^T d))
    for |g|, |d| <= 1: max over rows of |A^T| (|G| 1 * |B^T| 1)."""
    at, g, bt = matrices(m)
    g_sums = [sum(abs(c) for c in row) for row in g]
    bt_sums = [sum(abs(c) for c in row) for row in bt]
    return max(sum((abs(a) * gs * bs for a, gs, bs in zip(row, g_sums, bt_sums)), Fraction(0)) for row in at)


# Max |error| / max |output| a Winograd layer may show, per tile size (see the
# module docstring); tests and the bundle's check tolerance use it.
RELATIVE_TOLERANCE = {m: float(amplification(m) ** 2) * 2.0 ** -24 for m in TILES}


def transform_weights(m: int, weights: np.ndarray) -> np.ndarray:
    """[OC][C][3][3] -> [alpha * alpha][OC][C]: G g G^T per (oc, c), in
    float64, rounded once to f32."""
    _, g, _ = matrices(m)
    gm = np.array([[float(x) for x in row] for row in g])
    transformed = np.einsum("ia,ocab,jb->ijoc", gm, weights.astype(np.float64), gm)
    alpha = m + 2
    return transformed.reshape(alpha * alpha, *weights.shape[:2]).astype(np.float32)


def pack_winograd_weights(m: int, mr: int, weights: np.ndarray) -> np.ndarray:
    """The transformed weights of every point, each packed for an MR-row
    convgemm kernel (no bias: the output transform adds it)."""
    return np.concatenate([pack_convgemm_weights(mr, point, None) for point in transform_weights(m, weights)])


def nonzeros(matrix: list[list[Fraction]]) -> int:
    return sum(1 for row in matrix for c in row if c != 0)
