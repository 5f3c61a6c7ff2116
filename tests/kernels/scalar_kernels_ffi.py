"""ctypes bindings for the scalar runtime kernels (runtime/src), for tests.

The Structure classes mirror runtime/include/rvpack/kernels.h field by field;
`layout_probe_source` emits a C file that reports the C compiler's sizeof and
offsetof for every struct so a test can prove the mirror is exact.
"""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
RUNTIME = REPO / "runtime"
INCLUDE = RUNTIME / "include"
SRC = RUNTIME / "src"
RUNNER_MAIN = SRC / "runner_main.c"

ZIG_CC = [sys.executable, "-m", "ziglang", "cc"]

c_int32 = ctypes.c_int32
c_int64 = ctypes.c_int64
c_float = ctypes.c_float

# ---- enums (kernels.h) -------------------------------------------------------
ACT = dict(
    NONE=0, RELU=1, CLAMP=2, LEAKY_RELU=3, SIGMOID=4, TANH=5, HARD_SIGMOID=6, HARD_SWISH=7, EXP=8,
    LOG=9, SQRT=10, NEG=11, ABS=12, RECIPROCAL=13, ELU=14, SOFTPLUS=15, ERF=16, FLOOR=17, CEIL=18,
)
BINARY = dict(ADD=0, SUB=1, MUL=2, DIV=3, MAX=4, MIN=5, POW=6, PRELU=7)
BIAS = dict(NONE=0, PER_COLUMN=1, PER_ROW=2, FULL=3, SCALAR=4)
POOL = dict(MAX=0, AVERAGE=1)
REDUCE = dict(SUM=0, MEAN=1, MAX=2, MIN=3)
RESIZE = dict(NEAREST=0, LINEAR=1)
PAD = dict(CONSTANT=0, REFLECT=1, EDGE=2)
BINARY_MAX_RANK = 6
PAD_MAX_RANK = 6
COPY_MAX_RANK = 8


# ---- structs (kernels.h) -----------------------------------------------------
class Activation(ctypes.Structure):
    _fields_ = [("kind", c_int32), ("a", c_float), ("b", c_float)]


class BinaryParams(ctypes.Structure):
    _fields_ = [
        ("op", c_int32),
        ("rank", c_int32),
        ("shape", c_int32 * BINARY_MAX_RANK),
        ("a_strides", c_int64 * BINARY_MAX_RANK),
        ("b_strides", c_int64 * BINARY_MAX_RANK),
        ("act", Activation),
    ]


class ChannelAffineParams(ctypes.Structure):
    _fields_ = [("batch", c_int32), ("channels", c_int32), ("spatial", c_int32), ("act", Activation)]


class Conv2dParams(ctypes.Structure):
    _fields_ = [
        (name, c_int32)
        for name in (
            "batch", "in_channels", "in_height", "in_width", "out_channels", "out_height", "out_width",
            "kernel_height", "kernel_width", "stride_height", "stride_width", "dilation_height",
            "dilation_width", "pad_top", "pad_left", "groups",
        )
    ] + [("act", Activation)]


class MatmulParams(ctypes.Structure):
    _fields_ = [
        ("batch", c_int32), ("m", c_int32), ("n", c_int32), ("k", c_int32),
        ("a_batch_stride", c_int64), ("b_batch_stride", c_int64), ("y_batch_stride", c_int64),
        ("a_transposed", c_int32), ("b_transposed", c_int32), ("bias_kind", c_int32),
        ("alpha", c_float), ("beta", c_float), ("act", Activation),
    ]


class Pool2dParams(ctypes.Structure):
    _fields_ = [
        (name, c_int32)
        for name in (
            "batch", "channels", "in_height", "in_width", "out_height", "out_width", "kernel_height",
            "kernel_width", "stride_height", "stride_width", "dilation_height", "dilation_width", "pad_top",
            "pad_left", "pad_bottom", "pad_right", "kind", "count_include_pad",
        )
    ] + [("act", Activation)]


