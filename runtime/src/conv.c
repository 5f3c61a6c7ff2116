/* 2-D convolution and transposed convolution, NCHW, grouped.
 *
 * conv2d is output-stationary: every output value is accumulated in a
 * register and written once. Interior pixels (all kw taps inside the row)
 * run a 4-output-channel x 4-pixel register tile; the border pixels take a
 * bounds-checked path whose tap ranges are computed once per pixel, so no
 * inner loop carries a bounds check. 1x1 / stride 1 / unpadded convolutions
 * are plain GEMMs. */
#include <stddef.h>
#include <stdint.h>

#include "internal.h"
#include "rvpack/kernels.h"

typedef struct conv_geom {
  int32_t in_h, in_w, kh, kw;
  int32_t sw, dh, dw;
  int32_t icg;        /* input channels per group */
  ptrdiff_t in_plane; /* in_h * in_w */
  ptrdiff_t w_oc;     /* weights per output channel: icg * kh * kw */
} conv_geom_t;

/* One output pixel for 4 consecutive output channels. in: the group's first
 * input channel; w: the block's first output channel; (ih0, iw0): top-left
 * tap position; only taps in [kh0, kh1) x [kw0, kw1) are inside the image. */
static void conv_pixel_4(const conv_geom_t* c, const float* in, const float* w, int32_t ih0, int32_t iw0,
                         int32_t kh0, int32_t kh1, int32_t kw0, int32_t kw1, float acc[4]) {
  const ptrdiff_t ws = c->w_oc;
  float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (int32_t ic = 0; ic < c->icg; ++ic) {
    const float* in_c = in + ic * c->in_plane;
    const float* w_c = w + ic * c->kh * c->kw;
    for (int32_t kh = kh0; kh < kh1; ++kh) {
      const float* px = in_c + (ptrdiff_t)(ih0 + kh * c->dh) * c->in_w + iw0 + kw0 * c->dw;
      const float* pw = w_c + kh * c->kw + kw0;
      for (int32_t kw = kw0; kw < kw1; ++kw) {
        const float x = *px;
        s0 += x * pw[0];
        s1 += x * pw[ws];
        s2 += x * pw[2 * ws];
        s3 += x * pw[3 * ws];
        px += c->dw;
        ++pw;
      }
    }
  }
  acc[0] = s0;
  acc[1] = s1;
  acc[2] = s2;
  acc[3] = s3;
}

/* As conv_pixel_4, for a single output channel. */
static float conv_pixel_1(const conv_geom_t* c, const float* in, const float* w, int32_t ih0, int32_t iw0,
                          int32_t kh0, int32_t kh1, int32_t kw0, int32_t kw1) {
  float s = 0;
  for (int32_t ic = 0; ic < c->icg; ++ic) {
    const float* in_c = in + ic * c->in_plane;
    const float* w_c = w + ic * c->kh * c->kw;
    for (int32_t kh = kh0; kh < kh1; ++kh) {
      const float* px = in_c + (ptrdiff_t)(ih0 + kh * c->dh) * c->in_w + iw0 + kw0 * c->dw;
      const float* pw = w_c + kh * c->kw + kw0;
      for (int32_t kw = kw0; kw < kw1; ++kw) {
        s += *px * *pw++;
        px += c->dw;
      }
    }
  }
  return s;
}

/* 4 output channels x 4 consecutive output pixels, every kw tap inside the
 * row. 16 accumulators; per tap 4 input loads and 4 weight loads. */
