// Weight packing of the f32 conv-GEMM microkernels (include/rvpack_rvv/convgemm.h):
// blocks of mr_block rows, each the rows' biases, then per K step their weights.
// The scalar reference of sdk/targets/rvv/packing.py (same bytes).

#include <stddef.h>
#include <stdint.h>

#include "rvpack_rvv/convgemm.h"

void rvpack_f32_convgemm_pack_weights(size_t mr_block, size_t rows, size_t k, const float* w, size_t w_stride,
                                      const float* bias, float* packed) {
  for (size_t r0 = 0; r0 < rows; r0 += mr_block) {
    for (size_t i = 0; i < mr_block; i++) {
      *packed++ = r0 + i < rows && bias != NULL ? bias[r0 + i] : 0.0f;
    }
    for (size_t kk = 0; kk < k; kk++) {
      for (size_t i = 0; i < mr_block; i++) {
        const float* row = (const float*) ((uintptr_t) w + (r0 + i) * w_stride);
        *packed++ = r0 + i < rows ? row[kk] : 0.0f;
      }
    }
  }
}

void rvpack_f32_convgemm_pack_columns(size_t mr_block, size_t rows, size_t k, const float* x, size_t x_stride,
                                      float* packed) {
  for (size_t r0 = 0; r0 < rows; r0 += mr_block) {
    const size_t n = rows - r0 < mr_block ? rows - r0 : mr_block;
    for (size_t i = 0; i < mr_block; i++) {
      *packed++ = 0.0f;
    }
    for (size_t kk = 0; kk < k; kk++) {
      const float* col = (const float*) ((uintptr_t) x + kk * x_stride) + r0;
      for (size_t i = 0; i < mr_block; i++) {
        *packed++ = i < n ? col[i] : 0.0f;
      }
    }
  }
}
