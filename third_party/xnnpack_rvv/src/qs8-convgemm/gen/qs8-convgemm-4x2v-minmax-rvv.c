// Auto-generated file. Do not edit!
//   Template: third_party/xnnpack_rvv/src/qs8-convgemm/MRxNRv-rvv.c.in
//   Generator: python third_party/xnnpack_rvv/tools/generate.py
//   Registry: third_party/xnnpack_rvv/src/qs8-convgemm/qs8-convgemm.inc
//
// 4 rows (output channels) x 2 vector registers of int32 accumulators (LMUL=2) of columns
// (output pixels), K unrolled by 8. Vector registers: 4 x 2 accumulators + the int16 and int8
// B vectors = 10 of 32. Per K step: one vle8 of the B row, one vsext.vf2 to int16, one add
// for the next B row, 4 lb from one packed-weight pointer and 4 vwmacc.vx (int16 x int16 -> int32).

#include <stddef.h>
#include <stdint.h>

#include <riscv_vector.h>

#include "rvpack_rvv/common.h"
#include "rvpack_rvv/qs8_convgemm.h"

void rvpack_qs8_convgemm_minmax_ukernel_4x2v__rvv(
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
  RVPACK_RVV_ASSERT(mr <= 4);
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
  int8_t* c3 = c2 + c_stride;
  if (mr <= 3) {
    c3 = c2;
  }

  // The block: MR biases, multipliers, left shifts, right shifts, scales; then the weights.
  const int32_t* restrict words = (const int32_t*) w;
  const float* restrict scales = (const float*) w + 16;
  const int8_t* restrict weights = (const int8_t*) w + 80;
  const int32_t rounding = params->rounding;
  const int32_t zero_point = params->output_zero_point;
  const int32_t out_min = params->min;
  const int32_t out_max = params->max;
  const size_t nr = __riscv_vsetvlmax_e32m2();
  size_t vl = nr;
  do {
    if (nc < nr) {
      vl = __riscv_vsetvl_e32m2(nc);
    }
    nc -= vl;

    vint32m2_t vacc0 = __riscv_vmv_v_x_i32m2(words[0], vl);
    vint32m2_t vacc1 = __riscv_vmv_v_x_i32m2(words[1], vl);
    vint32m2_t vacc2 = __riscv_vmv_v_x_i32m2(words[2], vl);
    vint32m2_t vacc3 = __riscv_vmv_v_x_i32m2(words[3], vl);
    const int8_t* wk = weights;
    const int8_t* bk = b;
    const int8_t* const w_unrolled_end = wk + kc / 8 * 32;
    const int8_t* const w_end = wk + kc * 4;
    while (wk != w_unrolled_end) {
      const vint16m1_t vb0 = __riscv_vsext_vf2_i16m1(__riscv_vle8_v_i8mf2(bk, vl), vl);
      bk += b_stride;
      vacc0 = __riscv_vwmacc_vx_i32m2(vacc0, (int16_t) wk[0], vb0, vl);
      vacc1 = __riscv_vwmacc_vx_i32m2(vacc1, (int16_t) wk[1], vb0, vl);
      vacc2 = __riscv_vwmacc_vx_i32m2(vacc2, (int16_t) wk[2], vb0, vl);
      vacc3 = __riscv_vwmacc_vx_i32m2(vacc3, (int16_t) wk[3], vb0, vl);
      const vint16m1_t vb1 = __riscv_vsext_vf2_i16m1(__riscv_vle8_v_i8mf2(bk, vl), vl);
      bk += b_stride;
      vacc0 = __riscv_vwmacc_vx_i32m2(vacc0, (int16_t) wk[4], vb1, vl);
      vacc1 = __riscv_vwmacc_vx_i32m2(vacc1, (int16_t) wk[5], vb1, vl);
      vacc2 = __riscv_vwmacc_vx_i32m2(vacc2, (int16_t) wk[6], vb1, vl);
      vacc3 = __riscv_vwmacc_vx_i32m2(vacc3, (int16_t) wk[7], vb1, vl);
      const vint16m1_t vb2 = __riscv_vsext_vf2_i16m1(__riscv_vle8_v_i8mf2(bk, vl), vl);
      bk += b_stride;
      vacc0 = __riscv_vwmacc_vx_i32m2(vacc0, (int16_t) wk[8], vb2, vl);
      vacc1 = __riscv_vwmacc_vx_i32m2(vacc1, (int16_t) wk[9], vb2, vl);
      vacc2 = __riscv_vwmacc_vx_i32m2(vacc2, (int16_t) wk[10], vb2, vl);
      vacc3 = __riscv_vwmacc_vx_i32m2(vacc3, (int16_t) wk[11], vb2, vl);
      const vint16m1_t vb3 = __riscv_vsext_vf2_i16m1(__riscv_vle8_v_i8mf2(bk, vl), vl);
      bk += b_stride;
      vacc0 = __riscv_vwmacc_vx_i32m2(vacc0, (int16_t) wk[12], vb3, vl);
      vacc1 = __riscv_vwmacc_vx_i32m2(vacc1, (int16_t) wk[13], vb3, vl);
      vacc2 = __riscv_vwmacc_vx_i32m2(vacc2, (int16_t) wk[14], vb3, vl);
      vacc3 = __riscv_vwmacc_vx_i32m2(vacc3, (int16_t) wk[15], vb3, vl);
      const vint16m1_t vb4 = __riscv_vsext_vf2_i16m1(__riscv_vle8_v_i8mf2(bk, vl), vl);
      bk += b_stride;
      vacc0 = __riscv_vwmacc_vx_i32m2(vacc0, (int16_t) wk[16], vb4, vl);
      vacc1 = __riscv_vwmacc_vx_i32m2(vacc1, (int16_t) wk[17], vb4, vl);
      vacc2 = __riscv_vwmacc_vx_i32m2(vacc2, (int16_t) wk[18], vb4, vl);
      vacc3 = __riscv_vwmacc_vx_i32m2(vacc3, (int16_t) wk[19], vb4, vl);
      const vint16m1_t vb5 = __riscv_vsext_vf2_i16m1(__riscv_vle8_v_i8mf2(bk, vl), vl);
      bk += b_stride;
      vacc0 = __riscv_vwmacc_vx_i32m2(vacc0, (int16_t) wk[20], vb5, vl);
      vacc1 = __riscv_vwmacc_vx_i32m2(vacc1, (int16_t) wk[21], vb5, vl);
      vacc2 = __riscv_vwmacc_vx_i32m2(vacc2, (int16_t) wk[22], vb5, vl);
      vacc3 = __riscv_vwmacc_vx_i32m2(vacc3, (int16_t) wk[23], vb5, vl);
      const vint16m1_t vb6 = __riscv_vsext_vf2_i16m1(__riscv_vle8_v_i8mf2(bk, vl), vl);
      bk += b_stride;
      vacc0 = __riscv_vwmacc_vx_i32m2(vacc0, (int16_t) wk[24], vb6, vl);
      vacc1 = __riscv_vwmacc_vx_i32m2(vacc1, (int16_t) wk[25], vb6, vl);
      vacc2 = __riscv_vwmacc_vx_i32m2(vacc2, (int16_t) wk[26], vb6, vl);
      vacc3 = __riscv_vwmacc_vx_i32m2(vacc3, (int16_t) wk[27], vb6, vl);
      const vint16m1_t vb7 = __riscv_vsext_vf2_i16m1(__riscv_vle8_v_i8mf2(bk, vl), vl);
      bk += b_stride;
      vacc0 = __riscv_vwmacc_vx_i32m2(vacc0, (int16_t) wk[28], vb7, vl);
      vacc1 = __riscv_vwmacc_vx_i32m2(vacc1, (int16_t) wk[29], vb7, vl);
      vacc2 = __riscv_vwmacc_vx_i32m2(vacc2, (int16_t) wk[30], vb7, vl);
      vacc3 = __riscv_vwmacc_vx_i32m2(vacc3, (int16_t) wk[31], vb7, vl);
      wk += 32;
    }
    while (wk != w_end) {
      const vint16m1_t vb = __riscv_vsext_vf2_i16m1(__riscv_vle8_v_i8mf2(bk, vl), vl);
      bk += b_stride;
      vacc0 = __riscv_vwmacc_vx_i32m2(vacc0, (int16_t) wk[0], vb, vl);
      vacc1 = __riscv_vwmacc_vx_i32m2(vacc1, (int16_t) wk[1], vb, vl);
      vacc2 = __riscv_vwmacc_vx_i32m2(vacc2, (int16_t) wk[2], vb, vl);
      vacc3 = __riscv_vwmacc_vx_i32m2(vacc3, (int16_t) wk[3], vb, vl);
      wk += 4;
    }

    if (rounding == RVPACK_QS8_ROUND_FLOAT) {
      // onnxruntime: round((float) acc * scale), ties to even
      vacc0 = __riscv_vfcvt_x_f_v_i32m2_rm(
          __riscv_vfmul_vf_f32m2(__riscv_vfcvt_f_x_v_f32m2_rm(vacc0, __RISCV_FRM_RNE, vl), scales[0], vl),
          __RISCV_FRM_RNE, vl);
      vacc1 = __riscv_vfcvt_x_f_v_i32m2_rm(
          __riscv_vfmul_vf_f32m2(__riscv_vfcvt_f_x_v_f32m2_rm(vacc1, __RISCV_FRM_RNE, vl), scales[1], vl),
          __RISCV_FRM_RNE, vl);
      vacc2 = __riscv_vfcvt_x_f_v_i32m2_rm(
          __riscv_vfmul_vf_f32m2(__riscv_vfcvt_f_x_v_f32m2_rm(vacc2, __RISCV_FRM_RNE, vl), scales[2], vl),
          __RISCV_FRM_RNE, vl);
      vacc3 = __riscv_vfcvt_x_f_v_i32m2_rm(
          __riscv_vfmul_vf_f32m2(__riscv_vfcvt_f_x_v_f32m2_rm(vacc3, __RISCV_FRM_RNE, vl), scales[3], vl),
          __RISCV_FRM_RNE, vl);
    } else {
      // TFLite through ruy: (acc << left) * multiplier, both roundings half up (vxrm = rnu)
      vacc0 = __riscv_vssra_vx_i32m2(
          __riscv_vsmul_vx_i32m2(__riscv_vsll_vx_i32m2(vacc0, (size_t) words[8], vl), words[4],
                              __RISCV_VXRM_RNU, vl),
          (size_t) words[12], __RISCV_VXRM_RNU, vl);
      vacc1 = __riscv_vssra_vx_i32m2(
          __riscv_vsmul_vx_i32m2(__riscv_vsll_vx_i32m2(vacc1, (size_t) words[9], vl), words[5],
                              __RISCV_VXRM_RNU, vl),
          (size_t) words[13], __RISCV_VXRM_RNU, vl);
      vacc2 = __riscv_vssra_vx_i32m2(
          __riscv_vsmul_vx_i32m2(__riscv_vsll_vx_i32m2(vacc2, (size_t) words[10], vl), words[6],
                              __RISCV_VXRM_RNU, vl),
          (size_t) words[14], __RISCV_VXRM_RNU, vl);
      vacc3 = __riscv_vssra_vx_i32m2(
          __riscv_vsmul_vx_i32m2(__riscv_vsll_vx_i32m2(vacc3, (size_t) words[11], vl), words[7],
                              __RISCV_VXRM_RNU, vl),
          (size_t) words[15], __RISCV_VXRM_RNU, vl);
    }

    vacc3 = __riscv_vmin_vx_i32m2(__riscv_vmax_vx_i32m2(__riscv_vadd_vx_i32m2(vacc3, zero_point, vl), out_min, vl), out_max, vl);
    __riscv_vse8_v_i8mf2(c3, __riscv_vncvt_x_x_w_i8mf2(__riscv_vncvt_x_x_w_i16m1(vacc3, vl), vl), vl);
    c3 += vl;
    vacc2 = __riscv_vmin_vx_i32m2(__riscv_vmax_vx_i32m2(__riscv_vadd_vx_i32m2(vacc2, zero_point, vl), out_min, vl), out_max, vl);
    __riscv_vse8_v_i8mf2(c2, __riscv_vncvt_x_x_w_i8mf2(__riscv_vncvt_x_x_w_i16m1(vacc2, vl), vl), vl);
    c2 += vl;
    vacc1 = __riscv_vmin_vx_i32m2(__riscv_vmax_vx_i32m2(__riscv_vadd_vx_i32m2(vacc1, zero_point, vl), out_min, vl), out_max, vl);
    __riscv_vse8_v_i8mf2(c1, __riscv_vncvt_x_x_w_i8mf2(__riscv_vncvt_x_x_w_i16m1(vacc1, vl), vl), vl);
    c1 += vl;
    vacc0 = __riscv_vmin_vx_i32m2(__riscv_vmax_vx_i32m2(__riscv_vadd_vx_i32m2(vacc0, zero_point, vl), out_min, vl), out_max, vl);
    __riscv_vse8_v_i8mf2(c0, __riscv_vncvt_x_x_w_i8mf2(__riscv_vncvt_x_x_w_i16m1(vacc0, vl), vl), vl);
    c0 += vl;
    b += vl;
  } while (nc != 0);
}
