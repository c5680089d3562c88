"""Summaries of a stored sweep: per (case, method) the measured exponent, its interval and a verdict.

For each case and method, the stored success curves ``{d: (n, success)}`` go to
:func:`theorylab.compare.fit_exponent_from_curves` (thresholds n*(d) with censoring, the weighted log-log slope with
a bootstrap interval, Theil–Sen), and the fit is judged by :func:`theorylab.compare.verdict` against the method's
rate from :func:`theorylab.symbolic.rates.predicted_rate` (its local slope over the same d range, logs included).
Where a layer is missing, the row says so in ``note`` instead of inventing a number.
"""

from __future__ import annotations

import math
import os
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from theorylab._validation import check_int
from theorylab.sweeps.spec import CaseSpec, SweepSpec
from theorylab.sweeps.store import ResultStore

__all__ = ["RATE_FOR_METHOD", "RIVALS_FOR_METHOD", "SummaryRow", "SweepSummary", "format_summary", "summarize_sweep"]

_NAN = float("nan")

#: The rate of :func:`theorylab.symbolic.rates.predicted_rate` each simulated method is judged against.
#: ``oracle`` (the true support, then Algorithm 2) is held to the pruned rate; methods without a rate of their
#: own (``hermite``, ``magnitude``, ``random``, pruned baselines) get no verdict; ``gd_reuse`` is held to the
#: rate sample reuse attains, d^{max(1, k_gen/2)} (Damian et al. 2024).
RATE_FOR_METHOD = {
    "pruned": "pruned",
    "oracle": "pruned",
    "dense": "dense",
    "online_sgd": "online_sgd",
    "gd_reuse": "sq_reuse",
}

#: The alternative hypothesis a verdict must be able to exclude before it calls a method's rate consistent:
#: pruning against no pruning, no pruning against pruning, online SGD's logs against the log-free smoothed
#: rate, sample reuse against one pass. A rival that does not apply to a case, or that equals the method's own
#: rate, is skipped. An interval that meets both bands is ``inconclusive``: the d range cannot tell them apart.
RIVALS_FOR_METHOD = {
    "pruned": ("dense",),
    "oracle": ("dense",),
    "dense": ("pruned",),
    "online_sgd": ("smoothed_sgd",),
    "gd_reuse": ("online_sgd",),
}


@dataclass(frozen=True)
class SummaryRow:
    """One (case, method) line of a sweep summary.

    Attributes
    ----------
    label, link, method : str
    alpha, q : float
    r : int
    k_star : int or None
        Information exponent of the link (``None`` when it could not be computed).
    d : tuple of int
        The dimensions with a stored result.
    thresholds : tuple of float
        n*(d) per dimension (NaN when censored: never reached on the grid).
    slope, ci_low, ci_high : float
        The fitted exponent of n*(d) and its confidence interval (NaN when not available).
    theil_sen : float
        The Theil–Sen slope (robust check).
    predicted : float
        The method's predicted exponent (logs excluded), NaN when no rate applies.
    predicted_local_slope : float
        Local slope of the predicted rate over ``d`` (logs included).
    band_low, band_high : float
        The slopes the verdict accepts: the local slope plus the allowance for unstated polylog factors.
    verdict : str
        ``consistent``, ``inconsistent``, ``inconclusive`` or ``n/a``. The rates of the method's alternatives
        (:data:`RIVALS_FOR_METHOD`) are passed as competitors: an interval that also meets one of their bands is
        ``inconclusive``.
    note : str
        Why a number is missing, or what the verdict rests on.
    threshold_low, threshold_high : tuple of float
        The confidence interval of each n*(d) (resampling trials).
    censored, below_grid : tuple of bool
        Per d: the level was not reached within the n grid (n*(d) is then only a lower bound), or was
        already reached at its smallest n.
    intercept : float
        Of the fit ``log n* = intercept + slope log d`` (natural logarithms).
    """

    label: str
    link: str
    method: str
    alpha: float
    q: float
    r: int
    k_star: int | None
    d: tuple[int, ...]
    thresholds: tuple[float, ...]
    slope: float = _NAN
    ci_low: float = _NAN
    ci_high: float = _NAN
    theil_sen: float = _NAN
    predicted: float = _NAN
    predicted_local_slope: float = _NAN
    band_low: float = _NAN
    band_high: float = _NAN
    verdict: str = "n/a"
    note: str = ""
    threshold_low: tuple[float, ...] = ()
    threshold_high: tuple[float, ...] = ()
    censored: tuple[bool, ...] = ()
    below_grid: tuple[bool, ...] = ()
    intercept: float = _NAN


