/* 2-D max / average pooling, NCHW. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "internal.h"
#include "rvpack/kernels.h"

void rvpack_f32_pool2d_nchw__scalar(const rvpack_pool2d_params_t* p, const float* input, float* output) {
  const int32_t ih_n = p->in_height, iw_n = p->in_width;
  const int32_t oh_n = p->out_height, ow_n = p->out_width;
  const int32_t kh_n = p->kernel_height, kw_n = p->kernel_width;
  const int32_t dh = p->dilation_height, dw = p->dilation_width;
  const ptrdiff_t in_plane = (ptrdiff_t)ih_n * iw_n, out_plane = (ptrdiff_t)oh_n * ow_n;
  const int32_t planes = p->batch * p->channels;
  const int is_max = p->kind == RVPACK_POOL_MAX;
  /* With count_include_pad the divisor counts taps inside the padded image
   * [-pad, size + pad_end): padding declared by the model counts, the extra
   * ceil_mode overhang (beyond pad_bottom/pad_right) does not. */
  const int include_pad = !is_max && p->count_include_pad;

  for (int32_t pl = 0; pl < planes; ++pl) {
    const float* in = input + pl * in_plane;
    float* out = output + pl * out_plane;
    for (int32_t oh = 0; oh < oh_n; ++oh) {
      const int32_t ih0 = oh * p->stride_height - p->pad_top;
      int32_t kh0, kh1;
      rvpack_internal_tap_range(ih0, dh, kh_n, ih_n, &kh0, &kh1);
      int32_t count_h = kh1 - kh0;
      if (include_pad) {
        int32_t a, b;
        rvpack_internal_tap_range(ih0 + p->pad_top, dh, kh_n, ih_n + p->pad_top + p->pad_bottom, &a, &b);
        count_h = b - a;
      }
      for (int32_t ow = 0; ow < ow_n; ++ow) {
        const int32_t iw0 = ow * p->stride_width - p->pad_left;
        int32_t kw0, kw1;
        rvpack_internal_tap_range(iw0, dw, kw_n, iw_n, &kw0, &kw1);
        float v;
        if (is_max) {
          v = -INFINITY;
          for (int32_t kh = kh0; kh < kh1; ++kh) {
            const float* px = in + (ptrdiff_t)(ih0 + kh * dh) * iw_n + iw0 + kw0 * dw;
            /* IEEE maximumNumber (fmax.s): a NaN never wins, +0 beats -0. */
            for (int32_t kw = kw0; kw < kw1; ++kw, px += dw) v = __builtin_fmaxf(v, *px);
          }
        } else {
          float s = 0.0f;
          for (int32_t kh = kh0; kh < kh1; ++kh) {
            const float* px = in + (ptrdiff_t)(ih0 + kh * dh) * iw_n + iw0 + kw0 * dw;
            for (int32_t kw = kw0; kw < kw1; ++kw, px += dw) s += *px;
          }
          int32_t count_w = kw1 - kw0;
          if (include_pad) {
            int32_t a, b;
            rvpack_internal_tap_range(iw0 + p->pad_left, dw, kw_n, iw_n + p->pad_left + p->pad_right, &a, &b);
            count_w = b - a;
          }
          const int32_t count = count_h * count_w;
          v = count > 0 ? s / (float)count : 0.0f;
        }
        out[(ptrdiff_t)oh * ow_n + ow] = v;
      }
    }
    rvpack_internal_activate_inplace((size_t)out_plane, out, &p->act);
  }
}
