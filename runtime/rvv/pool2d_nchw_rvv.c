/* 2-D max / average pooling, NCHW, on RISC-V Vector 1.0: the vector twin of
 * rvpack_f32_pool2d_nchw__scalar (runtime/src/pool.c), bit for bit.
 *
 * Two ways to fill the vector lanes, both VLEN-agnostic (vsetvl):
 *  - along an output row (the usual case): lane l of a step is output column
 *    ow0 + l, each tap one load of the input row (vle32 at stride 1, vlse32
 *    with a stride-byte step otherwise). Steps whose taps all lie inside the
 *    row use plain loads; the steps at the left/right border mask the lanes
 *    whose tap falls outside (masked-off lanes are not read, and the tap is
 *    skipped as in the scalar kernel);
 *  - across planes, when output rows are too short to fill half a vector and
 *    there are more planes than output columns (late layers, global pooling):
 *    lane l is plane p0 + l, each tap one strided load (a plane apart), tap
 *    ranges and divisors scalar per output pixel.
 * Each lane sees the same taps in the same order as the scalar loop: MAX is
 * vfmax, IEEE maximumNumber as the scalar fmax.s (a NaN never wins, +0 beats
 * -0), one instruction per tap; AVERAGE sums from 0 in row-major tap order and divides
 * (vfdiv, not a reciprocal) by the same per-pixel count. RELU and CLAMP are
 * applied in registers with the scalar comparisons; any other activation runs
 * rvpack_f32_unary__scalar over the output afterwards. */
#include "rvpack/kernels_rvv.h"

#include "../src/internal.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include <riscv_vector.h>

typedef struct pool_act {
  int32_t kind; /* RVPACK_ACT_NONE, _RELU or _CLAMP: fused; other kinds run afterwards */
  float lo, hi;
} pool_act_t;

/* The scalar activations, lane-wise: RELU x < 0 ? 0 : x, CLAMP x < lo ? lo : (x > hi ? hi : x). */
static inline vfloat32m4_t activate(vfloat32m4_t x, const pool_act_t* act, size_t vl) {
  if (act->kind == RVPACK_ACT_RELU) {
    return __riscv_vfmerge_vfm_f32m4(x, 0.0f, __riscv_vmflt_vf_f32m4_b8(x, 0.0f, vl), vl);
  }
  if (act->kind == RVPACK_ACT_CLAMP) {
    const vbool8_t below = __riscv_vmflt_vf_f32m4_b8(x, act->lo, vl);
    const vbool8_t above = __riscv_vmfgt_vf_f32m4_b8(x, act->hi, vl);
    x = __riscv_vfmerge_vfm_f32m4(x, act->hi, above, vl);
    return __riscv_vfmerge_vfm_f32m4(x, act->lo, below, vl);
  }
  return x;
}

/* m = maximumNumber(m, x), lane-wise, as the scalar kernel's fmax. */
static inline vfloat32m4_t max_step(vfloat32m4_t m, vfloat32m4_t x, size_t vl) {
  return __riscv_vfmax_vv_f32m4(m, x, vl);
}

/* Sum / count as the scalar kernel: count > 0 ? s / (float)count : 0. */
static inline vfloat32m4_t average(vfloat32m4_t s, int32_t count, size_t vl) {
  return count > 0 ? __riscv_vfdiv_vf_f32m4(s, (float)count, vl) : __riscv_vfmv_v_f_f32m4(0.0f, vl);
}

typedef struct pool_geom {
  int32_t ih_n, iw_n, oh_n, ow_n, kh_n, kw_n, sh, sw, dh, dw, pt, pl, pb, pr;
  int include_pad;
} pool_geom_t;

/* Rows [*kh0, *kh1) of output row oh's window inside the image, and the
 * row factor of the average's divisor. */
