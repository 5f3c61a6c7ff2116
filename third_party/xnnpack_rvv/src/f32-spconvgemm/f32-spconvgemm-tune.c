// The f32-spconvgemm family's tune shim (runtime/baremetal/tune.h): one call
// of a column-sparse conv-GEMM microkernel as the conv driver makes it (a
// sparse block of MR rows keeping `k` steps, [k][nc] B rows, no clamp),
// counted alone. The block is written before the count starts. The buffer
// holds one block of up to 16 rows keeping k steps, B and mr rows of C
// (sdk/targets/rvv/__init__.py sizes it).

#include <stddef.h>
#include <stdint.h>

#include "rvpack_rvv/convgemm.h"
#include "rvpack_rvv/microparams.h"
#include "rvpack_rvv/spconvgemm.h"
#include "tune.h"

uint64_t rvpack_tune_f32_spconvgemm(const rvpack_tune_call_t* call, float* buffer) {
  const rvpack_f32_spconvgemm_minmax_ukernel_fn fn = (rvpack_f32_spconvgemm_minmax_ukernel_fn)call->ukernel;
  const rvpack_f32_spconvgemm_minmax_ukernel_fn tail = (rvpack_f32_spconvgemm_minmax_ukernel_fn)call->tail;
  const size_t mr = (size_t)call->mr, nc = (size_t)call->nc, kept = (size_t)call->k;
  // One block in the kernel's layout (its MR: call->block_mr): the kept count
  // and each step's B row offset; the weights and biases stay zero.
  const size_t block_mr = (size_t)call->block_mr;
  float* w = buffer;
  const uint32_t kept32 = (uint32_t)kept;
  __builtin_memcpy(w, &kept32, sizeof(kept32));
  for (size_t e = 0; e < kept; e++) {
    const int32_t offset = (int32_t)(e * nc * sizeof(float));
    __builtin_memcpy(w + 1 + block_mr + e * (block_mr + 1), &offset, sizeof(offset));
  }
  float* b = w + rvpack_f32_spconvgemm_block_words(block_mr, kept);
  float* c = b + kept * nc;
  const struct rvpack_f32_minmax_params clamp = rvpack_f32_minmax_params_init(__builtin_nanf(""), __builtin_nanf(""));
  const size_t row = nc * sizeof(float);
  const size_t nr = tail != NULL ? rvpack_f32_convgemm_rvv_nr((size_t)call->lmul) : nc;
  const size_t main = nc / nr * nr;
  const uint64_t start = rvpack_tune_begin();
  if (main != 0) fn(mr, main, w, b, c, row, &clamp);
  if (main != nc) tail(mr, nc - main, w, b + main, c + main, row, &clamp);
  return rvpack_tune_end() - start;
}
