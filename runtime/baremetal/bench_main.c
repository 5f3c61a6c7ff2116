/* rvpack bare-metal bench: exact retired-instruction counts per layer.
 *
 * Model-independent: linked with a bundle's model library and its generated
 * runner_data.c (which defines rvpack_runner_buffers), run on Spike. It
 *   1. fills every f32 input with the fixed pseudo-random sequence below
 *      (rvpack.sdk.runners.spike.bench_inputs reproduces it bit-exactly);
 *      other inputs are zeroed and do not advance the sequence;
 *   2. calibrates the cost e of the hook itself: minstret is read in the
 *      begin and end hooks, so end - begin of a layer also counts the tail of
 *      the begin hook, the layer dispatch and the head of the end hook. e is
 *      that difference around an empty layer, dispatched exactly like the
 *      generated code does (see calibration_run); min over 16 repeats;
 *   3. runs the model once with the hook; reports per layer end - begin - e,
 *      the total (minstret right before and after the run call), and
 *      overhead = total - sum(layers), so sum(layers) + overhead == total;
 *   4. prints the outputs as 32-bit words in hex.
 *
 * Report (stdout through HTIF), one item per line:
 *   rvpack-bench 1
 *   model <name>
 *   seed <seed>
 *   layers <N>
 *   hook_overhead <e>
 *   layer <i> <count>            (N lines)
 *   total <instructions>
 *   overhead <instructions>
 *   status <rvpack status>
 *   output <k> <words> <dtype> <bytes>   then <words> hex words, 8 per line
 *   end
 * Exit code: 0, or 1 if the model returned an error status, 2 if the model
 * does not fit this program (ABI version, too many layers).
 *
 * Profiles: the hooks also execute a marker (a HINT: a no-op on Spike and on
 * any RISC-V core) right after the begin read and right before the end read. Spike with rvpack's extension
 * (spike_profile.cc) writes the instructions executed between consecutive
 * markers, by PC and vtype; the calibration layers give the windows of an
 * empty layer, so a layer's instruction mix is its window minus the empty
 * layer's, and it adds up to its count above exactly. Two more markers
 * bracket the run call, so the windows between them add up to the total.
 * Windows, in order: 4 * RVPACK_BENCH_CALIBRATION_REPEATS + 1 before the run
 * (the first ends at the first calibration begin marker, then begin/end
 * windows of the two empty layers per repeat; the last ends at the run's
 * first marker), then per layer the glue before it and the layer itself, and
 * the glue up to the run's last marker.
 *
 * Counts are exact: Spike retires one instruction per step, minstret counts
 * every retired instruction, nothing else runs (no interrupts, one hart), and
 * the program is deterministic, so every run gives the same numbers. */
#include <stddef.h>
#include <stdint.h>

#include "htif.h"
#include "rvpack/runner.h"
#include "rvpack/rvpack.h"

#ifndef RVPACK_BENCH_SEED
#define RVPACK_BENCH_SEED 0
#endif

#ifndef RVPACK_BENCH_MAX_LAYERS
#define RVPACK_BENCH_MAX_LAYERS 16384
#endif

#define RVPACK_BENCH_CALIBRATION_REPEATS 16
#define RVPACK_BENCH_FORMAT_VERSION 1

/* ---- inputs ----------------------------------------------------------------- */

static uint64_t bench_state = (uint64_t)RVPACK_BENCH_SEED;

/* splitmix64 step -> uniform float in [-1, 1) with 24 random bits (exact). */
static float bench_next_value(void) {
  bench_state += 0x9E3779B97F4A7C15ull;
  uint64_t z = bench_state;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return (float)(z >> 40) * 0x1p-24f * 2.0f - 1.0f;
}

static void fill_inputs(const rvpack_model_desc_t* model, void* const* inputs) {
  for (int32_t k = 0; k < model->num_inputs; ++k) {
    const rvpack_tensor_desc_t* d = &model->inputs[k];
    if (d->dtype == RVPACK_DTYPE_F32) {
      float* p = (float*)inputs[k];
      size_t n = d->bytes / sizeof(float);
      for (size_t i = 0; i < n; ++i) p[i] = bench_next_value();
    } else {
      uint8_t* p = (uint8_t*)inputs[k];
      for (size_t i = 0; i < d->bytes; ++i) p[i] = 0;
    }
  }
}

