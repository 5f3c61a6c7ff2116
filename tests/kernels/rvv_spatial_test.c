// Operator test of the RVV spatial drivers of runtime/rvv against their
// scalar twins of runtime/src, at the VLEN of the hart it runs on:
//
//   rvv_spatial_test dwconv   rvpack_f32_dwconv2d_nchw__rvv  vs rvpack_f32_conv2d_nchw__scalar
//   rvv_spatial_test pool     rvpack_f32_pool2d_nchw__rvv    vs rvpack_f32_pool2d_nchw__scalar
//   rvv_spatial_test pad      rvpack_f32_pad__rvv            vs rvpack_f32_pad__scalar
//   rvv_spatial_test lrn      rvpack_f32_lrn__rvv            vs rvpack_f32_lrn__scalar (relative error)
//   rvv_spatial_test resize   rvpack_f32_resize__rvv         vs rvpack_f32_resize__scalar
//   rvv_spatial_test deconv   rvpack_f32_conv_transpose2d_nchw__rvv vs its scalar twin
//
// Every output is compared bit for bit. dwconv: 3x3/5x5, stride 1/2, every
// pad_top/pad_left, implied bottom/right padding -1..2 (asymmetric, as
// TFLite SAME), batch 2, 1..9 channels, bias and NULL, acts NONE/RELU/CLAMP
// and LEAKY_RELU (not fused: applied afterwards); small-integer and uniform
// [-1, 1) data (the drivers' fma order is the scalar's), with NaN and
// infinite inputs for NONE and LEAKY_RELU; plus shapes outside the vector
// path (dilation 2, 7x7, stride 3, a grouped conv), which must fall back to
// the scalar kernel. pool: MAX/AVERAGE, kernels 1..5 (non-square too), strides
// 1..3, dilation 1/2, paddings on each side (asymmetric), ceil-mode outputs
// (windows past pad_bottom/pad_right, some entirely outside the image),
// count_include_pad 0/1, global-sized windows, 1..48 planes (both the
// along-the-row and the across-planes vector paths), acts NONE/RELU/CLAMP and
// LEAKY_RELU (applied after the vector loops); small-integer data with -0.0,
// float data, and some cases with NaN and infinities. pad: ranks 1..4,
// CONSTANT/REFLECT/EDGE, begin/end pads 0..3 per dim (negative = cropping for
// CONSTANT), rows from 1 to several vectors long. lrn: sizes 1..7, 1..20
// channels, rows 1..300, uniform [-4, 4) data, alpha/beta/bias as in AlexNet
// and others; prints the largest relative error (the Python test bounds it).
// resize: NEAREST bit-exact, LINEAR within 2 ulp of max|x| (the blend is
// fused differently); random source tables (any column, any order, as up-
// and down-sampling and the coordinate rules produce), rows up to 300.
// deconv: kernels 1..4, strides 1..3, dilation 1/2, pads, output padding,
// groups 1/2, bias and NULL, acts NONE/RELU; small-integer data, bit-exact.
//
// Output: "vlenb B", up to 30 "FAIL ..." lines, "<mode> cases C paths ..." and,
// last, "<mode>: N passed, M failed"; exit status 1 if anything failed.
// Output buffers sit between sentinel margins that must stay untouched; the
// input ends right before an inaccessible page (even cases) or starts right
// after one (odd cases), so reads outside it fault.
#define _DEFAULT_SOURCE
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rvpack/kernels.h"
#include "rvpack/kernels_rvv.h"
#include "rvv_test_util.h"

static struct rvv_test_guarded g_in;

// Output buffers with sentinel margins; returns 1 if `got` equals `want`
// bit for bit and no margin changed (reports the first difference).
static float* new_output(size_t n) { return rvv_test_sentinel_floats(n + 2 * RVV_TEST_MARGIN); }

static int compare_outputs(const float* want, const float* got, size_t n, const char* what) {
  for (size_t i = 0; i < n + 2 * RVV_TEST_MARGIN; i++) {
    if (!rvv_test_same_bits(want[i], got[i])) {
      const long at = (long) i - RVV_TEST_MARGIN;
      if (at < 0 || at >= (long) n) {
        rvv_test_fail("%s: wrote %.9g outside the output (offset %ld of %zu)", what, got[i], at, n);
      } else {
        rvv_test_fail("%s: y[%ld] = %.9g (0x%08x), scalar %.9g (0x%08x)", what, at, got[i],
                      (unsigned) rvv_test_f32_bits(got[i]), want[i], (unsigned) rvv_test_f32_bits(want[i]));
      }
      return 0;
    }
  }
  return 1;
}

