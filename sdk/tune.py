"""`rvpack build --tune`: pick each layer's GEMM tile by modelled cycles of
measured runs on Spike instead of the kernel ISA's cost model.

A layer's GEMM work is a multiset of microkernel calls (rows, pixels, K)
(codegen/tiles.GemmProblem.calls: row blocks of MR x pixel panels), and a
kernel's instruction count depends only on those sizes, not on the data. So
the tuner, for any kernel ISA whose plugin declares tile families,
  1. lowers the graph once with its recording chooser, which collects every
     (family, kernel, rows, pixels, K) call of every candidate tile not yet
     measured;
  2. builds the bare-metal tuner (runtime/baremetal/tune_main.c) with a table
     of those calls, each made through its family's tune shim, runs it on
     Spike at the requested VLEN with the profile extension, and caches each
     call's exact count and instruction mix (by kernel, sizes, VLEN and a
     hash of the families' kernel code);
  3. is the chooser of the final lowering: each layer takes the tile whose
     calls add up to the fewest modelled cycles on the build's core model
     (targets/cores.py), from the measured mixes.
The driver's own loop and the im2col packing are the same for every tile, so
they are left out of the comparison.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable
from pathlib import Path

from rvpack.sdk.build.cache import evict_tune_tables
from rvpack.sdk.build.tools import cache_root
from rvpack.sdk.codegen.tiles import GemmProblem, Tile
from rvpack.sdk.errors import RunError, UnsupportedTargetError
from rvpack.sdk.progress import ProgressFn, report
from rvpack.sdk.resources import RUNTIME_DIR
from rvpack.sdk.runners.mix import SCALAR, InstructionMix
from rvpack.sdk.targets import Target
from rvpack.sdk.targets.cores import CORE_MODELS, DEFAULT_CORE, CoreModel
from rvpack.sdk.targets.plugin import KernelIsa, TileFamily

TUNE_HARNESS = (RUNTIME_DIR / "baremetal" / "tune.h", RUNTIME_DIR / "baremetal" / "tune_main.c")

CallKey = tuple[str, str, int, int, int]  # family, kernel, rows, pixels, K

_CALL_RE = re.compile(r"^call (\d+) (\d+)$")


def kernels_hash(families: Iterable[TileFamily]) -> str:
    """Identifies the tile families' kernel code: counts measured for other code are stale."""
    h = hashlib.sha256()
    for f in TUNE_HARNESS:  # the counting brackets (tune.h) shape every count too
        h.update(f.name.encode() + b"\0" + f.read_bytes())
    for family in families:
        for f in family.sources():
            h.update(family.name.encode() + b"\0" + f.name.encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:12]


