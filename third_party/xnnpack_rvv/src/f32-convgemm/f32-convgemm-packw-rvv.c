// Run-time packing for the f32 conv-GEMM microkernels (include/rvpack_rvv/convgemm.h)
// on RISC-V Vector 1.0: one vector of a block's MR values per K step (a unit-stride
// load from a column-stored matrix, a strided one from a row-stored matrix), the
// same bytes as the scalar routines of f32-convgemm-packw.c.

#include <stddef.h>
#include <stdint.h>

#include <riscv_vector.h>

#include "rvpack_rvv/convgemm.h"

void rvpack_f32_convgemm_pack_weights__rvv(size_t mr_block, size_t rows, size_t k, const float* w, size_t w_stride,
                                           const float* bias, float* packed) {
  const size_t vlmax = __riscv_vsetvlmax_e32m2();
  RVPACK_RVV_ASSERT(mr_block <= vlmax);
  (void) vlmax;
  for (size_t r0 = 0; r0 < rows; r0 += mr_block) {
    const size_t n = rows - r0 < mr_block ? rows - r0 : mr_block;
    // Zero the block's MR lanes once per step, then overwrite the n rows present.
    const vfloat32m2_t vzero = __riscv_vfmv_v_f_f32m2(0.0f, mr_block);
    __riscv_vse32_v_f32m2(packed, vzero, mr_block);
    if (bias != NULL) {
      __riscv_vse32_v_f32m2(packed, __riscv_vle32_v_f32m2(bias + r0, n), n);
    }
    packed += mr_block;
    const float* col = (const float*) ((uintptr_t) w + r0 * w_stride);
    for (size_t kk = 0; kk < k; kk++) {
      __riscv_vse32_v_f32m2(packed, vzero, mr_block);
      __riscv_vse32_v_f32m2(packed, __riscv_vlse32_v_f32m2(col + kk, (ptrdiff_t) w_stride, n), n);
      packed += mr_block;
    }
  }
}

void rvpack_f32_convgemm_pack_columns__rvv(size_t mr_block, size_t rows, size_t k, const float* x, size_t x_stride,
                                           float* packed) {
  for (size_t r0 = 0; r0 < rows; r0 += mr_block) {
    const size_t n = rows - r0 < mr_block ? rows - r0 : mr_block;
    const vfloat32m2_t vzero = __riscv_vfmv_v_f_f32m2(0.0f, mr_block);
    __riscv_vse32_v_f32m2(packed, vzero, mr_block);
    packed += mr_block;
    const float* col = x + r0;
    if (n == mr_block) {
      for (size_t kk = 0; kk < k; kk++) {
        __riscv_vse32_v_f32m2(packed, __riscv_vle32_v_f32m2(col, mr_block), mr_block);
        col = (const float*) ((uintptr_t) col + x_stride);
        packed += mr_block;
      }
    } else {
      for (size_t kk = 0; kk < k; kk++) {
        __riscv_vse32_v_f32m2(packed, vzero, mr_block);
        __riscv_vse32_v_f32m2(packed, __riscv_vle32_v_f32m2(col, n), n);
        col = (const float*) ((uintptr_t) col + x_stride);
        packed += mr_block;
      }
    }
  }
}
