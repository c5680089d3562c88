"""Hermite coefficients against outside truth: reference tables, orthogonality, generating function,
Prop. 13 of the paper, Parseval, and independent quadrature (scipy.integrate.quad + numpy hermite_e)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import sympy
from numpy.polynomial import hermite_e
from scipy.integrate import quad

from theorylab.symbolic import (
    hermite_coefficients,
    hermite_expansion,
    hermite_tensors,
    normalize_link,
    relu_hermite_coefficient,
)
from theorylab.symbolic.links import Z

# Probabilists' Hermite polynomials He_0..He_10, coefficients from the highest power down
# (Abramowitz & Stegun, Table 22.12 / DLMF 18.3; written out by hand, not generated).
HE_TABLE = {
    0: "1",
    1: "z",
    2: "z**2 - 1",
    3: "z**3 - 3*z",
    4: "z**4 - 6*z**2 + 3",
    5: "z**5 - 10*z**3 + 15*z",
    6: "z**6 - 15*z**4 + 45*z**2 - 15",
    7: "z**7 - 21*z**5 + 105*z**3 - 105*z",
    8: "z**8 - 28*z**6 + 210*z**4 - 420*z**2 + 105",
    9: "z**9 - 36*z**7 + 378*z**5 - 1260*z**3 + 945*z",
    10: "z**10 - 45*z**8 + 630*z**6 - 3150*z**4 + 4725*z**2 - 945",
}
INV_SQRT_2PI = 1 / sympy.sqrt(2 * sympy.pi)


def _phi(t: np.ndarray) -> np.ndarray:
    return np.exp(-t * t / 2) / math.sqrt(2 * math.pi)


def _quad_gamma(f, k: int, breaks: tuple[float, ...] = ()) -> float:
    """Independent reference: E[f(z) He_k(z)] by adaptive quadrature, He_k from numpy's hermite_e."""
    coef = np.zeros(k + 1)
    coef[k] = 1.0

    def integrand(t: float) -> float:
        return f(t) * hermite_e.hermeval(t, coef) * _phi(t)

    pts = sorted(breaks)
    edges = [-np.inf, *pts, np.inf]
    return sum(quad(integrand, a, b, epsabs=1e-12, epsrel=1e-10, limit=200)[0] for a, b in zip(edges[:-1], edges[1:], strict=True))


@pytest.mark.parametrize("k", range(11))
def test_table_polynomials_are_orthogonal_with_norm_k_factorial(k: int) -> None:
    # E[He_j He_k] = k! δ_jk: the coefficients of the table's He_k are exactly k! at j = k and 0 elsewhere.
    gammas = hermite_coefficients(HE_TABLE[k], 12)
    assert gammas == [math.factorial(k) if j == k else 0 for j in range(13)]


@pytest.mark.parametrize("k", range(11))
def test_parser_hermite_matches_table(k: int) -> None:
    from theorylab.symbolic import as_link

    assert sympy.expand(as_link(f"He{k}(z)").expr - as_link(HE_TABLE[k]).expr) == 0


def test_numeric_path_reproduces_orthogonality() -> None:
    g = hermite_coefficients(HE_TABLE[7], 10, method="numeric")
    expected = [5040.0 if j == 7 else 0.0 for j in range(11)]
    np.testing.assert_allclose([float(v) for v in g], expected, atol=1e-8)


@pytest.mark.parametrize("t", [-1.5, -0.5, 0.3, 1.0, 2.0])
def test_generating_function(t: float) -> None:
    # E[e^{tz} He_k(z)] = t^k e^{t²/2} (the Hermite generating function); numeric path.
    g = hermite_coefficients(f"exp({t}*z)", 12, method="numeric")
    assert all(isinstance(v, sympy.Float) for v in g)
    expected = np.array([t**k * math.exp(t * t / 2) for k in range(13)])
    np.testing.assert_allclose([float(v) for v in g], expected, rtol=1e-9, atol=1e-12)


def test_relu_values_at_zero_from_theory() -> None:
    # THEORY §2: γ̃_1 = 1/2, γ̃_2 = 1/√(2π), γ̃_3 = 0, γ̃_4 = -1/√(2π), γ̃_6 = 3/√(2π).
    expected = {1: sympy.Rational(1, 2), 2: INV_SQRT_2PI, 3: 0, 4: -INV_SQRT_2PI, 6: 3 * INV_SQRT_2PI}
    gammas = hermite_coefficients("relu(z)", 6)
    for k, v in expected.items():
        assert sympy.simplify(relu_hermite_coefficient(k, 0) - v) == 0
        assert sympy.simplify(gammas[k] - v) == 0
    assert sympy.simplify(relu_hermite_coefficient(0, 0) - INV_SQRT_2PI) == 0  # E relu(z) = φ(0)


