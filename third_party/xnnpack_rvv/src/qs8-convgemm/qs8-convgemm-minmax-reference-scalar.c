// The scalar reference of the qs8 conv-GEMM microkernels
// (include/rvpack_rvv/qs8_convgemm.h): one element at a time, in the
// arithmetic the contract spells out. Portable C.
#include <stddef.h>
#include <stdint.h>

#include "rvpack_rvv/qs8_convgemm.h"

// (x * m + 2^30) >> 31, then >> right rounding half up: vsmul and vssra with vxrm = rnu.
static int32_t requantize_half_up(int32_t acc, int32_t multiplier, int32_t left, int32_t right) {
  const int32_t x = (int32_t) ((uint32_t) acc << left);
  const int64_t high = ((int64_t) x * multiplier + (INT64_C(1) << 30)) >> 31;  // arithmetic shift: floor
  const int64_t rounded = right == 0 ? high : (high + (INT64_C(1) << (right - 1))) >> right;
  return (int32_t) rounded;
}

// round((float) acc * scale), ties to even, saturated to int32 like vfcvt.
static int32_t requantize_float(int32_t acc, float scale) {
  const float x = (float) acc * scale;
  if (x >= 2147483648.0f) return INT32_MAX;
  if (x < -2147483648.0f) return INT32_MIN;
  float r = x;
  if (x > -8388608.0f && x < 8388608.0f) {  // below 2^23 add/subtract 1.5 * 2^23: ties to even
    const float magic = x >= 0.0f ? 8388608.0f : -8388608.0f;
    r = (x + magic) - magic;
  }
  return (int32_t) r;
}

void rvpack_qs8_convgemm_minmax_reference__scalar(size_t mr_block, size_t mr, size_t nc, size_t kc, const void* w,
                                                  const int8_t* b, size_t b_stride, int8_t* c, size_t c_stride,
                                                  const struct rvpack_qs8_minmax_params* params) {
  const int32_t* words = (const int32_t*) w;
  const float* scales = (const float*) w + 4 * mr_block;
  const int8_t* weights = (const int8_t*) w + 20 * mr_block;
  for (size_t i = 0; i < mr; ++i) {
    for (size_t j = 0; j < nc; ++j) {
      int32_t acc = words[i];
      for (size_t kk = 0; kk < kc; ++kk) {
        acc = (int32_t) ((uint32_t) acc + (uint32_t) ((int32_t) weights[kk * mr_block + i] * b[kk * b_stride + j]));
      }
      int32_t v = params->rounding == RVPACK_QS8_ROUND_FLOAT
                      ? requantize_float(acc, scales[i])
                      : requantize_half_up(acc, words[mr_block + i], words[2 * mr_block + i], words[3 * mr_block + i]);
      v = (int32_t) ((uint32_t) v + (uint32_t) params->output_zero_point);
      v = v < params->min ? params->min : v;
      v = v > params->max ? params->max : v;
      c[i * c_stride + j] = (int8_t) v;
    }
  }
}
