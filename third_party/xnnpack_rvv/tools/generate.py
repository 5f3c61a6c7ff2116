#!/usr/bin/env python3
"""Generates the xnnpack_rvv microkernel variants from their templates.

    python third_party/xnnpack_rvv/tools/generate.py          # rewrite every generated file
    python third_party/xnnpack_rvv/tools/generate.py --check  # exit 1 if any is stale

Each microkernel family has one registry, the only hand-edited list of its
variants (one line per kernel: `RVPACK_UKERNEL(MR, LMUL, name)` for the GEMM
families, `RVPACK_DWCONV2D_CHW_UKERNEL(KSIZE, STRIDE, ROWS, LMUL, name)` for
the depthwise convolutions):

  family             registry                                     template              kernels                                                    header
  f32-gemm           src/f32-gemm/f32-gemm.inc                    MRxNRv-rvv.c.in       gen/f32-gemm-{MR}x{LMUL}v-minmax-rvv.c                      include/rvpack_rvv/gemm.h
  f32-convgemm       src/f32-convgemm/f32-convgemm.inc            MRxNRv-rvv.c.in       gen/f32-convgemm-{MR}x{LMUL}v-minmax-rvv.c                  include/rvpack_rvv/convgemm.h
  f32-dwconv2d-chw   src/f32-dwconv2d-chw/f32-dwconv2d-chw.inc    KxKsS-rvv.c.in        gen/f32-dwconv2d-chw-{K}x{K}s{S}-{ROWS}x{LMUL}v-minmax-rvv.c  include/rvpack_rvv/dwconv2d_chw.h

From it this script writes one kernel per entry (template
`src/<family>/<template>`) and the header (template
`src/<family>/<header>.h.in`), and deletes generated kernels no longer listed.
Output depends only on the templates and the registries (deterministic).

Templates use a small subset of XNNPACK's xngen language, with explicit block
ends: a line whose first non-blank character is `$` is a directive --
`$for x in expr:`, `$if expr:`, `$elif expr:`, `$else:` open blocks that
`$endfor` / `$endif` close, `$# ...` is a comment, any other `$stmt` is a
Python statement (e.g. `$VEC = f"vfloat32m{LMUL}_t"`). In other lines
`${expr}` is replaced by the value of a Python expression. No dependencies.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]  # third_party/xnnpack_rvv
SRC = ROOT / "src"
INCLUDE = ROOT / "include" / "rvpack_rvv"

VECTOR_REGISTERS = 32
LMULS = (1, 2, 4, 8)

_UKERNEL_RE = re.compile(r"^RVPACK_UKERNEL\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\w+)\s*\)\s*$")
_EXPR_RE = re.compile(r"\$\{([^}]*)\}")


class GenerateError(Exception):
    """A malformed registry entry or template."""


@dataclass(frozen=True)
class Family:
    """One microkernel family: a folder src/<key>/ with its registry
    (<key>.inc), kernel template (MRxNRv-rvv.c.in), header template and gen/."""

    key: str  # "f32-gemm": the folder and the prefix of the generated files
    op: str  # "gemm": the operation in the kernel names
    header_name: str  # "gemm.h": include/rvpack_rvv/<header_name>, template src/<key>/<header_name>.in

    @property
    def dir(self) -> Path:
        return SRC / self.key

    @property
    def inc(self) -> Path:
        return self.dir / f"{self.key}.inc"

    @property
    def template(self) -> Path:
        return self.dir / "MRxNRv-rvv.c.in"

    @property
    def header_template(self) -> Path:
        return self.dir / f"{self.header_name}.in"

    @property
    def header(self) -> Path:
        return INCLUDE / self.header_name

    @property
    def gen_dir(self) -> Path:
        return self.dir / "gen"

    def ukernel_name(self, mr: int, lmul: int) -> str:
        return f"rvpack_f32_{self.op}_minmax_ukernel_{mr}x{lmul}v__rvv"

    def gen_file(self, mr: int, lmul: int) -> str:
        return f"{self.key}-{mr}x{lmul}v-minmax-rvv.c"


GEMM = Family("f32-gemm", "gemm", "gemm.h")
CONVGEMM = Family("f32-convgemm", "convgemm", "convgemm.h")

# Kept for callers of the first version of this script (f32-gemm only).
GEMM_DIR = GEMM.dir
GEMM_INC = GEMM.inc
GEMM_TEMPLATE = GEMM.template
GEMM_HEADER_TEMPLATE = GEMM.header_template
GEMM_GEN = GEMM.gen_dir
GEMM_HEADER = GEMM.header


@dataclass(frozen=True)
class Ukernel:
    mr: int
    lmul: int
    name: str
    family: Family = GEMM

    @property
    def k_unroll(self) -> int:
        """K steps per main-loop iteration: 2 when a second B vector still fits
        the register file beside the accumulators, else 1."""
        return 2 if (self.mr + 2) * self.lmul <= VECTOR_REGISTERS else 1

    @property
    def vector_registers(self) -> int:
        """Vector registers the kernel keeps live: MR accumulators and
        k_unroll B vectors, LMUL registers each."""
        return (self.mr + self.k_unroll) * self.lmul

    @property
    def gen_file(self) -> str:
        return self.family.gen_file(self.mr, self.lmul)

    def template_params(self) -> dict[str, Any]:
        return {"MR": self.mr, "LMUL": self.lmul, "KUNROLL": self.k_unroll, "FN": self.name}


GemmUkernel = Ukernel


# ---------------------------------------------------------------------------
# f32-dwconv2d-chw: depthwise 2-D convolution of one CHW plane, one kernel per
# (kernel size, stride, output rows per pass, LMUL).

_DWCONV_RE = re.compile(
    r"^RVPACK_DWCONV2D_CHW_UKERNEL\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\w+)\s*\)\s*$")
DWCONV_KSIZES = (3, 5)
DWCONV_STRIDES = (1, 2)
DWCONV_MAX_ROWS = 4
# v0-v7 stay free for the edge masks (one per kernel column, in v0 when used),
# so the accumulators and two input vectors in flight share v8-v31.
DWCONV_VECTOR_REGISTERS = 24


@dataclass(frozen=True)
class DwconvFamily:
    """The f32-dwconv2d-chw family: registry entries
    RVPACK_DWCONV2D_CHW_UKERNEL(KSIZE, STRIDE, ROWS, LMUL, name), template
    KxKsS-rvv.c.in, one header."""

    key: str = "f32-dwconv2d-chw"
    header_name: str = "dwconv2d_chw.h"

    @property
    def dir(self) -> Path:
        return SRC / self.key

    @property
    def inc(self) -> Path:
        return self.dir / f"{self.key}.inc"

    @property
    def template(self) -> Path:
        return self.dir / "KxKsS-rvv.c.in"

    @property
    def header_template(self) -> Path:
        return self.dir / f"{self.header_name}.in"

    @property
    def header(self) -> Path:
        return INCLUDE / self.header_name

    @property
    def gen_dir(self) -> Path:
        return self.dir / "gen"

    @staticmethod
    def ukernel_name(ksize: int, stride: int, rows: int, lmul: int) -> str:
        return f"rvpack_f32_dwconv2d_chw_minmax_ukernel_{ksize}x{ksize}s{stride}_{rows}x{lmul}v__rvv"

    def gen_file(self, ksize: int, stride: int, rows: int, lmul: int) -> str:
        return f"{self.key}-{ksize}x{ksize}s{stride}-{rows}x{lmul}v-minmax-rvv.c"


DWCONV2D_CHW = DwconvFamily()


@dataclass(frozen=True)
class DwconvUkernel:
    """One f32-dwconv2d-chw kernel: a KSIZE x KSIZE depthwise convolution with
    stride STRIDE, ROWS output rows per pass (sharing their input row loads),
    vectors of LMUL registers along the output row."""

    ksize: int
    stride: int
    rows: int
    lmul: int
    name: str
    family: DwconvFamily = DWCONV2D_CHW

    @property
    def input_rows(self) -> int:
        """Input rows one pass of ROWS output rows reads."""
        return (self.rows - 1) * self.stride + self.ksize

    @property
    def vector_registers(self) -> int:
        """ROWS accumulators and two input vectors in flight, LMUL registers
        each (the edge masks live in v0-v7 besides)."""
        return (self.rows + 2) * self.lmul

    @property
    def gen_file(self) -> str:
        return self.family.gen_file(self.ksize, self.stride, self.rows, self.lmul)

    def template_params(self) -> dict[str, Any]:
        return {"KSIZE": self.ksize, "STRIDE": self.stride, "ROWS": self.rows, "LMUL": self.lmul,
                "NIN": self.input_rows, "FN": self.name}


def read_dwconv_registry(family: DwconvFamily, path: Path) -> list[DwconvUkernel]:
    ukernels: list[DwconvUkernel] = []
    for lineno, raw in enumerate(path.read_text().splitlines(), 1):
        line = raw.split("//", 1)[0].strip()
        if not line:
            continue
        m = _DWCONV_RE.match(line)
        if m is None:
            raise GenerateError(
                f"{path}:{lineno}: expected RVPACK_DWCONV2D_CHW_UKERNEL(KSIZE, STRIDE, ROWS, LMUL, name), got {raw!r}")
        uk = DwconvUkernel(int(m[1]), int(m[2]), int(m[3]), int(m[4]), m[5], family)
        where = f"{path}:{lineno}: {uk.name}"
        if uk.ksize not in DWCONV_KSIZES:
            raise GenerateError(f"{where}: KSIZE {uk.ksize} is not one of {DWCONV_KSIZES}")
        if uk.stride not in DWCONV_STRIDES:
            raise GenerateError(f"{where}: STRIDE {uk.stride} is not one of {DWCONV_STRIDES}")
        if not 1 <= uk.rows <= DWCONV_MAX_ROWS:
            raise GenerateError(f"{where}: ROWS must be in 1..{DWCONV_MAX_ROWS}")
        if uk.lmul not in LMULS:
            raise GenerateError(f"{where}: LMUL {uk.lmul} is not one of {LMULS}")
        if uk.vector_registers > DWCONV_VECTOR_REGISTERS:
            raise GenerateError(
                f"{where}: {uk.rows} accumulators + 2 input vectors of LMUL {uk.lmul} need "
                f"{uk.vector_registers} vector registers (> {DWCONV_VECTOR_REGISTERS}: v0-v7 hold the edge masks)")
        expected = family.ukernel_name(uk.ksize, uk.stride, uk.rows, uk.lmul)
        if uk.name != expected:
            raise GenerateError(f"{where}: the name must be {expected}")
        if any(u.name == uk.name for u in ukernels):
            raise GenerateError(f"{where}: listed twice")
        ukernels.append(uk)
    if not ukernels:
        raise GenerateError(f"{path}: no RVPACK_DWCONV2D_CHW_UKERNEL entries")
    return ukernels


FAMILIES = (GEMM, CONVGEMM, DWCONV2D_CHW)


def gemm_name(mr: int, lmul: int) -> str:
    return GEMM.ukernel_name(mr, lmul)


def read_registry(family: Family | DwconvFamily, path: Path | None = None) -> list[Any]:
    """Parses a family's .inc; comments (//) and blank lines are skipped."""
    path = family.inc if path is None else path
    if isinstance(family, DwconvFamily):
        return read_dwconv_registry(family, path)
    ukernels: list[Ukernel] = []
    for lineno, raw in enumerate(path.read_text().splitlines(), 1):
        line = raw.split("//", 1)[0].strip()
        if not line:
            continue
        m = _UKERNEL_RE.match(line)
        if m is None:
            raise GenerateError(f"{path}:{lineno}: expected RVPACK_UKERNEL(MR, LMUL, name), got {raw!r}")
        uk = Ukernel(int(m[1]), int(m[2]), m[3], family)
        where = f"{path}:{lineno}: {uk.name}"
        if uk.lmul not in LMULS:
            raise GenerateError(f"{where}: LMUL {uk.lmul} is not one of {LMULS}")
        if uk.mr < 1:
            raise GenerateError(f"{where}: MR must be >= 1")
        if (uk.mr + 1) * uk.lmul > VECTOR_REGISTERS:
            raise GenerateError(
                f"{where}: {uk.mr} accumulators + 1 B vector of LMUL {uk.lmul} need "
                f"{(uk.mr + 1) * uk.lmul} vector registers (> {VECTOR_REGISTERS})")
        if uk.name != family.ukernel_name(uk.mr, uk.lmul):
            raise GenerateError(f"{where}: the name must be {family.ukernel_name(uk.mr, uk.lmul)}")
        if any(u.name == uk.name for u in ukernels):
            raise GenerateError(f"{where}: listed twice")
        ukernels.append(uk)
    if not ukernels:
        raise GenerateError(f"{path}: no RVPACK_UKERNEL entries")
    return ukernels