static const char* act_name(int32_t kind) {
  switch (kind) {
    case RVPACK_ACT_NONE: return "none";
    case RVPACK_ACT_RELU: return "relu";
    case RVPACK_ACT_CLAMP: return "clamp";
    case RVPACK_ACT_LEAKY_RELU: return "leaky_relu";
    default: return "other";
  }
}

static rvpack_activation_t act_of(int32_t kind) {
  rvpack_activation_t act = {kind, 0.0f, 0.0f};
  if (kind == RVPACK_ACT_CLAMP) {
    act.a = -2.5f;
    act.b = 6.0f;
  } else if (kind == RVPACK_ACT_LEAKY_RELU) {
    act.a = 0.125f;
  }
  return act;
}

// ---------------------------------------------------------------------------
// dwconv

static size_t g_case;

// data: DATA_INT (small integers), DATA_FLOAT (uniform [-1, 1)) or
// DATA_SPECIAL (float with some NaN and infinite inputs).
enum { DATA_INT, DATA_FLOAT, DATA_SPECIAL };

static const char* const kDataNames[] = {"int", "float", "float+nan/inf"};

static int run_dwconv_case(const rvpack_conv2d_params_t* p, int data, int with_bias) {
  const int float_data = data != DATA_INT;
  const size_t in_n = (size_t) p->batch * p->in_channels * p->in_height * p->in_width;
  const size_t out_n = (size_t) p->batch * p->out_channels * p->out_height * p->out_width;
  const size_t w_n = (size_t) p->out_channels * (p->in_channels / p->groups) * p->kernel_height * p->kernel_width;
  float* x = rvv_test_guarded_place(&g_in, in_n * sizeof(float), (int) (g_case % 2));
  float* w = rvv_test_xmalloc(w_n * sizeof(float));
  float* bias = with_bias ? rvv_test_xmalloc((size_t) p->out_channels * sizeof(float)) : NULL;
  for (size_t i = 0; i < in_n; i++) {
    x[i] = float_data ? rvv_test_rand_unit() : (float) rvv_test_rand_range(-4, 4);
    if (data == DATA_SPECIAL && rvv_test_rng_next() % 32 == 0) {
      x[i] = rvv_test_rng_next() % 2 ? NAN : (rvv_test_rng_next() % 2 ? INFINITY : -INFINITY);
    }
  }
  for (size_t i = 0; i < w_n; i++) {
    w[i] = float_data ? rvv_test_rand_unit() : (float) rvv_test_rand_range(-3, 3);
  }
  for (int32_t i = 0; with_bias && i < p->out_channels; i++) {
    bias[i] = float_data ? rvv_test_rand_unit() : (float) rvv_test_rand_range(-8, 8);
  }
  float* want = new_output(out_n);
  float* got = new_output(out_n);
  rvpack_f32_conv2d_nchw__scalar(p, x, w, bias, want + RVV_TEST_MARGIN);
  rvpack_f32_dwconv2d_nchw__rvv(p, x, w, bias, got + RVV_TEST_MARGIN);
  char what[256];
  snprintf(what, sizeof what,
           "dwconv n=%d c=%d in=%dx%d out=%dx%d k=%dx%d s=%dx%d d=%dx%d pad_top=%d pad_left=%d groups=%d bias=%s "
           "act=%s data=%s",
           p->batch, p->in_channels, p->in_height, p->in_width, p->out_height, p->out_width, p->kernel_height,
           p->kernel_width, p->stride_height, p->stride_width, p->dilation_height, p->dilation_width, p->pad_top,
           p->pad_left, p->groups, with_bias ? "yes" : "NULL", act_name(p->act.kind), kDataNames[data]);
  const int ok = compare_outputs(want, got, out_n, what);
  free(w);
  free(bias);
  free(want);
  free(got);
  g_case++;
  return ok;
}

