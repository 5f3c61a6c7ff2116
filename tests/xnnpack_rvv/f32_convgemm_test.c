// Kernel test of every f32 conv-GEMM microkernel in
// third_party/xnnpack_rvv/src/f32-convgemm/f32-convgemm.inc against the scalar
// reference, of the im2col packers, and of "im2col + conv-GEMM" against a
// direct NCHW convolution, at the VLEN of the hart it runs on (NR from vlenb).
//
//   f32_convgemm_test exact [NAME_SUBSTRING]   small-integer data: bit-exact
//   f32_convgemm_test float [NAME_SUBSTRING]   uniform [-1, 1) data: bit-exact against the
//                                              reference (same fma order), and within a
//                                              tolerance of a double-precision loop
//   f32_convgemm_test im2col                   scalar packer against a direct loop, RVV
//                                              packer against the scalar one (bit-exact)
//   f32_convgemm_test conv [NAME_SUBSTRING]    the driver loop of include/rvpack_rvv/convgemm.h
//                                              (pixel panels x row blocks of MR) against a
//                                              direct convolution, small-integer data, exact
//
// Output: "vlenb B", one "variant NAME mr MR lmul L nr NR cases C failed F"
// line per kernel (exact, float, conv) or "im2col shapes S windows W"
// (im2col), up to 30 "FAIL ..." lines and, last, "<mode>: N passed, M
// failed"; the exit status is 1 if anything failed.
//
// Every case runs on output buffers filled with a sentinel, with margins and
// (padded strides) gaps: those must be left untouched. The last row of the
// weights, of B, the bias and the input image end right before an
// inaccessible page, so reading past them faults, and the padding of padded
// rows holds NaNs that would poison a result that read them.
#define _DEFAULT_SOURCE
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rvpack_rvv/convgemm.h"
#include "rvpack_rvv/im2col.h"
#include "rvv_test_util.h"

struct variant {
  size_t mr;
  size_t lmul;
  const char* name;
  rvpack_f32_convgemm_minmax_ukernel_fn fn;
};

#define RVPACK_UKERNEL(mr, lmul, fn) {mr, lmul, #fn, fn},
static const struct variant kVariants[] = {
#include "f32-convgemm/f32-convgemm.inc"
};
#undef RVPACK_UKERNEL
#define NVARIANTS RVV_TEST_COUNT(kVariants)

static const size_t kExactK[] = {1, 2, 3, 4, 5, 7, 8, 9, 16, 17};  // around the K unroll (4)
static const size_t kFloatK[] = {1, 7, 64, 97};

static struct rvv_test_guarded g_w, g_b, g_bias, g_in, g_packed;

// The kernel's operand: the m plain weight rows and biases packed into one
// block of MR rows, ending right before a guard page (the kernel must read
// exactly the block).
static float* packed_block(const struct variant* v, size_t m, size_t k, const float* w, size_t w_stride,
                           const float* bias) {
  float* packed = rvv_test_guarded_tail(&g_packed, rvpack_f32_convgemm_packed_floats(v->mr, m, k) * sizeof(float));
  rvpack_f32_convgemm_pack_weights(v->mr, m, k, w, w_stride, bias, packed);
  return packed;
}

// ---------------------------------------------------------------------------
// exact / float: each kernel against the scalar reference.

struct gemm_case {
  const struct variant* v;
  size_t nr, m, n, k;
  const struct rvv_test_clamp* clamp;
  int padded;  // w_stride, b_stride, c_stride larger than needed
  int with_bias;
  int float_data;
};

// The case, as FAIL lines name it.
static const char* case_str(const struct gemm_case* cs) {
  static char buf[320];
  snprintf(buf, sizeof buf, "%s nr=%zu m=%zu n=%zu k=%zu clamp=%s strides=%s bias=%s data=%s", cs->v->name, cs->nr,
           cs->m, cs->n, cs->k, cs->clamp->name, cs->padded ? "padded" : "dense", cs->with_bias ? "yes" : "NULL",
           cs->float_data ? "float" : "int");
  return buf;
}