def read_gemm_registry(path: Path = GEMM_INC) -> list[Ukernel]:
    """Parses f32-gemm.inc."""
    return read_registry(GEMM, path)


def read_convgemm_registry(path: Path = CONVGEMM.inc) -> list[Ukernel]:
    """Parses f32-convgemm.inc."""
    return read_registry(CONVGEMM, path)


def read_dwconv2d_chw_registry(path: Path = DWCONV2D_CHW.inc) -> list[DwconvUkernel]:
    """Parses f32-dwconv2d-chw.inc."""
    return read_dwconv_registry(DWCONV2D_CHW, path)


def _compile_template(text: str, name: str) -> str:
    """Translates a template into Python source appending lines to `_out`."""
    code: list[str] = []
    stack: list[tuple[str, int]] = []  # (block kind, template line)

    def emit(stmt: str) -> None:
        code.append("    " * len(stack) + stmt)

    for lineno, line in enumerate(text.splitlines(), 1):
        stripped = line.lstrip()
        if stripped.startswith("$") and not stripped.startswith("${"):
            d = stripped[1:].strip()
            kind = d.split(None, 1)[0].rstrip(":") if d else ""
            if d.startswith("#") or not d:
                continue
            if kind in ("for", "if"):
                if not d.endswith(":"):
                    raise GenerateError(f"{name}:{lineno}: '${kind}' needs a trailing ':'")
                emit(d)
                stack.append((kind, lineno))
                emit("pass")
            elif kind in ("elif", "else"):
                if not stack or stack[-1][0] != "if":
                    raise GenerateError(f"{name}:{lineno}: '${kind}' outside '$if'")
                stack.pop()
                emit(d)
                stack.append(("if", lineno))
                emit("pass")
            elif kind in ("endfor", "endif"):
                if not stack or stack[-1][0] != kind[3:]:
                    raise GenerateError(f"{name}:{lineno}: unmatched '${kind}'")
                stack.pop()
            else:
                emit(d)
        else:
            parts: list[str] = []
            pos = 0
            for m in _EXPR_RE.finditer(line):
                if m.start() > pos:
                    parts.append(repr(line[pos:m.start()]))
                parts.append(f"str({m[1]})")
                pos = m.end()
            if pos < len(line) or not parts:
                parts.append(repr(line[pos:]))
            emit(f"_out.append({' + '.join(parts)})  # line {lineno}")
    if stack:
        kind, lineno = stack[-1]
        raise GenerateError(f"{name}:{lineno}: '${kind}' is never closed")
    return "\n".join(code) + "\n"


