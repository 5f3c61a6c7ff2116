// Auto-generated file. Do not edit!
//   Template: third_party/xnnpack_rvv/src/f32-dwconv2d-chw/KxKsS-rvv.c.in
//   Generator: python third_party/xnnpack_rvv/tools/generate.py
//   Registry: third_party/xnnpack_rvv/src/f32-dwconv2d-chw/f32-dwconv2d-chw.inc
//
// 3x3 depthwise convolution, stride 2, of one CHW plane: 2 output rows per pass
// (5 input rows), 2 vector registers (LMUL=2) of output columns per step.
// Vector registers: 2 accumulators + input vectors of 2; 3 edge masks.
// Scalar FP registers: the 9 weights, the bias, min and max.

#include <stddef.h>
#include <stdint.h>

#include <riscv_vector.h>

#include "rvpack_rvv/common.h"
#include "rvpack_rvv/dwconv2d_chw.h"

void rvpack_f32_dwconv2d_chw_minmax_ukernel_3x3s2_2x2v__rvv(
    size_t input_height,
    size_t input_width,
    size_t output_height,
    size_t output_width,
    size_t pad_top,
    size_t pad_left,
    const float* restrict input,
    const float* restrict weights,
    float bias,
    float* restrict output,
    const struct rvpack_f32_minmax_params* restrict params)
{
  RVPACK_RVV_ASSERT(input_height != 0);
  RVPACK_RVV_ASSERT(input_width != 0);
  RVPACK_RVV_ASSERT(output_height != 0);
  RVPACK_RVV_ASSERT(output_width != 0);
  RVPACK_RVV_ASSERT(pad_top < 3);
  RVPACK_RVV_ASSERT(pad_left < 3);
  // Edge masks compare input columns as uint32 (negative ones wrap).
  RVPACK_RVV_ASSERT(input_width < ((size_t) 1 << 30));
  RVPACK_RVV_ASSERT(output_width < ((size_t) 1 << 28));

  const float vk00 = weights[0];
  const float vk01 = weights[1];
  const float vk02 = weights[2];
  const float vk10 = weights[3];
  const float vk11 = weights[4];
  const float vk12 = weights[5];
  const float vk20 = weights[6];
  const float vk21 = weights[7];
  const float vk22 = weights[8];
  const float vmin = params->min;
  const float vmax = params->max;

  // Output columns [ow_lo, ow_hi) have all 3 taps inside the input row:
  // steps within them use plain loads, the others (at most the first and
  // last steps of a row) mask the taps outside it.
  const size_t ow_lo = (pad_left + 1) / 2;
  const size_t ow_hi = input_width + pad_left >= 3 ? (input_width + pad_left - 3) / 2 + 1 : 0;
  const size_t input_row_bytes = input_width * sizeof(float);

  for (size_t oh = 0; oh < output_height; oh += 2) {
    // Input row r of this pass is image row ih + r (ih wraps below 0, so one
    // unsigned compare tells rows inside the image); rows outside are skipped.
    const size_t ih = oh * 2 - pad_top;
    const float* i0 = (const float*) ((uintptr_t) input + (ih + 0) * input_row_bytes);
    const int valid0 = ih + 0 < input_height;
    const float* i1 = (const float*) ((uintptr_t) input + (ih + 1) * input_row_bytes);
    const int valid1 = ih + 1 < input_height;
    const float* i2 = (const float*) ((uintptr_t) input + (ih + 2) * input_row_bytes);
    const int valid2 = ih + 2 < input_height;
    const float* i3 = (const float*) ((uintptr_t) input + (ih + 3) * input_row_bytes);
    const int valid3 = ih + 3 < input_height;
    const float* i4 = (const float*) ((uintptr_t) input + (ih + 4) * input_row_bytes);
    const int valid4 = ih + 4 < input_height;
    float* o0 = output + oh * output_width;
    // Past the last output row: alias the row before (stored first, then overwritten).
    float* o1 = oh + 1 < output_height ? o0 + output_width : o0;

    size_t ow = 0;
    do {
      const size_t vl = __riscv_vsetvl_e32m2(output_width - ow);
      vfloat32m2_t vacc0 = __riscv_vfmv_v_f_f32m2(0.0f, vl);
      vfloat32m2_t vacc1 = __riscv_vfmv_v_f_f32m2(0.0f, vl);
      // Input column of lane 0 at kernel column 0 (wraps below 0).
      const size_t iw = ow * 2 - pad_left;
      if (ow >= ow_lo && ow + vl <= ow_hi) {
        if (valid0) {
          const float* p = i0 + iw;
          const vfloat32m2_t vi0 = __riscv_vlse32_v_f32m2(p + 0, 2 * sizeof(float), vl);
          vacc0 = __riscv_vfmacc_vf_f32m2(vacc0, vk00, vi0, vl);
          const vfloat32m2_t vi1 = __riscv_vlse32_v_f32m2(p + 1, 2 * sizeof(float), vl);
          vacc0 = __riscv_vfmacc_vf_f32m2(vacc0, vk01, vi1, vl);
          const vfloat32m2_t vi2 = __riscv_vlse32_v_f32m2(p + 2, 2 * sizeof(float), vl);
          vacc0 = __riscv_vfmacc_vf_f32m2(vacc0, vk02, vi2, vl);
        }
        if (valid1) {
          const float* p = i1 + iw;
          const vfloat32m2_t vi0 = __riscv_vlse32_v_f32m2(p + 0, 2 * sizeof(float), vl);
          vacc0 = __riscv_vfmacc_vf_f32m2(vacc0, vk10, vi0, vl);
          const vfloat32m2_t vi1 = __riscv_vlse32_v_f32m2(p + 1, 2 * sizeof(float), vl);
          vacc0 = __riscv_vfmacc_vf_f32m2(vacc0, vk11, vi1, vl);
          const vfloat32m2_t vi2 = __riscv_vlse32_v_f32m2(p + 2, 2 * sizeof(float), vl);
          vacc0 = __riscv_vfmacc_vf_f32m2(vacc0, vk12, vi2, vl);
        }
        if (valid2) {
          const float* p = i2 + iw;
          const vfloat32m2_t vi0 = __riscv_vlse32_v_f32m2(p + 0, 2 * sizeof(float), vl);
          vacc0 = __riscv_vfmacc_vf_f32m2(vacc0, vk20, vi0, vl);
          vacc1 = __riscv_vfmacc_vf_f32m2(vacc1, vk00, vi0, vl);
          const vfloat32m2_t vi1 = __riscv_vlse32_v_f32m2(p + 1, 2 * sizeof(float), vl);
          vacc0 = __riscv_vfmacc_vf_f32m2(vacc0, vk21, vi1, vl);
          vacc1 = __riscv_vfmacc_vf_f32m2(vacc1, vk01, vi1, vl);
          const vfloat32m2_t vi2 = __riscv_vlse32_v_f32m2(p + 2, 2 * sizeof(float), vl);
          vacc0 = __riscv_vfmacc_vf_f32m2(vacc0, vk22, vi2, vl);
          vacc1 = __riscv_vfmacc_vf_f32m2(vacc1, vk02, vi2, vl);
        }
        if (valid3) {
          const float* p = i3 + iw;
          const vfloat32m2_t vi0 = __riscv_vlse32_v_f32m2(p + 0, 2 * sizeof(float), vl);
          vacc1 = __riscv_vfmacc_vf_f32m2(vacc1, vk10, vi0, vl);
          const vfloat32m2_t vi1 = __riscv_vlse32_v_f32m2(p + 1, 2 * sizeof(float), vl);
          vacc1 = __riscv_vfmacc_vf_f32m2(vacc1, vk11, vi1, vl);
          const vfloat32m2_t vi2 = __riscv_vlse32_v_f32m2(p + 2, 2 * sizeof(float), vl);
          vacc1 = __riscv_vfmacc_vf_f32m2(vacc1, vk12, vi2, vl);
        }
        if (valid4) {
          const float* p = i4 + iw;
          const vfloat32m2_t vi0 = __riscv_vlse32_v_f32m2(p + 0, 2 * sizeof(float), vl);
          vacc1 = __riscv_vfmacc_vf_f32m2(vacc1, vk20, vi0, vl);
          const vfloat32m2_t vi1 = __riscv_vlse32_v_f32m2(p + 1, 2 * sizeof(float), vl);
          vacc1 = __riscv_vfmacc_vf_f32m2(vacc1, vk21, vi1, vl);
          const vfloat32m2_t vi2 = __riscv_vlse32_v_f32m2(p + 2, 2 * sizeof(float), vl);
          vacc1 = __riscv_vfmacc_vf_f32m2(vacc1, vk22, vi2, vl);
        }
      } else {
        // Lane l of kernel column kw reads input column iw + l * 2 + kw; mask
        // vm<kw> keeps the lanes where that is inside [0, input_width). Masked-off
        // lanes neither load nor accumulate: the tap is skipped, as in the reference.
        // The loads are mask-undisturbed into one register (vi, whose masked-off
        // lanes are never used), so loads and FMAs share one vtype: no vsetvli
        // between them.
        vuint32m2_t vcol = __riscv_vid_v_u32m2(vl);
        vcol = __riscv_vmul_vx_u32m2(vcol, 2, vl);
        vcol = __riscv_vadd_vx_u32m2(vcol, (uint32_t) iw, vl);
        const uint32_t w32 = (uint32_t) input_width;
        vfloat32m2_t vi = __riscv_vfmv_v_f_f32m2(0.0f, vl);
        const vbool16_t vm0 = __riscv_vmsltu_vx_u32m2_b16(vcol, w32, vl);
        const vbool16_t vm1 = __riscv_vmsltu_vx_u32m2_b16(__riscv_vadd_vx_u32m2(vcol, 1, vl), w32, vl);
        const vbool16_t vm2 = __riscv_vmsltu_vx_u32m2_b16(__riscv_vadd_vx_u32m2(vcol, 2, vl), w32, vl);
        if (valid0) {
          // Address arithmetic in uintptr_t: lane 0 may lie left of the row.
          const uintptr_t p = (uintptr_t) i0 + iw * sizeof(float);
          vi = __riscv_vlse32_v_f32m2_mu(vm0, vi, (const float*) (p + 0 * sizeof(float)), 2 * sizeof(float), vl);
          vacc0 = __riscv_vfmacc_vf_f32m2_mu(vm0, vacc0, vk00, vi, vl);
          vi = __riscv_vlse32_v_f32m2_mu(vm1, vi, (const float*) (p + 1 * sizeof(float)), 2 * sizeof(float), vl);
          vacc0 = __riscv_vfmacc_vf_f32m2_mu(vm1, vacc0, vk01, vi, vl);
          vi = __riscv_vlse32_v_f32m2_mu(vm2, vi, (const float*) (p + 2 * sizeof(float)), 2 * sizeof(float), vl);
          vacc0 = __riscv_vfmacc_vf_f32m2_mu(vm2, vacc0, vk02, vi, vl);
        }
        if (valid1) {
          // Address arithmetic in uintptr_t: lane 0 may lie left of the row.
          const uintptr_t p = (uintptr_t) i1 + iw * sizeof(float);
          vi = __riscv_vlse32_v_f32m2_mu(vm0, vi, (const float*) (p + 0 * sizeof(float)), 2 * sizeof(float), vl);
          vacc0 = __riscv_vfmacc_vf_f32m2_mu(vm0, vacc0, vk10, vi, vl);
          vi = __riscv_vlse32_v_f32m2_mu(vm1, vi, (const float*) (p + 1 * sizeof(float)), 2 * sizeof(float), vl);
          vacc0 = __riscv_vfmacc_vf_f32m2_mu(vm1, vacc0, vk11, vi, vl);
          vi = __riscv_vlse32_v_f32m2_mu(vm2, vi, (const float*) (p + 2 * sizeof(float)), 2 * sizeof(float), vl);
          vacc0 = __riscv_vfmacc_vf_f32m2_mu(vm2, vacc0, vk12, vi, vl);
        }
        if (valid2) {
          // Address arithmetic in uintptr_t: lane 0 may lie left of the row.
          const uintptr_t p = (uintptr_t) i2 + iw * sizeof(float);
          vi = __riscv_vlse32_v_f32m2_mu(vm0, vi, (const float*) (p + 0 * sizeof(float)), 2 * sizeof(float), vl);
          vacc0 = __riscv_vfmacc_vf_f32m2_mu(vm0, vacc0, vk20, vi, vl);
          vacc1 = __riscv_vfmacc_vf_f32m2_mu(vm0, vacc1, vk00, vi, vl);
          vi = __riscv_vlse32_v_f32m2_mu(vm1, vi, (const float*) (p + 1 * sizeof(float)), 2 * sizeof(float), vl);
          vacc0 = __riscv_vfmacc_vf_f32m2_mu(vm1, vacc0, vk21, vi, vl);
          vacc1 = __riscv_vfmacc_vf_f32m2_mu(vm1, vacc1, vk01, vi, vl);
          vi = __riscv_vlse32_v_f32m2_mu(vm2, vi, (const float*) (p + 2 * sizeof(float)), 2 * sizeof(float), vl);
          vacc0 = __riscv_vfmacc_vf_f32m2_mu(vm2, vacc0, vk22, vi, vl);
          vacc1 = __riscv_vfmacc_vf_f32m2_mu(vm2, vacc1, vk02, vi, vl);
        }
        if (valid3) {
          // Address arithmetic in uintptr_t: lane 0 may lie left of the row.
          const uintptr_t p = (uintptr_t) i3 + iw * sizeof(float);
          vi = __riscv_vlse32_v_f32m2_mu(vm0, vi, (const float*) (p + 0 * sizeof(float)), 2 * sizeof(float), vl);
          vacc1 = __riscv_vfmacc_vf_f32m2_mu(vm0, vacc1, vk10, vi, vl);
          vi = __riscv_vlse32_v_f32m2_mu(vm1, vi, (const float*) (p + 1 * sizeof(float)), 2 * sizeof(float), vl);
          vacc1 = __riscv_vfmacc_vf_f32m2_mu(vm1, vacc1, vk11, vi, vl);
          vi = __riscv_vlse32_v_f32m2_mu(vm2, vi, (const float*) (p + 2 * sizeof(float)), 2 * sizeof(float), vl);
          vacc1 = __riscv_vfmacc_vf_f32m2_mu(vm2, vacc1, vk12, vi, vl);
        }
        if (valid4) {
          // Address arithmetic in uintptr_t: lane 0 may lie left of the row.
          const uintptr_t p = (uintptr_t) i4 + iw * sizeof(float);
          vi = __riscv_vlse32_v_f32m2_mu(vm0, vi, (const float*) (p + 0 * sizeof(float)), 2 * sizeof(float), vl);
          vacc1 = __riscv_vfmacc_vf_f32m2_mu(vm0, vacc1, vk20, vi, vl);
          vi = __riscv_vlse32_v_f32m2_mu(vm1, vi, (const float*) (p + 1 * sizeof(float)), 2 * sizeof(float), vl);
          vacc1 = __riscv_vfmacc_vf_f32m2_mu(vm1, vacc1, vk21, vi, vl);
          vi = __riscv_vlse32_v_f32m2_mu(vm2, vi, (const float*) (p + 2 * sizeof(float)), 2 * sizeof(float), vl);
          vacc1 = __riscv_vfmacc_vf_f32m2_mu(vm2, vacc1, vk22, vi, vl);
        }
      }

      vacc0 = __riscv_vfadd_vf_f32m2(vacc0, bias, vl);
      vacc1 = __riscv_vfadd_vf_f32m2(vacc1, bias, vl);
      vacc0 = __riscv_vfmax_vf_f32m2(vacc0, vmin, vl);
      vacc1 = __riscv_vfmax_vf_f32m2(vacc1, vmin, vl);
      vacc0 = __riscv_vfmin_vf_f32m2(vacc0, vmax, vl);
      vacc1 = __riscv_vfmin_vf_f32m2(vacc1, vmax, vl);
      __riscv_vse32_v_f32m2(o1 + ow, vacc1, vl);
      __riscv_vse32_v_f32m2(o0 + ow, vacc0, vl);
      ow += vl;
    } while (ow < output_width);
  }
}
