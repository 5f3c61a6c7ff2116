// Weight packing of the f32 column-sparse conv-GEMM microkernels
// (include/rvpack_rvv/spconvgemm.h). The scalar reference of
// sdk/targets/rvv/sparse.py (same bytes).

#include <stddef.h>
#include <stdint.h>

#include "rvpack_rvv/spconvgemm.h"

static float weight(const float* w, size_t w_stride, size_t row, size_t kk) {
  return ((const float*) ((uintptr_t) w + row * w_stride))[kk];
}

static void put_word(float* packed, size_t at, uint32_t word) {
  if (packed != NULL) {
    __builtin_memcpy(packed + at, &word, sizeof(word));
  }
}

size_t rvpack_f32_spconvgemm_pack_weights(size_t mr_block, size_t rows, size_t k, const float* w, size_t w_stride,
                                          const float* bias, size_t b_stride, float* packed) {
  size_t at = 0;
  for (size_t r0 = 0; r0 < rows; r0 += mr_block) {
    const size_t n = rows - r0 < mr_block ? rows - r0 : mr_block;
    const size_t head = at;
    at += 1;
    for (size_t i = 0; i < mr_block; i++, at++) {
      if (packed != NULL) packed[at] = i < n && bias != NULL ? bias[r0 + i] : 0.0f;
    }
    uint32_t kept = 0;
    for (size_t kk = 0; kk < k; kk++) {
      int nonzero = 0;
      for (size_t i = 0; i < n; i++) {
        nonzero |= weight(w, w_stride, r0 + i, kk) != 0.0f;
      }
      if (!nonzero) continue;
      kept++;
      put_word(packed, at++, (uint32_t) (int32_t) (kk * b_stride));
      for (size_t i = 0; i < mr_block; i++, at++) {
        if (packed != NULL) packed[at] = i < n ? weight(w, w_stride, r0 + i, kk) : 0.0f;
      }
    }
    put_word(packed, head, kept);
  }
  return at;
}
