// Auto-generated file. Do not edit!
//   Template: third_party/xnnpack_rvv/src/f32-convgemm/convgemm.h.in
//   Generator: python third_party/xnnpack_rvv/tools/generate.py
//   Registry: third_party/xnnpack_rvv/src/f32-convgemm/f32-convgemm.inc
//
// f32 "conv-GEMM" microkernels for RISC-V Vector 1.0: the GEMM of an NCHW
// convolution, vectorised over output pixels, with unpacked weights and a
// bias per row (output channel). Nothing in the operands depends on VLEN.
//
//   Y[oc][p] = bias[oc] + sum_k W[oc][k] * X'[k][p]
//
// with p an output pixel (oh * OW + ow), k = (ic * KH + kh) * KW + kw and X'
// the im2col matrix of the input (include/rvpack_rvv/im2col.h). For a 1x1,
// stride-1, unpadded convolution X' is the input itself ([C][H*W]).
//
// Contract of every rvpack_f32_convgemm_minmax_ukernel_{MR}x{LMUL}v__rvv:
//
//   void fn(size_t mr, size_t nc, size_t kc, const float* w, size_t w_stride,
//           const float* b, size_t b_stride, const float* bias, float* c,
//           size_t c_stride, const struct rvpack_f32_minmax_params* params);
//
//   for i < mr, j < nc:
//     c[i][j] = min(max(bias[i] + sum_{kk < K} w[i][kk] * b[kk][j], params->min), params->max)
//
//   mr         rows (output channels) to compute, 1 <= mr <= MR.
//   nc         columns (output pixels), >= 1: the kernel walks all of them in
//              steps of NR (vsetvl; the last step may be partial).
//   kc         K * sizeof(float), K >= 1 (bytes, as in XNNPACK).
//   w          row i of the weights at (char*) w + i * w_stride: K contiguous
//              floats, the plain [OC][K] weight matrix of the model (ONNX
//              [OC][C/group][KH][KW] flattened); w_stride is normally kc.
//   b          row kk at (char*) b + kk * b_stride: nc contiguous floats (the
//              kernel reads exactly those: K rows of nc floats). For a 1x1
//              conv, the input [C][H*W] (b_stride = H * W * 4, or a pixel
//              window of it: b = input + p0); otherwise an im2col panel.
//   bias       mr floats, one per row; NULL means 0.
//   c          element j of row i at (char*) c + i * c_stride + j * sizeof(float)
//              (NCHW output: c = y + oc0 * OH * OW + p0, c_stride = OH * OW * 4).
//              Nothing else is written.
//   params     the output clamp (include/rvpack_rvv/microparams.h).
//
// Rows i >= mr of w and bias are not read, rows i >= mr of c not written.
// Strides need no alignment beyond sizeof(float). Each output is
// fma(w[i][K-1], b[K-1][j], ... fma(w[i][0], b[0][j], bias[i])): fused
// multiply-add, k ascending, starting from the bias, so the kernels equal the
// scalar reference bit for bit at every VLEN. NR = LMUL * VLEN / 32
// (rvpack_f32_convgemm_rvv_nr(LMUL)) only sets the step; it is not part of
// any data layout. No libc, no allocation, no globals.
//
// Inner loop, per K step: one vle32 of B (LMUL registers), MR scalar weight
// loads (flw) and MR vfmacc.vf; K is unrolled by 2 when a second B vector
// fits beside the MR accumulators ((MR + 2) * LMUL <= 32).
#ifndef RVPACK_RVV_CONVGEMM_H_
#define RVPACK_RVV_CONVGEMM_H_

#include <stddef.h>

#include "rvpack_rvv/common.h"
#include "rvpack_rvv/microparams.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef void (*rvpack_f32_convgemm_minmax_ukernel_fn)(
    size_t mr, size_t nc, size_t kc, const float* w, size_t w_stride, const float* b,
    size_t b_stride, const float* bias, float* c, size_t c_stride,
    const struct rvpack_f32_minmax_params* params);

#define RVPACK_DECLARE_F32_CONVGEMM_MINMAX_UKERNEL_FUNCTION(fn_name)                       \
  void fn_name(size_t mr, size_t nc, size_t kc, const float* w, size_t w_stride,          \
               const float* b, size_t b_stride, const float* bias, float* c, size_t c_stride, \
               const struct rvpack_f32_minmax_params* params);

// The scalar reference (the oracle of the kernel tests): the same contract,
// with no limit on mr. Portable C (no RVV).
RVPACK_DECLARE_F32_CONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_convgemm_minmax_reference__scalar)

RVPACK_DECLARE_F32_CONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_convgemm_minmax_ukernel_1x1v__rvv)
RVPACK_DECLARE_F32_CONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_convgemm_minmax_ukernel_4x1v__rvv)
RVPACK_DECLARE_F32_CONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_convgemm_minmax_ukernel_8x1v__rvv)
RVPACK_DECLARE_F32_CONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_convgemm_minmax_ukernel_1x2v__rvv)
RVPACK_DECLARE_F32_CONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_convgemm_minmax_ukernel_4x2v__rvv)
RVPACK_DECLARE_F32_CONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_convgemm_minmax_ukernel_8x2v__rvv)
RVPACK_DECLARE_F32_CONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_convgemm_minmax_ukernel_1x4v__rvv)
RVPACK_DECLARE_F32_CONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_convgemm_minmax_ukernel_4x4v__rvv)
RVPACK_DECLARE_F32_CONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_convgemm_minmax_ukernel_7x4v__rvv)
RVPACK_DECLARE_F32_CONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_convgemm_minmax_ukernel_1x8v__rvv)
RVPACK_DECLARE_F32_CONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_convgemm_minmax_ukernel_2x8v__rvv)
RVPACK_DECLARE_F32_CONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_convgemm_minmax_ukernel_3x8v__rvv)

#if defined(__riscv_vector)
// NR (output pixels per vector step) of the "{MR}x{LMUL}v" kernels on this hart.
static inline size_t rvpack_f32_convgemm_rvv_nr(size_t lmul) {
  return lmul * rvpack_rvv_vlenb() / sizeof(float);
}
#endif

#ifdef __cplusplus
}
#endif

#endif  // RVPACK_RVV_CONVGEMM_H_