static int run_dwconv_tests(void) {
  size_t fallback = 0, special = 0;
  // LEAKY_RELU: not fused, applied over the output after the microkernels.
  static const int32_t kActs[] = {RVPACK_ACT_NONE, RVPACK_ACT_RELU, RVPACK_ACT_CLAMP, RVPACK_ACT_LEAKY_RELU};
  static const int32_t kExtra[] = {-1, 0, 1, 2};
  size_t turn = 0;
  for (int32_t k = 3; k <= 5; k += 2) {
    for (int32_t s = 1; s <= 2; s++) {
      for (int32_t pt = 0; pt < k; pt++) {
        for (int32_t pl = 0; pl < k; pl++) {
          for (int32_t e = 0; e < 16; e++, turn++) {
            // Output sizes around the vector steps of LMUL 2 (8 / 16 / 32 pixels at VLEN 128 / 256 / 512).
            static const int32_t kWidths[] = {1, 2, 5, 7, 8, 9, 14, 16, 17, 23, 31, 33, 40};
            rvpack_conv2d_params_t p;
            memset(&p, 0, sizeof p);
            p.batch = 2;
            p.in_channels = p.out_channels = p.groups = 1 + (int32_t) (turn % 9);
            p.out_height = 1 + (int32_t) ((turn / 3) % 7);
            p.out_width = kWidths[(turn * 5 + (size_t) e / 4) % RVV_TEST_COUNT(kWidths)];
            p.kernel_height = p.kernel_width = k;
            p.stride_height = p.stride_width = s;
            p.dilation_height = p.dilation_width = 1;
            p.pad_top = pt;
            p.pad_left = pl;
            // Implied bottom/right padding -1..2 each, every pair.
            p.in_height = (p.out_height - 1) * s + k - pt - kExtra[e % 4];
            p.in_width = (p.out_width - 1) * s + k - pl - kExtra[(e + e / 4) % 4];
            if (p.in_height < 1 || p.in_width < 1) {
              continue;
            }
            p.act = act_of(kActs[turn % 4]);
            // NaN sums: RELU/CLAMP (vfmax/vfmin) give the lower bound where
            // the scalar keeps the NaN, so special data only with the others.
            int data = (int) (turn / 4 % 2);
            if (data == DATA_FLOAT && (p.act.kind == RVPACK_ACT_NONE || p.act.kind == RVPACK_ACT_LEAKY_RELU) &&
                turn / 8 % 2 == 0) {
              data = DATA_SPECIAL;
              special++;
            }
            const int with_bias = (int) (turn / 4 % 3 != 0);
            rvv_test_record(run_dwconv_case(&p, data, with_bias));
          }
        }
      }
    }
  }
  // Outside the vector path: the scalar kernel runs (equal by construction;
  // checks the dispatch and that nothing is half-done by the vector code).
  for (int32_t variant = 0; variant < 4; variant++) {
    rvpack_conv2d_params_t p;
    memset(&p, 0, sizeof p);
    p.batch = 2;
    p.in_channels = p.out_channels = p.groups = 4;
    p.in_height = 9;
    p.in_width = 11;
    p.kernel_height = p.kernel_width = 3;
    p.stride_height = p.stride_width = 1;
    p.dilation_height = p.dilation_width = 1;
    p.pad_top = p.pad_left = 1;
    p.act = act_of(RVPACK_ACT_RELU);
    switch (variant) {
      case 0: p.dilation_height = p.dilation_width = 2; break;
      case 1: p.kernel_height = p.kernel_width = 7; p.pad_top = p.pad_left = 3; break;
      case 2: p.stride_height = p.stride_width = 3; break;
      default: p.groups = 2; break;
    }
    const int32_t ext = p.dilation_height * (p.kernel_height - 1) + 1;
    p.out_height = (p.in_height + 2 * p.pad_top - ext) / p.stride_height + 1;
    p.out_width = (p.in_width + 2 * p.pad_left - ext) / p.stride_width + 1;
    fallback++;
    rvv_test_record(run_dwconv_case(&p, variant % 2, 1));
  }
  printf("dwconv cases %zu fallback %zu special %zu\n", rvv_test_passed + rvv_test_failed, fallback, special);
  return rvv_test_summary("dwconv");
}

// ---------------------------------------------------------------------------
// pool

