/* The bare-metal tile tuner's table (tune_main.c runs it; sdk/tune.py
 * generates it as tune_table.c) and the interface of the tune shims, one per
 * microkernel family that declares tiles (e.g. f32-convgemm-tune.c). */
#ifndef RVPACK_BAREMETAL_TUNE_H_
#define RVPACK_BAREMETAL_TUNE_H_

#include <stdint.h>

/* Any microkernel, as a generic function pointer; its family's shim casts it
 * back to the family's kernel type. */
typedef void (*rvpack_tune_kernel_fn)(void);

struct rvpack_tune_call;

/* Runs one call as the operator drivers make it (the kernel, and its tail
 * kernel on the columns past the last full vector step when the tile has
 * one), with the operands carved from `buffer` (sized by the table for every
 * call; zero at start, and shims may leave words behind: no count depends on
 * the values), and returns the instructions retired by that call alone,
 * read with rvpack_tune_begin() / rvpack_tune_end() right around it. */
typedef uint64_t rvpack_tune_shim_fn(const struct rvpack_tune_call* call, float* buffer);

typedef struct rvpack_tune_call {
  rvpack_tune_shim_fn* shim;
  rvpack_tune_kernel_fn ukernel;
  rvpack_tune_kernel_fn tail; /* NULL: no tail kernel */
  int32_t lmul; /* of ukernel (its NR = LMUL * VLEN / 32 sets where the tail starts) */
  int32_t block_mr; /* the kernel's MR (the layout of its packed block) */
  int32_t mr;   /* rows of this call (<= the kernel's MR) */
  int32_t nc;   /* pixels (columns) */
  int32_t k;
} rvpack_tune_call_t;

extern const rvpack_tune_call_t rvpack_tune_calls[];
extern const int32_t rvpack_tune_num_calls;
/* Zero, in .bss: the counts do not depend on the values. */
extern float rvpack_tune_buffer[];

/* minstret fused with the profile marker of runtime/baremetal/spike_profile.cc
 * (a HINT, a no-op elsewhere): Spike with rvpack's extension then records
 * each counted call's instruction mix between the two markers, which is the
 * count minus 2 (this read and the end marker). */
static inline uint64_t rvpack_tune_begin(void) {
  uint64_t v;
  __asm__ volatile("csrr %0, minstret\n\t.insn i 0x13, 2, x0, x0, 2032" : "=r"(v) : : "memory");
  return v;
}

static inline uint64_t rvpack_tune_end(void) {
  uint64_t v;
  __asm__ volatile(".insn i 0x13, 2, x0, x0, 2032\n\tcsrr %0, minstret" : "=r"(v) : : "memory");
  return v;
}

#endif /* RVPACK_BAREMETAL_TUNE_H_ */
