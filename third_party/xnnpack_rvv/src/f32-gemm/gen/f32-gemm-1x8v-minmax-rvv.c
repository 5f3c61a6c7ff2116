// Auto-generated file. Do not edit!
//   Template: third_party/xnnpack_rvv/src/f32-gemm/MRxNRv-rvv.c.in
//   Generator: python third_party/xnnpack_rvv/tools/generate.py
//   Registry: third_party/xnnpack_rvv/src/f32-gemm/f32-gemm.inc
//
// 1 rows x 8 vector registers (LMUL=8) of columns, K unrolled by 2.
// Vector registers: 1 accumulator + 2 B vectors of 8 = 24 of 32.

#include <stddef.h>
#include <stdint.h>

#include <riscv_vector.h>

#include "rvpack_rvv/common.h"
#include "rvpack_rvv/gemm.h"

void rvpack_f32_gemm_minmax_ukernel_1x8v__rvv(
    size_t mr,
    size_t nc,
    size_t kc,
    const float* restrict a,
    size_t a_stride,
    const float* restrict w,
    float* restrict c,
    size_t cm_stride,
    size_t cn_stride,
    const struct rvpack_f32_minmax_params* restrict params)
{
  RVPACK_RVV_ASSERT(mr != 0);
  RVPACK_RVV_ASSERT(mr <= 1);
  RVPACK_RVV_ASSERT(nc != 0);
  RVPACK_RVV_ASSERT(kc != 0);
  RVPACK_RVV_ASSERT(kc % sizeof(float) == 0);

  (void) a_stride;
  (void) cm_stride;
  const float* a0 = a;
  float* c0 = c;

  const float vmin = params->min;
  const float vmax = params->max;
  const size_t nr = __riscv_vsetvlmax_e32m8();
  size_t vl = nr;
  do {
    if (nc < nr) {
      vl = __riscv_vsetvl_e32m8(nc);
    }
    nc -= vl;

    vfloat32m8_t vacc0 = __riscv_vle32_v_f32m8(w, vl);
    w += nr;

    size_t k = kc;
    for (; k >= 2 * sizeof(float); k -= 2 * sizeof(float)) {
      const float va0_0 = a0[0];
      const float va0_1 = a0[1];
      a0 += 2;
      const vfloat32m8_t vb0 = __riscv_vle32_v_f32m8(w, vl);
      const vfloat32m8_t vb1 = __riscv_vle32_v_f32m8(w + 1 * nr, vl);
      w += 2 * nr;
      vacc0 = __riscv_vfmacc_vf_f32m8(vacc0, va0_0, vb0, vl);
      vacc0 = __riscv_vfmacc_vf_f32m8(vacc0, va0_1, vb1, vl);
    }
    for (; k != 0; k -= sizeof(float)) {
      const float va0 = *a0++;
      const vfloat32m8_t vb = __riscv_vle32_v_f32m8(w, vl);
      w += nr;
      vacc0 = __riscv_vfmacc_vf_f32m8(vacc0, va0, vb, vl);
    }

    vacc0 = __riscv_vfmax_vf_f32m8(vacc0, vmin, vl);
    vacc0 = __riscv_vfmin_vf_f32m8(vacc0, vmax, vl);

    __riscv_vse32_v_f32m8(c0, vacc0, vl);
    c0 = (float*) ((uintptr_t) c0 + cn_stride);
    a0 = (const float*) ((uintptr_t) a0 - kc);
  } while (nc != 0);
}
