// Kernel test of the RVV 1.0 elementwise twins (runtime/rvv/{unary,binary,
// softmax,reduce,copy}_rvv.c) against their scalar oracles (runtime/src), at
// the VLEN of the hart it runs on.
//
//   rvv_elementwise_test unary     every activation kind, n = 0..70, 257, 1000 and
//                                  around 1-3 vectors, out of place and x == y;
//                                  bit-exact except the transcendental kinds
//   rvv_elementwise_test binary    every op x broadcast pattern (elementwise,
//                                  per-channel, scalar, row vs column, strided,
//                                  random rank <= 6), fused acts, y == a / y == b;
//                                  bit-exact (sigmoid act: tolerance); channel affine
//   rvv_elementwise_test softmax   inner == 1 and > 1, Softmax and LogSoftmax,
//                                  in place too; tolerance
//   rvv_elementwise_test reduce    SUM MEAN MAX MIN, inner == 1 and > 1, empty
//                                  reductions; bit-exact on small integers
//   rvv_elementwise_test copy      concat, transpose, slice, negative strides,
//                                  padded outputs, elem_size 1/2/4/8 (and 3/6/12/16);
//                                  byte-exact over the whole output buffer
//   rvv_elementwise_test accuracy  exp, log, sigmoid, tanh (through the unary kernel)
//                                  vs a double-precision reference: 1M+ points each
//                                  plus special values; prints "maxulp NAME E ..."
//
// Output: "vlenb B", mode-specific lines, up to 30 "FAIL ..." lines and, last,
// "<mode>: N passed, M failed"; the exit status is 1 if anything failed.
// Inputs end right before an inaccessible page (reading past them faults);
// outputs have sentinel margins that must stay untouched.
#define _DEFAULT_SOURCE
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rvpack/kernels.h"
#include "rvpack/kernels_rvv.h"
#include "rvv_test_util.h"

// ---------------------------------------------------------------------------
// Buffers: inputs end at a guard page, outputs carry sentinel margins.

static struct rvv_test_guarded g_in_a, g_in_b;

static float* out_new(size_t n) { return rvv_test_sentinel_floats(n + 2 * RVV_TEST_MARGIN) + RVV_TEST_MARGIN; }

static void out_free(float* p) { free(p - RVV_TEST_MARGIN); }

static int margins_ok(const float* p, size_t n) {
  for (size_t i = 0; i < RVV_TEST_MARGIN; i++) {
    if (!rvv_test_is_sentinel(p[-1 - (ptrdiff_t) i]) || !rvv_test_is_sentinel(p[n + i])) {
      return 0;
    }
  }
  return 1;
}

// ---------------------------------------------------------------------------
// Comparisons.

struct tol {
  double ulps;  // < 0: bit-exact (any NaN matches any NaN)
  double abs;
};

static const struct tol kExact = {-1.0, 0.0};

// The f32 ulp at |r| (2^-149 for subnormals).
static double ulp_of(double r) {
  const float f = fabsf((float) r);
  if (f < FLT_MIN) {
    return 0x1p-149;
  }
  int e;
  frexpf(f, &e);
  return ldexp(1.0, e - 24);
}

static int same_value(float got, float want) {
  return rvv_test_f32_bits(got) == rvv_test_f32_bits(want) || (isnan(got) && isnan(want));
}

static int close_enough(float got, float want, struct tol t) {
  if (same_value(got, want)) {
    return 1;
  }
  if (t.ulps < 0.0 || !isfinite(got) || !isfinite(want)) {
    return 0;
  }
  const double d = fabs((double) got - (double) want);
  return d <= t.abs || d <= t.ulps * ulp_of(want);
}

// Returns 1 if got[0..n) matches want within t and the margins of got are intact.
static int check_out(const char* what, const float* got, const float* want, size_t n, struct tol t) {
  for (size_t i = 0; i < n; i++) {
    if (!close_enough(got[i], want[i], t)) {
      rvv_test_fail("%s: y[%zu] = %a (%g), expected %a (%g)", what, i, got[i], got[i], want[i], want[i]);
      return 0;
    }
  }
  if (!margins_ok(got, n)) {
    rvv_test_fail("%s: wrote outside the output", what);
    return 0;
  }
  return 1;
}

// ---------------------------------------------------------------------------
// Data.

static const float kSpecials[] = {0.0f, -0.0f, INFINITY, -INFINITY, NAN, 0x1p-140f, -0x1p-140f, FLT_MAX, -FLT_MAX,
                                  1e-30f, -1e-30f, 88.75f, -104.5f, 0.5f, -0.5f, 1.0f, -1.0f};
#define NSPECIALS RVV_TEST_COUNT(kSpecials)

// A mix: 2% special values, small integers and halves, uniform [-range, range),
// and +-2^[-30, 30].
static float mixed_value(float range) {
  const int r = rvv_test_rand_range(0, 99);
  if (r < 2) {
    return kSpecials[rvv_test_rng_next() % NSPECIALS];
  }
  if (r < 30) {
    return rvv_test_rand_int(-16, 16) * 0.5f;
  }
  if (r < 60) {
    return rvv_test_rand_unit() * range;
  }
  const float m = ldexpf(1.0f + 0.5f * (rvv_test_rand_unit() + 1.0f), rvv_test_rand_range(-30, 30));
  return (rvv_test_rng_next() & 1) ? -m : m;
}

// Lengths: 0..70, 257, 1000 and around 1, 2, 3 vectors of LMUL 4 and 8.
static size_t g_lengths[128];
static size_t g_nlengths;

static void init_lengths(void) {
  for (size_t n = 0; n <= 70; n++) {
    g_lengths[g_nlengths++] = n;
  }
  g_lengths[g_nlengths++] = 257;
  g_lengths[g_nlengths++] = 1000;
  const size_t m4 = rvv_test_vlenb();  // f32 lanes at LMUL 4
  for (size_t k = 1; k <= 3; k++) {
    const size_t around[] = {k * m4 - 1, k * m4, k * m4 + 1, 2 * k * m4 - 1, 2 * k * m4 + 1};
    for (size_t i = 0; i < RVV_TEST_COUNT(around); i++) {
      if (around[i] > 70 && around[i] != 257 && around[i] != 1000) {
        g_lengths[g_nlengths++] = around[i];
      }
    }
  }
}

