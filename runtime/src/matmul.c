/* Matrix multiplication: a register-blocked GEMM core shared with the 1x1
 * convolution fast path. */
#include <stddef.h>
#include <stdint.h>

#include "internal.h"
#include "rvpack/kernels.h"

/* Writes one finished accumulator: alpha * acc + beta * bias(m, n). */
static inline float gemm_epilogue(const rvpack_gemm_args_t* g, float acc, int32_t m, int32_t n) {
  float v = g->alpha == 1.0f ? acc : g->alpha * acc;
  if (g->bias != NULL) {
    const float bv = g->bias[m * g->bias_ms + n * g->bias_ns];
    v += g->beta == 1.0f ? bv : g->beta * bv;
  }
  return v;
}

/* 4x4 output tile: 16 accumulators stay in registers, each k step loads 4
 * values of A and 4 of B for 16 multiply-adds. */
static void gemm_tile_4x4(const rvpack_gemm_args_t* g, int32_t m0, int32_t n0) {
  const ptrdiff_t a_ms = g->a_ms, a_ks = g->a_ks, b_ks = g->b_ks, b_ns = g->b_ns;
  const float* pa = g->a + m0 * a_ms;
  const float* pb = g->b + n0 * b_ns;
  float c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  float c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (int32_t k = 0; k < g->k; ++k) {
    const float a0 = pa[0], a1 = pa[a_ms], a2 = pa[2 * a_ms], a3 = pa[3 * a_ms];
    const float b0 = pb[0], b1 = pb[b_ns], b2 = pb[2 * b_ns], b3 = pb[3 * b_ns];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
    pa += a_ks;
    pb += b_ks;
  }
  float* y = g->y + m0 * g->ldy + n0;
  const float c[4][4] = {
      {c00, c01, c02, c03}, {c10, c11, c12, c13}, {c20, c21, c22, c23}, {c30, c31, c32, c33}};
  for (int32_t i = 0; i < 4; ++i) {
    for (int32_t j = 0; j < 4; ++j) y[i * g->ldy + j] = gemm_epilogue(g, c[i][j], m0 + i, n0 + j);
  }
}

/* 1x4 tile for leftover rows (and M == 1, e.g. fully connected layers). */
static void gemm_tile_1x4(const rvpack_gemm_args_t* g, int32_t m0, int32_t n0) {
  const ptrdiff_t a_ks = g->a_ks, b_ks = g->b_ks, b_ns = g->b_ns;
  const float* pa = g->a + m0 * g->a_ms;
  const float* pb = g->b + n0 * b_ns;
  float c0 = 0, c1 = 0, c2 = 0, c3 = 0;
  for (int32_t k = 0; k < g->k; ++k) {
    const float a0 = *pa;
    c0 += a0 * pb[0];
    c1 += a0 * pb[b_ns];
    c2 += a0 * pb[2 * b_ns];
    c3 += a0 * pb[3 * b_ns];
    pa += a_ks;
    pb += b_ks;
  }
  float* y = g->y + m0 * g->ldy + n0;
  y[0] = gemm_epilogue(g, c0, m0, n0);
  y[1] = gemm_epilogue(g, c1, m0, n0 + 1);
  y[2] = gemm_epilogue(g, c2, m0, n0 + 2);
  y[3] = gemm_epilogue(g, c3, m0, n0 + 3);
}

/* One output element: the leftover columns (n % 4). */
static void gemm_dot(const rvpack_gemm_args_t* g, int32_t m0, int32_t n0) {
  const float* pa = g->a + m0 * g->a_ms;
  const float* pb = g->b + n0 * g->b_ns;
  float c = 0;
  for (int32_t k = 0; k < g->k; ++k) {
    c += *pa * *pb;
    pa += g->a_ks;
    pb += g->b_ks;
  }
  g->y[m0 * g->ldy + n0] = gemm_epilogue(g, c, m0, n0);
}

void rvpack_internal_gemm_f32(const rvpack_gemm_args_t* g) {
  const int32_t m4 = g->m - g->m % 4, n4 = g->n - g->n % 4;
  for (int32_t i = 0; i < m4; i += 4) {
    for (int32_t j = 0; j < n4; j += 4) gemm_tile_4x4(g, i, j);
    for (int32_t r = i; r < i + 4; ++r) {
      for (int32_t j = n4; j < g->n; ++j) gemm_dot(g, r, j);
    }
  }
  for (int32_t i = m4; i < g->m; ++i) {
    for (int32_t j = 0; j < n4; j += 4) gemm_tile_1x4(g, i, j);
    for (int32_t j = n4; j < g->n; ++j) gemm_dot(g, i, j);
  }
}

void rvpack_f32_matmul__scalar(const rvpack_matmul_params_t* p, const float* a, const float* b,
                               const float* bias, float* y) {
  const int32_t m = p->m, n = p->n, k = p->k;
  rvpack_gemm_args_t g;
  g.m = m;
  g.n = n;
  g.k = k;
  g.a_ms = p->a_transposed ? 1 : k;
  g.a_ks = p->a_transposed ? m : 1;
  g.b_ks = p->b_transposed ? 1 : n;
  g.b_ns = p->b_transposed ? k : 1;
  g.alpha = p->alpha;
  g.beta = p->beta;
  g.ldy = n;
  g.bias = p->bias_kind == RVPACK_BIAS_NONE ? NULL : bias;
  switch (p->bias_kind) {
    case RVPACK_BIAS_PER_COLUMN:
      g.bias_ms = 0;
      g.bias_ns = 1;
      break;
    case RVPACK_BIAS_PER_ROW:
      g.bias_ms = 1;
      g.bias_ns = 0;
      break;
    case RVPACK_BIAS_FULL:
      g.bias_ms = n;
      g.bias_ns = 1;
      break;
    default: /* scalar or none */
      g.bias_ms = 0;
      g.bias_ns = 0;
      break;
  }
  for (int32_t bi = 0; bi < p->batch; ++bi) {
    g.a = a + bi * p->a_batch_stride;
    g.b = b + bi * p->b_batch_stride;
    g.y = y + bi * p->y_batch_stride;
    rvpack_internal_gemm_f32(&g);
    rvpack_internal_activate_inplace((size_t)m * (size_t)n, g.y, &p->act);
  }
}
