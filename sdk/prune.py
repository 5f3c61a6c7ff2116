"""`rvpack prune`: column-wise N:M magnitude pruning of a model's conv
weights, for the column-sparse kernels (the idea of "Efficient Column-Wise
N:M Pruning on RISC-V CPU", arXiv 2507.17301).

Each selected conv (groups 1, constant float32 weights) is read as a
[OC][K] matrix, K = C * KH * KW in OIHW order: the order the kernels walk.
For every block of MR output channels and every group of M consecutive K
columns, the N columns with the largest L2 norm over the block's rows stay
(N = M * (1 - sparsity)); the others become 0 in every row of the block. MR
is the tile's: `--tile auto` asks the target's kernel ISA which column-sparse
tile `rvpack build` would run on the pruned layer (KernelIsa.plan_sparse_conv,
the build's own cost model), so pruning and build agree; `--tile 7x4v` names
one.

The pruned model has the input's format and differs only in those weights
(ONNX: the initializers; TFLite: the bytes of the weight buffers, in place).
The masks (True = kept), in each weight's source layout (ONNX OIHW, TFLite
OHWI), go to an .npz keyed by tensor name, for fine-tuning elsewhere; any
model whose convs keep that structure builds sparse again. The report: per
layer the tile, the kept fraction, the share of the weights' L2 norm kept
and the modelled saving of its GEMM; per output the drift of the pruned
model from the dense one on sample inputs, both run by the reference
runtime.
"""

from __future__ import annotations

import fnmatch
import math
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rvpack.sdk.codegen.lower import lower_conv
from rvpack.sdk.codegen.tiles import Tile
from rvpack.sdk.errors import InputError, OutputExistsError, RvpackError, UnsupportedModelError, UnsupportedTargetError
from rvpack.sdk.frontend import detect_format, load_model
from rvpack.sdk.frontend.tflite_importer import tensor_name
from rvpack.sdk.ir.graph import Graph, Node
from rvpack.sdk.progress import ProgressFn, report
from rvpack.sdk.targets import Target, kernel_isa_of
from rvpack.sdk.targets.cores import DEFAULT_CORE, core_model_named
from rvpack.sdk.targets.plugin import KernelIsa

DRIFT_SEEDS = (0, 1, 2)  # sample inputs of the drift check


@dataclass(frozen=True)
class PruneOptions:
    sparsity: float = 0.5
    m: int = 4
    tile: str = "auto"  # or "MRxLMULv" / "MRxLMUL", e.g. "7x4v"
    layers: tuple[str, ...] = ("*",)  # globs over layer names (`rvpack inspect` shows them)
    exclude: tuple[str, ...] = ()
    core: str = DEFAULT_CORE

    @property
    def n(self) -> int:
        """Columns kept per group of m."""
        if self.m < 2:
            raise InputError(f"--m {self.m}: groups must have at least 2 columns", hint="e.g. --m 4")
        n = self.m * (1.0 - self.sparsity)
        if not 0.0 < self.sparsity < 1.0 or abs(n - round(n)) > 1e-9 or round(n) < 1:
            raise InputError(f"--sparsity {self.sparsity} with --m {self.m}: N = M * (1 - sparsity) must be a "
                             "whole number of columns between 1 and M - 1",
                             hint="e.g. --sparsity 0.5 or 0.75 with --m 4, 0.875 with --m 8")
        return int(round(n))


@dataclass(frozen=True)
class PrunedLayer:
    layer: str
    weight: str  # the source tensor
    tile: str  # the kernel the mask was made for
    mr: int
    kept_fraction: float  # of the K steps of each block
    norm_retained: float  # L2 norm of the kept weights / of all
    saving: float  # modelled cycles of the dense GEMM / of the sparse one (im2col included)


@dataclass(frozen=True)
class OutputDrift:
    output: str
    max_abs_change: float  # pruned vs dense model, over the sample inputs
    max_abs_dense: float

    @property
    def relative(self) -> float:
        return self.max_abs_change / max(self.max_abs_dense, 1e-30)


@dataclass
class PruneResult:
    output: Path
    layers: list[PrunedLayer]
    skipped: list[tuple[str, str]]  # (layer, why)
    drift: list[OutputDrift]
    mask_file: Path | None
    zeroed: int  # weights set to 0
    total: int  # weights of the pruned layers


