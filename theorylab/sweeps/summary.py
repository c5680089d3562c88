"""Summaries of a stored sweep: per (case, method) the measured exponent, its interval and a verdict.

For each case and method, the stored success curves (keyed by the scanned value: d, or the support size s of
an s-scan at fixed d) go to :func:`theorylab.compare.fit_exponent_from_curves` (thresholds n* with censoring,
the weighted log-log slope with a bootstrap interval, Theil–Sen). The fit is judged by
:func:`theorylab.compare.verdict` against the method's rate and competitors, both read from the registry
(:mod:`theorylab.symbolic.methods`, :mod:`theorylab.symbolic.rates`), along the case's axis. Each row also says
whether the design could separate the rate from its competitors at all (:func:`theorylab.compare.separable` at
the measured interval width): "consistent" is given only where it could.

Rows are :class:`theorylab.report.CaseReport`, the typed schema the reproduction, the figures and the command
line share. The store is read once, here; each row carries its curves.
"""

from __future__ import annotations

import math
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from theorylab._display import ShortRepr
from theorylab._table import interval, number, table, wrap
from theorylab._validation import check_int
from theorylab.report import CaseReport, Curve, PredictedLine, verdict_counts
from theorylab.sweeps.spec import CaseSpec, Cell, SweepSpec
from theorylab.sweeps.store import ResultStore

__all__ = ["SummaryRow", "SweepSummary", "format_summary", "summarize_sweep", "setting_name"]

_NAN = float("nan")

#: A summary row is a :class:`theorylab.report.CaseReport`.
SummaryRow = CaseReport

#: Rates drawn beside every measurement (when they apply), besides the method's own and its competitors.
REFERENCE_RATES = ("pruned", "dense", "csq_sparse", "csq_dense")


