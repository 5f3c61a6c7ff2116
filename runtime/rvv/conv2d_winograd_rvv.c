/* 3x3, stride-1 NCHW convolution by Winograd F(MxM, 3x3) on RISC-V Vector 1.0
 * (include/rvpack_rvv/winograd.h describes the three steps). The image's tile
 * rows are processed in panels of p->panel_tile_rows, so the transformed
 * input U ([alpha^2][C][T]) and the GEMM results M ([alpha^2][OC][T]) of one
 * panel of T tiles live in the layer's scratch, with one zero-padded input
 * row block for the input transform and the output transform's temporary:
 *   scratch = rows[alpha][tw*M + 2] | U | M | tmp[alpha * M * 32 * LMUL]
 * (the code generator sizes it, sdk/targets/rvv/rules.py). */
#include <riscv_vector.h>
#include <stddef.h>
#include <stdint.h>

#include "rvpack/kernels_rvv.h"

/* rows[i][0 .. len) = the input row ih0 + i from column -pad_left, zero outside. */
static void fill_rows(const float* plane, size_t in_h, size_t in_w, ptrdiff_t ih0, size_t pad_left, size_t alpha,
                      size_t len, float* rows) {
  for (size_t i = 0; i < alpha; ++i) {
    float* dst = rows + i * len;
    const ptrdiff_t ih = ih0 + (ptrdiff_t)i;
    size_t done = 0;
    if (ih >= 0 && (size_t)ih < in_h) {
      /* [0, pad_left) zero, then the row, then zero */
      const size_t lead = pad_left < len ? pad_left : len;
      for (size_t j = 0; j < lead;) {
        const size_t vl = __riscv_vsetvl_e32m8(lead - j);
        __riscv_vse32_v_f32m8(dst + j, __riscv_vfmv_v_f_f32m8(0.0f, vl), vl);
        j += vl;
      }
      const size_t copy = len - lead < in_w ? len - lead : in_w;
      const float* src = plane + (size_t)ih * in_w;
      for (size_t j = 0; j < copy;) {
        const size_t vl = __riscv_vsetvl_e32m8(copy - j);
        __riscv_vse32_v_f32m8(dst + lead + j, __riscv_vle32_v_f32m8(src + j, vl), vl);
        j += vl;
      }
      done = lead + copy;
    }
    for (size_t j = done; j < len;) {
      const size_t vl = __riscv_vsetvl_e32m8(len - j);
      __riscv_vse32_v_f32m8(dst + j, __riscv_vfmv_v_f_f32m8(0.0f, vl), vl);
      j += vl;
    }
  }
}

void rvpack_f32_conv2d_winograd__rvv(const rvpack_conv2d_winograd_rvv_params_t* p, const float* input,
                                     const float* packed, const float* bias, float* output, float* scratch) {
  const rvpack_conv2d_params_t* c = &p->conv;
  const size_t m = (size_t)p->tile, alpha = m + 2, points = alpha * alpha;
  const size_t ic_n = (size_t)c->in_channels, oc_n = (size_t)c->out_channels;
  const size_t in_h = (size_t)c->in_height, in_w = (size_t)c->in_width;
  const size_t out_h = (size_t)c->out_height, out_w = (size_t)c->out_width;
  const size_t th = (out_h + m - 1) / m, tw = (out_w + m - 1) / m;
  const size_t row_len = tw * m + 2;
  const size_t panel_rows = (size_t)p->panel_tile_rows;
  const size_t mr = (size_t)p->gemm.mr;
  const size_t block = mr * (ic_n + 1);                                      /* one packed block of MR rows */
  const size_t point_weights = rvpack_f32_convgemm_packed_floats(mr, oc_n, ic_n); /* one point's packed weights */
  const size_t t_max = panel_rows * tw;
  float* rows = scratch;
  float* u = rows + alpha * row_len;
  float* mbuf = u + points * ic_n * t_max;
  float* tmp = mbuf + points * oc_n * t_max;
  const struct rvpack_f32_minmax_params clamp = rvpack_rvv_clamp_of(&c->act);
  const rvpack_activation_t no_activation = {RVPACK_ACT_NONE, 0.0f, 0.0f};
  const struct rvpack_f32_minmax_params unclamped = rvpack_rvv_clamp_of(&no_activation);
  for (size_t n = 0; n < (size_t)c->batch; ++n) {
    const float* x = input + n * ic_n * in_h * in_w;
    float* y = output + n * oc_n * out_h * out_w;
    for (size_t ty0 = 0; ty0 < th; ty0 += panel_rows) {
      const size_t ty1 = ty0 + panel_rows < th ? ty0 + panel_rows : th;
      const size_t t = (ty1 - ty0) * tw; /* tiles in this panel */
      /* 1. input transform: U[p][ic][tile] */
      for (size_t ic = 0; ic < ic_n; ++ic) {
        for (size_t ty = ty0; ty < ty1; ++ty) {
          fill_rows(x + ic * in_h * in_w, in_h, in_w, (ptrdiff_t)(ty * m) - (ptrdiff_t)c->pad_top,
                    (size_t)c->pad_left, alpha, row_len, rows);
          p->input_transform(tw, rows, row_len * sizeof(float), u + ic * t + (ty - ty0) * tw,
                             ic_n * t * sizeof(float));
        }
      }
      /* 2. one GEMM per point: M[p] = W'[p] x U[p] */
      for (size_t pt = 0; pt < points; ++pt) {
        const float* w = packed + pt * point_weights;
        for (size_t m0 = 0; m0 < oc_n; m0 += mr) {
          const size_t r = oc_n - m0 < mr ? oc_n - m0 : mr;
          rvpack_convgemm_tile_run(&p->gemm, r, t, ic_n * sizeof(float), w + m0 / mr * block, u + pt * ic_n * t,
                                   t * sizeof(float), mbuf + (pt * oc_n + m0) * t, t * sizeof(float), &unclamped);
        }
      }
      /* 3. output transform, bias and clamp */
      for (size_t oc = 0; oc < oc_n; ++oc) {
        for (size_t ty = ty0; ty < ty1; ++ty) {
          const size_t valid_rows = out_h - ty * m < m ? out_h - ty * m : m;
          p->output_transform(tw, mbuf + oc * t + (ty - ty0) * tw, oc_n * t * sizeof(float), tmp,
                              bias != NULL ? bias[oc] : 0.0f, y + (oc * out_h + ty * m) * out_w,
                              out_w * sizeof(float), valid_rows, out_w, &clamp);
        }
      }
    }
  }
}
