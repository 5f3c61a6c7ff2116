// Auto-generated file. Do not edit!
//   Template: third_party/xnnpack_rvv/src/f32-convgemm/convgemm.h.in
//   Generator: python third_party/xnnpack_rvv/tools/generate.py
//   Registry: third_party/xnnpack_rvv/src/f32-convgemm/f32-convgemm.inc
//
// f32 "conv-GEMM" microkernels for RISC-V Vector 1.0: the GEMM of an NCHW
// convolution, vectorised over output pixels, with the weights (and bias) of
// MR output channels packed in one block. Nothing in the operands depends on
// VLEN: the packing depends on MR only.
//
//   Y[oc][p] = bias[oc] + sum_k W[oc][k] * X'[k][p]
//
// with p an output pixel (oh * OW + ow), k = (ic * KH + kh) * KW + kw and X'
// the im2col matrix of the input (include/rvpack_rvv/im2col.h). For a 1x1,
// stride-1, unpadded convolution X' is the input itself ([C][H*W]).
//
// Contract of every rvpack_f32_convgemm_minmax_ukernel_{MR}x{LMUL}v__rvv:
//
//   void fn(size_t mr, size_t nc, size_t kc, const float* w, const float* b,
//           size_t b_stride, float* c, size_t c_stride,
//           const struct rvpack_f32_minmax_params* params);
//
//   for i < mr, j < nc:
//     c[i][j] = min(max(bias[i] + sum_{kk < K} W[i][kk] * b[kk][j], params->min), params->max)
//
//   mr         rows (output channels) to compute, 1 <= mr <= MR.
//   nc         columns (output pixels), >= 1: the kernel walks all of them in
//              steps of NR (vsetvl; the last step may be partial).
//   kc         K * sizeof(float), K >= 1 (bytes, as in XNNPACK).
//   w          one packed block of MR rows (rvpack_f32_convgemm_pack_weights):
//              MR biases, then for each kk < K the MR weights W[0..MR-1][kk];
//              rows i >= mr are zero (bias and weights).
//   b          row kk at (char*) b + kk * b_stride: nc contiguous floats (the
//              kernel reads exactly those: K rows of nc floats). For a 1x1
//              conv, the input [C][H*W] (b_stride = H * W * 4, or a pixel
//              window of it: b = input + p0); otherwise an im2col panel.
//   c          element j of row i at (char*) c + i * c_stride + j * sizeof(float)
//              (NCHW output: c = y + oc0 * OH * OW + p0, c_stride = OH * OW * 4).
//              Nothing else is written.
//   params     the output clamp (include/rvpack_rvv/microparams.h).
//
// Strides need no alignment beyond sizeof(float). Each output is
// fma(W[i][K-1], b[K-1][j], ... fma(W[i][0], b[0][j], bias[i])): fused
// multiply-add, k ascending, starting from the bias, so the kernels equal the
// scalar reference (plain [OC][K] weights and a bias array) bit for bit at
// every VLEN. NR = LMUL * VLEN / 32 (rvpack_f32_convgemm_rvv_nr(LMUL)) only
// sets the step; it is not part of any data layout. No libc, no allocation,
// no globals.
//
// Inner loop, per K step: one vle32 of B (LMUL registers), one add for the
// next B row (a vector load takes no offset), MR scalar weight loads (flw) at
// fixed offsets from one pointer and MR vfmacc.vf; K is unrolled by 16
// (family.json), so the weight pointer add, which also ends the loop, costs
// one instruction and a branch per 16 steps.
#ifndef RVPACK_RVV_CONVGEMM_H_
#define RVPACK_RVV_CONVGEMM_H_

#include <stddef.h>

#include "rvpack_rvv/common.h"
#include "rvpack_rvv/microparams.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef void (*rvpack_f32_convgemm_minmax_ukernel_fn)(
    size_t mr, size_t nc, size_t kc, const float* w, const float* b, size_t b_stride, float* c,
    size_t c_stride, const struct rvpack_f32_minmax_params* params);

