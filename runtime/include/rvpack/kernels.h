/* rvpack operator kernels: the portable scalar implementations.
 *
 * These are the oracle for every vector kernel and the implementation used by
 * the rv64gc target. Conventions (shared by every ISA variant):
 *  - f32 tensors, NCHW layout, dense and row-major unless a stride says otherwise;
 *  - all shape and layout decisions are made at compile time by the code
 *    generator and passed in a params struct (usually `static const`);
 *  - kernels never allocate, never touch globals, never fail: the code
 *    generator validated everything when it planned the model.
 * Names: rvpack_<dtype>_<op>[_<layout>]__<isa>. */
#ifndef RVPACK_KERNELS_H_
#define RVPACK_KERNELS_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- activations / unary elementwise ----------------------------------- */
enum {
  RVPACK_ACT_NONE = 0,
  RVPACK_ACT_RELU = 1,         /* max(x, 0) */
  RVPACK_ACT_CLAMP = 2,        /* min(max(x, a), b)   (Relu6, Clip) */
  RVPACK_ACT_LEAKY_RELU = 3,   /* x >= 0 ? x : a * x */
  RVPACK_ACT_SIGMOID = 4,      /* 1 / (1 + exp(-x)) */
  RVPACK_ACT_TANH = 5,
  RVPACK_ACT_HARD_SIGMOID = 6, /* max(0, min(1, a * x + b)) */
  RVPACK_ACT_HARD_SWISH = 7,   /* x * max(0, min(1, x / 6 + 0.5)) */
  RVPACK_ACT_EXP = 8,
  RVPACK_ACT_LOG = 9,
  RVPACK_ACT_SQRT = 10,
  RVPACK_ACT_NEG = 11,
  RVPACK_ACT_ABS = 12,
  RVPACK_ACT_RECIPROCAL = 13,  /* 1 / x */
  RVPACK_ACT_ELU = 14,         /* x >= 0 ? x : a * (exp(x) - 1) */
  RVPACK_ACT_SOFTPLUS = 15,    /* log(1 + exp(x)) */
  RVPACK_ACT_ERF = 16,
  RVPACK_ACT_FLOOR = 17,
  RVPACK_ACT_CEIL = 18,
};

typedef struct rvpack_activation {
  int32_t kind; /* RVPACK_ACT_* */
  float a;      /* first parameter (see the enum) */
  float b;      /* second parameter (see the enum) */
} rvpack_activation_t;

/* Applies one activation to one value (used inside every fused kernel). */
float rvpack_f32_activate(const rvpack_activation_t* act, float x);

/* y[i] = act(x[i]) for i < n. x == y is allowed. */
void rvpack_f32_unary__scalar(size_t n, const float* x, float* y, const rvpack_activation_t* act);

/* ---- binary elementwise with broadcasting ------------------------------ */
enum {
  RVPACK_BINARY_ADD = 0,
  RVPACK_BINARY_SUB = 1,
  RVPACK_BINARY_MUL = 2,
  RVPACK_BINARY_DIV = 3,
  RVPACK_BINARY_MAX = 4,
  RVPACK_BINARY_MIN = 5,
  RVPACK_BINARY_POW = 6,
  RVPACK_BINARY_PRELU = 7, /* a >= 0 ? a : a * b */
};

#define RVPACK_BINARY_MAX_RANK 6

/* y[idx] = act(a[idx . a_strides] OP b[idx . b_strides]) over the output
 * shape; a stride of 0 broadcasts that dimension. Unused leading dims have
 * shape 1. y may alias a or b when their strides equal y's. */
typedef struct rvpack_binary_params {
  int32_t op; /* RVPACK_BINARY_* */
  int32_t rank;
  int32_t shape[RVPACK_BINARY_MAX_RANK];
  int64_t a_strides[RVPACK_BINARY_MAX_RANK];
  int64_t b_strides[RVPACK_BINARY_MAX_RANK];
  rvpack_activation_t act;
} rvpack_binary_params_t;

void rvpack_f32_binary__scalar(const rvpack_binary_params_t* p, const float* a, const float* b, float* y);

/* y[b][c][s] = act(x[b][c][s] * scale[c] + shift[c]): standalone BatchNorm
 * and per-channel affine layers. x == y is allowed. */
typedef struct rvpack_channel_affine_params {
  int32_t batch, channels, spatial;
  rvpack_activation_t act;
} rvpack_channel_affine_params_t;

void rvpack_f32_channel_affine__scalar(const rvpack_channel_affine_params_t* p, const float* x,
                                       const float* scale, const float* shift, float* y);

