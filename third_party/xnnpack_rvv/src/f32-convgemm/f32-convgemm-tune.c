// The f32-convgemm family's tune shim (runtime/baremetal/tune.h): one call of
// a conv-GEMM microkernel as the operator drivers make it (a packed block of
// MR rows, [k][nc] B rows, no clamp), counted alone. Only the kernel's MR
// block is read: the buffer holds MR * (k + 1) floats for any MR <= 16 (the
// shim sizes it by mr = MR, see sdk/targets/rvv/__init__.py).

#include <stddef.h>
#include <stdint.h>

#include "rvpack_rvv/convgemm.h"
#include "rvpack_rvv/microparams.h"
#include "tune.h"

uint64_t rvpack_tune_f32_convgemm(const rvpack_tune_call_t* call, float* buffer) {
  const rvpack_f32_convgemm_minmax_ukernel_fn fn = (rvpack_f32_convgemm_minmax_ukernel_fn)call->ukernel;
  const rvpack_f32_convgemm_minmax_ukernel_fn tail = (rvpack_f32_convgemm_minmax_ukernel_fn)call->tail;
  const size_t mr = (size_t)call->mr, nc = (size_t)call->nc, kc = (size_t)call->k * sizeof(float);
  float* w = buffer;  // one packed block: up to 16 rows of bias + k weights, zero
  float* b = w + 16 * ((size_t)call->k + 1);
  float* c = b + (size_t)call->k * nc;
  // No clamp (NaN bounds, as for a layer without activation): the kernel then skips
  // its clamp, so a count is the lower bound of the call with any activation.
  const struct rvpack_f32_minmax_params clamp = rvpack_f32_minmax_params_init(__builtin_nanf(""), __builtin_nanf(""));
  const size_t row = nc * sizeof(float);
  // As rvpack_convgemm_tile_run (runtime/rvv): the tail kernel past the last full step.
  const size_t nr = tail != NULL ? rvpack_f32_convgemm_rvv_nr((size_t)call->lmul) : nc;
  const size_t main = nc / nr * nr;
  const uint64_t start = rvpack_tune_begin();
  if (main != 0) fn(mr, main, kc, w, b, row, c, row, &clamp);
  if (main != nc) tail(mr, nc - main, kc, w, b + main, row, c + main, row, &clamp);
  return rvpack_tune_end() - start;
}
