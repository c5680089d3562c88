"""The dense one-step learner (Algorithm 2 with J = all coordinates) simulated exactly in m + r + mK coordinates.

Without pruning, Algorithm 2's first layer after its one step is (THEORY §5; :mod:`theorylab.numeric.training`)

    W_j⁽¹⁾ = η₁ a_j (1/n) Σ_i h_ij x_i,    h_ij = y_i ϕ'(⟨W_j⁽⁰⁾, x_i⟩ + b_j),

with W⁽⁰⁾ drawn independently of the data. Let P = span(V, W⁽⁰⁾) (dimension p <= r + m) with an orthonormal basis
Q and write x_i = Q u_i + x_i⊥. The labels and the h_ij depend on x_i only through u_i ~ N(0, I_p); given them,
x_i⊥ is an independent standard Gaussian vector of the complement (dimension d - p). Hence

    Σ_i h_ij x_i = Q Σ_i h_ij u_i + Σ_i h_ij x_i⊥,

and, given the h's, the second terms of the m neurons at the K checkpoints form one Gaussian matrix with i.i.d.
columns (in any basis of the complement): its row covariance is C[(k, j), (l, j')] = Σ_{i < min(n_k, n_l)} h_ij h_ij',
a cumulative sum of the Gram matrices D_s of the segments between consecutive checkpoints. So it equals F ξ with
F block lower triangular (block (k, s) = L_s, L_s L_sᵀ = D_s, for s <= k) and ξ an (mK) × (d - p) standard
Gaussian matrix. Only the row geometry of ξ matters to the metrics (alignment, coverage and the norms are invariant
under rotations that fix span(V)), and ξ = B Oᵀ with O Haar on the Stiefel manifold, independent of B, and B the
lower-triangular Bartlett factor (B_ii² ~ χ²_{d-p-i}, B_ij ~ N(0, 1) below the diagonal; Bartlett 1933). So
every checkpoint's W⁽¹⁾ is exactly represented, jointly over the checkpoints, by the rows of

    [Σ_{s<=k} A_s,  (F B)_k] ∈ R^{m × (p + mK)},    A_s = Σ_{i in segment s} h_i u_iᵀ,

with V = [I_r; 0]. The same argument gives W⁽⁰⁾ itself: its rows are the normalised rows of [C, B₀] with C ~ N(0,
I) (m × r, the part along V) and B₀ the m × m Bartlett factor of the m × (d - r) Gaussian complement. When a
complement has fewer dimensions than rows, its Gaussian matrix is drawn as it is. Cost per trial:
O(n (r + m) m) and (r + m) Gaussians per sample, whatever d.

Reduced: Algorithm 2 (not 2⁺: its μ̂ couples all samples through a data-dependent direction) and the first-layer
metrics only: the ridge second layer is fitted on the training samples, whose features ⟨W_j⁽¹⁾, x_i⟩ involve the
n × n Gram matrix of the x_i⊥, so the excess risk is refused (ValueError from ``simulate``).

Seeds: trial t's initialisation (a, b, C, B₀, then the complement factor B) comes from ``init_seed``, its samples
from ``stream_seed`` in blocks of :data:`BLOCK` rows (u_i, then the label noise). Its numbers do not depend on
the other trials or the chunking; they depend on the checkpoints (B is drawn for all of them jointly).

Examples
--------
>>> import numpy as np
>>> out = reduced_dense_one_step("He1(z)", d=10**6, checkpoints=np.array([100, 10**4]), seeds=[0, 1], width=4)
>>> out["alignment_median"].shape
(2, 2)
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from theorylab._validation import check_int, check_real
from theorylab.numeric.metrics import METRICS, alignment, alignment_summary, subspace_coverage
from theorylab.numeric.teachers import Teacher, derive_seed
from theorylab.numeric.training import segments

__all__ = ["BLOCK", "bartlett_factor", "first_layer", "first_layer_metrics", "initial_layer", "psd_root",
           "reduced_dense_one_step"]

#: Samples drawn at a time (part of the seed contract).
BLOCK = 1 << 13


def bartlett_factor(rows: int, dof: int, gen: np.random.Generator) -> np.ndarray:
    """A matrix B with the law of the row geometry of a rows × dof standard Gaussian matrix G.

    For dof >= rows: the lower-triangular Bartlett factor (B Bᵀ ~ Wishart(dof, I), G = B Oᵀ with O independent
    and Haar); otherwise G itself (rows × dof).

    Examples
    --------
    >>> import numpy as np
    >>> B = bartlett_factor(3, 10, np.random.default_rng(0))
    >>> B.shape, bool(np.allclose(B, np.tril(B)))
    ((3, 3), True)
    """
    if dof < rows:
        return gen.standard_normal((rows, dof))
    B = np.tril(gen.standard_normal((rows, rows)), -1)
    B[np.diag_indices(rows)] = np.sqrt(gen.chisquare(dof - np.arange(rows)))
    return B


def psd_root(D: np.ndarray) -> np.ndarray:
    """L with L Lᵀ = D for a symmetric positive semi-definite D (eigen-decomposition; exact for singular D).

    Examples
    --------
    >>> D = np.array([[2.0, 1.0], [1.0, 1.0]])
    >>> L = psd_root(D)
    >>> bool(np.allclose(L @ L.T, D))
    True
    """
    lam, U = np.linalg.eigh(D)
    return U * np.sqrt(np.clip(lam, 0.0, None))


def initial_layer(gen: np.random.Generator, m: int, d: int, r: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(a, b, W0): signs, biases and unit rows W0 (m, p), p = r + min(m, d - r), in the coordinates (V, complement).

    Examples
    --------
    >>> a, b, W0 = initial_layer(np.random.default_rng(0), 4, 100, 1)
    >>> W0.shape, bool(np.allclose(np.linalg.norm(W0, axis=1), 1.0))
    ((4, 5), True)
    """
    a = 2.0 * gen.integers(0, 2, size=m) - 1.0
    b = gen.standard_normal(m)
    C = gen.standard_normal((m, r))
    G = np.concatenate([C, bartlett_factor(m, d - r, gen)], axis=1)
    return a, b, G / np.linalg.norm(G, axis=1, keepdims=True)


