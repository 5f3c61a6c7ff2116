// Scalar reference im2col panel packing for NCHW convolutions; the layout is
// described in include/rvpack_rvv/im2col.h.

#include <stddef.h>
#include <stdint.h>

#include "rvpack_rvv/common.h"
#include "rvpack_rvv/im2col.h"

void rvpack_f32_im2col_nchw__scalar(const struct rvpack_im2col_params* p, const float* input,
                                    size_t pixel_start, size_t pixel_count, float* panel,
                                    size_t panel_stride) {
  const size_t in_h = p->input_height, in_w = p->input_width, out_w = p->output_width;
  RVPACK_RVV_ASSERT(p->stride_height != 0 && p->stride_width != 0);
  RVPACK_RVV_ASSERT(p->dilation_height != 0 && p->dilation_width != 0);
  RVPACK_RVV_ASSERT(pixel_count != 0);
  RVPACK_RVV_ASSERT(pixel_start + pixel_count <= p->output_height * out_w);
  RVPACK_RVV_ASSERT(panel_stride >= pixel_count * sizeof(float));
  const size_t oh_start = pixel_start / out_w, ow_start = pixel_start % out_w;
  for (size_t ic = 0; ic < p->channels; ic++) {
    const float* plane = input + ic * in_h * in_w;
    for (size_t kh = 0; kh < p->kernel_height; kh++) {
      for (size_t kw = 0; kw < p->kernel_width; kw++) {
        size_t oh = oh_start, ow = ow_start;
        for (size_t j = 0; j < pixel_count; j++) {
          // ih = oh * SH + kh * DH - pad_top in unsigned arithmetic: a
          // negative ih wraps around to a value >= H, so one compare per axis.
          const size_t ih = oh * p->stride_height + kh * p->dilation_height - p->pad_top;
          const size_t iw = ow * p->stride_width + kw * p->dilation_width - p->pad_left;
          panel[j] = (ih < in_h && iw < in_w) ? plane[ih * in_w + iw] : 0.0f;
          if (++ow == out_w) {
            ow = 0;
            oh++;
          }
        }
        panel = (float*) ((uintptr_t) panel + panel_stride);
      }
    }
  }
}
