/* Reductions over the middle axis of [outer][reduce][inner]. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "internal.h"
#include "rvpack/kernels.h"

void rvpack_f32_reduce__scalar(const rvpack_reduce_params_t* p, const float* x, float* y) {
  const ptrdiff_t inner = p->inner;
  const int32_t r_n = p->reduce;
  for (int32_t o = 0; o < p->outer; ++o) {
    const float* xo = x + (ptrdiff_t)o * r_n * inner;
    float* yo = y + (ptrdiff_t)o * inner;
    if (r_n <= 0) { /* empty reduction: the identity of the op */
      const float id =
          p->kind == RVPACK_REDUCE_MAX ? -INFINITY : (p->kind == RVPACK_REDUCE_MIN ? INFINITY : 0.0f);
      for (ptrdiff_t i = 0; i < inner; ++i) yo[i] = id;
      continue;
    }
    if (inner == 1) { /* e.g. GlobalAveragePool: one contiguous run per output */
      float acc = xo[0];
      switch (p->kind) {
        case RVPACK_REDUCE_MAX:
          for (int32_t r = 1; r < r_n; ++r) acc = xo[r] > acc ? xo[r] : acc;
          break;
        case RVPACK_REDUCE_MIN:
          for (int32_t r = 1; r < r_n; ++r) acc = xo[r] < acc ? xo[r] : acc;
          break;
        default:
          for (int32_t r = 1; r < r_n; ++r) acc += xo[r];
          break;
      }
      yo[0] = p->kind == RVPACK_REDUCE_MEAN ? acc / (float)r_n : acc;
      continue;
    }
    /* Row-at-a-time accumulation keeps every access contiguous. */
    rvpack_memcpy(yo, xo, (size_t)inner * sizeof(float));
    for (int32_t r = 1; r < r_n; ++r) {
      const float* xr = xo + (ptrdiff_t)r * inner;
      switch (p->kind) {
        case RVPACK_REDUCE_MAX:
          for (ptrdiff_t i = 0; i < inner; ++i) yo[i] = xr[i] > yo[i] ? xr[i] : yo[i];
          break;
        case RVPACK_REDUCE_MIN:
          for (ptrdiff_t i = 0; i < inner; ++i) yo[i] = xr[i] < yo[i] ? xr[i] : yo[i];
          break;
        default: /* SUM, MEAN */
          for (ptrdiff_t i = 0; i < inner; ++i) yo[i] += xr[i];
          break;
      }
    }
    if (p->kind == RVPACK_REDUCE_MEAN) {
      const float count = (float)r_n;
      for (ptrdiff_t i = 0; i < inner; ++i) yo[i] /= count;
    }
  }
}