static int run_pool_case(const rvpack_pool2d_params_t* p, int data) {
  const size_t planes = (size_t) p->batch * p->channels;
  const size_t in_n = planes * p->in_height * p->in_width;
  const size_t out_n = planes * p->out_height * p->out_width;
  float* x = rvv_test_guarded_place(&g_in, in_n * sizeof(float), (int) (g_case % 2));
  for (size_t i = 0; i < in_n; i++) {
    if (data == DATA_FLOAT) {
      x[i] = rvv_test_rand_unit();
    } else {
      x[i] = (float) rvv_test_rand_range(-8, 8);
      const uint32_t r = rvv_test_rng_next() % 64;
      if (r == 0) {
        x[i] = -0.0f;  // vs +0.0: MAX keeps the first of equal values
      } else if (data == DATA_SPECIAL && r == 1) {
        x[i] = NAN;
      } else if (data == DATA_SPECIAL && r == 2) {
        x[i] = rvv_test_rng_next() % 2 ? INFINITY : -INFINITY;
      }
    }
  }
  float* want = new_output(out_n);
  float* got = new_output(out_n);
  rvpack_f32_pool2d_nchw__scalar(p, x, want + RVV_TEST_MARGIN);
  rvpack_f32_pool2d_nchw__rvv(p, x, got + RVV_TEST_MARGIN);
  char what[256];
  snprintf(what, sizeof what,
           "pool %s n=%d c=%d in=%dx%d out=%dx%d k=%dx%d s=%dx%d d=%dx%d pads=t%d,l%d,b%d,r%d include_pad=%d "
           "act=%s data=%d",
           p->kind == RVPACK_POOL_MAX ? "max" : "avg", p->batch, p->channels, p->in_height, p->in_width,
           p->out_height, p->out_width, p->kernel_height, p->kernel_width, p->stride_height, p->stride_width,
           p->dilation_height, p->dilation_width, p->pad_top, p->pad_left, p->pad_bottom, p->pad_right,
           p->count_include_pad, act_name(p->act.kind), data);
  const int ok = compare_outputs(want, got, out_n, what);
  free(want);
  free(got);
  g_case++;
  return ok;
}

// Output size along one axis: floor or ceil mode (ONNX: a window may not
// start in the end padding), or one more (every window of the extra output
// outside the image and its declared padding).
static int32_t pool_out(int32_t in, int32_t k, int32_t s, int32_t d, int32_t pa, int32_t pb, int mode) {
  const int32_t ext = d * (k - 1) + 1, span = in + pa + pb - ext;
  if (span < 0) {
    return 0;
  }
  int32_t out = span / s + 1;
  if (mode >= 1 && span % s != 0) {
    out++;
    if ((out - 1) * s >= in + pa) {
      out--;
    }
  }
  return mode == 2 ? out + 1 : out;
}

