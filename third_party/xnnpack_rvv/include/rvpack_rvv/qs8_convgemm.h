// Auto-generated file. Do not edit!
//   Template: third_party/xnnpack_rvv/src/qs8-convgemm/qs8_convgemm.h.in
//   Generator: python third_party/xnnpack_rvv/tools/generate.py
//   Registry: third_party/xnnpack_rvv/src/qs8-convgemm/qs8-convgemm.inc
//
// int8 "conv-GEMM" microkernels for RISC-V Vector 1.0: the GEMM of an NCHW
// int8 convolution, vectorised over output pixels, with the weights, biases
// and requantization parameters of MR output channels packed in one block.
// Nothing depends on VLEN: the packing depends on MR only.
//
//   acc[i][j] = bias[i] + sum_{kk < K} W[i][kk] * b[kk][j]      (int32)
//   c[i][j]   = clamp(zero_point + requantize_i(acc[i][j]), min, max)
//
// The input zero point is folded into the bias at packing time
// (bias[i] = b_i - zx * sum_kk W[i][kk]), so padding positions of an im2col
// panel hold zx. requantize_i is, by params->rounding:
//   RVPACK_QS8_ROUND_HALF_UP  TFLite through ruy: x = acc << left_i; then
//       (x * multiplier_i + 2^30) >> 31 and a right shift by right_i rounding
//       half up (vsmul / vssra with vxrm = rnu);
//   RVPACK_QS8_ROUND_FLOAT    onnxruntime's QLinearConv: round((float) acc *
//       scale_i), ties to even (vfcvt with frm = rne).
// Equal, bit for bit, to rvpack_qs8_convgemm_minmax_reference__scalar.
//
// Overflow: products are int8 x int8 (|p| <= 16384) summed in int32 with
// wrap-around (vwmacc), and two's complement sums are exact modulo 2^32, so
// acc equals the true sum whenever that fits in int32; the code generator
// checks K (runtime/include/rvpack/kernels_qs8.h, MAX_K in lower_q8.py).
//
// Contract of every rvpack_qs8_convgemm_minmax_ukernel_{MR}x{LMUL}v__rvv:
//
//   void fn(size_t mr, size_t nc, size_t kc, const void* w, const int8_t* b,
//           size_t b_stride, int8_t* c, size_t c_stride,
//           const struct rvpack_qs8_minmax_params* params);
//
//   mr         rows (output channels) to compute, 1 <= mr <= MR.
//   nc         columns (output pixels), >= 1, in steps of NR = LMUL * VLEN / 32.
//   kc         K, >= 1 (bytes of one weight row).
//   w          one packed block of MR rows, 4-byte aligned:
//                int32 bias[MR], multiplier[MR], left[MR], right[MR];
//                float scale[MR]; int8 W[K][MR] (for each kk the MR weights);
//              rows i >= mr are zero. rvpack_qs8_convgemm_block_bytes(MR, K)
//              bytes (padded to 4).
//   b          row kk at b + kk * b_stride: nc int8 values.
//   c          element j of row i at c + i * c_stride + j. Nothing else is written.
//   params     rounding, output zero point and clamp.
#ifndef RVPACK_RVV_QS8_CONVGEMM_H_
#define RVPACK_RVV_QS8_CONVGEMM_H_

#include <stddef.h>
#include <stdint.h>

#include "rvpack_rvv/common.h"

#ifdef __cplusplus
extern "C" {
#endif

// The values of runtime/include/rvpack/kernels_qs8.h's RVPACK_Q8_ROUND_*.
enum { RVPACK_QS8_ROUND_HALF_UP = 1, RVPACK_QS8_ROUND_FLOAT = 2 };

struct rvpack_qs8_minmax_params {
  int32_t rounding;
  int32_t output_zero_point;
  int32_t min, max;
};

typedef void (*rvpack_qs8_convgemm_minmax_ukernel_fn)(
    size_t mr, size_t nc, size_t kc, const void* w, const int8_t* b, size_t b_stride, int8_t* c,
    size_t c_stride, const struct rvpack_qs8_minmax_params* params);

#define RVPACK_DECLARE_QS8_CONVGEMM_MINMAX_UKERNEL_FUNCTION(fn_name)                                  \
  void fn_name(size_t mr, size_t nc, size_t kc, const void* w, const int8_t* b, size_t b_stride, int8_t* c, \
               size_t c_stride, const struct rvpack_qs8_minmax_params* params);

// The scalar reference (the oracle of the kernel tests): the same arithmetic
// on a packed block of mr_block rows, computed one element at a time. Portable C.
void rvpack_qs8_convgemm_minmax_reference__scalar(size_t mr_block, size_t mr, size_t nc, size_t kc, const void* w,
                                                  const int8_t* b, size_t b_stride, int8_t* c, size_t c_stride,
                                                  const struct rvpack_qs8_minmax_params* params);

// Bytes of one packed block of mr_block rows (a multiple of 4).
static inline size_t rvpack_qs8_convgemm_block_bytes(size_t mr_block, size_t k) {
  return 20 * mr_block + (k * mr_block + 3) / 4 * 4;
}

RVPACK_DECLARE_QS8_CONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_qs8_convgemm_minmax_ukernel_4x1v__rvv)
RVPACK_DECLARE_QS8_CONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_qs8_convgemm_minmax_ukernel_8x1v__rvv)
RVPACK_DECLARE_QS8_CONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_qs8_convgemm_minmax_ukernel_4x2v__rvv)
RVPACK_DECLARE_QS8_CONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_qs8_convgemm_minmax_ukernel_8x2v__rvv)
RVPACK_DECLARE_QS8_CONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_qs8_convgemm_minmax_ukernel_4x4v__rvv)
RVPACK_DECLARE_QS8_CONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_qs8_convgemm_minmax_ukernel_7x4v__rvv)
RVPACK_DECLARE_QS8_CONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_qs8_convgemm_minmax_ukernel_1x8v__rvv)
RVPACK_DECLARE_QS8_CONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_qs8_convgemm_minmax_ukernel_2x8v__rvv)
RVPACK_DECLARE_QS8_CONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_qs8_convgemm_minmax_ukernel_3x8v__rvv)

#if defined(__riscv_vector)
// NR (output pixels per vector step) of the "{MR}x{LMUL}v" kernels on this hart.
static inline size_t rvpack_qs8_convgemm_rvv_nr(size_t lmul) {
  return lmul * rvpack_rvv_vlenb() / sizeof(int32_t);
}
#endif

#ifdef __cplusplus
}
#endif

#endif  // RVPACK_RVV_QS8_CONVGEMM_H_
