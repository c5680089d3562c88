"""Sample-complexity thresholds n*(d) from per-trial success-vs-n curves (THEORY.md §8).

For one dimension d, a simulation gives a grid of sample sizes ``n`` (checkpoints, increasing) and a
boolean matrix ``success`` (trials × checkpoints). The threshold n* is the sample size at which the
success probability reaches ``level`` (½ by default).

First-success times and censoring
---------------------------------
Each trial gets a first-success time ``T_i``: with ``rule="sustained"`` (default) the first checkpoint
from which the trial succeeds at *every* later checkpoint, so a non-monotone curve (a success, then a
failure, then successes again) counts from its last failure on; with ``rule="first"`` the first
checkpoint at which it succeeds at all. A trial that has not succeeded (``"sustained"``: fails at the
last checkpoint) is **right-censored** at ``n[-1]``: its first success lies beyond the grid. Censored
trials are never dropped and never set to ``n[-1]``. All trials share the grid, so the censoring is
administrative at ``n[-1]`` and the Kaplan–Meier estimate of ``F(n) = P(T <= n)`` at the checkpoints is
the fraction of *all* trials (censored ones in the denominator) whose first success is ``<= n``.

Two estimators of n*
--------------------
``method="crossing"``
    ``F̂`` is interpolated linearly in ``log n`` between checkpoints (first successes are taken uniform in
    ``log n`` inside the grid cell where they were seen) and n* is the first point where it reaches
    ``level``. The interval is a percentile bootstrap over trials (``scipy.stats.bootstrap`` over trial
    indices, vectorised).
``method="logistic"``
    ``log T`` is modelled as logistic with location ``mu`` and scale ``s``, i.e.
    ``P(success | n) = expit((log n - mu) / s)``, fitted by maximum likelihood to the interval-censored
    first-success times (a trial seen first at ``n[j]`` contributes ``F(n[j]) - F(n[j-1])``; a censored
    one ``1 - F(n[-1])``). Trials are independent, so the Fisher information is valid; the pairs
    (trial, checkpoint) are not, which is why the Bernoulli likelihood over all pairs is not used.
    ``log n* = mu + s·logit(level)``; the interval is Wald on ``log n*`` (delta method, observed
    information).

If ``F̂`` never reaches ``level`` the threshold is not a number: ``threshold`` is NaN, ``censored`` is
True and ``bound = n[-1]`` is a lower bound (n* > n[-1]). If ``F̂(n[0]) > level`` it is below the grid:
``below_grid`` is True and ``bound = n[0]`` is an upper bound.

Examples
--------
>>> import numpy as np
>>> n = np.array([100, 200, 400, 800])
>>> success = np.array([[0, 1, 1, 1], [0, 0, 1, 1], [0, 0, 1, 1], [0, 0, 0, 1]], dtype=bool)
>>> res = estimate_threshold(n, success, rng=0)
>>> res.success_probability
array([0.  , 0.25, 0.75, 1.  ])
>>> round(res.threshold, 6)   # F̂ = 0.5 halfway (in log n) between 200 and 400
282.842712
"""

from __future__ import annotations

import math
import warnings
from collections import namedtuple
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import special, stats

from theorylab._display import ShortRepr
from theorylab._limits import check_resamples
from theorylab._validation import (
    check_choice,
    check_grid,
    check_int,
    check_probability,
    check_real,
    check_rng,
)
from theorylab.compare.threshold_crossing import SPACING_BANDWIDTH as SPACING_BANDWIDTH
from theorylab.compare.threshold_crossing import (
    bootstrap_crossing,
    cdf_from_indices,
    check_bootstrap_memory,
    crossing_log,
    robust_se,
    spacing_se,
)
from theorylab.compare.threshold_logistic import LogisticFit, fit_logistic

__all__ = [
    "ConfidenceInterval",
    "CensoredThresholdWarning",
    "LogisticFit",
    "ThresholdResult",
    "first_success",
    "estimate_threshold",
    "refine_grid",
]

