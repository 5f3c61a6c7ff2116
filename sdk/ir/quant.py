"""Build-time half of TFLite's integer rescaling: a real factor M becomes an
int32 multiplier in [2^30, 2^31) and a power-of-two exponent, so that
M = multiplier * 2^(shift - 31); the run-time half is rvpack_q31_rescale
(runtime/src/qs8.c). Computed exactly as TFLite computes them (double
arithmetic on the float32 scales stored in the model, frexp, rounding half
away from zero), because one unit of difference in a multiplier is enough to
change an output by one."""

from __future__ import annotations

import math

import numpy as np

LEFT_SHIFT_ADD = 20  # headroom bits of TFLite's int8 ADD


def _double(scale: float) -> float:
    """A scale as the model stores it (float32), widened to double."""
    return float(np.float32(scale))


def quantize_multiplier(real: float) -> tuple[int, int]:
    """(multiplier, shift) of real >= 0 (TFLite's QuantizeMultiplier)."""
    if real < 0 or not math.isfinite(real):
        raise ValueError(f"a rescaling factor must be finite and >= 0, not {real}")
    if real == 0.0:
        return 0, 0
    q, shift = math.frexp(real)  # real = q * 2^shift, q in [0.5, 1)
    fixed = math.floor(q * (1 << 31) + 0.5)  # q > 0: half away from zero
    if fixed == 1 << 31:
        fixed //= 2
        shift += 1
    if shift < -31:  # every bit would be shifted out: the product is 0
        return 0, 0
    if shift > 30:  # saturate, as TFLite does
        return (1 << 31) - 1, 30
    return int(fixed), int(shift)


def conv_multipliers(input_scale: float, weight_scales: list[float] | np.ndarray,
                     output_scale: float) -> tuple[list[int], list[int]]:
    """Per output channel (or one): M = input_scale * weight_scale / output_scale."""
    pairs = [quantize_multiplier(_double(input_scale) * _double(w) / _double(output_scale))
             for w in np.atleast_1d(np.asarray(weight_scales, dtype=np.float32))]
    return [m for m, _ in pairs], [s for _, s in pairs]


def onnx_output_scales(input_scale: float, weight_scales: list[float] | np.ndarray,
                       output_scale: float) -> list[float]:
    """onnxruntime's QLinearConv/QLinearMatMul requantization scale per output
    channel: input_scale * weight_scale / output_scale in float32, in that order."""
    x, y = np.float32(input_scale), np.float32(output_scale)
    return [float(np.float32(x * np.float32(w)) / y) for w in np.atleast_1d(np.asarray(weight_scales, np.float32))]


def add_multipliers(a_scale: float, b_scale: float, output_scale: float) -> dict[str, int]:
    """The five integers of TFLite's int8 ADD: both inputs rescaled to twice
    the larger input scale with LEFT_SHIFT_ADD bits of headroom."""
    twice_max = 2 * max(_double(a_scale), _double(b_scale))
    a_mult, a_shift = quantize_multiplier(_double(a_scale) / twice_max)
    b_mult, b_shift = quantize_multiplier(_double(b_scale) / twice_max)
    out_mult, out_shift = quantize_multiplier(twice_max / ((1 << LEFT_SHIFT_ADD) * _double(output_scale)))
    return {"a_multiplier": a_mult, "a_shift": a_shift, "b_multiplier": b_mult, "b_shift": b_shift,
            "left_shift": LEFT_SHIFT_ADD, "multiplier": out_mult, "shift": out_shift}


def mul_multiplier(a_scale: float, b_scale: float, output_scale: float) -> tuple[int, int]:
    """TFLite's int8 MUL: M = a_scale * b_scale / output_scale."""
    return quantize_multiplier(_double(a_scale) * _double(b_scale) / _double(output_scale))


def mean_parameters(input_scale: float, input_zero_point: int, output_scale: float, output_zero_point: int,
                    count: int) -> tuple[int, int, int]:
    """(multiplier, shift, bias) of tflite-runtime's int8 MEAN over height and
    width (keep_dims): the sum of `count` raw values times input_scale /
    (count * output_scale), plus output_zero_point - round(input_zero_point *
    input_scale / output_scale); the scales' arithmetic in float32 as there."""
    f32 = np.float32
    mult, shift = quantize_multiplier(float(f32(input_scale) / f32(f32(count) * f32(output_scale))))
    moved = float(f32(f32(input_zero_point) * f32(input_scale)) / f32(output_scale))
    return mult, shift, output_zero_point - int(round_half_away(moved))


def softmax_table(input_scale: float, beta: float) -> np.ndarray:
    """tflite-runtime's int8 SOFTMAX table: entry 255 - d is expf(-input_scale
    * beta * d) for d = 0..255, in float32 (expf correctly rounded)."""
    f32 = np.float32
    scale = f32(f32(-input_scale) * f32(beta))
    table = np.empty(256, np.float32)
    for d in range(256):
        table[255 - d] = f32(math.exp(float(f32(scale * f32(d)))))
    return table


def requantize_multiplier(input_scale: float, output_scale: float) -> tuple[int, int]:
    return quantize_multiplier(_double(input_scale) / _double(output_scale))


