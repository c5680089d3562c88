"""Hermite expansions of link functions (THEORY.md §2; Vural & Erdogdu 2024, Def. 1 and Prop. 13).

Convention (the paper's): with the probabilists' Hermite polynomials He_k and z ~ N(0, 1),

    σ(z) = Σ_k (γ_k / k!) He_k(z),      γ_k = E[σ(z) He_k(z)],

and the orthonormal coefficients are ``c_k = γ_k / √k!`` (so that Σ_k c_k² = E σ(z)², Parseval).

Three paths compute the γ_k:

* **exact** for links that are polynomials in z, or piecewise polynomials built from ``relu``, ``abs``,
  ``sign``, ``Max``, ``Min``, ``Heaviside`` and ``Piecewise`` of polynomials. The real line is cut at the
  kinks, and on every piece Stein's identity ∫_a^∞ f He_k φ = f(a) He_{k-1}(a) φ(a) + ∫_a^∞ f' He_{k-1} φ
  reduces γ_k to boundary terms and truncated Gaussian moments, so γ_k is an exact SymPy number made of
  rationals, φ(a) = e^{-a²/2}/√(2π) and Φ(a) at the kinks a. For a polynomial, γ_k = E[σ^{(k)}(z)].
  Kinks at rational points are fast (relu, degree 100: ~0.1 s); kinks at irrational points (e.g.
  ``Max(z, 1/sqrt(2*pi))``) stay exact but cost ~10 s at degree 100 (SymPy expansion of He_k at the kink).
* **exact** for polynomials times ``exp``, ``cos``, ``sin``, ``cosh``, ``sinh`` of ``t*z + c`` (and sums,
  products and powers of these), from γ_k(e^{tz}) = t^k e^{t²/2} (:mod:`theorylab.symbolic.hermite_exponential`,
  with its work bound). Links with parameters kept symbolic (``params={"a": None}``) are exact on this path
  when they are polynomials (times exponentials) in z.
* **numeric** for everything else (``tanh``, ``erf``, ``relu(z)*exp(z)``, Python callables): Gauss-Hermite_e
  quadrature (``scipy.special.roots_hermitenorm``) with the orthonormal Hermite *functions*
  √w_i h_k(x_i) built by the normalised three-term recurrence (no overflow at degree ≥ 100). The node count
  is doubled until two successive sets of orthonormal coefficients c_k differ by at most
  ``atol + rtol · ‖c‖₂`` (defaults 1e-12 and 1e-10); that last change (at least 16 ulp of ‖c‖₂) is the
  stated accuracy, and coefficients within it of zero are reported as 0. The results are SymPy Floats.

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

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import sympy

from theorylab._validation import check_choice, check_int, check_real
from theorylab.symbolic._hermite_degree import check_degree
from theorylab.symbolic.hermite_exponential import (
    NotExponentialPolynomial,
    exponential_coefficients,
    exponential_terms,
)
from theorylab.symbolic.hermite_numeric import numeric_orthonormal, rounded_coefficients
from theorylab.symbolic.hermite_tensors import hermite_tensors
from theorylab.symbolic.links import Link, Z, as_link
from theorylab.symbolic.piecewise import (
    NotPiecewisePolynomial,
    Pieces,
    exact_coefficients,
    pieces,
    tidy,
)
from theorylab.symbolic.relu_hermite import relu_hermite_coefficient

__all__ = [
    "hermite_coefficients",
    "HermiteCoefficients",
    "hermite_expansion",
    "relu_hermite_coefficient",
    "normalize_link",
    "is_constant",
    "is_negligible",
    "link_moments",
    "hermite_tensors",
    "gaussian_expectation",
    "DEFAULT_ATOL",
    "DEFAULT_RTOL",
    "DEFAULT_CONSTANT_TOL",
]

#: Absolute tolerance of the numeric path on the orthonormal coefficients c_k.
DEFAULT_ATOL = 1e-12
#: Relative tolerance of the numeric path, relative to ‖c‖₂ = (E σ²)^{1/2} (partial sum).
DEFAULT_RTOL = 1e-10
#: The zero/constant policy (:func:`is_negligible`, :func:`is_constant`): a computed number is zero when at most
#: this fraction of the link's RMS (E σ²)^{1/2}; a link is constant when (Var σ)^{1/2} is.
DEFAULT_CONSTANT_TOL = 1e-8
_MAX_NODES = 1 << 14


# ---------------------------------------------------------------------------------------------
# Public API.


class HermiteCoefficients(list):  # type: ignore[type-arg]
    """The list γ_0..γ_K (or c_0..c_K) that :func:`hermite_coefficients` returns, with how it was computed.

    Attributes
    ----------
    exact : bool
        True for exact SymPy values, False for quadrature (``sympy.Float``).
    accuracy : float
        The estimated error of each orthonormal coefficient c_k = γ_k/√k!: 0 when exact; on the numeric path the
        largest change of the last doubling of the quadrature's node count (at most ``atol + rtol ‖c‖₂`` when it
        converged), and at least 16 ulp of ‖c‖₂. Numeric coefficients within it of zero are reported as 0.

    Examples
    --------
    >>> g = HermiteCoefficients([1, 0], exact=True, accuracy=0.0)
    >>> g, g.exact, g == [1, 0]
    ([1, 0], True, True)
    """

    def __init__(self, values: Any, *, exact: bool, accuracy: float) -> None:
        super().__init__(values)
        self.exact = bool(exact)
        self.accuracy = float(accuracy)


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


def _single_index(link: Any, params: Any = None) -> Link:
    link = as_link(link, params=params)
    if link.arity != 1:
        raise ValueError(f"link must be single-index (arity 1), got arity {link.arity}; use hermite_tensors")
    return link


def _exact_pieces(link: Link) -> Pieces | None:
    if link.expr is None:
        return None
    try:
        return pieces(link.expr)
    except NotPiecewisePolynomial:
        return None
    except (NotImplementedError, sympy.PolynomialError):
        return None


def _exact_gammas(link: Link, degree: int) -> list[sympy.Expr] | None:
    """γ_0..γ_degree on an exact path (piecewise polynomials; polynomials times exponentials), else None."""
    parts = _exact_pieces(link)
    if parts is not None:
        return exact_coefficients(parts, degree)
    if link.expr is None:
        return None
    try:
        return exponential_coefficients(exponential_terms(link.expr), degree)
    except NotExponentialPolynomial:
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
    params: Any = None,
) -> HermiteCoefficients:
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
        "auto" is exact for (piecewise) polynomials and for polynomials times ``exp``, ``cos``, ``sin``,
        ``cosh``, ``sinh`` of linear forms (:mod:`~theorylab.symbolic.hermite_exponential`), numeric otherwise;
        "exact" raises ValueError outside the exact classes.
    atol, rtol : float
        Stopping rule of the numeric path: stop doubling the node count when
        max_k |c_k(2n) - c_k(n)| <= atol + rtol ‖c‖₂ (defaults 1e-12, 1e-10). A ``UserWarning`` is issued
        when ``max_nodes`` is reached first.
    max_nodes : int
        The largest number of quadrature nodes tried (default 16384).
    params : mapping, optional
        Values of the link's parameters (:func:`~theorylab.symbolic.links.parse_link`); a parameter given as
        ``None`` stays symbolic, which the exact paths allow for polynomials (times exponentials).

    Returns
    -------
    HermiteCoefficients
        A list of exact numbers (or expressions in the symbolic parameters) on the exact path, ``sympy.Float``
        on the numeric path. Its ``exact`` attribute says which, and ``accuracy`` bounds the error of each
        orthonormal c_k (0 when exact; on the numeric path the change of the last doubling of the node count,
        at most ``atol + rtol ‖c‖₂`` once converged, and at least 16 ulp of ‖c‖₂). A numeric c_k within
        ``accuracy`` of zero is reported as ``Float(0)``: zero to that accuracy (γ_2 of tanh, for example).

    Examples
    --------
    >>> hermite_coefficients("z**4", 4)
    [3, 0, 12, 0, 24]
    >>> hermite_coefficients("abs(z)", 4, normalized=True)
    [sqrt(2)/sqrt(pi), 0, 1/sqrt(pi), 0, -sqrt(3)/(6*sqrt(pi))]
    >>> hermite_coefficients("z*exp(z/2)", 2)
    [exp(1/8)/2, 5*exp(1/8)/4, 9*exp(1/8)/8]
    >>> hermite_coefficients("a*He2(z) + b*He4(z)", 4, params={"a": None, "b": None})
    [0, 0, 2*a, 0, 24*b]
    >>> g = hermite_coefficients("tanh(z)", 2)
    >>> g.exact, g[2], g.accuracy < 1e-9
    (False, 0.0, True)
    """
    link = _single_index(link, params)
    degree = check_degree(degree)
    if not isinstance(normalized, (bool, np.bool_)):
        raise TypeError(f"normalized must be a bool, got {type(normalized).__name__}")
    method = check_choice(method, "method", ("auto", "exact", "numeric"))
    atol = check_real(atol, "atol", low=0.0)
    rtol = check_real(rtol, "rtol", low=0.0)
    max_nodes = check_int(max_nodes, "max_nodes", minimum=64, maximum=1 << 22)
    _check_square_integrable(link)

    gammas = _exact_gammas(link, degree) if method != "numeric" else None
    if method == "exact" and gammas is None:
        raise ValueError(
            f"link {link.text!r} is neither a piecewise polynomial of z nor a polynomial times exponentials of "
            "linear forms (within the work bound), so method='exact' is unavailable; use method='auto' or 'numeric'"
        )
    if gammas is not None:
        if normalized:
            gammas = [tidy(g / sympy.sqrt(sympy.factorial(k))) for k, g in enumerate(gammas)]
        if not link.parameters:
            _check_finite(gammas[: min(len(gammas), 171)], link)  # γ_k of a bounded link may exceed 1e308 past k!
        return HermiteCoefficients(gammas, exact=True, accuracy=0.0)
    link.require_values("numeric Hermite coefficients (it is outside the exact classes)")
    c, _, diff = numeric_orthonormal(link, degree, atol, rtol, max_nodes)
    _check_finite([sympy.Float(float(v)) for v in c], link)
    if float(np.max(np.abs(c))) > 1e150:  # Σ c_k² = E σ² (Parseval) would overflow a double downstream
        raise ValueError(
            f"link {link.text!r}: its Hermite coefficients reach {float(np.max(np.abs(c))):.3g}, so E σ(z)² overflows "
            "a double; rescale the link"
        )
    values, accuracy = rounded_coefficients(c, diff, normalized)
    return HermiteCoefficients(values, exact=False, accuracy=accuracy)


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