/* A minstret read and the profile marker (slti x0, x0, 2032: a HINT, see
 * spike_profile.cc) in one asm statement, so nothing can be scheduled between
 * them: a window between markers is then exactly a minstret difference + 2.
 * The memory clobber keeps the compiler from moving the read across the
 * model call or the hook's stores. */
static inline uint64_t read_minstret_then_mark(void) {
  uint64_t v;
  __asm__ volatile("csrr %0, minstret\n\t.insn i 0x13, 2, x0, x0, 2032" : "=r"(v) : : "memory");
  return v;
}

static inline uint64_t mark_then_read_minstret(void) {
  uint64_t v;
  __asm__ volatile(".insn i 0x13, 2, x0, x0, 2032\n\tcsrr %0, minstret" : "=r"(v) : : "memory");
  return v;
}

/* ---- the hook ----------------------------------------------------------------- */

static uint64_t begin_stamp[RVPACK_BENCH_MAX_LAYERS];
static uint64_t end_stamp[RVPACK_BENCH_MAX_LAYERS];

/* Kept small and out of line: the csrr is as close to the call boundary as
 * the compiler allows, and the same code runs in calibration and in the
 * measured run, so its cost cancels exactly. */
__attribute__((noinline)) static void hook_begin(void* ctx, int32_t layer) {
  (void)ctx;
  begin_stamp[layer] = read_minstret_then_mark();
}

__attribute__((noinline)) static void hook_end(void* ctx, int32_t layer) {
  uint64_t now = mark_then_read_minstret();
  (void)ctx;
  end_stamp[layer] = now;
}

static const rvpack_layer_hook_t bench_hook = {hook_begin, hook_end, NULL};

/* ---- calibration: an empty layer, dispatched like generated code -------------- */

typedef void (*bench_layer_fn)(uint8_t* arena, const void* const* in, void* const* out);

__attribute__((noinline)) static void empty_layer_a(uint8_t* arena, const void* const* in, void* const* out) {
  (void)arena;
  (void)in;
  (void)out;
  __asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) static void empty_layer_b(uint8_t* arena, const void* const* in, void* const* out) {
  (void)arena;
  (void)in;
  (void)out;
  __asm__ volatile("" ::: "memory");
}

/* Two different functions, so the call stays indirect as in generated code. */
static const bench_layer_fn kCalibrationLayers[2] = {empty_layer_a, empty_layer_b};

/* The loop of the generated run function (codegen: run_layers), with empty
 * layers. External linkage and run-time arguments keep the compiler from
 * specialising it for the calibration call, so its glue code (load the layer
 * pointer, set the arguments, call; test hook->end, call it) is the same as
 * in generated code: e then also cancels that glue and the call/return of an
 * empty layer, and an empty layer counts 0. */
void rvpack_bench_calibration_run(const void* const* in, void* const* out, void* arena,
                                  const rvpack_layer_hook_t* hook, int32_t n);
__attribute__((noinline)) void rvpack_bench_calibration_run(const void* const* in, void* const* out, void* arena,
                                                            const rvpack_layer_hook_t* hook, int32_t n) {
  for (int32_t i = 0; i < n; ++i) {
    if (hook != NULL && hook->begin != NULL) hook->begin(hook->ctx, i);
    kCalibrationLayers[i]((uint8_t*)arena, in, out);
    if (hook != NULL && hook->end != NULL) hook->end(hook->ctx, i);
  }
}

static uint64_t calibrate_hook(void) {
  uint64_t best = UINT64_MAX;
  const rvpack_layer_hook_t* volatile hook = &bench_hook;
  int32_t volatile n = 2;
  for (int r = 0; r < RVPACK_BENCH_CALIBRATION_REPEATS; ++r) {
    rvpack_bench_calibration_run(NULL, NULL, NULL, hook, n);
    for (int i = 0; i < 2; ++i) {
      uint64_t e = end_stamp[i] - begin_stamp[i];
      if (e < best) best = e;
    }
  }
  return best;
}

/* ---- report ------------------------------------------------------------------- */

static void out_line_u64(const char* key, uint64_t v) {
  rvpack_out_str(key);
  rvpack_out_char(' ');
  rvpack_out_u64(v);
  rvpack_out_char('\n');
}

