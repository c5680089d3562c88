"""Algorithms 1 and 2 of Vural & Erdogdu (COLT 2024) as plain loops, line by line: the oracle of the tests.

These are the clearest statement of the two algorithms in theorylab: Python lists and ``for`` loops over neurons,
coordinates and samples, no vectorisation, no streaming, no trick. They are slow (O(m n d²) Python operations) and
meant for a handful of samples in a handful of dimensions; the vectorised, streaming implementations are
:func:`theorylab.numeric.pruning.prune_network` and :func:`theorylab.numeric.training.train_algorithm2`, and the
tests check them against these functions.

Page and equation numbers are those of the paper (vural24a.pdf); THEORY.md §5 summarises both algorithms.

* Network (p. 5): width 2m, ŷ(x) = Σ_j a_j ϕ(⟨W_j, x⟩ + b_j), ϕ = ReLU, R_n = (1/2n) Σ_i (ŷ(x_i) - y_i)².
  Symmetric initialisation (2.1): a_j = -a_{2m-j+1}, W_j = W_{2m-j+1}, b_j = b_{2m-j+1} (1-based), so ŷ = 0 at
  initialisation and ∇_{W_j} R_n = -(a_j/n) Σ_i y_i x_i ϕ'(⟨W_j, x_i⟩ + b_j) (p. 5); (2.2): a_j ~ Unif{±1},
  b_j ~ N(0, 1) for j <= m. Here, 0-based, neuron j >= m mirrors neuron 2m - 1 - j.
* Randomness: the caller passes the draws (the m signs, the m biases, ...), so that a test can hand the same
  numbers to the vectorised implementation.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> X = rng.standard_normal((40, 3)); y = X[:, 1] ** 2 - 1; z = rng.standard_normal(40)
>>> J, _, _, _ = prune_network_reference(X, y, z, a_half=[1.0, -1.0], b_half=[0.3, -0.5], M=1, c=0.5)
>>> 1 in J
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["prune_network_reference", "train_algorithm2_reference", "symmetric_pairs"]


def symmetric_pairs(half: Sequence[float], *, negate: bool) -> list[float]:
    """Extend m values to the 2m of the symmetric initialisation (2.1), p. 5: neuron 2m-1-j mirrors neuron j.

    ``negate=True`` for the second layer a (a_j = -a_{2m-j+1}), False for the biases b.

    Examples
    --------
    >>> symmetric_pairs([1.0, -1.0], negate=True), symmetric_pairs([0.5, 0.2], negate=False)
    ([1.0, -1.0, 1.0, -1.0], [0.5, 0.2, 0.2, 0.5])
    """
    m = len(half)
    sign = -1.0 if negate else 1.0
    return [float(v) for v in half] + [sign * float(half[m - 1 - j]) for j in range(m)]


def _relu_prime(u: float) -> float:
    return 1.0 if u > 0 else 0.0


def _shifted_basis(i: int, d: int, c: float) -> list[float]:
    """ẽ_i of (4.2), p. 7: c e_i + √(1-c²) e_d for i < d, and e_d itself (d = the augmented coordinate)."""
    e = [0.0] * (d + 1)
    if i < d:
        e[i] = c
        e[d] = math.sqrt(1 - c * c)
    else:
        e[d] = 1.0
    return e


def _gradient_pm(rows: list[list[float]], y: Sequence[float], a_j: float, b_j: float, e: list[float], sign: int
                 ) -> list[float]:
    """∇_j R_n^±(ẽ_i) of (E.1), p. 40: -(a_j/n) Σ_l y_l x_l ϕ_±'(⟨ẽ_i, x_l⟩; b_j), with
    ϕ_±'(t; b) = (ϕ'(t + b) ∓ ϕ'(-t + b))/2 — the derivative of ϕ_±(t; b) = (ϕ(t + b) ± ϕ(-t + b))/2 (p. 7)."""
    n, D = len(rows), len(e)
    g = [0.0] * D
    for l in range(n):  # noqa: E741 - the paper's sample index
        t = sum(e[k] * rows[l][k] for k in range(D))
        if sign > 0:
            dphi = (_relu_prime(t + b_j) - _relu_prime(-t + b_j)) / 2
        else:
            dphi = (_relu_prime(t + b_j) + _relu_prime(-t + b_j)) / 2
        for k in range(D):
            g[k] += -a_j / n * y[l] * rows[l][k] * dphi
    return g


def _top_m_squared_norm(g: list[float], M: int) -> float:
    """‖∇_j R_n^±(ẽ_i)|_top(M)‖²: the M largest-magnitude entries kept (the pruned sample mean, p. 7)."""
    return sum(v * v for v in sorted((abs(v) for v in g), reverse=True)[:M])