class SpikeTuner:
    """A tile chooser backed by measured counts (see the module docstring)."""

    def __init__(self, target: Target, kernel_isa: KernelIsa, vlen: int,
                 core: CoreModel = CORE_MODELS[DEFAULT_CORE], cache_file: Path | None = None):
        from rvpack.sdk.runners import spike

        if not kernel_isa.tile_families:
            raise UnsupportedTargetError(f"--tune measures kernel tiles; target {target.name} has none",
                                         hint="build without --tune (or for a target with tiled kernels, e.g. "
                                              "--target rvv1.0)")
        self.target = target
        self.kernel_isa = kernel_isa
        self.vlen = vlen
        self.core = core
        self.spike_isa = spike.isa_for(target.spec(), vlen, option="--tune-vlen")
        self.families = {f.name: f for f in kernel_isa.tile_families}
        digest = kernels_hash(self.families.values())
        self.cache_file = cache_file or cache_root() / "tune" / f"{kernel_isa.name}-{digest}-vlen{vlen}.json"
        self._digest = digest
        self.counts: dict[CallKey, int] = {}
        self.mixes: dict[CallKey, InstructionMix] = {}
        self._load()
        self.missing: set[CallKey] = set()
        self.spike_runs = 0

    # ---- choosing -------------------------------------------------------------
    def cost(self, problem: GemmProblem, tile: Tile) -> int | None:
        """Measured instructions of the problem's calls with this tile, None if any is unmeasured."""
        total = 0
        for (rows, pixels, k), n in problem.calls(tile.mr).items():
            count = self.counts.get((tile.family, tile.name, rows, pixels, k))
            if count is None:
                return None
            total += n * count
        return total

    def cycles(self, problem: GemmProblem, tile: Tile) -> float | None:
        """Modelled cycles on the tuner's core of the problem's calls with this
        tile (measured mixes), None if any call is unmeasured."""
        total = 0.0
        for (rows, pixels, k), n in problem.calls(tile.mr).items():
            mix = self.mixes.get((tile.family, tile.name, rows, pixels, k))
            if mix is None:
                return None
            total += n * mix.cycles(self.core, self.vlen)
        return total

    def choose(self, problem: GemmProblem, tiles: tuple[Tile, ...]) -> tuple[Tile, str]:
        costs = {t: self.cycles(problem, t) for t in tiles}
        if any(c is None for c in costs.values()):
            for t in tiles:
                self.missing.update((t.family, t.name, rows, pixels, k) for rows, pixels, k in problem.calls(t.mr))
            return self.kernel_isa.choose_by_model(problem, tiles, self.core)
        best = min(tiles, key=lambda t: (costs[t], -t.mr * t.lmul))
        return best, f"; tuned at VLEN {self.vlen} for {self.core.name}"

    # ---- measuring ------------------------------------------------------------
    def measure_missing(self, on_progress: ProgressFn = None) -> None:
        """Counts and profiles every recorded, unmeasured call on Spike and caches them."""
        calls = sorted(self.missing - self.mixes.keys())
        self.missing.clear()
        if not calls:
            return
        import tempfile

        from rvpack.sdk.build.bazel import build_tune_program
        from rvpack.sdk.runners import spike, spike_profile

        report(on_progress, "tune", f"building the tuner for {len(calls)} kernel calls")
        families = [self.families[name] for name in sorted({c[0] for c in calls})]
        deps = sorted({dep for f in families for dep in f.tune_deps})
        elf = build_tune_program(tune_table(calls, self.families), deps, self.target)
        report(on_progress, "tune", f"counting on Spike (VLEN {self.vlen})")
        with tempfile.TemporaryDirectory(prefix="rvpack-tune-") as tmp:
            out = Path(tmp) / "profile.txt"
            stdout, _, _ = spike.run_program(elf, self.spike_isa,
                                             extra=spike_profile.spike_arguments(spike.spike_executable().parents[2]),
                                             env={"RVPACK_SPIKE_PROFILE": str(out)})
            windows = spike_profile.parse_profile(out.read_text(), elf.name)
        self.spike_runs += 1
        counts = [int(m[2]) for m in map(_CALL_RE.match, stdout.splitlines()) if m is not None]
        if len(counts) != len(calls) or not stdout.rstrip().endswith("end") or len(windows) != 2 * len(calls):
            raise RunError(f"the tile tuner's report on Spike is incomplete: {stdout[-1500:]}")
        image = spike_profile.ElfImage(elf)
        for i, (call, count) in enumerate(zip(calls, counts)):
            mix = spike_profile.window_mix(windows[2 * i + 1], image)
            mix.add_scalar(SCALAR, 2)  # the begin read and the end marker (tune.h)
            if mix.total != count:
                raise RunError(f"the tile tuner's profile of {call[1]} counts {mix.total}, minstret {count}")
            self.counts[call], self.mixes[call] = count, mix
        self._save()
        report(on_progress, "tune", f"{len(calls)} kernel calls counted", done=True)

    def _load(self) -> None:
        try:
            data = json.loads(self.cache_file.read_text())
            for (f, k, r, p, kk), count, mix in data.get("calls", []):
                key = (f, k, int(r), int(p), int(kk))
                self.counts[key], self.mixes[key] = int(count), InstructionMix.from_json(mix)
        except (OSError, ValueError, TypeError, KeyError):
            self.counts, self.mixes = {}, {}

    def _save(self) -> None:
        self.cache_file.parent.mkdir(parents=True, exist_ok=True)
        data = {"vlen": self.vlen, "kernels": self._digest,
                "calls": [[list(key), self.counts[key], self.mixes[key].to_json()] for key in sorted(self.mixes)]}
        tmp = self.cache_file.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, indent=0))
        os.replace(tmp, self.cache_file)
        if self.cache_file.parent == cache_root() / "tune":
            evict_tune_tables()


def tune_table(calls: list[CallKey], families: dict[str, TileFamily]) -> str:
    """The C table of the tuner program (runtime/baremetal/tune.h)."""
    used = sorted({c[0] for c in calls})
    tiles = {t.name: t for f in used for t in families[f].tiles()}
    floats = max(families[f].buffer_floats(rows, pixels, k) for f, _, rows, pixels, k in calls)
    lines = ["/* Generated by rvpack (sdk/tune.py): the calls `rvpack build --tune` counts. */",
             '#include "tune.h"', "", *sorted({f'#include "{families[f].header}"' for f in used}), ""]
    lines += [f"rvpack_tune_shim_fn {families[f].tune_shim};" for f in used]
    lines += ["", "const rvpack_tune_call_t rvpack_tune_calls[] = {",
              *(f"    {{{families[f].tune_shim}, (rvpack_tune_kernel_fn){name}, "
                f"{f'(rvpack_tune_kernel_fn){tiles[name].tail}' if tiles[name].tail else 'NULL'}, {tiles[name].lmul}, "
                f"{tiles[name].mr}, "
                f"{rows}, {pixels}, {k}}},"
                for f, name, rows, pixels, k in calls),
              "};", f"const int32_t rvpack_tune_num_calls = {len(calls)};",
              f"float rvpack_tune_buffer[{floats}];", ""]
    return "\n".join(lines)
