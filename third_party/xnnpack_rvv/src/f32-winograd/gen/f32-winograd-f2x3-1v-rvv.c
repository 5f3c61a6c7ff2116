// Auto-generated file. Do not edit!
//   Template: third_party/xnnpack_rvv/src/f32-winograd/FMx3-rvv.c.in
//   Generator: python third_party/xnnpack_rvv/tools/generate.py
//   Registry: third_party/xnnpack_rvv/src/f32-winograd/f32-winograd.inc
//
// Winograd F(2x2, 3x3): 4x4 input tiles, 2x2 output tiles; vectors of LMUL=1
// registers over consecutive tiles of a tile row.
// Interpolation points: 0, 1, -1, infinity.
//   B^T[0] = [-1, 0, 1, 0]
//   B^T[1] = [0, 1, 1, 0]
//   B^T[2] = [0, -1, 1, 0]
//   B^T[3] = [0, -1, 0, 1]
//   A^T[0] = [1, 1, 1, 0]
//   A^T[1] = [0, 1, -1, 1]

#include <stddef.h>
#include <stdint.h>

#include <riscv_vector.h>

#include "rvpack_rvv/common.h"
#include "rvpack_rvv/winograd.h"

void rvpack_f32_winograd_f2x3_1v_input__rvv(size_t tiles, const float* restrict x, size_t x_stride, float* restrict u, size_t u_stride)
{
  RVPACK_RVV_ASSERT(tiles != 0);
  const ptrdiff_t tile_step = 2 * sizeof(float);
  do {
    const size_t vl = __riscv_vsetvl_e32m1(tiles);
    // Rows: r[i][j] = sum_k d[i][k] * B^T[j][k], stored at point (i, j) of u.
    for (size_t i = 0; i < 4; i++) {
      const float* xi = (const float*) ((uintptr_t) x + i * x_stride);
      const vfloat32m1_t d0 = __riscv_vlse32_v_f32m1(xi + 0, tile_step, vl);
      const vfloat32m1_t d1 = __riscv_vlse32_v_f32m1(xi + 1, tile_step, vl);
      const vfloat32m1_t d2 = __riscv_vlse32_v_f32m1(xi + 2, tile_step, vl);
      const vfloat32m1_t d3 = __riscv_vlse32_v_f32m1(xi + 3, tile_step, vl);
      float* ui = (float*) ((uintptr_t) u + i * 4 * u_stride);
      vfloat32m1_t r0 = __riscv_vfneg_v_f32m1(d0, vl);
      r0 = __riscv_vfadd_vv_f32m1(r0, d2, vl);
      __riscv_vse32_v_f32m1((float*) ((uintptr_t) ui + 0 * u_stride), r0, vl);
      vfloat32m1_t r1 = d1;
      r1 = __riscv_vfadd_vv_f32m1(r1, d2, vl);
      __riscv_vse32_v_f32m1((float*) ((uintptr_t) ui + 1 * u_stride), r1, vl);
      vfloat32m1_t r2 = __riscv_vfneg_v_f32m1(d1, vl);
      r2 = __riscv_vfadd_vv_f32m1(r2, d2, vl);
      __riscv_vse32_v_f32m1((float*) ((uintptr_t) ui + 2 * u_stride), r2, vl);
      vfloat32m1_t r3 = __riscv_vfneg_v_f32m1(d1, vl);
      r3 = __riscv_vfadd_vv_f32m1(r3, d3, vl);
      __riscv_vse32_v_f32m1((float*) ((uintptr_t) ui + 3 * u_stride), r3, vl);
    }
    // Columns, in place: V[i][j] = sum_k B^T[i][k] * r[k][j].
    for (size_t j = 0; j < 4; j++) {
      float* uj = (float*) ((uintptr_t) u + j * u_stride);
      const vfloat32m1_t r0 = __riscv_vle32_v_f32m1((const float*) ((uintptr_t) uj + 0 * u_stride), vl);
      const vfloat32m1_t r1 = __riscv_vle32_v_f32m1((const float*) ((uintptr_t) uj + 4 * u_stride), vl);
      const vfloat32m1_t r2 = __riscv_vle32_v_f32m1((const float*) ((uintptr_t) uj + 8 * u_stride), vl);
      const vfloat32m1_t r3 = __riscv_vle32_v_f32m1((const float*) ((uintptr_t) uj + 12 * u_stride), vl);
      vfloat32m1_t v0 = __riscv_vfneg_v_f32m1(r0, vl);
      v0 = __riscv_vfadd_vv_f32m1(v0, r2, vl);
      vfloat32m1_t v1 = r1;
      v1 = __riscv_vfadd_vv_f32m1(v1, r2, vl);
      vfloat32m1_t v2 = __riscv_vfneg_v_f32m1(r1, vl);
      v2 = __riscv_vfadd_vv_f32m1(v2, r2, vl);
      vfloat32m1_t v3 = __riscv_vfneg_v_f32m1(r1, vl);
      v3 = __riscv_vfadd_vv_f32m1(v3, r3, vl);
      __riscv_vse32_v_f32m1((float*) ((uintptr_t) uj + 0 * u_stride), v0, vl);
      __riscv_vse32_v_f32m1((float*) ((uintptr_t) uj + 4 * u_stride), v1, vl);
      __riscv_vse32_v_f32m1((float*) ((uintptr_t) uj + 8 * u_stride), v2, vl);
      __riscv_vse32_v_f32m1((float*) ((uintptr_t) uj + 12 * u_stride), v3, vl);
    }
    x = (const float*) ((uintptr_t) x + vl * tile_step);
    u += vl;
    tiles -= vl;
  } while (tiles != 0);
}

