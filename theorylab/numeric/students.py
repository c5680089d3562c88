"""The paper's two-layer ReLU student with symmetric initialisation (THEORY §5; paper eqs. (2.1)-(2.2)).

ŷ(x) = Σ_{j=1}^{2m} a_j ϕ(⟨W_j, x⟩ + b_j), ϕ = ReLU. Neurons come in mirrored pairs (j, j') with
j' = 2m - 1 - j (0-based; the paper's 2m - j + 1, 1-based): a_{j'} = -a_j, W_{j'} = W_j, b_{j'} = b_j, so the
network outputs 0 at initialisation. For j < m: a_j ~ Unif{±1}, b_j ~ N(0, 1), and W_j is uniform on the unit
sphere, restricted to a coordinate set J when one is given (the paper's (INIT): a standard Gaussian vector,
zeroed outside J and normalised).

Arrays are batched over trials: ``a`` and ``b`` have shape (trials, 2m), ``W`` (trials, 2m, d).

Examples
--------
>>> import numpy as np
>>> s = symmetric_init(m=2, d=3, rng=0)
>>> s.a.shape, s.W.shape
((1, 4), (1, 4, 3))
>>> bool(np.allclose(s.a[0], -s.a[0, ::-1])), bool(np.allclose(s.W[0], s.W[0, ::-1]))
(True, True)
>>> float(np.abs(s.forward(np.ones((1, 5, 3)))).max())
0.0
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from theorylab._validation import check_int, check_rng
from theorylab.numeric.teachers import check_dtype

__all__ = ["Student", "symmetric_init", "draw_half_init", "mirror", "sphere_on_support", "relu"]


def relu(t: np.ndarray) -> np.ndarray:
    """ϕ(t) = max(t, 0)."""
    return np.maximum(t, 0.0)


def mirror(half: np.ndarray, *, negate: bool = False) -> np.ndarray:
    """Extend the first m neurons (axis -1 for vectors, axis -2 for matrices via ``half[..., ::-1, :]``) to 2m.

    For 1-d per-neuron parameters of shape (..., m): returns (..., 2m) = [half, ±half reversed].

    Examples
    --------
    >>> import numpy as np
    >>> mirror(np.array([1.0, -1.0]), negate=True).tolist()
    [1.0, -1.0, 1.0, -1.0]
    """
    half = np.asarray(half)
    rev = half[..., ::-1]
    return np.concatenate([half, -rev if negate else rev], axis=-1)


def _mirror_rows(half: np.ndarray) -> np.ndarray:
    return np.concatenate([half, half[..., ::-1, :]], axis=-2)


def sphere_on_support(G: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    """Rows of ``G`` zeroed outside ``mask`` and normalised (uniform on the sphere of the support if G is Gaussian).

    A row that is zero on the support (empty J) stays zero.

    Examples
    --------
    >>> import numpy as np
    >>> sphere_on_support(np.array([[3.0, 4.0, 5.0]]), np.array([True, True, False])).tolist()
    [[0.6, 0.8, 0.0]]
    """
    W = np.asarray(G, dtype=float) if not np.issubdtype(np.asarray(G).dtype, np.floating) else np.asarray(G)
    if mask is not None:
        W = np.where(np.asarray(mask, dtype=bool), W, 0.0).astype(W.dtype, copy=False)
    norm = np.linalg.norm(W, axis=-1, keepdims=True)
    return np.divide(W, norm, out=np.zeros_like(W), where=norm > 0)


def draw_half_init(m: int, d: int, rng: np.random.Generator, dtype: Any = "float64") -> tuple[np.ndarray, ...]:
    """Draw (a_half, b_half, G) for one trial in a fixed order: a_j ∈ {±1}, b_j ~ N(0,1), G ~ N(0, I) (m × d).

    The order of the draws is part of the seed contract: a (m signs), then b (m normals), then G (m·d normals).
    """
    dt = check_dtype(dtype)
    a = (2.0 * rng.integers(0, 2, size=m) - 1.0).astype(dt)
    b = rng.standard_normal(m).astype(dt)
    G = rng.standard_normal((m, d)).astype(dt)
    return a, b, G


@dataclass
class Student:
    """A batch of symmetric two-layer ReLU networks.

    Attributes
    ----------
    a : ndarray (trials, 2m)
    W : ndarray (trials, 2m, d)
    b : ndarray (trials, 2m)
    """

    a: np.ndarray
    W: np.ndarray
    b: np.ndarray

    @property
    def m(self) -> int:
        """Half the width."""
        return self.a.shape[-1] // 2

    @property
    def trials(self) -> int:
        return self.a.shape[0]

    def forward(self, X: Any) -> np.ndarray:
        """ŷ for inputs ``X`` of shape (trials, n, d) (or (n, d), broadcast over trials); returns (trials, n).

        Examples
        --------
        >>> import numpy as np
        >>> s = Student(a=np.array([[1.0, -1.0]]), W=np.array([[[1.0, 0.0], [0.0, 1.0]]]), b=np.zeros((1, 2)))
        >>> s.forward(np.array([[[2.0, 1.0]]])).tolist()
        [[1.0]]
        """
        X = np.asarray(X)
        d = self.W.shape[-1]
        if X.shape[-1] < d:
            raise ValueError(f"X must have a last axis of length >= d = {d}, got {X.shape}")
        Z = X[..., :d] @ np.swapaxes(self.W, -1, -2) + self.b[:, None, :]
        return np.einsum("tnj,tj->tn", relu(Z), self.a)


def symmetric_init(
    m: int,
    d: int,
    rng: Any = None,
    *,
    support: Any = None,
    dtype: Any = "float64",
) -> Student:
    """Symmetric initialisation of width 2m for one or several trials.

    Parameters
    ----------
    m : int
        Half the width (the number of distinct neurons).
    d : int
        Input dimension.
    rng : Generator, int, SeedSequence, None, or a sequence of these
        One per trial; a single value gives one trial.
    support : array_like of bool (d,) or (trials, d), optional
        Restrict W to these coordinates (uniform on the sphere of the support). Default: all coordinates.
    dtype : "float64" or "float32"

    Returns
    -------
    Student

    Examples
    --------
    >>> import numpy as np
    >>> s = symmetric_init(3, 5, rng=[1, 2], support=np.array([1, 1, 0, 0, 0], dtype=bool))
    >>> s.W.shape, bool(np.all(s.W[..., 2:] == 0)), bool(np.allclose(np.linalg.norm(s.W, axis=-1), 1))
    ((2, 6, 5), True, True)
    """
    m = check_int(m, "m", minimum=1)
    d = check_int(d, "d", minimum=1)
    dt = check_dtype(dtype)
    rngs = list(rng) if isinstance(rng, Sequence) and not isinstance(rng, str) else [rng]
    gens = [check_rng(r) for r in rngs]
    if support is not None:
        support = np.asarray(support, dtype=bool)
        if support.shape[-1] != d:
            raise ValueError(f"support must have a last axis of length d = {d}, got {support.shape}")
        support = np.broadcast_to(support, (len(gens), d))
    A, B, Wl = [], [], []
    for t, g in enumerate(gens):
        a, b, G = draw_half_init(m, d, g, dt)
        W = sphere_on_support(G, None if support is None else support[t])
        A.append(mirror(a, negate=True))
        B.append(mirror(b))
        Wl.append(_mirror_rows(W))
    return Student(a=np.stack(A), W=np.stack(Wl).astype(dt), b=np.stack(B))
