/* Constant / reflect / edge padding of a dense tensor. */
#include <stddef.h>
#include <stdint.h>

#include "internal.h"
#include "rvpack/kernels.h"

/* Maps an output coordinate minus pad_begin to an input coordinate, or -1
 * for a constant-padded position. */
static inline int32_t pad_source(int32_t t, int32_t n, int32_t mode) {
  if (t >= 0 && t < n) return t;
  if (mode == RVPACK_PAD_EDGE) return t < 0 ? 0 : n - 1;
  if (mode == RVPACK_PAD_REFLECT) {
    if (n == 1) return 0;
    /* Reflection without repeating the edge is periodic in 2 * (n - 1). */
    const int32_t period = 2 * (n - 1);
    t %= period;
    if (t < 0) t += period;
    return t < n ? t : period - t;
  }
  return -1;
}

void rvpack_internal_pad_f32(const rvpack_pad_params_t* p, const float* x, float* y, rvpack_internal_fill_fn fill,
                             rvpack_internal_copy_fn copy) {
  const int32_t rank = p->rank > RVPACK_PAD_MAX_RANK ? RVPACK_PAD_MAX_RANK : p->rank;
  if (rank <= 0) {
    y[0] = x[0];
    return;
  }
  for (int32_t d = 0; d < rank; ++d) {
    if (p->out_shape[d] == 0) return;
  }
  ptrdiff_t in_strides[RVPACK_PAD_MAX_RANK];
  ptrdiff_t stride = 1;
  for (int32_t d = rank - 1; d >= 0; --d) {
    in_strides[d] = stride;
    stride *= p->in_shape[d];
  }
  const int32_t inner = rank - 1;
  const int32_t in_w = p->in_shape[inner], out_w = p->out_shape[inner], pb = p->pad_begin[inner];
  /* Output columns [c0, c1) copy input columns [c0 - pb, c1 - pb). */
  int32_t c0 = pb < 0 ? 0 : pb;
  if (c0 > out_w) c0 = out_w;
  int32_t c1 = pb + in_w < out_w ? pb + in_w : out_w;
  if (c1 < c0) c1 = c0;
  const int constant = p->mode == RVPACK_PAD_CONSTANT;

  int32_t idx[RVPACK_PAD_MAX_RANK] = {0};
  for (;;) {
    /* Locate the source row for this output row (all dims but the last). */
    ptrdiff_t src = 0;
    int outside = in_w == 0;
    for (int32_t d = 0; d < inner; ++d) {
      const int32_t n = p->in_shape[d];
      const int32_t s = n == 0 ? -1 : pad_source(idx[d] - p->pad_begin[d], n, p->mode);
      if (s < 0) {
        outside = 1;
        break;
      }
      src += s * in_strides[d];
    }
    if (outside) {
      fill(y, (size_t)out_w, p->value);
    } else {
      const float* row = x + src;
      if (constant) {
        fill(y, (size_t)c0, p->value);
        fill(y + c1, (size_t)(out_w - c1), p->value);
      } else {
        for (int32_t j = 0; j < c0; ++j) y[j] = row[pad_source(j - pb, in_w, p->mode)];
        for (int32_t j = c1; j < out_w; ++j) y[j] = row[pad_source(j - pb, in_w, p->mode)];
      }
      copy(y + c0, row + (c0 - pb), (size_t)(c1 - c0));
    }
    y += out_w;
    int32_t d = inner - 1;
    for (; d >= 0; --d) {
      if (++idx[d] < p->out_shape[d]) break;
      idx[d] = 0;
    }
    if (d < 0) break;
  }
}

static void fill_scalar(float* y, size_t n, float value) {
  for (size_t i = 0; i < n; ++i) y[i] = value;
}

static void copy_scalar(float* y, const float* x, size_t n) { rvpack_memcpy(y, x, n * sizeof(float)); }

void rvpack_f32_pad__scalar(const rvpack_pad_params_t* p, const float* x, float* y) {
  rvpack_internal_pad_f32(p, x, y, fill_scalar, copy_scalar);
}
