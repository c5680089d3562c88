"""ℓ_q sparsity of the feature matrix V (Vural & Erdogdu 2024, p. 4; THEORY.md §3).

For V ∈ R^{d×r} with orthonormal columns, the row-wise norm is
``‖V‖_{2,q} = ‖(‖V_1*‖₂, …, ‖V_d*‖₂)‖_q`` for q ∈ [0, 2); for q = 0 it counts the non-zero rows.
The paper measures sparsity by ``R_q = ‖V‖_{2,q}^q`` and parametrises it by an exponent α ∈ (0, 1):
``R_q = r^{q/2} d^{α(1-q/2)}``. Orthonormality forces ``r <= R_q <= r^{q/2} d^{1-q/2}``.

Examples
--------
>>> import numpy as np
>>> V = sparse_directions(256, r=1, q=0.0, alpha=0.25, rng=0)
>>> int(lq_norm(V, 0))
4
>>> alpha_to_rq(0.5, 1.0, 10_000)
10.0
>>> rq_to_alpha(10.0, 1.0, 10_000)
0.5
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from theorylab._validation import (
    check_alpha,
    check_int,
    check_matrix,
    check_q,
    check_real,
    check_rng,
)

__all__ = [
    "lq_norm",
    "effective_sparsity",
    "alpha_to_rq",
    "rq_to_alpha",
    "rq_range",
    "sparse_directions",
]

#: Rows whose Euclidean norm is at most this are counted as zero by ``lq_norm(V, 0)``.
DEFAULT_ZERO_TOL = 1e-12




def lq_norm(V: Any, q: float, *, tol: float = DEFAULT_ZERO_TOL) -> float:
    """The sparsity measure ``R_q = ‖V‖_{2,q}^q`` (the q-th power of the row-wise (2, q) norm).

    Parameters
    ----------
    V : array_like, shape (d, r) or (d,)
        The matrix (orthonormality is not required here).
    q : float in [0, 2)
        For q = 0 the number of rows with Euclidean norm larger than ``tol``; otherwise
        ``Σ_i ‖V_i*‖₂^q``.
    tol : float, default 1e-12
        Rows with norm <= tol count as zero (q = 0 only).

    Returns
    -------
    float

    Examples
    --------
    >>> lq_norm([[0.6, 0.0], [0.8, 0.0], [0.0, 1.0], [0.0, 0.0]], 0)
    3.0
    >>> lq_norm([0.6, 0.8], 1)
    1.4
    """
    q = check_q(q)
    tol = check_real(tol, "tol", low=0.0)
    arr = check_matrix(V)
    rows = np.linalg.norm(arr, axis=1)
    if q == 0.0:
        return float(np.count_nonzero(rows > tol))
    return float(np.sum(rows**q))


def rq_range(q: float, d: int, r: int = 1) -> tuple[float, float]:
    """The interval ``[r, r^{q/2} d^{1-q/2}]`` that ``R_q`` of an orthonormal V ∈ R^{d×r} lies in.

    Examples
    --------
    >>> rq_range(1.0, 100)
    (1.0, 10.0)
    """
    q = check_q(q)
    d = check_int(d, "d", minimum=1)
    r = check_int(r, "r", minimum=1)
    if d < r:
        raise ValueError(f"d must be >= r, got d = {d} < r = {r}")
    return float(r), float(r ** (q / 2) * d ** (1 - q / 2))


def _check_rq(R_q: float, q: float, d: int, r: int) -> None:
    lo, hi = rq_range(q, d, r)
    slack = 1e-9 * hi
    if not (lo - slack <= R_q <= hi + slack):
        raise ValueError(
            f"R_q must lie in [r, r^(q/2) d^(1-q/2)] = [{lo:g}, {hi:g}] for an orthonormal V "
            f"(q = {q:g}, d = {d}, r = {r}), got R_q = {R_q:g}"
        )


def effective_sparsity(V_or_Rq: Any, q: float, r: int | None = None) -> float:
    """The effective sparsity ``s_eff = (R_q / r^{q/2})^{2/(2-q)}`` (THEORY.md §3; our name).

    With ``R_q = r^{q/2} d^{α(1-q/2)}`` it equals ``d^α``; for q = 0 it is the number of non-zero rows.

    Parameters
    ----------
    V_or_Rq : array_like of shape (d, r), or a positive number
        The matrix V (then ``R_q = lq_norm(V, q)`` and r is its number of columns) or the value R_q.
    q : float in [0, 2)
    r : int, optional
        The number of directions; required when a number R_q is given, checked against V otherwise.

    Examples
    --------
    >>> effective_sparsity(10.0, 1.0, r=1)
    100.0
    >>> effective_sparsity(alpha_to_rq(0.5, 1.5, 10_000, r=2), 1.5, r=2)  # d^alpha
    100.0...
    """
    q = check_q(q)
    if np.ndim(V_or_Rq) == 0:
        R_q = check_real(V_or_Rq, "R_q", low=0.0, low_open=True)
        if r is None:
            raise ValueError("r must be given when R_q is a number")
        r = check_int(r, "r", minimum=1)
    else:
        arr = check_matrix(V_or_Rq)
        if r is not None and check_int(r, "r", minimum=1) != arr.shape[1]:
            raise ValueError(f"r = {r} does not match V with {arr.shape[1]} columns")
        if not np.any(arr):
            raise ValueError("V is all zero: it has no support, so no effective sparsity (V must have orthonormal columns)")
        r = arr.shape[1]
        R_q = lq_norm(arr, q)
    return float((R_q / r ** (q / 2)) ** (2.0 / (2.0 - q)))


def alpha_to_rq(alpha: float, q: float, d: int, r: int = 1) -> float:
    """The sparsity level ``R_q = r^{q/2} d^{α(1-q/2)}`` of the paper's parametrisation.

    Raises ``ValueError`` naming R_q when the result lies outside ``[r, r^{q/2} d^{1-q/2}]``
    (that is, when d^α < r).

    Examples
    --------
    >>> alpha_to_rq(0.25, 0.0, 10_000)
    10.0
    >>> alpha_to_rq(0.1, 0.0, 100, r=3)
    Traceback (most recent call last):
    ...
    ValueError: R_q must lie in [r, r^(q/2) d^(1-q/2)] = [3, 100] for an orthonormal V (q = 0, d = 100, r = 3), got R_q = 1.58489
    """
    alpha = check_alpha(alpha)
    q = check_q(q)
    d = check_int(d, "d", minimum=2)
    r = check_int(r, "r", minimum=1)
    if d < r:
        raise ValueError(f"d must be >= r, got d = {d} < r = {r}")
    R_q = float(r ** (q / 2) * d ** (alpha * (1 - q / 2)))
    _check_rq(R_q, q, d, r)
    return R_q


def rq_to_alpha(R_q: float, q: float, d: int, r: int = 1) -> float:
    """Invert :func:`alpha_to_rq`: ``α = log(R_q / r^{q/2}) / ((1 - q/2) log d)``.

    ``R_q`` must lie in ``[r, r^{q/2} d^{1-q/2}]``; the result then lies in ``[log r / log d, 1]``.

    Examples
    --------
    >>> rq_to_alpha(10.0, 0.0, 10_000)
    0.25
    >>> rq_to_alpha(0.5, 0.0, 10_000)
    Traceback (most recent call last):
    ...
    ValueError: R_q must lie in [r, r^(q/2) d^(1-q/2)] = [1, 10000] for an orthonormal V (q = 0, d = 10000, r = 1), got R_q = 0.5
    """
    R_q = check_real(R_q, "R_q", low=0.0, low_open=True)
    q = check_q(q)
    d = check_int(d, "d", minimum=2)
    r = check_int(r, "r", minimum=1)
    _check_rq(R_q, q, d, r)
    alpha = math.log(R_q / r ** (q / 2)) / ((1 - q / 2) * math.log(d))
    return float(min(max(alpha, 0.0), 1.0))


def _power_profile(n: int, target: float, q: float) -> np.ndarray:
    """Unit vector of length n with magnitudes ∝ i^{-β}, β >= 0 chosen so that Σ |v_i|^q = target."""
    from scipy.optimize import brentq

    logi = np.log(np.arange(1, n + 1, dtype=float))

    def profile(beta: float) -> np.ndarray:
        w = np.exp(-beta * (logi - logi[0]))
        return w / np.linalg.norm(w)

    def excess(beta: float) -> float:
        return float(np.sum(profile(beta) ** q)) - target

    top = n ** (1 - q / 2)
    if target >= top * (1 - 1e-12) or n == 1:
        return profile(0.0)
    if target <= 1.0 + 1e-12:
        v = np.zeros(n)
        v[0] = 1.0
        return v
    hi = 1.0
    while excess(hi) > 0:
        hi *= 2.0
        if hi > 1e6:  # pragma: no cover - target is > 1, so a finite beta exists
            raise ValueError("R_q is too close to r for the power-law profile")
    beta = brentq(excess, 0.0, hi, xtol=1e-14, rtol=1e-15, maxiter=500)
    return profile(beta)


def sparse_directions(
    d: int, r: int = 1, q: float = 0.0, alpha: float = 0.25, rng: Any = None
) -> np.ndarray:
    """A random V ∈ R^{d×r} with orthonormal columns and the sparsity ``R_q = r^{q/2} d^{α(1-q/2)}``.

    Construction. A random permutation of the d coordinates is split into r disjoint blocks; column j is a
    unit vector supported on block j; finally V is rotated by a random r×r orthogonal matrix U
    (V → VU keeps the row norms, hence R_q, and the orthonormality).

    * q = 0: exactly ``s = max(r, round(d**alpha))`` non-zero rows; block j holds ``s/r`` of them
      (sizes differ by at most one) with entries ``±1/√|block j|``. For r = 1 this is the sign vector
      ``±1/√s`` on a uniformly random support of size s, and no rotation is applied.
    * q > 0: each column spreads over its whole block with a power-law profile: the m-th largest magnitude
      is proportional to ``m^{-β}`` (random order, random signs). One β >= 0, found by
      :func:`scipy.optimize.brentq`, is used per column so that ``lq_norm(V, q)`` equals the target
      ``r^{q/2} d^{α(1-q/2)}`` to about 1e-12 relative error.

    Parameters
    ----------
    d : int
        The ambient dimension, d >= r.
    r : int, default 1
        The number of directions.
    q : float in [0, 2), default 0
    alpha : float in (0, 1), default 0.25
        The sparsity exponent; s_eff = d^α.
    rng : None, int, SeedSequence or numpy Generator

    Returns
    -------
    ndarray of shape (d, r)

    Examples
    --------
    >>> V = sparse_directions(10_000, r=2, q=0.0, alpha=0.5, rng=1)
    >>> V.shape, int(lq_norm(V, 0))
    ((10000, 2), 100)
    >>> bool(np.allclose(V.T @ V, np.eye(2)))
    True
    >>> W = sparse_directions(1000, q=1.0, alpha=0.5, rng=2)
    >>> round(lq_norm(W, 1.0), 9) == round(1000 ** 0.25, 9)
    True
    """
    d = check_int(d, "d", minimum=1)
    r = check_int(r, "r", minimum=1)
    if d < r:
        raise ValueError(f"d must be >= r, got d = {d} < r = {r}")
    q = check_q(q)
    alpha = check_alpha(alpha)
    gen = check_rng(rng)

    perm = gen.permutation(d)
    V = np.zeros((d, r))
    if q == 0.0:
        s = max(r, int(round(d**alpha)))
        blocks = np.array_split(perm[:s], r)
        for j, block in enumerate(blocks):
            signs = gen.choice(np.array([-1.0, 1.0]), size=block.size)
            V[block, j] = signs / math.sqrt(block.size)
    else:
        target = r ** (q / 2) * d ** (alpha * (1 - q / 2))
        _check_rq(target, q, d, r)
        per_column = target / r
        blocks = np.array_split(perm, r)
        for j, block in enumerate(blocks):
            if per_column > block.size ** (1 - q / 2) * (1 + 1e-9):
                raise ValueError(
                    f"alpha = {alpha:g} is too large for d = {d}, r = {r}: each of the r blocks of "
                    f"{block.size} rows can hold at most R_q/r = {block.size ** (1 - q / 2):g}"
                )
            mags = _power_profile(block.size, per_column, q)
            signs = gen.choice(np.array([-1.0, 1.0]), size=block.size)
            V[block, j] = signs * mags
    if r > 1:
        from scipy.stats import ortho_group

        U = ortho_group.rvs(r, random_state=gen)
        V = V @ U
    return V
