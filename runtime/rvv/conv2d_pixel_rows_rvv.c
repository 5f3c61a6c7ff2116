/* NCHW convolution with the output pixels as the GEMM's rows (groups 1):
 *   Y^T[p][oc] = sum_k X'^T[p][k] * W^T[k][oc],
 * so the vectors run over output channels. For late layers with few pixels
 * (7x7, 14x14) and many channels this fills the vectors that a row of pixels
 * cannot. X' is the input (1x1, stride 1, no pad) or an im2col panel of every
 * pixel; its columns are packed into the microkernel's blocks of MR pixels,
 * the kernel writes Y^T, and one pass adds the bias, clamps and transposes
 * into the NCHW output. W^T ([K][OC] rows) is transposed at build time.
 * Scratch (floats): [im2col panel K*P] | packed X'^T | Y^T P*OC. */
#include <riscv_vector.h>
#include <stddef.h>
#include <stdint.h>

#include "rvpack/kernels_rvv.h"

void rvpack_f32_conv2d_nchw_pixel_rows__rvv(const rvpack_conv2d_pixel_rows_rvv_params_t* p, const float* input,
                                            const float* weights_t, const float* bias, float* output,
                                            float* scratch) {
  const rvpack_conv2d_params_t* c = &p->conv;
  const size_t ic_n = (size_t)c->in_channels, oc_n = (size_t)c->out_channels;
  const size_t k = ic_n * (size_t)c->kernel_height * (size_t)c->kernel_width;
  const size_t in_plane = (size_t)c->in_height * (size_t)c->in_width;
  const size_t pixels = (size_t)c->out_height * (size_t)c->out_width;
  const size_t mr = (size_t)p->tile.mr;
  const size_t block = mr * (k + 1);
  const struct rvpack_f32_minmax_params clamp = rvpack_rvv_clamp_of(&c->act);
  const rvpack_activation_t no_activation = {RVPACK_ACT_NONE, 0.0f, 0.0f};
  const struct rvpack_f32_minmax_params unclamped = rvpack_rvv_clamp_of(&no_activation);
  const struct rvpack_im2col_params im2col = rvpack_rvv_im2col_of(c, ic_n);
  float* panel = p->direct ? NULL : scratch;
  float* packed = scratch + (p->direct ? 0 : k * pixels);
  float* yt = packed + rvpack_f32_convgemm_packed_floats(mr, pixels, k);
  for (size_t n = 0; n < (size_t)c->batch; ++n) {
    const float* x = input + n * ic_n * in_plane;
    float* y = output + n * oc_n * pixels;
    const float* cols = x;
    size_t col_stride = in_plane * sizeof(float);
    if (!p->direct) {
      rvpack_f32_im2col_nchw__rvv(&im2col, x, 0, pixels, panel, pixels * sizeof(float));
      cols = panel;
      col_stride = pixels * sizeof(float);
    }
    rvpack_f32_convgemm_pack_columns__rvv(mr, pixels, k, cols, col_stride, packed);
    for (size_t p0 = 0; p0 < pixels; p0 += mr) {
      const size_t rows = pixels - p0 < mr ? pixels - p0 : mr;
      rvpack_convgemm_tile_run(&p->tile, rows, oc_n, k * sizeof(float), packed + p0 / mr * block, weights_t,
                               oc_n * sizeof(float), yt + p0 * oc_n, oc_n * sizeof(float), &unclamped);
    }
    /* y[oc][px] = clamp(yt[px][oc] + bias[oc]): a strided store per pixel. */
    const ptrdiff_t plane_bytes = (ptrdiff_t)(pixels * sizeof(float));
    for (size_t px = 0; px < pixels; ++px) {
      for (size_t oc = 0; oc < oc_n;) {
        const size_t vl = __riscv_vsetvl_e32m8(oc_n - oc);
        vfloat32m8_t v = __riscv_vle32_v_f32m8(yt + px * oc_n + oc, vl);
        if (bias != NULL) v = __riscv_vfadd_vv_f32m8(v, __riscv_vle32_v_f32m8(bias + oc, vl), vl);
        v = __riscv_vfmin_vf_f32m8(__riscv_vfmax_vf_f32m8(v, clamp.min, vl), clamp.max, vl);
        __riscv_vsse32_v_f32m8(y + oc * pixels + px, plane_bytes, v, vl);
        oc += vl;
      }
    }
  }
}
