// Weight packing for the GEMM microkernels (include/rvpack_rvv/gemm.h):
// scalar reference routines, separate from the kernels. The code generator
// packs weights at build time with tools/pack.py, which produces the same
// bytes (a test checks it bit for bit).
//
// Packed layout, for panels of nr output columns (the last one zero-padded
// past n):
//   for each panel p = 0 .. ceil(n / nr) - 1:
//     nr biases      bias[p*nr + j]           (0 past n, or everywhere if bias is NULL)
//     k rows of nr   w[p*nr + j][kk]  (goi)   (0 past n)
//                    w[kk][p*nr + j]  (gio)
// i.e. ceil(n / nr) * nr * (k + 1) floats.
//
// nr must equal the NR of the kernel that consumes the weights; for an RVV
// kernel "{MR}x{LMUL}v" that is LMUL * VLENB / 4 of the hart that runs it.
#ifndef RVPACK_RVV_PACKW_H_
#define RVPACK_RVV_PACKW_H_

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

// Bytes of packed weights for an n x k weight matrix and panels of nr columns.
size_t rvpack_x32_packw_gemm_size(size_t n, size_t k, size_t nr);

// w: [n][k] (output channel major, as ONNX Gemm with transB and conv 1x1 weights).
void rvpack_x32_packw_gemm_goi__scalar(size_t n, size_t k, size_t nr, const float* w,
                                       const float* bias, float* packed);

// w: [k][n] (as ONNX MatMul's B and TFLite's transposed FullyConnected weights).
void rvpack_x32_packw_gemm_gio__scalar(size_t n, size_t k, size_t nr, const float* w,
                                       const float* bias, float* packed);

#ifdef __cplusplus
}
#endif

#endif  // RVPACK_RVV_PACKW_H_
