/* Resize by gathering precomputed source coordinates. */
#include <stddef.h>
#include <stdint.h>

#include "internal.h"
#include "rvpack/kernels.h"

void rvpack_f32_resize__scalar(const rvpack_resize_params_t* p, const float* x, float* y) {
  const ptrdiff_t in_w = p->in_width;
  const ptrdiff_t in_plane = (ptrdiff_t)p->in_height * in_w;
  const int32_t oh_n = p->out_height, ow_n = p->out_width;
  for (int32_t pl = 0; pl < p->planes; ++pl) {
    const float* xp = x + pl * in_plane;
    for (int32_t oy = 0; oy < oh_n; ++oy) {
      if (p->mode == RVPACK_RESIZE_NEAREST) {
        const float* row = xp + p->y0[oy] * in_w;
        for (int32_t ox = 0; ox < ow_n; ++ox) y[ox] = row[p->x0[ox]];
      } else {
        const float* r0 = xp + p->y0[oy] * in_w;
        const float* r1 = xp + p->y1[oy] * in_w;
        const float ly = p->y_lambda[oy], hy = 1.0f - ly;
        for (int32_t ox = 0; ox < ow_n; ++ox) {
          const int32_t c0 = p->x0[ox], c1 = p->x1[ox];
          const float lx = p->x_lambda[ox], hx = 1.0f - lx;
          y[ox] = hy * (hx * r0[c0] + lx * r0[c1]) + ly * (hx * r1[c0] + lx * r1[c1]);
        }
      }
      y += ow_n;
    }
  }
}
