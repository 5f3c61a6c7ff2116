/* rvpack int8 kernels: the portable scalar implementations (the oracle of
 * every int8 vector kernel), in TFLite's full-integer arithmetic.
 *
 * Quantized value q of real value r: r = scale * (q - zero_point). Weights
 * are symmetric (zero point 0, values in [-127, 127]), per output channel or
 * per tensor; biases are int32 with scale input_scale * weight_scale.
 *
 * Rescaling by a real factor M > 0 is done as TFLite defines it
 * (MultiplyByQuantizedMultiplier): M = multiplier * 2^(shift - 31) with
 * multiplier in [2^30, 2^31) (sdk/quant/multiplier.py computes both at build
 * time); x is shifted left by max(shift, 0), multiplied by a saturating
 * rounding doubling high multiply, then shifted right by max(-shift, 0)
 * rounding half away from zero. Matching those two roundings is what makes
 * results bit-exact against tflite-runtime.
 *
 * Overflow: a conv/FC accumulator sums K products of (x - zx) in [-255, 255]
 * and w in [-127, 127], |product| <= 32385, so K <= 66,000 products fit an
 * int32 with room for the bias (|bias| < 2^31 - K * 32385 is checked by the
 * code generator). Layouts are NCHW as for the f32 kernels. */
#ifndef RVPACK_KERNELS_QS8_H_
#define RVPACK_KERNELS_QS8_H_

#include <stddef.h>
#include <stdint.h>

#include "rvpack/kernels.h"