@dataclass(frozen=True, repr=False)
class SweepSummary(ShortRepr):
    """The summary table of a sweep; ``str()`` prints it."""

    name: str
    rows: tuple[CaseReport, ...]
    missing_cells: int = 0
    total_cells: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dataframe(self) -> Any:
        """The rows as a pandas DataFrame (needs ``pip install 'theorylab[frames]'``)."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("to_dataframe needs pandas: pip install 'theorylab[frames]'") from None
        return pd.DataFrame([r.to_dict() for r in self.rows])

    def to_records(self) -> list[dict[str, Any]]:
        """The rows as JSON-ready dicts (NaN becomes None)."""
        return [row.to_dict() for row in self.rows]

    def __str__(self) -> str:
        return format_summary(self)

    def _summary(self) -> dict[str, Any]:
        return {"name": self.name, "rows": len(self.rows), "cells_stored": self.total_cells - self.missing_cells,
                "cells": self.total_cells, "verdicts": verdict_counts(self.rows)}

    def _summary_rows(self) -> list[dict[str, Any]]:
        return [row._summary() for row in self.rows]


def setting_name(case: CaseSpec) -> str:
    """A readable name of the teacher a case runs on, from its fields (never from its label).

    Examples
    --------
    >>> setting_name(CaseSpec("He2(z)/sqrt(2)", ["pruned"], d_grid=[16, 81], n_min=1, n_max=9))
    'He2(z)/sqrt(2) r=1 q=0 α=0.25'
    >>> setting_name(CaseSpec("He2(z)", ["pruned"], d_grid=[256], n_min=1, n_max=9, axis="s", s_grid=[2, 4, 8]))
    'He2(z) r=1 q=0 d=256 (s-scan)'
    """
    where = f"α={case.alpha:g}" if case.axis == "d" else f"d={case.d_grid[0]} (s-scan)"
    return f"{case.link_object.text} r={case.r} q={case.q:g} {where}"


@dataclass(frozen=True)
class _Exponents:
    k_star: int | None
    k_gen: int | None


def _exponents(case: CaseSpec, results: list[Any], needs_k_gen: bool) -> _Exponents:
    """k* from what ``simulate`` recorded (computed from the link only when no result recorded it)."""
    from theorylab.symbolic.exponents import generative_exponent, information_exponent

    recorded = {r.config.get("k_star") for r in results if r.config.get("k_star") is not None}
    k_star: int | None = int(recorded.pop()) if len(recorded) == 1 else None
    if k_star is None:
        try:
            k_star = int(information_exponent(case.link_object))
        except (ValueError, TypeError, NotImplementedError):
            k_star = None
    k_gen = None
    if needs_k_gen and case.r == 1:
        try:
            k_gen = int(generative_exponent(case.link_object))
        except (ValueError, TypeError, NotImplementedError):
            k_gen = None
    return _Exponents(k_star, k_gen)


def _rate_or_none(name: str, ex: _Exponents, case: CaseSpec) -> Any:
    from theorylab.symbolic.rates import predicted_rate

    if ex.k_star is None:
        return None
    try:
        return predicted_rate(name, ex.k_star, alpha=case.alpha, r=case.r, k_gen=ex.k_gen)
    except ValueError:  # the rate does not apply here (a single-index rate at r = 2, no k_gen)
        return None


def _threshold_fields(thresholds: Any) -> dict[str, Any]:
    return {
        "thresholds": tuple(float(t.threshold) for t in thresholds),
        "threshold_low": tuple(float(t.confidence_interval.low) for t in thresholds),
        "threshold_high": tuple(float(t.confidence_interval.high) for t in thresholds),
        "censored": tuple(bool(t.censored) for t in thresholds),
        "below_grid": tuple(bool(t.below_grid) for t in thresholds),
    }


def _fit(curves: dict[int, tuple[np.ndarray, np.ndarray]], seed: int,
         fit_options: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """The exponent fit, or (None, per-point thresholds and a note) when no slope can be given."""
    from theorylab.compare import estimate_threshold, fit_exponent_from_curves

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # censored thresholds are reported through fit.excluded
            fit = fit_exponent_from_curves(curves, rng=seed, min_points=min(3, len(curves)), **fit_options)
    except ValueError as exc:
        out = _threshold_fields([estimate_threshold(n, success, rng=seed, **fit_options)
                                 for _, (n, success) in sorted(curves.items())])
        out["notes"] = (f"no slope: {exc}",)
        return None, out
    out = dict(_threshold_fields(fit.thresholds)) if fit.thresholds else {}
    lo, hi = (float(x) for x in fit.confidence_interval)
    out.update(slope=float(fit.slope), slope_low=lo, slope_high=hi, intercept=float(fit.intercept),
               theil_sen=float(fit.theil_sen.slope))
    if fit.excluded:
        out["notes"] = ("left out of the fit: " + ", ".join(f"{x:g} ({why})" for x, why in fit.excluded),)
    return fit, out


def _lines(case: CaseSpec, own: Any, rivals: list[Any], ex: _Exponents, x_range: tuple[float, float]) -> tuple:
    """Predicted lines: own rate, competitors, reference rates, each with its band over the scan."""
    from theorylab.compare import allowed_band

    lines, seen = [], set()
    fixed_d = case.d_grid[0] if case.axis == "s" else None
    named = [(own, "own")] if own is not None else []
    named += [(r, "competitor") for r in rivals]
    named += [(_rate_or_none(n, ex, case), "other") for n in REFERENCE_RATES]
    for rate, role in named:
        if rate is None or rate.name in seen:
            continue
        seen.add(rate.name)
        band = allowed_band(rate, *x_range, axis=case.axis, d=fixed_d) if x_range[1] > x_range[0] else None
        exponent = rate.exponent if case.axis == "d" else rate.s_exponent
        lines.append(PredictedLine(rate.name, rate.label, float(exponent),
                                   float(rate.log_power) if case.axis == "d" else 0.0,
                                   _NAN if band is None else band.low, _NAN if band is None else band.high, role))
    return tuple(lines)


def _design(own: Any, rivals: list[Any], fit: Any, case: CaseSpec) -> tuple[bool, str]:
    """Whether this scan, at the measured half-width, can separate the rate from every competitor."""
    from theorylab.compare import separable

    half = max((float(fit.confidence_interval[1]) - float(fit.confidence_interval[0])) / 2, 1e-6)
    if not math.isfinite(half):
        return False, "the slope interval is unbounded: no design check"
    lo, hi = (float(x) for x in fit.d_range)
    fixed_d = case.d_grid[0] if case.axis == "s" else None
    blocked = [r.name for r in rivals
               if not separable(own, r, lo, hi, half_width=half, axis=case.axis, d=fixed_d)]
    if blocked:
        return False, (f"this design cannot separate {own.name} from {', '.join(blocked)}: their bands over "
                       f"{case.axis} in [{lo:g}, {hi:g}] are closer than twice the measured half-width {half:.2f}")
    return True, f"this design separates {own.name} from {', '.join(r.name for r in rivals) or 'no competitor'}"


def _distinct_rivals(own: Any, rates: list[Any], case: CaseSpec, x_range: tuple[float, float]) -> list[Any]:
    """Competitors that predict something else on this axis (an identical prediction is no alternative)."""
    from theorylab.compare import allowed_band

    if case.axis == "d" or x_range[1] <= x_range[0]:
        return [r for r in rates if r is not None and r.expression != own.expression]
    fixed_d = case.d_grid[0] if case.axis == "s" else None
    mine = allowed_band(own, *x_range, axis=case.axis, d=fixed_d)
    out = []
    for r in rates:
        if r is None:
            continue
        band = allowed_band(r, *x_range, axis=case.axis, d=fixed_d)
        if not (math.isclose(band.low, mine.low, abs_tol=1e-9) and math.isclose(band.high, mine.high, abs_tol=1e-9)):
            out.append(r)
    return out


def _judge_row(case: CaseSpec, method: str, fit: Any, ex: _Exponents) -> dict[str, Any]:
    """The registry's rate and competitors for ``method``, the verdict, and the design check."""
    from theorylab.compare import verdict
    from theorylab.symbolic.methods import METHODS

    info = METHODS.get(method)
    own = None if info is None or info.rate is None else _rate_or_none(info.rate, ex, case)
    x_range = (float(fit.d_range[0]), float(fit.d_range[1])) if fit is not None else (0.0, 0.0)
    rivals = [] if info is None or own is None else _distinct_rivals(
        own, [_rate_or_none(n, ex, case) for n in info.competitors], case, x_range)
    out: dict[str, Any] = {"predicted": _lines(case, own, rivals, ex, x_range) if fit is not None else ()}
    if info is None or info.rate is None:
        out["notes"] = (f"no rate registered for method {method!r}",)
        return out
    if own is None:
        out["notes"] = ("no predicted rate for this case (information exponent unknown or the rate does not apply)",)
        return out
    out["rate"], out["competitors"] = own.name, tuple(r.name for r in rivals)
    if fit is None:
        return out
    fixed_d = case.d_grid[0] if case.axis == "s" else None
    if not (math.isfinite(float(fit.confidence_interval[0])) and math.isfinite(float(fit.confidence_interval[1]))):
        out["notes"] = ("the slope interval is unbounded (censored thresholds): no verdict",)
        return out
    v = verdict(fit, own, competitors=rivals, axis=case.axis, d=fixed_d)
    can, design_note = _design(own, rivals, fit, case)
    outcome, reason = v.outcome, v.reason
    if outcome == "consistent" and not can:
        outcome, reason = "inconclusive", f"{reason}; but {design_note}"
    out.update(predicted_local_slope=float(v.predicted_slope), band_low=float(v.band.low),
               band_high=float(v.band.high), verdict=outcome, reason=reason, side=v.side, too_wide=v.too_wide,
               competitors_met=v.competitors_met, separable=can, design_note=design_note)
    return out


