/* int8 kernels on RISC-V Vector 1.0: twins of runtime/src/qs8.c's scalar
 * kernels, same contract, equal bit for bit: conversions, the generic
 * convolution (depthwise included, every rounding), ADD, MUL, max pooling.
 * Average pooling calls the scalar kernel.
 *
 * TFLite's rescale (rvpack_q31_rescale) in vector instructions: gemmlowp's
 * SaturatingRoundingDoublingHighMul rounds ties up (toward +inf) for both
 * signs, which is vsmul under vxrm = rnu; RoundingDivideByPOT rounds ties
 * away from zero, which is vssra under rnu after subtracting 1 from the
 * negative values (their ties then fall to the lower, farther integer). */
#include <riscv_vector.h>
#include <stddef.h>
#include <stdint.h>

#include "../src/internal.h"
#include "rvpack/kernels_qs8.h"
#include "rvpack/kernels_rvv.h"

/* round(x * multiplier * 2^(shift - 31)): RVPACK_Q8_ROUND_AWAY (TFLite's reference) or _HALF_UP (ruy). */
static vint32m4_t rescale_q31(vint32m4_t x, int32_t multiplier, int32_t shift, int half_up, size_t vl) {
  const int32_t left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
  x = __riscv_vsmul_vx_i32m4(__riscv_vsll_vx_i32m4(x, (size_t)left, vl), multiplier, __RISCV_VXRM_RNU, vl);
  if (right == 0) return x;
  if (!half_up) {
    const vbool8_t negative = __riscv_vmslt_vx_i32m4_b8(x, 0, vl);
    x = __riscv_vsub_vx_i32m4_mu(negative, x, x, 1, vl);
  }
  return __riscv_vssra_vx_i32m4(x, (size_t)right, __RISCV_VXRM_RNU, vl);
}

/* rvpack_qs8_output_t applied to int32 accumulators of one channel: int8 lanes as int32. */
static vint32m4_t output_values(const rvpack_qs8_output_t* o, vint32m4_t acc, int32_t channel, size_t vl) {
  const int32_t k = o->per_channel ? channel : 0;
  vint32m4_t v;
  if (o->rounding == RVPACK_Q8_ROUND_FLOAT) {
    const vfloat32m4_t f = __riscv_vfmul_vf_f32m4(__riscv_vfcvt_f_x_v_f32m4_rm(acc, __RISCV_FRM_RNE, vl), o->scale[k], vl);
    v = __riscv_vfcvt_x_f_v_i32m4_rm(f, __RISCV_FRM_RNE, vl);
  } else {
    v = rescale_q31(acc, o->multiplier[k], o->shift[k], o->rounding == RVPACK_Q8_ROUND_HALF_UP, vl);
  }
  v = __riscv_vsadd_vx_i32m4(v, o->zero_point, vl);
  return __riscv_vmin_vx_i32m4(__riscv_vmax_vx_i32m4(v, o->min, vl), o->max, vl);
}

static void store_i8(int8_t* y, vint32m4_t v, size_t vl) {
  __riscv_vse8_v_i8m1(y, __riscv_vncvt_x_x_w_i8m1(__riscv_vncvt_x_x_w_i16m2(v, vl), vl), vl);
}

/* q8 values (int8 or uint8, by is_unsigned) -> int32 minus zero_point. */
static vint32m4_t load_centered(const void* x, size_t i, int is_unsigned, int32_t zero_point, size_t vl) {
  vint32m4_t v;
  if (is_unsigned) {
    v = __riscv_vreinterpret_v_u32m4_i32m4(__riscv_vzext_vf4_u32m4(__riscv_vle8_v_u8m1((const uint8_t*)x + i, vl), vl));
  } else {
    v = __riscv_vsext_vf4_i32m4(__riscv_vle8_v_i8m1((const int8_t*)x + i, vl), vl);
  }
  return __riscv_vsub_vx_i32m4(v, zero_point, vl);
}

/* clamp to int8 or uint8 and store the low bytes. */
static void store_q8(void* y, size_t i, vint32m4_t v, int is_unsigned, size_t vl) {
  v = __riscv_vmax_vx_i32m4(v, is_unsigned ? 0 : -128, vl);
  v = __riscv_vmin_vx_i32m4(v, is_unsigned ? 255 : 127, vl);
  const vint8m1_t bytes = __riscv_vncvt_x_x_w_i8m1(__riscv_vncvt_x_x_w_i16m2(v, vl), vl);
  __riscv_vse8_v_i8m1((int8_t*)y + i, bytes, vl);
}

