#!/usr/bin/env python3
"""Generates the xnnpack_rvv microkernel variants from their templates.

    python third_party/xnnpack_rvv/tools/generate.py          # rewrite every generated file
    python third_party/xnnpack_rvv/tools/generate.py --check  # exit 1 if any is stale

The registry `src/f32-gemm/f32-gemm.inc` (one `RVPACK_UKERNEL(MR, LMUL, name)`
line per kernel) is the only hand-edited list. From it this script writes
`src/f32-gemm/gen/f32-gemm-{MR}x{LMUL}v-minmax-rvv.c` (template
`src/f32-gemm/MRxNRv-rvv.c.in`) and `include/rvpack_rvv/gemm.h` (template
`src/f32-gemm/gemm.h.in`), and deletes generated kernels no longer listed.
Output depends only on the templates and the registry (deterministic).

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
GEMM_DIR = ROOT / "src" / "f32-gemm"
GEMM_INC = GEMM_DIR / "f32-gemm.inc"
GEMM_TEMPLATE = GEMM_DIR / "MRxNRv-rvv.c.in"
GEMM_HEADER_TEMPLATE = GEMM_DIR / "gemm.h.in"
GEMM_GEN = GEMM_DIR / "gen"
GEMM_HEADER = ROOT / "include" / "rvpack_rvv" / "gemm.h"

VECTOR_REGISTERS = 32
LMULS = (1, 2, 4, 8)

_UKERNEL_RE = re.compile(r"^RVPACK_UKERNEL\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\w+)\s*\)\s*$")
_EXPR_RE = re.compile(r"\$\{([^}]*)\}")


class GenerateError(Exception):
    """A malformed registry entry or template."""


@dataclass(frozen=True)
class GemmUkernel:
    mr: int
    lmul: int
    name: str

    @property
    def k_unroll(self) -> int:
        """K steps per main-loop iteration: 2 when a second B vector still fits
        the register file beside the accumulators, else 1."""
        return 2 if (self.mr + 2) * self.lmul <= VECTOR_REGISTERS else 1

    @property
    def gen_file(self) -> str:
        return f"f32-gemm-{self.mr}x{self.lmul}v-minmax-rvv.c"


def gemm_name(mr: int, lmul: int) -> str:
    return f"rvpack_f32_gemm_minmax_ukernel_{mr}x{lmul}v__rvv"


def read_gemm_registry(path: Path = GEMM_INC) -> list[GemmUkernel]:
    """Parses f32-gemm.inc; comments (//) and blank lines are skipped."""
    ukernels: list[GemmUkernel] = []
    for lineno, raw in enumerate(path.read_text().splitlines(), 1):
        line = raw.split("//", 1)[0].strip()
        if not line:
            continue
        m = _UKERNEL_RE.match(line)
        if m is None:
            raise GenerateError(f"{path}:{lineno}: expected RVPACK_UKERNEL(MR, LMUL, name), got {raw!r}")
        uk = GemmUkernel(int(m[1]), int(m[2]), m[3])
        where = f"{path}:{lineno}: {uk.name}"
        if uk.lmul not in LMULS:
            raise GenerateError(f"{where}: LMUL {uk.lmul} is not one of {LMULS}")
        if uk.mr < 1:
            raise GenerateError(f"{where}: MR must be >= 1")
        if (uk.mr + 1) * uk.lmul > VECTOR_REGISTERS:
            raise GenerateError(
                f"{where}: {uk.mr} accumulators + 1 B vector of LMUL {uk.lmul} need "
                f"{(uk.mr + 1) * uk.lmul} vector registers (> {VECTOR_REGISTERS})")
        if uk.name != gemm_name(uk.mr, uk.lmul):
            raise GenerateError(f"{where}: the name must be {gemm_name(uk.mr, uk.lmul)}")
        if any(u.name == uk.name for u in ukernels):
            raise GenerateError(f"{where}: listed twice")
        ukernels.append(uk)
    if not ukernels:
        raise GenerateError(f"{path}: no RVPACK_UKERNEL entries")
    return ukernels


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
    ukernels = read_gemm_registry()
    outputs: dict[Path, str] = {}
    for uk in ukernels:
        outputs[GEMM_GEN / uk.gen_file] = expand(
            GEMM_TEMPLATE, {"MR": uk.mr, "LMUL": uk.lmul, "KUNROLL": uk.k_unroll, "FN": uk.name})
    outputs[GEMM_HEADER] = expand(GEMM_HEADER_TEMPLATE, {"UKERNELS": ukernels})
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
    for path in sorted(GEMM_GEN.glob("*.c")):
        if path not in outputs:
            problems.append(f"not in {GEMM_INC.name}: {path.relative_to(ROOT)}")
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
    GEMM_GEN.mkdir(parents=True, exist_ok=True)
    for path in sorted(GEMM_GEN.glob("*.c")):
        if path not in outputs:
            path.unlink()
    for path, text in outputs.items():
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
