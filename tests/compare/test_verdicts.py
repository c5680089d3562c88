"""Verdicts and separability: the decision rule, the polylog allowance, the rate registry, validation."""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import SimpleNamespace

import pytest

from theorylab.compare.verdicts import (
    DEFAULT_POLYLOG_ALLOWANCE,
    allowed_band,
    polylog_slope,
    separable,
    verdict,
)

try:  # the real registry (symbolic layer); a stand-in with the same duck type otherwise
    from theorylab.symbolic.rates import predicted_rate
except ImportError:  # pragma: no cover
    predicted_rate = None


@dataclass(frozen=True)
class PowerRate:
    """Stand-in Rate: n = d^exponent (log d)^log_power; its secant slope in closed form."""

    name: str
    exponent: float
    log_power: float = 0.0

    def local_slope(self, d_min: float, d_max: float) -> float:
        lo, hi = math.log(d_min), math.log(d_max)
        return self.exponent + self.log_power * (math.log(hi) - math.log(lo)) / (hi - lo)


def _fit(slope, lo, hi, d_range=(64, 1024)):
    return SimpleNamespace(slope=slope, confidence_interval=(lo, hi), d_range=d_range, confidence_level=0.95)


L = (math.log(math.log(1024)) - math.log(math.log(64))) / math.log(16)  # (log d)^1 over [64, 1024]


def test_polylog_slope_closed_form_and_theory_example():
    assert polylog_slope(64, 1024) == pytest.approx(L, rel=1e-12)
    # THEORY §8: gamma = 2 adds about 2 / log d ≈ 0.35 at d ≈ 300 (a short range around 300)
    assert 2 * polylog_slope(290, 310) == pytest.approx(2 / math.log(300), rel=1e-3)
    assert 2 / math.log(300) == pytest.approx(0.35, abs=0.01)


def test_decision_rule():
    rate = PowerRate("linear", 1.0)
    band_hi = 1.0 + DEFAULT_POLYLOG_ALLOWANCE * L
    assert verdict(_fit(1.05, 0.95, 1.15), rate).outcome == "consistent"
    # above the band (even with the polylog allowance) and below it
    v = verdict(_fit(1.7, band_hi + 0.01, 1.9), rate)
    assert v.outcome == "inconsistent" and "above" in v.reason
    v = verdict(_fit(0.8, 0.7, 0.99), rate)
    assert v.outcome == "inconsistent" and "below" in v.reason
    # the allowance: 1.3 is inside [1, 1 + 2L] but outside [1, 1] (no allowance)
    assert verdict(_fit(1.3, 1.2, 1.36), rate).outcome == "consistent"
    assert verdict(_fit(1.3, 1.2, 1.36), rate, polylog_allowance=0).outcome == "inconsistent"
    # too wide to tell, unless it misses the band entirely
    v = verdict(_fit(1.0, 0.6, 1.4), rate)
    assert v.outcome == "inconclusive" and "max_half_width" in v.reason
    assert verdict(_fit(3.0, 2.0, 4.0), rate).outcome == "inconsistent"
    assert verdict(_fit(1.0, 0.6, 1.4), rate, max_half_width=0.5).outcome == "consistent"
    # a competitor whose band the interval also meets
    v = verdict(_fit(1.3, 1.2, 1.4), rate, competitors=[PowerRate("d log d", 1.0, 1.0)])
    assert v.outcome == "inconclusive" and "d log d" in v.reason


def test_verdict_numbers():
    rate = PowerRate("d log^2 d", 1.0, 2.0)
    v = verdict(_fit(1.4, 1.3, 1.5), rate, polylog_allowance=(-1.0, 1.0))
    assert v.predicted_slope == pytest.approx(1 + 2 * L)
    assert v.allowance == pytest.approx((-L, L))
    assert tuple(v.band) == pytest.approx((1 + L, 1 + 3 * L))
    assert v.d_range == (64.0, 1024.0) and v.rate == "d log^2 d"
    # the rate's slope is taken over the d_range asked for
    w = verdict(_fit(1.4, 1.3, 1.5), rate, d_range=(10, 100))
    assert w.predicted_slope == pytest.approx(rate.local_slope(10, 100))


