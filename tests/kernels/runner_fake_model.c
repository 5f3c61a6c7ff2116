/* A hand-written stand-in for a generated bundle's runner_data.c, used by
 * test_runner_main.py: inputs x (f32 [2, 3]) and mask (u8 [3]); outputs
 * y = x + 1 (f32 [2, 3]) and widened = mask (i64 [3]). Two layers, one
 * with a space in its name to check the runner's field sanitising. A NaN in
 * x[0] makes run() fail with RVPACK_ERR_INVALID_ARGUMENT. */
#include "rvpack/runner.h"

static float x_buf[6];
static unsigned char mask_buf[3];
static float y_buf[6];
static int64_t widened_buf[3];
static _Alignas(RVPACK_ARENA_ALIGNMENT) unsigned char arena_buf[128];

static rvpack_status_t fake_run(const void* const* inputs, void* const* outputs, void* state, void* arena,
                                size_t arena_bytes, const rvpack_layer_hook_t* hook) {
  (void)state;
  if (arena == 0) return RVPACK_ERR_NULL_ARGUMENT;
  if (arena_bytes < sizeof(arena_buf)) return RVPACK_ERR_ARENA_TOO_SMALL;
  const float* x = (const float*)inputs[0];
  const unsigned char* mask = (const unsigned char*)inputs[1];
  if (x[0] != x[0]) return RVPACK_ERR_INVALID_ARGUMENT;
  if (hook != 0 && hook->begin != 0) hook->begin(hook->ctx, 0);
  for (int i = 0; i < 6; ++i) ((float*)outputs[0])[i] = x[i] + 1.0f;
  if (hook != 0 && hook->end != 0) hook->end(hook->ctx, 0);
  if (hook != 0 && hook->begin != 0) hook->begin(hook->ctx, 1);
  for (int i = 0; i < 3; ++i) ((int64_t*)outputs[1])[i] = mask[i];
  if (hook != 0 && hook->end != 0) hook->end(hook->ctx, 1);
  return RVPACK_OK;
}

static const rvpack_tensor_desc_t kInputs[2] = {
    {"x", RVPACK_DTYPE_F32, 2, {2, 3}, sizeof(x_buf)},
    {"mask", RVPACK_DTYPE_U8, 1, {3}, sizeof(mask_buf)},
};
static const rvpack_tensor_desc_t kOutputs[2] = {
    {"y", RVPACK_DTYPE_F32, 2, {2, 3}, sizeof(y_buf)},
    {"widened", RVPACK_DTYPE_I64, 1, {3}, sizeof(widened_buf)},
};
static const rvpack_layer_desc_t kLayers[2] = {
    {"add_one", "Add", 6},
    {"widen mask", "Cast", 0},
};
static const rvpack_model_desc_t kModel = {
    RVPACK_ABI_VERSION, "fake", 2, kInputs, 2, kOutputs, 2, kLayers, sizeof(arena_buf), fake_run, 0, NULL,
};

static void* const kInputBuffers[2] = {x_buf, mask_buf};
static void* const kOutputBuffers[2] = {y_buf, widened_buf};

const rvpack_runner_buffers_t rvpack_runner_buffers = {&kModel, arena_buf, kInputBuffers, kOutputBuffers, NULL,
                                                       NULL};