def _fit_variable(case: CaseSpec, xs: tuple[int, ...]) -> tuple[dict[int, int], str]:
    """What an s-scan is fitted in: the pruning level M each cell ran with (THEORY.md §8b), unless the case
    fixes M itself; a d-scan is fitted in d."""
    if case.axis == "d" or "M" in case.options:
        return {x: x for x in xs}, case.axis
    from theorylab.numeric.training import default_M

    d = case.d_grid[0]
    levels = {x: default_M(d, case.alpha_at(x), case.q, case.r) for x in xs}
    if len(set(levels.values())) < len(levels):  # M capped at d: two s share one M
        return {x: x for x in xs}, "s"
    margins = {levels[x] - x for x in xs}
    return levels, (f"M = s + {margins.pop()}" if len(margins) == 1 else "M")


def _case_rows(case: CaseSpec, cells: list[Cell], seed: int, store: ResultStore,
               fit_options: dict[str, Any]) -> tuple[list, int]:
    """Read the case's cells once; one row per method."""
    from theorylab.symbolic.methods import METHODS

    rows, missing = [], 0
    for method in case.methods:
        results = {}
        for cell in (c for c in cells if c.method == method):
            res = store.get(cell)
            if res is None:
                missing += 1
            else:
                results[cell.x] = res
        info = METHODS.get(method)
        needs_k_gen = info is not None and any(n in ("sq", "sq_reuse") for n in (info.rate, *info.competitors))
        ex = _exponents(case, list(results.values()), needs_k_gen)
        xs = tuple(sorted(results))
        base: dict[str, Any] = dict(
            label=case.label, setting=setting_name(case), link=case.link_object.text, method=method,
            alpha=case.alpha, q=case.q, r=case.r, k_star=ex.k_star, k_gen=ex.k_gen, axis=case.axis,
            fixed_d=case.d_grid[0] if case.axis == "s" else None, values=xs,
            n_min=tuple(case.n_range(x)[0] for x in xs), n_max=tuple(case.n_range(x)[1] for x in xs),
            thresholds=tuple(_NAN for _ in xs),
            seconds=tuple(float(results[x].meta.get("elapsed_s", _NAN)) for x in xs),
            approximation=", ".join(sorted({str(results[x].config["approximation"]) for x in xs
                                             if results[x].config.get("approximation")})),
            curves=tuple(Curve(int(x), tuple(int(v) for v in results[x].n),
                               tuple(int(v) for v in np.asarray(results[x].success).sum(axis=0)),
                               int(np.asarray(results[x].success).shape[0])) for x in xs))
        notes: list[str] = []
        fit = None
        fx, fit_variable = _fit_variable(case, xs)
        base.update(fit_values=tuple(fx[x] for x in xs), fit_variable=fit_variable)
        if len(xs) >= 2:
            fit, fitted = _fit({fx[x]: (results[x].n, results[x].success) for x in xs}, seed, fit_options)
            notes += fitted.pop("notes", ())
            base.update(fitted)
        else:
            notes.append("no stored results" if not xs else "fewer than two points stored: no slope")
        judged = _judge_row(case, method, fit, ex)
        notes += judged.pop("notes", ())
        base.update(judged)
        rows.append(CaseReport(**base, notes=tuple(notes)))
    return rows, missing


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
    if spec is not None and not isinstance(spec, SweepSpec):
        raise TypeError(f"spec must be a SweepSpec, got {type(spec).__name__}")
    fit_options = {} if n_resamples is None else {"n_resamples": check_int(n_resamples, "n_resamples", minimum=1)}
    store = ResultStore(store_dir)
    if spec is None:
        spec = store.load_spec()
    rows: list[CaseReport] = []
    missing = 0
    cells = spec.cells()  # built once; each case takes its own
    for index, case in enumerate(spec.cases):
        own = [c for c in cells if c.case_index == index]
        case_rows, case_missing = _case_rows(case, own, spec.seed, store, fit_options)
        rows += case_rows
        missing += case_missing
    return SweepSummary(spec.name, tuple(rows), missing_cells=missing, total_cells=len(cells))


