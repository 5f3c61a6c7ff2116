"""`rvpack bench`: exact per-layer retired instructions, instruction mix and
modelled cycles on Spike.

The bundle's own generated sources (src/) are rebuilt for the target's
bare-metal profile (same model code, same runtime, a small crt instead of
Linux) and run on Spike, which counts retired instructions exactly: the same
binary gives the same counts on every run. With the profile (the default),
rvpack's Spike extension also records every executed PC and the SEW/LMUL of
every vector instruction (runners/spike_profile.py), so each layer's
instruction mix adds up to its count exactly and its modelled cycles follow
from the core models of sdk/targets/cores.py. The bench program fills the
inputs from a fixed generator that `bench_inputs` reproduces bit-exactly, so
the counted run's outputs are checked against the reference runtime: a count
of a broken run is never reported as a result.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rvpack.sdk import reference
from rvpack.sdk.bundle import Bundle
from rvpack.sdk.errors import BundleError
from rvpack.sdk.progress import ProgressFn, report
from rvpack.sdk.runners.mix import InstructionMix
from rvpack.sdk.targets import get_target, kernel_isa_of
from rvpack.sdk.targets.cores import CORE_MODELS, CoreModel


@dataclass
class LayerCount:
    index: int
    name: str
    op: str
    output_shape: list[int]
    macs: int
    instructions: int
    mix: InstructionMix | None = None

    @property
    def macs_per_instruction(self) -> float:
        return self.macs / self.instructions if self.instructions else 0.0


@dataclass
class BenchResult:
    bundle: str
    target: str
    isa: str
    vlen: int | None
    layers: list[LayerCount]
    total_instructions: int  # the whole run() call
    overhead_instructions: int  # total - sum(layers): dispatch + hooks
    hook_overhead_per_layer: int  # calibrated cost of one begin/end pair (already subtracted)
    check: list[dict[str, Any]]
    check_passed: bool
    spike_seconds: float
    build_seconds: float
    total_mix: InstructionMix | None = None  # the whole run() call, with the profile
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def total_macs(self) -> int:
        return sum(layer.macs for layer in self.layers)

    @property
    def has_mix(self) -> bool:
        return self.total_mix is not None

    def cycles(self, mix: InstructionMix | None, core: CoreModel) -> float | None:
        return mix.cycles(core, self.vlen) if mix is not None else None

    def macs_per_cycle(self, macs: int, mix: InstructionMix | None, core: CoreModel) -> float | None:
        cycles = self.cycles(mix, core)
        return macs / cycles if cycles else None

    def peak_fraction(self, macs: int, mix: InstructionMix | None, core: CoreModel) -> float | None:
        """MACs per modelled cycle as a fraction of the core's f32 FMA peak."""
        rate = self.macs_per_cycle(macs, mix, core)
        return rate / core.fma_peak(self.vlen if self._vector else None) if rate is not None else None

    @property
    def _vector(self) -> bool:
        return self.vlen is not None

    def to_json(self) -> dict[str, Any]:
        def cost(macs: int, mix: InstructionMix | None) -> dict[str, Any]:
            if mix is None:
                return {}
            return {"mix": mix.to_json(), "cycles": {
                name: {"cycles": self.cycles(mix, core), "macs_per_cycle": self.macs_per_cycle(macs, mix, core),
                       "peak_fraction": self.peak_fraction(macs, mix, core)} for name, core in CORE_MODELS.items()}}

        layers = [{"index": layer.index, "name": layer.name, "op": layer.op, "output_shape": layer.output_shape,
                   "macs": layer.macs, "instructions": layer.instructions,
                   "macs_per_instruction": layer.macs_per_instruction, **cost(layer.macs, layer.mix)}
                  for layer in self.layers]
        return {
            "bundle": self.bundle, "target": self.target, "isa": self.isa, "vlen": self.vlen, "layers": layers,
            "total_instructions": self.total_instructions, "overhead_instructions": self.overhead_instructions,
            "hook_overhead_per_layer": self.hook_overhead_per_layer, "total_macs": self.total_macs,
            "macs_per_instruction": self.total_macs / self.total_instructions if self.total_instructions else 0.0,
            **{f"total_{k}": v for k, v in cost(self.total_macs, self.total_mix).items()},
            "core_models": {name: {"description": core.description, "dlen": core.dlen_at(self.vlen),
                                   "fma_peak": core.fma_peak(self.vlen)} for name, core in CORE_MODELS.items()},
            "check": self.check, "check_passed": self.check_passed, "spike_seconds": self.spike_seconds,
            "build_seconds": self.build_seconds, **self.extra,
        }