/* ---- convolution -------------------------------------------------------- */
/* 2-D convolution (1-D convs use height 1), NCHW, grouped.
 * weights: [out_channels][in_channels / groups][kernel_height][kernel_width]
 * bias: [out_channels] or NULL. Padding at the bottom/right is implied by the
 * output size; input positions outside the image read as zero. */
typedef struct rvpack_conv2d_params {
  int32_t batch, in_channels, in_height, in_width;
  int32_t out_channels, out_height, out_width;
  int32_t kernel_height, kernel_width;
  int32_t stride_height, stride_width;
  int32_t dilation_height, dilation_width;
  int32_t pad_top, pad_left;
  int32_t groups;
  rvpack_activation_t act;
} rvpack_conv2d_params_t;

void rvpack_f32_conv2d_nchw__scalar(const rvpack_conv2d_params_t* p, const float* input,
                                    const float* weights, const float* bias, float* output);

/* Transposed 2-D convolution, NCHW, grouped.
 * weights: [in_channels][out_channels / groups][kernel_height][kernel_width]
 * output[n][oc][oh][ow] = bias[oc] + sum of input[n][ic][ih][iw] * w[ic][oc % (out_channels / groups)][kh][kw]
 * over oh = ih * stride - pad_top + kh * dilation (likewise for w). The
 * output size (incl. output_padding) is given; act is applied at the end. */
void rvpack_f32_conv_transpose2d_nchw__scalar(const rvpack_conv2d_params_t* p, const float* input,
                                              const float* weights, const float* bias, float* output);

/* ---- matrix multiplication ---------------------------------------------- */
enum {
  RVPACK_BIAS_NONE = 0,
  RVPACK_BIAS_PER_COLUMN = 1, /* bias[n] */
  RVPACK_BIAS_PER_ROW = 2,    /* bias[m] */
  RVPACK_BIAS_FULL = 3,       /* bias[m][n] (shared by every batch) */
  RVPACK_BIAS_SCALAR = 4,     /* bias[0] */
};

/* For each batch b:
 *   Y_b[m][n] = act(alpha * sum_k A_b[m][k] * B_b[k][n] + beta * bias)
 * A_b is stored [m][k] (or [k][m] if a_transposed) at a + b * a_batch_stride,
 * B_b is stored [k][n] (or [n][k] if b_transposed) at b + b * b_batch_stride,
 * Y_b is stored [m][n] at y + b * y_batch_stride. A batch stride of 0
 * broadcasts that operand. */
typedef struct rvpack_matmul_params {
  int32_t batch, m, n, k;
  int64_t a_batch_stride, b_batch_stride, y_batch_stride;
  int32_t a_transposed, b_transposed;
  int32_t bias_kind; /* RVPACK_BIAS_* */
  float alpha, beta;
  rvpack_activation_t act;
} rvpack_matmul_params_t;

void rvpack_f32_matmul__scalar(const rvpack_matmul_params_t* p, const float* a, const float* b,
                               const float* bias, float* y);

/* ---- pooling, reductions, normalisation --------------------------------- */
enum { RVPACK_POOL_MAX = 0, RVPACK_POOL_AVERAGE = 1 };

/* 2-D pooling, NCHW. Padded positions are skipped by MAX; AVERAGE divides by
 * the number of in-image taps unless count_include_pad (then by kh * kw, as
 * ONNX does: padded taps inside the declared pads count, taps beyond them for
 * ceil_mode do not; the code generator passes that as pad_bottom/pad_right). */
typedef struct rvpack_pool2d_params {
  int32_t batch, channels, in_height, in_width;
  int32_t out_height, out_width;
  int32_t kernel_height, kernel_width;
  int32_t stride_height, stride_width;
  int32_t dilation_height, dilation_width;
  int32_t pad_top, pad_left, pad_bottom, pad_right;
  int32_t kind; /* RVPACK_POOL_* */
  int32_t count_include_pad;
  rvpack_activation_t act;
} rvpack_pool2d_params_t;

void rvpack_f32_pool2d_nchw__scalar(const rvpack_pool2d_params_t* p, const float* input, float* output);

enum { RVPACK_REDUCE_SUM = 0, RVPACK_REDUCE_MEAN = 1, RVPACK_REDUCE_MAX = 2, RVPACK_REDUCE_MIN = 3 };

/* x viewed as [outer][reduce][inner]; y[o][i] = reduce over r of x[o][r][i]. */
typedef struct rvpack_reduce_params {
  int32_t outer, reduce, inner;
  int32_t kind; /* RVPACK_REDUCE_* */
} rvpack_reduce_params_t;