# ---- the mask ------------------------------------------------------------------
def kept_per_block(k: int, n: int, m: int) -> int:
    """K steps a block keeps: n of every full group of m, and of a last partial
    group of r columns ceil(r * n / m)."""
    return k // m * n + math.ceil(k % m * n / m)


def column_nm_mask(weights: np.ndarray, mr: int, n: int, m: int) -> np.ndarray:
    """weights [rows][K] -> bool mask: per block of mr rows and group of m
    columns, the columns with the n largest L2 norms over the block (ties: the
    lower column) stay True."""
    rows, k = weights.shape
    mask = np.zeros((rows, k), bool)
    for r0 in range(0, rows, mr):
        norms = np.linalg.norm(weights[r0:r0 + mr].astype(np.float64), axis=0)
        for g0 in range(0, k, m):
            group = norms[g0:g0 + m]
            keep = kept_per_block(len(group), n, m)
            order = np.argsort(-group, kind="stable")[:keep]
            mask[r0:r0 + mr, g0 + order] = True
    return mask


def parse_tile(text: str, isa: KernelIsa) -> Tile:
    tiles = isa.sparse_tiles() if isa.sparse_tiles else ()
    match = re.fullmatch(r"(\d+)x(\d+)v?", text)
    found = [t for t in tiles if match is not None and (t.mr, t.lmul) == (int(match[1]), int(match[2]))]
    if not found:
        raise InputError(f"--tile {text}: kernel ISA {isa.name} has no such column-sparse tile",
                         hint="auto, or one of: " + ", ".join(f"{t.mr}x{t.lmul}v" for t in tiles))
    return found[0]


# ---- pruning a model -------------------------------------------------------------
@dataclass
class _Pruned:
    record: PrunedLayer
    source: str  # the tensor holding the weights in the model file
    mask_oihw: np.ndarray
    storage: tuple[int, str] | None = None  # TFLite: (tensor index, numpy dtype) of that tensor


def prune_model(model: Path, out: Path, target: Target, options: PruneOptions, *, mask_out: Path | None = None,
                force: bool = False, on_progress: ProgressFn = None) -> PruneResult:
    fmt = detect_format(model)
    if fmt != detect_format_of_name(out):
        raise InputError(f"-o {out}: the pruned model keeps the input's format ({fmt})",
                         hint=f"name the output *.{fmt}")
    for path in (out, mask_out):
        if path is not None and path.exists() and not force:
            raise OutputExistsError(f"{path} already exists", hint="pass --force to replace it")
    n = options.n
    isa = kernel_isa_of(target)
    if isa.plan_sparse_conv is None:
        raise UnsupportedTargetError(f"target {target.name} has no column-sparse kernels to prune for",
                                     hint="prune for a vector target, e.g. --target rvv1.0")
    core = core_model_named(options.core)
    fixed_tile = None if options.tile == "auto" else parse_tile(options.tile, isa)

    report(on_progress, "import", f"reading {model.name}")
    graph = load_model(model)
    tfl = _TfliteFile(model) if fmt == "tflite" else None
    pruned: list[_Pruned] = []
    skipped: list[tuple[str, str]] = []
    convs = [node for node in graph.nodes if node.op == "Conv" and _selected(node.name, options)]
    if not convs:
        raise InputError(f"no conv layer of {model.name} matches --layers {' '.join(options.layers)}"
                         + (f" --exclude {' '.join(options.exclude)}" if options.exclude else ""),
                         hint="`rvpack inspect MODEL` lists the layer names")
    for node in convs:
        why = _why_not(node, graph)
        if why:
            skipped.append((node.name, why))
            continue
        conv = lower_conv(node, graph).calls[0].args[0].fields
        weights = graph.constant(node.inputs[1])
        assert weights is not None
        w2 = weights.reshape(weights.shape[0], -1)
        kept = kept_per_block(w2.shape[1], n, options.m)
        plan = isa.plan_sparse_conv(conv, kept, core, fixed_tile)
        if plan is None:
            skipped.append((node.name, f"kernel ISA {isa.name} cannot run it column-sparse"))
            continue
        mask = column_nm_mask(w2, plan.tile.mr, n, options.m)
        total = float(np.linalg.norm(w2.astype(np.float64)))
        retained = float(np.linalg.norm(np.where(mask, w2, 0).astype(np.float64))) / total if total else 1.0
        source, storage = node.inputs[1], None
        if tfl is not None:
            storage = tfl.storage(_tflite_tensor_name(source), node.name)
            source = tfl.name(storage[0])
        record = PrunedLayer(node.name, source, f"{plan.tile.mr}x{plan.tile.lmul}v", plan.tile.mr,
                             kept / w2.shape[1], retained, plan.dense_cycles / plan.sparse_cycles)
        pruned.append(_Pruned(record, source, mask.reshape(weights.shape), storage))
    report(on_progress, "prune", f"{len(pruned)} conv layers pruned", done=True)

    written = _write_onnx(model, pruned) if tfl is None else tfl.write(pruned)
    masks = {p.source: _source_layout(p.mask_oihw, fmt) for p in pruned}
    _atomic_write(out, written)
    if mask_out is not None:
        import io

        buf = io.BytesIO()
        np.savez_compressed(buf, **masks)
        _atomic_write(mask_out, buf.getvalue())

    report(on_progress, "drift", "running the reference on the dense and the pruned model")
    drift = output_drift(model, out, graph, fmt)
    report(on_progress, "drift", "done", done=True)
    zeroed = sum(int((~p.mask_oihw).sum()) for p in pruned)
    return PruneResult(out, [p.record for p in pruned], skipped, drift, mask_out, zeroed,
                       sum(p.mask_oihw.size for p in pruned))


