// Kernel test of every f32 GEMM microkernel in
// third_party/xnnpack_rvv/src/f32-gemm/f32-gemm.inc against the scalar
// reference, at the VLEN of the hart it runs on (NR from vlenb).
//
//   f32_gemm_test exact [NAME_SUBSTRING]  small-integer data: bit-exact results
//   f32_gemm_test float [NAME_SUBSTRING]  uniform [-1, 1) data: within a tolerance
//   f32_gemm_test packw goi|gio N K NR W_FILE BIAS_FILE|- OUT_FILE
//       packs raw little-endian f32 weights ([N][K] or [K][N]) and biases
//       ([N], "-" for none) with the C packing routine, writes the result.
//
// gemm modes print "vlenb B", one "variant NAME mr MR lmul L nr NR cases C
// failed F" line per kernel, up to 30 "FAIL ..." lines and, last,
// "<mode>: N passed, M failed"; the exit status is 1 if anything failed.
//
// Each case runs the kernel and the reference on identical output buffers
// filled with a sentinel: everything (including the gaps that padded strides
// leave and margins around the output) must match bit for bit (exact mode),
// so a write outside the output is a failure. A and the packed weights end
// right before an inaccessible page, so reading past them faults, and the
// padding of A's rows holds NaNs that would poison a result that read them.
// The reference itself is checked against a plain loop over the unpacked
// weights (which also checks the packing).
#define _DEFAULT_SOURCE
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rvpack_rvv/gemm.h"
#include "rvpack_rvv/packw.h"
#include "rvv_test_util.h"

struct variant {
  size_t mr;
  size_t lmul;
  const char* name;
  rvpack_f32_gemm_minmax_ukernel_fn fn;
};

#define RVPACK_UKERNEL(mr, lmul, fn) {mr, lmul, #fn, fn},
static const struct variant kVariants[] = {
#include "f32-gemm/f32-gemm.inc"
};
#undef RVPACK_UKERNEL

static const size_t kExactK[] = {1, 2, 3, 4, 5, 8, 15, 16, 17};
static const size_t kFloatK[] = {1, 7, 64, 131};

struct gemm_case {
  const struct variant* v;
  size_t nr, m, n, k;
  const struct rvv_test_clamp* clamp;
  int padded;  // odd a_stride / cm_stride and cn_stride > NR floats
  int float_data;
};

// The case, as FAIL lines name it.
static const char* case_str(const struct gemm_case* cs) {
  static char buf[320];
  snprintf(buf, sizeof buf, "%s nr=%zu m=%zu n=%zu k=%zu clamp=%s strides=%s data=%s", cs->v->name, cs->nr, cs->m,
           cs->n, cs->k, cs->clamp->name, cs->padded ? "padded" : "dense", cs->float_data ? "float" : "int");
  return buf;
}

static struct rvv_test_guarded g_a, g_w;