#define RVPACK_DECLARE_F32_CONVGEMM_MINMAX_UKERNEL_FUNCTION(fn_name)                        \
  void fn_name(size_t mr, size_t nc, size_t kc, const float* w, const float* b, size_t b_stride, \
               float* c, size_t c_stride, const struct rvpack_f32_minmax_params* params);

// The scalar reference (the oracle of the kernel tests): the same arithmetic
// on the plain operands, with no limit on mr: row i of the weights at
// (char*) w + i * w_stride (K floats), bias: mr floats or NULL (0). Portable C.
void rvpack_f32_convgemm_minmax_reference__scalar(size_t mr, size_t nc, size_t kc, const float* w, size_t w_stride,
                                                  const float* b, size_t b_stride, const float* bias, float* c,
                                                  size_t c_stride, const struct rvpack_f32_minmax_params* params);

// Packs rows x K plain weights (row i at (char*) w + i * w_stride) and their
// biases (rows floats, or NULL for 0) into ceil(rows / mr_block) blocks of
// mr_block * (K + 1) floats each (layout above; missing rows are zero), the
// operand of the {mr_block}xNv kernels. Portable C; sdk/targets/rvv/packing.py
// writes the same bytes at build time.
void rvpack_f32_convgemm_pack_weights(size_t mr_block, size_t rows, size_t k, const float* w, size_t w_stride,
                                      const float* bias, float* packed);

// The same blocks from a matrix stored by columns: element (row i, step kk) at
// ((const float*) ((char*) x + kk * x_stride))[i] (e.g. the pixels of an im2col
// panel as the rows), with zero biases.
void rvpack_f32_convgemm_pack_columns(size_t mr_block, size_t rows, size_t k, const float* x, size_t x_stride,
                                      float* packed);

#if defined(__riscv_vector)
// The two packers above on RISC-V Vector 1.0 (same bytes; mr_block <= 2 * VLEN / 32,
// 8 at VLEN 128), for packing at run time.
void rvpack_f32_convgemm_pack_weights__rvv(size_t mr_block, size_t rows, size_t k, const float* w, size_t w_stride,
                                           const float* bias, float* packed);
void rvpack_f32_convgemm_pack_columns__rvv(size_t mr_block, size_t rows, size_t k, const float* x, size_t x_stride,
                                           float* packed);
#endif

// Floats of the packed weights of `rows` rows.
static inline size_t rvpack_f32_convgemm_packed_floats(size_t mr_block, size_t rows, size_t k) {
  return (rows + mr_block - 1) / mr_block * mr_block * (k + 1);
}

RVPACK_DECLARE_F32_CONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_convgemm_minmax_ukernel_1x1v__rvv)
RVPACK_DECLARE_F32_CONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_convgemm_minmax_ukernel_4x1v__rvv)
RVPACK_DECLARE_F32_CONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_convgemm_minmax_ukernel_7x1v__rvv)
RVPACK_DECLARE_F32_CONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_convgemm_minmax_ukernel_8x1v__rvv)
RVPACK_DECLARE_F32_CONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_convgemm_minmax_ukernel_1x2v__rvv)
RVPACK_DECLARE_F32_CONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_convgemm_minmax_ukernel_4x2v__rvv)
RVPACK_DECLARE_F32_CONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_convgemm_minmax_ukernel_7x2v__rvv)
RVPACK_DECLARE_F32_CONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_convgemm_minmax_ukernel_8x2v__rvv)
RVPACK_DECLARE_F32_CONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_convgemm_minmax_ukernel_1x4v__rvv)
RVPACK_DECLARE_F32_CONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_convgemm_minmax_ukernel_4x4v__rvv)
RVPACK_DECLARE_F32_CONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_convgemm_minmax_ukernel_5x4v__rvv)
RVPACK_DECLARE_F32_CONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_convgemm_minmax_ukernel_6x4v__rvv)
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
