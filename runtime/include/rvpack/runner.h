/* Interface between the generic bundle runner program (runtime/src/runner_main.c)
 * and the per-model data the code generator emits (src/runner_data.c).
 *
 * The runner is model-independent so Bazel builds it once per target; the
 * generated file supplies the model descriptor and statically allocated
 * buffers (no malloc anywhere). */
#ifndef RVPACK_RUNNER_H_
#define RVPACK_RUNNER_H_

#include "rvpack/rvpack.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rvpack_runner_buffers {
  const rvpack_model_desc_t* model;
  void* arena;               /* model->arena_bytes bytes, RVPACK_ARENA_ALIGNMENT aligned */
  void* const* inputs;       /* model->num_inputs buffers of inputs[i].bytes bytes */
  void* const* outputs;      /* model->num_outputs buffers of outputs[i].bytes bytes */
  void* state;               /* model->state_bytes bytes, aligned as the arena (NULL if 0) */
  void* state_copy;          /* the same size: the state a repeated step starts from */
} rvpack_runner_buffers_t;

/* Defined by the generated runner_data.c of each bundle. */
extern const rvpack_runner_buffers_t rvpack_runner_buffers;

#ifdef __cplusplus
}
#endif

#endif /* RVPACK_RUNNER_H_ */