@pytest.mark.skipif(predicted_rate is None, reason="rate registry not available")
def test_with_the_rate_registry():
    pruned = predicted_rate("pruned", 2, alpha=0.25)
    dense = predicted_rate("dense", 2)
    sgd = predicted_rate("online_sgd", 2)  # d log^2 d: its stated logs enter the local slope
    fit = _fit(0.55, 0.45, 0.66)
    assert verdict(fit, pruned).outcome == "consistent"
    assert verdict(fit, dense).outcome == "inconsistent"
    v = verdict(_fit(1.4, 1.3, 1.5), sgd, polylog_allowance=0)
    assert v.predicted_slope == pytest.approx(1 + 2 * L, rel=1e-9)
    assert v.outcome == "consistent"
    # d^2 against d log^2 d over [64, 1024]: with no allowance the slopes 2 and 1 + 2L are 1 - 2L = 0.63
    # apart; with gamma_max = 2 the bands [2, 2 + 2L] and [1 + 2L, 1 + 4L] are only 1 - 4L = 0.26 apart
    s0 = separable(dense, sgd, 64, 1024, polylog_allowance=0)
    assert s0 and s0.gap == pytest.approx(1 - 2 * L)
    s = separable(dense, sgd, 64, 1024, polylog_allowance=2)
    assert s.gap == pytest.approx(1 - 4 * L) and not s  # 0.263 < 2 x 0.15
    assert separable(dense, sgd, 64, 1024, polylog_allowance=2, half_width=0.1)
    # by default each rate uses its own hidden logs: d^2 hides (log d)^[0, 2], online SGD's threshold lies
    # between d log d and d log^2 d (Ben Arous et al. Thms 1.3-1.4): bands [2, 2 + 2L] and [1 + L, 1 + 2L]
    own = separable(dense, sgd, 64, 1024)
    assert own.band_b.low == pytest.approx(1 + L) and own.band_b.high == pytest.approx(1 + 2 * L)
    assert own.gap == pytest.approx(1 - 2 * L)
    assert separable(pruned, dense, 64, 1024)


def test_separable_reason_and_band():
    a, b = PowerRate("a", 1.0), PowerRate("b", 1.2)
    s = separable(a, b, 64, 1024, polylog_allowance=0)
    assert not s and s.gap == pytest.approx(0.2) and s.required_gap == pytest.approx(0.3)
    assert "too short" in s.reason
    assert tuple(allowed_band(b, 64, 1024)) == pytest.approx((1.2, 1.2 + 2 * L))


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda: verdict(object(), PowerRate("a", 1)), TypeError, "fit must be an ExponentFit"),
        (lambda: verdict(_fit(1, 1.2, 0.8), PowerRate("a", 1)), ValueError, "fit must have a slope and an interval"),
        (lambda: verdict(_fit(1, 0.9, 1.1), object()), TypeError, "rate must be a Rate"),
        (lambda: verdict(_fit(1, 0.9, 1.1), PowerRate("a", 1), polylog_allowance=-1), ValueError, "polylog_allowance"),
        (
            lambda: verdict(_fit(1, 0.9, 1.1), PowerRate("a", 1), polylog_allowance=(2, 1)),
            ValueError,
            "polylog_allowance must have",
        ),
        (lambda: verdict(_fit(1, 0.9, 1.1), PowerRate("a", 1), d_range=(100, 10)), ValueError, "d_range must have d_min < d_max"),
        (lambda: verdict(_fit(1, 0.9, 1.1), PowerRate("a", 1), d_range=(1, 10)), ValueError, r"d_range \(d_min\)"),
        (lambda: verdict(_fit(1, 0.9, 1.1), PowerRate("a", 1), max_half_width=0), ValueError, "max_half_width"),
        (lambda: verdict(_fit(1, 0.9, 1.1), PowerRate("a", 1), competitors=[3]), TypeError, "competitors must be a Rate"),
        (lambda: separable(PowerRate("a", 1), "dense", 64, 1024), TypeError, "rate_b must be a Rate"),
        (lambda: separable(PowerRate("a", 1), PowerRate("b", 2), 64, 1024, half_width=0), ValueError, "half_width"),
        (lambda: polylog_slope(1024, 64), ValueError, "d_min < d_max"),
    ],
)
def test_validation_messages(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
