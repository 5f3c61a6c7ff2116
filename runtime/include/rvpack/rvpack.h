/* rvpack runtime: the contract between generated model code, the runtime and
 * the programs that embed a bundle. Versioned: generated code checks
 * RVPACK_ABI_VERSION at compile time. */
#ifndef RVPACK_RVPACK_H_
#define RVPACK_RVPACK_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RVPACK_ABI_VERSION 2

/* Status codes: 0 is success; every runtime entry point returns one. */
typedef int32_t rvpack_status_t;
enum {
  RVPACK_OK = 0,
  RVPACK_ERR_ARENA_TOO_SMALL = 1,
  RVPACK_ERR_ARENA_MISALIGNED = 2,
  RVPACK_ERR_NULL_ARGUMENT = 3,
  RVPACK_ERR_INVALID_ARGUMENT = 4,
};

/* Returns a static, human-readable name for a status code. */
const char* rvpack_status_string(rvpack_status_t status);

#define RVPACK_RETURN_IF_ERROR(expr)       \
  do {                                     \
    rvpack_status_t rvpack_status_ = (expr); \
    if (rvpack_status_ != RVPACK_OK) return rvpack_status_; \
  } while (0)

/* Arena alignment every bundle requires of the caller's buffer. */
#define RVPACK_ARENA_ALIGNMENT 64

/* Optional per-layer hook: the bundle calls begin/end around every layer.
 * Used by the runner for per-layer wall time and by the bare-metal bench for
 * retired-instruction counts. NULL means no hook. */
typedef struct rvpack_layer_hook {
  void (*begin)(void* ctx, int32_t layer_index);
  void (*end)(void* ctx, int32_t layer_index);
  void* ctx;
} rvpack_layer_hook_t;

enum { RVPACK_DTYPE_F32 = 1, RVPACK_DTYPE_I8 = 2, RVPACK_DTYPE_U8 = 3, RVPACK_DTYPE_I32 = 4, RVPACK_DTYPE_I64 = 5 };

#define RVPACK_MAX_RANK 8

/* Describes one model input or output. */
typedef struct rvpack_tensor_desc {
  const char* name;
  int32_t dtype;   /* RVPACK_DTYPE_* */
  int32_t rank;
  int64_t shape[RVPACK_MAX_RANK];
  size_t bytes;
} rvpack_tensor_desc_t;

/* Describes one layer, for profiling output. */
typedef struct rvpack_layer_desc {
  const char* name;
  const char* op;
  int64_t macs;
} rvpack_layer_desc_t;

/* Model-independent entry point, so one runner program serves every bundle.
 * `state` is the model's persistent state (the resource variables of a
 * streaming model): state_bytes bytes aligned to RVPACK_ARENA_ALIGNMENT,
 * set up once by state_init and kept by the caller from one run to the
 * next; NULL for a model without state. */
typedef rvpack_status_t (*rvpack_run_fn)(const void* const* inputs, void* const* outputs, void* state, void* arena,
                                         size_t arena_bytes, const rvpack_layer_hook_t* hook);
typedef void (*rvpack_state_init_fn)(void* state);

typedef struct rvpack_model_desc {
  int32_t abi_version;
  const char* name;
  int32_t num_inputs;
  const rvpack_tensor_desc_t* inputs;
  int32_t num_outputs;
  const rvpack_tensor_desc_t* outputs;
  int32_t num_layers;
  const rvpack_layer_desc_t* layers;
  size_t arena_bytes;
  rvpack_run_fn run;
  size_t state_bytes;               /* 0: no state */
  rvpack_state_init_fn state_init;  /* NULL when state_bytes is 0 */
} rvpack_model_desc_t;

#ifdef __cplusplus
}
#endif

#endif /* RVPACK_RVPACK_H_ */
