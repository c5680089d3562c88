"""The comparison pruning strategies (not the paper's Algorithm 1), behind the streaming-pruner interface of
:func:`theorylab.numeric.pruning.make_pruner`: ``augment``, ``update(X, y)`` and ``result() -> PruneResult``.

* :class:`FixedPruner`: a fixed set J (``"oracle"``, ``"random"``, ``"none"``);
* :class:`HermitePruner`: coordinate screening by |(1/n) Σ_l y_l He_k(x_{l,i})|, top M (``"hermite"``);
* :class:`MagnitudePruner`: the top-M coordinates by Σ_j W_ji² after one dense first-layer step from a
  symmetric initialisation (``"magnitude"``).

Examples
--------
>>> import numpy as np
>>> p = FixedPruner(4, np.array([2, 0]), "oracle")
>>> p.update(np.zeros((3, 4)), np.zeros(3))
>>> p.result().J.tolist(), p.result().n
([0, 2], 3)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from theorylab.numeric.prune_result import PruneResult, top_m_indices
from theorylab.numeric.teachers import check_dtype

__all__ = ["FixedPruner", "HermitePruner", "MagnitudePruner"]


class FixedPruner:
    """A fixed set of coordinates J, whatever the data (``"oracle"``, ``"random"``, ``"none"``)."""

    augment = False

    def __init__(self, d: int, J: np.ndarray, strategy: str) -> None:
        self.d, self.n, self.strategy = d, 0, strategy
        self.J = np.sort(np.asarray(J, dtype=np.int64))

    def update(self, X: np.ndarray, y: np.ndarray) -> None:
        self.n += len(y)

    def result(self) -> PruneResult:
        return PruneResult(J=self.J.copy(), d=self.d, n=self.n, strategy=self.strategy)


class HermitePruner:
    """The top-M coordinates by |(1/n) Σ_l y_l He_k(x_{l,i})| (``"hermite"``)."""

    augment = False

    def __init__(self, d: int, M: int, k: int, dtype: Any) -> None:
        self.d, self.M, self.k, self.n = d, M, k, 0
        self.S = np.zeros(d)
        self.coef = np.zeros(k + 1)
        self.coef[k] = 1.0
        self.dtype = check_dtype(dtype)

    def update(self, X: np.ndarray, y: np.ndarray) -> None:
        from numpy.polynomial.hermite_e import hermeval

        Xd = np.asarray(X)[:, : self.d]
        self.S += np.asarray(y, dtype=float) @ hermeval(Xd, self.coef)
        self.n += len(y)

    def result(self) -> PruneResult:
        if self.n == 0:
            raise ValueError("n: no samples were added")
        score = np.abs(self.S / self.n)
        J = np.sort(top_m_indices(score, self.M))
        return PruneResult(J=J, d=self.d, n=self.n, strategy="hermite", scores={"score": score})


class MagnitudePruner:
    """The top-M coordinates by Σ_j W_ji² after one dense first-layer step (``"magnitude"``)."""

    augment = False

    def __init__(self, d: int, m: int, M: int, rng: np.random.Generator, dtype: Any) -> None:
        from theorylab.numeric.students import draw_half_init, sphere_on_support

        self.d, self.m, self.M, self.n = d, m, M, 0
        self.dtype = check_dtype(dtype)
        a, b, G = draw_half_init(m, d, rng, self.dtype)
        self.a, self.b = a.astype(float), b.astype(float)
        self.W0 = sphere_on_support(G, None).astype(self.dtype)
        self.g = np.zeros((d, m))

    def update(self, X: np.ndarray, y: np.ndarray) -> None:
        Xd = np.asarray(X, dtype=self.dtype)[:, : self.d]
        Z = Xd @ self.W0.T + self.b.astype(self.dtype)
        H = (Z > 0) * np.asarray(y, dtype=self.dtype)[:, None]
        self.g += Xd.T @ H
        self.n += len(y)

    def result(self) -> PruneResult:
        if self.n == 0:
            raise ValueError("n: no samples were added")
        W1 = (self.a[:, None] * self.g.T) / self.n  # one dense step, η₁ = 1 (the scale does not matter)
        score = np.sum(W1**2, axis=0)
        J = np.sort(top_m_indices(score, self.M))
        return PruneResult(J=J, d=self.d, n=self.n, strategy="magnitude", scores={"score": score})
