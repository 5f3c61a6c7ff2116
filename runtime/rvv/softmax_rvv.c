/* Softmax / LogSoftmax along the middle axis of [outer][axis][inner] on
 * RISC-V Vector 1.0, computed stably like the scalar kernel: m = max, then
 * exp(x - m), their sum s, and y = exp(x - m) / s or y = x - (m + log s).
 *
 * inner == 1 (the usual last-axis softmax): vectorised along the axis; max
 * and sum accumulate lane-wise in a vector (tail-undisturbed, so a short
 * last strip keeps the other lanes) with one vfredmax / vfredusum at the
 * end; the scaling multiplies by 1 / s.
 * inner > 1: vectorised over inner, each lane a column running the scalar
 * algorithm (for a strip of columns: max pass, exp + sum pass, scale pass).
 *
 * exp and log come from vmath_rvv.h; the sum associates differently from the
 * scalar loop when inner == 1, and 1 / s then multiply replaces division, so
 * results differ from the scalar kernel by a few ulp. x == y is allowed. */
#include <math.h>
#include <riscv_vector.h>
#include <stddef.h>
#include <stdint.h>

#include "rvpack/kernels_rvv.h"
#include "vmath_rvv.h"

/* Softmax of one contiguous run of n >= 1 values. */
static void softmax_row(size_t n, const float* x, float* y, int log_softmax) {
  const size_t vlmax = __riscv_vsetvlmax_e32m4();
  vfloat32m4_t acc = __riscv_vfmv_v_f_f32m4(-INFINITY, vlmax);
  for (size_t i = 0, vl; i < n; i += vl) {
    vl = __riscv_vsetvl_e32m4(n - i);
    acc = __riscv_vfmax_vv_f32m4_tu(acc, acc, __riscv_vle32_v_f32m4(x + i, vl), vl);
  }
  const float m = __riscv_vfmv_f_s_f32m1_f32(
      __riscv_vfredmax_vs_f32m4_f32m1(acc, __riscv_vfmv_s_f_f32m1(-INFINITY, 1), vlmax));

  acc = __riscv_vfmv_v_f_f32m4(0.0f, vlmax);
  for (size_t i = 0, vl; i < n; i += vl) {
    vl = __riscv_vsetvl_e32m4(n - i);
    const vfloat32m4_t e = rvpack_rvv_exp_f32m4(__riscv_vfsub_vf_f32m4(__riscv_vle32_v_f32m4(x + i, vl), m, vl), vl);
    if (!log_softmax) __riscv_vse32_v_f32m4(y + i, e, vl);
    acc = __riscv_vfadd_vv_f32m4_tu(acc, acc, e, vl);
  }
  const float sum = __riscv_vfmv_f_s_f32m1_f32(
      __riscv_vfredusum_vs_f32m4_f32m1(acc, __riscv_vfmv_s_f_f32m1(0.0f, 1), vlmax));

  if (log_softmax) {
    const float shift = m + logf(sum);
    for (size_t i = 0, vl; i < n; i += vl) {
      vl = __riscv_vsetvl_e32m4(n - i);
      __riscv_vse32_v_f32m4(y + i, __riscv_vfsub_vf_f32m4(__riscv_vle32_v_f32m4(x + i, vl), shift, vl), vl);
    }
  } else {
    const float r = 1.0f / sum;
    for (size_t i = 0, vl; i < n; i += vl) {
      vl = __riscv_vsetvl_e32m4(n - i);
      __riscv_vse32_v_f32m4(y + i, __riscv_vfmul_vf_f32m4(__riscv_vle32_v_f32m4(y + i, vl), r, vl), vl);
    }
  }
}

/* Softmax over a_n rows (row stride `inner` floats) of vl columns. */
static void softmax_columns(size_t vl, int32_t a_n, ptrdiff_t inner, const float* x, float* y, int log_softmax) {
  vfloat32m4_t m = __riscv_vle32_v_f32m4(x, vl);
  for (int32_t a = 1; a < a_n; ++a) m = __riscv_vfmax_vv_f32m4(m, __riscv_vle32_v_f32m4(x + a * inner, vl), vl);
  vfloat32m4_t sum = __riscv_vfmv_v_f_f32m4(0.0f, vl);
  for (int32_t a = 0; a < a_n; ++a) {
    const vfloat32m4_t e =
        rvpack_rvv_exp_f32m4(__riscv_vfsub_vv_f32m4(__riscv_vle32_v_f32m4(x + a * inner, vl), m, vl), vl);
    if (!log_softmax) __riscv_vse32_v_f32m4(y + a * inner, e, vl);
    sum = __riscv_vfadd_vv_f32m4(sum, e, vl);
  }
  if (log_softmax) {
    const vfloat32m4_t shift = __riscv_vfadd_vv_f32m4(m, rvpack_rvv_log_f32m4(sum, vl), vl);
    for (int32_t a = 0; a < a_n; ++a) {
      const vfloat32m4_t v = __riscv_vle32_v_f32m4(x + a * inner, vl);
      __riscv_vse32_v_f32m4(y + a * inner, __riscv_vfsub_vv_f32m4(v, shift, vl), vl);
    }
  } else {
    const vfloat32m4_t r = __riscv_vfrdiv_vf_f32m4(sum, 1.0f, vl);
    for (int32_t a = 0; a < a_n; ++a) {
      const vfloat32m4_t v = __riscv_vle32_v_f32m4(y + a * inner, vl);
      __riscv_vse32_v_f32m4(y + a * inner, __riscv_vfmul_vv_f32m4(v, r, vl), vl);
    }
  }
}

void rvpack_f32_softmax__rvv(const rvpack_softmax_params_t* p, const float* x, float* y) {
  const ptrdiff_t inner = p->inner;
  const int32_t a_n = p->axis;
  if (a_n <= 0 || inner <= 0) return; /* nothing to write, as in the scalar loops */
  const ptrdiff_t plane = (ptrdiff_t)a_n * inner;
  for (int32_t o = 0; o < p->outer; ++o, x += plane, y += plane) {
    if (inner == 1) {
      softmax_row((size_t)a_n, x, y, p->log);
      continue;
    }
    for (ptrdiff_t i = 0, vl; i < inner; i += vl) {
      vl = (ptrdiff_t)__riscv_vsetvl_e32m4((size_t)(inner - i));
      softmax_columns((size_t)vl, a_n, inner, x + i, y + i, p->log);
    }
  }
}
