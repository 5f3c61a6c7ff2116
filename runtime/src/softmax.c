/* Softmax / LogSoftmax along the middle axis of [outer][axis][inner]. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "internal.h"
#include "rvpack/kernels.h"

void rvpack_f32_softmax__scalar(const rvpack_softmax_params_t* p, const float* x, float* y) {
  const ptrdiff_t inner = p->inner;
  const int32_t a_n = p->axis;
  for (int32_t o = 0; o < p->outer; ++o) {
    for (ptrdiff_t i = 0; i < inner; ++i) {
      const float* xs = x + (ptrdiff_t)o * a_n * inner + i;
      float* ys = y + (ptrdiff_t)o * a_n * inner + i;
      /* Subtracting the max keeps exp() in range (the result is unchanged). */
      float m = -INFINITY;
      for (int32_t a = 0; a < a_n; ++a) m = xs[a * inner] > m ? xs[a * inner] : m;
      float sum = 0.0f;
      if (p->log) {
        for (int32_t a = 0; a < a_n; ++a) sum += expf(xs[a * inner] - m);
        const float shift = m + logf(sum);
        for (int32_t a = 0; a < a_n; ++a) ys[a * inner] = xs[a * inner] - shift;
      } else {
        for (int32_t a = 0; a < a_n; ++a) {
          const float e = expf(xs[a * inner] - m);
          ys[a * inner] = e;
          sum += e;
        }
        for (int32_t a = 0; a < a_n; ++a) ys[a * inner] /= sum;
      }
    }
  }
}