def _top_m(scores: Sequence[float], M: int) -> set[int]:
    """The M indices with the largest scores (ties to the smaller index)."""
    return set(sorted(range(len(scores)), key=lambda k: (-scores[k], k))[:M])


def prune_network_reference(
    X: Any, y: Any, z: Any, a_half: Sequence[float], b_half: Sequence[float], M: int, c: float
) -> tuple[list[int], list[float], list[float], list[float] | None]:
    """Algorithm 1, PruneNetwork (p. 7), with plain loops.

    Parameters
    ----------
    X : array (n, d), y : array (n,)
        The data D = {(x_i, y_i)}.
    z : array (n,)
        The augmenting N(0, 1) coordinate (Data augmentation, p. 7): x ← (x, z); it is coordinate d (0-based).
    a_half, b_half : sequences of m floats
        a_j ~ Unif{±1} and b_j ~ N(0, 1), j < m, of (2.2).
    M : int
        Sparsity level. c : float in (0, 1), the shrinkage constant.

    Returns
    -------
    J : sorted list of int (coordinates of x, the augmented one removed)
    norms_plus, norms_minus : the d + 1 values ‖∇̃R_n^±(ẽ_i)‖²_F of line 2
    grad_minus_ed : the line-3 gradient ∇_j R_n^-(ẽ_d) (before truncation), or None when no b_j >= 0
    """
    X = np.asarray(X, dtype=float)
    n, d = X.shape
    rows = [[float(v) for v in X[s]] + [float(z[s])] for s in range(n)]  # augmented x, coordinate d = z
    yy = [float(v) for v in y]
    # Line 1: ẽ_i as in (4.2); a(0), b(0) as in (2.1)-(2.2).
    a = symmetric_pairs(a_half, negate=True)
    b = symmetric_pairs(b_half, negate=False)
    m2 = len(a)
    # Line 2: ‖∇̃R_n^±(ẽ_i)‖²_F = Σ_{j=1}^{2m} ‖∇_j R_n^±(a(0), ẽ_i, b(0))|_top(M)‖², for every i (with i = d).
    norms: dict[int, list[float]] = {}
    for sign in (+1, -1):
        norms[sign] = [
            sum(_top_m_squared_norm(_gradient_pm(rows, yy, a[j], b[j], _shifted_basis(i, d, c), sign), M)
                for j in range(m2))
            for i in range(d + 1)
        ]
    # Line 3: J = supp(∇̃_j R_n^-(ẽ)) for some j with b_j >= 0 (the first one), ∅ if none. The printed line has ẽ_i;
    # the proof (E.5) uses ẽ_d, whose population value -a_j γ̃_1(b_j) γ_1 v carries the degree-1 support.
    J: set[int] = set()
    first = next((j for j in range(m2) if b[j] >= 0), None)
    g_ed = None
    if first is not None:
        g_ed = _gradient_pm(rows, yy, a[first], b[first], _shifted_basis(d, d, c), -1)
        J |= _top_m([abs(v) for v in g_ed], M)
    # Line 4: J ← J ∪ {the M coordinates with the largest ‖∇̃R_n^+(ẽ_i)‖} (even degrees of σ*, Cor. 16).
    J |= _top_m(norms[+1], M)
    # Line 5: J ← J ∪ {the M coordinates with the largest ‖∇̃R_n^-(ẽ_i)‖} (odd degrees).
    J |= _top_m(norms[-1], M)
    # Line 6: return J (the augmenting coordinate is not a coordinate of x).
    J.discard(d)
    return sorted(J), norms[+1], norms[-1], g_ed


def _first_layer_step(X: list[list[float]], yy: list[float], J: Sequence[int], W0: list[list[float]],
                      a0: list[float], b0: list[float], eta1: float) -> list[list[float]]:
    """Line 3 of Algorithm 2 with λ_1 = 1/η_1 (THEORY §5): W(1)_j = η_1 a_j (1/n) Σ_i y_i x_i|_J ϕ'(⟨W(0)_j, x_i⟩ + b_j)."""
    n, d = len(X), len(X[0])
    W1 = []
    for j in range(len(W0)):
        row = [0.0] * d
        for i in range(n):
            pre = sum(W0[j][k] * X[i][k] for k in range(d)) + b0[j]
            if pre > 0:
                for k in J:
                    row[k] += eta1 * a0[j] * yy[i] * X[i][k] / n
        W1.append(row)
    return W1


