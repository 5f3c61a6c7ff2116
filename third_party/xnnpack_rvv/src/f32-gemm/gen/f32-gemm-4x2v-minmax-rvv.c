// Auto-generated file. Do not edit!
//   Template: third_party/xnnpack_rvv/src/f32-gemm/MRxNRv-rvv.c.in
//   Generator: python third_party/xnnpack_rvv/tools/generate.py
//   Registry: third_party/xnnpack_rvv/src/f32-gemm/f32-gemm.inc
//
// 4 rows x 2 vector registers (LMUL=2) of columns, K unrolled by 2.
// Vector registers: 4 accumulators + 2 B vectors of 2 = 12 of 32.

#include <stddef.h>
#include <stdint.h>

#include <riscv_vector.h>

#include "rvpack_rvv/common.h"
#include "rvpack_rvv/gemm.h"

void rvpack_f32_gemm_minmax_ukernel_4x2v__rvv(
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
  RVPACK_RVV_ASSERT(mr <= 4);
  RVPACK_RVV_ASSERT(nc != 0);
  RVPACK_RVV_ASSERT(kc != 0);
  RVPACK_RVV_ASSERT(kc % sizeof(float) == 0);

  // Rows past mr alias the row before: they compute (and store) the same values.
  const float* a0 = a;
  float* c0 = c;
  const float* a1 = (const float*) ((uintptr_t) a0 + a_stride);
  float* c1 = (float*) ((uintptr_t) c0 + cm_stride);
  if (mr <= 1) {
    a1 = a0;
    c1 = c0;
  }
  const float* a2 = (const float*) ((uintptr_t) a1 + a_stride);
  float* c2 = (float*) ((uintptr_t) c1 + cm_stride);
  if (mr <= 2) {
    a2 = a1;
    c2 = c1;
  }
  const float* a3 = (const float*) ((uintptr_t) a2 + a_stride);
  float* c3 = (float*) ((uintptr_t) c2 + cm_stride);
  if (mr <= 3) {
    a3 = a2;
    c3 = c2;
  }

  const float vmin = params->min;
  const float vmax = params->max;
  const size_t nr = __riscv_vsetvlmax_e32m2();
  size_t vl = nr;
  do {
    if (nc < nr) {
      vl = __riscv_vsetvl_e32m2(nc);
    }
    nc -= vl;

    vfloat32m2_t vacc0 = __riscv_vle32_v_f32m2(w, vl);
    vfloat32m2_t vacc1 = vacc0;
    vfloat32m2_t vacc2 = vacc0;
    vfloat32m2_t vacc3 = vacc0;
    w += nr;

    size_t k = kc;
    for (; k >= 2 * sizeof(float); k -= 2 * sizeof(float)) {
      const float va0_0 = a0[0];
      const float va0_1 = a0[1];
      a0 += 2;
      const float va1_0 = a1[0];
      const float va1_1 = a1[1];
      a1 += 2;
      const float va2_0 = a2[0];
      const float va2_1 = a2[1];
      a2 += 2;
      const float va3_0 = a3[0];
      const float va3_1 = a3[1];
      a3 += 2;
      const vfloat32m2_t vb0 = __riscv_vle32_v_f32m2(w, vl);
      const vfloat32m2_t vb1 = __riscv_vle32_v_f32m2(w + 1 * nr, vl);
      w += 2 * nr;
      vacc0 = __riscv_vfmacc_vf_f32m2(vacc0, va0_0, vb0, vl);
      vacc1 = __riscv_vfmacc_vf_f32m2(vacc1, va1_0, vb0, vl);
      vacc2 = __riscv_vfmacc_vf_f32m2(vacc2, va2_0, vb0, vl);
      vacc3 = __riscv_vfmacc_vf_f32m2(vacc3, va3_0, vb0, vl);
      vacc0 = __riscv_vfmacc_vf_f32m2(vacc0, va0_1, vb1, vl);
      vacc1 = __riscv_vfmacc_vf_f32m2(vacc1, va1_1, vb1, vl);
      vacc2 = __riscv_vfmacc_vf_f32m2(vacc2, va2_1, vb1, vl);
      vacc3 = __riscv_vfmacc_vf_f32m2(vacc3, va3_1, vb1, vl);
    }
    for (; k != 0; k -= sizeof(float)) {
      const float va0 = *a0++;
      const float va1 = *a1++;
      const float va2 = *a2++;
      const float va3 = *a3++;
      const vfloat32m2_t vb = __riscv_vle32_v_f32m2(w, vl);
      w += nr;
      vacc0 = __riscv_vfmacc_vf_f32m2(vacc0, va0, vb, vl);
      vacc1 = __riscv_vfmacc_vf_f32m2(vacc1, va1, vb, vl);
      vacc2 = __riscv_vfmacc_vf_f32m2(vacc2, va2, vb, vl);
      vacc3 = __riscv_vfmacc_vf_f32m2(vacc3, va3, vb, vl);
    }

    vacc0 = __riscv_vfmax_vf_f32m2(vacc0, vmin, vl);
    vacc1 = __riscv_vfmax_vf_f32m2(vacc1, vmin, vl);
    vacc2 = __riscv_vfmax_vf_f32m2(vacc2, vmin, vl);
    vacc3 = __riscv_vfmax_vf_f32m2(vacc3, vmin, vl);
    vacc0 = __riscv_vfmin_vf_f32m2(vacc0, vmax, vl);
    vacc1 = __riscv_vfmin_vf_f32m2(vacc1, vmax, vl);
    vacc2 = __riscv_vfmin_vf_f32m2(vacc2, vmax, vl);
    vacc3 = __riscv_vfmin_vf_f32m2(vacc3, vmax, vl);

    __riscv_vse32_v_f32m2(c3, vacc3, vl);
    c3 = (float*) ((uintptr_t) c3 + cn_stride);
    __riscv_vse32_v_f32m2(c2, vacc2, vl);
    c2 = (float*) ((uintptr_t) c2 + cn_stride);
    __riscv_vse32_v_f32m2(c1, vacc1, vl);
    c1 = (float*) ((uintptr_t) c1 + cn_stride);
    __riscv_vse32_v_f32m2(c0, vacc0, vl);
    c0 = (float*) ((uintptr_t) c0 + cn_stride);
    a0 = (const float*) ((uintptr_t) a0 - kc);
    a1 = (const float*) ((uintptr_t) a1 - kc);
    a2 = (const float*) ((uintptr_t) a2 - kc);
    a3 = (const float*) ((uintptr_t) a3 - kc);
  } while (nc != 0);
}
