// Kernel test of every int8 conv-GEMM microkernel in
// third_party/xnnpack_rvv/src/qs8-convgemm/qs8-convgemm.inc against the scalar
// reference (qs8-convgemm-minmax-reference-scalar.c), bit-exact, at the VLEN
// of the hart it runs on (NR from vlenb), and of the reference against a plain
// loop over the unpacked operands in 64-bit integers (so the packed layout
// and the folded sums are checked too).
//
//   qs8_convgemm_test exact [NAME_SUBSTRING]
//
// Cases: rows m = 1..MR, columns 1, NR - 1, NR, NR + 1, 2 NR + 3, K around the
// unroll (1, 2, 7, 8, 9, 17, 64), dense and padded B/C strides, both
// roundings, per-row multipliers with left and right shifts, clamps, extreme
// int8 values (-128 in B, +-127 in W). Output buffers have guard bytes that
// must stay untouched; the block and the last B row end right before an
// inaccessible page. Output protocol: rvv_test_util.h; one
// "variant NAME mr MR lmul L nr NR cases C failed F" line per kernel.
#define _DEFAULT_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rvpack_rvv/qs8_convgemm.h"
#include "rvv_test_util.h"

struct variant {
  size_t mr;
  size_t lmul;
  const char* name;
  rvpack_qs8_convgemm_minmax_ukernel_fn fn;
};

#define RVPACK_UKERNEL(mr, lmul, fn) {mr, lmul, #fn, fn},
static const struct variant kVariants[] = {
#include "qs8-convgemm/qs8-convgemm.inc"
};
#undef RVPACK_UKERNEL
#define NVARIANTS RVV_TEST_COUNT(kVariants)

static const size_t kK[] = {1, 2, 7, 8, 9, 17, 64};
#define GUARD 8
#define SENTINEL 0x5a

static struct rvv_test_guarded g_b, g_block;

static int8_t rand_int8(void) { return (int8_t) rvv_test_rand_range(-128, 127); }

// TFLite's rescale with both roundings half up, in 64-bit integers: the plain oracle.
static int64_t plain_half_up(int64_t acc, int32_t multiplier, int32_t left, int32_t right) {
  const int64_t x = (int64_t) (int32_t) ((uint32_t) acc << left);
  int64_t high = x * multiplier + (INT64_C(1) << 30);
  high = high >= 0 ? high >> 31 : -((-high + (INT64_C(1) << 31) - 1) >> 31);  // floor division
  return right == 0 ? high : (high + (INT64_C(1) << (right - 1))) >> right;
}

