// The f32-convgemm family's tune shim (runtime/baremetal/tune.h): one call of
// a conv-GEMM microkernel as the operator drivers make it (dense [mr][k]
// weights, [k][nc] B rows, bias, ReLU clamp), counted alone.

#include <stddef.h>
#include <stdint.h>

#include "rvpack_rvv/convgemm.h"
#include "rvpack_rvv/microparams.h"
#include "tune.h"

uint64_t rvpack_tune_f32_convgemm(rvpack_tune_kernel_fn ukernel, int32_t mr, int32_t nc, int32_t k, float* buffer) {
  const rvpack_f32_convgemm_minmax_ukernel_fn fn = (rvpack_f32_convgemm_minmax_ukernel_fn)ukernel;
  float* w = buffer;
  float* b = w + (size_t)mr * (size_t)k;
  float* bias = b + (size_t)k * (size_t)nc;
  float* c = bias + mr;
  const struct rvpack_f32_minmax_params clamp = rvpack_f32_minmax_params_relu();
  const size_t kc = (size_t)k * sizeof(float), row = (size_t)nc * sizeof(float);
  const uint64_t start = rvpack_tune_instret();
  fn((size_t)mr, (size_t)nc, kc, w, kc, b, row, bias, c, row, &clamp);
  return rvpack_tune_instret() - start;
}
