"""The stages of the SDK import only the stages before them, and no module
imports itself back through others (docs/ARCHITECTURE.md):

    errors, progress, version, resources
    -> ir, bundle (the shared data model) -> frontend -> passes -> plan
    -> codegen -> targets -> build -> runners, reference
    -> compiler, bench, bench_plot, tune, kernel_bench, sparse_bench, prune, quantize, doctor, zoo -> cli

Every import counts, also those inside functions (deferred for start-up
time, not to hide a dependency)."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LAYERS = [
    {"errors", "progress", "version", "resources"},
    {"ir", "bundle"},
    {"frontend"},
    {"passes"},
    {"plan"},
    {"codegen"},
    {"targets"},
    {"build"},
    {"runners", "reference"},
    {"compiler", "bench", "bench_plot", "tune", "kernel_bench", "sparse_bench", "prune", "quantize", "doctor",
     "zoo"},
    {"cli"},
]


def module_name(path: Path) -> str:
    rel = path.relative_to(REPO).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return "rvpack." + ".".join(parts)


def stage(module: str) -> str:
    """The stage of rvpack.sdk.<stage>... or rvpack.cli..."""
    parts = module.split(".")
    return "cli" if parts[1] == "cli" else parts[2] if len(parts) > 2 else "sdk"


def layer(module: str) -> int:
    s = stage(module)
    for i, names in enumerate(LAYERS):
        if s in names:
            return i
    raise AssertionError(f"{module}: stage '{s}' has no place in LAYERS (add it to this test and the docs)")


def imports_of(path: Path, known: set[str]) -> set[str]:
    """The rvpack modules `path` imports (a `from pkg import name` of a submodule counts as that submodule)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("rvpack.")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("rvpack."):
            subs = {f"{node.module}.{a.name}" for a in node.names} & known
            found |= subs or {node.module}
    return {m if m in known else _owner(m, known) for m in found}


def _owner(module: str, known: set[str]) -> str:
    while module not in known and "." in module:
        module = module.rsplit(".", 1)[0]
    return module


def import_graph() -> dict[str, set[str]]:
    files = sorted((REPO / "sdk").rglob("*.py")) + sorted((REPO / "cli").rglob("*.py"))
    paths = {module_name(f): f for f in files}
    known = set(paths)
    return {m: imports_of(f, known) - {m} for m, f in paths.items()}


def violations(graph: dict[str, set[str]]) -> list[str]:
    wrong = []
    for module, imported in graph.items():
        if stage(module) == "sdk":
            continue
        for other in imported:
            if stage(other) != "sdk" and layer(other) > layer(module):
                wrong.append(f"{module} (stage {stage(module)}) imports {other} (stage {stage(other)})")
    return sorted(wrong)


def cycles(graph: dict[str, set[str]]) -> list[str]:
    found = []
    state: dict[str, int] = {}  # 1: on the stack, 2: done

    def visit(module: str, stack: list[str]) -> None:
        state[module] = 1
        stack.append(module)
        for other in sorted(graph.get(module, ())):
            if state.get(other) == 1:
                found.append(" -> ".join(stack[stack.index(other):] + [other]))
            elif other not in state:
                visit(other, stack)
        stack.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [])
    return found


def test_every_stage_has_a_layer():
    for module in import_graph():
        if stage(module) != "sdk":
            layer(module)


def test_imports_follow_the_stage_order():
    wrong = violations(import_graph())
    assert not wrong, "\n".join(wrong)


def test_no_import_cycles():
    found = cycles(import_graph())
    assert not found, "\n".join(found)


def test_the_checks_catch_a_backward_import_and_a_cycle(tmp_path):
    f = tmp_path / "lower.py"
    f.write_text("def f():\n    from rvpack.cli import app\n")
    graph = {"rvpack.sdk.codegen.lower": imports_of(f, {"rvpack.cli.app"}), "rvpack.cli.app": set()}
    assert violations(graph) == ["rvpack.sdk.codegen.lower (stage codegen) imports rvpack.cli.app (stage cli)"]
    assert cycles({"rvpack.sdk.ir.a": {"rvpack.sdk.ir.b"}, "rvpack.sdk.ir.b": {"rvpack.sdk.ir.a"}}) == [
        "rvpack.sdk.ir.a -> rvpack.sdk.ir.b -> rvpack.sdk.ir.a"]