def _scan_text(row: CaseReport) -> str:
    if not row.values:
        return "-"
    span = f"{row.values[0]}..{row.values[-1]}"
    return f"d {span}" if row.axis == "d" else f"s {span} @d={row.fixed_d}"


def format_summary(summary: SweepSummary) -> str:
    """The summary as a fixed-width text table (at most 100 columns), with the verdicts' reasons underneath.

    Rows are grouped under their case (label, link, k*, α, q); ``predicted`` is the own rate's exponent along
    the case's axis (logs excluded); ``accepted`` is the band of slopes the verdict accepts over the row's range.
    Numbers are in the one table format (:func:`theorylab._table.number`).

    Examples
    --------
    >>> row = SummaryRow("he2", "He2 α=0.25", "He2(z)", "pruned", 0.25, 0.0, 1, 2, (81, 625), (900.0, 1500.0),
    ...                  slope=0.6, slope_low=0.4, slope_high=0.8, theil_sen=0.62, band_low=0.5, band_high=0.87,
    ...                  predicted=(PredictedLine("pruned", "pruned", 0.5, role="own"),), verdict="consistent")
    >>> print(format_summary(SweepSummary("demo", (row,), total_cells=2)))
    sweep demo: 2/2 cells stored
    method  scan       slope  95% interval    predicted  accepted        verdict
    ------  ---------  -----  --------------  ---------  --------------  ----------
    he2: He2(z), k* = 2, α = 0.25, q = 0
    pruned  d 81..625  0.600  [0.400, 0.800]      0.500  [0.500, 0.870]  consistent
    """
    if not isinstance(summary, SweepSummary):
        raise TypeError(f"summary must be a SweepSummary, got {type(summary).__name__}")
    header = ["method", "scan", "slope", "95% interval", "predicted", "accepted", "verdict"]
    rows: list[list[str]] = []
    headings: dict[int, tuple[tuple[Any, ...], str]] = {}
    notes: list[str] = []
    for row in summary.rows:
        own = row.own
        key = (row.label, row.link, row.k_star, row.alpha, row.q, row.axis)
        if not headings or list(headings.values())[-1][0] != key:
            k_star = "-" if row.k_star is None else str(row.k_star)
            where = f"α = {row.alpha:g}, " if row.axis == "d" else ""
            headings[len(rows)] = (key, f"{row.label}: {row.link}, k* = {k_star}, {where}q = {row.q:g}")
        rows.append([row.method, _scan_text(row), number(row.slope), interval(row.slope_low, row.slope_high),
                     "-" if own is None else number(own.exponent), interval(row.band_low, row.band_high),
                     row.verdict])
        text = "; ".join([t for t in (row.reason, *row.notes) if t])
        if text:
            notes += wrap(f"{row.label} / {row.method}: {text}", indent="  ")
    lines = table(header, rows)
    stored = summary.total_cells - summary.missing_cells
    out = [f"sweep {summary.name}: {stored}/{summary.total_cells} cells stored", *lines[:2]]
    for i, line in enumerate(lines[2:]):
        if i in headings:
            out += wrap(headings[i][1])
        out.append(line)
    if notes:
        out.append("notes:")
        out += notes
    return "\n".join(out)
