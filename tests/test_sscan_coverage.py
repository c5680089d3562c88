"""Coverage of the s-scan slope interval on real ``simulate`` output (issue 8: does the trial bootstrap understate?).

Two runs of the same He₂ s-scan with other seeds gave slopes whose intervals barely overlapped, which raised the
question whether the stratified trial bootstrap (compare/fits.py) misses a source of variance. Nothing is shared
between trials: trial t of a cell draws its own V, pruning initialisation, training stream, re-initialisation and
test stream (spawn keys (t, 0..4) of the cell's seed), and the cells of a scan have seeds from their own configuration
hashes. So the trials are i.i.d. and the bootstrap resamples the level that varies; this test checks that it also
*measures* that variance, on real output rather than on the synthetic power laws of tests/compare/test_calibration.py.

tests/data/sscan_he2_d64_pool.npz (written by tests/data/make_sscan_fixture.py) holds 128 pruned He₂/√2 trials per
support size s = 2, 4, 8 at d = 64 (q = 0, float32 Algorithm 1). The pool's own fit is the truth for its subsets: a
16-trial subset per s is a real replicate of a 16-trial s-scan (fitted in M = s + 2). Drawing the subsets without
replacement (finite-population factor √(1 − 16/128) ≈ 0.94) can only raise the coverage, so a lower bound is the
honest check.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from theorylab.compare import fit_exponent_from_curves
from theorylab.symbolic.rates import PRUNING_MARGIN

POOL = Path(__file__).parent / "data" / "sscan_he2_d64_pool.npz"
SUPPORTS = (2, 4, 8)
TRIALS = 16  # the per-cell trial count whose interval is in question
DRAWS = 200  # binomial sd of the coverage at 0.95: 0.015
RESAMPLES = 999


def _fit(pool, rows):
    curves = {s + PRUNING_MARGIN: (pool[f"n_{s}"], pool[f"success_{s}"][rows[s]]) for s in SUPPORTS}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a subset's bootstrap may censor a resample; that is part of the method
        return fit_exponent_from_curves(curves, n_resamples=RESAMPLES, rng=0)


@pytest.fixture(scope="module")
def pool():
    with np.load(POOL, allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


@pytest.fixture(scope="module")
def truth(pool):
    size = pool["success_2"].shape[0]
    return _fit(pool, {s: np.arange(size) for s in SUPPORTS}).slope


def test_the_pool_is_real_output_of_independent_trials(pool):
    for s in SUPPORTS:
        success = pool[f"success_{s}"]
        assert success.shape == (128, pool[f"n_{s}"].size) and success.dtype == bool
        # each cell's n* lies inside its grid
        assert success[:, 0].mean() < 0.5 < success[:, -1].mean()
    assert len({pool[f"success_{s}"].tobytes() for s in SUPPORTS}) == len(SUPPORTS)


@pytest.mark.slow
def test_disjoint_replicates_are_covered(pool, truth):
    """8 disjoint 16-trial replicates: at 95% each, 6 or more contain the pool's slope with probability 0.994."""
    covered = 0
    for g in range(pool["success_2"].shape[0] // TRIALS):
        rows = np.arange(g * TRIALS, (g + 1) * TRIALS)
        lo, hi = _fit(pool, dict.fromkeys(SUPPORTS, rows)).confidence_interval
        covered += lo <= truth <= hi
    assert covered >= 6


@pytest.mark.slow
def test_the_interval_covers_and_is_as_wide_as_the_replicates_spread(pool, truth):
    gen = np.random.default_rng(20261205)
    size = pool["success_2"].shape[0]
    slopes, halves, covered = [], [], 0
    for _ in range(DRAWS):
        fit = _fit(pool, {s: gen.choice(size, size=TRIALS, replace=False) for s in SUPPORTS})
        lo, hi = fit.confidence_interval
        slopes.append(fit.slope)
        halves.append((hi - lo) / 2)
        covered += lo <= truth <= hi
    # nominal 0.95 less 3 binomial sd; subsets without replacement can only raise it
    assert covered / DRAWS >= 0.95 - 3 * np.sqrt(0.95 * 0.05 / DRAWS)
    # the interval's standard error is not smaller than the spread of the replicates' slopes (an understated
    # interval, e.g. one that missed a shared source of variance, would fail this)
    assert np.median(halves) / 1.96 >= 0.8 * np.std(slopes, ddof=1)
