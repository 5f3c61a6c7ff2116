"""`rvpack quantize`: static post-training int8 quantization of an ONNX model
with onnxruntime.quantization (pre-processing, then quantize_static over
calibration samples), and the drift of the int8 model against the float one.

Calibration data: a folder of samples, each a .npy (single-input models) or
a .npz with one array per model input, shaped as the model's input. Without
calibration data the command refuses unless random samples are asked for
explicitly: ranges calibrated on noise can be far from the real ones.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rvpack.sdk.errors import InputError, ModelLoadError, OutputExistsError, ToolMissingError
from rvpack.sdk.progress import ProgressFn, report

FORMATS = ("qdq", "qoperator")
RANDOM_SAMPLES = 16
MIN_OPSET = 13


@dataclass(frozen=True)
class QuantizeOptions:
    calibration: Path | None = None
    random_calibration: bool = False
    per_channel: bool = False
    format: str = "qdq"
    max_samples: int = 256


@dataclass(frozen=True)
class OutputDrift:
    """The int8 model against the float one on the same samples."""

    output: str
    max_abs_error: float
    max_abs_float: float
    cosine: float  # of the flattened outputs, all samples together
    top1_agreement: float | None  # class outputs ([batch, classes]) only


@dataclass
class QuantizeResult:
    output: Path
    samples: int
    calibration: str  # where the samples came from
    quantized_nodes: int  # QuantizeLinear/DequantizeLinear (QDQ) or QLinear* (QOperator) nodes
    drift: list[OutputDrift]
    warnings: list[str]


def _inputs_of(model) -> list[tuple[str, np.dtype, tuple[int, ...]]]:
    import onnx

    initializers = {t.name for t in model.graph.initializer}
    used = {name for n in model.graph.node for name in n.input} | {o.name for o in model.graph.output}
    result = []
    for vi in model.graph.input:
        if vi.name in initializers or vi.name not in used:  # (some exporters list dead inputs)
            continue
        tt = vi.type.tensor_type
        dims = tuple(d.dim_value if d.HasField("dim_value") and d.dim_value > 0 else -1 for d in tt.shape.dim)
        result.append((vi.name, np.dtype(onnx.helper.tensor_dtype_to_np_dtype(tt.elem_type)), dims))
    return result


def _drop_dead_inputs(model) -> int:
    """Removes graph inputs no node reads; returns how many."""
    used = {name for n in model.graph.node for name in n.input} | {o.name for o in model.graph.output}
    keep = [vi for vi in model.graph.input if vi.name in used]
    dead = len(model.graph.input) - len(keep)
    if dead:
        del model.graph.input[:]
        model.graph.input.extend(keep)
    return dead


def _fits(shape: tuple[int, ...], want: tuple[int, ...]) -> bool:
    return len(shape) == len(want) and all(w < 0 or s == w for s, w in zip(shape, want))


def load_samples(folder: Path, inputs: list[tuple[str, np.dtype, tuple[int, ...]]],
                 limit: int) -> list[dict[str, np.ndarray]]:
    """The calibration samples in `folder`, checked against the model's inputs."""
    if not folder.is_dir():
        raise InputError(f"--calibration {folder}: no such folder", hint="a folder of .npy or .npz samples")
    files = sorted(p for p in folder.iterdir() if p.suffix in (".npy", ".npz"))[:limit]
    if not files:
        raise InputError(f"--calibration {folder}: no .npy or .npz files in it",
                         hint="one sample per file, shaped as the model's input")
    names = [name for name, _, _ in inputs]
    samples = []
    for path in files:
        try:
            if path.suffix == ".npz":
                with np.load(path, allow_pickle=False) as z:
                    arrays = {k: z[k] for k in z.files}
            else:
                if len(inputs) != 1:
                    raise InputError(f"{path}: the model has {len(inputs)} inputs ({', '.join(names)}); "
                                     "give each sample as a .npz with one array per input")
                arrays = {names[0]: np.load(path, allow_pickle=False)}
        except (OSError, ValueError) as e:
            raise InputError(f"{path}: not a readable .npy/.npz file ({e})") from None
        missing = [n for n in names if n not in arrays]
        if missing:
            raise InputError(f"{path}: no array for input(s) {', '.join(missing)}",
                             hint=f"a .npz sample holds one array per input: {', '.join(names)}")
        sample = {}
        for name, dtype, want in inputs:
            a = arrays[name]
            if not _fits(a.shape, want):
                raise InputError(f"{path}: input '{name}' has shape {list(a.shape)}, the model expects "
                                 f"{['?' if d < 0 else d for d in want]}")
            sample[name] = a.astype(dtype, copy=False)
        samples.append(sample)
    return samples