#: ``(low, high)``, the same shape as ``scipy.stats.bootstrap(...).confidence_interval``.
ConfidenceInterval = namedtuple("ConfidenceInterval", ["low", "high"])

_METHODS = ("crossing", "logistic")
_RULES = ("sustained", "first")
#: Default number of bootstrap resamples (percentile intervals; 1999 keeps the Monte Carlo error of a
#: 2.5% quantile near 0.35 percentage points).
DEFAULT_RESAMPLES = 1999


class CensoredThresholdWarning(UserWarning):
    """A threshold lies outside the simulated grid (censored) or could not be identified."""


@dataclass(frozen=True, repr=False)
class ThresholdResult(ShortRepr):
    """The estimated threshold n* at one dimension.

    Attributes
    ----------
    threshold : float
        n* (NaN when it lies outside the grid, see ``censored`` / ``below_grid``).
    confidence_interval : ConfidenceInterval
        ``(low, high)`` for n*; ``high`` may be ``inf`` when resamples do not reach the level.
    confidence_level : float
    censored : bool
        True when the level is not reached by ``n[-1]``: then n* > ``bound`` = ``n[-1]``.
    below_grid : bool
        True when the level is already exceeded at ``n[0]``: then n* <= ``bound`` = ``n[0]``.
    bound : float
        The bound described above, NaN when the threshold is a number.
    n_censored : int
        Number of right-censored trials (no first success within the grid). They are kept.
    n_trials : int
    level : float
    method : str
    se_log_threshold : float
        Standard error of ``log n*`` (bootstrap: half the 15.9–84.1% range; logistic: delta method).
    success_probability : ndarray
        ``F̂`` at the checkpoints (fraction of all trials whose first success is <= n).
    n : ndarray
        The checkpoints.
    spacing_se : float
        Siddiqui–Bloch–Gastwirth standard error of ``log n*`` from the spacing of the crossings at
        ``level ± h`` (``h = SPACING_BANDWIDTH``, capped inside (0, 1)):
        ``(log n*_{level+h} - log n*_{level-h}) / (2h) · sqrt(level (1 - level) / trials)``; ``inf`` when
        one of those crossings lies outside the grid. The exponent fit weights points by it.
    bootstrap_distribution : ndarray or None
        ``log n*`` of each bootstrap resample (``±inf`` for resamples outside the grid).
    bootstrap_spacing_se : ndarray or None
        ``spacing_se`` recomputed in each bootstrap resample (paired with ``bootstrap_distribution``).
    logistic : LogisticFit or None
    """

    threshold: float
    confidence_interval: ConfidenceInterval
    confidence_level: float
    censored: bool
    below_grid: bool
    bound: float
    n_censored: int
    n_trials: int
    level: float
    method: str
    se_log_threshold: float
    success_probability: np.ndarray
    n: np.ndarray
    spacing_se: float = math.nan
    bootstrap_distribution: np.ndarray | None = None
    bootstrap_spacing_se: np.ndarray | None = None
    logistic: LogisticFit | None = None

    @property
    def is_estimate(self) -> bool:
        """True when ``threshold`` is a number (neither censored nor below the grid)."""
        return not (self.censored or self.below_grid)

    @property
    def log_threshold(self) -> float:
        """``log n*`` (``+inf`` when censored, ``-inf`` when below the grid)."""
        if self.censored:
            return math.inf
        if self.below_grid:
            return -math.inf
        return math.log(self.threshold)

    def _summary(self) -> dict[str, Any]:
        return {"threshold": self.threshold, "interval": tuple(self.confidence_interval),
                "level": self.level, "censored": self.censored, "below_grid": self.below_grid,
                "bound": self.bound, "n_censored": self.n_censored, "n_trials": self.n_trials,
                "checkpoints": self.n, "method": self.method}

    def __str__(self) -> str:
        lo, hi = self.confidence_interval
        if self.censored:
            core = f"n* > {self.bound:g} (censored: level {self.level:g} not reached)"
        elif self.below_grid:
            core = f"n* <= {self.bound:g} (below the grid)"
        else:
            core = f"n* = {self.threshold:.4g}"
        return (
            f"{core}, {100 * self.confidence_level:g}% CI [{lo:.4g}, {hi:.4g}], "
            f"{self.n_censored}/{self.n_trials} trials censored ({self.method})"
        )


