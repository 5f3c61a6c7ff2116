/* SUM / MEAN / MAX / MIN over the middle axis of [outer][reduce][inner] on
 * RISC-V Vector 1.0.
 *
 * inner == 1 (e.g. global pooling, [N*C][H*W][1]): vectorised along `reduce`
 * with LMUL 8; lanes accumulate with vfadd / vfmax / vfmin (tail-undisturbed,
 * so a short last strip keeps the other lanes' partial results) and one
 * vfredusum / vfredmax / vfredmin per output ends it. The sum associates
 * differently from the scalar loop (exact on small-integer data); MAX/MIN
 * ignore NaN like the scalar loop does (a NaN first element, which the scalar
 * loop returns, is returned too) but may pick the other zero among -0/+0.
 * inner > 1: vectorised over inner (LMUL 4), each lane running the scalar
 * loop over `reduce` in the scalar order with compare + merge, so the result
 * is bit-exact against the scalar kernel. MEAN divides like the scalar code. */
#include <math.h>
#include <riscv_vector.h>
#include <stddef.h>
#include <stdint.h>

#include "rvpack/kernels_rvv.h"

static float reduce_run(int32_t kind, size_t n, const float* x) {
  const size_t vlmax = __riscv_vsetvlmax_e32m8();
  const float id = kind == RVPACK_REDUCE_MAX ? -INFINITY : (kind == RVPACK_REDUCE_MIN ? INFINITY : 0.0f);
  const vfloat32m1_t init = __riscv_vfmv_s_f_f32m1(id, 1);
  vfloat32m8_t acc = __riscv_vfmv_v_f_f32m8(id, vlmax);
  switch (kind) {
    case RVPACK_REDUCE_MAX:
      for (size_t i = 0, vl; i < n; i += vl) {
        vl = __riscv_vsetvl_e32m8(n - i);
        acc = __riscv_vfmax_vv_f32m8_tu(acc, acc, __riscv_vle32_v_f32m8(x + i, vl), vl);
      }
      return __riscv_vfmv_f_s_f32m1_f32(__riscv_vfredmax_vs_f32m8_f32m1(acc, init, vlmax));
    case RVPACK_REDUCE_MIN:
      for (size_t i = 0, vl; i < n; i += vl) {
        vl = __riscv_vsetvl_e32m8(n - i);
        acc = __riscv_vfmin_vv_f32m8_tu(acc, acc, __riscv_vle32_v_f32m8(x + i, vl), vl);
      }
      return __riscv_vfmv_f_s_f32m1_f32(__riscv_vfredmin_vs_f32m8_f32m1(acc, init, vlmax));
    default: /* SUM, MEAN */
      for (size_t i = 0, vl; i < n; i += vl) {
        vl = __riscv_vsetvl_e32m8(n - i);
        acc = __riscv_vfadd_vv_f32m8_tu(acc, acc, __riscv_vle32_v_f32m8(x + i, vl), vl);
      }
      return __riscv_vfmv_f_s_f32m1_f32(__riscv_vfredusum_vs_f32m8_f32m1(acc, init, vlmax));
  }
}

/* y[i] = reduce over r < r_n of x[r * inner + i], for vl columns. */
static void reduce_columns(int32_t kind, size_t vl, int32_t r_n, ptrdiff_t inner, const float* x, float* y) {
  vfloat32m4_t acc = __riscv_vle32_v_f32m4(x, vl);
  for (int32_t r = 1; r < r_n; ++r) {
    const vfloat32m4_t v = __riscv_vle32_v_f32m4(x + r * inner, vl);
    switch (kind) {
      case RVPACK_REDUCE_MAX: /* v > acc ? v : acc */
        acc = __riscv_vmerge_vvm_f32m4(acc, v, __riscv_vmflt_vv_f32m4_b8(acc, v, vl), vl);
        break;
      case RVPACK_REDUCE_MIN: /* v < acc ? v : acc */
        acc = __riscv_vmerge_vvm_f32m4(acc, v, __riscv_vmflt_vv_f32m4_b8(v, acc, vl), vl);
        break;
      default:
        acc = __riscv_vfadd_vv_f32m4(acc, v, vl);
        break;
    }
  }
  if (kind == RVPACK_REDUCE_MEAN) acc = __riscv_vfdiv_vf_f32m4(acc, (float)r_n, vl);
  __riscv_vse32_v_f32m4(y, acc, vl);
}

static void fill(size_t n, float v, float* y) {
  const vfloat32m8_t vv = __riscv_vfmv_v_f_f32m8(v, __riscv_vsetvlmax_e32m8());
  for (size_t vl; n > 0; n -= vl, y += vl) {
    vl = __riscv_vsetvl_e32m8(n);
    __riscv_vse32_v_f32m8(y, vv, vl);
  }
}

void rvpack_f32_reduce__rvv(const rvpack_reduce_params_t* p, const float* x, float* y) {
  const ptrdiff_t inner = p->inner;
  const int32_t r_n = p->reduce;
  const int32_t kind = p->kind;
  if (inner <= 0) return;
  if (r_n <= 0) { /* empty reduction: the identity of the op */
    const float id = kind == RVPACK_REDUCE_MAX ? -INFINITY : (kind == RVPACK_REDUCE_MIN ? INFINITY : 0.0f);
    if (p->outer > 0) fill((size_t)p->outer * (size_t)inner, id, y);
    return;
  }
  const ptrdiff_t plane = (ptrdiff_t)r_n * inner;
  for (int32_t o = 0; o < p->outer; ++o, x += plane, y += inner) {
    if (inner == 1) {
      float acc = reduce_run(kind, (size_t)r_n, x);
      if (kind == RVPACK_REDUCE_MEAN) acc /= (float)r_n;
      if ((kind == RVPACK_REDUCE_MAX || kind == RVPACK_REDUCE_MIN) && x[0] != x[0]) acc = x[0];
      y[0] = acc;
      continue;
    }
    for (ptrdiff_t i = 0, vl; i < inner; i += vl) {
      vl = (ptrdiff_t)__riscv_vsetvl_e32m4((size_t)(inner - i));
      reduce_columns(kind, (size_t)vl, r_n, inner, x + i, y + i);
    }
  }
}
