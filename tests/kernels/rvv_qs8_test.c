// The RVV int8 operator kernels of runtime/rvv (qs8_conv2d_rvv.c, q8_rvv.c)
// against their scalar twins in runtime/src/qs8.c, bit-exact, at the VLEN of
// the hart it runs on:
//
//   rvv_qs8_test convert   quantize (ONNX and TFLite rounding, NaN, saturation,
//                          int8 and uint8), dequantize, requantize (both); lengths 1..70, 1000
//   rvv_qs8_test pool      max pooling: kernel 1..4, stride 1..3, dilation 1..2,
//                          paddings 0..2, clamps; the border columns and the interior
//   rvv_qs8_test conv      convolution: 1x1 direct and im2col panels (kernel 1..5, stride,
//                          dilation, padding, groups, panel sizes that split rows),
//                          TFLite (half up) and ONNX (float) requantization
//   rvv_qs8_test anyconv   the vector twin of the scalar conv: depthwise, grouped, dense,
//                          every rounding (away, half up, float), per-tensor and per-channel
//   rvv_qs8_test addmul    ADD and MUL with broadcasting (elementwise, per channel, scalar, rows)
//
// Output protocol: rvv_test_util.h.
#define _DEFAULT_SOURCE
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rvpack/kernels_qs8.h"
#include "rvpack/kernels_rvv.h"
#include "rvv_test_util.h"

#define GUARD 32
#define SENTINEL 0x5a

static int8_t rand_i8(void) { return (int8_t) rvv_test_rand_range(-128, 127); }

static int same_bytes(const void* a, const void* b, size_t n, const char* what) {
  if (memcmp(a, b, n) == 0) return 1;
  for (size_t i = 0; i < n; i++) {
    if (((const uint8_t*) a)[i] != ((const uint8_t*) b)[i]) {
      rvv_test_fail("%s: byte %zu: rvv %d scalar %d", what, i, ((const int8_t*) a)[i], ((const int8_t*) b)[i]);
      break;
    }
  }
  return 0;
}

static void run_convert_tests(void) {
  static const size_t kLengths[] = {1, 2, 7, 16, 33, 64, 70, 1000};
  for (size_t li = 0; li < RVV_TEST_COUNT(kLengths); li++) {
    const size_t n = kLengths[li];
    float* x = rvv_test_xmalloc(n * sizeof(float));
    int8_t* q = rvv_test_xmalloc(n);
    for (size_t i = 0; i < n; i++) {
      const float scale = 0.05f;
      switch (i % 9) {
        case 0: x[i] = (float) rvv_test_rand_range(-300, 300) * 0.5f * scale; break;  // ties
        case 1: x[i] = NAN; break;
        case 2: x[i] = (i % 2 ? 1e9f : -1e9f); break;
        default: x[i] = rvv_test_rand_unit() * 8.0f;
      }
      q[i] = rand_i8();
    }
    for (int onnx = 0; onnx <= 1; onnx++) {
      for (int is_unsigned = 0; is_unsigned <= 1; is_unsigned++) {
        rvpack_q8_convert_params_t p = {n, 0.05f, 3, is_unsigned ? 130 : -7, 0, 0, 0, is_unsigned, onnx, 0.0f};
        uint8_t a[1000 + GUARD], b[1000 + GUARD];
        memset(a, SENTINEL, sizeof a);
        memset(b, SENTINEL, sizeof b);
        rvpack_q8_quantize__rvv(&p, x, a);
        rvpack_q8_quantize__scalar(&p, x, b);
        rvv_test_record(same_bytes(a, b, n + GUARD, onnx ? "quantize onnx" : "quantize tflite"));
        // dequantize and (ONNX) requantize of the int8 data, to int8 and uint8
        rvpack_q8_convert_params_t d = {n, 0.031f, 0, 0, 0, 0, 0, 0, onnx, 0.0f};
        d.input_zero_point = -5;
        float fa[1000], fb[1000];
        rvpack_q8_dequantize__rvv(&d, q, fa);
        rvpack_q8_dequantize__scalar(&d, q, fb);
        rvv_test_record(same_bytes(fa, fb, n * sizeof(float), "dequantize"));
        rvpack_q8_convert_params_t r = {n, 0.047f, -5, is_unsigned ? 128 : 4, 0, 0, 0, is_unsigned, onnx, 0.031f};
        r.multiplier = (int32_t) ((1u << 30) + (rvv_test_rng_next() & 0x3fffffffu));
        r.shift = onnx ? 0 : -rvv_test_rand_range(0, 6);
        memset(a, SENTINEL, sizeof a);
        memset(b, SENTINEL, sizeof b);
        rvpack_q8_requantize__rvv(&r, q, a);
        rvpack_q8_requantize__scalar(&r, q, b);
        rvv_test_record(same_bytes(a, b, n + GUARD, onnx ? "requantize onnx" : "requantize tflite"));
      }
    }
    free(x);
    free(q);
  }
}