# --------------------------------------------------------------------------------------------------
# validation


def _check_success(success: Any, n_checkpoints: int, name: str = "success") -> np.ndarray:
    arr = np.asarray(success)
    if arr.dtype != bool:
        if arr.dtype.kind in "iuf" and np.all(np.isin(arr, (0, 1))):
            arr = arr.astype(bool)
        else:
            raise TypeError(f"{name} must be a boolean array (trials x checkpoints), got dtype {arr.dtype}")
    if arr.ndim != 2:
        raise ValueError(f"{name} must have shape (trials, checkpoints), got {arr.ndim} dimensions")
    if arr.shape[1] != n_checkpoints:
        raise ValueError(
            f"{name} must have one column per checkpoint of n: got {arr.shape[1]} columns for "
            f"{n_checkpoints} checkpoints"
        )
    if arr.shape[0] < 2:
        raise ValueError(f"{name} must have at least 2 trials (rows) to resample, got {arr.shape[0]}")
    return arr


# --------------------------------------------------------------------------------------------------
# first-success times


def _first_success_index(success: np.ndarray, rule: str) -> np.ndarray:
    """Index of each trial's first success (K = number of checkpoints when censored)."""
    K = success.shape[1]
    if rule == "first":
        hit = success.any(axis=1)
        return np.where(hit, np.argmax(success, axis=1), K)
    # sustained: one past the last failure (K when the last checkpoint fails)
    fail = ~success
    any_fail = fail.any(axis=1)
    last_fail = K - 1 - np.argmax(fail[:, ::-1], axis=1)
    return np.where(any_fail, last_fail + 1, 0)


def first_success(n: Any, success: Any, *, rule: str = "sustained") -> np.ndarray:
    """Per-trial first-success sample size; ``inf`` for right-censored trials.

    Parameters
    ----------
    n : array_like, shape (K,)
        Checkpoints, strictly increasing, positive.
    success : array_like of bool, shape (trials, K)
    rule : {"sustained", "first"}
        ``"sustained"``: first checkpoint from which the trial succeeds at every later checkpoint;
        ``"first"``: first checkpoint at which it succeeds.

    Returns
    -------
    ndarray of float, shape (trials,)

    Examples
    --------
    >>> first_success([10, 20, 40], [[0, 1, 1], [1, 0, 1], [0, 0, 0]])
    array([20., 40., inf])
    >>> first_success([10, 20, 40], [[0, 1, 1], [1, 0, 1], [0, 0, 0]], rule="first")
    array([20., 10., inf])
    """
    grid = check_grid(n)
    succ = _check_success(success, grid.size)
    rule = check_choice(rule, "rule", _RULES)
    idx = _first_success_index(succ, rule)
    ext = np.append(grid, np.inf)
    return ext[idx]


def _exp(x: float) -> float:
    """exp that returns inf instead of raising OverflowError (nan stays nan)."""
    return math.inf if x > 709.0 else math.exp(x)



# --------------------------------------------------------------------------------------------------
# public estimators


def _logistic_threshold(first_idx: np.ndarray, logn: np.ndarray, level: float) -> tuple[LogisticFit, float, float]:
    """The logistic model's log n* at ``level`` and its delta-method standard error."""
    logistic, identified = fit_logistic(first_idx, logn)
    if not identified:
        warnings.warn(
            "the logistic scale is not identified by these curves (first successes too concentrated "
            "in one grid cell, or too few crossings); use method='crossing' or refine_grid",
            CensoredThresholdWarning,
            stacklevel=3,
        )
    logit = float(special.logit(level))
    g = np.array([1.0, logit])
    var = float(g @ logistic.covariance @ g)
    return logistic, logistic.location + logistic.scale * logit, math.sqrt(var) if var >= 0 else math.nan


