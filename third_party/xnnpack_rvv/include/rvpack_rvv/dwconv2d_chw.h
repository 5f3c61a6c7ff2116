// Auto-generated file. Do not edit!
//   Template: third_party/xnnpack_rvv/src/f32-dwconv2d-chw/dwconv2d_chw.h.in
//   Generator: python third_party/xnnpack_rvv/tools/generate.py
//   Registry: third_party/xnnpack_rvv/src/f32-dwconv2d-chw/f32-dwconv2d-chw.inc
//
// f32 depthwise 2-D convolution microkernels for RISC-V Vector 1.0, on ONE
// channel plane of a CHW (NCHW) tensor, as XNNPACK's f32-dwconv2d-chw:
// vectorised over the output pixels of a row, the KSIZE x KSIZE weights held
// in scalar registers and broadcast by vfmacc.vf. Nothing depends on VLEN.
//
// Contract of every rvpack_f32_dwconv2d_chw_minmax_ukernel_{K}x{K}s{S}_{ROWS}x{LMUL}v__rvv:
//
//   void fn(size_t input_height, size_t input_width, size_t output_height,
//           size_t output_width, size_t pad_top, size_t pad_left,
//           const float* input, const float* weights, float bias,
//           float* output, const struct rvpack_f32_minmax_params* params);
//
//   for oh < output_height, ow < output_width:
//     acc = 0
//     for kh < K, kw < K (row-major), with ih = oh * S + kh - pad_top and
//         iw = ow * S + kw - pad_left inside [0, input_height) x [0, input_width):
//       acc = fma(weights[kh * K + kw], input[ih][iw], acc)
//     output[oh][ow] = min(max(acc + bias, params->min), params->max)
//
//   input_height, input_width    the input plane, >= 1 each (input_width < 2^30).
//   output_height, output_width  the output plane, >= 1 each (output_width < 2^28).
//              Any size: the bottom and right padding are implied by it (TFLite
//              SAME padding puts the odd pixel at the bottom/right), taps
//              outside the image are skipped (read as zero), input rows and
//              columns no output reaches are not read.
//   pad_top, pad_left   0 <= pad < K: the image row/column of output 0's
//              window start is -pad.
//   input      input_height rows of input_width floats, dense ([H][W]); only
//              elements inside it are read (edge lanes are masked, rows
//              outside the image skipped), no alignment beyond 4 bytes.
//   weights    K * K floats, row-major [kh][kw] (the channel's slice of ONNX
//              [C][1][K][K] depthwise weights).
//   bias       added once, after the taps (0 for no bias).
//   output     output_height rows of output_width floats, dense; exactly
//              those are written.
//   params     the output clamp (include/rvpack_rvv/microparams.h):
//              vfmax/vfmin (maximumNumber/minimumNumber), so with finite or
//              infinite bounds a NaN sum comes out as min. A NaN bound is no
//              bound (the other operand wins): {NaN, NaN} is the identity,
//              NaN sums included (what "no activation" needs to match a
//              scalar loop that does not clamp).
//
// Accumulation order: from 0, the in-image taps in row-major (kh, kw) order
// with fused multiply-add, then the bias with one add, then the clamp. That
// is the order of the scalar reference below, so the kernels equal it bit for
// bit at every VLEN, and also of the portable runtime's conv2d (which adds the
// bias after the taps), so the depthwise operator equals its scalar twin.
//
// Inner loop, per output step of VL = vsetvl(remaining columns, LMUL) pixels
// and ROWS output rows: for each of the (ROWS - 1) * S + K input rows of the
// pass that lies in the image, K input vectors (vle32 at stride 1, vlse32 with
// a 4*S byte stride at stride 2), each feeding the vfmacc.vf of every output
// row whose window contains that input row. Steps that reach past the left
// or right edge of the input (at most the first and the last of a row) use
// masked loads and masked vfmacc.vf, one mask per kernel column, instead.
// No libc, no allocation, no globals.
#ifndef RVPACK_RVV_DWCONV2D_CHW_H_
#define RVPACK_RVV_DWCONV2D_CHW_H_

#include <stddef.h>

#include "rvpack_rvv/common.h"
#include "rvpack_rvv/microparams.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef void (*rvpack_f32_dwconv2d_chw_minmax_ukernel_fn)(
    size_t input_height, size_t input_width, size_t output_height, size_t output_width, size_t pad_top,
    size_t pad_left, const float* input, const float* weights, float bias, float* output,
    const struct rvpack_f32_minmax_params* params);

#define RVPACK_DECLARE_F32_DWCONV2D_CHW_MINMAX_UKERNEL_FUNCTION(fn_name)                                  \
  void fn_name(size_t input_height, size_t input_width, size_t output_height, size_t output_width,        \
               size_t pad_top, size_t pad_left, const float* input, const float* weights, float bias,     \
               float* output, const struct rvpack_f32_minmax_params* params);

// The scalar reference (the oracle of the kernel tests): the same contract
// for any kernel_height x kernel_width and strides (pad_top < kernel_height,
// pad_left < kernel_width). Portable C (no RVV).
void rvpack_f32_dwconv2d_chw_minmax_reference__scalar(
    size_t kernel_height, size_t kernel_width, size_t stride_height, size_t stride_width,
    size_t input_height, size_t input_width, size_t output_height, size_t output_width, size_t pad_top,
    size_t pad_left, const float* input, const float* weights, float bias, float* output,
    const struct rvpack_f32_minmax_params* params);

RVPACK_DECLARE_F32_DWCONV2D_CHW_MINMAX_UKERNEL_FUNCTION(rvpack_f32_dwconv2d_chw_minmax_ukernel_3x3s1_2x2v__rvv)
RVPACK_DECLARE_F32_DWCONV2D_CHW_MINMAX_UKERNEL_FUNCTION(rvpack_f32_dwconv2d_chw_minmax_ukernel_3x3s2_2x2v__rvv)
RVPACK_DECLARE_F32_DWCONV2D_CHW_MINMAX_UKERNEL_FUNCTION(rvpack_f32_dwconv2d_chw_minmax_ukernel_5x5s1_2x2v__rvv)
RVPACK_DECLARE_F32_DWCONV2D_CHW_MINMAX_UKERNEL_FUNCTION(rvpack_f32_dwconv2d_chw_minmax_ukernel_5x5s2_2x2v__rvv)
RVPACK_DECLARE_F32_DWCONV2D_CHW_MINMAX_UKERNEL_FUNCTION(rvpack_f32_dwconv2d_chw_minmax_ukernel_3x3s1_1x4v__rvv)
RVPACK_DECLARE_F32_DWCONV2D_CHW_MINMAX_UKERNEL_FUNCTION(rvpack_f32_dwconv2d_chw_minmax_ukernel_3x3s2_1x4v__rvv)
RVPACK_DECLARE_F32_DWCONV2D_CHW_MINMAX_UKERNEL_FUNCTION(rvpack_f32_dwconv2d_chw_minmax_ukernel_5x5s1_1x4v__rvv)
RVPACK_DECLARE_F32_DWCONV2D_CHW_MINMAX_UKERNEL_FUNCTION(rvpack_f32_dwconv2d_chw_minmax_ukernel_5x5s2_1x4v__rvv)

#ifdef __cplusplus
}
#endif

#endif  // RVPACK_RVV_DWCONV2D_CHW_H_