static void run_pool_tests(void) {
  for (int c = 0; c < 300; c++) {
    rvpack_qs8_pool2d_params_t p;
    memset(&p, 0, sizeof p);
    rvpack_pool2d_params_t* g = &p.geometry;
    g->batch = 1;
    g->channels = rvv_test_rand_range(1, 3);
    g->in_height = rvv_test_rand_range(1, 12);
    g->in_width = rvv_test_rand_range(1, 70);
    g->kernel_height = rvv_test_rand_range(1, 4);
    g->kernel_width = rvv_test_rand_range(1, 4);
    g->stride_height = rvv_test_rand_range(1, 3);
    g->stride_width = rvv_test_rand_range(1, 3);
    g->dilation_height = rvv_test_rand_range(1, 2);
    g->dilation_width = rvv_test_rand_range(1, 2);
    g->pad_top = rvv_test_rand_range(0, g->kernel_height - 1 < 2 ? g->kernel_height - 1 : 2);
    g->pad_left = rvv_test_rand_range(0, g->kernel_width - 1 < 2 ? g->kernel_width - 1 : 2);
    g->pad_bottom = g->pad_top;
    g->pad_right = g->pad_left;
    const int32_t eh = (g->kernel_height - 1) * g->dilation_height + 1, ew = (g->kernel_width - 1) * g->dilation_width + 1;
    g->out_height = (g->in_height + 2 * g->pad_top - eh) / g->stride_height + 1;
    g->out_width = (g->in_width + 2 * g->pad_left - ew) / g->stride_width + 1;
    if (g->out_height < 1 || g->out_width < 1) continue;
    g->kind = RVPACK_POOL_MAX;
    p.min = c % 3 == 0 ? -20 : -128;
    p.max = c % 4 == 0 ? 50 : 127;
    const size_t in_n = (size_t) g->channels * g->in_height * g->in_width;
    const size_t out_n = (size_t) g->channels * g->out_height * g->out_width;
    int8_t* in = rvv_test_xmalloc(in_n);
    for (size_t i = 0; i < in_n; i++) in[i] = rand_i8();
    int8_t* a = rvv_test_xmalloc(out_n + GUARD);
    int8_t* b = rvv_test_xmalloc(out_n + GUARD);
    memset(a, SENTINEL, out_n + GUARD);
    memset(b, SENTINEL, out_n + GUARD);
    rvpack_qs8_pool2d_nchw__rvv(&p, in, a);
    rvpack_qs8_pool2d_nchw__scalar(&p, in, b);
    char what[160];
    snprintf(what, sizeof what, "maxpool c%d %dx%d k%dx%d s%dx%d d%dx%d p%dx%d", g->channels, g->in_height,
             g->in_width, g->kernel_height, g->kernel_width, g->stride_height, g->stride_width, g->dilation_height,
             g->dilation_width, g->pad_top, g->pad_left);
    rvv_test_record(same_bytes(a, b, out_n + GUARD, what));
    free(in);
    free(a);
    free(b);
  }
}

