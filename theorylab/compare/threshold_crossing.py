"""The crossing estimator of n* (THEORY.md §8): the censoring-aware success curve F̂ at the checkpoints,
the point where its log-linear interpolation reaches the level, the Siddiqui–Bloch–Gastwirth spacing standard
error, and the percentile bootstrap over trials (``scipy.stats.bootstrap``).

:func:`theorylab.compare.thresholds.estimate_threshold` validates its input and calls these helpers with
first-success indices (K for a right-censored trial) and ``logn = log(n)``.

Examples
--------
>>> import numpy as np
>>> F = cdf_from_indices(np.array([1, 2, 2, 4]), 4)
>>> F
array([0.  , 0.25, 0.75, 0.75])
>>> round(float(np.exp(crossing_log(F, np.log([100.0, 200.0, 400.0, 800.0]), 0.5)[0])), 6)
282.842712
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from theorylab._limits import format_bytes, limits

__all__ = [
    "SPACING_BANDWIDTH",
    "bootstrap_crossing",
    "cdf_from_indices",
    "check_bootstrap_memory",
    "crossing_log",
    "robust_se",
    "spacing_se",
]

#: Half-width h (in probability) of the spacing used by the Siddiqui–Bloch–Gastwirth standard error.
#: 0.25 is close to Bofinger's bandwidth for a median at 16-64 trials and keeps level ± h inside (0, 1).
SPACING_BANDWIDTH = 0.25


def cdf_from_indices(first_idx: np.ndarray, K: int) -> np.ndarray:
    """F̂ at the checkpoints; ``first_idx`` has shape (..., trials)."""
    idx = np.asarray(first_idx)
    shape, T = idx.shape[:-1], idx.shape[-1]
    rows = idx.reshape(-1, T)
    flat = rows + (K + 1) * np.arange(rows.shape[0])[:, None]
    hist = np.bincount(flat.ravel(), minlength=rows.shape[0] * (K + 1)).reshape(-1, K + 1)
    return (np.cumsum(hist[:, :K], axis=1) / T).reshape(*shape, K)


def crossing_log(F: np.ndarray, logn: np.ndarray, level: float) -> np.ndarray:
    """``log n*`` where the log-linear interpolation of each row of F first reaches ``level``.

    ``+inf`` when a row never reaches it, ``-inf`` when it already exceeds it at the first checkpoint.
    """
    F = np.atleast_2d(F)
    reached = F >= level - 1e-12
    any_reached = reached.any(axis=-1)
    j = np.argmax(reached, axis=-1)
    out = np.full(F.shape[0], np.inf)
    first = any_reached & (j == 0)
    exact_first = first & (np.abs(F[:, 0] - level) <= 1e-12)
    out[first] = -np.inf
    out[exact_first] = logn[0]
    mid = any_reached & (j > 0)
    rows = np.nonzero(mid)[0]
    jj = j[mid]
    f0 = F[rows, jj - 1]
    f1 = F[rows, jj]
    t = np.clip((level - f0) / (f1 - f0), 0.0, 1.0)
    out[mid] = logn[jj - 1] + t * (logn[jj] - logn[jj - 1])
    return out


def _spacing_bandwidth(level: float) -> float:
    return min(SPACING_BANDWIDTH, 0.9 * level, 0.9 * (1.0 - level))


def spacing_se(F: np.ndarray, logn: np.ndarray, level: float, trials: int) -> np.ndarray:
    """Siddiqui–Bloch–Gastwirth standard error of the level-quantile of log T, one per row of F.

    Var(q̂_p) ≈ p(1-p) / (T f(q_p)²) and 1/f(q_p) ≈ (q_{p+h} - q_{p-h}) / (2h).
    """
    h = _spacing_bandwidth(level)
    hi = crossing_log(F, logn, level + h)
    lo = crossing_log(F, logn, level - h)
    with np.errstate(invalid="ignore"):
        se = (hi - lo) / (2 * h) * math.sqrt(level * (1 - level) / trials)
    return np.where(np.isnan(se), np.inf, se)


#: Stands for ±inf inside the bootstrap, so that SciPy's percentile interval (linear interpolation between order
#: statistics) stays defined; any interpolation that involves it lands beyond the grid and is mapped back to ±inf.
_FAR = 1e100


def _to_far(values: np.ndarray) -> np.ndarray:
    return np.clip(values, -_FAR, _FAR)


def _from_far(values: np.ndarray, low: float, high: float) -> np.ndarray:
    """Undo :func:`_to_far` for log n* (finite values lie in [low, high]): beyond the grid means ±inf."""
    v = np.asarray(values, dtype=float).copy()
    v[v > high] = np.inf
    v[v < low] = -np.inf
    return v


def robust_se(dist: np.ndarray) -> float:
    """Half the central 68.27% range of a bootstrap distribution (= sd for a normal one)."""
    p = (1.0 - (stats.norm.cdf(1.0) - stats.norm.cdf(-1.0))) / 2.0
    lo, hi = np.quantile(np.asarray(dist, dtype=float), [p, 1.0 - p], method="inverted_cdf")
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return math.inf
    return float(hi - lo) / 2.0


def check_bootstrap_memory(trials: int, K: int, n_resamples: int) -> None:
    """The bootstrap holds every resample's trial indices and curve at once: refuse what would not fit."""
    need = 8.0 * n_resamples * (trials + 2 * K + 4)
    if need > limits().memory_bytes:
        raise ValueError(
            f"n_resamples: {n_resamples} resamples of {trials} trials need about {format_bytes(need)} of memory, "
            f"more than the limit {format_bytes(limits().memory_bytes)}; use fewer resamples "
            "(or theorylab._limits.set_limits(memory_bytes=...))"
        )


