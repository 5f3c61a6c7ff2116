// Shared helpers of the xnnpack_rvv microkernels.
//
// Microkernels use no libc, allocate nothing, touch no globals and are
// reentrant. Their preconditions are checked only in debug builds
// (-DRVPACK_RVV_DEBUG, as the kernel tests build them): a violated
// precondition then traps instead of silently writing out of bounds.
#ifndef RVPACK_RVV_COMMON_H_
#define RVPACK_RVV_COMMON_H_

#include <stddef.h>

#if defined(RVPACK_RVV_DEBUG)
#define RVPACK_RVV_ASSERT(cond) \
  do {                          \
    if (!(cond)) {              \
      __builtin_trap();         \
    }                           \
  } while (0)
#else
#define RVPACK_RVV_ASSERT(cond) ((void) sizeof(cond))
#endif

#if defined(__riscv_vector)
// VLENB (the vector register length in bytes) of the hart this runs on.
static inline size_t rvpack_rvv_vlenb(void) {
  size_t vlenb;
  __asm__("csrr %0, vlenb" : "=r"(vlenb));
  return vlenb;
}
#endif

#endif  // RVPACK_RVV_COMMON_H_