class ReduceParams(ctypes.Structure):
    _fields_ = [("outer", c_int32), ("reduce", c_int32), ("inner", c_int32), ("kind", c_int32)]


class SoftmaxParams(ctypes.Structure):
    _fields_ = [("outer", c_int32), ("axis", c_int32), ("inner", c_int32), ("log", c_int32)]


class LrnParams(ctypes.Structure):
    _fields_ = [
        ("batch", c_int32), ("channels", c_int32), ("spatial", c_int32), ("size", c_int32),
        ("alpha", c_float), ("beta", c_float), ("bias", c_float),
    ]


class ResizeParams(ctypes.Structure):
    _fields_ = [
        ("planes", c_int32), ("in_height", c_int32), ("in_width", c_int32), ("out_height", c_int32),
        ("out_width", c_int32), ("mode", c_int32),
        ("y0", ctypes.POINTER(c_int32)), ("y1", ctypes.POINTER(c_int32)), ("y_lambda", ctypes.POINTER(c_float)),
        ("x0", ctypes.POINTER(c_int32)), ("x1", ctypes.POINTER(c_int32)), ("x_lambda", ctypes.POINTER(c_float)),
    ]


class PadParams(ctypes.Structure):
    _fields_ = [
        ("rank", c_int32),
        ("in_shape", c_int32 * PAD_MAX_RANK),
        ("out_shape", c_int32 * PAD_MAX_RANK),
        ("pad_begin", c_int32 * PAD_MAX_RANK),
        ("mode", c_int32),
        ("value", c_float),
    ]


class CopyParams(ctypes.Structure):
    _fields_ = [
        ("rank", c_int32), ("elem_size", c_int32),
        ("shape", c_int32 * COPY_MAX_RANK),
        ("in_strides", c_int64 * COPY_MAX_RANK),
        ("out_strides", c_int64 * COPY_MAX_RANK),
        ("in_offset", c_int64), ("out_offset", c_int64),
    ]


# C struct name for each mirror, for the layout probe.
C_STRUCTS = {
    Activation: "rvpack_activation_t",
    BinaryParams: "rvpack_binary_params_t",
    ChannelAffineParams: "rvpack_channel_affine_params_t",
    Conv2dParams: "rvpack_conv2d_params_t",
    MatmulParams: "rvpack_matmul_params_t",
    Pool2dParams: "rvpack_pool2d_params_t",
    ReduceParams: "rvpack_reduce_params_t",
    SoftmaxParams: "rvpack_softmax_params_t",
    LrnParams: "rvpack_lrn_params_t",
    ResizeParams: "rvpack_resize_params_t",
    PadParams: "rvpack_pad_params_t",
    CopyParams: "rvpack_copy_params_t",
}


def layout_expectations() -> list[int]:
    """sizeof, alignment, then offsetof for each field, per struct (ctypes view)."""
    out: list[int] = []
    for cls in C_STRUCTS:
        out += [ctypes.sizeof(cls), ctypes.alignment(cls)]
        out += [getattr(cls, name).offset for name, _ in cls._fields_]
    return out


def layout_probe_source() -> str:
    """C source defining rvpack_test_layout[], the C compiler's view of the same numbers."""
    items: list[str] = []
    for cls, cname in C_STRUCTS.items():
        items += [f"sizeof({cname})", f"_Alignof({cname})"]
        items += [f"offsetof({cname}, {name})" for name, _ in cls._fields_]
    body = ",\n  ".join(items)
    return (
        "#include <stddef.h>\n#include \"rvpack/kernels.h\"\n"
        f"const size_t rvpack_test_layout_count = {len(items)};\n"
        f"const size_t rvpack_test_layout[] = {{\n  {body}\n}};\n"
    )


# ---- building ------------------------------------------------------------------
def kernel_sources() -> list[Path]:
    return sorted(p for p in SRC.glob("*.c") if p.name != "runner_main.c")


