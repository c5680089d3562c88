"""Thresholds n*: exact crossings, censoring, non-monotone curves, the logistic MLE, validation."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from theorylab.compare.thresholds import (
    CensoredThresholdWarning,
    estimate_threshold,
    first_success,
    refine_grid,
)

GRID = np.array([100, 200, 400, 800, 1600])


def _curves(first: list[float | None], grid=GRID) -> np.ndarray:
    """Monotone success curves: trial i succeeds from first[i] on (None: never)."""
    rows = [grid >= (np.inf if f is None else f) for f in first]
    return np.array(rows, dtype=bool)


def _log_interp(n0, n1, f0, f1, level):
    """Where the straight line in log n through (n0, f0), (n1, f1) reaches level (independent formula)."""
    return n0 * (n1 / n0) ** ((level - f0) / (f1 - f0))


# --------------------------------------------------------------------------------------------------
# exact values


@pytest.mark.parametrize("level", [0.1, 0.25, 0.5, 0.9])
def test_deterministic_step_gives_the_exact_crossing(level):
    # every trial switches on at 400: F̂ = 0 at 200 and 1 at 400, so n* = 200 · 2^level
    success = _curves([400] * 6)
    res = estimate_threshold(GRID, success, level=level, n_resamples=99, rng=0)
    assert res.threshold == pytest.approx(200 * 2**level, rel=1e-12)
    assert res.is_estimate and not res.censored and res.n_censored == 0
    # every resample is the same curve: the interval collapses onto the estimate
    assert res.confidence_interval.low == pytest.approx(res.threshold, rel=1e-12)
    assert res.confidence_interval.high == pytest.approx(res.threshold, rel=1e-12)


def test_level_reached_exactly_at_a_checkpoint():
    success = _curves([200, 200, 400, 400])  # F̂(200) = 1/2 exactly
    res = estimate_threshold(GRID, success, rng=0)
    assert res.threshold == pytest.approx(200.0)
    np.testing.assert_allclose(res.success_probability, [0, 0.5, 1, 1, 1])


def test_crossing_between_unequal_steps():
    success = _curves([200, 400, 400, 800])  # F̂ = 0, .25, .75, 1, 1
    res = estimate_threshold(GRID, success, rng=0)
    assert res.threshold == pytest.approx(_log_interp(200, 400, 0.25, 0.75, 0.5))


def _reference_threshold(n, success, level):
    """Slow reference: sustained first success per trial, KM (= ECDF with censored trials counted)."""
    T, K = success.shape
    first = []
    for row in success:
        j = K
        for k in range(K - 1, -1, -1):
            if row[k]:
                j = k
            else:
                break
        first.append(j)
    F = [sum(1 for j in first if j <= k) / T for k in range(K)]
    if F[0] > level:
        return "below"
    for k in range(K):
        if F[k] >= level:
            if k == 0:
                return float(n[0])
            return _log_interp(n[k - 1], n[k], F[k - 1], F[k], level)
    return "censored"


@settings(max_examples=60, deadline=None)
@given(
    data=st.lists(st.lists(st.booleans(), min_size=5, max_size=5), min_size=2, max_size=12),
    level=st.sampled_from([0.25, 0.5, 0.75]),
)
def test_matches_slow_reference(data, level):
    success = np.array(data, dtype=bool)
    ref = _reference_threshold(GRID, success, level)
    res = estimate_threshold(GRID, success, level=level, n_resamples=9, rng=0)
    if ref == "censored":
        assert res.censored and math.isnan(res.threshold) and res.bound == GRID[-1]
    elif ref == "below":
        assert res.below_grid and math.isnan(res.threshold) and res.bound == GRID[0]
    else:
        assert res.threshold == pytest.approx(ref, rel=1e-12)


# --------------------------------------------------------------------------------------------------
# censoring


def test_censored_trials_are_kept_not_dropped():
    # first successes: 100 x2, 200 x2, 400 x2, 800 x1, never x3 (10 trials)
    first = [100, 100, 200, 200, 400, 400, 800, None, None, None]
    success = _curves(first)
    np.testing.assert_array_equal(first_success(GRID, success)[-3:], [np.inf] * 3)
    res = estimate_threshold(GRID, success, rng=0)
    assert res.n_censored == 3 and res.n_trials == 10
    # kept in the denominator: F̂ = .2, .4, .6, .7, .7 -> crossing halfway (in log n) from 200 to 400
    censored_aware = _log_interp(200, 400, 0.4, 0.6, 0.5)
    # the naive estimate drops the 3 censored trials: F̂ = 2/7, 4/7, ... -> between 100 and 200
    naive_dropped = _log_interp(100, 200, 2 / 7, 4 / 7, 0.5)
    assert res.threshold == pytest.approx(censored_aware)
    assert naive_dropped < res.threshold  # dropping biases n* down
    assert res.threshold / naive_dropped == pytest.approx(2**0.75, rel=1e-12)


def test_level_not_reached_is_a_lower_bound_not_a_number():
    # 4 of 10 trials succeed; setting the 6 others to n_max would give a number <= 1600
    success = _curves([200] * 4 + [None] * 6)
    res = estimate_threshold(GRID, success, rng=0)
    assert res.censored and res.bound == 1600.0 and math.isnan(res.threshold)
    assert res.log_threshold == math.inf and not res.is_estimate
    assert "n* > 1600" in str(res)
    assert res.n_censored == 6


def test_below_the_grid_is_an_upper_bound():
    success = _curves([100] * 5 + [400])
    res = estimate_threshold(GRID, success, rng=0)
    assert res.below_grid and res.bound == 100.0 and math.isnan(res.threshold)
    assert res.log_threshold == -math.inf


# --------------------------------------------------------------------------------------------------
# non-monotone curves


def test_non_monotone_rules():
    success = np.array([[1, 0, 1, 1, 1], [0, 1, 0, 0, 1], [0, 0, 0, 1, 0]], dtype=bool)
    np.testing.assert_array_equal(first_success(GRID, success), [400, 1600, np.inf])
    np.testing.assert_array_equal(first_success(GRID, success, rule="first"), [100, 200, 800])


# --------------------------------------------------------------------------------------------------
# bootstrap interval


def test_interval_same_seed_same_numbers_and_contains_estimate():
    gen = np.random.default_rng(5)
    n = np.geomspace(100, 10_000, 21)
    tau = 1000 * np.exp(0.5 * gen.standard_normal(40))
    success = n[None, :] >= tau[:, None]
    a = estimate_threshold(n, success, rng=11)
    b = estimate_threshold(n, success, rng=11)
    c = estimate_threshold(n, success, rng=12)
    assert a.confidence_interval == b.confidence_interval
    assert a.confidence_interval != c.confidence_interval
    assert a.confidence_interval.low < a.threshold < a.confidence_interval.high
    # asymptotic s.e. of a sample median of log T ~ N(log 1000, 0.5²): 0.5 · sqrt(π/2) / sqrt(40) = 0.099;
    # the bootstrap and spacing estimates must be of that size (within a factor 2: 40 trials)
    se = 0.5 * math.sqrt(math.pi / 2) / math.sqrt(40)
    assert se / 2 < a.se_log_threshold < 2 * se
    assert se / 2 < a.spacing_se < 2 * se


# --------------------------------------------------------------------------------------------------
# logistic MLE


def _expected_information(mu, s, u, trials):
    """Expected Fisher information of (mu, s) for interval-censored log T ~ Logistic(mu, s), grid u."""
    edges = np.concatenate([[-np.inf], u, [np.inf]])
    z = (edges - mu) / s
    F = stats.logistic.cdf(z)
    zf = np.where(np.isfinite(z), z, 0.0)
    f = np.where(np.isfinite(z), stats.logistic.pdf(zf), 0.0)  # density 0 at ±inf
    dF_dmu = -f / s
    dF_ds = -f * zf / s
    p = np.diff(F)
    g = np.stack([np.diff(dF_dmu), np.diff(dF_ds)])  # gradient of each cell probability
    return trials * np.einsum("ik,jk,k->ij", g, g, 1 / p)  # T Σ_cells ∇p ∇pᵀ / p


def test_logistic_recovers_known_parameters():
    mu, s, trials = math.log(1000.0), 0.5, 4000
    n = np.geomspace(50, 20_000, 25)
    gen = np.random.default_rng(2024)
    log_tau = stats.logistic.rvs(loc=mu, scale=s, size=trials, random_state=gen)
    success = np.log(n)[None, :] >= log_tau[:, None]
    res = estimate_threshold(n, success, method="logistic")
    fit = res.logistic
    cov = np.linalg.inv(_expected_information(mu, s, np.log(n), trials))
    se_mu, se_s = np.sqrt(np.diag(cov))
    # MLE ≈ N(θ, I⁻¹): |error| < 4 s.e. fails with probability 6e-5 per parameter
    assert abs(fit.location - mu) < 4 * se_mu
    assert abs(fit.scale - s) < 4 * se_s
    # the observed information agrees with the expected one to O(1/sqrt(trials)) (~2%): allow 15%
    np.testing.assert_allclose(np.sqrt(np.diag(fit.covariance)), [se_mu, se_s], rtol=0.15)
    # at level 1/2 the threshold is exp(location); Wald interval from the delta method
    assert res.threshold == pytest.approx(math.exp(fit.location))
    lo, hi = res.confidence_interval
    assert math.log(hi) - math.log(lo) == pytest.approx(2 * 1.959964 * se_mu, rel=0.15)
    assert lo < 1000.0 < hi
    # level 1/4: log n* = location + scale · logit(1/4)
    q = estimate_threshold(n, success, method="logistic", level=0.25)
    assert math.log(q.threshold) == pytest.approx(fit.location + fit.scale * math.log(1 / 3))


def test_logistic_with_censored_trials_matches_crossing_roughly():
    # 30% of trials never succeed within the grid; both estimators target the same median
    mu, s = math.log(1000.0), 0.4
    n = np.geomspace(200, 1300, 12)  # log(1300/1000)/0.4 = 0.66 -> about 34% censored
    gen = np.random.default_rng(3)
    log_tau = stats.logistic.rvs(loc=mu, scale=s, size=2000, random_state=gen)
    success = np.log(n)[None, :] >= log_tau[:, None]
    lg = estimate_threshold(n, success, method="logistic")
    cr = estimate_threshold(n, success, n_resamples=199, rng=0)
    assert lg.n_censored > 500
    # s.e. of log n* ≈ s·sqrt(... ) ~ 0.4·1.8/sqrt(2000) ≈ 0.016: 0.08 is 5 s.e.
    assert abs(math.log(lg.threshold) - mu) < 0.08
    assert abs(math.log(cr.threshold) - mu) < 0.08


def test_logistic_unidentified_scale_warns():
    with pytest.warns(CensoredThresholdWarning, match="not identified"):
        estimate_threshold(GRID, _curves([400] * 8), method="logistic")


# --------------------------------------------------------------------------------------------------
# refine_grid


def test_refine_grid_inside_extends_and_skips():
    n = np.array([100, 1000, 10_000])
    # F̂ = 0, .25, 1: crossing in (1000, 10000); with 40 trials no resample reaches 1/2 at 1000
    success = _curves([1000] * 10 + [10_000] * 30, grid=n)
    new = refine_grid(n, success, num=5, rng=0)
    assert new.size == 5 and new.min() > 1000 and new.max() < 10_000
    assert np.all(np.diff(np.log(new)) > 0)
    # censored: extend past n_max
    new = refine_grid(n, np.zeros((4, 3), dtype=bool), num=4, extend=16.0, rng=0)
    np.testing.assert_array_equal(new, [20_000, 40_000, 80_000, 160_000])
    # below the grid: extend below n_min
    new = refine_grid(n, np.ones((4, 3), dtype=bool), num=2, extend=4.0, rng=0)
    np.testing.assert_array_equal(new, [25, 50])
    # a grid already fine around the threshold needs nothing
    fine = np.geomspace(100, 10_000, 81)
    success = fine[None, :] >= np.array([900.0, 950, 1000, 1050, 1100, 1150])[:, None]
    assert refine_grid(fine, success, num=3, rng=0).size == 0


# --------------------------------------------------------------------------------------------------
# validation


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"n": [100, 100, 200]}, ValueError, "n must be strictly increasing"),
        ({"n": [0, 100, 200]}, ValueError, "n must contain finite positive"),
        ({"n": [[1, 2, 3]]}, ValueError, "n must be a non-empty 1-d"),
        ({"success": np.ones((3, 2), dtype=bool)}, ValueError, "success must have one column per checkpoint"),
        ({"success": np.ones(3, dtype=bool)}, ValueError, r"success must have shape \(trials, checkpoints\)"),
        ({"success": np.ones((1, 3), dtype=bool)}, ValueError, "success must have at least 2 trials"),
        ({"success": np.full((2, 3), 0.5)}, TypeError, "success must be a boolean array"),
        ({"level": 1.0}, ValueError, "level"),
        ({"method": "logit"}, ValueError, "unknown method 'logit' .did you mean 'logistic'"),
        ({"rule": "last"}, ValueError, "unknown rule"),
        ({"confidence_level": 95}, ValueError, "confidence_level"),
        ({"n_resamples": 0}, ValueError, "n_resamples must be >= 1"),
        ({"rng": "seed"}, TypeError, "rng must be"),
    ],
)
def test_validation_messages(kwargs, exc, match):
    args = {"n": [100, 200, 400], "success": np.array([[0, 1, 1], [0, 0, 1]], dtype=bool)}
    args.update(kwargs)
    n, success = args.pop("n"), args.pop("success")
    with pytest.raises(exc, match=match):
        estimate_threshold(n, success, **args)


def test_refine_grid_validation():
    n, success = [100, 200, 400], np.array([[0, 1, 1], [0, 0, 1]], dtype=bool)
    with pytest.raises(ValueError, match="num must be >= 1"):
        refine_grid(n, success, num=0)
    with pytest.raises(ValueError, match="extend"):
        refine_grid(n, success, extend=1.0)


def test_no_runtime_warnings_on_censored_resamples():
    success = _curves([200, 400, 800, 1600, None, None, None])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = estimate_threshold(GRID, success, rng=1)
    assert res.confidence_interval.high == math.inf  # many resamples never reach 1/2


def test_bootstrap_nan_interval_falls_back_to_the_resamples_that_have_a_crossing(monkeypatch):
    """SciPy's percentile interval is NaN as soon as one resample's statistic is NaN; the crossing bootstrap then
    takes the same percentiles over the resamples that have a value (checked against numpy on those alone)."""
    from types import SimpleNamespace

    from theorylab.compare import threshold_crossing as tc

    real = tc.stats.bootstrap
    poisoned = 7  # resamples whose statistic SciPy would report as NaN

    def nan_bootstrap(*args, **kwargs):
        res = real(*args, **kwargs)
        dist = np.array(res.bootstrap_distribution, dtype=float)
        dist[:, :poisoned] = np.nan
        ci = SimpleNamespace(low=np.array([np.nan, np.nan]), high=np.array([np.nan, np.nan]))
        return SimpleNamespace(bootstrap_distribution=dist, confidence_interval=ci)

    monkeypatch.setattr(tc.stats, "bootstrap", nan_bootstrap)
    first_idx = np.array([0, 1, 1, 2, 2, 2, 3, 3, 4, 1, 2, 3])  # first-success indices on a 4-point grid
    logn = np.log([100.0, 200.0, 400.0, 800.0])
    lo, hi, boot, _ = tc.bootstrap_crossing(first_idx, logn, 0.5, 0.9, 199, np.random.default_rng(3))
    kept = boot[~np.isnan(boot)]
    assert kept.size == 199 - poisoned and np.all(np.isfinite(kept))
    assert math.isfinite(lo) and math.isfinite(hi)
    assert lo == pytest.approx(np.percentile(kept, 5)) and hi == pytest.approx(np.percentile(kept, 95))
