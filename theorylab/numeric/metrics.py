"""Metrics of a trained student and the success criterion that turns them into a yes/no per trial.

* **alignment** of a first-layer neuron w with span(V): ‖Vᵀw‖₂ / ‖w‖₂ ∈ [0, 1] (for r = 1: |⟨v, w⟩|/‖w‖).
  A zero neuron has alignment 0.
* **subspace coverage** (r >= 2): the cosine of the largest principal angle between span(V) and the span of
  the top-r right singular vectors of the first-layer matrix W (neurons × d), i.e. the smallest singular
  value of Vᵀ Q_W. It is 1 when the neurons' leading r-dimensional span is span(V) and 0 when it misses a
  direction of span(V) entirely. For r = 1 it is the alignment of W's leading singular direction.
* **excess risk**: E[(ŷ(x) - σ*(Vᵀx))²] estimated on fresh samples; since the noise ε is independent of x and
  centred, this equals E[(ŷ - y)²] - E[ε²] (THEORY §1) with less variance.
* **support recall**: ‖V|_J‖_F² / r, the part of V's energy on the kept coordinates J.

The default success criterion (THEORY §11) is: the median neuron's alignment is >= 0.5 (r = 1); for r >= 2
the subspace coverage is >= 0.5.

Examples
--------
>>> import numpy as np
>>> V = np.eye(3)[:, :1]
>>> W = np.array([[1.0, 1.0, 0.0], [0.0, 1.0, 0.0]])
>>> alignment(W, V).round(4).tolist()
[0.7071, 0.0]
>>> SuccessCriterion().key
'alignment_median'
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from theorylab._validation import check_choice, check_int, check_real

__all__ = [
    "alignment",
    "alignment_summary",
    "subspace_coverage",
    "excess_risk",
    "support_recall",
    "SuccessCriterion",
    "default_criterion",
    "METRICS",
]

#: Names of the per-trial metrics :func:`theorylab.numeric.simulate.simulate` reports.
METRICS = (
    "alignment_max",
    "alignment_median",
    "alignment_mean",
    "alignment_min",
    "alignment_frac",
    "coverage",
    "support_recall",
    "J_size",
    "excess_risk",
)

_AGGREGATIONS = ("median", "max", "mean", "min", "frac")
_BASE_METRICS = ("alignment", "coverage", "excess_risk", "support_recall")


_ORTHONORMAL_ATOL = 1e-6


def _as_V(V: Any, d: int, *, orthonormal: bool = True) -> np.ndarray:
    try:
        V = np.asarray(V, dtype=float)
    except (TypeError, ValueError):
        raise TypeError("V must be a real array of shape (..., d, r)") from None
    if V.ndim == 1:
        V = V[:, None]
    if V.ndim < 2 or V.shape[-2] != d:
        raise ValueError(f"V must have shape (..., d, r) with d = {d}, got {V.shape}")
    if not np.all(np.isfinite(V)):
        raise ValueError("V must be finite")
    if orthonormal and V.size:
        gram = np.swapaxes(V, -1, -2) @ V
        err = float(np.max(np.abs(gram - np.eye(V.shape[-1]))))
        if err > _ORTHONORMAL_ATOL:
            raise ValueError(
                f"V must have orthonormal columns: max |VᵀV - I| = {err:.3g} exceeds {_ORTHONORMAL_ATOL:g}"
            )
    return V


def _as_W(W: Any) -> np.ndarray:
    try:
        W = np.asarray(W, dtype=float)
    except (TypeError, ValueError):
        raise TypeError("W must be a real array of shape (..., neurons, d)") from None
    if W.ndim < 2:
        raise ValueError(f"W must have shape (..., neurons, d), got {W.shape}")
    return W


def alignment(W: Any, V: Any) -> np.ndarray:
    """‖Vᵀw‖/‖w‖ for every neuron w (row of ``W``).

    Parameters
    ----------
    W : array_like, shape (..., neurons, d)
    V : array_like, shape (d, r), (d,) or batched (..., d, r) matching W's leading axes

    Returns
    -------
    ndarray, shape (..., neurons), values in [0, 1] (0 for zero neurons, NaN for a neuron with a
    non-finite weight, e.g. a diverged run)

    Raises
    ------
    ValueError
        When V's columns are not orthonormal (max |VᵀV - I| > 1e-6): the ratio is then not an alignment.

    Examples
    --------
    >>> import numpy as np
    >>> float(alignment(np.array([[3.0, 4.0]]), np.array([1.0, 0.0]))[0])
    0.6
    """
    W = _as_W(W)
    V = _as_V(V, W.shape[-1])
    bad = ~np.all(np.isfinite(W), axis=-1)
    Wf = np.where(bad[..., None], 0.0, W)
    proj = Wf @ V  # (..., neurons, r)
    num = np.linalg.norm(proj, axis=-1)
    den = np.linalg.norm(Wf, axis=-1)
    out = np.zeros_like(num)
    np.divide(num, den, out=out, where=den > 0)
    out = np.minimum(out, 1.0)  # rounding only: V is orthonormal, so ‖Vᵀw‖ <= ‖w‖
    return np.where(bad, np.nan, out)


def alignment_summary(align: Any, level: float = 0.5) -> dict[str, np.ndarray]:
    """Aggregate per-neuron alignments over the neuron axis (the last axis).

    Returns ``alignment_max``, ``alignment_median``, ``alignment_mean``, ``alignment_min`` and
    ``alignment_frac`` (the fraction of neurons with alignment >= ``level``).

    Examples
    --------
    >>> s = alignment_summary([[0.1, 0.6, 0.9]])
    >>> float(s["alignment_median"][0]), round(float(s["alignment_frac"][0]), 4)
    (0.6, 0.6667)
    """
    a = np.asarray(align, dtype=float)
    level = check_real(level, "level", low=0.0, high=1.0)
    return {
        "alignment_max": a.max(axis=-1),
        "alignment_median": np.median(a, axis=-1),
        "alignment_mean": a.mean(axis=-1),
        "alignment_min": a.min(axis=-1),
        "alignment_frac": (a >= level).mean(axis=-1),
    }


def subspace_coverage(W: Any, V: Any) -> np.ndarray:
    """Cosine of the largest principal angle between span(V) and the top-r right singular span of W.

    Parameters
    ----------
    W : array_like, shape (..., neurons, d)
    V : array_like, shape (d, r) or (..., d, r)

    Returns
    -------
    ndarray, shape (...,), in [0, 1]. 0 when W has fewer than r neurons or is zero; NaN when W has a
    non-finite entry. V must have orthonormal columns (ValueError otherwise).

    Examples
    --------
    >>> import numpy as np
    >>> V = np.eye(4)[:, :2]
    >>> W = np.array([[1.0, 0, 0, 0], [0, 1.0, 0, 0], [1.0, 1.0, 0, 0]])
    >>> round(float(subspace_coverage(W, V)), 6)
    1.0
    >>> round(float(subspace_coverage(W[:, [0, 2, 1, 3]], V)), 6)
    0.0
    """
    W = _as_W(W)
    V = _as_V(V, W.shape[-1])
    r = V.shape[-1]
    if W.shape[-2] < r:
        return np.zeros(W.shape[:-2])
    bad = ~np.all(np.isfinite(W), axis=(-2, -1))
    if np.any(bad):
        W = np.where(bad[..., None, None], 0.0, W)
    _, svals, vt = np.linalg.svd(W, full_matrices=False)
    Q = np.swapaxes(vt[..., :r, :], -1, -2)  # (..., d, r)
    cos = np.linalg.svd(np.swapaxes(V, -1, -2) @ Q, compute_uv=False)  # (..., r)
    out = np.clip(cos.min(axis=-1), 0.0, 1.0)
    # a rank-deficient W has no r-dimensional span: coverage 0
    tol = svals[..., :1] * max(W.shape[-2:]) * np.finfo(float).eps
    deficient = np.any(svals[..., :r] <= np.maximum(tol, 1e-300), axis=-1)
    return np.where(bad, np.nan, np.where(deficient, 0.0, out))


def excess_risk(pred: Any, target: Any) -> np.ndarray:
    """Mean squared difference over the last axis: the Monte Carlo estimate of E[(ŷ - σ*)²].

    Examples
    --------
    >>> float(excess_risk([1.0, 2.0], [0.0, 0.0]))
    2.5
    """
    p = np.asarray(pred, dtype=float)
    t = np.asarray(target, dtype=float)
    if p.shape[-1:] != t.shape[-1:]:
        raise ValueError(f"pred and target must share the sample axis, got {p.shape} and {t.shape}")
    return np.mean((p - t) ** 2, axis=-1)


def support_recall(J_mask: Any, V: Any) -> np.ndarray:
    """‖V|_J‖_F² / r for a boolean mask of kept coordinates (shape (..., d)).

    Examples
    --------
    >>> import numpy as np
    >>> v = np.array([0.6, 0.8, 0.0])
    >>> round(float(support_recall([True, False, True], v)), 6)
    0.36
    """
    mask = np.asarray(J_mask, dtype=bool)
    V = _as_V(V, mask.shape[-1])
    energy = np.sum(V**2, axis=-1)  # (..., d)
    return np.sum(np.where(mask, energy, 0.0), axis=-1) / V.shape[-1]


@dataclass(frozen=True)
class SuccessCriterion:
    """When a trial counts as a success.

    Parameters
    ----------
    metric : {"alignment", "coverage", "excess_risk", "support_recall"}, default "alignment"
    threshold : float, default 0.5
        Success means ``value >= threshold`` (``value <= threshold`` for ``"excess_risk"``).
    aggregation : {"median", "max", "mean", "min", "frac"}, default "median"
        How the per-neuron alignments are reduced (only for ``metric="alignment"``; ``"frac"`` is the fraction
        of neurons with alignment >= 0.5). Ignored for the other metrics.

    Examples
    --------
    >>> import numpy as np
    >>> c = SuccessCriterion("alignment", 0.5, "median")
    >>> c.evaluate({"alignment_median": np.array([0.4, 0.5])}).tolist()
    [False, True]
    >>> SuccessCriterion("excess_risk", 0.2).key, SuccessCriterion("excess_risk", 0.2).needs_risk
    ('excess_risk', True)
    >>> SuccessCriterion("accuracy")
    Traceback (most recent call last):
    ...
    ValueError: unknown metric 'accuracy'; choose one of 'alignment', 'coverage', 'excess_risk', 'support_recall'
    """

    metric: str = "alignment"
    threshold: float = 0.5
    aggregation: str = "median"

    def __post_init__(self) -> None:
        check_choice(self.metric, "metric", _BASE_METRICS)
        check_choice(self.aggregation, "aggregation", _AGGREGATIONS)
        if self.metric == "excess_risk":
            check_real(self.threshold, "threshold", low=0.0, low_open=True)
        else:
            check_real(self.threshold, "threshold", low=0.0, high=1.0)

    @property
    def key(self) -> str:
        """The name of the metric in ``SimulationResult.metrics`` this criterion reads."""
        return f"alignment_{self.aggregation}" if self.metric == "alignment" else self.metric

    @property
    def needs_risk(self) -> bool:
        """Whether the criterion needs the ridge second layer and a test set."""
        return self.metric == "excess_risk"

    @property
    def lower_is_better(self) -> bool:
        return self.metric == "excess_risk"

    def evaluate(self, metrics: dict[str, Any]) -> np.ndarray:
        """Boolean success array from a metrics dict (NaN values count as failures)."""
        if self.key not in metrics:
            raise ValueError(f"metrics: no entry {self.key!r} (have {sorted(metrics)})")
        v = np.asarray(metrics[self.key], dtype=float)
        with np.errstate(invalid="ignore"):
            ok = v <= self.threshold if self.lower_is_better else v >= self.threshold
        return ok & np.isfinite(v)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def default_criterion(r: int = 1) -> SuccessCriterion:
    """THEORY §11's default: median neuron alignment >= 0.5 (r = 1); subspace coverage >= 0.5 (r >= 2).

    Examples
    --------
    >>> default_criterion(2).key
    'coverage'
    """
    r = check_int(r, "r", minimum=1)
    return SuccessCriterion("alignment", 0.5, "median") if r == 1 else SuccessCriterion("coverage", 0.5)