# ---------------------------------------------------------------------------------------------
# The zero/constant policy.


def is_negligible(value: Any, scale: Any, tol: float = DEFAULT_CONSTANT_TOL) -> bool:
    """The one zero policy: is ``value`` zero, relative to ``scale`` (the RMS (E σ²)^{1/2} it is measured against)?

    An exact SymPy number is zero only when it is exactly zero; a number computed in floating point (a Python or
    NumPy float, or a SymPy expression holding a ``Float``) when |value| <= tol · |scale|.

    Examples
    --------
    >>> is_negligible(sympy.sqrt(2) - sympy.sqrt(2), 1), is_negligible(sympy.Rational(1, 10**30), 1)
    (True, False)
    >>> is_negligible(1e-12, 1000.0), is_negligible(1e-3, 1e-3)
    (True, False)
    """
    if isinstance(value, sympy.Basic) and not value.has(sympy.Float):
        if value == 0:
            return True
        z = value.is_zero
        if z is not None:
            return bool(z)
        return bool(abs(sympy.N(value, 60)) < sympy.Float("1e-50"))  # pragma: no cover - undecided by SymPy
    return bool(abs(float(value)) <= tol * abs(float(scale)))


def _expectation(link: Link, expr: sympy.Expr | None, func: Callable | None) -> sympy.Expr:
    """E g(z) for g = ``expr`` (in the link's variables) or g = ``func`` (a callable of z)."""
    if expr is not None:
        if link.arity > 1:
            return hermite_tensors(as_link(sympy.expand(expr), arity=link.arity), 0)[0]
        return gaussian_expectation(as_link(expr))
    return gaussian_expectation(Link(None, link.variables, link.text, func))


