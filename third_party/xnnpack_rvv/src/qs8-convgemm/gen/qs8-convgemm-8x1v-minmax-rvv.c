// Auto-generated file. Do not edit!
//   Template: third_party/xnnpack_rvv/src/qs8-convgemm/MRxNRv-rvv.c.in
//   Generator: python third_party/xnnpack_rvv/tools/generate.py
//   Registry: third_party/xnnpack_rvv/src/qs8-convgemm/qs8-convgemm.inc
//
// 8 rows (output channels) x 1 vector register of int32 accumulators (LMUL=1) of columns
// (output pixels), K unrolled by 8. Vector registers: 8 x 1 accumulators + the int16 and int8
// B vectors = 10 of 32. Per K step: one vle8 of the B row, one vsext.vf2 to int16, one add
// for the next B row, 8 lb from one packed-weight pointer and 8 vwmacc.vx (int16 x int16 -> int32).

#include <stddef.h>
#include <stdint.h>

#include <riscv_vector.h>

#include "rvpack_rvv/common.h"
#include "rvpack_rvv/qs8_convgemm.h"

void rvpack_qs8_convgemm_minmax_ukernel_8x1v__rvv(
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
  RVPACK_RVV_ASSERT(mr <= 8);
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
  int8_t* c4 = c3 + c_stride;
  if (mr <= 4) {
    c4 = c3;
  }
  int8_t* c5 = c4 + c_stride;
  if (mr <= 5) {
    c5 = c4;
  }
  int8_t* c6 = c5 + c_stride;
  if (mr <= 6) {
    c6 = c5;
  }
  int8_t* c7 = c6 + c_stride;
  if (mr <= 7) {
    c7 = c6;
  }

  // The block: MR biases, multipliers, left shifts, right shifts, scales; then the weights.
  const int32_t* restrict words = (const int32_t*) w;
  const float* restrict scales = (const float*) w + 32;
  const int8_t* restrict weights = (const int8_t*) w + 160;
  const int32_t rounding = params->rounding;
  const int32_t zero_point = params->output_zero_point;
  const int32_t out_min = params->min;
  const int32_t out_max = params->max;
  const size_t nr = __riscv_vsetvlmax_e32m1();
  size_t vl = nr;
  do {
    if (nc < nr) {
      vl = __riscv_vsetvl_e32m1(nc);
    }
    nc -= vl;

    vint32m1_t vacc0 = __riscv_vmv_v_x_i32m1(words[0], vl);
    vint32m1_t vacc1 = __riscv_vmv_v_x_i32m1(words[1], vl);
    vint32m1_t vacc2 = __riscv_vmv_v_x_i32m1(words[2], vl);
    vint32m1_t vacc3 = __riscv_vmv_v_x_i32m1(words[3], vl);
    vint32m1_t vacc4 = __riscv_vmv_v_x_i32m1(words[4], vl);
    vint32m1_t vacc5 = __riscv_vmv_v_x_i32m1(words[5], vl);
    vint32m1_t vacc6 = __riscv_vmv_v_x_i32m1(words[6], vl);
    vint32m1_t vacc7 = __riscv_vmv_v_x_i32m1(words[7], vl);
    const int8_t* wk = weights;
    const int8_t* bk = b;
    const int8_t* const w_unrolled_end = wk + kc / 8 * 64;
    const int8_t* const w_end = wk + kc * 8;
    while (wk != w_unrolled_end) {
      const vint16mf2_t vb0 = __riscv_vsext_vf2_i16mf2(__riscv_vle8_v_i8mf4(bk, vl), vl);
      bk += b_stride;
      vacc0 = __riscv_vwmacc_vx_i32m1(vacc0, (int16_t) wk[0], vb0, vl);
      vacc1 = __riscv_vwmacc_vx_i32m1(vacc1, (int16_t) wk[1], vb0, vl);
      vacc2 = __riscv_vwmacc_vx_i32m1(vacc2, (int16_t) wk[2], vb0, vl);
      vacc3 = __riscv_vwmacc_vx_i32m1(vacc3, (int16_t) wk[3], vb0, vl);
      vacc4 = __riscv_vwmacc_vx_i32m1(vacc4, (int16_t) wk[4], vb0, vl);
      vacc5 = __riscv_vwmacc_vx_i32m1(vacc5, (int16_t) wk[5], vb0, vl);
      vacc6 = __riscv_vwmacc_vx_i32m1(vacc6, (int16_t) wk[6], vb0, vl);
      vacc7 = __riscv_vwmacc_vx_i32m1(vacc7, (int16_t) wk[7], vb0, vl);
      const vint16mf2_t vb1 = __riscv_vsext_vf2_i16mf2(__riscv_vle8_v_i8mf4(bk, vl), vl);
      bk += b_stride;
      vacc0 = __riscv_vwmacc_vx_i32m1(vacc0, (int16_t) wk[8], vb1, vl);
      vacc1 = __riscv_vwmacc_vx_i32m1(vacc1, (int16_t) wk[9], vb1, vl);
      vacc2 = __riscv_vwmacc_vx_i32m1(vacc2, (int16_t) wk[10], vb1, vl);
      vacc3 = __riscv_vwmacc_vx_i32m1(vacc3, (int16_t) wk[11], vb1, vl);
      vacc4 = __riscv_vwmacc_vx_i32m1(vacc4, (int16_t) wk[12], vb1, vl);
      vacc5 = __riscv_vwmacc_vx_i32m1(vacc5, (int16_t) wk[13], vb1, vl);
      vacc6 = __riscv_vwmacc_vx_i32m1(vacc6, (int16_t) wk[14], vb1, vl);
      vacc7 = __riscv_vwmacc_vx_i32m1(vacc7, (int16_t) wk[15], vb1, vl);
      const vint16mf2_t vb2 = __riscv_vsext_vf2_i16mf2(__riscv_vle8_v_i8mf4(bk, vl), vl);
      bk += b_stride;
      vacc0 = __riscv_vwmacc_vx_i32m1(vacc0, (int16_t) wk[16], vb2, vl);
      vacc1 = __riscv_vwmacc_vx_i32m1(vacc1, (int16_t) wk[17], vb2, vl);
      vacc2 = __riscv_vwmacc_vx_i32m1(vacc2, (int16_t) wk[18], vb2, vl);
      vacc3 = __riscv_vwmacc_vx_i32m1(vacc3, (int16_t) wk[19], vb2, vl);
      vacc4 = __riscv_vwmacc_vx_i32m1(vacc4, (int16_t) wk[20], vb2, vl);
      vacc5 = __riscv_vwmacc_vx_i32m1(vacc5, (int16_t) wk[21], vb2, vl);
      vacc6 = __riscv_vwmacc_vx_i32m1(vacc6, (int16_t) wk[22], vb2, vl);
      vacc7 = __riscv_vwmacc_vx_i32m1(vacc7, (int16_t) wk[23], vb2, vl);
      const vint16mf2_t vb3 = __riscv_vsext_vf2_i16mf2(__riscv_vle8_v_i8mf4(bk, vl), vl);
      bk += b_stride;
      vacc0 = __riscv_vwmacc_vx_i32m1(vacc0, (int16_t) wk[24], vb3, vl);
      vacc1 = __riscv_vwmacc_vx_i32m1(vacc1, (int16_t) wk[25], vb3, vl);
      vacc2 = __riscv_vwmacc_vx_i32m1(vacc2, (int16_t) wk[26], vb3, vl);
      vacc3 = __riscv_vwmacc_vx_i32m1(vacc3, (int16_t) wk[27], vb3, vl);
      vacc4 = __riscv_vwmacc_vx_i32m1(vacc4, (int16_t) wk[28], vb3, vl);
      vacc5 = __riscv_vwmacc_vx_i32m1(vacc5, (int16_t) wk[29], vb3, vl);
      vacc6 = __riscv_vwmacc_vx_i32m1(vacc6, (int16_t) wk[30], vb3, vl);
      vacc7 = __riscv_vwmacc_vx_i32m1(vacc7, (int16_t) wk[31], vb3, vl);
      const vint16mf2_t vb4 = __riscv_vsext_vf2_i16mf2(__riscv_vle8_v_i8mf4(bk, vl), vl);
      bk += b_stride;
      vacc0 = __riscv_vwmacc_vx_i32m1(vacc0, (int16_t) wk[32], vb4, vl);
      vacc1 = __riscv_vwmacc_vx_i32m1(vacc1, (int16_t) wk[33], vb4, vl);
      vacc2 = __riscv_vwmacc_vx_i32m1(vacc2, (int16_t) wk[34], vb4, vl);
      vacc3 = __riscv_vwmacc_vx_i32m1(vacc3, (int16_t) wk[35], vb4, vl);
      vacc4 = __riscv_vwmacc_vx_i32m1(vacc4, (int16_t) wk[36], vb4, vl);
      vacc5 = __riscv_vwmacc_vx_i32m1(vacc5, (int16_t) wk[37], vb4, vl);
      vacc6 = __riscv_vwmacc_vx_i32m1(vacc6, (int16_t) wk[38], vb4, vl);
      vacc7 = __riscv_vwmacc_vx_i32m1(vacc7, (int16_t) wk[39], vb4, vl);
      const vint16mf2_t vb5 = __riscv_vsext_vf2_i16mf2(__riscv_vle8_v_i8mf4(bk, vl), vl);
      bk += b_stride;
      vacc0 = __riscv_vwmacc_vx_i32m1(vacc0, (int16_t) wk[40], vb5, vl);
      vacc1 = __riscv_vwmacc_vx_i32m1(vacc1, (int16_t) wk[41], vb5, vl);
      vacc2 = __riscv_vwmacc_vx_i32m1(vacc2, (int16_t) wk[42], vb5, vl);
      vacc3 = __riscv_vwmacc_vx_i32m1(vacc3, (int16_t) wk[43], vb5, vl);
      vacc4 = __riscv_vwmacc_vx_i32m1(vacc4, (int16_t) wk[44], vb5, vl);
      vacc5 = __riscv_vwmacc_vx_i32m1(vacc5, (int16_t) wk[45], vb5, vl);
      vacc6 = __riscv_vwmacc_vx_i32m1(vacc6, (int16_t) wk[46], vb5, vl);
      vacc7 = __riscv_vwmacc_vx_i32m1(vacc7, (int16_t) wk[47], vb5, vl);
      const vint16mf2_t vb6 = __riscv_vsext_vf2_i16mf2(__riscv_vle8_v_i8mf4(bk, vl), vl);
      bk += b_stride;
      vacc0 = __riscv_vwmacc_vx_i32m1(vacc0, (int16_t) wk[48], vb6, vl);
      vacc1 = __riscv_vwmacc_vx_i32m1(vacc1, (int16_t) wk[49], vb6, vl);
      vacc2 = __riscv_vwmacc_vx_i32m1(vacc2, (int16_t) wk[50], vb6, vl);
      vacc3 = __riscv_vwmacc_vx_i32m1(vacc3, (int16_t) wk[51], vb6, vl);
      vacc4 = __riscv_vwmacc_vx_i32m1(vacc4, (int16_t) wk[52], vb6, vl);
      vacc5 = __riscv_vwmacc_vx_i32m1(vacc5, (int16_t) wk[53], vb6, vl);
      vacc6 = __riscv_vwmacc_vx_i32m1(vacc6, (int16_t) wk[54], vb6, vl);
      vacc7 = __riscv_vwmacc_vx_i32m1(vacc7, (int16_t) wk[55], vb6, vl);
      const vint16mf2_t vb7 = __riscv_vsext_vf2_i16mf2(__riscv_vle8_v_i8mf4(bk, vl), vl);
      bk += b_stride;
      vacc0 = __riscv_vwmacc_vx_i32m1(vacc0, (int16_t) wk[56], vb7, vl);
      vacc1 = __riscv_vwmacc_vx_i32m1(vacc1, (int16_t) wk[57], vb7, vl);
      vacc2 = __riscv_vwmacc_vx_i32m1(vacc2, (int16_t) wk[58], vb7, vl);
      vacc3 = __riscv_vwmacc_vx_i32m1(vacc3, (int16_t) wk[59], vb7, vl);
      vacc4 = __riscv_vwmacc_vx_i32m1(vacc4, (int16_t) wk[60], vb7, vl);
      vacc5 = __riscv_vwmacc_vx_i32m1(vacc5, (int16_t) wk[61], vb7, vl);
      vacc6 = __riscv_vwmacc_vx_i32m1(vacc6, (int16_t) wk[62], vb7, vl);
      vacc7 = __riscv_vwmacc_vx_i32m1(vacc7, (int16_t) wk[63], vb7, vl);
      wk += 64;
    }
    while (wk != w_end) {
      const vint16mf2_t vb = __riscv_vsext_vf2_i16mf2(__riscv_vle8_v_i8mf4(bk, vl), vl);
      bk += b_stride;
      vacc0 = __riscv_vwmacc_vx_i32m1(vacc0, (int16_t) wk[0], vb, vl);
      vacc1 = __riscv_vwmacc_vx_i32m1(vacc1, (int16_t) wk[1], vb, vl);
      vacc2 = __riscv_vwmacc_vx_i32m1(vacc2, (int16_t) wk[2], vb, vl);
      vacc3 = __riscv_vwmacc_vx_i32m1(vacc3, (int16_t) wk[3], vb, vl);
      vacc4 = __riscv_vwmacc_vx_i32m1(vacc4, (int16_t) wk[4], vb, vl);
      vacc5 = __riscv_vwmacc_vx_i32m1(vacc5, (int16_t) wk[5], vb, vl);
      vacc6 = __riscv_vwmacc_vx_i32m1(vacc6, (int16_t) wk[6], vb, vl);
      vacc7 = __riscv_vwmacc_vx_i32m1(vacc7, (int16_t) wk[7], vb, vl);
      wk += 8;
    }

    if (rounding == RVPACK_QS8_ROUND_FLOAT) {
      // onnxruntime: round((float) acc * scale), ties to even
      vacc0 = __riscv_vfcvt_x_f_v_i32m1_rm(
          __riscv_vfmul_vf_f32m1(__riscv_vfcvt_f_x_v_f32m1_rm(vacc0, __RISCV_FRM_RNE, vl), scales[0], vl),
          __RISCV_FRM_RNE, vl);
      vacc1 = __riscv_vfcvt_x_f_v_i32m1_rm(
          __riscv_vfmul_vf_f32m1(__riscv_vfcvt_f_x_v_f32m1_rm(vacc1, __RISCV_FRM_RNE, vl), scales[1], vl),
          __RISCV_FRM_RNE, vl);
      vacc2 = __riscv_vfcvt_x_f_v_i32m1_rm(
          __riscv_vfmul_vf_f32m1(__riscv_vfcvt_f_x_v_f32m1_rm(vacc2, __RISCV_FRM_RNE, vl), scales[2], vl),
          __RISCV_FRM_RNE, vl);
      vacc3 = __riscv_vfcvt_x_f_v_i32m1_rm(
          __riscv_vfmul_vf_f32m1(__riscv_vfcvt_f_x_v_f32m1_rm(vacc3, __RISCV_FRM_RNE, vl), scales[3], vl),
          __RISCV_FRM_RNE, vl);
      vacc4 = __riscv_vfcvt_x_f_v_i32m1_rm(
          __riscv_vfmul_vf_f32m1(__riscv_vfcvt_f_x_v_f32m1_rm(vacc4, __RISCV_FRM_RNE, vl), scales[4], vl),
          __RISCV_FRM_RNE, vl);
      vacc5 = __riscv_vfcvt_x_f_v_i32m1_rm(
          __riscv_vfmul_vf_f32m1(__riscv_vfcvt_f_x_v_f32m1_rm(vacc5, __RISCV_FRM_RNE, vl), scales[5], vl),
          __RISCV_FRM_RNE, vl);
      vacc6 = __riscv_vfcvt_x_f_v_i32m1_rm(
          __riscv_vfmul_vf_f32m1(__riscv_vfcvt_f_x_v_f32m1_rm(vacc6, __RISCV_FRM_RNE, vl), scales[6], vl),
          __RISCV_FRM_RNE, vl);
      vacc7 = __riscv_vfcvt_x_f_v_i32m1_rm(
          __riscv_vfmul_vf_f32m1(__riscv_vfcvt_f_x_v_f32m1_rm(vacc7, __RISCV_FRM_RNE, vl), scales[7], vl),
          __RISCV_FRM_RNE, vl);
    } else {
      // TFLite through ruy: (acc << left) * multiplier, both roundings half up (vxrm = rnu)
      vacc0 = __riscv_vssra_vx_i32m1(
          __riscv_vsmul_vx_i32m1(__riscv_vsll_vx_i32m1(vacc0, (size_t) words[16], vl), words[8],
                              __RISCV_VXRM_RNU, vl),
          (size_t) words[24], __RISCV_VXRM_RNU, vl);
      vacc1 = __riscv_vssra_vx_i32m1(
          __riscv_vsmul_vx_i32m1(__riscv_vsll_vx_i32m1(vacc1, (size_t) words[17], vl), words[9],
                              __RISCV_VXRM_RNU, vl),
          (size_t) words[25], __RISCV_VXRM_RNU, vl);
      vacc2 = __riscv_vssra_vx_i32m1(
          __riscv_vsmul_vx_i32m1(__riscv_vsll_vx_i32m1(vacc2, (size_t) words[18], vl), words[10],
                              __RISCV_VXRM_RNU, vl),
          (size_t) words[26], __RISCV_VXRM_RNU, vl);
      vacc3 = __riscv_vssra_vx_i32m1(
          __riscv_vsmul_vx_i32m1(__riscv_vsll_vx_i32m1(vacc3, (size_t) words[19], vl), words[11],
                              __RISCV_VXRM_RNU, vl),
          (size_t) words[27], __RISCV_VXRM_RNU, vl);
      vacc4 = __riscv_vssra_vx_i32m1(
          __riscv_vsmul_vx_i32m1(__riscv_vsll_vx_i32m1(vacc4, (size_t) words[20], vl), words[12],
                              __RISCV_VXRM_RNU, vl),
          (size_t) words[28], __RISCV_VXRM_RNU, vl);
      vacc5 = __riscv_vssra_vx_i32m1(
          __riscv_vsmul_vx_i32m1(__riscv_vsll_vx_i32m1(vacc5, (size_t) words[21], vl), words[13],
                              __RISCV_VXRM_RNU, vl),
          (size_t) words[29], __RISCV_VXRM_RNU, vl);
      vacc6 = __riscv_vssra_vx_i32m1(
          __riscv_vsmul_vx_i32m1(__riscv_vsll_vx_i32m1(vacc6, (size_t) words[22], vl), words[14],
                              __RISCV_VXRM_RNU, vl),
          (size_t) words[30], __RISCV_VXRM_RNU, vl);
      vacc7 = __riscv_vssra_vx_i32m1(
          __riscv_vsmul_vx_i32m1(__riscv_vsll_vx_i32m1(vacc7, (size_t) words[23], vl), words[15],
                              __RISCV_VXRM_RNU, vl),
          (size_t) words[31], __RISCV_VXRM_RNU, vl);
    }

    vacc7 = __riscv_vmin_vx_i32m1(__riscv_vmax_vx_i32m1(__riscv_vadd_vx_i32m1(vacc7, zero_point, vl), out_min, vl), out_max, vl);
    __riscv_vse8_v_i8mf4(c7, __riscv_vncvt_x_x_w_i8mf4(__riscv_vncvt_x_x_w_i16mf2(vacc7, vl), vl), vl);
    c7 += vl;
    vacc6 = __riscv_vmin_vx_i32m1(__riscv_vmax_vx_i32m1(__riscv_vadd_vx_i32m1(vacc6, zero_point, vl), out_min, vl), out_max, vl);
    __riscv_vse8_v_i8mf4(c6, __riscv_vncvt_x_x_w_i8mf4(__riscv_vncvt_x_x_w_i16mf2(vacc6, vl), vl), vl);
    c6 += vl;
    vacc5 = __riscv_vmin_vx_i32m1(__riscv_vmax_vx_i32m1(__riscv_vadd_vx_i32m1(vacc5, zero_point, vl), out_min, vl), out_max, vl);
    __riscv_vse8_v_i8mf4(c5, __riscv_vncvt_x_x_w_i8mf4(__riscv_vncvt_x_x_w_i16mf2(vacc5, vl), vl), vl);
    c5 += vl;
    vacc4 = __riscv_vmin_vx_i32m1(__riscv_vmax_vx_i32m1(__riscv_vadd_vx_i32m1(vacc4, zero_point, vl), out_min, vl), out_max, vl);
    __riscv_vse8_v_i8mf4(c4, __riscv_vncvt_x_x_w_i8mf4(__riscv_vncvt_x_x_w_i16mf2(vacc4, vl), vl), vl);
    c4 += vl;
    vacc3 = __riscv_vmin_vx_i32m1(__riscv_vmax_vx_i32m1(__riscv_vadd_vx_i32m1(vacc3, zero_point, vl), out_min, vl), out_max, vl);
    __riscv_vse8_v_i8mf4(c3, __riscv_vncvt_x_x_w_i8mf4(__riscv_vncvt_x_x_w_i16mf2(vacc3, vl), vl), vl);
    c3 += vl;
    vacc2 = __riscv_vmin_vx_i32m1(__riscv_vmax_vx_i32m1(__riscv_vadd_vx_i32m1(vacc2, zero_point, vl), out_min, vl), out_max, vl);
    __riscv_vse8_v_i8mf4(c2, __riscv_vncvt_x_x_w_i8mf4(__riscv_vncvt_x_x_w_i16mf2(vacc2, vl), vl), vl);
    c2 += vl;
    vacc1 = __riscv_vmin_vx_i32m1(__riscv_vmax_vx_i32m1(__riscv_vadd_vx_i32m1(vacc1, zero_point, vl), out_min, vl), out_max, vl);
    __riscv_vse8_v_i8mf4(c1, __riscv_vncvt_x_x_w_i8mf4(__riscv_vncvt_x_x_w_i16mf2(vacc1, vl), vl), vl);
    c1 += vl;
    vacc0 = __riscv_vmin_vx_i32m1(__riscv_vmax_vx_i32m1(__riscv_vadd_vx_i32m1(vacc0, zero_point, vl), out_min, vl), out_max, vl);
    __riscv_vse8_v_i8mf4(c0, __riscv_vncvt_x_x_w_i8mf4(__riscv_vncvt_x_x_w_i16mf2(vacc0, vl), vl), vl);
    c0 += vl;
    b += vl;
  } while (nc != 0);
}
