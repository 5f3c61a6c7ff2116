// Scalar reference for the f32 GEMM microkernel contract (include/rvpack_rvv/gemm.h):
// the oracle of the RVV kernels, with the panel width nr as an argument.

#include <stddef.h>
#include <stdint.h>

#include "rvpack_rvv/gemm.h"

void rvpack_f32_gemm_minmax_reference__scalar(size_t mr, size_t nc, size_t kc, size_t nr,
                                              const float* a, size_t a_stride, const float* w,
                                              float* c, size_t cm_stride, size_t cn_stride,
                                              const struct rvpack_f32_minmax_params* params) {
  const size_t k = kc / sizeof(float);
  const float vmin = params->min;
  const float vmax = params->max;
  for (size_t n0 = 0; n0 < nc; n0 += nr) {
    const size_t nb = nc - n0 < nr ? nc - n0 : nr;
    for (size_t i = 0; i < mr; i++) {
      const float* a_row = (const float*) ((uintptr_t) a + i * a_stride);
      float* c_row = (float*) ((uintptr_t) c + i * cm_stride + (n0 / nr) * cn_stride);
      for (size_t j = 0; j < nb; j++) {
        float acc = w[j];
        for (size_t kk = 0; kk < k; kk++) {
          acc = __builtin_fmaf(a_row[kk], w[(kk + 1) * nr + j], acc);
        }
        // maximumNumber/minimumNumber, as RVV vfmax/vfmin.
        acc = __builtin_fmaxf(acc, vmin);
        acc = __builtin_fminf(acc, vmax);
        c_row[j] = acc;
      }
    }
    w += nr * (k + 1);
  }
}
