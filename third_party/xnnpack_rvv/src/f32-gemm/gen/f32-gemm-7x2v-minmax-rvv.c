// Auto-generated file. Do not edit!
//   Template: third_party/xnnpack_rvv/src/f32-gemm/MRxNRv-rvv.c.in
//   Generator: python third_party/xnnpack_rvv/tools/generate.py
//   Registry: third_party/xnnpack_rvv/src/f32-gemm/f32-gemm.inc
//
// 7 rows x 2 vector registers (LMUL=2) of columns, K unrolled by 2.
// Vector registers: 7 accumulators + 2 B vectors of 2 = 18 of 32.

#include <stddef.h>
#include <stdint.h>

#include <riscv_vector.h>

#include "rvpack_rvv/common.h"
#include "rvpack_rvv/gemm.h"

void rvpack_f32_gemm_minmax_ukernel_7x2v__rvv(
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
  RVPACK_RVV_ASSERT(mr <= 7);
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
  const float* a4 = (const float*) ((uintptr_t) a3 + a_stride);
  float* c4 = (float*) ((uintptr_t) c3 + cm_stride);
  if (mr <= 4) {
    a4 = a3;
    c4 = c3;
  }
  const float* a5 = (const float*) ((uintptr_t) a4 + a_stride);
  float* c5 = (float*) ((uintptr_t) c4 + cm_stride);
  if (mr <= 5) {
    a5 = a4;
    c5 = c4;
  }
  const float* a6 = (const float*) ((uintptr_t) a5 + a_stride);
  float* c6 = (float*) ((uintptr_t) c5 + cm_stride);
  if (mr <= 6) {
    a6 = a5;
    c6 = c5;
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
    vfloat32m2_t vacc4 = vacc0;
    vfloat32m2_t vacc5 = vacc0;
    vfloat32m2_t vacc6 = vacc0;
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
      const float va4_0 = a4[0];
      const float va4_1 = a4[1];
      a4 += 2;
      const float va5_0 = a5[0];
      const float va5_1 = a5[1];
      a5 += 2;
      const float va6_0 = a6[0];
      const float va6_1 = a6[1];
      a6 += 2;
      const vfloat32m2_t vb0 = __riscv_vle32_v_f32m2(w, vl);
      const vfloat32m2_t vb1 = __riscv_vle32_v_f32m2(w + 1 * nr, vl);
      w += 2 * nr;
      vacc0 = __riscv_vfmacc_vf_f32m2(vacc0, va0_0, vb0, vl);
      vacc1 = __riscv_vfmacc_vf_f32m2(vacc1, va1_0, vb0, vl);
      vacc2 = __riscv_vfmacc_vf_f32m2(vacc2, va2_0, vb0, vl);
      vacc3 = __riscv_vfmacc_vf_f32m2(vacc3, va3_0, vb0, vl);
      vacc4 = __riscv_vfmacc_vf_f32m2(vacc4, va4_0, vb0, vl);
      vacc5 = __riscv_vfmacc_vf_f32m2(vacc5, va5_0, vb0, vl);
      vacc6 = __riscv_vfmacc_vf_f32m2(vacc6, va6_0, vb0, vl);
      vacc0 = __riscv_vfmacc_vf_f32m2(vacc0, va0_1, vb1, vl);
      vacc1 = __riscv_vfmacc_vf_f32m2(vacc1, va1_1, vb1, vl);
      vacc2 = __riscv_vfmacc_vf_f32m2(vacc2, va2_1, vb1, vl);
      vacc3 = __riscv_vfmacc_vf_f32m2(vacc3, va3_1, vb1, vl);
      vacc4 = __riscv_vfmacc_vf_f32m2(vacc4, va4_1, vb1, vl);
      vacc5 = __riscv_vfmacc_vf_f32m2(vacc5, va5_1, vb1, vl);
      vacc6 = __riscv_vfmacc_vf_f32m2(vacc6, va6_1, vb1, vl);
    }
    for (; k != 0; k -= sizeof(float)) {
      const float va0 = *a0++;
      const float va1 = *a1++;
      const float va2 = *a2++;
      const float va3 = *a3++;
      const float va4 = *a4++;
      const float va5 = *a5++;
      const float va6 = *a6++;
      const vfloat32m2_t vb = __riscv_vle32_v_f32m2(w, vl);
      w += nr;
      vacc0 = __riscv_vfmacc_vf_f32m2(vacc0, va0, vb, vl);
      vacc1 = __riscv_vfmacc_vf_f32m2(vacc1, va1, vb, vl);
      vacc2 = __riscv_vfmacc_vf_f32m2(vacc2, va2, vb, vl);
      vacc3 = __riscv_vfmacc_vf_f32m2(vacc3, va3, vb, vl);
      vacc4 = __riscv_vfmacc_vf_f32m2(vacc4, va4, vb, vl);
      vacc5 = __riscv_vfmacc_vf_f32m2(vacc5, va5, vb, vl);
      vacc6 = __riscv_vfmacc_vf_f32m2(vacc6, va6, vb, vl);
    }

    vacc0 = __riscv_vfmax_vf_f32m2(vacc0, vmin, vl);
    vacc1 = __riscv_vfmax_vf_f32m2(vacc1, vmin, vl);
    vacc2 = __riscv_vfmax_vf_f32m2(vacc2, vmin, vl);
    vacc3 = __riscv_vfmax_vf_f32m2(vacc3, vmin, vl);
    vacc4 = __riscv_vfmax_vf_f32m2(vacc4, vmin, vl);
    vacc5 = __riscv_vfmax_vf_f32m2(vacc5, vmin, vl);
    vacc6 = __riscv_vfmax_vf_f32m2(vacc6, vmin, vl);
    vacc0 = __riscv_vfmin_vf_f32m2(vacc0, vmax, vl);
    vacc1 = __riscv_vfmin_vf_f32m2(vacc1, vmax, vl);
    vacc2 = __riscv_vfmin_vf_f32m2(vacc2, vmax, vl);
    vacc3 = __riscv_vfmin_vf_f32m2(vacc3, vmax, vl);
    vacc4 = __riscv_vfmin_vf_f32m2(vacc4, vmax, vl);
    vacc5 = __riscv_vfmin_vf_f32m2(vacc5, vmax, vl);
    vacc6 = __riscv_vfmin_vf_f32m2(vacc6, vmax, vl);

    __riscv_vse32_v_f32m2(c6, vacc6, vl);
    c6 = (float*) ((uintptr_t) c6 + cn_stride);
    __riscv_vse32_v_f32m2(c5, vacc5, vl);
    c5 = (float*) ((uintptr_t) c5 + cn_stride);
    __riscv_vse32_v_f32m2(c4, vacc4, vl);
    c4 = (float*) ((uintptr_t) c4 + cn_stride);
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
    a4 = (const float*) ((uintptr_t) a4 - kc);
    a5 = (const float*) ((uintptr_t) a5 - kc);
    a6 = (const float*) ((uintptr_t) a6 - kc);
  } while (nc != 0);
}