def _second_layer_gd(Phi: list[list[float]], yy: list[float], a0: list[float], lam: float, steps: int) -> list[float]:
    """Line 5: a(t+1) = a(t) - η (∇_a R_n + λ a(t)), T steps, η = 1/(L + λ) with L = tr(ΦᵀΦ/n) >= the top eigenvalue."""
    n, F = len(Phi), len(a0)
    gram = [[sum(Phi[i][p] * Phi[i][q] for i in range(n)) / n for q in range(F)] for p in range(F)]
    rhs = [sum(Phi[i][p] * yy[i] for i in range(n)) / n for p in range(F)]
    eta = 1.0 / (sum(gram[p][p] for p in range(F)) + lam)
    a = list(a0)
    for _ in range(steps):
        grad = [sum(gram[p][q] * a[q] for q in range(F)) - rhs[p] for p in range(F)]  # ∇_a R_n = ΦᵀΦa/n - Φᵀy/n
        a = [a[p] - eta * (grad[p] + lam * a[p]) for p in range(F)]
    return a


def _sphere_on_J(G: Any, J: Sequence[int], m: int, d: int) -> list[list[float]]:
    """W(0)_j for j < 2m: row j (or its mirror 2m-1-j) of G, zeroed outside J and normalised ((INIT), p. 21)."""
    W0 = []
    for j in range(2 * m):
        g = G[j if j < m else 2 * m - 1 - j]
        w = [float(g[k]) if k in J else 0.0 for k in range(d)]
        norm = math.sqrt(sum(t * t for t in w))
        W0.append([t / norm for t in w])
    return W0


def train_algorithm2_reference(
    X: Any, y: Any, J: Sequence[int], a_half: Sequence[float], b_half: Sequence[float], G: Any,
    b1_half: Sequence[float], eta1: float, lam: float, mu_correction: bool, steps: int = 4000,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Algorithm 2 (p. 8), lines 2-6, and Algorithm 2⁺ (p. 10) with ``mu_correction``, with plain loops.

    Line 1 (J ← PruneNetwork) is the caller's: pass J. The draws are the caller's too: ``a_half``, ``b_half``
    ((2.2) for line 2), ``G`` (m × d Gaussians, normalised on J for W(0), (INIT) p. 21) and ``b1_half`` (line 4).
    Line 5 is ``steps`` steps of gradient descent with weight decay ``lam``.

    Returns
    -------
    a (2m,), W1 (2m, d), b1 (2m,), mu (d,)
        The trained network: ŷ(x) = ⟨μ̂|_J, x⟩ + ⟨a, ϕ(W1 x + b1)⟩ (μ̂ = 0 without ``mu_correction``).
    """
    X = [[float(v) for v in row] for row in np.asarray(X, dtype=float)]
    y = [float(v) for v in y]
    n, d = len(X), len(X[0])
    m = len(a_half)
    # Line 2: re-initialise a(0), b(0) as in (2.1)-(2.2); W(0)_j uniform on S^{d-1}_J (a Gaussian restricted to J and
    # normalised, (INIT) p. 21), mirrored: W(0)_j = W(0)_{2m-j+1}.
    a0 = symmetric_pairs(a_half, negate=True)
    b0 = symmetric_pairs(b_half, negate=False)
    W0 = _sphere_on_J(G, J, m, d)
    # Line 1.5 (Algorithm 2⁺, p. 10): y_i ← y_i - ⟨μ̂|_J, x_i⟩ with μ̂ = (1/n) Σ_i y_i x_i.
    mu = [0.0] * d
    if mu_correction:
        mu = [sum(y[i] * X[i][k] for i in range(n)) / n if k in J else 0.0 for k in range(d)]
    yy = [y[i] - sum(mu[k] * X[i][k] for k in range(d)) for i in range(n)]
    # Line 3: one first-layer step restricted to J, with weight decay λ_1 = 1/η_1 cancelling W(0).
    W1 = _first_layer_step(X, yy, J, W0, a0, b0, eta1)
    # Line 4: re-draw the biases b(1)_j ~ N(0, 1), mirrored.
    b1 = symmetric_pairs(b1_half, negate=False)
    # Line 5: train the second layer on the features ϕ(W(1) x_i + b(1)), starting from a(0).
    Phi = [[max(0.0, sum(W1[j][k] * X[i][k] for k in range(d)) + b1[j]) for j in range(2 * m)] for i in range(n)]
    a = _second_layer_gd(Phi, yy, a0, lam, steps)
    # Line 6: return ŷ(x) = ⟨μ̂|_J, x⟩ + ⟨a(T), ϕ(W(1) x + b(1))⟩.
    return np.array(a), np.array(W1), np.array(b1), np.array(mu)
