"""Issue 11 item 3: exact Hermite coefficients of polynomials times exp/cos/sin/cosh/sinh, and numeric zeros.

Truth from outside the code: the Hermite generating function Σ_k γ_k s^k/k! = E[σ(z) e^{sz - s²/2}], whose
right side SymPy integrates directly against the Gaussian density; Gauss-Hermite quadrature (the numeric path);
and γ_k(cos z) = e^{-1/2} cos(kπ/2), γ_k(sin z) = e^{-1/2} sin(kπ/2) (real and imaginary parts of (i)^k e^{-1/2}).
"""

from __future__ import annotations

import time

import mpmath
import numpy as np
import pytest
import sympy

from theorylab.cli.hermite import build_lines
from theorylab.symbolic import hermite_coefficients
from theorylab.symbolic.hermite import HermiteCoefficients

x_ = sympy.Symbol("x", real=True)


@pytest.mark.parametrize("t", [sympy.Integer(2), sympy.Rational(-1, 2), sympy.Rational(1, 3)])
def test_exponential_closed_form(t: sympy.Expr) -> None:
    g = hermite_coefficients(sympy.exp(t * sympy.Symbol("z")), 6, method="exact")
    assert g == [t**k * sympy.exp(t**2 / 2) for k in range(7)]


def test_cos_and_sin_closed_forms() -> None:
    half = sympy.exp(-sympy.Rational(1, 2))
    assert hermite_coefficients("cos(z)", 8) == [half * sympy.cos(k * sympy.pi / 2) for k in range(9)]
    assert hermite_coefficients("sin(z)", 8) == [half * sympy.sin(k * sympy.pi / 2) for k in range(9)]


@pytest.mark.parametrize(
    "text",
    ["z**2*exp(z)", "(z + 1)*cos(2*z)", "sinh(z/2) - z*cosh(z)", "exp(-z)*sin(z + 1)"],
)
def test_generating_function_by_direct_integration(text: str) -> None:
    # Σ_k γ_k s^k / k! = E[σ(z) e^{sz - s²/2}]: the left from the exact coefficients (to degree 48, the tail is
    # below 1e-20 here), the right by mpmath's adaptive quadrature of the explicit integrand at 30 digits.
    degree = 48
    g = hermite_coefficients(text, degree, method="exact")
    sigma = sympy.lambdify(x_, sympy.sympify(text, locals={"z": x_}), "mpmath")  # test-side: a fixed string
    with mpmath.workdps(30):
        for s in (-0.7, 0.4, 1.1):
            s_mp = mpmath.mpf(s)
            lhs = mpmath.fsum(mpmath.mpf(sympy.N(gk, 35)) * s_mp**k / mpmath.factorial(k) for k, gk in enumerate(g))
            rhs = mpmath.quad(
                lambda x, s_mp=s_mp: sigma(x) * mpmath.exp(s_mp * x - s_mp**2 / 2 - x**2 / 2),
                [-mpmath.inf, -5, 0, 5, mpmath.inf],
            ) / mpmath.sqrt(2 * mpmath.pi)
            assert abs(lhs - rhs) < mpmath.mpf(10) ** -18, (s, lhs, rhs)


@pytest.mark.parametrize(
    "text",
    ["z**2*sin(z) + cosh(z/2)", "exp(-z)*(1 - z**3)", "sinh(z)*cos(z)", "cos(z + 1)**2", "exp(z/3)**3*z"],
)
def test_exact_agrees_with_quadrature(text: str) -> None:
    exact = hermite_coefficients(text, 10, normalized=True, method="exact")
    numeric = hermite_coefficients(text, 10, normalized=True, method="numeric")
    assert exact.exact and not numeric.exact
    np.testing.assert_allclose([float(v) for v in exact], [float(v) for v in numeric], atol=1e-10)


def test_symbolic_slope_and_parameters() -> None:
    a = sympy.Symbol("a", real=True)
    g = hermite_coefficients("b*exp(a*z)", 3, params={"a": None, "b": 2})
    assert [sympy.simplify(v - 2 * a**k * sympy.exp(a**2 / 2)) for k, v in enumerate(g)] == [0] * 4


def test_work_is_bounded() -> None:
    start = time.perf_counter()
    with pytest.raises(ValueError, match="method='exact' is unavailable"):
        hermite_coefficients("(exp(z) + cos(z))**64", 4, method="exact")
    with pytest.raises(ValueError):  # E σ² = E e^{128 z}... overflows a double on the numeric path
        hermite_coefficients("(exp(z) + cos(z))**64", 4)
    assert time.perf_counter() - start < 30


def test_numeric_zeros_are_reported_as_zero_with_their_accuracy() -> None:
    g = hermite_coefficients("tanh(z)", 6)
    assert isinstance(g, HermiteCoefficients) and not g.exact
    assert 0 < g.accuracy <= 1e-12 + 1e-10 * np.sqrt(sum(float(c) ** 2 for c in hermite_coefficients("tanh(z)", 6, normalized=True)))
    assert all(float(g[k]) == 0.0 and isinstance(g[k], sympy.Float) for k in (0, 2, 4, 6))  # tanh is odd
    assert all(abs(float(g[k])) > 1e-3 for k in (1, 3, 5))
    exact = hermite_coefficients("He2(z)", 3)
    assert exact.exact and exact.accuracy == 0


def test_cli_prints_exact_zeros_as_zero() -> None:
    import argparse

    lines = build_lines(argparse.Namespace(link="tanh(z)", degree=4, method="auto", noise_std=0.0, param=None))
    rows = {line.split()[0]: line.split()[1:] for line in lines[3:8]}
    assert rows["2"] == ["0", "0"] and rows["0"] == ["0", "0"] and rows["4"] == ["0", "0"]
