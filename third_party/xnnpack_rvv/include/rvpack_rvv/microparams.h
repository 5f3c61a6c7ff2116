// Parameters of the xnnpack_rvv microkernels: one typed struct per kind of
// fused activation (XNNPACK's microparams). The code generator fills them at
// build time, usually as `static const` data.
#ifndef RVPACK_RVV_MICROPARAMS_H_
#define RVPACK_RVV_MICROPARAMS_H_

#ifdef __cplusplus
extern "C" {
#endif

// Output clamp: y = min(max(x, min), max), computed with IEEE 754-2019
// maximumNumber/minimumNumber (RVV vfmax/vfmin, C fmaxf/fminf), so a NaN
// accumulator comes out as `min`.
//   no activation: [-inf, +inf]    ReLU: [0, +inf]    ReLU6: [0, 6]
//   Clip(lo, hi):  [lo, hi]
struct rvpack_f32_minmax_params {
  float min;
  float max;
};

static inline struct rvpack_f32_minmax_params rvpack_f32_minmax_params_init(float min, float max) {
  struct rvpack_f32_minmax_params params = {min, max};
  return params;
}

static inline struct rvpack_f32_minmax_params rvpack_f32_minmax_params_none(void) {
  return rvpack_f32_minmax_params_init(-__builtin_inff(), __builtin_inff());
}

static inline struct rvpack_f32_minmax_params rvpack_f32_minmax_params_relu(void) {
  return rvpack_f32_minmax_params_init(0.0f, __builtin_inff());
}

static inline struct rvpack_f32_minmax_params rvpack_f32_minmax_params_relu6(void) {
  return rvpack_f32_minmax_params_init(0.0f, 6.0f);
}

#ifdef __cplusplus
}
#endif

#endif  // RVPACK_RVV_MICROPARAMS_H_
