// Auto-generated file. Do not edit!
//   Template: third_party/xnnpack_rvv/src/f32-winograd/FMx3-rvv.c.in
//   Generator: python third_party/xnnpack_rvv/tools/generate.py
//   Registry: third_party/xnnpack_rvv/src/f32-winograd/f32-winograd.inc
//
// Winograd F(4x4, 3x3): 6x6 input tiles, 4x4 output tiles; vectors of LMUL=2
// registers over consecutive tiles of a tile row.
// Interpolation points: 0, 1, -1, 2, -2, infinity.
//   B^T[0] = [4, 0, -5, 0, 1, 0]
//   B^T[1] = [0, -4, -4, 1, 1, 0]
//   B^T[2] = [0, 4, -4, -1, 1, 0]
//   B^T[3] = [0, -2, -1, 2, 1, 0]
//   B^T[4] = [0, 2, -1, -2, 1, 0]
//   B^T[5] = [0, 4, 0, -5, 0, 1]
//   A^T[0] = [1, 1, 1, 1, 1, 0]
//   A^T[1] = [0, 1, -1, 2, -2, 0]
//   A^T[2] = [0, 1, 1, 4, 4, 0]
//   A^T[3] = [0, 1, -1, 8, -8, 1]

#include <stddef.h>
#include <stdint.h>

#include <riscv_vector.h>

#include "rvpack_rvv/common.h"
#include "rvpack_rvv/winograd.h"

