// Scalar reference weight packing for the f32 GEMM microkernels; the layout
// is described in include/rvpack_rvv/packw.h.

#include <stddef.h>

#include "rvpack_rvv/packw.h"

size_t rvpack_x32_packw_gemm_size(size_t n, size_t k, size_t nr) {
  const size_t panels = (n + nr - 1) / nr;
  return panels * nr * (k + 1) * sizeof(float);
}

// Packs columns of w addressed as w[j * j_stride + kk * k_stride].
static void packw_gemm(size_t n, size_t k, size_t nr, const float* w, size_t j_stride,
                       size_t k_stride, const float* bias, float* packed) {
  for (size_t n0 = 0; n0 < n; n0 += nr) {
    const size_t nb = n - n0 < nr ? n - n0 : nr;
    for (size_t j = 0; j < nr; j++) {
      packed[j] = (bias != NULL && j < nb) ? bias[n0 + j] : 0.0f;
    }
    packed += nr;
    for (size_t kk = 0; kk < k; kk++) {
      for (size_t j = 0; j < nr; j++) {
        packed[j] = j < nb ? w[(n0 + j) * j_stride + kk * k_stride] : 0.0f;
      }
      packed += nr;
    }
  }
}

void rvpack_x32_packw_gemm_goi__scalar(size_t n, size_t k, size_t nr, const float* w,
                                       const float* bias, float* packed) {
  packw_gemm(n, k, nr, w, /*j_stride=*/k, /*k_stride=*/1, bias, packed);
}

void rvpack_x32_packw_gemm_gio__scalar(size_t n, size_t k, size_t nr, const float* w,
                                       const float* bias, float* packed) {
  packw_gemm(n, k, nr, w, /*j_stride=*/1, /*k_stride=*/n, bias, packed);
}
