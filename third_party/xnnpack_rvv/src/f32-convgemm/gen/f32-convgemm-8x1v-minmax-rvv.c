// Auto-generated file. Do not edit!
//   Template: third_party/xnnpack_rvv/src/f32-convgemm/MRxNRv-rvv.c.in
//   Generator: python third_party/xnnpack_rvv/tools/generate.py
//   Registry: third_party/xnnpack_rvv/src/f32-convgemm/f32-convgemm.inc
//
// 8 rows (output channels) x 1 vector register (LMUL=1) of columns (output pixels), K unrolled by 16.
// Vector registers: 8 accumulators + 1 B vector of 1 = 9 of 32.
// Per K step: 8 flw from one packed-weight pointer, one vle32, 8 vfmacc.vf and one
// add for the B pointer; per 16 steps one add for the weight pointer, which also
// ends the loop. Built with -mllvm -enable-misched=false (BUILD.bazel): clang's
// scheduler would hoist the next B load above these FMAs and spill accumulators.

#include <stddef.h>
#include <stdint.h>

#include <riscv_vector.h>

#include "rvpack_rvv/common.h"
#include "rvpack_rvv/convgemm.h"

void rvpack_f32_convgemm_minmax_ukernel_8x1v__rvv(
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
  RVPACK_RVV_ASSERT(mr <= 8);
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
  float* c7 = (float*) ((uintptr_t) c6 + c_stride);
  if (mr <= 7) {
    c7 = c6;
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
    vfloat32m1_t vacc7 = __riscv_vfmv_v_f_f32m1(w[7], vl);
    const float* wk = w + 8;

    const float* bk = b;
    const float* const w_unrolled_end = wk + kc / (16 * sizeof(float)) * 128;
    const float* const w_end = wk + kc / sizeof(float) * 8;
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
      vacc7 = __riscv_vfmacc_vf_f32m1(vacc7, wk[7], vb0, vl);
      const vfloat32m1_t vb1 = __riscv_vle32_v_f32m1(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[8], vb1, vl);
      vacc1 = __riscv_vfmacc_vf_f32m1(vacc1, wk[9], vb1, vl);
      vacc2 = __riscv_vfmacc_vf_f32m1(vacc2, wk[10], vb1, vl);
      vacc3 = __riscv_vfmacc_vf_f32m1(vacc3, wk[11], vb1, vl);
      vacc4 = __riscv_vfmacc_vf_f32m1(vacc4, wk[12], vb1, vl);
      vacc5 = __riscv_vfmacc_vf_f32m1(vacc5, wk[13], vb1, vl);
      vacc6 = __riscv_vfmacc_vf_f32m1(vacc6, wk[14], vb1, vl);
      vacc7 = __riscv_vfmacc_vf_f32m1(vacc7, wk[15], vb1, vl);
      const vfloat32m1_t vb2 = __riscv_vle32_v_f32m1(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[16], vb2, vl);
      vacc1 = __riscv_vfmacc_vf_f32m1(vacc1, wk[17], vb2, vl);
      vacc2 = __riscv_vfmacc_vf_f32m1(vacc2, wk[18], vb2, vl);
      vacc3 = __riscv_vfmacc_vf_f32m1(vacc3, wk[19], vb2, vl);
      vacc4 = __riscv_vfmacc_vf_f32m1(vacc4, wk[20], vb2, vl);
      vacc5 = __riscv_vfmacc_vf_f32m1(vacc5, wk[21], vb2, vl);
      vacc6 = __riscv_vfmacc_vf_f32m1(vacc6, wk[22], vb2, vl);
      vacc7 = __riscv_vfmacc_vf_f32m1(vacc7, wk[23], vb2, vl);
      const vfloat32m1_t vb3 = __riscv_vle32_v_f32m1(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[24], vb3, vl);
      vacc1 = __riscv_vfmacc_vf_f32m1(vacc1, wk[25], vb3, vl);
      vacc2 = __riscv_vfmacc_vf_f32m1(vacc2, wk[26], vb3, vl);
      vacc3 = __riscv_vfmacc_vf_f32m1(vacc3, wk[27], vb3, vl);
      vacc4 = __riscv_vfmacc_vf_f32m1(vacc4, wk[28], vb3, vl);
      vacc5 = __riscv_vfmacc_vf_f32m1(vacc5, wk[29], vb3, vl);
      vacc6 = __riscv_vfmacc_vf_f32m1(vacc6, wk[30], vb3, vl);
      vacc7 = __riscv_vfmacc_vf_f32m1(vacc7, wk[31], vb3, vl);
      const vfloat32m1_t vb4 = __riscv_vle32_v_f32m1(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[32], vb4, vl);
      vacc1 = __riscv_vfmacc_vf_f32m1(vacc1, wk[33], vb4, vl);
      vacc2 = __riscv_vfmacc_vf_f32m1(vacc2, wk[34], vb4, vl);
      vacc3 = __riscv_vfmacc_vf_f32m1(vacc3, wk[35], vb4, vl);
      vacc4 = __riscv_vfmacc_vf_f32m1(vacc4, wk[36], vb4, vl);
      vacc5 = __riscv_vfmacc_vf_f32m1(vacc5, wk[37], vb4, vl);
      vacc6 = __riscv_vfmacc_vf_f32m1(vacc6, wk[38], vb4, vl);
      vacc7 = __riscv_vfmacc_vf_f32m1(vacc7, wk[39], vb4, vl);
      const vfloat32m1_t vb5 = __riscv_vle32_v_f32m1(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[40], vb5, vl);
      vacc1 = __riscv_vfmacc_vf_f32m1(vacc1, wk[41], vb5, vl);
      vacc2 = __riscv_vfmacc_vf_f32m1(vacc2, wk[42], vb5, vl);
      vacc3 = __riscv_vfmacc_vf_f32m1(vacc3, wk[43], vb5, vl);
      vacc4 = __riscv_vfmacc_vf_f32m1(vacc4, wk[44], vb5, vl);
      vacc5 = __riscv_vfmacc_vf_f32m1(vacc5, wk[45], vb5, vl);
      vacc6 = __riscv_vfmacc_vf_f32m1(vacc6, wk[46], vb5, vl);
      vacc7 = __riscv_vfmacc_vf_f32m1(vacc7, wk[47], vb5, vl);
      const vfloat32m1_t vb6 = __riscv_vle32_v_f32m1(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[48], vb6, vl);
      vacc1 = __riscv_vfmacc_vf_f32m1(vacc1, wk[49], vb6, vl);
      vacc2 = __riscv_vfmacc_vf_f32m1(vacc2, wk[50], vb6, vl);
      vacc3 = __riscv_vfmacc_vf_f32m1(vacc3, wk[51], vb6, vl);
      vacc4 = __riscv_vfmacc_vf_f32m1(vacc4, wk[52], vb6, vl);
      vacc5 = __riscv_vfmacc_vf_f32m1(vacc5, wk[53], vb6, vl);
      vacc6 = __riscv_vfmacc_vf_f32m1(vacc6, wk[54], vb6, vl);
      vacc7 = __riscv_vfmacc_vf_f32m1(vacc7, wk[55], vb6, vl);
      const vfloat32m1_t vb7 = __riscv_vle32_v_f32m1(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[56], vb7, vl);
      vacc1 = __riscv_vfmacc_vf_f32m1(vacc1, wk[57], vb7, vl);
      vacc2 = __riscv_vfmacc_vf_f32m1(vacc2, wk[58], vb7, vl);
      vacc3 = __riscv_vfmacc_vf_f32m1(vacc3, wk[59], vb7, vl);
      vacc4 = __riscv_vfmacc_vf_f32m1(vacc4, wk[60], vb7, vl);
      vacc5 = __riscv_vfmacc_vf_f32m1(vacc5, wk[61], vb7, vl);
      vacc6 = __riscv_vfmacc_vf_f32m1(vacc6, wk[62], vb7, vl);
      vacc7 = __riscv_vfmacc_vf_f32m1(vacc7, wk[63], vb7, vl);
      const vfloat32m1_t vb8 = __riscv_vle32_v_f32m1(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[64], vb8, vl);
      vacc1 = __riscv_vfmacc_vf_f32m1(vacc1, wk[65], vb8, vl);
      vacc2 = __riscv_vfmacc_vf_f32m1(vacc2, wk[66], vb8, vl);
      vacc3 = __riscv_vfmacc_vf_f32m1(vacc3, wk[67], vb8, vl);
      vacc4 = __riscv_vfmacc_vf_f32m1(vacc4, wk[68], vb8, vl);
      vacc5 = __riscv_vfmacc_vf_f32m1(vacc5, wk[69], vb8, vl);
      vacc6 = __riscv_vfmacc_vf_f32m1(vacc6, wk[70], vb8, vl);
      vacc7 = __riscv_vfmacc_vf_f32m1(vacc7, wk[71], vb8, vl);
      const vfloat32m1_t vb9 = __riscv_vle32_v_f32m1(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[72], vb9, vl);
      vacc1 = __riscv_vfmacc_vf_f32m1(vacc1, wk[73], vb9, vl);
      vacc2 = __riscv_vfmacc_vf_f32m1(vacc2, wk[74], vb9, vl);
      vacc3 = __riscv_vfmacc_vf_f32m1(vacc3, wk[75], vb9, vl);
      vacc4 = __riscv_vfmacc_vf_f32m1(vacc4, wk[76], vb9, vl);
      vacc5 = __riscv_vfmacc_vf_f32m1(vacc5, wk[77], vb9, vl);
      vacc6 = __riscv_vfmacc_vf_f32m1(vacc6, wk[78], vb9, vl);
      vacc7 = __riscv_vfmacc_vf_f32m1(vacc7, wk[79], vb9, vl);
      const vfloat32m1_t vb10 = __riscv_vle32_v_f32m1(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[80], vb10, vl);
      vacc1 = __riscv_vfmacc_vf_f32m1(vacc1, wk[81], vb10, vl);
      vacc2 = __riscv_vfmacc_vf_f32m1(vacc2, wk[82], vb10, vl);
      vacc3 = __riscv_vfmacc_vf_f32m1(vacc3, wk[83], vb10, vl);
      vacc4 = __riscv_vfmacc_vf_f32m1(vacc4, wk[84], vb10, vl);
      vacc5 = __riscv_vfmacc_vf_f32m1(vacc5, wk[85], vb10, vl);
      vacc6 = __riscv_vfmacc_vf_f32m1(vacc6, wk[86], vb10, vl);
      vacc7 = __riscv_vfmacc_vf_f32m1(vacc7, wk[87], vb10, vl);
      const vfloat32m1_t vb11 = __riscv_vle32_v_f32m1(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[88], vb11, vl);
      vacc1 = __riscv_vfmacc_vf_f32m1(vacc1, wk[89], vb11, vl);
      vacc2 = __riscv_vfmacc_vf_f32m1(vacc2, wk[90], vb11, vl);
      vacc3 = __riscv_vfmacc_vf_f32m1(vacc3, wk[91], vb11, vl);
      vacc4 = __riscv_vfmacc_vf_f32m1(vacc4, wk[92], vb11, vl);
      vacc5 = __riscv_vfmacc_vf_f32m1(vacc5, wk[93], vb11, vl);
      vacc6 = __riscv_vfmacc_vf_f32m1(vacc6, wk[94], vb11, vl);
      vacc7 = __riscv_vfmacc_vf_f32m1(vacc7, wk[95], vb11, vl);
      const vfloat32m1_t vb12 = __riscv_vle32_v_f32m1(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[96], vb12, vl);
      vacc1 = __riscv_vfmacc_vf_f32m1(vacc1, wk[97], vb12, vl);
      vacc2 = __riscv_vfmacc_vf_f32m1(vacc2, wk[98], vb12, vl);
      vacc3 = __riscv_vfmacc_vf_f32m1(vacc3, wk[99], vb12, vl);
      vacc4 = __riscv_vfmacc_vf_f32m1(vacc4, wk[100], vb12, vl);
      vacc5 = __riscv_vfmacc_vf_f32m1(vacc5, wk[101], vb12, vl);
      vacc6 = __riscv_vfmacc_vf_f32m1(vacc6, wk[102], vb12, vl);
      vacc7 = __riscv_vfmacc_vf_f32m1(vacc7, wk[103], vb12, vl);
      const vfloat32m1_t vb13 = __riscv_vle32_v_f32m1(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[104], vb13, vl);
      vacc1 = __riscv_vfmacc_vf_f32m1(vacc1, wk[105], vb13, vl);
      vacc2 = __riscv_vfmacc_vf_f32m1(vacc2, wk[106], vb13, vl);
      vacc3 = __riscv_vfmacc_vf_f32m1(vacc3, wk[107], vb13, vl);
      vacc4 = __riscv_vfmacc_vf_f32m1(vacc4, wk[108], vb13, vl);
      vacc5 = __riscv_vfmacc_vf_f32m1(vacc5, wk[109], vb13, vl);
      vacc6 = __riscv_vfmacc_vf_f32m1(vacc6, wk[110], vb13, vl);
      vacc7 = __riscv_vfmacc_vf_f32m1(vacc7, wk[111], vb13, vl);
      const vfloat32m1_t vb14 = __riscv_vle32_v_f32m1(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[112], vb14, vl);
      vacc1 = __riscv_vfmacc_vf_f32m1(vacc1, wk[113], vb14, vl);
      vacc2 = __riscv_vfmacc_vf_f32m1(vacc2, wk[114], vb14, vl);
      vacc3 = __riscv_vfmacc_vf_f32m1(vacc3, wk[115], vb14, vl);
      vacc4 = __riscv_vfmacc_vf_f32m1(vacc4, wk[116], vb14, vl);
      vacc5 = __riscv_vfmacc_vf_f32m1(vacc5, wk[117], vb14, vl);
      vacc6 = __riscv_vfmacc_vf_f32m1(vacc6, wk[118], vb14, vl);
      vacc7 = __riscv_vfmacc_vf_f32m1(vacc7, wk[119], vb14, vl);
      const vfloat32m1_t vb15 = __riscv_vle32_v_f32m1(bk, vl);
      bk = (const float*) ((uintptr_t) bk + b_stride);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[120], vb15, vl);
      vacc1 = __riscv_vfmacc_vf_f32m1(vacc1, wk[121], vb15, vl);
      vacc2 = __riscv_vfmacc_vf_f32m1(vacc2, wk[122], vb15, vl);
      vacc3 = __riscv_vfmacc_vf_f32m1(vacc3, wk[123], vb15, vl);
      vacc4 = __riscv_vfmacc_vf_f32m1(vacc4, wk[124], vb15, vl);
      vacc5 = __riscv_vfmacc_vf_f32m1(vacc5, wk[125], vb15, vl);
      vacc6 = __riscv_vfmacc_vf_f32m1(vacc6, wk[126], vb15, vl);
      vacc7 = __riscv_vfmacc_vf_f32m1(vacc7, wk[127], vb15, vl);
      wk += 128;
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
      vacc7 = __riscv_vfmacc_vf_f32m1(vacc7, wk[7], vb, vl);
      wk += 8;
    }

    if (clamp_min) {
      vacc0 = __riscv_vfmax_vf_f32m1(vacc0, vmin, vl);
      vacc1 = __riscv_vfmax_vf_f32m1(vacc1, vmin, vl);
      vacc2 = __riscv_vfmax_vf_f32m1(vacc2, vmin, vl);
      vacc3 = __riscv_vfmax_vf_f32m1(vacc3, vmin, vl);
      vacc4 = __riscv_vfmax_vf_f32m1(vacc4, vmin, vl);
      vacc5 = __riscv_vfmax_vf_f32m1(vacc5, vmin, vl);
      vacc6 = __riscv_vfmax_vf_f32m1(vacc6, vmin, vl);
      vacc7 = __riscv_vfmax_vf_f32m1(vacc7, vmin, vl);
    }
    if (clamp_max) {
      vacc0 = __riscv_vfmin_vf_f32m1(vacc0, vmax, vl);
      vacc1 = __riscv_vfmin_vf_f32m1(vacc1, vmax, vl);
      vacc2 = __riscv_vfmin_vf_f32m1(vacc2, vmax, vl);
      vacc3 = __riscv_vfmin_vf_f32m1(vacc3, vmax, vl);
      vacc4 = __riscv_vfmin_vf_f32m1(vacc4, vmax, vl);
      vacc5 = __riscv_vfmin_vf_f32m1(vacc5, vmax, vl);
      vacc6 = __riscv_vfmin_vf_f32m1(vacc6, vmax, vl);
      vacc7 = __riscv_vfmin_vf_f32m1(vacc7, vmax, vl);
    }

    __riscv_vse32_v_f32m1(c7, vacc7, vl);
    c7 += vl;
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
