"""CSQ lower bound (Theorem 2) and the registry of predicted rates (THEORY §6-7)."""

from __future__ import annotations

import math

import pytest
import sympy

from theorylab.symbolic import RATE_NAMES, Rate, csq_lower_bound, predicted_rate, predicted_rates
from theorylab.symbolic.rates import d as d_sym


def test_done_criterion_value() -> None:
    # d^{(α∧½)k} = (10^6)^{0.75} = 10^{4.5}
    assert float(csq_lower_bound(3, 10**6, 0.25)) == pytest.approx(10**4.5, rel=1e-14)
    assert str(float(csq_lower_bound(3, 10**6, 0.25))).startswith("31622.7")


def test_csq_threshold_at_one_half_and_symbolic() -> None:
    assert csq_lower_bound(4, 10**4, 0.9) == csq_lower_bound(4, 10**4, 0.5) == 10**8  # dense d^{k/2}
    assert csq_lower_bound(2, 10**4, 0.25) == 100
    d, a = sympy.symbols("d alpha", positive=True)
    expr = csq_lower_bound(3, d, a)
    assert expr == d ** (3 * sympy.Min(a, sympy.Rational(1, 2)))
    assert expr.subs({d: 10**6, a: sympy.Rational(1, 4)}) == csq_lower_bound(3, 10**6, 0.25)
    assert csq_lower_bound(2, d, 0.3) == d ** sympy.Rational(3, 5)
    assert csq_lower_bound(1, 100, 0.5, log_factors=True) == 10 / sympy.log(100)


def test_csq_from_sparsity_level() -> None:
    # q = 1, R_q = 10 at d = 10^4: α = log(10) / ((1 - 1/2) log 10^4) = 1/2, so n ≳ d^{k/2} = 10^4 for k = 2
    assert float(csq_lower_bound(2, 10**4, q=1.0, R_q=10.0)) == pytest.approx(1e4, rel=1e-12)
    # q = 0, R_q = 10 non-zero rows at d = 10^4 (r = 2): α = 1/4, n ≳ d^{2/4} = 100
    assert float(csq_lower_bound(2, 10**4, r=2, q=0.0, R_q=10.0)) == pytest.approx(100.0, rel=1e-12)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: csq_lower_bound(0, 100, 0.25), "k"),
        (lambda: csq_lower_bound(2, 1, 0.25), "d"),
        (lambda: csq_lower_bound(2, 100, 1.5), "alpha"),
        (lambda: csq_lower_bound(2, 100), "alpha"),
        (lambda: csq_lower_bound(2, 100, 0.25, q=0.0, R_q=3.0), "either alpha"),
        (lambda: csq_lower_bound(2, 100, q=0.0, R_q=1000.0), "R_q"),
        (lambda: csq_lower_bound(2, 100, q=3.0, R_q=10.0), "q"),
        (lambda: csq_lower_bound(2, sympy.Symbol("d"), q=0.0, R_q=10.0), "d"),
        (lambda: csq_lower_bound(2, 100, 0.25, log_factors="yes"), "log_factors"),
        (lambda: csq_lower_bound(2, 2, 0.25, r=3), "d"),
    ],
)
def test_csq_validation(call, match: str) -> None:
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_rate_exponents_from_theory_table() -> None:
    # THEORY §7: pruned α k*, dense k*, CSQ-sparse min(α,½) k*, basis-independent k*/2.
    for k in (1, 2, 3, 4):
        for alpha in (0.2, 0.5, 0.8):
            rates = predicted_rates(k, alpha, k_gen=1)
            assert rates["pruned"].exponent == pytest.approx(alpha * k)
            assert rates["dense"].exponent == k
            assert rates["csq_sparse"].exponent == pytest.approx(min(alpha, 0.5) * k)
            assert rates["csq_dense"].exponent == pytest.approx(k / 2)
            assert rates["sq"].exponent == 0.5
    multi = predicted_rates(2, 0.3, r=2)
    assert multi["pruned"].exponent == pytest.approx(0.6) and multi["dense"].exponent == 2
    assert "online_sgd" not in multi


