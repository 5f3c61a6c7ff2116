"""Reference outputs from onnxruntime / tflite-runtime, and the comparison.

The reference always runs the ORIGINAL model file, not rvpack's IR, so the
check covers the importer and the passes as well as the kernels.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rvpack.sdk.bundle.manifest import Manifest, TensorSpec
from rvpack.sdk.errors import RvpackError, ToolMissingError


class ReferenceUnavailableError(RvpackError):
    """The reference runtime cannot run the model, so nothing can be checked."""

# f32 outputs pass when max|out - ref| <= REL_TOLERANCE * max|ref| (or the
# absolute floor, for outputs that are all near zero).
REL_TOLERANCE = 1e-4
ABS_FLOOR = 1e-6


def tolerance_of(manifest: Manifest) -> float:
    """The relative tolerance a bundle's outputs are checked with: REL_TOLERANCE,
    or more where the build chose an algorithm with a stated larger error
    (Winograd F(6,3)); recorded by the compiler as build.check_tolerance."""
    return float(manifest.build.get("check_tolerance", REL_TOLERANCE))


# ONNX QDQ models: each int8 layer is within 1 LSB of onnxruntime's float
# evaluation of it (sdk/passes/qdq.py), but where one lands on the other side
# of a rounding tie, later layers carry the step on and can widen it (a
# Softmax after an int8 Gemm turns one logit step into several output steps:
# PP-OCR cls shows 4). A wrong kernel is off by far more.
QDQ_CHECK_STEPS = 4


def lsb_of(manifest: Manifest) -> dict[str, float]:
    """Outputs of ONNX QDQ models and the difference allowed on each:
    QDQ_CHECK_STEPS quantization steps (the step is recorded by the compiler)."""
    return {k: QDQ_CHECK_STEPS * float(v) for k, v in manifest.build.get("check_lsb", {}).items()}


def make_inputs(specs: list[TensorSpec], seed: int = 0, steps: int = 1) -> list[np.ndarray]:
    """Deterministic inputs: uniform in [-1, 1), the range most image models are
    normalised to; integer (quantized) inputs uniform over their type's range."""
    rng = np.random.default_rng(seed)
    lead = [steps] if steps > 1 else []  # a sequence of inputs
    result = []
    for s in specs:
        dtype = np.dtype(s.dtype)
        if dtype.kind in "iu":
            info = np.iinfo(dtype)
            result.append(rng.integers(info.min, int(info.max) + 1, size=lead + list(s.shape), dtype=dtype))
        else:
            result.append(rng.uniform(-1.0, 1.0, size=lead + list(s.shape)).astype(dtype))
    return result


def run_reference(model_path: Path, fmt: str, names: list[str], inputs: list[np.ndarray],
                  steps: int = 1) -> list[np.ndarray]:
    """The reference runtime's outputs; with steps > 1 the inputs have a
    leading `steps` dimension and the model runs that many times in one
    interpreter (TFLite resource variables carry over), outputs stacked."""
    if fmt == "tflite":
        return _run_tflite(model_path, inputs, steps)
    if steps > 1:
        runs = [_run_onnx(model_path, names, [x[t] for x in inputs]) for t in range(steps)]
        return [np.stack([r[k] for r in runs]) for k in range(len(runs[0]))]
    return _run_onnx(model_path, names, inputs)


def _run_onnx(model_path: Path, names: list[str], inputs: list[np.ndarray]) -> list[np.ndarray]:
    try:
        import onnxruntime as ort
    except ImportError as e:
        raise ToolMissingError("onnxruntime is not installed", hint="pip install onnxruntime") from e
    options = ort.SessionOptions()
    options.log_severity_level = 3
    # The reference must be the plain semantics of the graph, not ORT's fused rewrites.
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    try:
        session = ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
        return [np.asarray(o) for o in session.run(None, dict(zip(names, inputs)))]
    except Exception as e:  # onnxruntime raises its own untyped errors
        raise ReferenceUnavailableError(f"onnxruntime cannot run the reference for {model_path.name}: "
                                        f"{str(e).strip().splitlines()[-1]}") from e


def _run_tflite(model_path: Path, inputs: list[np.ndarray], steps: int = 1) -> list[np.ndarray]:
    try:
        from tflite_runtime.interpreter import Interpreter, OpResolverType
    except ImportError as e:
        raise ToolMissingError("tflite-runtime is not installed", hint="pip install tflite-runtime") from e
    # TFLite's own builtin kernels, without the XNNPACK delegate: the plain reference.
    try:
        interpreter = Interpreter(model_path=str(model_path), num_threads=1,
                                  experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
        interpreter.allocate_tensors()
        results = []
        for t in range(steps):
            for detail, value in zip(interpreter.get_input_details(), inputs):
                interpreter.set_tensor(detail["index"], value[t] if steps > 1 else value)
            interpreter.invoke()
            results.append([np.array(interpreter.get_tensor(d["index"])) for d in interpreter.get_output_details()])
    except (RuntimeError, ValueError) as e:
        raise ReferenceUnavailableError(f"tflite-runtime cannot run the reference for {model_path.name}: {e}") from e
    if steps == 1:
        return results[0]
    return [np.stack([r[k] for r in results]) for k in range(len(results[0]))]


@dataclass
class Comparison:
    name: str
    max_abs_error: float
    max_abs_reference: float
    tolerance: float
    shape_ok: bool

    @property
    def relative_error(self) -> float:
        return self.max_abs_error / self.max_abs_reference if self.max_abs_reference else self.max_abs_error

    @property
    def ok(self) -> bool:
        return self.shape_ok and self.max_abs_error <= self.tolerance


def compare(names: list[str], outputs: list[np.ndarray], references: list[np.ndarray],
            rel_tolerance: float = REL_TOLERANCE, lsb: dict[str, float] | None = None) -> list[Comparison]:
    """NaN in the reference must be NaN in the output (and is then equal).
    lsb: outputs allowed a number of quantization steps of difference (lsb_of)."""
    result = []
    for name, out, ref in zip(names, outputs, references):
        # integer outputs (quantized models) must match exactly
        exact = np.asarray(out).dtype.kind in "iu" and np.asarray(ref).dtype.kind in "iu"
        ref = np.asarray(ref, dtype=np.float64).reshape(-1)
        got = np.asarray(out, dtype=np.float64).reshape(-1)
        shape_ok = got.size == ref.size
        err, scale = 0.0, 0.0
        if shape_ok and ref.size:
            both_nan = np.isnan(ref) & np.isnan(got)
            diff = np.abs(got - ref)[~both_nan]
            err = float(np.max(diff)) if diff.size else 0.0
            finite = ref[np.isfinite(ref)]
            scale = float(np.max(np.abs(finite))) if finite.size else 0.0
            if not np.isfinite(err):
                err = float("inf")
        tolerance = 0.0 if exact else max(rel_tolerance * scale, ABS_FLOOR)
        if lsb and name in lsb:  # with room for the float32 rounding of both dequantized values
            tolerance = max(tolerance, lsb[name] * (1 + 1e-5) + 2 * float(np.finfo(np.float32).eps) * scale)
        result.append(Comparison(name, err, scale, tolerance, shape_ok))
    return result
