// The f32-convgemm family's tune shim (runtime/baremetal/tune.h): one call of
// a conv-GEMM microkernel as the operator drivers make it (a packed block of
// MR rows, [k][nc] B rows, ReLU clamp), counted alone. Only the kernel's MR
// block is read: the buffer holds MR * (k + 1) floats for any MR <= 16 (the
// shim sizes it by mr = MR, see sdk/targets/rvv/__init__.py).

#include <stddef.h>
#include <stdint.h>

#include "rvpack_rvv/convgemm.h"
#include "rvpack_rvv/microparams.h"
#include "tune.h"

uint64_t rvpack_tune_f32_convgemm(rvpack_tune_kernel_fn ukernel, int32_t mr, int32_t nc, int32_t k, float* buffer) {
  const rvpack_f32_convgemm_minmax_ukernel_fn fn = (rvpack_f32_convgemm_minmax_ukernel_fn)ukernel;
  float* w = buffer;  // one packed block: up to 16 rows of bias + k weights, zero
  float* b = w + 16 * ((size_t)k + 1);
  float* c = b + (size_t)k * (size_t)nc;
  const struct rvpack_f32_minmax_params clamp = rvpack_f32_minmax_params_relu();
  const size_t row = (size_t)nc * sizeof(float);
  const uint64_t start = rvpack_tune_instret();
  fn((size_t)mr, (size_t)nc, (size_t)k * sizeof(float), w, b, row, c, row, &clamp);
  return rvpack_tune_instret() - start;
}
