// f32 GEMM benchmark: C[256][256] = A[256][256] x B[256][256] with every
// kernel of both GEMM families (or those whose name contains argv[1]):
//   f32-gemm      XNNPACK's contract: B packed for NR = LMUL * VLEN / 32
//                 (src/f32-gemm/f32-gemm.inc);
//   f32-convgemm  A rows broadcast (packed in blocks of MR rows with their
//                 biases), B rows [K][N] unpacked and vectorised
//                 (src/f32-convgemm/f32-convgemm.inc), as rvpack's MatMul,
//                 Gemm and Conv layers drive it.
// Each is driven the way an operator would (row blocks of MR, all columns per
// call), checked bit-exact against its scalar reference on small-integer data,
// then counted once more.
//
// Counter: bare metal (Spike, M-mode, the runtime's bare-metal profile) the
// retired instructions (csrr minstret), exact and repeatable, each counted run
// between two profile markers (the HINT of runtime/baremetal/spike_profile.cc,
// fused with the counter reads: the window between them is the count - 2), so
// Spike with rvpack's extension gives each kernel's instruction mix; on Linux
// (QEMU) wall-clock time, which only ranks kernels roughly. Output:
//   gemm-bench m 256 n 256 k 256 counter instret|time_ns
//   <family> <name> mr <MR> lmul <LMUL> nr <NR> count <C>     (one per kernel)
//   checked <N> failed <F>
// Build and run on Spike at VLEN 256 (`python -m rvpack.sdk.kernel_bench 256` does both):
//   bazel build --platforms=//toolchains:rvv1_0_baremetal //third_party/xnnpack_rvv:f32_gemm_bench
//   spike --isa=rv64gcv_zvl256b bazel-bin/third_party/xnnpack_rvv/f32_gemm_bench
#if defined(__linux__)
#define _POSIX_C_SOURCE 199309L  // clock_gettime
#endif
#include <stddef.h>
#include <stdint.h>

#include "rvpack_rvv/convgemm.h"
#include "rvpack_rvv/gemm.h"
#include "rvpack_rvv/packw.h"
#include "rvpack_rvv/qs8_convgemm.h"

#if defined(__linux__)
#include <stdio.h>
#include <time.h>
#define COUNTER_NAME "time_ns"
static uint64_t counter(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}
static uint64_t counter_then_mark(void) { return counter(); }
static uint64_t mark_then_counter(void) { return counter(); }
static void out_str(const char* s) { fputs(s, stdout); }
static void out_u64(uint64_t v) { printf("%llu", (unsigned long long) v); }
static void out_flush(void) { fflush(stdout); }
#else
#include "htif.h"  // runtime/baremetal: console through Spike's front end
#define COUNTER_NAME "instret"
static uint64_t counter_then_mark(void) {
  uint64_t instret;
  __asm__ volatile("csrr %0, minstret\n\t.insn i 0x13, 2, x0, x0, 2032" : "=r"(instret) : : "memory");
  return instret;
}
static uint64_t mark_then_counter(void) {
  uint64_t instret;
  __asm__ volatile(".insn i 0x13, 2, x0, x0, 2032\n\tcsrr %0, minstret" : "=r"(instret) : : "memory");
  return instret;
}
static void out_str(const char* s) { rvpack_out_str(s); }
static void out_u64(uint64_t v) { rvpack_out_u64(v); }
static void out_flush(void) { rvpack_out_flush(); }
#endif

#define M 256
#define N 256
#define K 256
// Packed weights for any NR dividing N (VLEN <= 2048 at LMUL 8).
#define PACKED_FLOATS (N * (K + 1))
#define PACKED_A_FLOATS ((M + 15) * (K + 1))  // f32-convgemm: A in blocks of MR <= 16 rows

struct variant {
  size_t mr;
  size_t lmul;
  const char* name;
  void (*fn)(void);  // the family's ukernel type, cast back by its driver
};

#define RVPACK_UKERNEL(mr, lmul, fn) {mr, lmul, #fn, (void (*)(void)) fn},
static const struct variant kGemmVariants[] = {
#include "f32-gemm/f32-gemm.inc"
};
static const struct variant kConvgemmVariants[] = {
#include "f32-convgemm/f32-convgemm.inc"
};
static const struct variant kQs8ConvgemmVariants[] = {
#include "qs8-convgemm/qs8-convgemm.inc"
};
#undef RVPACK_UKERNEL

// Static buffers: there is no allocator on bare metal.
static float g_a[M * K];
static float g_b[K * N];  // [K][N]: the convgemm operand
static float g_w[N * K];  // [N][K]: the same matrix, the input of f32-gemm's packing
static float g_bias[N];
static float g_packed[PACKED_FLOATS];
static float g_packed_a[PACKED_A_FLOATS];
static float g_c[M * N];
static float g_c_ref[M * N];
// qs8-convgemm: int8 A (weights) in packed blocks, int8 B, int8 C
#define QS8_MR_MAX 8
static int8_t g_a8[M * K];
static int8_t g_b8[K * N];
static int32_t g_packed_a8[(M + QS8_MR_MAX) * (5 + K / 4 + 1)];
static int8_t g_c8[M * N];
static int8_t g_c8_ref[M * N];

