/* Broadcasting binary elementwise ops and per-channel affine on RISC-V
 * Vector 1.0.
 *
 * Binary: the same canonicalised N-d walk as the scalar kernel (size-1 dims
 * dropped, neighbours contiguous for both operands merged), one output row at
 * a time, each row strip-mined with vsetvl (LMUL 4). Row strides (a, b) of
 * (1, 1) use unit-stride loads of both operands; (1, 0) and (0, 1) broadcast
 * the scalar operand into a register once per row; anything else (both 0, or
 * a stride > 1, e.g. a transposed operand) loads the operand(s) whose stride
 * is not 1 with strided loads (vlse32). ADD SUB MUL DIV MAX MIN PRELU are
 * vectorised and bit-exact against the scalar kernel (MAX/MIN/PRELU use
 * compare + merge, so NaN and signed zeros behave as in the scalar code); POW
 * runs powf per element. The fused activation runs vectorised on each
 * finished row.
 *
 * Channel affine: one fused multiply-add per element (as the scalar code
 * compiles with clang's default -ffp-contract=on), vectorised over the
 * spatial dim, or over channels when spatial == 1. */
#include <math.h>
#include <riscv_vector.h>
#include <stddef.h>
#include <stdint.h>

#include "../src/internal.h"
#include "rvpack/kernels_rvv.h"

/* One output row y[i] = OP(a[i * sa], b[i * sb]), i < n; VA, VB name the
 * operand vectors inside EXPR. */
#define RVPACK_RVV_BINARY_ROW(name, EXPR)                                                                \
  static void name(size_t n, const float* a, int64_t sa, const float* b, int64_t sb, float* y) {       \
    if (sa == 1 && sb == 1) {                                                                            \
      for (size_t vl; n > 0; n -= vl, a += vl, b += vl, y += vl) {                                      \
        vl = __riscv_vsetvl_e32m4(n);                                                                    \
        const vfloat32m4_t VA = __riscv_vle32_v_f32m4(a, vl);                                            \
        const vfloat32m4_t VB = __riscv_vle32_v_f32m4(b, vl);                                            \
        __riscv_vse32_v_f32m4(y, (EXPR), vl);                                                            \
      }                                                                                                  \
    } else if (sa == 1 && sb == 0) {                                                                     \
      const vfloat32m4_t VB = __riscv_vfmv_v_f_f32m4(*b, __riscv_vsetvlmax_e32m4());                     \
      for (size_t vl; n > 0; n -= vl, a += vl, y += vl) {                                                \
        vl = __riscv_vsetvl_e32m4(n);                                                                    \
        const vfloat32m4_t VA = __riscv_vle32_v_f32m4(a, vl);                                            \
        __riscv_vse32_v_f32m4(y, (EXPR), vl);                                                            \
      }                                                                                                  \
    } else if (sa == 0 && sb == 1) {                                                                     \
      const vfloat32m4_t VA = __riscv_vfmv_v_f_f32m4(*a, __riscv_vsetvlmax_e32m4());                     \
      for (size_t vl; n > 0; n -= vl, b += vl, y += vl) {                                                \
        vl = __riscv_vsetvl_e32m4(n);                                                                    \
        const vfloat32m4_t VB = __riscv_vle32_v_f32m4(b, vl);                                            \
        __riscv_vse32_v_f32m4(y, (EXPR), vl);                                                            \
      }                                                                                                  \
    } else { /* other strides (both 0, or one > 1): strided loads where not 1 */                       \
      const ptrdiff_t bsa = (ptrdiff_t)sa * (ptrdiff_t)sizeof(float);                                   \
      const ptrdiff_t bsb = (ptrdiff_t)sb * (ptrdiff_t)sizeof(float);                                   \
      for (size_t vl; n > 0; n -= vl, a += (ptrdiff_t)vl * sa, b += (ptrdiff_t)vl * sb, y += vl) {       \
        vl = __riscv_vsetvl_e32m4(n);                                                                    \
        const vfloat32m4_t VA = sa == 1 ? __riscv_vle32_v_f32m4(a, vl) : __riscv_vlse32_v_f32m4(a, bsa, vl); \
        const vfloat32m4_t VB = sb == 1 ? __riscv_vle32_v_f32m4(b, vl) : __riscv_vlse32_v_f32m4(b, bsb, vl); \
        __riscv_vse32_v_f32m4(y, (EXPR), vl);                                                            \
      }                                                                                                  \
    }                                                                                                    \
  }

RVPACK_RVV_BINARY_ROW(add_row, __riscv_vfadd_vv_f32m4(VA, VB, vl))
RVPACK_RVV_BINARY_ROW(sub_row, __riscv_vfsub_vv_f32m4(VA, VB, vl))
RVPACK_RVV_BINARY_ROW(mul_row, __riscv_vfmul_vv_f32m4(VA, VB, vl))
RVPACK_RVV_BINARY_ROW(div_row, __riscv_vfdiv_vv_f32m4(VA, VB, vl))
/* a < b ? b : a */
RVPACK_RVV_BINARY_ROW(max_row, __riscv_vmerge_vvm_f32m4(VA, VB, __riscv_vmflt_vv_f32m4_b8(VA, VB, vl), vl))
/* b < a ? b : a */
RVPACK_RVV_BINARY_ROW(min_row, __riscv_vmerge_vvm_f32m4(VA, VB, __riscv_vmflt_vv_f32m4_b8(VB, VA, vl), vl))
/* a >= 0 ? a : a * b (a NaN stays NaN either way) */
RVPACK_RVV_BINARY_ROW(prelu_row,
                      __riscv_vfmul_vv_f32m4_mu(__riscv_vmflt_vf_f32m4_b8(VA, 0.0f, vl), VA, VA, VB, vl))