void rvpack_f32_reduce__scalar(const rvpack_reduce_params_t* p, const float* x, float* y);

/* x viewed as [outer][axis][inner]; softmax (or log-softmax) along axis,
 * computed stably (max subtracted first). */
typedef struct rvpack_softmax_params {
  int32_t outer, axis, inner;
  int32_t log; /* 1: LogSoftmax */
} rvpack_softmax_params_t;

void rvpack_f32_softmax__scalar(const rvpack_softmax_params_t* p, const float* x, float* y);

/* ONNX LRN across channels, x viewed as [batch][channels][spatial]:
 *   sq = sum of x[b][j][s]^2 for j in [c - (size-1)/2, c + ceil((size-1)/2)]
 *   y = x / (bias + alpha / size * sq) ^ beta */
typedef struct rvpack_lrn_params {
  int32_t batch, channels, spatial;
  int32_t size;
  float alpha, beta, bias;
} rvpack_lrn_params_t;

void rvpack_f32_lrn__scalar(const rvpack_lrn_params_t* p, const float* x, float* y);

/* ---- resampling and padding --------------------------------------------- */
enum { RVPACK_RESIZE_NEAREST = 0, RVPACK_RESIZE_LINEAR = 1 };

/* Resizes the last two dims of x viewed as [planes][in_height][in_width].
 * The code generator computes the source coordinates (it knows ONNX's and
 * TFLite's coordinate transformation rules), so the kernel only gathers:
 *   NEAREST: y[p][oy][ox] = x[p][y0[oy]][x0[ox]]
 *   LINEAR:  y = (1-ly)(1-lx) x[y0][x0] + (1-ly) lx x[y0][x1]
 *              + ly (1-lx) x[y1][x0] + ly lx x[y1][x1]
 * y1, x1, y_lambda, x_lambda are unused (may be NULL) for NEAREST. */
typedef struct rvpack_resize_params {
  int32_t planes, in_height, in_width, out_height, out_width;
  int32_t mode; /* RVPACK_RESIZE_* */
  const int32_t* y0;
  const int32_t* y1;
  const float* y_lambda;
  const int32_t* x0;
  const int32_t* x1;
  const float* x_lambda;
} rvpack_resize_params_t;

void rvpack_f32_resize__scalar(const rvpack_resize_params_t* p, const float* x, float* y);

enum { RVPACK_PAD_CONSTANT = 0, RVPACK_PAD_REFLECT = 1, RVPACK_PAD_EDGE = 2 };

#define RVPACK_PAD_MAX_RANK 6

/* y has out_shape; y[i] = x[i - pad_begin] inside, and outside the border
 * value / reflection (without repeating the edge) / edge replication. */
typedef struct rvpack_pad_params {
  int32_t rank;
  int32_t in_shape[RVPACK_PAD_MAX_RANK];
  int32_t out_shape[RVPACK_PAD_MAX_RANK];
  int32_t pad_begin[RVPACK_PAD_MAX_RANK];
  int32_t mode; /* RVPACK_PAD_* */
  float value;
} rvpack_pad_params_t;

void rvpack_f32_pad__scalar(const rvpack_pad_params_t* p, const float* x, float* y);

/* ---- data movement (any dtype) ------------------------------------------ */
#define RVPACK_COPY_MAX_RANK 8

/* Strided copy: for every index i over shape,
 *   y[out_offset + i . out_strides] = x[in_offset + i . in_strides]
 * (offsets and strides in elements of elem_size bytes; in strides may be
 * negative). Transpose, Slice, Split, Concat (one call per input),
 * DepthToSpace and Gather with a constant index all lower to this. */
typedef struct rvpack_copy_params {
  int32_t rank;
  int32_t elem_size;
  int32_t shape[RVPACK_COPY_MAX_RANK];
  int64_t in_strides[RVPACK_COPY_MAX_RANK];
  int64_t out_strides[RVPACK_COPY_MAX_RANK];
  int64_t in_offset, out_offset;
} rvpack_copy_params_t;

void rvpack_copy_strided(const rvpack_copy_params_t* p, const void* x, void* y);

/* libc-free memory helpers (the bare-metal build has no libc). */
void* rvpack_memcpy(void* dst, const void* src, size_t n);
void* rvpack_memset(void* dst, int value, size_t n);

#ifdef __cplusplus
}
#endif

#endif /* RVPACK_KERNELS_H_ */
