// Auto-generated file. Do not edit!
//   Template: third_party/xnnpack_rvv/src/f32-winograd/FMx3-rvv.c.in
//   Generator: python third_party/xnnpack_rvv/tools/generate.py
//   Registry: third_party/xnnpack_rvv/src/f32-winograd/f32-winograd.inc
//
// Winograd F(6x6, 3x3): 8x8 input tiles, 6x6 output tiles; vectors of LMUL=1
// registers over consecutive tiles of a tile row.
// Interpolation points: 0, 1, -1, 2, -2, 1/2, -1/2, infinity.
//   B^T[0] = [-1, 0, 21/4, 0, -21/4, 0, 1, 0]
//   B^T[1] = [0, 1, 1, -17/4, -17/4, 1, 1, 0]
//   B^T[2] = [0, -1, 1, 17/4, -17/4, -1, 1, 0]
//   B^T[3] = [0, 1/2, 1/4, -5/2, -5/4, 2, 1, 0]
//   B^T[4] = [0, -1/2, 1/4, 5/2, -5/4, -2, 1, 0]
//   B^T[5] = [0, 2, 4, -5/2, -5, 1/2, 1, 0]
//   B^T[6] = [0, -2, 4, 5/2, -5, -1/2, 1, 0]
//   B^T[7] = [0, -1, 0, 21/4, 0, -21/4, 0, 1]
//   A^T[0] = [1, 1, 1, 1, 1, 1, 1, 0]
//   A^T[1] = [0, 1, -1, 2, -2, 1/2, -1/2, 0]
//   A^T[2] = [0, 1, 1, 4, 4, 1/4, 1/4, 0]
//   A^T[3] = [0, 1, -1, 8, -8, 1/8, -1/8, 0]
//   A^T[4] = [0, 1, 1, 16, 16, 1/16, 1/16, 0]
//   A^T[5] = [0, 1, -1, 32, -32, 1/32, -1/32, 1]

#include <stddef.h>
#include <stdint.h>

#include <riscv_vector.h>

#include "rvpack_rvv/common.h"
#include "rvpack_rvv/winograd.h"