def test_relu_closed_form_against_quadrature_random_bias() -> None:
    rng = np.random.default_rng(20240611)
    for b in rng.uniform(-2.0, 2.0, size=4):
        for k in range(8):
            ref = _quad_gamma(lambda t, b=b: max(t + b, 0.0), k, breaks=(-b,))
            assert float(relu_hermite_coefficient(k, float(b))) == pytest.approx(ref, rel=1e-8, abs=1e-10)


@pytest.mark.parametrize("b", [sympy.Rational(1, 2), sympy.Integer(-1), sympy.Rational(3, 4)])
def test_relu_closed_form_equals_exact_piecewise_path(b: sympy.Expr) -> None:
    # Two exact derivations: Prop. 13's formula and the piecewise integration of relu(z + b).
    gammas = hermite_coefficients(sympy.Max(Z + b, 0), 7)
    for k in range(8):
        assert sympy.simplify(gammas[k] - relu_hermite_coefficient(k, b)) == 0


@pytest.mark.parametrize(
    ("link", "f", "breaks"),
    [
        ("abs(z)", abs, (0.0,)),
        ("sign(z)", lambda t: float(np.sign(t)), (0.0,)),
        ("relu(z - 1)", lambda t: max(t - 1.0, 0.0), (1.0,)),
        ("relu(z**2 - 2)", lambda t: max(t * t - 2.0, 0.0), (-math.sqrt(2), math.sqrt(2))),
        ("relu(relu(z) - 1) + z**3", lambda t: max(max(t, 0.0) - 1.0, 0.0) + t**3, (0.0, 1.0)),
        ("abs(z**3 - z)", lambda t: abs(t**3 - t), (-1.0, 0.0, 1.0)),
    ],
)
def test_exact_piecewise_path_against_quadrature(link: str, f, breaks) -> None:
    gammas = hermite_coefficients(link, 6)
    assert not any(isinstance(g, sympy.Float) for g in gammas)
    for k, g in enumerate(gammas):
        assert float(g) == pytest.approx(_quad_gamma(f, k, breaks), rel=1e-9, abs=1e-10)


def test_piecewise_and_heaviside_expressions() -> None:
    pw = sympy.Piecewise((Z, Z > 1), (0, True))
    g = hermite_coefficients(pw, 3)
    for k in range(4):
        assert float(g[k]) == pytest.approx(_quad_gamma(lambda t: t if t > 1 else 0.0, k, (1.0,)), abs=1e-11)
    h = hermite_coefficients(sympy.Heaviside(Z), 3)
    assert h[0] == sympy.Rational(1, 2) and sympy.simplify(h[1] - INV_SQRT_2PI) == 0


@pytest.mark.parametrize(
    ("link", "second_moment"),
    [("relu(z)", 0.5), ("abs(z)", 1.0), ("sign(z)", 1.0), ("He3(z) + z", 7.0), ("z**2", 3.0)],
)
def test_parseval_exact_links(link: str, second_moment: float) -> None:
    # Σ_k c_k² = E σ²: closed forms E relu² = 1/2, E z² = 1, E (He3 + He1)² = 3! + 1! = 7, E z⁴ = 3.
    c = hermite_coefficients(link, 120, normalized=True)
    partial = sum(float(v) ** 2 for v in c)
    assert np.isfinite(partial)
    assert partial <= second_moment + 1e-12
    # c_k² ~ k^{-5/2} for ReLU and |z| (tail beyond 120 ~ 120^{-3/2} ≈ 8e-4) and ~ (2/π)^{3/2} k^{-3/2}/2 over odd k
    # for sign (tail ~ 0.26 · 120^{-1/2} ≈ 0.024), from γ_k = c He_{k-2}(0) and Stirling.
    assert second_moment - partial < (0.06 if link == "sign(z)" else 2e-3)


def test_parseval_tanh_against_independent_quadrature() -> None:
    second = quad(lambda t: math.tanh(t) ** 2 * _phi(t), -np.inf, np.inf, epsabs=1e-14)[0]
    c = hermite_coefficients("tanh(z)", 60, normalized=True)
    assert sum(float(v) ** 2 for v in c) == pytest.approx(second, abs=1e-9)


