// Helpers shared by the C kernel test programs that run under QEMU for
// rv64gcv (tests/xnnpack_rvv/*_test.c, tests/kernels/rvv_*_test.c; built by
// tests/xnnpack_rvv/harness.py, which puts this directory on the include
// path). One program is one translation unit, so the state below (one RNG,
// one FAIL-line count, one pass/fail tally) is per program. C11 plus the GNU
// asm and format attribute that clang provides; the program defines
// _DEFAULT_SOURCE before its first system header (for MAP_ANONYMOUS).
//
// Output protocol (parsed by harness.run_mode): the first line is
// "vlenb B" (rvv_test_begin), then up to RVV_TEST_MAX_FAIL_LINES
// "FAIL ..." lines (rvv_test_fail; more are counted, not printed), the
// program's own lines, and last "(N more FAIL lines not shown)" when the cap
// was hit and "<mode>: P passed, F failed" (rvv_test_summary), whose return
// value is the exit status: 1 if anything failed or nothing passed.
//
//   RNG        rvv_test_rng_next (xorshift32, seeded by rvv_test_begin),
//              rvv_test_rand_range (int in [lo, hi]), rvv_test_rand_int (the
//              same as a float), rvv_test_rand_unit (uniform [-1, 1))
//   bits       rvv_test_f32_from_bits, rvv_test_f32_bits, rvv_test_same_bits,
//              rvv_test_sentinel / rvv_test_is_sentinel (a quiet NaN no
//              kernel produces), rvv_test_sentinel_floats (a buffer of it),
//              rvv_test_first_stray_write
//   memory     rvv_test_xmalloc; rvv_test_guarded_new: a region between two
//              inaccessible pages, rvv_test_guarded_tail / _place: a buffer
//              ending at the page after it (over-reads fault) or starting
//              at the page before it (under-reads fault)
//   results    rvv_test_fail, rvv_test_record, rvv_test_passed /
//              rvv_test_failed, rvv_test_summary
//   clamps     struct rvv_test_clamp (a named [min, max] of a minmax kernel)
//              and the GEMM-style sets rvv_test_clamps_exact / _float
#ifndef RVPACK_TESTS_RVV_TEST_UTIL_H_
#define RVPACK_TESTS_RVV_TEST_UTIL_H_

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MAP_ANONYMOUS
#error "define _DEFAULT_SOURCE before the first system header (rvv_test_guarded_new needs MAP_ANONYMOUS)"
#endif

#define RVV_TEST_MARGIN 16          // sentinel floats before and after an output buffer
#define RVV_TEST_MAX_FAIL_LINES 30  // FAIL lines printed; the rest are only counted
#define RVV_TEST_SENTINEL_BITS 0x7fc0deadu
#define RVV_TEST_COUNT(a) (sizeof(a) / sizeof((a)[0]))

static uint32_t rvv_test_rng = 0x12345678u;
static int rvv_test_fail_lines;
static size_t rvv_test_passed, rvv_test_failed;

// VLEN / 8 of the hart.
static inline size_t rvv_test_vlenb(void) {
  size_t v;
  __asm__("csrr %0, vlenb" : "=r"(v));
  return v;
}

// Seeds the RNG and prints the first line, "vlenb B".
static inline void rvv_test_begin(uint32_t seed) {
  rvv_test_rng = seed;
  printf("vlenb %zu\n", rvv_test_vlenb());
}

// ---------------------------------------------------------------------------
// RNG

static inline uint32_t rvv_test_rng_next(void) {  // xorshift32
  rvv_test_rng ^= rvv_test_rng << 13;
  rvv_test_rng ^= rvv_test_rng >> 17;
  rvv_test_rng ^= rvv_test_rng << 5;
  return rvv_test_rng;
}

static inline int rvv_test_rand_range(int lo, int hi) {
  return lo + (int) (rvv_test_rng_next() % (uint32_t) (hi - lo + 1));
}

static inline float rvv_test_rand_int(int lo, int hi) { return (float) rvv_test_rand_range(lo, hi); }

static inline float rvv_test_rand_unit(void) {  // [-1, 1)
  return (float) (rvv_test_rng_next() >> 8) * 0x1.0p-23f - 1.0f;
}

// ---------------------------------------------------------------------------
// Bits and sentinels

static inline float rvv_test_f32_from_bits(uint32_t b) {
  float f;
  memcpy(&f, &b, sizeof f);
  return f;
}

static inline uint32_t rvv_test_f32_bits(float f) {
  uint32_t b;
  memcpy(&b, &f, sizeof b);
  return b;
}

static inline int rvv_test_same_bits(float a, float b) { return rvv_test_f32_bits(a) == rvv_test_f32_bits(b); }

static inline float rvv_test_sentinel(void) { return rvv_test_f32_from_bits(RVV_TEST_SENTINEL_BITS); }

