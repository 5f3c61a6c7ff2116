/* Transposed convolution on RISC-V Vector 1.0: the loops of
 * rvpack_f32_conv_transpose2d_nchw__scalar (runtime/src/conv.c), each input
 * row scattered into its output row with one strided load, one fused
 * multiply-add and one strided store per vector (the same fma per element,
 * in the same order, as the scalar kernel). */
#include <riscv_vector.h>
#include <stddef.h>

#include "../src/internal.h"
#include "rvpack/kernels_rvv.h"

static void scatter_row_rvv(size_t n, float w, const float* x, float* y, ptrdiff_t stride) {
  const ptrdiff_t bytes = stride * (ptrdiff_t)sizeof(float);
  for (size_t vl; n > 0; n -= vl, x += vl, y += (ptrdiff_t)vl * stride) {
    vl = __riscv_vsetvl_e32m8(n);
    const vfloat32m8_t acc = __riscv_vlse32_v_f32m8(y, bytes, vl);
    __riscv_vsse32_v_f32m8(y, bytes, __riscv_vfmacc_vf_f32m8(acc, w, __riscv_vle32_v_f32m8(x, vl), vl), vl);
  }
}

void rvpack_f32_conv_transpose2d_nchw__rvv(const rvpack_conv2d_params_t* p, const float* input, const float* weights,
                                           const float* bias, float* output) {
  rvpack_internal_conv_transpose_f32(p, input, weights, bias, output, scatter_row_rvv);
}
