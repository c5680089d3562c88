"""The exponent β in n*(d) ≍ d^β: a weighted log-log fit with a stratified bootstrap interval (THEORY.md §8).

The slope is the weighted least-squares slope of ``log n*(d)`` against ``log d``. Each point is weighted
by the inverse variance of its ``log n*``: for the crossing estimator the Siddiqui–Bloch–Gastwirth
variance from the spacing of the crossings at ``level ± h`` (``ThresholdResult.spacing_se``); for the
logistic one its Fisher variance; for plain numbers the width of the given intervals. The interval
comes from resampling **trials within each d** (a stratified bootstrap): every resample redraws the
trials of each dimension independently, recomputes each threshold *and its weight*, and refits the line.
Because the strata are resampled independently, pairing the b-th resample of every d's threshold
bootstrap (``scipy.stats.bootstrap`` over trial indices, one call per d) *is* a draw of the stratified
bootstrap, so the per-d resamples are computed once and reused. Recomputing the weights in each resample
matters: weights fixed from the sample's own bootstrap variances make the percentile interval too short
(coverage about 0.91 instead of 0.95 with 16 trials per d in the calibration of tests/compare).
``scipy.stats.theilslopes`` gives a robust check of the slope.

Thresholds that lie outside their grid (censored, or below the grid) cannot enter a log-log fit as
numbers. They are excluded with a :class:`~theorylab.compare.thresholds.CensoredThresholdWarning` and listed
in ``ExponentFit.excluded``; fewer than ``min_points`` remaining d values is an error. A bootstrap
resample in which a kept threshold is censored has an unbounded slope, ``+inf`` or ``-inf`` according to
that point's leverage; it stays in the percentile interval (which may then be open on that side).

Examples
--------
>>> import numpy as np
>>> d = np.array([64, 128, 256, 512])
>>> fit = fit_exponent(d, 3.0 * d**1.5, intervals=[(2.5 * x**1.5, 3.6 * x**1.5) for x in d])
>>> round(fit.slope, 6), fit.interval_method
(1.5, 'weighted least squares, normal, known variances')
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from scipy import stats

from theorylab._limits import check_resamples
from theorylab._validation import check_choice, check_int, check_probability, check_rng
from theorylab.compare.exponent_fit import ExponentFit, TheilSen
from theorylab.compare.thresholds import (
    DEFAULT_RESAMPLES,
    CensoredThresholdWarning,
    ConfidenceInterval,
    ThresholdResult,
    estimate_threshold,
)

__all__ = ["TheilSen", "ExponentFit", "fit_exponent", "fit_exponent_from_curves"]

#: A point's standard error of log n* is floored at this fraction of the median standard error, so that a
#: threshold that happens to be resolved exactly (e.g. all trials crossing in one grid cell) cannot take
#: all the weight of the fit.
SE_FLOOR_FRACTION = 0.25


def _check_dims(d: Any, name: str = "d") -> np.ndarray:
    try:
        arr = np.asarray(d, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a 1-d array of dimensions") from None
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-d array of dimensions, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)) or np.any(arr <= 0):
        raise ValueError(f"{name} must contain finite positive dimensions")
    if np.unique(arr).size != arr.size:
        raise ValueError(f"{name} must not repeat a dimension")
    return arr


def _weights_from_se(se: np.ndarray) -> np.ndarray:
    """Normalised inverse-variance weights, row-wise for a 2-d ``se`` (resamples x points).

    A non-finite standard error (a crossing at level ± h outside the grid) is replaced by four times the
    largest finite one of its row (heavily down-weighted, not removed); standard errors are floored at
    ``SE_FLOOR_FRACTION`` times the row's median; a row with no finite value gets equal weights.
    """
    se = np.atleast_2d(np.asarray(se, dtype=float))
    finite = np.isfinite(se)
    big = np.where(finite, se, -np.inf).max(axis=1, keepdims=True)
    none = ~finite.any(axis=1, keepdims=True)
    se = np.where(finite, se, 4.0 * big)
    se = np.where(none, 1.0, se)
    floor = SE_FLOOR_FRACTION * np.median(se, axis=1, keepdims=True)
    se = np.maximum(se, np.maximum(floor, 1e-12))
    w = 1.0 / se**2
    return w / w.sum(axis=1, keepdims=True)


def _wls_rows(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Row-wise coefficients c with slope = Σ_i c_i y_i for weights w (rows)."""
    xbar = np.sum(w * x, axis=1, keepdims=True)
    c = w * (x - xbar)
    return c / np.sum(c * (x - xbar), axis=1, keepdims=True)


def _theil_sen(x: np.ndarray, y: np.ndarray, confidence_level: float) -> TheilSen:
    res = stats.theilslopes(y, x, alpha=confidence_level)
    return TheilSen(float(res.slope), float(res.intercept), float(res.low_slope), float(res.high_slope))


