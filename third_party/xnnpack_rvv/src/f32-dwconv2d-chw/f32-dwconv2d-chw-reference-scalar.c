// Scalar reference for the f32 depthwise CHW convolution microkernel contract
// (include/rvpack_rvv/dwconv2d_chw.h): the oracle of the RVV kernels, for any
// kernel size and strides. Same arithmetic as they do (from 0, in-image taps
// in row-major order with fma, then + bias, then the clamp), so results agree
// bit for bit.

#include <stddef.h>
#include <stdint.h>

#include "rvpack_rvv/dwconv2d_chw.h"

void rvpack_f32_dwconv2d_chw_minmax_reference__scalar(
    size_t kernel_height, size_t kernel_width, size_t stride_height, size_t stride_width,
    size_t input_height, size_t input_width, size_t output_height, size_t output_width, size_t pad_top,
    size_t pad_left, const float* input, const float* weights, float bias, float* output,
    const struct rvpack_f32_minmax_params* params) {
  const float vmin = params->min;
  const float vmax = params->max;
  for (size_t oh = 0; oh < output_height; oh++) {
    for (size_t ow = 0; ow < output_width; ow++) {
      float acc = 0.0f;
      for (size_t kh = 0; kh < kernel_height; kh++) {
        // Unsigned: a row above the image wraps to a huge index and is skipped.
        const size_t ih = oh * stride_height + kh - pad_top;
        if (ih >= input_height) {
          continue;
        }
        for (size_t kw = 0; kw < kernel_width; kw++) {
          const size_t iw = ow * stride_width + kw - pad_left;
          if (iw >= input_width) {
            continue;
          }
          acc = __builtin_fmaf(weights[kh * kernel_width + kw], input[ih * input_width + iw], acc);
        }
      }
      acc += bias;
      // maximumNumber/minimumNumber, as RVV vfmax/vfmin.
      acc = __builtin_fmaxf(acc, vmin);
      acc = __builtin_fminf(acc, vmax);
      output[oh * output_width + ow] = acc;
    }
  }
}
