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

from theorylab.sweeps.spec import CaseSpec, SweepSpec
from theorylab.sweeps.store import ResultStore

__all__ = ["SummaryRow", "SweepSummary", "format_summary", "summarize_sweep"]

_NAN = float("nan")


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
    verdict : str
        ``consistent``, ``inconsistent``, ``inconclusive`` or ``n/a``.
    note : str
        Why a number is missing, or what the verdict rests on.
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
    verdict: str = "n/a"
    note: str = ""


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
    try:
        from theorylab.symbolic.exponents import information_exponent
    except ImportError:
        return None
    try:
        return int(information_exponent(case.link_object))
    except (ValueError, TypeError, NotImplementedError):
        return None


def _get(obj: Any, *names: str, default: Any = _NAN) -> Any:
    for name in names:
        if isinstance(obj, dict) and name in obj:
            return obj[name]
        if hasattr(obj, name):
            return getattr(obj, name)
    return default


def _interval(fit: Any) -> tuple[float, float]:
    ci = _get(fit, "confidence_interval", "interval", "ci", default=None)
    if ci is None:
        return _get(fit, "ci_low", "low"), _get(fit, "ci_high", "high")
    low = _get(ci, "low", default=None)
    if low is None:
        low, high = ci[0], ci[1]
    else:
        high = _get(ci, "high")
    return float(low), float(high)


def _fit_row(case: CaseSpec, method: str, curves: dict[int, tuple[np.ndarray, np.ndarray]], seed: int) -> dict[str, Any]:
    """The compare-layer numbers of one row (empty with a note when a layer is missing)."""
    out: dict[str, Any] = {}
    k_star = _information_exponent(case)
    out["k_star"] = k_star
    try:
        from theorylab.compare import fit_exponent_from_curves, verdict
    except ImportError:
        out["note"] = "theorylab.compare has no exponent fit yet: success curves stored, no slope"
        return out
    if len(curves) < 2:
        out["note"] = "fewer than two dimensions stored: no slope"
        return out
    import inspect

    kwargs: dict[str, Any] = {}
    params = inspect.signature(fit_exponent_from_curves).parameters
    for name in ("rng", "seed", "random_state"):
        if name in params:
            kwargs[name] = seed
            break
    if "min_points" in params:
        kwargs["min_points"] = min(3, len(curves))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = fit_exponent_from_curves(curves, **kwargs)
    except ValueError as exc:
        out["note"] = f"no slope: {exc}"
        return out
    excluded = _get(fit, "excluded", default=())
    excluded_note = ""
    if excluded:
        excluded_note = "; left out of the fit: " + ", ".join(f"d={d:g} ({why})" for d, why in excluded)
    out["slope"] = float(_get(fit, "slope", "exponent"))
    out["ci_low"], out["ci_high"] = _interval(fit)
    out["theil_sen"] = float(_get(fit, "theil_sen", "theil_sen_slope"))
    thresholds = _get(fit, "thresholds", default=None)
    if thresholds is not None:
        try:
            out["thresholds"] = tuple(float(_get(t, "threshold", default=t)) for t in thresholds)
        except (TypeError, ValueError):
            pass
    try:
        from theorylab.symbolic.rates import RATES, predicted_rate
    except ImportError:
        out["note"] = "theorylab.symbolic.rates not available: no predicted exponent"
        return out
    if method not in RATES:
        out["note"] = f"no rate registered for method {method!r}{excluded_note}"
        return out
    if k_star is None:
        out["note"] = "information exponent unknown: no predicted exponent"
        return out
    rate = predicted_rate(method, k_star, alpha=case.alpha, r=case.r)
    out["predicted"] = float(rate.exponent)
    d = sorted(curves)
    out["predicted_local_slope"] = float(rate.local_slope(d[0], d[-1]))
    v = verdict(fit, rate)
    out["verdict"] = str(_get(v, "verdict", "label", default=v))
    reason = _get(v, "reason", "explanation", "message", default="")
    out["note"] = (str(reason) if reason else "") + excluded_note
    return out


def summarize_sweep(spec: SweepSpec | None = None, store_dir: str | Path | None = None) -> SweepSummary:
    """Summarise the stored results of a sweep, one row per (case, method).

    Parameters
    ----------
    spec : SweepSpec, optional
        Default: the specification recorded in ``store_dir/sweep.json``.
    store_dir : str or Path
        The sweep's result directory.

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
                base.update(_fit_row(case, method, curves, spec.seed))
            else:
                base["note"] = "no stored results"
            rows.append(SummaryRow(**base))
    return SweepSummary(spec.name, tuple(rows), missing_cells=missing, total_cells=len(spec.cells()))


def _fmt(x: float, spec: str = ".2f") -> str:
    return "-" if x is None or not math.isfinite(x) else format(x, spec)


def format_summary(summary: SweepSummary) -> str:
    """The summary as a fixed-width text table, with notes underneath.

    Examples
    --------
    >>> row = SummaryRow("he2", "He2(z)", "pruned", 0.25, 0.0, 1, 2, (81, 256), (900.0, 1500.0), 0.6, 0.4, 0.8,
    ...                  0.62, 0.5, 0.9, "consistent")
    >>> print(format_summary(SweepSummary("demo", (row,), total_cells=2)))  # doctest: +NORMALIZE_WHITESPACE
    sweep demo: 2/2 cells stored
    case  method  k*  alpha  q  d range   slope  interval      Theil-Sen  predicted (local)  verdict
    he2   pruned  2   0.25   0  81-256    0.60   [0.40, 0.80]  0.62       0.50 (0.90)        consistent
    """
    if not isinstance(summary, SweepSummary):
        raise TypeError(f"summary must be a SweepSummary, got {type(summary).__name__}")
    header = ["case", "method", "k*", "alpha", "q", "d range", "slope", "interval", "Theil-Sen", "predicted (local)", "verdict"]
    lines = [header]
    notes = []
    for row in summary.rows:
        d_range = f"{row.d[0]}-{row.d[-1]}" if row.d else "-"
        interval = "-" if not math.isfinite(row.ci_low) else f"[{row.ci_low:.2f}, {row.ci_high:.2f}]"
        predicted = "-" if not math.isfinite(row.predicted) else f"{row.predicted:.2f} ({_fmt(row.predicted_local_slope)})"
        lines.append([
            row.label,
            row.method,
            "-" if row.k_star is None else str(row.k_star),
            f"{row.alpha:g}",
            f"{row.q:g}",
            d_range,
            _fmt(row.slope),
            interval,
            _fmt(row.theil_sen),
            predicted,
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
