/* Vector f32 math for the RVV 1.0 elementwise kernels (private header).
 *
 * Static inline functions on vfloat32m4_t (LMUL 4: the longest of them keeps
 * about five register groups live, so eight groups of four registers never
 * spill). Each works lane by lane on the first vl lanes, so any VLEN works.
 *
 *   exp(x)      x = n ln2 + r, n = round(x / ln2) (the default rounding mode,
 *               round-to-nearest-even, which the runtime never changes),
 *               r by a Cody-Waite two-constant ln2 split with fused
 *               multiply-adds, exp(r) by a degree-6 near-minimax polynomial on
 *               |r| <= ln2/2, times 2^n built in the exponent bits (vsll) as two
 *               factors 2^(n/2) so that n in [-150, 128] needs no special case:
 *               x > 88.7228 gives +inf, x < -103.972 gives 0 and results in
 *               between that are subnormal are rounded once, not flushed.
 *               NaN passes through, -inf gives 0.
 *   log(x)      x = 2^k m, m in [sqrt(1/2), sqrt(2)) (subnormal x pre-scaled by
 *               2^23), log(m) = 2 atanh(s), s = (m - 1) / (m + 1), as
 *               2s + s^3 P(s^2) (degree-2 near-minimax P), plus k ln2 (split).
 *               log(+-0) = -inf, log(x < 0) = NaN, +inf and NaN pass through.
 *   sigmoid(x)  e = exp(-|x|); 1 / (1 + e) for x > 0, e / (1 + e) otherwise
 *               (one division): no overflow, and small results keep their
 *               relative accuracy (down into the subnormals).
 *   tanh(x)     |x| < 0.625: x + x^3 P(x^2) (degree-4 near-minimax P), so small
 *               inputs keep their relative accuracy; otherwise
 *               (1 - e) / (1 + e), e = exp(-2|x|); the sign of x is restored
 *               (tanh(-0) = -0), +-inf give +-1, NaN passes through.
 *
 * Polynomial coefficients: near-minimax fits of the relative error (weighted
 * least squares, Lawson iterations, double precision) rounded to f32.
 *
 * MEASURED max error against a double-precision reference, in units of the
 * f32 ulp at the reference (a subnormal reference counts ulps of 2^-149, so
 * subnormal results are not flushed to zero), by the "accuracy" mode of
 * tests/kernels/rvv_elementwise_test.c; tests/kernels/test_rvv_elementwise.py
 * reads the lines below and asserts that the measured maximum equals the
 * "measured" value (+-0.01) and stays within "bound":
 *   exp      measured 0.857 ulp, bound 1.0 ulp: 1M points on [-104, 89] + edge values
 *   log      measured 1.890 ulp, bound 2.0 ulp: 1M random positive finite floats
 *            (subnormals too) + 200k on [0.5, 2] + edge values
 *   sigmoid  measured 2.190 ulp, bound 2.5 ulp: 1M points on [-104, 104]
 *            + 200k on +-[2^-30, 1] + edge values
 *   tanh     measured 1.497 ulp, bound 2.0 ulp: 1M points on [-10, 10]
 *            + 200k on +-[2^-30, 1] + edge values
 * Special values (0, -0, +-inf, NaN, overflow and underflow edges) are
 * checked exactly by the same mode.
 */
#ifndef RVPACK_RVV_VMATH_RVV_H_
#define RVPACK_RVV_VMATH_RVV_H_

#include <riscv_vector.h>
#include <stddef.h>

/* p * r + c with one rounding; RVV has no .vf form with a scalar addend, so
 * c is broadcast first (vfmv.v.f is cheap and keeps no register live). */
static inline vfloat32m4_t rvpack_rvv_horner_f32m4(vfloat32m4_t p, vfloat32m4_t r, float c, size_t vl) {
  return __riscv_vfmacc_vv_f32m4(__riscv_vfmv_v_f_f32m4(c, vl), p, r, vl);
}

/* 2^n for integer n in [-126, 127], built in the exponent field. */
static inline vfloat32m4_t rvpack_rvv_exp2i_f32m4(vint32m4_t n, size_t vl) {
  const vint32m4_t bits = __riscv_vsll_vx_i32m4(__riscv_vadd_vx_i32m4(n, 127, vl), 23, vl);
  return __riscv_vreinterpret_v_i32m4_f32m4(bits);
}

