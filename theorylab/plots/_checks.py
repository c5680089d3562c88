"""Validation of what the figure functions are given, apart from the drawing (scipy ``_..._iv`` style).

Each ``check_*`` raises ValueError or TypeError naming the argument, and returns the input in the one form
the drawing code reads: :class:`Series`, :class:`Line`, arrays. Nothing here imports matplotlib.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from theorylab._validation import check_int, check_real
from theorylab.plots.style import FORMATS

__all__ = ["Series", "Line", "check_series", "check_predicted", "check_common", "check_format", "check_crossover",
           "check_phase", "check_curves", "series_from_fit", "float_array"]


@dataclass
class Series:
    """One method's thresholds along the scan, checked."""

    label: str
    keys: tuple[str, ...]  # names a predicted rate may match: the rate, the method, the label
    x: np.ndarray
    n_star: np.ndarray
    at: np.ndarray  # where each point is drawn (a censored point without n_star: at its upper end)
    censored: np.ndarray
    below: np.ndarray
    low: np.ndarray
    high: np.ndarray
    fit: tuple[float, float, float, float] | None
    verdict: str | None
    band: tuple[float, float] | None

    @property
    def outside(self) -> np.ndarray:
        return self.censored | self.below


@dataclass
class Line:
    """One predicted rate, checked: its exponent, stated logs, anchor and shape along the scan."""

    name: str
    exponent: float
    log_power: float
    anchor: str | tuple[float, float] | None
    shape: Callable[[np.ndarray], np.ndarray]


