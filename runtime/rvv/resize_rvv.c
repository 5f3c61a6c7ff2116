/* Resize on RISC-V Vector 1.0: rvpack_f32_resize__scalar's gathers
 * (runtime/src/resize.c) vectorised along the output row with indexed loads
 * (vluxei32) at the precomputed source columns. NEAREST is bit-exact; LINEAR
 * blends with fused multiply-adds, so it may differ from the scalar kernel in
 * the last bit. */
#include <riscv_vector.h>
#include <stddef.h>
#include <stdint.h>

#include "rvpack/kernels_rvv.h"

/* Byte offsets of the source columns cols[0..vl). */
static inline vuint32m4_t column_offsets(const int32_t* cols, size_t vl) {
  return __riscv_vsll_vx_u32m4(__riscv_vreinterpret_v_i32m4_u32m4(__riscv_vle32_v_i32m4(cols, vl)), 2, vl);
}

static void nearest_row(size_t n, const float* row, const int32_t* x0, float* y) {
  for (size_t vl; n > 0; n -= vl, x0 += vl, y += vl) {
    vl = __riscv_vsetvl_e32m4(n);
    __riscv_vse32_v_f32m4(y, __riscv_vluxei32_v_f32m4(row, column_offsets(x0, vl), vl), vl);
  }
}

/* y = (1 - ly) * (hx * r0[c0] + lx * r0[c1]) + ly * (hx * r1[c0] + lx * r1[c1]), hx = 1 - lx. */
static void linear_row(size_t n, const float* r0, const float* r1, float ly, const int32_t* x0, const int32_t* x1,
                       const float* lambda, float* y) {
  const float hy = 1.0f - ly;
  for (size_t vl; n > 0; n -= vl, x0 += vl, x1 += vl, lambda += vl, y += vl) {
    vl = __riscv_vsetvl_e32m4(n);
    const vuint32m4_t c0 = column_offsets(x0, vl), c1 = column_offsets(x1, vl);
    const vfloat32m4_t lx = __riscv_vle32_v_f32m4(lambda, vl);
    const vfloat32m4_t hx = __riscv_vfrsub_vf_f32m4(lx, 1.0f, vl);
    vfloat32m4_t top = __riscv_vfmul_vv_f32m4(lx, __riscv_vluxei32_v_f32m4(r0, c1, vl), vl);
    top = __riscv_vfmacc_vv_f32m4(top, hx, __riscv_vluxei32_v_f32m4(r0, c0, vl), vl);
    vfloat32m4_t bottom = __riscv_vfmul_vv_f32m4(lx, __riscv_vluxei32_v_f32m4(r1, c1, vl), vl);
    bottom = __riscv_vfmacc_vv_f32m4(bottom, hx, __riscv_vluxei32_v_f32m4(r1, c0, vl), vl);
    const vfloat32m4_t out = __riscv_vfmacc_vf_f32m4(__riscv_vfmul_vf_f32m4(bottom, ly, vl), hy, top, vl);
    __riscv_vse32_v_f32m4(y, out, vl);
  }
}

void rvpack_f32_resize__rvv(const rvpack_resize_params_t* p, const float* x, float* y) {
  const size_t in_w = (size_t)p->in_width, in_plane = (size_t)p->in_height * in_w;
  const size_t ow_n = (size_t)p->out_width;
  for (int32_t pl = 0; pl < p->planes; ++pl) {
    const float* xp = x + (size_t)pl * in_plane;
    for (int32_t oy = 0; oy < p->out_height; ++oy, y += ow_n) {
      const float* r0 = xp + (size_t)p->y0[oy] * in_w;
      if (p->mode == RVPACK_RESIZE_NEAREST) {
        nearest_row(ow_n, r0, p->x0, y);
      } else {
        linear_row(ow_n, r0, xp + (size_t)p->y1[oy] * in_w, p->y_lambda[oy], p->x0, p->x1, p->x_lambda, y);
      }
    }
  }
}