// ---------------------------------------------------------------------------
// unary

static const char* const kActNames[] = {"NONE", "RELU", "CLAMP", "LEAKY_RELU", "SIGMOID", "TANH", "HARD_SIGMOID",
                                        "HARD_SWISH", "EXP", "LOG", "SQRT", "NEG", "ABS", "RECIPROCAL", "ELU",
                                        "SOFTPLUS", "ERF", "FLOOR", "CEIL"};

static const char* act_name(int32_t kind) {
  return kind >= 0 && kind < (int32_t) RVV_TEST_COUNT(kActNames) ? kActNames[kind] : "UNKNOWN";
}

static struct tol act_tol(const rvpack_activation_t* act) {
  switch (act->kind) {
    case RVPACK_ACT_EXP:
    case RVPACK_ACT_LOG:
      return (struct tol){3.0, 0.0};
    case RVPACK_ACT_TANH:
      return (struct tol){4.0, 0.0};
    case RVPACK_ACT_SIGMOID:  // the scalar 1 / (1 + expf(-x)) is 0 below -88.7, ours subnormal
      return (struct tol){4.0, 0x1p-126};
    case RVPACK_ACT_ELU:  // a * (exp(x) - 1) cancels near 0 in both
      return (struct tol){4.0, fabs(act->a) * 0x1p-21};
    case RVPACK_ACT_SOFTPLUS:  // log(1 + e) rounds 1 + e in both
      return (struct tol){4.0, 0x1p-21};
    default:
      return kExact;
  }
}

static const rvpack_activation_t kUnaryActs[] = {
    {RVPACK_ACT_NONE, 0, 0},          {RVPACK_ACT_RELU, 0, 0},          {RVPACK_ACT_CLAMP, -1.5f, 2.25f},
    {RVPACK_ACT_CLAMP, 0.0f, 6.0f},   {RVPACK_ACT_CLAMP, 3.0f, 1.0f},   {RVPACK_ACT_LEAKY_RELU, 0.1f, 0},
    {RVPACK_ACT_LEAKY_RELU, -2.0f, 0}, {RVPACK_ACT_SIGMOID, 0, 0},      {RVPACK_ACT_TANH, 0, 0},
    {RVPACK_ACT_HARD_SIGMOID, 0.2f, 0.5f}, {RVPACK_ACT_HARD_SIGMOID, 1.0f / 6.0f, 0.5f},
    {RVPACK_ACT_HARD_SWISH, 0, 0},    {RVPACK_ACT_EXP, 0, 0},           {RVPACK_ACT_LOG, 0, 0},
    {RVPACK_ACT_SQRT, 0, 0},          {RVPACK_ACT_NEG, 0, 0},           {RVPACK_ACT_ABS, 0, 0},
    {RVPACK_ACT_RECIPROCAL, 0, 0},    {RVPACK_ACT_ELU, 1.0f, 0},        {RVPACK_ACT_ELU, 0.7f, 0},
    {RVPACK_ACT_SOFTPLUS, 0, 0},      {RVPACK_ACT_ERF, 0, 0},           {RVPACK_ACT_FLOOR, 0, 0},
    {RVPACK_ACT_CEIL, 0, 0},          {99, 0, 0},
};
#define NUNARY_ACTS RVV_TEST_COUNT(kUnaryActs)

static void run_unary_case(const rvpack_activation_t* act, size_t n) {
  const float range = act->kind == RVPACK_ACT_EXP || act->kind == RVPACK_ACT_ELU ? 100.0f : 12.0f;
  float* x = rvv_test_guarded_tail(&g_in_a, n * sizeof(float));
  for (size_t i = 0; i < n; i++) {
    x[i] = mixed_value(range);
  }
  float* want = rvv_test_xmalloc(n * sizeof(float));
  rvpack_f32_unary__scalar(n, x, want, act);
  char what[96];
  snprintf(what, sizeof what, "unary %s(%g, %g) n=%zu", act_name(act->kind), act->a, act->b, n);
  const struct tol t = act_tol(act);

  float* y = out_new(n);
  rvpack_f32_unary__rvv(n, x, y, act);
  rvv_test_record(check_out(what, y, want, n, t));

  // In place: x == y.
  memcpy(y, x, n * sizeof(float));
  rvpack_f32_unary__rvv(n, y, y, act);
  strncat(what, " in place", sizeof what - strlen(what) - 1);
  rvv_test_record(check_out(what, y, want, n, t));
  out_free(y);
  free(want);
}

static void run_unary_tests(void) {
  for (size_t ai = 0; ai < NUNARY_ACTS; ai++) {
    for (size_t li = 0; li < g_nlengths; li++) {
      run_unary_case(&kUnaryActs[ai], g_lengths[li]);
    }
  }
}

// ---------------------------------------------------------------------------
// binary + channel affine

static const char* const kBinaryNames[] = {"ADD", "SUB", "MUL", "DIV", "MAX", "MIN", "POW", "PRELU"};

static const rvpack_activation_t kBinaryActs[] = {
    {RVPACK_ACT_NONE, 0, 0}, {RVPACK_ACT_RELU, 0, 0}, {RVPACK_ACT_CLAMP, -2.0f, 3.0f}, {RVPACK_ACT_SIGMOID, 0, 0}};
#define NBINARY_ACTS RVV_TEST_COUNT(kBinaryActs)

// One element past the highest offset any index reaches (strides >= 0).
static size_t extent(int rank, const int32_t* shape, const int64_t* strides) {
  int64_t hi = 0;
  for (int d = 0; d < rank; d++) {
    hi += (int64_t) (shape[d] - 1) * strides[d];
  }
  return (size_t) hi + 1;
}

static size_t volume(int rank, const int32_t* shape) {
  size_t v = 1;
  for (int d = 0; d < rank; d++) {
    v *= (size_t) shape[d];
  }
  return v;
}

// Dense strides of an operand whose dim d is broadcast (stride 0) when bit d
// of bcast is set.
static void operand_strides(int rank, const int32_t* shape, unsigned bcast, int64_t* strides) {
  int64_t s = 1;
  for (int d = rank - 1; d >= 0; d--) {
    if (bcast & (1u << d)) {
      strides[d] = 0;
    } else {
      strides[d] = s;
      s *= shape[d];
    }
  }
}

