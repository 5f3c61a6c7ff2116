// Auto-generated file. Do not edit!
//   Template: third_party/xnnpack_rvv/src/qs8-convgemm/MRxNRv-rvv.c.in
//   Generator: python third_party/xnnpack_rvv/tools/generate.py
//   Registry: third_party/xnnpack_rvv/src/qs8-convgemm/qs8-convgemm.inc
//
// 3 rows (output channels) x 8 vector registers of int32 accumulators (LMUL=8) of columns
// (output pixels), K unrolled by 8. Vector registers: 3 x 8 accumulators + the int16 and int8
// B vectors = 30 of 32. Per K step: one vle8 of the B row, one vsext.vf2 to int16, one add
// for the next B row, 3 lb from one packed-weight pointer and 3 vwmacc.vx (int16 x int16 -> int32).

#include <stddef.h>
#include <stdint.h>

#include <riscv_vector.h>

#include "rvpack_rvv/common.h"
#include "rvpack_rvv/qs8_convgemm.h"

void rvpack_qs8_convgemm_minmax_ukernel_3x8v__rvv(
    size_t mr,
    size_t nc,
    size_t kc,
    const void* restrict w,
    const int8_t* restrict b,
    size_t b_stride,
    int8_t* restrict c,
    size_t c_stride,
    const struct rvpack_qs8_minmax_params* restrict params)
{
  RVPACK_RVV_ASSERT(mr != 0);
  RVPACK_RVV_ASSERT(mr <= 3);
  RVPACK_RVV_ASSERT(nc != 0);
  RVPACK_RVV_ASSERT(kc != 0);

  // Rows past mr alias the row before; stored first (in reverse row order),
  // so the valid row's store comes last. Their packed words are zero.
  int8_t* c0 = c;
  int8_t* c1 = c0 + c_stride;
  if (mr <= 1) {
    c1 = c0;
  }
  int8_t* c2 = c1 + c_stride;
  if (mr <= 2) {
    c2 = c1;
  }

  // The block: MR biases, multipliers, left shifts, right shifts, scales; then the weights.
  const int32_t* restrict words = (const int32_t*) w;
  const float* restrict scales = (const float*) w + 12;
  const int8_t* restrict weights = (const int8_t*) w + 60;
  const int32_t rounding = params->rounding;
  const int32_t zero_point = params->output_zero_point;
  const int32_t out_min = params->min;
  const int32_t out_max = params->max;
  const size_t nr = __riscv_vsetvlmax_e32m8();
  size_t vl = nr;
  do {
    if (nc < nr) {
      vl = __riscv_vsetvl_e32m8(nc);
    }
    nc -= vl;

    vint32m8_t vacc0 = __riscv_vmv_v_x_i32m8(words[0], vl);
    vint32m8_t vacc1 = __riscv_vmv_v_x_i32m8(words[1], vl);
    vint32m8_t vacc2 = __riscv_vmv_v_x_i32m8(words[2], vl);
    const int8_t* wk = weights;
    const int8_t* bk = b;
    const int8_t* const w_unrolled_end = wk + kc / 8 * 24;
    const int8_t* const w_end = wk + kc * 3;
    while (wk != w_unrolled_end) {
      const vint16m4_t vb0 = __riscv_vsext_vf2_i16m4(__riscv_vle8_v_i8m2(bk, vl), vl);
      bk += b_stride;
      vacc0 = __riscv_vwmacc_vx_i32m8(vacc0, (int16_t) wk[0], vb0, vl);
      vacc1 = __riscv_vwmacc_vx_i32m8(vacc1, (int16_t) wk[1], vb0, vl);
      vacc2 = __riscv_vwmacc_vx_i32m8(vacc2, (int16_t) wk[2], vb0, vl);
      const vint16m4_t vb1 = __riscv_vsext_vf2_i16m4(__riscv_vle8_v_i8m2(bk, vl), vl);
      bk += b_stride;
      vacc0 = __riscv_vwmacc_vx_i32m8(vacc0, (int16_t) wk[3], vb1, vl);
      vacc1 = __riscv_vwmacc_vx_i32m8(vacc1, (int16_t) wk[4], vb1, vl);
      vacc2 = __riscv_vwmacc_vx_i32m8(vacc2, (int16_t) wk[5], vb1, vl);
      const vint16m4_t vb2 = __riscv_vsext_vf2_i16m4(__riscv_vle8_v_i8m2(bk, vl), vl);
      bk += b_stride;
      vacc0 = __riscv_vwmacc_vx_i32m8(vacc0, (int16_t) wk[6], vb2, vl);
      vacc1 = __riscv_vwmacc_vx_i32m8(vacc1, (int16_t) wk[7], vb2, vl);
      vacc2 = __riscv_vwmacc_vx_i32m8(vacc2, (int16_t) wk[8], vb2, vl);
      const vint16m4_t vb3 = __riscv_vsext_vf2_i16m4(__riscv_vle8_v_i8m2(bk, vl), vl);
      bk += b_stride;
      vacc0 = __riscv_vwmacc_vx_i32m8(vacc0, (int16_t) wk[9], vb3, vl);
      vacc1 = __riscv_vwmacc_vx_i32m8(vacc1, (int16_t) wk[10], vb3, vl);
      vacc2 = __riscv_vwmacc_vx_i32m8(vacc2, (int16_t) wk[11], vb3, vl);
      const vint16m4_t vb4 = __riscv_vsext_vf2_i16m4(__riscv_vle8_v_i8m2(bk, vl), vl);
      bk += b_stride;
      vacc0 = __riscv_vwmacc_vx_i32m8(vacc0, (int16_t) wk[12], vb4, vl);
      vacc1 = __riscv_vwmacc_vx_i32m8(vacc1, (int16_t) wk[13], vb4, vl);
      vacc2 = __riscv_vwmacc_vx_i32m8(vacc2, (int16_t) wk[14], vb4, vl);
      const vint16m4_t vb5 = __riscv_vsext_vf2_i16m4(__riscv_vle8_v_i8m2(bk, vl), vl);
      bk += b_stride;
      vacc0 = __riscv_vwmacc_vx_i32m8(vacc0, (int16_t) wk[15], vb5, vl);
      vacc1 = __riscv_vwmacc_vx_i32m8(vacc1, (int16_t) wk[16], vb5, vl);
      vacc2 = __riscv_vwmacc_vx_i32m8(vacc2, (int16_t) wk[17], vb5, vl);
      const vint16m4_t vb6 = __riscv_vsext_vf2_i16m4(__riscv_vle8_v_i8m2(bk, vl), vl);
      bk += b_stride;
      vacc0 = __riscv_vwmacc_vx_i32m8(vacc0, (int16_t) wk[18], vb6, vl);
      vacc1 = __riscv_vwmacc_vx_i32m8(vacc1, (int16_t) wk[19], vb6, vl);
      vacc2 = __riscv_vwmacc_vx_i32m8(vacc2, (int16_t) wk[20], vb6, vl);
      const vint16m4_t vb7 = __riscv_vsext_vf2_i16m4(__riscv_vle8_v_i8m2(bk, vl), vl);
      bk += b_stride;
      vacc0 = __riscv_vwmacc_vx_i32m8(vacc0, (int16_t) wk[21], vb7, vl);
      vacc1 = __riscv_vwmacc_vx_i32m8(vacc1, (int16_t) wk[22], vb7, vl);
      vacc2 = __riscv_vwmacc_vx_i32m8(vacc2, (int16_t) wk[23], vb7, vl);
      wk += 24;
    }
    while (wk != w_end) {
      const vint16m4_t vb = __riscv_vsext_vf2_i16m4(__riscv_vle8_v_i8m2(bk, vl), vl);
      bk += b_stride;
      vacc0 = __riscv_vwmacc_vx_i32m8(vacc0, (int16_t) wk[0], vb, vl);
      vacc1 = __riscv_vwmacc_vx_i32m8(vacc1, (int16_t) wk[1], vb, vl);
      vacc2 = __riscv_vwmacc_vx_i32m8(vacc2, (int16_t) wk[2], vb, vl);
      wk += 3;
    }

    if (rounding == RVPACK_QS8_ROUND_FLOAT) {
      // onnxruntime: round((float) acc * scale), ties to even
      vacc0 = __riscv_vfcvt_x_f_v_i32m8_rm(
          __riscv_vfmul_vf_f32m8(__riscv_vfcvt_f_x_v_f32m8_rm(vacc0, __RISCV_FRM_RNE, vl), scales[0], vl),
          __RISCV_FRM_RNE, vl);
      vacc1 = __riscv_vfcvt_x_f_v_i32m8_rm(
          __riscv_vfmul_vf_f32m8(__riscv_vfcvt_f_x_v_f32m8_rm(vacc1, __RISCV_FRM_RNE, vl), scales[1], vl),
          __RISCV_FRM_RNE, vl);
      vacc2 = __riscv_vfcvt_x_f_v_i32m8_rm(
          __riscv_vfmul_vf_f32m8(__riscv_vfcvt_f_x_v_f32m8_rm(vacc2, __RISCV_FRM_RNE, vl), scales[2], vl),
          __RISCV_FRM_RNE, vl);
    } else {
      // TFLite through ruy: (acc << left) * multiplier, both roundings half up (vxrm = rnu)
      vacc0 = __riscv_vssra_vx_i32m8(
          __riscv_vsmul_vx_i32m8(__riscv_vsll_vx_i32m8(vacc0, (size_t) words[6], vl), words[3],
                              __RISCV_VXRM_RNU, vl),
          (size_t) words[9], __RISCV_VXRM_RNU, vl);
      vacc1 = __riscv_vssra_vx_i32m8(
          __riscv_vsmul_vx_i32m8(__riscv_vsll_vx_i32m8(vacc1, (size_t) words[7], vl), words[4],
                              __RISCV_VXRM_RNU, vl),
          (size_t) words[10], __RISCV_VXRM_RNU, vl);
      vacc2 = __riscv_vssra_vx_i32m8(
          __riscv_vsmul_vx_i32m8(__riscv_vsll_vx_i32m8(vacc2, (size_t) words[8], vl), words[5],
                              __RISCV_VXRM_RNU, vl),
          (size_t) words[11], __RISCV_VXRM_RNU, vl);
    }

    vacc2 = __riscv_vmin_vx_i32m8(__riscv_vmax_vx_i32m8(__riscv_vadd_vx_i32m8(vacc2, zero_point, vl), out_min, vl), out_max, vl);
    __riscv_vse8_v_i8m2(c2, __riscv_vncvt_x_x_w_i8m2(__riscv_vncvt_x_x_w_i16m4(vacc2, vl), vl), vl);
    c2 += vl;
    vacc1 = __riscv_vmin_vx_i32m8(__riscv_vmax_vx_i32m8(__riscv_vadd_vx_i32m8(vacc1, zero_point, vl), out_min, vl), out_max, vl);
    __riscv_vse8_v_i8m2(c1, __riscv_vncvt_x_x_w_i8m2(__riscv_vncvt_x_x_w_i16m4(vacc1, vl), vl), vl);
    c1 += vl;
    vacc0 = __riscv_vmin_vx_i32m8(__riscv_vmax_vx_i32m8(__riscv_vadd_vx_i32m8(vacc0, zero_point, vl), out_min, vl), out_max, vl);
    __riscv_vse8_v_i8m2(c0, __riscv_vncvt_x_x_w_i8m2(__riscv_vncvt_x_x_w_i16m4(vacc0, vl), vl), vl);
    c0 += vl;
    b += vl;
  } while (nc != 0);
}
