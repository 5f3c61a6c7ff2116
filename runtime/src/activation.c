/* Activations and unary elementwise ops. */
#include <math.h>
#include <stddef.h>

#include "internal.h"
#include "rvpack/kernels.h"

static inline float clampf(float x, float lo, float hi) {
  /* Comparisons written so a NaN input stays NaN. */
  return x < lo ? lo : (x > hi ? hi : x);
}

static inline float softplusf(float x) {
  /* log(1 + exp(x)) without overflowing exp for large x. */
  return x > 0.0f ? x + logf(1.0f + expf(-x)) : logf(1.0f + expf(x));
}

float rvpack_f32_activate(const rvpack_activation_t* act, float x) {
  switch (act->kind) {
    case RVPACK_ACT_NONE:
      return x;
    case RVPACK_ACT_RELU:
      return x < 0.0f ? 0.0f : x;
    case RVPACK_ACT_CLAMP:
      return clampf(x, act->a, act->b);
    case RVPACK_ACT_LEAKY_RELU:
      return x >= 0.0f ? x : act->a * x;
    case RVPACK_ACT_SIGMOID:
      return 1.0f / (1.0f + expf(-x));
    case RVPACK_ACT_TANH:
      return tanhf(x);
    case RVPACK_ACT_HARD_SIGMOID:
      return clampf(act->a * x + act->b, 0.0f, 1.0f);
    case RVPACK_ACT_HARD_SWISH:
      return x * clampf(x / 6.0f + 0.5f, 0.0f, 1.0f);
    case RVPACK_ACT_EXP:
      return expf(x);
    case RVPACK_ACT_LOG:
      return logf(x);
    case RVPACK_ACT_SQRT:
      return sqrtf(x);
    case RVPACK_ACT_NEG:
      return -x;
    case RVPACK_ACT_ABS:
      return x < 0.0f ? -x : (x == 0.0f ? 0.0f : x);
    case RVPACK_ACT_RECIPROCAL:
      return 1.0f / x;
    case RVPACK_ACT_ELU:
      return x >= 0.0f ? x : act->a * (expf(x) - 1.0f);
    case RVPACK_ACT_SOFTPLUS:
      return softplusf(x);
    case RVPACK_ACT_ERF:
      return erff(x);
    case RVPACK_ACT_FLOOR:
      return floorf(x);
    case RVPACK_ACT_CEIL:
      return ceilf(x);
    default:
      return x;
  }
}

void rvpack_f32_unary__scalar(size_t n, const float* x, float* y, const rvpack_activation_t* act) {
  /* The cheap, frequent kinds get their own loops (the switch is hoisted out
   * and the compiler can vectorise/unroll them); the transcendental ones are
   * dominated by libm anyway and share the per-element path. */
  size_t i;
  switch (act->kind) {
    case RVPACK_ACT_NONE:
      /* Own memcpy: a plain copy loop would be turned into a libc call. */
      if (x != y) rvpack_memcpy(y, x, n * sizeof(float));
      return;
    case RVPACK_ACT_RELU:
      for (i = 0; i < n; ++i) y[i] = x[i] < 0.0f ? 0.0f : x[i];
      return;
    case RVPACK_ACT_CLAMP: {
      const float lo = act->a, hi = act->b;
      for (i = 0; i < n; ++i) y[i] = clampf(x[i], lo, hi);
      return;
    }
    case RVPACK_ACT_LEAKY_RELU: {
      const float a = act->a;
      for (i = 0; i < n; ++i) y[i] = x[i] >= 0.0f ? x[i] : a * x[i];
      return;
    }
    case RVPACK_ACT_NEG:
      for (i = 0; i < n; ++i) y[i] = -x[i];
      return;
    default:
      for (i = 0; i < n; ++i) y[i] = rvpack_f32_activate(act, x[i]);
      return;
  }
}

void rvpack_internal_activate_inplace(size_t n, float* y, const rvpack_activation_t* act) {
  if (act->kind != RVPACK_ACT_NONE) rvpack_f32_unary__scalar(n, y, y, act);
}