// Packs the blocks of sdk/targets/rvv/qs8.py (include/rvpack_rvv/qs8_convgemm.h).
static int8_t* pack(size_t mr, size_t oc, size_t groups, size_t k, const int8_t* w, const int32_t* bias, int32_t zx,
                    const int32_t* mult, const int32_t* shift, const float* scale) {
  const size_t ocg = oc / groups, block = rvpack_qs8_convgemm_block_bytes(mr, k);
  const size_t blocks = (ocg + mr - 1) / mr * groups;
  uint8_t* packed = rvv_test_xmalloc(blocks * block);
  memset(packed, 0, blocks * block);
  for (size_t gi = 0; gi < groups; gi++) {
    for (size_t r0 = 0; r0 < ocg; r0 += mr) {
      uint8_t* b = packed + (gi * ((ocg + mr - 1) / mr) + r0 / mr) * block;
      int32_t* words = (int32_t*) b;
      for (size_t i = 0; i < mr && r0 + i < ocg; i++) {
        const size_t o = gi * ocg + r0 + i;
        int64_t sum = 0;
        for (size_t kk = 0; kk < k; kk++) {
          sum += w[o * k + kk];
          ((int8_t*) b)[20 * mr + kk * mr + i] = w[o * k + kk];
        }
        words[i] = (int32_t) (bias[o] - zx * sum);
        words[mr + i] = mult[o];
        words[2 * mr + i] = shift[o] > 0 ? shift[o] : 0;
        words[3 * mr + i] = shift[o] > 0 ? 0 : -shift[o];
        ((float*) b)[4 * mr + i] = scale[o];
      }
    }
  }
  return (int8_t*) packed;
}

static const struct {
  size_t mr, lmul;
  rvpack_qs8_convgemm_minmax_ukernel_fn fn;
} kTiles[] = {
    {4, 4, rvpack_qs8_convgemm_minmax_ukernel_4x4v__rvv},
    {3, 8, rvpack_qs8_convgemm_minmax_ukernel_3x8v__rvv},
    {8, 1, rvpack_qs8_convgemm_minmax_ukernel_8x1v__rvv},
    {7, 4, rvpack_qs8_convgemm_minmax_ukernel_7x4v__rvv},
};

