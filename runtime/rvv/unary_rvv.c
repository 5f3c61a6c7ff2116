/* Unary elementwise ops / activations on RISC-V Vector 1.0:
 * y[i] = act(x[i]), strip-mined over i with vsetvl (LMUL 4, any VLEN).
 *
 * Every kind has a vector loop except ERF (and unknown kinds), which run
 * rvpack_f32_activate per element. The piecewise-linear kinds, NEG, ABS,
 * SQRT, RECIPROCAL, FLOOR and CEIL give the scalar kernel's results bit for
 * bit (comparisons and merges rather than vfmin/vfmax, so NaN and -0 behave
 * as in the scalar code; HARD_SIGMOID uses a fused multiply-add as the scalar
 * code compiled with clang's default -ffp-contract=on does; HARD_SWISH
 * divides by 6 like the scalar code). EXP, LOG, SIGMOID, TANH, ELU and
 * SOFTPLUS use vmath_rvv.h (errors documented there). x == y is allowed. */
#include <riscv_vector.h>
#include <stddef.h>

#include "rvpack/kernels_rvv.h"
#include "vmath_rvv.h"

/* y[i] = EXPR for i < n, EXPR computed from the vector vx of x values (it may
 * use vl). x and y are advanced. */
#define RVPACK_RVV_UNARY_LOOP(EXPR)                               \
  for (size_t vl; n > 0; n -= vl, x += vl, y += vl) {             \
    vl = __riscv_vsetvl_e32m4(n);                                 \
    const vfloat32m4_t vx = __riscv_vle32_v_f32m4(x, vl);         \
    __riscv_vse32_v_f32m4(y, (EXPR), vl);                         \
  }

/* x < lo ? lo : (x > hi ? hi : x): NaN stays NaN, lo wins if lo > hi. */
static inline vfloat32m4_t clamp_f32m4(vfloat32m4_t v, float lo, float hi, size_t vl) {
  const vbool8_t below = __riscv_vmflt_vf_f32m4_b8(v, lo, vl);
  v = __riscv_vfmerge_vfm_f32m4(v, hi, __riscv_vmfgt_vf_f32m4_b8(v, hi, vl), vl);
  return __riscv_vfmerge_vfm_f32m4(v, lo, below, vl);
}

/* x < 0 ? 0 : x (keeps -0 and NaN, unlike vfmax). */
static inline vfloat32m4_t relu_f32m4(vfloat32m4_t v, size_t vl) {
  return __riscv_vfmerge_vfm_f32m4(v, 0.0f, __riscv_vmflt_vf_f32m4_b8(v, 0.0f, vl), vl);
}

/* floor (up = 0) or ceil (up = 1): round |x| < 2^23 to an integer through
 * int32 (current rounding mode: any mode lands within 1), step by one where
 * that went the wrong way, keep the sign of x (floor and ceil never change
 * it: ceil(-0.5) = -0). Larger |x|, infinities and NaN are already integral
 * and pass through. (Not vfcvt.rtz: QEMU 7.2 user mode aborts translating it.) */
static inline vfloat32m4_t round_f32m4(vfloat32m4_t v, int up, size_t vl) {
  const vbool8_t small = __riscv_vmflt_vf_f32m4_b8(__riscv_vfabs_v_f32m4(v, vl), 0x1p23f, vl);
  vfloat32m4_t t = __riscv_vfcvt_f_x_v_f32m4(__riscv_vfcvt_x_f_v_i32m4(v, vl), vl);
  if (up) {
    t = __riscv_vfadd_vf_f32m4_mu(__riscv_vmflt_vv_f32m4_b8(t, v, vl), t, t, 1.0f, vl);
  } else {
    t = __riscv_vfsub_vf_f32m4_mu(__riscv_vmfgt_vv_f32m4_b8(t, v, vl), t, t, 1.0f, vl);
  }
  t = __riscv_vfsgnj_vv_f32m4(t, v, vl);
  return __riscv_vmerge_vvm_f32m4(v, t, small, vl);
}

/* x >= 0 ? x : a * (exp(x) - 1), the scalar formula. */
static inline vfloat32m4_t elu_f32m4(vfloat32m4_t v, float a, size_t vl) {
  const vfloat32m4_t em1 = __riscv_vfsub_vf_f32m4(rvpack_rvv_exp_f32m4(v, vl), 1.0f, vl);
  return __riscv_vmerge_vvm_f32m4(v, __riscv_vfmul_vf_f32m4(em1, a, vl), __riscv_vmflt_vf_f32m4_b8(v, 0.0f, vl),
                                  vl);
}