def _drop_censored(
    d: np.ndarray, results: Sequence[ThresholdResult]
) -> tuple[np.ndarray, list[tuple[float, str]]]:
    keep = np.ones(d.size, dtype=bool)
    excluded: list[tuple[float, str]] = []
    for i, r in enumerate(results):
        if r.censored:
            keep[i] = False
            excluded.append((float(d[i]), f"censored: n* > {r.bound:g}, the level is not reached"))
        elif r.below_grid:
            keep[i] = False
            excluded.append((float(d[i]), f"below the grid: n* <= {r.bound:g}"))
    if excluded:
        warnings.warn(
            "excluded from the exponent fit: "
            + "; ".join(f"d={dd:g} {why}" for dd, why in excluded)
            + " (extend the n grid, see refine_grid)",
            CensoredThresholdWarning,
            stacklevel=3,
        )
    return keep, excluded


def fit_exponent(
    d: Any,
    thresholds: Any,
    *,
    intervals: Any = None,
    confidence_level: float = 0.95,
    min_points: int = 3,
) -> ExponentFit:
    """Fit log n* = intercept + slope · log d, with an interval for the slope.

    Parameters
    ----------
    d : array_like, shape (m,)
        Dimensions (positive, distinct).
    thresholds : sequence of ThresholdResult, or array_like of float, shape (m,)
        The thresholds n*(d). ``ThresholdResult`` objects carry their uncertainty: with bootstrap
        distributions (``method="crossing"``) the slope interval is the stratified trial bootstrap;
        otherwise (``method="logistic"``) it is weighted least squares with their standard errors.
        Censored ones are excluded with a warning.
    intervals : array_like, shape (m, 2), optional
        For plain numbers: confidence intervals of the thresholds at ``confidence_level``; their width in
        ``log n`` gives each point's standard error (weighted least squares, normal interval). Without
        them the fit is ordinary least squares with a t interval on ``m - 2`` degrees of freedom.
    confidence_level : float in (0, 1), default 0.95
    min_points : int >= 2, default 3
        Fewest dimensions the fit accepts after exclusions.

    Returns
    -------
    ExponentFit

    Examples
    --------
    >>> fit = fit_exponent([64, 128, 256, 512], [410.0, 1600.0, 6600.0, 26000.0])
    >>> round(fit.slope, 2), fit.interval_method
    (2.0, 'ordinary least squares, t')
    """
    dims = _check_dims(d)
    confidence_level = check_probability(confidence_level, "confidence_level")
    min_points = check_int(min_points, "min_points", minimum=2)
    if isinstance(thresholds, ThresholdResult):
        raise TypeError("thresholds must be a sequence (one per d), got a single ThresholdResult")
    as_results = (
        isinstance(thresholds, Sequence)
        and len(thresholds) > 0
        and all(isinstance(t, ThresholdResult) for t in thresholds)
    )
    if as_results:
        results = list(thresholds)
        if len(results) != dims.size:
            raise ValueError(f"thresholds must have one entry per d: got {len(results)} for {dims.size} d")
        if intervals is not None:
            raise ValueError("intervals must be None when thresholds are ThresholdResult objects")
        order = np.argsort(dims)
        dims = dims[order]
        results = [results[i] for i in order]
        return _fit_results(dims, results, confidence_level, min_points)

    try:
        values = np.asarray(thresholds, dtype=float)
    except (TypeError, ValueError):
        raise TypeError("thresholds must be numbers or ThresholdResult objects") from None
    if values.shape != dims.shape:
        raise ValueError(f"thresholds must have one entry per d: got shape {values.shape} for {dims.size} d")
    if not np.all(np.isfinite(values)) or np.any(values <= 0):
        raise ValueError(
            "thresholds must be finite and positive; pass ThresholdResult objects to have censored "
            "thresholds excluded explicitly"
        )
    order = np.argsort(dims)
    iv = None if intervals is None else _check_intervals(intervals, values, dims)[order]
    dims, values = dims[order], values[order]
    if dims.size < min_points:
        raise ValueError(f"d must hold at least min_points={min_points} dimensions, got {dims.size}")
    x, y = np.log(dims), np.log(values)
    ts = _theil_sen(x, y, confidence_level)
    if intervals is None:
        if dims.size < 3:
            raise ValueError("d must hold at least 3 dimensions for a t interval without intervals")
        res = stats.linregress(x, y)
        tq = float(stats.t.ppf(0.5 + confidence_level / 2, dims.size - 2))
        ci = ConfidenceInterval(res.slope - tq * res.stderr, res.slope + tq * res.stderr)
        resid_sd = float(np.sqrt(np.sum((y - res.intercept - res.slope * x) ** 2) / (dims.size - 2)))
        return ExponentFit(
            slope=float(res.slope),
            intercept=float(res.intercept),
            confidence_interval=ConfidenceInterval(float(ci[0]), float(ci[1])),
            confidence_level=confidence_level,
            theil_sen=ts,
            d_range=(float(dims[0]), float(dims[-1])),
            d=dims,
            log_thresholds=y,
            se_log_thresholds=np.full(dims.size, resid_sd),
            weights=np.full(dims.size, 1.0 / dims.size),
            excluded=(),
            interval_method="ordinary least squares, t",
        )
    assert iv is not None
    z = float(stats.norm.ppf(0.5 + confidence_level / 2))
    se = (np.log(iv[:, 1]) - np.log(iv[:, 0])) / (2 * z)
    return _fit_known_se(dims, y, se, confidence_level, ts, excluded=(), results=None)


