// Auto-generated file. Do not edit!
//   Template: third_party/xnnpack_rvv/src/f32-spconvgemm/MRxNRv-rvv.c.in
//   Generator: python third_party/xnnpack_rvv/tools/generate.py
//   Registry: third_party/xnnpack_rvv/src/f32-spconvgemm/f32-spconvgemm.inc
//
// 4 rows (output channels) x 2 vector registers (LMUL=2) of columns (output pixels), column-sparse:
// only the kept K steps of the block, 16 per main-loop iteration.
// Vector registers: 4 accumulators + 1 B vector of 2 = 10 of 32.
// Per kept step: one lw (the B row's byte offset) and one add, one vle32, 4 flw
// and 4 vfmacc.vf -- one instruction more than a dense K step; per 16 steps
// one add for the entry pointer, which also ends the loop. Built with
// -mllvm -enable-misched=false, as f32-convgemm (BUILD.bazel).

#include <stddef.h>
#include <stdint.h>

#include <riscv_vector.h>

#include "rvpack_rvv/common.h"
#include "rvpack_rvv/spconvgemm.h"

void rvpack_f32_spconvgemm_minmax_ukernel_4x2v__rvv(
    size_t mr,
    size_t nc,
    const float* restrict w,
    const float* restrict b,
    float* restrict c,
    size_t c_stride,
    const struct rvpack_f32_minmax_params* restrict params)
{
  RVPACK_RVV_ASSERT(mr != 0);
  RVPACK_RVV_ASSERT(mr <= 4);
  RVPACK_RVV_ASSERT(nc != 0);

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

  uint32_t kept;
  __builtin_memcpy(&kept, w, sizeof(kept));
  const float* const bias = w + 1;
  // Entries of 5 words: the B row's byte offset (int32), then the 4 weights.
  const float* const entries = bias + 4;
  const float* const w_unrolled_end = entries + kept / 16 * 80;
  const float* const w_end = entries + kept * 5;

  const float vmin = params->min;
  const float vmax = params->max;
  // A NaN bound (no clamp) or +inf upper bound (ReLU) changes nothing: skip it.
  const int clamp_min = vmin == vmin;
  const int clamp_max = vmax == vmax && vmax != __builtin_inff();
  const size_t nr = __riscv_vsetvlmax_e32m2();
  size_t vl = nr;
  do {
    if (nc < nr) {
      vl = __riscv_vsetvl_e32m2(nc);
    }
    nc -= vl;

    vfloat32m2_t vacc0 = __riscv_vfmv_v_f_f32m2(bias[0], vl);
    vfloat32m2_t vacc1 = __riscv_vfmv_v_f_f32m2(bias[1], vl);
    vfloat32m2_t vacc2 = __riscv_vfmv_v_f_f32m2(bias[2], vl);
    vfloat32m2_t vacc3 = __riscv_vfmv_v_f_f32m2(bias[3], vl);

    const float* wk = entries;
    while (wk != w_unrolled_end) {
      int32_t off0;
      __builtin_memcpy(&off0, wk + 0, sizeof(off0));
      const vfloat32m2_t vb0 = __riscv_vle32_v_f32m2((const float*) ((uintptr_t) b + (intptr_t) off0), vl);
      vacc0 = __riscv_vfmacc_vf_f32m2(vacc0, wk[1], vb0, vl);
      vacc1 = __riscv_vfmacc_vf_f32m2(vacc1, wk[2], vb0, vl);
      vacc2 = __riscv_vfmacc_vf_f32m2(vacc2, wk[3], vb0, vl);
      vacc3 = __riscv_vfmacc_vf_f32m2(vacc3, wk[4], vb0, vl);
      int32_t off1;
      __builtin_memcpy(&off1, wk + 5, sizeof(off1));
      const vfloat32m2_t vb1 = __riscv_vle32_v_f32m2((const float*) ((uintptr_t) b + (intptr_t) off1), vl);
      vacc0 = __riscv_vfmacc_vf_f32m2(vacc0, wk[6], vb1, vl);
      vacc1 = __riscv_vfmacc_vf_f32m2(vacc1, wk[7], vb1, vl);
      vacc2 = __riscv_vfmacc_vf_f32m2(vacc2, wk[8], vb1, vl);
      vacc3 = __riscv_vfmacc_vf_f32m2(vacc3, wk[9], vb1, vl);
      int32_t off2;
      __builtin_memcpy(&off2, wk + 10, sizeof(off2));
      const vfloat32m2_t vb2 = __riscv_vle32_v_f32m2((const float*) ((uintptr_t) b + (intptr_t) off2), vl);
      vacc0 = __riscv_vfmacc_vf_f32m2(vacc0, wk[11], vb2, vl);
      vacc1 = __riscv_vfmacc_vf_f32m2(vacc1, wk[12], vb2, vl);
      vacc2 = __riscv_vfmacc_vf_f32m2(vacc2, wk[13], vb2, vl);
      vacc3 = __riscv_vfmacc_vf_f32m2(vacc3, wk[14], vb2, vl);
      int32_t off3;
      __builtin_memcpy(&off3, wk + 15, sizeof(off3));
      const vfloat32m2_t vb3 = __riscv_vle32_v_f32m2((const float*) ((uintptr_t) b + (intptr_t) off3), vl);
      vacc0 = __riscv_vfmacc_vf_f32m2(vacc0, wk[16], vb3, vl);
      vacc1 = __riscv_vfmacc_vf_f32m2(vacc1, wk[17], vb3, vl);
      vacc2 = __riscv_vfmacc_vf_f32m2(vacc2, wk[18], vb3, vl);
      vacc3 = __riscv_vfmacc_vf_f32m2(vacc3, wk[19], vb3, vl);
      int32_t off4;
      __builtin_memcpy(&off4, wk + 20, sizeof(off4));
      const vfloat32m2_t vb4 = __riscv_vle32_v_f32m2((const float*) ((uintptr_t) b + (intptr_t) off4), vl);
      vacc0 = __riscv_vfmacc_vf_f32m2(vacc0, wk[21], vb4, vl);
      vacc1 = __riscv_vfmacc_vf_f32m2(vacc1, wk[22], vb4, vl);
      vacc2 = __riscv_vfmacc_vf_f32m2(vacc2, wk[23], vb4, vl);
      vacc3 = __riscv_vfmacc_vf_f32m2(vacc3, wk[24], vb4, vl);
      int32_t off5;
      __builtin_memcpy(&off5, wk + 25, sizeof(off5));
      const vfloat32m2_t vb5 = __riscv_vle32_v_f32m2((const float*) ((uintptr_t) b + (intptr_t) off5), vl);
      vacc0 = __riscv_vfmacc_vf_f32m2(vacc0, wk[26], vb5, vl);
      vacc1 = __riscv_vfmacc_vf_f32m2(vacc1, wk[27], vb5, vl);
      vacc2 = __riscv_vfmacc_vf_f32m2(vacc2, wk[28], vb5, vl);
      vacc3 = __riscv_vfmacc_vf_f32m2(vacc3, wk[29], vb5, vl);
      int32_t off6;
      __builtin_memcpy(&off6, wk + 30, sizeof(off6));
      const vfloat32m2_t vb6 = __riscv_vle32_v_f32m2((const float*) ((uintptr_t) b + (intptr_t) off6), vl);
      vacc0 = __riscv_vfmacc_vf_f32m2(vacc0, wk[31], vb6, vl);
      vacc1 = __riscv_vfmacc_vf_f32m2(vacc1, wk[32], vb6, vl);
      vacc2 = __riscv_vfmacc_vf_f32m2(vacc2, wk[33], vb6, vl);
      vacc3 = __riscv_vfmacc_vf_f32m2(vacc3, wk[34], vb6, vl);
      int32_t off7;
      __builtin_memcpy(&off7, wk + 35, sizeof(off7));
      const vfloat32m2_t vb7 = __riscv_vle32_v_f32m2((const float*) ((uintptr_t) b + (intptr_t) off7), vl);
      vacc0 = __riscv_vfmacc_vf_f32m2(vacc0, wk[36], vb7, vl);
      vacc1 = __riscv_vfmacc_vf_f32m2(vacc1, wk[37], vb7, vl);
      vacc2 = __riscv_vfmacc_vf_f32m2(vacc2, wk[38], vb7, vl);
      vacc3 = __riscv_vfmacc_vf_f32m2(vacc3, wk[39], vb7, vl);
      int32_t off8;
      __builtin_memcpy(&off8, wk + 40, sizeof(off8));
      const vfloat32m2_t vb8 = __riscv_vle32_v_f32m2((const float*) ((uintptr_t) b + (intptr_t) off8), vl);
      vacc0 = __riscv_vfmacc_vf_f32m2(vacc0, wk[41], vb8, vl);
      vacc1 = __riscv_vfmacc_vf_f32m2(vacc1, wk[42], vb8, vl);
      vacc2 = __riscv_vfmacc_vf_f32m2(vacc2, wk[43], vb8, vl);
      vacc3 = __riscv_vfmacc_vf_f32m2(vacc3, wk[44], vb8, vl);
      int32_t off9;
      __builtin_memcpy(&off9, wk + 45, sizeof(off9));
      const vfloat32m2_t vb9 = __riscv_vle32_v_f32m2((const float*) ((uintptr_t) b + (intptr_t) off9), vl);
      vacc0 = __riscv_vfmacc_vf_f32m2(vacc0, wk[46], vb9, vl);
      vacc1 = __riscv_vfmacc_vf_f32m2(vacc1, wk[47], vb9, vl);
      vacc2 = __riscv_vfmacc_vf_f32m2(vacc2, wk[48], vb9, vl);
      vacc3 = __riscv_vfmacc_vf_f32m2(vacc3, wk[49], vb9, vl);
      int32_t off10;
      __builtin_memcpy(&off10, wk + 50, sizeof(off10));
      const vfloat32m2_t vb10 = __riscv_vle32_v_f32m2((const float*) ((uintptr_t) b + (intptr_t) off10), vl);
      vacc0 = __riscv_vfmacc_vf_f32m2(vacc0, wk[51], vb10, vl);
      vacc1 = __riscv_vfmacc_vf_f32m2(vacc1, wk[52], vb10, vl);
      vacc2 = __riscv_vfmacc_vf_f32m2(vacc2, wk[53], vb10, vl);
      vacc3 = __riscv_vfmacc_vf_f32m2(vacc3, wk[54], vb10, vl);
      int32_t off11;
      __builtin_memcpy(&off11, wk + 55, sizeof(off11));
      const vfloat32m2_t vb11 = __riscv_vle32_v_f32m2((const float*) ((uintptr_t) b + (intptr_t) off11), vl);
      vacc0 = __riscv_vfmacc_vf_f32m2(vacc0, wk[56], vb11, vl);
      vacc1 = __riscv_vfmacc_vf_f32m2(vacc1, wk[57], vb11, vl);
      vacc2 = __riscv_vfmacc_vf_f32m2(vacc2, wk[58], vb11, vl);
      vacc3 = __riscv_vfmacc_vf_f32m2(vacc3, wk[59], vb11, vl);
      int32_t off12;
      __builtin_memcpy(&off12, wk + 60, sizeof(off12));
      const vfloat32m2_t vb12 = __riscv_vle32_v_f32m2((const float*) ((uintptr_t) b + (intptr_t) off12), vl);
      vacc0 = __riscv_vfmacc_vf_f32m2(vacc0, wk[61], vb12, vl);
      vacc1 = __riscv_vfmacc_vf_f32m2(vacc1, wk[62], vb12, vl);
      vacc2 = __riscv_vfmacc_vf_f32m2(vacc2, wk[63], vb12, vl);
      vacc3 = __riscv_vfmacc_vf_f32m2(vacc3, wk[64], vb12, vl);
      int32_t off13;
      __builtin_memcpy(&off13, wk + 65, sizeof(off13));
      const vfloat32m2_t vb13 = __riscv_vle32_v_f32m2((const float*) ((uintptr_t) b + (intptr_t) off13), vl);
      vacc0 = __riscv_vfmacc_vf_f32m2(vacc0, wk[66], vb13, vl);
      vacc1 = __riscv_vfmacc_vf_f32m2(vacc1, wk[67], vb13, vl);
      vacc2 = __riscv_vfmacc_vf_f32m2(vacc2, wk[68], vb13, vl);
      vacc3 = __riscv_vfmacc_vf_f32m2(vacc3, wk[69], vb13, vl);
      int32_t off14;
      __builtin_memcpy(&off14, wk + 70, sizeof(off14));
      const vfloat32m2_t vb14 = __riscv_vle32_v_f32m2((const float*) ((uintptr_t) b + (intptr_t) off14), vl);
      vacc0 = __riscv_vfmacc_vf_f32m2(vacc0, wk[71], vb14, vl);
      vacc1 = __riscv_vfmacc_vf_f32m2(vacc1, wk[72], vb14, vl);
      vacc2 = __riscv_vfmacc_vf_f32m2(vacc2, wk[73], vb14, vl);
      vacc3 = __riscv_vfmacc_vf_f32m2(vacc3, wk[74], vb14, vl);
      int32_t off15;
      __builtin_memcpy(&off15, wk + 75, sizeof(off15));
      const vfloat32m2_t vb15 = __riscv_vle32_v_f32m2((const float*) ((uintptr_t) b + (intptr_t) off15), vl);
      vacc0 = __riscv_vfmacc_vf_f32m2(vacc0, wk[76], vb15, vl);
      vacc1 = __riscv_vfmacc_vf_f32m2(vacc1, wk[77], vb15, vl);
      vacc2 = __riscv_vfmacc_vf_f32m2(vacc2, wk[78], vb15, vl);
      vacc3 = __riscv_vfmacc_vf_f32m2(vacc3, wk[79], vb15, vl);
      wk += 80;
    }
    while (wk != w_end) {
      int32_t off;
      __builtin_memcpy(&off, wk, sizeof(off));
      const vfloat32m2_t vb = __riscv_vle32_v_f32m2((const float*) ((uintptr_t) b + (intptr_t) off), vl);
      vacc0 = __riscv_vfmacc_vf_f32m2(vacc0, wk[1], vb, vl);
      vacc1 = __riscv_vfmacc_vf_f32m2(vacc1, wk[2], vb, vl);
      vacc2 = __riscv_vfmacc_vf_f32m2(vacc2, wk[3], vb, vl);
      vacc3 = __riscv_vfmacc_vf_f32m2(vacc3, wk[4], vb, vl);
      wk += 5;
    }

    if (clamp_min) {
      vacc0 = __riscv_vfmax_vf_f32m2(vacc0, vmin, vl);
      vacc1 = __riscv_vfmax_vf_f32m2(vacc1, vmin, vl);
      vacc2 = __riscv_vfmax_vf_f32m2(vacc2, vmin, vl);
      vacc3 = __riscv_vfmax_vf_f32m2(vacc3, vmin, vl);
    }
    if (clamp_max) {
      vacc0 = __riscv_vfmin_vf_f32m2(vacc0, vmax, vl);
      vacc1 = __riscv_vfmin_vf_f32m2(vacc1, vmax, vl);
      vacc2 = __riscv_vfmin_vf_f32m2(vacc2, vmax, vl);
      vacc3 = __riscv_vfmin_vf_f32m2(vacc3, vmax, vl);
    }

    __riscv_vse32_v_f32m2(c3, vacc3, vl);
    c3 += vl;
    __riscv_vse32_v_f32m2(c2, vacc2, vl);
    c2 += vl;
    __riscv_vse32_v_f32m2(c1, vacc1, vl);
    c1 += vl;
    __riscv_vse32_v_f32m2(c0, vacc0, vl);
    c0 += vl;
    b += vl;
  } while (nc != 0);
}