static int run_case(const struct variant* v, size_t nr, size_t m, size_t n, size_t k, int padded, int rounding) {
  const size_t mr = v->mr;
  const size_t b_stride = padded ? n + 5 : n, c_stride = padded ? n + 3 : n;
  // Plain operands.
  int8_t* w = rvv_test_xmalloc(m * k);
  int32_t bias[8], mult[8], left[8], right[8];
  float scale[8];
  int64_t wsum[8] = {0};
  const int32_t zx = rvv_test_rand_range(-128, 127);
  for (size_t i = 0; i < m; i++) {
    for (size_t kk = 0; kk < k; kk++) {
      w[i * k + kk] = (int8_t) (kk % 5 == 3 ? (i % 2 ? 127 : -127) : rvv_test_rand_range(-127, 127));
      wsum[i] += w[i * k + kk];
    }
    bias[i] = rvv_test_rand_range(-40000, 40000);
    mult[i] = (int32_t) ((1u << 30) + (rvv_test_rng_next() & 0x3fffffffu));
    left[i] = i % 3 == 2 ? 1 : 0;
    right[i] = left[i] ? 0 : 6 + (int32_t) (rvv_test_rng_next() % 8);
    scale[i] = (float) ((double) mult[i] / 2147483648.0 * (left[i] ? 2.0 : 1.0 / (double) (1 << right[i])));
  }
  int8_t* b = rvv_test_guarded_tail(&g_b, (k - 1) * b_stride + n);
  for (size_t kk = 0; kk < k; kk++) {
    for (size_t j = 0; j < (kk + 1 < k ? b_stride : n); j++) b[kk * b_stride + j] = j % 7 == 1 ? -128 : rand_int8();
  }
  // The packed block (the code generator's layout), input zero point folded into the bias.
  const size_t bytes = rvpack_qs8_convgemm_block_bytes(mr, k);
  uint8_t* block = rvv_test_guarded_tail(&g_block, bytes);
  memset(block, 0, bytes);
  int32_t* words = (int32_t*) block;
  float* fwords = (float*) block;
  for (size_t i = 0; i < m; i++) {
    words[i] = (int32_t) (bias[i] - zx * wsum[i]);
    words[mr + i] = mult[i];
    words[2 * mr + i] = left[i];
    words[3 * mr + i] = right[i];
    fwords[4 * mr + i] = scale[i];
    for (size_t kk = 0; kk < k; kk++) ((int8_t*) block)[20 * mr + kk * mr + i] = w[i * k + kk];
  }
  const int32_t zy = rvv_test_rand_range(-20, 20);
  const int clamped = rvv_test_rng_next() % 2;
  const struct rvpack_qs8_minmax_params params = {rounding, zy, clamped ? -100 : -128, clamped ? 90 : 127};
  const size_t c_total = 2 * GUARD + m * c_stride;
  int8_t* c_ref = rvv_test_xmalloc(c_total);
  int8_t* c_ukr = rvv_test_xmalloc(c_total);
  memset(c_ref, SENTINEL, c_total);
  memset(c_ukr, SENTINEL, c_total);
  rvpack_qs8_convgemm_minmax_reference__scalar(mr, m, n, k, block, b, b_stride, c_ref + GUARD, c_stride, &params);
  v->fn(m, n, k, block, b, b_stride, c_ukr + GUARD, c_stride, &params);

  int ok = 1;
  for (size_t at = 0; at < c_total && ok; at++) {
    const size_t row = at < GUARD ? 0 : (at - GUARD) / c_stride, col = at < GUARD ? 0 : (at - GUARD) % c_stride;
    const int inside = at >= GUARD && row < m && col < n;
    if (!inside) {
      if ((uint8_t) c_ukr[at] != SENTINEL || (uint8_t) c_ref[at] != SENTINEL) {
        rvv_test_fail("%s nr=%zu m=%zu n=%zu k=%zu: stray write at byte %zu", v->name, nr, m, n, k, at);
        ok = 0;
      }
      continue;
    }
    // The plain oracle: (x - zx) * w summed in 64 bits, then the rounding.
    int64_t acc = bias[row];
    for (size_t kk = 0; kk < k; kk++) acc += (int64_t) (b[kk * b_stride + col] - zx) * w[row * k + kk];
    int64_t want;
    if (rounding == RVPACK_QS8_ROUND_FLOAT) {
      const float x = (float) (int32_t) acc * scale[row];
      want = (int64_t) __builtin_rintf(x);  // default rounding: ties to even
    } else {
      want = plain_half_up(acc, mult[row], left[row], right[row]);
    }
    want += zy;
    want = want < params.min ? params.min : want > params.max ? params.max : want;
    if (c_ref[at] != (int8_t) want || c_ukr[at] != c_ref[at]) {
      rvv_test_fail("%s nr=%zu m=%zu n=%zu k=%zu %s rounding=%d: [%zu][%zu] kernel %d reference %d plain %lld",
                    v->name, nr, m, n, k, padded ? "padded" : "dense", rounding, row, col, c_ukr[at], c_ref[at],
                    (long long) want);
      ok = 0;
    }
  }
  free(w);
  free(c_ref);
  free(c_ukr);
  return ok;
}

int main(int argc, char** argv) {
  const char* mode = argc >= 2 ? argv[1] : "";
  const char* filter = argc == 3 ? argv[2] : NULL;
  if (strcmp(mode, "exact") != 0 || argc > 3) {
    fprintf(stderr, "usage: %s exact [NAME_SUBSTRING]\n", argv[0]);
    return 2;
  }
  g_b = rvv_test_guarded_new(256 * 1024);
  g_block = rvv_test_guarded_new(64 * 1024);
  rvv_test_begin(0x9e3779b9u);
  for (size_t vi = 0; vi < NVARIANTS; vi++) {
    const struct variant* v = &kVariants[vi];
    if (filter != NULL && strstr(v->name, filter) == NULL) continue;
    const size_t nr = rvpack_qs8_convgemm_rvv_nr(v->lmul);
    const size_t ns[] = {1, nr - 1 ? nr - 1 : 1, nr, nr + 1, 2 * nr + 3};
    size_t cases = 0, failed = 0;
    for (size_t m = 1; m <= v->mr; m++) {
      for (size_t ni = 0; ni < RVV_TEST_COUNT(ns); ni++) {
        for (size_t ki = 0; ki < RVV_TEST_COUNT(kK); ki++) {
          for (int rounding = RVPACK_QS8_ROUND_HALF_UP; rounding <= RVPACK_QS8_ROUND_FLOAT; rounding++) {
            const int ok = run_case(v, nr, m, ns[ni], kK[ki], (int) ((m + ni + ki) % 2), rounding);
            cases++;
            failed += !ok;
            rvv_test_record(ok);
          }
        }
      }
    }
    printf("variant %s mr %zu lmul %zu nr %zu cases %zu failed %zu\n", v->name, v->mr, v->lmul, nr, cases, failed);
  }
  return rvv_test_summary(mode);
}
