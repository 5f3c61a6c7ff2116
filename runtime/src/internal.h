/* Internal helpers shared between the scalar kernel translation units. Not
 * part of the public contract: generated code never calls these. */
#ifndef RVPACK_SRC_INTERNAL_H_
#define RVPACK_SRC_INTERNAL_H_

#include <stddef.h>
#include <stdint.h>

#include "rvpack/kernels.h"

/* y[m][n] = alpha * sum_k A(m, k) * B(k, n) + beta * bias(m, n) for one
 * matrix, with A(m, k) = a[m * a_ms + k * a_ks] and B(k, n) = b[k * b_ks +
 * n * b_ns] (element strides, so transposed operands need no copy). y is
 * dense with row stride ldy. bias(m, n) = bias[m * bias_ms + n * bias_ns]
 * (strides of 0 broadcast); bias == NULL means no bias term. The activation
 * is not applied here: callers run it over the finished, contiguous output. */
typedef struct rvpack_gemm_args {
  int32_t m, n, k;
  const float* a;
  ptrdiff_t a_ms, a_ks;
  const float* b;
  ptrdiff_t b_ks, b_ns;
  const float* bias;
  ptrdiff_t bias_ms, bias_ns;
  float alpha, beta;
  float* y;
  ptrdiff_t ldy;
} rvpack_gemm_args_t;

void rvpack_internal_gemm_f32(const rvpack_gemm_args_t* g);

/* Applies act in place to n contiguous values (no-op for RVPACK_ACT_NONE). */
void rvpack_internal_activate_inplace(size_t n, float* y, const rvpack_activation_t* act);

/* Floor and ceiling integer division for a positive divisor. */
static inline int32_t rvpack_internal_floor_div(int32_t a, int32_t b) {
  int32_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

static inline int32_t rvpack_internal_ceil_div(int32_t a, int32_t b) {
  int32_t q = a / b;
  return (a % b != 0 && a > 0) ? q + 1 : q;
}

/* Taps t in [0, taps) with 0 <= start + t * dilation < limit form the range
 * [*lo, *hi) (empty ranges come back as lo == hi). */
static inline void rvpack_internal_tap_range(int32_t start, int32_t dilation, int32_t taps, int32_t limit,
                                             int32_t* lo, int32_t* hi) {
  int32_t l = start >= 0 ? 0 : rvpack_internal_ceil_div(-start, dilation);
  int32_t h = start >= limit ? 0 : rvpack_internal_floor_div(limit - 1 - start, dilation) + 1;
  if (h > taps) h = taps;
  if (l > taps) l = taps;
  if (h < l) h = l;
  *lo = l;
  *hi = h;
}

#endif /* RVPACK_SRC_INTERNAL_H_ */
