// Auto-generated file. Do not edit!
//   Template: third_party/xnnpack_rvv/src/f32-convgemm/MRxNRv-rvv.c.in
//   Generator: python third_party/xnnpack_rvv/tools/generate.py
//   Registry: third_party/xnnpack_rvv/src/f32-convgemm/f32-convgemm.inc
//
// 4 rows (output channels) x 2 vector registers (LMUL=2) of columns (output pixels), K unrolled by 2.
// Vector registers: 4 accumulators + 2 B vectors of 2 = 12 of 32.
// Scalar FP registers in the K loop: 8 weights.

#include <stddef.h>
#include <stdint.h>

#include <riscv_vector.h>

#include "rvpack_rvv/common.h"
#include "rvpack_rvv/convgemm.h"

void rvpack_f32_convgemm_minmax_ukernel_4x2v__rvv(
    size_t mr,
    size_t nc,
    size_t kc,
    const float* restrict w,
    size_t w_stride,
    const float* restrict b,
    size_t b_stride,
    const float* restrict bias,
    float* restrict c,
    size_t c_stride,
    const struct rvpack_f32_minmax_params* restrict params)
{
  RVPACK_RVV_ASSERT(mr != 0);
  RVPACK_RVV_ASSERT(mr <= 4);
  RVPACK_RVV_ASSERT(nc != 0);
  RVPACK_RVV_ASSERT(kc != 0);
  RVPACK_RVV_ASSERT(kc % sizeof(float) == 0);

  // Rows past mr alias the row before: they compute (and store) the same values.
  const float* w0 = w;
  float* c0 = c;
  const float* w1 = (const float*) ((uintptr_t) w0 + w_stride);
  float* c1 = (float*) ((uintptr_t) c0 + c_stride);
  if (mr <= 1) {
    w1 = w0;
    c1 = c0;
  }
  const float* w2 = (const float*) ((uintptr_t) w1 + w_stride);
  float* c2 = (float*) ((uintptr_t) c1 + c_stride);
  if (mr <= 2) {
    w2 = w1;
    c2 = c1;
  }
  const float* w3 = (const float*) ((uintptr_t) w2 + w_stride);
  float* c3 = (float*) ((uintptr_t) c2 + c_stride);
  if (mr <= 3) {
    w3 = w2;
    c3 = c2;
  }
  float vbias0 = 0.0f;
  float vbias1 = 0.0f;
  float vbias2 = 0.0f;
  float vbias3 = 0.0f;
  if (bias != NULL) {
    vbias0 = bias[0];
    vbias1 = mr > 1 ? bias[1] : vbias0;
    vbias2 = mr > 2 ? bias[2] : vbias1;
    vbias3 = mr > 3 ? bias[3] : vbias2;
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

    vfloat32m2_t vacc0 = __riscv_vfmv_v_f_f32m2(vbias0, vl);
    vfloat32m2_t vacc1 = __riscv_vfmv_v_f_f32m2(vbias1, vl);
    vfloat32m2_t vacc2 = __riscv_vfmv_v_f_f32m2(vbias2, vl);
    vfloat32m2_t vacc3 = __riscv_vfmv_v_f_f32m2(vbias3, vl);

    const float* bk = b;
    size_t k = kc;
    for (; k >= 2 * sizeof(float); k -= 2 * sizeof(float)) {
      const float vw0_0 = w0[0];
      const float vw0_1 = w0[1];
      w0 += 2;
      const float vw1_0 = w1[0];
      const float vw1_1 = w1[1];
      w1 += 2;
      const float vw2_0 = w2[0];
      const float vw2_1 = w2[1];
      w2 += 2;
      const float vw3_0 = w3[0];
      const float vw3_1 = w3[1];
      w3 += 2;
      const vfloat32m2_t vb0 = __riscv_vle32_v_f32m2(bk, vl);
      const vfloat32m2_t vb1 = __riscv_vle32_v_f32m2((const float*) ((uintptr_t) bk + 1 * b_stride), vl);
      bk = (const float*) ((uintptr_t) bk + 2 * b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m2(vacc0, vw0_0, vb0, vl);
      vacc1 = __riscv_vfmacc_vf_f32m2(vacc1, vw1_0, vb0, vl);
      vacc2 = __riscv_vfmacc_vf_f32m2(vacc2, vw2_0, vb0, vl);
      vacc3 = __riscv_vfmacc_vf_f32m2(vacc3, vw3_0, vb0, vl);
      vacc0 = __riscv_vfmacc_vf_f32m2(vacc0, vw0_1, vb1, vl);
      vacc1 = __riscv_vfmacc_vf_f32m2(vacc1, vw1_1, vb1, vl);
      vacc2 = __riscv_vfmacc_vf_f32m2(vacc2, vw2_1, vb1, vl);
      vacc3 = __riscv_vfmacc_vf_f32m2(vacc3, vw3_1, vb1, vl);
    }
    if (k != 0) {
      const float vw0 = *w0++;
      const float vw1 = *w1++;
      const float vw2 = *w2++;
      const float vw3 = *w3++;
      const vfloat32m2_t vb = __riscv_vle32_v_f32m2(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m2(vacc0, vw0, vb, vl);
      vacc1 = __riscv_vfmacc_vf_f32m2(vacc1, vw1, vb, vl);
      vacc2 = __riscv_vfmacc_vf_f32m2(vacc2, vw2, vb, vl);
      vacc3 = __riscv_vfmacc_vf_f32m2(vacc3, vw3, vb, vl);
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
    c3 += vl;
    __riscv_vse32_v_f32m2(c2, vacc2, vl);
    c2 += vl;
    __riscv_vse32_v_f32m2(c1, vacc1, vl);
    c1 += vl;
    __riscv_vse32_v_f32m2(c0, vacc0, vl);
    c0 += vl;
    w0 = (const float*) ((uintptr_t) w0 - kc);
    w1 = (const float*) ((uintptr_t) w1 - kc);
    w2 = (const float*) ((uintptr_t) w2 - kc);
    w3 = (const float*) ((uintptr_t) w3 - kc);
    b += vl;
  } while (nc != 0);
}
