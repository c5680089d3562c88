"""The dense one-step learner's moment engine: an APPROXIMATION whose cost does not grow with n or d.

The exact reduced engine (:mod:`theorylab.numeric.reduced_onestep`) still sums over the n samples: for each
checkpoint it needs A = Σ_i h_i u_iᵀ (m × p; u_i ~ N(0, I_p) the projection of x_i on P = span(V, W⁽⁰⁾),
h_ij = y_i 1{⟨W_j⁽⁰⁾, u_i⟩ + b_j > 0}) and the Gram matrix D = Σ_i h_i h_iᵀ (m × m) that sets the law of the
complement part. For k* = 3 the threshold is n* ≈ 10 d³, out of reach at d in the thousands. This engine replaces
the sums over each segment of L samples between consecutive checkpoints by their Gaussian (central-limit) law:

    A_seg ≈ L μ + √L Σ^{1/2} ξ,    D_seg ≈ L E[h hᵀ],

with the segments independent (so the checkpoints stay prefix-consistent) and then builds W⁽¹⁾ exactly as the
reduced engine does (the complement through the Bartlett factor of the m K rows).

* The mean μ = E[h uᵀ] is exact (not estimated): with a = ⟨W_{j,V}, u_V⟩ + b_j and ρ the norm of the part of W_j
  outside V, integrating the Gaussian direction of W_j outside V in closed form gives
  E[h_j u_V] = E[f(u_V) Φ(a/ρ) u_V] and E[h_j ⟨e_j, u⟩] = E[f(u_V) φ(a/ρ)] along e_j = W_{j,⊥}/ρ (Stein's
  lemma; other directions have mean 0). The remaining r-dimensional integral over u_V is a Gauss–Hermite
  product rule (:mod:`theorylab._quadrature`) whose integrand is smooth (Φ, φ of an affine function). A bias
  in μ would grow like n against fluctuations like √n, so it must not be estimated.
* The diagonal of E[h hᵀ] is exact the same way (E[(f² + σ²) Φ(a/ρ)]); the covariance Σ of vec(h uᵀ) and the
  correlations of h are estimated from a fixed Monte-Carlo sample of :data:`MC_SAMPLES` draws from the trial's
  stream seed. Their relative error, about 1/√MC_SAMPLES, only scales the fluctuations; it does not grow with n.

What the approximation drops: the non-Gaussian part of each segment sum (skewness ~ 1/√L) and the fluctuation of
D around L E[h hᵀ] (relative ~ 1/√L). It is poor when a checkpoint holds few samples; the first checkpoint must be
at least :data:`MIN_N` (below it the refusal names ``checkpoints``). Measured against the exact engine
(``benchmarks/validate_moment.py``, He3, 400 trials each, 32768 Monte-Carlo draws): at d = 8, 16, 32 and
n = 1024 ... 16 d³ every mean is within 2.1 standard errors and every KS p >= 0.03; at n = 64 (d = 8) the maximum
alignment is off by 5.8 standard errors (KS p = 2e-7), at n = 256 by 2.1 (p = 0.03). ``tests/numeric/test_moment.py``
repeats the comparison with 450 trials at the default :data:`MC_SAMPLES`. Never chosen by ``engine="auto"``; ``simulate(engine="moment")`` records
``engine: "moment"`` and ``approximation: "gaussian-moment"`` in the result's config.

Seeds: trial t's initialisation (a, b, W⁽⁰⁾, then the Bartlett factor) comes from ``init_seed`` exactly as in the
reduced engine; its stream seed gives the Monte-Carlo sample, then the K Gaussian segment draws.

Examples
--------
>>> import numpy as np
>>> out = moment_dense_one_step("He3(z)/sqrt(6)", d=10**4, checkpoints=np.array([10**9, 10**13]), seeds=[0, 1])
>>> out["alignment_median"].shape
(2, 2)
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
from scipy.special import ndtr

from theorylab._quadrature import gauss_hermite_product
from theorylab._validation import check_grid, check_int, check_real
from theorylab.numeric.reduced_onestep import (
    first_layer,
    first_layer_metrics,
    initial_layer,
    psd_root,
)
from theorylab.numeric.teachers import Teacher, derive_seed

__all__ = ["MC_SAMPLES", "MIN_N", "moment_dense_one_step", "exact_moments"]

#: Monte-Carlo draws per trial for the covariance of vec(h uᵀ) and the correlations of h (part of the seed contract).
MC_SAMPLES = 1 << 13
#: The smallest first checkpoint accepted: below it the Gaussian law of the segment sums is refused.
MIN_N = 1024
#: Gauss–Hermite nodes per dimension of V for the exact mean (r = 1; r = 2 uses 80 per dimension).
_NODES = {1: 200, 2: 80}


def _phi(x: np.ndarray) -> np.ndarray:
    return np.exp(-0.5 * x * x) / np.sqrt(2.0 * np.pi)


def exact_moments(teacher: Teacher, W0: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """μ = E[h uᵀ] (m, p) and E[h_j²] (m,) by Gauss–Hermite quadrature over u_V (module docstring).

    ``W0`` (m, p) has the V coordinates first (its first r columns), as in the reduced engine.

    Examples
    --------
    >>> import numpy as np
    >>> W0 = np.array([[0.6, 0.8]]); tc = Teacher("z", np.eye(1))
    >>> mu, h2 = exact_moments(tc, W0, np.zeros(1))  # y = z, b = 0: E[z² 1{w·u > 0}] = 1/2 by symmetry
    >>> [round(float(v), 6) + 0.0 for v in mu[0]], round(float(h2[0]), 6)
    ([0.5, 0.0], 0.5)
    """
    r = teacher.r
    pts, wts = gauss_hermite_product(_NODES.get(r, 40), r)
    f = teacher.f(pts)
    f2 = f * f + teacher.noise_std**2
    WV, Wp = W0[:, :r], W0[:, r:]
    rho = np.linalg.norm(Wp, axis=1)
    if np.any(rho <= 0):
        raise ValueError("W0: a neuron lies in span(V); the moment engine needs a component outside it (d > r)")
    t = (pts @ WV.T + b) / rho  # (N, m)
    cdf, pdf = ndtr(t), _phi(t)
    mu_V = np.einsum("n,n,nj,ni->ji", wts, f, cdf, pts)
    mu_perp = (wts * f) @ pdf  # (m,)
    mu = np.concatenate([mu_V, mu_perp[:, None] * Wp / rho[:, None]], axis=1)
    return mu, (wts * f2) @ cdf


def _mc_second_moments(
    gen: np.random.Generator, teacher: Teacher, W0: np.ndarray, b: np.ndarray, mu: np.ndarray, h2: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(root of Cov vec(h uᵀ) (mp, mp), E[h hᵀ] (m, m)) from MC_SAMPLES draws; the diagonal of E[h hᵀ] is exact."""
    m, p = W0.shape
    U = gen.standard_normal((MC_SAMPLES, p))
    y = teacher.f(U[:, : teacher.r])
    if teacher.noise_std > 0:
        y = y + teacher.noise_std * gen.standard_normal(MC_SAMPLES)
    H = ((U @ W0.T + b) > 0) * y[:, None]
    Z = (H[:, :, None] * U[:, None, :]).reshape(MC_SAMPLES, m * p) - mu.reshape(-1)
    cov = Z.T @ Z / MC_SAMPLES
    G = H.T @ H / MC_SAMPLES
    s = np.sqrt(np.clip(np.diag(G), 1e-300, None))
    corr = G / np.outer(s, s)
    scale = np.sqrt(h2)
    return psd_root(cov), corr * np.outer(scale, scale)


