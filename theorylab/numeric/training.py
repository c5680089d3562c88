"""Algorithm 2 (and 2⁺) of the paper: one large first-layer step on the pruned coordinates, then ridge on the second layer.

Algorithm 2 (paper p. 8; THEORY §5), given the kept coordinates J (from :mod:`theorylab.numeric.pruning`):

2. Re-initialise a_j ~ Unif{±1}, b_j ~ N(0, 1) and W_j⁽⁰⁾ uniform on the unit sphere restricted to J
   (the paper's (INIT): a standard Gaussian vector zeroed outside J and normalised), mirrored.
3. One step with weight decay λ₁ = 1/η₁, which cancels the initialisation:
   W_j⁽¹⁾ = W_j⁽⁰⁾ - η₁(∇_{W_j} R_n|_J + λ₁ W_j⁽⁰⁾) = η₁ a_j (1/n) Σ_i y_i x_i|_J ϕ'(⟨W_j⁽⁰⁾, x_i⟩ + b_j).
   Since a_{j'} = -a_j, the mirrored neuron ends at W_{j'}⁽¹⁾ = -W_j⁽¹⁾.
4. Re-draw the biases b_j⁽¹⁾ ~ N(0, 1), mirrored (b_{j'} = b_j).
5. Second layer. The paper runs T steps of GD with weight decay λ_t and step 1/(L + λ_t) on
   R_n(a) + (λ/2)‖a‖², a strongly convex quadratic; those iterates converge (geometrically) to its unique
   minimiser, the ridge solution a = (ΦᵀΦ/n + λ I)⁻¹ Φᵀy/n with Φ_ij = ϕ(⟨W_j⁽¹⁾, x_i⟩ + b_j⁽¹⁾), which is what we
   compute (accumulating ΦᵀΦ and Φᵀy over the stream). Default λ = :data:`DEFAULT_RIDGE` = 1e-3 (the paper's
   λ_t = m/(ρ₁ log^{ρ₂} d) involves free constants ρ₁, ρ₂ >= 1; give ``ridge`` to use another value).
   The same data are reused in every step (as in the paper).

Algorithm 2⁺ (multi-index, p. 10) also replaces y_i by y_i - ⟨μ̂|_J, x_i⟩ after pruning, μ̂ = (1/n) Σ y_i x_i, and
adds ⟨μ̂|_J, x⟩ back to the output.

Defaults of Theorems 4-5 (constants stated; every value can be overridden):

* M = s + 2 with s = max(r, round(d^α)) (q = 0: the number of non-zero rows, Lemma 34's M >= ‖v‖₀ + 2),
  and M = ceil(d^α) + 2 for q > 0 (s_eff = d^α); capped at d.
* η₁ = M^{(k*-1)/2} (single-index) and η₁ = M (multi-index), times ``eta_scale`` (default 1). The alignment
  metrics do not depend on η₁; the risk does.
* m = 8 (THEORY §11).

All trials and all checkpoints n_1 < ... < n_K are computed in one pass over a stream: sample i contributes to
checkpoint k iff i < n_k.

Examples
--------
>>> import numpy as np
>>> from theorylab.numeric.teachers import Teacher
>>> v = np.zeros(20); v[:2] = np.sqrt(0.5)
>>> X, y = Teacher("z", v).sample(5000, rng=0)
>>> net = train_algorithm2(X, y, J=np.arange(20), m=4, eta1=1.0, rng=1)
>>> al = np.abs(net.W @ v) / np.linalg.norm(net.W, axis=1)
>>> bool(al.min() > 0.9)
True
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from theorylab._validation import check_alpha, check_int, check_q, check_real, check_rng
from theorylab.numeric.students import draw_half_init, relu, sphere_on_support
from theorylab.numeric.teachers import check_dtype

__all__ = [
    "DEFAULT_RIDGE",
    "default_M",
    "default_eta1",
    "segments",
    "OneStepAccumulator",
    "RidgeAccumulator",
    "TrainedNetwork",
    "train_algorithm2",
]

#: Default ridge penalty λ of the second layer (objective (1/2n)‖Φa - y‖² + (λ/2)‖a‖²).
DEFAULT_RIDGE = 1e-3


def default_M(d: int, alpha: float, q: float = 0.0, r: int = 1) -> int:
    """The pruning level M = s + 2 (q = 0: s = max(r, round(d^α))) or ceil(d^α) + 2 (q > 0), at most d.

    The margin 2 is :data:`theorylab.symbolic.rates.PRUNING_MARGIN`, the one place the rates read it from too.

    Examples
    --------
    >>> default_M(256, 0.25), default_M(256, 0.25, q=1.0), default_M(10, 0.9)
    (6, 6, 10)
    """
    d = check_int(d, "d", minimum=1)
    alpha = check_alpha(alpha)
    q = check_q(q)
    r = check_int(r, "r", minimum=1)
    from theorylab.symbolic.rates import PRUNING_MARGIN

    s = max(r, int(round(d**alpha))) if q == 0 else math.ceil(d**alpha - 1e-9)
    return int(min(d, s + PRUNING_MARGIN))


def default_eta1(M: int, k_star: int, r: int = 1, scale: float = 1.0) -> float:
    """η₁ = scale · M^{(k*-1)/2} for r = 1 (Theorem 4) and scale · M for r >= 2 (Theorem 5).

    Examples
    --------
    >>> default_eta1(9, 3), default_eta1(9, 2, r=2)
    (9.0, 9.0)
    """
    M = check_int(M, "M", minimum=1)
    k_star = check_int(k_star, "k_star", minimum=1)
    r = check_int(r, "r", minimum=1)
    scale = check_real(scale, "eta_scale", low=0.0, low_open=True)
    return float(scale * (M ** ((k_star - 1) / 2) if r == 1 else M))


def segments(start: int, stop: int, checkpoints: np.ndarray) -> Iterator[tuple[int, int, int]]:
    """Split samples [start, stop) at the checkpoints; yield (lo, hi, k0) relative to ``start``.

    Within a segment the active checkpoints (those that include its samples) are exactly k >= k0.

    Examples
    --------
    >>> list(segments(0, 10, np.array([4, 10, 20])))
    [(0, 4, 0), (4, 10, 1)]
    """
    cps = np.asarray(checkpoints)
    inner = cps[(cps > start) & (cps < stop)]
    bounds = [start, *inner.tolist(), stop]
    for s, e in zip(bounds[:-1], bounds[1:], strict=True):
        if e > s:
            yield s - start, e - start, int(np.searchsorted(cps, s, side="right"))


class _Gather:
    """Per-trial union of the supports over checkpoints; gathers those columns (padded to a common width)."""

    def __init__(self, masks: np.ndarray) -> None:
        T, _, d = masks.shape
        union = np.asarray(masks.any(axis=1))  # (T, d)
        self.valid: np.ndarray
        self.idx: np.ndarray
        self.full = bool(union.all())
        if self.full:
            self.U = d
            self.idx = np.broadcast_to(np.arange(d), (T, d))
            self.valid = np.ones((T, d), dtype=bool)
        else:
            sizes = union.sum(axis=1)
            self.U = max(int(sizes.max()), 1)
            self.idx = np.zeros((T, self.U), dtype=np.int64)
            self.valid = np.zeros((T, self.U), dtype=bool)
            for t in range(T):
                u = np.flatnonzero(union[t])
                self.idx[t, : u.size] = u
                self.valid[t, : u.size] = True
        self.d = d

    def take(self, X: np.ndarray) -> np.ndarray:
        """(T, c, d) -> (T, c, U)."""
        if self.full:
            return X
        return np.take_along_axis(X, self.idx[:, None, :], axis=2)

    def restrict(self, A: np.ndarray) -> np.ndarray:
        """(T, ..., d) -> (T, ..., U), zero on padded slots."""
        if self.full:
            return A
        T = A.shape[0]
        mid = A.shape[1:-1]
        idx = self.idx.reshape((T,) + (1,) * len(mid) + (self.U,))
        out = np.take_along_axis(A, np.broadcast_to(idx, (T, *mid, self.U)), axis=-1)
        return np.where(self.valid.reshape(idx.shape), out, 0.0)


def _scatter(g: _Gather, A: np.ndarray) -> np.ndarray:
    if g.full:
        return A
    out = np.zeros(A.shape[:-1] + (g.d,), dtype=A.dtype)
    for t in range(A.shape[0]):
        v = g.valid[t]
        out[t][..., g.idx[t, v]] = A[t][..., v]
    return out


class OneStepAccumulator:
    """Line 3 of Algorithm 2 for T trials and K checkpoints, accumulated over one pass of a stream.

    Parameters
    ----------
    masks : bool array (T, K, d)
        J_k for each trial and checkpoint.
    a_half, b_half : arrays (T, m)
        Re-initialised second-layer signs and biases (distinct neurons j < m).
    G : array (T, m, d)
        Gaussian matrix; W_j⁽⁰⁾ at checkpoint k is row j of G zeroed outside J_k and normalised.
    checkpoints : int array (K,), increasing
    mu : array (T, K, d), optional
        μ̂|_{J_k} for Algorithm 2⁺ (labels become y - ⟨μ̂|_{J_k}, x⟩).
    dtype : "float64" or "float32"
    """

    def __init__(self, masks: np.ndarray, a_half: np.ndarray, b_half: np.ndarray, G: np.ndarray,
                 checkpoints: np.ndarray, mu: np.ndarray | None = None, dtype: Any = "float64") -> None:
        self.dtype = check_dtype(dtype)
        self.masks = np.asarray(masks, dtype=bool)
        T, K, d = self.masks.shape
        self.T, self.K, self.d = T, K, d
        self.m = a_half.shape[1]
        self.cps = np.asarray(checkpoints, dtype=np.int64)
        self.a_half = np.asarray(a_half, dtype=float)
        self.b_half = np.asarray(b_half, dtype=float)
        self.gather = _Gather(self.masks)
        W0 = sphere_on_support(np.asarray(G, dtype=float)[:, None, :, :], self.masks[:, :, None, :])
        self.W0 = W0  # (T, K, m, d)
        Wu = self.gather.restrict(W0)  # (T, K, m, U)
        U = Wu.shape[-1]
        self.Wu = np.ascontiguousarray(np.transpose(Wu, (0, 3, 1, 2)).reshape(T, U, K * self.m)).astype(self.dtype)
        self.bias = np.tile(self.b_half, (1, K)).astype(self.dtype)  # (T, K*m), k-major
        self.mu_u = None
        if mu is not None:
            mu_u = self.gather.restrict(np.where(self.masks, np.asarray(mu, dtype=float), 0.0))  # (T, K, U)
            self.mu_u = np.ascontiguousarray(np.swapaxes(mu_u, 1, 2)).astype(self.dtype)  # (T, U, K)
        self.acc = np.zeros((T, K * self.m, U))  # Hᵀ X layout: BLAS is faster on it than on Xᵀ H

    def update(self, X: np.ndarray, y: np.ndarray, start: int) -> None:
        """Add samples ``start .. start + c - 1`` (X: (T, c, d), y: (T, c))."""
        X = np.asarray(X)
        c = X.shape[1]
        m = self.m
        for lo, hi, k0 in segments(start, start + c, self.cps):
            if k0 >= self.K:
                break
            Xu = self.gather.take(X[:, lo:hi, : self.d])
            Z = Xu @ self.Wu[:, :, k0 * m :]
            Z += self.bias[:, None, k0 * m :]
            yy = np.asarray(y[:, lo:hi], dtype=self.dtype)
            if self.mu_u is None:
                H = (Z > 0) * yy[:, :, None]
            else:
                yk = yy[:, :, None] - Xu @ self.mu_u[:, :, k0:]
                H = (Z > 0) * np.repeat(yk, m, axis=-1)
            self.acc[:, k0 * m :, :] += np.swapaxes(H, 1, 2) @ Xu

    def gradient_sums(self) -> np.ndarray:
        """S[t, k, j] = Σ_{i < n_k} y_i x_i|_{J_k} ϕ'(⟨W_j⁽⁰⁾, x_i⟩ + b_j), shape (T, K, m, d)."""
        T, K, m = self.T, self.K, self.m
        U = self.acc.shape[2]
        g = self.acc.reshape(T, K, m, U)
        g = _scatter(self.gather, g)
        return np.where(self.masks[:, :, None, :], g, 0.0)

    def first_layer(self, eta1: Any) -> np.ndarray:
        """W⁽¹⁾ of the m distinct neurons, (T, K, m, d): η₁ a_j (1/n_k) S[t, k, j]. ``eta1``: scalar or (T,)."""
        eta = np.broadcast_to(np.asarray(eta1, dtype=float), (self.T,))
        S = self.gradient_sums()
        return eta[:, None, None, None] * self.a_half[:, None, :, None] * S / self.cps[None, :, None, None]


