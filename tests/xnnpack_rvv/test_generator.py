"""The kernel generator knows families as data: a new folder with
family.json, a registry, a kernel template and a header template is all a
new family takes (the generator is copied into a scratch tree and run there)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

XNN = Path(__file__).resolve().parents[2] / "third_party" / "xnnpack_rvv"

FAMILY = {
    "macro": "TOY_UKERNEL",
    "params": {"MR": {"min": 1, "max": 4}, "LMUL": {"values": [1, 2]}},
    "derived": {"REGS": "MR * LMUL"},
    "checks": [{"require": "REGS <= 4", "message": "{MR} rows of LMUL {LMUL} need {REGS} registers (> 4)"}],
    "template": "toy.c.in",
    "header": "toy.h",
    "name": "toy_{MR}x{LMUL}v",
    "file": "x-toy-{MR}x{LMUL}v.c",
}


def scratch_tree(root: Path, registry: str) -> Path:
    (root / "tools").mkdir(parents=True)
    shutil.copy(XNN / "tools" / "generate.py", root / "tools" / "generate.py")
    (root / "include" / "rvpack_rvv").mkdir(parents=True)
    family = root / "src" / "x-toy"
    family.mkdir(parents=True)
    (family / "family.json").write_text(json.dumps(FAMILY))
    (family / "x-toy.inc").write_text(registry)
    (family / "toy.c.in").write_text("// Auto-generated file. Do not edit!\n$for M in range(MR):\n"
                                     "// row ${M} of ${MR}, ${REGS} registers\n$endfor\nvoid ${FN}(void) {}\n")
    (family / "toy.h.in").write_text("$for uk in UKERNELS:\nvoid ${uk.name}(void);  // mr ${uk.mr}\n$endfor\n")
    return root


def run(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(root / "tools" / "generate.py"), *args], capture_output=True, text=True)


def test_a_new_family_needs_only_its_folder(tmp_path):
    root = scratch_tree(tmp_path / "xnn", "// toy kernels\nTOY_UKERNEL(1, 2, toy_1x2v)\nTOY_UKERNEL(3, 1, toy_3x1v)\n")
    assert run(root, "--check").returncode == 1  # nothing generated yet
    assert run(root).returncode == 0
    assert run(root, "--check").returncode == 0
    gen = root / "src" / "x-toy" / "gen"
    assert sorted(p.name for p in gen.iterdir()) == ["x-toy-1x2v.c", "x-toy-3x1v.c"]
    assert (gen / "x-toy-3x1v.c").read_text() == ("// Auto-generated file. Do not edit!\n// row 0 of 3, 3 registers\n"
                                                  "// row 1 of 3, 3 registers\n// row 2 of 3, 3 registers\n"
                                                  "void toy_3x1v(void) {}\n")
    assert (root / "include" / "rvpack_rvv" / "toy.h").read_text() == \
        "void toy_1x2v(void);  // mr 1\nvoid toy_3x1v(void);  // mr 3\n"


def test_family_rules_reject_bad_entries(tmp_path):
    cases = [("TOY_UKERNEL(3, 2, toy_3x2v)", "3 rows of LMUL 2 need 6 registers (> 4)"),
             ("TOY_UKERNEL(1, 4, toy_1x4v)", "LMUL 4 is not one of (1, 2)"),
             ("TOY_UKERNEL(5, 1, toy_5x1v)", "MR must be in 1..4"),
             ("TOY_UKERNEL(1, 1, toy_1x2v)", "the name must be toy_1x1v"),
             ("TOY_UKERNEL(1, toy_1x1v)", "expected TOY_UKERNEL(MR, LMUL, name)")]
    for i, (entry, message) in enumerate(cases):
        proc = run(scratch_tree(tmp_path / str(i), entry + "\n"))
        assert proc.returncode == 2 and message in proc.stderr, (entry, proc.stderr)
