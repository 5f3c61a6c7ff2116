/* The table a generated tune_table.c gives the bare-metal tile tuner
 * (tune_main.c; sdk/tune.py writes the table). */
#ifndef RVPACK_BAREMETAL_TUNE_H_
#define RVPACK_BAREMETAL_TUNE_H_

#include <stdint.h>

#include "rvpack_rvv/convgemm.h"

typedef struct rvpack_tune_call {
  rvpack_f32_convgemm_minmax_ukernel_fn ukernel;
  int32_t mr; /* rows of this call (<= the kernel's MR) */
  int32_t nc; /* pixels (columns) */
  int32_t k;
} rvpack_tune_call_t;

extern const rvpack_tune_call_t rvpack_tune_calls[];
extern const int32_t rvpack_tune_num_calls;
/* Operands, sized for the largest call (w mr*k, b k*nc, c mr*nc, bias mr
 * floats); zero, in .bss: the counts do not depend on the values. */
extern float rvpack_tune_w[];
extern float rvpack_tune_b[];
extern float rvpack_tune_bias[];
extern float rvpack_tune_c[];

#endif /* RVPACK_BAREMETAL_TUNE_H_ */