def _segment_draws(gen: np.random.Generator, mu: np.ndarray, root: np.ndarray, gram: np.ndarray,
                   cps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A (K, m, p) and D (K, m, m) per segment: L μ + √L Σ^{1/2} ξ and L E[h hᵀ]."""
    lengths = np.diff(np.concatenate([[0], cps])).astype(float)
    xi = gen.standard_normal((cps.size, root.shape[1]))
    A = lengths[:, None] * mu.reshape(-1) + np.sqrt(lengths)[:, None] * (xi @ root.T)
    return A.reshape(cps.size, *mu.shape), lengths[:, None, None] * gram


def _run_trial(stream_seed: np.random.SeedSequence, init_seed: np.random.SeedSequence, teacher: Teacher, d: int,
               m: int, cps: np.ndarray, eta1: float) -> np.ndarray:
    init = np.random.default_rng(init_seed)
    a, b, W0 = initial_layer(init, m, d, teacher.r)
    mu, h2 = exact_moments(teacher, W0, b)
    gen = np.random.default_rng(stream_seed)
    root, gram = _mc_second_moments(gen, teacher, W0, b, mu, h2)
    A, D = _segment_draws(gen, mu, root, gram, cps)
    return first_layer(init, A, D, d, a, eta1, cps)


def _moment_iv(d: Any, width: Any, eta1: Any, checkpoints: Any, link: Any) -> tuple[int, int, float, np.ndarray, int]:
    from theorylab.symbolic.links import as_link

    d = check_int(d, "d", minimum=1)
    m = check_int(width, "width", minimum=1)
    eta1 = check_real(eta1, "eta1", low=0.0, low_open=True)
    cps = check_grid(checkpoints, "checkpoints", integer=True)
    if cps[0] < MIN_N:
        raise ValueError(
            f"checkpoints: the moment engine (a Gaussian approximation) needs every checkpoint >= {MIN_N} samples, "
            f"got {int(cps[0])}; use engine='reduced' (exact) for small n"
        )
    r = as_link(link).arity
    if r not in _NODES:
        raise ValueError(f"link: the moment engine handles r = 1 or 2 directions, got r = {r}")
    if d <= r:
        raise ValueError(f"d must be > r = {r} for the moment engine, got {d}")
    return d, m, eta1, cps, r


def moment_dense_one_step(
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
) -> dict[str, np.ndarray]:
    """The dense Algorithm 2's first-layer metrics (trials × checkpoints) in the Gaussian-moment APPROXIMATION.

    Same arguments, seeds of the initialisation and result as
    :func:`theorylab.numeric.reduced_onestep.reduced_dense_one_step`; the cost per trial is fixed (the quadrature,
    :data:`MC_SAMPLES` draws and one Gaussian per segment), whatever n and d. Refuses (ValueError naming the
    argument) a first checkpoint below :data:`MIN_N` and links of arity above 2.

    Returns
    -------
    dict
        :data:`~theorylab.numeric.metrics.METRICS` -> (trials, K); ``excess_risk`` is NaN (not computed).
    """
    d, m, eta1, cps, r = _moment_iv(d, width, eta1, checkpoints, link)
    teacher = Teacher(link, np.eye(r), noise_std=noise_std, normalize=normalize)
    seeds_ = [derive_seed(s) for s in seeds]
    inits = [derive_seed(s, 0) for s in seeds_] if init_seeds is None else [derive_seed(s) for s in init_seeds]
    if len(inits) != len(seeds_):
        raise ValueError(f"init_seeds: expected {len(seeds_)} seeds (one per trial), got {len(inits)}")
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1, user_api="blas"), ThreadPoolExecutor(min(len(seeds_), os.cpu_count() or 1)) as ex:
        W1 = np.stack(list(ex.map(lambda t: _run_trial(seeds_[t], inits[t], teacher, d, m, cps, eta1),
                                  range(len(seeds_)))))
    return first_layer_metrics(W1, d, r)
