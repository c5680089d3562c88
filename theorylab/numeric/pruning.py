"""Pruning: the paper's Algorithm 1 (PruneNetwork) and the comparison strategies behind one interface.

Algorithm 1 (paper p. 7, App. E; THEORY §5), as implemented here
-----------------------------------------------------------------
Let d be the ORIGINAL dimension. The inputs are augmented with one independent N(0, 1) coordinate, stored
as column d (0-based), so augmented inputs have D = d + 1 coordinates and V's row d is 0.

1. Draw a_j ~ Unif{±1}, b_j ~ N(0, 1) for j < m (the mirrored neurons j' have a_{j'} = -a_j, b_{j'} = b_j).
   Shifted basis (4.2): ẽ_i = c e_i + √(1 - c²) e_d for i < d, ẽ_d = e_d; default c = 1/log d (natural log of
   the original dimension d; c = 1/2 when d < 3).
2. Put every neuron at W_j = ẽ_i and take the gradients computed with the even/odd parts of ReLU (eq. E.1):
   ∇_j R^±(ẽ_i) = -(a_j/n) Σ_l y_l x_l ϕ_±'(⟨ẽ_i, x_l⟩; b_j),  ϕ_±'(t; b) = (ϕ'(t+b) ∓ ϕ'(-t+b))/2.
   By Cor. 16, ∇R^+ holds the EVEN Hermite degrees of σ* and ∇R^- the ODD ones (the degree-1 term
   included). Each gradient vector (length D) is truncated to its M largest-magnitude entries, and
   ‖∇̃R^±(ẽ_i)‖_F² = Σ_{j < 2m} ‖∇̃_j R^±(ẽ_i)‖² (mirrored neurons contribute equal terms).
3. J = the support of the truncated ∇̃_j R^-(ẽ_d) for the first neuron j (lowest index) with b_j >= 0
   (empty if none). The printed algorithm writes ẽ_i here; we follow the proof of Lemma 34 (eq. E.5),
   which uses ẽ_d: its population value is -a_j Φ(b_j) γ₁ v, so this line catches the support of E[yx].
4. J ← J ∪ the M indices i with the largest ‖∇̃R^+(ẽ_i)‖_F (sorting over all D directions).
5. J ← J ∪ the M indices with the largest ‖∇̃R^-(ẽ_i)‖_F.
6. Return J without the augmented index d (so |J| <= 3M and J ⊆ {0, ..., d-1}).

Ties in any ranking are broken towards the lower index (stable sort); with continuous data they do not occur.

Cost. Writing P_i = 1{⟨ẽ_i, x⟩ + b_j > 0}, Q_i = 1{-⟨ẽ_i, x⟩ + b_j > 0}, the matrix G_P = Xᵀ(y ⊙ P) (D × D,
column i = Σ_l y_l x_l P_{l,i}) and likewise G_Q give every gradient at once:
∇_j R^± = -(a_j / 2n)(G_P ∓ G_Q). One product [y⊙P | y⊙Q]ᵀ X per distinct neuron per chunk: 4·m·n·D² flops
per trial (2·m·n·D² multiply-adds), matrix-multiply bound. The partial sums are accumulated over a stream,
so a result can be taken at any prefix (checkpoint) without keeping the data.

Other strategies (same interface, ``prune(strategy, ...)`` / :func:`make_pruner`)
--------------------------------------------------------------------------------
``"paper"`` Algorithm 1; ``"oracle"`` the true support (the top-M rows of V by norm, non-zero rows only);
``"hermite"`` coordinate screening by |(1/n) Σ_l y_l He_k(x_{l,i})|, top M (k = the information exponent by
default); ``"magnitude"`` the top-M coordinates by Σ_j W_ji² after one dense first-layer step from a symmetric
initialisation (Algorithm 2's step with J = all coordinates); ``"random"`` M uniformly random coordinates;
``"none"`` all coordinates (the dense student).

Examples
--------
>>> import numpy as np
>>> from theorylab.numeric.teachers import Teacher
>>> v = np.zeros(64); v[:4] = 0.5
>>> X, y = Teacher("He2(z)", v).sample(4000, rng=1)
>>> res = prune_network(X, y, m=8, M=6, rng=2)
>>> set(range(4)) <= set(res.J.tolist())
True
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from theorylab._validation import check_choice, check_int, check_real, check_rng
from theorylab.numeric.prune_result import PruneResult, top_m_indices
from theorylab.numeric.pruning_baselines import FixedPruner, HermitePruner, MagnitudePruner
from theorylab.numeric.teachers import check_dtype

__all__ = [
    "STRATEGIES",
    "PruneResult",
    "PaperPruner",
    "default_c",
    "shifted_basis",
    "prune_network",
    "prune",
    "make_pruner",
    "top_m_indices",
]

STRATEGIES = ("paper", "oracle", "hermite", "magnitude", "random", "none")


def default_c(d: int) -> float:
    """The shrinkage constant c = 1/log d of Theorems 4-5 (natural log, d the original dimension); 1/2 for d < 3.

    Examples
    --------
    >>> round(default_c(256), 6)
    0.180337
    """
    d = check_int(d, "d", minimum=1)
    return 1.0 / math.log(d) if d >= 3 else 0.5


def shifted_basis(d: int, c: float) -> np.ndarray:
    """The (d+1) × (d+1) matrix whose column i is ẽ_i of eq. (4.2) (augmented coordinate d).

    Examples
    --------
    >>> shifted_basis(2, 0.6).round(2).tolist()
    [[0.6, 0.0, 0.0], [0.0, 0.6, 0.0], [0.8, 0.8, 1.0]]
    """
    E = np.zeros((d + 1, d + 1))
    E[np.arange(d), np.arange(d)] = c
    E[d, :d] = math.sqrt(1.0 - c * c)
    E[d, d] = 1.0
    return E


def _top_m_sq_sum(G: np.ndarray, M: int) -> np.ndarray:
    """Σ of the M largest squares along axis -2 (the coordinates of each gradient vector)."""
    sq = G * G
    D = sq.shape[-2]
    if M >= D:
        return sq.sum(axis=-2)
    return np.partition(sq, D - M, axis=-2)[..., D - M :, :].sum(axis=-2)


class PaperPruner:
    """Algorithm 1 accumulated over a stream of augmented chunks.

    Parameters
    ----------
    d : int
        Original dimension (chunks have d + 1 columns, the last one the augmented coordinate).
    m, M : int
        Half-width and pruning level.
    c : float
        Shrinkage constant in (0, 1).
    a_half, b_half : ndarray (m,)
        Second-layer signs and biases of the m distinct neurons.
    dtype : "float64" or "float32"
        Arithmetic of the per-chunk products; the partial sums are kept in float64.
    """

    augment = True

    def __init__(self, d: int, m: int, M: int, c: float, a_half: np.ndarray, b_half: np.ndarray,
                 dtype: Any = "float64") -> None:
        self.d, self.m, self.M, self.c = d, m, M, c
        self.a_half = np.asarray(a_half, dtype=float)
        self.b_half = np.asarray(b_half, dtype=float)
        self.dtype = check_dtype(dtype)
        D = d + 1
        # Gt[j] = [G_P | G_Q]ᵀ, shape (2D, D): computed as Aᵀ X, which BLAS runs several times faster than Xᵀ A
        self.Gt = np.zeros((m, 2 * D, D))
        self.n = 0
        self._s = math.sqrt(1.0 - c * c)

    def directions(self, X: np.ndarray) -> np.ndarray:
        """T[l, i] = ⟨ẽ_i, x_l⟩ for augmented inputs X (n × D)."""
        d = self.d
        T = np.empty_like(X)
        np.multiply(X[:, :d], self.dtype.type(self.c), out=T[:, :d])
        T[:, :d] += self.dtype.type(self._s) * X[:, d : d + 1]
        T[:, d] = X[:, d]
        return T

    def update(self, X: np.ndarray, y: np.ndarray) -> None:
        """Add the chunk (X: n × (d+1) augmented, y: n) to the partial sums."""
        X = np.ascontiguousarray(X, dtype=self.dtype)
        y = np.asarray(y, dtype=self.dtype)
        n, D = X.shape
        if D != self.d + 1:
            raise ValueError(f"X must have d + 1 = {self.d + 1} columns (augmented), got {D}")
        if n == 0:
            return
        T = self.directions(X)
        yc = y[:, None]
        # neurons are processed in groups so that one product [A_j1 | A_j2 | ...]ᵀ X is large enough for BLAS
        # to run near its peak while the temporary stays around 2^21 numbers
        group = int(max(1, min(self.m, (1 << 21) // (n * 2 * D))))
        A = np.empty((n, group, 2 * D), dtype=self.dtype)
        mask = np.empty((n, D), dtype=bool)
        for j0 in range(0, self.m, group):
            js = range(j0, min(self.m, j0 + group))
            for g, j in enumerate(js):
                b = self.dtype.type(self.b_half[j])
                np.greater(T, -b, out=mask)
                np.multiply(mask, yc, out=A[:, g, :D])  # y ϕ'(t + b)
                np.less(T, b, out=mask)
                np.multiply(mask, yc, out=A[:, g, D:])  # y ϕ'(-t + b)
            k = len(js)
            prod = A[:, :k].reshape(n, k * 2 * D).T @ X  # (k·2D, D)
            self.Gt[j0 : j0 + k] += prod.reshape(k, 2 * D, D)
        self.n += n

    @property
    def G(self) -> np.ndarray:
        """The partial sums [G_P | G_Q], shape (m, D, 2D): column i of G_P is Σ_l y_l x_l ϕ'(⟨ẽ_i, x_l⟩ + b_j)."""
        return np.swapaxes(self.Gt, 1, 2)

    def gradients(self) -> tuple[np.ndarray, np.ndarray]:
        """(grad_plus, grad_minus), each (m, D, D): [j, :, i] = ∇_j R_n^±(ẽ_i) for the m distinct neurons."""
        if self.n == 0:
            raise ValueError("n: no samples were added")
        D = self.d + 1
        GP, GQ = self.G[:, :, :D], self.G[:, :, D:]
        scale = (-self.a_half / (2.0 * self.n))[:, None, None]
        return scale * (GP - GQ), scale * (GP + GQ)

    def result(self) -> PruneResult:
        """Lines 2-6 of Algorithm 1 on the samples added so far."""
        d, M = self.d, self.M
        gp, gm = self.gradients()
        norms_plus = 2.0 * _top_m_sq_sum(gp, M).sum(axis=0)  # mirrored pairs: equal squared norms
        norms_minus = 2.0 * _top_m_sq_sum(gm, M).sum(axis=0)
        nonneg = np.flatnonzero(self.b_half >= 0)
        if nonneg.size:
            g_ed = gm[nonneg[0], :, d]
            line3 = np.sort(top_m_indices(np.abs(g_ed), M))
        else:
            g_ed = np.zeros(d + 1)
            line3 = np.zeros(0, dtype=np.int64)
        plus = np.sort(top_m_indices(norms_plus, M))
        minus = np.sort(top_m_indices(norms_minus, M))
        J = np.union1d(np.union1d(line3, plus), minus)
        J = J[J < d].astype(np.int64)
        return PruneResult(
            J=J, d=d, n=self.n, strategy="paper",
            parts={"line3": line3, "plus": plus, "minus": minus},
            scores={"norms_plus": norms_plus, "norms_minus": norms_minus, "grad_minus_ed": g_ed},
        )