def activation_range(activation: str, scale: float, zero_point: int, qmin: int = -128,
                     qmax: int = 127) -> tuple[int, int]:
    """The clamp of a fused activation in the quantized domain (TFLite's
    CalculateActivationRangeQuantized): NONE, RELU, RELU6, RELU_N1_TO_1."""
    def q(x: float) -> int:  # TFLite divides in float32 here
        return zero_point + int(round_half_away(float(np.float32(x) / np.float32(scale))))

    lo, hi = {"NONE": (None, None), "RELU": (0.0, None), "RELU6": (0.0, 6.0),
              "RELU_N1_TO_1": (-1.0, 1.0)}[activation]
    return (qmin if lo is None else max(qmin, q(lo)), qmax if hi is None else min(qmax, q(hi)))


def round_half_away(x: float) -> float:
    return math.copysign(math.floor(abs(x) + 0.5), x)


def _sigmoid_f32(x: np.float32) -> np.float32:
    """1 / (1 + expf(-x)) in float32; expf correctly rounded (glibc's is)."""
    e = np.float32(math.exp(-float(x))) if -float(x) < 88.8 else np.float32(np.inf)
    return np.float32(np.float32(1.0) / (np.float32(1.0) + e))


LOOKUP_FUNCTIONS = {"LOGISTIC": _sigmoid_f32}
TABLE_FUNCTIONS = ("LOGISTIC", "HARD_SWISH")  # the int8 functions lookup_table computes


def lookup_table(function: str, input_scale: float, input_zero_point: int, output_scale: float,
                 output_zero_point: int) -> np.ndarray:
    """The int8 -> int8 table of an elementwise function of one int8 tensor,
    each entry as tflite-runtime computes that input: HARD_SWISH with its
    16-bit fixed-point kernel (hard_swish_table), the others as LUTPopulate
    does: dequantize in float32, apply, multiply by the float32 reciprocal of
    the output scale, round half away from zero, add the zero point, saturate."""
    if function == "HARD_SWISH":
        return hard_swish_table(input_scale, input_zero_point, output_scale, output_zero_point)
    f = LOOKUP_FUNCTIONS[function]
    inverse = np.float32(1.0) / np.float32(output_scale)
    table = np.empty(256, np.int8)
    for q in range(-128, 128):
        real = np.float32(input_scale) * np.float32(q - input_zero_point)
        scaled = np.float32(f(real) * inverse)
        value = int(round_half_away(float(scaled))) + output_zero_point
        table[q + 128] = max(-128, min(127, value))
    return table


# ---- HARD_SWISH: TFLite's int8 kernel, in 16-bit fixed point ------------------


def _div_toward_zero(a: int, b: int) -> int:
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def _rounding_doubling_high_mul16(a: int, b: int) -> int:
    """gemmlowp's SaturatingRoundingDoublingHighMul on int16."""
    if a == b == -32768:
        return 32767
    ab = a * b
    return _div_toward_zero(ab + ((1 << 14) if ab >= 0 else 1 - (1 << 14)), 1 << 15)


def _doubling_high_mul16(a: int, b: int) -> int:
    """TFLite's SaturatingDoublingHighMul: the same, rounding toward zero."""
    return 32767 if a == b == -32768 else _div_toward_zero(a * b, 1 << 15)


def _rounding_divide_by_pot(x: int, exponent: int) -> int:
    mask = (1 << exponent) - 1
    return (x >> exponent) + (1 if (x & mask) > (mask >> 1) + (1 if x < 0 else 0) else 0)


def _saturating_left_shift16(x: int, amount: int) -> int:
    return max(-32768, min(32767, x * (1 << amount)))


def _int16_multiplier(real: float) -> tuple[int, int]:
    """QuantizeMultiplier, then DownScaleInt32ToInt16Multiplier (round to 16 bits)."""
    m32, exponent = quantize_multiplier(real)
    return (32767 if m32 >= (1 << 31) - 1 - (1 << 15) else (m32 + (1 << 15)) >> 16), exponent


def hard_swish_table(input_scale: float, input_zero_point: int, output_scale: float,
                     output_zero_point: int) -> np.ndarray:
    """tflite-runtime's int8 HARD_SWISH for each of the 256 inputs: x on a
    "hires" scale (x * 2^7), times a "reluish" factor in [0, 1] (x rescaled
    so that 3.0 is 2^15, saturated, moved to [0, 1]), both in int16 fixed
    point with its roundings; multipliers computed from float32 scales as
    HardSwishPrepare does."""
    f32 = np.float32
    hires_scale = f32(f32(1.0) / f32(128.0)) * f32(input_scale)
    out_mult, out_exp = _int16_multiplier(float(f32(hires_scale / f32(output_scale))))
    if out_exp > 0:
        raise ValueError("HARD_SWISH output scale is smaller than input scale / 128 (TFLite refuses it)")
    relu_mult, relu_exp = _int16_multiplier(float(f32(hires_scale / f32(f32(3.0) / f32(32768.0)))))
    table = np.empty(256, np.int8)
    for q in range(-128, 128):
        hires = (q - input_zero_point) * 128
        pre_output = _rounding_doubling_high_mul16(hires, out_mult)
        reluish = _saturating_left_shift16(hires, relu_exp - 1) if relu_exp > 0 else hires
        reluish = _rounding_doubling_high_mul16(reluish, relu_mult)
        if relu_exp > 0:
            reluish = _saturating_left_shift16(reluish, 1)
        elif relu_exp < 0:
            reluish = _rounding_divide_by_pot(reluish, -relu_exp)
        reluish = (reluish + (1 << 15)) >> 1  # [-1, 1] -> [0, 1]
        value = _rounding_divide_by_pot(_doubling_high_mul16(reluish, pre_output), -out_exp) + output_zero_point
        table[q + 128] = max(-128, min(127, value))
    return table
