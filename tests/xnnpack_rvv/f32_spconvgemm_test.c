// Kernel test of every f32 column-sparse conv-GEMM microkernel in
// third_party/xnnpack_rvv/src/f32-spconvgemm/f32-spconvgemm.inc against the
// dense scalar reference on the masked weights, at the VLEN of the hart it
// runs on (NR from vlenb).
//
//   f32_spconvgemm_test exact [NAME_SUBSTRING]  small-integer data: bit-exact
//   f32_spconvgemm_test float [NAME_SUBSTRING]  uniform [-1, 1) data: bit-exact (the
//                                               kernel's fma chain skips only terms
//                                               whose weight is 0)
//   f32_spconvgemm_test dump                    the packed words of a fixed example
//                                               (tests/xnnpack_rvv compares them with
//                                               the build-time packer)
//
// Cases: m = 1..MR rows; n = 1..NR+1 and 2NR+3 columns (exact), around the
// vector edges (float); K steps kept per block: none, one, an odd count, 2 of
// every 4 (N:M), all but one, all; B rows dense or with a padded stride (the
// offsets carry it); three clamps; bias or none.
//
// Output: "vlenb B", one "variant NAME mr MR lmul L nr NR cases C failed F"
// line per kernel, up to 30 "FAIL ..." lines and, last, "<mode>: N passed, M
// failed"; the exit status is 1 if anything failed. Outputs are written into
// sentinel-filled buffers with margins and (padded) gaps that must stay
// untouched; the packed block and B end right before an inaccessible page.
#define _DEFAULT_SOURCE
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rvpack_rvv/convgemm.h"
#include "rvpack_rvv/spconvgemm.h"
#include "rvv_test_util.h"

struct variant {
  size_t mr;
  size_t lmul;
  const char* name;
  rvpack_f32_spconvgemm_minmax_ukernel_fn fn;
};

#define RVPACK_UKERNEL(mr, lmul, fn) {mr, lmul, #fn, fn},
static const struct variant kVariants[] = {
#include "f32-spconvgemm/f32-spconvgemm.inc"
};
#undef RVPACK_UKERNEL
#define NVARIANTS RVV_TEST_COUNT(kVariants)

static const size_t kExactK[] = {1, 2, 3, 8, 9, 17, 33};
static const size_t kFloatK[] = {1, 17, 96};

// Which K steps a block keeps.
enum pattern { KEEP_NONE, KEEP_ONE, KEEP_ODD, KEEP_2_OF_4, KEEP_ALL_BUT_ONE, KEEP_ALL, NPATTERNS };
static const char* const kPatternNames[] = {"none", "one", "odd", "2:4", "all-but-one", "all"};

static int keeps(enum pattern p, size_t kk, size_t k, size_t seed) {
  switch (p) {
    case KEEP_NONE:
      return 0;
    case KEEP_ONE:
      return kk == seed % k;
    case KEEP_ODD: {  // every other step from `first`, one fewer if that count is even
      const size_t first = seed % 2 < k ? seed % 2 : 0;
      const size_t count = (k - first + 1) / 2;
      const size_t last = first + 2 * (count - 1) - (count % 2 == 0 ? 2 : 0);
      return kk >= first && kk <= last && (kk - first) % 2 == 0;
    }
    case KEEP_2_OF_4:
      return (kk + seed) % 4 < 2;
    case KEEP_ALL_BUT_ONE:
      return kk != seed % k;
    default:
      return 1;
  }
}

static struct rvv_test_guarded g_b, g_bias, g_packed;

struct sp_case {
  const struct variant* v;
  size_t nr, m, n, k;
  enum pattern pattern;
  const struct rvv_test_clamp* clamp;
  int padded;  // b_stride and c_stride larger than needed
  int with_bias;
  int float_data;
};

static const char* case_str(const struct sp_case* cs) {
  static char buf[320];
  snprintf(buf, sizeof buf, "%s nr=%zu m=%zu n=%zu k=%zu kept=%s clamp=%s strides=%s bias=%s data=%s", cs->v->name,
           cs->nr, cs->m, cs->n, cs->k, kPatternNames[cs->pattern], cs->clamp->name, cs->padded ? "padded" : "dense",
           cs->with_bias ? "yes" : "NULL", cs->float_data ? "float" : "int");
  return buf;
}

static float data(int float_data) { return float_data ? rvv_test_rand_unit() : rvv_test_rand_int(-4, 4); }

