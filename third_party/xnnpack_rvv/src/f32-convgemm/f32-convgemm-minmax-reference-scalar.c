// Scalar reference for the f32 conv-GEMM microkernel contract
// (include/rvpack_rvv/convgemm.h): the oracle of the RVV kernels. Same
// arithmetic as they do (fma, k ascending, from the bias), so results agree
// bit for bit.

#include <stddef.h>
#include <stdint.h>

#include "rvpack_rvv/convgemm.h"

void rvpack_f32_convgemm_minmax_reference__scalar(size_t mr, size_t nc, size_t kc, const float* w,
                                                  size_t w_stride, const float* b, size_t b_stride,
                                                  const float* bias, float* c, size_t c_stride,
                                                  const struct rvpack_f32_minmax_params* params) {
  const size_t k = kc / sizeof(float);
  const float vmin = params->min;
  const float vmax = params->max;
  for (size_t i = 0; i < mr; i++) {
    const float* w_row = (const float*) ((uintptr_t) w + i * w_stride);
    float* c_row = (float*) ((uintptr_t) c + i * c_stride);
    for (size_t j = 0; j < nc; j++) {
      float acc = bias != NULL ? bias[i] : 0.0f;
      for (size_t kk = 0; kk < k; kk++) {
        const float* b_row = (const float*) ((uintptr_t) b + kk * b_stride);
        acc = __builtin_fmaf(w_row[kk], b_row[j], acc);
      }
      // maximumNumber/minimumNumber, as RVV vfmax/vfmin.
      acc = __builtin_fmaxf(acc, vmin);
      acc = __builtin_fminf(acc, vmax);
      c_row[j] = acc;
    }
  }
}