def estimate_threshold(
    n: Any,
    success: Any,
    *,
    level: float = 0.5,
    method: str = "crossing",
    rule: str = "sustained",
    confidence_level: float = 0.95,
    n_resamples: int = DEFAULT_RESAMPLES,
    rng: Any = None,
) -> ThresholdResult:
    """Estimate n*, the sample size at which the success probability reaches ``level``.

    Parameters
    ----------
    n : array_like, shape (K,)
        Checkpoints (sample sizes), strictly increasing and positive.
    success : array_like of bool, shape (trials, K)
        ``success[i, j]``: trial i succeeded at ``n[j]``. At least 2 trials.
    level : float in (0, 1), default 0.5
        Success probability that defines the threshold.
    method : {"crossing", "logistic"}
        Nonparametric crossing of the censoring-aware success curve with a bootstrap interval, or the
        maximum-likelihood logistic model of ``log T`` with a Fisher-information interval (see the
        module docstring).
    rule : {"sustained", "first"}
        How a non-monotone trial's first success is defined (see :func:`first_success`).
    confidence_level : float in (0, 1), default 0.95
    n_resamples : int >= 1
        Bootstrap resamples over trials (``method="crossing"``).
    rng : None, int, SeedSequence or numpy Generator
        Randomness of the bootstrap.

    Returns
    -------
    ThresholdResult

    Examples
    --------
    >>> import numpy as np
    >>> n = np.geomspace(100, 1600, 5)
    >>> success = np.array([[0, 0, 1, 1, 1]] * 3 + [[0, 0, 0, 0, 0]] * 5, dtype=bool)
    >>> res = estimate_threshold(n, success, rng=0)   # 5 of 8 trials never succeed
    >>> res.censored, res.bound, res.n_censored
    (True, 1600.0, 5)
    >>> str(res).startswith("n* > 1600 (censored")
    True
    """
    grid = check_grid(n)
    succ = _check_success(success, grid.size)
    level = check_probability(level, "level")
    method = check_choice(method, "method", _METHODS)
    rule = check_choice(rule, "rule", _RULES)
    confidence_level = check_probability(confidence_level, "confidence_level")
    n_resamples = check_resamples(n_resamples)
    if method == "crossing":
        check_bootstrap_memory(succ.shape[0], grid.size, n_resamples)
    gen = check_rng(rng)

    K = grid.size
    logn = np.log(grid)
    first_idx = _first_success_index(succ, rule)
    T = first_idx.size
    F = cdf_from_indices(first_idx, K)
    log_star = float(crossing_log(F[None, :], logn, level)[0])
    censored = log_star == math.inf
    below = log_star == -math.inf
    bound = grid[-1] if censored else (grid[0] if below else math.nan)
    n_censored = int(np.count_nonzero(first_idx == K))

    boot = None
    boot_spacing = None
    logistic = None
    spacing = float(spacing_se(F[None, :], logn, level, T)[0])
    if method == "crossing":
        lo, hi, boot, boot_spacing = bootstrap_crossing(first_idx, logn, level, confidence_level, n_resamples, gen)
        se = robust_se(boot)
        threshold = math.nan if (censored or below) else math.exp(log_star)
        ci = ConfidenceInterval(math.exp(lo), math.exp(hi))
    else:
        logistic, log_model, se = _logistic_threshold(first_idx, logn, level)
        z = float(stats.norm.ppf(0.5 + confidence_level / 2))
        threshold = math.nan if (censored or below) else _exp(log_model)
        if censored:  # every fitted location is beyond the grid: only the bound is known
            ci = ConfidenceInterval(float(grid[-1]), math.inf)
        elif below:
            ci = ConfidenceInterval(0.0, float(grid[0]))
        else:
            ci = ConfidenceInterval(_exp(log_model - z * se), _exp(log_model + z * se))

    return ThresholdResult(
        threshold=float(threshold),
        confidence_interval=ConfidenceInterval(float(ci[0]), float(ci[1])),
        confidence_level=confidence_level,
        censored=bool(censored),
        below_grid=bool(below),
        bound=float(bound),
        n_censored=n_censored,
        n_trials=T,
        level=level,
        method=method,
        se_log_threshold=float(se),
        success_probability=F,
        n=grid,
        spacing_se=spacing,
        bootstrap_distribution=boot,
        bootstrap_spacing_se=boot_spacing,
        logistic=logistic,
    )