#undef RVPACK_RVV_BINARY_ROW

static void pow_row(size_t n, const float* a, int64_t sa, const float* b, int64_t sb, float* y) {
  for (size_t i = 0; i < n; ++i, a += sa, b += sb) y[i] = powf(*a, *b);
}

typedef void (*binary_row_fn)(size_t n, const float* a, int64_t sa, const float* b, int64_t sb, float* y);

static binary_row_fn row_fn(int32_t op) {
  switch (op) {
    case RVPACK_BINARY_ADD:
      return add_row;
    case RVPACK_BINARY_SUB:
      return sub_row;
    case RVPACK_BINARY_MUL:
      return mul_row;
    case RVPACK_BINARY_DIV:
      return div_row;
    case RVPACK_BINARY_MAX:
      return max_row;
    case RVPACK_BINARY_MIN:
      return min_row;
    case RVPACK_BINARY_POW:
      return pow_row;
    case RVPACK_BINARY_PRELU:
      return prelu_row;
    default:
      return NULL;
  }
}

void rvpack_f32_binary__rvv(const rvpack_binary_params_t* p, const float* a, const float* b, float* y) {
  /* The iteration space of the scalar kernel (binary.c): same rows, same order. */
  rvpack_internal_loop_t l;
  const int rank = p->rank > RVPACK_BINARY_MAX_RANK ? RVPACK_BINARY_MAX_RANK : p->rank;
  if (!rvpack_internal_loop_init(&l, rank, p->shape, p->a_strides, p->b_strides, 0, 0)) return;
  const binary_row_fn row = row_fn(p->op);
  if (row == NULL) return; /* unknown op: the scalar kernel writes nothing either */
  const int inner = l.rank - 1;
  const size_t n = (size_t)l.shape[inner];
  const int fused = p->act.kind != RVPACK_ACT_NONE;
  int64_t off_a = 0, off_b = 0;
  float* yr = y;
  do {
    row(n, a + off_a, l.s0[inner], b + off_b, l.s1[inner], yr);
    if (fused) rvpack_f32_unary__rvv(n, yr, yr, &p->act);
    yr += n;
  } while (rvpack_internal_loop_next(&l, &off_a, &off_b));
}

/* y[i] = x[i] * s + t for one channel's spatial run. */
static void affine_run(size_t n, const float* x, float s, float t, float* y) {
  const vfloat32m4_t vt = __riscv_vfmv_v_f_f32m4(t, __riscv_vsetvlmax_e32m4());
  for (size_t vl; n > 0; n -= vl, x += vl, y += vl) {
    vl = __riscv_vsetvl_e32m4(n);
    __riscv_vse32_v_f32m4(y, __riscv_vfmadd_vf_f32m4(__riscv_vle32_v_f32m4(x, vl), s, vt, vl), vl);
  }
}

/* y[c] = x[c] * scale[c] + shift[c] over channels (spatial == 1). */
static void affine_channels(size_t n, const float* x, const float* scale, const float* shift, float* y) {
  for (size_t vl; n > 0; n -= vl, x += vl, scale += vl, shift += vl, y += vl) {
    vl = __riscv_vsetvl_e32m4(n);
    const vfloat32m4_t vx = __riscv_vle32_v_f32m4(x, vl);
    const vfloat32m4_t vs = __riscv_vle32_v_f32m4(scale, vl);
    __riscv_vse32_v_f32m4(y, __riscv_vfmadd_vv_f32m4(vx, vs, __riscv_vle32_v_f32m4(shift, vl), vl), vl);
  }
}

void rvpack_f32_channel_affine__rvv(const rvpack_channel_affine_params_t* p, const float* x, const float* scale,
                                    const float* shift, float* y) {
  const size_t spatial = (size_t)p->spatial, channels = (size_t)p->channels;
  const int fused = p->act.kind != RVPACK_ACT_NONE;
  if (p->spatial == 1) { /* e.g. BatchNorm on [N, C]: one row of channels per batch */
    for (int32_t n = 0; n < p->batch; ++n, x += channels, y += channels) {
      affine_channels(channels, x, scale, shift, y);
      if (fused) rvpack_f32_unary__rvv(channels, y, y, &p->act);
    }
    return;
  }
  for (int32_t n = 0; n < p->batch; ++n) {
    for (size_t c = 0; c < channels; ++c, x += spatial, y += spatial) {
      affine_run(spatial, x, scale[c], shift[c], y);
      if (fused) rvpack_f32_unary__rvv(spatial, y, y, &p->act);
    }
  }
}
