"""Information exponent, generative exponent and non-degeneracy of a link (THEORY.md §2).

* Information exponent (Vural & Erdogdu 2024, Def. 3; Ben Arous et al. 2021): k* = min{k >= 1 : γ_k ≠ 0}
  with γ_k = E[σ(z) He_k(z)]; for r >= 2 the lowest degree k >= 1 with a non-zero Hermite tensor T_k
  (the paper's footnote 2, p. 10).
* Generative exponent (Damian, Pillaud-Vivien, Lee, Bruna 2024): the smallest k >= 1 such that
  E[He_k(z) | y] is not identically zero as a function of y.
* Assumption 1 (p. 10): the r×r matrix E[σ(z) z zᵀ] is full rank.

Examples
--------
>>> information_exponent("He3(z)"), generative_exponent("He3(z)")
(3, 1)
>>> information_exponent("abs(z)"), information_exponent("z**3")
(2, 1)
>>> check_nondegenerate("z1*z2").full_rank
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, overload

import numpy as np
import sympy

from theorylab._quadrature import gauss_hermite, gauss_hermite_product, orthonormal_hermite
from theorylab._validation import check_int, check_real
from theorylab.symbolic.hermite import (
    hermite_coefficients,
    hermite_tensors,
    is_constant,
    is_negligible,
    link_moments,
)
from theorylab.symbolic.links import Link, as_link

__all__ = [
    "information_exponent",
    "leading_coefficient",
    "LeadingCoefficient",
    "generative_exponent",
    "check_nondegenerate",
    "Nondegeneracy",
    "DEFAULT_EXPONENT_TOL",
]

#: Numeric coefficients count as zero when |c_k| <= tol · ‖c‖₂ (orthonormal c_k, relative to (E σ²)^{1/2}).
DEFAULT_EXPONENT_TOL = 1e-8
_DEFAULT_MAX_DEGREE = 30


def _polynomial_degree(link: Link) -> int | None:
    if link.expr is None or not link.expr.is_polynomial(*link.variables):
        return None
    return int(sympy.Poly(sympy.expand(link.expr), *link.variables).total_degree())


@dataclass(frozen=True)
class LeadingCoefficient:
    """The information exponent k* and its witness: γ_{k*} = E[σ(z) He_{k*}(z)] (r = 1) or the tensor T_{k*}.

    Attributes
    ----------
    k_star : int
    coefficient : sympy.Expr or sympy.NDimArray
        Exact for exact links, a SymPy ``Float`` on the numeric path; the symmetric r×...×r tensor T_{k*} for
        r >= 2.
    """

    k_star: int
    coefficient: Any


def _check_exponent_args(
    link: Any, tol: Any, max_degree: Any, params: Any = None
) -> tuple[Link, float, int | None, int | None]:
    """Validate; returns (link, tol, max_degree, polynomial degree or None). Raises for a constant link."""
    link = as_link(link, params=params)
    link.require_values("the information exponent")
    tol = check_real(tol, "tol", low=0.0)
    if max_degree is not None:
        max_degree = check_int(max_degree, "max_degree", minimum=1)
    poly_deg = _polynomial_degree(link)
    if link.arity > 1 and poly_deg is None:
        raise ValueError(f"link {link.text!r}: the multi-index information exponent needs a polynomial link")
    if poly_deg == 0 or is_constant(link, tol=tol):
        raise ValueError(f"link {link.text!r} is constant: it has no information exponent")
    return link, tol, max_degree, poly_deg


def _leading_tensor(link: Link, tol: float, max_degree: int | None, poly_deg: int) -> LeadingCoefficient:
    top = poly_deg if max_degree is None else min(max_degree, poly_deg)
    tensors = hermite_tensors(link, top)
    _, _, second = link_moments(link)
    scale = math.sqrt(max(float(second), 0.0))
    for k in range(1, top + 1):
        if any(not is_negligible(v, scale, tol) for v in sympy.flatten(tensors[k].tolist())):
            return LeadingCoefficient(k, tensors[k])
    raise ValueError(f"max_degree: no non-zero Hermite tensor of degree 1..{top}")


def _leading_single(link: Link, tol: float, max_degree: int | None, poly_deg: int | None) -> LeadingCoefficient:
    top = max_degree if max_degree is not None else (poly_deg or _DEFAULT_MAX_DEGREE)
    if poly_deg is not None:
        top = min(top, poly_deg)
    c = hermite_coefficients(link, top, normalized=True)
    scale = math.sqrt(sum(float(v) ** 2 for v in c))
    for k in range(1, top + 1):
        if not is_negligible(c[k], scale, tol):
            gamma = c[k] * sympy.sqrt(sympy.factorial(k))
            if isinstance(c[k], sympy.Float):
                gamma = sympy.Float(sympy.N(gamma, 17))
            else:
                gamma = sympy.factor_terms(sympy.expand(gamma))
            return LeadingCoefficient(k, gamma)
    raise ValueError(f"max_degree: γ_1 .. γ_{top} all vanish for link {link.text!r}; raise max_degree")


def leading_coefficient(
    link: Any, *, tol: float = DEFAULT_EXPONENT_TOL, max_degree: int | None = None, params: Any = None
) -> LeadingCoefficient:
    """The information exponent k* with its witnessing coefficient γ_{k*} (the tensor T_{k*} when r >= 2).

    Parameters as in :func:`information_exponent`.

    Examples
    --------
    >>> leading_coefficient("relu(z)")
    LeadingCoefficient(k_star=1, coefficient=1/2)
    >>> leading_coefficient("z1*z2").coefficient.tolist()
    [[0, 1], [1, 0]]
    """
    link, tol, max_degree, poly_deg = _check_exponent_args(link, tol, max_degree, params)
    if link.arity > 1:
        assert poly_deg is not None
        return _leading_tensor(link, tol, max_degree, poly_deg)
    return _leading_single(link, tol, max_degree, poly_deg)


@overload
def information_exponent(
    link: Any, *, tol: float = ..., max_degree: int | None = ..., return_coefficient: Literal[False] = ...,
    params: Any = ...,
) -> int: ...


@overload
def information_exponent(
    link: Any, *, tol: float = ..., max_degree: int | None = ..., return_coefficient: Literal[True],
    params: Any = ...,
) -> tuple[int, Any]: ...


def information_exponent(
    link: Any,
    *,
    tol: float = DEFAULT_EXPONENT_TOL,
    max_degree: int | None = None,
    return_coefficient: bool = False,
    params: Any = None,
) -> int | tuple[int, Any]:
    """The information exponent k* of a link.

    Parameters
    ----------
    link : str, sympy.Expr, callable or Link
    tol : float, default 1e-8
        Numeric path only: an orthonormal coefficient c_k = γ_k/√k! is taken as zero when
        |c_k| <= tol · ‖(c_0, ..., c_max_degree)‖₂ (:func:`~theorylab.symbolic.hermite.is_negligible`), and the
        link as constant when (Var σ)^{1/2} <= tol (E σ²)^{1/2}
        (:func:`~theorylab.symbolic.hermite.is_constant`). Exact coefficients are tested exactly.
    max_degree : int, optional
        The highest degree searched. Default: the degree of a polynomial link, 30 otherwise.
    return_coefficient : bool, default False
        Kept for backward compatibility: also return the witnessing coefficient, as the tuple
        ``(k*, coefficient)``. New code: :func:`leading_coefficient`, which returns a typed
        :class:`LeadingCoefficient`.
    params : mapping, optional
        Values of the link's parameters (:func:`~theorylab.symbolic.links.parse_link`); every parameter needs
        a number here.

    Returns
    -------
    int, or (int, coefficient) with ``return_coefficient=True``

    Raises
    ------
    ValueError
        For a constant link (no exponent), or when every coefficient up to ``max_degree`` vanishes.

    Examples
    --------
    >>> information_exponent("relu(z)", return_coefficient=True)
    (1, 1/2)
    >>> information_exponent("cos(z)")
    2
    >>> information_exponent("z1*z2 + He3(z2)")
    2
    >>> information_exponent("a*He2(z) + b*He4(z)", params={"a": 0, "b": 0.5}), information_exponent("He3")
    (4, 3)
    >>> information_exponent("7")
    Traceback (most recent call last):
    ...
    ValueError: link '7' is constant: it has no information exponent
    """
    if not isinstance(return_coefficient, (bool, np.bool_)):
        raise TypeError("return_coefficient must be a bool")
    lead = leading_coefficient(link, tol=tol, max_degree=max_degree, params=params)
    return (lead.k_star, lead.coefficient) if return_coefficient else lead.k_star


class Nondegeneracy(NamedTuple):
    """The matrix E[σ(z) z zᵀ] of Assumption 1 and whether it is full rank."""

    matrix: sympy.Matrix
    full_rank: bool


def check_nondegenerate(link: Any, *, tol: float = 1e-10) -> Nondegeneracy:
    """Assumption 1 (p. 10): is E[σ*(z) z zᵀ] (an r×r matrix) full rank?

    Exact for polynomial links, where E[σ z zᵀ] = T_2 + T_0 I; tensor-product Gauss-Hermite_e quadrature
    otherwise (r <= 3). Numerically the matrix counts as full rank when its smallest singular value exceeds
    ``tol`` times the larger of its largest singular value and (E σ²)^{1/2}.

    Examples
    --------
    >>> check_nondegenerate("He2(z1) + He2(z2)")
    Nondegeneracy(matrix=Matrix([
    [2, 0],
    [0, 2]]), full_rank=True)
    >>> check_nondegenerate("z1 + z2").full_rank
    False
    """
    link = as_link(link)
    link.require_values("check_nondegenerate")
    tol = check_real(tol, "tol", low=0.0)
    r = link.arity
    if _polynomial_degree(link) is not None:
        t0, _, t2 = hermite_tensors(link, 2)
        M = sympy.Matrix(r, r, lambda i, j: t2[i, j] if r > 1 else t2[0, 0]) + t0 * sympy.eye(r)
        return Nondegeneracy(M, M.rank() == r)
    if r == 1:
        g = hermite_coefficients(link, 2)
        M = sympy.Matrix([[g[2] + g[0]]])
    else:
        if r > 3:
            raise ValueError(f"link {link.text!r}: numeric check_nondegenerate supports r <= 3, got r = {r}")
        pts, wts = gauss_hermite_product({2: 200, 3: 60}[r], r)
        vals = np.asarray(link.numpy(pts), dtype=float)
        M = sympy.Matrix(np.einsum("n,ni,nj->ij", vals * wts, pts, pts).tolist())
        second = float(np.sum(vals**2 * wts))
    if r == 1:
        c = hermite_coefficients(link, 20, normalized=True)
        second = float(sum(v**2 for v in c))
    # |M_ij| <= √3 (E σ²)^{1/2} (Cauchy-Schwarz), so (E σ²)^{1/2} sets the scale of an absolute zero.
    sv = np.linalg.svd(np.array(M.evalf(), dtype=float), compute_uv=False)
    floor = tol * max(float(sv[0]), math.sqrt(max(second, 0.0)))
    return Nondegeneracy(M, bool(sv[-1] > floor))


# ---------------------------------------------------------------------------------------------
# Generative exponent.


def _conditional_level_sets(link: Link, degree: int) -> np.ndarray:
    """max over a grid of y of |E[h_k(z) | y]|, k = 1..degree, for a noiseless polynomial link."""
    poly = sympy.Poly(sympy.expand(link.expr), link.variables[0])
    coeffs = np.array([float(c) for c in poly.all_coeffs()])
    dcoeffs = np.polyder(coeffs)
    z_grid = np.linspace(-4.0, 4.0, 81) + 0.0137  # generic points, away from symmetric special values
    worst = np.zeros(degree)
    for y in np.polyval(coeffs, z_grid):
        shifted = coeffs.copy()
        shifted[-1] -= y
        roots = np.roots(shifted)
        real = roots.real[np.abs(roots.imag) <= 1e-7 * (1 + np.abs(roots))]
        if real.size == 0:
            continue
        slope = np.abs(np.polyval(dcoeffs, real))
        if np.min(slope) < 1e-6:  # y is (near) a critical value: the level-set formula degenerates
            continue
        w = np.exp(-(real**2) / 2) / slope
        h = orthonormal_hermite(real, degree)[1:]
        worst = np.maximum(worst, np.abs(h @ w) / np.sum(w))
    return worst


def _conditional_noisy(link: Link, degree: int, noise_std: float) -> np.ndarray:
    """max over a grid of y of |E[h_k(z) | y]| for y = σ(z) + N(0, noise_std²), by Gauss quadrature in z."""
    x, w = gauss_hermite(2000)
    f = np.asarray(link.numpy(x), dtype=float)
    core = np.abs(x) <= 4
    lo, hi = float(np.min(f[core])), float(np.max(f[core]))
    if noise_std > 10.0 * (hi - lo):  # E[h_k | y] shrinks like (spread / noise)^k below the tolerance: no answer
        raise ValueError(
            f"noise_std = {noise_std:g} is more than 10 times the spread {hi - lo:.3g} of the link on [-4, 4]; the "
            "numeric test cannot resolve E[He_k(z) | y] there (Gaussian noise does not change the exponent: use 0)"
        )
    ys = np.linspace(lo - 2 * noise_std, hi + 2 * noise_std, 61) + 0.0137 * noise_std
    h = orthonormal_hermite(x, degree)[1:]  # (degree, n)
    kernel = np.exp(-0.5 * ((ys[:, None] - f[None, :]) / noise_std) ** 2) * w[None, :]  # (ny, n); scale-safe
    den = kernel.sum(axis=1)
    ok = den > 1e-280
    cond = (kernel[ok] @ h.T) / den[ok, None]
    return np.max(np.abs(cond), axis=0)


def _conditional_fourier(link: Link, degree: int) -> np.ndarray:
    """max over frequencies ω of |E[h_k(z) e^{iωσ(z)}]|: zero for all ω iff E[h_k(z) | y] ≡ 0."""
    x, w = gauss_hermite(4000)
    f = np.asarray(link.numpy(x), dtype=float)
    h = orthonormal_hermite(x, degree)[1:] * w[None, :]
    worst = np.zeros(degree)
    for omega in (0.31, 0.77, 1.29, 2.13, 3.7):
        worst = np.maximum(worst, np.abs(h @ np.cos(omega * f)))
        worst = np.maximum(worst, np.abs(h @ np.sin(omega * f)))
    return worst


def generative_exponent(
    link: Any,
    noise_std: float = 0.0,
    *,
    max_degree: int = 8,
    tol: float = DEFAULT_EXPONENT_TOL,
    params: Any = None,
) -> int:
    """The generative exponent: the smallest k >= 1 with E[He_k(z) | y] not identically zero in y.

    Computed numerically on a grid of labels y, with the orthonormal h_k = He_k/√k!:

    * noiseless polynomial link: level sets, E[h_k(z) | y] = Σ_i h_k(z_i) φ(z_i)/|σ'(z_i)| / Σ_i φ(z_i)/|σ'(z_i)|
      over the real roots z_i of σ(z) = y, for 81 values y = σ(z_j), z_j ∈ [-4, 4];
    * Gaussian label noise (noise_std > 0): E[h_k(z) | y] = E[h_k(z) p(y|z)] / E[p(y|z)] by Gauss-Hermite_e
      quadrature in z (2000 nodes), for 61 values of y covering σ([-4, 4]) ± 2 noise_std;
    * other noiseless links (tanh, relu, callables): the equivalent test E[h_k(z) e^{iωσ(z)}] = 0 for
      five generic frequencies ω (E[h_k | y] ≡ 0 iff this vanishes for every ω).

    k counts as non-zero when the largest absolute value found exceeds ``tol`` (default 1e-8; E[h_k(z) | y] does
    not scale with σ, so this tolerance is absolute). A link that
    :func:`~theorylab.symbolic.hermite.is_constant` calls constant raises ValueError.
    Gaussian label noise does not change the exponent (its characteristic function has no zeros).

    Parameters
    ----------
    link : str, sympy.Expr, callable or Link
        A single-index link.
    noise_std : float >= 0
        Standard deviation of additive Gaussian label noise.
    max_degree : int, default 8
    tol : float, default 1e-8
    params : mapping, optional
        Values of the link's parameters (every one needs a number).

    Examples
    --------
    >>> generative_exponent("He2(z)"), generative_exponent("He4(z)"), generative_exponent("tanh(z)")
    (2, 2, 1)
    >>> generative_exponent("He3(z)", noise_std=0.5)
    1
    """
    link = as_link(link, params=params)
    link.require_values("the generative exponent")
    if link.arity != 1:
        raise ValueError(f"link must be single-index (arity 1) for generative_exponent, got arity {link.arity}")
    noise_std = check_real(noise_std, "noise_std", low=0.0)
    max_degree = check_int(max_degree, "max_degree", minimum=1)
    tol = check_real(tol, "tol", low=0.0)
    poly_deg = _polynomial_degree(link)
    if poly_deg == 0 or is_constant(link):
        raise ValueError(f"link {link.text!r} is constant: it has no generative exponent")
    if noise_std > 0:
        worst = _conditional_noisy(link, max_degree, noise_std)
    elif poly_deg is not None:
        worst = _conditional_level_sets(link, max_degree)
    else:
        worst = _conditional_fourier(link, max_degree)
    for k in range(1, max_degree + 1):
        if worst[k - 1] > tol:
            return k
    raise ValueError(f"max_degree: E[He_k(z) | y] vanishes for k = 1..{max_degree} for link {link.text!r}")
