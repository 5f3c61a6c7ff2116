/* Depthwise NCHW convolution on RISC-V Vector 1.0: one xnnpack_rvv
 * f32-dwconv2d-chw microkernel call per (image, channel) plane, vectorised
 * over the output pixels of a row (vsetvl strip-mining, nothing depends on
 * VLEN at build time).
 *
 * The microkernels accumulate the in-image taps in row-major order with fma
 * starting from 0 and add the bias afterwards, exactly as the portable
 * rvpack_f32_conv2d_nchw__scalar does (its `s += x * w` contracts to fma), so
 * the two agree bit for bit. RELU and CLAMP are the microkernel's min/max
 * clamp (vfmax/vfmin: only a NaN sum differs, it comes out as the lower
 * bound where the scalar keeps it); NONE uses NaN bounds, an exact identity;
 * other activations run rvpack_f32_unary__scalar over the output afterwards,
 * as the scalar kernel does. Shapes outside the microkernels (not depthwise,
 * other kernel sizes or strides, dilation) run the scalar kernel. */
#include "rvpack/kernels_rvv.h"

#include <stddef.h>
#include <stdint.h>

#include "rvpack_rvv/dwconv2d_chw.h"

/* The 2x2v tiles: two output rows per pass share their input row loads and
 * give two independent FMA chains; LMUL 2 wastes few lanes on small planes. */
static rvpack_f32_dwconv2d_chw_minmax_ukernel_fn dwconv_ukernel(int32_t kernel, int32_t stride) {
  if (kernel == 3) {
    return stride == 1 ? rvpack_f32_dwconv2d_chw_minmax_ukernel_3x3s1_2x2v__rvv
                       : rvpack_f32_dwconv2d_chw_minmax_ukernel_3x3s2_2x2v__rvv;
  }
  return stride == 1 ? rvpack_f32_dwconv2d_chw_minmax_ukernel_5x5s1_2x2v__rvv
                     : rvpack_f32_dwconv2d_chw_minmax_ukernel_5x5s2_2x2v__rvv;
}

/* The shapes the microkernels cover (the code generator only picks this kernel
 * for them; anything else falls back to the scalar kernel). */
static int vector_path(const rvpack_conv2d_params_t* p) {
  const int32_t k = p->kernel_height, s = p->stride_height;
  return p->groups == p->in_channels && p->out_channels == p->in_channels && (k == 3 || k == 5) &&
         p->kernel_width == k && (s == 1 || s == 2) && p->stride_width == s && p->dilation_height == 1 &&
         p->dilation_width == 1 && p->pad_top >= 0 && p->pad_top < k && p->pad_left >= 0 && p->pad_left < k &&
         p->in_height > 0 && p->in_width > 0;
}

void rvpack_f32_dwconv2d_nchw__rvv(const rvpack_conv2d_params_t* p, const float* input, const float* weights,
                                   const float* bias, float* output) {
  if (!vector_path(p)) {
    rvpack_f32_conv2d_nchw__scalar(p, input, weights, bias, output);
    return;
  }
  if (p->batch <= 0 || p->out_height <= 0 || p->out_width <= 0) {
    return;
  }
  const struct rvpack_f32_minmax_params minmax = rvpack_rvv_clamp_of(&p->act);
  const rvpack_f32_dwconv2d_chw_minmax_ukernel_fn ukernel = dwconv_ukernel(p->kernel_height, p->stride_height);
  const size_t channels = (size_t)p->in_channels;
  const size_t ih = (size_t)p->in_height, iw = (size_t)p->in_width;
  const size_t oh = (size_t)p->out_height, ow = (size_t)p->out_width;
  const size_t taps = (size_t)p->kernel_height * (size_t)p->kernel_width;
  for (size_t n = 0; n < (size_t)p->batch; ++n) {
    for (size_t c = 0; c < channels; ++c) {
      const size_t plane = n * channels + c;
      ukernel(ih, iw, oh, ow, (size_t)p->pad_top, (size_t)p->pad_left, input + plane * ih * iw, weights + c * taps,
              bias != NULL ? bias[c] : 0.0f, output + plane * oh * ow, &minmax);
    }
  }
  if (p->act.kind != RVPACK_ACT_NONE && p->act.kind != RVPACK_ACT_RELU && p->act.kind != RVPACK_ACT_CLAMP) {
    rvpack_f32_unary__scalar((size_t)p->batch * channels * oh * ow, output, output, &p->act);
  }
}