def _default_k(link: Any) -> int:
    from theorylab.symbolic.exponents import information_exponent

    return int(information_exponent(link))


def make_pruner(
    strategy: str,
    *,
    d: int,
    M: int | None = None,
    m: int = 8,
    c: float | None = None,
    rng: Any = None,
    V: Any = None,
    k: int | None = None,
    link: Any = None,
    dtype: Any = "float64",
) -> Any:
    """A streaming pruner: an object with ``augment`` (whether chunks need Algorithm 1's extra column),
    ``update(X, y)`` and ``result() -> PruneResult``.

    Random draws from ``rng``, in order: ``"paper"`` m signs a_j then m biases b_j; ``"magnitude"`` m signs,
    m biases, an m × d Gaussian matrix; ``"random"`` one ``Generator.choice(d, M, replace=False)``.

    Parameters
    ----------
    strategy : {"paper", "oracle", "hermite", "magnitude", "random", "none"}
    d : int
        Original dimension.
    M : int
        Pruning level, 1 <= M <= d (not needed for ``"none"``).
    m : int, default 8
        Half-width (``"paper"`` and ``"magnitude"``).
    c : float, optional
        Shrinkage constant in (0, 1) (``"paper"``); default :func:`default_c`.
    rng : Generator, int, SeedSequence or None
    V : array (d, r)
        The true directions (``"oracle"`` only).
    k : int, optional
        Hermite degree for ``"hermite"``; default the information exponent of ``link``.
    link : link, optional
        Used for the default ``k``.
    dtype : "float64" or "float32"

    Examples
    --------
    >>> import numpy as np
    >>> V = np.zeros((5, 1)); V[3] = 1.0
    >>> make_pruner("oracle", d=5, M=2, V=V).result().J.tolist()
    [3]
    >>> make_pruner("bogus", d=5, M=2)
    Traceback (most recent call last):
    ...
    ValueError: unknown strategy 'bogus'; choose one of 'paper', 'oracle', 'hermite', 'magnitude', 'random', 'none'
    """
    check_choice(strategy, "strategy", STRATEGIES)
    d = check_int(d, "d", minimum=1)
    if strategy == "none":
        return FixedPruner(d, np.arange(d), "none")
    if M is None:
        raise ValueError("M: the pruning level is required")
    M = check_int(M, "M", minimum=1, maximum=d)
    m = check_int(m, "m", minimum=1)
    dt = check_dtype(dtype)
    if strategy == "oracle":
        if V is None:
            raise ValueError("V: the oracle strategy needs the true directions")
        Va = np.asarray(V, dtype=float).reshape(d, -1)
        norms = np.linalg.norm(Va, axis=1)
        top = top_m_indices(norms, M)
        return FixedPruner(d, top[norms[top] > 0], "oracle")
    if strategy == "hermite":
        if k is None:
            if link is None:
                raise ValueError("k: give the Hermite degree or the link (k defaults to its information exponent)")
            k = _default_k(link)
        k = check_int(k, "k", minimum=1)
        return HermitePruner(d, M, k, dt)
    gen = check_rng(rng)
    if strategy == "random":
        return FixedPruner(d, gen.choice(d, size=M, replace=False), "random")
    if strategy == "magnitude":
        return MagnitudePruner(d, m, M, gen, dt)
    # paper
    c = default_c(d) if c is None else check_real(c, "c", low=0.0, high=1.0, low_open=True, high_open=True)
    a_half = 2.0 * gen.integers(0, 2, size=m) - 1.0
    b_half = gen.standard_normal(m)
    return PaperPruner(d, m, M, c, a_half, b_half, dt)


