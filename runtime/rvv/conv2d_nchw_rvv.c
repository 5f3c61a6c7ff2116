/* NCHW convolution on RISC-V Vector 1.0: each group is one GEMM,
 *   Y[oc][p] = bias[oc] + sum_k W[oc][k] * X'[k][p],
 * computed by an xnnpack_rvv convgemm microkernel that broadcasts weights
 * (MR output channels at a time, packed at build time in blocks with their
 * biases) and vectorises over output pixels with vsetvl, so nothing depends
 * on VLEN at build time. A 1x1, stride-1,
 * unpadded conv reads the input directly (X' = X); any other conv first
 * packs an im2col panel of `panel_pixels` pixels into the layer's scratch
 * memory (im2col fused with the packing of the input panel). */
#include "rvpack/kernels_rvv.h"

#include <stddef.h>
#include <stdint.h>

void rvpack_f32_conv2d_nchw__rvv(const rvpack_conv2d_rvv_params_t* p, const float* input, const float* packed,
                                 float* output, float* scratch) {
  const rvpack_conv2d_params_t* c = &p->conv;
  const size_t groups = (size_t)c->groups;
  const size_t icg = (size_t)c->in_channels / groups;
  const size_t ocg = (size_t)c->out_channels / groups;
  const size_t k = icg * (size_t)c->kernel_height * (size_t)c->kernel_width;
  const size_t in_plane = (size_t)c->in_height * (size_t)c->in_width;
  const size_t pixels = (size_t)c->out_height * (size_t)c->out_width;
  const size_t mr = (size_t)p->tile.mr;
  const size_t block = mr * (k + 1); /* floats of one packed block of MR rows */
  const struct rvpack_f32_minmax_params minmax = rvpack_rvv_clamp_of(&c->act);
  const struct rvpack_im2col_params im2col = rvpack_rvv_im2col_of(c, icg);
  for (size_t n = 0; n < (size_t)c->batch; ++n) {
    for (size_t g = 0; g < groups; ++g) {
      const float* x = input + (n * (size_t)c->in_channels + g * icg) * in_plane;
      const float* w = packed + g * rvpack_f32_convgemm_packed_floats(mr, ocg, k);
      float* y = output + (n * (size_t)c->out_channels + g * ocg) * pixels;
      if (p->panel_pixels == 0) { /* direct: the input rows are the GEMM's B */
        for (size_t m0 = 0; m0 < ocg; m0 += mr) {
          const size_t rows = ocg - m0 < mr ? ocg - m0 : mr;
          rvpack_convgemm_tile_run(&p->tile, rows, pixels, k * sizeof(float), w + m0 / mr * block, x,
                                   in_plane * sizeof(float), y + m0 * pixels, pixels * sizeof(float), &minmax);
        }
        continue;
      }
      for (size_t p0 = 0; p0 < pixels; p0 += (size_t)p->panel_pixels) {
        const size_t np = pixels - p0 < (size_t)p->panel_pixels ? pixels - p0 : (size_t)p->panel_pixels;
        rvpack_f32_im2col_nchw__rvv(&im2col, x, p0, np, scratch, np * sizeof(float));
        for (size_t m0 = 0; m0 < ocg; m0 += mr) {
          const size_t rows = ocg - m0 < mr ? ocg - m0 : mr;
          rvpack_convgemm_tile_run(&p->tile, rows, np, k * sizeof(float), w + m0 / mr * block, scratch,
                                   np * sizeof(float), y + m0 * pixels + p0, pixels * sizeof(float), &minmax);
        }
      }
    }
  }
}
