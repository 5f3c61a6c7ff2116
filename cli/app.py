"""The `rvpack` command line. Commands parse arguments, call sdk/, render.

One handler (main) maps every RvpackError to a single clear line and an exit
code; tracebacks are shown only with --debug.
"""

from __future__ import annotations

import sys

import typer

from rvpack.cli import commands
from rich.text import Text

from rvpack.cli.render import err_console
from rvpack.sdk.errors import RvpackError, UnsupportedModelError

app = typer.Typer(
    name="rvpack",
    help="Package ONNX and TFLite models into self-contained, verified RISC-V bundles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
commands.register(app)

EXIT_ERROR = 1
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args  # accepted anywhere on the command line
    if "--verbose" in args:  # every problem of a multi-node error, not the first few
        UnsupportedModelError.max_listed = None
    args = [a for a in args if a not in ("--debug", "--verbose")]
    try:
        # Standalone mode: typer itself reports usage errors (exit 2) and --help.
        app(args=args, prog_name="rvpack")
        return 0
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else (0 if e.code is None else EXIT_ERROR)
    except RvpackError as e:
        if debug:
            raise
        err_console.print(Text.assemble(("error:", "bold red"), " ", str(e)))
        return e.exit_code
    except KeyboardInterrupt:
        err_console.print(Text("interrupted", style="bold red"))
        return EXIT_INTERRUPTED
    except Exception as e:  # a bug in rvpack: say so, briefly
        if debug:
            raise
        err_console.print(Text.assemble(("internal error:", "bold red"), f" {type(e).__name__}: {e}\n"
                                        "This is a bug in rvpack; run again with --debug for the traceback "
                                        "and report it."))
        return EXIT_INTERNAL


def entry_point() -> None:
    sys.exit(main())