def test_degree_120_numeric_is_finite_and_bounded() -> None:
    c = hermite_coefficients("tanh(z)", 120, normalized=True)
    gam = hermite_coefficients("tanh(z)", 120)
    assert all(np.isfinite(float(v)) for v in c) and all(np.isfinite(float(v)) for v in gam)
    assert sum(float(v) ** 2 for v in c) <= 1.0


def test_exact_and_numeric_paths_agree() -> None:
    for link in ("z**4 + z", "He5(z) - 2*He2(z)", "3*z**6 - z"):
        ex = hermite_coefficients(link, 8, normalized=True)
        nu = hermite_coefficients(link, 8, normalized=True, method="numeric")
        np.testing.assert_allclose([float(v) for v in nu], [float(v) for v in ex], atol=1e-9)
    # non-smooth: the callable goes through quadrature (slow convergence: warned, agrees to 1e-3)
    ex = hermite_coefficients("relu(z)", 6, normalized=True)
    with pytest.warns(UserWarning, match="did not reach"):
        nu = hermite_coefficients(lambda t: np.maximum(t, 0.0), 6, normalized=True, max_nodes=2048)
    np.testing.assert_allclose([float(v) for v in nu], [float(v) for v in ex], atol=1e-3)


def test_expansion_of_polynomial_is_the_polynomial() -> None:
    assert sympy.expand(hermite_expansion("z**5 - 2*z**2 + 1", 5) - (Z**5 - 2 * Z**2 + 1)) == 0
    assert sympy.expand(hermite_expansion("z**5", 3) - 10 * Z**3) != 0  # truncated


def test_normalize_link() -> None:
    for link in ("relu(z)", "z**2 + z", "tanh(z) + 1"):
        norm = normalize_link(link)
        g = hermite_coefficients(norm, 0)[0]
        second = hermite_coefficients(norm.expr**2, 0)[0]
        assert abs(float(g)) < 1e-10 and float(second) == pytest.approx(1.0, abs=1e-10)
    n_relu = normalize_link("relu(z)").expr
    # Var relu = 1/2 - 1/(2π) (closed form)
    expected = (sympy.Max(Z, 0) - INV_SQRT_2PI) / sympy.sqrt(sympy.Rational(1, 2) - 1 / (2 * sympy.pi))
    assert sympy.simplify(n_relu - expected) == 0
    with pytest.raises(ValueError, match="constant"):
        normalize_link("2")


def test_hermite_tensors_multi_index() -> None:
    # σ = z1 z2 = He1(z1) He1(z2): T_2 = [[0, 1], [1, 0]]; σ = He2(z1): T_2[0,0] = 2.
    T = hermite_tensors("z1*z2", 2)
    assert T[0] == 0 and list(T[1]) == [0, 0] and T[2].tolist() == [[0, 1], [1, 0]]
    T = hermite_tensors("He2(z1) + 3*z2 + z1**2*z2", 3)
    # z1² z2 = (He2(z1) + 1) He1(z2): T_1 = (0, 3 + 1), T_3[0,0,1] = 2! * 1! = 2
    assert list(T[1]) == [0, 4]
    assert T[2].tolist() == [[2, 0], [0, 0]]
    assert T[3][0, 0, 1] == 2 and T[3][0, 1, 0] == 2 and T[3][1, 1, 1] == 0


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: hermite_coefficients("z", -1), "degree"),
        (lambda: hermite_coefficients("z", 2.5), "degree"),
        (lambda: hermite_coefficients("z1*z2", 2), "single-index"),
        (lambda: hermite_coefficients("tanh(z)", 2, method="exact"), "exact"),
        (lambda: hermite_coefficients("z", 2, method="fast"), "method"),
        (lambda: hermite_coefficients("z", 2, atol=-1), "atol"),
        (lambda: hermite_coefficients("z", 2, rtol=float("nan")), "rtol"),
        (lambda: hermite_coefficients("z", 2, max_nodes=10), "max_nodes"),
        (lambda: hermite_coefficients("z", 2, normalized="yes"), "normalized"),
        (lambda: hermite_coefficients("exp(z**2)", 2), "not finite"),
        (lambda: relu_hermite_coefficient(-1, 0), "k"),
        (lambda: relu_hermite_coefficient(2, float("inf")), "b"),
        (lambda: relu_hermite_coefficient(2, sympy.Symbol("x")), "b"),
        (lambda: hermite_tensors("tanh(z1)*z2", 2), "polynomial"),
        (lambda: hermite_tensors("z1*z2", -1), "degree"),
        (lambda: hermite_tensors("z1*z2*z3", 13), "degree"),
    ],
)
def test_validation_messages(call, match: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        with pytest.raises((ValueError, TypeError), match=match):
            call()
