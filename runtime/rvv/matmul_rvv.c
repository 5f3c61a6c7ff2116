/* Matrix multiplication (MatMul, Gemm) on RISC-V Vector 1.0.
 *
 * Y[m][n] = sum_k A[m][k] * B[k][n] is the convgemm microkernels' problem with
 * A as the broadcast weights ([M][K] rows) and B as the vector operand ([K][N]
 * rows): each K step loads one row chunk of B and does MR vfmacc.vf, so a
 * fully connected layer at batch 1 (M = 1) still runs LMUL-wide vectors over
 * its output features. No weight layout depends on VLEN. */
#include <riscv_vector.h>
#include <stddef.h>
#include <stdint.h>

#include "rvpack/kernels_rvv.h"

/* y[i][j] = clamp(alpha * y[i][j] + beta * bias(i, j)) for one matrix, where
 * the kernel left the plain sums in y. */
static void epilogue(const rvpack_matmul_params_t* mm, const float* bias, float* y,
                     const struct rvpack_f32_minmax_params* clamp) {
  const size_t m = (size_t)mm->m, n = (size_t)mm->n;
  for (size_t i = 0; i < m; ++i) {
    float* row = y + i * n;
    for (size_t j = 0; j < n;) {
      const size_t vl = __riscv_vsetvl_e32m8(n - j);
      vfloat32m8_t v = __riscv_vfmul_vf_f32m8(__riscv_vle32_v_f32m8(row + j, vl), mm->alpha, vl);
      switch (mm->bias_kind) {
        case RVPACK_BIAS_PER_COLUMN:
          v = __riscv_vfmacc_vf_f32m8(v, mm->beta, __riscv_vle32_v_f32m8(bias + j, vl), vl);
          break;
        case RVPACK_BIAS_FULL:
          v = __riscv_vfmacc_vf_f32m8(v, mm->beta, __riscv_vle32_v_f32m8(bias + i * n + j, vl), vl);
          break;
        case RVPACK_BIAS_PER_ROW:
          v = __riscv_vfadd_vf_f32m8(v, mm->beta * bias[i], vl);
          break;
        case RVPACK_BIAS_SCALAR:
          v = __riscv_vfadd_vf_f32m8(v, mm->beta * bias[0], vl);
          break;
        default:
          break;
      }
      v = __riscv_vfmin_vf_f32m8(__riscv_vfmax_vf_f32m8(v, clamp->min, vl), clamp->max, vl);
      __riscv_vse32_v_f32m8(row + j, v, vl);
      j += vl;
    }
  }
}

/* dst[r][c] = src[c][r] for a rows x cols result: strided loads down src's columns. */
static void transpose(size_t rows, size_t cols, const float* src, float* dst) {
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < cols;) {
      const size_t vl = __riscv_vsetvl_e32m8(cols - c);
      const vfloat32m8_t v = __riscv_vlse32_v_f32m8(src + c * rows + r, (ptrdiff_t)(rows * sizeof(float)), vl);
      __riscv_vse32_v_f32m8(dst + r * cols + c, v, vl);
      c += vl;
    }
  }
}

void rvpack_f32_matmul__rvv(const rvpack_matmul_rvv_params_t* p, const float* a, const float* b, const float* bias,
                            float* y, float* scratch) {
  const rvpack_matmul_params_t* mm = &p->matmul;
  const size_t m = (size_t)mm->m, n = (size_t)mm->n, k = (size_t)mm->k, mr = (size_t)p->tile.mr;
  const struct rvpack_f32_minmax_params clamp = rvpack_rvv_clamp_of(&mm->act);
  const rvpack_activation_t no_activation = {RVPACK_ACT_NONE, 0.0f, 0.0f};
  const struct rvpack_f32_minmax_params unclamped = rvpack_rvv_clamp_of(&no_activation);
  /* The microkernel adds a bias per row and clamps; anything else needs the epilogue. */
  const int row_bias = mm->bias_kind == RVPACK_BIAS_PER_ROW && mm->beta == 1.0f;
  const int fused = mm->alpha == 1.0f && (mm->bias_kind == RVPACK_BIAS_NONE || row_bias);
  for (size_t batch = 0; batch < (size_t)mm->batch; ++batch) {
    const float* ab = a + batch * (size_t)mm->a_batch_stride;
    const float* bb = b + batch * (size_t)mm->b_batch_stride;
    float* packed_a = scratch; /* first in scratch: A in the kernel's packed blocks */
    float* free_scratch = scratch + rvpack_f32_convgemm_packed_floats(mr, m, k);
    if (mm->a_transposed) { /* A is stored [k][m]: the kernel wants rows of k */
      transpose(m, k, ab, free_scratch);
      ab = free_scratch;
      free_scratch += m * k;
    }
    if (mm->b_transposed) { /* B is stored [n][k]: the kernel wants rows of n */
      transpose(k, n, bb, free_scratch);
      bb = free_scratch;
    }
    float* yb = y + batch * (size_t)mm->y_batch_stride;
    rvpack_f32_convgemm_pack_weights__rvv(mr, m, k, ab, k * sizeof(float), fused && row_bias ? bias : NULL, packed_a);
    for (size_t m0 = 0; m0 < m; m0 += mr) {
      const size_t rows = m - m0 < mr ? m - m0 : mr;
      rvpack_convgemm_tile_run(&p->tile, rows, n, k * sizeof(float), packed_a + m0 * (k + 1), bb, n * sizeof(float),
                               yb + m0 * n, n * sizeof(float), fused ? &clamp : &unclamped);
    }
    if (!fused) {
      epilogue(mm, bias, yb, &clamp);
    }
  }
}