static int contains(const char* s, const char* part) {
  for (; *s != '\0'; s++) {
    size_t i = 0;
    while (part[i] != '\0' && s[i] == part[i]) i++;
    if (part[i] == '\0') return 1;
  }
  return *part == '\0';
}

static int same(const float* x, const float* y, size_t n) {
  const uint32_t* a = (const uint32_t*) x;
  const uint32_t* b = (const uint32_t*) y;
  for (size_t i = 0; i < n; i++) {
    if (a[i] != b[i]) return 0;
  }
  return 1;
}

static void gemm_packed(rvpack_f32_gemm_minmax_ukernel_fn fn, size_t mr, size_t nr, float* c) {
  const struct rvpack_f32_minmax_params params = rvpack_f32_minmax_params_relu();
  for (size_t m0 = 0; m0 < M; m0 += mr) {
    const size_t mb = M - m0 < mr ? M - m0 : mr;
    fn(mb, N, K * sizeof(float), g_a + m0 * K, K * sizeof(float), g_packed, c + m0 * N, N * sizeof(float),
       nr * sizeof(float), &params);
  }
}

static void gemm_unpacked(rvpack_f32_convgemm_minmax_ukernel_fn fn, size_t mr, float* c) {
  const struct rvpack_f32_minmax_params params = rvpack_f32_minmax_params_relu();
  for (size_t m0 = 0; m0 < M; m0 += mr) {
    const size_t mb = M - m0 < mr ? M - m0 : mr;
    fn(mb, N, K * sizeof(float), g_packed_a + m0 * (K + 1), g_b, N * sizeof(float), c + m0 * N, N * sizeof(float),
       &params);
  }
}

// The blocks of rvpack_qs8_convgemm (include/rvpack_rvv/qs8_convgemm.h) of
// the M rows of g_a8: bias 3, TFLite rescaling by 0.75 * 2^-9 (multiplier
// 3 * 2^29, right shift 9), float scale the same.
static void pack_qs8(size_t mr) {
  const size_t block = rvpack_qs8_convgemm_block_bytes(mr, K);
  for (size_t m0 = 0; m0 < M; m0 += mr) {
    uint8_t* b = (uint8_t*) g_packed_a8 + m0 / mr * block;
    int32_t* words = (int32_t*) b;
    float* scales = (float*) b + 4 * mr;
    for (size_t i = 0; i < mr; i++) {
      const int valid = m0 + i < M;
      words[i] = valid ? 3 : 0;
      words[mr + i] = valid ? 3 << 29 : 0;
      words[2 * mr + i] = 0;
      words[3 * mr + i] = valid ? 9 : 0;
      scales[i] = valid ? 0.75f / 512.0f : 0.0f;
      for (size_t kk = 0; kk < K; kk++) ((int8_t*) (b + 20 * mr))[kk * mr + i] = valid ? g_a8[(m0 + i) * K + kk] : 0;
    }
  }
}

static void gemm_qs8(rvpack_qs8_convgemm_minmax_ukernel_fn fn, size_t mr, int8_t* c) {
  const struct rvpack_qs8_minmax_params params = {RVPACK_QS8_ROUND_HALF_UP, -5, -128, 127};
  const size_t block = rvpack_qs8_convgemm_block_bytes(mr, K);
  for (size_t m0 = 0; m0 < M; m0 += mr) {
    const size_t mb = M - m0 < mr ? M - m0 : mr;
    const void* w = (const uint8_t*) g_packed_a8 + m0 / mr * block;
    if (fn != NULL) {
      fn(mb, N, K, w, g_b8, N, c + m0 * N, N, &params);
    } else {
      rvpack_qs8_convgemm_minmax_reference__scalar(mr, mb, N, K, w, g_b8, N, c + m0 * N, N, &params);
    }
  }
}

static int same8(const int8_t* x, const int8_t* y, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (x[i] != y[i]) return 0;
  }
  return 1;
}

static void report(const char* family, const struct variant* v, size_t nr, uint64_t count) {
  out_str(family);
  out_str(" ");
  out_str(v->name);
  out_str(" mr ");
  out_u64(v->mr);
  out_str(" lmul ");
  out_u64(v->lmul);
  out_str(" nr ");
  out_u64(nr);
  out_str(" count ");
  out_u64(count);
  out_str("\n");
}