static void run_conv_tests(void) {
  for (int c = 0; c < 120; c++) {
    rvpack_conv2d_params_t g;
    memset(&g, 0, sizeof g);
    g.batch = 1 + (c % 7 == 0);
    g.groups = c % 5 == 0 ? rvv_test_rand_range(2, 3) : 1;
    g.in_channels = g.groups * rvv_test_rand_range(1, 5);
    g.out_channels = g.groups * rvv_test_rand_range(1, 10);
    g.in_height = rvv_test_rand_range(1, 11);
    g.in_width = rvv_test_rand_range(1, 40);
    const int direct = c % 4 == 0;
    g.kernel_height = direct ? 1 : rvv_test_rand_range(1, 5);
    g.kernel_width = direct ? 1 : rvv_test_rand_range(1, 5);
    g.stride_height = direct ? 1 : rvv_test_rand_range(1, 2);
    g.stride_width = direct ? 1 : rvv_test_rand_range(1, 3);
    g.dilation_height = direct ? 1 : rvv_test_rand_range(1, 2);
    g.dilation_width = direct ? 1 : rvv_test_rand_range(1, 2);
    g.pad_top = direct ? 0 : rvv_test_rand_range(0, 2);
    g.pad_left = direct ? 0 : rvv_test_rand_range(0, 2);
    const int32_t eh = (g.kernel_height - 1) * g.dilation_height + 1, ew = (g.kernel_width - 1) * g.dilation_width + 1;
    g.out_height = (g.in_height + 2 * g.pad_top - eh) / g.stride_height + 1;
    g.out_width = (g.in_width + 2 * g.pad_left - ew) / g.stride_width + 1;
    if (g.out_height < 1 || g.out_width < 1) continue;
    const size_t oc = (size_t) g.out_channels, groups = (size_t) g.groups;
    const size_t k = (size_t) (g.in_channels / g.groups) * g.kernel_height * g.kernel_width;
    const size_t pixels = (size_t) g.out_height * g.out_width;
    const size_t in_n = (size_t) g.batch * g.in_channels * g.in_height * g.in_width;
    const size_t out_n = (size_t) g.batch * oc * pixels;
    int8_t* x = rvv_test_xmalloc(in_n);
    for (size_t i = 0; i < in_n; i++) x[i] = rand_i8();
    int8_t* w = rvv_test_xmalloc(oc * k);
    for (size_t i = 0; i < oc * k; i++) w[i] = (int8_t) rvv_test_rand_range(-127, 127);
    int32_t bias[64], mult[64], shift[64];
    float scale[64];
    for (size_t o = 0; o < oc; o++) {
      bias[o] = rvv_test_rand_range(-20000, 20000);
      mult[o] = (int32_t) ((1u << 30) + (rvv_test_rng_next() & 0x3fffffffu));
      shift[o] = o % 4 == 3 ? 1 : -rvv_test_rand_range(5, 12);
      scale[o] = (float) ((double) mult[o] / 2147483648.0 * ldexp(1.0, shift[o]));
    }
    const int32_t zx = rvv_test_rand_range(-128, 127);
    const int rounding = c % 2 ? RVPACK_Q8_ROUND_FLOAT : RVPACK_Q8_ROUND_HALF_UP;
    const int32_t zy = rvv_test_rand_range(-10, 10), lo = c % 3 ? -128 : -60, hi = c % 5 ? 127 : 70;

    rvpack_qs8_conv2d_params_t sp;
    memset(&sp, 0, sizeof sp);
    sp.geometry = g;
    sp.input_zero_point = zx;
    sp.out = (rvpack_qs8_output_t){zy, lo, hi, 1, rounding, mult, shift, scale};
    int8_t* want = rvv_test_xmalloc(out_n + GUARD);
    memset(want, SENTINEL, out_n + GUARD);
    int32_t* acc = rvv_test_xmalloc(pixels * sizeof(int32_t));
    rvpack_qs8_conv2d_nchw__scalar(&sp, x, w, bias, want, acc);

    const size_t t = (size_t) c % RVV_TEST_COUNT(kTiles);
    rvpack_qs8_conv2d_rvv_params_t vp;
    memset(&vp, 0, sizeof vp);
    vp.conv = g;
    vp.input_zero_point = zx;
    vp.out = (struct rvpack_qs8_minmax_params){rounding, zy, lo, hi};
    vp.tile = (rvpack_qs8_convgemm_tile_t){kTiles[t].fn, (int32_t) kTiles[t].mr, (int32_t) kTiles[t].lmul};
    vp.panel_pixels = direct ? 0 : (int32_t) (c % 3 == 0 ? pixels : (size_t) rvv_test_rand_range(1, (int) pixels));
    int8_t* packed = pack(kTiles[t].mr, oc, groups, k, w, bias, zx, mult, shift, scale);
    int8_t* got = rvv_test_xmalloc(out_n + GUARD);
    memset(got, SENTINEL, out_n + GUARD);
    int8_t* panel = rvv_test_xmalloc(k * pixels + 1);
    rvpack_qs8_conv2d_nchw__rvv(&vp, x, packed, got, panel);
    char what[200];
    snprintf(what, sizeof what, "conv n%d g%d c%d->%d %dx%d k%dx%d s%dx%d d%dx%d p%dx%d panel %d tile %zux%zuv %s",
             g.batch, g.groups, g.in_channels, g.out_channels, g.in_height, g.in_width, g.kernel_height,
             g.kernel_width, g.stride_height, g.stride_width, g.dilation_height, g.dilation_width, g.pad_top,
             g.pad_left, vp.panel_pixels, kTiles[t].mr, kTiles[t].lmul, rounding == RVPACK_Q8_ROUND_FLOAT ? "float" : "half_up");
    rvv_test_record(same_bytes(got, want, out_n + GUARD, what));
    free(x);
    free(w);
    free(want);
    free(acc);
    free(packed);
    free(got);
    free(panel);
  }
}