void rvpack_f32_winograd_f6x3_1v_input__rvv(size_t tiles, const float* restrict x, size_t x_stride, float* restrict u, size_t u_stride)
{
  RVPACK_RVV_ASSERT(tiles != 0);
  const ptrdiff_t tile_step = 6 * sizeof(float);
  do {
    const size_t vl = __riscv_vsetvl_e32m1(tiles);
    // Rows: r[i][j] = sum_k d[i][k] * B^T[j][k], stored at point (i, j) of u.
    for (size_t i = 0; i < 8; i++) {
      const float* xi = (const float*) ((uintptr_t) x + i * x_stride);
      const vfloat32m1_t d0 = __riscv_vlse32_v_f32m1(xi + 0, tile_step, vl);
      const vfloat32m1_t d1 = __riscv_vlse32_v_f32m1(xi + 1, tile_step, vl);
      const vfloat32m1_t d2 = __riscv_vlse32_v_f32m1(xi + 2, tile_step, vl);
      const vfloat32m1_t d3 = __riscv_vlse32_v_f32m1(xi + 3, tile_step, vl);
      const vfloat32m1_t d4 = __riscv_vlse32_v_f32m1(xi + 4, tile_step, vl);
      const vfloat32m1_t d5 = __riscv_vlse32_v_f32m1(xi + 5, tile_step, vl);
      const vfloat32m1_t d6 = __riscv_vlse32_v_f32m1(xi + 6, tile_step, vl);
      const vfloat32m1_t d7 = __riscv_vlse32_v_f32m1(xi + 7, tile_step, vl);
      float* ui = (float*) ((uintptr_t) u + i * 8 * u_stride);
      vfloat32m1_t r0 = __riscv_vfneg_v_f32m1(d0, vl);
      r0 = __riscv_vfmacc_vf_f32m1(r0, 5.25f, d2, vl);
      r0 = __riscv_vfmacc_vf_f32m1(r0, -5.25f, d4, vl);
      r0 = __riscv_vfadd_vv_f32m1(r0, d6, vl);
      __riscv_vse32_v_f32m1((float*) ((uintptr_t) ui + 0 * u_stride), r0, vl);
      vfloat32m1_t r1 = d1;
      r1 = __riscv_vfadd_vv_f32m1(r1, d2, vl);
      r1 = __riscv_vfmacc_vf_f32m1(r1, -4.25f, d3, vl);
      r1 = __riscv_vfmacc_vf_f32m1(r1, -4.25f, d4, vl);
      r1 = __riscv_vfadd_vv_f32m1(r1, d5, vl);
      r1 = __riscv_vfadd_vv_f32m1(r1, d6, vl);
      __riscv_vse32_v_f32m1((float*) ((uintptr_t) ui + 1 * u_stride), r1, vl);
      vfloat32m1_t r2 = __riscv_vfneg_v_f32m1(d1, vl);
      r2 = __riscv_vfadd_vv_f32m1(r2, d2, vl);
      r2 = __riscv_vfmacc_vf_f32m1(r2, 4.25f, d3, vl);
      r2 = __riscv_vfmacc_vf_f32m1(r2, -4.25f, d4, vl);
      r2 = __riscv_vfsub_vv_f32m1(r2, d5, vl);
      r2 = __riscv_vfadd_vv_f32m1(r2, d6, vl);
      __riscv_vse32_v_f32m1((float*) ((uintptr_t) ui + 2 * u_stride), r2, vl);
      vfloat32m1_t r3 = __riscv_vfmul_vf_f32m1(d1, 0.5f, vl);
      r3 = __riscv_vfmacc_vf_f32m1(r3, 0.25f, d2, vl);
      r3 = __riscv_vfmacc_vf_f32m1(r3, -2.5f, d3, vl);
      r3 = __riscv_vfmacc_vf_f32m1(r3, -1.25f, d4, vl);
      r3 = __riscv_vfmacc_vf_f32m1(r3, 2.0f, d5, vl);
      r3 = __riscv_vfadd_vv_f32m1(r3, d6, vl);
      __riscv_vse32_v_f32m1((float*) ((uintptr_t) ui + 3 * u_stride), r3, vl);
      vfloat32m1_t r4 = __riscv_vfmul_vf_f32m1(d1, -0.5f, vl);
      r4 = __riscv_vfmacc_vf_f32m1(r4, 0.25f, d2, vl);
      r4 = __riscv_vfmacc_vf_f32m1(r4, 2.5f, d3, vl);
      r4 = __riscv_vfmacc_vf_f32m1(r4, -1.25f, d4, vl);
      r4 = __riscv_vfmacc_vf_f32m1(r4, -2.0f, d5, vl);
      r4 = __riscv_vfadd_vv_f32m1(r4, d6, vl);
      __riscv_vse32_v_f32m1((float*) ((uintptr_t) ui + 4 * u_stride), r4, vl);
      vfloat32m1_t r5 = __riscv_vfmul_vf_f32m1(d1, 2.0f, vl);
      r5 = __riscv_vfmacc_vf_f32m1(r5, 4.0f, d2, vl);
      r5 = __riscv_vfmacc_vf_f32m1(r5, -2.5f, d3, vl);
      r5 = __riscv_vfmacc_vf_f32m1(r5, -5.0f, d4, vl);
      r5 = __riscv_vfmacc_vf_f32m1(r5, 0.5f, d5, vl);
      r5 = __riscv_vfadd_vv_f32m1(r5, d6, vl);
      __riscv_vse32_v_f32m1((float*) ((uintptr_t) ui + 5 * u_stride), r5, vl);
      vfloat32m1_t r6 = __riscv_vfmul_vf_f32m1(d1, -2.0f, vl);
      r6 = __riscv_vfmacc_vf_f32m1(r6, 4.0f, d2, vl);
      r6 = __riscv_vfmacc_vf_f32m1(r6, 2.5f, d3, vl);
      r6 = __riscv_vfmacc_vf_f32m1(r6, -5.0f, d4, vl);
      r6 = __riscv_vfmacc_vf_f32m1(r6, -0.5f, d5, vl);
      r6 = __riscv_vfadd_vv_f32m1(r6, d6, vl);
      __riscv_vse32_v_f32m1((float*) ((uintptr_t) ui + 6 * u_stride), r6, vl);
      vfloat32m1_t r7 = __riscv_vfneg_v_f32m1(d1, vl);
      r7 = __riscv_vfmacc_vf_f32m1(r7, 5.25f, d3, vl);
      r7 = __riscv_vfmacc_vf_f32m1(r7, -5.25f, d5, vl);
      r7 = __riscv_vfadd_vv_f32m1(r7, d7, vl);
      __riscv_vse32_v_f32m1((float*) ((uintptr_t) ui + 7 * u_stride), r7, vl);
    }
    // Columns, in place: V[i][j] = sum_k B^T[i][k] * r[k][j].
    for (size_t j = 0; j < 8; j++) {
      float* uj = (float*) ((uintptr_t) u + j * u_stride);
      const vfloat32m1_t r0 = __riscv_vle32_v_f32m1((const float*) ((uintptr_t) uj + 0 * u_stride), vl);
      const vfloat32m1_t r1 = __riscv_vle32_v_f32m1((const float*) ((uintptr_t) uj + 8 * u_stride), vl);
      const vfloat32m1_t r2 = __riscv_vle32_v_f32m1((const float*) ((uintptr_t) uj + 16 * u_stride), vl);
      const vfloat32m1_t r3 = __riscv_vle32_v_f32m1((const float*) ((uintptr_t) uj + 24 * u_stride), vl);
      const vfloat32m1_t r4 = __riscv_vle32_v_f32m1((const float*) ((uintptr_t) uj + 32 * u_stride), vl);
      const vfloat32m1_t r5 = __riscv_vle32_v_f32m1((const float*) ((uintptr_t) uj + 40 * u_stride), vl);
      const vfloat32m1_t r6 = __riscv_vle32_v_f32m1((const float*) ((uintptr_t) uj + 48 * u_stride), vl);
      const vfloat32m1_t r7 = __riscv_vle32_v_f32m1((const float*) ((uintptr_t) uj + 56 * u_stride), vl);
      vfloat32m1_t v0 = __riscv_vfneg_v_f32m1(r0, vl);
      v0 = __riscv_vfmacc_vf_f32m1(v0, 5.25f, r2, vl);
      v0 = __riscv_vfmacc_vf_f32m1(v0, -5.25f, r4, vl);
      v0 = __riscv_vfadd_vv_f32m1(v0, r6, vl);
      vfloat32m1_t v1 = r1;
      v1 = __riscv_vfadd_vv_f32m1(v1, r2, vl);
      v1 = __riscv_vfmacc_vf_f32m1(v1, -4.25f, r3, vl);
      v1 = __riscv_vfmacc_vf_f32m1(v1, -4.25f, r4, vl);
      v1 = __riscv_vfadd_vv_f32m1(v1, r5, vl);
      v1 = __riscv_vfadd_vv_f32m1(v1, r6, vl);
      vfloat32m1_t v2 = __riscv_vfneg_v_f32m1(r1, vl);
      v2 = __riscv_vfadd_vv_f32m1(v2, r2, vl);
      v2 = __riscv_vfmacc_vf_f32m1(v2, 4.25f, r3, vl);
      v2 = __riscv_vfmacc_vf_f32m1(v2, -4.25f, r4, vl);
      v2 = __riscv_vfsub_vv_f32m1(v2, r5, vl);
      v2 = __riscv_vfadd_vv_f32m1(v2, r6, vl);
      vfloat32m1_t v3 = __riscv_vfmul_vf_f32m1(r1, 0.5f, vl);
      v3 = __riscv_vfmacc_vf_f32m1(v3, 0.25f, r2, vl);
      v3 = __riscv_vfmacc_vf_f32m1(v3, -2.5f, r3, vl);
      v3 = __riscv_vfmacc_vf_f32m1(v3, -1.25f, r4, vl);
      v3 = __riscv_vfmacc_vf_f32m1(v3, 2.0f, r5, vl);
      v3 = __riscv_vfadd_vv_f32m1(v3, r6, vl);
      vfloat32m1_t v4 = __riscv_vfmul_vf_f32m1(r1, -0.5f, vl);
      v4 = __riscv_vfmacc_vf_f32m1(v4, 0.25f, r2, vl);
      v4 = __riscv_vfmacc_vf_f32m1(v4, 2.5f, r3, vl);
      v4 = __riscv_vfmacc_vf_f32m1(v4, -1.25f, r4, vl);
      v4 = __riscv_vfmacc_vf_f32m1(v4, -2.0f, r5, vl);
      v4 = __riscv_vfadd_vv_f32m1(v4, r6, vl);
      vfloat32m1_t v5 = __riscv_vfmul_vf_f32m1(r1, 2.0f, vl);
      v5 = __riscv_vfmacc_vf_f32m1(v5, 4.0f, r2, vl);
      v5 = __riscv_vfmacc_vf_f32m1(v5, -2.5f, r3, vl);
      v5 = __riscv_vfmacc_vf_f32m1(v5, -5.0f, r4, vl);
      v5 = __riscv_vfmacc_vf_f32m1(v5, 0.5f, r5, vl);
      v5 = __riscv_vfadd_vv_f32m1(v5, r6, vl);
      vfloat32m1_t v6 = __riscv_vfmul_vf_f32m1(r1, -2.0f, vl);
      v6 = __riscv_vfmacc_vf_f32m1(v6, 4.0f, r2, vl);
      v6 = __riscv_vfmacc_vf_f32m1(v6, 2.5f, r3, vl);
      v6 = __riscv_vfmacc_vf_f32m1(v6, -5.0f, r4, vl);
      v6 = __riscv_vfmacc_vf_f32m1(v6, -0.5f, r5, vl);
      v6 = __riscv_vfadd_vv_f32m1(v6, r6, vl);
      vfloat32m1_t v7 = __riscv_vfneg_v_f32m1(r1, vl);
      v7 = __riscv_vfmacc_vf_f32m1(v7, 5.25f, r3, vl);
      v7 = __riscv_vfmacc_vf_f32m1(v7, -5.25f, r5, vl);
      v7 = __riscv_vfadd_vv_f32m1(v7, r7, vl);
      __riscv_vse32_v_f32m1((float*) ((uintptr_t) uj + 0 * u_stride), v0, vl);
      __riscv_vse32_v_f32m1((float*) ((uintptr_t) uj + 8 * u_stride), v1, vl);
      __riscv_vse32_v_f32m1((float*) ((uintptr_t) uj + 16 * u_stride), v2, vl);
      __riscv_vse32_v_f32m1((float*) ((uintptr_t) uj + 24 * u_stride), v3, vl);
      __riscv_vse32_v_f32m1((float*) ((uintptr_t) uj + 32 * u_stride), v4, vl);
      __riscv_vse32_v_f32m1((float*) ((uintptr_t) uj + 40 * u_stride), v5, vl);
      __riscv_vse32_v_f32m1((float*) ((uintptr_t) uj + 48 * u_stride), v6, vl);
      __riscv_vse32_v_f32m1((float*) ((uintptr_t) uj + 56 * u_stride), v7, vl);
    }
    x = (const float*) ((uintptr_t) x + vl * tile_step);
    u += vl;
    tiles -= vl;
  } while (tiles != 0);
}

