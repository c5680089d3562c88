"""Hermite expansions of link functions (THEORY.md §2; Vural & Erdogdu 2024, Def. 1 and Prop. 13).

Convention (the paper's): with the probabilists' Hermite polynomials He_k and z ~ N(0, 1),

    σ(z) = Σ_k (γ_k / k!) He_k(z),      γ_k = E[σ(z) He_k(z)],

and the orthonormal coefficients are ``c_k = γ_k / √k!`` (so that Σ_k c_k² = E σ(z)², Parseval).

Two paths compute the γ_k:

* **exact** for links that are polynomials in z, or piecewise polynomials built from ``relu``, ``abs``,
  ``sign``, ``Max``, ``Min``, ``Heaviside`` and ``Piecewise`` of polynomials. The real line is cut at the
  kinks, and on every piece Stein's identity ∫_a^∞ f He_k φ = f(a) He_{k-1}(a) φ(a) + ∫_a^∞ f' He_{k-1} φ
  reduces γ_k to boundary terms and truncated Gaussian moments, so γ_k is an exact SymPy number made of
  rationals, φ(a) = e^{-a²/2}/√(2π) and Φ(a) at the kinks a. For a polynomial, γ_k = E[σ^{(k)}(z)].
  Kinks at rational points are fast (relu, degree 100: ~0.1 s); kinks at irrational points (e.g.
  ``Max(z, 1/sqrt(2*pi))``) stay exact but cost ~10 s at degree 100 (SymPy expansion of He_k at the kink).
* **numeric** for everything else (``tanh``, ``cos``, ``exp``, Python callables): Gauss-Hermite_e
  quadrature (``scipy.special.roots_hermitenorm``) with the orthonormal Hermite *functions*
  √w_i h_k(x_i) built by the normalised three-term recurrence (no overflow at degree ≥ 100). The node count
  is doubled until two successive sets of orthonormal coefficients c_k differ by at most
  ``atol + rtol · ‖c‖₂`` (defaults 1e-12 and 1e-10). The results are SymPy Floats.

Examples
--------
>>> hermite_coefficients("He3(z)", 4)
[0, 0, 0, 6, 0]
>>> hermite_coefficients("relu(z)", 4)
[sqrt(2)/(2*sqrt(pi)), 1/2, sqrt(2)/(2*sqrt(pi)), 0, -sqrt(2)/(2*sqrt(pi))]
>>> [abs(round(float(g), 10)) for g in hermite_coefficients("tanh(z)", 3)]
[0.0, 0.6057055096, 0.0, 0.3635953763]
"""

from __future__ import annotations

import bisect
import itertools
import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import sympy

from theorylab._limits import limits
from theorylab._validation import check_choice, check_int, check_real
from theorylab.symbolic.links import Link, Z, as_link

__all__ = [
    "hermite_coefficients",
    "hermite_expansion",
    "relu_hermite_coefficient",
    "normalize_link",
    "hermite_tensors",
    "gaussian_expectation",
    "DEFAULT_ATOL",
    "DEFAULT_RTOL",
]

#: Absolute tolerance of the numeric path on the orthonormal coefficients c_k.
DEFAULT_ATOL = 1e-12
#: Relative tolerance of the numeric path, relative to ‖c‖₂ = (E σ²)^{1/2} (partial sum).
DEFAULT_RTOL = 1e-10
_MAX_NODES = 1 << 14
_SQRT_2PI = sympy.sqrt(2 * sympy.pi)


class _NotPiecewisePolynomial(Exception):
    """The expression is outside the exact (piecewise-polynomial) class."""


# ---------------------------------------------------------------------------------------------
# Piecewise-polynomial decomposition of an expression in z.


def _key(value: sympy.Expr) -> sympy.Float:
    try:
        key = sympy.Float(sympy.N(value, 60), 60)
    except (TypeError, ValueError):
        raise _NotPiecewisePolynomial from None
    if not key.is_finite or not key.is_real:
        raise _NotPiecewisePolynomial
    return key


