/* Generic bundle runner: a Linux program that feeds .npy or raw files to a
 * bundle, runs it, writes every output as .npy and reports per-layer times.
 *
 *   <name>_run -i FILE [-i FILE ...] [-o DIR] [-r REPEAT] [-s STEPS] [-q]
 *
 * With -s STEPS the model runs STEPS times in sequence: every input file
 * holds STEPS inputs (a .npy with a leading STEPS dimension, or raw data of
 * STEPS times the input's size), every output file gets a leading STEPS
 * dimension, and the model's state (streaming models) is initialised once
 * and carried from one step to the next.
 *
 * The model and all of its buffers come from the generated runner_data.c
 * (rvpack_runner_buffers), so one runner source serves every bundle.
 *
 * Exit codes: 0 ok, 1 I/O or internal error (e.g. an output file cannot be
 * written), 2 bad usage or bad input file, 3 the model returned an error.
 *
 * stdout (unless -q), one record per line, parsed by the Python side:
 *   layer <index> <name> <op> <microseconds>
 *   total_us <microseconds>
 *   arena_bytes <bytes>
 * Times are wall clock (CLOCK_MONOTONIC) averaged over the repeats. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rvpack/runner.h"

enum { EXIT_IO = 1, EXIT_USAGE = 2, EXIT_RUN = 3 };

/* Upper bound for a .npy header; numpy writes well under 1 KiB. */
#define NPY_MAX_HEADER 65536

typedef struct dtype_info {
  int32_t dtype;
  const char* name;
  const char* descr;
  size_t size;
} dtype_info_t;

static const dtype_info_t kDtypes[] = {
    {RVPACK_DTYPE_F32, "float32", "<f4", 4}, {RVPACK_DTYPE_I8, "int8", "|i1", 1},
    {RVPACK_DTYPE_U8, "uint8", "|u1", 1},    {RVPACK_DTYPE_I32, "int32", "<i4", 4},
    {RVPACK_DTYPE_I64, "int64", "<i8", 8},
};

/* Names for descrs the model never uses, so a mismatch reads naturally. */
static const struct {
  const char* descr;
  const char* name;
} kOtherDescrs[] = {
    {"<f8", "float64"}, {"<f2", "float16"}, {"<i2", "int16"},  {"<u2", "uint16"},
    {"<u4", "uint32"},  {"<u8", "uint64"},  {"|b1", "bool"},   {">f4", "float32 (big-endian)"},
    {"<i1", "int8"},    {"<u1", "uint8"},
};

static const dtype_info_t* find_dtype(int32_t dtype) {
  for (size_t i = 0; i < sizeof(kDtypes) / sizeof(kDtypes[0]); ++i) {
    if (kDtypes[i].dtype == dtype) return &kDtypes[i];
  }
  return NULL;
}

static const char* dtype_name(int32_t dtype) {
  const dtype_info_t* d = find_dtype(dtype);
  return d != NULL ? d->name : "unknown-dtype";
}

static const char* descr_name(const char* descr) {
  for (size_t i = 0; i < sizeof(kDtypes) / sizeof(kDtypes[0]); ++i) {
    if (strcmp(kDtypes[i].descr, descr) == 0) return kDtypes[i].name;
  }
  for (size_t i = 0; i < sizeof(kOtherDescrs) / sizeof(kOtherDescrs[0]); ++i) {
    if (strcmp(kOtherDescrs[i].descr, descr) == 0) return kOtherDescrs[i].name;
  }
  return descr;
}

/* "[1, 3, 224, 224]" */
static void format_shape(char* buf, size_t cap, int32_t rank, const int64_t* shape) {
  size_t len = 0;
  len += (size_t)snprintf(buf + len, cap - len, "[");
  for (int32_t d = 0; d < rank && len < cap; ++d) {
    len += (size_t)snprintf(buf + len, cap - len, d == 0 ? "%lld" : ", %lld", (long long)shape[d]);
  }
  if (len < cap) snprintf(buf + len, cap - len, "]");
}