def bench_elf(bundle: Bundle, on_progress: ProgressFn = None) -> tuple[Path, float]:
    """The bundle's bare-metal bench ELF, built from its src/ (Bazel rebuilds
    only what changed, the runtime included) and kept in bin/."""
    from rvpack.sdk.build.bazel import build_bench_elf

    src = bundle.path / "src"
    if not (src / "model.c").exists():
        raise BundleError(f"{bundle.path}: src/ is missing, so the bench build cannot be made",
                          hint="rebuild the bundle with `rvpack build ... --force`")
    t0 = time.monotonic()
    report(on_progress, "bench-build", "bazel build (bare metal)")
    target = get_target(bundle.manifest.target["name"])
    built = build_bench_elf(src, bundle.name, target, kernel_isa_of(target),
                            on_progress=lambda line: report(on_progress, "bench-build", line))
    elf = bundle.path / "bin" / f"{bundle.name}_bench.elf"
    shutil.copy2(built, elf)
    report(on_progress, "bench-build", "done", done=True)
    return elf, time.monotonic() - t0


def bench_bundle(bundle: Bundle, *, vlen: int | None = None, timeout: float = 3600.0, check: bool = True,
                 model_path: Path | None = None, profile: bool = True, on_progress: ProgressFn = None) -> BenchResult:
    """Counts the bundle on Spike; with `profile`, also every layer's
    instruction mix (and so its modelled cycles)."""
    from rvpack.sdk.runners import spike

    m = bundle.manifest
    spec = m.target_spec
    isa = spike.isa_for(spec, vlen, bundle_name=bundle.name)
    elf, build_seconds = bench_elf(bundle, on_progress)
    report(on_progress, "spike", f"{bundle.name} on Spike ({isa})" + (", profiled" if profile else ""))
    result = spike.run_bench(elf, isa, timeout, profile=profile)
    report(on_progress, "spike", f"{result.wall_seconds:.1f} s", done=True)

    executed = [layer for layer in m.layers if layer.executed]
    if len(executed) != len(result.layer_counts):
        raise BundleError(f"{bundle.path}: the bench counted {len(result.layer_counts)} layers, the manifest lists "
                          f"{len(executed)}", hint="rebuild the bundle with `rvpack build ... --force`")
    mixes: list[InstructionMix | None] = list(result.layer_mixes) or [None] * len(executed)
    layers = [LayerCount(i, rec.name, rec.op, rec.output_shape, rec.macs, count, mix)
              for i, (rec, count, mix) in enumerate(zip(executed, result.layer_counts, mixes))]

    comparisons: list[dict[str, Any]] = []
    passed = True
    if check:
        inputs = spike.bench_inputs([(s.dtype, tuple(s.shape)) for s in m.inputs])
        path = model_path or Path(m.model["path"])
        if not path.exists():
            raise BundleError(f"the bench checks its outputs against the reference, but {path} does not exist",
                              hint="pass the model with --model PATH, or --no-check")
        report(on_progress, "reference", f"{m.model['format']} reference")
        refs = reference.run_reference(path, m.model["format"], [s.name for s in m.inputs], inputs)
        outputs = [o.reshape(s.shape) for o, s in zip(result.outputs, m.outputs)]
        for c in reference.compare([s.name for s in m.outputs], outputs, refs, reference.tolerance_of(m),
                                    reference.lsb_of(m)):
            comparisons.append({"output": c.name, "max_abs_error": c.max_abs_error,
                                "max_abs_reference": c.max_abs_reference, "tolerance": c.tolerance, "ok": c.ok})
            passed &= c.ok
        report(on_progress, "reference", "done", done=True)
    return BenchResult(
        bundle=bundle.name, target=spec.name, isa=isa, vlen=vlen or spec.min_vlen,
        layers=layers, total_instructions=result.total, overhead_instructions=result.overhead,
        hook_overhead_per_layer=result.hook_overhead, check=comparisons, check_passed=passed,
        spike_seconds=result.wall_seconds, build_seconds=build_seconds, total_mix=result.total_mix)