def bootstrap_crossing(
    first_idx: np.ndarray, logn: np.ndarray, level: float, confidence_level: float, n_resamples: int,
    gen: np.random.Generator,
) -> tuple[float, float, np.ndarray, np.ndarray]:
    """``scipy.stats.bootstrap`` over trials of (log n*, its spacing standard error).

    Returns SciPy's own percentile interval of log n* (low, high) and the two bootstrap distributions, with ±inf
    for resamples whose crossing lies outside the grid.
    """
    K, T = logn.size, first_idx.size

    def statistic(i: np.ndarray, axis: int = -1) -> np.ndarray:
        i = np.moveaxis(np.asarray(i), axis, -1)
        shape = i.shape[:-1]
        Fb = cdf_from_indices(first_idx[i.reshape(-1, T)], K)
        out = np.stack([crossing_log(Fb, logn, level), spacing_se(Fb, logn, level, T)])
        return _to_far(out.reshape((2, *shape)))

    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        res = stats.bootstrap(
            (np.arange(T),),
            statistic,
            n_resamples=n_resamples,
            vectorized=True,
            method="percentile",
            confidence_level=confidence_level,
            rng=gen,
        )
    boot_far, spacing_far = np.asarray(res.bootstrap_distribution, dtype=float)
    boot = _from_far(boot_far, logn[0], logn[-1])
    boot_spacing = np.where(spacing_far >= _FAR, np.inf, spacing_far)
    ends = np.array([res.confidence_interval.low[0], res.confidence_interval.high[0]], dtype=float)
    if np.isnan(ends).any():  # a resample without a crossing (a flat curve exactly at the level) is NaN: SciPy's
        # percentile interval is then NaN; take the same percentiles over the resamples that have one
        alpha = (1.0 - confidence_level) / 2.0
        ends = np.nanpercentile(boot_far, [100 * alpha, 100 * (1 - alpha)])
    lo, hi = _from_far(ends, logn[0], logn[-1])  # the stand-ins for ±inf mapped back
    return float(lo), float(hi), boot, boot_spacing
