"""Writes tiny TFLite flatbuffers with the schema's generated builders, for
tests that need a model no package ships (quantized, or one op in isolation)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import flatbuffers
import numpy as np
import tflite

_TYPES = {np.dtype(np.float32): tflite.TensorType.FLOAT32, np.dtype(np.int8): tflite.TensorType.INT8,
          np.dtype(np.int32): tflite.TensorType.INT32, np.dtype(np.uint8): tflite.TensorType.UINT8,
          np.dtype(np.int16): tflite.TensorType.INT16}


@dataclass
class Level:
    """One level of a sparse tensor's storage tree (tflite.DimensionMetadata)."""

    sparse: bool
    dense_size: int = 0  # DENSE: children per node
    segments: list[int] = field(default_factory=list)  # SPARSE_CSR
    indices: list[int] = field(default_factory=list)
    index_type: str = "int32"  # the SparseIndexVector: int32, uint16 or uint8


@dataclass
class Sparsity:
    traversal_order: list[int]
    block_map: list[int]
    levels: list[Level]


@dataclass
class T:
    name: str
    dtype: np.dtype
    shape: tuple[int, ...]
    data: np.ndarray | None = None  # for a sparse tensor: the stored values
    # quantization parameters: one scale/zero point, or one per channel of
    # quantized_dimension
    scale: float | list[float] | None = None
    zero_point: int | list[int] = 0
    quantized_dimension: int = 0
    sparsity: Sparsity | None = None


@dataclass
class Op:
    code: int  # tflite.BuiltinOperator.*
    inputs: list[int]
    outputs: list[int]
    # (tflite.BuiltinOptions.* type, function building the options table in a builder)
    options: tuple[int, Callable[[flatbuffers.Builder], int]] | None = None


@dataclass
class ModelSpec:
    tensors: list[T]
    ops: list[Op]
    inputs: list[int]
    outputs: list[int]
    buffers: list[bytes] = field(default_factory=list)
    op_versions: dict[int, int] = field(default_factory=dict)  # builtin code -> version (int8 ops need >= 2)


def _int_vector(b: flatbuffers.Builder, start, values: list[int]) -> int:
    start(b, len(values))
    for v in reversed(values):
        b.PrependInt32(v)
    return b.EndVector()


_INDEX_VECTORS = {"int32": ("Int32Vector", "PrependInt32"), "uint16": ("Uint16Vector", "PrependUint16"),
                  "uint8": ("Uint8Vector", "PrependUint8")}


def _index_vector(b: flatbuffers.Builder, values: list[int], kind: str) -> tuple[int, int]:
    """(SparseIndexVector type, table offset)."""
    table, prepend = _INDEX_VECTORS[kind]
    getattr(tflite, table + "StartValuesVector")(b, len(values))
    for v in reversed(values):
        getattr(b, prepend)(v)
    vec = b.EndVector()
    getattr(tflite, table + "Start")(b)
    getattr(tflite, table + "AddValues")(b, vec)
    return getattr(tflite.SparseIndexVector, table), getattr(tflite, table + "End")(b)


def _sparsity(b: flatbuffers.Builder, sp: Sparsity) -> int:
    levels = []
    for level in sp.levels:
        seg = idx = None
        if level.sparse:
            seg = _index_vector(b, level.segments, level.index_type)
            idx = _index_vector(b, level.indices, level.index_type)
        tflite.DimensionMetadataStart(b)
        tflite.DimensionMetadataAddFormat(b, tflite.DimensionType.SPARSE_CSR if level.sparse
                                          else tflite.DimensionType.DENSE)
        tflite.DimensionMetadataAddDenseSize(b, level.dense_size)
        if seg is not None and idx is not None:
            tflite.DimensionMetadataAddArraySegmentsType(b, seg[0])
            tflite.DimensionMetadataAddArraySegments(b, seg[1])
            tflite.DimensionMetadataAddArrayIndicesType(b, idx[0])
            tflite.DimensionMetadataAddArrayIndices(b, idx[1])
        levels.append(tflite.DimensionMetadataEnd(b))
    traversal = _int_vector(b, tflite.SparsityParametersStartTraversalOrderVector, sp.traversal_order)
    block_map = _int_vector(b, tflite.SparsityParametersStartBlockMapVector, sp.block_map)
    tflite.SparsityParametersStartDimMetadataVector(b, len(levels))
    for o in reversed(levels):
        b.PrependUOffsetTRelative(o)
    dims = b.EndVector()
    tflite.SparsityParametersStart(b)
    tflite.SparsityParametersAddTraversalOrder(b, traversal)
    tflite.SparsityParametersAddBlockMap(b, block_map)
    tflite.SparsityParametersAddDimMetadata(b, dims)
    return tflite.SparsityParametersEnd(b)


