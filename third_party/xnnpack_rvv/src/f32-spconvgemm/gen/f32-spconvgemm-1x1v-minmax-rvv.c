// Auto-generated file. Do not edit!
//   Template: third_party/xnnpack_rvv/src/f32-spconvgemm/MRxNRv-rvv.c.in
//   Generator: python third_party/xnnpack_rvv/tools/generate.py
//   Registry: third_party/xnnpack_rvv/src/f32-spconvgemm/f32-spconvgemm.inc
//
// 1 row (output channels) x 1 vector register (LMUL=1) of columns (output pixels), column-sparse:
// only the kept K steps of the block, 16 per main-loop iteration.
// Vector registers: 1 accumulator + 1 B vector of 1 = 2 of 32.
// Per kept step: one lw (the B row's byte offset) and one add, one vle32, 1 flw
// and 1 vfmacc.vf -- one instruction more than a dense K step; per 16 steps
// one add for the entry pointer, which also ends the loop. Built with
// -mllvm -enable-misched=false, as f32-convgemm (BUILD.bazel).

#include <stddef.h>
#include <stdint.h>

#include <riscv_vector.h>

#include "rvpack_rvv/common.h"
#include "rvpack_rvv/spconvgemm.h"

void rvpack_f32_spconvgemm_minmax_ukernel_1x1v__rvv(
    size_t mr,
    size_t nc,
    const float* restrict w,
    const float* restrict b,
    float* restrict c,
    size_t c_stride,
    const struct rvpack_f32_minmax_params* restrict params)
{
  RVPACK_RVV_ASSERT(mr != 0);
  RVPACK_RVV_ASSERT(mr <= 1);
  RVPACK_RVV_ASSERT(nc != 0);

  (void) mr;
  (void) c_stride;
  float* c0 = c;

  uint32_t kept;
  __builtin_memcpy(&kept, w, sizeof(kept));
  const float* const bias = w + 1;
  // Entries of 2 words: the B row's byte offset (int32), then the 1 weights.
  const float* const entries = bias + 1;
  const float* const w_unrolled_end = entries + kept / 16 * 32;
  const float* const w_end = entries + kept * 2;

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

    vfloat32m1_t vacc0 = __riscv_vfmv_v_f_f32m1(bias[0], vl);

    const float* wk = entries;
    while (wk != w_unrolled_end) {
      int32_t off0;
      __builtin_memcpy(&off0, wk + 0, sizeof(off0));
      const vfloat32m1_t vb0 = __riscv_vle32_v_f32m1((const float*) ((uintptr_t) b + (intptr_t) off0), vl);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[1], vb0, vl);
      int32_t off1;
      __builtin_memcpy(&off1, wk + 2, sizeof(off1));
      const vfloat32m1_t vb1 = __riscv_vle32_v_f32m1((const float*) ((uintptr_t) b + (intptr_t) off1), vl);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[3], vb1, vl);
      int32_t off2;
      __builtin_memcpy(&off2, wk + 4, sizeof(off2));
      const vfloat32m1_t vb2 = __riscv_vle32_v_f32m1((const float*) ((uintptr_t) b + (intptr_t) off2), vl);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[5], vb2, vl);
      int32_t off3;
      __builtin_memcpy(&off3, wk + 6, sizeof(off3));
      const vfloat32m1_t vb3 = __riscv_vle32_v_f32m1((const float*) ((uintptr_t) b + (intptr_t) off3), vl);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[7], vb3, vl);
      int32_t off4;
      __builtin_memcpy(&off4, wk + 8, sizeof(off4));
      const vfloat32m1_t vb4 = __riscv_vle32_v_f32m1((const float*) ((uintptr_t) b + (intptr_t) off4), vl);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[9], vb4, vl);
      int32_t off5;
      __builtin_memcpy(&off5, wk + 10, sizeof(off5));
      const vfloat32m1_t vb5 = __riscv_vle32_v_f32m1((const float*) ((uintptr_t) b + (intptr_t) off5), vl);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[11], vb5, vl);
      int32_t off6;
      __builtin_memcpy(&off6, wk + 12, sizeof(off6));
      const vfloat32m1_t vb6 = __riscv_vle32_v_f32m1((const float*) ((uintptr_t) b + (intptr_t) off6), vl);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[13], vb6, vl);
      int32_t off7;
      __builtin_memcpy(&off7, wk + 14, sizeof(off7));
      const vfloat32m1_t vb7 = __riscv_vle32_v_f32m1((const float*) ((uintptr_t) b + (intptr_t) off7), vl);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[15], vb7, vl);
      int32_t off8;
      __builtin_memcpy(&off8, wk + 16, sizeof(off8));
      const vfloat32m1_t vb8 = __riscv_vle32_v_f32m1((const float*) ((uintptr_t) b + (intptr_t) off8), vl);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[17], vb8, vl);
      int32_t off9;
      __builtin_memcpy(&off9, wk + 18, sizeof(off9));
      const vfloat32m1_t vb9 = __riscv_vle32_v_f32m1((const float*) ((uintptr_t) b + (intptr_t) off9), vl);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[19], vb9, vl);
      int32_t off10;
      __builtin_memcpy(&off10, wk + 20, sizeof(off10));
      const vfloat32m1_t vb10 = __riscv_vle32_v_f32m1((const float*) ((uintptr_t) b + (intptr_t) off10), vl);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[21], vb10, vl);
      int32_t off11;
      __builtin_memcpy(&off11, wk + 22, sizeof(off11));
      const vfloat32m1_t vb11 = __riscv_vle32_v_f32m1((const float*) ((uintptr_t) b + (intptr_t) off11), vl);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[23], vb11, vl);
      int32_t off12;
      __builtin_memcpy(&off12, wk + 24, sizeof(off12));
      const vfloat32m1_t vb12 = __riscv_vle32_v_f32m1((const float*) ((uintptr_t) b + (intptr_t) off12), vl);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[25], vb12, vl);
      int32_t off13;
      __builtin_memcpy(&off13, wk + 26, sizeof(off13));
      const vfloat32m1_t vb13 = __riscv_vle32_v_f32m1((const float*) ((uintptr_t) b + (intptr_t) off13), vl);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[27], vb13, vl);
      int32_t off14;
      __builtin_memcpy(&off14, wk + 28, sizeof(off14));
      const vfloat32m1_t vb14 = __riscv_vle32_v_f32m1((const float*) ((uintptr_t) b + (intptr_t) off14), vl);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[29], vb14, vl);
      int32_t off15;
      __builtin_memcpy(&off15, wk + 30, sizeof(off15));
      const vfloat32m1_t vb15 = __riscv_vle32_v_f32m1((const float*) ((uintptr_t) b + (intptr_t) off15), vl);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[31], vb15, vl);
      wk += 32;
    }
    while (wk != w_end) {
      int32_t off;
      __builtin_memcpy(&off, wk, sizeof(off));
      const vfloat32m1_t vb = __riscv_vle32_v_f32m1((const float*) ((uintptr_t) b + (intptr_t) off), vl);
      vacc0 = __riscv_vfmacc_vf_f32m1(vacc0, wk[1], vb, vl);
      wk += 2;
    }

    if (clamp_min) {
      vacc0 = __riscv_vfmax_vf_f32m1(vacc0, vmin, vl);
    }
    if (clamp_max) {
      vacc0 = __riscv_vfmin_vf_f32m1(vacc0, vmax, vl);
    }

    __riscv_vse32_v_f32m1(c0, vacc0, vl);
    c0 += vl;
    b += vl;
  } while (nc != 0);
}