def detect_format_of_name(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in (".onnx", ".tflite"):
        raise InputError(f"-o {path}: not an .onnx or .tflite file name")
    return suffix[1:]


def _selected(name: str, options: PruneOptions) -> bool:
    return (any(fnmatch.fnmatchcase(name, g) for g in options.layers)
            and not any(fnmatch.fnmatchcase(name, g) for g in options.exclude))


def _why_not(node: Node, graph: Graph) -> str:
    weights = graph.constant(node.inputs[1])
    if weights is None:
        return "its weights are computed at run time"
    if weights.dtype != np.float32:
        return f"its weights are {weights.dtype} (float32 only)"
    if int(node.attrs.get("group", 1)) != 1:
        return "grouped or depthwise conv"
    if weights.ndim != 4:
        return f"a {weights.ndim - 2}-D conv (2-D only)"
    if any(graph.tensors[t].shape is None for t in (node.inputs[0], node.outputs[0])):
        return "its shapes are not static (pass --input-shape to build)"
    return ""


# The TFLite importer names a conv's OIHW weights after the TFLite tensor
# (sdk/frontend/tflite_importer.py, op_conv_2d), made unique with _<n>.
_TFLITE_WEIGHT_RE = re.compile(r"^(.*)_oihw(?:_\d+)?$")


def _tflite_tensor_name(ir_name: str) -> str:
    match = _TFLITE_WEIGHT_RE.match(ir_name)
    if match is None:
        raise RvpackError(f"cannot tell which TFLite tensor the conv weights '{ir_name}' come from")
    return match[1]


def _source_layout(mask_oihw: np.ndarray, fmt: str) -> np.ndarray:
    return mask_oihw if fmt == "onnx" else mask_oihw.transpose(0, 2, 3, 1)  # TFLite: OHWI


def _write_onnx(model: Path, pruned: list[_Pruned]) -> bytes:
    import onnx
    from onnx import numpy_helper

    proto = onnx.load(str(model))
    inits = {init.name: init for init in proto.graph.initializer}
    for p in pruned:
        init = inits.get(p.source)
        if init is None:
            raise UnsupportedModelError(f"layer '{p.record.layer}': its weights '{p.source}' are not an initializer")
        value = numpy_helper.to_array(init)
        init.CopyFrom(numpy_helper.from_array(np.where(p.mask_oihw, value, 0).astype(value.dtype), init.name))
    return proto.SerializeToString()


class _TfliteFile:
    """A TFLite file, to find where conv weights are stored and overwrite them in place."""

    def __init__(self, path: Path) -> None:
        import tflite

        self.data = path.read_bytes()
        self.root = tflite.Model.GetRootAsModel(self.data, 0)
        self.sg = self.root.Subgraphs(0)

    def name(self, index: int) -> str:
        return tensor_name(self.sg.Tensors(index), index)

    def _stored(self, index: int) -> bool:
        buf = self.root.Buffers(self.sg.Tensors(index).Buffer())
        return bool(buf.DataLength() or buf.Offset())

    def storage(self, name: str, layer: str) -> tuple[int, str]:
        """(tensor index, numpy dtype) holding the weights named `name`: that
        tensor (float32), or the float16 constant a DEQUANTIZE op turns into it."""
        import tflite

        named = [i for i in range(self.sg.TensorsLength()) if self.name(i) == name]
        if len(named) != 1:
            raise UnsupportedModelError(f"layer '{layer}': {len(named)} TFLite tensors are named '{name}'; "
                                        "cannot tell which to prune", hint="leave the layer dense with --exclude")
        index = named[0]
        if self._stored(index):
            return index, "<f4"
        for i in range(self.sg.OperatorsLength()):
            op = self.sg.Operators(i)
            code = self.root.OperatorCodes(op.OpcodeIndex())
            builtin = max(code.BuiltinCode(), code.DeprecatedBuiltinCode())
            if (op.OutputsLength() and op.Outputs(0) == index and builtin == tflite.BuiltinOperator.DEQUANTIZE
                    and self.sg.Tensors(op.Inputs(0)).Type() == tflite.TensorType.FLOAT16
                    and self._stored(op.Inputs(0))):
                return op.Inputs(0), "<f2"
        raise UnsupportedModelError(f"layer '{layer}': cannot find where the weights '{name}' are stored",
                                    hint="leave the layer dense with --exclude")

    def write(self, pruned: list[_Pruned]) -> bytes:
        """The file with each pruned weight buffer overwritten in place (same size)."""
        out = bytearray(self.data)
        for p in pruned:
            assert p.storage is not None
            index, dtype = p.storage
            buffer = self.sg.Tensors(index).Buffer()
            if sum(self.sg.Tensors(i).Buffer() == buffer for i in range(self.sg.TensorsLength())) > 1:
                raise UnsupportedModelError(f"layer '{p.record.layer}': its weight buffer is shared with another "
                                            "tensor", hint="leave the layer dense with --exclude")
            buf = self.root.Buffers(buffer)
            if buf.Offset():
                start, size = buf.Offset(), buf.Size()
            else:
                vector = buf._tab.Offset(4)
                start, size = buf._tab.Vector(vector), buf._tab.VectorLen(vector)
            mask = _source_layout(p.mask_oihw, "tflite")
            if size != mask.size * np.dtype(dtype).itemsize:
                raise UnsupportedModelError(f"layer '{p.record.layer}': its weight buffer holds {size} bytes, "
                                            f"not {mask.size} {np.dtype(dtype).name} weights")
            value = np.frombuffer(self.data, dtype=dtype, count=mask.size, offset=start).reshape(mask.shape)
            out[start:start + size] = np.where(mask, value, 0).astype(dtype).tobytes()
        return bytes(out)


def _atomic_write(path: Path, data: bytes) -> None:
    """Writes through a temporary file in the same directory: a failure leaves nothing half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def output_drift(dense: Path, pruned: Path, graph: Graph, fmt: str) -> list[OutputDrift]:
    """Max |pruned - dense| and max |dense| per output over sample inputs, both models run by the reference."""
    from rvpack.sdk import reference
    from rvpack.sdk.bundle.manifest import TensorSpec

    specs = [TensorSpec(name, name, graph.tensors[name].dtype.name, list(graph.tensors[name].shape or ()), "")
             for name in graph.inputs]
    change = [0.0] * len(graph.outputs)
    scale = [0.0] * len(graph.outputs)
    for seed in DRIFT_SEEDS:
        inputs = reference.make_inputs(specs, seed=seed)
        before = reference.run_reference(dense, fmt, graph.inputs, inputs)
        after = reference.run_reference(pruned, fmt, graph.inputs, inputs)
        for i, (b, a) in enumerate(zip(before, after)):
            b64, a64 = np.asarray(b, np.float64), np.asarray(a, np.float64)
            change[i] = max(change[i], float(np.max(np.abs(a64 - b64))) if b64.size else 0.0)
            scale[i] = max(scale[i], float(np.max(np.abs(b64))) if b64.size else 0.0)
    return [OutputDrift(name, c, s) for name, c, s in zip(graph.outputs, change, scale)]
