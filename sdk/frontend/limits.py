"""Size limits a model must stay within before rvpack spends memory on it:
a corrupt or hostile file can declare a tensor of 2^40 elements, and a
constant-folding step can be asked to materialise gigabytes. Each limit can
be raised from the command line (`--limit NAME=VALUE`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace

from rvpack.sdk.errors import InputError


@dataclass(frozen=True)
class Limits:
    elements: int = 1 << 28  # per tensor (1 GiB of float32)
    weights: int = 2 << 30  # bytes of constant data in the model
    arena: int = 2 << 30  # bytes of the planned activation arena
    fold: int = 1 << 30  # bytes one constant-folding step may produce

    def with_overrides(self, items: list[str]) -> "Limits":
        """NAME=VALUE items (VALUE an integer, bytes may end in K, M or G) over these limits."""
        names = {f.name for f in fields(self)}
        values = {}
        for item in items:
            name, _, text = item.partition("=")
            match = re.fullmatch(r"(\d+)([KMG]?)", text.strip().upper())
            if name not in names or match is None:
                raise InputError(f"--limit {item}: expected NAME=VALUE with NAME one of {', '.join(sorted(names))}",
                                 hint="e.g. --limit elements=500000000 or --limit weights=4G")
            values[name] = int(match[1]) << {"": 0, "K": 10, "M": 20, "G": 30}[match[2]]
        return replace(self, **values)


DEFAULT_LIMITS = Limits()