/* round(x / scale) + zero_point: ties to even (ONNX) or away from zero
 * (TFLite: frm = rmm), saturating; NaN gives the zero point, as the scalar kernel. */
void rvpack_q8_quantize__rvv(const rvpack_q8_convert_params_t* p, const float* x, void* y) {
  for (size_t i = 0, vl; i < p->count; i += vl) {
    vl = __riscv_vsetvl_e32m4(p->count - i);
    const vfloat32m4_t v = __riscv_vle32_v_f32m4(x + i, vl);
    const vfloat32m4_t q = __riscv_vfdiv_vf_f32m4(v, p->scale, vl);
    const vint32m4_t r = p->onnx ? __riscv_vfcvt_x_f_v_i32m4_rm(q, __RISCV_FRM_RNE, vl)
                                 : __riscv_vfcvt_x_f_v_i32m4_rm(q, __RISCV_FRM_RMM, vl);
    vint32m4_t out = __riscv_vsadd_vx_i32m4(r, p->output_zero_point, vl);
    out = __riscv_vmerge_vxm_i32m4(out, p->output_zero_point, __riscv_vmfne_vv_f32m4_b8(v, v, vl), vl);
    store_q8(y, i, out, p->output_unsigned, vl);
  }
}

void rvpack_q8_dequantize__rvv(const rvpack_q8_convert_params_t* p, const void* x, float* y) {
  for (size_t i = 0, vl; i < p->count; i += vl) {
    vl = __riscv_vsetvl_e32m4(p->count - i);
    const vint32m4_t v = load_centered(x, i, p->input_unsigned, p->input_zero_point, vl);
    __riscv_vse32_v_f32m4(y + i, __riscv_vfmul_vf_f32m4(__riscv_vfcvt_f_x_v_f32m4(v, vl), p->scale, vl), vl);
  }
}

void rvpack_q8_requantize__rvv(const rvpack_q8_convert_params_t* p, const void* x, void* y) {
  for (size_t i = 0, vl; i < p->count; i += vl) {
    vl = __riscv_vsetvl_e32m4(p->count - i);
    const vint32m4_t v = load_centered(x, i, p->input_unsigned, p->input_zero_point, vl);
    vint32m4_t r;
    if (p->onnx) {
      const vfloat32m4_t real = __riscv_vfmul_vf_f32m4(__riscv_vfcvt_f_x_v_f32m4(v, vl), p->input_scale, vl);
      r = __riscv_vfcvt_x_f_v_i32m4_rm(__riscv_vfdiv_vf_f32m4(real, p->scale, vl), __RISCV_FRM_RNE, vl);
    } else {
      r = rescale_q31(v, p->multiplier, p->shift, 0, vl);
    }
    store_q8(y, i, __riscv_vsadd_vx_i32m4(r, p->output_zero_point, vl), p->output_unsigned, vl);
  }
}

/* One tap on one output row as vector steps: strided int8 loads, minus the
 * zero point into int16 (vwsub), times the weight into int32 (vwmacc). */
static void tap_row(int32_t* acc, const int8_t* row, int32_t stride, int32_t n, int32_t weight, int32_t zero_point) {
  for (int32_t i = 0, vl; i < n; i += vl) {
    vl = (int32_t)__riscv_vsetvl_e32m4((size_t)(n - i));
    const vint8m1_t v8 = __riscv_vlse8_v_i8m1(row + (ptrdiff_t)i * stride, stride, (size_t)vl);
    const vint16m2_t centered = __riscv_vwsub_vx_i16m2(v8, (int8_t)zero_point, (size_t)vl);
    const vint32m4_t sum =
        __riscv_vwmacc_vx_i32m4(__riscv_vle32_v_i32m4(acc + i, (size_t)vl), (int16_t)weight, centered, (size_t)vl);
    __riscv_vse32_v_i32m4(acc + i, sum, (size_t)vl);
  }
}

/* Any int8 convolution (depthwise included), in the scalar kernel's order
 * (rvpack_internal_qs8_conv_taps) with vector rows and output stage. */
