/* int8 convolution as register-blocked GEMMs, portable C (the rv64gc path of
 * Qs8Conv with TFLite's half-up or onnxruntime's float requantization; the
 * scalar plane kernel in qs8.c stays the oracle):
 *   Y[oc][p] = requantize(bias'[oc] + sum_k W[oc][k] * X'[k][p])
 * over blocks of RVPACK_QS8_GEMM_MR output channels packed at build time
 * (sdk/codegen/qs8_packing.py: the qs8-convgemm block layout, input zero
 * point folded into bias') by NR = 2 pixels: 8 int32 accumulators stay in
 * registers, each K step loads 4 weights and 2 inputs for 8 multiply-adds. X' is the input (1x1, stride 1, unpadded) or an
 * im2col panel in scratch whose out-of-image positions hold the zero point. */
#include <stddef.h>
#include <stdint.h>

#include "internal.h"
#include "rvpack/kernels_qs8.h"

#define MR RVPACK_QS8_GEMM_MR
#define NR 2 /* 4 x 2 accumulators: with 4 weights and 2 inputs they fit the registers (4 x 4 spills) */

static int8_t requantize(const rvpack_qs8_conv2d_gemm_params_t* p, const int32_t* words, const float* scales,
                         int32_t acc, size_t row) {
  int32_t v;
  if (p->rounding == RVPACK_Q8_ROUND_FLOAT) {
    v = rvpack_q8_round_even((float)acc * scales[row]);
  } else { /* the block keeps TFLite's shift as a left and a right shift */
    v = rvpack_q31_rescale_half_up(acc, words[MR + row], words[2 * MR + row] - words[3 * MR + row]);
  }
  v += p->output_zero_point;
  v = v < p->min ? p->min : v > p->max ? p->max : v;
  return (int8_t)v;
}

/* rows (<= MR) x nc outputs of one packed block; B row k at b + k * b_stride. */
static void gemm_block(const rvpack_qs8_conv2d_gemm_params_t* p, const int8_t* block, size_t rows, size_t k,
                       const int8_t* b, size_t b_stride, size_t nc, int8_t* c, size_t c_stride) {
  const int32_t* words = (const int32_t*)(const void*)block;
  const float* scales = (const float*)(const void*)block + 4 * MR;
  const int8_t* weights = block + 20 * MR;
  size_t j = 0;
  for (; j + NR <= nc; j += NR) {
    int32_t acc[MR][NR];
    for (size_t r = 0; r < MR; ++r) {
      for (size_t q = 0; q < NR; ++q) acc[r][q] = words[r];
    }
    const int8_t* wk = weights;
    const int8_t* bk = b + j;
    for (size_t kk = 0; kk < k; ++kk, wk += MR, bk += b_stride) {
      for (size_t r = 0; r < MR; ++r) {
        for (size_t q = 0; q < NR; ++q) acc[r][q] += (int32_t)wk[r] * (int32_t)bk[q];
      }
    }
    for (size_t r = 0; r < rows; ++r) {
      for (size_t q = 0; q < NR; ++q) c[r * c_stride + j + q] = requantize(p, words, scales, acc[r][q], r);
    }
  }
  for (; j < nc; ++j) { /* the last columns, one at a time */
    int32_t acc[MR];
    for (size_t r = 0; r < MR; ++r) acc[r] = words[r];
    for (size_t kk = 0; kk < k; ++kk) {
      for (size_t r = 0; r < MR; ++r) acc[r] += (int32_t)weights[kk * MR + r] * (int32_t)b[kk * b_stride + j];
    }
    for (size_t r = 0; r < rows; ++r) c[r * c_stride + j] = requantize(p, words, scales, acc[r], r);
  }
}

/* Pixels [p0, p0 + np) of one group's im2col matrix: row kk = (ic * KH + kh) * KW + kw. */
static void im2col(const rvpack_conv2d_params_t* c, int32_t icg, int8_t zero_point, const int8_t* x, size_t p0,
                   size_t np, int8_t* panel) {
  const size_t ow_n = (size_t)c->out_width;
  const ptrdiff_t in_plane = (ptrdiff_t)c->in_height * c->in_width;
  for (int32_t ic = 0; ic < icg; ++ic) {
    for (int32_t kh = 0; kh < c->kernel_height; ++kh) {
      for (int32_t kw = 0; kw < c->kernel_width; ++kw, panel += np) {
        size_t oh = p0 / ow_n, ow = p0 % ow_n; /* walked, not divided, per pixel */
        for (size_t i = 0; i < np; ++i) {
          const int32_t ih = (int32_t)oh * c->stride_height + kh * c->dilation_height - c->pad_top;
          const int32_t iw = (int32_t)ow * c->stride_width + kw * c->dilation_width - c->pad_left;
          const int inside = ih >= 0 && ih < c->in_height && iw >= 0 && iw < c->in_width;
          panel[i] = inside ? x[ic * in_plane + (ptrdiff_t)ih * c->in_width + iw] : zero_point;
          if (++ow == ow_n) {
            ow = 0;
            ++oh;
          }
        }
      }
    }
  }
}

void rvpack_qs8_conv2d_nchw_gemm__scalar(const rvpack_qs8_conv2d_gemm_params_t* p, const int8_t* input,
                                         const int8_t* packed, int8_t* output, void* scratch) {
  const rvpack_conv2d_params_t* c = &p->geometry;
  const size_t groups = (size_t)c->groups;
  const size_t icg = (size_t)c->in_channels / groups, ocg = (size_t)c->out_channels / groups;
  const size_t k = icg * (size_t)c->kernel_height * (size_t)c->kernel_width;
  const size_t in_plane = (size_t)c->in_height * (size_t)c->in_width;
  const size_t pixels = (size_t)c->out_height * (size_t)c->out_width;
  const size_t block = 20 * MR + (k * MR + 3) / 4 * 4;
  const size_t group_bytes = (ocg + MR - 1) / MR * block;
  int8_t* panel = (int8_t*)scratch;
  for (size_t n = 0; n < (size_t)c->batch; ++n) {
    for (size_t g = 0; g < groups; ++g) {
      const int8_t* x = input + (n * (size_t)c->in_channels + g * icg) * in_plane;
      const int8_t* w = packed + g * group_bytes;
      int8_t* y = output + (n * (size_t)c->out_channels + g * ocg) * pixels;
      const size_t step = p->panel_pixels == 0 ? pixels : (size_t)p->panel_pixels;
      for (size_t p0 = 0; p0 < pixels; p0 += step) {
        const size_t np = pixels - p0 < step ? pixels - p0 : step;
        const int8_t* b = x + p0;
        size_t b_stride = in_plane;
        if (p->panel_pixels != 0) {
          im2col(c, (int32_t)icg, (int8_t)p->input_zero_point, x, p0, np, panel);
          b = panel;
          b_stride = np;
        }
        for (size_t m0 = 0; m0 < ocg; m0 += MR) {
          const size_t rows = ocg - m0 < MR ? ocg - m0 : MR;
          gemm_block(p, w + m0 / MR * block, rows, k, b, b_stride, np, y + m0 * pixels + p0, pixels);
        }
      }
    }
  }
}
