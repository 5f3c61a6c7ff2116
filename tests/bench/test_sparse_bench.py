"""The column-sparse kernel bench (sdk/sparse_bench.py, bench/f32-spconvgemm-
bench.c) on Spike, bounded to the tiles the build picks for its shape (6x4v)
and the fewest-instructions tile (3x8v), dense and sparse: the bench checks
every kernel's output before it counts (dense: each other and a direct sum;
sparse: a direct sum over the masked weights), the instruction mix of each
count sums exactly to it, and on 64x576x3136 at 50% column sparsity:
  - the sparse tile needs >= 1.8x fewer instructions than the same dense tile
    (the build's pick, 6x4v), at every VLEN;
  - the 3x8v sparse kernel reaches >= 25 dense-equivalent MACs per instruction
    at VLEN 256;
  - in modelled cycles (x60), the sparse 6x4v is >= 1.9x cheaper.
The whole registry at 128/256/512 is `python -m rvpack.sdk.sparse_bench 128 256 512`.
"""

from __future__ import annotations

import shutil

import pytest

from rvpack.sdk.errors import ToolMissingError
from rvpack.sdk.runners import spike
from rvpack.sdk.sparse_bench import SPARSE_K, parse_sparse_bench, run_sparse_bench
from rvpack.sdk.targets import get_target
from rvpack.sdk.targets.cores import CORE_MODELS

pytestmark = pytest.mark.skipif(shutil.which("bazel") is None, reason="bazel is not installed")
QUICK = "//third_party/xnnpack_rvv:f32_spconvgemm_bench_quick"


@pytest.fixture(scope="module")
def quick_bench():
    from rvpack.sdk.build.bazel import build_baremetal_program

    try:
        spike.spike_executable()
    except ToolMissingError as e:
        pytest.skip(str(e))
    return build_baremetal_program(QUICK, get_target("rvv1.0"))


@pytest.mark.parametrize("vlen", [128, 256, 512])
def test_sparse_tiles_beat_their_dense_twins(quick_bench, vlen):
    counts = run_sparse_bench(vlen, quick_bench, profile=vlen == 256)
    by = {(c.sparse, c.mr, c.lmul): c for c in counts}
    assert set(by) == {(s, mr, lmul) for s in (False, True) for mr, lmul in ((6, 4), (3, 8))}
    for mr, lmul in ((6, 4), (3, 8)):
        dense, sparse = by[(False, mr, lmul)], by[(True, mr, lmul)]
        assert dense.kept_fraction == 1.0 and sparse.kept_fraction == pytest.approx(0.5)
        assert sparse.kept_steps == -(-64 // mr) * SPARSE_K // 2
    ratio = by[(False, 6, 4)].instructions / by[(True, 6, 4)].instructions
    assert ratio >= 1.8, ratio
    if vlen == 256:
        assert by[(True, 3, 8)].macs_per_instruction >= 25.0
        for c in counts:
            assert c.mix is not None and c.mix.total == c.instructions
        x60 = CORE_MODELS["x60"]
        assert by[(True, 6, 4)].macs_per_cycle(x60) >= 1.9 * by[(False, 6, 4)].macs_per_cycle(x60)


def test_a_failed_check_is_reported():
    text = "sparse-bench m 64 n 3136 k 576 counter instret\nMISMATCH rvpack_x\nchecked 1 failed 1\n"
    with pytest.raises(Exception, match="MISMATCH|rvpack_x"):
        parse_sparse_bench(text, 256)