// rvpack_qs8_conv2d_nchw__rvv_any: any geometry (depthwise, grouped, dense), every rounding.
static void run_anyconv_tests(void) {
  for (int c = 0; c < 150; c++) {
    rvpack_conv2d_params_t g;
    memset(&g, 0, sizeof g);
    g.batch = 1 + (c % 9 == 0);
    const int depthwise = c % 3 == 0;
    g.groups = depthwise ? rvv_test_rand_range(1, 12) : (c % 3 == 1 ? rvv_test_rand_range(1, 3) : 1);
    g.in_channels = g.groups * (depthwise ? 1 : rvv_test_rand_range(1, 4));
    g.out_channels = g.groups * (depthwise ? rvv_test_rand_range(1, 2) : rvv_test_rand_range(1, 6));
    g.in_height = rvv_test_rand_range(1, 12);
    g.in_width = rvv_test_rand_range(1, 70);
    g.kernel_height = rvv_test_rand_range(1, 5);
    g.kernel_width = rvv_test_rand_range(1, 5);
    g.stride_height = rvv_test_rand_range(1, 2);
    g.stride_width = rvv_test_rand_range(1, 3);
    g.dilation_height = rvv_test_rand_range(1, 2);
    g.dilation_width = rvv_test_rand_range(1, 2);
    g.pad_top = rvv_test_rand_range(0, 2);
    g.pad_left = rvv_test_rand_range(0, 2);
    const int32_t eh = (g.kernel_height - 1) * g.dilation_height + 1, ew = (g.kernel_width - 1) * g.dilation_width + 1;
    g.out_height = (g.in_height + 2 * g.pad_top - eh) / g.stride_height + 1;
    g.out_width = (g.in_width + 2 * g.pad_left - ew) / g.stride_width + 1;
    if (g.out_height < 1 || g.out_width < 1) continue;
    const size_t oc = (size_t) g.out_channels, k = (size_t) (g.in_channels / g.groups) * g.kernel_height * g.kernel_width;
    const size_t pixels = (size_t) g.out_height * g.out_width;
    const size_t in_n = (size_t) g.batch * g.in_channels * g.in_height * g.in_width, out_n = (size_t) g.batch * oc * pixels;
    int8_t* x = rvv_test_xmalloc(in_n);
    for (size_t i = 0; i < in_n; i++) x[i] = rand_i8();
    int8_t* w = rvv_test_xmalloc(oc * k);
    for (size_t i = 0; i < oc * k; i++) w[i] = (int8_t) (i % 11 == 4 ? 0 : rvv_test_rand_range(-127, 127));
    int32_t bias[64], mult[64], shift[64];
    float scale[64];
    for (size_t o = 0; o < oc; o++) {
      bias[o] = rvv_test_rand_range(-20000, 20000);
      mult[o] = (int32_t) ((1u << 30) + (rvv_test_rng_next() & 0x3fffffffu));
      shift[o] = o % 4 == 3 ? 1 : -rvv_test_rand_range(3, 12);
      scale[o] = (float) ((double) mult[o] / 2147483648.0 * ldexp(1.0, shift[o]));
    }
    const int rounding = c % 3 == 0 ? RVPACK_Q8_ROUND_AWAY : c % 3 == 1 ? RVPACK_Q8_ROUND_HALF_UP : RVPACK_Q8_ROUND_FLOAT;
    rvpack_qs8_conv2d_params_t p;
    memset(&p, 0, sizeof p);
    p.geometry = g;
    p.input_zero_point = rvv_test_rand_range(-128, 127);
    p.out = (rvpack_qs8_output_t){rvv_test_rand_range(-10, 10), c % 4 ? -128 : -50, c % 5 ? 127 : 60, c % 2,
                                  rounding, mult, shift, scale};
    int8_t* want = rvv_test_xmalloc(out_n + GUARD);
    int8_t* got = rvv_test_xmalloc(out_n + GUARD);
    memset(want, SENTINEL, out_n + GUARD);
    memset(got, SENTINEL, out_n + GUARD);
    int32_t* acc = rvv_test_xmalloc(pixels * sizeof(int32_t));
    rvpack_qs8_conv2d_nchw__scalar(&p, x, w, c % 4 ? bias : NULL, want, acc);
    rvpack_qs8_conv2d_nchw__rvv_any(&p, x, w, c % 4 ? bias : NULL, got, acc);
    char what[160];
    snprintf(what, sizeof what, "anyconv g%d c%d->%d %dx%d k%dx%d s%dx%d d%dx%d p%dx%d rounding %d", g.groups,
             g.in_channels, g.out_channels, g.in_height, g.in_width, g.kernel_height, g.kernel_width, g.stride_height,
             g.stride_width, g.dilation_height, g.dilation_width, g.pad_top, g.pad_left, rounding);
    rvv_test_record(same_bytes(got, want, out_n + GUARD, what));
    free(x);
    free(w);
    free(want);
    free(got);
    free(acc);
  }
}

