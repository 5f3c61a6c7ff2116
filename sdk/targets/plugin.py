"""What a kernel ISA brings: the plugin half of a target.

A target is one registry row (sdk/targets/registry.py: ISA string, compiler
flags, emulator, VLEN rule) that names its kernel ISA; the kernel ISA is one
package (sdk/targets/<isa>/) exporting KERNEL_ISA, plus runtime/<isa>/ with
its C sources and header. The compiler hands the pieces below to the passes,
lowering and code generation explicitly; nothing registers itself on import.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from rvpack.sdk.codegen.calls import LoweredLayer
from rvpack.sdk.codegen.lower import Lowering
from rvpack.sdk.codegen.tiles import GemmProblem, Tile, TileChooser
from rvpack.sdk.errors import UnsupportedTargetError
from rvpack.sdk.ir.graph import Graph, Node
from rvpack.sdk.targets.cores import CORE_MODELS, DEFAULT_CORE, CoreModel

Pass = Callable[[Graph], Graph]
IsaRule = Callable[[Node, Graph, Lowering], LoweredLayer | None]


# `rvpack build --sparse`: "auto" uses column-sparse kernels where they are
# cheaper, "off" keeps every layer on the dense kernels.
SPARSE_MODES = ("auto", "off")


@dataclass(frozen=True)
class SparsePlan:
    """What a kernel ISA would do with a conv pruned column-wise for `tile`
    (KernelIsa.plan_sparse_conv): the tile, and the modelled cycles of the
    layer's best dense GEMM and of the sparse one."""

    tile: Tile
    dense_cycles: float
    sparse_cycles: float


@dataclass(frozen=True)
class TileFamily:
    """A microkernel family whose variants are tiles (MR x LMUL) that
    `rvpack build --tune` can measure. The tiles come from its registry; the
    tuner program (runtime/baremetal/tune_main.c) counts a call through the
    family's tune shim, a C function of the family's library with the
    signature rvpack_tune_shim_fn of runtime/baremetal/tune.h, which carves
    the operands out of one zeroed buffer of buffer_floats(mr, nc, k) floats
    and returns the retired instructions of the kernel call alone."""

    name: str  # "f32-convgemm"
    tiles: Callable[[], tuple[Tile, ...]]
    header: str  # declares the kernels, e.g. "rvpack_rvv/convgemm.h"
    tune_shim: str
    tune_deps: tuple[str, ...]  # Bazel labels the tuner links for this family
    sources: Callable[[], list[Path]]  # the kernels' code: counts measured for other code are stale
    buffer_floats: Callable[[int, int, int], int]


@dataclass(frozen=True)
class KernelIsa:
    """One kernel ISA (see the module docstring).

    rules/twins: handed to lowering (codegen/lower.Lowering).
    passes: run after the default pipeline, in order.
    headers: runtime headers the generated model.c includes for the twins.
    runtime_deps: Bazel labels every bundle of this ISA links.
    bazel_repositories: local repositories (name -> directory holding a
        WORKSPACE) the bundle workspace mounts for runtime_deps outside @rvpack.
    tile_families: families `--tune` can measure; cost_model estimates a
        tile's modelled cycles for a problem on a core model (lower is
        better) when nothing is measured.
    gemm_bench: the Bazel label of the ISA's GEMM benchmark program (kernel_bench).
    sparse_bench: the label of its column-sparse kernel benchmark (sparse_bench).
    plan_sparse_conv: (conv fields, kept K steps per row block, core, tile or
        None) -> the SparsePlan of that tile, or of the one `rvpack build`
        would pick (`rvpack prune --tile auto` prunes for it); None: the conv
        cannot run column-sparse. None if the ISA has no column-sparse kernels.
    sparse_tiles: its column-sparse tiles (`rvpack prune --tile MRxLMUL`).
    algorithms: convolution algorithms `rvpack build --algorithm` may force."""

    name: str
    description: str = ""
    rules: Mapping[str, IsaRule] = field(default_factory=dict)
    twins: Mapping[str, str] = field(default_factory=dict)
    passes: tuple[Pass, ...] = ()
    headers: tuple[str, ...] = ()
    runtime_deps: tuple[str, ...] = ()
    bazel_repositories: Mapping[str, Path] = field(default_factory=dict)
    tile_families: tuple[TileFamily, ...] = ()
    cost_model: Callable[[GemmProblem, Tile, CoreModel], float] | None = None
    gemm_bench: str | None = None
    sparse_bench: str | None = None
    plan_sparse_conv: Callable[[dict, int, CoreModel, Tile | None], SparsePlan | None] | None = None
    sparse_tiles: Callable[[], tuple[Tile, ...]] | None = None
    algorithms: tuple[str, ...] = ()  # convolution algorithms a build may force (--algorithm)

    def choose_by_model(self, problem: GemmProblem, tiles: tuple[Tile, ...],
                        core: CoreModel = CORE_MODELS[DEFAULT_CORE]) -> tuple[Tile, str]:
        """The default tile choice: the fewest modelled cycles on `core`; ties
        go to the larger tile."""
        assert self.cost_model is not None, f"kernel ISA {self.name} has no cost model"
        model = self.cost_model
        return min(tiles, key=lambda t: (model(problem, t, core), -t.mr * t.lmul)), ""

    def lowering(self, choose_tile: TileChooser | None = None, core: CoreModel = CORE_MODELS[DEFAULT_CORE],
                 algorithm: str = "auto", sparse: str = "auto") -> Lowering:
        """The Lowering of this ISA; tiles chosen by choose_tile, else by the
        cost model for `core`; `algorithm` forces the convolution algorithm
        where the ISA has several (see its `algorithms`); sparse "off" keeps
        column-sparse weights on the dense kernels ("auto": sparse kernels
        where the ISA has them and they are cheaper)."""
        if algorithm != "auto" and algorithm not in self.algorithms:
            raise UnsupportedTargetError(f"--algorithm {algorithm}: kernel ISA {self.name} does not have it",
                                         hint="choose one of: " + ", ".join(("auto", *self.algorithms)))
        if sparse not in SPARSE_MODES:
            raise UnsupportedTargetError(f"--sparse {sparse}: not a sparse mode",
                                         hint="choose one of: " + ", ".join(SPARSE_MODES))
        if choose_tile is None and self.cost_model is not None:
            def choose_tile(problem: GemmProblem, tiles: tuple[Tile, ...]) -> tuple[Tile, str]:
                return self.choose_by_model(problem, tiles, core)
        return Lowering(rules=self.rules, twins=self.twins, choose_tile=choose_tile,
                        options={"core": core.name, "algorithm": algorithm, "sparse": sparse})
