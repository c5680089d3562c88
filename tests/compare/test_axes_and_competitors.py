"""Verdicts along s at fixed d, per-rate hidden logs, competitors named, crossovers, contrasts and the planner.

Every expected number is a closed form computed here from the rates' definitions, not read off the code.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from theorylab.compare import (
    Pilot,
    allowed_band,
    alpha_contrast,
    crossover_dimension,
    plan_design,
    polylog_slope,
    separable,
    verdict,
)
from theorylab.symbolic.rates import predicted_rate


def _fit(slope, lo, hi, xr):
    return SimpleNamespace(slope=slope, confidence_interval=(lo, hi), d_range=xr)


def test_s_band_is_the_law_in_the_support_with_no_logs():
    # pruned, k* = 2: n ∝ M^2 (Lemma 34) in the pruning level, at fixed d (all logs of d are constants)
    band = allowed_band(predicted_rate("pruned", 2, alpha=0.25), 4, 10, axis="s", d=64)
    assert (band.low, band.high) == (2.0, 2.0)
    # multi-index: s^2 whatever k*; k* = 3 single-index: s^3
    assert allowed_band(predicted_rate("pruned", 2, alpha=0.25, r=2), 2, 8, axis="s", d=64).high == pytest.approx(2)
    assert allowed_band(predicted_rate("pruned", 3, alpha=0.25), 2, 8, axis="s", d=64).high == pytest.approx(3)
    # every basis-independent rate is flat in s, logs or not
    for name in ("dense", "csq_dense", "online_sgd", "smoothed_sgd"):
        b = allowed_band(predicted_rate(name, 2), 2, 8, axis="s", d=64)
        assert (b.low, b.high) == (0.0, 0.0), name
    # CSQ-sparse min(s, √d)^k: slope k below √d = 8, 0 above it, the secant in between
    csq = predicted_rate("csq_sparse", 2, alpha=0.25)
    assert allowed_band(csq, 2, 8, axis="s", d=64).high == pytest.approx(2)
    assert allowed_band(csq, 2, 32, axis="s", d=64).high == pytest.approx(2 * math.log(4) / math.log(16))


def test_s_verdict_tells_the_right_exponent_from_k_minus_one_and_zero():
    rate = {k: predicted_rate("pruned", k, alpha=0.25) for k in (1, 2)}
    fit = _fit(1.9, 1.7, 2.1, (4, 10))
    assert verdict(fit, rate[2], axis="s", d=64).outcome == "consistent"
    v1 = verdict(fit, rate[1], axis="s", d=64)
    assert v1.outcome == "inconsistent" and v1.side == "above"
    v0 = verdict(fit, predicted_rate("dense", 2), axis="s", d=64)
    assert v0.outcome == "inconsistent" and v0.band.high == 0.0
    with pytest.raises(ValueError, match="d: an s-scan"):
        verdict(fit, rate[2], axis="s")
    with pytest.raises(ValueError, match="axis must be"):
        verdict(fit, rate[2], axis="x")


def test_competitors_met_are_named_and_turn_consistent_into_inconclusive():
    pruned, csq = predicted_rate("pruned", 2, alpha=0.25), predicted_rate("csq_dense", 2)
    L = polylog_slope(16, 256)
    # pruned band [0.5, 0.5 + 2L] (Lemma 34's log² d); d^{k*/2} with up to 1/log² d hidden: [1 - 2L, 1]
    assert allowed_band(csq, 16, 256).low == pytest.approx(1 - 2 * L)
    fit = _fit(0.97, 0.8, 1.1, (16, 256))
    v = verdict(fit, pruned, competitors=[csq, predicted_rate("dense", 2)])
    assert v.outcome == "inconclusive" and v.competitors_met == ("csq_dense",) and not v.too_wide
    assert "csq_dense" in v.reason
    # over d in [10^3, 10^6] L ≈ 0.10: bands [0.5, 0.7] and [0.8, 1] are apart
    clean = verdict(_fit(0.55, 0.45, 0.65, (1e3, 1e6)), pruned, competitors=[csq])
    assert clean.outcome == "consistent" and clean.competitors_met == ()


def test_each_rate_uses_the_logs_its_source_hides():
    L = polylog_slope(64, 1024)
    sgd = predicted_rate("online_sgd", 2)  # d log² d, threshold between d log d and d log² d (Thms 1.3-1.4)
    b = allowed_band(sgd, 64, 1024)
    assert (b.low, b.high) == pytest.approx((1 + L, 1 + 2 * L))
    dense = allowed_band(predicted_rate("dense", 2), 64, 1024)  # Õ(d²): up to log² d more
    assert (dense.low, dense.high) == pytest.approx((2, 2 + 2 * L))
    k3 = allowed_band(predicted_rate("pruned", 3, alpha=0.25), 64, 1024)  # Lemma 34: (log d)^{2(k*-1)} = log⁴
    assert k3.high == pytest.approx(0.75 + 4 * L)
    # an explicit allowance overrides the rate's own
    assert allowed_band(sgd, 64, 1024, polylog_allowance=0).high == pytest.approx(1 + 2 * L)


def test_over_d_the_logs_hide_the_paper_comparison_over_s_they_cannot():
    pruned, csq = predicted_rate("pruned", 2, alpha=0.25), predicted_rate("csq_dense", 2)
    # over d the gap is 1/2 - 4L: negative until L < 1/8, i.e. ln d ≈ 8 and beyond
    assert not separable(pruned, csq, 16, 625)
    assert not separable(pruned, csq, 64, 4096)
    s = separable(pruned, csq, 4, 10, axis="s", d=64)
    assert s and s.gap == pytest.approx(2.0)


def test_crossover_measured_extrapolated_none_and_already():
    d = np.array([16.0, 81, 256, 625])
    # the He2 numbers: pruning overtakes online SGD between 256 and 625
    m = crossover_dimension(d, [170, 981, 2910, 5890], d, [41, 379, 1973, 7026])
    g0, g1 = math.log(2910 / 1973), math.log(5890 / 7026)
    expected = math.exp(math.log(256) + math.log(625 / 256) * g0 / (g0 - g1))
    assert m.kind == "measured" and m.d_cross == pytest.approx(expected) and (m.d_low, m.d_high) == (256, 625)
    # exact power laws 100 d^{1/2} and d^2 meet where d^{3/2} = 100: d = 100^{2/3}
    dd = np.array([2.0, 4, 8])
    e = crossover_dimension(dd, 100 * dd**0.5, dd, dd**2, slope_interval_a=(0.4, 0.6), slope_interval_b=(1.9, 2.1))
    assert e.kind == "extrapolated" and e.d_cross == pytest.approx(100 ** (2 / 3))
    assert e.d_low < e.d_cross < e.d_high
    assert crossover_dimension(dd, dd**2, dd, 5 * dd).kind == "none"
    assert crossover_dimension(dd, dd, dd, 5 * dd).kind == "already"
    with pytest.raises(ValueError, match="censored"):
        crossover_dimension(dd, [1, np.inf, 3], dd, dd)


def test_alpha_contrast_recovers_a_known_slope_with_calibrated_interval():
    # β(α) = 2 α + 0.5 (a common polylog offset), each β measured with sd 0.05: the contrast is 2 whatever the
    # offset; over 400 repetitions its 95% interval covers 2 in 95% ± 3 sd of a binomial(400, 0.95)
    rng = np.random.default_rng(7)
    alphas = np.array([0.25, 0.5, 0.75])
    covered = 0
    for _ in range(400):
        beta = 2 * alphas + 0.5 + 0.05 * rng.standard_normal(3)
        c = alpha_contrast(alphas, beta, beta - 1.96 * 0.05, beta + 1.96 * 0.05)
        covered += c.low <= 2 <= c.high
    sd = math.sqrt(400 * 0.95 * 0.05)
    assert abs(covered - 380) < 3 * sd + 1


def test_planner_finds_the_cheapest_separating_design_or_says_none():
    pruned, csq = predicted_rate("pruned", 2, alpha=0.25), predicted_rate("csq_dense", 2)
    pilot = Pilot(values=(2, 4, 8), sd_log_threshold=0.4, seconds_per_trial=(0.01, 0.02, 0.05))
    plan = plan_design(pruned, [csq], pilot, [(2, 4, 8), (2, 4, 8, 16)], axis="s", d=256, budget_s=60)
    assert plan.feasible and plan.design is not None
    d = plan.design
    logs = np.log(np.asarray(d.values))
    assert d.half_width == pytest.approx(1.959964 * 0.4 / math.sqrt(d.trials * np.sum((logs - logs.mean()) ** 2)),
                                         rel=1e-5)
    assert d.half_width < d.gap / 2
    # no cheaper considered design separates
    assert all(c.seconds >= d.seconds for c in plan.considered if c.separates)
    over_d = Pilot(values=(16, 81, 256), sd_log_threshold=0.4, seconds_per_trial=(0.1, 1.0, 10.0))
    none = plan_design(pruned, [csq], over_d, [(16, 81, 256, 625)], budget_s=3600)
    assert not none.feasible and "csq_dense" in none.reason and "overlap" in none.reason
    with pytest.raises(ValueError, match="at least three"):
        plan_design(pruned, [csq], pilot, [(2, 4)], axis="s", d=256)


def test_a_verdict_of_an_unbounded_interval_is_refused():
    with pytest.raises(ValueError, match="unbounded"):
        verdict(_fit(1.0, 0.5, math.inf, (16, 256)), predicted_rate("dense", 2))
