"""What a pruning strategy returns (:class:`PruneResult`) and the ranking every strategy uses (:func:`top_m_indices`).

Examples
--------
>>> import numpy as np
>>> PruneResult(J=np.array([1, 3]), d=4, n=10, strategy="oracle").mask.tolist()
[False, True, False, True]
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["PruneResult", "top_m_indices"]


def top_m_indices(values: np.ndarray, M: int) -> np.ndarray:
    """Indices of the M largest entries of a 1-d array, ties towards the lower index.

    Examples
    --------
    >>> top_m_indices(np.array([1.0, 3.0, 3.0, 0.5]), 2).tolist()
    [1, 2]
    """
    values = np.asarray(values)
    return np.argsort(-values, kind="stable")[: min(M, values.size)]


@dataclass
class PruneResult:
    """The output of a pruning strategy.

    Attributes
    ----------
    J : ndarray of int
        Kept coordinates, sorted, in {0, ..., d-1}.
    d : int
        The original dimension.
    n : int
        Samples used.
    strategy : str
    parts : dict
        For ``"paper"``: ``"line3"``, ``"plus"``, ``"minus"`` (index arrays in {0, ..., d}, the augmented index
        d included if it was selected).
    scores : dict
        For ``"paper"``: ``"norms_plus"``, ``"norms_minus"`` (shape (d+1,), the truncated squared Frobenius
        norms ‖∇̃R^±(ẽ_i)‖_F²) and ``"grad_minus_ed"`` (∇_j R^-(ẽ_d) of the line-3 neuron, untruncated);
        for ``"hermite"``/``"magnitude"``: ``"score"`` (shape (d,)).
    """

    J: np.ndarray
    d: int
    n: int
    strategy: str
    parts: dict[str, np.ndarray] = field(default_factory=dict)
    scores: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def mask(self) -> np.ndarray:
        """Boolean mask of J over the d original coordinates."""
        mk = np.zeros(self.d, dtype=bool)
        mk[self.J] = True
        return mk

