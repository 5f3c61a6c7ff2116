/* rvpack operator kernels for RISC-V Vector 1.0 (kernel ISA "rvv").
 *
 * Operator-level drivers over the xnnpack_rvv microkernels; built only for
 * the rvv targets. Same conventions as kernels.h (NCHW, static params,
 * no allocation); scratch memory comes from the arena, planned offline. */
#ifndef RVPACK_KERNELS_RVV_H_
#define RVPACK_KERNELS_RVV_H_

#include <stdint.h>

#include "rvpack/kernels.h"
#include "rvpack_rvv/convgemm.h"
#include "rvpack_rvv/im2col.h"
#include "rvpack_rvv/microparams.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Convolution as one GEMM per group over output pixels (see conv2d_nchw_rvv.c).
 * conv.act must be NONE, RELU or CLAMP (a min/max clamp). panel_pixels == 0
 * means a 1x1, stride-1, unpadded conv that reads the input directly;
 * otherwise scratch holds K * panel_pixels floats (K = in/groups * kh * kw). */
typedef struct rvpack_conv2d_rvv_params {
  rvpack_conv2d_params_t conv;
  rvpack_f32_convgemm_minmax_ukernel_fn ukernel;
  int32_t mr; /* rows the ukernel computes per call (its MR) */
  int32_t panel_pixels;
} rvpack_conv2d_rvv_params_t;

void rvpack_f32_conv2d_nchw__rvv(const rvpack_conv2d_rvv_params_t* p, const float* input, const float* weights,
                                 const float* bias, float* output, float* scratch);

#ifdef __cplusplus
}
#endif

#endif /* RVPACK_KERNELS_RVV_H_ */