def _segment_sums(
    stream_seed: np.random.SeedSequence, teacher: Teacher, W0: np.ndarray, b: np.ndarray, cps: np.ndarray, bar: Any
) -> tuple[np.ndarray, np.ndarray]:
    """A (K, m, p) = Σ_seg h uᵀ and D (K, m, m) = Σ_seg h hᵀ over the segments ending at each checkpoint."""
    gen = np.random.default_rng(stream_seed)
    m, p = W0.shape
    r = teacher.r
    A = np.zeros((cps.size, m, p))
    D = np.zeros((cps.size, m, m))
    n, pos = int(cps[-1]), 0
    while pos < n:
        U = gen.standard_normal((BLOCK, p))
        y = teacher.f(U[:, :r])
        if teacher.noise_std > 0:
            y = y + teacher.noise_std * gen.standard_normal(BLOCK)
        stop = min(n, pos + BLOCK)
        H = ((U[: stop - pos] @ W0.T + b) > 0) * y[: stop - pos, None]
        for lo, hi, k0 in segments(pos, stop, cps):
            A[k0] += H[lo:hi].T @ U[lo:hi]
            D[k0] += H[lo:hi].T @ H[lo:hi]
        if bar is not None:
            bar.update(stop - pos)
        pos = stop
    return A, D


def first_layer(
    init: np.random.Generator, A: np.ndarray, D: np.ndarray, d: int, a: np.ndarray, eta1: float, cps: np.ndarray
) -> np.ndarray:
    """W⁽¹⁾ at every checkpoint, (K, m, p + q), from the segment sums A (K, m, p) and Gram matrices D (K, m, m).

    The span part is the cumulative sum of A; the complement part is F B (module docstring), with B drawn from
    ``init``.

    Examples
    --------
    >>> g = np.random.default_rng(0)
    >>> A, D = g.standard_normal((2, 3, 4)), np.stack([np.eye(3)] * 2)
    >>> first_layer(g, A, D, 50, np.ones(3), 1.0, np.array([10, 20])).shape
    (2, 3, 10)
    """
    K, m, p = A.shape
    B = bartlett_factor(K * m, d - p, init)  # (K m, q)
    # F B with F's block (k, s) = L_s for s <= k: the cumulative sum over s of L_s times B's s-th block row
    # (K² m³ flops instead of the dense product's K³ m³)
    parts = np.stack([psd_root(D[s]) @ B[s * m : (s + 1) * m] for s in range(K)])
    Z = np.cumsum(parts, axis=0).reshape(K * m, -1)
    inside = np.cumsum(A, axis=0)
    W = np.concatenate([inside, Z.reshape(K, m, -1)], axis=2)
    return eta1 * a[None, :, None] * W / cps[:, None, None]


