// f32 GEMM benchmark: C[256][256] = A[256][256] x W (256 x 256, packed) with
// each kernel of src/f32-gemm/f32-gemm.inc (or those whose name contains
// argv[1]), driven the way an operator would: row blocks of MR, all columns
// per call. Each run is checked against the scalar reference (bit-exact on
// small-integer data) before it is timed.
//
// Counter: on Linux, wall-clock time (clock_gettime; under QEMU this only
// ranks kernels roughly); bare metal (Spike, M-mode), retired instructions
// (csrr minstret), which are exact and repeatable. Output, one line per
// kernel: "NAME nr NR mr MR time_ns T" or "NAME nr NR mr MR instret I",
// then "checked N failed F".
//
// Build (Linux, QEMU):
//   zig cc --target=riscv64-linux-musl -mcpu=baseline_rv64+v -O2 \
//     -Ithird_party/xnnpack_rvv/include -Ithird_party/xnnpack_rvv/src \
//     third_party/xnnpack_rvv/bench/f32-gemm-bench.c third_party/xnnpack_rvv/src/f32-gemm/gen/*.c \
//     third_party/xnnpack_rvv/src/f32-gemm/f32-gemm-minmax-reference-scalar.c \
//     third_party/xnnpack_rvv/src/x32-packw/x32-packw-gemm-scalar.c -o f32-gemm-bench
//   qemu-riscv64-static -cpu rv64,v=true,vext_spec=v1.0,elen=64,vlen=256 ./f32-gemm-bench
#define _POSIX_C_SOURCE 199309L  // clock_gettime
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#if defined(__linux__)
#include <time.h>
#endif

#include "rvpack_rvv/gemm.h"
#include "rvpack_rvv/packw.h"

#define M 256
#define N 256
#define K 256
// Packed weights for any NR dividing N (VLEN <= 2048 at LMUL 8).
#define PACKED_FLOATS (N * (K + 1))

struct variant {
  size_t mr;
  size_t lmul;
  const char* name;
  rvpack_f32_gemm_minmax_ukernel_fn fn;
};

#define RVPACK_UKERNEL(mr, lmul, fn) {mr, lmul, #fn, fn},
static const struct variant kVariants[] = {
#include "f32-gemm/f32-gemm.inc"
};
#undef RVPACK_UKERNEL

// Static buffers: no allocator on bare metal.
static float g_a[M * K];
static float g_w[N * K];
static float g_bias[N];
static float g_packed[PACKED_FLOATS];
static float g_c[M * N];
static float g_c_ref[M * N];

static uint64_t counter(void) {
#if defined(__linux__)
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
#else
  uint64_t instret;
  __asm__ volatile("csrr %0, minstret" : "=r"(instret));
  return instret;
#endif
}

#if defined(__linux__)
#define COUNTER_NAME "time_ns"
#else
#define COUNTER_NAME "instret"
#endif

static void gemm(const struct variant* v, size_t nr, float* c) {
  const struct rvpack_f32_minmax_params params = rvpack_f32_minmax_params_relu();
  for (size_t m0 = 0; m0 < M; m0 += v->mr) {
    const size_t mb = M - m0 < v->mr ? M - m0 : v->mr;
    v->fn(mb, N, K * sizeof(float), g_a + m0 * K, K * sizeof(float), g_packed, c + m0 * N, N * sizeof(float),
          nr * sizeof(float), &params);
  }
}

int main(int argc, char** argv) {
  const char* filter = argc > 1 ? argv[1] : NULL;
  uint32_t rng = 1;
  for (size_t i = 0; i < M * K; i++) {
    rng = rng * 1664525u + 1013904223u;
    g_a[i] = (float) ((int) (rng >> 28) - 8);
  }
  for (size_t i = 0; i < N * K; i++) {
    rng = rng * 1664525u + 1013904223u;
    g_w[i] = (float) ((int) (rng >> 28) - 8);
  }
  for (size_t j = 0; j < N; j++) {
    g_bias[j] = (float) j;
  }
  size_t checked = 0, failed = 0;
  for (size_t vi = 0; vi < sizeof kVariants / sizeof kVariants[0]; vi++) {
    const struct variant* v = &kVariants[vi];
    if (filter != NULL && strstr(v->name, filter) == NULL) {
      continue;
    }
    const size_t nr = rvpack_f32_gemm_rvv_nr(v->lmul);
    if (N % nr != 0 || rvpack_x32_packw_gemm_size(N, K, nr) > sizeof g_packed) {
      printf("%s nr %zu skipped\n", v->name, nr);
      continue;
    }
    rvpack_x32_packw_gemm_goi__scalar(N, K, nr, g_w, g_bias, g_packed);
    const struct rvpack_f32_minmax_params params = rvpack_f32_minmax_params_relu();
    rvpack_f32_gemm_minmax_reference__scalar(M, N, K * sizeof(float), nr, g_a, K * sizeof(float), g_packed,
                                             g_c_ref, N * sizeof(float), nr * sizeof(float), &params);
    gemm(v, nr, g_c);  // warm-up and check
    checked++;
    if (memcmp(g_c, g_c_ref, sizeof g_c) != 0) {
      failed++;
      printf("%s nr %zu mr %zu MISMATCH\n", v->name, nr, v->mr);
      continue;
    }
    const uint64_t start = counter();
    gemm(v, nr, g_c);
    const uint64_t end = counter();
    printf("%s nr %zu mr %zu " COUNTER_NAME " %llu\n", v->name, nr, v->mr, (unsigned long long) (end - start));
  }
  printf("checked %zu failed %zu\n", checked, failed);
  return failed != 0;
}