static inline vfloat32m4_t rvpack_rvv_exp_f32m4(vfloat32m4_t x, size_t vl) {
  /* Clamped so n stays in [-150, 128]: beyond, the result is 0 or +inf anyway
   * (vfmax/vfmin drop NaN: it is put back at the end). */
  const vfloat32m4_t xc = __riscv_vfmin_vf_f32m4(__riscv_vfmax_vf_f32m4(x, -104.0f, vl), 89.0f, vl);
  const vint32m4_t n = __riscv_vfcvt_x_f_v_i32m4(__riscv_vfmul_vf_f32m4(xc, 0x1.715476p+0f, vl), vl);
  const vfloat32m4_t nf = __riscv_vfcvt_f_x_v_f32m4(n, vl);
  /* ln2 = 0x1.62e4p-1 + 0x1.7f7d1cp-20: n * hi is exact for |n| < 2^9. */
  vfloat32m4_t r = __riscv_vfnmsac_vf_f32m4(xc, 0x1.62e400p-1f, nf, vl);
  r = __riscv_vfnmsac_vf_f32m4(r, 0x1.7f7d1cp-20f, nf, vl);
  /* exp(r) ~ 1 + r + r^2 (c2 + c3 r + c4 r^2 + c5 r^3 + c6 r^4). */
  vfloat32m4_t p = __riscv_vfmacc_vf_f32m4(__riscv_vfmv_v_f_f32m4(0x1.123a76p-7f, vl), 0x1.6a2328p-10f, r, vl);
  p = rvpack_rvv_horner_f32m4(p, r, 0x1.5558f6p-5f, vl);
  p = rvpack_rvv_horner_f32m4(p, r, 0x1.555490p-3f, vl);
  p = rvpack_rvv_horner_f32m4(p, r, 0x1.fffffcp-2f, vl);
  p = rvpack_rvv_horner_f32m4(p, r, 1.0f, vl);
  p = rvpack_rvv_horner_f32m4(p, r, 1.0f, vl);
  /* 2^n = 2^(n - n/2) * 2^(n/2): both factors are normal for n in [-150, 128],
   * and the only rounding is the last multiply (overflow or a subnormal). */
  const vint32m4_t n1 = __riscv_vsra_vx_i32m4(n, 1, vl);
  const vint32m4_t n2 = __riscv_vsub_vv_i32m4(n, n1, vl);
  p = __riscv_vfmul_vv_f32m4(p, rvpack_rvv_exp2i_f32m4(n2, vl), vl);
  p = __riscv_vfmul_vv_f32m4(p, rvpack_rvv_exp2i_f32m4(n1, vl), vl);
  return __riscv_vmerge_vvm_f32m4(p, x, __riscv_vmfne_vv_f32m4_b8(x, x, vl), vl);
}

