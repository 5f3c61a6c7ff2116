/* int8 elementwise conversions and max pooling on RISC-V Vector 1.0: twins
 * of runtime/src/qs8.c's scalar kernels, same contract, equal bit for bit.
 * Cases these do not vectorise (TFLite's fixed-point requantize, average
 * pooling, whose roundings have no single vector instruction) call the
 * scalar kernel. */
#include <riscv_vector.h>
#include <stddef.h>
#include <stdint.h>

#include "rvpack/kernels_qs8.h"
#include "rvpack/kernels_rvv.h"

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
  if (!p->onnx) { /* TFLite's fixed-point rescale rounds half away from zero twice */
    rvpack_q8_requantize__scalar(p, x, y);
    return;
  }
  for (size_t i = 0, vl; i < p->count; i += vl) {
    vl = __riscv_vsetvl_e32m4(p->count - i);
    const vint32m4_t v = load_centered(x, i, p->input_unsigned, p->input_zero_point, vl);
    const vfloat32m4_t real = __riscv_vfmul_vf_f32m4(__riscv_vfcvt_f_x_v_f32m4(v, vl), p->input_scale, vl);
    const vint32m4_t r = __riscv_vfcvt_x_f_v_i32m4_rm(__riscv_vfdiv_vf_f32m4(real, p->scale, vl), __RISCV_FRM_RNE, vl);
    store_q8(y, i, __riscv_vsadd_vx_i32m4(r, p->output_zero_point, vl), p->output_unsigned, vl);
  }
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
