/* rvpack bare-metal tile tuner (Spike): exact retired-instruction counts of
 * conv-GEMM microkernel calls, for `rvpack build --tune` (sdk/tune.py).
 *
 * The generated tune_table.c lists the calls to count, as the operator
 * drivers (runtime/rvv) would make them, and sizes the operand buffers. The
 * kernels' instruction counts do not depend on the data, so the buffers stay
 * zero. Report (stdout through HTIF), one item per line:
 *   rvpack-tune 1
 *   call <i> <instructions>     (one per table entry, in order)
 *   end */
#include <stddef.h>
#include <stdint.h>

#include "htif.h"
#include "tune.h"

static inline uint64_t read_minstret(void) {
  uint64_t v;
  __asm__ volatile("csrr %0, minstret" : "=r"(v) : : "memory");
  return v;
}

int main(void) {
  const struct rvpack_f32_minmax_params clamp = rvpack_f32_minmax_params_relu();
  rvpack_out_str("rvpack-tune 1\n");
  for (int32_t i = 0; i < rvpack_tune_num_calls; ++i) {
    const rvpack_tune_call_t* c = &rvpack_tune_calls[i];
    const size_t k = (size_t)c->k, nc = (size_t)c->nc;
    const uint64_t start = read_minstret();
    c->ukernel((size_t)c->mr, nc, k * sizeof(float), rvpack_tune_w, k * sizeof(float), rvpack_tune_b,
               nc * sizeof(float), rvpack_tune_bias, rvpack_tune_c, nc * sizeof(float), &clamp);
    const uint64_t end = read_minstret();
    rvpack_out_str("call ");
    rvpack_out_i64(i);
    rvpack_out_char(' ');
    rvpack_out_u64(end - start);
    rvpack_out_char('\n');
  }
  rvpack_out_str("end\n");
  rvpack_out_flush();
  return 0;
}
