/* The bare-metal tile tuner's table (tune_main.c runs it; sdk/tune.py
 * generates it as tune_table.c) and the interface of the tune shims, one per
 * microkernel family that declares tiles (e.g. f32-convgemm-tune.c). */
#ifndef RVPACK_BAREMETAL_TUNE_H_
#define RVPACK_BAREMETAL_TUNE_H_

#include <stdint.h>

/* Any microkernel, as a generic function pointer; its family's shim casts it
 * back to the family's kernel type. */
typedef void (*rvpack_tune_kernel_fn)(void);

/* Calls `ukernel` once for a call of mr rows, nc columns and depth k, with
 * its operands carved from `buffer` (zeroed; sized by the table for every
 * call), and returns the instructions retired by that call alone. */
typedef uint64_t rvpack_tune_shim_fn(rvpack_tune_kernel_fn ukernel, int32_t mr, int32_t nc, int32_t k,
                                     float* buffer);

typedef struct rvpack_tune_call {
  rvpack_tune_shim_fn* shim;
  rvpack_tune_kernel_fn ukernel;
  int32_t mr; /* rows of this call (<= the kernel's MR) */
  int32_t nc; /* pixels (columns) */
  int32_t k;
} rvpack_tune_call_t;

extern const rvpack_tune_call_t rvpack_tune_calls[];
extern const int32_t rvpack_tune_num_calls;
/* Zero, in .bss: the counts do not depend on the values. */
extern float rvpack_tune_buffer[];

static inline uint64_t rvpack_tune_instret(void) {
  uint64_t v;
  __asm__ volatile("csrr %0, minstret" : "=r"(v) : : "memory");
  return v;
}

#endif /* RVPACK_BAREMETAL_TUNE_H_ */