static int run_pool_tests(void) {
  const size_t vlmax_m4 = 4 * rvv_test_vlenb() / sizeof(float);
  size_t across_planes = 0, global = 0;
  static const int32_t kActs[] = {RVPACK_ACT_NONE, RVPACK_ACT_RELU, RVPACK_ACT_CLAMP, RVPACK_ACT_LEAKY_RELU};
  for (size_t turn = 0; turn < 1800; turn++) {
    rvpack_pool2d_params_t p;
    memset(&p, 0, sizeof p);
    p.kind = turn % 2 ? RVPACK_POOL_AVERAGE : RVPACK_POOL_MAX;
    p.count_include_pad = (int32_t) (turn / 2 % 2);
    p.kernel_height = rvv_test_rand_range(1, 5);
    p.kernel_width = rvv_test_rand_range(1, 5);
    p.stride_height = rvv_test_rand_range(1, 3);
    p.stride_width = rvv_test_rand_range(1, 3);
    p.dilation_height = rvv_test_rng_next() % 4 == 0 ? 2 : 1;
    p.dilation_width = rvv_test_rng_next() % 4 == 0 ? 2 : 1;
    const int32_t ext_h = p.dilation_height * (p.kernel_height - 1) + 1;
    const int32_t ext_w = p.dilation_width * (p.kernel_width - 1) + 1;
    // Paddings below the window extent, each side on its own (asymmetric).
    p.pad_top = rvv_test_rng_next() % 3 == 0 ? 0 : rvv_test_rand_range(0, ext_h - 1);
    p.pad_bottom = rvv_test_rng_next() % 3 == 0 ? 0 : rvv_test_rand_range(0, ext_h - 1);
    p.pad_left = rvv_test_rng_next() % 3 == 0 ? 0 : rvv_test_rand_range(0, ext_w - 1);
    p.pad_right = rvv_test_rng_next() % 3 == 0 ? 0 : rvv_test_rand_range(0, ext_w - 1);
    p.in_height = rvv_test_rand_range(1, 12);
    // Widths: short rows (across-planes path when there are many planes),
    // and rows of several vector steps at VLEN 128.
    p.in_width = turn % 3 == 0 ? rvv_test_rand_range(20, 90) : rvv_test_rand_range(1, 20);
    const int mode = turn % 7 == 0 ? 2 : (int) (turn % 2 + turn / 4) % 2;  // floor / ceil / overhang
    p.out_height = pool_out(p.in_height, p.kernel_height, p.stride_height, p.dilation_height, p.pad_top,
                            p.pad_bottom, mode);
    p.out_width = pool_out(p.in_width, p.kernel_width, p.stride_width, p.dilation_width, p.pad_left, p.pad_right,
                           mode);
    if (p.out_height < 1 || p.out_width < 1) {
      continue;
    }
    p.batch = 1 + (int32_t) (turn / 5 % 2);
    p.channels = turn % 4 == 0 ? rvv_test_rand_range(20, 48) : rvv_test_rand_range(1, 6);
    p.act = act_of(kActs[turn / 3 % 4]);
    const int data = turn % 11 == 0 ? DATA_SPECIAL : turn % 5 == 0 ? DATA_FLOAT : DATA_INT;
    if (2 * (size_t) p.out_width <= vlmax_m4 && p.batch * p.channels > p.out_width) {
      across_planes++;
    }
    rvv_test_record(run_pool_case(&p, data));
  }
  // Global-sized windows (GlobalMaxPool / GlobalAveragePool as a pool), and a
  // window as large as the image with padding.
  for (size_t turn = 0; turn < 48; turn++) {
    rvpack_pool2d_params_t p;
    memset(&p, 0, sizeof p);
    p.kind = turn % 2 ? RVPACK_POOL_AVERAGE : RVPACK_POOL_MAX;
    p.count_include_pad = (int32_t) (turn / 2 % 2);
    p.batch = 1 + (int32_t) (turn % 3 == 0);
    p.channels = (int32_t[]){1, 3, 17, 64}[turn / 4 % 4];
    p.in_height = rvv_test_rand_range(1, 9);
    p.in_width = rvv_test_rand_range(1, 13);
    p.kernel_height = p.in_height;
    p.kernel_width = p.in_width;
    p.stride_height = p.stride_width = 1;
    p.dilation_height = p.dilation_width = 1;
    if (turn % 8 >= 6) {  // padded: a 2x2 output of windows as large as the image
      p.pad_top = p.pad_bottom = p.pad_left = p.pad_right = 1;
      p.out_height = p.out_width = 3;
    } else {
      p.out_height = p.out_width = 1;
    }
    p.act = act_of(kActs[turn % 4]);
    const int data = turn % 5 == 0 ? DATA_FLOAT : DATA_INT;
    global++;
    if (2 * (size_t) p.out_width <= vlmax_m4 && p.batch * p.channels > p.out_width) {
      across_planes++;
    }
    rvv_test_record(run_pool_case(&p, data));
  }
  printf("pool cases %zu global %zu across_planes %zu\n", rvv_test_passed + rvv_test_failed, global,
         across_planes);
  return rvv_test_summary("pool");
}

// ---- pad ----------------------------------------------------------------------

static int run_pad_case(const rvpack_pad_params_t* p) {
  size_t in_n = 1, out_n = 1;
  for (int32_t d = 0; d < p->rank; d++) {
    in_n *= (size_t) p->in_shape[d];
    out_n *= (size_t) p->out_shape[d];
  }
  float* x = rvv_test_guarded_place(&g_in, in_n * sizeof(float), (int) (g_case % 2));
  for (size_t i = 0; i < in_n; i++) x[i] = (float) rvv_test_rand_range(-100, 100);
  float* want = new_output(out_n);
  float* got = new_output(out_n);
  rvpack_f32_pad__scalar(p, x, want + RVV_TEST_MARGIN);
  rvpack_f32_pad__rvv(p, x, got + RVV_TEST_MARGIN);
  char what[256];
  int at = snprintf(what, sizeof what, "pad mode=%d value=%g shape", p->mode, p->value);
  for (int32_t d = 0; d < p->rank; d++) {
    at += snprintf(what + at, sizeof what - (size_t) at, " %d->%d(+%d)", p->in_shape[d], p->out_shape[d],
                   p->pad_begin[d]);
  }
  const int ok = compare_outputs(want, got, out_n, what);
  free(want);
  free(got);
  g_case++;
  return ok;
}