// Returns 1 if the case passed.
static int run_case(const struct gemm_case* cs) {
  const size_t m = cs->m, n = cs->n, k = cs->k, nr = cs->nr;
  const size_t panels = (n + nr - 1) / nr;
  const size_t a_elems = cs->padded ? k + 3 : k;
  const size_t cn_elems = cs->padded ? nr + 3 : nr;
  const size_t row_elems = (panels - 1) * cn_elems + (n - (panels - 1) * nr);
  const size_t cm_elems = cs->padded ? row_elems + 5 : row_elems;

  // A: m rows; the last row ends at the guard page.
  float* a = rvv_test_guarded_tail(&g_a, ((m - 1) * a_elems + k) * sizeof(float));
  for (size_t i = 0; i < m; i++) {
    for (size_t kk = 0; kk < a_elems; kk++) {
      if (kk < k) {
        a[i * a_elems + kk] = cs->float_data ? rvv_test_rand_unit() : rvv_test_rand_int(-4, 4);
      } else if (i + 1 < m) {
        a[i * a_elems + kk] = NAN;
      }
    }
  }
  float* w = rvv_test_xmalloc(n * k * sizeof(float));
  float* bias = rvv_test_xmalloc(n * sizeof(float));
  for (size_t j = 0; j < n; j++) {
    bias[j] = cs->float_data ? rvv_test_rand_unit() : rvv_test_rand_int(-16, 16);
    for (size_t kk = 0; kk < k; kk++) {
      w[j * k + kk] = cs->float_data ? rvv_test_rand_unit() : rvv_test_rand_int(-4, 4);
    }
  }
  const size_t packed_bytes = rvpack_x32_packw_gemm_size(n, k, nr);
  float* packed = rvv_test_guarded_tail(&g_w, packed_bytes);
  rvpack_x32_packw_gemm_goi__scalar(n, k, nr, w, bias, packed);

  const size_t c_elems = 2 * RVV_TEST_MARGIN + m * cm_elems;
  float* c_ref = rvv_test_sentinel_floats(c_elems);
  float* c_ukr = rvv_test_sentinel_floats(c_elems);
  const struct rvpack_f32_minmax_params params =
      rvpack_f32_minmax_params_init(cs->clamp->min, cs->clamp->max);
  rvpack_f32_gemm_minmax_reference__scalar(m, n, k * sizeof(float), nr, a, a_elems * sizeof(float), packed,
                                           c_ref + RVV_TEST_MARGIN, cm_elems * sizeof(float),
                                           cn_elems * sizeof(float), &params);
  cs->v->fn(m, n, k * sizeof(float), a, a_elems * sizeof(float), packed, c_ukr + RVV_TEST_MARGIN,
            cm_elems * sizeof(float), cn_elems * sizeof(float), &params);

  int ok = 1;
  // Every output element: the reference against a plain loop over the
  // unpacked weights, the kernel against the reference.
  for (size_t i = 0; i < m && ok; i++) {
    for (size_t j = 0; j < n && ok; j++) {
      const size_t at = RVV_TEST_MARGIN + i * cm_elems + (j / nr) * cn_elems + j % nr;
      double acc = bias[j], mag = fabs(bias[j]);
      for (size_t kk = 0; kk < k; kk++) {
        acc += (double) a[i * a_elems + kk] * (double) w[j * k + kk];
        mag += fabs((double) a[i * a_elems + kk] * (double) w[j * k + kk]);
      }
      const double want = fmin(fmax(acc, cs->clamp->min), cs->clamp->max);
      if (!cs->float_data) {
        if (c_ref[at] != (float) want) {
          rvv_test_fail("%s: reference c[%zu][%zu] = %.9g, plain loop %.9g", case_str(cs), i, j, c_ref[at], want);
          ok = 0;
        } else if (!rvv_test_same_bits(c_ukr[at], c_ref[at])) {
          rvv_test_fail("%s: c[%zu][%zu] = %.9g, expected %.9g", case_str(cs), i, j, c_ukr[at], c_ref[at]);
          ok = 0;
        }
      } else {
        // float32 rounding of k + 1 terms, each within 2^-24 relative, with
        // FMA; 1e-6 * (k + 1) bounds it with a margin.
        const double tol = 1e-6 * (double) (k + 1) * mag + 1e-30;
        if (fabs((double) c_ref[at] - want) > tol) {
          rvv_test_fail("%s: reference c[%zu][%zu] = %.9g, plain loop (double) %.9g, tolerance %.3g", case_str(cs),
                        i, j, c_ref[at], want, tol);
          ok = 0;
        } else if (fabs((double) c_ukr[at] - want) > tol) {
          rvv_test_fail("%s: c[%zu][%zu] = %.9g, plain loop (double) %.9g, tolerance %.3g", case_str(cs), i, j,
                        c_ukr[at], want, tol);
          ok = 0;
        }
      }
    }
  }
  // Nothing outside the output may change: the reference writes only the
  // output, so its buffer holds sentinels everywhere else.
  const size_t stray = rvv_test_first_stray_write(c_ref, c_ukr, c_elems);
  if (ok && stray < c_elems) {
    const long rel = (long) stray - RVV_TEST_MARGIN;
    rvv_test_fail("%s: wrote %.9g outside the output, at float offset %ld from c (row %ld, column offset %ld)",
                  case_str(cs), c_ukr[stray], rel, rel < 0 ? -1 : rel / (long) cm_elems,
                  rel < 0 ? rel : rel % (long) cm_elems);
    ok = 0;
  }
  free(w);
  free(bias);
  free(c_ref);
  free(c_ukr);
  return ok;
}