static void usage(FILE* f, const char* prog) {
  fprintf(f, "usage: %s -i FILE [-i FILE ...] [-o DIR] [-r REPEAT] [-s STEPS] [-q]\n", prog);
}

/* ---- input loading ------------------------------------------------------- */

typedef struct input_ctx {
  int index;
  const rvpack_tensor_desc_t* desc;
  const char* path;
  long steps; /* the file holds this many inputs */
  FILE* file; /* open, positioned at the data, while the steps run */
} input_ctx_t;

static void input_error_prefix(const input_ctx_t* in) {
  fprintf(stderr, "error: input %d '%s': ", in->index, in->desc->name != NULL ? in->desc->name : "");
}

/* Prints "expected <dtype> <shape>" for the model's input. */
static void print_expected(const input_ctx_t* in) {
  char shape[512];
  format_shape(shape, sizeof(shape), in->desc->rank, in->desc->shape);
  if (in->steps > 1) {
    fprintf(stderr, "expected %ld steps of %s %s", in->steps, dtype_name(in->desc->dtype), shape);
  } else {
    fprintf(stderr, "expected %s %s", dtype_name(in->desc->dtype), shape);
  }
}

/* Finds the value that follows key (in either quote style) in a .npy header
 * dict; returns a pointer past the ':' and whitespace, or NULL. */
static const char* npy_find_key(const char* header, const char* key) {
  char quoted[64];
  for (int q = 0; q < 2; ++q) {
    snprintf(quoted, sizeof(quoted), q == 0 ? "'%s'" : "\"%s\"", key);
    const char* p = strstr(header, quoted);
    if (p == NULL) continue;
    p += strlen(quoted);
    while (*p == ' ') ++p;
    if (*p != ':') return NULL;
    ++p;
    while (*p == ' ') ++p;
    return p;
  }
  return NULL;
}

/* Reads exactly n bytes; returns the number read. */
static size_t read_fully(FILE* f, void* dst, size_t n) { return fread(dst, 1, n, f); }

/* Checks that exactly `bytes` bytes remain in f from here (the data of
 * every step), leaving f where it was. */
static int check_payload(const input_ctx_t* in, FILE* f, size_t bytes, const char* what) {
  const long here = ftell(f);
  if (here < 0 || fseek(f, 0, SEEK_END) != 0) {
    input_error_prefix(in);
    fprintf(stderr, "cannot read '%s': %s\n", in->path, strerror(errno));
    return 0;
  }
  const long end = ftell(f);
  if (end < 0 || fseek(f, here, SEEK_SET) != 0) {
    input_error_prefix(in);
    fprintf(stderr, "cannot read '%s': %s\n", in->path, strerror(errno));
    return 0;
  }
  const size_t got = (size_t)(end - here);
  if (got != bytes) {
    input_error_prefix(in);
    print_expected(in);
    fprintf(stderr, " (%zu %s), got %zu %s in %s\n", bytes, what, got, what, in->path);
    return 0;
  }
  return 1;
}

