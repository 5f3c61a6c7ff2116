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
  rvpack_internal_loop_t l;
  const int rank = p->rank > RVPACK_BINARY_MAX_RANK ? RVPACK_BINARY_MAX_RANK : p->rank;
  if (!rvpack_internal_loop_init(&l, rank, p->shape, p->a_strides, p->b_strides, 0, 0)) return;
  const int inner = l.rank - 1;
  const int64_t n = l.shape[inner];
  int64_t off_a = 0, off_b = 0;
  float* yr = y;
  do {
    binary_row(p->op, n, a + off_a, l.s0[inner], b + off_b, l.s1[inner], yr);
    rvpack_internal_activate_inplace((size_t)n, yr, &p->act);
    yr += n;
  } while (rvpack_internal_loop_next(&l, &off_a, &off_b));
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