static int run_pad_tests(void) {
  for (int turn = 0; turn < 600; turn++) {
    rvpack_pad_params_t p = {0};
    p.rank = rvv_test_rand_range(1, 4);
    p.mode = turn % 3;  // CONSTANT, REFLECT, EDGE
    p.value = (float) rvv_test_rand_range(-5, 5);
    for (int32_t d = 0; d < p.rank; d++) {
      const int last = d == p.rank - 1;
      p.in_shape[d] = last ? rvv_test_rand_range(1, turn % 4 == 0 ? 150 : 20) : rvv_test_rand_range(1, 5);
      // Reflection needs pads below the size; constant pads may also crop.
      const int32_t most = p.mode == RVPACK_PAD_REFLECT ? (p.in_shape[d] - 1 < 3 ? p.in_shape[d] - 1 : 3) : 3;
      const int32_t least = p.mode == RVPACK_PAD_CONSTANT && p.in_shape[d] > 2 ? -1 : 0;
      const int32_t begin = rvv_test_rand_range(least, most), end = rvv_test_rand_range(least, most);
      p.pad_begin[d] = begin;
      p.out_shape[d] = p.in_shape[d] + begin + end;
    }
    rvv_test_record(run_pad_case(&p));
  }
  printf("pad cases %zu\n", rvv_test_passed + rvv_test_failed);
  return rvv_test_summary("pad");
}

// ---- lrn ----------------------------------------------------------------------

static int run_lrn_tests(void) {
  double worst = 0.0;
  for (int turn = 0; turn < 300; turn++) {
    rvpack_lrn_params_t p = {0};
    p.batch = rvv_test_rand_range(1, 2);
    p.channels = rvv_test_rand_range(1, 20);
    p.spatial = turn % 4 == 0 ? rvv_test_rand_range(100, 300) : rvv_test_rand_range(1, 40);
    p.size = rvv_test_rand_range(1, 7);
    p.alpha = turn % 2 ? 1e-4f : 0.5f * (float) rvv_test_rand_range(1, 4);
    p.beta = turn % 3 == 0 ? 0.75f : 0.25f * (float) rvv_test_rand_range(1, 8);
    p.bias = turn % 2 ? 1.0f : 2.0f;
    const size_t n = (size_t) p.batch * p.channels * p.spatial;
    float* x = rvv_test_guarded_place(&g_in, n * sizeof(float), turn % 2);
    for (size_t i = 0; i < n; i++) x[i] = 4.0f * rvv_test_rand_unit();
    float* want = new_output(n);
    float* got = new_output(n);
    rvpack_f32_lrn__scalar(&p, x, want + RVV_TEST_MARGIN);
    rvpack_f32_lrn__rvv(&p, x, got + RVV_TEST_MARGIN);
    int ok = 1;
    for (size_t i = 0; i < n + 2 * RVV_TEST_MARGIN; i++) {
      const int inside = i >= RVV_TEST_MARGIN && i < n + RVV_TEST_MARGIN;
      if (!inside) {
        if (!rvv_test_is_sentinel(got[i]) && ok) {
          ok = 0;
          rvv_test_fail("lrn c=%d spatial=%d size=%d: wrote outside the output", p.channels, p.spatial, p.size);
        }
        continue;
      }
      const double err = fabs((double) got[i] - (double) want[i]) / fmax(fabs((double) want[i]), 1e-30);
      if (err > worst) worst = err;
      if (!(err <= 1e-5) && ok) {  // also catches NaN
        ok = 0;
        rvv_test_fail("lrn c=%d spatial=%d size=%d beta=%g: y[%zu] = %.9g, scalar %.9g", p.channels, p.spatial,
                      p.size, p.beta, i - RVV_TEST_MARGIN, got[i], want[i]);
      }
    }
    free(want);
    free(got);
    rvv_test_record(ok);
  }
  printf("lrn cases %zu max_rel_err %.3g\n", rvv_test_passed + rvv_test_failed, worst);
  return rvv_test_summary("lrn");
}

// ---- resize -------------------------------------------------------------------

static int32_t* random_indices(int32_t n, int32_t limit) {
  int32_t* t = rvv_test_xmalloc((size_t) n * sizeof(int32_t));
  for (int32_t i = 0; i < n; i++) t[i] = rvv_test_rand_range(0, limit - 1);
  return t;
}