int main(int argc, char** argv) {
  const char* filter = argc > 1 ? argv[1] : "";
  uint32_t rng = 1;
  for (size_t i = 0; i < M * K; i++) {
    rng = rng * 1664525u + 1013904223u;
    g_a[i] = (float) ((int) (rng >> 28) - 8);
  }
  for (size_t i = 0; i < K; i++) {
    for (size_t j = 0; j < N; j++) {
      rng = rng * 1664525u + 1013904223u;
      g_b[i * N + j] = g_w[j * K + i] = (float) ((int) (rng >> 28) - 8);
    }
  }
  for (size_t i = 0; i < M * K; i++) {
    rng = rng * 1664525u + 1013904223u;
    g_a8[i] = (int8_t) ((int) (rng >> 24) - 128 + ((rng >> 24) == 0));  // [-127, 127]
  }
  for (size_t i = 0; i < K * N; i++) {
    rng = rng * 1664525u + 1013904223u;
    g_b8[i] = (int8_t) ((int) (rng >> 24) - 128);
  }
  // f32-gemm adds a bias per column, f32-convgemm one per row: a constant
  // bias is both.
  for (size_t j = 0; j < N; j++) {
    g_bias[j] = 3.0f;
  }
  out_str("gemm-bench m 256 n 256 k 256 counter " COUNTER_NAME "\n");
  // One reference for both families: on small integers every sum is exact,
  // so the result does not depend on the packing or the summation order.
  const struct rvpack_f32_minmax_params relu = rvpack_f32_minmax_params_relu();
  rvpack_f32_convgemm_minmax_reference__scalar(M, N, K * sizeof(float), g_a, K * sizeof(float), g_b,
                                               N * sizeof(float), g_bias, g_c_ref, N * sizeof(float), &relu);
  size_t checked = 0, failed = 0;
  for (size_t vi = 0; vi < sizeof kGemmVariants / sizeof kGemmVariants[0]; vi++) {
    const struct variant* v = &kGemmVariants[vi];
    const rvpack_f32_gemm_minmax_ukernel_fn fn = (rvpack_f32_gemm_minmax_ukernel_fn) v->fn;
    const size_t nr = rvpack_f32_gemm_rvv_nr(v->lmul);
    if (!contains(v->name, filter) || N % nr != 0 || rvpack_x32_packw_gemm_size(N, K, nr) > sizeof g_packed) {
      continue;
    }
    rvpack_x32_packw_gemm_goi__scalar(N, K, nr, g_w, g_bias, g_packed);
    gemm_packed(fn, v->mr, nr, g_c);  // warm-up and check
    checked++;
    if (!same(g_c, g_c_ref, M * N)) {
      failed++;
      out_str("MISMATCH ");
      out_str(v->name);
      out_str("\n");
      continue;
    }
    const uint64_t start = counter_then_mark();
    gemm_packed(fn, v->mr, nr, g_c);
    report("f32-gemm", v, nr, mark_then_counter() - start);
  }
  for (size_t vi = 0; vi < sizeof kConvgemmVariants / sizeof kConvgemmVariants[0]; vi++) {
    const struct variant* v = &kConvgemmVariants[vi];
    const rvpack_f32_convgemm_minmax_ukernel_fn fn = (rvpack_f32_convgemm_minmax_ukernel_fn) v->fn;
    if (!contains(v->name, filter) || rvpack_f32_convgemm_packed_floats(v->mr, M, K) > PACKED_A_FLOATS) {
      continue;
    }
    rvpack_f32_convgemm_pack_weights(v->mr, M, K, g_a, K * sizeof(float), g_bias, g_packed_a);
    gemm_unpacked(fn, v->mr, g_c);
    checked++;
    if (!same(g_c, g_c_ref, M * N)) {
      failed++;
      out_str("MISMATCH ");
      out_str(v->name);
      out_str("\n");
      continue;
    }
    const uint64_t start = counter_then_mark();
    gemm_unpacked(fn, v->mr, g_c);
    report("f32-convgemm", v, rvpack_f32_convgemm_rvv_nr(v->lmul), mark_then_counter() - start);
  }
  for (size_t vi = 0; vi < sizeof kQs8ConvgemmVariants / sizeof kQs8ConvgemmVariants[0]; vi++) {
    const struct variant* v = &kQs8ConvgemmVariants[vi];
    const rvpack_qs8_convgemm_minmax_ukernel_fn fn = (rvpack_qs8_convgemm_minmax_ukernel_fn) v->fn;
    if (!contains(v->name, filter)) {
      continue;
    }
    pack_qs8(v->mr);
    gemm_qs8(NULL, v->mr, g_c8_ref);  // the scalar reference on the same blocks
    gemm_qs8(fn, v->mr, g_c8);
    checked++;
    if (!same8(g_c8, g_c8_ref, M * N)) {
      failed++;
      out_str("MISMATCH ");
      out_str(v->name);
      out_str("\n");
      continue;
    }
    const uint64_t start = counter_then_mark();
    gemm_qs8(fn, v->mr, g_c8);
    report("qs8-convgemm", v, rvpack_qs8_convgemm_rvv_nr(v->lmul), mark_then_counter() - start);
  }
  out_str("checked ");
  out_u64(checked);
  out_str(" failed ");
  out_u64(failed);
  out_str("\n");
  out_flush();
  return failed != 0;
}