def _features(Z: np.ndarray, b: np.ndarray) -> np.ndarray:
    """ReLU features of the 2m neurons from the m distinct pre-activations Z (..., m), paper order."""
    pos = relu(Z + b)
    neg = relu(-Z + b)
    return np.concatenate([pos, neg[..., ::-1]], axis=-1)


class RidgeAccumulator:
    """Lines 4-5 of Algorithm 2: ΦᵀΦ and Φᵀy per trial and checkpoint over one pass, then the ridge solution.

    Parameters
    ----------
    W1 : array (T, K, m, d)
        First-layer weights of the m distinct neurons (neuron 2m-1-j has -W1_j).
    b1_half : array (T, m)
        Re-drawn biases (mirrored: b_{2m-1-j} = b_j).
    checkpoints : int array (K,)
    masks : bool array (T, K, d)
        The supports J_k (W1 vanishes outside them).
    mu : array (T, K, d), optional
        μ̂|_{J_k} for Algorithm 2⁺.
    """

    def __init__(self, W1: np.ndarray, b1_half: np.ndarray, checkpoints: np.ndarray, masks: np.ndarray,
                 mu: np.ndarray | None = None, dtype: Any = "float64") -> None:
        self.dtype = check_dtype(dtype)
        T, K, m, d = W1.shape
        self.T, self.K, self.m, self.d = T, K, m, d
        self.cps = np.asarray(checkpoints, dtype=np.int64)
        self.gather = _Gather(np.asarray(masks, dtype=bool))
        Wu = self.gather.restrict(np.asarray(W1, dtype=float))
        U = Wu.shape[-1]
        self.Wu = np.ascontiguousarray(np.transpose(Wu, (0, 3, 1, 2)).reshape(T, U, K * m)).astype(self.dtype)
        self.b1 = np.asarray(b1_half, dtype=float)
        self.mu_u = None
        if mu is not None:
            mu_u = self.gather.restrict(np.where(masks, np.asarray(mu, dtype=float), 0.0))
            self.mu_u = np.ascontiguousarray(np.swapaxes(mu_u, 1, 2)).astype(self.dtype)
        self.gram = np.zeros((T, K, 2 * m, 2 * m))
        self.rhs = np.zeros((T, K, 2 * m))

    def _phi(self, Xu: np.ndarray, k0: int) -> np.ndarray:
        T, c = Xu.shape[:2]
        Z = (Xu @ self.Wu[:, :, k0 * self.m :]).reshape(T, c, self.K - k0, self.m)
        return _features(Z, self.b1[:, None, None, :].astype(self.dtype))  # (T, c, K', 2m)

    def update(self, X: np.ndarray, y: np.ndarray, start: int) -> None:
        """Add samples ``start .. start + c - 1`` (X: (T, c, d), y: (T, c))."""
        c = X.shape[1]
        for lo, hi, k0 in segments(start, start + c, self.cps):
            if k0 >= self.K:
                break
            Xu = self.gather.take(np.asarray(X)[:, lo:hi, : self.d])
            F = np.transpose(self._phi(Xu, k0), (0, 2, 3, 1))  # (T, K', 2m, c)
            yy = np.asarray(y[:, lo:hi], dtype=self.dtype)
            if self.mu_u is None:
                yk = np.broadcast_to(yy[:, None, :], (self.T, self.K - k0, hi - lo))
            else:
                yk = yy[:, None, :] - np.swapaxes(Xu @ self.mu_u[:, :, k0:], 1, 2)
            self.gram[:, k0:] += F @ np.swapaxes(F, -1, -2)
            self.rhs[:, k0:] += np.einsum("tkfc,tkc->tkf", F, yk)

    def solve(self, ridge: float) -> np.ndarray:
        """The ridge second layer a, shape (T, K, 2m): (ΦᵀΦ/n_k + λI) a = Φᵀy/n_k."""
        n = self.cps[None, :, None]
        A = self.gram / n[..., None] + ridge * np.eye(2 * self.m)
        return np.linalg.solve(A, (self.rhs / n)[..., None])[..., 0]

    def predict(self, X: np.ndarray, a: np.ndarray) -> np.ndarray:
        """ŷ at every checkpoint for inputs X (T, c, d): shape (T, K, c) (μ̂ term added back for 2⁺)."""
        Xu = self.gather.take(np.asarray(X)[:, :, : self.d])
        F = self._phi(Xu, 0)  # (T, c, K, 2m)
        out = np.einsum("tckf,tkf->tkc", F, a)
        if self.mu_u is not None:
            out = out + np.swapaxes(Xu @ self.mu_u, 1, 2)
        return out


