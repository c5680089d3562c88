"""Hermite tensors T_k = E[σ(z) He_k(z)] of a polynomial multi-index link σ: R^r -> R (THEORY.md §2).

Examples
--------
>>> hermite_tensors("z1*z2", 2)[2]
[[0, 1], [1, 0]]
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import sympy

from theorylab._limits import limits
from theorylab.symbolic._hermite_degree import check_degree
from theorylab.symbolic.links import as_link

__all__ = ["hermite_tensors"]


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
    degree = check_degree(degree)
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