class _Pieces:
    """σ = polys[i] on the i-th interval between the sorted breakpoints ``points``."""

    def __init__(self, points: list[sympy.Expr], polys: list[sympy.Poly]):
        self.points = points
        self.keys = [_key(p) for p in points]
        self.polys = polys

    @classmethod
    def constant(cls, expr: sympy.Expr) -> _Pieces:
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
            raise _NotPiecewisePolynomial
        out.append(mid)
    out.append(sympy.ceiling(keys[-1]) + 1)
    return [sympy.Integer(t) if not isinstance(t, sympy.Rational) else t for t in out]


def _refine(parts: Sequence[_Pieces], extra: Sequence[sympy.Expr] = ()) -> tuple[list, list[list]]:
    points = _merge_points([p.points for p in parts] + [list(extra)])
    keys = [_key(p) for p in points]
    tests = _test_points(keys)
    table = [[part.poly_at(_key(t)) for part in parts] for t in tests]
    return points, table


#: Work bound of the exact path: kinks are roots of polynomials of degree <= 8, at most 2 of them irrational
#: per polynomial (He_k at nested radicals costs minutes; such links take the numeric path instead).
_MAX_KINK_DEGREE = 8
_MAX_IRRATIONAL_KINKS = 2


def _real_roots(poly: sympy.Poly) -> list[sympy.Expr]:
    if poly.is_zero or poly.degree() <= 0:
        return []
    if poly.degree() > _MAX_KINK_DEGREE:
        raise _NotPiecewisePolynomial
    try:
        roots = poly.real_roots()
    except Exception:  # noqa: BLE001 - domains real_roots cannot handle (e.g. pi in the coefficients)
        found = sympy.roots(poly)
        if sum(found.values()) != poly.degree():
            raise _NotPiecewisePolynomial from None
        roots = []
        for r in found:
            if r.is_real is None:
                raise _NotPiecewisePolynomial from None
            if r.is_real:
                roots.append(r)
    if sum(1 for r in set(roots) if not r.is_Rational) > _MAX_IRRATIONAL_KINKS:
        raise _NotPiecewisePolynomial
    return _merge_points([roots])


def _split(parts: Sequence[_Pieces], zero_sets: Callable[[list], list]) -> tuple[list, list, list]:
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


def _pieces(expr: sympy.Expr) -> _Pieces:
    if not expr.has(Z):
        if not expr.is_number or expr.is_real is False:
            raise _NotPiecewisePolynomial
        return _Pieces.constant(expr)
    if expr == Z:
        return _Pieces([], [sympy.Poly(Z, Z)])
    if expr.is_Add or expr.is_Mul:
        parts = [_pieces(a) for a in expr.args]
        points, table = _refine(parts)
        polys = []
        for row in table:
            acc = row[0]
            for p in row[1:]:
                acc = acc + p if expr.is_Add else acc * p
            polys.append(acc)
        return _Pieces(points, polys)
    if expr.is_Pow:
        e = expr.exp
        if not (e.is_Integer and int(e) >= 0):
            raise _NotPiecewisePolynomial
        base = _pieces(expr.base)
        return _Pieces(base.points, [p ** int(e) for p in base.polys])
    if isinstance(expr, (sympy.Max, sympy.Min)):
        acc = _pieces(expr.args[0])
        for other in expr.args[1:]:
            acc = _max_min(acc, _pieces(other), isinstance(expr, sympy.Max))
        return acc
    if isinstance(expr, sympy.Abs):
        inner = _pieces(expr.args[0])
        neg = _Pieces(inner.points, [-p for p in inner.polys])
        return _max_min(inner, neg, True)
    if isinstance(expr, (sympy.sign, sympy.Heaviside)):
        inner = _pieces(expr.args[0])
        points, tests, table = _split([inner], lambda polys: [polys[0]])
        at_zero = sympy.Integer(0) if isinstance(expr, sympy.sign) else sympy.Heaviside(0)
        if isinstance(expr, sympy.Heaviside) and len(expr.args) > 1:
            at_zero = expr.args[1]
        polys = []
        for t, (p,) in zip(tests, table, strict=True):
            if p.is_zero:
                value = at_zero
            else:
                s = sympy.sign(p.eval(t))
                value = s if isinstance(expr, sympy.sign) else (s + 1) / 2
            polys.append(sympy.Poly(value, Z))
        return _Pieces(points, polys)
    if isinstance(expr, sympy.Piecewise):
        return _piecewise(expr)
    raise _NotPiecewisePolynomial


