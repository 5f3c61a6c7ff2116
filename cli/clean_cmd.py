"""`rvpack clean`: what rvpack keeps on disk, and freeing it."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from rvpack.cli.render import console, human_bytes
from rvpack.sdk.build import cache

_WHAT = {
    "workspace": "staged bundle sources", "bazel": "Bazel's outputs: the compiled runtime per target, bundles",
    "out": "copies of the last built libraries and programs", "logs": "Bazel execution and failure logs",
    "tune": "Spike counts of kernel calls (build --tune)", "spike": "the Spike profile extension (bench)",
    "probe": "the board probe (deploy)", "rvpack_repo": "the workspace's view of the runtime sources",
    "zig": "zig's builds of musl and compiler-rt per target",
}


def clean(
    builds: Annotated[bool, typer.Option("--builds", help="Free the build caches (the next build recompiles "
                                                          "the runtime).")] = False,
    tune: Annotated[bool, typer.Option("--tune", help="Free the tune tables (the next --tune re-measures).")] = False,
    all_: Annotated[bool, typer.Option("--all", help="Free everything rvpack keeps, tools' caches included.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be freed; free nothing.")] = False,
) -> None:
    """Show rvpack's caches and their sizes; free them with --builds, --tune or --all."""
    kinds = list(cache.KINDS) if all_ else [k for k, on in (("builds", builds), ("tune", tune)) if on]
    if not kinds or dry_run:
        shown = cache.entries(kinds or cache.KINDS)
        table = Table(title="rvpack caches" + (" (would be freed)" if kinds else ""), title_justify="left")
        for col in ("kind", "what", "path", "size"):
            table.add_column(col)
        for e in shown:
            table.add_row(e.kind, _WHAT[e.name], str(e.path),
                          human_bytes(e.bytes))
        console.print(table)
        console.print(f"total {human_bytes(sum(e.bytes for e in shown))}"
                      + ("" if kinds else "; free with rvpack clean --builds | --tune | --all"))
        return
    freed = cache.clean(kinds)
    for e in freed:
        console.print(f"removed {e.path} ({human_bytes(e.bytes)})")
    console.print(f"freed {human_bytes(sum(e.bytes for e in freed))}" if freed else "nothing to free")
