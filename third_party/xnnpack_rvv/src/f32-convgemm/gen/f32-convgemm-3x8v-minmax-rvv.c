// Auto-generated file. Do not edit!
//   Template: third_party/xnnpack_rvv/src/f32-convgemm/MRxNRv-rvv.c.in
//   Generator: python third_party/xnnpack_rvv/tools/generate.py
//   Registry: third_party/xnnpack_rvv/src/f32-convgemm/f32-convgemm.inc
//
// 3 rows (output channels) x 8 vector registers (LMUL=8) of columns (output pixels), K unrolled by 1.
// Vector registers: 3 accumulators + 1 B vector of 8 = 32 of 32.
// Scalar FP registers in the K loop: 3 weights.

#include <stddef.h>
#include <stdint.h>

#include <riscv_vector.h>

#include "rvpack_rvv/common.h"
#include "rvpack_rvv/convgemm.h"

void rvpack_f32_convgemm_minmax_ukernel_3x8v__rvv(
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
  RVPACK_RVV_ASSERT(mr <= 3);
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
  float vbias0 = 0.0f;
  float vbias1 = 0.0f;
  float vbias2 = 0.0f;
  if (bias != NULL) {
    vbias0 = bias[0];
    vbias1 = mr > 1 ? bias[1] : vbias0;
    vbias2 = mr > 2 ? bias[2] : vbias1;
  }

  const float vmin = params->min;
  const float vmax = params->max;
  const size_t nr = __riscv_vsetvlmax_e32m8();
  size_t vl = nr;
  do {
    if (nc < nr) {
      vl = __riscv_vsetvl_e32m8(nc);
    }
    nc -= vl;

    vfloat32m8_t vacc0 = __riscv_vfmv_v_f_f32m8(vbias0, vl);
    vfloat32m8_t vacc1 = __riscv_vfmv_v_f_f32m8(vbias1, vl);
    vfloat32m8_t vacc2 = __riscv_vfmv_v_f_f32m8(vbias2, vl);

    const float* bk = b;
    size_t k = kc;
    do {
      const float vw0 = *w0++;
      const float vw1 = *w1++;
      const float vw2 = *w2++;
      const vfloat32m8_t vb = __riscv_vle32_v_f32m8(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m8(vacc0, vw0, vb, vl);
      vacc1 = __riscv_vfmacc_vf_f32m8(vacc1, vw1, vb, vl);
      vacc2 = __riscv_vfmacc_vf_f32m8(vacc2, vw2, vb, vl);
      k -= sizeof(float);
    } while (k != 0);

    vacc0 = __riscv_vfmax_vf_f32m8(vacc0, vmin, vl);
    vacc1 = __riscv_vfmax_vf_f32m8(vacc1, vmin, vl);
    vacc2 = __riscv_vfmax_vf_f32m8(vacc2, vmin, vl);
    vacc0 = __riscv_vfmin_vf_f32m8(vacc0, vmax, vl);
    vacc1 = __riscv_vfmin_vf_f32m8(vacc1, vmax, vl);
    vacc2 = __riscv_vfmin_vf_f32m8(vacc2, vmax, vl);

    __riscv_vse32_v_f32m8(c2, vacc2, vl);
    c2 += vl;
    __riscv_vse32_v_f32m8(c1, vacc1, vl);
    c1 += vl;
    __riscv_vse32_v_f32m8(c0, vacc0, vl);
    c0 += vl;
    w0 = (const float*) ((uintptr_t) w0 - kc);
    w1 = (const float*) ((uintptr_t) w1 - kc);
    w2 = (const float*) ((uintptr_t) w2 - kc);
    b += vl;
  } while (nc != 0);
}