static void fill_binary_operand(float* v, size_t n, int op, int is_b, int float_data) {
  static const float kBinarySpecials[] = {0.0f, -0.0f, INFINITY, -INFINITY, NAN};
  for (size_t i = 0; i < n; i++) {
    if (rvv_test_rand_range(0, 99) < 3) {  // NaN and signed zeros must behave as in the scalar kernel
      v[i] = kBinarySpecials[rvv_test_rng_next() % 5];
    } else if (op == RVPACK_BINARY_POW) {
      v[i] = is_b ? rvv_test_rand_int(-3, 3) * 0.5f : rvv_test_rand_unit() * 4.0f;
    } else if (float_data) {
      v[i] = rvv_test_rand_unit() * 4.0f;
    } else {
      v[i] = rvv_test_rand_int(-8, 8);  // zeros included: x / 0 and 0 / 0 must match too
    }
  }
}

static const char* shape_str(int rank, const int32_t* shape, const int64_t* sa, const int64_t* sb) {
  static char buf[256];
  size_t k = 0;
  k += (size_t) snprintf(buf + k, sizeof buf - k, "shape [");
  for (int d = 0; d < rank; d++) {
    k += (size_t) snprintf(buf + k, sizeof buf - k, "%s%d", d ? "," : "", shape[d]);
  }
  k += (size_t) snprintf(buf + k, sizeof buf - k, "] a_strides [");
  for (int d = 0; d < rank; d++) {
    k += (size_t) snprintf(buf + k, sizeof buf - k, "%s%lld", d ? "," : "", (long long) sa[d]);
  }
  k += (size_t) snprintf(buf + k, sizeof buf - k, "] b_strides [");
  for (int d = 0; d < rank; d++) {
    k += (size_t) snprintf(buf + k, sizeof buf - k, "%s%lld", d ? "," : "", (long long) sb[d]);
  }
  snprintf(buf + k, sizeof buf - k, "]");
  return buf;
}

static int dense_like_output(int rank, const int32_t* shape, const int64_t* strides) {
  int64_t s = 1;
  for (int d = rank - 1; d >= 0; d--) {
    if (shape[d] != 1 && strides[d] != s) {
      return 0;
    }
    s *= shape[d];
  }
  return 1;
}

// Runs every op on one shape/stride pattern: out of place, and y == a / y == b
// when that operand is laid out like y.
static void run_binary_pattern(int rank, const int32_t* shape, const int64_t* sa, const int64_t* sb) {
  static size_t act_cycle;
  const size_t ny = volume(rank, shape);
  const size_t na = extent(rank, shape, sa), nb = extent(rank, shape, sb);
  for (int op = 0; op <= RVPACK_BINARY_PRELU; op++) {
    rvpack_binary_params_t p;
    memset(&p, 0, sizeof p);
    p.op = op;
    p.rank = rank;
    for (int d = 0; d < rank; d++) {
      p.shape[d] = shape[d];
      p.a_strides[d] = sa[d];
      p.b_strides[d] = sb[d];
    }
    p.act = kBinaryActs[act_cycle++ % NBINARY_ACTS];
    const int float_data = (int) (act_cycle & 1);
    float* a = rvv_test_guarded_tail(&g_in_a, na * sizeof(float));
    float* b = rvv_test_guarded_tail(&g_in_b, nb * sizeof(float));
    fill_binary_operand(a, na, op, 0, float_data);
    fill_binary_operand(b, nb, op, 1, float_data);
    float* want = rvv_test_xmalloc(ny * sizeof(float));
    rvpack_f32_binary__scalar(&p, a, b, want);
    const struct tol t = act_tol(&p.act);
    char what[400];
    snprintf(what, sizeof what, "binary %s act %s %s", kBinaryNames[op], act_name(p.act.kind),
             shape_str(rank, shape, sa, sb));

    float* y = out_new(ny);
    rvpack_f32_binary__rvv(&p, a, b, y);
    rvv_test_record(check_out(what, y, want, ny, t));
    if (dense_like_output(rank, shape, sa)) {  // y == a
      memcpy(y, a, ny * sizeof(float));
      rvpack_f32_binary__rvv(&p, y, b, y);
      strncat(what, " y==a", sizeof what - strlen(what) - 1);
      rvv_test_record(check_out(what, y, want, ny, t));
    }
    if (dense_like_output(rank, shape, sb)) {  // y == b
      memcpy(y, b, ny * sizeof(float));
      rvpack_f32_binary__rvv(&p, a, y, y);
      strncat(what, " y==b", sizeof what - strlen(what) - 1);
      rvv_test_record(check_out(what, y, want, ny, t));
    }
    out_free(y);
    free(want);
  }
}

static void run_broadcast(int rank, const int32_t* shape, unsigned a_bcast, unsigned b_bcast) {
  int64_t sa[RVPACK_BINARY_MAX_RANK], sb[RVPACK_BINARY_MAX_RANK];
  operand_strides(rank, shape, a_bcast, sa);
  operand_strides(rank, shape, b_bcast, sb);
  run_binary_pattern(rank, shape, sa, sb);
}

static void run_affine_case(int32_t batch, int32_t channels, int32_t spatial, const rvpack_activation_t* act) {
  rvpack_channel_affine_params_t p = {batch, channels, spatial, *act};
  const size_t n = (size_t) batch * (size_t) channels * (size_t) spatial;
  float* x = rvv_test_guarded_tail(&g_in_a, n * sizeof(float));
  float* scale = rvv_test_xmalloc((size_t) channels * sizeof(float));
  float* shift = rvv_test_xmalloc((size_t) channels * sizeof(float));
  for (size_t i = 0; i < n; i++) {
    x[i] = rvv_test_rand_unit() * 4.0f;
  }
  for (int32_t c = 0; c < channels; c++) {
    scale[c] = rvv_test_rand_unit() * 2.0f;
    shift[c] = rvv_test_rand_unit();
  }
  float* want = rvv_test_xmalloc(n * sizeof(float));
  rvpack_f32_channel_affine__scalar(&p, x, scale, shift, want);
  char what[128];
  snprintf(what, sizeof what, "channel_affine batch %d channels %d spatial %d act %s", batch, channels, spatial,
           act_name(act->kind));
  const struct tol t = act_tol(act);
  float* y = out_new(n);
  rvpack_f32_channel_affine__rvv(&p, x, scale, shift, y);
  rvv_test_record(check_out(what, y, want, n, t));
  memcpy(y, x, n * sizeof(float));
  rvpack_f32_channel_affine__rvv(&p, y, scale, shift, y);
  strncat(what, " in place", sizeof what - strlen(what) - 1);
  rvv_test_record(check_out(what, y, want, n, t));
  out_free(y);
  free(want);
  free(scale);
  free(shift);
}

