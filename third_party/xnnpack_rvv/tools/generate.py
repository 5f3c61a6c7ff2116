#!/usr/bin/env python3
"""Generates the xnnpack_rvv microkernel variants from their templates.

    python third_party/xnnpack_rvv/tools/generate.py          # rewrite every generated file
    python third_party/xnnpack_rvv/tools/generate.py --check  # exit 1 if any is stale

A microkernel family is a folder src/<family>/ holding, as data:
  family.json        what its registry entries mean (below)
  <family>.inc       the registry: the only hand-edited list of its variants,
                     one `MACRO(P1, P2, ..., name)` line per kernel
  <template>         the kernel template, <header>.in the header template
and gen/, where this script writes one kernel per registry entry; it also
writes include/rvpack_rvv/<header> and deletes generated kernels no longer
listed. Output depends only on these files (deterministic). Adding a family
takes a new folder (and its operator driver in the runtime), no code here.

family.json:
  macro     the registry macro, e.g. "RVPACK_UKERNEL"
  params    the integer parameters in macro order, each with "values" (the
            allowed list) or "min"/"max"
  derived   more template parameters, as Python expressions of the others
            (in order; e.g. "KUNROLL": "2 if (MR + 2) * LMUL <= 32 else 1")
  checks    [{"require": expr, "message": f-string}]: register budgets etc.
  template, header, name, file: the kernel template, the header's name, and
            the kernel's C name and gen/ file name as f-strings of the params
The template gets every parameter plus FN (the name); the header template
gets UKERNELS (the registry, in order).

Templates use a small subset of XNNPACK's xngen language, with explicit block
ends: a line whose first non-blank character is `$` is a directive --
`$for x in expr:`, `$if expr:`, `$elif expr:`, `$else:` open blocks that
`$endfor` / `$endif` close, `$# ...` is a comment, any other `$stmt` is a
Python statement (e.g. `$VEC = f"vfloat32m{LMUL}_t"`). In other lines
`${expr}` is replaced by the value of a Python expression. No dependencies.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]  # third_party/xnnpack_rvv
SRC = ROOT / "src"
INCLUDE = ROOT / "include" / "rvpack_rvv"

# The register budgets of the families' family.json, for their tests.
VECTOR_REGISTERS = 32
DWCONV_VECTOR_REGISTERS = 24  # v0-v7 stay free for the depthwise kernels' edge masks

_EXPR_RE = re.compile(r"\$\{([^}]*)\}")


class GenerateError(Exception):
    """A malformed family description, registry entry or template."""


def _eval(expr: str, params: dict[str, Any], where: str) -> Any:
    try:
        return eval(expr, {"__builtins__": {}}, dict(params))  # noqa: S307 (our own family files)
    except Exception as e:
        raise GenerateError(f"{where}: cannot evaluate {expr!r}: {e}") from None


def _format(pattern: str, params: dict[str, Any], where: str) -> str:
    return str(_eval("f" + repr(pattern), params, where))


@dataclass(frozen=True)
class Family:
    """One microkernel family, as its src/<key>/family.json describes it."""

    key: str  # "f32-gemm": the folder and the prefix of the generated files
    macro: str
    params: dict[str, dict[str, Any]]
    derived: dict[str, str]
    checks: list[dict[str, str]]
    template_name: str
    header_name: str
    name_pattern: str
    file_pattern: str
    description: str = ""

    @staticmethod
    def load(folder: Path) -> "Family":
        path = folder / "family.json"
        try:
            data = json.loads(path.read_text())
            return Family(folder.name, data["macro"], data["params"], data.get("derived", {}), data.get("checks", []),
                          data["template"], data["header"], data["name"], data["file"], data.get("description", ""))
        except (OSError, ValueError, KeyError) as e:
            raise GenerateError(f"{path}: not a valid family description ({type(e).__name__}: {e})") from None

    @property
    def dir(self) -> Path:
        return SRC / self.key

    @property
    def inc(self) -> Path:
        return self.dir / f"{self.key}.inc"

    @property
    def template(self) -> Path:
        return self.dir / self.template_name

    @property
    def header_template(self) -> Path:
        return self.dir / f"{self.header_name}.in"

    @property
    def header(self) -> Path:
        return INCLUDE / self.header_name

    @property
    def gen_dir(self) -> Path:
        return self.dir / "gen"

    def entry_re(self) -> re.Pattern[str]:
        ints = r"\s*,\s*".join([r"(\d+)"] * len(self.params))
        return re.compile(rf"^{self.macro}\(\s*{ints}\s*,\s*(\w+)\s*\)\s*$")

    def ukernel_name(self, **params: int) -> str:
        return _format(self.name_pattern, params, self.key)


@dataclass(frozen=True)
class Ukernel:
    """One registry entry: its family, name and template parameters (the
    registry's, then the derived ones). Parameters read as lower-case
    attributes: uk.mr, uk.lmul, uk.kunroll, uk.vector_registers, ..."""

    family: Family
    name: str
    params: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, attr: str) -> Any:
        params = self.__dict__.get("params", {})
        if attr.upper() in params:
            return params[attr.upper()]
        raise AttributeError(attr)

    @property
    def gen_file(self) -> str:
        return _format(self.family.file_pattern, self.params, self.family.key)

    def template_params(self) -> dict[str, Any]:
        return {**self.params, "FN": self.name}


def discover_families() -> list[Family]:
    """Every src/<family>/ with a family.json, in name order."""
    return [Family.load(d) for d in sorted(SRC.iterdir()) if (d / "family.json").is_file()]


def family(key: str) -> Family:
    return Family.load(SRC / key)


def read_registry(fam: Family, path: Path | None = None) -> list[Ukernel]:
    """Parses a family's .inc (comments // and blank lines skipped) and checks
    every entry against family.json."""
    path = fam.inc if path is None else path
    entry = fam.entry_re()
    names = list(fam.params)
    usage = f"{fam.macro}({', '.join(names)}, name)"
    ukernels: list[Ukernel] = []
    for lineno, raw in enumerate(path.read_text().splitlines(), 1):
        line = raw.split("//", 1)[0].strip()
        if not line:
            continue
        m = entry.match(line)
        if m is None:
            raise GenerateError(f"{path}:{lineno}: expected {usage}, got {raw!r}")
        params: dict[str, Any] = {n: int(v) for n, v in zip(names, m.groups()[:-1])}
        name = m.groups()[-1]
        where = f"{path}:{lineno}: {name}"
        for n, rule in fam.params.items():
            v = params[n]
            if "values" in rule and v not in rule["values"]:
                raise GenerateError(f"{where}: {n} {v} is not one of {tuple(rule['values'])}")
            if "min" in rule and "max" in rule and not rule["min"] <= v <= rule["max"]:
                raise GenerateError(f"{where}: {n} must be in {rule['min']}..{rule['max']}")
            if "min" in rule and v < rule["min"]:
                raise GenerateError(f"{where}: {n} must be >= {rule['min']}")
            if "max" in rule and v > rule["max"]:
                raise GenerateError(f"{where}: {n} must be <= {rule['max']}")
        for n, expr in fam.derived.items():
            params[n] = _eval(expr, params, f"{fam.key}/family.json derived {n}")
        for check in fam.checks:
            if not _eval(check["require"], params, f"{fam.key}/family.json check"):
                raise GenerateError(f"{where}: {_format(check['message'], params, fam.key)}")
        expected = fam.ukernel_name(**params)
        if name != expected:
            raise GenerateError(f"{where}: the name must be {expected}")
        if any(u.name == name for u in ukernels):
            raise GenerateError(f"{where}: listed twice")
        ukernels.append(Ukernel(fam, name, params))
    if not ukernels:
        raise GenerateError(f"{path}: no {fam.macro} entries")
    return ukernels


# Readers of the three families' registries, by name (tests and benchmarks use them).
def read_gemm_registry(path: Path | None = None) -> list[Ukernel]:
    return read_registry(family("f32-gemm"), path)


def read_convgemm_registry(path: Path | None = None) -> list[Ukernel]:
    return read_registry(family("f32-convgemm"), path)


def read_dwconv2d_chw_registry(path: Path | None = None) -> list[Ukernel]:
    return read_registry(family("f32-dwconv2d-chw"), path)


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
    for fam in discover_families():
        ukernels = read_registry(fam)
        for uk in ukernels:
            outputs[fam.gen_dir / uk.gen_file] = expand(fam.template, uk.template_params())
        outputs[fam.header] = expand(fam.header_template, {"UKERNELS": ukernels})
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
    for fam in discover_families():
        for path in sorted(fam.gen_dir.glob("*.c")):
            if path not in outputs:
                problems.append(f"not in {fam.inc.name}: {path.relative_to(ROOT)}")
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
    for fam in discover_families():
        fam.gen_dir.mkdir(parents=True, exist_ok=True)
        for path in sorted(fam.gen_dir.glob("*.c")):
            if path not in outputs:
                path.unlink()
    for path, text in outputs.items():
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