// Returns 1 if the case passed.
static int run_gemm_case(const struct gemm_case* cs) {
  const size_t m = cs->m, n = cs->n, k = cs->k;
  const size_t w_elems = cs->padded ? k + 3 : k;
  const size_t b_elems = cs->padded ? n + 5 : n;
  const size_t c_elems = cs->padded ? n + 7 : n;

  // Weights: m rows, B: k rows; the last row of each ends at a guard page,
  // the padding of the others holds NaNs.
  // Small-integer data is also kept as integers (wi, bi) for the plain loop.
  float* w = rvv_test_guarded_tail(&g_w, ((m - 1) * w_elems + k) * sizeof(float));
  int* wi = rvv_test_xmalloc(m * k * sizeof(int));
  int* bi = rvv_test_xmalloc(k * n * sizeof(int));
  for (size_t i = 0; i < m; i++) {
    for (size_t kk = 0; kk < w_elems; kk++) {
      if (kk < k) {
        wi[i * k + kk] = (int) (rvv_test_rng_next() % 9) - 4;
        w[i * w_elems + kk] = cs->float_data ? rvv_test_rand_unit() : (float) wi[i * k + kk];
      } else if (i + 1 < m) {
        w[i * w_elems + kk] = NAN;
      }
    }
  }
  float* b = rvv_test_guarded_tail(&g_b, ((k - 1) * b_elems + n) * sizeof(float));
  for (size_t kk = 0; kk < k; kk++) {
    for (size_t j = 0; j < b_elems; j++) {
      if (j < n) {
        bi[kk * n + j] = (int) (rvv_test_rng_next() % 9) - 4;
        b[kk * b_elems + j] = cs->float_data ? rvv_test_rand_unit() : (float) bi[kk * n + j];
      } else if (kk + 1 < k) {
        b[kk * b_elems + j] = NAN;
      }
    }
  }
  float* bias = NULL;
  if (cs->with_bias) {
    bias = rvv_test_guarded_tail(&g_bias, m * sizeof(float));
    for (size_t i = 0; i < m; i++) {
      bias[i] = cs->float_data ? rvv_test_rand_unit() : rvv_test_rand_int(-16, 16);
    }
  }

  const size_t c_total = 2 * RVV_TEST_MARGIN + m * c_elems;
  float* c_ref = rvv_test_sentinel_floats(c_total);
  float* c_ukr = rvv_test_sentinel_floats(c_total);
  const struct rvpack_f32_minmax_params params = rvpack_f32_minmax_params_init(cs->clamp->min, cs->clamp->max);
  rvpack_f32_convgemm_minmax_reference__scalar(m, n, k * sizeof(float), w, w_elems * sizeof(float), b,
                                               b_elems * sizeof(float), bias, c_ref + RVV_TEST_MARGIN,
                                               c_elems * sizeof(float), &params);
  const float* packed = packed_block(cs->v, m, k, w, w_elems * sizeof(float), bias);
  cs->v->fn(m, n, k * sizeof(float), packed, b, b_elems * sizeof(float), c_ukr + RVV_TEST_MARGIN,
            c_elems * sizeof(float), &params);

  int ok = 1;
  // The reference against a plain double-precision loop; the kernel against
  // the reference, bit for bit (same fma order), for both kinds of data.
  for (size_t i = 0; i < m && ok; i++) {
    for (size_t j = 0; j < n && ok; j++) {
      const size_t at = RVV_TEST_MARGIN + i * c_elems + j;
      double acc = bias != NULL ? bias[i] : 0.0, mag = fabs(acc);
      if (!cs->float_data) {
        // In integers: exact, and fast (QEMU emulates every FP operation).
        // Not auto-vectorised: QEMU 7.2 aborts on the code clang makes of it.
        long iacc = (long) acc;
#pragma clang loop vectorize(disable) interleave(disable)
        for (size_t kk = 0; kk < k; kk++) {
          iacc += (long) wi[i * k + kk] * (long) bi[kk * n + j];
        }
        acc = (double) iacc;
      } else {
        for (size_t kk = 0; kk < k; kk++) {
          const double term = (double) w[i * w_elems + kk] * (double) b[kk * b_elems + j];
          acc += term;
          mag += fabs(term);
        }
      }
      const double want = fmin(fmax(acc, cs->clamp->min), cs->clamp->max);
      // float32 rounding of k + 1 terms with fma: 1e-6 * (k + 1) bounds it.
      const double tol = cs->float_data ? 1e-6 * (double) (k + 1) * mag + 1e-30 : 0.0;
      if (!(fabs((double) c_ref[at] - want) <= tol)) {
        rvv_test_fail("%s: reference c[%zu][%zu] = %.9g, plain loop %.9g, tolerance %.3g", case_str(cs), i, j,
                      c_ref[at], want, tol);
        ok = 0;
      } else if (!rvv_test_same_bits(c_ukr[at], c_ref[at])) {
        rvv_test_fail("%s: c[%zu][%zu] = %.9g, expected %.9g", case_str(cs), i, j, c_ukr[at], c_ref[at]);
        ok = 0;
      }
    }
  }
  // Nothing outside the output may change.
  const size_t stray = rvv_test_first_stray_write(c_ref, c_ukr, c_total);
  if (ok && stray < c_total) {
    const long rel = (long) stray - RVV_TEST_MARGIN;
    rvv_test_fail("%s: wrote %.9g outside the output, at float offset %ld from c (row %ld, column %ld)", case_str(cs),
                  c_ukr[stray], rel, rel < 0 ? -1 : rel / (long) c_elems, rel < 0 ? rel : rel % (long) c_elems);
    ok = 0;
  }
  free(wi);
  free(bi);
  free(c_ref);
  free(c_ukr);
  return ok;
}

