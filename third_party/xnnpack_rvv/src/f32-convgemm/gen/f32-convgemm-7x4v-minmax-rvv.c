// Auto-generated file. Do not edit!
//   Template: third_party/xnnpack_rvv/src/f32-convgemm/MRxNRv-rvv.c.in
//   Generator: python third_party/xnnpack_rvv/tools/generate.py
//   Registry: third_party/xnnpack_rvv/src/f32-convgemm/f32-convgemm.inc
//
// 7 rows (output channels) x 4 vector registers (LMUL=4) of columns (output pixels), K unrolled by 1.
// Vector registers: 7 accumulators + 1 B vector of 4 = 32 of 32.
// Scalar FP registers in the K loop: 7 weights.

#include <stddef.h>
#include <stdint.h>

#include <riscv_vector.h>

#include "rvpack_rvv/common.h"
#include "rvpack_rvv/convgemm.h"

void rvpack_f32_convgemm_minmax_ukernel_7x4v__rvv(
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
  RVPACK_RVV_ASSERT(mr <= 7);
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
  const float* w4 = (const float*) ((uintptr_t) w3 + w_stride);
  float* c4 = (float*) ((uintptr_t) c3 + c_stride);
  if (mr <= 4) {
    w4 = w3;
    c4 = c3;
  }
  const float* w5 = (const float*) ((uintptr_t) w4 + w_stride);
  float* c5 = (float*) ((uintptr_t) c4 + c_stride);
  if (mr <= 5) {
    w5 = w4;
    c5 = c4;
  }
  const float* w6 = (const float*) ((uintptr_t) w5 + w_stride);
  float* c6 = (float*) ((uintptr_t) c5 + c_stride);
  if (mr <= 6) {
    w6 = w5;
    c6 = c5;
  }
  float vbias0 = 0.0f;
  float vbias1 = 0.0f;
  float vbias2 = 0.0f;
  float vbias3 = 0.0f;
  float vbias4 = 0.0f;
  float vbias5 = 0.0f;
  float vbias6 = 0.0f;
  if (bias != NULL) {
    vbias0 = bias[0];
    vbias1 = mr > 1 ? bias[1] : vbias0;
    vbias2 = mr > 2 ? bias[2] : vbias1;
    vbias3 = mr > 3 ? bias[3] : vbias2;
    vbias4 = mr > 4 ? bias[4] : vbias3;
    vbias5 = mr > 5 ? bias[5] : vbias4;
    vbias6 = mr > 6 ? bias[6] : vbias5;
  }

  const float vmin = params->min;
  const float vmax = params->max;
  const size_t nr = __riscv_vsetvlmax_e32m4();
  size_t vl = nr;
  do {
    if (nc < nr) {
      vl = __riscv_vsetvl_e32m4(nc);
    }
    nc -= vl;

    vfloat32m4_t vacc0 = __riscv_vfmv_v_f_f32m4(vbias0, vl);
    vfloat32m4_t vacc1 = __riscv_vfmv_v_f_f32m4(vbias1, vl);
    vfloat32m4_t vacc2 = __riscv_vfmv_v_f_f32m4(vbias2, vl);
    vfloat32m4_t vacc3 = __riscv_vfmv_v_f_f32m4(vbias3, vl);
    vfloat32m4_t vacc4 = __riscv_vfmv_v_f_f32m4(vbias4, vl);
    vfloat32m4_t vacc5 = __riscv_vfmv_v_f_f32m4(vbias5, vl);
    vfloat32m4_t vacc6 = __riscv_vfmv_v_f_f32m4(vbias6, vl);

    const float* bk = b;
    size_t k = kc;
    do {
      const float vw0 = *w0++;
      const float vw1 = *w1++;
      const float vw2 = *w2++;
      const float vw3 = *w3++;
      const float vw4 = *w4++;
      const float vw5 = *w5++;
      const float vw6 = *w6++;
      const vfloat32m4_t vb = __riscv_vle32_v_f32m4(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m4(vacc0, vw0, vb, vl);
      vacc1 = __riscv_vfmacc_vf_f32m4(vacc1, vw1, vb, vl);
      vacc2 = __riscv_vfmacc_vf_f32m4(vacc2, vw2, vb, vl);
      vacc3 = __riscv_vfmacc_vf_f32m4(vacc3, vw3, vb, vl);
      vacc4 = __riscv_vfmacc_vf_f32m4(vacc4, vw4, vb, vl);
      vacc5 = __riscv_vfmacc_vf_f32m4(vacc5, vw5, vb, vl);
      vacc6 = __riscv_vfmacc_vf_f32m4(vacc6, vw6, vb, vl);
      k -= sizeof(float);
    } while (k != 0);

    vacc0 = __riscv_vfmax_vf_f32m4(vacc0, vmin, vl);
    vacc1 = __riscv_vfmax_vf_f32m4(vacc1, vmin, vl);
    vacc2 = __riscv_vfmax_vf_f32m4(vacc2, vmin, vl);
    vacc3 = __riscv_vfmax_vf_f32m4(vacc3, vmin, vl);
    vacc4 = __riscv_vfmax_vf_f32m4(vacc4, vmin, vl);
    vacc5 = __riscv_vfmax_vf_f32m4(vacc5, vmin, vl);
    vacc6 = __riscv_vfmax_vf_f32m4(vacc6, vmin, vl);
    vacc0 = __riscv_vfmin_vf_f32m4(vacc0, vmax, vl);
    vacc1 = __riscv_vfmin_vf_f32m4(vacc1, vmax, vl);
    vacc2 = __riscv_vfmin_vf_f32m4(vacc2, vmax, vl);
    vacc3 = __riscv_vfmin_vf_f32m4(vacc3, vmax, vl);
    vacc4 = __riscv_vfmin_vf_f32m4(vacc4, vmax, vl);
    vacc5 = __riscv_vfmin_vf_f32m4(vacc5, vmax, vl);
    vacc6 = __riscv_vfmin_vf_f32m4(vacc6, vmax, vl);

    __riscv_vse32_v_f32m4(c6, vacc6, vl);
    c6 += vl;
    __riscv_vse32_v_f32m4(c5, vacc5, vl);
    c5 += vl;
    __riscv_vse32_v_f32m4(c4, vacc4, vl);
    c4 += vl;
    __riscv_vse32_v_f32m4(c3, vacc3, vl);
    c3 += vl;
    __riscv_vse32_v_f32m4(c2, vacc2, vl);
    c2 += vl;
    __riscv_vse32_v_f32m4(c1, vacc1, vl);
    c1 += vl;
    __riscv_vse32_v_f32m4(c0, vacc0, vl);
    c0 += vl;
    w0 = (const float*) ((uintptr_t) w0 - kc);
    w1 = (const float*) ((uintptr_t) w1 - kc);
    w2 = (const float*) ((uintptr_t) w2 - kc);
    w3 = (const float*) ((uintptr_t) w3 - kc);
    w4 = (const float*) ((uintptr_t) w4 - kc);
    w5 = (const float*) ((uintptr_t) w5 - kc);
    w6 = (const float*) ((uintptr_t) w6 - kc);
    b += vl;
  } while (nc != 0);
}
