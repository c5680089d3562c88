"""Where one learner overtakes another: the crossover dimension d×, and the α-contrast dβ/dα.

The paper's central claim is a comparison with the *best* basis-independent learner: pruning needs
n ≍ d^{αk*} where every rotation-invariant method needs at least d^{k*/2}. At the d a laptop reaches the pruned
network can still need more samples than online SGD (its constants and logs are larger), so the claim shows up
as a crossover: the dimension d× beyond which the pruned n*(d) stays below the competitor's.

:func:`crossover_dimension` finds d× from two measured threshold curves: where they cross inside the measured
range (interpolated in log-log between the two d that bracket the change of sign: ``kind="measured"``), or by
extrapolating both fitted power laws (``kind="extrapolated"``, with an interval from the slope intervals), or
says that the lines never cross (``kind="none"``) or that the first learner is already ahead everywhere
(``kind="already"``).

:func:`alpha_contrast` fits the slope of the measured d-exponent β against α across d-scans of one method: every
polylog(d) factor that shifts β at each α by about the same amount cancels in the contrast (THEORY.md §8).

Examples
--------
>>> import numpy as np
>>> d = np.array([16, 81, 256, 625])
>>> x = crossover_dimension(d, [170, 981, 2910, 5890], d, [41, 379, 1973, 7026])
>>> x.kind, round(x.d_cross)       # He2, α = ¼: pruned against online SGD, crossing between 256 and 625
('measured', 473)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from theorylab._display import ShortRepr
from theorylab._validation import check_real

__all__ = ["CrossoverResult", "ContrastResult", "crossover_dimension", "alpha_contrast"]


@dataclass(frozen=True, repr=False)
class CrossoverResult(ShortRepr):
    """Where learner A's n*(d) falls below learner B's.

    Attributes
    ----------
    kind : {"measured", "extrapolated", "none", "already"}
    d_cross : float
        d× (NaN for "none"; the smallest measured d for "already").
    d_low, d_high : float
        Its interval (extrapolated: from the slope intervals; measured: the bracketing dimensions).
    reason : str
    """

    kind: str
    d_cross: float
    d_low: float
    d_high: float
    reason: str

    def _summary(self) -> dict[str, Any]:
        return {"kind": self.kind, "d_cross": self.d_cross, "interval": (self.d_low, self.d_high),
                "reason": self.reason}


@dataclass(frozen=True, repr=False)
class ContrastResult(ShortRepr):
    """The weighted slope of β against α with its normal-theory interval."""

    slope: float
    low: float
    high: float
    alphas: tuple[float, ...]

    def _summary(self) -> dict[str, Any]:
        return {"slope": self.slope, "interval": (self.low, self.high), "alphas": self.alphas}


def _curve(d: Any, n: Any, name: str) -> tuple[np.ndarray, np.ndarray]:
    dd = np.asarray(d, dtype=float)
    nn = np.asarray(n, dtype=float)
    if dd.ndim != 1 or dd.shape != nn.shape or dd.size < 2:
        raise ValueError(f"{name}: needs matching 1-d arrays of d and n* with at least two points")
    if not (np.all(np.isfinite(dd)) and np.all(dd > 1) and np.all(np.diff(dd) > 0)):
        raise ValueError(f"{name}: d must be increasing and > 1")
    if not np.all(np.isfinite(nn) & (nn > 0)):
        raise ValueError(f"{name}: n* must be finite and positive (a censored threshold is no measurement)")
    return dd, nn


def _line(d: np.ndarray, n: np.ndarray) -> tuple[float, float, float]:
    """Least-squares line of log n on log d: (pivot log d, log n at the pivot, slope)."""
    x, y = np.log(d), np.log(n)
    pivot = float(x.mean())
    slope = float(np.polyfit(x - pivot, y, 1)[0])
    return pivot, float(y.mean()), slope


def _extrapolate(line_a: tuple[float, float, float], line_b: tuple[float, float, float],
                 slope_a: tuple[float, float], slope_b: tuple[float, float]) -> tuple[float, float, float]:
    """d× where the two lines meet, over the slopes' intervals (inf where some pair never meets)."""
    def meet(ba: float, bb: float) -> float:
        if bb <= ba:
            return math.inf
        # log n_a(x) = ya + ba (x - pa), log n_b(x) = yb + bb (x - pb)
        x = (line_a[1] - ba * line_a[0] - line_b[1] + bb * line_b[0]) / (bb - ba)
        return math.exp(x) if x < 700 else math.inf

    centre = meet(line_a[2], line_b[2])
    corners = [meet(ba, bb) for ba in slope_a for bb in slope_b]
    return centre, min(corners), max(corners)