@dataclass(frozen=True)
class SweepSummary:
    """The summary table of a sweep; ``str()`` prints it."""

    name: str
    rows: tuple[SummaryRow, ...]
    missing_cells: int = 0
    total_cells: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dataframe(self) -> Any:
        """The rows as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame([asdict(r) for r in self.rows])

    def to_records(self) -> list[dict[str, Any]]:
        """The rows as JSON-ready dicts (NaN becomes None)."""
        out = []
        for row in self.rows:
            rec = asdict(row)
            for k, v in rec.items():
                if isinstance(v, float) and not math.isfinite(v):
                    rec[k] = None
                elif isinstance(v, tuple):
                    rec[k] = [None if isinstance(x, float) and not math.isfinite(x) else x for x in v]
            out.append(rec)
        return out

    def __str__(self) -> str:
        return format_summary(self)


def _information_exponent(case: CaseSpec) -> int | None:
    from theorylab.symbolic.exponents import information_exponent

    try:
        return int(information_exponent(case.link_object))
    except (ValueError, TypeError, NotImplementedError):
        return None


def _rate(name: str, k_star: int, case: CaseSpec) -> Any:
    from theorylab.symbolic.rates import predicted_rate

    k_gen = None
    if name in ("sq", "sq_reuse"):
        from theorylab.symbolic.exponents import generative_exponent

        k_gen = int(generative_exponent(case.link_object))
    return predicted_rate(name, k_star, alpha=case.alpha, r=case.r, k_gen=k_gen)


def _threshold_fields(thresholds: Any) -> dict[str, tuple]:
    return {
        "thresholds": tuple(float(t.threshold) for t in thresholds),
        "threshold_low": tuple(float(t.confidence_interval.low) for t in thresholds),
        "threshold_high": tuple(float(t.confidence_interval.high) for t in thresholds),
        "censored": tuple(bool(t.censored) for t in thresholds),
        "below_grid": tuple(bool(t.below_grid) for t in thresholds),
    }


def _fit_row(
    case: CaseSpec,
    method: str,
    curves: dict[int, tuple[np.ndarray, np.ndarray]],
    seed: int,
    fit_options: dict[str, Any],
) -> dict[str, Any]:
    """The compare-layer numbers of one row (with a note where a number cannot be given)."""
    out: dict[str, Any] = {}
    k_star = _information_exponent(case)
    out["k_star"] = k_star
    from theorylab.compare import fit_exponent_from_curves, verdict

    if len(curves) < 2:
        out["note"] = "fewer than two dimensions stored: no slope"
        return out
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # censored thresholds are reported through fit.excluded
            fit = fit_exponent_from_curves(curves, rng=seed, min_points=min(3, len(curves)), **fit_options)
    except ValueError as exc:
        # no slope (e.g. too many censored dimensions), but each n*(d) is still worth reporting
        from theorylab.compare import estimate_threshold

        out.update(_threshold_fields([estimate_threshold(n, success, rng=seed, **fit_options)
                                      for _, (n, success) in sorted(curves.items())]))
        out["note"] = f"no slope: {exc}"
        return out
    if fit.thresholds:
        out.update(_threshold_fields(fit.thresholds))
    out["intercept"] = float(fit.intercept)
    out["slope"] = float(fit.slope)
    out["ci_low"], out["ci_high"] = (float(x) for x in fit.confidence_interval)
    out["theil_sen"] = float(fit.theil_sen.slope)
    notes = []
    if fit.excluded:
        notes.append("left out of the fit: " + ", ".join(f"d={d:g} ({why})" for d, why in fit.excluded))
    rate_name = RATE_FOR_METHOD.get(method)
    if rate_name is None:
        out["note"] = "; ".join([f"no rate registered for method {method!r}", *notes])
        return out
    if k_star is None:
        out["note"] = "; ".join(["information exponent unknown: no predicted exponent", *notes])
        return out
    try:
        rate = _rate(rate_name, k_star, case)
    except ValueError as exc:
        out["note"] = "; ".join([f"no predicted rate: {exc}", *notes])
        return out
    competitors = []
    for name in RIVALS_FOR_METHOD.get(method, ()):
        try:
            rival = _rate(name, k_star, case)
        except ValueError:  # the alternative does not apply here (e.g. a single-index rate at r = 2)
            continue
        if rival.expression != rate.expression:  # an identical rate is no alternative
            competitors.append(rival)
    v = verdict(fit, rate, competitors=competitors)
    out["predicted"] = float(rate.exponent)
    out["predicted_local_slope"] = float(v.predicted_slope)
    out["band_low"], out["band_high"] = float(v.band.low), float(v.band.high)
    out["verdict"] = v.outcome
    out["note"] = "; ".join([f"{v.outcome} with {v.rate}: {v.reason}", *notes])
    return out


def summarize_sweep(
    spec: SweepSpec | None = None,
    store_dir: str | Path | None = None,
    *,
    n_resamples: int | None = None,
) -> SweepSummary:
    """Summarise the stored results of a sweep, one row per (case, method).

    Parameters
    ----------
    spec : SweepSpec, optional
        Default: the specification recorded in ``store_dir/sweep.json``.
    store_dir : str or Path
        The sweep's result directory.
    n_resamples : int, optional
        Bootstrap resamples of the exponent fit (default: the compare layer's).

    Returns
    -------
    SweepSummary
    """
    if store_dir is None:
        raise TypeError("store_dir: the sweep's result directory is required")
    if not isinstance(store_dir, (str, Path, os.PathLike)):
        raise TypeError(f"store_dir must be a path, got {type(store_dir).__name__}")
    if not Path(store_dir).is_dir():
        raise FileNotFoundError(f"store_dir: {store_dir} does not exist")
    store = ResultStore(store_dir)
    if spec is None:
        spec = store.load_spec()
    if not isinstance(spec, SweepSpec):
        raise TypeError(f"spec must be a SweepSpec, got {type(spec).__name__}")
    fit_options = {} if n_resamples is None else {"n_resamples": check_int(n_resamples, "n_resamples", minimum=1)}
    rows = []
    missing = 0
    for case in spec.cases:
        for method in case.methods:
            curves: dict[int, tuple[np.ndarray, np.ndarray]] = {}
            for cell in (c for c in spec.cells() if c.case is case and c.method == method):
                result = store.get(cell)
                if result is None:
                    missing += 1
                    continue
                curves[cell.d] = (result.n, result.success)
            base: dict[str, Any] = {
                "label": case.label,
                "link": case.link_object.text,
                "method": method,
                "alpha": case.alpha,
                "q": case.q,
                "r": case.r,
                "k_star": None,
                "d": tuple(sorted(curves)),
                "thresholds": tuple(_NAN for _ in curves),
            }
            if curves:
                base.update(_fit_row(case, method, curves, spec.seed, fit_options))
            else:
                base["note"] = "no stored results"
            rows.append(SummaryRow(**base))
    return SweepSummary(spec.name, tuple(rows), missing_cells=missing, total_cells=len(spec.cells()))


def _fmt(x: float, spec: str = ".2f") -> str:
    return "-" if x is None or not math.isfinite(x) else format(x, spec)


def format_summary(summary: SweepSummary) -> str:
    """The summary as a fixed-width text table, with the verdicts' reasons underneath.

    ``predicted`` is the rate's exponent (logs excluded); ``accepted`` is the band of slopes the verdict
    accepts over the row's d range (local slope, logs included, plus the polylog allowance).

    Examples
    --------
    >>> row = SummaryRow("he2", "He2(z)", "pruned", 0.25, 0.0, 1, 2, (81, 625), (900.0, 1500.0), slope=0.6,
    ...                  ci_low=0.4, ci_high=0.8, theil_sen=0.62, predicted=0.5, predicted_local_slope=0.5,
    ...                  band_low=0.5, band_high=0.87, verdict="consistent")
    >>> print(format_summary(SweepSummary("demo", (row,), total_cells=2)))
    sweep demo: 2/2 cells stored
    case  method  k*  alpha  q  d        slope  95% interval  Theil-Sen  predicted  accepted      verdict
    he2   pruned  2   0.25   0  81-625   0.60   [0.40, 0.80]  0.62       0.50       [0.50, 0.87]  consistent
    """
    if not isinstance(summary, SweepSummary):
        raise TypeError(f"summary must be a SweepSummary, got {type(summary).__name__}")
    header = ["case", "method", "k*", "alpha", "q", "d", "slope", "95% interval", "Theil-Sen", "predicted", "accepted", "verdict"]
    lines = [header]
    notes = []
    for row in summary.rows:
        lines.append([
            row.label,
            row.method,
            "-" if row.k_star is None else str(row.k_star),
            f"{row.alpha:g}",
            f"{row.q:g}",
            f"{row.d[0]}-{row.d[-1]}" if row.d else "-",
            _fmt(row.slope),
            "-" if not math.isfinite(row.ci_low) else f"[{row.ci_low:.2f}, {row.ci_high:.2f}]",
            _fmt(row.theil_sen),
            _fmt(row.predicted),
            "-" if not math.isfinite(row.band_low) else f"[{row.band_low:.2f}, {row.band_high:.2f}]",
            row.verdict,
        ])
        if row.note:
            notes.append(f"  {row.label} / {row.method}: {row.note}")
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    stored = summary.total_cells - summary.missing_cells
    text = [f"sweep {summary.name}: {stored}/{summary.total_cells} cells stored"]
    text += ["  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip() for line in lines]
    if notes:
        text.append("notes:")
        text += notes
    return "\n".join(text)
