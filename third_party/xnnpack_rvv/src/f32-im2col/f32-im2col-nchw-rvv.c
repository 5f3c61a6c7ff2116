// RVV 1.0 im2col panel packing for NCHW convolutions; same bytes as
// f32-im2col-nchw-scalar.c, layout in include/rvpack_rvv/im2col.h.
//
// A panel row is cut at output-row boundaries; within one output row the
// valid input columns form one interval [ow_lo, ow_hi) (computed once per
// kernel column kw), so each piece is zeros, one copy (vle32 for stride 1,
// vlse32 with a byte stride of SW * 4 otherwise), zeros. Vector-length
// agnostic (LMUL 8, vsetvl per chunk).

#include <stddef.h>
#include <stdint.h>

#include <riscv_vector.h>

#include "rvpack_rvv/common.h"
#include "rvpack_rvv/im2col.h"

static void zero_fill(float* dst, size_t n) {
  const vfloat32m8_t vzero = __riscv_vfmv_v_f_f32m8(0.0f, __riscv_vsetvlmax_e32m8());
  while (n != 0) {
    const size_t vl = __riscv_vsetvl_e32m8(n);
    __riscv_vse32_v_f32m8(dst, vzero, vl);
    dst += vl;
    n -= vl;
  }
}

static void copy_unit(float* dst, const float* src, size_t n) {
  while (n != 0) {
    const size_t vl = __riscv_vsetvl_e32m8(n);
    __riscv_vse32_v_f32m8(dst, __riscv_vle32_v_f32m8(src, vl), vl);
    dst += vl;
    src += vl;
    n -= vl;
  }
}

static void copy_strided(float* dst, const float* src, ptrdiff_t src_stride_bytes, size_t n) {
  while (n != 0) {
    const size_t vl = __riscv_vsetvl_e32m8(n);
    __riscv_vse32_v_f32m8(dst, __riscv_vlse32_v_f32m8(src, src_stride_bytes, vl), vl);
    dst += vl;
    src = (const float*) ((uintptr_t) src + (size_t) src_stride_bytes * vl);
    n -= vl;
  }
}

// Smallest ow with ow * stride >= x (x may be "negative": x_pos false).
static size_t ceil_div_or_zero(size_t x, int x_pos, size_t stride) {
  return x_pos ? (x + stride - 1) / stride : 0;
}

void rvpack_f32_im2col_nchw__rvv(const struct rvpack_im2col_params* p, const float* input,
                                 size_t pixel_start, size_t pixel_count, float* panel,
                                 size_t panel_stride) {
  const size_t in_h = p->input_height, in_w = p->input_width, out_w = p->output_width;
  const size_t sh = p->stride_height, sw = p->stride_width;
  RVPACK_RVV_ASSERT(p->stride_height != 0 && p->stride_width != 0);
  RVPACK_RVV_ASSERT(p->dilation_height != 0 && p->dilation_width != 0);
  RVPACK_RVV_ASSERT(pixel_count != 0);
  RVPACK_RVV_ASSERT(pixel_start + pixel_count <= p->output_height * out_w);
  RVPACK_RVV_ASSERT(panel_stride >= pixel_count * sizeof(float));
  const size_t oh_start = pixel_start / out_w, ow_start = pixel_start % out_w;
  for (size_t ic = 0; ic < p->channels; ic++) {
    const float* plane = input + ic * in_h * in_w;
    for (size_t kh = 0; kh < p->kernel_height; kh++) {
      const size_t kh_off = kh * p->dilation_height;
      for (size_t kw = 0; kw < p->kernel_width; kw++) {
        // iw = ow * SW + kw_off - pad_left is in [0, W) iff ow in [ow_lo, ow_hi).
        const size_t kw_off = kw * p->dilation_width;
        const size_t pl = p->pad_left;
        const size_t ow_lo = ceil_div_or_zero(pl - kw_off, kw_off < pl, sw);
        const size_t ow_hi = ceil_div_or_zero(pl + in_w - kw_off, kw_off < pl + in_w, sw);
        float* dst = panel;
        size_t remaining = pixel_count;
        size_t oh = oh_start, ow = ow_start;
        while (remaining != 0) {
          const size_t seg = out_w - ow < remaining ? out_w - ow : remaining;
          const size_t seg_end = ow + seg;
          const size_t ih = oh * sh + kh_off - p->pad_top;  // wraps when negative
          if (ih >= in_h) {
            zero_fill(dst, seg);
          } else {
            const size_t lo = ow_lo < ow ? ow : (ow_lo > seg_end ? seg_end : ow_lo);
            const size_t hi = ow_hi < lo ? lo : (ow_hi > seg_end ? seg_end : ow_hi);
            zero_fill(dst, lo - ow);
            if (hi > lo) {
              const float* src = plane + ih * in_w + (lo * sw + kw_off - pl);
              if (sw == 1) {
                copy_unit(dst + (lo - ow), src, hi - lo);
              } else {
                copy_strided(dst + (lo - ow), src, (ptrdiff_t) (sw * sizeof(float)), hi - lo);
              }
            }
            zero_fill(dst + (hi - ow), seg_end - hi);
          }
          dst += seg;
          remaining -= seg;
          ow = 0;
          oh++;
        }
        panel = (float*) ((uintptr_t) panel + panel_stride);
      }
    }
  }
}