static int run_gemm_tests(int float_data, const char* filter) {
  const struct rvv_test_clamp* clamps = float_data ? rvv_test_clamps_float : rvv_test_clamps_exact;
  const size_t nclamps = float_data ? RVV_TEST_COUNT(rvv_test_clamps_float) : RVV_TEST_COUNT(rvv_test_clamps_exact);
  const size_t* ks = float_data ? kFloatK : kExactK;
  const size_t nks = float_data ? RVV_TEST_COUNT(kFloatK) : RVV_TEST_COUNT(kExactK);
  // Layouts: clamp x (dense, padded) x (bias, NULL).
  const size_t nlayouts = nclamps * 4;
  for (size_t vi = 0; vi < NVARIANTS; vi++) {
    const struct variant* v = &kVariants[vi];
    if (filter != NULL && strstr(v->name, filter) == NULL) {
      continue;
    }
    const size_t nr = v->lmul * rvv_test_vlenb() / sizeof(float);
    if (nr != rvpack_f32_convgemm_rvv_nr(v->lmul)) {
      rvv_test_fail("%s: rvpack_f32_convgemm_rvv_nr(%zu) = %zu, expected %zu", v->name, v->lmul,
                    rvpack_f32_convgemm_rvv_nr(v->lmul), nr);
      rvv_test_failed++;
    }
    // n: 1 .. NR + 1 and 2 * NR + 3 (exact); around the vector edges (float).
    size_t ns[1024], nns = 0;
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
        // At the vector edges: every k x layout for m = 1 and MR (n <= NR + 1),
        // every k with one layout taking turns for the m in between and for
        // n = 2 NR + 3. For the n in
        // between (partial vectors): one m and a third of the k values
        // taking turns, each with one layout taking turns. So every m, k
        // and layout meets full and partial vectors somewhere.
        const int edge = float_data || n <= 3 || n + 1 >= nr;
        const int all_layouts = edge && (m == 1 || m == v->mr) && (float_data || n <= nr + 1);
        if (!edge && n % v->mr + 1 != m) {
          continue;
        }
        for (size_t ki = 0; ki < nks; ki++) {
          if (!edge && (n + ki) % 3 != 0) {
            continue;
          }
          for (size_t li = 0; li < nlayouts; li++) {
            const size_t turn = m + n + ki;
            if (!all_layouts && (turn + ki / 2) % nlayouts != li) {
              continue;
            }
            const size_t ci = li / 4;
            const int padded = (int) (li / 2 % 2), with_bias = (int) (li % 2);
            // float: no clamp with dense strides, clip with padded ones;
            // bias and NULL taking turns over k.
            if (float_data && ((size_t) padded != ci % 2 || (size_t) with_bias != (ki + ci) % 2)) {
              continue;
            }
            const struct gemm_case cs = {v, nr, m, n, ks[ki], &clamps[ci], padded, with_bias, float_data};
            cases++;
            if (!run_gemm_case(&cs)) {
              vfailed++;
            }
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

// ---------------------------------------------------------------------------
// im2col: the packers against a direct loop.

struct conv_shape {
  size_t c, h, w;
  size_t kh, kw, sh, sw, dh, dw;
  size_t pt, pl, pb, pr;
};

// Output size; 0 if the kernel does not fit the padded image.
static size_t out_size(size_t in, size_t k, size_t s, size_t d, size_t pa, size_t pb) {
  const size_t span = d * (k - 1) + 1;
  return in + pa + pb < span ? 0 : (in + pa + pb - span) / s + 1;
}

static struct rvpack_im2col_params im2col_params(const struct conv_shape* s) {
  struct rvpack_im2col_params p = {
      .channels = s->c,
      .input_height = s->h,
      .input_width = s->w,
      .kernel_height = s->kh,
      .kernel_width = s->kw,
      .stride_height = s->sh,
      .stride_width = s->sw,
      .dilation_height = s->dh,
      .dilation_width = s->dw,
      .pad_top = s->pt,
      .pad_left = s->pl,
      .output_height = out_size(s->h, s->kh, s->sh, s->dh, s->pt, s->pb),
      .output_width = out_size(s->w, s->kw, s->sw, s->dw, s->pl, s->pr),
  };
  return p;
}

// The image element under kernel tap (kh, kw) of output pixel (oh, ow), by
// the textbook formula in signed arithmetic; 0 in the padding.
static float direct_tap(const struct conv_shape* s, const float* in, size_t ic, size_t kh, size_t kw, size_t oh,
                        size_t ow) {
  const long ih = (long) (oh * s->sh) - (long) s->pt + (long) (kh * s->dh);
  const long iw = (long) (ow * s->sw) - (long) s->pl + (long) (kw * s->dw);
  if (ih < 0 || iw < 0 || ih >= (long) s->h || iw >= (long) s->w) {
    return 0.0f;
  }
  return in[(ic * s->h + (size_t) ih) * s->w + (size_t) iw];
}

// `what` on the pixels [p0, p0 + pc) of the shape, as FAIL lines name it.
static const char* shape_str(const struct conv_shape* s, const char* what, size_t p0, size_t pc) {
  static char buf[512];
  snprintf(buf, sizeof buf,
           "%s C=%zu H=%zu W=%zu kernel=%zux%zu stride=%zux%zu dilation=%zux%zu pads(t,l,b,r)=%zu,%zu,%zu,%zu "
           "pixels=[%zu,+%zu)",
           what, s->c, s->h, s->w, s->kh, s->kw, s->sh, s->sw, s->dh, s->dw, s->pt, s->pl, s->pb, s->pr, p0, pc);
  return buf;
}

// The image: [C][H][W] nonzero integers, ending at a guard page.
static float* make_input(const struct conv_shape* s, int lo, int hi) {
  const size_t count = s->c * s->h * s->w;
  float* in = rvv_test_guarded_tail(&g_in, count * sizeof(float));
  for (size_t i = 0; i < count; i++) {
    float x;
    do {
      x = rvv_test_rand_int(lo, hi);
    } while (x == 0.0f);
    in[i] = x;
  }
  return in;
}

// Packs one pixel window with both packers (padded stride when `padded`) and
// checks them. Returns 1 if it passed.
static int check_im2col_window(const struct conv_shape* s, const float* in, size_t p0, size_t pc, int padded) {
  const struct rvpack_im2col_params p = im2col_params(s);
  const size_t k = rvpack_im2col_nchw_rows(&p);
  const size_t stride = padded ? pc + 3 : pc;
  const size_t total = 2 * RVV_TEST_MARGIN + k * stride;
  float* ref = rvv_test_sentinel_floats(total);
  float* vec = rvv_test_sentinel_floats(total);
  rvpack_f32_im2col_nchw__scalar(&p, in, p0, pc, ref + RVV_TEST_MARGIN, stride * sizeof(float));
  rvpack_f32_im2col_nchw__rvv(&p, in, p0, pc, vec + RVV_TEST_MARGIN, stride * sizeof(float));
  int ok = 1;
  for (size_t ic = 0; ic < s->c && ok; ic++) {
    for (size_t kh = 0; kh < s->kh && ok; kh++) {
      for (size_t kw = 0; kw < s->kw && ok; kw++) {
        const size_t row = (ic * s->kh + kh) * s->kw + kw;
        for (size_t j = 0; j < pc && ok; j++) {
          const size_t px = p0 + j, oh = px / p.output_width, ow = px % p.output_width;
          const float want = direct_tap(s, in, ic, kh, kw, oh, ow);
          const float got = ref[RVV_TEST_MARGIN + row * stride + j];
          if (!rvv_test_same_bits(got, want)) {
            rvv_test_fail("%s: row %zu (ic %zu kh %zu kw %zu) pixel %zu = %g, expected %g",
                          shape_str(s, "im2col scalar", p0, pc), row, ic, kh, kw, px, got, want);
            ok = 0;
          }
        }
      }
    }
  }
  for (size_t i = 0; i < total && ok; i++) {
    const long at = (long) i - RVV_TEST_MARGIN;  // float offset from the panel
    const int inside = at >= 0 && (size_t) at < k * stride && (size_t) at % stride < pc;
    if (!inside && !rvv_test_is_sentinel(ref[i])) {
      rvv_test_fail("%s: wrote outside the panel at float offset %ld", shape_str(s, "im2col scalar", p0, pc), at);
      ok = 0;
    } else if (!rvv_test_same_bits(vec[i], ref[i])) {
      rvv_test_fail("%s: float offset %ld = %g, scalar packer %g", shape_str(s, "im2col rvv", p0, pc), at, vec[i],
                    ref[i]);
      ok = 0;
    }
  }
  free(ref);
  free(vec);
  return ok;
}

static int run_im2col_tests(void) {
  static const size_t kImages[][3] = {{1, 1, 1}, {2, 2, 3}, {1, 5, 4}, {2, 7, 7}, {1, 4, 9}};  // C, H, W
  static const size_t kKernels[][2] = {{1, 1}, {3, 3}, {5, 5}, {2, 3}, {1, 3}};
  static const size_t kStrides[][2] = {{1, 1}, {2, 2}, {2, 1}, {1, 3}};
  static const size_t kDilations[][2] = {{1, 1}, {2, 2}, {1, 2}};
  static const size_t kPads[][4] = {{0, 0, 0, 0}, {1, 1, 1, 1}, {2, 2, 2, 2}, {1, 0, 0, 1},
                                    {0, 2, 1, 0}, {2, 1, 0, 2}, {0, 0, 2, 2}, {3, 0, 0, 3}};  // t, l, b, r
  size_t shapes = 0, windows = 0;
  for (size_t ii = 0; ii < RVV_TEST_COUNT(kImages); ii++) {
    for (size_t ki = 0; ki < RVV_TEST_COUNT(kKernels); ki++) {
      for (size_t si = 0; si < RVV_TEST_COUNT(kStrides); si++) {
        for (size_t di = 0; di < RVV_TEST_COUNT(kDilations); di++) {
          for (size_t pi = 0; pi < RVV_TEST_COUNT(kPads); pi++) {
            const struct conv_shape s = {kImages[ii][0],    kImages[ii][1], kImages[ii][2], kKernels[ki][0],
                                         kKernels[ki][1],   kStrides[si][0], kStrides[si][1], kDilations[di][0],
                                         kDilations[di][1], kPads[pi][0],   kPads[pi][1],    kPads[pi][2],
                                         kPads[pi][3]};
            const struct rvpack_im2col_params p = im2col_params(&s);
            const size_t pixels = p.output_height * p.output_width;
            if (pixels == 0) {
              continue;
            }
            shapes++;
            const float* in = make_input(&s, -999, 999);
            // Windows: the whole image, one pixel at each end, one that
            // crosses an output-row boundary, one from the middle.
            size_t win[5][2], nwin = 0;
            win[nwin][0] = 0, win[nwin][1] = pixels, nwin++;
            win[nwin][0] = 0, win[nwin][1] = 1, nwin++;
            win[nwin][0] = pixels - 1, win[nwin][1] = 1, nwin++;
            if (pixels > 2) {
              const size_t start = p.output_width > 1 ? p.output_width - 1 : 1;
              win[nwin][0] = start, win[nwin][1] = pixels - start < 3 ? pixels - start : 3, nwin++;
              win[nwin][0] = pixels / 3, win[nwin][1] = pixels / 2, nwin++;
            }
            for (size_t w = 0; w < nwin; w++) {
              windows++;
              rvv_test_record(check_im2col_window(&s, in, win[w][0], win[w][1], (int) ((shapes + w) % 2)));
            }
          }
        }
      }
    }
  }
  printf("im2col shapes %zu windows %zu\n", shapes, windows);
  return rvv_test_summary("im2col");
}

// ---------------------------------------------------------------------------
// conv: im2col + conv-GEMM, driven as an operator would, against a direct
// NCHW convolution.

struct conv_case {
  struct conv_shape s;
  size_t oc;
  int with_bias;
  const struct rvv_test_clamp* clamp;
};

// y[oc][oh][ow] of a direct convolution (double accumulation: exact for
// small integers), clamped.
static void direct_conv(const struct conv_case* cc, const float* in, const float* w, const float* bias,
                        size_t oh_n, size_t ow_n, float* y) {
  const struct conv_shape* s = &cc->s;
  for (size_t o = 0; o < cc->oc; o++) {
    for (size_t oh = 0; oh < oh_n; oh++) {
      for (size_t ow = 0; ow < ow_n; ow++) {
        double acc = bias != NULL ? bias[o] : 0.0;
        for (size_t ic = 0; ic < s->c; ic++) {
          for (size_t kh = 0; kh < s->kh; kh++) {
            for (size_t kw = 0; kw < s->kw; kw++) {
              acc += (double) w[((o * s->c + ic) * s->kh + kh) * s->kw + kw] *
                     (double) direct_tap(s, in, ic, kh, kw, oh, ow);
            }
          }
        }
        y[(o * oh_n + oh) * ow_n + ow] = (float) fmin(fmax(acc, cc->clamp->min), cc->clamp->max);
      }
    }
  }
}

// The driver loop (see include/rvpack_rvv/convgemm.h): panels of `panel`
// pixels; for a 1x1, stride-1, unpadded conv the input is B itself.
static void conv_with_kernel(const struct variant* v, const struct conv_case* cc, const float* in, const float* w,
                             const float* bias, size_t panel, float* scratch, float* y) {
  const struct conv_shape* s = &cc->s;
  const struct rvpack_im2col_params p = im2col_params(s);
  const size_t pixels = p.output_height * p.output_width;
  const size_t k = rvpack_im2col_nchw_rows(&p);
  const int direct = s->kh == 1 && s->kw == 1 && s->sh == 1 && s->sw == 1 && s->pt + s->pl + s->pb + s->pr == 0;
  const struct rvpack_f32_minmax_params params = rvpack_f32_minmax_params_init(cc->clamp->min, cc->clamp->max);
  float* packed = rvv_test_xmalloc(rvpack_f32_convgemm_packed_floats(v->mr, cc->oc, k) * sizeof(float));
  rvpack_f32_convgemm_pack_weights(v->mr, cc->oc, k, w, k * sizeof(float), bias, packed);
  for (size_t p0 = 0; p0 < pixels; p0 += panel) {
    const size_t pc = pixels - p0 < panel ? pixels - p0 : panel;
    const float* b = in + p0;
    size_t b_stride = s->h * s->w * sizeof(float);
    if (!direct) {
      rvpack_f32_im2col_nchw__rvv(&p, in, p0, pc, scratch, panel * sizeof(float));
      b = scratch;
      b_stride = panel * sizeof(float);
    }
    for (size_t oc0 = 0; oc0 < cc->oc; oc0 += v->mr) {
      const size_t mr = cc->oc - oc0 < v->mr ? cc->oc - oc0 : v->mr;
      v->fn(mr, pc, k * sizeof(float), packed + oc0 * (k + 1), b, b_stride, y + oc0 * pixels + p0,
            pixels * sizeof(float), &params);
    }
  }
  free(packed);
}

static int run_conv_tests(const char* filter) {
  static const struct conv_case kCases[] = {
      // C, H, W, KH, KW, SH, SW, DH, DW, pads t, l, b, r; OC, bias, clamp
      {{5, 6, 6, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0}, 9, 1, &rvv_test_clamps_exact[0]},   // 1x1: B is the input
      {{3, 7, 5, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0}, 4, 0, &rvv_test_clamps_exact[1]},   // 1x1 stride 2
      {{3, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1}, 10, 1, &rvv_test_clamps_exact[1]},  // 3x3 same, ReLU
      {{4, 9, 11, 3, 3, 2, 2, 1, 1, 1, 1, 0, 0}, 8, 1, &rvv_test_clamps_exact[0]},  // 3x3 stride 2, TF-style pads
      {{2, 6, 6, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2}, 3, 0, &rvv_test_clamps_exact[2]},   // 5x5 same, ReLU6
      {{3, 10, 10, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2}, 7, 1, &rvv_test_clamps_exact[0]}, // 3x3 dilation 2
      {{1, 5, 3, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0}, 2, 1, &rvv_test_clamps_exact[0]},   // valid: 3x1 output
      {{16, 12, 13, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1}, 17, 1, &rvv_test_clamps_exact[0]}, // K = 144, 156 pixels
  };
  size_t cases[NVARIANTS] = {0}, vfailed[NVARIANTS] = {0};
  // Cases outside, kernels inside: the direct convolution runs once per case.
  for (size_t ci = 0; ci < RVV_TEST_COUNT(kCases); ci++) {
    const struct conv_case* cc = &kCases[ci];
    const struct rvpack_im2col_params p = im2col_params(&cc->s);
    const size_t pixels = p.output_height * p.output_width, k = rvpack_im2col_nchw_rows(&p);
    const float* in = make_input(&cc->s, -3, 3);
    float* w = rvv_test_xmalloc(cc->oc * k * sizeof(float));
    float* bias = cc->with_bias ? rvv_test_xmalloc(cc->oc * sizeof(float)) : NULL;
    for (size_t i = 0; i < cc->oc * k; i++) {
      w[i] = rvv_test_rand_int(-3, 3);
    }
    for (size_t i = 0; cc->with_bias && i < cc->oc; i++) {
      bias[i] = rvv_test_rand_int(-20, 20);
    }
    float* want = rvv_test_xmalloc(cc->oc * pixels * sizeof(float));
    direct_conv(cc, in, w, bias, p.output_height, p.output_width, want);
    for (size_t vi = 0; vi < NVARIANTS; vi++) {
      const struct variant* v = &kVariants[vi];
      if (filter != NULL && strstr(v->name, filter) == NULL) {
        continue;
      }
      const size_t nr = v->lmul * rvv_test_vlenb() / sizeof(float);
      // Panel widths: the whole image, one vector, three vectors, 7 pixels.
      const size_t panels[] = {pixels, nr, 3 * nr, 7};
      for (size_t pi = 0; pi < RVV_TEST_COUNT(panels); pi++) {
        const size_t panel = panels[pi];
        float* scratch = rvv_test_xmalloc(k * panel * sizeof(float));
        const size_t y_total = 2 * RVV_TEST_MARGIN + cc->oc * pixels;
        float* y = rvv_test_sentinel_floats(y_total);
        conv_with_kernel(v, cc, in, w, bias, panel, scratch, y + RVV_TEST_MARGIN);
        int ok = 1;
        for (size_t i = 0; i < y_total && ok; i++) {
          const size_t at = i - RVV_TEST_MARGIN;
          const int inside = i >= RVV_TEST_MARGIN && at < cc->oc * pixels;
          if (inside ? !rvv_test_same_bits(y[i], want[at]) : !rvv_test_is_sentinel(y[i])) {
            rvv_test_fail("%s: OC=%zu y[%zu][%zu] = %g, expected %g", shape_str(&cc->s, v->name, 0, panel), cc->oc,
                          inside ? at / pixels : 0, inside ? at % pixels : at, y[i], inside ? want[at] : 0.0f);
            ok = 0;
          }
        }
        cases[vi]++;
        vfailed[vi] += !ok;
        free(scratch);
        free(y);
      }
    }
    free(w);
    free(bias);
    free(want);
  }
  for (size_t vi = 0; vi < NVARIANTS; vi++) {
    const struct variant* v = &kVariants[vi];
    if (cases[vi] != 0) {
      printf("variant %s mr %zu lmul %zu nr %zu cases %zu failed %zu\n", v->name, v->mr, v->lmul,
             v->lmul * rvv_test_vlenb() / sizeof(float), cases[vi], vfailed[vi]);
    }
    rvv_test_passed += cases[vi] - vfailed[vi];
    rvv_test_failed += vfailed[vi];
  }
  return rvv_test_summary("conv");
}

// pack: the RVV run-time packers write the same bytes as the scalar ones, for
// every MR of the registry, row counts around MR and K around the vector length,
// rows stored by rows (weights, with and without bias) and by columns (pixels).
static int run_pack_tests(void) {
  static const size_t kRows[] = {1, 2, 5, 7, 8, 9, 16, 29};
  static const size_t kK[] = {1, 3, 8, 17, 64};
  for (size_t vi = 0; vi < NVARIANTS; vi++) {
    const size_t mr = kVariants[vi].mr;
    for (size_t ri = 0; ri < RVV_TEST_COUNT(kRows); ri++) {
      for (size_t ki = 0; ki < RVV_TEST_COUNT(kK); ki++) {
        const size_t rows = kRows[ri], k = kK[ki], stride = k + 3, n = rvpack_f32_convgemm_packed_floats(mr, rows, k);
        float* src = rvv_test_xmalloc(rows * stride * sizeof(float));
        float* bias = rvv_test_xmalloc(rows * sizeof(float));
        for (size_t i = 0; i < rows * stride; i++) src[i] = rvv_test_rand_unit();
        for (size_t i = 0; i < rows; i++) bias[i] = rvv_test_rand_unit();
        float* want = rvv_test_sentinel_floats(n);
        float* got = rvv_test_sentinel_floats(n);
        for (int form = 0; form < 3; form++) {
          if (form < 2) {
            rvpack_f32_convgemm_pack_weights(mr, rows, k, src, stride * sizeof(float), form ? bias : NULL, want);
            rvpack_f32_convgemm_pack_weights__rvv(mr, rows, k, src, stride * sizeof(float), form ? bias : NULL, got);
          } else {  // src read by columns: K columns of `rows` contiguous floats
            rvpack_f32_convgemm_pack_columns(mr, rows, k, src, rows * sizeof(float), want);
            rvpack_f32_convgemm_pack_columns__rvv(mr, rows, k, src, rows * sizeof(float), got);
          }
          if (memcmp(want, got, n * sizeof(float)) == 0) {
            rvv_test_passed++;
          } else {
            rvv_test_fail("pack mr=%zu rows=%zu k=%zu form=%d: the RVV packer differs", mr, rows, k, form);
          }
        }
        free(src);
        free(bias);
        free(want);
        free(got);
      }
    }
  }
  return rvv_test_summary("pack");
}

int main(int argc, char** argv) {
  const char* mode = argc >= 2 ? argv[1] : "";
  const char* filter = argc == 3 ? argv[2] : NULL;
  const int known = strcmp(mode, "exact") == 0 || strcmp(mode, "float") == 0 || strcmp(mode, "im2col") == 0 ||
                    strcmp(mode, "conv") == 0 || strcmp(mode, "pack") == 0;
  if (!known || argc > 3) {
    fprintf(stderr, "usage: %s exact|float|im2col|conv|pack [NAME_SUBSTRING]\n", argv[0]);
    return 2;
  }
  g_w = rvv_test_guarded_new(64 * 1024);
  g_b = rvv_test_guarded_new(256 * 1024);
  g_bias = rvv_test_guarded_new(4096);
  g_packed = rvv_test_guarded_new(64 * 1024);
  g_in = rvv_test_guarded_new(64 * 1024);
  rvv_test_begin(0x12345678u);
  if (strcmp(mode, "im2col") == 0) {
    return run_im2col_tests();
  }
  if (strcmp(mode, "conv") == 0) {
    return run_conv_tests(filter);
  }
  if (strcmp(mode, "pack") == 0) {
    return run_pack_tests();
  }
  return run_gemm_tests(strcmp(mode, "float") == 0, filter);
}