void rvpack_qs8_conv2d_nchw__rvv_any(const rvpack_qs8_conv2d_params_t* p, const int8_t* input, const int8_t* weights,
                                     const int32_t* bias, int8_t* output, void* scratch) {
  const rvpack_conv2d_params_t* g = &p->geometry;
  const ptrdiff_t in_plane = (ptrdiff_t)g->in_height * g->in_width;
  const ptrdiff_t out_plane = (ptrdiff_t)g->out_height * g->out_width;
  int32_t* acc = (int32_t*)scratch;
  for (int32_t n = 0; n < g->batch; ++n) {
    const int8_t* x = input + (ptrdiff_t)n * g->in_channels * in_plane;
    for (int32_t oc = 0; oc < g->out_channels; ++oc) {
      const int32_t b = bias != NULL ? bias[oc] : 0;
      for (ptrdiff_t i = 0, vl; i < out_plane; i += (ptrdiff_t)vl) {
        vl = __riscv_vsetvl_e32m4((size_t)(out_plane - i));
        __riscv_vse32_v_i32m4(acc + i, __riscv_vmv_v_x_i32m4(b, vl), vl);
      }
      rvpack_internal_qs8_conv_taps(p, x, weights, oc, acc, tap_row);
      int8_t* y = output + ((ptrdiff_t)n * g->out_channels + oc) * out_plane;
      for (ptrdiff_t i = 0, vl; i < out_plane; i += (ptrdiff_t)vl) {
        vl = __riscv_vsetvl_e32m4((size_t)(out_plane - i));
        store_i8(y + i, output_values(&p->out, __riscv_vle32_v_i32m4(acc + i, vl), oc, vl), vl);
      }
    }
  }
}

/* The scalar kernels' broadcast walk with each row as vector steps (strided
 * loads: stride 0 broadcasts); `op` maps the (a, b) int32 vectors to the
 * int32 accumulators of out. */
#define RVPACK_QS8_BROADCAST_RVV(shape_params, a, b, y, out, op)                                           \
  RVPACK_INTERNAL_BROADCAST_ROWS(shape_params, {                                                          \
    for (int64_t i = 0, vl; i < n; i += vl, (y) += vl) {                                                  \
      vl = (int64_t)__riscv_vsetvl_e32m4((size_t)(n - i));                                                \
      const vint32m4_t va = __riscv_vsext_vf4_i32m4(                                                      \
          __riscv_vlse8_v_i8m1((a) + off_a + i * sa, (ptrdiff_t)sa, (size_t)vl), (size_t)vl);             \
      const vint32m4_t vb = __riscv_vsext_vf4_i32m4(                                                      \
          __riscv_vlse8_v_i8m1((b) + off_b + i * sb, (ptrdiff_t)sb, (size_t)vl), (size_t)vl);             \
      store_i8((y), output_values((out), op(va, vb, (size_t)vl), 0, (size_t)vl), (size_t)vl);             \
    }                                                                                                     \
  })

void rvpack_qs8_add__rvv(const rvpack_qs8_add_params_t* p, const int8_t* a, const int8_t* b, int8_t* y) {
#define RVPACK_QS8_ADD_RVV(va, vb, vl)                                                                         \
  __riscv_vadd_vv_i32m4(                                                                                    \
      rescale_q31(__riscv_vsll_vx_i32m4(__riscv_vsub_vx_i32m4(va, p->a_zero_point, vl), (size_t)p->left_shift, vl), \
                  p->a_multiplier, p->a_shift, 0, vl),                                                      \
      rescale_q31(__riscv_vsll_vx_i32m4(__riscv_vsub_vx_i32m4(vb, p->b_zero_point, vl), (size_t)p->left_shift, vl), \
                  p->b_multiplier, p->b_shift, 0, vl),                                                      \
      vl)
  RVPACK_QS8_BROADCAST_RVV(&p->shape, a, b, y, &p->out, RVPACK_QS8_ADD_RVV);
#undef RVPACK_QS8_ADD_RVV
}

void rvpack_qs8_mul__rvv(const rvpack_qs8_mul_params_t* p, const int8_t* a, const int8_t* b, int8_t* y) {
#define RVPACK_QS8_MUL_RVV(va, vb, vl) \
  __riscv_vmul_vv_i32m4(__riscv_vsub_vx_i32m4(va, p->a_zero_point, vl), __riscv_vsub_vx_i32m4(vb, p->b_zero_point, vl), vl)
  RVPACK_QS8_BROADCAST_RVV(&p->shape, a, b, y, &p->out, RVPACK_QS8_MUL_RVV);
#undef RVPACK_QS8_MUL_RVV
}

