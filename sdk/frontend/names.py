"""Turning model names into C identifiers."""

from __future__ import annotations

import re

_C_KEYWORDS = {
    "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum",
    "extern", "float", "for", "goto", "if", "inline", "int", "long", "register", "restrict", "return",
    "short", "signed", "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void",
    "volatile", "while", "_Bool", "_Complex", "_Imaginary",
}


def c_identifier(name: str) -> str:
    """A valid lowercase C identifier derived from `name` (not necessarily unique)."""
    ident = re.sub(r"[^0-9A-Za-z_]", "_", name).strip("_").lower() or "model"
    ident = re.sub(r"_+", "_", ident)
    if ident[0].isdigit():
        ident = "m_" + ident
    if ident in _C_KEYWORDS:
        ident += "_"
    return ident


def unique_c_identifiers(names: list[str]) -> list[str]:
    """C identifiers for `names`, made unique by numeric suffixes."""
    result, seen = [], set()
    for n in names:
        base = c_identifier(n)
        ident, i = base, 1
        while ident in seen:
            ident, i = f"{base}_{i}", i + 1
        seen.add(ident)
        result.append(ident)
    return result