static int run_gemm_tests(int float_data, const char* filter) {
  const struct rvv_test_clamp* clamps = float_data ? rvv_test_clamps_float : rvv_test_clamps_exact;
  const size_t nclamps = float_data ? RVV_TEST_COUNT(rvv_test_clamps_float) : RVV_TEST_COUNT(rvv_test_clamps_exact);
  const size_t* ks = float_data ? kFloatK : kExactK;
  const size_t nks = float_data ? RVV_TEST_COUNT(kFloatK) : RVV_TEST_COUNT(kExactK);
  g_a = rvv_test_guarded_new(64 * 1024);
  g_w = rvv_test_guarded_new(2 * 1024 * 1024);
  rvv_test_begin(0x12345678u);
  for (size_t vi = 0; vi < RVV_TEST_COUNT(kVariants); vi++) {
    const struct variant* v = &kVariants[vi];
    if (filter != NULL && strstr(v->name, filter) == NULL) {
      continue;
    }
    const size_t nr = v->lmul * rvv_test_vlenb() / sizeof(float);
    if (nr != rvpack_f32_gemm_rvv_nr(v->lmul)) {
      printf("FAIL %s: rvpack_f32_gemm_rvv_nr(%zu) = %zu, expected %zu\n", v->name, v->lmul,
             rvpack_f32_gemm_rvv_nr(v->lmul), nr);
      rvv_test_failed++;
    }
    // n: 1 .. NR + 1 and 2 * NR + 3 (exact); around the panel edges (float).
    size_t ns[512], nns = 0;
    if (!float_data) {
      for (size_t n = 1; n <= nr + 1; n++) {
        ns[nns++] = n;
      }
      ns[nns++] = 2 * nr + 3;
    } else {
      ns[nns++] = 1;
      ns[nns++] = nr - 1;
      ns[nns++] = nr;
      ns[nns++] = 2 * nr + 1;
    }
    size_t cases = 0, vfailed = 0;
    for (size_t m = 1; m <= v->mr; m++) {
      if (float_data && m != 1 && m != v->mr) {
        continue;
      }
      for (size_t ni = 0; ni < nns; ni++) {
        const size_t n = ns[ni];
        // Every k x clamp x stride layout at the panel edges; in between
        // (partial panels) a third of the k values run, with the clamp and
        // layout taking turns, so every combination still runs somewhere.
        const int edge = float_data || n <= 3 || n + 1 >= nr;
        for (size_t ki = 0; ki < nks; ki++) {
          for (size_t ci = 0; ci < nclamps; ci++) {
            for (int padded = 0; padded <= 1; padded++) {
              const size_t turn = m + n + ki;
              if (!edge && (turn % 3 != 0 || (turn / 3 + ki) % (2 * nclamps) != ci * 2 + (size_t) padded)) {
                continue;
              }
              if (float_data && (size_t) padded != ci % 2) {  // no clamp: dense, clip: padded
                continue;
              }
              const struct gemm_case cs = {v, nr, m, n, ks[ki], &clamps[ci], padded, float_data};
              cases++;
              if (!run_case(&cs)) {
                vfailed++;
              }
            }
          }
        }
      }
    }
    printf("variant %s mr %zu lmul %zu nr %zu cases %zu failed %zu\n", v->name, v->mr, v->lmul, nr, cases,
           vfailed);
    rvv_test_passed += cases - vfailed;
    rvv_test_failed += vfailed;
  }
  return rvv_test_summary(float_data ? "float" : "exact");
}

static float* read_floats(const char* path, size_t count) {
  float* data = malloc(count * sizeof(float) + 1);
  FILE* f = fopen(path, "rb");
  if (f == NULL || fread(data, sizeof(float), count, f) != count) {
    fprintf(stderr, "cannot read %zu floats from %s\n", count, path);
    exit(2);
  }
  fclose(f);
  return data;
}

static int run_packw(int argc, char** argv) {
  if (argc != 9) {
    fprintf(stderr, "usage: %s packw goi|gio N K NR W_FILE BIAS_FILE|- OUT_FILE\n", argv[0]);
    return 2;
  }
  const size_t n = strtoul(argv[3], NULL, 10), k = strtoul(argv[4], NULL, 10), nr = strtoul(argv[5], NULL, 10);
  float* w = read_floats(argv[6], n * k);
  float* bias = strcmp(argv[7], "-") == 0 ? NULL : read_floats(argv[7], n);
  const size_t bytes = rvpack_x32_packw_gemm_size(n, k, nr);
  float* packed = malloc(bytes + 1);
  if (strcmp(argv[2], "goi") == 0) {
    rvpack_x32_packw_gemm_goi__scalar(n, k, nr, w, bias, packed);
  } else if (strcmp(argv[2], "gio") == 0) {
    rvpack_x32_packw_gemm_gio__scalar(n, k, nr, w, bias, packed);
  } else {
    fprintf(stderr, "unknown layout %s\n", argv[2]);
    return 2;
  }
  FILE* f = fopen(argv[8], "wb");
  if (f == NULL || fwrite(packed, 1, bytes, f) != bytes || fclose(f) != 0) {
    fprintf(stderr, "cannot write %s\n", argv[8]);
    return 2;
  }
  free(w);
  free(bias);
  free(packed);
  return 0;
}

int main(int argc, char** argv) {
  if (argc >= 2 && strcmp(argv[1], "packw") == 0) {
    return run_packw(argc, argv);
  }
  if (argc >= 2 && argc <= 3 && (strcmp(argv[1], "exact") == 0 || strcmp(argv[1], "float") == 0)) {
    return run_gemm_tests(strcmp(argv[1], "float") == 0, argc == 3 ? argv[2] : NULL);
  }
  fprintf(stderr, "usage: %s exact|float [NAME_SUBSTRING] | packw ...\n", argv[0]);
  return 2;
}