def link_moments(link: Any) -> tuple[sympy.Expr, sympy.Expr, sympy.Expr]:
    """(E σ, Var σ, E σ²) for z ~ N(0, I_r), with Var σ = E[(σ - E σ)²] computed directly (no cancellation).

    Exact for (piecewise) polynomials, Gauss-Hermite_e quadrature for other single-index links; multi-index links
    must be polynomials.

    Examples
    --------
    >>> link_moments("z**2 + 1")
    (2, 2, 6)
    >>> [float(v) for v in link_moments(lambda t: 0 * t + 1000.0)]
    [1000.0, 0.0, 1000000.0]
    """
    link = as_link(link)
    if link.arity > 1 and (link.expr is None or not link.expr.is_polynomial(*link.variables)):
        raise ValueError(f"link {link.text!r}: the moments of a multi-index link need a polynomial link")
    if link.expr is not None:
        mean = _expectation(link, link.expr, None)
        var = _expectation(link, (link.expr - mean) ** 2, None)
        second = _expectation(link, link.expr**2, None)
        return mean, var, second
    f = link.numpy
    mean = _expectation(link, None, f)
    m = float(mean)
    var = _expectation(link, None, lambda z: (np.asarray(f(z), dtype=float) - m) ** 2)
    second = _expectation(link, None, lambda z: np.asarray(f(z), dtype=float) ** 2)
    return mean, var, second


