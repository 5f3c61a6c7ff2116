/* int8 kernels in TFLite's full-integer arithmetic (rvpack/kernels_qs8.h). */
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "internal.h"
#include "rvpack/kernels_qs8.h"

/* (a * b * 2) >> 32 rounded to nearest (ties away from zero), saturating the
 * one overflowing case INT32_MIN * INT32_MIN (gemmlowp's
 * SaturatingRoundingDoublingHighMul). */
static int32_t doubling_high_mul(int32_t a, int32_t b) {
  if (a == INT32_MIN && b == INT32_MIN) return INT32_MAX;
  const int64_t ab = (int64_t)a * (int64_t)b;
  const int64_t nudge = ab >= 0 ? (1LL << 30) : (1 - (1LL << 30));
  return (int32_t)((ab + nudge) / (1LL << 31)); /* C division truncates toward zero, as gemmlowp's */
}

/* x / 2^exponent rounded half away from zero (gemmlowp's RoundingDivideByPOT). */
static int32_t rounding_divide_by_pot(int32_t x, int32_t exponent) {
  const int32_t mask = (int32_t)((1LL << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

int32_t rvpack_q31_rescale(int32_t x, int32_t multiplier, int32_t shift) {
  const int32_t left = shift > 0 ? shift : 0;
  const int32_t right = shift > 0 ? 0 : -shift;
  /* TFLite multiplies by 2^left in int32 (wrapping is the caller's problem:
   * the code generator keeps |x| * 2^left within int32). */
  return rounding_divide_by_pot(doubling_high_mul((int32_t)((uint32_t)x << left), multiplier), right);
}

int32_t rvpack_q31_rescale_half_up(int32_t x, int32_t multiplier, int32_t shift) {
  const int32_t left = shift > 0 ? shift : 0;
  const int32_t right = shift > 0 ? 0 : -shift;
  const int64_t product = (int64_t)(int32_t)((uint32_t)x << left) * multiplier;
  const int64_t high = (product + (1LL << 30)) >> 31; /* arithmetic shift: floor */
  return right == 0 ? (int32_t)high : (int32_t)((high + (1LL << (right - 1))) >> right);
}

int32_t rvpack_q8_round_even(float x) {
  /* Adding and subtracting 1.5 * 2^23 leaves x rounded to an integer by the
   * float unit's default mode (nearest, ties to even) when |x| < 2^22. */
  const float limit = 32768.0f, magic = 12582912.0f;
  if (!(x > -limit)) return x == x ? -32768 : 0; /* NaN: 0, as cvtps2dq's masked result is not portable */
  if (x > limit) return 32768;
  const float shifted = x + magic; /* (not folded away: no -ffast-math anywhere) */
  return (int32_t)(shifted - magic);
}

static int8_t output_value(const rvpack_qs8_output_t* o, int32_t acc, int32_t channel) {
  const int32_t k = o->per_channel ? channel : 0;
  const int32_t scaled = o->rounding == RVPACK_Q8_ROUND_FLOAT ? rvpack_q8_round_even((float)acc * o->scale[k])
                         : o->rounding == RVPACK_Q8_ROUND_HALF_UP
                             ? rvpack_q31_rescale_half_up(acc, o->multiplier[k], o->shift[k])
                             : rvpack_q31_rescale(acc, o->multiplier[k], o->shift[k]);
  int32_t v = scaled + o->zero_point;
  v = v < o->min ? o->min : v;
  v = v > o->max ? o->max : v;
  return (int8_t)v;
}

void rvpack_internal_qs8_conv_taps(const rvpack_qs8_conv2d_params_t* p, const int8_t* x, const int8_t* weights,
                                   int32_t oc, int32_t* acc, rvpack_internal_tap_row_fn row) {
  const rvpack_conv2d_params_t* g = &p->geometry;
  const int32_t icg = g->in_channels / g->groups, ocg = g->out_channels / g->groups;
  const int32_t kh_n = g->kernel_height, kw_n = g->kernel_width, oh_n = g->out_height, ow_n = g->out_width;
  const ptrdiff_t in_plane = (ptrdiff_t)g->in_height * g->in_width;
  const int32_t ic0 = (oc / ocg) * icg;
  /* One weight at a time over the whole plane: each output row is a run of
   * input values with a fixed stride (no per-tap bounds checks). */
  for (int32_t ic = 0; ic < icg; ++ic) {
    const int8_t* xp = x + (ptrdiff_t)(ic0 + ic) * in_plane;
    const int8_t* wp = weights + ((ptrdiff_t)oc * icg + ic) * kh_n * kw_n;
    for (int32_t kh = 0; kh < kh_n; ++kh) {
      int32_t oh0, oh1;
      rvpack_internal_tap_range(kh * g->dilation_height - g->pad_top, g->stride_height, oh_n, g->in_height, &oh0,
                                &oh1);
      for (int32_t kw = 0; kw < kw_n; ++kw) {
        const int32_t w = wp[kh * kw_n + kw];
        if (w == 0) continue; /* adds nothing (pruned weights) */
        const int32_t iw_off = kw * g->dilation_width - g->pad_left;
        int32_t ow0, ow1;
        rvpack_internal_tap_range(iw_off, g->stride_width, ow_n, g->in_width, &ow0, &ow1);
        for (int32_t oh = oh0; oh < oh1 && ow1 > ow0; ++oh) {
          const int32_t ih = oh * g->stride_height + kh * g->dilation_height - g->pad_top;
          const int8_t* r = xp + (ptrdiff_t)ih * g->in_width + iw_off + (ptrdiff_t)ow0 * g->stride_width;
          row(acc + (ptrdiff_t)oh * ow_n + ow0, r, g->stride_width, ow1 - ow0, w, p->input_zero_point);
        }
      }
    }
  }
}

static void tap_row(int32_t* acc, const int8_t* row, int32_t stride, int32_t n, int32_t weight, int32_t zero_point) {
  for (int32_t i = 0; i < n; ++i) acc[i] += weight * ((int32_t)row[i * stride] - zero_point);
}

void rvpack_qs8_conv2d_nchw__scalar(const rvpack_qs8_conv2d_params_t* p, const int8_t* input,
                                    const int8_t* weights, const int32_t* bias, int8_t* output, void* scratch) {
  const rvpack_conv2d_params_t* g = &p->geometry;
  const ptrdiff_t in_plane = (ptrdiff_t)g->in_height * g->in_width;
  const ptrdiff_t out_plane = (ptrdiff_t)g->out_height * g->out_width;
  int32_t* acc = (int32_t*)scratch; /* one output plane of int32 accumulators */
  for (int32_t n = 0; n < g->batch; ++n) {
    const int8_t* x = input + (ptrdiff_t)n * g->in_channels * in_plane;
    for (int32_t oc = 0; oc < g->out_channels; ++oc) {
      const int32_t b = bias != NULL ? bias[oc] : 0;
      for (ptrdiff_t i = 0; i < out_plane; ++i) acc[i] = b;
      rvpack_internal_qs8_conv_taps(p, x, weights, oc, acc, tap_row);
      int8_t* y = output + ((ptrdiff_t)n * g->out_channels + oc) * out_plane;
      for (ptrdiff_t i = 0; i < out_plane; ++i) y[i] = output_value(&p->out, acc[i], oc);
    }
  }
}

void rvpack_qs8_fully_connected__scalar(const rvpack_qs8_fully_connected_params_t* p, const int8_t* input,
                                        const int8_t* weights, const int32_t* bias, int8_t* output) {
  const int32_t k_n = p->in_features;
  for (int32_t b = 0; b < p->batch; ++b) {
    const int8_t* x = input + (ptrdiff_t)b * k_n;
    for (int32_t n = 0; n < p->out_features; ++n) {
      const int8_t* w = weights + (ptrdiff_t)n * k_n;
      int32_t acc = 0;
      for (int32_t k = 0; k < k_n; ++k) acc += ((int32_t)x[k] - p->input_zero_point) * (int32_t)w[k];
      if (bias != NULL) acc += bias[n];
      *output++ = output_value(&p->out, acc, n);
    }
  }
}

/* y (dense in shape order) = combine(a, b) over two int8 operands broadcast
 * as rvpack_binary_params_t describes. */
#define RVPACK_QS8_BROADCAST(shape_params, a, b, y, combine)                                          \
  RVPACK_INTERNAL_BROADCAST_ROWS(shape_params, {                                                     \
    const int8_t* ar = (a) + off_a;                                                                  \
    const int8_t* br = (b) + off_b;                                                                  \
    for (int64_t i = 0; i < n; ++i) *(y)++ = combine((int32_t)ar[i * sa], (int32_t)br[i * sb]);     \
  })

void rvpack_qs8_add__scalar(const rvpack_qs8_add_params_t* p, const int8_t* a, const int8_t* b, int8_t* y) {
#define RVPACK_QS8_ADD(va, vb)                                                                          \
  output_value(&p->out,                                                                                 \
               rvpack_q31_rescale((int32_t)((uint32_t)((va) - p->a_zero_point) << p->left_shift),       \
                                  p->a_multiplier, p->a_shift) +                                        \
                   rvpack_q31_rescale((int32_t)((uint32_t)((vb) - p->b_zero_point) << p->left_shift),   \
                                      p->b_multiplier, p->b_shift),                                     \
               0)
  RVPACK_QS8_BROADCAST(&p->shape, a, b, y, RVPACK_QS8_ADD);
#undef RVPACK_QS8_ADD
}

void rvpack_qs8_mul__scalar(const rvpack_qs8_mul_params_t* p, const int8_t* a, const int8_t* b, int8_t* y) {
#define RVPACK_QS8_MUL(va, vb) output_value(&p->out, ((va) - p->a_zero_point) * ((vb) - p->b_zero_point), 0)
  RVPACK_QS8_BROADCAST(&p->shape, a, b, y, RVPACK_QS8_MUL);
#undef RVPACK_QS8_MUL
}

void rvpack_qs8_pool2d_nchw__scalar(const rvpack_qs8_pool2d_params_t* p, const int8_t* input, int8_t* output) {
  const rvpack_pool2d_params_t* g = &p->geometry;
  const ptrdiff_t in_plane = (ptrdiff_t)g->in_height * g->in_width;
  const int is_max = g->kind == RVPACK_POOL_MAX;
  for (int32_t pl = 0; pl < g->batch * g->channels; ++pl) {
    const int8_t* in = input + pl * in_plane;
    for (int32_t oh = 0; oh < g->out_height; ++oh) {
      const int32_t ih0 = oh * g->stride_height - g->pad_top;
      int32_t kh0, kh1;
      rvpack_internal_tap_range(ih0, g->dilation_height, g->kernel_height, g->in_height, &kh0, &kh1);
      for (int32_t ow = 0; ow < g->out_width; ++ow) {
        const int32_t iw0 = ow * g->stride_width - g->pad_left;
        int32_t kw0, kw1;
        rvpack_internal_tap_range(iw0, g->dilation_width, g->kernel_width, g->in_width, &kw0, &kw1);
        int32_t acc = is_max ? INT8_MIN : 0;
        for (int32_t kh = kh0; kh < kh1; ++kh) {
          const int8_t* row = in + (ptrdiff_t)(ih0 + kh * g->dilation_height) * g->in_width;
          for (int32_t kw = kw0; kw < kw1; ++kw) {
            const int32_t v = row[iw0 + kw * g->dilation_width];
            acc = is_max ? (v > acc ? v : acc) : acc + v;
          }
        }
        if (!is_max) {
          const int32_t count = (kh1 - kh0) * (kw1 - kw0);
          /* TFLite: round half away from zero; a window wholly outside the image is 0 */
          acc = count == 0 ? 0 : acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
        }
        acc = acc < p->min ? p->min : acc;
        acc = acc > p->max ? p->max : acc;
        *output++ = (int8_t)acc;
      }
    }
  }
}

void rvpack_qs8_mean_hw__scalar(const rvpack_qs8_mean_params_t* p, const int8_t* x, int8_t* y) {
  for (int32_t plane = 0; plane < p->planes; ++plane, x += p->plane_size) {
    int32_t sum = 0; /* |sum| <= 128 * plane_size: the code generator keeps it within int32 */
    for (int32_t i = 0; i < p->plane_size; ++i) sum += x[i];
    int32_t v = rvpack_q31_rescale(sum, p->multiplier, p->shift) + p->bias;
    v = v < -128 ? -128 : v > 127 ? 127 : v;
    y[plane] = (int8_t)v;
  }
}

void rvpack_qs8_softmax__scalar(const rvpack_qs8_softmax_params_t* p, const int8_t* x, const float* table, int8_t* y) {
  for (int32_t r = 0; r < p->rows; ++r, x += p->row_len, y += p->row_len) {
    int32_t max = INT8_MIN;
    for (int32_t j = 0; j < p->row_len; ++j) max = x[j] > max ? x[j] : max;
    const float* e = table + 255 - max; /* e[x] = exp(-scale * beta * (max - x)) */
    float sum = 0.0f;
    for (int32_t j = 0; j < p->row_len; ++j) sum += e[x[j]];
    const float denominator = sum * p->output_scale;
    const float inverse = 1.0f / denominator;
    for (int32_t j = 0; j < p->row_len; ++j) {
      const float scaled = e[x[j]] * inverse; /* (own statement: no fused multiply-add with the rounding) */
      int32_t v = (int32_t)roundf(scaled) + p->output_zero_point;
      v = v < -128 ? -128 : v > 127 ? 127 : v;
      y[j] = (int8_t)v;
    }
  }
}

void rvpack_qs8_lookup__scalar(size_t count, const int8_t* x, const int8_t* table, int8_t* y) {
  for (size_t i = 0; i < count; ++i) y[i] = table[(int32_t)x[i] + 128];
}

static int32_t clamp_q8(int32_t v, int is_unsigned) {
  const int32_t lo = is_unsigned ? 0 : -128, hi = is_unsigned ? 255 : 127;
  return v < lo ? lo : v > hi ? hi : v;
}

static int32_t load_q8(const void* x, size_t i, int is_unsigned) {
  return is_unsigned ? (int32_t)((const uint8_t*)x)[i] : (int32_t)((const int8_t*)x)[i];
}

static void store_q8(void* y, size_t i, int32_t v, int is_unsigned) {
  if (is_unsigned) {
    ((uint8_t*)y)[i] = (uint8_t)v;
  } else {
    ((int8_t*)y)[i] = (int8_t)v;
  }
}

void rvpack_q8_quantize__scalar(const rvpack_q8_convert_params_t* p, const float* x, void* y) {
  if (p->onnx) { /* ONNX: ties to even; NaN to the zero point */
    for (size_t i = 0; i < p->count; ++i) {
      const int32_t v = x[i] == x[i] ? rvpack_q8_round_even(x[i] / p->scale) + p->output_zero_point
                                     : p->output_zero_point;
      store_q8(y, i, clamp_q8(v, p->output_unsigned), p->output_unsigned);
    }
    return;
  }
  for (size_t i = 0; i < p->count; ++i) {
    /* TFLite: round(x / scale), halves away from zero, in float; saturate before the cast */
    float q = roundf(x[i] / p->scale) + (float)p->output_zero_point;
    q = q < -1024.0f ? -1024.0f : q > 1024.0f ? 1024.0f : q; /* NaN stays NaN: */
    const int32_t v = q == q ? (int32_t)q : p->output_zero_point;
    store_q8(y, i, clamp_q8(v, p->output_unsigned), p->output_unsigned);
  }
}

void rvpack_q8_dequantize__scalar(const rvpack_q8_convert_params_t* p, const void* x, float* y) {
  for (size_t i = 0; i < p->count; ++i) {
    y[i] = p->scale * (float)(load_q8(x, i, p->input_unsigned) - p->input_zero_point);
  }
}

void rvpack_q8_requantize__scalar(const rvpack_q8_convert_params_t* p, const void* x, void* y) {
  for (size_t i = 0; i < p->count; ++i) {
    const int32_t v = load_q8(x, i, p->input_unsigned) - p->input_zero_point;
    const int32_t q = p->onnx ? rvpack_q8_round_even((float)v * p->input_scale / p->scale) + p->output_zero_point
                              : rvpack_q31_rescale(v, p->multiplier, p->shift) + p->output_zero_point;
    store_q8(y, i, clamp_q8(q, p->output_unsigned), p->output_unsigned);
  }
}