void rvpack_f32_winograd_f6x3_1v_output__rvv(size_t tiles, const float* restrict m, size_t m_stride, float* restrict tmp, float bias,
                      float* restrict y, size_t y_stride, size_t rows, size_t cols,
                      const struct rvpack_f32_minmax_params* restrict params)
{
  RVPACK_RVV_ASSERT(tiles != 0);
  RVPACK_RVV_ASSERT(rows != 0 && rows <= 6);
  const ptrdiff_t tile_step = 6 * sizeof(float);
  const size_t vlmax = __riscv_vsetvlmax_e32m1();
  size_t t0 = 0;
  do {
    const size_t vl = __riscv_vsetvl_e32m1(tiles - t0);
    // Rows: q[i][c] = sum_j M[i][j] * A^T[c][j], into tmp (vlmax floats per value).
    for (size_t i = 0; i < 8; i++) {
      const vfloat32m1_t m0 = __riscv_vle32_v_f32m1((const float*) ((uintptr_t) m + (i * 8 + 0) * m_stride), vl);
      const vfloat32m1_t m1 = __riscv_vle32_v_f32m1((const float*) ((uintptr_t) m + (i * 8 + 1) * m_stride), vl);
      const vfloat32m1_t m2 = __riscv_vle32_v_f32m1((const float*) ((uintptr_t) m + (i * 8 + 2) * m_stride), vl);
      const vfloat32m1_t m3 = __riscv_vle32_v_f32m1((const float*) ((uintptr_t) m + (i * 8 + 3) * m_stride), vl);
      const vfloat32m1_t m4 = __riscv_vle32_v_f32m1((const float*) ((uintptr_t) m + (i * 8 + 4) * m_stride), vl);
      const vfloat32m1_t m5 = __riscv_vle32_v_f32m1((const float*) ((uintptr_t) m + (i * 8 + 5) * m_stride), vl);
      const vfloat32m1_t m6 = __riscv_vle32_v_f32m1((const float*) ((uintptr_t) m + (i * 8 + 6) * m_stride), vl);
      const vfloat32m1_t m7 = __riscv_vle32_v_f32m1((const float*) ((uintptr_t) m + (i * 8 + 7) * m_stride), vl);
      vfloat32m1_t q0 = m0;
      q0 = __riscv_vfadd_vv_f32m1(q0, m1, vl);
      q0 = __riscv_vfadd_vv_f32m1(q0, m2, vl);
      q0 = __riscv_vfadd_vv_f32m1(q0, m3, vl);
      q0 = __riscv_vfadd_vv_f32m1(q0, m4, vl);
      q0 = __riscv_vfadd_vv_f32m1(q0, m5, vl);
      q0 = __riscv_vfadd_vv_f32m1(q0, m6, vl);
      __riscv_vse32_v_f32m1(tmp + (i * 6 + 0) * vlmax, q0, vl);
      vfloat32m1_t q1 = m1;
      q1 = __riscv_vfsub_vv_f32m1(q1, m2, vl);
      q1 = __riscv_vfmacc_vf_f32m1(q1, 2.0f, m3, vl);
      q1 = __riscv_vfmacc_vf_f32m1(q1, -2.0f, m4, vl);
      q1 = __riscv_vfmacc_vf_f32m1(q1, 0.5f, m5, vl);
      q1 = __riscv_vfmacc_vf_f32m1(q1, -0.5f, m6, vl);
      __riscv_vse32_v_f32m1(tmp + (i * 6 + 1) * vlmax, q1, vl);
      vfloat32m1_t q2 = m1;
      q2 = __riscv_vfadd_vv_f32m1(q2, m2, vl);
      q2 = __riscv_vfmacc_vf_f32m1(q2, 4.0f, m3, vl);
      q2 = __riscv_vfmacc_vf_f32m1(q2, 4.0f, m4, vl);
      q2 = __riscv_vfmacc_vf_f32m1(q2, 0.25f, m5, vl);
      q2 = __riscv_vfmacc_vf_f32m1(q2, 0.25f, m6, vl);
      __riscv_vse32_v_f32m1(tmp + (i * 6 + 2) * vlmax, q2, vl);
      vfloat32m1_t q3 = m1;
      q3 = __riscv_vfsub_vv_f32m1(q3, m2, vl);
      q3 = __riscv_vfmacc_vf_f32m1(q3, 8.0f, m3, vl);
      q3 = __riscv_vfmacc_vf_f32m1(q3, -8.0f, m4, vl);
      q3 = __riscv_vfmacc_vf_f32m1(q3, 0.125f, m5, vl);
      q3 = __riscv_vfmacc_vf_f32m1(q3, -0.125f, m6, vl);
      __riscv_vse32_v_f32m1(tmp + (i * 6 + 3) * vlmax, q3, vl);
      vfloat32m1_t q4 = m1;
      q4 = __riscv_vfadd_vv_f32m1(q4, m2, vl);
      q4 = __riscv_vfmacc_vf_f32m1(q4, 16.0f, m3, vl);
      q4 = __riscv_vfmacc_vf_f32m1(q4, 16.0f, m4, vl);
      q4 = __riscv_vfmacc_vf_f32m1(q4, 0.0625f, m5, vl);
      q4 = __riscv_vfmacc_vf_f32m1(q4, 0.0625f, m6, vl);
      __riscv_vse32_v_f32m1(tmp + (i * 6 + 4) * vlmax, q4, vl);
      vfloat32m1_t q5 = m1;
      q5 = __riscv_vfsub_vv_f32m1(q5, m2, vl);
      q5 = __riscv_vfmacc_vf_f32m1(q5, 32.0f, m3, vl);
      q5 = __riscv_vfmacc_vf_f32m1(q5, -32.0f, m4, vl);
      q5 = __riscv_vfmacc_vf_f32m1(q5, 0.03125f, m5, vl);
      q5 = __riscv_vfmacc_vf_f32m1(q5, -0.03125f, m6, vl);
      q5 = __riscv_vfadd_vv_f32m1(q5, m7, vl);
      __riscv_vse32_v_f32m1(tmp + (i * 6 + 5) * vlmax, q5, vl);
    }
    // Columns: Y[r][c] = bias + sum_i A^T[r][i] * q[i][c], clamped, stored for valid rows and columns.
    for (size_t c = 0; c < 6; c++) {
      // Tiles t0 + s of this step whose column c is inside the output.
      const size_t first_col = t0 * 6 + c;
      const size_t valid = first_col >= cols ? 0 : (cols - first_col + 5) / 6;
      const size_t vs = valid < vl ? valid : vl;
      if (vs == 0) continue;
      const vfloat32m1_t q0 = __riscv_vle32_v_f32m1(tmp + (0 + c) * vlmax, vl);
      const vfloat32m1_t q1 = __riscv_vle32_v_f32m1(tmp + (6 + c) * vlmax, vl);
      const vfloat32m1_t q2 = __riscv_vle32_v_f32m1(tmp + (12 + c) * vlmax, vl);
      const vfloat32m1_t q3 = __riscv_vle32_v_f32m1(tmp + (18 + c) * vlmax, vl);
      const vfloat32m1_t q4 = __riscv_vle32_v_f32m1(tmp + (24 + c) * vlmax, vl);
      const vfloat32m1_t q5 = __riscv_vle32_v_f32m1(tmp + (30 + c) * vlmax, vl);
      const vfloat32m1_t q6 = __riscv_vle32_v_f32m1(tmp + (36 + c) * vlmax, vl);
      const vfloat32m1_t q7 = __riscv_vle32_v_f32m1(tmp + (42 + c) * vlmax, vl);
      if (0 < rows) {
        vfloat32m1_t o = __riscv_vfmv_v_f_f32m1(bias, vl);
        o = __riscv_vfadd_vv_f32m1(o, q0, vl);
        o = __riscv_vfadd_vv_f32m1(o, q1, vl);
        o = __riscv_vfadd_vv_f32m1(o, q2, vl);
        o = __riscv_vfadd_vv_f32m1(o, q3, vl);
        o = __riscv_vfadd_vv_f32m1(o, q4, vl);
        o = __riscv_vfadd_vv_f32m1(o, q5, vl);
        o = __riscv_vfadd_vv_f32m1(o, q6, vl);
        o = __riscv_vfmin_vf_f32m1(__riscv_vfmax_vf_f32m1(o, params->min, vl), params->max, vl);
        __riscv_vsse32_v_f32m1((float*) ((uintptr_t) y + 0 * y_stride) + first_col, tile_step, o, vs);
      }
      if (1 < rows) {
        vfloat32m1_t o = __riscv_vfmv_v_f_f32m1(bias, vl);
        o = __riscv_vfadd_vv_f32m1(o, q1, vl);
        o = __riscv_vfsub_vv_f32m1(o, q2, vl);
        o = __riscv_vfmacc_vf_f32m1(o, 2.0f, q3, vl);
        o = __riscv_vfmacc_vf_f32m1(o, -2.0f, q4, vl);
        o = __riscv_vfmacc_vf_f32m1(o, 0.5f, q5, vl);
        o = __riscv_vfmacc_vf_f32m1(o, -0.5f, q6, vl);
        o = __riscv_vfmin_vf_f32m1(__riscv_vfmax_vf_f32m1(o, params->min, vl), params->max, vl);
        __riscv_vsse32_v_f32m1((float*) ((uintptr_t) y + 1 * y_stride) + first_col, tile_step, o, vs);
      }
      if (2 < rows) {
        vfloat32m1_t o = __riscv_vfmv_v_f_f32m1(bias, vl);
        o = __riscv_vfadd_vv_f32m1(o, q1, vl);
        o = __riscv_vfadd_vv_f32m1(o, q2, vl);
        o = __riscv_vfmacc_vf_f32m1(o, 4.0f, q3, vl);
        o = __riscv_vfmacc_vf_f32m1(o, 4.0f, q4, vl);
        o = __riscv_vfmacc_vf_f32m1(o, 0.25f, q5, vl);
        o = __riscv_vfmacc_vf_f32m1(o, 0.25f, q6, vl);
        o = __riscv_vfmin_vf_f32m1(__riscv_vfmax_vf_f32m1(o, params->min, vl), params->max, vl);
        __riscv_vsse32_v_f32m1((float*) ((uintptr_t) y + 2 * y_stride) + first_col, tile_step, o, vs);
      }
      if (3 < rows) {
        vfloat32m1_t o = __riscv_vfmv_v_f_f32m1(bias, vl);
        o = __riscv_vfadd_vv_f32m1(o, q1, vl);
        o = __riscv_vfsub_vv_f32m1(o, q2, vl);
        o = __riscv_vfmacc_vf_f32m1(o, 8.0f, q3, vl);
        o = __riscv_vfmacc_vf_f32m1(o, -8.0f, q4, vl);
        o = __riscv_vfmacc_vf_f32m1(o, 0.125f, q5, vl);
        o = __riscv_vfmacc_vf_f32m1(o, -0.125f, q6, vl);
        o = __riscv_vfmin_vf_f32m1(__riscv_vfmax_vf_f32m1(o, params->min, vl), params->max, vl);
        __riscv_vsse32_v_f32m1((float*) ((uintptr_t) y + 3 * y_stride) + first_col, tile_step, o, vs);
      }
      if (4 < rows) {
        vfloat32m1_t o = __riscv_vfmv_v_f_f32m1(bias, vl);
        o = __riscv_vfadd_vv_f32m1(o, q1, vl);
        o = __riscv_vfadd_vv_f32m1(o, q2, vl);
        o = __riscv_vfmacc_vf_f32m1(o, 16.0f, q3, vl);
        o = __riscv_vfmacc_vf_f32m1(o, 16.0f, q4, vl);
        o = __riscv_vfmacc_vf_f32m1(o, 0.0625f, q5, vl);
        o = __riscv_vfmacc_vf_f32m1(o, 0.0625f, q6, vl);
        o = __riscv_vfmin_vf_f32m1(__riscv_vfmax_vf_f32m1(o, params->min, vl), params->max, vl);
        __riscv_vsse32_v_f32m1((float*) ((uintptr_t) y + 4 * y_stride) + first_col, tile_step, o, vs);
      }
      if (5 < rows) {
        vfloat32m1_t o = __riscv_vfmv_v_f_f32m1(bias, vl);
        o = __riscv_vfadd_vv_f32m1(o, q1, vl);
        o = __riscv_vfsub_vv_f32m1(o, q2, vl);
        o = __riscv_vfmacc_vf_f32m1(o, 32.0f, q3, vl);
        o = __riscv_vfmacc_vf_f32m1(o, -32.0f, q4, vl);
        o = __riscv_vfmacc_vf_f32m1(o, 0.03125f, q5, vl);
        o = __riscv_vfmacc_vf_f32m1(o, -0.03125f, q6, vl);
        o = __riscv_vfadd_vv_f32m1(o, q7, vl);
        o = __riscv_vfmin_vf_f32m1(__riscv_vfmax_vf_f32m1(o, params->min, vl), params->max, vl);
        __riscv_vsse32_v_f32m1((float*) ((uintptr_t) y + 5 * y_stride) + first_col, tile_step, o, vs);
      }
    }
    m += vl;
    t0 += vl;
  } while (t0 < tiles);
}
