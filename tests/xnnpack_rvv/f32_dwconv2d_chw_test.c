// Kernel test of every f32 depthwise CHW convolution microkernel in
// third_party/xnnpack_rvv/src/f32-dwconv2d-chw/f32-dwconv2d-chw.inc against the
// scalar reference, at the VLEN of the hart it runs on (NR = LMUL * VLEN / 32
// output pixels per vector step, from vlenb).
//
//   f32_dwconv2d_chw_test exact [NAME_SUBSTRING]   small-integer data: the reference equals
//                                                  an integer loop, the kernel equals the
//                                                  reference bit for bit
//   f32_dwconv2d_chw_test float [NAME_SUBSTRING]   uniform [-1, 1) data (a fifth of the cases
//                                                  with some NaN and infinite inputs): the kernel
//                                                  equals the reference bit for bit (same fma order)
//
// Output: "vlenb B", one "variant NAME k K s S rows R lmul L nr NR cases C
// failed F" line per kernel, up to 30 "FAIL ..." lines and, last, "<mode>: N
// passed, M failed"; the exit status is 1 if anything failed.
//
// Shapes, per kernel: (a) every output width 1 .. 3 NR + 1 with every
// pad_left and implied right padding -1..2 (a negative one leaves input
// columns unused; float data: half of these at the vector edges, width <= 3
// or k NR - 1 .. k NR + 1, and one of them taking turns elsewhere), heights
// taking turns; (b) every output
// height 1..7 with every pad_top and implied bottom padding -1..2, for a few
// widths. The input size follows from the output size and the padding, so
// odd and even input widths and heights both occur at stride 2. Clamps
// (none, ReLU, ReLU6, clip, NaN bounds = identity) and bias (including 0)
// take turns.
//
// The output plane sits between sentinel margins that must stay untouched.
// The input plane ends right before an inaccessible page (even cases) or
// starts right after one (odd cases), so reading past either end faults; the
// weights end before one.
#define _DEFAULT_SOURCE
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rvpack_rvv/dwconv2d_chw.h"
#include "rvv_test_util.h"

struct variant {
  size_t k, s, rows, lmul;
  const char* name;
  rvpack_f32_dwconv2d_chw_minmax_ukernel_fn fn;
};

#define RVPACK_DWCONV2D_CHW_UKERNEL(k, s, rows, lmul, fn) {k, s, rows, lmul, #fn, fn},
static const struct variant kVariants[] = {
#include "f32-dwconv2d-chw/f32-dwconv2d-chw.inc"
};
#undef RVPACK_DWCONV2D_CHW_UKERNEL
#define NVARIANTS RVV_TEST_COUNT(kVariants)

static const struct rvv_test_clamp kClampsExact[] = {
    {"none", -INFINITY, INFINITY},
    {"relu", 0.0f, INFINITY},
    {"relu6", 0.0f, 6.0f},
    {"clip(-3,5)", -3.0f, 5.0f},
    {"nan-bounds", NAN, NAN},  // no bound at all: NaN sums pass through
};
static const struct rvv_test_clamp kClampsFloat[] = {
    {"none", -INFINITY, INFINITY},
    {"clip(-0.5,0.75)", -0.5f, 0.75f},
    {"nan-bounds", NAN, NAN},
};

#define MAX_HEIGHT 7

static struct rvv_test_guarded g_in, g_w;

struct dw_case {
  const struct variant* v;
  size_t nr;
  size_t oh, ow, pt, pl;
  int pb, pr;  // implied bottom/right padding (negative: unused input rows/columns)
  const struct rvv_test_clamp* clamp;
  int float_data;
  int guard_start;
  int bias_kind;  // 0: zero, 1: random
  int special;    // float data with some NaN and infinite inputs
};

// The case, as FAIL lines name it.
static const char* case_str(const struct dw_case* cs) {
  static char buf[320];
  snprintf(buf, sizeof buf,
           "%s nr=%zu out=%zux%zu pad_top=%zu pad_left=%zu pad_bottom=%d pad_right=%d clamp=%s data=%s", cs->v->name,
           cs->nr, cs->oh, cs->ow, cs->pt, cs->pl, cs->pb, cs->pr, cs->clamp->name,
           cs->special ? "float+nan/inf" : cs->float_data ? "float" : "int");
  return buf;
}

// Input extent for `out` outputs: (out - 1) * s + k - pad_begin - pad_end.
static long in_size(size_t out, size_t k, size_t s, size_t pa, int pb) {
  return (long) ((out - 1) * s + k) - (long) pa - (long) pb;
}

