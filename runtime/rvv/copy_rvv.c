/* Strided copy of any element type on RISC-V Vector 1.0 (the lowering target
 * of Transpose, Slice, Split, Concat, DepthToSpace, constant-index Gather).
 *
 * Same canonical iteration space as the scalar kernel (copy.c): size-1 dims
 * dropped, neighbours contiguous on both sides merged, so a Concat input is
 * [outer][block] rows and a dense copy one row. Each row is vectorised:
 *  - both strides 1: a byte copy with unit-stride e8 loads/stores at LMUL 8
 *    (vlenb * 8 bytes per instruction, any alignment);
 *  - otherwise: strided loads/stores (vlse/vsse, byte strides, negative in
 *    strides allowed) of elem_size-wide elements at LMUL 8, unit-stride on
 *    the side whose stride is 1. Element sizes other than 1/2/4/8 are copied
 *    as several interleaved columns of the widest of 8/4/2/1 bytes dividing
 *    them.
 * When the innermost row is short and strided (e.g. the C = 3 rows of an
 * NHWC -> NCHW transpose) and another dim is longer, that dim is walked
 * innermost instead: a copy may visit elements in any order.
 * Elements are assumed aligned to their width (elem_size up to 8), as the
 * scalar kernel's element-sized loads assume too. */
#include <riscv_vector.h>
#include <stddef.h>
#include <stdint.h>

#include "../src/internal.h"
#include "rvpack/kernels_rvv.h"

#define RVPACK_RVV_SHORT_ROW 16 /* below this, a strided row is worth swapping for a longer dim */

static void copy_bytes(size_t n, const uint8_t* src, uint8_t* dst) {
  for (size_t vl; n > 0; n -= vl, src += vl, dst += vl) {
    vl = __riscv_vsetvl_e8m8(n);
    __riscv_vse8_v_u8m8(dst, __riscv_vle8_v_u8m8(src, vl), vl);
  }
}

/* n elements of W bits, src/dst byte strides bsi/bso; unit-stride accesses
 * where the byte stride equals the element width. */
#define RVPACK_RVV_COPY_STRIDED(W, LOAD_UNIT, LOAD, STORE_UNIT, STORE, SETVL)                              \
  static void copy_strided_e##W(size_t n, const uint8_t* src, ptrdiff_t bsi, uint8_t* dst, ptrdiff_t bso) { \
    const ptrdiff_t width = W / 8;                                                                       \
    for (size_t vl; n > 0; n -= vl, src += (ptrdiff_t)vl * bsi, dst += (ptrdiff_t)vl * bso) {             \
      vl = SETVL(n);                                                                                     \
      const vuint##W##m8_t v = bsi == width ? LOAD_UNIT((const uint##W##_t*)(const void*)src, vl)       \
                                            : LOAD((const uint##W##_t*)(const void*)src, bsi, vl);       \
      if (bso == width) {                                                                                \
        STORE_UNIT((uint##W##_t*)(void*)dst, v, vl);                                                     \
      } else {                                                                                           \
        STORE((uint##W##_t*)(void*)dst, bso, v, vl);                                                     \
      }                                                                                                  \
    }                                                                                                    \
  }

RVPACK_RVV_COPY_STRIDED(8, __riscv_vle8_v_u8m8, __riscv_vlse8_v_u8m8, __riscv_vse8_v_u8m8, __riscv_vsse8_v_u8m8,
                        __riscv_vsetvl_e8m8)
RVPACK_RVV_COPY_STRIDED(16, __riscv_vle16_v_u16m8, __riscv_vlse16_v_u16m8, __riscv_vse16_v_u16m8,
                        __riscv_vsse16_v_u16m8, __riscv_vsetvl_e16m8)
RVPACK_RVV_COPY_STRIDED(32, __riscv_vle32_v_u32m8, __riscv_vlse32_v_u32m8, __riscv_vse32_v_u32m8,
                        __riscv_vsse32_v_u32m8, __riscv_vsetvl_e32m8)
RVPACK_RVV_COPY_STRIDED(64, __riscv_vle64_v_u64m8, __riscv_vlse64_v_u64m8, __riscv_vse64_v_u64m8,
                        __riscv_vsse64_v_u64m8, __riscv_vsetvl_e64m8)

#undef RVPACK_RVV_COPY_STRIDED

/* One row: n elements of es bytes, element strides si, so. */
static void copy_row(int32_t es, size_t n, const uint8_t* src, int64_t si, uint8_t* dst, int64_t so) {
  if (si == 1 && so == 1) {
    copy_bytes(n * (size_t)es, src, dst);
    return;
  }
  const ptrdiff_t bsi = (ptrdiff_t)si * es, bso = (ptrdiff_t)so * es;
  /* Widest word dividing the element; an element is es / w such words. */
  const int32_t w = es % 8 == 0 ? 8 : (es % 4 == 0 ? 4 : (es % 2 == 0 ? 2 : 1));
  for (int32_t k = 0; k < es; k += w) {
    switch (w) {
      case 8:
        copy_strided_e64(n, src + k, bsi, dst + k, bso);
        break;
      case 4:
        copy_strided_e32(n, src + k, bsi, dst + k, bso);
        break;
      case 2:
        copy_strided_e16(n, src + k, bsi, dst + k, bso);
        break;
      default:
        copy_strided_e8(n, src + k, bsi, dst + k, bso);
        break;
    }
  }
}

void rvpack_copy_strided__rvv(const rvpack_copy_params_t* p, const void* x, void* y) {
  /* The iteration space of the scalar kernel (copy.c). */
  rvpack_internal_loop_t l;
  const int rank = p->rank > RVPACK_COPY_MAX_RANK ? RVPACK_COPY_MAX_RANK : p->rank;
  if (!rvpack_internal_loop_init(&l, rank, p->shape, p->in_strides, p->out_strides, 1, 1)) return;
  const int32_t es = p->elem_size;
  const uint8_t* src = (const uint8_t*)x + p->in_offset * es;
  uint8_t* dst = (uint8_t*)y + p->out_offset * es;
  const int inner = l.rank - 1;

  /* A short strided innermost row: walk the longest dim innermost instead. */
  if (l.shape[inner] < RVPACK_RVV_SHORT_ROW && (l.s0[inner] != 1 || l.s1[inner] != 1)) {
    int longest = inner;
    for (int d = 0; d < inner; ++d) longest = l.shape[d] > l.shape[longest] ? d : longest;
    if (longest != inner) {
      int64_t t = l.shape[inner];
      l.shape[inner] = l.left[inner] = l.shape[longest];
      l.shape[longest] = l.left[longest] = t;
      t = l.s0[inner], l.s0[inner] = l.s0[longest], l.s0[longest] = t;
      t = l.s1[inner], l.s1[inner] = l.s1[longest], l.s1[longest] = t;
    }
  }

  /* Concat, Split, dense Slice: rows of one outer dim, no odometer. */
  if (l.rank <= 2) {
    const int64_t rows = l.rank == 2 ? l.shape[0] : 1;
    const int64_t ri = l.rank == 2 ? l.s0[0] * es : 0, ro = l.rank == 2 ? l.s1[0] * es : 0;
    for (int64_t r = 0; r < rows; ++r, src += ri, dst += ro) {
      copy_row(es, (size_t)l.shape[inner], src, l.s0[inner], dst, l.s1[inner]);
    }
    return;
  }

  int64_t off_i = 0, off_o = 0;
  do {
    copy_row(es, (size_t)l.shape[inner], src + off_i * es, l.s0[inner], dst + off_o * es, l.s1[inner]);
  } while (rvpack_internal_loop_next(&l, &off_i, &off_o));
}
