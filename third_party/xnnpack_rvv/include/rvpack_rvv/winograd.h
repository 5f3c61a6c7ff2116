// Auto-generated file. Do not edit!
//   Template: third_party/xnnpack_rvv/src/f32-winograd/winograd.h.in
//   Generator: python third_party/xnnpack_rvv/tools/generate.py
//   Registry: third_party/xnnpack_rvv/src/f32-winograd/f32-winograd.inc
//
// Winograd convolution F(MxM, 3x3) for 3x3, stride-1 convolutions (NCHW),
// in three steps over the tiles of an image (ALPHA = M + 2; tile t of a tile
// row covers output columns [t*M, t*M + M) and input columns [t*M, t*M + ALPHA)
// of a zero-padded input):
//   1. input transform (per channel and tile row): U = B^T d B, ALPHA x ALPHA
//      points per tile, point p = i * ALPHA + j;
//   2. per point p, a GEMM on the f32-convgemm microkernels:
//      M[p][oc][t] = sum_c W'[p][oc][c] * U[p][c][t], with W' = G g G^T the
//      transformed weights (transformed and packed at build time);
//   3. output transform (per output channel and tile row): Y = A^T M A + bias,
//      clamped, stored for the rows and columns inside the output.
// The transforms are vectorised over consecutive tiles of a tile row (vsetvl;
// nothing depends on VLEN). B^T and A^T have exact f32 coefficients (see the
// generated sources); the arithmetic error of F(M, 3) comes from G and grows
// with M (sdk/targets/rvv/winograd.py states it).
//
//   void {name}_input__rvv(size_t tiles, const float* x, size_t x_stride,
//                          float* u, size_t u_stride);
//     x: row i (< ALPHA) of the tiles' input at (char*) x + i * x_stride, tile t
//        starting at column t * M (ALPHA + (tiles - 1) * M floats per row are read);
//     u: point p of tile t at (char*) u + p * u_stride + t * sizeof(float).
//
//   void {name}_output__rvv(size_t tiles, const float* m, size_t m_stride, float* tmp,
//                           float bias, float* y, size_t y_stride, size_t rows,
//                           size_t cols, const struct rvpack_f32_minmax_params* params);
//     m:    point p of tile t at (char*) m + p * m_stride + t * sizeof(float);
//     tmp:  ALPHA * M * NR floats of scratch (NR = LMUL * VLEN / 32);
//     y:    output row r (< rows <= M) at (char*) y + r * y_stride; tile t's
//           columns start at t * M; only columns < cols are written.
#ifndef RVPACK_RVV_WINOGRAD_H_
#define RVPACK_RVV_WINOGRAD_H_

#include <stddef.h>

#include "rvpack_rvv/common.h"
#include "rvpack_rvv/microparams.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef void (*rvpack_f32_winograd_input_fn)(size_t tiles, const float* x, size_t x_stride, float* u,
                                             size_t u_stride);
typedef void (*rvpack_f32_winograd_output_fn)(size_t tiles, const float* m, size_t m_stride, float* tmp,
                                              float bias, float* y, size_t y_stride, size_t rows, size_t cols,
                                              const struct rvpack_f32_minmax_params* params);

#define RVPACK_DECLARE_F32_WINOGRAD_UKERNELS(fn_name)                                                           \
  void fn_name##_input__rvv(size_t tiles, const float* x, size_t x_stride, float* u, size_t u_stride);         \
  void fn_name##_output__rvv(size_t tiles, const float* m, size_t m_stride, float* tmp, float bias, float* y,   \
                             size_t y_stride, size_t rows, size_t cols,                                       \
                             const struct rvpack_f32_minmax_params* params);

RVPACK_DECLARE_F32_WINOGRAD_UKERNELS(rvpack_f32_winograd_f2x3_1v)
RVPACK_DECLARE_F32_WINOGRAD_UKERNELS(rvpack_f32_winograd_f2x3_2v)
RVPACK_DECLARE_F32_WINOGRAD_UKERNELS(rvpack_f32_winograd_f4x3_1v)
RVPACK_DECLARE_F32_WINOGRAD_UKERNELS(rvpack_f32_winograd_f4x3_2v)
RVPACK_DECLARE_F32_WINOGRAD_UKERNELS(rvpack_f32_winograd_f6x3_1v)

#ifdef __cplusplus
}
#endif

#endif  // RVPACK_RVV_WINOGRAD_H_
