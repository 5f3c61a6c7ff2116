// Column-sparse conv-GEMM benchmark: the GEMM of a 3x3 conv with 64 input and
// 64 output channels on a 56x56 image (ResNet's conv2_x; the shape of the
// paper's Spike measurements): Y[64][3136] = W[64][576] x X'[576][3136],
//   f32-convgemm    every dense kernel, all 576 K steps;
//   f32-spconvgemm  every sparse kernel on the weights pruned column-wise to
//                   50% for its own MR: in each block of MR rows, 2 of every 4
//                   K steps are kept (the pair varies over blocks and groups).
// Each is driven the way the conv operator does (row blocks of MR, all pixels
// per call). Checked before anything is reported: every dense kernel equals
// the first one everywhere and that one equals a direct sum at sampled
// points; every sparse kernel equals a direct sum over its masked weights at
// sampled points (small integers: every sum is exact).
//
// Counter and profile markers as bench/f32-gemm-bench.c (bare metal on Spike:
// exact minstret). Output:
//   sparse-bench m 64 n 3136 k 576 counter instret|time_ns
//   <family> <name> mr <MR> lmul <LMUL> nr <NR> count <C> kept <K>   (one per kernel;
//                                  K: the K steps of all its row blocks, 64 / MR blocks)
//   checked <N> failed <F>
// `python -m rvpack.sdk.sparse_bench 128 256 512` builds and runs it.
#if defined(__linux__)
#define _POSIX_C_SOURCE 199309L  // clock_gettime
#endif
#include <stddef.h>
#include <stdint.h>

#include "rvpack_rvv/convgemm.h"
#include "rvpack_rvv/spconvgemm.h"

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

#define M 64
#define K 576
#define N 3136
#define MAX_MR 16
#define PACKED_FLOATS ((M + MAX_MR - 1) * (K + 1))  // dense blocks of MR <= 16 rows
#define SPARSE_WORDS ((M + MAX_MR - 1) * (K + 2))   // sparse blocks: at most 1 + MR + K (MR + 1) words per MR rows
#define SAMPLES 512

struct variant {
  size_t mr;
  size_t lmul;
  const char* name;
  void (*fn)(void);  // the family's ukernel type, cast back by its driver
};

#define RVPACK_UKERNEL(mr, lmul, fn) {mr, lmul, #fn, (void (*)(void)) fn},
static const struct variant kDense[] = {
#include "f32-convgemm/f32-convgemm.inc"
};
static const struct variant kSparse[] = {
#include "f32-spconvgemm/f32-spconvgemm.inc"
};
#undef RVPACK_UKERNEL

// Static buffers: there is no allocator on bare metal.
static float g_w[M * K];       // dense weights, nonzero small integers
static float g_masked[M * K];  // the same, pruned for one MR
static float g_b[K * N];       // X': [K][N]
static float g_bias[M];
static float g_packed[PACKED_FLOATS];
static float g_sparse[SPARSE_WORDS];
static float g_c[M * N];
static float g_c_first[M * N];
static uint32_t g_rng = 1;

static uint32_t next(void) {
  g_rng = g_rng * 1664525u + 1013904223u;
  return g_rng >> 8;
}

// Whether `s` contains one of the comma-separated parts of `filter` ("" matches all).
static int matches(const char* s, const char* filter) {
  if (*filter == '\0') return 1;
  for (const char* part = filter; *part != '\0';) {
    size_t len = 0;
    while (part[len] != '\0' && part[len] != ',') len++;
    for (const char* t = s; *t != '\0'; t++) {
      size_t i = 0;
      while (i < len && t[i] == part[i]) i++;
      if (i == len) return 1;
    }
    part += len + (part[len] == ',');
  }
  return 0;
}

static int same(const float* x, const float* y, size_t n) {
  const uint32_t* a = (const uint32_t*) x;
  const uint32_t* b = (const uint32_t*) y;
  for (size_t i = 0; i < n; i++) {
    if (a[i] != b[i]) return 0;
  }
  return 1;
}

// c == bias + w x b (ReLU) at SAMPLES pseudo-random points.
static int matches_direct_sum(const float* w, const float* c) {
  uint32_t rng = 7;
  for (size_t s = 0; s < SAMPLES; s++) {
    rng = rng * 1664525u + 1013904223u;
    const size_t i = (rng >> 8) % M;
    rng = rng * 1664525u + 1013904223u;
    const size_t j = (rng >> 8) % N;
    float acc = g_bias[i];
    for (size_t kk = 0; kk < K; kk++) acc += w[i * K + kk] * g_b[kk * N + j];
    if ((acc > 0.0f ? acc : 0.0f) != c[i * N + j]) return 0;
  }
  return 1;
}

// Column-wise 2:4 pruning for blocks of mr rows.
static void prune(size_t mr) {
  for (size_t r0 = 0, t = 0; r0 < M; r0 += mr, t++) {
    for (size_t g = 0; g < K / 4; g++) {
      const size_t first = (t + g) % 4, second = (first + 1 + t % 2) % 4;
      for (size_t i = r0; i < M && i < r0 + mr; i++) {
        for (size_t j = 0; j < 4; j++) {
          const size_t kk = 4 * g + j;
          g_masked[i * K + kk] = j == first || j == second ? g_w[i * K + kk] : 0.0f;
        }
      }
    }
  }
}