// Returns -1 if the shape does not exist (empty input), else 1 if passed, 0 if failed.
static int run_case(const struct dw_case* cs) {
  const size_t k = cs->v->k, s = cs->v->s;
  const long hl = in_size(cs->oh, k, s, cs->pt, cs->pb), wl = in_size(cs->ow, k, s, cs->pl, cs->pr);
  if (hl < 1 || wl < 1) {
    return -1;
  }
  const size_t h = (size_t) hl, w = (size_t) wl, oh = cs->oh, ow = cs->ow;

  float* input = rvv_test_guarded_place(&g_in, h * w * sizeof(float), cs->guard_start);
  float* weights = rvv_test_guarded_place(&g_w, k * k * sizeof(float), 0);
  int* xi = rvv_test_xmalloc(h * w * sizeof(int));
  int wi[25];
  for (size_t i = 0; i < h * w; i++) {
    xi[i] = rvv_test_rand_range(-4, 4);
    input[i] = cs->float_data ? rvv_test_rand_unit() : (float) xi[i];
    if (cs->special && rvv_test_rng_next() % 32 == 0) {
      input[i] = rvv_test_rng_next() % 2 ? NAN : (rvv_test_rng_next() % 2 ? INFINITY : -INFINITY);
    }
  }
  for (size_t i = 0; i < k * k; i++) {
    wi[i] = rvv_test_rand_range(-4, 4);
    weights[i] = cs->float_data ? rvv_test_rand_unit() : (float) wi[i];
  }
  const int bias_i = cs->bias_kind ? rvv_test_rand_range(-16, 16) : 0;
  const float bias = cs->float_data && cs->bias_kind ? rvv_test_rand_unit() : (float) bias_i;

  const size_t total = 2 * RVV_TEST_MARGIN + oh * ow;
  float* y_ref = rvv_test_sentinel_floats(total);
  float* y_ukr = rvv_test_sentinel_floats(total);
  const struct rvpack_f32_minmax_params params = rvpack_f32_minmax_params_init(cs->clamp->min, cs->clamp->max);
  rvpack_f32_dwconv2d_chw_minmax_reference__scalar(k, k, s, s, h, w, oh, ow, cs->pt, cs->pl, input, weights, bias,
                                                   y_ref + RVV_TEST_MARGIN, &params);
  cs->v->fn(h, w, oh, ow, cs->pt, cs->pl, input, weights, bias, y_ukr + RVV_TEST_MARGIN, &params);

  int ok = 1;
  for (size_t y = 0; y < oh && ok; y++) {
    for (size_t x = 0; x < ow && ok; x++) {
      const size_t at = RVV_TEST_MARGIN + y * ow + x;
      if (!cs->float_data) {
        // The reference against a plain integer loop (exact in f32 at these magnitudes).
        long acc = 0;
        for (size_t kh = 0; kh < k; kh++) {
          const long iy = (long) (y * s + kh) - (long) cs->pt;
          if (iy < 0 || iy >= (long) h) {
            continue;
          }
#pragma clang loop vectorize(disable) interleave(disable)
          for (size_t kw = 0; kw < k; kw++) {
            const long ix = (long) (x * s + kw) - (long) cs->pl;
            if (ix >= 0 && ix < (long) w) {
              acc += (long) wi[kh * k + kw] * (long) xi[(size_t) iy * w + (size_t) ix];
            }
          }
        }
        const double want = fmin(fmax((double) (acc + bias_i), cs->clamp->min), cs->clamp->max);
        if ((double) y_ref[at] != want) {
          rvv_test_fail("%s: reference y[%zu][%zu] = %.9g, integer loop %.9g", case_str(cs), y, x, y_ref[at], want);
          ok = 0;
          break;
        }
      }
      if (!rvv_test_same_bits(y_ukr[at], y_ref[at])) {
        rvv_test_fail("%s: y[%zu][%zu] = %.9g, expected %.9g", case_str(cs), y, x, y_ukr[at], y_ref[at]);
        ok = 0;
      }
    }
  }
  for (size_t at = 0; at < total && ok; at++) {
    if (rvv_test_is_sentinel(y_ref[at]) != rvv_test_is_sentinel(y_ukr[at])) {
      rvv_test_fail("%s: wrote %.9g outside the output, at float offset %ld from y", case_str(cs), y_ukr[at],
                    (long) at - RVV_TEST_MARGIN);
      ok = 0;
    }
  }
  free(xi);
  free(y_ref);
  free(y_ukr);
  return ok;
}

static const int kExtraPads[] = {-1, 0, 1, 2};
#define NEXTRA RVV_TEST_COUNT(kExtraPads)

static int is_edge_width(size_t ow, size_t nr) {
  if (ow <= 3) {
    return 1;
  }
  for (size_t m = 1; m <= 3; m++) {
    if (ow + 1 >= m * nr && ow <= m * nr + 1) {
      return 1;
    }
  }
  return 0;
}