def refine_grid(
    n: Any,
    success: Any,
    *,
    level: float = 0.5,
    num: int = 8,
    extend: float = 4.0,
    rule: str = "sustained",
    confidence_level: float = 0.95,
    n_resamples: int = DEFAULT_RESAMPLES,
    rng: Any = None,
) -> np.ndarray:
    """New sample sizes to simulate so that the grid is fine around the threshold.

    The window is the grid cell where ``F̂`` crosses ``level``, widened to the threshold's confidence
    interval and clipped to ``[n[0], n[-1]]``. When fewer than ``num`` checkpoints lie strictly inside it,
    ``num`` geometrically spaced integers inside it (minus those already in ``n``) are returned; otherwise
    the grid is already fine there and the result is empty. A censored threshold asks for ``num`` points in
    ``(n[-1], extend·n[-1]]``; one below the grid for ``num`` points in ``[n[0]/extend, n[0])``.

    Parameters
    ----------
    n, success, level, rule, confidence_level, n_resamples, rng
        As in :func:`estimate_threshold`.
    num : int >= 1, default 8
        Number of new points to propose.
    extend : float > 1, default 4
        Factor by which to extend beyond the grid when the threshold lies outside it.

    Returns
    -------
    ndarray of int64, sorted, without values already in ``n``.

    Examples
    --------
    >>> import numpy as np
    >>> n = np.array([100, 1000, 10000])
    >>> success = np.array([[0, 1, 1]] * 4 + [[0, 0, 1]] * 4, dtype=bool)
    >>> new = refine_grid(n, success, num=4, rng=0)   # F̂(1000) = 1/2: refine around 1000
    >>> new.size, bool(new.min() > 100 and new.max() < 10000)
    (4, True)
    >>> refine_grid(n, np.zeros((4, 3), dtype=bool), num=3, rng=0)
    array([15874, 25198, 40000]...)
    """
    grid = check_grid(n)
    succ = _check_success(success, grid.size)
    num = check_int(num, "num", minimum=1)
    extend = check_real(extend, "extend", low=1.0, low_open=True)
    res = estimate_threshold(
        grid,
        succ,
        level=level,
        rule=rule,
        confidence_level=confidence_level,
        n_resamples=n_resamples,
        rng=rng,
    )
    if res.censored:
        new = np.geomspace(grid[-1], grid[-1] * extend, num + 1)[1:]
    elif res.below_grid:
        new = np.geomspace(grid[0] / extend, grid[0], num + 1)[:-1]
    else:
        j = int(np.searchsorted(grid, res.threshold, side="left"))
        lo = grid[max(j - 1, 0)]
        hi = grid[min(j, grid.size - 1)]
        ci_lo, ci_hi = res.confidence_interval
        lo = max(grid[0], min(lo, ci_lo))
        hi = min(grid[-1], max(hi, ci_hi))
        inside = np.count_nonzero((grid > lo) & (grid < hi))
        if inside >= num or hi <= lo:
            return np.array([], dtype=np.int64)
        new = np.geomspace(lo, hi, num + 2)[1:-1]
    new = np.unique(np.maximum(np.rint(new), 1).astype(np.int64))
    return new[~np.isin(new, np.rint(grid).astype(np.int64))]