@dataclass
class TrainedNetwork:
    """One trained student (width 2m): ŷ(x) = Σ_j a_j ϕ(⟨W_j, x⟩ + b_j) + ⟨μ, x⟩ (μ = 0 for Algorithm 2).

    Attributes
    ----------
    a : (2m,)  W : (2m, d)  b : (2m,)  mu : (d,)  J : kept coordinates  W0 : (2m, d) the initialisation
    """

    a: np.ndarray
    W: np.ndarray
    b: np.ndarray
    mu: np.ndarray
    J: np.ndarray
    W0: np.ndarray

    def predict(self, X: Any) -> np.ndarray:
        """ŷ on inputs X (n, d)."""
        X = np.asarray(X, dtype=float)
        return relu(X @ self.W.T + self.b) @ self.a + X @ self.mu


def _check_J(J: Any, d: int) -> np.ndarray:
    """The kept coordinates as sorted unique int64 indices in [0, d); non-integers are refused, not truncated."""
    try:
        arr = np.asarray(J)
    except (TypeError, ValueError):
        raise TypeError("J must be an array of integer coordinates") from None
    if arr.ndim != 1 and arr.size:
        raise ValueError(f"J must be a 1-d array of coordinates, got shape {arr.shape}")
    if arr.dtype == bool:
        raise TypeError("J must hold integer coordinates, not a boolean mask (use np.flatnonzero(mask))")
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        try:
            as_float = arr.astype(float)
        except (TypeError, ValueError):
            raise TypeError(f"J must hold integer coordinates, got dtype {arr.dtype}") from None
        if not np.all(np.isfinite(as_float)) or np.any(as_float != np.round(as_float)):
            raise ValueError("J must hold integer coordinates, got non-integer values")
        arr = as_float
    J = np.unique(arr.astype(np.int64).ravel())
    if J.size and (J.min() < 0 or J.max() >= d):
        raise ValueError(f"J must hold coordinates in [0, {d})")
    return J