static float* random_lambdas(int32_t n) {
  float* t = rvv_test_xmalloc((size_t) n * sizeof(float));
  for (int32_t i = 0; i < n; i++) t[i] = (float) rvv_test_rand_range(0, 64) / 64.0f;
  return t;
}

static int run_resize_tests(void) {
  for (int turn = 0; turn < 400; turn++) {
    rvpack_resize_params_t p = {0};
    p.planes = rvv_test_rand_range(1, 4);
    p.in_height = rvv_test_rand_range(1, 9);
    p.in_width = rvv_test_rand_range(1, turn % 4 == 0 ? 160 : 20);
    p.out_height = rvv_test_rand_range(1, 12);
    p.out_width = rvv_test_rand_range(1, turn % 4 == 0 ? 300 : 40);
    p.mode = turn % 2 ? RVPACK_RESIZE_LINEAR : RVPACK_RESIZE_NEAREST;
    int32_t* y0 = random_indices(p.out_height, p.in_height);
    int32_t* y1 = random_indices(p.out_height, p.in_height);
    int32_t* x0 = random_indices(p.out_width, p.in_width);
    int32_t* x1 = random_indices(p.out_width, p.in_width);
    float* ly = random_lambdas(p.out_height);
    float* lx = random_lambdas(p.out_width);
    p.y0 = y0, p.y1 = y1, p.x0 = x0, p.x1 = x1, p.y_lambda = ly, p.x_lambda = lx;
    const size_t in_n = (size_t) p.planes * p.in_height * p.in_width;
    const size_t out_n = (size_t) p.planes * p.out_height * p.out_width;
    float* x = rvv_test_guarded_place(&g_in, in_n * sizeof(float), turn % 2);
    for (size_t i = 0; i < in_n; i++) x[i] = (float) rvv_test_rand_range(-1000, 1000) / 8.0f;
    float* want = new_output(out_n);
    float* got = new_output(out_n);
    rvpack_f32_resize__scalar(&p, x, want + RVV_TEST_MARGIN);
    rvpack_f32_resize__rvv(&p, x, got + RVV_TEST_MARGIN);
    char what[160];
    snprintf(what, sizeof what, "resize %s planes=%d in=%dx%d out=%dx%d",
             p.mode == RVPACK_RESIZE_LINEAR ? "linear" : "nearest", p.planes, p.in_height, p.in_width,
             p.out_height, p.out_width);
    int ok;
    if (p.mode == RVPACK_RESIZE_NEAREST) {
      ok = compare_outputs(want, got, out_n, what);
    } else {
      ok = 1;
      const double tolerance = 2.0 * 125.0 * 0x1p-23;  // 2 ulp of max|x| = 125
      for (size_t i = 0; i < out_n + 2 * RVV_TEST_MARGIN && ok; i++) {
        const int inside = i >= RVV_TEST_MARGIN && i < out_n + RVV_TEST_MARGIN;
        if (inside ? !(fabs((double) got[i] - (double) want[i]) <= tolerance) : !rvv_test_is_sentinel(got[i])) {
          ok = 0;
          rvv_test_fail("%s: y[%ld] = %.9g, scalar %.9g", what, (long) i - RVV_TEST_MARGIN, got[i], want[i]);
        }
      }
    }
    free(want);
    free(got);
    free(y0), free(y1), free(x0), free(x1), free(ly), free(lx);
    rvv_test_record(ok);
  }
  printf("resize cases %zu\n", rvv_test_passed + rvv_test_failed);
  return rvv_test_summary("resize");
}

// ---- deconv -------------------------------------------------------------------

