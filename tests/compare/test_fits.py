"""Exponent fits: exact power laws, closed-form least squares, censored points, validation."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest
from scipy import stats

from theorylab.compare.fits import fit_exponent, fit_exponent_from_curves
from theorylab.compare.thresholds import CensoredThresholdWarning, estimate_threshold

D = np.array([64, 128, 256, 512, 1024])


def _step_curves(beta, C=3.0, ratio=2.0, trials=8, censor_at=()):
    """All trials of dimension d switch on exactly at C d^beta, which is a checkpoint of every grid."""
    curves = {}
    for d in D:
        nstar = C * d**beta
        n = nstar * ratio ** np.arange(-6, 5, dtype=float)
        success = np.tile(n >= nstar * (1 - 1e-12), (trials, 1))
        if d in censor_at:
            success[:] = False
        curves[int(d)] = (n, success)
    return curves


def test_exact_power_law_from_step_curves():
    # each crossing is the log-midpoint n*/sqrt(2) of the cell below n*: log n* - log sqrt 2 is exactly
    # linear in log d with slope beta; every resample is identical, so the interval is the point
    fit = fit_exponent_from_curves(_step_curves(1.5), n_resamples=49, rng=0)
    assert fit.slope == pytest.approx(1.5, abs=1e-12)
    assert fit.intercept == pytest.approx(math.log(3.0 / math.sqrt(2)), abs=1e-10)
    assert fit.confidence_interval.low == pytest.approx(1.5, abs=1e-12)
    assert fit.confidence_interval.high == pytest.approx(1.5, abs=1e-12)
    assert fit.theil_sen.slope == pytest.approx(1.5, abs=1e-12)
    assert fit.d_range == (64.0, 1024.0) and fit.excluded == ()
    assert fit.interval_method == "stratified trial bootstrap (percentile)"
    assert len(fit.thresholds) == 5


def test_simulation_result_like_objects_are_accepted():
    curves = {d: SimpleNamespace(n=n, success=s) for d, (n, s) in _step_curves(0.5).items()}
    fit = fit_exponent_from_curves(curves, n_resamples=19, rng=0)
    assert fit.slope == pytest.approx(0.5, abs=1e-12)


def test_censored_dimension_is_excluded_with_a_warning():
    curves = _step_curves(1.0, censor_at=(1024,))
    with pytest.warns(CensoredThresholdWarning, match=r"d=1024 censored: n\* > "):
        fit = fit_exponent_from_curves(curves, n_resamples=19, rng=0)
    assert [d for d, _ in fit.excluded] == [1024.0]
    assert fit.d_range == (64.0, 512.0) and fit.slope == pytest.approx(1.0, abs=1e-12)
    assert len(fit.thresholds) == 5 and fit.thresholds[-1].censored
    assert "excluded d=1024" in str(fit)


def test_too_few_uncensored_dimensions_fail_clearly():
    curves = _step_curves(1.0, censor_at=(256, 512, 1024))
    with pytest.warns(CensoredThresholdWarning), pytest.raises(ValueError, match="min_points=3"):
        fit_exponent_from_curves(curves, n_resamples=19, rng=0)


def test_weighted_least_squares_matches_the_closed_form():
    # independent reference: generalised least squares β̂ = (XᵀWX)⁻¹XᵀWy, Var = (XᵀWX)⁻¹, W = diag(1/σ²)
    x = np.log(D.astype(float))
    y = np.array([5.1, 5.9, 6.5, 7.3, 7.9])
    se = np.array([0.10, 0.08, 0.12, 0.15, 0.09])
    z = stats.norm.ppf(0.975)
    intervals = np.exp(np.stack([y - z * se, y + z * se], axis=1))
    fit = fit_exponent(D, np.exp(y), intervals=intervals)
    X = np.stack([np.ones_like(x), x], axis=1)
    W = np.diag(1 / se**2)
    cov = np.linalg.inv(X.T @ W @ X)
    beta = cov @ X.T @ W @ y
    assert fit.slope == pytest.approx(beta[1], rel=1e-10)
    assert fit.intercept == pytest.approx(beta[0], rel=1e-10)
    assert fit.half_width == pytest.approx(z * math.sqrt(cov[1, 1]), rel=1e-10)
    np.testing.assert_allclose(fit.se_log_thresholds, se, rtol=1e-10)


def test_ordinary_least_squares_t_interval():
    x = np.log(D.astype(float))
    y = 2 + 0.7 * x + np.array([0.05, -0.03, 0.02, -0.06, 0.01])
    fit = fit_exponent(D, np.exp(y))
    xc = x - x.mean()
    b = np.sum(xc * (y - y.mean())) / np.sum(xc**2)
    resid = y - y.mean() - b * xc
    se_b = math.sqrt(np.sum(resid**2) / 3 / np.sum(xc**2))
    assert fit.slope == pytest.approx(b, rel=1e-12)
    assert fit.half_width == pytest.approx(stats.t.ppf(0.975, 3) * se_b, rel=1e-10)
    assert fit.interval_method == "ordinary least squares, t"


def test_logistic_thresholds_use_fisher_weights():
    gen = np.random.default_rng(8)
    curves = {}
    for d in D:
        n = np.geomspace(10, 1e5, 30)
        log_tau = math.log(4 * d) + 0.4 * gen.logistic(size=400)
        curves[int(d)] = (n, np.log(n)[None, :] >= log_tau[:, None])
    fit = fit_exponent_from_curves(curves, method="logistic")
    assert fit.interval_method == "weighted least squares, normal, known variances"
    # Cramér-Rao for exactly observed log T ~ Logistic(mu, 0.4): Var(mu) >= 3 s² / T, so s.e. of each
    # log n* >= 0.4 sqrt(3/400) = 0.0346 (interval censoring by the grid only adds to it) and the
    # unweighted-equivalent slope s.e. >= 0.0346 / sqrt(Σ(x - x̄)²) = 0.0346 / sqrt(4.80) = 0.0158
    sd_slope = fit.half_width / stats.norm.ppf(0.975)
    bound = 0.4 * math.sqrt(3 / 400) / math.sqrt(np.sum((np.log(D) - np.log(D).mean()) ** 2))
    # the observed information of one sample fluctuates by a few % (400 trials) and the weights favour
    # points whose s.e. came out small: allow 20% below the bound
    assert 0.8 * bound < sd_slope < 1.5 * bound
    assert abs(fit.slope - 1.0) < 4 * sd_slope


def test_same_seed_same_fit():
    gen = np.random.default_rng(4)
    curves = {}
    for d in D:
        n = np.geomspace(10, 1e5, 30)
        tau = 2 * d * np.exp(0.5 * gen.standard_normal(16))
        curves[int(d)] = (n, n[None, :] >= tau[:, None])
    a = fit_exponent_from_curves(curves, n_resamples=199, rng=3)
    b = fit_exponent_from_curves(curves, n_resamples=199, rng=3)
    assert a.confidence_interval == b.confidence_interval and a.slope == b.slope
    # the point estimate does not depend on the resampling
    c = fit_exponent_from_curves(curves, n_resamples=199, rng=4)
    assert c.slope == a.slope and c.confidence_interval != a.confidence_interval


def test_fit_exponent_accepts_threshold_results():
    curves = _step_curves(2.0)
    results = [estimate_threshold(n, s, n_resamples=19, rng=0) for n, s in curves.values()]
    fit = fit_exponent(list(curves.keys()), results)
    assert fit.slope == pytest.approx(2.0, abs=1e-12)


@pytest.mark.parametrize(
    ("args", "kwargs", "exc", "match"),
    [
        (([64, 64, 128], [1.0, 2.0, 3.0]), {}, ValueError, "d must not repeat"),
        (([64, -1, 128], [1.0, 2.0, 3.0]), {}, ValueError, "d must contain finite positive"),
        (([64, 128, 256], [1.0, 2.0]), {}, ValueError, "thresholds must have one entry per d"),
        (([64, 128, 256], [1.0, np.nan, 3.0]), {}, ValueError, "thresholds must be finite and positive"),
        (([64, 128], [1.0, 2.0]), {}, ValueError, "min_points=3"),
        (([64, 128, 256], [1.0, 2.0, 3.0]), {"intervals": [(1, 2)]}, ValueError, r"intervals must have shape"),
        (([64, 128, 256], [1.0, 2.0, 3.0]), {"confidence_level": 1.5}, ValueError, "confidence_level"),
        (([64, 128, 256], [1.0, 2.0, 3.0]), {"min_points": 1}, ValueError, "min_points must be >= 2"),
    ],
)
def test_fit_exponent_validation(args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        fit_exponent(*args, **kwargs)


def test_fit_from_curves_validation():
    with pytest.raises(TypeError, match="curves must be a mapping"):
        fit_exponent_from_curves([1, 2, 3])
    with pytest.raises(ValueError, match="curves must not be empty"):
        fit_exponent_from_curves({})
    with pytest.raises(TypeError, match=r"curves\[64\] must be a SimulationResult"):
        fit_exponent_from_curves({64: 1, 128: 2, 256: 3})
    bad = _step_curves(1.0)
    bad[256] = (bad[256][0][::-1], bad[256][1])
    with pytest.raises(ValueError, match=r"curves\[256\]: n must be strictly increasing"):
        fit_exponent_from_curves(bad, n_resamples=9, rng=0)
    with pytest.raises(ValueError, match="unknown method"):
        fit_exponent_from_curves(_step_curves(1.0), method="probit")


def test_progress_bar_and_two_points(capsys):
    curves = dict(list(_step_curves(1.0).items())[:2])
    fit = fit_exponent_from_curves(curves, n_resamples=9, rng=0, min_points=2, progress=True)
    assert fit.slope == pytest.approx(1.0, abs=1e-12)
    assert "thresholds" in capsys.readouterr().err  # the tqdm bar over the dimensions