def expand(template: Path, params: dict[str, Any]) -> str:
    """Expands a template with the given parameters; the result ends in a newline."""
    source = _compile_template(template.read_text(), template.name)
    namespace: dict[str, Any] = dict(params)
    out: list[str] = []
    namespace["_out"] = out
    exec(compile(source, str(template), "exec"), namespace)  # noqa: S102 (our own templates)
    return "\n".join(out) + "\n"


def expected_outputs() -> dict[Path, str]:
    """Every generated file and its content."""
    outputs: dict[Path, str] = {}
    for family in FAMILIES:
        ukernels = read_registry(family)
        for uk in ukernels:
            outputs[family.gen_dir / uk.gen_file] = expand(family.template, uk.template_params())
        outputs[family.header] = expand(family.header_template, {"UKERNELS": ukernels})
    return outputs


def stale_files(outputs: dict[Path, str]) -> list[str]:
    """Generated files that are missing, differ, or are no longer listed."""
    problems = []
    for path, text in outputs.items():
        rel = path.relative_to(ROOT)
        if not path.exists():
            problems.append(f"missing: {rel}")
        elif path.read_text() != text:
            problems.append(f"stale: {rel}")
    for family in FAMILIES:
        for path in sorted(family.gen_dir.glob("*.c")):
            if path not in outputs:
                problems.append(f"not in {family.inc.name}: {path.relative_to(ROOT)}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only check that the generated files are up to date")
    args = parser.parse_args(argv)
    try:
        outputs = expected_outputs()
    except GenerateError as e:
        print(f"generate.py: error: {e}", file=sys.stderr)
        return 2
    if args.check:
        problems = stale_files(outputs)
        for p in problems:
            print(p, file=sys.stderr)
        if problems:
            print("run: python third_party/xnnpack_rvv/tools/generate.py", file=sys.stderr)
            return 1
        return 0
    for family in FAMILIES:
        family.gen_dir.mkdir(parents=True, exist_ok=True)
        for path in sorted(family.gen_dir.glob("*.c")):
            if path not in outputs:
                path.unlink()
    for path, text in outputs.items():
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
