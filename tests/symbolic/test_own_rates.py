"""A researcher's own rate: any symbol named d, registered at run time, seen by every consumer."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pytest
import sympy

import theorylab as tl
from theorylab.compare import allowed_band, polylog_slope, verdict
from theorylab.symbolic.own_rates import (
    rate_from_expression,
    register_rate,
    registered_rates,
    unregister_rate,
)

D = sympy.Symbol("d")  # no assumptions: the user's own symbol


def test_a_rate_built_on_any_symbol_named_d_evaluates():
    # the 0.1 failure: Rate("mine", Symbol("d")**(3/4)) could not be evaluated (the registry's d is positive)
    rate = tl.Rate("mine", D ** sympy.Rational(3, 4), 0.75, 0.0, "me", "")
    assert rate.evaluate(10_000) == pytest.approx(1000.0)
    assert rate.local_slope(100, 10_000) == pytest.approx(0.75)
    fit = SimpleNamespace(slope=0.76, confidence_interval=(0.7, 0.82), d_range=(64, 1024))
    assert verdict(fit, rate).outcome == "consistent"


def test_rate_from_expression_reads_powers_of_d_and_log_d_and_s():
    r = rate_from_expression("mine", D ** sympy.Rational(3, 2) * sympy.log(D) ** 2, source="me")
    assert (r.exponent, r.log_power, r.s_exponent) == (1.5, 2.0, 0.0)
    # 1.5 + 2 · L over [64, 1024], L the secant slope of log log d
    assert r.local_slope(64, 1024) == pytest.approx(1.5 + 2 * polylog_slope(64, 1024))
    S = sympy.Symbol("s", positive=False)
    sparse = rate_from_expression("sparse", S**3 * sympy.log(D), alpha_value=0.25)
    assert sparse.exponent == pytest.approx(0.75) and sparse.s_exponent == 3.0 and sparse.log_power == 1.0
    assert allowed_band(sparse, 2, 8, axis="s", d=64).high == pytest.approx(3.0)
    K, A = sympy.Symbol("k"), sympy.Symbol("alpha")
    param = rate_from_expression("param", D ** (A * K), alpha_value=0.5, k_value=3)
    assert param.exponent == pytest.approx(1.5)
    assert sympy.latex(param) == sympy.latex(tl.d ** sympy.Rational(3, 2))


@pytest.mark.parametrize(
    "expr, kw, match",
    [
        ("d**2", {}, "SymPy expression"),
        (sympy.Symbol("n") ** 2, {}, "named d, s, alpha or k"),
        (D ** sympy.Symbol("k"), {}, "k_value"),
        (sympy.Symbol("s") ** 2, {}, "alpha_value"),
        (sympy.Integer(3), {}, "depend on d or s"),
        (sympy.exp(D), {}, "not of the form"),
    ],
)
def test_bad_rates_are_refused_naming_the_problem(expr, kw, match):
    with pytest.raises((TypeError, ValueError), match=match):
        rate_from_expression("bad", expr, **kw)


def test_a_registered_rate_is_seen_like_a_built_in_one():
    mine = rate_from_expression("my_rate", D ** sympy.Rational(3, 4))
    register_rate(mine)
    try:
        assert tl.predicted_rate("my_rate", 2) is mine
        assert "my_rate" in tl.predicted_rates(2, 0.25)
        with pytest.raises(ValueError, match="already registered"):
            register_rate(mine)
        with pytest.raises(ValueError, match="built-in"):
            register_rate(rate_from_expression("pruned", D))
        from theorylab.cli import build_parser
        from theorylab.cli.bounds import build_table

        args = build_parser().parse_args(["bounds", "--k-star", "2", "--d", "1e4"])
        assert any(line.startswith("my_rate") for line in build_table(args))
    finally:
        unregister_rate("my_rate")
    assert "my_rate" not in registered_rates()
    assert math.isclose(mine.evaluate(16), 8.0)