def float_array(value: Any, name: str, *, length: int | None = None, allow_nan: bool = False,
                of: str = "d") -> np.ndarray:
    """A non-empty 1-d float array, finite (NaN allowed when ``allow_nan``)."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a sequence of real numbers") from None
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if length is not None and arr.size != length:
        raise ValueError(f"{name} must have the same length as {of} ({length}), got {arr.size}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    if np.any(np.isinf(arr) if allow_nan else ~np.isfinite(arr)):
        raise ValueError(f"{name} must be finite{' (NaN marks a missing value)' if allow_nan else ''}")
    return arr


def check_format(fmt: Any) -> str:
    """One of :data:`FORMATS`, lower case."""
    if not isinstance(fmt, str) or fmt.lower().lstrip(".") not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    return fmt.lower().lstrip(".")


def check_common(ax: Any, title: Any, path: Any) -> str | None:
    """``ax`` an Axes or None, ``title`` a string or None; ``path`` returned as str (or None)."""
    if ax is not None and not (hasattr(ax, "figure") and hasattr(ax, "set_xscale")):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a string or None, got {type(title).__name__}")
    if path is None:
        return None
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    return os.fspath(path)


# ------------------------------------------------------------------------------------------------------
# threshold series
# ------------------------------------------------------------------------------------------------------
def is_fit(value: Any) -> bool:
    return all(hasattr(value, a) for a in ("slope", "intercept", "confidence_interval", "log_thresholds"))


def series_from_fit(fit: Any, label: str = "measured") -> dict[str, Any]:
    """A series dict from an :class:`theorylab.compare.ExponentFit`: its points, intervals and line.

    The points left out of the fit (``fit.excluded``) are drawn at their bound when the fit kept its
    per-point thresholds, and dropped otherwise. An interval end at infinity is drawn open.
    """
    used = np.asarray(fit.d, dtype=float)
    excluded = [float(x) for x, _ in fit.excluded]
    x = np.array(sorted({*used.tolist(), *excluded}))
    thresholds = getattr(fit, "thresholds", None)
    lo_ci, hi_ci = (float(v) for v in fit.confidence_interval)
    out: dict[str, Any] = {"label": label, "fit": (float(fit.slope), float(fit.intercept), lo_ci, hi_ci)}
    if thresholds is not None and len(thresholds) == x.size:
        out.update(
            d=x,
            n_star=[t.bound if (t.censored or t.below_grid) else t.threshold for t in thresholds],
            low=[t.confidence_interval.low for t in thresholds],
            high=[t.confidence_interval.high for t in thresholds],
            censored=[bool(t.censored) for t in thresholds], below_grid=[bool(t.below_grid) for t in thresholds])
        return out
    y, se = np.asarray(fit.log_thresholds, dtype=float), np.asarray(fit.se_log_thresholds, dtype=float)
    z = 1.959963984540054
    out.update(d=used, n_star=np.exp(y), low=np.exp(y - z * se), high=np.exp(y + z * se))
    return out


def _flags(value: Any, name: str, size: int, of: str) -> np.ndarray:
    if value is None:
        return np.zeros(size, dtype=bool)
    arr = np.asarray(value)
    if arr.ndim != 1 or arr.size != size:
        raise ValueError(f"{name} must have the same length as {of} ({size}), got shape {arr.shape}")
    if arr.dtype != bool and not (np.issubdtype(arr.dtype, np.number) and np.all(np.isin(arr, (0, 1)))):
        raise TypeError(f"{name} must be booleans")
    return arr.astype(bool)


def _bounds(value: Any, name: str, size: int, of: str) -> np.ndarray:
    """An interval end per point; NaN (missing) and +-inf (open-ended) are both drawn without that bar."""
    if value is None:
        return np.full(size, np.nan)
    try:
        arr = np.array([np.nan if v is None else v for v in value], dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a sequence of real numbers") from None
    if arr.ndim != 1 or arr.size != size:
        raise ValueError(f"{name} must have the same length as {of} ({size}), got shape {arr.shape}")
    return np.where(np.isinf(arr), np.nan, arr)


def _check_fit(fit: Any, where: str) -> tuple[float, float, float, float] | None:
    if fit is None:
        return None
    if not isinstance(fit, Sequence) or isinstance(fit, (str, bytes)) or len(fit) != 4:
        raise TypeError(f"{where}['fit'] must be a tuple (slope, intercept, low, high) or an ExponentFit")
    slope, intercept = (check_real(v, f"{where}['fit'][{j}]") for j, v in enumerate(fit[:2]))
    try:
        low, high = float(fit[2]), float(fit[3])
    except (TypeError, ValueError):
        raise TypeError(f"{where}['fit'] interval ends must be real numbers") from None
    if not low <= slope <= high:  # an end may be infinite (an open-ended bootstrap interval), never NaN
        raise ValueError(f"{where}['fit'] interval must bracket the slope (low <= slope <= high)")
    return slope, intercept, low, high


def _check_points(s: Mapping[str, Any], where: str, xkey: str) -> dict[str, np.ndarray]:
    x = float_array(s[xkey], f"{where}[{xkey!r}]")
    if np.any(x <= 0):
        raise ValueError(f"{where}[{xkey!r}] must be positive, got {x[x <= 0][0]:g}")
    n_star = np.array([np.nan if v is None else v for v in np.atleast_1d(np.asarray(s["n_star"], dtype=object))],
                      dtype=float)
    n_star = float_array(n_star, f"{where}['n_star']", length=x.size, allow_nan=True, of=xkey)
    censored = _flags(s.get("censored"), f"{where}['censored']", x.size, xkey)
    below = _flags(s.get("below_grid"), f"{where}['below_grid']", x.size, xkey)
    if np.any(censored & below):
        raise ValueError(f"{where}['below_grid'] and ['censored'] cannot both hold at one {xkey}")
    low = _bounds(s.get("low"), f"{where}['low']", x.size, xkey)
    high = _bounds(s.get("high"), f"{where}['high']", x.size, xkey)
    outside = censored | below
    if np.any(np.isnan(n_star) & ~outside):
        raise ValueError(f"{where}['n_star'] must be a number wherever the point is not censored")
    at = np.where(np.isnan(n_star) & censored, high, n_star)
    if np.any(outside & ~(at > 0)):
        raise ValueError(f"{where}['n_star'] must give the bound (the largest or smallest n tried, a positive "
                         "number) at censored and below-grid points")
    ok = ~outside
    if np.any(n_star[ok] <= 0):
        raise ValueError(f"{where}['n_star'] must be positive")
    for name, bound, bad in (("low", low, low[ok] > n_star[ok]), ("high", high, high[ok] < n_star[ok])):
        if np.any(bad):  # NaN compares False: a missing bound is allowed
            raise ValueError(f"{where}['{name}'] must bracket n_star (low <= n_star <= high)")
        if np.any(bound[ok] <= 0):
            raise ValueError(f"{where}['{name}'] must be positive")
    return {"x": x, "n_star": n_star, "at": at, "censored": censored, "below": below, "low": low, "high": high}


def _check_band(band: Any, where: str) -> tuple[float, float] | None:
    if band is None:
        return None
    if not isinstance(band, Sequence) or len(band) != 2:
        raise TypeError(f"{where}['band'] must be a pair (low, high) of slopes")
    low, high = (check_real(v, f"{where}['band'][{j}]") for j, v in enumerate(band))
    if low > high:
        raise ValueError(f"{where}['band'] must have low <= high")
    return low, high


def _check_one(s: Any, i: int, axis: str) -> Series:
    where = f"series[{i}]"
    if is_fit(s):
        s = series_from_fit(s, "measured" if i == 0 else f"measured {i + 1}")
    if not isinstance(s, Mapping):
        raise TypeError(f"{where} must be a dict or an ExponentFit, got {type(s).__name__}")
    if "label" not in s:
        raise ValueError(f"{where} lacks the key 'label'")
    if is_fit(s.get("fit")):
        s = {**series_from_fit(s["fit"], s["label"]),
             **{k: v for k, v in s.items() if k in ("label", "method", "rate", "verdict", "band")}}
    xkey = "x" if axis not in s and "x" in s else axis
    for key in ("label", xkey, "n_star"):
        if key not in s:
            raise ValueError(f"{where} lacks the key {key!r}")
    label = s["label"]
    if not isinstance(label, str) or not label:
        raise TypeError(f"{where}['label'] must be a non-empty string")
    keys = tuple(str(s[k]) for k in ("rate", "method") if isinstance(s.get(k), str) and s.get(k)) + (label,)
    verdict = s.get("verdict")
    if verdict is not None and not isinstance(verdict, str):
        raise TypeError(f"{where}['verdict'] must be a string")
    return Series(label=label, keys=keys, **_check_points(s, where, xkey), fit=_check_fit(s.get("fit"), where),
                  verdict=verdict or None, band=_check_band(s.get("band"), where))


def check_series(series: Any, axis: str = "d") -> list[Series]:
    """The ``series`` argument of :func:`theorylab.plots.plot_thresholds`, checked."""
    if isinstance(series, Mapping) or is_fit(series):
        series = [series]
    if not isinstance(series, Sequence) or isinstance(series, (str, bytes)):
        raise TypeError("series must be a list of dicts (one per method) or of ExponentFit objects")
    if len(series) == 0:
        raise ValueError("series must not be empty")
    out = [_check_one(s, i, axis) for i, s in enumerate(series)]
    labels = [s.label for s in out]
    if len(set(labels)) != len(labels):
        raise ValueError(f"series labels must be distinct, got {labels}")
    return out


# ------------------------------------------------------------------------------------------------------
# predicted rates
# ------------------------------------------------------------------------------------------------------
def _power(exponent: float, log_power: float = 0.0) -> Callable[[np.ndarray], np.ndarray]:
    def shape(x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        return x**exponent * (np.log(x) ** log_power if log_power else 1.0)

    return shape


def _tuple_line(p: tuple, where: str, labels: list[str]) -> Line:
    name, exponent, anchor = p
    if not isinstance(name, str):
        raise TypeError(f"{where}[0] (the label) must be a string")
    exponent = check_real(exponent, f"{where}[1]")
    if anchor is not None and not isinstance(anchor, str):
        if not (isinstance(anchor, Sequence) and len(anchor) == 2):
            raise TypeError(f"{where}[2] (the anchor) must be a series label, a point (x, n) or None")
        anchor = (check_real(anchor[0], f"{where}[2][0]", low=0, low_open=True),
                  check_real(anchor[1], f"{where}[2][1]", low=0, low_open=True))
    if isinstance(anchor, str) and anchor not in labels:
        raise ValueError(f"{where}[2] names the series {anchor!r}, which is not among {labels}")
    return Line(name, exponent, 0.0, anchor, _power(exponent))


def _rate_line(p: Any, where: str, axis: str, fixed_d: int | None) -> Line:
    if not isinstance(p.name, str):
        raise TypeError(f"{where}.name must be a string")
    along_s = axis == "s" and hasattr(p, "s_exponent")  # a registry Rate: its exponent along s
    exponent = check_real(p.s_exponent if along_s else p.exponent, f"{where}.exponent")
    log_power = 0.0 if axis == "s" else check_real(getattr(p, "log_power", 0.0) or 0.0, f"{where}.log_power")
    shape = _power(exponent, log_power)
    if axis == "d" and callable(getattr(p, "evaluate", None)):
        def shape(x: np.ndarray) -> np.ndarray:  # the rate's own law, logs included
            return np.array([float(p.evaluate(float(v))) for v in np.ravel(x)])
    elif along_s and fixed_d is not None and callable(getattr(p, "evaluate_s", None)):
        def shape(x: np.ndarray) -> np.ndarray:
            return np.array([float(p.evaluate_s(float(v), float(fixed_d))) for v in np.ravel(x)])
    return Line(p.name, exponent, log_power, None, shape)


def check_predicted(predicted: Any, labels: list[str], axis: str = "d", fixed_d: int | None = None) -> list[Line]:
    """The ``predicted`` argument of :func:`theorylab.plots.plot_thresholds`, checked."""
    if predicted is None:
        return []
    if isinstance(predicted, (Mapping, str, bytes)) or not isinstance(predicted, Sequence):
        predicted = [predicted]
    out = []
    for j, p in enumerate(predicted):
        where = f"predicted[{j}]"
        if isinstance(p, tuple) and len(p) == 3:
            out.append(_tuple_line(p, where, labels))
        elif hasattr(p, "name") and hasattr(p, "exponent"):
            out.append(_rate_line(p, where, axis, fixed_d))
        else:
            raise TypeError(f"{where} must be a Rate-like object (.name, .exponent), a PredictedLine, or a tuple "
                            "(label, exponent, anchor)")
    return out


def check_crossover(crossover: Any) -> tuple[float, float, float, str, tuple[str, str]] | None:
    """A :class:`theorylab.report.Crossover` (or alike): ``(d_cross, d_low, d_high, legend text, methods)``."""
    if crossover is None:
        return None
    missing = [a for a in ("d_cross", "kind", "competitor") if not hasattr(crossover, a)]
    if missing:
        raise TypeError(f"crossover must be a Crossover (with d_cross, kind, competitor), lacks {missing}")
    values = []
    for name in ("d_cross", "d_low", "d_high"):
        try:
            values.append(float(getattr(crossover, name, math.nan)))
        except (TypeError, ValueError):
            raise TypeError(f"crossover.{name} must be a real number") from None
    from theorylab.plots.labels import display_name, plain

    rival = plain(display_name(str(crossover.competitor)))
    kind = str(crossover.kind)
    if kind == "already":
        text = f"pruned already below {rival}\nat every measured $d$"
    elif not (math.isfinite(values[0]) and values[0] > 0):
        text = f"the fitted lines of pruned and\n{rival} do not cross"
    else:
        text = rf"$d_\times \approx {values[0]:.3g}$ ({kind}):" + f"\npruned overtakes {rival}"
    methods = (str(getattr(crossover, "pruned", "pruned")), str(crossover.competitor))
    if kind == "already":  # no d× to mark: a line at the first measured d would read as the axis
        return math.nan, math.nan, math.nan, text, methods
    return values[0], values[1], values[2], text, methods


# ------------------------------------------------------------------------------------------------------
# phase diagram and success curves
# ------------------------------------------------------------------------------------------------------
def _as_matrix(value: Any, name: str, shape: tuple[int, int]) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of real numbers") from None
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.shape != shape:
        raise ValueError(f"{name} must have the same length as alpha ({shape[1]})"
                         + (f" for each of the {shape[0]} methods" if shape[0] > 1 else "")
                         + f", got shape {np.shape(value)}")
    if np.any(np.isinf(arr)) and name == "measured":
        raise ValueError(f"{name} must be finite")
    return arr


def check_phase(alpha: Any, measured: Any, low: Any, high: Any,
                labels: Any) -> tuple[np.ndarray, list[str], np.ndarray, np.ndarray, np.ndarray]:
    """The arrays of :func:`theorylab.plots.plot_phase_diagram`: alpha, labels, measured, low, high."""
    a = float_array(alpha, "alpha")
    if np.any((a <= 0) | (a >= 1)):
        raise ValueError(f"alpha must be in (0, 1), got {a[(a <= 0) | (a >= 1)][0]:g}")
    labels = [labels] if isinstance(labels, str) else labels
    if not isinstance(labels, Sequence) or not all(isinstance(x, str) for x in labels):
        raise TypeError("labels must be a string or a sequence of strings")
    m_arr = None if isinstance(measured, (str, bytes)) else np.asarray(measured, dtype=float)
    if m_arr is None or m_arr.ndim not in (1, 2):
        raise ValueError("measured must have shape (len(alpha),) or (methods, len(alpha))")
    rows = 1 if m_arr.ndim == 1 else m_arr.shape[0]
    if len(labels) != rows:
        raise ValueError(f"labels must give one label per row of measured ({rows}), got {len(labels)}")
    shape = (rows, a.size)
    meas = _as_matrix(measured, "measured", shape)
    lo = np.full(shape, np.nan) if low is None else _as_matrix(low, "low", shape)
    hi = np.full(shape, np.nan) if high is None else _as_matrix(high, "high", shape)
    if np.any(lo > meas) or np.any(hi < meas):
        raise ValueError("low and high must bracket measured (low <= measured <= high)")
    return a, list(labels), meas, lo, hi


def _counts(value: Any, where: str, size: int) -> tuple[np.ndarray, int]:
    """Per-checkpoint successes and the number of trials, from a boolean matrix or from (counts, trials)."""
    if len(value) == 3:
        trials = check_int(value[2], f"{where} trials", minimum=1)
        k = np.asarray(value[1])
        if k.ndim != 1 or k.size != size or np.any((k < 0) | (k > trials)) or np.any(k != np.round(k)):
            raise ValueError(f"{where} successes must give, for each n, a count between 0 and trials")
        return k.astype(int), trials
    success = np.asarray(value[1])
    if success.ndim != 2 or success.shape[1] != size:
        raise ValueError(f"{where} success must have shape (trials, len(n)) = (trials, {size}), got {success.shape}")
    if success.shape[0] == 0:
        raise ValueError(f"{where} success must have at least one trial")
    if success.dtype != bool and not np.all(np.isin(success, (0, 1))):
        raise TypeError(f"{where} success must be booleans")
    return success.astype(bool).sum(axis=0), int(success.shape[0])


def check_curves(curves: Any, axis: str = "d") -> list[tuple[float, np.ndarray, np.ndarray, int]]:
    """``x -> (n, success)`` or ``x -> (n, successes, trials)``, as sorted ``(x, n, counts, trials)``."""
    if not isinstance(curves, Mapping):
        raise TypeError(f"curves must be a dict {axis} -> (n, success) or (n, successes, trials)")
    if len(curves) == 0:
        raise ValueError("curves must not be empty")
    out = []
    for key, value in curves.items():
        where = f"curves[{key!r}]"
        if isinstance(key, bool) or not isinstance(key, numbers.Real) or not math.isfinite(float(key)) or key <= 0:
            raise ValueError(f"curves keys must be positive values of {axis}, got {key!r}")
        if not isinstance(value, Sequence) or len(value) not in (2, 3):
            raise TypeError(f"{where} must be a pair (n, success) or a triple (n, successes, trials)")
        n = float_array(value[0], f"{where} n")
        if np.any(n <= 0) or np.any(np.diff(n) <= 0):
            raise ValueError(f"{where} n must be positive and increasing")
        k, trials = _counts(value, where, n.size)
        out.append((float(key), n, k, trials))
    return sorted(out, key=lambda t: t[0])