static inline vfloat32m4_t rvpack_rvv_log_f32m4(vfloat32m4_t x, size_t vl) {
  /* Subnormals (and zeros/negatives, replaced below) are scaled by 2^23. */
  const vbool8_t tiny = __riscv_vmflt_vf_f32m4_b8(x, 0x1p-126f, vl);
  const vfloat32m4_t xs = __riscv_vfmul_vf_f32m4_mu(tiny, x, x, 0x1p23f, vl);
  /* k = exponent of x relative to sqrt(1/2) (0x3f3504f3), m = x / 2^k. */
  const vint32m4_t bits = __riscv_vreinterpret_v_f32m4_i32m4(xs);
  vint32m4_t k = __riscv_vsra_vx_i32m4(__riscv_vsub_vx_i32m4(bits, 0x3f3504f3, vl), 23, vl);
  const vfloat32m4_t m =
      __riscv_vreinterpret_v_i32m4_f32m4(__riscv_vsub_vv_i32m4(bits, __riscv_vsll_vx_i32m4(k, 23, vl), vl));
  k = __riscv_vsub_vx_i32m4_mu(tiny, k, k, 23, vl);
  const vfloat32m4_t kf = __riscv_vfcvt_f_x_v_f32m4(k, vl);
  /* m - 1 is exact (Sterbenz); s in [-0.172, 0.172]. */
  const vfloat32m4_t s =
      __riscv_vfdiv_vv_f32m4(__riscv_vfsub_vf_f32m4(m, 1.0f, vl), __riscv_vfadd_vf_f32m4(m, 1.0f, vl), vl);
  const vfloat32m4_t s2 = __riscv_vfmul_vv_f32m4(s, s, vl);
  vfloat32m4_t p = __riscv_vfmacc_vf_f32m4(__riscv_vfmv_v_f_f32m4(0x1.995e92p-2f, vl), 0x1.31e7dep-2f, s2, vl);
  p = rvpack_rvv_horner_f32m4(p, s2, 0x1.55557ap-1f, vl);
  vfloat32m4_t y = __riscv_vfmacc_vv_f32m4(__riscv_vfadd_vv_f32m4(s, s, vl), __riscv_vfmul_vv_f32m4(s, s2, vl), p, vl);
  /* + k ln2 (hi part exact: k has at most 8 bits). */
  y = __riscv_vfmacc_vf_f32m4(y, 0x1.7f7d1cp-20f, kf, vl);
  y = __riscv_vfmacc_vf_f32m4(y, 0x1.62e400p-1f, kf, vl);
  y = __riscv_vfmerge_vfm_f32m4(y, -__builtin_inff(), __riscv_vmfeq_vf_f32m4_b8(x, 0.0f, vl), vl);
  y = __riscv_vfmerge_vfm_f32m4(y, __builtin_nanf(""), __riscv_vmflt_vf_f32m4_b8(x, 0.0f, vl), vl);
  /* +inf and NaN: not below +inf. */
  const vbool8_t special = __riscv_vmnot_m_b8(__riscv_vmflt_vf_f32m4_b8(x, __builtin_inff(), vl), vl);
  return __riscv_vmerge_vvm_f32m4(y, x, special, vl);
}

static inline vfloat32m4_t rvpack_rvv_sigmoid_f32m4(vfloat32m4_t x, size_t vl) {
  const vfloat32m4_t e = rvpack_rvv_exp_f32m4(__riscv_vfsgnj_vf_f32m4(x, -1.0f, vl), vl); /* exp(-|x|) */
  const vfloat32m4_t num = __riscv_vfmerge_vfm_f32m4(e, 1.0f, __riscv_vmfgt_vf_f32m4_b8(x, 0.0f, vl), vl);
  return __riscv_vfdiv_vv_f32m4(num, __riscv_vfadd_vf_f32m4(e, 1.0f, vl), vl);
}

static inline vfloat32m4_t rvpack_rvv_tanh_f32m4(vfloat32m4_t x, size_t vl) {
  const vfloat32m4_t ax = __riscv_vfabs_v_f32m4(x, vl);
  /* Large |x|: (1 - e) / (1 + e) with e = exp(-2|x|) <= exp(-1.25): 1 - e
   * loses at most a bit to cancellation there. */
  const vfloat32m4_t e = rvpack_rvv_exp_f32m4(__riscv_vfmul_vf_f32m4(ax, -2.0f, vl), vl);
  const vfloat32m4_t big =
      __riscv_vfdiv_vv_f32m4(__riscv_vfrsub_vf_f32m4(e, 1.0f, vl), __riscv_vfadd_vf_f32m4(e, 1.0f, vl), vl);
  /* Small |x|: |x| + |x|^3 P(x^2). */
  const vfloat32m4_t x2 = __riscv_vfmul_vv_f32m4(ax, ax, vl);
  vfloat32m4_t p = __riscv_vfmacc_vf_f32m4(__riscv_vfmv_v_f_f32m4(0x1.52268ap-6f, vl), -0x1.75e17ap-8f, x2, vl);
  p = rvpack_rvv_horner_f32m4(p, x2, -0x1.b83c58p-5f, vl);
  p = rvpack_rvv_horner_f32m4(p, x2, 0x1.110726p-3f, vl);
  p = rvpack_rvv_horner_f32m4(p, x2, -0x1.555532p-2f, vl);
  const vfloat32m4_t small = __riscv_vfmacc_vv_f32m4(ax, __riscv_vfmul_vv_f32m4(ax, x2, vl), p, vl);
  const vfloat32m4_t y = __riscv_vmerge_vvm_f32m4(big, small, __riscv_vmflt_vf_f32m4_b8(ax, 0.625f, vl), vl);
  return __riscv_vfsgnj_vv_f32m4(y, x, vl);
}

#endif /* RVPACK_RVV_VMATH_RVV_H_ */
