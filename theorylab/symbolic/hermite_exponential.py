"""Exact Hermite coefficients of polynomials times exponentials of linear forms (an exact path of
:mod:`theorylab.symbolic.hermite`).

A link in this class is a sum Σ_t p_t(z) e^{t z} with polynomials p_t and exact (possibly complex) slopes t:
polynomials in z, ``exp``, ``cos``, ``sin``, ``cosh`` and ``sinh`` of ``t*z + c``, and sums, products and
non-negative integer powers of these (:func:`exponential_terms`). Its coefficients follow from two Gaussian
identities (z ~ N(0, 1)):

* γ_k(f) = E[f(z) He_k(z)] = E[f^{(k)}(z)] (Gaussian integration by parts), and (d/dz)^k (p e^{tz}) =
  e^{tz} (d/dz + t)^k p = e^{tz} Σ_i C(k, i) t^{k-i} p^{(i)};
* E[q(z) e^{tz}] = e^{t²/2} E[q(z + t)] (completing the square), with E[q(z + t)] = Σ_{j even} q^{(j)}(t) /
  (2^{j/2} (j/2)!).

Hence γ_k = Σ_t e^{t²/2} Σ_i C(k, i) t^{k-i} E[p_t^{(i)}(z + t)]; for p = 1 this is γ_k(e^{tz}) = t^k e^{t²/2}.
The terms of cos and sin (t = ±i s) are combined into real numbers. Parameters (symbols other than z) may
appear in the coefficients and in t: the result is then exact in them.

Work bound: at most :data:`MAX_TERMS` distinct slopes t and a degree of p_t of at most :data:`MAX_DEGREE`, both
bounded from the expression tree before anything is expanded, and at most :data:`MAX_PRODUCTS` products formed by
one multiplication; beyond these the link is outside the exact class (:class:`NotExponentialPolynomial`), and
``hermite_coefficients`` falls back to quadrature (or refuses with ``method="exact"``). ``(exp(z) + cos(z))**64``
is refused this way at once.

Examples
--------
>>> from theorylab.symbolic.links import Z
>>> exponential_coefficients(exponential_terms(sympy.exp(2 * Z)), 3)
[exp(2), 2*exp(2), 4*exp(2), 8*exp(2)]
>>> exponential_coefficients(exponential_terms(sympy.cos(Z)), 4)
[exp(-1/2), 0, -exp(-1/2), 0, exp(-1/2)]
"""

from __future__ import annotations

import math

import sympy

from theorylab.symbolic.links import Z

__all__ = [
    "NotExponentialPolynomial",
    "exponential_terms",
    "exponential_coefficients",
    "MAX_TERMS",
    "MAX_PRODUCTS",
    "MAX_DEGREE",
]

#: The most distinct slopes t in Σ_t p_t(z) e^{tz}.
MAX_TERMS = 64
#: The most term-by-term products one multiplication may form.
MAX_PRODUCTS = 4096
#: The highest polynomial degree of a p_t.
MAX_DEGREE = 128

_EXPONENTIALS = (sympy.exp, sympy.cos, sympy.sin, sympy.cosh, sympy.sinh)

_Terms = dict[sympy.Expr, sympy.Expr]  # slope t -> polynomial p_t(z) (an expression)


class NotExponentialPolynomial(Exception):
    """The expression is outside the class Σ_t p_t(z) e^{tz}, or beyond its work bound."""


def exponential_terms(expr: sympy.Expr) -> _Terms:
    """σ = Σ_t p_t(z) e^{tz} as a dict {t: p_t(z)}; raises :class:`NotExponentialPolynomial` outside the class.

    Examples
    --------
    >>> from theorylab.symbolic.links import Z
    >>> exponential_terms(Z * sympy.cosh(Z))
    {-1: z/2, 1: z/2}
    """
    slopes, degree = _bound(expr)
    if slopes > MAX_TERMS or degree > MAX_DEGREE:
        raise NotExponentialPolynomial
    terms = _terms(expr)
    return {t: p for t, p in sorted(terms.items(), key=lambda kv: sympy.default_sort_key(kv[0])) if p != 0}


def _bound(e: sympy.Expr) -> tuple[int, int]:
    """(slopes, degree): upper bounds on the number of distinct t and on deg p_t, from the tree (no expansion)."""
    cap = 10**6
    if not e.has(Z):
        return 1, 0
    if e == Z:
        return 1, 1
    if e.is_Add:
        parts = [_bound(a) for a in e.args]
        plain = any(not a.has(*_EXPONENTIALS) for a in e.args)  # the polynomial terms share the slope 0
        slopes = int(plain) + sum(p[0] for a, p in zip(e.args, parts, strict=True) if a.has(*_EXPONENTIALS))
        return min(slopes, cap), max(p[1] for p in parts)
    if e.is_Mul:
        slopes, degree = 1, 0
        for a in e.args:
            sa, da = _bound(a)
            slopes, degree = min(slopes * sa, cap), min(degree + da, cap)
        return slopes, degree
    if e.is_Pow and not isinstance(e, sympy.exp):
        n = e.exp
        if not (n.is_Integer and 0 <= int(n) <= 4096):
            raise NotExponentialPolynomial
        sb, db = _bound(e.base)
        return min(math.comb(sb + int(n) - 1, int(n)) if sb > 1 else 1, cap), min(db * int(n), cap)
    if isinstance(e, _EXPONENTIALS):
        return (1 if isinstance(e, sympy.exp) else 2), 0
    raise NotExponentialPolynomial


