/* rvpack operator kernels for RISC-V Vector 1.0 (kernel ISA "rvv").
 *
 * Operator-level drivers over the xnnpack_rvv microkernels; built only for
 * the rvv targets. Same conventions as kernels.h (NCHW, static params,
 * no allocation); scratch memory comes from the arena, planned offline. */
#ifndef RVPACK_KERNELS_RVV_H_
#define RVPACK_KERNELS_RVV_H_

#include <stdint.h>

#include "rvpack/kernels.h"
#include "rvpack/kernels_qs8.h"
#include "rvpack_rvv/convgemm.h"
#include "rvpack_rvv/im2col.h"
#include "rvpack_rvv/microparams.h"
#include "rvpack_rvv/qs8_convgemm.h"
#include "rvpack_rvv/spconvgemm.h"
#include "rvpack_rvv/winograd.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The output clamp of act (NONE, RELU or CLAMP) for the xnnpack_rvv kernels.
 * NONE uses NaN bounds: vfmax/vfmin (IEEE maximumNumber/minimumNumber) then
 * return the sum itself, NaN included, where +-inf bounds would turn a NaN
 * sum into -inf. */
static inline struct rvpack_f32_minmax_params rvpack_rvv_clamp_of(const rvpack_activation_t* act) {
  switch (act->kind) {
    case RVPACK_ACT_RELU:
      return rvpack_f32_minmax_params_relu();
    case RVPACK_ACT_CLAMP:
      return rvpack_f32_minmax_params_init(act->a, act->b);
    default: /* the code generator only passes NONE, RELU or CLAMP */
      return rvpack_f32_minmax_params_init(__builtin_nanf(""), __builtin_nanf(""));
  }
}

/* The im2col geometry of conv c over `channels` input channels (one group's). */
static inline struct rvpack_im2col_params rvpack_rvv_im2col_of(const rvpack_conv2d_params_t* c, size_t channels) {
  const struct rvpack_im2col_params im2col = {
      .channels = channels,
      .input_height = (size_t)c->in_height,
      .input_width = (size_t)c->in_width,
      .kernel_height = (size_t)c->kernel_height,
      .kernel_width = (size_t)c->kernel_width,
      .stride_height = (size_t)c->stride_height,
      .stride_width = (size_t)c->stride_width,
      .dilation_height = (size_t)c->dilation_height,
      .dilation_width = (size_t)c->dilation_width,
      .pad_top = (size_t)c->pad_top,
      .pad_left = (size_t)c->pad_left,
      .output_height = (size_t)c->out_height,
      .output_width = (size_t)c->out_width,
  };
  return im2col;
}

/* A GEMM tile of the drivers below: a convgemm microkernel of MR rows and
 * LMUL registers of columns and, optionally, the same-MR LMUL-1 kernel for
 * the columns past its last full vector step (NR = LMUL * VLEN / 32 at run
 * time): a partial step then costs LMUL-1 vectors instead of a full group. */
typedef struct rvpack_convgemm_tile {
  rvpack_f32_convgemm_minmax_ukernel_fn ukernel;
  rvpack_f32_convgemm_minmax_ukernel_fn tail; /* NULL: the ukernel does every column */
  int32_t mr;
  int32_t lmul;
} rvpack_convgemm_tile_t;

/* rows (<= mr) x nc of one packed block, as rvpack_f32_convgemm_minmax_ukernel_fn. */
static inline void rvpack_convgemm_tile_run(const rvpack_convgemm_tile_t* t, size_t rows, size_t nc, size_t kc,
                                            const float* w, const float* b, size_t b_stride, float* c,
                                            size_t c_stride, const struct rvpack_f32_minmax_params* params) {
  size_t main = nc;
  if (t->tail != NULL) {
    const size_t nr = rvpack_f32_convgemm_rvv_nr((size_t)t->lmul);
    main = nc / nr * nr;
  }
  if (main != 0) t->ukernel(rows, main, kc, w, b, b_stride, c, c_stride, params);
  if (main != nc) t->tail(rows, nc - main, kc, w, b + main, b_stride, c + main, c_stride, params);
}