static void row_taps(const pool_geom_t* g, int32_t oh, int32_t* ih0, int32_t* kh0, int32_t* kh1, int32_t* count_h) {
  *ih0 = oh * g->sh - g->pt;
  rvpack_internal_tap_range(*ih0, g->dh, g->kh_n, g->ih_n, kh0, kh1);
  *count_h = *kh1 - *kh0;
  if (g->include_pad) {
    int32_t a, b;
    rvpack_internal_tap_range(*ih0 + g->pt, g->dh, g->kh_n, g->ih_n + g->pt + g->pb, &a, &b);
    *count_h = b - a;
  }
}

/* Input vector of a tap: lanes sw floats apart (unit: sw == 1, a plain vle32). */
static inline __attribute__((always_inline)) vfloat32m4_t load_tap(const float* px, const int unit, ptrdiff_t lane_bytes,
                                                                   size_t vl) {
  return unit ? __riscv_vle32_v_f32m4(px, vl) : __riscv_vlse32_v_f32m4(px, lane_bytes, vl);
}

/* The same, lanes outside `inside` left as they are in `old`. */
static inline __attribute__((always_inline)) vfloat32m4_t load_tap_mu(vbool8_t inside, vfloat32m4_t old,
                                                                      const float* px, const int unit,
                                                                      ptrdiff_t lane_bytes, size_t vl) {
  return unit ? __riscv_vle32_v_f32m4_mu(inside, old, px, vl)
              : __riscv_vlse32_v_f32m4_mu(inside, old, px, lane_bytes, vl);
}

/* One output row of one plane, vectorised along the row. is_max and unit
 * (stride_width == 1) are constants in each inlined copy. */
