"""Structural verification of a TFLite flatbuffer before anything reads it.

The `tflite` schema bindings trust the file: a corrupt offset, length or
index makes them read past the end (struct.error), return garbage, or index
out of range deep inside the importer. This verifier walks every table,
vector and string of the schema subset rvpack reads (Model, OperatorCode,
SubGraph, Tensor with its quantization and sparsity, Operator with its
builtin options, Buffer) with the checks of flatbuffers' own verifier: each
table's vtable and object lie inside the file, each field inside its object,
each vector's elements and each string (valid UTF-8) inside the file. Then
the references between them: tensor, buffer and opcode indices in range,
shapes non-negative and within the element limit, constant buffers the size
their shape and type say. A failure names the file and the field.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rvpack.sdk.errors import ModelLoadError, short_shape

# Field layouts of the tables rvpack reads: field index -> kind. Kinds:
# "table:<Name>", "union:<type field index>", "vector:<elem size>",
# "vtables:<Name>" (vector of tables), "string", or a scalar size in bytes.
_SCHEMA: dict[str, dict[int, str | int]] = {
    "Model": {0: 4, 1: "vtables:OperatorCode", 2: "vtables:SubGraph", 3: "string", 4: "vtables:Buffer",
              5: "vector:4"},
    "OperatorCode": {0: 1, 1: "string", 2: 4, 3: 4},
    "SubGraph": {0: "vtables:Tensor", 1: "vector:4", 2: "vector:4", 3: "vtables:Operator", 4: "string"},
    "Tensor": {0: "vector:4", 1: 1, 2: 4, 3: "string", 4: "table:QuantizationParameters", 5: 1,
               6: "table:SparsityParameters", 7: "vector:4"},
    "QuantizationParameters": {0: "vector:4", 1: "vector:4", 2: "vector:4", 3: "vector:8", 4: 1, 6: 4},
    "SparsityParameters": {0: "vector:4", 1: "vector:4", 2: "vtables:DimensionMetadata"},
    "DimensionMetadata": {0: 1, 1: 4, 2: 1, 3: "union:2", 4: 1, 5: "union:4"},
    "Operator": {0: 4, 1: "vector:4", 2: "vector:4", 3: 1, 4: "union:3", 5: "vector:1", 6: 1, 7: "vector:1",
                 8: "vector:4"},
    "Buffer": {0: "vector:1", 1: 8, 2: 8},
}
# SparseIndexVector: Int32Vector, Uint16Vector, Uint8Vector; each { values:[T] }.
_SPARSE_INDEX = {1: 4, 2: 2, 3: 1}
# tflite.TensorType -> bytes per element, for the fixed-size types (not
# STRING, RESOURCE, VARIANT or packed INT4).
_TYPE_SIZES = {0: 4, 1: 2, 2: 4, 3: 1, 4: 8, 6: 1, 7: 2, 8: 8, 9: 1, 10: 8, 11: 16, 12: 8, 15: 4, 16: 2}


MAX_RANK = 16  # TFLite's own kernels stop at 6 dimensions


class _Invalid(Exception):
    pass


@dataclass(frozen=True)
class VerifyLimits:
    max_elements: int


class _Verifier:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.size = len(data)

    def u32(self, at: int) -> int:
        self.need(at, 4)
        return struct.unpack_from("<I", self.data, at)[0]

    def i32(self, at: int) -> int:
        self.need(at, 4)
        return struct.unpack_from("<i", self.data, at)[0]

    def u16(self, at: int) -> int:
        self.need(at, 2)
        return struct.unpack_from("<H", self.data, at)[0]

    def need(self, at: int, n: int) -> None:
        if at < 0 or n < 0 or at + n > self.size:
            raise _Invalid(f"reaches byte {at + n} of a {self.size}-byte file")

    def table(self, at: int, name: str, where: str, depth: int = 0) -> None:
        if depth > 16:
            raise _Invalid(f"{where}: tables nest too deeply")
        self.need(at, 4)
        vtable = at - self.i32(at)
        vsize = self.u16(vtable)
        tsize = self.u16(vtable + 2)
        if vsize < 4 or vsize % 2:
            raise _Invalid(f"{where}: vtable size {vsize}")
        self.need(vtable, vsize)
        self.need(at, tsize)
        schema = _SCHEMA.get(name, {})
        fields = (vsize - 4) // 2
        for index in range(fields):
            offset = self.u16(vtable + 4 + 2 * index)
            if offset == 0:
                continue
            if offset >= tsize:
                raise _Invalid(f"{where}: field {index} lies outside its table")
            kind = schema.get(index, 1)
            field = f"{where}.{index}"
            if isinstance(kind, int):
                self.need(at + offset, kind)
                continue
            target = at + offset + self.u32(at + offset)
            if kind == "string":
                length = self.u32(target)
                self.need(target + 4, length)
                try:
                    self.data[target + 4:target + 4 + length].decode("utf-8")
                except UnicodeDecodeError:
                    raise _Invalid(f"{field}: a name that is not UTF-8") from None
            elif kind.startswith("vector:"):
                self.need(target + 4, self.u32(target) * int(kind.split(":")[1]))
            elif kind.startswith("vtables:"):
                sub = kind.split(":")[1]
                count = self.u32(target)
                self.need(target + 4, 4 * count)
                for i in range(count):
                    element = target + 4 + 4 * i
                    self.table(element + self.u32(element), sub, f"{sub}[{i}]", depth + 1)
            elif kind.startswith("table:"):
                sub = kind.split(":")[1]
                self.table(target, sub, f"{where}.{sub}", depth + 1)
            elif kind.startswith("union:"):
                type_offset = self.u16(vtable + 4 + 2 * int(kind.split(":")[1]))
                union_type = self.data[at + type_offset] if type_offset and type_offset < tsize else 0
                if name == "DimensionMetadata":
                    size = _SPARSE_INDEX.get(union_type)
                    if size is None:
                        raise _Invalid(f"{field}: sparse index vector of unknown type {union_type}")
                    self.table(target, "IndexVector", field, depth + 1)
                    self._index_vector(target, size, field)
                else:  # builtin options: scalar fields only (the ones rvpack reads)
                    self.table(target, "Options", field, depth + 1)

    def _index_vector(self, at: int, size: int, where: str) -> None:
        vtable = at - self.i32(at)
        if self.u16(vtable) > 4 and self.u16(vtable + 4):
            values = at + self.u16(vtable + 4)
            target = values + self.u32(values)
            self.need(target + 4, self.u32(target) * size)


def verify_tflite(path: Path, data: bytes, max_elements: int) -> None:
    """Raises ModelLoadError naming the file and field if `data` is not a sound TFLite model."""
    try:
        if len(data) < 8 or data[4:8] != b"TFL3":
            raise _Invalid("no TFL3 identifier")
        v = _Verifier(data)
        v.table(v.u32(0), "Model", "model")
        _check_references(data, max_elements)
    except _Invalid as e:
        raise ModelLoadError(f"{path}: not a valid TFLite file ({e})",
                             hint="the file may be truncated or corrupted; re-download or re-export it") from None


def _check_references(data: bytes, max_elements: int) -> None:
    import tflite

    model = tflite.Model.GetRootAsModel(data, 0)
    if model.SubgraphsLength() < 1:
        raise _Invalid("the model has no subgraph")
    n_buffers, n_codes = model.BuffersLength(), model.OperatorCodesLength()
    for s in range(model.SubgraphsLength()):
        sg = model.Subgraphs(s)
        n = sg.TensorsLength()
        for t in range(n):
            tensor = sg.Tensors(t)
            where = f"subgraph {s} tensor {t}"
            shape = tensor.ShapeAsNumpy() if tensor.ShapeLength() else np.zeros(0, np.int32)
            if len(shape) > MAX_RANK:
                raise _Invalid(f"{where}: a shape of {len(shape)} dimensions (at most {MAX_RANK})")
            if np.any(shape < 0):
                raise _Invalid(f"{where}: negative dimension in shape {short_shape(shape)}")
            elements = int(np.prod(shape.astype(np.int64), dtype=np.float64)) if len(shape) else 1
            if elements > max_elements:
                raise _Invalid(f"{where}: {elements} elements, more than the limit of {max_elements} "
                               "(raise it with --max-elements)")
            if not 0 <= tensor.Buffer() < max(n_buffers, 1):
                raise _Invalid(f"{where}: buffer index {tensor.Buffer()} of {n_buffers}")
            buf = model.Buffers(tensor.Buffer()) if n_buffers else None
            if buf is not None and buf.Offset() and buf.Offset() + buf.Size() > len(data):
                raise _Invalid(f"{where}: its buffer lies past the end of the file")
            stored = buf.Size() if buf is not None and buf.Offset() else (buf.DataLength() if buf is not None else 0)
            if stored and tensor.Sparsity() is None and tensor.Type() in _TYPE_SIZES:
                if stored != elements * _TYPE_SIZES[tensor.Type()]:
                    raise _Invalid(f"{where}: buffer of {stored} bytes for {elements} elements of type "
                                   f"{tensor.Type()}")
        for name, count, get in (("input", sg.InputsLength(), sg.Inputs), ("output", sg.OutputsLength(), sg.Outputs)):
            for k in range(count):
                if not 0 <= get(k) < n:
                    raise _Invalid(f"subgraph {s} {name} {k}: tensor index {get(k)} of {n}")
        for o in range(sg.OperatorsLength()):
            op = sg.Operators(o)
            where = f"subgraph {s} operator {o}"
            if not 0 <= op.OpcodeIndex() < n_codes:
                raise _Invalid(f"{where}: opcode index {op.OpcodeIndex()} of {n_codes}")
            for k in range(op.InputsLength()):
                if not -1 <= op.Inputs(k) < n:
                    raise _Invalid(f"{where}: input tensor index {op.Inputs(k)} of {n}")
            for k in range(op.OutputsLength()):
                if not 0 <= op.Outputs(k) < n:
                    raise _Invalid(f"{where}: output tensor index {op.Outputs(k)} of {n}")
