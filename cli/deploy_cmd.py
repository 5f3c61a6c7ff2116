"""`rvpack deploy`: copy a bundle to a board over ssh, run it there, check it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.text import Text

from rvpack.cli.options import BundleArgument, InputOption
from rvpack.cli.render import console, err_console, key_value_table, progress_reporter
from rvpack.cli.report import print_check, print_layer_times, reference_outputs


def deploy(
    bundle: BundleArgument,
    host: Annotated[str, typer.Option("--host", "-H", help="A board profile name from --boards, or an ssh "
                                      "destination (\\[user@]host, an ~/.ssh/config alias, ssh://user@host:port).",
                                      show_default=False)],
    boards: Annotated[Optional[Path], typer.Option("--boards", help="Board profiles (TOML, \\[boards.NAME] tables). "
                                                   "Default: ~/.config/rvpack/boards.toml if it exists.")] = None,
    input: InputOption = None,
    check: Annotated[bool, typer.Option("--check", help="Compare every output with onnxruntime / "
                                        "tflite-runtime.")] = False,
    model: Annotated[Optional[Path], typer.Option("--model", help="Model file for --check (default: the path "
                                                  "recorded in the bundle).")] = None,
    keep: Annotated[bool, typer.Option("--keep", help="Leave the bundle, inputs and outputs on the board (a later "
                                       "deploy of the same bundle then skips the copy).")] = False,
    timeout: Annotated[float, typer.Option("--timeout", help="Give up on the run after this many seconds.")] = 600.0,
    vlen: Annotated[Optional[int], typer.Option("--vlen", help="The VLEN in bits the board must have (checked "
                                                "against what it reports; used when it cannot be measured).")] = None,
    repeat: Annotated[int, typer.Option("--repeat", "-r", min=1, help="Run the model N times (timing).")] = 1,
    seed: Annotated[int, typer.Option("--seed", help="Seed for the generated inputs.")] = 0,
    save: Annotated[Optional[Path], typer.Option("--save-outputs", help="Write outputs as .npy into DIR.")] = None,
    layers: Annotated[bool, typer.Option("--layers", help="Show the time of every layer, not just the "
                                         "slowest.")] = False,
    ssh_config: Annotated[Optional[Path], typer.Option("--ssh-config", "-F", help="ssh config file to use instead "
                                                       "of ~/.ssh/config (passed to ssh and scp as -F).")] = None,
) -> None:
    """Deploy a bundle to a RISC-V board over ssh, run it there and (with --check) verify it.

    The board is probed first (ISA, vector unit, VLEN); a bundle it cannot run is
    refused before anything is copied. --vlen is the VLEN the board must have.

    Examples:
      rvpack deploy blazeface.rvpack --host k1 --check
      rvpack deploy model.rvpack --host root@192.168.1.50 --input x.npy --keep
      rvpack deploy model.rvpack --host lpi4a --boards boards.toml --repeat 10
    """
    from rvpack.sdk import reference
    from rvpack.sdk.bundle import Bundle
    from rvpack.sdk.runners.inputs import load_inputs
    from rvpack.sdk.runners.boards import resolve_board
    from rvpack.sdk.runners.deploy import deploy as deploy_bundle

    b = Bundle.open(bundle)
    m = b.manifest
    board = resolve_board(host, boards)
    notices: list[str] = []
    inputs = load_inputs(m.inputs, input, notices) if input else reference.make_inputs(m.inputs, seed)
    for notice in notices:
        err_console.print(Text.assemble(("notice", "cyan"), ": ", notice))
    with progress_reporter() as on_progress:
        result = deploy_bundle(b, board, inputs, ssh_config=ssh_config, keep=keep, repeat=repeat, timeout=timeout,
                               vlen=vlen, on_progress=on_progress)
        refs = reference_outputs(m, model, inputs, on_progress) if check else None
    if save:
        import numpy as np

        save.mkdir(parents=True, exist_ok=True)
        for k, out in enumerate(result.outputs):
            np.save(save / f"output_{k}.npy", out)
    info = result.board
    rows = [("board", f"{info.name} ({board.destination})"),
            ("machine", info.describe() + (f"; Linux {info.kernel}" if info.kernel else "")),
            ("bundle", f"{result.remote_bundle} ({'copied' if result.uploaded else 'already there'}"
                       f"{', kept' if keep else ', removed' if result.uploaded else ''})"),
            ("steps", ", ".join(f"{k} {v:.2f} s" for k, v in result.steps.items())),
            ("total", f"{result.total_seconds:.2f} s")]
    rows += [("note", n) for n in info.notes]
    console.print(key_value_table(f"Deployed to board {info.name}", rows))
    print_layer_times(result, show_all=layers)
    label = "emulated time (run_prefix)" if result.emulated else "time on the board"
    console.print(f"{label}: {result.total_us / 1000:.2f} ms per inference; wall {result.wall_seconds:.2f} s "
                  "(ssh included)")
    if refs is not None:
        print_check(m, result.outputs, refs)
