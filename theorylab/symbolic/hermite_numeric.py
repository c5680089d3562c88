"""The numeric path of :func:`theorylab.symbolic.hermite.hermite_coefficients`: Gauss-Hermite_e quadrature.

The orthonormal coefficients c_k = γ_k/√k! are computed with the orthonormal Hermite *functions* √w_i h_k(x_i)
(no overflow at degree >= 100), doubling the node count until two successive sets differ by at most
``atol + rtol ‖c‖₂``. That last change (at least 16 ulp of ‖c‖₂) is the stated accuracy of every c_k, and a c_k
within it of zero is reported as 0 (:func:`rounded_coefficients`).

Examples
--------
>>> from theorylab.symbolic.links import as_link
>>> c, nodes, change = numeric_orthonormal(as_link("tanh(z)"), 3, 1e-12, 1e-10, 1 << 14)
>>> values, accuracy = rounded_coefficients(c, change, normalized=True)
>>> values[0], values[2], round(float(values[1]), 10)
(0.0, 0.0, 0.6057055096)
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import sympy

from theorylab._quadrature import gauss_hermite, orthonormal_hermite
from theorylab.symbolic.links import Link

__all__ = ["numeric_orthonormal", "rounded_coefficients"]


def numeric_orthonormal(
    link: Link, degree: int, atol: float, rtol: float, max_nodes: int
) -> tuple[np.ndarray, int, float]:
    """(c, nodes, change): orthonormal c_0..c_degree by Gauss-Hermite_e quadrature, refined by doubling the node
    count until the change is at most ``atol + rtol ‖c‖₂`` (a UserWarning when ``max_nodes`` is reached first)."""

    def at(n: int) -> np.ndarray:
        x, w = gauss_hermite(n)
        with np.errstate(over="ignore", invalid="ignore"):
            f = np.asarray(link.numpy(x), dtype=float)
        if not np.all(np.isfinite(f)):
            raise ValueError(f"link {link.text!r} is not finite at the quadrature nodes (|z| <= {np.max(np.abs(x)):.1f})")
        u = orthonormal_hermite(x, degree, weight=w)  # √w h_k(x): orthonormal Hermite functions
        return np.asarray(u @ (np.sqrt(w) * f), dtype=float)

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


def rounded_coefficients(c: np.ndarray, change: float, normalized: bool) -> tuple[list[sympy.Float], float]:
    """(values, accuracy): c_k (or γ_k = c_k √k!) as SymPy Floats, those within the accuracy of zero as 0.

    The accuracy is the estimated error of each c_k: the last doubling's ``change`` (at most atol + rtol ‖c‖₂
    once converged), and at least 16 ulp of ‖c‖₂.
    """
    accuracy = max(change, 16 * float(np.finfo(float).eps) * float(np.linalg.norm(c)))
    values = []
    for k, v in enumerate(c):
        if abs(v) <= accuracy:  # zero to the stated accuracy: reported as 0
            values.append(sympy.Float(0.0))
        else:
            values.append(sympy.Float(float(v) if normalized else float(v) * _sqrt_factorial(k)))
    return values, accuracy