/* Same formula as the scalar kernel: l = log(1 + exp(-|x|)), x > 0 ? x + l : l. */
static inline vfloat32m4_t softplus_f32m4(vfloat32m4_t v, size_t vl) {
  const vfloat32m4_t e = rvpack_rvv_exp_f32m4(__riscv_vfsgnj_vf_f32m4(v, -1.0f, vl), vl);
  const vfloat32m4_t l = rvpack_rvv_log_f32m4(__riscv_vfadd_vf_f32m4(e, 1.0f, vl), vl);
  return __riscv_vfadd_vv_f32m4_mu(__riscv_vmfgt_vf_f32m4_b8(v, 0.0f, vl), l, l, v, vl);
}

static void copy_f32(size_t n, const float* x, float* y) {
  for (size_t vl; n > 0; n -= vl, x += vl, y += vl) {
    vl = __riscv_vsetvl_e32m8(n);
    __riscv_vse32_v_f32m8(y, __riscv_vle32_v_f32m8(x, vl), vl);
  }
}

void rvpack_f32_unary__rvv(size_t n, const float* x, float* y, const rvpack_activation_t* act) {
  const float a = act->a, b = act->b;
  switch (act->kind) {
    case RVPACK_ACT_NONE:
      if (x != y) copy_f32(n, x, y);
      return;
    case RVPACK_ACT_RELU:
      RVPACK_RVV_UNARY_LOOP(relu_f32m4(vx, vl))
      return;
    case RVPACK_ACT_CLAMP:
      RVPACK_RVV_UNARY_LOOP(clamp_f32m4(vx, a, b, vl))
      return;
    case RVPACK_ACT_LEAKY_RELU:
      RVPACK_RVV_UNARY_LOOP(__riscv_vfmul_vf_f32m4_mu(__riscv_vmflt_vf_f32m4_b8(vx, 0.0f, vl), vx, vx, a, vl))
      return;
    case RVPACK_ACT_SIGMOID:
      RVPACK_RVV_UNARY_LOOP(rvpack_rvv_sigmoid_f32m4(vx, vl))
      return;
    case RVPACK_ACT_TANH:
      RVPACK_RVV_UNARY_LOOP(rvpack_rvv_tanh_f32m4(vx, vl))
      return;
    case RVPACK_ACT_HARD_SIGMOID: /* clamp(a * x + b, 0, 1), fused like the scalar build */
      RVPACK_RVV_UNARY_LOOP(clamp_f32m4(__riscv_vfmadd_vf_f32m4(vx, a, __riscv_vfmv_v_f_f32m4(b, vl), vl), 0.0f,
                                        1.0f, vl))
      return;
    case RVPACK_ACT_HARD_SWISH: /* x * clamp(x / 6 + 0.5, 0, 1) */
      RVPACK_RVV_UNARY_LOOP(__riscv_vfmul_vv_f32m4(
          vx, clamp_f32m4(__riscv_vfadd_vf_f32m4(__riscv_vfdiv_vf_f32m4(vx, 6.0f, vl), 0.5f, vl), 0.0f, 1.0f, vl),
          vl))
      return;
    case RVPACK_ACT_EXP:
      RVPACK_RVV_UNARY_LOOP(rvpack_rvv_exp_f32m4(vx, vl))
      return;
    case RVPACK_ACT_LOG:
      RVPACK_RVV_UNARY_LOOP(rvpack_rvv_log_f32m4(vx, vl))
      return;
    case RVPACK_ACT_SQRT:
      RVPACK_RVV_UNARY_LOOP(__riscv_vfsqrt_v_f32m4(vx, vl))
      return;
    case RVPACK_ACT_NEG:
      RVPACK_RVV_UNARY_LOOP(__riscv_vfneg_v_f32m4(vx, vl))
      return;
    case RVPACK_ACT_ABS:
      RVPACK_RVV_UNARY_LOOP(__riscv_vfabs_v_f32m4(vx, vl))
      return;
    case RVPACK_ACT_RECIPROCAL:
      RVPACK_RVV_UNARY_LOOP(__riscv_vfrdiv_vf_f32m4(vx, 1.0f, vl))
      return;
    case RVPACK_ACT_ELU:
      RVPACK_RVV_UNARY_LOOP(elu_f32m4(vx, a, vl))
      return;
    case RVPACK_ACT_SOFTPLUS:
      RVPACK_RVV_UNARY_LOOP(softplus_f32m4(vx, vl))
      return;
    case RVPACK_ACT_FLOOR:
      RVPACK_RVV_UNARY_LOOP(round_f32m4(vx, 0, vl))
      return;
    case RVPACK_ACT_CEIL:
      RVPACK_RVV_UNARY_LOOP(round_f32m4(vx, 1, vl))
      return;
    default: /* ERF and unknown kinds: the scalar per-element code */
      for (size_t i = 0; i < n; ++i) y[i] = rvpack_f32_activate(act, x[i]);
      return;
  }
}

#undef RVPACK_RVV_UNARY_LOOP
