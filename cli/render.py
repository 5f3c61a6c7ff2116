"""Rich rendering: progress for long steps, and the summary tables."""

from __future__ import annotations

import contextlib
import sys
from typing import Iterator

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from rvpack.sdk.progress import ProgressEvent

# Logs and pipes get wide tables instead of rich's 80-column default. No
# markup: names from models ("[/x]", "x[/red]") print as they are; styles come
# from `styled`.
console = Console(highlight=False, markup=False, width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True, highlight=False, markup=False, width=None if sys.stderr.isatty() else 160)


def styled(text: str, style: str) -> Text:
    """`text` shown in a rich style, never parsed as markup."""
    return Text(text, style=style)

STAGE_TITLES = {
    "import": "Import model", "optimize": "Optimize graph", "codegen": "Generate C", "build": "Bazel build",
    "reference": "Reference run", "run": "Run bundle", "quantize": "Quantize",
}


@contextlib.contextmanager
def progress_reporter(quiet: bool = False) -> Iterator:
    """Yields an on_progress callback that draws one progress line per stage."""
    if quiet:
        yield None
        return
    progress = Progress(SpinnerColumn(), TextColumn("[bold]{task.fields[title]:<16}"), BarColumn(bar_width=20),
                        TextColumn("{task.description}", markup=False), TimeElapsedColumn(), console=err_console,
                        transient=False)
    tasks: dict[str, TaskID] = {}

    def on_progress(event: ProgressEvent) -> None:
        if event.stage not in tasks:
            tasks[event.stage] = progress.add_task(event.message, title=STAGE_TITLES.get(event.stage, event.stage),
                                                   total=None)
        task = tasks[event.stage]
        message = event.message if len(event.message) < 70 else event.message[:67] + "..."
        if event.done:
            progress.update(task, description=message, total=1, completed=1)
        elif event.total:
            progress.update(task, description=message, total=event.total, completed=event.completed or 0)
        else:
            progress.update(task, description=message)

    with progress:
        yield on_progress


def human_bytes(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(n) < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GiB"


def human_count(n: float) -> str:
    for unit, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(n) >= scale:
            return f"{n / scale:.2f} {unit}"
    return f"{n:.0f}"


def key_value_table(title: str, rows: list[tuple[str, str]]) -> Table:
    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    for k, v in rows:
        table.add_row(k, v)
    return table