static int ends_with(const char* s, const char* suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int open_npy(const input_ctx_t* in, FILE* f) {
  static char header[NPY_MAX_HEADER + 1];
  unsigned char pre[12];
  const rvpack_tensor_desc_t* desc = in->desc;
  if (read_fully(f, pre, 10) != 10 || memcmp(pre, "\x93NUMPY", 6) != 0) {
    input_error_prefix(in);
    fprintf(stderr, "%s is not a .npy file (bad magic)\n", in->path);
    return 0;
  }
  size_t header_len;
  if (pre[6] == 1) {
    header_len = (size_t)pre[8] | ((size_t)pre[9] << 8);
  } else if (pre[6] == 2 || pre[6] == 3) {
    if (read_fully(f, pre + 10, 2) != 2) {
      input_error_prefix(in);
      fprintf(stderr, "%s: truncated .npy header\n", in->path);
      return 0;
    }
    header_len = (size_t)pre[8] | ((size_t)pre[9] << 8) | ((size_t)pre[10] << 16) | ((size_t)pre[11] << 24);
  } else {
    input_error_prefix(in);
    fprintf(stderr, "%s: unsupported .npy format version %d.%d\n", in->path, pre[6], pre[7]);
    return 0;
  }
  if (header_len > NPY_MAX_HEADER || read_fully(f, header, header_len) != header_len) {
    input_error_prefix(in);
    fprintf(stderr, "%s: truncated or oversized .npy header\n", in->path);
    return 0;
  }
  /* numpy pads the dict with spaces and a final newline: trim them, so an
   * error message quoting the header stays on one line. */
  while (header_len > 0 && (header[header_len - 1] == '\n' || header[header_len - 1] == ' ' ||
                            header[header_len - 1] == '\r')) {
    --header_len;
  }
  header[header_len] = '\0';
  for (size_t i = 0; i < header_len; ++i) {
    if (header[i] == '\n' || header[i] == '\r') header[i] = ' ';
  }

  /* descr */
  char descr[32] = "";
  const char* p = npy_find_key(header, "descr");
  if (p != NULL && (*p == '\'' || *p == '"')) {
    const char quote = *p++;
    size_t n = 0;
    while (p[n] != '\0' && p[n] != quote && n + 1 < sizeof(descr)) {
      descr[n] = p[n];
      ++n;
    }
    descr[n] = '\0';
    if (p[n] != quote) p = NULL;
  } else {
    p = NULL;
  }
  /* fortran_order */
  const char* fo = npy_find_key(header, "fortran_order");
  /* shape */
  int64_t shape[RVPACK_MAX_RANK + 1];
  int32_t rank = 0;
  int shape_ok = 0;
  const char* s = npy_find_key(header, "shape");
  if (s != NULL && *s == '(') {
    ++s;
    shape_ok = 1;
    for (;;) {
      while (*s == ' ' || *s == ',') ++s;
      if (*s == ')') break;
      char* end;
      long long v = strtoll(s, &end, 10);
      if (end == s || v < 0 || rank > RVPACK_MAX_RANK) {
        shape_ok = 0;
        break;
      }
      shape[rank++] = v;
      s = end;
      if (*s == 'L') ++s; /* Python 2 long suffix */
    }
  }
  if (p == NULL || fo == NULL || !shape_ok || (strncmp(fo, "True", 4) != 0 && strncmp(fo, "False", 5) != 0)) {
    input_error_prefix(in);
    fprintf(stderr, "%s: malformed .npy header: %.200s\n", in->path, header);
    return 0;
  }
  if (strncmp(fo, "True", 4) == 0) {
    input_error_prefix(in);
    fprintf(stderr, "expected a C-order array, got fortran_order True in %s\n", in->path);
    return 0;
  }

  const dtype_info_t* want = find_dtype(desc->dtype);
  /* one input, or a sequence of them along a leading dimension */
  const int32_t lead = in->steps > 1 ? 1 : 0;
  int match = want != NULL && strcmp(descr, want->descr) == 0 && rank == desc->rank + lead &&
              (lead == 0 || shape[0] == in->steps);
  for (int32_t d = 0; match && d < desc->rank; ++d) match = shape[d + lead] == desc->shape[d];
  if (!match) {
    char got_shape[512];
    format_shape(got_shape, sizeof(got_shape), rank > RVPACK_MAX_RANK ? RVPACK_MAX_RANK : rank, shape);
    input_error_prefix(in);
    print_expected(in);
    fprintf(stderr, ", got %s %s in %s\n", descr_name(descr), got_shape, in->path);
    return 0;
  }
  return check_payload(in, f, desc->bytes * (size_t)in->steps, "data bytes");
}

/* Opens an input file and checks it holds in->steps inputs; on success
 * in->file is positioned at the first step's data. */
static int open_input(input_ctx_t* in) {
  FILE* f = fopen(in->path, "rb");
  if (f == NULL) {
    input_error_prefix(in);
    fprintf(stderr, "cannot open '%s': %s\n", in->path, strerror(errno));
    return 0;
  }
  int ok = ends_with(in->path, ".npy") ? open_npy(in, f)
                                        : check_payload(in, f, in->desc->bytes * (size_t)in->steps, "bytes");
  if (!ok) {
    fclose(f);
    return 0;
  }
  in->file = f;
  return 1;
}

/* Reads the next step's input into dst. */
static int read_step(const input_ctx_t* in, void* dst) {
  if (fread(dst, 1, in->desc->bytes, in->file) != in->desc->bytes) {
    input_error_prefix(in);
    fprintf(stderr, "cannot read '%s': %s\n", in->path, ferror(in->file) ? strerror(errno) : "short file");
    return 0;
  }
  return 1;
}

/* ---- output writing ------------------------------------------------------ */

/* Creates a NumPy format 1.0 file for `steps` values of an output (a
 * leading dimension when steps > 1) and writes its header; the data
 * follows step by step. */
static FILE* create_npy(const char* path, const rvpack_tensor_desc_t* desc, long steps) {
  const dtype_info_t* dt = find_dtype(desc->dtype);
  if (dt == NULL) {
    fprintf(stderr, "error: output '%s' has unsupported dtype %d\n", desc->name, (int)desc->dtype);
    return NULL;
  }
  char header[1024];
  int len = snprintf(header, sizeof(header), "{'descr': '%s', 'fortran_order': False, 'shape': (", dt->descr);
  const int32_t rank = desc->rank + (steps > 1 ? 1 : 0);
  for (int32_t d = 0; d < rank; ++d) {
    const long long dim = steps > 1 ? (d == 0 ? steps : desc->shape[d - 1]) : desc->shape[d];
    len += snprintf(header + len, sizeof(header) - (size_t)len, "%lld,%s", dim, d + 1 < rank ? " " : "");
  }
  if (rank > 1) --len; /* numpy writes "(2, 3)" but "(5,)" */
  len += snprintf(header + len, sizeof(header) - (size_t)len, "), }");
  /* Pad with spaces and a final newline so data starts 64-byte aligned. */
  const int total = ((10 + len + 1 + 63) / 64) * 64;
  while (10 + len + 1 < total) header[len++] = ' ';
  header[len++] = '\n';
  unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)(len & 0xff),
                           (unsigned char)(len >> 8)};

  FILE* f = fopen(path, "wb");
  if (f == NULL || fwrite(pre, 1, sizeof(pre), f) != sizeof(pre) ||
      fwrite(header, 1, (size_t)len, f) != (size_t)len) {
    fprintf(stderr, "error: cannot write '%s': %s\n", path, strerror(errno));
    if (f != NULL) fclose(f);
    return NULL;
  }
  return f;
}

