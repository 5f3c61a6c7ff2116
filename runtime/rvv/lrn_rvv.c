/* Local response normalisation across channels (ONNX LRN) on RISC-V Vector
 * 1.0: rvpack_f32_lrn__scalar's loops (runtime/src/lrn.c) vectorised along
 * the contiguous spatial row, with pow(b, beta) as exp(beta * log(b)) from
 * vmath_rvv.h (b = bias + alpha / size * sum > 0). Within a few ulp of the
 * scalar kernel, not bit-exact (powf rounds once). */
#include <riscv_vector.h>
#include <stddef.h>
#include <stdint.h>

#include "rvpack/kernels_rvv.h"
#include "vmath_rvv.h"

/* acc[s] (+)= x[s]^2 for one channel row; first: acc = x^2. */
static void add_squares(size_t n, const float* x, float* acc, int first) {
  for (size_t vl; n > 0; n -= vl, x += vl, acc += vl) {
    vl = __riscv_vsetvl_e32m4(n);
    const vfloat32m4_t v = __riscv_vle32_v_f32m4(x, vl);
    const vfloat32m4_t sq = first ? __riscv_vfmul_vv_f32m4(v, v, vl)
                                  : __riscv_vfmacc_vv_f32m4(__riscv_vle32_v_f32m4(acc, vl), v, v, vl);
    __riscv_vse32_v_f32m4(acc, sq, vl);
  }
}

/* y[s] = x[s] / (bias + scale * y[s]) ^ beta, in place over the sums in y. */
static void normalise(size_t n, const float* x, float* y, float bias, float scale, float beta) {
  for (size_t vl; n > 0; n -= vl, x += vl, y += vl) {
    vl = __riscv_vsetvl_e32m4(n);
    const vfloat32m4_t base = __riscv_vfmadd_vf_f32m4(__riscv_vle32_v_f32m4(y, vl), scale,
                                                      __riscv_vfmv_v_f_f32m4(bias, vl), vl);
    const vfloat32m4_t power =
        rvpack_rvv_exp_f32m4(__riscv_vfmul_vf_f32m4(rvpack_rvv_log_f32m4(base, vl), beta, vl), vl);
    __riscv_vse32_v_f32m4(y, __riscv_vfdiv_vv_f32m4(__riscv_vle32_v_f32m4(x, vl), power, vl), vl);
  }
}

void rvpack_f32_lrn__rvv(const rvpack_lrn_params_t* p, const float* x, float* y) {
  const size_t spatial = (size_t)p->spatial;
  const int32_t c_n = p->channels;
  const int32_t before = (p->size - 1) / 2, after = p->size - 1 - before;
  const float scale = p->alpha / (float)p->size;
  for (int32_t n = 0; n < p->batch; ++n) {
    const float* xb = x + (size_t)n * (size_t)c_n * spatial;
    float* yb = y + (size_t)n * (size_t)c_n * spatial;
    for (int32_t c = 0; c < c_n; ++c) {
      float* yc = yb + (size_t)c * spatial;
      const int32_t j0 = c - before < 0 ? 0 : c - before;
      const int32_t j1 = c + after > c_n - 1 ? c_n - 1 : c + after;
      for (int32_t j = j0; j <= j1; ++j) add_squares(spatial, xb + (size_t)j * spatial, yc, j == j0);
      normalise(spatial, xb + (size_t)c * spatial, yc, p->bias, scale, p->beta);
    }
  }
}