static int run_tests(int float_data, const char* filter) {
  const struct rvv_test_clamp* clamps = float_data ? kClampsFloat : kClampsExact;
  const size_t nclamps = float_data ? RVV_TEST_COUNT(kClampsFloat) : RVV_TEST_COUNT(kClampsExact);
  for (size_t vi = 0; vi < NVARIANTS; vi++) {
    const struct variant* v = &kVariants[vi];
    if (filter != NULL && strstr(v->name, filter) == NULL) {
      continue;
    }
    const size_t nr = v->lmul * rvv_test_vlenb() / sizeof(float);
    size_t cases = 0, vfailed = 0, turn = 0;
    struct dw_case cs = {v, nr, 1, 1, 0, 0, 0, 0, &clamps[0], float_data, 0, 1, 0};
#define RUN_CASE()                                                   \
  do {                                                               \
    cs.clamp = &clamps[turn % nclamps];                              \
    cs.guard_start = (int) (turn / nclamps % 2);                     \
    cs.bias_kind = (turn + turn / 7) % 4 != 0;                       \
    cs.special = float_data && turn % 5 == 0;                        \
    turn++;                                                          \
    const int r = run_case(&cs);                                     \
    if (r >= 0) {                                                    \
      cases++;                                                       \
      vfailed += r == 0;                                             \
    }                                                                \
  } while (0)
    // (a) widths x left/right padding; heights, pad_top, pad_bottom take turns.
    for (size_t ow = 1; ow <= 3 * nr + 1; ow++) {
      const int edge = is_edge_width(ow, nr);
      if (float_data && !edge && ow % 3 != 0) {
        continue;
      }
      for (size_t pl = 0; pl < v->k; pl++) {
        for (size_t ei = 0; ei < NEXTRA; ei++) {
          // exact: all of them; float: all at the vector edges for half the
          // widths, one taking turns elsewhere.
          if (float_data && (edge ? (pl + ei + ow) % 2 != 0
                                  : (pl * NEXTRA + ei) % (v->k * NEXTRA) != ow % (v->k * NEXTRA))) {
            continue;
          }
          cs.ow = ow;
          cs.pl = pl;
          cs.pr = kExtraPads[ei];
          cs.oh = 1 + (ow + pl + ei) % (float_data ? 3 : MAX_HEIGHT);
          cs.pt = (ow + ei) % v->k;
          cs.pb = kExtraPads[(ow + pl) % NEXTRA];
          RUN_CASE();
        }
      }
    }
    // (b) heights x top/bottom padding; a few widths, left/right padding take turns.
    const size_t widths[] = {1, nr + 1, 2 * nr - 1};
    for (size_t oh = 1; oh <= MAX_HEIGHT; oh++) {
      for (size_t pt = 0; pt < v->k; pt++) {
        for (size_t ei = 0; ei < NEXTRA; ei++) {
          for (size_t wi = 0; wi < RVV_TEST_COUNT(widths); wi++) {
            if (float_data && (oh + pt + ei + wi) % 3 != 0) {
              continue;
            }
            cs.oh = oh;
            cs.pt = pt;
            cs.pb = kExtraPads[ei];
            cs.ow = widths[wi];
            cs.pl = (oh + pt + wi) % v->k;
            cs.pr = kExtraPads[(oh + ei + wi) % NEXTRA];
            RUN_CASE();
          }
        }
      }
    }
#undef RUN_CASE
    printf("variant %s k %zu s %zu rows %zu lmul %zu nr %zu cases %zu failed %zu\n", v->name, v->k, v->s, v->rows,
           v->lmul, nr, cases, vfailed);
    rvv_test_passed += cases - vfailed;
    rvv_test_failed += vfailed;
  }
  return rvv_test_summary(float_data ? "float" : "exact");
}

int main(int argc, char** argv) {
  const char* mode = argc >= 2 ? argv[1] : "";
  const char* filter = argc == 3 ? argv[2] : NULL;
  const int known = strcmp(mode, "exact") == 0 || strcmp(mode, "float") == 0;
  if (!known || argc > 3) {
    fprintf(stderr, "usage: %s exact|float [NAME_SUBSTRING]\n", argv[0]);
    return 2;
  }
  // Largest input: (3 NR) * 2 + 5 columns (NR <= 128) by 6 * 2 + 5 + 1 rows.
  g_in = rvv_test_guarded_new(1024 * 24 * sizeof(float));
  g_w = rvv_test_guarded_new(4096);
  rvv_test_begin(0x2545f491u);
  return run_tests(strcmp(mode, "float") == 0, filter);
}
