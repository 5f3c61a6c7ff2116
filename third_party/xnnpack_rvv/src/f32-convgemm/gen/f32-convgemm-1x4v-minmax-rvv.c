// Auto-generated file. Do not edit!
//   Template: third_party/xnnpack_rvv/src/f32-convgemm/MRxNRv-rvv.c.in
//   Generator: python third_party/xnnpack_rvv/tools/generate.py
//   Registry: third_party/xnnpack_rvv/src/f32-convgemm/f32-convgemm.inc
//
// 1 row (output channels) x 4 vector registers (LMUL=4) of columns (output pixels), K unrolled by 2.
// Vector registers: 1 accumulator + 2 B vectors of 4 = 12 of 32.
// Scalar FP registers in the K loop: 2 weights.

#include <stddef.h>
#include <stdint.h>

#include <riscv_vector.h>

#include "rvpack_rvv/common.h"
#include "rvpack_rvv/convgemm.h"

void rvpack_f32_convgemm_minmax_ukernel_1x4v__rvv(
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
  RVPACK_RVV_ASSERT(mr <= 1);
  RVPACK_RVV_ASSERT(nc != 0);
  RVPACK_RVV_ASSERT(kc != 0);
  RVPACK_RVV_ASSERT(kc % sizeof(float) == 0);

  (void) mr;
  (void) w_stride;
  (void) c_stride;
  const float* w0 = w;
  float* c0 = c;
  const float vbias0 = bias != NULL ? bias[0] : 0.0f;

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

    const float* bk = b;
    size_t k = kc;
    for (; k >= 2 * sizeof(float); k -= 2 * sizeof(float)) {
      const float vw0_0 = w0[0];
      const float vw0_1 = w0[1];
      w0 += 2;
      const vfloat32m4_t vb0 = __riscv_vle32_v_f32m4(bk, vl);
      const vfloat32m4_t vb1 = __riscv_vle32_v_f32m4((const float*) ((uintptr_t) bk + 1 * b_stride), vl);
      bk = (const float*) ((uintptr_t) bk + 2 * b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m4(vacc0, vw0_0, vb0, vl);
      vacc0 = __riscv_vfmacc_vf_f32m4(vacc0, vw0_1, vb1, vl);
    }
    if (k != 0) {
      const float vw0 = *w0++;
      const vfloat32m4_t vb = __riscv_vle32_v_f32m4(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m4(vacc0, vw0, vb, vl);
    }

    vacc0 = __riscv_vfmax_vf_f32m4(vacc0, vmin, vl);
    vacc0 = __riscv_vfmin_vf_f32m4(vacc0, vmax, vl);

    __riscv_vse32_v_f32m4(c0, vacc0, vl);
    c0 += vl;
    w0 = (const float*) ((uintptr_t) w0 - kc);
    b += vl;
  } while (nc != 0);
}
