"""Exact Hermite coefficients of piecewise polynomials (the exact path of :mod:`theorylab.symbolic.hermite`).

Links that are polynomials in z, or piecewise polynomials built from ``relu``, ``abs``, ``sign``, ``Max``, ``Min``,
``Heaviside`` and ``Piecewise`` of polynomials, are cut at their kinks (:func:`pieces`). On every piece Stein's
identity ∫_a^∞ f He_k φ = f(a) He_{k-1}(a) φ(a) + ∫_a^∞ f' He_{k-1} φ reduces γ_k = E[σ(z) He_k(z)] to boundary
terms and truncated Gaussian moments (:func:`exact_coefficients`), so γ_k is an exact SymPy number made of
rationals, φ(a) = e^{-a²/2}/√(2π) and Φ(a) at the kinks a. For a polynomial, γ_k = E[σ^{(k)}(z)].

Examples
--------
>>> from theorylab.symbolic.links import Z
>>> parts = pieces(sympy.Max(Z, 0))
>>> parts.points, [p.as_expr() for p in parts.polys]
([0], [0, z])
>>> exact_coefficients(parts, 2)
[sqrt(2)/(2*sqrt(pi)), 1/2, sqrt(2)/(2*sqrt(pi))]
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from typing import Any

import sympy

from theorylab.symbolic.links import Z

__all__ = ["NotPiecewisePolynomial", "Pieces", "pieces", "exact_coefficients", "phi", "Phi", "tidy"]

_SQRT_2PI = sympy.sqrt(2 * sympy.pi)


class NotPiecewisePolynomial(Exception):
    """The expression is outside the exact (piecewise-polynomial) class."""


# ---------------------------------------------------------------------------------------------
# Piecewise-polynomial decomposition of an expression in z.


def _key(value: sympy.Expr) -> sympy.Float:
    try:
        key = sympy.Float(sympy.N(value, 60), 60)
    except (TypeError, ValueError):
        raise NotPiecewisePolynomial from None
    if not key.is_finite or not key.is_real:
        raise NotPiecewisePolynomial
    return key


class Pieces:
    """σ = polys[i] on the i-th interval between the sorted breakpoints ``points``."""

    def __init__(self, points: list[sympy.Expr], polys: list[sympy.Poly]):
        self.points = points
        self.keys = [_key(p) for p in points]
        self.polys = polys

    @classmethod
    def constant(cls, expr: sympy.Expr) -> Pieces:
        return cls([], [sympy.Poly(expr, Z)])

    def poly_at(self, key: sympy.Float) -> sympy.Poly:
        return self.polys[bisect.bisect_left(self.keys, key)]


def _merge_points(lists: Sequence[Sequence[sympy.Expr]]) -> list[sympy.Expr]:
    merged: list[tuple[sympy.Float, sympy.Expr]] = []
    for pts in lists:
        for p in pts:
            k = _key(p)
            if all(abs(k - mk) > 1e-45 for mk, _ in merged):
                merged.append((k, p))
    merged.sort(key=lambda t: t[0])
    return [p for _, p in merged]


def _test_points(keys: list[sympy.Float]) -> list[sympy.Rational]:
    """An exact rational point strictly inside each interval cut by the breakpoint keys."""
    if not keys:
        return [sympy.Integer(0)]
    out = [sympy.floor(keys[0]) - 1]
    for lo, hi in zip(keys[:-1], keys[1:], strict=True):
        mid = sympy.Rational(str((lo + hi) / 2))
        if not (lo < mid < hi):  # pragma: no cover - breakpoints closer than 60 digits
            raise NotPiecewisePolynomial
        out.append(mid)
    out.append(sympy.ceiling(keys[-1]) + 1)
    return [sympy.Integer(t) if not isinstance(t, sympy.Rational) else t for t in out]


def _refine(parts: Sequence[Pieces], extra: Sequence[sympy.Expr] = ()) -> tuple[list, list[list]]:
    points = _merge_points([p.points for p in parts] + [list(extra)])
    keys = [_key(p) for p in points]
    tests = _test_points(keys)
    table = [[part.poly_at(_key(t)) for part in parts] for t in tests]
    return points, table


#: Work bound of the exact path (issue 12): kinks are roots of polynomials of degree <= 8, at most 2 of them
#: irrational per polynomial (He_k at nested radicals costs minutes; such links take the numeric path instead).
_MAX_KINK_DEGREE = 8
_MAX_IRRATIONAL_KINKS = 2


def _real_roots(poly: sympy.Poly) -> list[sympy.Expr]:
    if poly.is_zero or poly.degree() <= 0:
        return []
    if poly.degree() > _MAX_KINK_DEGREE:
        raise NotPiecewisePolynomial
    try:
        roots = poly.real_roots()
    except Exception:  # noqa: BLE001 - domains real_roots cannot handle (e.g. pi in the coefficients)
        found = sympy.roots(poly)
        if sum(found.values()) != poly.degree():
            raise NotPiecewisePolynomial from None
        roots = []
        for r in found:
            if r.is_real is None:
                raise NotPiecewisePolynomial from None
            if r.is_real:
                roots.append(r)
    if sum(1 for r in set(roots) if not r.is_Rational) > _MAX_IRRATIONAL_KINKS:
        raise NotPiecewisePolynomial
    return _merge_points([roots])


def _split(parts: Sequence[Pieces], zero_sets: Callable[[list], list]) -> tuple[list, list, list]:
    """Refine ``parts`` and cut further at the roots that ``zero_sets(polys)`` lists on each interval."""
    points, table = _refine(parts)
    keys = [_key(p) for p in points]
    extra = []
    for i, polys in enumerate(table):
        lo = keys[i - 1] if i > 0 else None
        hi = keys[i] if i < len(keys) else None
        for g in zero_sets(polys):
            for root in _real_roots(g):
                k = _key(root)
                if (lo is None or k > lo + 1e-45) and (hi is None or k < hi - 1e-45):
                    extra.append(root)
    points = _merge_points([points, extra])
    keys = [_key(p) for p in points]
    tests = _test_points(keys)
    table = [[part.poly_at(_key(t)) for part in parts] for t in tests]
    return points, tests, table


def pieces(expr: sympy.Expr) -> Pieces:
    """σ as polynomials between sorted breakpoints; raises :class:`NotPiecewisePolynomial` outside the class."""
    if not expr.has(Z):
        if not expr.is_number or expr.is_real is False:
            raise NotPiecewisePolynomial
        return Pieces.constant(expr)
    if expr == Z:
        return Pieces([], [sympy.Poly(Z, Z)])
    if expr.is_Add or expr.is_Mul:
        return _sum_or_product(expr)
    if expr.is_Pow:
        e = expr.exp
        if not (e.is_Integer and int(e) >= 0):
            raise NotPiecewisePolynomial
        base = pieces(expr.base)
        return Pieces(base.points, [p ** int(e) for p in base.polys])
    if isinstance(expr, (sympy.Max, sympy.Min)):
        acc = pieces(expr.args[0])
        for other in expr.args[1:]:
            acc = _max_min(acc, pieces(other), isinstance(expr, sympy.Max))
        return acc
    if isinstance(expr, sympy.Abs):
        inner = pieces(expr.args[0])
        return _max_min(inner, Pieces(inner.points, [-p for p in inner.polys]), True)
    if isinstance(expr, (sympy.sign, sympy.Heaviside)):
        return _step(expr)
    if isinstance(expr, sympy.Piecewise):
        return _piecewise(expr)
    raise NotPiecewisePolynomial


def _sum_or_product(expr: sympy.Expr) -> Pieces:
    parts = [pieces(a) for a in expr.args]
    points, table = _refine(parts)
    polys = []
    for row in table:
        acc = row[0]
        for p in row[1:]:
            acc = acc + p if expr.is_Add else acc * p
        polys.append(acc)
    return Pieces(points, polys)


def _step(expr: sympy.Expr) -> Pieces:
    """sign(g) or Heaviside(g) of a piecewise polynomial g: constant between the roots of g."""
    inner = pieces(expr.args[0])
    points, tests, table = _split([inner], lambda polys: [polys[0]])
    is_sign = isinstance(expr, sympy.sign)
    at_zero = sympy.Integer(0) if is_sign else sympy.Heaviside(0)
    if not is_sign and len(expr.args) > 1:
        at_zero = expr.args[1]
    polys = []
    for t, (p,) in zip(tests, table, strict=True):
        if p.is_zero:
            value = at_zero
        else:
            s = sympy.sign(p.eval(t))
            value = s if is_sign else (s + 1) / 2
        polys.append(sympy.Poly(value, Z))
    return Pieces(points, polys)


def _max_min(a: Pieces, b: Pieces, is_max: bool) -> Pieces:
    points, tests, table = _split([a, b], lambda polys: [polys[0] - polys[1]])
    polys = []
    for t, (pa, pb) in zip(tests, table, strict=True):
        a_bigger = (pa - pb).eval(t) >= 0
        polys.append(pa if a_bigger == is_max else pb)
    return Pieces(points, polys)


def _relationals(cond: Any) -> list[sympy.core.relational.Relational]:
    if cond in (sympy.true, sympy.false, True, False):
        return []
    if isinstance(cond, sympy.core.relational.Relational):
        if isinstance(cond, (sympy.Eq, sympy.Ne)):
            raise NotPiecewisePolynomial
        return [cond]
    if isinstance(cond, (sympy.And, sympy.Or, sympy.Not)):
        return [r for a in cond.args for r in _relationals(a)]
    raise NotPiecewisePolynomial


def _piecewise(expr: sympy.Piecewise) -> Pieces:
    values = [pieces(v) for v, _ in expr.args]
    rels = [r for _, c in expr.args for r in _relationals(c)]
    sides = [pieces(r.lhs - r.rhs) for r in rels]
    n_val = len(values)
    points, tests, table = _split(values + sides, lambda polys: list(polys[n_val:]))
    polys = []
    for t, row in zip(tests, table, strict=True):
        for i, (_, cond) in enumerate(expr.args):
            truth = cond.subs(Z, t) if hasattr(cond, "subs") else cond
            if truth not in (sympy.true, sympy.false, True, False):
                raise NotPiecewisePolynomial
            if bool(truth):
                polys.append(row[i])
                break
        else:
            raise ValueError("link: the Piecewise expression is undefined on part of the real line")
    return Pieces(points, polys)


# ---------------------------------------------------------------------------------------------
# Exact Gaussian integrals.


def phi(a: sympy.Expr) -> sympy.Expr:
    return sympy.exp(-(a**2) / 2) / _SQRT_2PI


def Phi(a: sympy.Expr) -> sympy.Expr:
    if a == 0:
        return sympy.Rational(1, 2)
    return (1 + sympy.erf(a / sympy.sqrt(2))) / 2


def _tail_moments(m_max: int, a: sympy.Expr | None) -> list[sympy.Expr]:
    """T_m(a) = ∫_a^∞ z^m φ(z) dz for m = 0..m_max (a = None means -∞: the full Gaussian moments)."""
    out: list[sympy.Expr] = []
    for m in range(m_max + 1):
        if a is None:
            out.append(sympy.factorial2(m - 1) if m % 2 == 0 else sympy.Integer(0))
        elif m == 0:
            out.append(1 - Phi(a))
        elif m == 1:
            out.append(phi(a))
        else:
            out.append(a ** (m - 1) * phi(a) + (m - 1) * out[m - 2])
    return out


def _interval_expectation(poly: sympy.Poly, lo: sympy.Expr | None, hi: sympy.Expr | None) -> sympy.Expr:
    """∫_lo^hi poly(z) φ(z) dz, with None for the infinite ends."""
    if poly.is_zero:
        return sympy.Integer(0)
    deg = poly.degree()
    t_lo = _tail_moments(deg, lo)
    t_hi = _tail_moments(deg, hi) if hi is not None else [sympy.Integer(0)] * (deg + 1)
    total = sympy.Integer(0)
    for (m,), coeff in poly.terms():
        total += coeff * (t_lo[m] - t_hi[m])
    return total


def _hermite_values(a: sympy.Expr, m_max: int) -> list[sympy.Expr]:
    """He_0(a) .. He_m_max(a) by the recurrence He_{m+1} = a He_m - m He_{m-1}."""
    vals = [sympy.Integer(1), a]
    for m in range(1, m_max):
        vals.append(sympy.expand(a * vals[m] - m * vals[m - 1]))
    return vals[: m_max + 1]


def exact_coefficients(pieces: Pieces, degree: int) -> list[sympy.Expr]:
    points, polys = pieces.points, pieces.polys
    gammas = [sympy.Integer(0)] * (degree + 1)
    # interior integrals: Σ_pieces ∫ f_i^{(k)} φ, for k <= deg f_i
    for i, f in enumerate(polys):
        lo = points[i - 1] if i > 0 else None
        hi = points[i] if i < len(points) else None
        deriv = f
        for k in range(degree + 1):
            if deriv.is_zero:
                break
            gammas[k] += _interval_expectation(deriv, lo, hi)
            deriv = deriv.diff(Z)
    # boundary terms: Σ_t φ(t) Σ_j Δf^{(j)}(t) He_{k-1-j}(t)
    for i, t in enumerate(points):
        jump = polys[i + 1] - polys[i]
        if jump.is_zero:
            continue
        derivs: list[sympy.Expr] = []
        g = jump
        while not g.is_zero and len(derivs) < degree:
            derivs.append(g.eval(t))
            g = g.diff(Z)
        he = _hermite_values(t, degree)
        weight = phi(t)
        for k in range(1, degree + 1):
            s = sympy.Integer(0)
            for j in range(min(len(derivs), k)):
                s += derivs[j] * he[k - 1 - j]
            gammas[k] += weight * s
    return [tidy(g) for g in gammas]


def tidy(value: sympy.Expr) -> sympy.Expr:
    value = sympy.expand(value)
    if value.is_Rational:
        return value
    return sympy.factor_terms(value)