/* Convolution as one GEMM per group over output pixels (see conv2d_nchw_rvv.c).
 * conv.act must be NONE, RELU or CLAMP (a min/max clamp). panel_pixels == 0
 * means a 1x1, stride-1, unpadded conv that reads the input directly;
 * otherwise scratch holds K * panel_pixels floats (K = in/groups * kh * kw).
 * `packed` holds each group's weights and biases as the microkernel's packed
 * blocks of MR rows (rvpack_f32_convgemm_pack_weights), group after group:
 * the code generator packs them at build time (sdk/targets/rvv/packing.py). */
typedef struct rvpack_conv2d_rvv_params {
  rvpack_conv2d_params_t conv;
  rvpack_convgemm_tile_t tile;
  int32_t panel_pixels;
} rvpack_conv2d_rvv_params_t;

void rvpack_f32_conv2d_nchw__rvv(const rvpack_conv2d_rvv_params_t* p, const float* input, const float* packed,
                                 float* output, float* scratch);

/* int8 convolution (qs8_conv2d_rvv.c): one GEMM per group on a qs8-convgemm
 * microkernel, output channels as rows in packed blocks of MR (biases with
 * the input zero point folded in, requantization parameters and weights,
 * group after group: sdk/targets/rvv/qs8.py), output pixels vectorised.
 * panel_pixels == 0: a 1x1, stride-1, unpadded conv reading the input
 * directly; else scratch holds K * panel_pixels int8 of im2col panel, its
 * padding filled with the input zero point. conv.act is ignored (the clamp
 * is out.min/max). Equal, bit for bit, to rvpack_qs8_conv2d_nchw__scalar
 * with the same rounding (HALF_UP or FLOAT). */
typedef struct rvpack_qs8_convgemm_tile {
  rvpack_qs8_convgemm_minmax_ukernel_fn ukernel;
  int32_t mr;
  int32_t lmul;
} rvpack_qs8_convgemm_tile_t;

typedef struct rvpack_qs8_conv2d_rvv_params {
  rvpack_conv2d_params_t conv;
  int32_t input_zero_point;
  struct rvpack_qs8_minmax_params out;
  rvpack_qs8_convgemm_tile_t tile;
  int32_t panel_pixels;
} rvpack_qs8_conv2d_rvv_params_t;

void rvpack_qs8_conv2d_nchw__rvv(const rvpack_qs8_conv2d_rvv_params_t* p, const int8_t* input, const int8_t* packed,
                                 int8_t* output, void* scratch);

/* Twins of the scalar int8 kernels (q8_rvv.c): quantize, dequantize,
 * requantize, max pooling (average pooling calls the scalar kernel), any
 * convolution (the one the qs8-convgemm path does not take: depthwise,
 * TFLite's "away" rounding), ADD and MUL with broadcasting. */
void rvpack_q8_quantize__rvv(const rvpack_q8_convert_params_t* p, const float* x, void* y);
void rvpack_q8_dequantize__rvv(const rvpack_q8_convert_params_t* p, const void* x, float* y);
void rvpack_q8_requantize__rvv(const rvpack_q8_convert_params_t* p, const void* x, void* y);
void rvpack_qs8_pool2d_nchw__rvv(const rvpack_qs8_pool2d_params_t* p, const int8_t* input, int8_t* output);
void rvpack_qs8_conv2d_nchw__rvv_any(const rvpack_qs8_conv2d_params_t* p, const int8_t* input, const int8_t* weights,
                                     const int32_t* bias, int8_t* output, void* scratch);
void rvpack_qs8_add__rvv(const rvpack_qs8_add_params_t* p, const int8_t* a, const int8_t* b, int8_t* y);
void rvpack_qs8_mul__rvv(const rvpack_qs8_mul_params_t* p, const int8_t* a, const int8_t* b, int8_t* y);

/* A column-sparse tile: an f32-spconvgemm kernel and, optionally, its
 * same-MR LMUL-1 kernel for the columns past the last full vector step. */
typedef struct rvpack_spconvgemm_tile {
  rvpack_f32_spconvgemm_minmax_ukernel_fn ukernel;
  rvpack_f32_spconvgemm_minmax_ukernel_fn tail; /* NULL: the ukernel does every column */
  int32_t mr;
  int32_t lmul;
} rvpack_spconvgemm_tile_t;