void rvpack_f32_winograd_f4x3_2v_input__rvv(size_t tiles, const float* restrict x, size_t x_stride, float* restrict u, size_t u_stride)
{
  RVPACK_RVV_ASSERT(tiles != 0);
  const ptrdiff_t tile_step = 4 * sizeof(float);
  do {
    const size_t vl = __riscv_vsetvl_e32m2(tiles);
    // Rows: r[i][j] = sum_k d[i][k] * B^T[j][k], stored at point (i, j) of u.
    for (size_t i = 0; i < 6; i++) {
      const float* xi = (const float*) ((uintptr_t) x + i * x_stride);
      const vfloat32m2_t d0 = __riscv_vlse32_v_f32m2(xi + 0, tile_step, vl);
      const vfloat32m2_t d1 = __riscv_vlse32_v_f32m2(xi + 1, tile_step, vl);
      const vfloat32m2_t d2 = __riscv_vlse32_v_f32m2(xi + 2, tile_step, vl);
      const vfloat32m2_t d3 = __riscv_vlse32_v_f32m2(xi + 3, tile_step, vl);
      const vfloat32m2_t d4 = __riscv_vlse32_v_f32m2(xi + 4, tile_step, vl);
      const vfloat32m2_t d5 = __riscv_vlse32_v_f32m2(xi + 5, tile_step, vl);
      float* ui = (float*) ((uintptr_t) u + i * 6 * u_stride);
      vfloat32m2_t r0 = __riscv_vfmul_vf_f32m2(d0, 4.0f, vl);
      r0 = __riscv_vfmacc_vf_f32m2(r0, -5.0f, d2, vl);
      r0 = __riscv_vfadd_vv_f32m2(r0, d4, vl);
      __riscv_vse32_v_f32m2((float*) ((uintptr_t) ui + 0 * u_stride), r0, vl);
      vfloat32m2_t r1 = __riscv_vfmul_vf_f32m2(d1, -4.0f, vl);
      r1 = __riscv_vfmacc_vf_f32m2(r1, -4.0f, d2, vl);
      r1 = __riscv_vfadd_vv_f32m2(r1, d3, vl);
      r1 = __riscv_vfadd_vv_f32m2(r1, d4, vl);
      __riscv_vse32_v_f32m2((float*) ((uintptr_t) ui + 1 * u_stride), r1, vl);
      vfloat32m2_t r2 = __riscv_vfmul_vf_f32m2(d1, 4.0f, vl);
      r2 = __riscv_vfmacc_vf_f32m2(r2, -4.0f, d2, vl);
      r2 = __riscv_vfsub_vv_f32m2(r2, d3, vl);
      r2 = __riscv_vfadd_vv_f32m2(r2, d4, vl);
      __riscv_vse32_v_f32m2((float*) ((uintptr_t) ui + 2 * u_stride), r2, vl);
      vfloat32m2_t r3 = __riscv_vfmul_vf_f32m2(d1, -2.0f, vl);
      r3 = __riscv_vfsub_vv_f32m2(r3, d2, vl);
      r3 = __riscv_vfmacc_vf_f32m2(r3, 2.0f, d3, vl);
      r3 = __riscv_vfadd_vv_f32m2(r3, d4, vl);
      __riscv_vse32_v_f32m2((float*) ((uintptr_t) ui + 3 * u_stride), r3, vl);
      vfloat32m2_t r4 = __riscv_vfmul_vf_f32m2(d1, 2.0f, vl);
      r4 = __riscv_vfsub_vv_f32m2(r4, d2, vl);
      r4 = __riscv_vfmacc_vf_f32m2(r4, -2.0f, d3, vl);
      r4 = __riscv_vfadd_vv_f32m2(r4, d4, vl);
      __riscv_vse32_v_f32m2((float*) ((uintptr_t) ui + 4 * u_stride), r4, vl);
      vfloat32m2_t r5 = __riscv_vfmul_vf_f32m2(d1, 4.0f, vl);
      r5 = __riscv_vfmacc_vf_f32m2(r5, -5.0f, d3, vl);
      r5 = __riscv_vfadd_vv_f32m2(r5, d5, vl);
      __riscv_vse32_v_f32m2((float*) ((uintptr_t) ui + 5 * u_stride), r5, vl);
    }
    // Columns, in place: V[i][j] = sum_k B^T[i][k] * r[k][j].
    for (size_t j = 0; j < 6; j++) {
      float* uj = (float*) ((uintptr_t) u + j * u_stride);
      const vfloat32m2_t r0 = __riscv_vle32_v_f32m2((const float*) ((uintptr_t) uj + 0 * u_stride), vl);
      const vfloat32m2_t r1 = __riscv_vle32_v_f32m2((const float*) ((uintptr_t) uj + 6 * u_stride), vl);
      const vfloat32m2_t r2 = __riscv_vle32_v_f32m2((const float*) ((uintptr_t) uj + 12 * u_stride), vl);
      const vfloat32m2_t r3 = __riscv_vle32_v_f32m2((const float*) ((uintptr_t) uj + 18 * u_stride), vl);
      const vfloat32m2_t r4 = __riscv_vle32_v_f32m2((const float*) ((uintptr_t) uj + 24 * u_stride), vl);
      const vfloat32m2_t r5 = __riscv_vle32_v_f32m2((const float*) ((uintptr_t) uj + 30 * u_stride), vl);
      vfloat32m2_t v0 = __riscv_vfmul_vf_f32m2(r0, 4.0f, vl);
      v0 = __riscv_vfmacc_vf_f32m2(v0, -5.0f, r2, vl);
      v0 = __riscv_vfadd_vv_f32m2(v0, r4, vl);
      vfloat32m2_t v1 = __riscv_vfmul_vf_f32m2(r1, -4.0f, vl);
      v1 = __riscv_vfmacc_vf_f32m2(v1, -4.0f, r2, vl);
      v1 = __riscv_vfadd_vv_f32m2(v1, r3, vl);
      v1 = __riscv_vfadd_vv_f32m2(v1, r4, vl);
      vfloat32m2_t v2 = __riscv_vfmul_vf_f32m2(r1, 4.0f, vl);
      v2 = __riscv_vfmacc_vf_f32m2(v2, -4.0f, r2, vl);
      v2 = __riscv_vfsub_vv_f32m2(v2, r3, vl);
      v2 = __riscv_vfadd_vv_f32m2(v2, r4, vl);
      vfloat32m2_t v3 = __riscv_vfmul_vf_f32m2(r1, -2.0f, vl);
      v3 = __riscv_vfsub_vv_f32m2(v3, r2, vl);
      v3 = __riscv_vfmacc_vf_f32m2(v3, 2.0f, r3, vl);
      v3 = __riscv_vfadd_vv_f32m2(v3, r4, vl);
      vfloat32m2_t v4 = __riscv_vfmul_vf_f32m2(r1, 2.0f, vl);
      v4 = __riscv_vfsub_vv_f32m2(v4, r2, vl);
      v4 = __riscv_vfmacc_vf_f32m2(v4, -2.0f, r3, vl);
      v4 = __riscv_vfadd_vv_f32m2(v4, r4, vl);
      vfloat32m2_t v5 = __riscv_vfmul_vf_f32m2(r1, 4.0f, vl);
      v5 = __riscv_vfmacc_vf_f32m2(v5, -5.0f, r3, vl);
      v5 = __riscv_vfadd_vv_f32m2(v5, r5, vl);
      __riscv_vse32_v_f32m2((float*) ((uintptr_t) uj + 0 * u_stride), v0, vl);
      __riscv_vse32_v_f32m2((float*) ((uintptr_t) uj + 6 * u_stride), v1, vl);
      __riscv_vse32_v_f32m2((float*) ((uintptr_t) uj + 12 * u_stride), v2, vl);
      __riscv_vse32_v_f32m2((float*) ((uintptr_t) uj + 18 * u_stride), v3, vl);
      __riscv_vse32_v_f32m2((float*) ((uintptr_t) uj + 24 * u_stride), v4, vl);
      __riscv_vse32_v_f32m2((float*) ((uintptr_t) uj + 30 * u_stride), v5, vl);
    }
    x = (const float*) ((uintptr_t) x + vl * tile_step);
    u += vl;
    tiles -= vl;
  } while (tiles != 0);
}