def train_algorithm2(
    X: Any,
    y: Any,
    *,
    J: Any,
    m: int = 8,
    eta1: float = 1.0,
    ridge: float = DEFAULT_RIDGE,
    rng: Any = None,
    mu_correction: bool = False,
    dtype: Any = "float64",
) -> TrainedNetwork:
    """Lines 2-6 of Algorithm 2 (``mu_correction=True``: Algorithm 2⁺) on an in-memory data set, J given.

    Parameters
    ----------
    X : array (n, d)
    y : array (n,)
    J : array of int
        Kept coordinates (e.g. ``prune_network(...).J``).
    m : int
        Half-width.
    eta1 : float
        First-layer step η₁ (λ₁ = 1/η₁).
    ridge : float
        Second-layer penalty λ >= 0.
    rng : Generator, int, SeedSequence or None
        Draws, in order: m signs a_j, m biases b_j, an m × d Gaussian matrix (for W⁽⁰⁾), m new biases b⁽¹⁾.
    mu_correction : bool
        Algorithm 2⁺'s ⟨μ̂|_J, x⟩ correction.
    dtype : "float64" or "float32"

    Returns
    -------
    TrainedNetwork
    """
    X = np.asarray(X, dtype=check_dtype(dtype))
    y = np.asarray(y, dtype=X.dtype)
    if X.ndim != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"X must have shape (n, d) and y shape (n,), got {X.shape} and {y.shape}")
    n, d = X.shape
    if n < 1:
        raise ValueError("n must be >= 1")
    m = check_int(m, "m", minimum=1)
    eta1 = check_real(eta1, "eta1", low=0.0, low_open=True)
    ridge = check_real(ridge, "ridge", low=0.0)
    J = _check_J(J, d)
    gen = check_rng(rng)
    a_half, b_half, G = draw_half_init(m, d, gen)
    b1_half = gen.standard_normal(m)
    mask = np.zeros((1, 1, d), dtype=bool)
    mask[0, 0, J] = True
    cps = np.array([n])
    mu = None
    if mu_correction:
        mu = ((y @ X) / n)[None, None, :]
    one = OneStepAccumulator(mask, a_half[None], b_half[None], G[None], cps, mu=mu, dtype=X.dtype)
    one.update(X[None], y[None], 0)
    W1 = one.first_layer(eta1)  # (1, 1, m, d)
    rid = RidgeAccumulator(W1, b1_half[None], cps, mask, mu=mu, dtype=X.dtype)
    rid.update(X[None], y[None], 0)
    a = rid.solve(ridge)[0, 0]
    Wm = W1[0, 0]
    W = np.concatenate([Wm, -Wm[::-1]])
    b = np.concatenate([b1_half, b1_half[::-1]])
    W0 = one.W0[0, 0]
    return TrainedNetwork(
        a=a, W=W, b=b, mu=np.zeros(d) if mu is None else np.where(mask[0, 0], mu[0, 0], 0.0), J=J,
        W0=np.concatenate([W0, W0[::-1]]),
    )