def random_samples(inputs: list[tuple[str, np.dtype, tuple[int, ...]]], count: int) -> list[dict[str, np.ndarray]]:
    if any(d < 0 for _, _, shape in inputs for d in shape):
        raise InputError("--random-calibration needs static input shapes; the model has dynamic dimensions",
                         hint="give real calibration samples with --calibration DIR")
    rng = np.random.default_rng(0)
    return [{name: rng.uniform(-1.0, 1.0, shape).astype(dtype) for name, dtype, shape in inputs}
            for _ in range(count)]


def _reader(samples: list[dict[str, np.ndarray]]):
    """An onnxruntime CalibrationDataReader over a list of samples."""
    from onnxruntime.quantization import CalibrationDataReader

    class Reader(CalibrationDataReader):
        def __init__(self) -> None:
            self._it: Iterator[dict[str, np.ndarray]] = iter(samples)

        def get_next(self) -> dict[str, np.ndarray] | None:
            return next(self._it, None)

    return Reader()


def quantize_model(model: Path, out: Path, options: QuantizeOptions, *, force: bool = False,
                   on_progress: ProgressFn = None) -> QuantizeResult:
    try:
        import onnx
        import onnx.version_converter
        from onnxruntime.quantization import QuantFormat, QuantType, quantize_static
        from onnxruntime.quantization.shape_inference import quant_pre_process
    except ImportError:
        raise ToolMissingError("onnxruntime (with onnxruntime.quantization) is not installed",
                               hint="pip install onnxruntime") from None
    if options.format not in FORMATS:
        raise InputError(f"--format {options.format}: expected one of {', '.join(FORMATS)}")
    if out.suffix != ".onnx":
        raise InputError(f"-o {out}: the quantized model is ONNX; name it .onnx")
    if out.exists() and not force:
        raise OutputExistsError(f"{out} already exists", hint="pass --force to replace it")
    if not model.is_file():
        raise ModelLoadError(f"{model}: no such file")
    try:
        float_model = onnx.load(str(model))
    except Exception as e:  # noqa: BLE001 - protobuf decode errors of every kind
        raise ModelLoadError(f"{model}: not an ONNX model ({str(e).splitlines()[0][:200]})",
                             hint="rvpack quantize reads ONNX models; quantize TFLite models with TensorFlow") from None
    inputs = _inputs_of(float_model)
    warnings = []
    if options.calibration is not None:
        samples = load_samples(options.calibration, inputs, options.max_samples)
        source = f"{len(samples)} sample(s) from {options.calibration}"
    elif options.random_calibration:
        samples = random_samples(inputs, RANDOM_SAMPLES)
        source = f"{len(samples)} random sample(s), uniform in [-1, 1)"
        warnings.append("calibrated on random inputs: the int8 ranges may not fit real data; "
                        "give real samples with --calibration DIR")
    else:
        raise InputError("no calibration data: quantization ranges come from running the model on samples",
                         hint="pass --calibration DIR (.npy/.npz samples), or --random-calibration to accept "
                              "ranges from random inputs")

    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".rvpack-quantize-", dir=out.parent) as tmp:
        source_model, pre = model, Path(tmp) / "pre.onnx"
        staged = Path(tmp) / out.name
        opset = next((o.version for o in float_model.opset_import if o.domain in ("", "ai.onnx")), 0)
        dead = _drop_dead_inputs(float_model)  # onnxruntime's calibration would ask for them
        if opset < MIN_OPSET:  # per-channel DequantizeLinear needs its axis attribute (opset 13)
            report(on_progress, "quantize", f"converting opset {opset} to {MIN_OPSET}")
            try:
                float_model = onnx.version_converter.convert_version(float_model, MIN_OPSET)
            except Exception as e:  # noqa: BLE001
                raise ModelLoadError(f"{model}: cannot convert opset {opset} to {MIN_OPSET} for quantization: "
                                     f"{str(e).splitlines()[0][:200]}") from None
        if dead or opset < MIN_OPSET:
            source_model = Path(tmp) / "source.onnx"
            onnx.save(float_model, str(source_model))
        report(on_progress, "quantize", "pre-processing (shape inference, BatchNorm folding)")
        try:
            quant_pre_process(str(source_model), str(pre), skip_symbolic_shape=True)
        except Exception as e:  # noqa: BLE001 - onnxruntime raises many kinds
            raise ModelLoadError(f"{model}: onnxruntime's pre-processing failed: {str(e).splitlines()[0][:300]}") \
                from None
        report(on_progress, "quantize", f"calibrating on {source}")
        try:
            quantize_static(str(pre), str(staged), _reader(samples),
                            quant_format=QuantFormat.QDQ if options.format == "qdq" else QuantFormat.QOperator,
                            per_channel=options.per_channel, activation_type=QuantType.QInt8,
                            weight_type=QuantType.QInt8)
        except Exception as e:  # noqa: BLE001
            raise ModelLoadError(f"{model}: onnxruntime could not quantize it: {str(e).splitlines()[0][:300]}") \
                from None
        report(on_progress, "quantize", "measuring the drift against the float model")
        try:
            drift = output_drift(model, staged, samples)
        except Exception as e:  # noqa: BLE001 - onnxruntime's Fail/InvalidGraph/...
            raise ModelLoadError(f"{model}: onnxruntime cannot run the quantized model: "
                                 f"{str(e).splitlines()[0][:300]}") from None
        quantized = onnx.load(str(staged))
        count = sum(1 for n in quantized.graph.node
                    if n.op_type in ("QuantizeLinear", "DequantizeLinear") or n.op_type.startswith("QLinear"))
        os.replace(staged, out)
    report(on_progress, "quantize", f"wrote {out}", done=True)
    return QuantizeResult(out, len(samples), source, count, drift, warnings)