/* Max of one output pixel's in-image window (the scalar kernel's loop). */
static int32_t window_max(const rvpack_pool2d_params_t* g, const int8_t* in, int32_t oh, int32_t ow) {
  int32_t acc = INT8_MIN;
  for (int32_t kh = 0; kh < g->kernel_height; ++kh) {
    const int32_t ih = oh * g->stride_height - g->pad_top + kh * g->dilation_height;
    if (ih < 0 || ih >= g->in_height) continue;
    for (int32_t kw = 0; kw < g->kernel_width; ++kw) {
      const int32_t iw = ow * g->stride_width - g->pad_left + kw * g->dilation_width;
      if (iw < 0 || iw >= g->in_width) continue;
      const int32_t v = in[(ptrdiff_t)ih * g->in_width + iw];
      acc = v > acc ? v : acc;
    }
  }
  return acc;
}

/* Max pooling vectorised along output rows: the columns whose whole window
 * lies inside the image with strided loads (vlse8) and vmax; the few border
 * columns one at a time. */
void rvpack_qs8_pool2d_nchw__rvv(const rvpack_qs8_pool2d_params_t* p, const int8_t* input, int8_t* output) {
  const rvpack_pool2d_params_t* g = &p->geometry;
  if (g->kind != RVPACK_POOL_MAX) {
    rvpack_qs8_pool2d_nchw__scalar(p, input, output);
    return;
  }
  const int32_t sw = g->stride_width, reach = (g->kernel_width - 1) * g->dilation_width;
  int32_t ow_lo = (g->pad_left + sw - 1) / sw; /* first ow with ow * sw - pad_left >= 0 */
  int32_t ow_hi = g->in_width - 1 - reach + g->pad_left < 0 ? 0 : (g->in_width - 1 - reach + g->pad_left) / sw + 1;
  ow_lo = ow_lo > g->out_width ? g->out_width : ow_lo;
  ow_hi = ow_hi > g->out_width ? g->out_width : ow_hi < ow_lo ? ow_lo : ow_hi;
  const ptrdiff_t in_plane = (ptrdiff_t)g->in_height * g->in_width;
  for (int32_t pl = 0; pl < g->batch * g->channels; ++pl) {
    const int8_t* in = input + pl * in_plane;
    for (int32_t oh = 0; oh < g->out_height; ++oh) {
      int8_t* y = output + ((ptrdiff_t)pl * g->out_height + oh) * g->out_width;
      for (int32_t ow = 0; ow < g->out_width; ow = ow + 1 == ow_lo ? ow_hi : ow + 1) {
        if (ow >= ow_lo && ow < ow_hi) continue; /* (an empty border) */
        const int32_t v = window_max(g, in, oh, ow);
        y[ow] = (int8_t)(v < p->min ? p->min : v > p->max ? p->max : v);
      }
      for (int32_t ow = ow_lo, n = ow_hi - ow_lo; n > 0;) {
        const size_t vl = __riscv_vsetvl_e8m2((size_t)n);
        vint8m2_t acc = __riscv_vmv_v_x_i8m2(INT8_MIN, vl);
        for (int32_t kh = 0; kh < g->kernel_height; ++kh) {
          const int32_t ih = oh * g->stride_height - g->pad_top + kh * g->dilation_height;
          if (ih < 0 || ih >= g->in_height) continue;
          const int8_t* row = in + (ptrdiff_t)ih * g->in_width + (ptrdiff_t)ow * sw - g->pad_left;
          for (int32_t kw = 0; kw < g->kernel_width; ++kw) {
            acc = __riscv_vmax_vv_i8m2(acc, __riscv_vlse8_v_i8m2(row + kw * g->dilation_width, sw, vl), vl);
          }
        }
        acc = __riscv_vmin_vx_i8m2(__riscv_vmax_vx_i8m2(acc, (int8_t)p->min, vl), (int8_t)p->max, vl);
        __riscv_vse8_v_i8m2(y + ow, acc, vl);
        ow += (int32_t)vl;
        n -= (int32_t)vl;
      }
    }
  }
}