def build(spec: ModelSpec) -> bytes:
    b = flatbuffers.Builder(1024)
    # Buffer 0 is the empty sentinel; constants get their own.
    buffer_data = [b""] + [np.ascontiguousarray(t.data).tobytes() for t in spec.tensors if t.data is not None]
    buffer_offsets = []
    for raw in buffer_data:
        data_vec = b.CreateByteVector(raw) if raw else None
        tflite.BufferStart(b)
        if data_vec is not None:
            tflite.BufferAddData(b, data_vec)
        buffer_offsets.append(tflite.BufferEnd(b))
    tensors, next_buffer = [], 1
    for t in spec.tensors:
        name = b.CreateString(t.name)
        shape = _int_vector(b, tflite.TensorStartShapeVector, list(t.shape))
        quant = None
        if t.scale is not None:
            scales = list(t.scale) if isinstance(t.scale, (list, tuple, np.ndarray)) else [t.scale]
            zps = list(t.zero_point) if isinstance(t.zero_point, (list, tuple, np.ndarray)) else [t.zero_point]
            tflite.QuantizationParametersStartScaleVector(b, len(scales))
            for v in reversed(scales):
                b.PrependFloat32(float(v))
            scale = b.EndVector()
            tflite.QuantizationParametersStartZeroPointVector(b, len(zps))
            for v in reversed(zps):
                b.PrependInt64(int(v))
            zp = b.EndVector()
            tflite.QuantizationParametersStart(b)
            tflite.QuantizationParametersAddScale(b, scale)
            tflite.QuantizationParametersAddZeroPoint(b, zp)
            if t.quantized_dimension:
                tflite.QuantizationParametersAddQuantizedDimension(b, t.quantized_dimension)
            quant = tflite.QuantizationParametersEnd(b)
        sparsity = _sparsity(b, t.sparsity) if t.sparsity is not None else None
        tflite.TensorStart(b)
        tflite.TensorAddShape(b, shape)
        tflite.TensorAddType(b, _TYPES[np.dtype(t.dtype)])
        tflite.TensorAddName(b, name)
        if t.data is not None:
            tflite.TensorAddBuffer(b, next_buffer)
            next_buffer += 1
        else:
            tflite.TensorAddBuffer(b, 0)
        if quant is not None:
            tflite.TensorAddQuantization(b, quant)
        if sparsity is not None:
            tflite.TensorAddSparsity(b, sparsity)
        tensors.append(tflite.TensorEnd(b))
    codes = sorted({op.code for op in spec.ops})
    code_offsets = []
    for code in codes:
        tflite.OperatorCodeStart(b)
        tflite.OperatorCodeAddBuiltinCode(b, code)
        tflite.OperatorCodeAddDeprecatedBuiltinCode(b, min(code, 127))
        tflite.OperatorCodeAddVersion(b, spec.op_versions.get(code, 1))
        code_offsets.append(tflite.OperatorCodeEnd(b))
    ops = []
    for op in spec.ops:
        ins = _int_vector(b, tflite.OperatorStartInputsVector, op.inputs)
        outs = _int_vector(b, tflite.OperatorStartOutputsVector, op.outputs)
        options = op.options[1](b) if op.options else None
        tflite.OperatorStart(b)
        tflite.OperatorAddOpcodeIndex(b, codes.index(op.code))
        tflite.OperatorAddInputs(b, ins)
        tflite.OperatorAddOutputs(b, outs)
        if op.options:
            tflite.OperatorAddBuiltinOptionsType(b, op.options[0])
            tflite.OperatorAddBuiltinOptions(b, options)
        ops.append(tflite.OperatorEnd(b))

    def vector(start, offsets):
        start(b, len(offsets))
        for o in reversed(offsets):
            b.PrependUOffsetTRelative(o)
        return b.EndVector()

    tensor_vec = vector(tflite.SubGraphStartTensorsVector, tensors)
    op_vec = vector(tflite.SubGraphStartOperatorsVector, ops)
    in_vec = _int_vector(b, tflite.SubGraphStartInputsVector, spec.inputs)
    out_vec = _int_vector(b, tflite.SubGraphStartOutputsVector, spec.outputs)
    tflite.SubGraphStart(b)
    tflite.SubGraphAddTensors(b, tensor_vec)
    tflite.SubGraphAddOperators(b, op_vec)
    tflite.SubGraphAddInputs(b, in_vec)
    tflite.SubGraphAddOutputs(b, out_vec)
    subgraph = tflite.SubGraphEnd(b)
    subgraphs = vector(tflite.ModelStartSubgraphsVector, [subgraph])
    code_vec = vector(tflite.ModelStartOperatorCodesVector, code_offsets)
    buf_vec = vector(tflite.ModelStartBuffersVector, buffer_offsets)
    tflite.ModelStart(b)
    tflite.ModelAddVersion(b, 3)
    tflite.ModelAddOperatorCodes(b, code_vec)
    tflite.ModelAddSubgraphs(b, subgraphs)
    tflite.ModelAddBuffers(b, buf_vec)
    b.Finish(tflite.ModelEnd(b), file_identifier=b"TFL3")
    return bytes(b.Output())


def options(kind: str, **fields) -> tuple[int, Callable[[flatbuffers.Builder], int]]:
    """Options table `kind` (e.g. "Conv2DOptions") with fields given by the
    schema's adder names without prefix: options("Conv2DOptions", Padding=0, StrideW=2)."""
    def make(b: flatbuffers.Builder) -> int:
        getattr(tflite, kind + "Start")(b)
        for name, value in fields.items():
            getattr(tflite, f"{kind}Add{name}")(b, value)
        return getattr(tflite, kind + "End")(b)

    return getattr(tflite.BuiltinOptions, kind), make