// Returns 1 if the case passed.
static int run_case(const struct sp_case* cs, size_t seed) {
  const size_t m = cs->m, n = cs->n, k = cs->k;
  const size_t b_elems = cs->padded ? n + 5 : n;
  const size_t c_elems = cs->padded ? n + 7 : n;

  // Plain weights with the block's pattern: a kept step has a nonzero weight
  // in at least one row (the first row where the others may be 0); a pruned
  // step is 0 in every row.
  float* w = rvv_test_xmalloc(m * k * sizeof(float));
  for (size_t kk = 0; kk < k; kk++) {
    const int kept = keeps(cs->pattern, kk, k, seed);
    for (size_t i = 0; i < m; i++) {
      float x = kept ? data(cs->float_data) : 0.0f;
      if (kept && i == (kk + seed) % m && x == 0.0f) x = 1.0f;
      w[i * k + kk] = x;
    }
  }
  // B: k rows; the padding between rows holds NaNs, the last row ends at a guard page.
  float* b = rvv_test_guarded_tail(&g_b, ((k - 1) * b_elems + n) * sizeof(float));
  for (size_t kk = 0; kk < k; kk++) {
    for (size_t j = 0; j < b_elems; j++) {
      if (j < n) {
        b[kk * b_elems + j] = data(cs->float_data);
      } else if (kk + 1 < k) {
        b[kk * b_elems + j] = NAN;
      }
    }
  }
  float* bias = NULL;
  if (cs->with_bias) {
    bias = rvv_test_guarded_tail(&g_bias, m * sizeof(float));
    for (size_t i = 0; i < m; i++) bias[i] = cs->float_data ? rvv_test_rand_unit() : rvv_test_rand_int(-16, 16);
  }

  const size_t words = rvpack_f32_spconvgemm_pack_weights(cs->v->mr, m, k, w, k * sizeof(float), bias,
                                                          b_elems * sizeof(float), NULL);
  float* packed = rvv_test_guarded_tail(&g_packed, words * sizeof(float));
  const size_t written = rvpack_f32_spconvgemm_pack_weights(cs->v->mr, m, k, w, k * sizeof(float), bias,
                                                            b_elems * sizeof(float), packed);

  const size_t c_total = 2 * RVV_TEST_MARGIN + m * c_elems;
  float* c_ref = rvv_test_sentinel_floats(c_total);
  float* c_ukr = rvv_test_sentinel_floats(c_total);
  const struct rvpack_f32_minmax_params params = rvpack_f32_minmax_params_init(cs->clamp->min, cs->clamp->max);
  rvpack_f32_convgemm_minmax_reference__scalar(m, n, k * sizeof(float), w, k * sizeof(float), b,
                                               b_elems * sizeof(float), bias, c_ref + RVV_TEST_MARGIN,
                                               c_elems * sizeof(float), &params);
  cs->v->fn(m, n, packed, b, c_ukr + RVV_TEST_MARGIN, c_elems * sizeof(float), &params);

  int ok = 1;
  size_t kept = 0;
  for (size_t kk = 0; kk < k; kk++) kept += (size_t) keeps(cs->pattern, kk, k, seed);
  if (written != words || rvpack_f32_spconvgemm_block_kept(packed) != kept ||
      words != rvpack_f32_spconvgemm_block_words(cs->v->mr, kept)) {
    rvv_test_fail("%s: packed %zu words (sized %zu), kept %u; expected %zu words, kept %zu", case_str(cs), written,
                  words, rvpack_f32_spconvgemm_block_kept(packed), rvpack_f32_spconvgemm_block_words(cs->v->mr, kept),
                  kept);
    ok = 0;
  }
  for (size_t i = 0; i < m && ok; i++) {
    for (size_t j = 0; j < n && ok; j++) {
      const size_t at = RVV_TEST_MARGIN + i * c_elems + j;
      if (!rvv_test_same_bits(c_ukr[at], c_ref[at])) {
        rvv_test_fail("%s: c[%zu][%zu] = %.9g, dense reference %.9g", case_str(cs), i, j, c_ukr[at], c_ref[at]);
        ok = 0;
      }
    }
  }
  const size_t stray = rvv_test_first_stray_write(c_ref, c_ukr, c_total);
  if (ok && stray < c_total) {
    rvv_test_fail("%s: wrote %.9g outside the output, at float offset %ld from c", case_str(cs), c_ukr[stray],
                  (long) stray - RVV_TEST_MARGIN);
    ok = 0;
  }
  free(w);
  free(c_ref);
  free(c_ukr);
  return ok;
}

