// Auto-generated file. Do not edit!
//   Template: third_party/xnnpack_rvv/src/f32-spconvgemm/MRxNRv-rvv.c.in
//   Generator: python third_party/xnnpack_rvv/tools/generate.py
//   Registry: third_party/xnnpack_rvv/src/f32-spconvgemm/f32-spconvgemm.inc
//
// 2 rows (output channels) x 8 vector registers (LMUL=8) of columns (output pixels), column-sparse:
// only the kept K steps of the block, 16 per main-loop iteration.
// Vector registers: 2 accumulators + 1 B vector of 8 = 24 of 32.
// Per kept step: one lw (the B row's byte offset) and one add, one vle32, 2 flw
// and 2 vfmacc.vf -- one instruction more than a dense K step; per 16 steps
// one add for the entry pointer, which also ends the loop. Built with
// -mllvm -enable-misched=false, as f32-convgemm (BUILD.bazel).

#include <stddef.h>
#include <stdint.h>

#include <riscv_vector.h>

#include "rvpack_rvv/common.h"
#include "rvpack_rvv/spconvgemm.h"

void rvpack_f32_spconvgemm_minmax_ukernel_2x8v__rvv(
    size_t mr,
    size_t nc,
    const float* restrict w,
    const float* restrict b,
    float* restrict c,
    size_t c_stride,
    const struct rvpack_f32_minmax_params* restrict params)
{
  RVPACK_RVV_ASSERT(mr != 0);
  RVPACK_RVV_ASSERT(mr <= 2);
  RVPACK_RVV_ASSERT(nc != 0);

  // Rows past mr alias the row before; stored first (in reverse row order),
  // so the valid row's store comes last. Their packed weights are zero.
  float* c0 = c;
  float* c1 = (float*) ((uintptr_t) c0 + c_stride);
  if (mr <= 1) {
    c1 = c0;
  }

  uint32_t kept;
  __builtin_memcpy(&kept, w, sizeof(kept));
  const float* const bias = w + 1;
  // Entries of 3 words: the B row's byte offset (int32), then the 2 weights.
  const float* const entries = bias + 2;
  const float* const w_unrolled_end = entries + kept / 16 * 48;
  const float* const w_end = entries + kept * 3;

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

    vfloat32m8_t vacc0 = __riscv_vfmv_v_f_f32m8(bias[0], vl);
    vfloat32m8_t vacc1 = __riscv_vfmv_v_f_f32m8(bias[1], vl);

    const float* wk = entries;
    while (wk != w_unrolled_end) {
      int32_t off0;
      __builtin_memcpy(&off0, wk + 0, sizeof(off0));
      const vfloat32m8_t vb0 = __riscv_vle32_v_f32m8((const float*) ((uintptr_t) b + (intptr_t) off0), vl);
      vacc0 = __riscv_vfmacc_vf_f32m8(vacc0, wk[1], vb0, vl);
      vacc1 = __riscv_vfmacc_vf_f32m8(vacc1, wk[2], vb0, vl);
      int32_t off1;
      __builtin_memcpy(&off1, wk + 3, sizeof(off1));
      const vfloat32m8_t vb1 = __riscv_vle32_v_f32m8((const float*) ((uintptr_t) b + (intptr_t) off1), vl);
      vacc0 = __riscv_vfmacc_vf_f32m8(vacc0, wk[4], vb1, vl);
      vacc1 = __riscv_vfmacc_vf_f32m8(vacc1, wk[5], vb1, vl);
      int32_t off2;
      __builtin_memcpy(&off2, wk + 6, sizeof(off2));
      const vfloat32m8_t vb2 = __riscv_vle32_v_f32m8((const float*) ((uintptr_t) b + (intptr_t) off2), vl);
      vacc0 = __riscv_vfmacc_vf_f32m8(vacc0, wk[7], vb2, vl);
      vacc1 = __riscv_vfmacc_vf_f32m8(vacc1, wk[8], vb2, vl);
      int32_t off3;
      __builtin_memcpy(&off3, wk + 9, sizeof(off3));
      const vfloat32m8_t vb3 = __riscv_vle32_v_f32m8((const float*) ((uintptr_t) b + (intptr_t) off3), vl);
      vacc0 = __riscv_vfmacc_vf_f32m8(vacc0, wk[10], vb3, vl);
      vacc1 = __riscv_vfmacc_vf_f32m8(vacc1, wk[11], vb3, vl);
      int32_t off4;
      __builtin_memcpy(&off4, wk + 12, sizeof(off4));
      const vfloat32m8_t vb4 = __riscv_vle32_v_f32m8((const float*) ((uintptr_t) b + (intptr_t) off4), vl);
      vacc0 = __riscv_vfmacc_vf_f32m8(vacc0, wk[13], vb4, vl);
      vacc1 = __riscv_vfmacc_vf_f32m8(vacc1, wk[14], vb4, vl);
      int32_t off5;
      __builtin_memcpy(&off5, wk + 15, sizeof(off5));
      const vfloat32m8_t vb5 = __riscv_vle32_v_f32m8((const float*) ((uintptr_t) b + (intptr_t) off5), vl);
      vacc0 = __riscv_vfmacc_vf_f32m8(vacc0, wk[16], vb5, vl);
      vacc1 = __riscv_vfmacc_vf_f32m8(vacc1, wk[17], vb5, vl);
      int32_t off6;
      __builtin_memcpy(&off6, wk + 18, sizeof(off6));
      const vfloat32m8_t vb6 = __riscv_vle32_v_f32m8((const float*) ((uintptr_t) b + (intptr_t) off6), vl);
      vacc0 = __riscv_vfmacc_vf_f32m8(vacc0, wk[19], vb6, vl);
      vacc1 = __riscv_vfmacc_vf_f32m8(vacc1, wk[20], vb6, vl);
      int32_t off7;
      __builtin_memcpy(&off7, wk + 21, sizeof(off7));
      const vfloat32m8_t vb7 = __riscv_vle32_v_f32m8((const float*) ((uintptr_t) b + (intptr_t) off7), vl);
      vacc0 = __riscv_vfmacc_vf_f32m8(vacc0, wk[22], vb7, vl);
      vacc1 = __riscv_vfmacc_vf_f32m8(vacc1, wk[23], vb7, vl);
      int32_t off8;
      __builtin_memcpy(&off8, wk + 24, sizeof(off8));
      const vfloat32m8_t vb8 = __riscv_vle32_v_f32m8((const float*) ((uintptr_t) b + (intptr_t) off8), vl);
      vacc0 = __riscv_vfmacc_vf_f32m8(vacc0, wk[25], vb8, vl);
      vacc1 = __riscv_vfmacc_vf_f32m8(vacc1, wk[26], vb8, vl);
      int32_t off9;
      __builtin_memcpy(&off9, wk + 27, sizeof(off9));
      const vfloat32m8_t vb9 = __riscv_vle32_v_f32m8((const float*) ((uintptr_t) b + (intptr_t) off9), vl);
      vacc0 = __riscv_vfmacc_vf_f32m8(vacc0, wk[28], vb9, vl);
      vacc1 = __riscv_vfmacc_vf_f32m8(vacc1, wk[29], vb9, vl);
      int32_t off10;
      __builtin_memcpy(&off10, wk + 30, sizeof(off10));
      const vfloat32m8_t vb10 = __riscv_vle32_v_f32m8((const float*) ((uintptr_t) b + (intptr_t) off10), vl);
      vacc0 = __riscv_vfmacc_vf_f32m8(vacc0, wk[31], vb10, vl);
      vacc1 = __riscv_vfmacc_vf_f32m8(vacc1, wk[32], vb10, vl);
      int32_t off11;
      __builtin_memcpy(&off11, wk + 33, sizeof(off11));
      const vfloat32m8_t vb11 = __riscv_vle32_v_f32m8((const float*) ((uintptr_t) b + (intptr_t) off11), vl);
      vacc0 = __riscv_vfmacc_vf_f32m8(vacc0, wk[34], vb11, vl);
      vacc1 = __riscv_vfmacc_vf_f32m8(vacc1, wk[35], vb11, vl);
      int32_t off12;
      __builtin_memcpy(&off12, wk + 36, sizeof(off12));
      const vfloat32m8_t vb12 = __riscv_vle32_v_f32m8((const float*) ((uintptr_t) b + (intptr_t) off12), vl);
      vacc0 = __riscv_vfmacc_vf_f32m8(vacc0, wk[37], vb12, vl);
      vacc1 = __riscv_vfmacc_vf_f32m8(vacc1, wk[38], vb12, vl);
      int32_t off13;
      __builtin_memcpy(&off13, wk + 39, sizeof(off13));
      const vfloat32m8_t vb13 = __riscv_vle32_v_f32m8((const float*) ((uintptr_t) b + (intptr_t) off13), vl);
      vacc0 = __riscv_vfmacc_vf_f32m8(vacc0, wk[40], vb13, vl);
      vacc1 = __riscv_vfmacc_vf_f32m8(vacc1, wk[41], vb13, vl);
      int32_t off14;
      __builtin_memcpy(&off14, wk + 42, sizeof(off14));
      const vfloat32m8_t vb14 = __riscv_vle32_v_f32m8((const float*) ((uintptr_t) b + (intptr_t) off14), vl);
      vacc0 = __riscv_vfmacc_vf_f32m8(vacc0, wk[43], vb14, vl);
      vacc1 = __riscv_vfmacc_vf_f32m8(vacc1, wk[44], vb14, vl);
      int32_t off15;
      __builtin_memcpy(&off15, wk + 45, sizeof(off15));
      const vfloat32m8_t vb15 = __riscv_vle32_v_f32m8((const float*) ((uintptr_t) b + (intptr_t) off15), vl);
      vacc0 = __riscv_vfmacc_vf_f32m8(vacc0, wk[46], vb15, vl);
      vacc1 = __riscv_vfmacc_vf_f32m8(vacc1, wk[47], vb15, vl);
      wk += 48;
    }
    while (wk != w_end) {
      int32_t off;
      __builtin_memcpy(&off, wk, sizeof(off));
      const vfloat32m8_t vb = __riscv_vle32_v_f32m8((const float*) ((uintptr_t) b + (intptr_t) off), vl);
      vacc0 = __riscv_vfmacc_vf_f32m8(vacc0, wk[1], vb, vl);
      vacc1 = __riscv_vfmacc_vf_f32m8(vacc1, wk[2], vb, vl);
      wk += 3;
    }

    if (clamp_min) {
      vacc0 = __riscv_vfmax_vf_f32m8(vacc0, vmin, vl);
      vacc1 = __riscv_vfmax_vf_f32m8(vacc1, vmin, vl);
    }
    if (clamp_max) {
      vacc0 = __riscv_vfmin_vf_f32m8(vacc0, vmax, vl);
      vacc1 = __riscv_vfmin_vf_f32m8(vacc1, vmax, vl);
    }

    __riscv_vse32_v_f32m8(c1, vacc1, vl);
    c1 += vl;
    __riscv_vse32_v_f32m8(c0, vacc0, vl);
    c0 += vl;
    b += vl;
  } while (nc != 0);
}
