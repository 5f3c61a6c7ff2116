"""Errors the SDK raises. The CLI maps every RvpackError to one clear line.

Each error says what is wrong (naming the node, file or option) and, in
`hint`, what to do about it.
"""

from __future__ import annotations


class RvpackError(Exception):
    """Base of every error the user can cause or fix."""

    exit_code = 1

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  hint: {self.hint}" if self.hint else self.message


class ModelLoadError(RvpackError):
    """The model file is missing, truncated, or not ONNX/TFLite."""


class UnsupportedModelError(RvpackError):
    """The model is valid but uses something rvpack cannot compile."""

    # Problems listed in the message; the CLI's --verbose lifts the cap.
    max_listed: int | None = 8

    def __init__(self, message: str, problems: list[str] | None = None, hint: str = "") -> None:
        super().__init__(message, hint)
        self.problems = problems or []

    def __str__(self) -> str:
        shown = self.problems if self.max_listed is None else self.problems[:self.max_listed]
        lines = [self.message + ":"] + [f"  - {p}" for p in shown]
        if len(shown) < len(self.problems):
            lines.append(f"  ... and {len(self.problems) - len(shown)} more (--verbose lists them all)")
        if self.hint:
            lines.append(f"  hint: {self.hint}")
        return "\n".join(lines) if self.problems else super().__str__()


def short_shape(shape) -> str:
    """A shape for a message: its first dimensions if it has many (corrupt files declare thousands)."""
    dims = [int(d) for d in shape]
    return "[" + ", ".join(map(str, dims[:8])) + (f", ... ({len(dims)} dims)" if len(dims) > 8 else "") + "]"


class RootCauses:
    """Problems of a pass over many nodes, kept to their root causes: a node
    that fails while reading the output of a node that failed is counted as a
    consequence, not listed (one unsupported operator early in a model would
    otherwise make every node after it a line of the error)."""

    def __init__(self) -> None:
        self.roots: list[str] = []
        self.consequences = 0
        self._failed: set = set()

    def failed(self, inputs, outputs, problem: str) -> None:
        if any(i in self._failed for i in inputs):
            self.consequences += 1
        else:
            self.roots.append(problem)
        self._failed.update(outputs)

    def raise_if_any(self, subject: str, what: str, hint: str = "") -> None:
        """Raises "<subject>: N <what> node(s) (and M more nodes that depend on them)"."""
        if not self.roots:
            return
        more = f" (and {self.consequences} more node(s) that depend on them)" if self.consequences else ""
        raise UnsupportedModelError(f"{subject}: {len(self.roots)} {what} node(s){more}", self.roots, hint=hint)


class ShapeError(RvpackError):
    """Shapes are dynamic or inconsistent where a static shape is needed."""


class UnsupportedTargetError(RvpackError):
    """Unknown target, or one not buildable yet."""


class InputError(RvpackError):
    """A user-provided input file does not match the model."""


class OutputExistsError(RvpackError):
    """The output path exists and --force was not given."""


class ToolMissingError(RvpackError):
    """A required tool (Bazel, zig, QEMU, ...) is not installed."""


class BuildError(RvpackError):
    """Bazel or the compiler failed."""


class RunError(RvpackError):
    """The bundle failed when it ran."""


class BundleError(RvpackError):
    """A path is not a valid rvpack bundle."""