def is_constant(link: Any, *, tol: float = DEFAULT_CONSTANT_TOL) -> bool:
    """Whether the link is constant: Var σ = 0, exactly for exact links, (Var σ)^{1/2} <= tol (E σ²)^{1/2} else.

    The one constant policy of theorylab (:func:`normalize_link`, ``information_exponent`` and
    ``generative_exponent`` all use it): relative to the link's own scale, so that it calls c and 10⁶·c alike,
    and free of cancellation, since Var σ is computed as E[(σ - E σ)²] and not as E σ² - (E σ)².

    Examples
    --------
    >>> [is_constant(lambda t, c=c: 0 * t + c) for c in (0.5, 7.0, 1000.0)]
    [True, True, True]
    >>> is_constant("1e-3*He2(z)"), is_constant("relu(-z**2)")
    (False, True)
    """
    tol = check_real(tol, "tol", low=0.0)
    _, var, second = link_moments(link)
    root = sympy.sqrt(var) if isinstance(var, sympy.Basic) else math.sqrt(max(float(var), 0.0))
    return is_negligible(root, math.sqrt(max(float(second), 0.0)), tol)


def normalize_link(link: Any) -> Link:
    """The standardised link (σ - E σ) / √Var σ, so that E σ = 0 and E σ² = 1 (the paper's assumption).

    Exact (a SymPy expression) for (piecewise) polynomials, numeric for the rest; callables give callables.
    A link that :func:`is_constant` calls constant raises ValueError; a numeric mean that :func:`is_negligible`
    calls zero (relative to (E σ²)^{1/2}) is taken as zero.

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
    if link.arity > 1 and link.expr is None:
        raise ValueError("normalize_link: multi-index links must be SymPy polynomials")
    mean, var, second = link_moments(link)
    rms = math.sqrt(max(float(second), 0.0))
    root = sympy.sqrt(var) if isinstance(var, sympy.Basic) else math.sqrt(max(float(var), 0.0))
    if is_negligible(root, rms):
        raise ValueError(f"link {link.text!r} is constant (zero variance) and cannot be normalised")
    if isinstance(mean, sympy.Float) and is_negligible(mean, rms):
        mean = sympy.Integer(0)
    scale = sympy.sqrt(sympy.simplify(var) if not isinstance(var, sympy.Float) else var)
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
