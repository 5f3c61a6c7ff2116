/* Broadcasting binary elementwise ops and per-channel affine. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "internal.h"
#include "rvpack/kernels.h"

/* One output row: y[i] = a[i * sa] OP b[i * sb]. The op switch sits outside
 * the loop so each loop body is branch-free. */
#define RVPACK_BINARY_LOOP(expr)                   \
  for (int64_t i = 0; i < n; ++i) {                \
    const float va = *a;                           \
    const float vb = *b;                           \
    y[i] = (expr);                                 \
    a += sa;                                       \
    b += sb;                                       \
  }

static void binary_row(int32_t op, int64_t n, const float* a, int64_t sa, const float* b, int64_t sb,
                       float* y) {
  switch (op) {
    case RVPACK_BINARY_ADD:
      RVPACK_BINARY_LOOP(va + vb)
      break;
    case RVPACK_BINARY_SUB:
      RVPACK_BINARY_LOOP(va - vb)
      break;
    case RVPACK_BINARY_MUL:
      RVPACK_BINARY_LOOP(va * vb)
      break;
    case RVPACK_BINARY_DIV:
      RVPACK_BINARY_LOOP(va / vb)
      break;
    case RVPACK_BINARY_MAX:
      RVPACK_BINARY_LOOP(va < vb ? vb : va)
      break;
    case RVPACK_BINARY_MIN:
      RVPACK_BINARY_LOOP(vb < va ? vb : va)
      break;
    case RVPACK_BINARY_POW:
      RVPACK_BINARY_LOOP(powf(va, vb))
      break;
    case RVPACK_BINARY_PRELU:
      RVPACK_BINARY_LOOP(va >= 0.0f ? va : va * vb)
      break;
    default:
      break;
  }
}

#undef RVPACK_BINARY_LOOP

void rvpack_f32_binary__scalar(const rvpack_binary_params_t* p, const float* a, const float* b, float* y) {
  /* Canonicalise the iteration space: drop size-1 dims and merge neighbours
   * that are contiguous for both operands (y is dense, so always mergeable).
   * NCHW + per-channel bias ends up as [N*C][H*W], elementwise as one row. */
  /* left: per-dim countdown for the odometer, filled here rather than by a
   * separate loop or zero-init (at -Os those become memcpy/memset calls, and
   * the bare-metal build has no libc). */
  int64_t shape[RVPACK_BINARY_MAX_RANK], left[RVPACK_BINARY_MAX_RANK];
  int64_t sa[RVPACK_BINARY_MAX_RANK], sb[RVPACK_BINARY_MAX_RANK];
  int rank = 0;
  const int in_rank = p->rank > RVPACK_BINARY_MAX_RANK ? RVPACK_BINARY_MAX_RANK : p->rank;
  for (int d = 0; d < in_rank; ++d) {
    const int64_t s = p->shape[d];
    if (s == 0) return;
    if (s == 1) continue;
    if (rank > 0 && sa[rank - 1] == p->a_strides[d] * s && sb[rank - 1] == p->b_strides[d] * s) {
      shape[rank - 1] *= s;
      left[rank - 1] = shape[rank - 1];
      sa[rank - 1] = p->a_strides[d];
      sb[rank - 1] = p->b_strides[d];
      continue;
    }
    shape[rank] = left[rank] = s;
    sa[rank] = p->a_strides[d];
    sb[rank] = p->b_strides[d];
    ++rank;
  }
  if (rank == 0) { /* a single element */
    shape[0] = left[0] = 1;
    sa[0] = sb[0] = 0;
    rank = 1;
  }

  const int inner = rank - 1;
  const int64_t n = shape[inner];
  int64_t off_a = 0, off_b = 0;
  float* yr = y;
  for (;;) {
    binary_row(p->op, n, a + off_a, sa[inner], b + off_b, sb[inner], yr);
    rvpack_internal_activate_inplace((size_t)n, yr, &p->act);
    yr += n;
    /* Odometer increment over the outer dims. */
    int d = inner - 1;
    for (; d >= 0; --d) {
      off_a += sa[d];
      off_b += sb[d];
      if (--left[d] > 0) break;
      off_a -= sa[d] * shape[d];
      off_b -= sb[d] * shape[d];
      left[d] = shape[d];
    }
    if (d < 0) break;
  }
}

void rvpack_f32_channel_affine__scalar(const rvpack_channel_affine_params_t* p, const float* x,
                                       const float* scale, const float* shift, float* y) {
  const size_t spatial = (size_t)p->spatial;
  for (int32_t n = 0; n < p->batch; ++n) {
    for (int32_t c = 0; c < p->channels; ++c) {
      const float s = scale[c], t = shift[c];
      for (size_t i = 0; i < spatial; ++i) y[i] = x[i] * s + t;
      rvpack_internal_activate_inplace(spatial, y, &p->act);
      x += spatial;
      y += spatial;
    }
  }
}