def test_online_sgd_logs_from_ben_arous() -> None:
    # Ben Arous et al. 2021, Thm 1.3 with α_c of (1.6): k=1: n ≫ d; k=2: d log² d; k≥3: d^{k-1} log² d.
    r1, r2, r4 = (predicted_rate("online_sgd", k) for k in (1, 2, 4))
    assert (r1.exponent, r1.log_power) == (1.0, 0.0) and "≫" in r1.conditions
    assert (r2.exponent, r2.log_power) == (1.0, 2.0)
    assert (r4.exponent, r4.log_power) == (3.0, 2.0)
    assert r4.expression == d_sym**3 * sympy.log(d_sym) ** 2


def test_evaluate_and_local_slope() -> None:
    rate = predicted_rate("online_sgd", 2)
    assert rate.evaluate(100) == pytest.approx(100 * math.log(100) ** 2)
    # secant slope of log(d log² d): 1 + 2 (log log d2 - log log d1)/(log d2 - log d1)
    d1, d2 = 300.0, 3000.0
    expected = 1 + 2 * (math.log(math.log(d2)) - math.log(math.log(d1))) / (math.log(d2) - math.log(d1))
    assert rate.local_slope(d1, d2) == pytest.approx(expected, rel=1e-12)
    assert predicted_rate("pruned", 3, alpha=0.25).local_slope(10, 1e6) == pytest.approx(0.75)
    assert list(predicted_rate("dense", 2).evaluate([10, 100])) == [100.0, 10_000.0]


def test_rates_are_frozen_and_sourced() -> None:
    rate = predicted_rate("csq_sparse", 3, alpha=0.25)
    assert isinstance(rate, Rate) and "Theorem 2" in rate.source
    with pytest.raises(AttributeError):
        rate.exponent = 2.0  # type: ignore[misc]
    for name in RATE_NAMES:
        r = predicted_rate(name, 3, alpha=0.25, k_gen=1)
        assert r.source and r.conditions and r.expression.free_symbols <= {d_sym}


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: predicted_rate("prune", 2, alpha=0.2), "name"),
        (lambda: predicted_rate("pruned", 2), "alpha"),
        (lambda: predicted_rate("pruned", 0, alpha=0.2), "k_star"),
        (lambda: predicted_rate("pruned", 2, alpha=1.2), "alpha"),
        (lambda: predicted_rate("online_sgd", 2, r=2), "r"),
        (lambda: predicted_rate("sq", 2), "k_gen"),
        (lambda: predicted_rate("sq", 2, k_gen=0), "k_gen"),
        (lambda: predicted_rate("dense", 2).local_slope(100, 10), "d_max"),
        (lambda: predicted_rate("dense", 2).local_slope(0.5, 10), "d_min"),
        (lambda: predicted_rate("dense", 2).evaluate(-3), "d"),
        (lambda: predicted_rates(2, alpha=0.0), "alpha"),
    ],
)
def test_rate_validation(call, match: str) -> None:
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_sample_reuse_rate_adds_the_cost_of_estimating_a_direction() -> None:
    # Damian et al. 2024: n ≳ d^{k_gen/2} + d/ε², so d for k_gen <= 2 and d^{k_gen/2} beyond.
    assert predicted_rate("sq_reuse", 3, k_gen=1).exponent == 1.0
    assert predicted_rate("sq_reuse", 2, k_gen=2).exponent == 1.0
    assert predicted_rate("sq_reuse", 6, k_gen=6).exponent == 3.0
    assert predicted_rate("sq", 3, k_gen=1).exponent == 0.5  # the lower bound stays the lower bound
    with pytest.raises(ValueError, match="k_gen is required for the rate 'sq_reuse'"):
        predicted_rate("sq_reuse", 3)