static void conv_tile_4x4(const conv_geom_t* c, const float* in, const float* w, int32_t ih0, int32_t iw0,
                          int32_t kh0, int32_t kh1, float acc[4][4]) {
  const ptrdiff_t ws = c->w_oc;
  const int32_t sw = c->sw;
  float s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
  float s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
  for (int32_t ic = 0; ic < c->icg; ++ic) {
    const float* in_c = in + ic * c->in_plane;
    const float* w_c = w + ic * c->kh * c->kw;
    for (int32_t kh = kh0; kh < kh1; ++kh) {
      const float* px = in_c + (ptrdiff_t)(ih0 + kh * c->dh) * c->in_w + iw0;
      const float* pw = w_c + kh * c->kw;
      for (int32_t kw = 0; kw < c->kw; ++kw) {
        const float x0 = px[0], x1 = px[sw], x2 = px[2 * sw], x3 = px[3 * sw];
        const float w0 = pw[0], w1 = pw[ws], w2 = pw[2 * ws], w3 = pw[3 * ws];
        s00 += w0 * x0; s01 += w0 * x1; s02 += w0 * x2; s03 += w0 * x3;
        s10 += w1 * x0; s11 += w1 * x1; s12 += w1 * x2; s13 += w1 * x3;
        s20 += w2 * x0; s21 += w2 * x1; s22 += w2 * x2; s23 += w2 * x3;
        s30 += w3 * x0; s31 += w3 * x1; s32 += w3 * x2; s33 += w3 * x3;
        px += c->dw;
        ++pw;
      }
    }
  }
  acc[0][0] = s00; acc[0][1] = s01; acc[0][2] = s02; acc[0][3] = s03;
  acc[1][0] = s10; acc[1][1] = s11; acc[1][2] = s12; acc[1][3] = s13;
  acc[2][0] = s20; acc[2][1] = s21; acc[2][2] = s22; acc[2][3] = s23;
  acc[3][0] = s30; acc[3][1] = s31; acc[3][2] = s32; acc[3][3] = s33;
}

/* 1 output channel x 4 consecutive output pixels (depthwise, leftovers). */
static void conv_tile_1x4(const conv_geom_t* c, const float* in, const float* w, int32_t ih0, int32_t iw0,
                          int32_t kh0, int32_t kh1, float acc[4]) {
  const int32_t sw = c->sw;
  float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (int32_t ic = 0; ic < c->icg; ++ic) {
    const float* in_c = in + ic * c->in_plane;
    const float* w_c = w + ic * c->kh * c->kw;
    for (int32_t kh = kh0; kh < kh1; ++kh) {
      const float* px = in_c + (ptrdiff_t)(ih0 + kh * c->dh) * c->in_w + iw0;
      const float* pw = w_c + kh * c->kw;
      for (int32_t kw = 0; kw < c->kw; ++kw) {
        const float wv = *pw++;
        s0 += wv * px[0];
        s1 += wv * px[sw];
        s2 += wv * px[2 * sw];
        s3 += wv * px[3 * sw];
        px += c->dw;
      }
    }
  }
  acc[0] = s0;
  acc[1] = s1;
  acc[2] = s2;
  acc[3] = s3;
}

/* 1x1, stride 1, no padding: per image and group, Y[oc][hw] = W[oc][ic] X[ic][hw]. */
static void conv2d_1x1_gemm(const rvpack_conv2d_params_t* p, const float* input, const float* weights,
                            const float* bias, float* output) {
  const int32_t icg = p->in_channels / p->groups, ocg = p->out_channels / p->groups;
  const ptrdiff_t hw = (ptrdiff_t)p->in_height * p->in_width;
  rvpack_gemm_args_t g;
  g.m = ocg;
  g.n = (int32_t)hw;
  g.k = icg;
  g.a_ms = icg;
  g.a_ks = 1;
  g.b_ks = hw;
  g.b_ns = 1;
  g.bias_ms = 1;
  g.bias_ns = 0;
  g.alpha = 1.0f;
  g.beta = 1.0f;
  g.ldy = hw;
  for (int32_t n = 0; n < p->batch; ++n) {
    for (int32_t gi = 0; gi < p->groups; ++gi) {
      g.a = weights + (ptrdiff_t)gi * ocg * icg;
      g.b = input + ((ptrdiff_t)n * p->in_channels + (ptrdiff_t)gi * icg) * hw;
      g.bias = bias != NULL ? bias + (ptrdiff_t)gi * ocg : NULL;
      g.y = output + ((ptrdiff_t)n * p->out_channels + (ptrdiff_t)gi * ocg) * hw;
      rvpack_internal_gemm_f32(&g);
      rvpack_internal_activate_inplace((size_t)ocg * (size_t)hw, g.y, &p->act);
    }
  }
}