def _run_trial(
    stream_seed: np.random.SeedSequence,
    init_seed: np.random.SeedSequence,
    teacher: Teacher,
    d: int,
    m: int,
    cps: np.ndarray,
    eta1: float,
    bar: Any,
) -> np.ndarray:
    init = np.random.default_rng(init_seed)
    a, b, W0 = initial_layer(init, m, d, teacher.r)
    A, D = _segment_sums(stream_seed, teacher, W0, b, cps, bar)
    return first_layer(init, A, D, d, a, eta1, cps)


def reduced_dense_one_step(
    link: Any,
    *,
    d: int,
    checkpoints: Any,
    seeds: Sequence[Any],
    init_seeds: Sequence[Any] | None = None,
    width: int = 8,
    eta1: float = 1.0,
    noise_std: float = 0.0,
    normalize: bool = False,
    progress: bool = False,
) -> dict[str, np.ndarray]:
    """The dense Algorithm 2's first-layer metrics (trials × checkpoints), exactly, at a cost free of d.

    Parameters
    ----------
    link : str, sympy.Expr, callable or Link
        σ*, of arity r.
    d : int
        Dimension (any size: it enters only through χ² degrees of freedom).
    checkpoints : int array
        Strictly increasing sample sizes.
    seeds : sequence of int or SeedSequence
        One per trial: the samples' seed.
    init_seeds : sequence, optional
        One per trial: the initialisation's seed (default: child 0 of each of ``seeds``).
    width : int
        m, the number of distinct neurons.
    eta1 : float
        η₁ (the metrics do not depend on it).
    noise_std : float
    normalize : bool
        Normalise the link as ``Teacher(normalize=True)`` does.
    progress : bool

    Returns
    -------
    dict
        :data:`~theorylab.numeric.metrics.METRICS` -> (trials, K); ``excess_risk`` is NaN (not computed).
    """
    from theorylab._validation import check_grid
    from theorylab.symbolic.links import as_link

    d = check_int(d, "d", minimum=1)
    m = check_int(width, "width", minimum=1)
    eta1 = check_real(eta1, "eta1", low=0.0, low_open=True)
    cps = check_grid(checkpoints, "checkpoints", integer=True)
    r = as_link(link).arity
    if d < r:
        raise ValueError(f"d must be >= r = {r}, got {d}")
    teacher = Teacher(link, np.eye(r), noise_std=noise_std, normalize=normalize)
    seeds_ = [derive_seed(s) for s in seeds]
    inits = [derive_seed(s, 0) for s in seeds_] if init_seeds is None else [derive_seed(s) for s in init_seeds]
    if len(inits) != len(seeds_):
        raise ValueError(f"init_seeds: expected {len(seeds_)} seeds (one per trial), got {len(inits)}")
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(seeds_) * int(cps[-1]), unit="sample", desc="dense one step (reduced)")
    from threadpoolctl import threadpool_limits

    # many small products: one BLAS thread per trial thread
    with threadpool_limits(1, user_api="blas"), ThreadPoolExecutor(min(len(seeds_), os.cpu_count() or 1)) as ex:
        W1 = np.stack(list(ex.map(lambda t: _run_trial(seeds_[t], inits[t], teacher, d, m, cps, eta1, bar),
                                  range(len(seeds_)))))
    if bar is not None:
        bar.close()
    return first_layer_metrics(W1, d, r)


def first_layer_metrics(W1: np.ndarray, d: int, r: int) -> dict[str, np.ndarray]:
    """The METRICS of W⁽¹⁾ (trials, K, m, p + q) with V the first r coordinates; ``excess_risk`` is NaN.

    Examples
    --------
    >>> W1 = np.zeros((1, 1, 2, 3)); W1[..., 0] = 1.0
    >>> float(first_layer_metrics(W1, 10, 1)["alignment_median"][0, 0])
    1.0
    """
    T, K = W1.shape[:2]
    V = np.eye(W1.shape[-1])[:, :r]
    out = dict(alignment_summary(alignment(W1, V)))
    out["coverage"] = subspace_coverage(W1, V)
    out["support_recall"] = np.ones((T, K))
    out["J_size"] = np.full((T, K), float(d))
    out["excess_risk"] = np.full((T, K), np.nan)
    return {k: np.asarray(out[k], dtype=float) for k in METRICS}
