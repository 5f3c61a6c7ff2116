// Auto-generated file. Do not edit!
//   Template: third_party/xnnpack_rvv/src/f32-spconvgemm/spconvgemm.h.in
//   Generator: python third_party/xnnpack_rvv/tools/generate.py
//   Registry: third_party/xnnpack_rvv/src/f32-spconvgemm/f32-spconvgemm.inc
//
// f32 column-sparse "conv-GEMM" microkernels for RISC-V Vector 1.0: the
// conv-GEMM of include/rvpack_rvv/convgemm.h for weights pruned column-wise
// (the paper "Efficient Column-Wise N:M Pruning on RISC-V CPU", arXiv
// 2507.17301): the MR output channels of a block keep the same K steps, and
// the kernel visits only those,
//
//   Y[i][p] = bias[i] + sum_{e < kept} W[i][k_e] * X'[k_e][p].
//
// Contract of every rvpack_f32_spconvgemm_minmax_ukernel_{MR}x{LMUL}v__rvv:
//
//   void fn(size_t mr, size_t nc, const float* w, const float* b, float* c,
//           size_t c_stride, const struct rvpack_f32_minmax_params* params);
//
//   mr, nc, c, c_stride, params: as the dense kernels.
//   w   one sparse block of MR rows (rvpack_f32_spconvgemm_pack_weights), in
//       32-bit words: the kept count (uint32), the MR biases, then per kept
//       step e (k_e ascending) an entry of MR + 1 words: the byte offset of
//       B row k_e from b (int32), then the MR weights W[0..MR-1][k_e]. Rows
//       i >= mr are zero. A block keeps no step (kept 0): its outputs are the
//       clamped biases.
//   b   row k at (char*) b + offset_k: nc contiguous floats. The offsets are
//       k * b_stride, fixed when the block is packed (a 1x1 conv: the input
//       plane, H * W * 4 bytes; otherwise the im2col panel's row stride), so
//       nothing in them depends on VLEN or on the pixel window: the kernel
//       adds them to b as it walks the columns in steps of NR.
//
// Each output is the dense kernels' fma chain over the kept steps only; as
// fma(0, x, acc) == acc for finite x, that equals the dense kernel on the
// masked weights bit for bit (the kernel tests check it at VLEN 128/256/512).
// Inner loop, per kept step: lw + add (the B row), one vle32, MR flw and MR
// vfmacc.vf: one instruction more than a dense step.
#ifndef RVPACK_RVV_SPCONVGEMM_H_
#define RVPACK_RVV_SPCONVGEMM_H_

#include <stddef.h>
#include <stdint.h>

#include "rvpack_rvv/common.h"
#include "rvpack_rvv/microparams.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef void (*rvpack_f32_spconvgemm_minmax_ukernel_fn)(
    size_t mr, size_t nc, const float* w, const float* b, float* c, size_t c_stride,
    const struct rvpack_f32_minmax_params* params);

#define RVPACK_DECLARE_F32_SPCONVGEMM_MINMAX_UKERNEL_FUNCTION(fn_name)                        \
  void fn_name(size_t mr, size_t nc, const float* w, const float* b, float* c, size_t c_stride, \
               const struct rvpack_f32_minmax_params* params);

// Words of one sparse block of mr_block rows that keeps `kept` K steps.
static inline size_t rvpack_f32_spconvgemm_block_words(size_t mr_block, size_t kept) {
  return 1 + mr_block + kept * (mr_block + 1);
}

// The kept count of a block.
static inline uint32_t rvpack_f32_spconvgemm_block_kept(const float* block) {
  uint32_t kept;
  __builtin_memcpy(&kept, block, sizeof(kept));
  return kept;
}

// Packs rows x K plain weights (row i at (char*) w + i * w_stride) and their
// biases (rows floats, or NULL for 0) into ceil(rows / mr_block) sparse
// blocks, one after the other: a block keeps step k iff one of its rows has
// a nonzero weight there; B row k is at byte offset k * b_stride. Returns
// the words written (with packed == NULL: the words it would write).
// Portable C; sdk/targets/rvv/sparse.py writes the same bytes at build time.
size_t rvpack_f32_spconvgemm_pack_weights(size_t mr_block, size_t rows, size_t k, const float* w, size_t w_stride,
                                          const float* bias, size_t b_stride, float* packed);

RVPACK_DECLARE_F32_SPCONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_spconvgemm_minmax_ukernel_1x1v__rvv)
RVPACK_DECLARE_F32_SPCONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_spconvgemm_minmax_ukernel_4x1v__rvv)
RVPACK_DECLARE_F32_SPCONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_spconvgemm_minmax_ukernel_7x1v__rvv)
RVPACK_DECLARE_F32_SPCONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_spconvgemm_minmax_ukernel_8x1v__rvv)
RVPACK_DECLARE_F32_SPCONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_spconvgemm_minmax_ukernel_1x2v__rvv)
RVPACK_DECLARE_F32_SPCONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_spconvgemm_minmax_ukernel_4x2v__rvv)
RVPACK_DECLARE_F32_SPCONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_spconvgemm_minmax_ukernel_7x2v__rvv)
RVPACK_DECLARE_F32_SPCONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_spconvgemm_minmax_ukernel_8x2v__rvv)
RVPACK_DECLARE_F32_SPCONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_spconvgemm_minmax_ukernel_1x4v__rvv)
RVPACK_DECLARE_F32_SPCONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_spconvgemm_minmax_ukernel_4x4v__rvv)
RVPACK_DECLARE_F32_SPCONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_spconvgemm_minmax_ukernel_5x4v__rvv)
RVPACK_DECLARE_F32_SPCONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_spconvgemm_minmax_ukernel_6x4v__rvv)
RVPACK_DECLARE_F32_SPCONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_spconvgemm_minmax_ukernel_7x4v__rvv)
RVPACK_DECLARE_F32_SPCONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_spconvgemm_minmax_ukernel_1x8v__rvv)
RVPACK_DECLARE_F32_SPCONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_spconvgemm_minmax_ukernel_2x8v__rvv)
RVPACK_DECLARE_F32_SPCONVGEMM_MINMAX_UKERNEL_FUNCTION(rvpack_f32_spconvgemm_minmax_ukernel_3x8v__rvv)

#ifdef __cplusplus
}
#endif

#endif  // RVPACK_RVV_SPCONVGEMM_H_
