/* Internal helpers shared between the scalar kernel translation units. Not
 * part of the public contract: generated code never calls these. */
#ifndef RVPACK_SRC_INTERNAL_H_
#define RVPACK_SRC_INTERNAL_H_

#include <stddef.h>
#include <stdint.h>

#include "rvpack/kernels.h"
#include "rvpack/kernels_qs8.h"

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

/* Transposed convolution (rvpack_f32_conv_transpose2d_nchw__scalar's
 * contract): every input row is scattered into the output rows it touches
 * by scatter_row(n, w, x, y, stride): y[i * stride] += w * x[i], i < n (the
 * vector twin passes a vector row). */
typedef void (*rvpack_internal_scatter_row_fn)(size_t n, float w, const float* x, float* y, ptrdiff_t stride);
void rvpack_internal_conv_transpose_f32(const rvpack_conv2d_params_t* p, const float* input, const float* weights,
                                        const float* bias, float* output, rvpack_internal_scatter_row_fn scatter_row);

/* Padding (rvpack_f32_pad__scalar's contract) row by row, with the row
 * operations passed in so the vector twin shares the walk: fill(y, n, v)
 * writes n copies of v, copy(y, x, n) copies n floats. Reflect/edge borders
 * are gathered element by element (a few per row). */
typedef void (*rvpack_internal_fill_fn)(float* y, size_t n, float value);
typedef void (*rvpack_internal_copy_fn)(float* y, const float* x, size_t n);
void rvpack_internal_pad_f32(const rvpack_pad_params_t* p, const float* x, float* y, rvpack_internal_fill_fn fill,
                             rvpack_internal_copy_fn copy);

/* ---- strided N-d loops over two operands ------------------------------ */
#define RVPACK_INTERNAL_LOOP_MAX_RANK 8

/* The iteration space of an elementwise or copy kernel with two strided
 * operands (element strides s0, s1), canonicalised: size-1 dims dropped and
 * neighbours contiguous on both sides merged (NCHW + per-channel bias
 * becomes [N*C][H*W], a dense copy one row). The innermost dim is the row a
 * kernel processes at once; the odometer walks the others. left[] is the
 * odometer's per-dim countdown, filled while canonicalising rather than by a
 * separate loop or zero-init: at -Os those become memset calls, and the
 * bare-metal build has no libc. */
typedef struct rvpack_internal_loop {
  int rank;
  int64_t shape[RVPACK_INTERNAL_LOOP_MAX_RANK], left[RVPACK_INTERNAL_LOOP_MAX_RANK];
  int64_t s0[RVPACK_INTERNAL_LOOP_MAX_RANK], s1[RVPACK_INTERNAL_LOOP_MAX_RANK];
} rvpack_internal_loop_t;

/* Fills l from rank dims (rank <= RVPACK_INTERNAL_LOOP_MAX_RANK). Returns 0
 * if the space is empty (a zero dim). A space of one element becomes one row
 * of length 1 with strides unit0, unit1. */
static inline int rvpack_internal_loop_init(rvpack_internal_loop_t* l, int rank, const int32_t* shape,
                                            const int64_t* s0, const int64_t* s1, int64_t unit0, int64_t unit1) {
  int r = 0;
  for (int d = 0; d < rank; ++d) {
    const int64_t s = shape[d];
    if (s == 0) return 0;
    if (s == 1) continue;
    if (r > 0 && l->s0[r - 1] == s0[d] * s && l->s1[r - 1] == s1[d] * s) {
      l->shape[r - 1] *= s;
      l->left[r - 1] = l->shape[r - 1];
      l->s0[r - 1] = s0[d];
      l->s1[r - 1] = s1[d];
      continue;
    }
    l->shape[r] = l->left[r] = s;
    l->s0[r] = s0[d];
    l->s1[r] = s1[d];
    ++r;
  }
  if (r == 0) {
    l->shape[0] = l->left[0] = 1;
    l->s0[0] = unit0;
    l->s1[0] = unit1;
    r = 1;
  }
  l->rank = r;
  return 1;
}

/* Moves the offsets to the next row (odometer over all dims but the
 * innermost); returns 0 after the last row. */
static inline int rvpack_internal_loop_next(rvpack_internal_loop_t* l, int64_t* off0, int64_t* off1) {
  for (int d = l->rank - 2; d >= 0; --d) {
    *off0 += l->s0[d];
    *off1 += l->s1[d];
    if (--l->left[d] > 0) return 1;
    *off0 -= l->s0[d] * l->shape[d];
    *off1 -= l->s1[d] * l->shape[d];
    l->left[d] = l->shape[d];
  }
  return 0;
}

/* acc[0..n) += weight * (row[i * stride] - zero_point): one tap on one output row. */
typedef void (*rvpack_internal_tap_row_fn)(int32_t* acc, const int8_t* row, int32_t stride, int32_t n, int32_t weight,
                                           int32_t zero_point);

/* Adds every tap of output channel oc of an int8 convolution to its plane
 * of accumulators acc (out_height x out_width), x being the batch's input:
 * per input channel, kh and kw, the in-image part of each output row, by
 * `row` (qs8.c; the scalar kernel and its vector twin share the walk). */
void rvpack_internal_qs8_conv_taps(const rvpack_qs8_conv2d_params_t* p, const int8_t* x, const int8_t* weights,
                                   int32_t oc, int32_t* acc, rvpack_internal_tap_row_fn row);

/* Walks the rows of two operands broadcast as an rvpack_binary_params_t
 * describes (the innermost dimension is the row): the statement (the macro's
 * remaining arguments, commas allowed) runs once per row,
 * with n (its length), sa and sb (element strides within it: 0 broadcasts)
 * and off_a, off_b (element offsets of its first elements) in scope. */
#define RVPACK_INTERNAL_BROADCAST_ROWS(shape_params, ...)                                            \
  do {                                                                                               \
    rvpack_internal_loop_t l_;                                                                       \
    const rvpack_binary_params_t* s_ = (shape_params);                                               \
    const int rank_ = s_->rank > RVPACK_BINARY_MAX_RANK ? RVPACK_BINARY_MAX_RANK : s_->rank;         \
    if (!rvpack_internal_loop_init(&l_, rank_, s_->shape, s_->a_strides, s_->b_strides, 0, 0)) break; \
    const int64_t n = l_.shape[l_.rank - 1], sa = l_.s0[l_.rank - 1], sb = l_.s1[l_.rank - 1];       \
    int64_t off_a = 0, off_b = 0;                                                                    \
    do {                                                                                             \
      __VA_ARGS__;                                                                                   \
    } while (rvpack_internal_loop_next(&l_, &off_a, &off_b));                                        \
  } while (0)

#endif /* RVPACK_SRC_INTERNAL_H_ */