void rvpack_f32_conv2d_nchw__scalar(const rvpack_conv2d_params_t* p, const float* input, const float* weights,
                                    const float* bias, float* output) {
  if (p->kernel_height == 1 && p->kernel_width == 1 && p->stride_height == 1 && p->stride_width == 1 &&
      p->pad_top == 0 && p->pad_left == 0 && p->out_height == p->in_height && p->out_width == p->in_width) {
    conv2d_1x1_gemm(p, input, weights, bias, output);
    return;
  }

  conv_geom_t c;
  c.in_h = p->in_height;
  c.in_w = p->in_width;
  c.kh = p->kernel_height;
  c.kw = p->kernel_width;
  c.sw = p->stride_width;
  c.dh = p->dilation_height;
  c.dw = p->dilation_width;
  c.icg = p->in_channels / p->groups;
  c.in_plane = (ptrdiff_t)c.in_h * c.in_w;
  c.w_oc = (ptrdiff_t)c.icg * c.kh * c.kw;
  const int32_t ocg = p->out_channels / p->groups;
  const int32_t oh_n = p->out_height, ow_n = p->out_width;
  const ptrdiff_t out_plane = (ptrdiff_t)oh_n * ow_n;

  /* Output columns [ow_a, ow_b) have every kw tap inside the row. */
  int32_t ow_a = rvpack_internal_ceil_div(p->pad_left, c.sw);
  if (ow_a < 0) ow_a = 0;
  const int32_t last = c.in_w - 1 - (c.kw - 1) * c.dw + p->pad_left;
  int32_t ow_b = last < 0 ? 0 : rvpack_internal_floor_div(last, c.sw) + 1;
  if (ow_b > ow_n) ow_b = ow_n;
  if (ow_a > ow_b) ow_a = ow_b;

  for (int32_t n = 0; n < p->batch; ++n) {
    for (int32_t gi = 0; gi < p->groups; ++gi) {
      const float* in = input + ((ptrdiff_t)n * p->in_channels + (ptrdiff_t)gi * c.icg) * c.in_plane;
      int32_t nb;
      for (int32_t oc = 0; oc < ocg; oc += nb) {
        nb = ocg - oc >= 4 ? 4 : 1;
        const ptrdiff_t oc_abs = (ptrdiff_t)gi * ocg + oc;
        const float* w = weights + oc_abs * c.w_oc;
        float* out = output + ((ptrdiff_t)n * p->out_channels + oc_abs) * out_plane;
        /* Spelled out: a copy loop here becomes a libc memcpy call. */
        float b[4] = {0, 0, 0, 0};
        if (bias != NULL) {
          b[0] = bias[oc_abs];
          if (nb == 4) {
            b[1] = bias[oc_abs + 1];
            b[2] = bias[oc_abs + 2];
            b[3] = bias[oc_abs + 3];
          }
        }
        for (int32_t oh = 0; oh < oh_n; ++oh) {
          const int32_t ih0 = oh * p->stride_height - p->pad_top;
          int32_t kh0, kh1;
          rvpack_internal_tap_range(ih0, c.dh, c.kh, c.in_h, &kh0, &kh1);
          float* orow = out + (ptrdiff_t)oh * ow_n;
          int32_t ow = 0;
          while (ow < ow_n) {
            const int32_t iw0 = ow * c.sw - p->pad_left;
            if (ow >= ow_a && ow + 4 <= ow_b) {
              if (nb == 4) {
                float acc[4][4];
                conv_tile_4x4(&c, in, w, ih0, iw0, kh0, kh1, acc);
                for (int32_t j = 0; j < 4; ++j) {
                  for (int32_t i = 0; i < 4; ++i) orow[j * out_plane + ow + i] = acc[j][i] + b[j];
                }
              } else {
                float acc[4];
                conv_tile_1x4(&c, in, w, ih0, iw0, kh0, kh1, acc);
                for (int32_t i = 0; i < 4; ++i) orow[ow + i] = acc[i] + b[0];
              }
              ow += 4;
              continue;
            }
            int32_t kw0, kw1;
            rvpack_internal_tap_range(iw0, c.dw, c.kw, c.in_w, &kw0, &kw1);
            if (nb == 4) {
              float acc[4];
              conv_pixel_4(&c, in, w, ih0, iw0, kh0, kh1, kw0, kw1, acc);
              for (int32_t j = 0; j < 4; ++j) orow[j * out_plane + ow] = acc[j] + b[j];
            } else {
              orow[ow] = conv_pixel_1(&c, in, w, ih0, iw0, kh0, kh1, kw0, kw1) + b[0];
            }
            ++ow;
          }
        }
        rvpack_internal_activate_inplace((size_t)nb * (size_t)out_plane, out, &p->act);
      }
    }
  }
}