static void out_line_i64(const char* key, int64_t v) {
  rvpack_out_str(key);
  rvpack_out_char(' ');
  rvpack_out_i64(v);
  rvpack_out_char('\n');
}

static const char* dtype_name(int32_t dtype) {
  switch (dtype) {
    case RVPACK_DTYPE_F32:
      return "f32";
    case RVPACK_DTYPE_I8:
      return "i8";
    case RVPACK_DTYPE_U8:
      return "u8";
    case RVPACK_DTYPE_I32:
      return "i32";
    case RVPACK_DTYPE_I64:
      return "i64";
    default:
      return "unknown";
  }
}

static void print_output(int32_t k, const rvpack_tensor_desc_t* d, const void* data) {
  const uint8_t* bytes = (const uint8_t*)data;
  size_t words = (d->bytes + 3) / 4;
  rvpack_out_str("output ");
  rvpack_out_i64(k);
  rvpack_out_char(' ');
  rvpack_out_u64(words);
  rvpack_out_char(' ');
  rvpack_out_str(dtype_name(d->dtype));
  rvpack_out_char(' ');
  rvpack_out_u64(d->bytes);
  rvpack_out_char('\n');
  for (size_t w = 0; w < words; ++w) {
    uint32_t v = 0;
    for (size_t b = 0; b < 4; ++b) {
      size_t i = 4 * w + b;
      if (i < d->bytes) v |= (uint32_t)bytes[i] << (8 * b); /* little endian */
    }
    rvpack_out_hex32(v);
    rvpack_out_char((w % 8 == 7 || w + 1 == words) ? '\n' : ' ');
  }
}

static int fail(const char* message) {
  rvpack_out_str("rvpack-bench-error ");
  rvpack_out_str(message);
  rvpack_out_char('\n');
  rvpack_out_flush();
  return 2;
}

int main(void) {
  const rvpack_runner_buffers_t* b = &rvpack_runner_buffers;
  const rvpack_model_desc_t* model = b->model;

  rvpack_out_str("rvpack-bench ");
  rvpack_out_u64(RVPACK_BENCH_FORMAT_VERSION);
  rvpack_out_char('\n');
  if (model->abi_version != RVPACK_ABI_VERSION) return fail("model ABI version differs from the runtime's");
  if (model->num_layers < 0 || model->num_layers > RVPACK_BENCH_MAX_LAYERS) {
    return fail("too many layers (raise RVPACK_BENCH_MAX_LAYERS)");
  }
  rvpack_out_str("model ");
  rvpack_out_str(model->name);
  rvpack_out_char('\n');
  out_line_u64("seed", (uint64_t)RVPACK_BENCH_SEED);
  out_line_u64("layers", (uint64_t)model->num_layers);

  fill_inputs(model, b->inputs);
  if (model->state_bytes > 0) model->state_init(b->state); /* a streaming model: its first step */
  uint64_t e = calibrate_hook();
  for (int32_t i = 0; i < model->num_layers; ++i) begin_stamp[i] = end_stamp[i] = 0;

  const rvpack_layer_hook_t* volatile hook = &bench_hook;
  uint64_t before = read_minstret_then_mark();
  rvpack_status_t status =
      model->run((const void* const*)b->inputs, b->outputs, b->state, b->arena, model->arena_bytes, hook);
  uint64_t after = mark_then_read_minstret();

  uint64_t total = after - before;
  int64_t sum = 0;
  out_line_u64("hook_overhead", e);
  for (int32_t i = 0; i < model->num_layers; ++i) {
    int64_t count = (int64_t)(end_stamp[i] - begin_stamp[i]) - (int64_t)e;
    sum += count;
    rvpack_out_str("layer ");
    rvpack_out_i64(i);
    rvpack_out_char(' ');
    rvpack_out_i64(count);
    rvpack_out_char('\n');
  }
  out_line_u64("total", total);
  out_line_i64("overhead", (int64_t)total - sum);
  out_line_i64("status", status);
  for (int32_t k = 0; k < model->num_outputs; ++k) print_output(k, &model->outputs[k], b->outputs[k]);
  rvpack_out_str("end\n");
  rvpack_out_flush();
  return status == RVPACK_OK ? 0 : 1;
}
