"""Information and generative exponents of classic links (THEORY §2) and Assumption 1."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from theorylab.symbolic import (
    as_link,
    check_nondegenerate,
    generative_exponent,
    information_exponent,
)
from theorylab.symbolic.exponents import LeadingCoefficient, leading_coefficient
from theorylab.symbolic.hermite import is_constant, link_moments, normalize_link

# THEORY §2 (facts to reproduce): ReLU, tanh, sign: k* = 1; z², |z|, cos: k* = 2; He_k: k* = k; z³: k* = 1.
CLASSIC = [
    ("relu(z)", 1),
    ("tanh(z)", 1),
    ("sign(z)", 1),
    ("z**2", 2),
    ("abs(z)", 2),
    ("cos(z)", 2),
    ("z**3", 1),
    ("He1(z)", 1),
    ("He2(z)", 2),
    ("He3(z)", 3),
    ("He4(z)", 4),
    ("He7(z)", 7),
    ("He4(z) - 2*He6(z)", 4),
]


@pytest.mark.parametrize(("link", "k_star"), CLASSIC)
def test_information_exponent_classic(link: str, k_star: int) -> None:
    assert information_exponent(link) == k_star


def test_information_exponent_of_callables_numeric() -> None:
    assert information_exponent(np.tanh) == 1
    assert information_exponent(np.cos) == 2
    assert information_exponent(lambda t: t**3 - 3 * t) == 3


def test_witnessing_coefficient() -> None:
    k, g = information_exponent("He3(z)", return_coefficient=True)
    assert (k, g) == (3, 6)  # γ_3 = E[He_3²] = 3!
    k, g = information_exponent("abs(z)", return_coefficient=True)
    # γ_2 = E[|z|(z² - 1)] = 2·2φ(0) - 2φ(0) = 2/√(2π)
    assert k == 2 and sympy.simplify(g - 2 / sympy.sqrt(2 * sympy.pi)) == 0
    k, g = information_exponent(np.cos, return_coefficient=True)
    assert k == 2 and float(g) == pytest.approx(-np.exp(-0.5), rel=1e-10)  # E[cos z He_2] = -e^{-1/2}


def test_multi_index_exponent_and_tensor() -> None:
    assert information_exponent("z1*z2") == 2
    assert information_exponent("z1 + z1*z2") == 1
    assert information_exponent("He3(z1) + He3(z2)") == 3
    k, T = information_exponent("z1*z2", return_coefficient=True)
    assert T.tolist() == [[0, 1], [1, 0]]


@pytest.mark.parametrize(
    ("link", "k_gen"),
    [("He3(z)", 1), ("He2(z)", 2), ("z**2", 2), ("He4(z)", 2), ("He5(z)", 1), ("z**3", 1), ("relu(z)", 1),
     ("tanh(z)", 1), ("abs(z)", 2), ("cos(z)", 2), ("sign(z)", 1)],
)
def test_generative_exponent(link: str, k_gen: int) -> None:
    # THEORY §2 / damian24a: He3 has k* = 3 but k_gen = 1; even links have k_gen = 2 (E[z | y] = 0 by symmetry,
    # E[He_2 | y] ≠ 0); polynomial links have k_gen <= 2.
    assert generative_exponent(link) == k_gen


@pytest.mark.parametrize("link", ["He3(z)", "He2(z)", "He4(z)", "relu(z)"])
def test_gaussian_noise_does_not_change_generative_exponent(link: str) -> None:
    assert generative_exponent(link, noise_std=0.5) == generative_exponent(link)


def test_check_nondegenerate() -> None:
    res = check_nondegenerate("He2(z1) + He2(z2)")
    assert res.full_rank and res.matrix == sympy.Matrix([[2, 0], [0, 2]])
    # z1*z2: E[σ z zᵀ] = [[0, 1], [1, 0]], full rank
    assert check_nondegenerate("z1*z2").matrix == sympy.Matrix([[0, 1], [1, 0]])
    # linear link: E[(z1 + z2) z zᵀ] = 0
    assert not check_nondegenerate("z1 + z2").full_rank
    # He2(z1) alone misses direction 2
    assert not check_nondegenerate(as_link("He2(z1)", arity=2)).full_rank
    # r = 1: E[σ z²] = γ_2 + γ_0; for cos: -e^{-1/2} + e^{-1/2} = 0 (degenerate), for z²: 2 + 1 = 3
    assert not check_nondegenerate("cos(z)").full_rank
    assert check_nondegenerate("z**2").matrix == sympy.Matrix([[3]])


def test_check_nondegenerate_numeric_multi_index() -> None:
    # σ = cos(z1) + cos(z2): E[cos z] = e^{-1/2}, E[cos(z) z²] = E[cos z] + E[cos z He_2] = e^{-1/2} - e^{-1/2} = 0,
    # so M_11 = E[cos z1 z1²] + E[cos z2] E[z1²] = e^{-1/2}, M_12 = 0: M = e^{-1/2} I, full rank.
    res = check_nondegenerate(as_link(lambda z: np.cos(z[..., 0]) + np.cos(z[..., 1]), arity=2))
    np.testing.assert_allclose(np.array(res.matrix, dtype=float), np.exp(-0.5) * np.eye(2), atol=1e-10)
    assert res.full_rank
    res = check_nondegenerate(as_link(lambda z: np.tanh(z[..., 0]), arity=2))
    assert not res.full_rank  # tanh is odd: E[tanh(z1) z zᵀ] = 0


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: information_exponent("3"), "constant"),
        (lambda: information_exponent("relu(-z**2)"), "constant"),
        (lambda: information_exponent(lambda t: 0 * t + 2.0), "constant"),
        (lambda: information_exponent("z", tol=-1), "tol"),
        (lambda: information_exponent("z", max_degree=0), "max_degree"),
        (lambda: information_exponent("He5(z)", max_degree=3), "max_degree"),
        (lambda: information_exponent("z", return_coefficient=1), "return_coefficient"),
        (lambda: information_exponent("tanh(z1)*z2"), "polynomial"),
        (lambda: generative_exponent("3"), "constant"),
        (lambda: generative_exponent("z", noise_std=-0.1), "noise_std"),
        (lambda: generative_exponent("z1*z2"), "single-index"),
        (lambda: generative_exponent("He2(z)", max_degree=1), "max_degree"),
        (lambda: check_nondegenerate("z", tol=-1.0), "tol"),
    ],
)
def test_validation_messages(call, match: str) -> None:
    with pytest.raises((ValueError, TypeError), match=match):
        call()


# --- the one constant policy (issue 10): relative to the link's scale, free of cancellation -------------------

CONSTANTS = [0.5, 1.0, 2.0, 3.0, 7.0, 100.0, 1000.0]


def _constant_forms(c: float) -> list:
    # a callable (numeric path), a float in an expression (SymPy Float) and a float times a non-polynomial factor
    # that is identically one (numeric path through the expression compiler)
    return [lambda t, c=c: 0 * t + c, str(c), f"{c}*(cos(z)**2 + sin(z)**2)"]


@pytest.mark.parametrize("c", CONSTANTS)
def test_constants_are_constant_everywhere(c: float) -> None:
    # Before issue 10 the constants 1, 2 and 7 given as callables got "raise max_degree" and 1000 a negative
    # variance: Var σ was E σ² - (E σ)², two quadratures near c², compared with (1e-8)² · c.
    for form in _constant_forms(c):
        assert is_constant(form)
        with pytest.raises(ValueError, match="constant"):
            information_exponent(form)
        with pytest.raises(ValueError, match="constant"):
            generative_exponent(form)
        with pytest.raises(ValueError, match="constant"):
            normalize_link(form)


@pytest.mark.parametrize("scale", [1e-3, 1.0, 1e3])
def test_small_and_large_links_are_not_constant(scale: float) -> None:
    # The policy is relative: scaling a link by any factor does not make it constant.
    he2 = lambda t, s=scale: s * (t**2 - 1)  # noqa: E731
    for form in (he2, f"{scale}*He2(z)", f"{scale}*tanh(z)"):
        assert not is_constant(form)
    assert information_exponent(he2) == 2 and information_exponent(f"{scale}*He2(z)") == 2
    assert generative_exponent(f"{scale}*tanh(z)") == 1
    # normalising gives E σ = 0, E σ² = 1 (He2 has E He2² = 2)
    norm = normalize_link(he2)
    x = np.array([0.0, 1.0, 2.0])
    np.testing.assert_allclose(norm.numpy(x), (x**2 - 1) / np.sqrt(2), rtol=1e-8, atol=1e-8)


def test_constant_plus_small_variation_is_not_constant() -> None:
    # 1000 + 1e-3 He2: (Var σ)^{1/2} / (E σ²)^{1/2} ≈ 1.4e-6, far above the 1e-8 policy
    assert not is_constant(lambda t: 1000.0 + 1e-3 * (t**2 - 1))
    assert information_exponent(lambda t: 1000.0 + 1e-3 * (t**2 - 1)) == 2
    # ... but 1e-12 relative is below it
    assert is_constant(lambda t: 1000.0 + 1e-9 * (t**2 - 1))


def test_link_moments_variance_is_not_a_difference() -> None:
    # Var σ = E[(σ - Eσ)²] directly: exactly 0 for a constant callable's quadrature, not a rounding residue.
    for c in CONSTANTS:
        mean, var, second = link_moments(lambda t, c=c: 0 * t + c)
        assert float(mean) == pytest.approx(c, rel=1e-14)
        assert abs(float(var)) <= (4 * np.finfo(float).eps * c) ** 2
    assert link_moments("He2(z) + 3") == (3, 2, 11)


def test_leading_coefficient_is_typed() -> None:
    lead = leading_coefficient("He3(z)")
    assert isinstance(lead, LeadingCoefficient) and (lead.k_star, lead.coefficient) == (3, 6)
    assert information_exponent("He3(z)", return_coefficient=True) == (lead.k_star, lead.coefficient)
    assert information_exponent("He3(z)") == 3
