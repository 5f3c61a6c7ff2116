// Auto-generated file. Do not edit!
//   Template: third_party/xnnpack_rvv/src/f32-gemm/gemm.h.in
//   Generator: python third_party/xnnpack_rvv/tools/generate.py
//   Registry: third_party/xnnpack_rvv/src/f32-gemm/f32-gemm.inc
//
// f32 GEMM microkernels for RISC-V Vector 1.0 (XNNPACK conventions).
//
// Contract of every rvpack_f32_gemm_minmax_ukernel_{MR}x{LMUL}v__rvv:
//
//   void fn(size_t mr, size_t nc, size_t kc, const float* a, size_t a_stride,
//           const float* w, float* c, size_t cm_stride, size_t cn_stride,
//           const struct rvpack_f32_minmax_params* params);
//
//   for i < mr, j < nc:
//     c[i][j] = min(max(bias[j] + sum_{kk < K} a[i][kk] * B[kk][j], params->min), params->max)
//
//   mr         rows of A and C to compute, 1 <= mr <= MR.
//   nc         output columns, >= 1: the kernel loops over all ceil(nc / NR)
//              panels of NR columns itself; the last one may be partial.
//   kc         K * sizeof(float), K >= 1 (bytes, as in XNNPACK).
//   a          row i of A at (char*) a + i * a_stride, K contiguous floats.
//   w          packed weights (include/rvpack_rvv/packw.h) for nr == NR:
//              per panel, NR biases then K rows of NR weights; the kernel
//              reads ceil(nc / NR) panels and nothing past the last one.
//   c          element j of row i, panel p = j / NR, at
//              (char*) c + i * cm_stride + p * cn_stride + (j % NR) * sizeof(float);
//              cn_stride is normally NR * sizeof(float). Nothing else is written.
//   params     the output clamp (include/rvpack_rvv/microparams.h).
//
// NR = LMUL * VLEN / 32 is known only at run time (vector-length agnostic code,
// driven by vsetvl): rvpack_f32_gemm_rvv_nr(LMUL) returns it. Packed weights
// are therefore specific to one VLEN. The kernels use fused multiply-add
// (vfmacc.vf, one A element broadcast per row) accumulating over k in
// increasing order, starting from the bias. Rows i >= mr of A are not read
// and rows i >= mr of C are not written; strides need no alignment beyond
// sizeof(float). No libc, no allocation, no globals.
#ifndef RVPACK_RVV_GEMM_H_
#define RVPACK_RVV_GEMM_H_

#include <stddef.h>

#include "rvpack_rvv/common.h"
#include "rvpack_rvv/microparams.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef void (*rvpack_f32_gemm_minmax_ukernel_fn)(
    size_t mr, size_t nc, size_t kc, const float* a, size_t a_stride, const float* w, float* c,
    size_t cm_stride, size_t cn_stride, const struct rvpack_f32_minmax_params* params);

#define RVPACK_DECLARE_F32_GEMM_MINMAX_UKERNEL_FUNCTION(fn_name)                                  \
  void fn_name(size_t mr, size_t nc, size_t kc, const float* a, size_t a_stride, const float* w, \
               float* c, size_t cm_stride, size_t cn_stride,                                     \
               const struct rvpack_f32_minmax_params* params);

// The scalar reference (the oracle of the kernel tests): the same contract
// with the panel width nr as an argument and no limit on mr.
void rvpack_f32_gemm_minmax_reference__scalar(size_t mr, size_t nc, size_t kc, size_t nr,
                                              const float* a, size_t a_stride, const float* w,
                                              float* c, size_t cm_stride, size_t cn_stride,
                                              const struct rvpack_f32_minmax_params* params);

RVPACK_DECLARE_F32_GEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_gemm_minmax_ukernel_1x1v__rvv)
RVPACK_DECLARE_F32_GEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_gemm_minmax_ukernel_4x1v__rvv)
RVPACK_DECLARE_F32_GEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_gemm_minmax_ukernel_7x1v__rvv)
RVPACK_DECLARE_F32_GEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_gemm_minmax_ukernel_8x1v__rvv)
RVPACK_DECLARE_F32_GEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_gemm_minmax_ukernel_1x2v__rvv)
RVPACK_DECLARE_F32_GEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_gemm_minmax_ukernel_4x2v__rvv)
RVPACK_DECLARE_F32_GEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_gemm_minmax_ukernel_7x2v__rvv)
RVPACK_DECLARE_F32_GEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_gemm_minmax_ukernel_1x4v__rvv)
RVPACK_DECLARE_F32_GEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_gemm_minmax_ukernel_3x4v__rvv)
RVPACK_DECLARE_F32_GEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_gemm_minmax_ukernel_7x4v__rvv)
RVPACK_DECLARE_F32_GEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_gemm_minmax_ukernel_1x8v__rvv)
RVPACK_DECLARE_F32_GEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_gemm_minmax_ukernel_2x8v__rvv)
RVPACK_DECLARE_F32_GEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_gemm_minmax_ukernel_3x8v__rvv)

#if defined(__riscv_vector)
// NR (output columns per panel) of the "{MR}x{LMUL}v" kernels on this hart.
static inline size_t rvpack_f32_gemm_rvv_nr(size_t lmul) {
  return lmul * rvpack_rvv_vlenb() / sizeof(float);
}
#endif

#ifdef __cplusplus
}
#endif

#endif  // RVPACK_RVV_GEMM_H_