def crossover_dimension(
    d_a: Any, n_a: Any, d_b: Any, n_b: Any, *,
    slope_interval_a: tuple[float, float] | None = None,
    slope_interval_b: tuple[float, float] | None = None,
) -> CrossoverResult:
    """The dimension beyond which learner A needs fewer samples than learner B.

    Parameters
    ----------
    d_a, n_a : array_like
        Learner A's measured thresholds n*(d) (increasing d).
    d_b, n_b : array_like
        Learner B's.
    slope_interval_a, slope_interval_b : (float, float), optional
        Intervals of the fitted slopes, for the interval of an extrapolated d×.

    Returns
    -------
    CrossoverResult

    Examples
    --------
    >>> crossover_dimension([10, 100, 1000], [100, 1000, 2000], [10, 100, 1000], [10, 1000, 10**5]).kind
    'measured'
    >>> r = crossover_dimension([10, 100], [1000, 3162], [10, 100], [10, 1000])  # slopes 0.5, 2: d× = 10 · 100^(2/3)
    >>> r.kind, round(r.d_cross)
    ('extrapolated', 215)
    """
    da, na = _curve(d_a, n_a, "d_a, n_a")
    db, nb = _curve(d_b, n_b, "d_b, n_b")
    ia = _check_interval(slope_interval_a, "slope_interval_a")
    ib = _check_interval(slope_interval_b, "slope_interval_b")
    common = np.intersect1d(da, db)
    if common.size >= 2:
        gap = np.log(na[np.isin(da, common)]) - np.log(nb[np.isin(db, common)])  # > 0: A needs more
        if np.all(gap < 0):
            return CrossoverResult("already", float(common[0]), math.nan, float(common[0]),
                                   f"A needs fewer samples than B at every measured d from {common[0]:g}")
        for i in range(common.size - 1):
            if gap[i] >= 0 > gap[i + 1]:
                x0, x1 = math.log(common[i]), math.log(common[i + 1])
                x = x0 + (x1 - x0) * gap[i] / (gap[i] - gap[i + 1])
                return CrossoverResult("measured", math.exp(x), float(common[i]), float(common[i + 1]),
                                       f"the curves cross between d = {common[i]:g} and {common[i + 1]:g}")
    la, lb = _line(da, na), _line(db, nb)
    centre, low, high = _extrapolate(la, lb, ia or (la[2], la[2]), ib or (lb[2], lb[2]))
    if not math.isfinite(centre):
        return CrossoverResult("none", math.nan, math.nan, math.nan,
                               f"A's fitted slope {la[2]:.2f} is not below B's {lb[2]:.2f}: the lines do not cross")
    return CrossoverResult("extrapolated", centre, low, high,
                           f"extrapolated from the fitted lines (slopes {la[2]:.2f} and {lb[2]:.2f})")


def _check_interval(value: Any, name: str) -> tuple[float, float] | None:
    if value is None:
        return None
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"{name} must be a pair (low, high)")
    lo, hi = check_real(value[0], name), check_real(value[1], name)
    if hi < lo:
        raise ValueError(f"{name} must have low <= high, got ({lo:g}, {hi:g})")
    return lo, hi


def alpha_contrast(alphas: Any, slopes: Any, lows: Any, highs: Any, *, level: float = 0.95) -> ContrastResult:
    """dβ/dα: the weighted least-squares slope of measured exponents β(α) with a normal-theory interval.

    Each β's standard error is taken from its interval, (high − low) / (2 z); the interval of the contrast is
    the weighted fit's slope ± z times its standard error.

    Examples
    --------
    >>> c = alpha_contrast([0.25, 0.5, 0.75], [1.0, 1.5, 2.0], [0.9, 1.4, 1.9], [1.1, 1.6, 2.1])
    >>> round(c.slope, 6), c.low < 2 < c.high
    (2.0, True)
    """
    from scipy.stats import norm

    a = np.asarray(alphas, dtype=float)
    b, lo, hi = (np.asarray(v, dtype=float) for v in (slopes, lows, highs))
    if a.ndim != 1 or not (a.shape == b.shape == lo.shape == hi.shape):
        raise ValueError("alphas, slopes, lows, highs: need matching 1-d arrays")
    if np.unique(a).size < 2:
        raise ValueError("alphas: a contrast needs at least two distinct α")
    if not (np.all(np.isfinite(b)) and np.all(hi > lo)):
        raise ValueError("slopes: every β needs a finite value and an interval low < high")
    level = check_real(level, "level", low=0.0, high=1.0, low_open=True, high_open=True)
    z = float(norm.ppf(0.5 + level / 2))
    w = (2 * z / (hi - lo)) ** 2
    abar = float(np.sum(w * a) / np.sum(w))
    sxx = float(np.sum(w * (a - abar) ** 2))
    slope = float(np.sum(w * (a - abar) * b) / sxx)
    se = math.sqrt(1.0 / sxx)
    if a.size > 2:  # inflate by the residual scatter when it exceeds what the intervals allow
        resid = b - (np.sum(w * b) / np.sum(w) + slope * (a - abar))
        chi2 = float(np.sum(w * resid**2)) / (a.size - 2)
        se *= math.sqrt(max(1.0, chi2))
    return ContrastResult(slope, slope - z * se, slope + z * se, tuple(float(x) for x in a))