def _max_min(a: _Pieces, b: _Pieces, is_max: bool) -> _Pieces:
    points, tests, table = _split([a, b], lambda polys: [polys[0] - polys[1]])
    polys = []
    for t, (pa, pb) in zip(tests, table, strict=True):
        a_bigger = (pa - pb).eval(t) >= 0
        polys.append(pa if a_bigger == is_max else pb)
    return _Pieces(points, polys)


def _relationals(cond: Any) -> list[sympy.core.relational.Relational]:
    if cond in (sympy.true, sympy.false, True, False):
        return []
    if isinstance(cond, sympy.core.relational.Relational):
        if isinstance(cond, (sympy.Eq, sympy.Ne)):
            raise _NotPiecewisePolynomial
        return [cond]
    if isinstance(cond, (sympy.And, sympy.Or, sympy.Not)):
        return [r for a in cond.args for r in _relationals(a)]
    raise _NotPiecewisePolynomial


def _piecewise(expr: sympy.Piecewise) -> _Pieces:
    values = [_pieces(v) for v, _ in expr.args]
    rels = [r for _, c in expr.args for r in _relationals(c)]
    sides = [_pieces(r.lhs - r.rhs) for r in rels]
    n_val = len(values)
    points, tests, table = _split(values + sides, lambda polys: list(polys[n_val:]))
    polys = []
    for t, row in zip(tests, table, strict=True):
        for i, (_, cond) in enumerate(expr.args):
            truth = cond.subs(Z, t) if hasattr(cond, "subs") else cond
            if truth not in (sympy.true, sympy.false, True, False):
                raise _NotPiecewisePolynomial
            if bool(truth):
                polys.append(row[i])
                break
        else:
            raise ValueError("link: the Piecewise expression is undefined on part of the real line")
    return _Pieces(points, polys)


# ---------------------------------------------------------------------------------------------
# Exact Gaussian integrals.


def _phi(a: sympy.Expr) -> sympy.Expr:
    return sympy.exp(-(a**2) / 2) / _SQRT_2PI


def _Phi(a: sympy.Expr) -> sympy.Expr:
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
            out.append(1 - _Phi(a))
        elif m == 1:
            out.append(_phi(a))
        else:
            out.append(a ** (m - 1) * _phi(a) + (m - 1) * out[m - 2])
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


def _exact_coefficients(pieces: _Pieces, degree: int) -> list[sympy.Expr]:
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
        weight = _phi(t)
        for k in range(1, degree + 1):
            s = sympy.Integer(0)
            for j in range(min(len(derivs), k)):
                s += derivs[j] * he[k - 1 - j]
            gammas[k] += weight * s
    return [_tidy(g) for g in gammas]


def _tidy(value: sympy.Expr) -> sympy.Expr:
    value = sympy.expand(value)
    if value.is_Rational:
        return value
    return sympy.factor_terms(value)


# ---------------------------------------------------------------------------------------------
# Numeric path.