static inline int rvv_test_is_sentinel(float f) { return rvv_test_f32_bits(f) == RVV_TEST_SENTINEL_BITS; }

// The first i < n where `want` holds the sentinel and `got` does not (n if
// none): with both buffers filled with sentinels beforehand and `want`
// written by a reference that writes only the output, a write of `got`'s
// kernel outside the output.
static inline size_t rvv_test_first_stray_write(const float* want, const float* got, size_t n) {
  size_t i = 0;
  while (i < n && !(rvv_test_is_sentinel(want[i]) && !rvv_test_is_sentinel(got[i]))) {
    i++;
  }
  return i;
}

// ---------------------------------------------------------------------------
// Memory

// malloc that exits with status 2 when out of memory (never NULL, even for 0 bytes).
static inline void* rvv_test_xmalloc(size_t bytes) {
  void* p = malloc(bytes + 1);
  if (p == NULL) {
    fprintf(stderr, "out of memory\n");
    exit(2);
  }
  return p;
}

// `count` floats, every one the sentinel (free with free()).
static inline float* rvv_test_sentinel_floats(size_t count) {
  float* p = rvv_test_xmalloc(count * sizeof(float));
  for (size_t i = 0; i < count; i++) {
    p[i] = rvv_test_sentinel();
  }
  return p;
}

// A read/write region with an inaccessible page right before and right after it.
struct rvv_test_guarded {
  unsigned char* base;
  size_t size;
};

static inline struct rvv_test_guarded rvv_test_guarded_new(size_t size) {
  const size_t page = (size_t) sysconf(_SC_PAGESIZE);
  size = (size + page - 1) / page * page;
  unsigned char* map = mmap(NULL, size + 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (map == MAP_FAILED || mprotect(map, page, PROT_NONE) != 0 || mprotect(map + page + size, page, PROT_NONE) != 0) {
    perror("mmap");
    exit(2);
  }
  struct rvv_test_guarded g = {map + page, size};
  return g;
}

// `bytes` at the end of the region (over-reads fault) or, when at_start, at
// its start (under-reads fault); exits with status 2 if they do not fit.
static inline void* rvv_test_guarded_place(const struct rvv_test_guarded* g, size_t bytes, int at_start) {
  if (bytes > g->size) {
    fprintf(stderr, "guarded buffer too small (%zu > %zu)\n", bytes, g->size);
    exit(2);
  }
  return at_start ? g->base : g->base + g->size - bytes;
}

// The last `bytes` bytes before the guard page (8-byte aligned when bytes is).
static inline void* rvv_test_guarded_tail(const struct rvv_test_guarded* g, size_t bytes) {
  return rvv_test_guarded_place(g, bytes, 0);
}

// ---------------------------------------------------------------------------
// Results

// Counts one FAIL line and prints it ("FAIL " + the message) if it is among
// the first RVV_TEST_MAX_FAIL_LINES. Does not touch the pass/fail tally.
static inline __attribute__((format(printf, 1, 2))) void rvv_test_fail(const char* fmt, ...) {
  if (rvv_test_fail_lines++ >= RVV_TEST_MAX_FAIL_LINES) {
    return;
  }
  printf("FAIL ");
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  printf("\n");
}

// Counts one case in the tally (rvv_test_passed / rvv_test_failed).
static inline void rvv_test_record(int ok) {
  if (ok) {
    rvv_test_passed++;
  } else {
    rvv_test_failed++;
  }
}

// Prints the tail of the output from the tally, "(N more FAIL lines not
// shown)" if the cap was hit and "<mode>: P passed, F failed"; returns the exit
// status: 0 if nothing failed and something passed, else 1.
static inline int rvv_test_summary(const char* mode) {
  if (rvv_test_fail_lines > RVV_TEST_MAX_FAIL_LINES) {
    printf("(%d more FAIL lines not shown)\n", rvv_test_fail_lines - RVV_TEST_MAX_FAIL_LINES);
  }
  printf("%s: %zu passed, %zu failed\n", mode, rvv_test_passed, rvv_test_failed);
  return rvv_test_failed == 0 && rvv_test_passed > 0 ? 0 : 1;
}

// ---------------------------------------------------------------------------
// Clamps of the minmax kernels

struct rvv_test_clamp {
  const char* name;
  float min, max;
};

// GEMM-style sets: small-integer data (bit-exact) and uniform float data.
static const struct rvv_test_clamp rvv_test_clamps_exact[] = {
    {"none", -INFINITY, INFINITY},
    {"relu", 0.0f, INFINITY},
    {"relu6", 0.0f, 6.0f},
};

static const struct rvv_test_clamp rvv_test_clamps_float[] = {
    {"none", -INFINITY, INFINITY},
    {"clip(-0.5,0.75)", -0.5f, 0.75f},
};

#endif  // RVPACK_TESTS_RVV_TEST_UTIL_H_