def output_drift(float_model: Path, int8_model: Path, samples: list[dict[str, np.ndarray]]) -> list[OutputDrift]:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3
    sessions = [ort.InferenceSession(str(p), options, providers=["CPUExecutionProvider"])
                for p in (float_model, int8_model)]
    names = [o.name for o in sessions[0].get_outputs()]
    runs = [[s.run(None, sample) for sample in samples] for s in sessions]
    drift = []
    for i, name in enumerate(names):
        f = [np.asarray(r[i], np.float64) for r in runs[0]]
        q = [np.asarray(r[i], np.float64) for r in runs[1]]
        ff, qq = np.concatenate([a.ravel() for a in f]), np.concatenate([a.ravel() for a in q])
        denom = float(np.linalg.norm(ff) * np.linalg.norm(qq))
        cosine = float(ff @ qq) / denom if denom else (1.0 if not ff.any() and not qq.any() else 0.0)
        top1 = None
        scores = [(_class_scores(a), _class_scores(b)) for a, b in zip(f, q)]
        if all(a is not None and b is not None for a, b in scores):  # the same class on top?
            top1 = float(np.mean(np.concatenate([a.argmax(axis=1) == b.argmax(axis=1)
                                                 for a, b in scores if a is not None and b is not None])))
        drift.append(OutputDrift(name, float(np.max(np.abs(ff - qq))) if ff.size else 0.0,
                                 float(np.max(np.abs(ff))) if ff.size else 0.0, cosine, top1))
    return drift


def _class_scores(a: np.ndarray) -> np.ndarray | None:
    """[batch, classes] view of a classifier output ([N, C] or [N, C, 1, 1]), else None."""
    if a.ndim < 2 or sum(d > 1 for d in a.shape[1:]) != 1:
        return None
    return a.reshape(a.shape[0], -1)