static int run_deconv_tests(void) {
  for (int turn = 0; turn < 300; turn++) {
    rvpack_conv2d_params_t p = {0};
    p.batch = rvv_test_rand_range(1, 2);
    p.groups = turn % 3 == 0 ? 2 : 1;
    p.in_channels = p.groups * rvv_test_rand_range(1, 3);
    p.out_channels = p.groups * rvv_test_rand_range(1, 3);
    p.in_height = rvv_test_rand_range(1, 6);
    p.in_width = rvv_test_rand_range(1, turn % 4 == 0 ? 70 : 12);
    p.kernel_height = rvv_test_rand_range(1, 4);
    p.kernel_width = rvv_test_rand_range(1, 4);
    p.stride_height = rvv_test_rand_range(1, 3);
    p.stride_width = rvv_test_rand_range(1, 3);
    p.dilation_height = turn % 5 == 0 ? 2 : 1;
    p.dilation_width = turn % 7 == 0 ? 2 : 1;
    p.pad_top = rvv_test_rand_range(0, p.kernel_height - 1);
    p.pad_left = rvv_test_rand_range(0, p.kernel_width - 1);
    const int32_t ext_h = (p.kernel_height - 1) * p.dilation_height + 1;
    const int32_t ext_w = (p.kernel_width - 1) * p.dilation_width + 1;
    // ONNX output size with a random bottom/right pad and output padding.
    p.out_height = (p.in_height - 1) * p.stride_height + ext_h - p.pad_top - rvv_test_rand_range(0, p.pad_top) +
                   rvv_test_rand_range(0, p.stride_height - 1);
    p.out_width = (p.in_width - 1) * p.stride_width + ext_w - p.pad_left - rvv_test_rand_range(0, p.pad_left) +
                  rvv_test_rand_range(0, p.stride_width - 1);
    if (p.out_height < 1) p.out_height = 1;
    if (p.out_width < 1) p.out_width = 1;
    p.act = act_of(turn % 2 ? RVPACK_ACT_RELU : RVPACK_ACT_NONE);
    const size_t in_n = (size_t) p.batch * p.in_channels * p.in_height * p.in_width;
    const size_t w_n = (size_t) p.in_channels * (p.out_channels / p.groups) * p.kernel_height * p.kernel_width;
    const size_t out_n = (size_t) p.batch * p.out_channels * p.out_height * p.out_width;
    float* x = rvv_test_guarded_place(&g_in, in_n * sizeof(float), turn % 2);
    for (size_t i = 0; i < in_n; i++) x[i] = (float) rvv_test_rand_range(-4, 4);
    float* w = rvv_test_xmalloc(w_n * sizeof(float));
    for (size_t i = 0; i < w_n; i++) w[i] = (float) rvv_test_rand_range(-3, 3);
    float* bias = turn % 2 ? rvv_test_xmalloc((size_t) p.out_channels * sizeof(float)) : NULL;
    for (int32_t i = 0; bias != NULL && i < p.out_channels; i++) bias[i] = (float) rvv_test_rand_range(-8, 8);
    float* want = new_output(out_n);
    float* got = new_output(out_n);
    rvpack_f32_conv_transpose2d_nchw__scalar(&p, x, w, bias, want + RVV_TEST_MARGIN);
    rvpack_f32_conv_transpose2d_nchw__rvv(&p, x, w, bias, got + RVV_TEST_MARGIN);
    char what[200];
    snprintf(what, sizeof what, "deconv g=%d ic=%d oc=%d in=%dx%d out=%dx%d k=%dx%d s=%dx%d d=%dx%d pads=%d,%d",
             p.groups, p.in_channels, p.out_channels, p.in_height, p.in_width, p.out_height, p.out_width,
             p.kernel_height, p.kernel_width, p.stride_height, p.stride_width, p.dilation_height,
             p.dilation_width, p.pad_top, p.pad_left);
    rvv_test_record(compare_outputs(want, got, out_n, what));
    free(want);
    free(got);
    free(w);
    free(bias);
  }
  printf("deconv cases %zu\n", rvv_test_passed + rvv_test_failed);
  return rvv_test_summary("deconv");
}

int main(int argc, char** argv) {
  const char* mode = argc == 2 ? argv[1] : "";
  if (strcmp(mode, "dwconv") != 0 && strcmp(mode, "pool") != 0 && strcmp(mode, "pad") != 0 &&
      strcmp(mode, "lrn") != 0 && strcmp(mode, "resize") != 0 && strcmp(mode, "deconv") != 0) {
    fprintf(stderr, "usage: %s dwconv|pool|pad|lrn|resize|deconv\n", argv[0]);
    return 2;
  }
  g_in = rvv_test_guarded_new(1 << 20);
  rvv_test_begin(0x9e3779b9u);
  if (strcmp(mode, "pad") == 0) return run_pad_tests();
  if (strcmp(mode, "lrn") == 0) return run_lrn_tests();
  if (strcmp(mode, "resize") == 0) return run_resize_tests();
  if (strcmp(mode, "deconv") == 0) return run_deconv_tests();
  return strcmp(mode, "dwconv") == 0 ? run_dwconv_tests() : run_pool_tests();
}