/* rows (<= mr) x nc of one sparse block, as rvpack_f32_spconvgemm_minmax_ukernel_fn. */
static inline void rvpack_spconvgemm_tile_run(const rvpack_spconvgemm_tile_t* t, size_t rows, size_t nc,
                                              const float* w, const float* b, float* c, size_t c_stride,
                                              const struct rvpack_f32_minmax_params* params) {
  size_t main = nc;
  if (t->tail != NULL) {
    const size_t nr = rvpack_f32_convgemm_rvv_nr((size_t)t->lmul);
    main = nc / nr * nr;
  }
  if (main != 0) t->ukernel(rows, main, w, b, c, c_stride, params);
  if (main != nc) t->tail(rows, nc - main, w, b + main, c + main, c_stride, params);
}

/* Convolution with column-sparse weights (groups 1; conv2d_sparse_rvv.c):
 * output channels as the GEMM's rows in blocks of MR that keep the same K
 * steps (rvpack_f32_spconvgemm_pack_weights, at build time:
 * sdk/targets/rvv/sparse.py), pixels vectorised. panel_pixels == 0: a 1x1,
 * stride-1, unpadded conv whose blocks address the input's channel planes
 * (B row offsets k * H * W * 4); otherwise each panel of panel_pixels pixels
 * is packed by im2col with that row stride (offsets k * panel_pixels * 4),
 * the last panel too, into scratch (K * panel_pixels floats). */
typedef struct rvpack_conv2d_sparse_rvv_params {
  rvpack_conv2d_params_t conv;
  rvpack_spconvgemm_tile_t tile;
  int32_t panel_pixels;
} rvpack_conv2d_sparse_rvv_params_t;

void rvpack_f32_conv2d_sparse__rvv(const rvpack_conv2d_sparse_rvv_params_t* p, const float* input,
                                   const float* packed, float* output, float* scratch);

/* Convolution with the output pixels as the GEMM's rows (groups 1; see
 * conv2d_pixel_rows_rvv.c): vectors over output channels, for layers with
 * few pixels and many channels. `weights_t` is W^T, [K][OC] rows (the code
 * generator transposes it); bias may be NULL. direct: a 1x1, stride-1,
 * unpadded conv reads the input itself; otherwise an im2col panel of every
 * pixel is packed first. Scratch: (direct ? 0 : K * P) + ceil(P / MR) * MR *
 * (K + 1) + P * OC floats. */
typedef struct rvpack_conv2d_pixel_rows_rvv_params {
  rvpack_conv2d_params_t conv;
  rvpack_convgemm_tile_t tile;
  int32_t direct;
} rvpack_conv2d_pixel_rows_rvv_params_t;

void rvpack_f32_conv2d_nchw_pixel_rows__rvv(const rvpack_conv2d_pixel_rows_rvv_params_t* p, const float* input,
                                            const float* weights_t, const float* bias, float* output,
                                            float* scratch);

/* Convolution by Winograd F(tile x tile, 3x3): kernel 3x3, stride 1, dilation
 * 1, groups 1 (conv2d_winograd_rvv.c). `packed` holds the transformed weights
 * G g G^T of every point, each packed for the microkernel (no bias: `bias`,
 * or NULL, is added by the output transform). Scratch: see the source. */
typedef struct rvpack_conv2d_winograd_rvv_params {
  rvpack_conv2d_params_t conv;
  rvpack_convgemm_tile_t gemm;
  int32_t tile; /* M of F(M, 3) */
  rvpack_f32_winograd_input_fn input_transform;
  rvpack_f32_winograd_output_fn output_transform;
  int32_t panel_tile_rows; /* tile rows per panel (bounds the scratch) */
} rvpack_conv2d_winograd_rvv_params_t;

void rvpack_f32_conv2d_winograd__rvv(const rvpack_conv2d_winograd_rvv_params_t* p, const float* input,
                                     const float* packed, const float* bias, float* output, float* scratch);

/* ---- same-signature vector twins of kernels.h ----------------------------
 * Each computes exactly what its __scalar twin in kernels.h computes (same
 * params, same contract; the scalar kernel is its test oracle). The code
 * generator swaps __scalar for __rvv on the rvv targets. Where a case has no
 * vector path (noted per kernel), the twin runs the scalar code for it. */

/* Depthwise convolution: groups == in_channels == out_channels, kernel 3x3 or
 * 5x5, equal strides 1 or 2, dilation 1, pad_top < kernel_height, pad_left <
 * kernel_width (other shapes run the scalar kernel). Vectorised over output
 * pixels of a row (xnnpack_rvv f32-dwconv2d-chw). RELU/CLAMP are the
 * kernel's clamp (a NaN sum then comes out as the lower bound); the code
 * generator runs other activations as a separate vector unary pass. */
