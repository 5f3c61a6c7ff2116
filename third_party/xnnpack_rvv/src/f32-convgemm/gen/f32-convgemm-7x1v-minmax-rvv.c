// Auto-generated file. Do not edit!
//   Template: third_party/xnnpack_rvv/src/f32-convgemm/MRxNRv-rvv.c.in
//   Generator: python third_party/xnnpack_rvv/tools/generate.py
//   Registry: third_party/xnnpack_rvv/src/f32-convgemm/f32-convgemm.inc
//
// 7 rows (output channels) x 1 vector register (LMUL=1) of columns (output pixels), K unrolled by 16.
// Vector registers: 7 accumulators + 1 B vector of 1 = 8 of 32.
// Per K step: 7 flw from one packed-weight pointer, one vle32, 7 vfmacc.vf and one
// add for the B pointer; per 16 steps one add for the weight pointer, which also
// ends the loop. Built with -mllvm -enable-misched=false (BUILD.bazel): clang's
// scheduler would hoist the next B load above these FMAs and spill accumulators.

#include <stddef.h>
#include <stdint.h>

#include <riscv_vector.h>

#include "rvpack_rvv/common.h"
#include "rvpack_rvv/convgemm.h"

void rvpack_f32_convgemm_minmax_ukernel_7x1v__rvv(
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
  RVPACK_RVV_ASSERT(mr <= 7);
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
  float* c4 = (float*) ((uintptr_t) c3 + c_stride);
  if (mr <= 4) {
    c4 = c3;
  }
  float* c5 = (float*) ((uintptr_t) c4 + c_stride);
  if (mr <= 5) {
    c5 = c4;
  }
  float* c6 = (float*) ((uintptr_t) c5 + c_stride);
  if (mr <= 6) {
    c6 = c5;
  }

  const float vmin = params->min;
  const float vmax = params->max;
  // A NaN bound (no clamp) or +inf upper bound (ReLU) changes nothing: skip it.
  const int clamp_min = vmin == vmin;
  const int clamp_max = vmax == vmax && vmax != __builtin_inff();
  const size_t nr = __riscv_vsetvlmax_e32m1();
  size_t vl = nr;
  do {
    if (nc < nr) {
      vl = __riscv_vsetvl_e32m1(nc);
    }
    nc -= vl;

    // The block starts with the MR biases.
    vfloat32m1_t vacc0 = __riscv_vfmv_v_f_f32m1(w[0], vl);
    vfloat32m1_t vacc1 = __riscv_vfmv_v_f_f32m1(w[1], vl);
    vfloat32m1_t vacc2 = __riscv_vfmv_v_f_f32m1(w[2], vl);
    vfloat32m1_t vacc3 = __riscv_vfmv_v_f_f32m1(w[3], vl);
    vfloat32m1_t vacc4 = __riscv_vfmv_v_f_f32m1(w[4], vl);
    vfloat32m1_t vacc5 = __riscv_vfmv_v_f_f32m1(w[5], vl);
    vfloat32m1_t vacc6 = __riscv_vfmv_v_f_f32m1(w[6], vl);
    const float* wk = w + 7;

    const float* bk = b;
    const float* const w_unrolled_end = wk + kc / (16 * sizeof(float)) * 112;
    const float* const w_end = wk + kc / sizeof(float) * 7;
    while (wk != w_unrolled_end) {
      const vfloat32m1_t vb0 = __riscv_vle32_v_f32m1(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[0], vb0, vl);
      vacc1 = __riscv_vfmacc_vf_f32m1(vacc1, wk[1], vb0, vl);
      vacc2 = __riscv_vfmacc_vf_f32m1(vacc2, wk[2], vb0, vl);
      vacc3 = __riscv_vfmacc_vf_f32m1(vacc3, wk[3], vb0, vl);
      vacc4 = __riscv_vfmacc_vf_f32m1(vacc4, wk[4], vb0, vl);
      vacc5 = __riscv_vfmacc_vf_f32m1(vacc5, wk[5], vb0, vl);
      vacc6 = __riscv_vfmacc_vf_f32m1(vacc6, wk[6], vb0, vl);
      const vfloat32m1_t vb1 = __riscv_vle32_v_f32m1(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[7], vb1, vl);
      vacc1 = __riscv_vfmacc_vf_f32m1(vacc1, wk[8], vb1, vl);
      vacc2 = __riscv_vfmacc_vf_f32m1(vacc2, wk[9], vb1, vl);
      vacc3 = __riscv_vfmacc_vf_f32m1(vacc3, wk[10], vb1, vl);
      vacc4 = __riscv_vfmacc_vf_f32m1(vacc4, wk[11], vb1, vl);
      vacc5 = __riscv_vfmacc_vf_f32m1(vacc5, wk[12], vb1, vl);
      vacc6 = __riscv_vfmacc_vf_f32m1(vacc6, wk[13], vb1, vl);
      const vfloat32m1_t vb2 = __riscv_vle32_v_f32m1(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[14], vb2, vl);
      vacc1 = __riscv_vfmacc_vf_f32m1(vacc1, wk[15], vb2, vl);
      vacc2 = __riscv_vfmacc_vf_f32m1(vacc2, wk[16], vb2, vl);
      vacc3 = __riscv_vfmacc_vf_f32m1(vacc3, wk[17], vb2, vl);
      vacc4 = __riscv_vfmacc_vf_f32m1(vacc4, wk[18], vb2, vl);
      vacc5 = __riscv_vfmacc_vf_f32m1(vacc5, wk[19], vb2, vl);
      vacc6 = __riscv_vfmacc_vf_f32m1(vacc6, wk[20], vb2, vl);
      const vfloat32m1_t vb3 = __riscv_vle32_v_f32m1(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[21], vb3, vl);
      vacc1 = __riscv_vfmacc_vf_f32m1(vacc1, wk[22], vb3, vl);
      vacc2 = __riscv_vfmacc_vf_f32m1(vacc2, wk[23], vb3, vl);
      vacc3 = __riscv_vfmacc_vf_f32m1(vacc3, wk[24], vb3, vl);
      vacc4 = __riscv_vfmacc_vf_f32m1(vacc4, wk[25], vb3, vl);
      vacc5 = __riscv_vfmacc_vf_f32m1(vacc5, wk[26], vb3, vl);
      vacc6 = __riscv_vfmacc_vf_f32m1(vacc6, wk[27], vb3, vl);
      const vfloat32m1_t vb4 = __riscv_vle32_v_f32m1(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[28], vb4, vl);
      vacc1 = __riscv_vfmacc_vf_f32m1(vacc1, wk[29], vb4, vl);
      vacc2 = __riscv_vfmacc_vf_f32m1(vacc2, wk[30], vb4, vl);
      vacc3 = __riscv_vfmacc_vf_f32m1(vacc3, wk[31], vb4, vl);
      vacc4 = __riscv_vfmacc_vf_f32m1(vacc4, wk[32], vb4, vl);
      vacc5 = __riscv_vfmacc_vf_f32m1(vacc5, wk[33], vb4, vl);
      vacc6 = __riscv_vfmacc_vf_f32m1(vacc6, wk[34], vb4, vl);
      const vfloat32m1_t vb5 = __riscv_vle32_v_f32m1(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[35], vb5, vl);
      vacc1 = __riscv_vfmacc_vf_f32m1(vacc1, wk[36], vb5, vl);
      vacc2 = __riscv_vfmacc_vf_f32m1(vacc2, wk[37], vb5, vl);
      vacc3 = __riscv_vfmacc_vf_f32m1(vacc3, wk[38], vb5, vl);
      vacc4 = __riscv_vfmacc_vf_f32m1(vacc4, wk[39], vb5, vl);
      vacc5 = __riscv_vfmacc_vf_f32m1(vacc5, wk[40], vb5, vl);
      vacc6 = __riscv_vfmacc_vf_f32m1(vacc6, wk[41], vb5, vl);
      const vfloat32m1_t vb6 = __riscv_vle32_v_f32m1(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[42], vb6, vl);
      vacc1 = __riscv_vfmacc_vf_f32m1(vacc1, wk[43], vb6, vl);
      vacc2 = __riscv_vfmacc_vf_f32m1(vacc2, wk[44], vb6, vl);
      vacc3 = __riscv_vfmacc_vf_f32m1(vacc3, wk[45], vb6, vl);
      vacc4 = __riscv_vfmacc_vf_f32m1(vacc4, wk[46], vb6, vl);
      vacc5 = __riscv_vfmacc_vf_f32m1(vacc5, wk[47], vb6, vl);
      vacc6 = __riscv_vfmacc_vf_f32m1(vacc6, wk[48], vb6, vl);
      const vfloat32m1_t vb7 = __riscv_vle32_v_f32m1(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[49], vb7, vl);
      vacc1 = __riscv_vfmacc_vf_f32m1(vacc1, wk[50], vb7, vl);
      vacc2 = __riscv_vfmacc_vf_f32m1(vacc2, wk[51], vb7, vl);
      vacc3 = __riscv_vfmacc_vf_f32m1(vacc3, wk[52], vb7, vl);
      vacc4 = __riscv_vfmacc_vf_f32m1(vacc4, wk[53], vb7, vl);
      vacc5 = __riscv_vfmacc_vf_f32m1(vacc5, wk[54], vb7, vl);
      vacc6 = __riscv_vfmacc_vf_f32m1(vacc6, wk[55], vb7, vl);
      const vfloat32m1_t vb8 = __riscv_vle32_v_f32m1(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[56], vb8, vl);
      vacc1 = __riscv_vfmacc_vf_f32m1(vacc1, wk[57], vb8, vl);
      vacc2 = __riscv_vfmacc_vf_f32m1(vacc2, wk[58], vb8, vl);
      vacc3 = __riscv_vfmacc_vf_f32m1(vacc3, wk[59], vb8, vl);
      vacc4 = __riscv_vfmacc_vf_f32m1(vacc4, wk[60], vb8, vl);
      vacc5 = __riscv_vfmacc_vf_f32m1(vacc5, wk[61], vb8, vl);
      vacc6 = __riscv_vfmacc_vf_f32m1(vacc6, wk[62], vb8, vl);
      const vfloat32m1_t vb9 = __riscv_vle32_v_f32m1(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[63], vb9, vl);
      vacc1 = __riscv_vfmacc_vf_f32m1(vacc1, wk[64], vb9, vl);
      vacc2 = __riscv_vfmacc_vf_f32m1(vacc2, wk[65], vb9, vl);
      vacc3 = __riscv_vfmacc_vf_f32m1(vacc3, wk[66], vb9, vl);
      vacc4 = __riscv_vfmacc_vf_f32m1(vacc4, wk[67], vb9, vl);
      vacc5 = __riscv_vfmacc_vf_f32m1(vacc5, wk[68], vb9, vl);
      vacc6 = __riscv_vfmacc_vf_f32m1(vacc6, wk[69], vb9, vl);
      const vfloat32m1_t vb10 = __riscv_vle32_v_f32m1(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[70], vb10, vl);
      vacc1 = __riscv_vfmacc_vf_f32m1(vacc1, wk[71], vb10, vl);
      vacc2 = __riscv_vfmacc_vf_f32m1(vacc2, wk[72], vb10, vl);
      vacc3 = __riscv_vfmacc_vf_f32m1(vacc3, wk[73], vb10, vl);
      vacc4 = __riscv_vfmacc_vf_f32m1(vacc4, wk[74], vb10, vl);
      vacc5 = __riscv_vfmacc_vf_f32m1(vacc5, wk[75], vb10, vl);
      vacc6 = __riscv_vfmacc_vf_f32m1(vacc6, wk[76], vb10, vl);
      const vfloat32m1_t vb11 = __riscv_vle32_v_f32m1(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[77], vb11, vl);
      vacc1 = __riscv_vfmacc_vf_f32m1(vacc1, wk[78], vb11, vl);
      vacc2 = __riscv_vfmacc_vf_f32m1(vacc2, wk[79], vb11, vl);
      vacc3 = __riscv_vfmacc_vf_f32m1(vacc3, wk[80], vb11, vl);
      vacc4 = __riscv_vfmacc_vf_f32m1(vacc4, wk[81], vb11, vl);
      vacc5 = __riscv_vfmacc_vf_f32m1(vacc5, wk[82], vb11, vl);
      vacc6 = __riscv_vfmacc_vf_f32m1(vacc6, wk[83], vb11, vl);
      const vfloat32m1_t vb12 = __riscv_vle32_v_f32m1(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[84], vb12, vl);
      vacc1 = __riscv_vfmacc_vf_f32m1(vacc1, wk[85], vb12, vl);
      vacc2 = __riscv_vfmacc_vf_f32m1(vacc2, wk[86], vb12, vl);
      vacc3 = __riscv_vfmacc_vf_f32m1(vacc3, wk[87], vb12, vl);
      vacc4 = __riscv_vfmacc_vf_f32m1(vacc4, wk[88], vb12, vl);
      vacc5 = __riscv_vfmacc_vf_f32m1(vacc5, wk[89], vb12, vl);
      vacc6 = __riscv_vfmacc_vf_f32m1(vacc6, wk[90], vb12, vl);
      const vfloat32m1_t vb13 = __riscv_vle32_v_f32m1(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[91], vb13, vl);
      vacc1 = __riscv_vfmacc_vf_f32m1(vacc1, wk[92], vb13, vl);
      vacc2 = __riscv_vfmacc_vf_f32m1(vacc2, wk[93], vb13, vl);
      vacc3 = __riscv_vfmacc_vf_f32m1(vacc3, wk[94], vb13, vl);
      vacc4 = __riscv_vfmacc_vf_f32m1(vacc4, wk[95], vb13, vl);
      vacc5 = __riscv_vfmacc_vf_f32m1(vacc5, wk[96], vb13, vl);
      vacc6 = __riscv_vfmacc_vf_f32m1(vacc6, wk[97], vb13, vl);
      const vfloat32m1_t vb14 = __riscv_vle32_v_f32m1(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[98], vb14, vl);
      vacc1 = __riscv_vfmacc_vf_f32m1(vacc1, wk[99], vb14, vl);
      vacc2 = __riscv_vfmacc_vf_f32m1(vacc2, wk[100], vb14, vl);
      vacc3 = __riscv_vfmacc_vf_f32m1(vacc3, wk[101], vb14, vl);
      vacc4 = __riscv_vfmacc_vf_f32m1(vacc4, wk[102], vb14, vl);
      vacc5 = __riscv_vfmacc_vf_f32m1(vacc5, wk[103], vb14, vl);
      vacc6 = __riscv_vfmacc_vf_f32m1(vacc6, wk[104], vb14, vl);
      const vfloat32m1_t vb15 = __riscv_vle32_v_f32m1(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[105], vb15, vl);
      vacc1 = __riscv_vfmacc_vf_f32m1(vacc1, wk[106], vb15, vl);
      vacc2 = __riscv_vfmacc_vf_f32m1(vacc2, wk[107], vb15, vl);
      vacc3 = __riscv_vfmacc_vf_f32m1(vacc3, wk[108], vb15, vl);
      vacc4 = __riscv_vfmacc_vf_f32m1(vacc4, wk[109], vb15, vl);
      vacc5 = __riscv_vfmacc_vf_f32m1(vacc5, wk[110], vb15, vl);
      vacc6 = __riscv_vfmacc_vf_f32m1(vacc6, wk[111], vb15, vl);
      wk += 112;
    }
    while (wk != w_end) {
      const vfloat32m1_t vb = __riscv_vle32_v_f32m1(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[0], vb, vl);
      vacc1 = __riscv_vfmacc_vf_f32m1(vacc1, wk[1], vb, vl);
      vacc2 = __riscv_vfmacc_vf_f32m1(vacc2, wk[2], vb, vl);
      vacc3 = __riscv_vfmacc_vf_f32m1(vacc3, wk[3], vb, vl);
      vacc4 = __riscv_vfmacc_vf_f32m1(vacc4, wk[4], vb, vl);
      vacc5 = __riscv_vfmacc_vf_f32m1(vacc5, wk[5], vb, vl);
      vacc6 = __riscv_vfmacc_vf_f32m1(vacc6, wk[6], vb, vl);
      wk += 7;
    }

    if (clamp_min) {
      vacc0 = __riscv_vfmax_vf_f32m1(vacc0, vmin, vl);
      vacc1 = __riscv_vfmax_vf_f32m1(vacc1, vmin, vl);
      vacc2 = __riscv_vfmax_vf_f32m1(vacc2, vmin, vl);
      vacc3 = __riscv_vfmax_vf_f32m1(vacc3, vmin, vl);
      vacc4 = __riscv_vfmax_vf_f32m1(vacc4, vmin, vl);
      vacc5 = __riscv_vfmax_vf_f32m1(vacc5, vmin, vl);
      vacc6 = __riscv_vfmax_vf_f32m1(vacc6, vmin, vl);
    }
    if (clamp_max) {
      vacc0 = __riscv_vfmin_vf_f32m1(vacc0, vmax, vl);
      vacc1 = __riscv_vfmin_vf_f32m1(vacc1, vmax, vl);
      vacc2 = __riscv_vfmin_vf_f32m1(vacc2, vmax, vl);
      vacc3 = __riscv_vfmin_vf_f32m1(vacc3, vmax, vl);
      vacc4 = __riscv_vfmin_vf_f32m1(vacc4, vmax, vl);
      vacc5 = __riscv_vfmin_vf_f32m1(vacc5, vmax, vl);
      vacc6 = __riscv_vfmin_vf_f32m1(vacc6, vmax, vl);
    }

    __riscv_vse32_v_f32m1(c6, vacc6, vl);
    c6 += vl;
    __riscv_vse32_v_f32m1(c5, vacc5, vl);
    c5 += vl;
    __riscv_vse32_v_f32m1(c4, vacc4, vl);
    c4 += vl;
    __riscv_vse32_v_f32m1(c3, vacc3, vl);
    c3 += vl;
    __riscv_vse32_v_f32m1(c2, vacc2, vl);
    c2 += vl;
    __riscv_vse32_v_f32m1(c1, vacc1, vl);
    c1 += vl;
    __riscv_vse32_v_f32m1(c0, vacc0, vl);
    c0 += vl;
    b += vl;
  } while (nc != 0);
}
