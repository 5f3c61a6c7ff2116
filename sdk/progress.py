"""Progress reporting: the SDK never prints; it calls a callback the CLI renders."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional


@dataclass(frozen=True)
class ProgressEvent:
    stage: str  # "import", "optimize", "codegen", "build", "run", "reference", ...
    message: str
    completed: int | None = None
    total: int | None = None
    done: bool = False  # the stage finished


ProgressFn = Optional[Callable[[ProgressEvent], None]]


def report(fn: ProgressFn, stage: str, message: str, completed: int | None = None, total: int | None = None,
           done: bool = False) -> None:
    if fn is not None:
        fn(ProgressEvent(stage, message, completed, total, done))
