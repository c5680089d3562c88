"""The result types of an exponent fit: :class:`ExponentFit` (the weighted log-log slope) and :class:`TheilSen`.

They are produced by :mod:`theorylab.compare.fits` and read by verdicts, summaries and figures.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from theorylab.compare.thresholds import ConfidenceInterval, ThresholdResult

__all__ = ["TheilSen", "ExponentFit"]


@dataclass(frozen=True)
class TheilSen:
    """Theil–Sen slope of log n* against log d with its (rank-based) confidence interval."""

    slope: float
    intercept: float
    low: float
    high: float


@dataclass(frozen=True, repr=False)
class ExponentFit:
    """The fitted exponent β of n*(d) ≍ d^β.

    Attributes
    ----------
    slope, intercept : float
        Weighted least-squares fit of ``log n*`` on ``log d`` (natural logs).
    confidence_interval : ConfidenceInterval
        Interval for the slope at ``confidence_level``.
    confidence_level : float
    theil_sen : TheilSen
        Robust check.
    d_range : tuple of float
        ``(min d, max d)`` over the points used.
    d : ndarray
        Dimensions used in the fit (sorted).
    log_thresholds, se_log_thresholds, weights : ndarray
        Per used d: ``log n*``, its standard error and the (normalised) weight.
    excluded : tuple of (d, reason)
        Dimensions left out of the fit and why (censored thresholds).
    interval_method : str
        ``"stratified trial bootstrap (percentile)"``, ``"weighted least squares, normal, known
        variances"`` or ``"ordinary least squares, t"``.
    thresholds : tuple of ThresholdResult or None
        Per-d threshold estimates (all d, including excluded ones) when available.
    bootstrap_distribution : ndarray or None
        Bootstrap slopes (may hold ``±inf``).
    n_undefined_resamples : int
        Bootstrap resamples without a slope (censored points pulling both ways), left out.
    """

    slope: float
    intercept: float
    confidence_interval: ConfidenceInterval
    confidence_level: float
    theil_sen: TheilSen
    d_range: tuple[float, float]
    d: np.ndarray
    log_thresholds: np.ndarray
    se_log_thresholds: np.ndarray
    weights: np.ndarray
    excluded: tuple[tuple[float, str], ...]
    interval_method: str
    thresholds: tuple[ThresholdResult, ...] | None = None
    bootstrap_distribution: np.ndarray | None = None
    n_undefined_resamples: int = 0

    def __repr__(self) -> str:
        lo, hi = self.confidence_interval
        return (f"ExponentFit(slope={self.slope:.3f}, interval=[{lo:.3f}, {hi:.3f}] at {self.confidence_level:g}, "
                f"d in [{self.d_range[0]:g}, {self.d_range[1]:g}], {len(self.d)} points, "
                f"{len(self.excluded)} excluded)")

    def _repr_html_(self) -> str:
        import html

        return f"<p><code>{html.escape(repr(self))}</code></p>"

    @property
    def half_width(self) -> float:
        """Half the width of the slope's confidence interval."""
        lo, hi = self.confidence_interval
        return (hi - lo) / 2.0

    def __str__(self) -> str:
        lo, hi = self.confidence_interval
        text = (
            f"slope {self.slope:.3f}, {100 * self.confidence_level:g}% CI [{lo:.3f}, {hi:.3f}] "
            f"over d in [{self.d_range[0]:g}, {self.d_range[1]:g}] ({len(self.d)} points; "
            f"Theil-Sen {self.theil_sen.slope:.3f})"
        )
        if self.excluded:
            text += "; excluded " + ", ".join(f"d={d:g} ({why})" for d, why in self.excluded)
        return text


# --------------------------------------------------------------------------------------------------
