/* libc-free memcpy/memset. The bare-metal build links no libc, so these must
 * not be turned back into calls to memcpy/memset by the optimiser (clang's
 * loop-idiom recognition and GCC's loop distribution both do that). */
#include <stddef.h>
#include <stdint.h>

#include "rvpack/kernels.h"

#if defined(__clang__)
#define RVPACK_NO_BUILTIN __attribute__((no_builtin))
#elif defined(__GNUC__)
#define RVPACK_NO_BUILTIN __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define RVPACK_NO_BUILTIN
#endif

/* Word accesses through a may_alias type so copying float data through
 * uint64_t is well defined for GCC and clang. */
#if defined(__GNUC__)
typedef uint64_t __attribute__((may_alias)) rvpack_word_t;
#else
typedef uint64_t rvpack_word_t;
#endif

#define RVPACK_WORD_SIZE sizeof(rvpack_word_t)
#define RVPACK_WORD_MASK (RVPACK_WORD_SIZE - 1)

RVPACK_NO_BUILTIN void* rvpack_memcpy(void* dst, const void* src, size_t n) {
  unsigned char* d = (unsigned char*)dst;
  const unsigned char* s = (const unsigned char*)src;
  /* Word copies only when both pointers can become aligned together:
   * RISC-V cores may trap or be slow on misaligned accesses. */
  if (n >= 2 * RVPACK_WORD_SIZE && (((uintptr_t)d ^ (uintptr_t)s) & RVPACK_WORD_MASK) == 0) {
    while (((uintptr_t)d & RVPACK_WORD_MASK) != 0) {
      *d++ = *s++;
      --n;
    }
    rvpack_word_t* dw = (rvpack_word_t*)(void*)d;
    const rvpack_word_t* sw = (const rvpack_word_t*)(const void*)s;
    for (; n >= 4 * RVPACK_WORD_SIZE; n -= 4 * RVPACK_WORD_SIZE) {
      rvpack_word_t w0 = sw[0], w1 = sw[1], w2 = sw[2], w3 = sw[3];
      dw[0] = w0;
      dw[1] = w1;
      dw[2] = w2;
      dw[3] = w3;
      dw += 4;
      sw += 4;
    }
    for (; n >= RVPACK_WORD_SIZE; n -= RVPACK_WORD_SIZE) *dw++ = *sw++;
    d = (unsigned char*)dw;
    s = (const unsigned char*)sw;
  }
  while (n-- > 0) *d++ = *s++;
  return dst;
}

RVPACK_NO_BUILTIN void* rvpack_memset(void* dst, int value, size_t n) {
  unsigned char* d = (unsigned char*)dst;
  const unsigned char byte = (unsigned char)value;
  if (n >= 2 * RVPACK_WORD_SIZE) {
    while (((uintptr_t)d & RVPACK_WORD_MASK) != 0) {
      *d++ = byte;
      --n;
    }
    const rvpack_word_t word = (rvpack_word_t)byte * (rvpack_word_t)0x0101010101010101ull;
    rvpack_word_t* dw = (rvpack_word_t*)(void*)d;
    for (; n >= 4 * RVPACK_WORD_SIZE; n -= 4 * RVPACK_WORD_SIZE) {
      dw[0] = word;
      dw[1] = word;
      dw[2] = word;
      dw[3] = word;
      dw += 4;
    }
    for (; n >= RVPACK_WORD_SIZE; n -= RVPACK_WORD_SIZE) *dw++ = word;
    d = (unsigned char*)dw;
  }
  while (n-- > 0) *d++ = byte;
  return dst;
}