static inline __attribute__((always_inline)) void pool_row(const pool_geom_t* g, const int is_max, const int unit,
                                                           const float* in, float* orow, int32_t oh,
                                                           const pool_act_t* act) {
  int32_t ih0, kh0, kh1, count_h;
  row_taps(g, oh, &ih0, &kh0, &kh1, &count_h);
  const int32_t iw_n = g->iw_n, kw_n = g->kw_n, sw = g->sw, dw = g->dw;
  const ptrdiff_t lane_bytes = (ptrdiff_t)sw * (ptrdiff_t)sizeof(float);
  /* Output columns [ow_a, ow_b) have every tap inside the row. */
  const int32_t ow_a = (g->pl + sw - 1) / sw;
  const int32_t last = iw_n - 1 - (kw_n - 1) * dw + g->pl;
  const int32_t ow_b = last < 0 ? 0 : last / sw + 1;
  const float init = is_max ? -INFINITY : 0.0f;
  size_t vl;
  for (int32_t ow0 = 0; ow0 < g->ow_n; ow0 += (int32_t)vl) {
    vl = __riscv_vsetvl_e32m4((size_t)(g->ow_n - ow0));
    const int32_t iw0 = ow0 * sw - g->pl;
    vfloat32m4_t acc = __riscv_vfmv_v_f_f32m4(init, vl);
    if (ow0 >= ow_a && ow0 + (int32_t)vl <= ow_b) {
      for (int32_t kh = kh0; kh < kh1; ++kh) {
        const float* row = in + (ptrdiff_t)(ih0 + kh * g->dh) * iw_n + iw0;
        for (int32_t kw = 0; kw < kw_n; ++kw) {
          const float* px = row + (ptrdiff_t)kw * dw;
          const vfloat32m4_t x = load_tap(px, unit, lane_bytes, vl);
          acc = is_max ? max_step(acc, x, vl) : __riscv_vfadd_vv_f32m4(acc, x, vl);
        }
      }
      if (!is_max) acc = average(acc, count_h * kw_n, vl);
    } else {
      /* Lane l at tap kw reads column iw0 + l * sw + kw * dw; compared as
       * uint32, columns left of the image wrap above iw_n. */
      const vuint32m4_t vcol =
          __riscv_vadd_vx_u32m4(__riscv_vmul_vx_u32m4(__riscv_vid_v_u32m4(vl), (uint32_t)sw, vl), (uint32_t)iw0, vl);
      const vfloat32m4_t vinit = __riscv_vfmv_v_f_f32m4(init, vl);
      /* Mask-undisturbed loads into one register, so loads and masked adds
       * share one vtype. A masked-off lane of x still holds an earlier tap
       * of the same output pixel (or -inf): MAX has already merged it, and
       * merging it again changes nothing (x > m is false once m = max(m, x));
       * AVERAGE skips it (masked add). */
      vfloat32m4_t x = vinit;
      for (int32_t kh = kh0; kh < kh1; ++kh) {
        const uintptr_t row = (uintptr_t)(in + (ptrdiff_t)(ih0 + kh * g->dh) * iw_n);
        for (int32_t kw = 0; kw < kw_n; ++kw) {
          const int32_t col = iw0 + kw * dw;
          const vbool8_t inside =
              __riscv_vmsltu_vx_u32m4_b8(__riscv_vadd_vx_u32m4(vcol, (uint32_t)(kw * dw), vl), (uint32_t)iw_n, vl);
          const float* px = (const float*)(row + (uintptr_t)((intptr_t)col * (intptr_t)sizeof(float)));
          x = load_tap_mu(inside, x, px, unit, lane_bytes, vl);
          acc = is_max ? max_step(acc, x, vl) : __riscv_vfadd_vv_f32m4_mu(inside, acc, acc, x, vl);
        }
      }
      if (!is_max) {
        /* Per-lane divisor: count_h times the taps of the lane's column that
         * lie in the image (or, with count_include_pad, in the padded image). */
        const uint32_t limit = (uint32_t)(g->include_pad ? iw_n + g->pl + g->pr : iw_n);
        const vuint32m4_t vstart = g->include_pad ? __riscv_vadd_vx_u32m4(vcol, (uint32_t)g->pl, vl) : vcol;
        vuint32m4_t count = __riscv_vmv_v_x_u32m4(0, vl);
        for (int32_t kw = 0; kw < kw_n; ++kw) {
          const vbool8_t counted =
              __riscv_vmsltu_vx_u32m4_b8(__riscv_vadd_vx_u32m4(vstart, (uint32_t)(kw * dw), vl), limit, vl);
          count = __riscv_vadd_vx_u32m4_mu(counted, count, count, 1, vl);
        }
        count = __riscv_vmul_vx_u32m4(count, (uint32_t)count_h, vl);
        const vbool8_t empty = __riscv_vmseq_vx_u32m4_b8(count, 0, vl);
        acc = __riscv_vfdiv_vv_f32m4(acc, __riscv_vfcvt_f_xu_v_f32m4(count, vl), vl);
        acc = __riscv_vfmerge_vfm_f32m4(acc, 0.0f, empty, vl);
      }
    }
    __riscv_vse32_v_f32m4(orow + ow0, activate(acc, act, vl), vl);
  }
}

/* Planes [p0, p0 + vl) at once, one lane per plane, for every output pixel. */
static inline __attribute__((always_inline)) void pool_planes(const pool_geom_t* g, const int is_max,
                                                              const float* in, float* out, size_t vl,
                                                              const pool_act_t* act) {
  const ptrdiff_t in_plane = (ptrdiff_t)g->ih_n * g->iw_n, out_plane = (ptrdiff_t)g->oh_n * g->ow_n;
  const ptrdiff_t in_bytes = in_plane * (ptrdiff_t)sizeof(float), out_bytes = out_plane * (ptrdiff_t)sizeof(float);
  for (int32_t oh = 0; oh < g->oh_n; ++oh) {
    int32_t ih0, kh0, kh1, count_h;
    row_taps(g, oh, &ih0, &kh0, &kh1, &count_h);
    for (int32_t ow = 0; ow < g->ow_n; ++ow) {
      const int32_t iw0 = ow * g->sw - g->pl;
      int32_t kw0, kw1;
      rvpack_internal_tap_range(iw0, g->dw, g->kw_n, g->iw_n, &kw0, &kw1);
      vfloat32m4_t acc = __riscv_vfmv_v_f_f32m4(is_max ? -INFINITY : 0.0f, vl);
      for (int32_t kh = kh0; kh < kh1; ++kh) {
        const float* px = in + (ptrdiff_t)(ih0 + kh * g->dh) * g->iw_n + iw0 + (ptrdiff_t)kw0 * g->dw;
        for (int32_t kw = kw0; kw < kw1; ++kw, px += g->dw) {
          const vfloat32m4_t x = __riscv_vlse32_v_f32m4(px, in_bytes, vl);
          acc = is_max ? max_step(acc, x, vl) : __riscv_vfadd_vv_f32m4(acc, x, vl);
        }
      }
      if (!is_max) {
        int32_t count_w = kw1 - kw0;
        if (g->include_pad) {
          int32_t a, b;
          rvpack_internal_tap_range(iw0 + g->pl, g->dw, g->kw_n, g->iw_n + g->pl + g->pr, &a, &b);
          count_w = b - a;
        }
        acc = average(acc, count_h * count_w, vl);
      }
      __riscv_vsse32_v_f32m4(out + (ptrdiff_t)oh * g->ow_n + ow, out_bytes, activate(acc, act, vl), vl);
    }
  }
}

