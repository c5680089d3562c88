"""The paper's two-layer ReLU student with symmetric initialisation (THEORY §5; paper eqs. (2.1)-(2.2)).

ŷ(x) = Σ_{j=1}^{2m} a_j ϕ(⟨W_j, x⟩ + b_j), ϕ = ReLU. Neurons come in mirrored pairs (j, j') with
j' = 2m - 1 - j (0-based; the paper's 2m - j + 1, 1-based): a_{j'} = -a_j, W_{j'} = W_j, b_{j'} = b_j, so the
network outputs 0 at initialisation. For j < m: a_j ~ Unif{±1}, b_j ~ N(0, 1), and W_j is uniform on the unit
sphere, restricted to a coordinate set J when one is given (the paper's (INIT): a standard Gaussian vector,
zeroed outside J and normalised).

The draws of the first m neurons come from :func:`draw_half_init` (in a fixed order, part of the seed contract);
the learners (:mod:`theorylab.numeric.training`, :mod:`theorylab.numeric.pruning`) mirror them where they use
them, and :func:`theorylab.numeric.reference.symmetric_pairs` states the mirroring in plain Python.

Examples
--------
>>> import numpy as np
>>> a, b, G = draw_half_init(2, 3, np.random.default_rng(0))
>>> a.shape, b.shape, G.shape, set(a.tolist()) <= {-1.0, 1.0}
((2,), (2,), (2, 3), True)
>>> W = sphere_on_support(G, np.array([True, False, True]))
>>> bool(np.allclose(np.linalg.norm(W, axis=-1), 1.0)), bool(np.all(W[:, 1] == 0))
(True, True)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from theorylab.numeric.teachers import check_dtype

__all__ = ["draw_half_init", "sphere_on_support", "relu"]


def relu(t: np.ndarray) -> np.ndarray:
    """ϕ(t) = max(t, 0)."""
    return np.maximum(t, 0.0)


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