void rvpack_internal_conv_transpose_f32(const rvpack_conv2d_params_t* p, const float* input, const float* weights,
                                        const float* bias, float* output, rvpack_internal_scatter_row_fn scatter_row) {
  const int32_t ih_n = p->in_height, iw_n = p->in_width;
  const int32_t oh_n = p->out_height, ow_n = p->out_width;
  const int32_t kh_n = p->kernel_height, kw_n = p->kernel_width;
  const int32_t icg = p->in_channels / p->groups, ocg = p->out_channels / p->groups;
  const ptrdiff_t in_plane = (ptrdiff_t)ih_n * iw_n, out_plane = (ptrdiff_t)oh_n * ow_n;
  const int32_t sh = p->stride_height, sw = p->stride_width;

  for (int32_t n = 0; n < p->batch; ++n) {
    float* out_n = output + (ptrdiff_t)n * p->out_channels * out_plane;
    for (int32_t oc = 0; oc < p->out_channels; ++oc) {
      const float b = bias != NULL ? bias[oc] : 0.0f;
      float* o = out_n + oc * out_plane;
      for (ptrdiff_t i = 0; i < out_plane; ++i) o[i] = b;
    }
    /* Scatter each input row into the output rows it touches; the tap ranges
     * are resolved up front so the innermost loop is unchecked. */
    for (int32_t ic = 0; ic < p->in_channels; ++ic) {
      const int32_t gi = ic / icg;
      const float* in_c = input + ((ptrdiff_t)n * p->in_channels + ic) * in_plane;
      for (int32_t ocl = 0; ocl < ocg; ++ocl) {
        float* out_c = out_n + ((ptrdiff_t)gi * ocg + ocl) * out_plane;
        const float* w = weights + ((ptrdiff_t)ic * ocg + ocl) * kh_n * kw_n;
        for (int32_t kh = 0; kh < kh_n; ++kh) {
          const int32_t oh_off = kh * p->dilation_height - p->pad_top;
          int32_t ih0, ih1;
          rvpack_internal_tap_range(oh_off, sh, ih_n, oh_n, &ih0, &ih1);
          for (int32_t kw = 0; kw < kw_n; ++kw) {
            const float wv = w[kh * kw_n + kw];
            const int32_t ow_off = kw * p->dilation_width - p->pad_left;
            int32_t iw0, iw1;
            rvpack_internal_tap_range(ow_off, sw, iw_n, ow_n, &iw0, &iw1);
            for (int32_t ih = ih0; ih < ih1; ++ih) {
              const float* irow = in_c + (ptrdiff_t)ih * iw_n;
              float* orow = out_c + (ptrdiff_t)(ih * sh + oh_off) * ow_n + ow_off;
              if (iw1 > iw0) scatter_row((size_t)(iw1 - iw0), wv, irow + iw0, orow + (ptrdiff_t)iw0 * sw, sw);
            }
          }
        }
      }
    }
    rvpack_internal_activate_inplace((size_t)p->out_channels * (size_t)out_plane, out_n, &p->act);
  }
}

/* y[i * stride] += w * x[i] for i < n. */
static void scatter_row_scalar(size_t n, float w, const float* x, float* y, ptrdiff_t stride) {
  for (size_t i = 0; i < n; ++i) y[(ptrdiff_t)i * stride] += w * x[i];
}

void rvpack_f32_conv_transpose2d_nchw__scalar(const rvpack_conv2d_params_t* p, const float* input,
                                              const float* weights, const float* bias, float* output) {
  rvpack_internal_conv_transpose_f32(p, input, weights, bias, output, scatter_row_scalar);
}