static inline __attribute__((always_inline)) void pool_all(const pool_geom_t* g, const int is_max, int32_t planes,
                                                           const float* input, float* output, const pool_act_t* act) {
  const ptrdiff_t in_plane = (ptrdiff_t)g->ih_n * g->iw_n, out_plane = (ptrdiff_t)g->oh_n * g->ow_n;
  const size_t vlmax = __riscv_vsetvlmax_e32m4();
  if (2 * (size_t)g->ow_n <= vlmax && planes > g->ow_n) {
    size_t vl;
    for (int32_t p0 = 0; p0 < planes; p0 += (int32_t)vl) {
      vl = __riscv_vsetvl_e32m4((size_t)(planes - p0));
      pool_planes(g, is_max, input + p0 * in_plane, output + p0 * out_plane, vl, act);
    }
    return;
  }
  for (int32_t plane = 0; plane < planes; ++plane) {
    const float* in = input + plane * in_plane;
    float* out = output + plane * out_plane;
    for (int32_t oh = 0; oh < g->oh_n; ++oh) {
      if (g->sw == 1) {
        pool_row(g, is_max, 1, in, out + (ptrdiff_t)oh * g->ow_n, oh, act);
      } else {
        pool_row(g, is_max, 0, in, out + (ptrdiff_t)oh * g->ow_n, oh, act);
      }
    }
  }
}

void rvpack_f32_pool2d_nchw__rvv(const rvpack_pool2d_params_t* p, const float* input, float* output) {
  const int32_t planes = p->batch * p->channels;
  if (planes <= 0 || p->out_height <= 0 || p->out_width <= 0) return;
  const int is_max = p->kind == RVPACK_POOL_MAX;
  const pool_geom_t g = {
      .ih_n = p->in_height,
      .iw_n = p->in_width,
      .oh_n = p->out_height,
      .ow_n = p->out_width,
      .kh_n = p->kernel_height,
      .kw_n = p->kernel_width,
      .sh = p->stride_height,
      .sw = p->stride_width,
      .dh = p->dilation_height,
      .dw = p->dilation_width,
      .pt = p->pad_top,
      .pl = p->pad_left,
      .pb = p->pad_bottom,
      .pr = p->pad_right,
      .include_pad = !is_max && p->count_include_pad,
  };
  const int fused = p->act.kind == RVPACK_ACT_NONE || p->act.kind == RVPACK_ACT_RELU || p->act.kind == RVPACK_ACT_CLAMP;
  const pool_act_t act = {fused ? p->act.kind : RVPACK_ACT_NONE, p->act.a, p->act.b};
  /* Two copies (max, average) of the loops, each with its test hoisted out. */
  if (is_max) {
    pool_all(&g, 1, planes, input, output, &act);
  } else {
    pool_all(&g, 0, planes, input, output, &act);
  }
  if (!fused) {
    rvpack_f32_unary__scalar((size_t)planes * (size_t)p->out_height * (size_t)p->out_width, output, output, &p->act);
  }
}