// ADD and MUL with broadcasting (as the code generator describes it: padded to rank 6).
static void run_addmul_tests(void) {
  for (int c = 0; c < 120; c++) {
    rvpack_binary_params_t s;
    memset(&s, 0, sizeof s);
    s.rank = RVPACK_BINARY_MAX_RANK;
    int32_t dims[3] = {rvv_test_rand_range(1, 4), rvv_test_rand_range(1, 5), rvv_test_rand_range(1, 70)};
    const int pattern = c % 4;  // 0 elementwise, 1 b per channel (dim 0), 2 b scalar, 3 a broadcast along rows
    int64_t total = (int64_t) dims[0] * dims[1] * dims[2];
    for (int d = 0; d < RVPACK_BINARY_MAX_RANK; d++) s.shape[d] = 1;
    for (int d = 0; d < 3; d++) s.shape[RVPACK_BINARY_MAX_RANK - 3 + d] = dims[d];
    const int64_t dense[3] = {(int64_t) dims[1] * dims[2], dims[2], 1};
    for (int d = 0; d < 3; d++) {
      s.a_strides[RVPACK_BINARY_MAX_RANK - 3 + d] = pattern == 3 && d == 1 ? 0 : dense[d];
      s.b_strides[RVPACK_BINARY_MAX_RANK - 3 + d] = pattern == 0 ? dense[d] : pattern == 1 ? (d == 0 ? 1 : 0)
                                                                         : pattern == 2 ? 0 : dense[d];
    }
    int8_t* a = rvv_test_xmalloc((size_t) total);
    int8_t* b = rvv_test_xmalloc((size_t) total);
    for (int64_t i = 0; i < total; i++) {
      a[i] = rand_i8();
      b[i] = rand_i8();
    }
    int32_t mult = (int32_t) ((1u << 30) + (rvv_test_rng_next() & 0x3fffffffu)), shift = -rvv_test_rand_range(8, 20);
    const rvpack_qs8_output_t out = {rvv_test_rand_range(-20, 20), c % 3 ? -128 : -40, 127, 0, RVPACK_Q8_ROUND_AWAY,
                                     &mult, &shift, NULL};
    int8_t* want = rvv_test_xmalloc((size_t) total + GUARD);
    int8_t* got = rvv_test_xmalloc((size_t) total + GUARD);
    memset(want, SENTINEL, (size_t) total + GUARD);
    memset(got, SENTINEL, (size_t) total + GUARD);
    if (c % 2) {
      rvpack_qs8_add_params_t p = {s, rvv_test_rand_range(-30, 30), rvv_test_rand_range(-30, 30),
                                   (int32_t) ((1u << 30) + (rvv_test_rng_next() & 0x3fffffffu)), -1,
                                   (int32_t) ((1u << 30) + (rvv_test_rng_next() & 0x3fffffffu)), -2, 20, out};
      p.out.multiplier = &mult;
      shift = -rvv_test_rand_range(18, 24);
      rvpack_qs8_add__scalar(&p, a, b, want);
      rvpack_qs8_add__rvv(&p, a, b, got);
    } else {
      rvpack_qs8_mul_params_t p = {s, rvv_test_rand_range(-30, 30), rvv_test_rand_range(-30, 30), out};
      rvpack_qs8_mul__scalar(&p, a, b, want);
      rvpack_qs8_mul__rvv(&p, a, b, got);
    }
    char what[96];
    snprintf(what, sizeof what, "%s %dx%dx%d pattern %d", c % 2 ? "add" : "mul", dims[0], dims[1], dims[2], pattern);
    rvv_test_record(same_bytes(got, want, (size_t) total + GUARD, what));
    free(a);
    free(b);
    free(want);
    free(got);
  }
}

int main(int argc, char** argv) {
  const char* mode = argc == 2 ? argv[1] : "";
  rvv_test_begin(0x7f4a7c15u);
  if (strcmp(mode, "convert") == 0) {
    run_convert_tests();
  } else if (strcmp(mode, "pool") == 0) {
    run_pool_tests();
  } else if (strcmp(mode, "conv") == 0) {
    run_conv_tests();
  } else if (strcmp(mode, "anyconv") == 0) {
    run_anyconv_tests();
  } else if (strcmp(mode, "addmul") == 0) {
    run_addmul_tests();
  } else {
    fprintf(stderr, "usage: %s convert|pool|conv|anyconv|addmul\n", argv[0]);
    return 2;
  }
  return rvv_test_summary(mode);
}
