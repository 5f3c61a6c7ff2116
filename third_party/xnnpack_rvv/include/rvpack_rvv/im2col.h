// im2col panel packing for NCHW convolutions: builds the `b` operand of the
// conv-GEMM microkernels (include/rvpack_rvv/convgemm.h) for a window of
// output pixels. Scalar reference routine plus an RVV version producing the
// same bytes; separate from the kernels, as XNNPACK's packing routines.
//
// Input: one image (or one group of channels of it), [C][H][W] contiguous
// floats: element (ic, ih, iw) at input[(ic * H + ih) * W + iw]. For batch n
// and group g pass input + (n * C_total + g * C) * H * W.
//
// Output pixels are numbered p = oh * OW + ow (row-major over the output
// image, as NCHW stores them). Panel layout, for the pixel_count pixels
// p = pixel_start .. pixel_start + pixel_count - 1:
//
//   row k = (ic * KH + kh) * KW + kw, k < K = C * KH * KW
//     (the order of ONNX's [OC][C][KH][KW] weights, so the weight matrix
//     is used unpacked: w_stride = K * sizeof(float)),
//   at (char*) panel + k * panel_stride, pixel_count contiguous floats:
//     panel_row_k[j] = input[ic][ih][iw]   with p = pixel_start + j,
//                                          oh = p / OW, ow = p % OW,
//                                          ih = oh * SH + kh * DH - pad_top,
//                                          iw = ow * SW + kw * DW - pad_left,
//                      or +0.0f when (ih, iw) is outside the image (padding).
//
// Only those K * pixel_count floats are written (the gaps of a padded
// panel_stride are left alone). Bottom/right padding is implied by OH/OW:
// any (ih, iw) past the image reads as 0. Requirements: every size >= 1,
// pixel_count >= 1, pixel_start + pixel_count <= OH * OW, panel_stride >=
// pixel_count * sizeof(float) and a multiple of sizeof(float). The panel
// then feeds the kernel as b = panel, b_stride = panel_stride,
// nc = pixel_count, kc = K * sizeof(float). Scratch: K * panel_stride bytes.
#ifndef RVPACK_RVV_IM2COL_H_
#define RVPACK_RVV_IM2COL_H_

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rvpack_im2col_params {
  size_t channels;         // C: input channels (of one group)
  size_t input_height;     // H
  size_t input_width;      // W
  size_t kernel_height;    // KH
  size_t kernel_width;     // KW
  size_t stride_height;    // SH >= 1
  size_t stride_width;     // SW >= 1
  size_t dilation_height;  // DH >= 1
  size_t dilation_width;   // DW >= 1
  size_t pad_top;
  size_t pad_left;
  size_t output_height;  // OH = (H + pad_top + pad_bottom - DH * (KH - 1) - 1) / SH + 1
  size_t output_width;   // OW = (W + pad_left + pad_right - DW * (KW - 1) - 1) / SW + 1
};

// K: rows of the panel (C * KH * KW).
static inline size_t rvpack_im2col_nchw_rows(const struct rvpack_im2col_params* p) {
  return p->channels * p->kernel_height * p->kernel_width;
}

// The reference: a plain loop over rows and pixels.
void rvpack_f32_im2col_nchw__scalar(const struct rvpack_im2col_params* p, const float* input,
                                    size_t pixel_start, size_t pixel_count, float* panel,
                                    size_t panel_stride);

#if defined(__riscv_vector)
// RVV 1.0: per panel row and output row, zero fill for the padding and one
// unit-stride (SW == 1) or strided (vlse32, SW > 1) copy for the rest.
void rvpack_f32_im2col_nchw__rvv(const struct rvpack_im2col_params* p, const float* input,
                                 size_t pixel_start, size_t pixel_count, float* panel,
                                 size_t panel_stride);
#endif

#ifdef __cplusplus
}
#endif

#endif  // RVPACK_RVV_IM2COL_H_
