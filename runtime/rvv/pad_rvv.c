/* Padding on RISC-V Vector 1.0: the row walk of rvpack_f32_pad__scalar
 * (runtime/src/pad.c) with vector row fills and copies (LMUL 8). */
#include <riscv_vector.h>
#include <stddef.h>

#include "../src/internal.h"
#include "rvpack/kernels_rvv.h"

static void fill_rvv(float* y, size_t n, float value) {
  const vfloat32m8_t v = __riscv_vfmv_v_f_f32m8(value, __riscv_vsetvlmax_e32m8());
  for (size_t vl; n > 0; n -= vl, y += vl) {
    vl = __riscv_vsetvl_e32m8(n);
    __riscv_vse32_v_f32m8(y, v, vl);
  }
}

static void copy_rvv(float* y, const float* x, size_t n) {
  for (size_t vl; n > 0; n -= vl, x += vl, y += vl) {
    vl = __riscv_vsetvl_e32m8(n);
    __riscv_vse32_v_f32m8(y, __riscv_vle32_v_f32m8(x, vl), vl);
  }
}

void rvpack_f32_pad__rvv(const rvpack_pad_params_t* p, const float* x, float* y) {
  rvpack_internal_pad_f32(p, x, y, fill_rvv, copy_rvv);
}
