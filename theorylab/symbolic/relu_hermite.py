"""Hermite coefficients of the biased ReLU z ↦ max(z + b, 0) (Vural & Erdogdu 2024, Prop. 13, eq. C.5).

Exact for an exact bias b; for a float b, mpmath with enough digits for the cancellation in φ(b) + bΦ(b).

Examples
--------
>>> relu_hermite_coefficient(3, 0)
0
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import sympy

from theorylab._validation import check_real
from theorylab.symbolic._hermite_degree import check_degree
from theorylab.symbolic.piecewise import Phi, phi, tidy

__all__ = ["relu_hermite_coefficient"]


def relu_hermite_coefficient(k: int, b: Any) -> sympy.Expr:
    """γ̃_k(b) = E[ϕ(z + b) He_k(z)] for the ReLU ϕ with bias b (Prop. 13, eq. C.5, p. 24).

    γ̃_0(b) = φ(b) + bΦ(b), γ̃_1(b) = 1 - Φ(-b) = Φ(b), and γ̃_k(b) = e^{-b²/2}/√(2π) He_{k-2}(-b) for k >= 2.
    Exact when b is an exact number (int, Rational, SymPy expression); a SymPy Float for a float b.

    Examples
    --------
    >>> relu_hermite_coefficient(4, 0)
    -sqrt(2)/(2*sqrt(pi))
    >>> relu_hermite_coefficient(1, 0)
    1/2
    >>> float(relu_hermite_coefficient(2, 0.5))
    0.3520653267642995
    """
    k = check_degree(k, "k")
    if isinstance(b, sympy.Basic):
        if not (b.is_number and b.is_real):
            raise ValueError(f"b must be a real number, got {b}")
        exact, bb = True, b
    elif isinstance(b, (int, np.integer)) and not isinstance(b, bool):
        exact, bb = True, sympy.Integer(int(b))
    else:
        return _relu_hermite_float(k, check_real(b, "b"))
    if k == 0:
        value = phi(bb) + bb * Phi(bb)
    elif k == 1:
        value = Phi(bb)
    else:
        value = phi(bb) * _hermite_at(k - 2, -bb)
    if exact:
        return tidy(value)
    return sympy.Float(sympy.N(value, 17))


_MAX_SYMBOLIC_K = 200


def _relu_hermite_float(k: int, b: float) -> sympy.Float:
    """γ̃_k(b) for a float b, in mpmath with enough digits for the cancellation φ(b) + bΦ(b) at large |b|."""
    import mpmath

    ctx = mpmath.mp.clone()
    ctx.dps = 30 + 2 * int(math.log10(abs(b) + 1.0))
    x = ctx.mpf(b)
    phi = ctx.exp(-x * x / 2) / ctx.sqrt(2 * ctx.pi)
    if abs(b) <= 1e6:
        Phi = ctx.erfc(-x / ctx.sqrt(2)) / 2
        mills = None
    else:  # Mills' ratio (1 - Φ(t))/φ(t) = 1/t - 1/t³ + 3/t⁵ - ..., relative error < 1e-30 at t > 1e6
        t = abs(x)
        mills = 1 / t - 1 / t**3 + 3 / t**5
        Phi = phi * mills if b < 0 else 1 - phi * mills
    if k == 0:
        # φ(b) + bΦ(b) = φ(b)(1/b² - 3/b⁴ + 15/b⁶ - ...) for b -> -∞ (no cancellation)
        value = phi * (1 / x**2 - 3 / x**4 + 15 / x**6) if (mills is not None and b < 0) else phi + x * Phi
    elif k == 1:
        value = Phi
    else:
        prev, cur = ctx.mpf(1), -x
        for j in range(1, k - 2):
            prev, cur = cur, -x * cur - j * prev
        value = phi * (prev if k == 2 else cur)
    return sympy.Float(ctx.nstr(value, 20, min_fixed=1, max_fixed=0), 17)


def _hermite_at(m: int, x: sympy.Expr) -> sympy.Expr:
    """He_m(x) by the three-term recurrence: exact for rational x, 40 digits for a Float x."""
    if x.is_Rational or isinstance(x, sympy.Float):
        if x.is_Rational:
            from fractions import Fraction

            xv: Any = Fraction(int(x.p), int(x.q))
        else:
            import mpmath

            ctx = mpmath.mp.clone()
            ctx.dps = 40
            xv = ctx.mpf(str(x))
        prev, cur = 1, xv
        if m == 0:
            return sympy.Integer(1)
        for j in range(1, m):
            prev, cur = cur, xv * cur - j * prev
        if x.is_Rational:
            return sympy.Rational(cur.numerator, cur.denominator)
        return sympy.Float(str(cur), 40)
    if m > _MAX_SYMBOLIC_K:
        raise ValueError(f"k must be <= {_MAX_SYMBOLIC_K + 2} for an irrational exact b (give b as a float), got {m + 2}")
    return sympy.hermite_prob(m, x)


