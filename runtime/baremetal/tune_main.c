/* rvpack bare-metal tile tuner (Spike): exact retired-instruction counts of
 * microkernel calls, for `rvpack build --tune` (sdk/tune.py).
 *
 * The generated tune_table.c lists the calls to count, as the operator
 * drivers would make them, each with the tune shim of its kernel's family.
 * Report (stdout through HTIF), one item per line:
 *   rvpack-tune 1
 *   call <i> <instructions>     (one per table entry, in order)
 *   end */
#include <stddef.h>
#include <stdint.h>

#include "htif.h"
#include "tune.h"

int main(void) {
  rvpack_out_str("rvpack-tune 1\n");
  for (int32_t i = 0; i < rvpack_tune_num_calls; ++i) {
    const rvpack_tune_call_t* c = &rvpack_tune_calls[i];
    const uint64_t count = c->shim(c, rvpack_tune_buffer);
    rvpack_out_str("call ");
    rvpack_out_i64(i);
    rvpack_out_char(' ');
    rvpack_out_u64(count);
    rvpack_out_char('\n');
  }
  rvpack_out_str("end\n");
  rvpack_out_flush();
  return 0;
}