void rvpack_f32_dwconv2d_nchw__rvv(const rvpack_conv2d_params_t* p, const float* input, const float* weights,
                                   const float* bias, float* output);

/* Transposed convolution: each input row is scattered into its output row
 * with strided vector loads/stores (same fma order as the scalar kernel). */
void rvpack_f32_conv_transpose2d_nchw__rvv(const rvpack_conv2d_params_t* p, const float* input, const float* weights,
                                           const float* bias, float* output);

/* Max/average pooling, vectorised over output pixels of a row. */
void rvpack_f32_pool2d_nchw__rvv(const rvpack_pool2d_params_t* p, const float* input, float* output);

/* Reductions (global pooling is [N*C][H*W][1]); vectorised along `reduce`
 * when inner == 1 (sums then associate differently from the scalar loop:
 * exact on small-integer data; MAX/MIN may return either zero of -0/+0),
 * else over `inner` in the scalar's order (bit-exact). */
void rvpack_f32_reduce__rvv(const rvpack_reduce_params_t* p, const float* x, float* y);

/* Elementwise, vectorised over the innermost dimension. Unary: every kind but
 * ERF (scalar); exp, log, sigmoid and tanh come from runtime/rvv/vmath_rvv.h
 * (max errors measured and documented there: <= 1 / 2 / 2.5 / 2 ulp), the
 * piecewise-linear kinds equal the scalar ones bit for bit. Binary: POW is
 * scalar (powf), the other ops are exact. */
void rvpack_f32_unary__rvv(size_t n, const float* x, float* y, const rvpack_activation_t* act);
void rvpack_f32_binary__rvv(const rvpack_binary_params_t* p, const float* a, const float* b, float* y);
void rvpack_f32_channel_affine__rvv(const rvpack_channel_affine_params_t* p, const float* x, const float* scale,
                                    const float* shift, float* y);
/* Softmax with the vector exp/log: within a few ulp of the scalar kernel. */
void rvpack_f32_softmax__rvv(const rvpack_softmax_params_t* p, const float* x, float* y);

/* Resize: indexed loads (vluxei32) along the output row; NEAREST bit-exact,
 * LINEAR within an ulp or two (fused multiply-adds). */
void rvpack_f32_resize__rvv(const rvpack_resize_params_t* p, const float* x, float* y);

/* LRN across channels, vectorised along the spatial row; pow as exp(beta *
 * log(b)) with the vector exp/log: within a few ulp of the scalar kernel. x
 * and y must not overlap (as for the scalar kernel). */
void rvpack_f32_lrn__rvv(const rvpack_lrn_params_t* p, const float* x, float* y);

/* Padding: vector fills and copies per output row (reflect/edge borders are
 * gathered element by element, as in the scalar kernel). */
void rvpack_f32_pad__rvv(const rvpack_pad_params_t* p, const float* x, float* y);

/* Strided copy: vector loads/stores over the innermost dimension. */
void rvpack_copy_strided__rvv(const rvpack_copy_params_t* p, const void* x, void* y);

/* Matrix multiplication on the convgemm microkernels: A's rows are the
 * broadcast "weights", B's rows the vectors, so each step is vectorised over n
 * and nothing depends on VLEN. A is packed into scratch at run time (blocks
 * of MR rows with their bias when it is per row, rvpack_f32_convgemm_pack_
 * weights: ceil(m / MR) * MR * (k + 1) floats, first in scratch); a transposed
 * operand is transposed into scratch before (m*k floats for A, then k*n for B;
 * the rvv pass pipeline pre-transposes constant Gemm weights, so this is for
 * run-time operands). matmul.act NONE, RELU or CLAMP. Bias, alpha and beta
 * are fused into the microkernel when they fit its contract (bias per row,
 * alpha = beta = 1), else applied by a vector epilogue. */
typedef struct rvpack_matmul_rvv_params {
  rvpack_matmul_params_t matmul;
  rvpack_convgemm_tile_t tile;
} rvpack_matmul_rvv_params_t;

void rvpack_f32_matmul__rvv(const rvpack_matmul_rvv_params_t* p, const float* a, const float* b, const float* bias,
                            float* y, float* scratch);

#ifdef __cplusplus
}
#endif

#endif /* RVPACK_KERNELS_RVV_H_ */