/* ---- timing hook --------------------------------------------------------- */

typedef struct timing_ctx {
  struct timespec start;
  double* layer_us; /* accumulated over repeats */
  int32_t num_layers;
} timing_ctx_t;

static double elapsed_us(const struct timespec* a, const struct timespec* b) {
  return (double)(b->tv_sec - a->tv_sec) * 1e6 + (double)(b->tv_nsec - a->tv_nsec) / 1e3;
}

static void hook_begin(void* ctx, int32_t layer_index) {
  (void)layer_index;
  clock_gettime(CLOCK_MONOTONIC, &((timing_ctx_t*)ctx)->start);
}

static void hook_end(void* ctx, int32_t layer_index) {
  timing_ctx_t* t = (timing_ctx_t*)ctx;
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  if (layer_index >= 0 && layer_index < t->num_layers) {
    t->layer_us[layer_index] += elapsed_us(&t->start, &now);
  }
}

/* Layer names go into a whitespace-separated line: never print an empty
 * field or one containing whitespace. */
static void print_field(const char* s) {
  if (s == NULL || *s == '\0') {
    fputc('_', stdout);
    return;
  }
  for (; *s != '\0'; ++s) {
    const char c = *s;
    fputc((c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') ? '_' : c, stdout);
  }
}

/* ---- main ---------------------------------------------------------------- */

int main(int argc, char** argv) {
  const rvpack_runner_buffers_t* buf = &rvpack_runner_buffers;
  const rvpack_model_desc_t* model = buf->model;
  const char* prog = argc > 0 ? argv[0] : "run";
  const char* out_dir = ".";
  long repeat = 1;
  long steps = 1;
  int quiet = 0;
  int num_inputs = 0;

  for (int i = 1; i < argc; ++i) {
    const char* a = argv[i];
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      usage(stdout, prog);
      return 0;
    } else if (strcmp(a, "-q") == 0) {
      quiet = 1;
    } else if (strcmp(a, "-i") == 0 || strcmp(a, "-o") == 0 || strcmp(a, "-r") == 0 || strcmp(a, "-s") == 0) {
      if (i + 1 >= argc) {
        fprintf(stderr, "error: option %s needs an argument\n", a);
        usage(stderr, prog);
        return EXIT_USAGE;
      }
      const char* v = argv[++i];
      if (a[1] == 'i') {
        ++num_inputs;
      } else if (a[1] == 'o') {
        out_dir = v;
      } else {
        char* end;
        errno = 0;
        const long n = strtol(v, &end, 10);
        if (errno != 0 || *end != '\0' || end == v || n < 1) {
          fprintf(stderr, "error: %s expects a positive integer, got '%s'\n", a, v);
          return EXIT_USAGE;
        }
        if (a[1] == 'r') {
          repeat = n;
        } else {
          steps = n;
        }
      }
    } else {
      fprintf(stderr, "error: unknown argument '%s'\n", a);
      usage(stderr, prog);
      return EXIT_USAGE;
    }
  }

  if (model == NULL || model->abi_version != RVPACK_ABI_VERSION) {
    fprintf(stderr, "error: bundle ABI version %d does not match runner ABI version %d\n",
            model != NULL ? (int)model->abi_version : -1, RVPACK_ABI_VERSION);
    return EXIT_IO;
  }
  if (num_inputs != model->num_inputs) {
    fprintf(stderr, "error: model '%s' has %d input%s (", model->name, (int)model->num_inputs,
            model->num_inputs == 1 ? "" : "s");
    for (int32_t k = 0; k < model->num_inputs; ++k) {
      fprintf(stderr, "%s'%s'", k == 0 ? "" : ", ", model->inputs[k].name);
    }
    fprintf(stderr, "), got %d -i option%s\n", num_inputs, num_inputs == 1 ? "" : "s");
    usage(stderr, prog);
    return EXIT_USAGE;
  }

  /* Inputs in -i order: checked now, read step by step into the bundle's static buffers. */
  input_ctx_t* inputs = (input_ctx_t*)calloc((size_t)model->num_inputs + 1, sizeof(input_ctx_t));
  FILE** outputs = (FILE**)calloc((size_t)model->num_outputs + 1, sizeof(FILE*));
  if (inputs == NULL || outputs == NULL) {
    fprintf(stderr, "error: out of memory\n");
    return EXIT_IO;
  }
  int k = 0;
  for (int i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "-i") == 0) {
      inputs[k] = (input_ctx_t){k, &model->inputs[k], argv[i + 1], steps, NULL};
      if (!open_input(&inputs[k])) return EXIT_USAGE;
      ++k;
    }
    if (strcmp(argv[i], "-i") == 0 || strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "-r") == 0 ||
        strcmp(argv[i], "-s") == 0) {
      ++i;
    }
  }

  for (int32_t o = 0; o < model->num_outputs; ++o) {
    char path[4096];
    int n = snprintf(path, sizeof(path), "%s/output_%d.npy", out_dir, (int)o);
    if (n < 0 || (size_t)n >= sizeof(path)) {
      fprintf(stderr, "error: output path too long in '%s'\n", out_dir);
      return EXIT_IO;
    }
    outputs[o] = create_npy(path, &model->outputs[o], steps);
    if (outputs[o] == NULL) return EXIT_IO;
  }

  timing_ctx_t timing;
  memset(&timing, 0, sizeof(timing));
  timing.num_layers = model->num_layers > 0 ? model->num_layers : 0;
  if (timing.num_layers > 0) {
    timing.layer_us = (double*)calloc((size_t)timing.num_layers, sizeof(double));
    if (timing.layer_us == NULL) {
      fprintf(stderr, "error: out of memory\n");
      return EXIT_IO;
    }
  }
  const rvpack_layer_hook_t hook = {hook_begin, hook_end, &timing};

  /* A streaming model's state: initialised once, carried across the steps
   * (repeats of one step start from the state the step began with). */
  if (model->state_bytes > 0) model->state_init(buf->state);
  double total_us = 0.0;
  for (long t = 0; t < steps; ++t) {
    for (int32_t i = 0; i < model->num_inputs; ++i) {
      if (!read_step(&inputs[i], buf->inputs[i])) return EXIT_USAGE;
    }
    if (repeat > 1 && model->state_bytes > 0) memcpy(buf->state_copy, buf->state, model->state_bytes);
    for (long r = 0; r < repeat; ++r) {
      if (r > 0 && model->state_bytes > 0) memcpy(buf->state, buf->state_copy, model->state_bytes);
      struct timespec t0, t1;
      clock_gettime(CLOCK_MONOTONIC, &t0);
      rvpack_status_t st = model->run((const void* const*)buf->inputs, buf->outputs, buf->state, buf->arena,
                                      model->arena_bytes, &hook);
      clock_gettime(CLOCK_MONOTONIC, &t1);
      if (st != RVPACK_OK) {
        fprintf(stderr, "error: model run failed: %s\n", rvpack_status_string(st));
        free(timing.layer_us);
        return EXIT_RUN;
      }
      total_us += elapsed_us(&t0, &t1);
    }
    for (int32_t o = 0; o < model->num_outputs; ++o) {
      if (fwrite(buf->outputs[o], 1, model->outputs[o].bytes, outputs[o]) != model->outputs[o].bytes) {
        fprintf(stderr, "error: cannot write output %d: %s\n", (int)o, strerror(errno));
        free(timing.layer_us);
        return EXIT_IO;
      }
    }
  }
  for (int32_t i = 0; i < model->num_inputs; ++i) fclose(inputs[i].file);
  for (int32_t o = 0; o < model->num_outputs; ++o) {
    if (fclose(outputs[o]) != 0) {
      fprintf(stderr, "error: cannot write output %d: %s\n", (int)o, strerror(errno));
      free(timing.layer_us);
      return EXIT_IO;
    }
  }
  free(inputs);
  free(outputs);
  repeat *= steps; /* per-run averages below */

  if (!quiet) {
    for (int32_t l = 0; l < timing.num_layers; ++l) {
      printf("layer %d ", (int)l);
      print_field(model->layers != NULL ? model->layers[l].name : NULL);
      fputc(' ', stdout);
      print_field(model->layers != NULL ? model->layers[l].op : NULL);
      printf(" %.1f\n", timing.layer_us[l] / (double)repeat);
    }
    printf("total_us %.1f\n", total_us / (double)repeat);
    printf("arena_bytes %zu\n", model->arena_bytes);
  }
  free(timing.layer_us);
  return fflush(stdout) == 0 ? 0 : EXIT_IO;
}