static uint64_t run_dense(rvpack_f32_convgemm_minmax_ukernel_fn fn, size_t mr) {
  const struct rvpack_f32_minmax_params relu = rvpack_f32_minmax_params_relu();
  const uint64_t start = counter_then_mark();
  for (size_t m0 = 0; m0 < M; m0 += mr) {
    const size_t rows = M - m0 < mr ? M - m0 : mr;
    fn(rows, N, K * sizeof(float), g_packed + m0 / mr * mr * (K + 1), g_b, N * sizeof(float), g_c + m0 * N,
       N * sizeof(float), &relu);
  }
  return mark_then_counter() - start;
}

static uint64_t run_sparse(rvpack_f32_spconvgemm_minmax_ukernel_fn fn, size_t mr) {
  const struct rvpack_f32_minmax_params relu = rvpack_f32_minmax_params_relu();
  const uint64_t start = counter_then_mark();
  const float* w = g_sparse;
  for (size_t m0 = 0; m0 < M; m0 += mr) {
    const size_t rows = M - m0 < mr ? M - m0 : mr;
    fn(rows, N, w, g_b, g_c + m0 * N, N * sizeof(float), &relu);
    w += rvpack_f32_spconvgemm_block_words(mr, rvpack_f32_spconvgemm_block_kept(w));
  }
  return mark_then_counter() - start;
}

static void report(const char* family, const struct variant* v, uint64_t count, uint64_t kept) {
  out_str(family);
  out_str(" ");
  out_str(v->name);
  out_str(" mr ");
  out_u64(v->mr);
  out_str(" lmul ");
  out_u64(v->lmul);
  out_str(" nr ");
  out_u64(rvpack_f32_convgemm_rvv_nr(v->lmul));
  out_str(" count ");
  out_u64(count);
  out_str(" kept ");
  out_u64(kept);
  out_str("\n");
}

static void mismatch(const char* name, size_t* failed) {
  ++*failed;
  out_str("MISMATCH ");
  out_str(name);
  out_str("\n");
}

// Kernels to run (substrings of their names, comma-separated; "" for all): the
// first argument on Linux; bare metal has no arguments, so builds may set it.
#ifndef RVPACK_BENCH_KERNELS
#define RVPACK_BENCH_KERNELS ""
#endif

int main(int argc, char** argv) {
  const char* filter = argc > 1 ? argv[1] : RVPACK_BENCH_KERNELS;
  for (size_t i = 0; i < M * K; i++) {
    const int x = (int) (next() % 8);
    g_w[i] = (float) (x < 4 ? x - 4 : x - 3);  // -4..-1, 1..4: no accidental zeros
  }
  for (size_t i = 0; i < K * N; i++) g_b[i] = (float) ((int) (next() % 9) - 4);
  for (size_t i = 0; i < M; i++) g_bias[i] = (float) ((int) (next() % 17) - 8);
  out_str("sparse-bench m 64 n 3136 k 576 counter " COUNTER_NAME "\n");

  size_t checked = 0, failed = 0;
  int have_first = 0;
  for (size_t vi = 0; vi < sizeof kDense / sizeof kDense[0]; vi++) {
    const struct variant* v = &kDense[vi];
    if (!matches(v->name, filter) || v->mr > MAX_MR) continue;
    rvpack_f32_convgemm_pack_weights(v->mr, M, K, g_w, K * sizeof(float), g_bias, g_packed);
    const uint64_t count = run_dense((rvpack_f32_convgemm_minmax_ukernel_fn) v->fn, v->mr);
    checked++;
    if (!have_first) {
      for (size_t i = 0; i < M * N; i++) g_c_first[i] = g_c[i];
      have_first = 1;
      if (!matches_direct_sum(g_w, g_c)) {
        mismatch(v->name, &failed);
        continue;
      }
    } else if (!same(g_c, g_c_first, M * N)) {
      mismatch(v->name, &failed);
      continue;
    }
    report("f32-convgemm", v, count, (uint64_t) ((M + v->mr - 1) / v->mr) * K);
  }
  for (size_t vi = 0; vi < sizeof kSparse / sizeof kSparse[0]; vi++) {
    const struct variant* v = &kSparse[vi];
    if (!matches(v->name, filter) || v->mr > MAX_MR) continue;
    prune(v->mr);
    rvpack_f32_spconvgemm_pack_weights(v->mr, M, K, g_masked, K * sizeof(float), g_bias, N * sizeof(float),
                                       g_sparse);
    uint64_t kept = 0;
    for (size_t m0 = 0, at = 0; m0 < M; m0 += v->mr) {
      const uint32_t block_kept = rvpack_f32_spconvgemm_block_kept(g_sparse + at);
      kept += block_kept;
      at += rvpack_f32_spconvgemm_block_words(v->mr, block_kept);
    }
    const uint64_t count = run_sparse((rvpack_f32_spconvgemm_minmax_ukernel_fn) v->fn, v->mr);
    checked++;
    if (!matches_direct_sum(g_masked, g_c)) {
      mismatch(v->name, &failed);
      continue;
    }
    report("f32-spconvgemm", v, count, kept);
  }
  out_str("checked ");
  out_u64(checked);
  out_str(" failed ");
  out_u64(failed);
  out_str("\n");
  out_flush();
  return failed != 0;
}