void rvpack_f32_winograd_f2x3_1v_output__rvv(size_t tiles, const float* restrict m, size_t m_stride, float* restrict tmp, float bias,
                      float* restrict y, size_t y_stride, size_t rows, size_t cols,
                      const struct rvpack_f32_minmax_params* restrict params)
{
  RVPACK_RVV_ASSERT(tiles != 0);
  RVPACK_RVV_ASSERT(rows != 0 && rows <= 2);
  const ptrdiff_t tile_step = 2 * sizeof(float);
  const size_t vlmax = __riscv_vsetvlmax_e32m1();
  size_t t0 = 0;
  do {
    const size_t vl = __riscv_vsetvl_e32m1(tiles - t0);
    // Rows: q[i][c] = sum_j M[i][j] * A^T[c][j], into tmp (vlmax floats per value).
    for (size_t i = 0; i < 4; i++) {
      const vfloat32m1_t m0 = __riscv_vle32_v_f32m1((const float*) ((uintptr_t) m + (i * 4 + 0) * m_stride), vl);
      const vfloat32m1_t m1 = __riscv_vle32_v_f32m1((const float*) ((uintptr_t) m + (i * 4 + 1) * m_stride), vl);
      const vfloat32m1_t m2 = __riscv_vle32_v_f32m1((const float*) ((uintptr_t) m + (i * 4 + 2) * m_stride), vl);
      const vfloat32m1_t m3 = __riscv_vle32_v_f32m1((const float*) ((uintptr_t) m + (i * 4 + 3) * m_stride), vl);
      vfloat32m1_t q0 = m0;
      q0 = __riscv_vfadd_vv_f32m1(q0, m1, vl);
      q0 = __riscv_vfadd_vv_f32m1(q0, m2, vl);
      __riscv_vse32_v_f32m1(tmp + (i * 2 + 0) * vlmax, q0, vl);
      vfloat32m1_t q1 = m1;
      q1 = __riscv_vfsub_vv_f32m1(q1, m2, vl);
      q1 = __riscv_vfadd_vv_f32m1(q1, m3, vl);
      __riscv_vse32_v_f32m1(tmp + (i * 2 + 1) * vlmax, q1, vl);
    }
    // Columns: Y[r][c] = bias + sum_i A^T[r][i] * q[i][c], clamped, stored for valid rows and columns.
    for (size_t c = 0; c < 2; c++) {
      // Tiles t0 + s of this step whose column c is inside the output.
      const size_t first_col = t0 * 2 + c;
      const size_t valid = first_col >= cols ? 0 : (cols - first_col + 1) / 2;
      const size_t vs = valid < vl ? valid : vl;
      if (vs == 0) continue;
      const vfloat32m1_t q0 = __riscv_vle32_v_f32m1(tmp + (0 + c) * vlmax, vl);
      const vfloat32m1_t q1 = __riscv_vle32_v_f32m1(tmp + (2 + c) * vlmax, vl);
      const vfloat32m1_t q2 = __riscv_vle32_v_f32m1(tmp + (4 + c) * vlmax, vl);
      const vfloat32m1_t q3 = __riscv_vle32_v_f32m1(tmp + (6 + c) * vlmax, vl);
      if (0 < rows) {
        vfloat32m1_t o = __riscv_vfmv_v_f_f32m1(bias, vl);
        o = __riscv_vfadd_vv_f32m1(o, q0, vl);
        o = __riscv_vfadd_vv_f32m1(o, q1, vl);
        o = __riscv_vfadd_vv_f32m1(o, q2, vl);
        o = __riscv_vfmin_vf_f32m1(__riscv_vfmax_vf_f32m1(o, params->min, vl), params->max, vl);
        __riscv_vsse32_v_f32m1((float*) ((uintptr_t) y + 0 * y_stride) + first_col, tile_step, o, vs);
      }
      if (1 < rows) {
        vfloat32m1_t o = __riscv_vfmv_v_f_f32m1(bias, vl);
        o = __riscv_vfadd_vv_f32m1(o, q1, vl);
        o = __riscv_vfsub_vv_f32m1(o, q2, vl);
        o = __riscv_vfadd_vv_f32m1(o, q3, vl);
        o = __riscv_vfmin_vf_f32m1(__riscv_vfmax_vf_f32m1(o, params->min, vl), params->max, vl);
        __riscv_vsse32_v_f32m1((float*) ((uintptr_t) y + 1 * y_stride) + first_col, tile_step, o, vs);
      }
    }
    m += vl;
    t0 += vl;
  } while (t0 < tiles);
}