static void run_binary_tests(void) {
  // Innermost strides (1,1), (1,0), (0,1) over every length, and a broadcast
  // outer dim in front.
  for (size_t li = 0; li < g_nlengths; li++) {
    const int32_t n = (int32_t) g_lengths[li];
    const int32_t s1[1] = {n};
    run_broadcast(1, s1, 0, 0);
    run_broadcast(1, s1, 0, 1);
    run_broadcast(1, s1, 1, 0);
    const int32_t s2[2] = {3, n};
    run_broadcast(2, s2, 0, 1);
  }
  // NCHW per-channel (e.g. bias, BatchNorm as Mul + Add) both ways, scalar both ways.
  static const int32_t kChw[][3] = {{3, 4, 5}, {16, 7, 7}, {5, 1, 257}, {2, 33, 1}, {1, 1, 1}, {7, 3, 50}};
  for (size_t i = 0; i < RVV_TEST_COUNT(kChw); i++) {
    const int32_t s[4] = {2, kChw[i][0], kChw[i][1], kChw[i][2]};
    run_broadcast(4, s, 0, 0xdu);  // b [1, C, 1, 1]
    run_broadcast(4, s, 0xdu, 0);  // a [1, C, 1, 1]
    run_broadcast(4, s, 0, 0xfu);  // b scalar
    run_broadcast(4, s, 0xfu, 0);  // a scalar
    run_broadcast(4, s, 0x1u, 0x1u);  // batch broadcast on both: [1, C, H, W] op [1, C, H, W] into [2, ...]
  }
  // Row vs column (outer product) both ways, and both broadcast innermost.
  static const int32_t kRc[][2] = {{1, 5}, {3, 1}, {7, 33}, {4, 257}, {65, 3}, {2, 1000}};
  for (size_t i = 0; i < RVV_TEST_COUNT(kRc); i++) {
    run_broadcast(2, kRc[i], 0x2u, 0x1u);  // a [N, 1], b [1, M]
    run_broadcast(2, kRc[i], 0x1u, 0x2u);  // a [1, M], b [N, 1]
    run_broadcast(2, kRc[i], 0x2u, 0x2u);  // innermost (0, 0)
  }
  // Innermost strides > 1: a is a transposed view, then b too.
  static const int32_t kT[][2] = {{5, 7}, {33, 9}, {3, 100}};
  for (size_t i = 0; i < RVV_TEST_COUNT(kT); i++) {
    const int32_t m = kT[i][0], n = kT[i][1];
    const int32_t s[2] = {m, n};
    const int64_t at[2] = {1, m}, dense[2] = {n, 1}, bcol[2] = {2, 0}, bt[2] = {1, 2 * m};
    run_binary_pattern(2, s, at, dense);
    run_binary_pattern(2, s, dense, at);
    run_binary_pattern(2, s, at, bcol);
    run_binary_pattern(2, s, at, bt);
  }
  // Random shapes of rank 1..6 with random broadcasting per operand.
  for (int c = 0; c < 300; c++) {
    const int rank = rvv_test_rand_range(1, RVPACK_BINARY_MAX_RANK);
    int32_t s[RVPACK_BINARY_MAX_RANK];
    unsigned ab = 0, bb = 0;
    for (int d = 0; d < rank; d++) {
      s[d] = rvv_test_rand_range(1, rank <= 3 ? 9 : 5);
      const int r = rvv_test_rand_range(0, 9);
      if (r < 2) {
        ab |= 1u << d;
      } else if (r < 4) {
        bb |= 1u << d;
      }
    }
    run_broadcast(rank, s, ab, bb);
  }
  // Channel affine.
  static const rvpack_activation_t kAffineActs[] = {{RVPACK_ACT_NONE, 0, 0},
                                                    {RVPACK_ACT_RELU, 0, 0},
                                                    {RVPACK_ACT_CLAMP, 0.0f, 6.0f},
                                                    {RVPACK_ACT_HARD_SWISH, 0, 0},
                                                    {RVPACK_ACT_TANH, 0, 0}};
  static const int32_t kSpatial[] = {1, 2, 7, 64, 257};
  for (size_t ai = 0; ai < RVV_TEST_COUNT(kAffineActs); ai++) {
    for (size_t si = 0; si < RVV_TEST_COUNT(kSpatial); si++) {
      for (int32_t batch = 1; batch <= 2; batch++) {
        for (int32_t channels = 1; channels <= 70; channels += 23) {
          run_affine_case(batch, channels, kSpatial[si], &kAffineActs[ai]);
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------
// softmax

static void run_softmax_case(int32_t outer, int32_t axis, int32_t inner, int log, int data) {
  rvpack_softmax_params_t p = {outer, axis, inner, log};
  const size_t n = (size_t) outer * (size_t) axis * (size_t) inner;
  float* x = rvv_test_guarded_tail(&g_in_a, n * sizeof(float));
  float maxabs = 0.0f;
  for (size_t i = 0; i < n; i++) {
    x[i] = data == 0 ? rvv_test_rand_unit() * 10.0f : rvv_test_rand_unit() * 100.0f;
    if (data == 2 && rvv_test_rand_range(0, 9) == 0) {
      x[i] = -INFINITY;  // masked positions
    }
    maxabs = isfinite(x[i]) && fabsf(x[i]) > maxabs ? fabsf(x[i]) : maxabs;
  }
  float* want = rvv_test_xmalloc(n * sizeof(float));
  rvpack_f32_softmax__scalar(&p, x, want);
  // The scalar loop sums the axis sequentially (error growing with its length),
  // ours lane-wise; exp differs by an ulp or so; LogSoftmax is x - shift, an
  // absolute error of a few ulps of the largest |x|.
  const struct tol t = log ? (struct tol){4.0, 4e-6 * (1.0 + maxabs)} : (struct tol){8.0 + axis / 16.0, 1e-37};
  char what[128];
  snprintf(what, sizeof what, "%s outer %d axis %d inner %d data %d", log ? "log_softmax" : "softmax", outer, axis,
           inner, data);
  float* y = out_new(n);
  rvpack_f32_softmax__rvv(&p, x, y);
  rvv_test_record(check_out(what, y, want, n, t));
  memcpy(y, x, n * sizeof(float));
  rvpack_f32_softmax__rvv(&p, y, y);
  strncat(what, " in place", sizeof what - strlen(what) - 1);
  rvv_test_record(check_out(what, y, want, n, t));
  out_free(y);
  free(want);
}

static void run_softmax_tests(void) {
  static const int32_t kInner[] = {1, 2, 3, 5, 17, 65};
  for (int log = 0; log <= 1; log++) {
    for (size_t ii = 0; ii < RVV_TEST_COUNT(kInner); ii++) {
      for (size_t li = 1; li < g_nlengths; li++) {
        const int32_t axis = (int32_t) g_lengths[li];
        if (kInner[ii] > 3 && axis > 70 && axis != 257) {
          continue;  // keep the run short
        }
        run_softmax_case(1 + (int32_t) (li % 3), axis, kInner[ii], log, (int) (li % 3));
      }
    }
    run_softmax_case(2, 0, 1, log, 0);  // empty axis: nothing written
    run_softmax_case(2, 1000, 65, log, 0);
  }
}

// ---------------------------------------------------------------------------
// reduce

static const char* const kReduceNames[] = {"SUM", "MEAN", "MAX", "MIN"};

static void run_reduce_case(int32_t kind, int32_t outer, int32_t reduce, int32_t inner, int float_data) {
  rvpack_reduce_params_t p = {outer, reduce, inner, kind};
  const size_t n = (size_t) outer * (size_t) (reduce > 0 ? reduce : 0) * (size_t) inner;
  const size_t ny = (size_t) outer * (size_t) inner;
  float* x = rvv_test_guarded_tail(&g_in_a, n * sizeof(float));
  for (size_t i = 0; i < n; i++) {
    x[i] = float_data ? rvv_test_rand_unit() * 4.0f : rvv_test_rand_int(-50, 50);
  }
  if (float_data == 2 && n > 0) {
    x[0] = NAN;  // MAX / MIN keep a NaN first element, ignore later NaNs
    x[n - 1] = NAN;
  }
  float* want = rvv_test_xmalloc(ny * sizeof(float));
  rvpack_f32_reduce__scalar(&p, x, want);
  struct tol t = kExact;
  if (float_data && inner == 1 && (kind == RVPACK_REDUCE_SUM || kind == RVPACK_REDUCE_MEAN)) {
    // Different association: |error| <= 2 n eps sum |x| (|x| < 4).
    const double bound = 2.0 * reduce * 0x1p-24 * 4.0 * reduce / (kind == RVPACK_REDUCE_MEAN ? reduce : 1);
    t = (struct tol){0.0, bound};
  }
  char what[128];
  snprintf(what, sizeof what, "reduce %s outer %d reduce %d inner %d data %d", kReduceNames[kind], outer, reduce,
           inner, float_data);
  float* y = out_new(ny);
  rvpack_f32_reduce__rvv(&p, x, y);
  rvv_test_record(check_out(what, y, want, ny, t));
  out_free(y);
  free(want);
}

static void run_reduce_tests(void) {
  static const int32_t kInner[] = {1, 2, 3, 17, 65, 200};
  for (int32_t kind = 0; kind <= RVPACK_REDUCE_MIN; kind++) {
    for (size_t ii = 0; ii < RVV_TEST_COUNT(kInner); ii++) {
      for (size_t li = 0; li < g_nlengths; li++) {
        const int32_t r = (int32_t) g_lengths[li];
        if (kInner[ii] > 3 && r > 70 && r != 257) {
          continue;
        }
        run_reduce_case(kind, 1 + (int32_t) (li % 3), r, kInner[ii], (int) (li % 3));
      }
      run_reduce_case(kind, 2, 4099, kInner[ii] > 3 ? 3 : kInner[ii], 0);
    }
    run_reduce_case(kind, 3, -1, 4, 0);  // reduce <= 0: identity
  }
}

// ---------------------------------------------------------------------------
// copy

static const char* copy_str(const rvpack_copy_params_t* p) {
  static char buf[400];
  size_t k = 0;
  k += (size_t) snprintf(buf + k, sizeof buf - k, "es %d shape [", p->elem_size);
  for (int d = 0; d < p->rank; d++) {
    k += (size_t) snprintf(buf + k, sizeof buf - k, "%s%d", d ? "," : "", p->shape[d]);
  }
  k += (size_t) snprintf(buf + k, sizeof buf - k, "] in [");
  for (int d = 0; d < p->rank; d++) {
    k += (size_t) snprintf(buf + k, sizeof buf - k, "%s%lld", d ? "," : "", (long long) p->in_strides[d]);
  }
  k += (size_t) snprintf(buf + k, sizeof buf - k, "]+%lld out [", (long long) p->in_offset);
  for (int d = 0; d < p->rank; d++) {
    k += (size_t) snprintf(buf + k, sizeof buf - k, "%s%lld", d ? "," : "", (long long) p->out_strides[d]);
  }
  snprintf(buf + k, sizeof buf - k, "]+%lld", (long long) p->out_offset);
  return buf;
}

// Fixes in_offset so the lowest index read is 0 and runs the scalar and the
// vector kernel into two sentinel-filled buffers that must end up equal.
static void run_copy_case(rvpack_copy_params_t* p) {
  int64_t lo = 0, hi = 0, out_hi = 0;
  for (int d = 0; d < p->rank; d++) {
    const int64_t span = (int64_t) (p->shape[d] - 1) * p->in_strides[d];
    if (span < 0) {
      lo += span;
    } else {
      hi += span;
    }
    out_hi += (int64_t) (p->shape[d] - 1) * p->out_strides[d];
  }
  p->in_offset = -lo;
  const size_t es = (size_t) p->elem_size;
  const size_t in_bytes = (size_t) (hi - lo + 1) * es;
  const size_t out_bytes = (size_t) (p->out_offset + out_hi + 1) * es;
  // The tail of the guarded region, rounded so elements stay aligned.
  unsigned char* x = rvv_test_guarded_tail(&g_in_a, (in_bytes + 7) / 8 * 8);
  for (size_t i = 0; i < (in_bytes + 7) / 8 * 8; i++) {
    x[i] = (unsigned char) rvv_test_rng_next();
  }
  const size_t total = out_bytes + 2 * RVV_TEST_MARGIN * 4;
  unsigned char* want = rvv_test_xmalloc(total);
  unsigned char* got = rvv_test_xmalloc(total);
  memset(want, 0xa5, total);
  memset(got, 0xa5, total);
  rvpack_copy_strided(p, x, want + RVV_TEST_MARGIN * 4);
  rvpack_copy_strided__rvv(p, x, got + RVV_TEST_MARGIN * 4);
  int ok = 1;
  for (size_t i = 0; i < total && ok; i++) {
    if (got[i] != want[i]) {
      rvv_test_fail("copy %s: byte %zd of the output is 0x%02x, expected 0x%02x", copy_str(p),
                    (ptrdiff_t) i - RVV_TEST_MARGIN * 4, got[i], want[i]);
      ok = 0;
    }
  }
  for (size_t i = 0; i < RVV_TEST_MARGIN * 4 && ok; i++) {
    if (want[i] != 0xa5 || want[total - 1 - i] != 0xa5) {
      rvv_test_fail("copy %s: the scalar oracle wrote outside the output", copy_str(p));
      ok = 0;
    }
  }
  rvv_test_record(ok);
  free(want);
  free(got);
}

static void copy_init(rvpack_copy_params_t* p, int rank, int32_t es) {
  memset(p, 0, sizeof *p);
  p->rank = rank;
  p->elem_size = es;
}

static void dense(int rank, const int32_t* shape, int64_t* strides) {
  int64_t s = 1;
  for (int d = rank - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d];
  }
}

static const int32_t kElemSizes[] = {1, 2, 4, 8, 3, 6, 12, 16};
#define NELEM_SIZES RVV_TEST_COUNT(kElemSizes)

static void run_copy_tests(void) {
  rvpack_copy_params_t p;
  for (size_t ei = 0; ei < NELEM_SIZES; ei++) {
    const int32_t es = kElemSizes[ei];
    const int common = ei < 4;  // fewer cases for the unusual sizes
    // Dense rows of every length, and reversed rows.
    for (size_t li = 0; li < g_nlengths; li += common ? 1 : 7) {
      const int32_t n = (int32_t) g_lengths[li];
      if (n == 0) {
        continue;
      }
      copy_init(&p, 1, es);
      p.shape[0] = n;
      p.in_strides[0] = 1;
      p.out_strides[0] = 1;
      run_copy_case(&p);
      p.in_strides[0] = -1;
      run_copy_case(&p);
      p.in_strides[0] = 3;  // a slice with step 3
      run_copy_case(&p);
      p.in_strides[0] = 1;
      p.out_strides[0] = 2;  // every other output element: the gaps stay untouched
      run_copy_case(&p);
    }
    // Concat along axis 1 of [outer][total]: one call per input.
    static const int32_t kOuter[] = {1, 2, 5};
    static const int32_t kBlocks[][3] = {{1, 3, 7}, {64, 257, 1}, {1000, 5, 33}};
    for (size_t oi = 0; oi < 3; oi++) {
      for (size_t bi = 0; bi < 3; bi++) {
        const int32_t total = kBlocks[bi][0] + kBlocks[bi][1] + kBlocks[bi][2];
        int64_t at = 0;
        for (int k = 0; k < 3; k++) {
          copy_init(&p, 2, es);
          p.shape[0] = kOuter[oi];
          p.shape[1] = kBlocks[bi][k];
          p.in_strides[0] = kBlocks[bi][k];
          p.in_strides[1] = 1;
          p.out_strides[0] = total;
          p.out_strides[1] = 1;
          p.out_offset = at;
          at += kBlocks[bi][k];
          run_copy_case(&p);
        }
      }
    }
    // NHWC -> NCHW (innermost C = 3: short strided rows) and back.
    {
      static const int32_t kHwc[][3] = {{5, 7, 3}, {16, 16, 4}, {1, 100, 2}};
      for (size_t i = 0; i < 3; i++) {
        const int32_t h = kHwc[i][0], w = kHwc[i][1], c = kHwc[i][2];
        copy_init(&p, 4, es);
        const int32_t nchw[4] = {2, c, h, w};
        memcpy(p.shape, nchw, sizeof nchw);
        dense(4, p.shape, p.out_strides);
        const int64_t in_nchw[4] = {(int64_t) h * w * c, 1, (int64_t) w * c, c};
        memcpy(p.in_strides, in_nchw, sizeof in_nchw);
        run_copy_case(&p);
        const int32_t nhwc[4] = {2, h, w, c};
        memcpy(p.shape, nhwc, sizeof nhwc);
        dense(4, p.shape, p.out_strides);
        const int64_t in_nhwc[4] = {(int64_t) c * h * w, w, 1, (int64_t) h * w};
        memcpy(p.in_strides, in_nhwc, sizeof in_nhwc);
        run_copy_case(&p);
      }
    }
    // Random transposes, slices, reversals, padded outputs, rank 1..8.
    for (int c = 0; c < (common ? 150 : 30); c++) {
      const int rank = rvv_test_rand_range(1, RVPACK_COPY_MAX_RANK);
      copy_init(&p, rank, es);
      int32_t in_shape[RVPACK_COPY_MAX_RANK];
      int64_t in_dense[RVPACK_COPY_MAX_RANK];
      size_t vol = 1;
      for (int d = 0; d < rank; d++) {
        const int32_t cap = vol > 512 ? 1 : (rank <= 3 ? 40 : 6);
        in_shape[d] = rvv_test_rand_range(1, cap);
        vol *= (size_t) in_shape[d];
      }
      dense(rank, in_shape, in_dense);
      int perm[RVPACK_COPY_MAX_RANK];
      for (int d = 0; d < rank; d++) {
        perm[d] = d;
      }
      for (int d = rank - 1; d > 0; d--) {  // Fisher-Yates
        const int j = rvv_test_rand_range(0, d);
        const int t = perm[d];
        perm[d] = perm[j];
        perm[j] = t;
      }
      for (int d = 0; d < rank; d++) {
        // Output dim d reads input dim perm[d]; a slice takes every step-th
        // element (so the output dim is shorter), some dims run backwards.
        const int32_t step = rvv_test_rand_range(0, 3) == 0 ? 2 : 1;
        p.shape[d] = (in_shape[perm[d]] + step - 1) / step;
        p.in_strides[d] = in_dense[perm[d]] * step * (rvv_test_rand_range(0, 4) == 0 ? -1 : 1);
      }
      dense(rank, p.shape, p.out_strides);
      if (rvv_test_rand_range(0, 2) == 0) {  // padded output rows: the gaps stay untouched
        p.out_strides[rank - 1] = rvv_test_rand_range(1, 2);
        for (int k = rank - 2; k >= 0; k--) {
          p.out_strides[k] = p.out_strides[k + 1] * p.shape[k + 1] + rvv_test_rand_range(0, 2);
        }
      }
      p.out_offset = rvv_test_rand_range(0, 3);
      run_copy_case(&p);
    }
  }
  // A size-0 dim: nothing is written.
  copy_init(&p, 2, 4);
  p.shape[0] = 0;
  p.shape[1] = 5;
  p.in_strides[0] = 5;
  p.in_strides[1] = 1;
  p.out_strides[0] = 5;
  p.out_strides[1] = 1;
  run_copy_case(&p);
}

// ---------------------------------------------------------------------------
// accuracy: the vector math through the unary kernel vs double precision.

struct accuracy {
  const char* name;
  int32_t kind;
  double max_ulp;
  float worst_x;
  size_t points;
};

static double ref_value(int32_t kind, double x) {
  switch (kind) {
    case RVPACK_ACT_EXP:
      return exp(x);
    case RVPACK_ACT_LOG:
      return log(x);
    case RVPACK_ACT_SIGMOID:
      return 1.0 / (1.0 + exp(-x));
    default:
      return tanh(x);
  }
}

// Error of got in ulps of the reference; infinite if a special value is wrong.
static double error_ulps(float got, double ref) {
  if (isnan(ref)) {
    return isnan(got) ? 0.0 : INFINITY;
  }
  const float rf = (float) ref;
  if (isinf(rf) || rf == 0.0f) {  // overflow or complete underflow (or exact 0)
    if (got == rf && signbit(got) == signbit(rf)) {
      return 0.0;
    }
    if (rf == 0.0f && isfinite(got)) {  // e.g. a correctly rounded smallest subnormal
      return fabs((double) got - ref) / 0x1p-149;
    }
    return INFINITY;
  }
  if (!isfinite(got)) {
    return INFINITY;
  }
  return fabs((double) got - ref) / ulp_of(ref);
}

static void measure(struct accuracy* acc, const float* x, size_t n) {
  float* y = rvv_test_xmalloc(n * sizeof(float));
  const rvpack_activation_t act = {acc->kind, 0.0f, 0.0f};
  rvpack_f32_unary__rvv(n, x, y, &act);
  for (size_t i = 0; i < n; i++) {
    const double e = error_ulps(y[i], ref_value(acc->kind, (double) x[i]));
    if (!(e <= acc->max_ulp)) {
      acc->max_ulp = e;
      acc->worst_x = x[i];
    }
  }
  acc->points += n;
  free(y);
}

static void sweep(struct accuracy* acc, double lo, double hi, size_t n) {
  float* x = rvv_test_xmalloc(n * sizeof(float));
  for (size_t i = 0; i < n; i++) {
    x[i] = (float) (lo + (hi - lo) * ((double) i + 0.5 * (rvv_test_rand_unit() + 1.0)) / (double) n);
  }
  measure(acc, x, n);
  free(x);
}

// +-2^[-30, 0]: small magnitudes, where relative accuracy is the question.
static void sweep_small(struct accuracy* acc, size_t n) {
  float* x = rvv_test_xmalloc(n * sizeof(float));
  for (size_t i = 0; i < n; i++) {
    const float m = ldexpf(1.0f + 0.5f * (rvv_test_rand_unit() + 1.0f), -1 - (int) (i % 30));
    x[i] = (i & 1) ? -m : m;
  }
  measure(acc, x, n);
  free(x);
}

// Exact expectations for special inputs; counted as one case each.
static void check_special(int32_t kind, float x, float expected) {
  const rvpack_activation_t act = {kind, 0.0f, 0.0f};
  float y;
  rvpack_f32_unary__rvv(1, &x, &y, &act);
  const int ok = same_value(y, expected);
  if (!ok) {
    rvv_test_fail("%s(%a) = %a, expected %a", act_name(kind), x, y, expected);
  }
  rvv_test_record(ok);
}

static void report(struct accuracy* acc) {
  printf("maxulp %s %.4f at %a points %zu\n", acc->name, acc->max_ulp, acc->worst_x, acc->points);
  // The documented bounds (runtime/rvv/vmath_rvv.h) are checked by the pytest
  // wrapper; here only that the error is finite and small.
  rvv_test_record(acc->max_ulp <= 8.0);
}

static void run_accuracy_tests(void) {
  const float tiny = 0x1p-149f, denorm = 0x1p-140f;
  struct accuracy ex = {"exp", RVPACK_ACT_EXP, 0.0, 0.0f, 0};
  sweep(&ex, -104.0, 89.0, 1000000);
  const float exp_edges[] = {0.0f,          -0.0f,         1e-10f,        -1e-10f,       tiny,
                             -tiny,         88.72283f,     88.722832f,    88.7228394f,   -87.33654f,
                             -87.336548f,   -103.27893f,   -103.97207f,   -103.972084f,  -104.0f,
                             0.34657359f,   -0.34657359f,  0.6931472f,    1.0f,          -1.0f};
  measure(&ex, exp_edges, RVV_TEST_COUNT(exp_edges));
  report(&ex);
  check_special(RVPACK_ACT_EXP, 0.0f, 1.0f);
  check_special(RVPACK_ACT_EXP, -0.0f, 1.0f);
  check_special(RVPACK_ACT_EXP, INFINITY, INFINITY);
  check_special(RVPACK_ACT_EXP, -INFINITY, 0.0f);
  check_special(RVPACK_ACT_EXP, NAN, NAN);
  check_special(RVPACK_ACT_EXP, 88.7228394f, INFINITY);
  check_special(RVPACK_ACT_EXP, 89.0f, INFINITY);
  check_special(RVPACK_ACT_EXP, 1000.0f, INFINITY);
  check_special(RVPACK_ACT_EXP, FLT_MAX, INFINITY);
  check_special(RVPACK_ACT_EXP, -104.0f, 0.0f);
  check_special(RVPACK_ACT_EXP, -1000.0f, 0.0f);
  check_special(RVPACK_ACT_EXP, -FLT_MAX, 0.0f);

  struct accuracy lg = {"log", RVPACK_ACT_LOG, 0.0, 0.0f, 0};
  {
    const size_t n = 1000000;
    float* x = rvv_test_xmalloc(n * sizeof(float));
    for (size_t i = 0; i < n; i++) {
      x[i] = rvv_test_f32_from_bits(1u + rvv_test_rng_next() % 0x7f7fffffu);  // positive finite, subnormals too
    }
    measure(&lg, x, n);
    free(x);
  }
  sweep(&lg, 0.5, 2.0, 200000);  // around 1, where log is small
  const float log_edges[] = {1.0f, 0x1.000002p0f, 0x1.fffffep-1f, tiny, denorm, FLT_MIN, FLT_MAX, 2.0f, 0.5f,
                             0x1.6a09e6p-1f, 0x1.6a09e8p-1f, 0x1.6a09e6p0f};
  measure(&lg, log_edges, RVV_TEST_COUNT(log_edges));
  report(&lg);
  check_special(RVPACK_ACT_LOG, 1.0f, 0.0f);
  check_special(RVPACK_ACT_LOG, 0.0f, -INFINITY);
  check_special(RVPACK_ACT_LOG, -0.0f, -INFINITY);
  check_special(RVPACK_ACT_LOG, -1.0f, NAN);
  check_special(RVPACK_ACT_LOG, -tiny, NAN);
  check_special(RVPACK_ACT_LOG, -INFINITY, NAN);
  check_special(RVPACK_ACT_LOG, INFINITY, INFINITY);
  check_special(RVPACK_ACT_LOG, NAN, NAN);

  struct accuracy sg = {"sigmoid", RVPACK_ACT_SIGMOID, 0.0, 0.0f, 0};
  sweep(&sg, -104.0, 104.0, 1000000);
  sweep_small(&sg, 200000);
  const float sig_edges[] = {0.0f, -0.0f, tiny, -tiny, 88.0f, -88.0f, -87.5f, -103.0f, -110.0f, 17.0f, 16.5f};
  measure(&sg, sig_edges, RVV_TEST_COUNT(sig_edges));
  report(&sg);
  check_special(RVPACK_ACT_SIGMOID, 0.0f, 0.5f);
  check_special(RVPACK_ACT_SIGMOID, INFINITY, 1.0f);
  check_special(RVPACK_ACT_SIGMOID, -INFINITY, 0.0f);
  check_special(RVPACK_ACT_SIGMOID, NAN, NAN);
  check_special(RVPACK_ACT_SIGMOID, 1000.0f, 1.0f);
  check_special(RVPACK_ACT_SIGMOID, -1000.0f, 0.0f);

  struct accuracy th = {"tanh", RVPACK_ACT_TANH, 0.0, 0.0f, 0};
  sweep(&th, -10.0, 10.0, 1000000);
  sweep_small(&th, 200000);
  const float tanh_edges[] = {0.0f,  -0.0f, tiny, -tiny, denorm, 1e-20f, 0.625f, 0x1.3ffffep-1f, -0.625f,
                              9.0f,  9.1f,  -9.1f, 20.0f, -20.0f, 0.5f,  1.25f};
  measure(&th, tanh_edges, RVV_TEST_COUNT(tanh_edges));
  report(&th);
  check_special(RVPACK_ACT_TANH, 0.0f, 0.0f);
  check_special(RVPACK_ACT_TANH, -0.0f, -0.0f);
  check_special(RVPACK_ACT_TANH, INFINITY, 1.0f);
  check_special(RVPACK_ACT_TANH, -INFINITY, -1.0f);
  check_special(RVPACK_ACT_TANH, NAN, NAN);
  check_special(RVPACK_ACT_TANH, 1000.0f, 1.0f);
  check_special(RVPACK_ACT_TANH, -1000.0f, -1.0f);
  check_special(RVPACK_ACT_TANH, tiny, tiny);
}

// ---------------------------------------------------------------------------

int main(int argc, char** argv) {
  static const char* const kModes[] = {"unary", "binary", "softmax", "reduce", "copy", "accuracy"};
  const char* mode = argc == 2 ? argv[1] : "";
  size_t m = 0;
  while (m < RVV_TEST_COUNT(kModes) && strcmp(mode, kModes[m]) != 0) {
    m++;
  }
  if (m == RVV_TEST_COUNT(kModes)) {
    fprintf(stderr, "usage: %s unary|binary|softmax|reduce|copy|accuracy\n", argv[0]);
    return 2;
  }
  rvv_test_begin(0x2545f491u);
  g_in_a = rvv_test_guarded_new(16u << 20);
  g_in_b = rvv_test_guarded_new(1u << 20);
  init_lengths();
  switch (m) {
    case 0:
      run_unary_tests();
      break;
    case 1:
      run_binary_tests();
      break;
    case 2:
      run_softmax_tests();
      break;
    case 3:
      run_reduce_tests();
      break;
    case 4:
      run_copy_tests();
      break;
    default:
      run_accuracy_tests();
      break;
  }
  return rvv_test_summary(mode);
}
