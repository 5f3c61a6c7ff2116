/* Local response normalisation across channels (ONNX LRN). */
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "internal.h"
#include "rvpack/kernels.h"

/* x and y must not overlap: y first holds the windowed sums of squares, so
 * every loop runs over a contiguous spatial row. */
void rvpack_f32_lrn__scalar(const rvpack_lrn_params_t* p, const float* x, float* y) {
  const ptrdiff_t spatial = p->spatial;
  const int32_t c_n = p->channels;
  const int32_t before = (p->size - 1) / 2;     /* floor((size - 1) / 2) */
  const int32_t after = p->size - 1 - before;    /* ceil((size - 1) / 2) */
  const float scale = p->alpha / (float)p->size;
  for (int32_t n = 0; n < p->batch; ++n) {
    const float* xb = x + (ptrdiff_t)n * c_n * spatial;
    float* yb = y + (ptrdiff_t)n * c_n * spatial;
    for (int32_t c = 0; c < c_n; ++c) {
      float* yc = yb + c * spatial;
      const int32_t j0 = c - before < 0 ? 0 : c - before;
      const int32_t j1 = c + after > c_n - 1 ? c_n - 1 : c + after;
      /* The window always holds channel j0 (c itself is in it); starting
       * from its square avoids a zero-fill loop the compiler would turn into
       * a memset call. */
      const float* x0 = xb + j0 * spatial;
      for (ptrdiff_t s = 0; s < spatial; ++s) yc[s] = x0[s] * x0[s];
      for (int32_t j = j0 + 1; j <= j1; ++j) {
        const float* xj = xb + j * spatial;
        for (ptrdiff_t s = 0; s < spatial; ++s) yc[s] += xj[s] * xj[s];
      }
      const float* xc = xb + c * spatial;
      for (ptrdiff_t s = 0; s < spatial; ++s) yc[s] = xc[s] / powf(p->bias + scale * yc[s], p->beta);
    }
  }
}
