/* NCHW convolution with column-sparse weights on RISC-V Vector 1.0 (groups 1):
 *   Y[oc][p] = bias[oc] + sum over the kept k of W[oc][k] * X'[k][p],
 * each block of MR output channels visiting only its kept K steps
 * (xnnpack_rvv f32-spconvgemm). The blocks carry the byte offsets of their
 * B rows, fixed at build time for the row stride this driver uses: the
 * input's channel planes (direct) or panel_pixels floats (im2col panels, the
 * last, shorter panel included). */
#include "rvpack/kernels_rvv.h"

#include <stddef.h>
#include <stdint.h>

void rvpack_f32_conv2d_sparse__rvv(const rvpack_conv2d_sparse_rvv_params_t* p, const float* input,
                                   const float* packed, float* output, float* scratch) {
  const rvpack_conv2d_params_t* c = &p->conv;
  const size_t ic = (size_t)c->in_channels, oc = (size_t)c->out_channels;
  const size_t in_plane = (size_t)c->in_height * (size_t)c->in_width;
  const size_t pixels = (size_t)c->out_height * (size_t)c->out_width;
  const size_t mr = (size_t)p->tile.mr;
  const size_t panel = (size_t)p->panel_pixels;
  const struct rvpack_f32_minmax_params minmax = rvpack_rvv_clamp_of(&c->act);
  const struct rvpack_im2col_params im2col = rvpack_rvv_im2col_of(c, ic);
  for (size_t n = 0; n < (size_t)c->batch; ++n) {
    const float* x = input + n * ic * in_plane;
    float* y = output + n * oc * pixels;
    for (size_t p0 = 0; p0 < pixels; p0 += panel != 0 ? panel : pixels) {
      const size_t np = panel == 0 ? pixels : (pixels - p0 < panel ? pixels - p0 : panel);
      const float* b = x;
      if (panel != 0) {
        rvpack_f32_im2col_nchw__rvv(&im2col, x, p0, np, scratch, panel * sizeof(float));
        b = scratch;
      }
      const float* w = packed;
      for (size_t m0 = 0; m0 < oc; m0 += mr) {
        const size_t rows = oc - m0 < mr ? oc - m0 : mr;
        rvpack_spconvgemm_tile_run(&p->tile, rows, np, w, b, y + m0 * pixels + p0, pixels * sizeof(float),
                                   &minmax);
        w += rvpack_f32_spconvgemm_block_words(mr, rvpack_f32_spconvgemm_block_kept(w));
      }
    }
  }
}
