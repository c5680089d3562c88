"""Gaussian quadrature and orthonormal Hermite polynomials: the one implementation of each.

Every Gaussian expectation computed numerically in theorylab uses :func:`gauss_hermite`; every evaluation of the
orthonormal Hermite polynomials h_k = He_k/√k! uses :func:`orthonormal_hermite`.

* :func:`gauss_hermite` is ``scipy.special.roots_hermitenorm`` with the weights divided by √(2π), so that
  Σ_i w_i f(x_i) ≈ E f(z), z ~ N(0, 1), and with the nodes whose weights underflow to zero dropped. SciPy's
  routine, not ``numpy.polynomial.hermite_e.hermegauss``: NumPy solves an n×n eigenproblem (n³ time, n² memory),
  which is out of reach for the 2000–16384 nodes the numeric Hermite path uses; SciPy switches to an O(n)
  asymptotic method above 150 nodes.
* :func:`orthonormal_hermite` runs the normalised three-term recurrence
  h_{k+1}(x) = (x h_k(x) - √k h_{k-1}(x)) / √(k+1), which never forms He_k or k! and so does not overflow at
  high degree; with ``weight`` it returns the Hermite *functions* √w h_k(x) (bounded by 1 in absolute value).

Examples
--------
>>> x, w = gauss_hermite(10)
>>> round(float(w @ x**4), 12)  # E z^4 = 3
3.0
>>> H = orthonormal_hermite(x, 3)
>>> bool(np.allclose((H * w) @ H.T, np.eye(4)))  # E[h_j h_k] = δ_jk
True
"""

from __future__ import annotations

import functools
import math

import numpy as np

__all__ = ["gauss_hermite", "gauss_hermite_product", "orthonormal_hermite"]


@functools.lru_cache(maxsize=16)
def _nodes(n: int) -> tuple[np.ndarray, np.ndarray]:
    from scipy.special import roots_hermitenorm

    x, w = roots_hermitenorm(n)
    keep = w > 0
    x, w = x[keep], w[keep] / math.sqrt(2 * math.pi)
    x.setflags(write=False)
    w.setflags(write=False)
    return x, w


def gauss_hermite(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes x and weights w of the n-point Gauss rule for the standard normal density.

    Σ_i w_i p(x_i) = E p(z) exactly for polynomials p of degree <= 2n - 1. Nodes whose weight underflows to zero
    are dropped (so fewer than n may come back for n > ~1400). The arrays are cached and read-only.

    Parameters
    ----------
    n : int >= 1

    Examples
    --------
    >>> x, w = gauss_hermite(3)
    >>> x.round(6).tolist(), round(float(w.sum()), 12)
    ([-1.732051, 0.0, 1.732051], 1.0)
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"n must be an int, got {type(n).__name__}")
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    return _nodes(int(n))


def gauss_hermite_product(n: int, r: int) -> tuple[np.ndarray, np.ndarray]:
    """The tensor-product rule for z ~ N(0, I_r): points (n^r, r) and weights (n^r,) from :func:`gauss_hermite`.

    Examples
    --------
    >>> pts, w = gauss_hermite_product(4, 2)
    >>> pts.shape, round(float(w @ (pts[:, 0] ** 2 * pts[:, 1] ** 2)), 12)  # E z1² z2² = 1
    ((16, 2), 1.0)
    """
    x, w = gauss_hermite(n)
    if isinstance(r, bool) or not isinstance(r, (int, np.integer)) or r < 1:
        raise ValueError(f"r must be an int >= 1, got {r!r}")
    grids = np.meshgrid(*([x] * int(r)), indexing="ij")
    pts = np.stack([g.ravel() for g in grids], axis=-1)
    wts = np.ones(len(pts))
    for g in np.meshgrid(*([w] * int(r)), indexing="ij"):
        wts = wts * g.ravel()
    return pts, wts


def orthonormal_hermite(x: np.ndarray, degree: int, *, weight: np.ndarray | None = None) -> np.ndarray:
    """h_k(x) = He_k(x)/√k! for k = 0..degree, shape (degree + 1, *x.shape), by the normalised recurrence.

    Parameters
    ----------
    x : ndarray
        Points.
    degree : int >= 0
    weight : ndarray, optional
        Quadrature weights w (shape of x): return √w h_k(x) instead, the orthonormal Hermite functions, which stay
        bounded where h_k(x) alone would overflow (|x| large, degree in the hundreds).

    Examples
    --------
    >>> orthonormal_hermite(np.array([2.0]), 3)[:, 0].round(6).tolist()  # 1, 2, (4-1)/√2, (8-6)/√6
    [1.0, 2.0, 2.12132, 0.816497]
    """
    x = np.asarray(x, dtype=float)
    if isinstance(degree, bool) or not isinstance(degree, (int, np.integer)) or degree < 0:
        raise ValueError(f"degree must be an int >= 0, got {degree!r}")
    out = np.empty((int(degree) + 1, *x.shape))
    out[0] = 1.0 if weight is None else np.sqrt(np.asarray(weight, dtype=float))
    if degree >= 1:
        out[1] = x * out[0]
    for k in range(1, int(degree)):
        out[k + 1] = (x * out[k] - math.sqrt(k) * out[k - 1]) / math.sqrt(k + 1)
    return out