def _terms(e: sympy.Expr) -> _Terms:
    if not e.has(Z):
        return {sympy.Integer(0): e}
    if e == Z:
        return {sympy.Integer(0): Z}
    if e.is_Add:
        out: _Terms = {}
        for a in e.args:
            _accumulate(out, _terms(a))
        return out
    if e.is_Mul:
        acc = _terms(e.args[0])
        for a in e.args[1:]:
            acc = _multiply(acc, _terms(a))
        return acc
    if e.is_Pow and not isinstance(e, sympy.exp):
        n = e.exp
        if not (n.is_Integer and int(n) >= 0):
            raise NotExponentialPolynomial
        base = _terms(e.base)
        acc = {sympy.Integer(0): sympy.Integer(1)}
        for _ in range(int(n)):
            acc = _multiply(acc, base)
        return acc
    return _function(e)


def _linear(arg: sympy.Expr) -> tuple[sympy.Expr, sympy.Expr]:
    """(t, c) with arg = t z + c; raises when arg is not linear in z."""
    try:
        poly = sympy.Poly(sympy.expand(arg), Z)
    except sympy.PolynomialError:
        raise NotExponentialPolynomial from None
    if poly.degree() > 1:
        raise NotExponentialPolynomial
    return poly.coeff_monomial(Z), poly.coeff_monomial(1)


def _function(e: sympy.Expr) -> _Terms:
    if not isinstance(e, (sympy.exp, sympy.cos, sympy.sin, sympy.cosh, sympy.sinh)):
        raise NotExponentialPolynomial
    t, c = _linear(e.args[0])
    if isinstance(e, sympy.exp):
        return {t: sympy.exp(c)}
    if isinstance(e, (sympy.cosh, sympy.sinh)):
        sign = 1 if isinstance(e, sympy.cosh) else -1
        return _combine({t: sympy.exp(c) / 2}, {-t: sign * sympy.exp(-c) / 2})
    i = sympy.I
    if isinstance(e, sympy.cos):
        return _combine({i * t: sympy.exp(i * c) / 2}, {-i * t: sympy.exp(-i * c) / 2})
    return _combine({i * t: sympy.exp(i * c) / (2 * i)}, {-i * t: -sympy.exp(-i * c) / (2 * i)})


def _combine(a: _Terms, b: _Terms) -> _Terms:
    out = dict(a)
    _accumulate(out, b)
    return out


def _accumulate(out: _Terms, new: _Terms) -> None:
    for t, p in new.items():
        key = sympy.expand(t)
        out[key] = out.get(key, sympy.Integer(0)) + p
    if len(out) > MAX_TERMS:
        raise NotExponentialPolynomial


def _multiply(a: _Terms, b: _Terms) -> _Terms:
    if len(a) * len(b) > MAX_PRODUCTS:
        raise NotExponentialPolynomial
    out: _Terms = {}
    for ta, pa in a.items():
        for tb, pb in b.items():
            _accumulate(out, {ta + tb: sympy.expand(pa * pb)})
    return out


def _shifted_means(poly: sympy.Poly, t: sympy.Expr) -> list[sympy.Expr]:
    """m_i = E[p^{(i)}(z + t)], i = 0..deg p, from the values p^{(l)}(t) and the Gaussian moments."""
    deg = poly.degree()
    values = []
    g = poly
    for _ in range(deg + 1):
        values.append(g.eval(t) if not g.is_zero else sympy.Integer(0))
        g = g.diff(Z)
    out = []
    for i in range(deg + 1):
        s = sympy.Integer(0)
        for j in range(0, deg - i + 1, 2):
            s += values[i + j] / (2 ** (j // 2) * sympy.factorial(j // 2))
        out.append(s)
    return out


def exponential_coefficients(terms: _Terms, degree: int) -> list[sympy.Expr]:
    """γ_k = E[σ(z) He_k(z)], k = 0..degree, of σ = Σ_t p_t(z) e^{tz} (exact SymPy numbers or expressions).

    Examples
    --------
    >>> from theorylab.symbolic.links import Z
    >>> exponential_coefficients(exponential_terms(Z * sympy.exp(Z)), 2)
    [exp(1/2), 2*exp(1/2), 3*exp(1/2)]
    """
    gammas = [sympy.Integer(0)] * (degree + 1)
    for t, p in terms.items():
        try:
            poly = sympy.Poly(p, Z)
        except sympy.PolynomialError:
            raise NotExponentialPolynomial from None
        means = _shifted_means(poly, t)
        weight = sympy.exp(t**2 / 2)
        for k in range(degree + 1):
            s = sympy.Integer(0)
            for i in range(min(k, len(means) - 1) + 1):
                s += sympy.binomial(k, i) * t ** (k - i) * means[i]
            gammas[k] += weight * s
    return [_real(g) for g in gammas]


def _real(value: sympy.Expr) -> sympy.Expr:
    value = sympy.expand(value)
    if value.has(sympy.I):
        value = sympy.expand(sympy.expand_complex(value))
        if value.has(sympy.I):
            raise NotExponentialPolynomial  # pragma: no cover - a real link has real coefficients
    if value.is_Rational:
        return value
    return sympy.factor_terms(value)