static int run_tests(int float_data, const char* filter) {
  const struct rvv_test_clamp* clamps = float_data ? rvv_test_clamps_float : rvv_test_clamps_exact;
  const size_t nclamps = float_data ? RVV_TEST_COUNT(rvv_test_clamps_float) : RVV_TEST_COUNT(rvv_test_clamps_exact);
  const size_t* ks = float_data ? kFloatK : kExactK;
  const size_t nks = float_data ? RVV_TEST_COUNT(kFloatK) : RVV_TEST_COUNT(kExactK);
  size_t seed = 0;
  for (size_t vi = 0; vi < NVARIANTS; vi++) {
    const struct variant* v = &kVariants[vi];
    if (filter != NULL && strstr(v->name, filter) == NULL) continue;
    const size_t nr = v->lmul * rvv_test_vlenb() / sizeof(float);
    size_t ns[1024], nns = 0;
    if (!float_data) {
      for (size_t n = 1; n <= nr + 1; n++) ns[nns++] = n;
      ns[nns++] = 2 * nr + 3;
    } else {
      ns[nns++] = 1;
      ns[nns++] = nr;
      ns[nns++] = 2 * nr + 1;
    }
    size_t cases = 0, vfailed = 0;
    for (size_t m = 1; m <= v->mr; m++) {
      for (size_t ni = 0; ni < nns; ni++) {
        const size_t n = ns[ni];
        // Every pattern and K at the vector edges (n <= 2, n >= NR, and 2NR+3);
        // in between, the patterns take turns over (m, n, k).
        const int edge = float_data || n <= 2 || n >= nr;
        for (size_t ki = 0; ki < nks; ki++) {
          for (int p = 0; p < NPATTERNS; p++) {
            if (!edge && (m + n + ki) % NPATTERNS != (size_t) p) continue;
            const size_t layout = m + n + ki + (size_t) p;
            const struct sp_case cs = {v,     nr, m, n, ks[ki], (enum pattern) p, &clamps[layout % nclamps],
                                       (int) (layout / nclamps % 2), (int) (layout / 2 % 2), float_data};
            cases++;
            if (!run_case(&cs, seed++)) vfailed++;
          }
        }
      }
    }
    printf("variant %s mr %zu lmul %zu nr %zu cases %zu failed %zu\n", v->name, v->mr, v->lmul, nr, cases, vfailed);
    rvv_test_passed += cases - vfailed;
    rvv_test_failed += vfailed;
  }
  return rvv_test_summary(float_data ? "float" : "exact");
}

// dump: 5 rows x 6 steps, weights 1 + (row * 6 + step) where (row, step) is
// kept, the rows of block 0 (MR 4) keeping steps 1, 4 and 5 and row 4 (block 1)
// keeping step 2; biases -1..-5; B rows 40 bytes apart. Prints the words as hex.
static int run_dump(void) {
  float w[5 * 6] = {0};
  for (size_t i = 0; i < 5; i++) {
    for (size_t kk = 0; kk < 6; kk++) {
      const int kept = i < 4 ? (kk == 1 || kk == 4 || (kk == 5 && i == 2)) : kk == 2;
      if (kept) w[i * 6 + kk] = (float) (1 + i * 6 + kk);
    }
  }
  const float bias[5] = {-1, -2, -3, -4, -5};
  float packed[64];
  const size_t words = rvpack_f32_spconvgemm_pack_weights(4, 5, 6, w, 6 * sizeof(float), bias, 40, packed);
  printf("words");
  for (size_t i = 0; i < words; i++) {
    uint32_t bits;
    memcpy(&bits, &packed[i], sizeof(bits));
    printf(" %08x", bits);
  }
  printf("\n");
  rvv_test_passed++;
  return rvv_test_summary("dump");
}

int main(int argc, char** argv) {
  const char* mode = argc >= 2 ? argv[1] : "";
  const char* filter = argc == 3 ? argv[2] : NULL;
  const int known = strcmp(mode, "exact") == 0 || strcmp(mode, "float") == 0 || strcmp(mode, "dump") == 0;
  if (!known || argc > 3) {
    fprintf(stderr, "usage: %s exact|float|dump [NAME_SUBSTRING]\n", argv[0]);
    return 2;
  }
  g_b = rvv_test_guarded_new(256 * 1024);
  g_bias = rvv_test_guarded_new(4096);
  g_packed = rvv_test_guarded_new(64 * 1024);
  rvv_test_begin(0x5eed5eedu);
  if (strcmp(mode, "dump") == 0) return run_dump();
  return run_tests(strcmp(mode, "float") == 0, filter);
}