def zig_cc(args: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess:
    proc = subprocess.run(ZIG_CC + args, cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"zig cc {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc


def build_shared_library(out_dir: Path) -> ctypes.CDLL:
    probe = out_dir / "layout_probe.c"
    probe.write_text(layout_probe_source())
    lib_path = out_dir / "librvpack_scalar.so"
    # RVPACK_KERNEL_TEST_CFLAGS adds flags, e.g. "-fsanitize=undefined -fsanitize-trap=undefined".
    extra = os.environ.get("RVPACK_KERNEL_TEST_CFLAGS", "").split()
    zig_cc(
        ["-shared", "-fPIC", "-O2", "-std=c11", "-Wall", "-Wextra", "-Werror", f"-I{INCLUDE}", *extra,
         "-o", str(lib_path)]
        + [str(p) for p in kernel_sources()]
        + [str(probe), "-lm"]
    )
    return bind(ctypes.CDLL(str(lib_path)))


def bind(lib: ctypes.CDLL) -> ctypes.CDLL:
    """Declares argument types so a wrong call fails loudly instead of corrupting memory."""
    P = ctypes.POINTER
    fp = P(c_float)
    vp = ctypes.c_void_p
    sigs = {
        "rvpack_status_string": ([c_int32], ctypes.c_char_p),
        "rvpack_f32_activate": ([P(Activation), c_float], c_float),
        "rvpack_f32_unary__scalar": ([ctypes.c_size_t, fp, fp, P(Activation)], None),
        "rvpack_f32_binary__scalar": ([P(BinaryParams), fp, fp, fp], None),
        "rvpack_f32_channel_affine__scalar": ([P(ChannelAffineParams), fp, fp, fp, fp], None),
        "rvpack_f32_conv2d_nchw__scalar": ([P(Conv2dParams), fp, fp, fp, fp], None),
        "rvpack_f32_conv_transpose2d_nchw__scalar": ([P(Conv2dParams), fp, fp, fp, fp], None),
        "rvpack_f32_matmul__scalar": ([P(MatmulParams), fp, fp, fp, fp], None),
        "rvpack_f32_pool2d_nchw__scalar": ([P(Pool2dParams), fp, fp], None),
        "rvpack_f32_reduce__scalar": ([P(ReduceParams), fp, fp], None),
        "rvpack_f32_softmax__scalar": ([P(SoftmaxParams), fp, fp], None),
        "rvpack_f32_lrn__scalar": ([P(LrnParams), fp, fp], None),
        "rvpack_f32_resize__scalar": ([P(ResizeParams), fp, fp], None),
        "rvpack_f32_pad__scalar": ([P(PadParams), fp, fp], None),
        "rvpack_copy_strided": ([P(CopyParams), vp, vp], None),
        "rvpack_memcpy": ([vp, vp, ctypes.c_size_t], vp),
        "rvpack_memset": ([vp, ctypes.c_int, ctypes.c_size_t], vp),
    }
    for name, (argtypes, restype) in sigs.items():
        fn = getattr(lib, name)
        fn.argtypes = argtypes
        fn.restype = restype
    return lib


def fptr(a: np.ndarray | None):
    """float* into a C-contiguous float32 array (NULL for None)."""
    if a is None:
        return None
    assert a.dtype == np.float32 and a.flags.c_contiguous
    return a.ctypes.data_as(ctypes.POINTER(c_float))


def iptr(a: np.ndarray):
    assert a.dtype == np.int32 and a.flags.c_contiguous
    return a.ctypes.data_as(ctypes.POINTER(c_int32))


def act(kind: str = "NONE", a: float = 0.0, b: float = 0.0) -> Activation:
    return Activation(ACT[kind], a, b)


# ---- oracle: one-node ONNX models run by onnxruntime -----------------------------
def run_onnx_node(op_type: str, inputs: dict[str, np.ndarray], attrs: dict | None = None,
                  n_outputs: int = 1, opset: int = 19, const_inputs: dict[str, np.ndarray] | None = None,
                  input_order: list[str] | None = None, out_dtype=np.float32) -> list[np.ndarray]:
    """Runs one ONNX node on onnxruntime. `inputs` become graph inputs, `const_inputs`
    initializers; `input_order` lists the node's input names ('' for a skipped optional)."""
    import onnx
    import onnxruntime as ort
    from onnx import helper

    const_inputs = const_inputs or {}
    order = input_order or list(inputs) + list(const_inputs)
    def vi(name, arr):
        return helper.make_tensor_value_info(name, helper.np_dtype_to_tensor_dtype(arr.dtype), list(arr.shape))

    outs = [f"out{i}" for i in range(n_outputs)]
    node = helper.make_node(op_type, order, outs, **(attrs or {}))
    graph = helper.make_graph(
        [node], "g",
        [vi(k, v) for k, v in inputs.items()],
        [helper.make_tensor_value_info(o, helper.np_dtype_to_tensor_dtype(np.dtype(out_dtype)), None) for o in outs],
        initializer=[onnx.numpy_helper.from_array(v, k) for k, v in const_inputs.items()],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 9
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    sess = ort.InferenceSession(model.SerializeToString(), opts, providers=["CPUExecutionProvider"])
    return sess.run(None, inputs)


def assert_close(got: np.ndarray, ref: np.ndarray, rtol: float = 1e-5, atol: float = 1e-6) -> None:
    """|got - ref| <= rtol * |ref| + atol * max|ref| (atol relative to the tensor's scale)."""
    assert got.shape == ref.shape, (got.shape, ref.shape)
    finite = np.isfinite(ref)
    scale = float(np.max(np.abs(ref[finite]))) if finite.any() else 0.0
    scale = max(scale, 1.0e-30)
    with np.errstate(invalid="ignore"):
        err = np.abs(got.astype(np.float64) - ref.astype(np.float64))
        bound = rtol * np.abs(ref.astype(np.float64)) + atol * scale
        # Non-finite reference values (inf, nan) must be matched exactly.
        ok = np.where(finite, err <= bound, (got == ref) | (np.isnan(got) & np.isnan(ref)))
    bad = ~ok
    if bad.any():
        i = np.unravel_index(np.argmax(np.where(bad, err, 0)), ref.shape)
        raise AssertionError(
            f"{int(bad.sum())}/{ref.size} elements differ; worst at {i}: got {got[i]!r}, ref {ref[i]!r}"
        )


def assert_exact(got: np.ndarray, ref: np.ndarray) -> None:
    assert got.shape == ref.shape, (got.shape, ref.shape)
    if not np.array_equal(got, ref):
        diff = np.argwhere(got != ref)
        i = tuple(diff[0])
        raise AssertionError(f"{len(diff)}/{ref.size} elements differ; first at {i}: got {got[i]!r}, ref {ref[i]!r}")


# ---- ELF inspection --------------------------------------------------------------
def elf_undefined_symbols(path: Path) -> set[str]:
    """Undefined global symbols of a 64-bit little-endian ELF relocatable object."""
    import struct

    data = Path(path).read_bytes()
    assert data[:4] == b"\x7fELF" and data[4] == 2 and data[5] == 1, "expected ELF64 little-endian"
    e_shoff, = struct.unpack_from("<Q", data, 0x28)
    e_shentsize, e_shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = []
    for i in range(e_shnum):
        # sh_name, sh_type, sh_flags, sh_addr, sh_offset, sh_size, sh_link, sh_info, sh_addralign, sh_entsize
        sections.append(struct.unpack_from("<IIQQQQIIQQ", data, e_shoff + i * e_shentsize))
    undefined = set()
    for sec in sections:
        if sec[1] != 2:  # SHT_SYMTAB
            continue
        offset, size, link, entsize = sec[4], sec[5], sec[6], sec[9]
        str_off = sections[link][4]
        for pos in range(offset, offset + size, entsize):
            st_name, st_info, _other, st_shndx = struct.unpack_from("<IBBH", data, pos)
            if st_shndx == 0 and st_name != 0 and (st_info >> 4) in (1, 2):  # UNDEF, GLOBAL/WEAK
                end = data.index(b"\0", str_off + st_name)
                undefined.add(data[str_off + st_name: end].decode())
    return undefined
