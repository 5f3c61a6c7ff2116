"""The `rvv` kernel ISA: RISC-V Vector 1.0, VLEN-agnostic.

Lowering rules for Conv/Gemm/MatMul on the xnnpack_rvv microkernels
(rules.py), a same-contract runtime/rvv twin for every other portable kernel
class (TWINS), the passes those kernels need (passes.py), and the dense and
column-sparse conv-GEMM tiles with their cost model (tiles.py) that `--tune`
can measure instead.
"""

from __future__ import annotations

from rvpack.sdk.passes.cleanup import eliminate_dead_code
from rvpack.sdk.targets.plugin import KernelIsa, TileFamily
from rvpack.sdk.targets.rvv.passes import pretranspose_gemm_weights
from rvpack.sdk.targets.rvv.rules import ALGORITHMS, RULES, plan_sparse_conv
from rvpack.sdk.targets.rvv.tiles import (CONVGEMM, SPCONVGEMM, convgemm_sources, convgemm_tiles, modelled_cost,
                                          spconvgemm_sources, spconvgemm_tiles)

# Operator kernels of runtime/rvv with the same signature and contract as
# their portable twins (runtime/rvv/include/rvpack/kernels_rvv.h).
TWINS = {
    "rvpack_f32_unary__scalar": "rvpack_f32_unary__rvv",
    "rvpack_f32_binary__scalar": "rvpack_f32_binary__rvv",
    "rvpack_f32_channel_affine__scalar": "rvpack_f32_channel_affine__rvv",
    "rvpack_f32_softmax__scalar": "rvpack_f32_softmax__rvv",
    "rvpack_f32_reduce__scalar": "rvpack_f32_reduce__rvv",
    "rvpack_f32_pool2d_nchw__scalar": "rvpack_f32_pool2d_nchw__rvv",
    "rvpack_copy_strided": "rvpack_copy_strided__rvv",
    "rvpack_f32_pad__scalar": "rvpack_f32_pad__rvv",
    "rvpack_f32_lrn__scalar": "rvpack_f32_lrn__rvv",
    "rvpack_f32_resize__scalar": "rvpack_f32_resize__rvv",
    "rvpack_f32_conv_transpose2d_nchw__scalar": "rvpack_f32_conv_transpose2d_nchw__rvv",
    "rvpack_q8_quantize__scalar": "rvpack_q8_quantize__rvv",
    "rvpack_q8_dequantize__scalar": "rvpack_q8_dequantize__rvv",
    "rvpack_q8_requantize__scalar": "rvpack_q8_requantize__rvv",
    "rvpack_qs8_pool2d_nchw__scalar": "rvpack_qs8_pool2d_nchw__rvv",
    "rvpack_qs8_conv2d_nchw__scalar": "rvpack_qs8_conv2d_nchw__rvv_any",
    "rvpack_qs8_add__scalar": "rvpack_qs8_add__rvv",
    "rvpack_qs8_mul__scalar": "rvpack_qs8_mul__rvv",
}

KERNEL_ISA = KernelIsa(
    name="rvv",
    description="RISC-V Vector 1.0 (xnnpack_rvv microkernels + runtime/rvv drivers)",
    rules=RULES,
    twins=TWINS,
    passes=(pretranspose_gemm_weights, eliminate_dead_code),
    headers=("rvpack/kernels_rvv.h",),
    runtime_deps=("@rvpack//runtime/rvv",),
    tile_families=(TileFamily(CONVGEMM, convgemm_tiles, "rvpack_rvv/convgemm.h", "rvpack_tune_f32_convgemm",
                              ("@rvpack//third_party/xnnpack_rvv:f32_convgemm_tune",), convgemm_sources,
                              # f32-convgemm-tune.c: a packed block of up to 16 rows, B, mr rows of C.
                              lambda mr, nc, k: 16 * (k + 1) + k * nc + mr * nc),
                   TileFamily(SPCONVGEMM, spconvgemm_tiles, "rvpack_rvv/spconvgemm.h", "rvpack_tune_f32_spconvgemm",
                              ("@rvpack//third_party/xnnpack_rvv:f32_spconvgemm_tune",), spconvgemm_sources,
                              # f32-spconvgemm-tune.c: a sparse block of up to 16 rows keeping k steps, B, C.
                              lambda mr, nc, k: 17 + 17 * k + k * nc + mr * nc)),
    cost_model=modelled_cost,
    gemm_bench="//third_party/xnnpack_rvv:f32_gemm_bench",
    sparse_bench="//third_party/xnnpack_rvv:f32_spconvgemm_bench",
    plan_sparse_conv=plan_sparse_conv,
    sparse_tiles=spconvgemm_tiles,
    algorithms=ALGORITHMS,
)