void rvpack_f32_winograd_f4x3_2v_output__rvv(size_t tiles, const float* restrict m, size_t m_stride, float* restrict tmp, float bias,
                      float* restrict y, size_t y_stride, size_t rows, size_t cols,
                      const struct rvpack_f32_minmax_params* restrict params)
{
  RVPACK_RVV_ASSERT(tiles != 0);
  RVPACK_RVV_ASSERT(rows != 0 && rows <= 4);
  const ptrdiff_t tile_step = 4 * sizeof(float);
  const size_t vlmax = __riscv_vsetvlmax_e32m2();
  size_t t0 = 0;
  do {
    const size_t vl = __riscv_vsetvl_e32m2(tiles - t0);
    // Rows: q[i][c] = sum_j M[i][j] * A^T[c][j], into tmp (vlmax floats per value).
    for (size_t i = 0; i < 6; i++) {
      const vfloat32m2_t m0 = __riscv_vle32_v_f32m2((const float*) ((uintptr_t) m + (i * 6 + 0) * m_stride), vl);
      const vfloat32m2_t m1 = __riscv_vle32_v_f32m2((const float*) ((uintptr_t) m + (i * 6 + 1) * m_stride), vl);
      const vfloat32m2_t m2 = __riscv_vle32_v_f32m2((const float*) ((uintptr_t) m + (i * 6 + 2) * m_stride), vl);
      const vfloat32m2_t m3 = __riscv_vle32_v_f32m2((const float*) ((uintptr_t) m + (i * 6 + 3) * m_stride), vl);
      const vfloat32m2_t m4 = __riscv_vle32_v_f32m2((const float*) ((uintptr_t) m + (i * 6 + 4) * m_stride), vl);
      const vfloat32m2_t m5 = __riscv_vle32_v_f32m2((const float*) ((uintptr_t) m + (i * 6 + 5) * m_stride), vl);
      vfloat32m2_t q0 = m0;
      q0 = __riscv_vfadd_vv_f32m2(q0, m1, vl);
      q0 = __riscv_vfadd_vv_f32m2(q0, m2, vl);
      q0 = __riscv_vfadd_vv_f32m2(q0, m3, vl);
      q0 = __riscv_vfadd_vv_f32m2(q0, m4, vl);
      __riscv_vse32_v_f32m2(tmp + (i * 4 + 0) * vlmax, q0, vl);
      vfloat32m2_t q1 = m1;
      q1 = __riscv_vfsub_vv_f32m2(q1, m2, vl);
      q1 = __riscv_vfmacc_vf_f32m2(q1, 2.0f, m3, vl);
      q1 = __riscv_vfmacc_vf_f32m2(q1, -2.0f, m4, vl);
      __riscv_vse32_v_f32m2(tmp + (i * 4 + 1) * vlmax, q1, vl);
      vfloat32m2_t q2 = m1;
      q2 = __riscv_vfadd_vv_f32m2(q2, m2, vl);
      q2 = __riscv_vfmacc_vf_f32m2(q2, 4.0f, m3, vl);
      q2 = __riscv_vfmacc_vf_f32m2(q2, 4.0f, m4, vl);
      __riscv_vse32_v_f32m2(tmp + (i * 4 + 2) * vlmax, q2, vl);
      vfloat32m2_t q3 = m1;
      q3 = __riscv_vfsub_vv_f32m2(q3, m2, vl);
      q3 = __riscv_vfmacc_vf_f32m2(q3, 8.0f, m3, vl);
      q3 = __riscv_vfmacc_vf_f32m2(q3, -8.0f, m4, vl);
      q3 = __riscv_vfadd_vv_f32m2(q3, m5, vl);
      __riscv_vse32_v_f32m2(tmp + (i * 4 + 3) * vlmax, q3, vl);
    }
    // Columns: Y[r][c] = bias + sum_i A^T[r][i] * q[i][c], clamped, stored for valid rows and columns.
    for (size_t c = 0; c < 4; c++) {
      // Tiles t0 + s of this step whose column c is inside the output.
      const size_t first_col = t0 * 4 + c;
      const size_t valid = first_col >= cols ? 0 : (cols - first_col + 3) / 4;
      const size_t vs = valid < vl ? valid : vl;
      if (vs == 0) continue;
      const vfloat32m2_t q0 = __riscv_vle32_v_f32m2(tmp + (0 + c) * vlmax, vl);
      const vfloat32m2_t q1 = __riscv_vle32_v_f32m2(tmp + (4 + c) * vlmax, vl);
      const vfloat32m2_t q2 = __riscv_vle32_v_f32m2(tmp + (8 + c) * vlmax, vl);
      const vfloat32m2_t q3 = __riscv_vle32_v_f32m2(tmp + (12 + c) * vlmax, vl);
      const vfloat32m2_t q4 = __riscv_vle32_v_f32m2(tmp + (16 + c) * vlmax, vl);
      const vfloat32m2_t q5 = __riscv_vle32_v_f32m2(tmp + (20 + c) * vlmax, vl);
      if (0 < rows) {
        vfloat32m2_t o = __riscv_vfmv_v_f_f32m2(bias, vl);
        o = __riscv_vfadd_vv_f32m2(o, q0, vl);
        o = __riscv_vfadd_vv_f32m2(o, q1, vl);
        o = __riscv_vfadd_vv_f32m2(o, q2, vl);
        o = __riscv_vfadd_vv_f32m2(o, q3, vl);
        o = __riscv_vfadd_vv_f32m2(o, q4, vl);
        o = __riscv_vfmin_vf_f32m2(__riscv_vfmax_vf_f32m2(o, params->min, vl), params->max, vl);
        __riscv_vsse32_v_f32m2((float*) ((uintptr_t) y + 0 * y_stride) + first_col, tile_step, o, vs);
      }
      if (1 < rows) {
        vfloat32m2_t o = __riscv_vfmv_v_f_f32m2(bias, vl);
        o = __riscv_vfadd_vv_f32m2(o, q1, vl);
        o = __riscv_vfsub_vv_f32m2(o, q2, vl);
        o = __riscv_vfmacc_vf_f32m2(o, 2.0f, q3, vl);
        o = __riscv_vfmacc_vf_f32m2(o, -2.0f, q4, vl);
        o = __riscv_vfmin_vf_f32m2(__riscv_vfmax_vf_f32m2(o, params->min, vl), params->max, vl);
        __riscv_vsse32_v_f32m2((float*) ((uintptr_t) y + 1 * y_stride) + first_col, tile_step, o, vs);
      }
      if (2 < rows) {
        vfloat32m2_t o = __riscv_vfmv_v_f_f32m2(bias, vl);
        o = __riscv_vfadd_vv_f32m2(o, q1, vl);
        o = __riscv_vfadd_vv_f32m2(o, q2, vl);
        o = __riscv_vfmacc_vf_f32m2(o, 4.0f, q3, vl);
        o = __riscv_vfmacc_vf_f32m2(o, 4.0f, q4, vl);
        o = __riscv_vfmin_vf_f32m2(__riscv_vfmax_vf_f32m2(o, params->min, vl), params->max, vl);
        __riscv_vsse32_v_f32m2((float*) ((uintptr_t) y + 2 * y_stride) + first_col, tile_step, o, vs);
      }
      if (3 < rows) {
        vfloat32m2_t o = __riscv_vfmv_v_f_f32m2(bias, vl);
        o = __riscv_vfadd_vv_f32m2(o, q1, vl);
        o = __riscv_vfsub_vv_f32m2(o, q2, vl);
        o = __riscv_vfmacc_vf_f32m2(o, 8.0f, q3, vl);
        o = __riscv_vfmacc_vf_f32m2(o, -8.0f, q4, vl);
        o = __riscv_vfadd_vv_f32m2(o, q5, vl);
        o = __riscv_vfmin_vf_f32m2(__riscv_vfmax_vf_f32m2(o, params->min, vl), params->max, vl);
        __riscv_vsse32_v_f32m2((float*) ((uintptr_t) y + 3 * y_stride) + first_col, tile_step, o, vs);
      }
    }
    m += vl;
    t0 += vl;
  } while (t0 < tiles);
}