def _check_data(X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim != 2:
        raise ValueError(f"X must have shape (n, d), got {X.shape}")
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape (n,) = ({X.shape[0]},), got {y.shape}")
    if X.shape[0] < 1:
        raise ValueError("n must be >= 1, got 0 samples")
    if not (np.all(np.isfinite(X)) and np.all(np.isfinite(y))):
        raise ValueError("X and y must be finite")
    return X, y


def prune_network(
    X: Any,
    y: Any,
    *,
    m: int,
    M: int,
    c: float | None = None,
    rng: Any = None,
    x_aug: Any = None,
    dtype: Any = "float64",
) -> PruneResult:
    """Algorithm 1, PruneNetwork(D, m, M, c), on an in-memory data set.

    Parameters
    ----------
    X : array (n, d)
        Inputs (not augmented).
    y : array (n,)
    m : int
        Half-width (the network has 2m neurons).
    M : int
        Pruning level, 1 <= M <= d.
    c : float in (0, 1), optional
        Shrinkage constant; default 1/log d with d the original dimension.
    rng : Generator, int, SeedSequence or None
        Draws, in order: m signs a_j, m biases b_j, then (if ``x_aug`` is None) the n augmented coordinates.
    x_aug : array (n,), optional
        The independent N(0, 1) augmentation coordinate.
    dtype : "float64" or "float32"

    Returns
    -------
    PruneResult

    Examples
    --------
    >>> import numpy as np
    >>> from theorylab.numeric.teachers import Teacher
    >>> v = np.zeros(100); v[[3, 50]] = np.sqrt(0.5)
    >>> X, y = Teacher("z", v).sample(2000, rng=0)
    >>> r = prune_network(X, y, m=4, M=3, rng=1)
    >>> {3, 50} <= set(r.parts["line3"].tolist())
    True
    """
    X, y = _check_data(X, y)
    n, d = X.shape
    m = check_int(m, "m", minimum=1)
    M = check_int(M, "M", minimum=1, maximum=d)
    gen = check_rng(rng)
    pr = make_pruner("paper", d=d, M=M, m=m, c=c, rng=gen, dtype=dtype)
    if x_aug is None:
        x_aug = gen.standard_normal(n)
    x_aug = np.asarray(x_aug, dtype=float)
    if x_aug.shape != (n,):
        raise ValueError(f"x_aug must have shape (n,) = ({n},), got {x_aug.shape}")
    pr.update(np.column_stack([X, x_aug]), y)
    return pr.result()


def prune(
    strategy: str,
    X: Any,
    y: Any,
    *,
    M: int | None = None,
    m: int = 8,
    c: float | None = None,
    rng: Any = None,
    V: Any = None,
    k: int | None = None,
    link: Any = None,
    x_aug: Any = None,
    dtype: Any = "float64",
) -> PruneResult:
    """Any pruning strategy on an in-memory data set (see :func:`make_pruner` for the arguments).

    Examples
    --------
    >>> import numpy as np
    >>> from theorylab.numeric.teachers import Teacher
    >>> v = np.zeros(50); v[[7, 9]] = np.sqrt(0.5)
    >>> X, y = Teacher("He2(z)", v).sample(3000, rng=0)
    >>> prune("hermite", X, y, M=2, k=2).J.tolist()
    [7, 9]
    >>> prune("none", X, y).J.size
    50
    """
    check_choice(strategy, "strategy", STRATEGIES)
    X, y = _check_data(X, y)
    if strategy == "paper":
        if M is None:
            raise ValueError("M: the pruning level is required")
        return prune_network(X, y, m=m, M=M, c=c, rng=rng, x_aug=x_aug, dtype=dtype)
    pr = make_pruner(strategy, d=X.shape[1], M=M, m=m, c=c, rng=rng, V=V, k=k, link=link, dtype=dtype)
    pr.update(X, y)
    return pr.result()
