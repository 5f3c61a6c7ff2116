"""A fuzz worker: runs `rvpack inspect` (or `build`) in-process on model files
named on stdin, one per line, and answers one JSON line each:
{"exit": code, "out": stdout+stderr (clipped), "seconds": s}. Address space is
capped (RLIMIT_AS) so a mutant that allocates without bound fails here, not on
the machine; the harness (tests/fuzz/harness.py) restarts a worker that dies
and kills one that hangs.

    python -m tests.fuzz.worker [--command inspect|build] [--memory-gib 6]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import resource
import sys
import time
import traceback


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--command", default="inspect")
    parser.add_argument("--memory-gib", type=float, default=6.0)
    args = parser.parse_args()
    limit = int(args.memory_gib * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from rvpack.cli.app import main as rvpack_main

    for line in sys.stdin:
        path = line.strip()
        if not path:
            continue
        buf = io.StringIO()
        t0 = time.monotonic()
        argv = [args.command, path] + (["-t", "rvv1.0", "-q", "--force", "-o", path + ".rvpack"]
                                       if args.command == "build" else ["--target", "rvv1.0"])
        try:
            with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):
                code = rvpack_main(argv)
        except BaseException:  # escaped rvpack's handler: the worst outcome
            code = -1
            buf.write(traceback.format_exc())
        out = buf.getvalue()
        print(json.dumps({"exit": code, "out": out[-4000:], "lines": out.count("\n"),
                          "seconds": round(time.monotonic() - t0, 3)}), flush=True)


if __name__ == "__main__":
    main()