def _check_intervals(intervals: Any, values: np.ndarray, dims: np.ndarray) -> np.ndarray:
    """(m, 2) finite positive intervals with low < high, each containing its threshold."""
    try:
        iv = np.asarray(intervals, dtype=float)
    except (TypeError, ValueError):
        raise TypeError("intervals must be an array of shape (m, 2)") from None
    if iv.shape != (dims.size, 2):
        raise ValueError(f"intervals must have shape (m, 2) = ({dims.size}, 2), got {iv.shape}")
    if np.any(iv <= 0) or np.any(~np.isfinite(iv)) or np.any(iv[:, 1] <= iv[:, 0]):
        raise ValueError("intervals must be finite, positive and have low < high")
    outside = np.flatnonzero((values < iv[:, 0]) | (values > iv[:, 1]))
    if outside.size:
        i = int(outside[0])
        raise ValueError(
            f"intervals[{i}] = [{iv[i, 0]:g}, {iv[i, 1]:g}] does not contain its threshold {values[i]:g} (d = {dims[i]:g})"
        )
    return iv


def _fit_known_se(dims, y, se, confidence_level, ts, excluded, results) -> ExponentFit:
    x = np.log(dims)
    w = _weights_from_se(se)[0]
    c = _wls_rows(x, w[None, :])[0]
    slope = float(c @ y)
    intercept = float(np.sum(w * y) - slope * np.sum(w * x))
    sd_slope = float(np.sqrt(np.sum(c**2 * se**2)))  # Var(Σ c_i y_i) with independent y_i
    z = float(stats.norm.ppf(0.5 + confidence_level / 2))
    return ExponentFit(
        slope=slope,
        intercept=intercept,
        confidence_interval=ConfidenceInterval(slope - z * sd_slope, slope + z * sd_slope),
        confidence_level=confidence_level,
        theil_sen=ts,
        d_range=(float(dims[0]), float(dims[-1])),
        d=dims,
        log_thresholds=y,
        se_log_thresholds=se,
        weights=w,
        excluded=tuple(excluded),
        interval_method="weighted least squares, normal, known variances",
        thresholds=None if results is None else tuple(results),
    )


def _fit_results(dims, results, confidence_level, min_points) -> ExponentFit:
    keep, excluded = _drop_censored(dims, results)
    if np.count_nonzero(keep) < min_points:
        raise ValueError(
            f"thresholds: only {np.count_nonzero(keep)} of {dims.size} dimensions have a threshold inside "
            f"their n grid, fewer than min_points={min_points}; excluded: "
            + "; ".join(f"d={dd:g} {why}" for dd, why in excluded)
        )
    used = [r for r, k in zip(results, keep, strict=True) if k]
    dk = dims[keep]
    x = np.log(dk)
    y = np.array([r.log_threshold for r in used])
    se = np.array([r.se_log_threshold for r in used])
    ts = _theil_sen(x, y, confidence_level)
    boots = [r.bootstrap_distribution for r in used]
    if any(b is None for b in boots):
        return _fit_known_se(dk, y, se, confidence_level, ts, excluded, results)
    sizes = {b.size for b in boots}
    if len(sizes) != 1:
        raise ValueError("thresholds must come from bootstraps with the same n_resamples")
    spacing = np.array([r.spacing_se for r in used])
    w = _weights_from_se(spacing)[0]
    c = _wls_rows(x, w[None, :])[0]
    slope = float(c @ y)
    intercept = float(np.sum(w * y) - slope * np.sum(w * x))
    # Row b pairs the b-th resample of every stratum; its weights are recomputed from that resample's
    # spacing standard errors, so the interval carries the randomness of the weights too.
    Y = np.stack(boots, axis=1)
    S = np.stack([r.bootstrap_spacing_se for r in used], axis=1)
    C = _wls_rows(x, _weights_from_se(S))
    with np.errstate(invalid="ignore"):
        slopes = (Y * C).sum(axis=1)
    undefined = np.isnan(slopes)
    n_undefined = int(np.count_nonzero(undefined))
    if n_undefined:
        warnings.warn(
            f"{n_undefined} of {slopes.size} bootstrap resamples have no slope (censored thresholds at "
            "both ends) and are left out of the interval",
            CensoredThresholdWarning,
            stacklevel=3,
        )
    a = (1.0 - confidence_level) / 2.0  # order statistics: the slopes may be ±inf
    lo, hi = (float(v) for v in np.quantile(slopes[~undefined], [a, 1.0 - a], method="inverted_cdf"))
    return ExponentFit(
        slope=slope,
        intercept=intercept,
        confidence_interval=ConfidenceInterval(lo, hi),
        confidence_level=confidence_level,
        theil_sen=ts,
        d_range=(float(dk[0]), float(dk[-1])),
        d=dk,
        log_thresholds=y,
        se_log_thresholds=se,
        weights=w,
        excluded=tuple(excluded),
        interval_method="stratified trial bootstrap (percentile)",
        thresholds=tuple(results),
        bootstrap_distribution=slopes,
        n_undefined_resamples=n_undefined,
    )


