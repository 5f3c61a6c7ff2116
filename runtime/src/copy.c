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
  rvpack_internal_loop_t l;
  const int rank = p->rank > RVPACK_COPY_MAX_RANK ? RVPACK_COPY_MAX_RANK : p->rank;
  if (!rvpack_internal_loop_init(&l, rank, p->shape, p->in_strides, p->out_strides, 1, 1)) return;
  const int32_t es = p->elem_size;
  const unsigned char* src = (const unsigned char*)x + p->in_offset * es;
  unsigned char* dst = (unsigned char*)y + p->out_offset * es;
  const int inner = l.rank - 1;
  int64_t off_i = 0, off_o = 0;
  do {
    copy_row(es, l.shape[inner], src + off_i * es, l.s0[inner], dst + off_o * es, l.s1[inner]);
  } while (rvpack_internal_loop_next(&l, &off_i, &off_o));
}
