// Auto-generated file. Do not edit!
//   Template: third_party/xnnpack_rvv/src/f32-convgemm/MRxNRv-rvv.c.in
//   Generator: python third_party/xnnpack_rvv/tools/generate.py
//   Registry: third_party/xnnpack_rvv/src/f32-convgemm/f32-convgemm.inc
//
// 1 row (output channels) x 8 vector registers (LMUL=8) of columns (output pixels), K unrolled by 16.
// Vector registers: 1 accumulator + 1 B vector of 8 = 16 of 32.
// Per K step: 1 flw from one packed-weight pointer, one vle32, 1 vfmacc.vf and one
// add for the B pointer; per 16 steps one add for the weight pointer, which also
// ends the loop. Built with -mllvm -enable-misched=false (BUILD.bazel): clang's
// scheduler would hoist the next B load above these FMAs and spill accumulators.

#include <stddef.h>
#include <stdint.h>

#include <riscv_vector.h>

#include "rvpack_rvv/common.h"
#include "rvpack_rvv/convgemm.h"

void rvpack_f32_convgemm_minmax_ukernel_1x8v__rvv(
    size_t mr,
    size_t nc,
    size_t kc,
    const float* restrict w,
    const float* restrict b,
    size_t b_stride,
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
  (void) c_stride;
  float* c0 = c;

  const float vmin = params->min;
  const float vmax = params->max;
  // A NaN bound (no clamp) or +inf upper bound (ReLU) changes nothing: skip it.
  const int clamp_min = vmin == vmin;
  const int clamp_max = vmax == vmax && vmax != __builtin_inff();
  const size_t nr = __riscv_vsetvlmax_e32m8();
  size_t vl = nr;
  do {
    if (nc < nr) {
      vl = __riscv_vsetvl_e32m8(nc);
    }
    nc -= vl;

    // The block starts with the MR biases.
    vfloat32m8_t vacc0 = __riscv_vfmv_v_f_f32m8(w[0], vl);
    const float* wk = w + 1;

    const float* bk = b;
    const float* const w_unrolled_end = wk + kc / (16 * sizeof(float)) * 16;
    const float* const w_end = wk + kc / sizeof(float) * 1;
    while (wk != w_unrolled_end) {
      const vfloat32m8_t vb0 = __riscv_vle32_v_f32m8(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m8(vacc0, wk[0], vb0, vl);
      const vfloat32m8_t vb1 = __riscv_vle32_v_f32m8(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m8(vacc0, wk[1], vb1, vl);
      const vfloat32m8_t vb2 = __riscv_vle32_v_f32m8(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m8(vacc0, wk[2], vb2, vl);
      const vfloat32m8_t vb3 = __riscv_vle32_v_f32m8(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m8(vacc0, wk[3], vb3, vl);
      const vfloat32m8_t vb4 = __riscv_vle32_v_f32m8(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m8(vacc0, wk[4], vb4, vl);
      const vfloat32m8_t vb5 = __riscv_vle32_v_f32m8(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m8(vacc0, wk[5], vb5, vl);
      const vfloat32m8_t vb6 = __riscv_vle32_v_f32m8(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m8(vacc0, wk[6], vb6, vl);
      const vfloat32m8_t vb7 = __riscv_vle32_v_f32m8(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m8(vacc0, wk[7], vb7, vl);
      const vfloat32m8_t vb8 = __riscv_vle32_v_f32m8(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m8(vacc0, wk[8], vb8, vl);
      const vfloat32m8_t vb9 = __riscv_vle32_v_f32m8(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m8(vacc0, wk[9], vb9, vl);
      const vfloat32m8_t vb10 = __riscv_vle32_v_f32m8(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m8(vacc0, wk[10], vb10, vl);
      const vfloat32m8_t vb11 = __riscv_vle32_v_f32m8(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m8(vacc0, wk[11], vb11, vl);
      const vfloat32m8_t vb12 = __riscv_vle32_v_f32m8(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m8(vacc0, wk[12], vb12, vl);
      const vfloat32m8_t vb13 = __riscv_vle32_v_f32m8(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m8(vacc0, wk[13], vb13, vl);
      const vfloat32m8_t vb14 = __riscv_vle32_v_f32m8(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m8(vacc0, wk[14], vb14, vl);
      const vfloat32m8_t vb15 = __riscv_vle32_v_f32m8(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m8(vacc0, wk[15], vb15, vl);
      wk += 16;
    }
    while (wk != w_end) {
      const vfloat32m8_t vb = __riscv_vle32_v_f32m8(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m8(vacc0, wk[0], vb, vl);
      wk += 1;
    }

    if (clamp_min) {
      vacc0 = __riscv_vfmax_vf_f32m8(vacc0, vmin, vl);
    }
    if (clamp_max) {
      vacc0 = __riscv_vfmin_vf_f32m8(vacc0, vmax, vl);
    }

    __riscv_vse32_v_f32m8(c0, vacc0, vl);
    c0 += vl;
    b += vl;
  } while (nc != 0);
}
