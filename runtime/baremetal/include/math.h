/* <math.h> for the rvpack bare-metal profile (no libc).
 *
 * Where the functions come from:
 *   - zig's compiler-rt, linked into every zig cc executable: expf, logf,
 *     exp2f, log2f, log10f, sqrtf, floorf, ceilf, truncf, roundf, fabsf,
 *     fmaxf, fminf, fmodf, fmaf, sinf, cosf, tanf and their double versions.
 *     The Linux (musl) build gets these very functions from compiler-rt too
 *     (zig drops musl's own copies), so results are identical.
 *   - runtime/baremetal/libm.c: tanhf, erff, powf (rvpack's own; see there
 *     for their accuracy).
 *
 * The bare-metal target is freestanding (-ffreestanding, so -fno-builtin):
 * clang would then call sqrtf/floorf/... as plain functions, unlike the
 * hosted Linux build, which inlines them as instructions (fsqrt.s, ...).
 * The macros below spell every call as __builtin_*, which clang treats as
 * the built-in even when freestanding, so kernels compile to the same code
 * as on Linux (with -fno-math-errno, as on musl). `(sqrtf)(x)` or `&sqrtf`
 * still name the real functions. */
#ifndef RVPACK_BAREMETAL_MATH_H_
#define RVPACK_BAREMETAL_MATH_H_

#ifdef __cplusplus
extern "C" {
#endif

#define INFINITY (__builtin_inff())
#define NAN (__builtin_nanf(""))
#define HUGE_VALF (__builtin_huge_valf())
#define HUGE_VAL (__builtin_huge_val())

#define isnan(x) __builtin_isnan(x)
#define isinf(x) __builtin_isinf(x)
#define isfinite(x) __builtin_isfinite(x)
#define signbit(x) __builtin_signbit(x)

#define M_E 2.7182818284590452354
#define M_LN2 0.69314718055994530942
#define M_PI 3.14159265358979323846
#define M_SQRT2 1.41421356237309504880

/* compiler-rt */
float expf(float);
float exp2f(float);
float logf(float);
float log2f(float);
float log10f(float);
float sqrtf(float);
float floorf(float);
float ceilf(float);
float truncf(float);
float roundf(float);
float fabsf(float);
float fmaxf(float, float);
float fminf(float, float);
float fmodf(float, float);
float fmaf(float, float, float);
float sinf(float);
float cosf(float);
float tanf(float);
double exp(double);
double exp2(double);
double log(double);
double log2(double);
double log10(double);
double sqrt(double);
double floor(double);
double ceil(double);
double trunc(double);
double round(double);
double fabs(double);
double fmax(double, double);
double fmin(double, double);
double fmod(double, double);
double fma(double, double, double);
double sin(double);
double cos(double);
double tan(double);

/* runtime/baremetal/libm.c */
float tanhf(float);
float erff(float);
float powf(float, float);

#define expf(x) __builtin_expf(x)
#define exp2f(x) __builtin_exp2f(x)
#define logf(x) __builtin_logf(x)
#define log2f(x) __builtin_log2f(x)
#define log10f(x) __builtin_log10f(x)
#define sqrtf(x) __builtin_sqrtf(x)
#define floorf(x) __builtin_floorf(x)
#define ceilf(x) __builtin_ceilf(x)
#define truncf(x) __builtin_truncf(x)
#define roundf(x) __builtin_roundf(x)
#define fabsf(x) __builtin_fabsf(x)
#define fmaxf(x, y) __builtin_fmaxf(x, y)
#define fminf(x, y) __builtin_fminf(x, y)
#define fmodf(x, y) __builtin_fmodf(x, y)
#define fmaf(x, y, z) __builtin_fmaf(x, y, z)
#define sinf(x) __builtin_sinf(x)
#define cosf(x) __builtin_cosf(x)
#define tanf(x) __builtin_tanf(x)
#define tanhf(x) __builtin_tanhf(x)
#define erff(x) __builtin_erff(x)
#define powf(x, y) __builtin_powf(x, y)
#define exp(x) __builtin_exp(x)
#define exp2(x) __builtin_exp2(x)
#define log(x) __builtin_log(x)
#define log2(x) __builtin_log2(x)
#define log10(x) __builtin_log10(x)
#define sqrt(x) __builtin_sqrt(x)
#define floor(x) __builtin_floor(x)
#define ceil(x) __builtin_ceil(x)
#define trunc(x) __builtin_trunc(x)
#define round(x) __builtin_round(x)
#define fabs(x) __builtin_fabs(x)
#define fmax(x, y) __builtin_fmax(x, y)
#define fmin(x, y) __builtin_fmin(x, y)
#define fmod(x, y) __builtin_fmod(x, y)
#define fma(x, y, z) __builtin_fma(x, y, z)
#define sin(x) __builtin_sin(x)
#define cos(x) __builtin_cos(x)
#define tan(x) __builtin_tan(x)

#ifdef __cplusplus
}
#endif

#endif /* RVPACK_BAREMETAL_MATH_H_ */
