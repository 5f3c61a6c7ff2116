// Auto-generated file. Do not edit!
//   Template: third_party/xnnpack_rvv/src/f32-convgemm/MRxNRv-rvv.c.in
//   Generator: python third_party/xnnpack_rvv/tools/generate.py
//   Registry: third_party/xnnpack_rvv/src/f32-convgemm/f32-convgemm.inc
//
// 4 rows (output channels) x 4 vector registers (LMUL=4) of columns (output pixels), K unrolled by 16.
// Vector registers: 4 accumulators + 1 B vector of 4 = 20 of 32.
// Per K step: 4 flw from one packed-weight pointer, one vle32, 4 vfmacc.vf and one
// add for the B pointer; per 16 steps one add for the weight pointer, which also
// ends the loop. Built with -mllvm -enable-misched=false (BUILD.bazel): clang's
// scheduler would hoist the next B load above these FMAs and spill accumulators.

#include <stddef.h>
#include <stdint.h>

#include <riscv_vector.h>

#include "rvpack_rvv/common.h"
#include "rvpack_rvv/convgemm.h"

void rvpack_f32_convgemm_minmax_ukernel_4x4v__rvv(
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
  RVPACK_RVV_ASSERT(mr <= 4);
  RVPACK_RVV_ASSERT(nc != 0);
  RVPACK_RVV_ASSERT(kc != 0);
  RVPACK_RVV_ASSERT(kc % sizeof(float) == 0);

  // Rows past mr alias the row before; stored first (in reverse row order),
  // so the valid row's store comes last. Their packed weights are zero.
  float* c0 = c;
  float* c1 = (float*) ((uintptr_t) c0 + c_stride);
  if (mr <= 1) {
    c1 = c0;
  }
  float* c2 = (float*) ((uintptr_t) c1 + c_stride);
  if (mr <= 2) {
    c2 = c1;
  }
  float* c3 = (float*) ((uintptr_t) c2 + c_stride);
  if (mr <= 3) {
    c3 = c2;
  }

  const float vmin = params->min;
  const float vmax = params->max;
  // A NaN bound (no clamp) or +inf upper bound (ReLU) changes nothing: skip it.
  const int clamp_min = vmin == vmin;
  const int clamp_max = vmax == vmax && vmax != __builtin_inff();
  const size_t nr = __riscv_vsetvlmax_e32m4();
  size_t vl = nr;
  do {
    if (nc < nr) {
      vl = __riscv_vsetvl_e32m4(nc);
    }
    nc -= vl;

    // The block starts with the MR biases.
    vfloat32m4_t vacc0 = __riscv_vfmv_v_f_f32m4(w[0], vl);
    vfloat32m4_t vacc1 = __riscv_vfmv_v_f_f32m4(w[1], vl);
    vfloat32m4_t vacc2 = __riscv_vfmv_v_f_f32m4(w[2], vl);
    vfloat32m4_t vacc3 = __riscv_vfmv_v_f_f32m4(w[3], vl);
    const float* wk = w + 4;

    const float* bk = b;
    const float* const w_unrolled_end = wk + kc / (16 * sizeof(float)) * 64;
    const float* const w_end = wk + kc / sizeof(float) * 4;
    while (wk != w_unrolled_end) {
      const vfloat32m4_t vb0 = __riscv_vle32_v_f32m4(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m4(vacc0, wk[0], vb0, vl);
      vacc1 = __riscv_vfmacc_vf_f32m4(vacc1, wk[1], vb0, vl);
      vacc2 = __riscv_vfmacc_vf_f32m4(vacc2, wk[2], vb0, vl);
      vacc3 = __riscv_vfmacc_vf_f32m4(vacc3, wk[3], vb0, vl);
      const vfloat32m4_t vb1 = __riscv_vle32_v_f32m4(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m4(vacc0, wk[4], vb1, vl);
      vacc1 = __riscv_vfmacc_vf_f32m4(vacc1, wk[5], vb1, vl);
      vacc2 = __riscv_vfmacc_vf_f32m4(vacc2, wk[6], vb1, vl);
      vacc3 = __riscv_vfmacc_vf_f32m4(vacc3, wk[7], vb1, vl);
      const vfloat32m4_t vb2 = __riscv_vle32_v_f32m4(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m4(vacc0, wk[8], vb2, vl);
      vacc1 = __riscv_vfmacc_vf_f32m4(vacc1, wk[9], vb2, vl);
      vacc2 = __riscv_vfmacc_vf_f32m4(vacc2, wk[10], vb2, vl);
      vacc3 = __riscv_vfmacc_vf_f32m4(vacc3, wk[11], vb2, vl);
      const vfloat32m4_t vb3 = __riscv_vle32_v_f32m4(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m4(vacc0, wk[12], vb3, vl);
      vacc1 = __riscv_vfmacc_vf_f32m4(vacc1, wk[13], vb3, vl);
      vacc2 = __riscv_vfmacc_vf_f32m4(vacc2, wk[14], vb3, vl);
      vacc3 = __riscv_vfmacc_vf_f32m4(vacc3, wk[15], vb3, vl);
      const vfloat32m4_t vb4 = __riscv_vle32_v_f32m4(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m4(vacc0, wk[16], vb4, vl);
      vacc1 = __riscv_vfmacc_vf_f32m4(vacc1, wk[17], vb4, vl);
      vacc2 = __riscv_vfmacc_vf_f32m4(vacc2, wk[18], vb4, vl);
      vacc3 = __riscv_vfmacc_vf_f32m4(vacc3, wk[19], vb4, vl);
      const vfloat32m4_t vb5 = __riscv_vle32_v_f32m4(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m4(vacc0, wk[20], vb5, vl);
      vacc1 = __riscv_vfmacc_vf_f32m4(vacc1, wk[21], vb5, vl);
      vacc2 = __riscv_vfmacc_vf_f32m4(vacc2, wk[22], vb5, vl);
      vacc3 = __riscv_vfmacc_vf_f32m4(vacc3, wk[23], vb5, vl);
      const vfloat32m4_t vb6 = __riscv_vle32_v_f32m4(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m4(vacc0, wk[24], vb6, vl);
      vacc1 = __riscv_vfmacc_vf_f32m4(vacc1, wk[25], vb6, vl);
      vacc2 = __riscv_vfmacc_vf_f32m4(vacc2, wk[26], vb6, vl);
      vacc3 = __riscv_vfmacc_vf_f32m4(vacc3, wk[27], vb6, vl);
      const vfloat32m4_t vb7 = __riscv_vle32_v_f32m4(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m4(vacc0, wk[28], vb7, vl);
      vacc1 = __riscv_vfmacc_vf_f32m4(vacc1, wk[29], vb7, vl);
      vacc2 = __riscv_vfmacc_vf_f32m4(vacc2, wk[30], vb7, vl);
      vacc3 = __riscv_vfmacc_vf_f32m4(vacc3, wk[31], vb7, vl);
      const vfloat32m4_t vb8 = __riscv_vle32_v_f32m4(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m4(vacc0, wk[32], vb8, vl);
      vacc1 = __riscv_vfmacc_vf_f32m4(vacc1, wk[33], vb8, vl);
      vacc2 = __riscv_vfmacc_vf_f32m4(vacc2, wk[34], vb8, vl);
      vacc3 = __riscv_vfmacc_vf_f32m4(vacc3, wk[35], vb8, vl);
      const vfloat32m4_t vb9 = __riscv_vle32_v_f32m4(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m4(vacc0, wk[36], vb9, vl);
      vacc1 = __riscv_vfmacc_vf_f32m4(vacc1, wk[37], vb9, vl);
      vacc2 = __riscv_vfmacc_vf_f32m4(vacc2, wk[38], vb9, vl);
      vacc3 = __riscv_vfmacc_vf_f32m4(vacc3, wk[39], vb9, vl);
      const vfloat32m4_t vb10 = __riscv_vle32_v_f32m4(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m4(vacc0, wk[40], vb10, vl);
      vacc1 = __riscv_vfmacc_vf_f32m4(vacc1, wk[41], vb10, vl);
      vacc2 = __riscv_vfmacc_vf_f32m4(vacc2, wk[42], vb10, vl);
      vacc3 = __riscv_vfmacc_vf_f32m4(vacc3, wk[43], vb10, vl);
      const vfloat32m4_t vb11 = __riscv_vle32_v_f32m4(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m4(vacc0, wk[44], vb11, vl);
      vacc1 = __riscv_vfmacc_vf_f32m4(vacc1, wk[45], vb11, vl);
      vacc2 = __riscv_vfmacc_vf_f32m4(vacc2, wk[46], vb11, vl);
      vacc3 = __riscv_vfmacc_vf_f32m4(vacc3, wk[47], vb11, vl);
      const vfloat32m4_t vb12 = __riscv_vle32_v_f32m4(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m4(vacc0, wk[48], vb12, vl);
      vacc1 = __riscv_vfmacc_vf_f32m4(vacc1, wk[49], vb12, vl);
      vacc2 = __riscv_vfmacc_vf_f32m4(vacc2, wk[50], vb12, vl);
      vacc3 = __riscv_vfmacc_vf_f32m4(vacc3, wk[51], vb12, vl);
      const vfloat32m4_t vb13 = __riscv_vle32_v_f32m4(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m4(vacc0, wk[52], vb13, vl);
      vacc1 = __riscv_vfmacc_vf_f32m4(vacc1, wk[53], vb13, vl);
      vacc2 = __riscv_vfmacc_vf_f32m4(vacc2, wk[54], vb13, vl);
      vacc3 = __riscv_vfmacc_vf_f32m4(vacc3, wk[55], vb13, vl);
      const vfloat32m4_t vb14 = __riscv_vle32_v_f32m4(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m4(vacc0, wk[56], vb14, vl);
      vacc1 = __riscv_vfmacc_vf_f32m4(vacc1, wk[57], vb14, vl);
      vacc2 = __riscv_vfmacc_vf_f32m4(vacc2, wk[58], vb14, vl);
      vacc3 = __riscv_vfmacc_vf_f32m4(vacc3, wk[59], vb14, vl);
      const vfloat32m4_t vb15 = __riscv_vle32_v_f32m4(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m4(vacc0, wk[60], vb15, vl);
      vacc1 = __riscv_vfmacc_vf_f32m4(vacc1, wk[61], vb15, vl);
      vacc2 = __riscv_vfmacc_vf_f32m4(vacc2, wk[62], vb15, vl);
      vacc3 = __riscv_vfmacc_vf_f32m4(vacc3, wk[63], vb15, vl);
      wk += 64;
    }
    while (wk != w_end) {
      const vfloat32m4_t vb = __riscv_vle32_v_f32m4(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m4(vacc0, wk[0], vb, vl);
      vacc1 = __riscv_vfmacc_vf_f32m4(vacc1, wk[1], vb, vl);
      vacc2 = __riscv_vfmacc_vf_f32m4(vacc2, wk[2], vb, vl);
      vacc3 = __riscv_vfmacc_vf_f32m4(vacc3, wk[3], vb, vl);
      wk += 4;
    }

    if (clamp_min) {
      vacc0 = __riscv_vfmax_vf_f32m4(vacc0, vmin, vl);
      vacc1 = __riscv_vfmax_vf_f32m4(vacc1, vmin, vl);
      vacc2 = __riscv_vfmax_vf_f32m4(vacc2, vmin, vl);
      vacc3 = __riscv_vfmax_vf_f32m4(vacc3, vmin, vl);
    }
    if (clamp_max) {
      vacc0 = __riscv_vfmin_vf_f32m4(vacc0, vmax, vl);
      vacc1 = __riscv_vfmin_vf_f32m4(vacc1, vmax, vl);
      vacc2 = __riscv_vfmin_vf_f32m4(vacc2, vmax, vl);
      vacc3 = __riscv_vfmin_vf_f32m4(vacc3, vmax, vl);
    }

    __riscv_vse32_v_f32m4(c3, vacc3, vl);
    c3 += vl;
    __riscv_vse32_v_f32m4(c2, vacc2, vl);
    c2 += vl;
    __riscv_vse32_v_f32m4(c1, vacc1, vl);
    c1 += vl;
    __riscv_vse32_v_f32m4(c0, vacc0, vl);
    c0 += vl;
    b += vl;
  } while (nc != 0);
}
