/* int8 NCHW convolution on RISC-V Vector 1.0: each group is one GEMM,
 *   Y[oc][p] = requantize(bias'[oc] + sum_k W[oc][k] * X'[k][p]),
 * on a qs8-convgemm microkernel (MR output channels per packed block, pixels
 * vectorised with vsetvl: nothing depends on VLEN). The input zero point is
 * folded into bias' at build time, so X' holds raw input values and the
 * positions of the im2col panel outside the image hold the zero point (they
 * then add zero, as in rvpack_qs8_conv2d_nchw__scalar). */
#include <riscv_vector.h>
#include <stddef.h>
#include <stdint.h>

#include "rvpack/kernels_rvv.h"

static void fill(int8_t* dst, int8_t value, size_t n) {
  for (size_t vl; n > 0; n -= vl, dst += vl) {
    vl = __riscv_vsetvl_e8m4(n);
    __riscv_vse8_v_i8m4(dst, __riscv_vmv_v_x_i8m4(value, vl), vl);
  }
}

static void copy_strided(int8_t* dst, const int8_t* src, ptrdiff_t stride, size_t n) {
  for (size_t vl; n > 0; n -= vl, dst += vl, src += (ptrdiff_t)vl * stride) {
    vl = __riscv_vsetvl_e8m4(n);
    __riscv_vse8_v_i8m4(dst, __riscv_vlse8_v_i8m4(src, stride, vl), vl);
  }
}

/* First index i in [0, n) with 0 <= offset + i * step < limit, and one past the last (step > 0). */
static void valid_range(ptrdiff_t offset, ptrdiff_t step, size_t n, ptrdiff_t limit, size_t* lo, size_t* hi) {
  ptrdiff_t first = offset >= 0 ? 0 : (-offset + step - 1) / step;
  ptrdiff_t end = offset >= limit ? 0 : (limit - offset + step - 1) / step;
  if (first > (ptrdiff_t)n) first = (ptrdiff_t)n;
  if (end > (ptrdiff_t)n) end = (ptrdiff_t)n;
  if (end < first) end = first;
  *lo = (size_t)first;
  *hi = (size_t)end;
}

/* Pixels [p0, p0 + np) of the im2col matrix of one group's icg channels:
 * row kk = (ic * KH + kh) * KW + kw at panel + kk * np. */
static void im2col(const rvpack_conv2d_params_t* c, size_t icg, int8_t zero_point, const int8_t* x, size_t p0,
                   size_t np, int8_t* panel) {
  const size_t ow_n = (size_t)c->out_width, in_plane = (size_t)c->in_height * (size_t)c->in_width;
  int8_t* row = panel;
  for (size_t ic = 0; ic < icg; ++ic) {
    for (int32_t kh = 0; kh < c->kernel_height; ++kh) {
      for (int32_t kw = 0; kw < c->kernel_width; ++kw, row += np) {
        const ptrdiff_t iw0 = (ptrdiff_t)kw * c->dilation_width - c->pad_left;
        for (size_t p = p0; p < p0 + np;) {
          const size_t oh = p / ow_n, ow = p % ow_n;
          const size_t count = (ow_n - ow < p0 + np - p) ? ow_n - ow : p0 + np - p;
          int8_t* dst = row + (p - p0);
          const ptrdiff_t ih = (ptrdiff_t)oh * c->stride_height + (ptrdiff_t)kh * c->dilation_height - c->pad_top;
          if (ih < 0 || ih >= c->in_height) {
            fill(dst, zero_point, count);
          } else {
            size_t lo, hi; /* of the `count` pixels from ow */
            valid_range(iw0 + (ptrdiff_t)ow * c->stride_width, c->stride_width, count, c->in_width, &lo, &hi);
            const int8_t* src = x + ic * in_plane + (size_t)ih * (size_t)c->in_width;
            fill(dst, zero_point, lo);
            copy_strided(dst + lo, src + iw0 + (ptrdiff_t)(ow + lo) * c->stride_width, c->stride_width, hi - lo);
            fill(dst + hi, zero_point, count - hi);
          }
          p += count;
        }
      }
    }
  }
}

void rvpack_qs8_conv2d_nchw__rvv(const rvpack_qs8_conv2d_rvv_params_t* p, const int8_t* input, const int8_t* packed,
                                 int8_t* output, void* scratch_bytes) {
  int8_t* scratch = (int8_t*)scratch_bytes;
  const rvpack_conv2d_params_t* c = &p->conv;
  const size_t groups = (size_t)c->groups;
  const size_t icg = (size_t)c->in_channels / groups, ocg = (size_t)c->out_channels / groups;
  const size_t k = icg * (size_t)c->kernel_height * (size_t)c->kernel_width;
  const size_t in_plane = (size_t)c->in_height * (size_t)c->in_width;
  const size_t pixels = (size_t)c->out_height * (size_t)c->out_width;
  const size_t mr = (size_t)p->tile.mr;
  const size_t block = rvpack_qs8_convgemm_block_bytes(mr, k);
  const size_t group_bytes = (ocg + mr - 1) / mr * block;
  const rvpack_qs8_convgemm_minmax_ukernel_fn ukernel = p->tile.ukernel;
  for (size_t n = 0; n < (size_t)c->batch; ++n) {
    for (size_t g = 0; g < groups; ++g) {
      const int8_t* x = input + (n * (size_t)c->in_channels + g * icg) * in_plane;
      const int8_t* w = packed + g * group_bytes;
      int8_t* y = output + (n * (size_t)c->out_channels + g * ocg) * pixels;
      if (p->panel_pixels == 0) { /* direct: the input rows are the GEMM's B */
        for (size_t m0 = 0; m0 < ocg; m0 += mr) {
          const size_t rows = ocg - m0 < mr ? ocg - m0 : mr;
          ukernel(rows, pixels, k, w + m0 / mr * block, x, in_plane, y + m0 * pixels, pixels, &p->out);
        }
        continue;
      }
      for (size_t p0 = 0; p0 < pixels; p0 += (size_t)p->panel_pixels) {
        const size_t np = pixels - p0 < (size_t)p->panel_pixels ? pixels - p0 : (size_t)p->panel_pixels;
        im2col(c, icg, (int8_t)p->input_zero_point, x, p0, np, scratch);
        for (size_t m0 = 0; m0 < ocg; m0 += mr) {
          const size_t rows = ocg - m0 < mr ? ocg - m0 : mr;
          ukernel(rows, np, k, w + m0 / mr * block, scratch, np, y + m0 * pixels + p0, pixels, &p->out);
        }
      }
    }
  }
}
