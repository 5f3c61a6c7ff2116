/* Strided copy of any element type: the lowering target of Transpose,
 * Slice, Split, Concat, DepthToSpace and constant-index Gather. */
#include <stddef.h>
#include <stdint.h>

#include "internal.h"
#include "rvpack/kernels.h"

/* Element-sized loads and stores through may_alias types, so copying e.g.
 * float data as uint32_t is well defined under GCC and clang. */
#if defined(__GNUC__)
#define RVPACK_MAY_ALIAS __attribute__((may_alias))
#else
#define RVPACK_MAY_ALIAS
#endif
typedef uint16_t RVPACK_MAY_ALIAS u16_alias_t;
typedef uint32_t RVPACK_MAY_ALIAS u32_alias_t;
typedef uint64_t RVPACK_MAY_ALIAS u64_alias_t;

#define RVPACK_COPY_ROW(type)                      \
  do {                                             \
    const type* s = (const type*)(const void*)src; \
    type* d = (type*)(void*)dst;                   \
    for (int64_t i = 0; i < n; ++i) {              \
      *d = *s;                                     \
      s += si;                                     \
      d += so;                                     \
    }                                              \
  } while (0)

static void copy_row(int32_t es, int64_t n, const unsigned char* src, int64_t si, unsigned char* dst,
                     int64_t so) {
  if (si == 1 && so == 1) {
    rvpack_memcpy(dst, src, (size_t)n * (size_t)es);
    return;
  }
  switch (es) {
    case 1:
      RVPACK_COPY_ROW(unsigned char);
      break;
    case 2:
      RVPACK_COPY_ROW(u16_alias_t);
      break;
    case 4:
      RVPACK_COPY_ROW(u32_alias_t);
      break;
    case 8:
      RVPACK_COPY_ROW(u64_alias_t);
      break;
    default:
      for (int64_t i = 0; i < n; ++i) rvpack_memcpy(dst + i * so * es, src + i * si * es, (size_t)es);
      break;
  }
}

#undef RVPACK_COPY_ROW

void rvpack_copy_strided(const rvpack_copy_params_t* p, const void* x, void* y) {
  /* Canonicalise: drop size-1 dims, merge neighbours contiguous on both
   * sides (a Concat slice becomes a few long rows, a dense copy one row).
   * left is the odometer's per-dim countdown, filled here rather than by a
   * separate loop or zero-init: at -Os those become memcpy/memset calls, and
   * the bare-metal build has no libc. */
  int64_t shape[RVPACK_COPY_MAX_RANK], left[RVPACK_COPY_MAX_RANK];
  int64_t si[RVPACK_COPY_MAX_RANK], so[RVPACK_COPY_MAX_RANK];
  int rank = 0;
  const int in_rank = p->rank > RVPACK_COPY_MAX_RANK ? RVPACK_COPY_MAX_RANK : p->rank;
  for (int d = 0; d < in_rank; ++d) {
    const int64_t s = p->shape[d];
    if (s == 0) return;
    if (s == 1) continue;
    if (rank > 0 && si[rank - 1] == p->in_strides[d] * s && so[rank - 1] == p->out_strides[d] * s) {
      shape[rank - 1] *= s;
      left[rank - 1] = shape[rank - 1];
      si[rank - 1] = p->in_strides[d];
      so[rank - 1] = p->out_strides[d];
      continue;
    }
    shape[rank] = left[rank] = s;
    si[rank] = p->in_strides[d];
    so[rank] = p->out_strides[d];
    ++rank;
  }
  if (rank == 0) {
    shape[0] = left[0] = 1;
    si[0] = so[0] = 1;
    rank = 1;
  }

  const int32_t es = p->elem_size;
  const unsigned char* src = (const unsigned char*)x + p->in_offset * es;
  unsigned char* dst = (unsigned char*)y + p->out_offset * es;
  const int inner = rank - 1;
  int64_t off_i = 0, off_o = 0;
  for (;;) {
    copy_row(es, shape[inner], src + off_i * es, si[inner], dst + off_o * es, so[inner]);
    int d = inner - 1;
    for (; d >= 0; --d) {
      off_i += si[d];
      off_o += so[d];
      if (--left[d] > 0) break;
      off_i -= si[d] * shape[d];
      off_o -= so[d] * shape[d];
      left[d] = shape[d];
    }
    if (d < 0) break;
  }
}