def _curve_arrays(value: Any, d: float) -> tuple[Any, Any]:
    if hasattr(value, "n") and hasattr(value, "success"):
        return value.n, value.success
    if isinstance(value, tuple | list) and len(value) == 2:
        return value[0], value[1]
    raise TypeError(
        f"curves[{d:g}] must be a SimulationResult (with .n and .success) or a pair (n, success), "
        f"got {type(value).__name__}"
    )


def fit_exponent_from_curves(
    curves: Mapping[Any, Any],
    *,
    level: float = 0.5,
    method: str = "crossing",
    rule: str = "sustained",
    confidence_level: float = 0.95,
    n_resamples: int = DEFAULT_RESAMPLES,
    rng: Any = None,
    min_points: int = 3,
    progress: bool = False,
) -> ExponentFit:
    """Estimate n*(d) for every d and fit the exponent: the main entry point.

    Parameters
    ----------
    curves : mapping d -> SimulationResult or (n, success)
        For each dimension, the checkpoint grid and the success matrix (trials x checkpoints).
    level, method, rule, confidence_level, n_resamples
        As in :func:`~theorylab.compare.thresholds.estimate_threshold`. With ``method="crossing"`` the
        slope interval is the stratified trial bootstrap; with ``"logistic"`` it is weighted least squares
        with the Fisher standard errors.
    rng : None, int, SeedSequence or numpy Generator
        One generator drives the bootstraps of all d in increasing order of d (reproducible).
    min_points : int >= 2, default 3
    progress : bool, default False
        Show a tqdm bar over the dimensions.

    Returns
    -------
    ExponentFit

    Examples
    --------
    >>> import numpy as np
    >>> gen = np.random.default_rng(1)
    >>> n = np.geomspace(10, 1e6, 41)
    >>> curves = {}
    >>> for d in (64, 128, 256, 512, 1024):
    ...     tau = 2.0 * d * np.exp(0.3 * gen.standard_normal(16))   # n*(d) = 2 d
    ...     curves[d] = (n, n[None, :] >= tau[:, None])
    >>> fit = fit_exponent_from_curves(curves, n_resamples=999, rng=0)
    >>> lo, hi = fit.confidence_interval
    >>> bool(lo < 1.0 < hi), fit.interval_method
    (True, 'stratified trial bootstrap (percentile)')
    """
    if not isinstance(curves, Mapping):
        raise TypeError(f"curves must be a mapping d -> (n, success), got {type(curves).__name__}")
    if len(curves) == 0:
        raise ValueError("curves must not be empty")
    dims = _check_dims(list(curves.keys()), "curves (keys d)")
    level = check_probability(level, "level")
    method = check_choice(method, "method", ("crossing", "logistic"))
    confidence_level = check_probability(confidence_level, "confidence_level")
    n_resamples = check_resamples(n_resamples)
    min_points = check_int(min_points, "min_points", minimum=2)
    gen = check_rng(rng)
    keys = list(curves.keys())
    order = np.argsort(dims)
    pairs = [_curve_arrays(curves[keys[i]], float(dims[i])) for i in order]
    dims = dims[order]
    it: Any = range(dims.size)
    if progress:
        from tqdm.auto import tqdm

        it = tqdm(it, desc="thresholds", unit="d")
    results = []
    for i in it:
        n, success = pairs[i]
        try:
            res = estimate_threshold(
                n,
                success,
                level=level,
                method=method,
                rule=rule,
                confidence_level=confidence_level,
                n_resamples=n_resamples,
                rng=gen,
            )
        except (ValueError, TypeError) as exc:
            raise type(exc)(f"curves[{dims[i]:g}]: {exc}") from None
        results.append(res)
    return _fit_results(dims, results, confidence_level, min_points)