#ifdef __cplusplus
extern "C" {
#endif

/* round(x * multiplier * 2^(shift - 31)) with TFLite's two roundings. */
int32_t rvpack_q31_rescale(int32_t x, int32_t multiplier, int32_t shift);

/* The same product with both roundings half up (toward +inf): what
 * tflite-runtime's CONV_2D and FULLY_CONNECTED compute through ruy (x86
 * AVX2; NEON's sqrdmulh + srshl agree). They differ from the reference
 * rounding only on ties of negative values. */
int32_t rvpack_q31_rescale_half_up(int32_t x, int32_t multiplier, int32_t shift);

/* ONNX's QLinear* arithmetic (onnxruntime's): y = round_half_even((float)acc *
 * scale) in float32, scale = x_scale * w_scale / y_scale computed in float32
 * at build time (sdk/ir/quant.py: onnx_output_scales). */
enum { RVPACK_Q8_ROUND_AWAY = 0, RVPACK_Q8_ROUND_HALF_UP = 1, RVPACK_Q8_ROUND_FLOAT = 2 };

/* round(x) with ties to even, saturated to [-2^15, 2^15] (all int8 cases): the
 * float32 rounding of onnxruntime (cvtps2dq, nearbyintf) in any libc. */
int32_t rvpack_q8_round_even(float x);

/* Output side of every int8 kernel: y = clamp(zero_point + rescale(acc)). */
typedef struct rvpack_qs8_output {
  int32_t zero_point;
  int32_t min, max;       /* the fused activation's clamp, in the quantized domain */
  int32_t per_channel;    /* multiplier/shift arrays have one entry per channel (else one) */
  int32_t rounding;       /* RVPACK_Q8_ROUND_*: which rescale */
  const int32_t* multiplier;
  const int32_t* shift;
  const float* scale;     /* RVPACK_Q8_ROUND_FLOAT only (else NULL) */
} rvpack_qs8_output_t;

/* 2-D convolution, NCHW, grouped (depthwise: groups == in_channels, any
 * channel multiplier). geometry.act is ignored (the clamp is in `out`).
 * weights int8 [out_channels][in_channels / groups][kh][kw], bias int32
 * [out_channels] or NULL; input positions outside the image contribute 0
 * (they read as the input zero point). `scratch` holds one output plane of
 * int32 accumulators (arena memory the code generator plans). */
typedef struct rvpack_qs8_conv2d_params {
  rvpack_conv2d_params_t geometry;
  int32_t input_zero_point;
  rvpack_qs8_output_t out;
} rvpack_qs8_conv2d_params_t;

void rvpack_qs8_conv2d_nchw__scalar(const rvpack_qs8_conv2d_params_t* p, const int8_t* input,
                                    const int8_t* weights, const int32_t* bias, int8_t* output,
                                    void* scratch /* out_height * out_width int32 */);

/* The same convolution as register-blocked GEMMs (qs8_gemm.c) for the
 * roundings HALF_UP and FLOAT: weights, biases (input zero point folded in)
 * and requantization parameters packed by the code generator in blocks of
 * RVPACK_QS8_GEMM_MR output channels (the layout of xnnpack_rvv's
 * qs8_convgemm.h: int32 bias, multiplier, left, right shift; float scale;
 * [K][MR] int8 weights), group after group. panel_pixels == 0: a 1x1,
 * stride-1, unpadded conv reading the input directly; else scratch holds
 * K * panel_pixels int8 of im2col panel. Equal, bit for bit, to
 * rvpack_qs8_conv2d_nchw__scalar. */
enum { RVPACK_QS8_GEMM_MR = 4 };

typedef struct rvpack_qs8_conv2d_gemm_params {
  rvpack_conv2d_params_t geometry;
  int32_t input_zero_point;
  int32_t rounding; /* RVPACK_Q8_ROUND_HALF_UP or RVPACK_Q8_ROUND_FLOAT */
  int32_t output_zero_point, min, max;
  int32_t panel_pixels;
} rvpack_qs8_conv2d_gemm_params_t;

void rvpack_qs8_conv2d_nchw_gemm__scalar(const rvpack_qs8_conv2d_gemm_params_t* p, const int8_t* input,
                                         const int8_t* packed, int8_t* output, void* scratch);

/* y[b][n] = out(sum_k (x[b][k] - zx) * w[n][k] + bias[n]); weights [n][k]
 * (TFLite FULLY_CONNECTED), bias int32 [n] or NULL. */
typedef struct rvpack_qs8_fully_connected_params {
  int32_t batch, in_features, out_features;
  int32_t input_zero_point;
  rvpack_qs8_output_t out;
} rvpack_qs8_fully_connected_params_t;

void rvpack_qs8_fully_connected__scalar(const rvpack_qs8_fully_connected_params_t* p, const int8_t* input,
                                        const int8_t* weights, const int32_t* bias, int8_t* output);

/* Elementwise a + b (broadcast by strides as rvpack_binary_params_t: shape,
 * a_strides, b_strides; op and act unused) as TFLite's int8 ADD: both inputs
 * are moved to a common scale with 20 bits of headroom, added, and rescaled. */
typedef struct rvpack_qs8_add_params {
  rvpack_binary_params_t shape;
  int32_t a_zero_point, b_zero_point;
  int32_t a_multiplier, a_shift, b_multiplier, b_shift;
  int32_t left_shift;
  rvpack_qs8_output_t out; /* per_channel 0 */
} rvpack_qs8_add_params_t;

void rvpack_qs8_add__scalar(const rvpack_qs8_add_params_t* p, const int8_t* a, const int8_t* b, int8_t* y);

/* Elementwise a * b (broadcast by strides as for ADD) as TFLite's int8 MUL:
 * y = out(rescale((a - za) * (b - zb))) with M = a_scale * b_scale / y_scale. */
typedef struct rvpack_qs8_mul_params {
  rvpack_binary_params_t shape;
  int32_t a_zero_point, b_zero_point;
  rvpack_qs8_output_t out; /* per_channel 0 */
} rvpack_qs8_mul_params_t;

void rvpack_qs8_mul__scalar(const rvpack_qs8_mul_params_t* p, const int8_t* a, const int8_t* b, int8_t* y);

/* Max and average pooling, NCHW, input and output with the same scale and
 * zero point (TFLite requires it). Average: sum of the in-image window
 * divided by its in-image size, rounded half away from zero, as TFLite.
 * kind: RVPACK_POOL_*; geometry.act and count_include_pad are ignored. */
typedef struct rvpack_qs8_pool2d_params {
  rvpack_pool2d_params_t geometry;
  int32_t min, max; /* the fused activation's clamp */
} rvpack_qs8_pool2d_params_t;

void rvpack_qs8_pool2d_nchw__scalar(const rvpack_qs8_pool2d_params_t* p, const int8_t* input, int8_t* output);

/* Mean over each of `planes` planes of plane_size int8 values (TFLite's
 * int8 MEAN over height and width with keep_dims, as tflite-runtime computes
 * it): y = clamp(rescale(sum) + bias) with rescale by input_scale /
 * (plane_size * output_scale) (TFLite's rounding) and bias = output zero
 * point - round(input_zero_point * input_scale / output_scale). */
typedef struct rvpack_qs8_mean_params {
  int32_t planes, plane_size;
  int32_t multiplier, shift, bias;
} rvpack_qs8_mean_params_t;

void rvpack_qs8_mean_hw__scalar(const rvpack_qs8_mean_params_t* p, const int8_t* x, int8_t* y);

/* Softmax over the last dimension (rows of row_len int8 values) as
 * tflite-runtime computes int8 SOFTMAX: e = table[255 - max + x] (the
 * code generator's float table of exp(-input_scale * beta * d), d = 0..255),
 * summed in float in order; y = round(e / (sum * output_scale)) + zero
 * point, halves away from zero, saturated. */
typedef struct rvpack_qs8_softmax_params {
  int32_t rows, row_len;
  float output_scale;
  int32_t output_zero_point;
} rvpack_qs8_softmax_params_t;

void rvpack_qs8_softmax__scalar(const rvpack_qs8_softmax_params_t* p, const int8_t* x, const float* table, int8_t* y);

/* y[i] = table[x[i] + 128]: an elementwise function of one int8 tensor
 * (LOGISTIC, ...) as the 256-entry table the code generator computed the way
 * tflite-runtime computes its own (sdk/ir/quant.py: lookup_table). */
void rvpack_qs8_lookup__scalar(size_t count, const int8_t* x, const int8_t* table, int8_t* y);

/* Conversions at a model's edges and between quantized tensors:
 *  quantize    f32 -> int8/uint8: clamp(round_half_away(x / scale) + zero_point)
 *  dequantize  int8/uint8 -> f32: scale * (q - zero_point)
 *  requantize  int8/uint8 -> int8/uint8: clamp(out_zp + rescale(q - in_zp)).
 * `is_unsigned` selects uint8 (0..255) for that side, else int8. With
 * `onnx` set they follow ONNX QuantizeLinear instead: ties round to even, and
 * requantize is a DequantizeLinear then a QuantizeLinear in float32
 * (round_even((float)(q - in_zp) * in_scale / scale) + out_zp). */
typedef struct rvpack_q8_convert_params {
  size_t count;
  float scale;                 /* quantize/dequantize */
  int32_t input_zero_point;    /* dequantize/requantize */
  int32_t output_zero_point;   /* quantize/requantize */
  int32_t multiplier, shift;   /* requantize */
  int32_t input_unsigned, output_unsigned;
  int32_t onnx;                /* ONNX rounding (see above) */
  float input_scale;           /* requantize with onnx set */
} rvpack_q8_convert_params_t;

void rvpack_q8_quantize__scalar(const rvpack_q8_convert_params_t* p, const float* x, void* y);
void rvpack_q8_dequantize__scalar(const rvpack_q8_convert_params_t* p, const void* x, float* y);
void rvpack_q8_requantize__scalar(const rvpack_q8_convert_params_t* p, const void* x, void* y);

#ifdef __cplusplus
}
#endif

#endif /* RVPACK_KERNELS_QS8_H_ */
