"""A small indent-aware writer for generated C, and C literal formatting."""

from __future__ import annotations

import contextlib
import math
from typing import Iterator

import numpy as np


class CWriter:
    def __init__(self, indent: str = "  ") -> None:
        self._lines: list[str] = []
        self._depth = 0
        self._indent = indent

    def line(self, text: str = "") -> None:
        self._lines.append(self._indent * self._depth + text if text else "")

    def lines(self, text: str) -> None:
        for line in text.splitlines():
            self.line(line)

    @contextlib.contextmanager
    def block(self, opener: str, closer: str = "}") -> Iterator[None]:
        self.line(opener)
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
            self.line(closer)

    def text(self) -> str:
        return "\n".join(self._lines) + "\n"


def c_float(value: float) -> str:
    """A float literal that parses back to exactly the same f32."""
    v = float(np.float32(value))
    if math.isinf(v):
        return "__builtin_inff()" if v > 0 else "-__builtin_inff()"
    if math.isnan(v):
        return "__builtin_nanf(\"\")"
    text = repr(v)
    if "e" not in text and "." not in text:
        text += ".0"
    return text + "f"


def c_string(text: str) -> str:
    """A C string literal (escaped), safe for any model-provided name."""
    out = []
    for ch in text:
        if ch in "\\\"":
            out.append("\\" + ch)
        elif 32 <= ord(ch) < 127 and ch != "?":
            out.append(ch)
        else:
            out.extend(f"\\{b:03o}" for b in ch.encode("utf-8"))
    return '"' + "".join(out) + '"'


def c_comment(text: str) -> str:
    """Text safe to put inside a /* */ comment."""
    return text.replace("*/", "* /").replace("/*", "/ *").replace("\n", " ")