def _numeric_orthonormal(
    link: Link, degree: int, atol: float, rtol: float, max_nodes: int
) -> tuple[np.ndarray, int, float]:
    """Orthonormal coefficients c_0..c_degree by Gauss-Hermite_e quadrature, refined by doubling."""
    from scipy.special import roots_hermitenorm

    def at(n: int) -> np.ndarray:
        x, w = roots_hermitenorm(n)
        keep = w > 0
        x, w = x[keep], w[keep] / math.sqrt(2 * math.pi)
        with np.errstate(over="ignore", invalid="ignore"):
            f = np.asarray(link.numpy(x), dtype=float)
        if not np.all(np.isfinite(f)):
            raise ValueError(f"link {link.text!r} is not finite at the quadrature nodes (|z| <= {np.max(np.abs(x)):.1f})")
        sw = np.sqrt(w)
        g = sw * f
        u_prev, u = np.zeros_like(x), sw.copy()  # u_k = √w h_k(x): orthonormal Hermite functions
        c = np.empty(degree + 1)
        for k in range(degree + 1):
            c[k] = float(g @ u)
            u_next = (x * u - math.sqrt(k) * u_prev) / math.sqrt(k + 1)
            u_prev, u = u, u_next
        return c

    n = min(max(64, 2 * (degree + 1)), max_nodes // 2)
    c = at(n)
    diff = math.inf
    while 2 * n <= max_nodes:
        n *= 2
        c_new = at(n)
        diff = float(np.max(np.abs(c_new - c)))
        c = c_new
        if diff <= atol + rtol * float(np.linalg.norm(c)):
            return c, n, diff
    warnings.warn(
        f"hermite_coefficients: the quadrature for {link.text!r} did not reach atol={atol:g}, rtol={rtol:g} "
        f"with {n} nodes (last change {diff:.3g}); the link is probably not smooth",
        UserWarning,
        stacklevel=3,
    )
    return c, n, diff


def _sqrt_factorial(k: int) -> Any:
    import mpmath

    return mpmath.sqrt(mpmath.factorial(k))


# ---------------------------------------------------------------------------------------------
# Public API.


def _check_degree(degree: Any, name: str = "degree") -> int:
    top = limits().hermite_degree
    degree = check_int(degree, name, minimum=0)
    if degree > top:
        raise ValueError(f"{name} must be <= {top} (theorylab._limits: hermite_degree), got {degree}")
    return degree


def _pole(base: sympy.Expr, power: sympy.Expr) -> str | None:
    """Where ``base**power`` (power < 0) makes σ² non-integrable against φ; None when it does not."""
    p = abs(float(power))
    if isinstance(base, sympy.Abs):
        base = base.args[0]
    if base.is_polynomial(Z):
        try:
            roots = sympy.Poly(base, Z).real_roots()
        except (sympy.PolynomialError, NotImplementedError):
            return None
        for root in set(roots):
            if roots.count(root) * p >= 0.5:  # |z - a|^{-2 m p} is not integrable at a when 2 m p >= 1
                return f"z = {root}"
        return None
    x = np.linspace(-12.0, 12.0, 24_001)
    with np.errstate(all="ignore"):
        try:
            v = np.asarray(Link(base, (Z,), str(base)).numpy(x), dtype=float)
        except (ValueError, TypeError):
            return None
    v = v[np.isfinite(v)]
    if not v.size:
        return None
    crossing = bool(np.any(np.sign(v[:-1]) * np.sign(v[1:]) < 0))
    touching = bool(np.min(np.abs(v)) <= 1e-12 * max(1.0, float(np.max(np.abs(v)))))
    # a simple zero makes |f|^{-2p} non-integrable when 2p >= 1, a double one when 4p >= 1
    if (crossing and p >= 0.5) or (touching and p >= 0.25):
        return f"a zero of {base}"
    return None


def _check_square_integrable(link: Link) -> None:
    """Refuse links with a pole (a negative power of something that vanishes): E σ² = ∞, no coefficients."""
    if link.expr is None:
        return
    for node in sympy.preorder_traversal(link.expr):
        if node.is_Pow and node.exp.is_number and node.exp.is_negative and node.base.has(Z):
            where = _pole(node.base, node.exp)
            if where is not None:
                raise ValueError(
                    f"link {link.text!r} has a pole at {where} ({node}): E σ(z)² is infinite, so it has no Hermite "
                    "coefficients"
                )


def _check_finite(values: list[sympy.Expr], link: Link) -> None:
    for k, v in enumerate(values):
        try:
            ok = math.isfinite(float(v))
        except (TypeError, ValueError, OverflowError):
            ok = False
        if not ok:
            raise ValueError(
                f"link {link.text!r}: the Hermite coefficient of degree {k} overflows a double ({sympy.N(v, 5)}); "
                "rescale the link"
            )


def _single_index(link: Any) -> Link:
    link = as_link(link)
    if link.arity != 1:
        raise ValueError(f"link must be single-index (arity 1), got arity {link.arity}; use hermite_tensors")
    return link


def _exact_pieces(link: Link) -> _Pieces | None:
    if link.expr is None:
        return None
    try:
        return _pieces(link.expr)
    except _NotPiecewisePolynomial:
        return None
    except (NotImplementedError, sympy.PolynomialError):
        return None


def hermite_coefficients(
    link: Any,
    degree: int,
    normalized: bool = False,
    *,
    method: str = "auto",
    atol: float = DEFAULT_ATOL,
    rtol: float = DEFAULT_RTOL,
    max_nodes: int = _MAX_NODES,
) -> list[sympy.Expr]:
    """Hermite coefficients γ_k = E[σ(z) He_k(z)], k = 0..degree (or c_k = γ_k/√k! when normalized).

    Parameters
    ----------
    link : str, sympy.Expr, callable or Link
        A single-index link σ(z).
    degree : int >= 0
        The highest degree k returned.
    normalized : bool, default False
        Return the orthonormal coefficients c_k = γ_k/√k! instead of γ_k.
    method : {"auto", "exact", "numeric"}
        "auto" is exact for (piecewise) polynomials and numeric otherwise; "exact" raises ValueError
        outside the exact class.
    atol, rtol : float
        Stopping rule of the numeric path: stop doubling the node count when
        max_k |c_k(2n) - c_k(n)| <= atol + rtol ‖c‖₂ (defaults 1e-12, 1e-10). A ``UserWarning`` is issued
        when ``max_nodes`` is reached first.
    max_nodes : int
        The largest number of quadrature nodes tried (default 16384).

    Returns
    -------
    list of sympy.Expr
        Exact numbers on the exact path, ``sympy.Float`` on the numeric path.

    Examples
    --------
    >>> hermite_coefficients("z**4", 4)
    [3, 0, 12, 0, 24]
    >>> hermite_coefficients("abs(z)", 4, normalized=True)
    [sqrt(2)/sqrt(pi), 0, 1/sqrt(pi), 0, -sqrt(3)/(6*sqrt(pi))]
    """
    link = _single_index(link)
    degree = _check_degree(degree)
    if not isinstance(normalized, (bool, np.bool_)):
        raise TypeError(f"normalized must be a bool, got {type(normalized).__name__}")
    method = check_choice(method, "method", ("auto", "exact", "numeric"))
    atol = check_real(atol, "atol", low=0.0)
    rtol = check_real(rtol, "rtol", low=0.0)
    max_nodes = check_int(max_nodes, "max_nodes", minimum=64, maximum=1 << 22)
    _check_square_integrable(link)

    pieces = _exact_pieces(link) if method != "numeric" else None
    if method == "exact" and pieces is None:
        raise ValueError(
            f"link {link.text!r} is not a piecewise polynomial of z, so method='exact' is unavailable; "
            "use method='auto' or 'numeric'"
        )
    if pieces is not None:
        gammas = _exact_coefficients(pieces, degree)
        if normalized:
            gammas = [_tidy(g / sympy.sqrt(sympy.factorial(k))) for k, g in enumerate(gammas)]
        _check_finite(gammas[: min(len(gammas), 171)], link)  # γ_k of a bounded link may exceed 1e308 past k!
        return gammas
    c, _, _ = _numeric_orthonormal(link, degree, atol, rtol, max_nodes)
    _check_finite([sympy.Float(float(v)) for v in c], link)
    if float(np.max(np.abs(c))) > 1e150:  # Σ c_k² = E σ² (Parseval) would overflow a double downstream
        raise ValueError(
            f"link {link.text!r}: its Hermite coefficients reach {float(np.max(np.abs(c))):.3g}, so E σ(z)² overflows "
            "a double; rescale the link"
        )
    if normalized:
        return [sympy.Float(float(v)) for v in c]
    return [sympy.Float(float(v) * _sqrt_factorial(k)) for k, v in enumerate(c)]


def hermite_expansion(link: Any, degree: int, **kwargs: Any) -> sympy.Expr:
    """The truncated expansion Σ_{k <= degree} (γ_k / k!) He_k(z) as a SymPy expression in z.

    Keyword arguments are passed to :func:`hermite_coefficients`.

    Examples
    --------
    >>> hermite_expansion("z**3", 3)
    z**3
    >>> hermite_expansion("relu(z)", 2)
    z/2 + sqrt(2)*(z**2 - 1)/(4*sqrt(pi)) + sqrt(2)/(2*sqrt(pi))
    """
    gammas = hermite_coefficients(link, degree, **kwargs)
    terms = [g / sympy.factorial(k) * sympy.hermite_prob(k, Z) for k, g in enumerate(gammas) if g != 0]
    return sympy.Add(*terms)


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
    k = _check_degree(k, "k")
    if isinstance(b, sympy.Basic):
        if not (b.is_number and b.is_real):
            raise ValueError(f"b must be a real number, got {b}")
        exact, bb = True, b
    elif isinstance(b, (int, np.integer)) and not isinstance(b, bool):
        exact, bb = True, sympy.Integer(int(b))
    else:
        return _relu_hermite_float(k, check_real(b, "b"))
    if k == 0:
        value = _phi(bb) + bb * _Phi(bb)
    elif k == 1:
        value = _Phi(bb)
    else:
        value = _phi(bb) * _hermite_at(k - 2, -bb)
    if exact:
        return _tidy(value)
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


def gaussian_expectation(link: Any, *, method: str = "auto") -> sympy.Expr:
    """E σ(z) for z ~ N(0, I_r): exact for (piecewise) polynomials, numeric otherwise (single-index).

    Examples
    --------
    >>> gaussian_expectation("relu(z)**2")
    1/2
    >>> gaussian_expectation("z1**2*z2**2")
    1
    """
    link = as_link(link)
    method = check_choice(method, "method", ("auto", "exact", "numeric"))
    if link.arity > 1:
        return hermite_tensors(link, 0)[0]
    return hermite_coefficients(link, 0, method=method)[0]


def normalize_link(link: Any) -> Link:
    """The standardised link (σ - E σ) / √Var σ, so that E σ = 0 and E σ² = 1 (the paper's assumption).

    Exact (a SymPy expression) for (piecewise) polynomials, numeric for the rest; callables give callables.

    Examples
    --------
    >>> normalize_link("z**2").expr
    sqrt(2)*(z**2 - 1)/2
    >>> normalize_link("3")
    Traceback (most recent call last):
    ...
    ValueError: link '3' is constant (zero variance) and cannot be normalised
    """
    link = as_link(link)
    if link.arity > 1:
        if link.expr is None:
            raise ValueError("normalize_link: multi-index links must be SymPy polynomials")
        mean = hermite_tensors(link, 0)[0]
        second = hermite_tensors(as_link(sympy.expand(link.expr**2), arity=link.arity), 0)[0]
    elif link.expr is not None:
        mean = gaussian_expectation(link)
        second = gaussian_expectation(as_link(link.expr**2))
    else:
        func = link.func
        mean = gaussian_expectation(link)
        second = gaussian_expectation(Link(None, link.variables, link.text, lambda z: func(z) ** 2))
    if isinstance(mean, sympy.Float) and abs(float(mean)) <= DEFAULT_ATOL * max(1.0, abs(float(second))) ** 0.5:
        mean = sympy.Integer(0)  # zero within the stated tolerance of the numeric path
    var = sympy.simplify(second - mean**2) if not isinstance(second, sympy.Float) else second - mean**2
    if var == 0 or (var.is_number and abs(float(var)) < 1e-14):
        raise ValueError(f"link {link.text!r} is constant (zero variance) and cannot be normalised")
    scale = sympy.sqrt(var)
    if link.expr is not None:
        expr = sympy.factor_terms(sympy.expand(link.expr - mean) / scale)
        return Link(expr=expr, variables=link.variables, text=f"normalized({link.text})")
    m, s, func = float(mean), float(scale), link.func
    return Link(
        expr=None,
        variables=link.variables,
        text=f"normalized({link.text})",
        func=lambda z: (np.asarray(func(z), dtype=float) - m) / s,
    )


def _hermite_basis_of_power(p: int) -> dict[int, sympy.Integer]:
    """z^p = Σ_j p!/(2^j j! (p-2j)!) He_{p-2j}(z)."""
    return {
        p - 2 * j: sympy.Integer(math.factorial(p) // (2**j * math.factorial(j) * math.factorial(p - 2 * j)))
        for j in range(p // 2 + 1)
    }


def hermite_tensors(link: Any, degree: int) -> list[Any]:
    """Hermite tensors T_k = E[σ(z) He_k(z)], k = 0..degree, of a polynomial link of r variables.

    ``He_k(z)`` is the multivariate Hermite tensor: its entry (i_1, ..., i_k) is Π_l He_{β_l}(z_l), where β_l
    counts the indices equal to l. T_0 is a SymPy number; T_k (k >= 1) is a SymPy ``ImmutableDenseNDimArray``
    of shape (r,)*k, symmetric, so that σ = Σ_k (1/k!) ⟨T_k, He_k(z)⟩.

    Examples
    --------
    >>> T = hermite_tensors("z1*z2 + He2(z1)", 2)
    >>> T[0], T[1], T[2]
    (0, [0, 0], [[2, 1], [1, 0]])
    """
    link = as_link(link)
    degree = _check_degree(degree)
    if link.expr is None or not link.expr.is_polynomial(*link.variables):
        raise ValueError(f"hermite_tensors needs a polynomial link, got {link.text!r}")
    r = link.arity
    top = limits().tensor_entries
    if sum(r**k for k in range(min(degree, 64) + 1)) > top or (r == 1 and degree + 1 > top):
        raise ValueError(
            f"degree: the tensors T_0 .. T_{degree} of a link with r = {r} hold more than {top} entries "
            "(theorylab._limits: tensor_entries)"
        )
    poly = sympy.Poly(sympy.expand(link.expr), *link.variables)
    coeffs: dict[tuple[int, ...], sympy.Expr] = {}
    for monom, c in poly.terms():
        expansions = [_hermite_basis_of_power(p) for p in monom]
        for combo in itertools.product(*[list(e.items()) for e in expansions]):
            beta = tuple(b for b, _ in combo)
            value = c
            for _, v in combo:
                value *= v
            coeffs[beta] = coeffs.get(beta, 0) + value
    # E[σ He_β] = b_β Π β_l!
    moments = {
        beta: sympy.expand(v * sympy.Mul(*[sympy.factorial(b) for b in beta])) for beta, v in coeffs.items()
    }
    out: list[Any] = [moments.get((0,) * r, sympy.Integer(0))]
    for k in range(1, degree + 1):
        entries = []
        for idx in itertools.product(range(r), repeat=k):
            beta = tuple(idx.count(i) for i in range(r))
            entries.append(moments.get(beta, sympy.Integer(0)))
        out.append(sympy.ImmutableDenseNDimArray(entries, (r,) * k))
    return out
