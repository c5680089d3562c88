"""The CSQ lower bound with ℓ_q sparsity (Vural & Erdogdu 2024, Theorem 2, p. 6; Theorem 47, App. G, p. 65).

Class (3.1): F_{r,k} = {x ↦ (r k!)^{-1/2} Σ_{j<=r} He_k(⟨V_*j, x⟩) : VᵀV = I_r, ‖V‖_{2,q}^q <= r^{q/2} d^{α(1-q/2)}}.
Theorem 2: for d large enough (depending on r, k, q, α), any CSQ algorithm for F_{r,k} reaching error Ω(1)
needs queries of tolerance τ = Õ(d^{-(α∧½)k/2}), or super-polynomially many queries. Eq. (G.1) states
the logs: τ² ≲ log^k(d) / d^{k(α∧½)}. With the heuristic τ ≈ 1/√n (p. 6), a CSQ learner needs

    n ≳ d^{(α∧½) k}            (and n ≳ d^{(α∧½) k} / log^k d with the logs of (G.1)).

For α > ½ this is the dense bound d^{k/2} (Damian et al. 2022; Abbe et al. 2023).

Examples
--------
>>> csq_lower_bound(3, 10**6, 0.25)
10000*sqrt(10)
>>> float(csq_lower_bound(3, 10**6, 0.25))
31622.776601683792
>>> import sympy
>>> d, a = sympy.symbols("d alpha", positive=True)
>>> csq_lower_bound(2, d, a)
d**(2*Min(1/2, alpha))
"""

from __future__ import annotations

import numbers
from typing import Any

import sympy

from theorylab._validation import check_alpha, check_int, check_q, check_real
from theorylab.symbolic.sparsity import rq_to_alpha

__all__ = ["csq_lower_bound", "as_exact_number"]

_MAX_DENOMINATOR = 10_000
_MAX_D_BITS = 997  # 2**997 ≈ 1.3e300


def as_exact_number(value: Any, name: str) -> sympy.Expr:
    """A Python/NumPy/SymPy real number as a SymPy number: exact for integers and short decimals
    (through the float's shortest repr, denominator <= 10⁴), a SymPy Float otherwise.

    Examples
    --------
    >>> as_exact_number(0.25, "alpha")
    1/4
    >>> as_exact_number(0.123456789, "alpha")
    0.123456789000000
    """
    if isinstance(value, sympy.Basic):
        if not isinstance(value, sympy.Expr):
            raise TypeError(f"{name} must be a number or a SymPy expression, got {type(value).__name__}")
        return value
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return sympy.Integer(int(value))
    real = check_real(value, name)
    if real.is_integer():
        return sympy.Integer(int(real))
    exact = sympy.Rational(repr(real))
    # Short decimals (0.25, 0.3) become exact rationals; others stay Floats: SymPy's exact powers of an
    # integer to a rational with a huge denominator can take minutes.
    return exact if exact.q <= _MAX_DENOMINATOR else sympy.Float(real)


def csq_lower_bound(
    k: int,
    d: Any,
    alpha: Any = None,
    *,
    r: int = 1,
    q: float | None = None,
    R_q: float | None = None,
    log_factors: bool = False,
) -> sympy.Expr:
    """The CSQ sample-size lower bound n ≳ d^{(α∧½) k} of Theorem 2 (with τ ≈ 1/√n).

    Parameters
    ----------
    k : int >= 1
        The Hermite degree of the class F_{r,k} (the information exponent k*).
    d : int, float or SymPy expression
        The dimension; a number >= 2 or a (positive) SymPy symbol/expression.
    alpha : float in (0, 1) or SymPy expression, optional
        The sparsity exponent. Give either ``alpha`` or the pair (``q``, ``R_q``).
    r : int, default 1
        The number of directions (used to convert R_q to α).
    q, R_q : float, optional
        The sparsity as ‖V‖_{2,q}^q <= R_q; converted by ``α = log(R_q / r^{q/2}) / ((1 - q/2) log d)``
        (numeric d only). R_q must lie in [r, r^{q/2} d^{1-q/2}].
    log_factors : bool, default False
        Divide by log^k d, the logarithms of eq. (G.1).

    Returns
    -------
    sympy.Expr
        A number when the arguments are numbers (``float()`` it), an expression otherwise.

    Examples
    --------
    >>> csq_lower_bound(2, 10**4, q=0.0, R_q=10.0)
    100
    >>> csq_lower_bound(4, 10**4, 0.9)  # alpha > 1/2: the dense bound d^{k/2}
    100000000
    >>> csq_lower_bound(1, 10**4, 0.5, log_factors=True)
    100/log(10000)
    """
    k = check_int(k, "k", minimum=1)
    r = check_int(r, "r", minimum=1)
    if isinstance(d, sympy.Basic) and not d.is_number:
        d_expr = d
        if d.is_positive is False:
            raise ValueError(f"d must be positive, got {d}")
    else:
        if isinstance(d, numbers.Integral) and not isinstance(d, bool) and abs(int(d)).bit_length() > _MAX_D_BITS:
            raise ValueError(f"d must be <= 1e300 (the bound is a number, d^{{(α∧½)k}} of it overflows), got about 1e{int(abs(int(d)).bit_length() * 0.30103)}")
        d_num = check_real(d, "d", low=2.0, high=1e300)
        d_expr = as_exact_number(d_num if not float(d_num).is_integer() else int(d_num), "d")
        if d_num < r:
            raise ValueError(f"d must be >= r, got d = {d_num:g} < r = {r}")
    if alpha is not None and (q is not None or R_q is not None):
        raise ValueError("give either alpha or (q, R_q), not both")
    if alpha is None:
        if q is None or R_q is None:
            raise ValueError("alpha is required (or give both q and R_q)")
        q = check_q(q)
        if not d_expr.is_number:
            raise ValueError("d must be a number when the sparsity is given as (q, R_q)")
        if not float(d_expr).is_integer():
            raise ValueError(f"d must be an integer when the sparsity is given as (q, R_q), got {d}")
        alpha = rq_to_alpha(R_q, q, int(d_expr), r)
        if alpha <= 0.0:
            raise ValueError(f"R_q = {R_q:g} gives alpha = {alpha:g}; the bound needs alpha in (0, 1)")
        a_expr = as_exact_number(alpha, "alpha")
    elif isinstance(alpha, sympy.Basic) and not alpha.is_number:
        a_expr = alpha
    else:
        a_expr = as_exact_number(check_alpha(alpha), "alpha")
    if not isinstance(log_factors, bool):
        raise TypeError("log_factors must be a bool")
    exponent = sympy.Min(a_expr, sympy.Rational(1, 2)) * k
    bound = d_expr**exponent
    if log_factors:
        bound = bound / sympy.log(d_expr) ** k
    return bound
