"""The column-wise N:M mask of `rvpack prune` (sdk/prune.py) against a brute
force over every choice of columns, and its options' validation."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from rvpack.sdk.errors import InputError
from rvpack.sdk.prune import PruneOptions, column_nm_mask, kept_per_block


@pytest.mark.parametrize("rows,k,mr,n,m", [(7, 16, 7, 2, 4), (10, 13, 4, 2, 4), (5, 9, 3, 1, 4), (8, 24, 8, 6, 8),
                                           (1, 3, 1, 1, 4)])
def test_mask_keeps_the_largest_norm_columns_of_each_block_and_group(rows, k, mr, n, m):
    rng = np.random.default_rng(rows * k)
    w = rng.standard_normal((rows, k)).astype(np.float32)
    mask = column_nm_mask(w, mr, n, m)
    for r0 in range(0, rows, mr):
        block = mask[r0:r0 + mr]
        assert (block == block[0]).all()  # every row of a block keeps the same columns
        kept = np.flatnonzero(block[0])
        assert len(kept) == kept_per_block(k, n, m)
        for g0 in range(0, k, m):
            cols = range(g0, min(g0 + m, k))
            want = kept_per_block(len(cols), n, m)
            # Brute force: no other choice of `want` columns keeps more of the block's squared norm.
            energy = {c: float(np.sum(w[r0:r0 + mr, c].astype(np.float64) ** 2)) for c in cols}
            best = max(sum(energy[c] for c in choice) for choice in itertools.combinations(cols, want))
            got = sum(energy[c] for c in cols if block[0, c])
            assert got == pytest.approx(best)
            assert sum(block[0, c] for c in cols) == want


def test_kept_per_block_rounds_a_partial_group_up():
    assert kept_per_block(16, 2, 4) == 8
    assert kept_per_block(18, 2, 4) == 9  # 4 full groups keep 8, the group of 2 keeps 1
    assert kept_per_block(147, 1, 4) == 37  # 36 + ceil(3 / 4)
    assert kept_per_block(3, 2, 4) == 2


@pytest.mark.parametrize("sparsity,m,n", [(0.5, 4, 2), (0.75, 4, 1), (0.875, 8, 1), (0.25, 4, 3)])
def test_sparsity_and_m_give_n(sparsity, m, n):
    assert PruneOptions(sparsity=sparsity, m=m).n == n


@pytest.mark.parametrize("sparsity,m", [(0.6, 4), (0.0, 4), (1.0, 4), (0.5, 1), (0.9, 4)])
def test_impossible_sparsities_name_the_options(sparsity, m):
    with pytest.raises(InputError, match=r"--(sparsity|m) "):
        _ = PruneOptions(sparsity=sparsity, m=m).n
