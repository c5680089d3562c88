"""Every figure of a typed report (:class:`theorylab.report.Report`) or of a sweep summary.

The rows are :class:`theorylab.report.CaseReport` objects; this module only groups them by their fields and
hands each group to a figure function. Figures and their file names (``<kind>_<link>_k<k*>_r<r>_q<q>...``):

- ``thresholds``: n* over d per setting (d-scans of one link, r, q and α), every method of the setting;
- ``sparsity``: n* over s at a fixed d (s-scans of one link, r, q and d), every method of the setting;
- ``phase``: the measured d-slope against α, for a link measured at two or more α;
- ``success``: the success curves of each row that carries them.

Predicted lines are each row's ``predicted`` lines (its own rate, competitors and references), anchored at
the first measured point of the method they belong to; the own rate's band is drawn as a wedge. A report's
crossover d× (pruned against the best basis-independent learner) is marked on its setting's d figure.
"""

from __future__ import annotations

import functools
import math
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from theorylab._validation import check_choice
from theorylab.plots._checks import check_format
from theorylab.plots.labels import display_name, plain, setting_title

if TYPE_CHECKING:  # pragma: no cover
    from theorylab.report import CaseReport, Crossover, Report

__all__ = ["REPORT_FIGURES", "plot_report", "plot_rows", "as_report", "row_series"]

#: The kinds of figure a report gives.
REPORT_FIGURES = ("thresholds", "sparsity", "phase", "success")


def as_report(report: Any) -> Report:
    """A :class:`~theorylab.report.Report` from itself, its dict (``Report.from_dict``) or a path to report.json."""
    from theorylab.report import Report

    if isinstance(report, Report):
        return report
    if isinstance(report, dict):
        return Report.from_dict(report)
    if isinstance(report, (str, os.PathLike)):
        path = Path(report)
        if path.is_dir():
            path = path / "report.json"
        if not path.is_file():
            raise FileNotFoundError(f"report: no such file {str(path)!r}")
        import json

        try:
            return Report.load(path)
        except json.JSONDecodeError as exc:
            raise ValueError(f"report: {path} is not valid JSON ({exc.msg}, line {exc.lineno})") from None
        except UnicodeDecodeError:
            raise ValueError(f"report: {path} is not UTF-8 text") from None
    raise TypeError(f"report must be a Report, its dict or a path to report.json, got {type(report).__name__}")


def _slug(*parts: Any) -> str:
    text = "_".join(str(p) for p in parts)
    return re.sub(r"_+", "_", re.sub(r"[^A-Za-z0-9.+-]+", "_", text)).strip("_.") or "case"


def _stem(row: CaseReport) -> str:
    """The setting part of a file name, from the row's fields."""
    k = "" if row.k_star is None else f"k{row.k_star}"
    where = f"a{row.alpha:g}" if row.axis == "d" else f"d{row.fixed_d}"
    return _slug(row.link, k, f"r{row.r}", f"q{row.q:g}", where)


def _x_values(row: CaseReport) -> tuple[int, ...]:
    """The variable the row's slope was fitted in (the pruning level M of an s-scan), so the fit line matches."""
    return row.fit_values if len(row.fit_values) == len(row.values) else row.values


def x_label(row: CaseReport) -> str | None:
    """The x-axis name of an s-scan fitted in the pruning level M."""
    if row.axis == "s" and row.fit_variable.startswith("M"):
        return f"pruning level ${row.fit_variable}$"
    return None


def row_series(row: CaseReport) -> dict[str, Any] | None:
    """A row as a series of :func:`theorylab.plots.plot_thresholds` (None when it has no point to draw)."""
    size = len(row.values)
    if size == 0 or len(row.thresholds) != size:
        return None
    cens = np.array(row.censored if len(row.censored) == size else [False] * size, dtype=bool)
    below = np.array(row.below_grid if len(row.below_grid) == size else [False] * size, dtype=bool)
    n_min = np.array(row.n_min if len(row.n_min) == size else [np.nan] * size, dtype=float)
    n_max = np.array(row.n_max if len(row.n_max) == size else [np.nan] * size, dtype=float)
    n_star = np.where(cens, n_max, np.where(below, n_min, np.array(row.thresholds, dtype=float)))
    keep = np.isfinite(n_star) & (n_star > 0)  # a point with no number and no bound is left out
    if not np.any(keep):
        return None
    series: dict[str, Any] = {"label": row.method, "method": row.method, "rate": row.rate,
                              row.axis: np.array(_x_values(row), dtype=float)[keep], "n_star": n_star[keep],
                              "censored": cens[keep], "below_grid": below[keep]}
    for key, values in (("low", row.threshold_low), ("high", row.threshold_high)):
        if len(values) == size:
            series[key] = np.array(values, dtype=float)[keep]
    if math.isfinite(row.slope) and math.isfinite(row.intercept):
        lo = row.slope_low if math.isfinite(row.slope_low) else -math.inf
        hi = row.slope_high if math.isfinite(row.slope_high) else math.inf
        series["fit"] = (row.slope, row.intercept, lo, hi)
    if math.isfinite(row.band_low) and math.isfinite(row.band_high):
        series["band"] = (row.band_low, row.band_high)
    if row.verdict and row.verdict != "n/a":
        series["verdict"] = row.verdict
    return series


def _crossover(rows: list[CaseReport], crossovers: Sequence[Crossover]) -> Crossover | None:
    """The crossover of this setting: same ``setting`` field, and both methods drawn here."""
    methods = {r.method for r in rows}
    settings = {r.setting for r in rows}
    return next((c for c in crossovers if c.setting in settings and c.pruned in methods
                 and c.competitor in methods), None)


def _scan_figure(rows: list[CaseReport], out_dir: str, fmt: str,
                 crossovers: Sequence[Crossover] = ()) -> str | None:
    """n* over the rows' axis for one setting, with every row's predicted lines (each name once)."""
    from theorylab.plots.thresholds import plot_thresholds

    pairs = [(row, s) for row in rows if (s := row_series(row)) is not None]
    if not pairs:
        return None
    seen: dict[str, Any] = {}
    for row, _ in pairs:
        for line in sorted(row.predicted, key=lambda p: p.role != "own"):
            if math.isfinite(line.exponent):
                seen.setdefault(line.name, line)
    first = pairs[0][0]
    kind = "thresholds" if first.axis == "d" else "sparsity"
    title = setting_title(first.link, k_star=first.k_star, r=first.r, q=first.q,
                          alpha=first.alpha if first.axis == "d" else None, fixed_d=first.fixed_d)
    path = os.path.join(out_dir, f"{kind}_{_stem(first)}.{fmt}")
    series = _distinct_labels([s for _, s in pairs])
    crossover = _crossover(rows, crossovers) if first.axis == "d" else None
    plot_thresholds(series, predicted=list(seen.values()) or None, axis=first.axis, fixed_d=first.fixed_d,
                    crossover=crossover, title=title, path=path, format=fmt, x_label=x_label(first))
    return path


def _distinct_labels(series: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Two rows of one method in one figure (two cases of the same setting) get numbered labels."""
    counts: dict[str, int] = {}
    for s in series:
        counts[s["label"]] = counts.get(s["label"], 0) + 1
        if counts[s["label"]] > 1:
            s["label"] = f"{s['label']} ({counts[s['label']]})"
    return series


def _phase_figure(rows: list[CaseReport], out_dir: str, fmt: str) -> str | None:
    """The measured d-slopes of one link against α (two or more α needed, and k*)."""
    from theorylab.plots.phase import plot_phase_diagram

    rows = [r for r in rows if math.isfinite(r.slope) and 0 < r.alpha < 1]
    alphas = sorted({r.alpha for r in rows})
    k_star = next((r.k_star for r in rows if r.k_star is not None), None)
    if len(alphas) < 2 or k_star is None:
        return None
    methods = list(dict.fromkeys(r.method for r in rows))
    shape = (len(methods), len(alphas))
    meas, lo, hi = np.full(shape, np.nan), np.full(shape, np.nan), np.full(shape, np.nan)
    for r in rows:
        i, j = methods.index(r.method), alphas.index(r.alpha)
        meas[i, j], lo[i, j], hi[i, j] = r.slope, r.slope_low, r.slope_high
    first = rows[0]
    path = os.path.join(out_dir, f"phase_{_slug(first.link, f'k{k_star}', f'r{first.r}', f'q{first.q:g}')}.{fmt}")
    title = setting_title(first.link, k_star=k_star, r=first.r, q=first.q)
    plot_phase_diagram(alphas, meas, lo, hi, k_star=k_star, r=first.r, labels=methods, title=title, path=path,
                       format=fmt)
    return path


def _success_figure(row: CaseReport, out_dir: str, fmt: str) -> str | None:
    from theorylab.plots.success import plot_success_curves

    if not row.curves:
        return None
    curves = {c.x: (c.n, c.successes, c.trials) for c in row.curves}
    title = f"{plain(display_name(row.method))}, " + setting_title(
        row.link, k_star=row.k_star, r=row.r, q=row.q, alpha=row.alpha if row.axis == "d" else None,
        fixed_d=row.fixed_d)
    path = os.path.join(out_dir, f"success_{_stem(row)}_{_slug(row.method)}.{fmt}")
    plot_success_curves(curves, axis=row.axis, title=title, path=path, format=fmt)
    return path


def _groups(rows: Sequence[CaseReport], key: Any) -> list[list[CaseReport]]:
    out: dict[Any, list[CaseReport]] = {}
    for row in rows:
        out.setdefault(key(row), []).append(row)
    return list(out.values())


def _check_kinds(kinds: Any) -> list[str]:
    if isinstance(kinds, str):
        kinds = [kinds]
    if not isinstance(kinds, Sequence):
        raise TypeError(f"kinds must be a sequence of {', '.join(REPORT_FIGURES)}")
    return [check_choice(k, "kinds", REPORT_FIGURES) for k in kinds]


def plot_rows(rows: Sequence[CaseReport], out_dir: str | os.PathLike[str], *, kinds: Sequence[str] = REPORT_FIGURES,
              format: str = "png", crossovers: Sequence[Crossover] = ()) -> list[str]:
    """The figures of report rows (see the module docstring); the paths written, in order.

    A crossover whose ``setting`` is a d-scan figure's setting, and whose two methods are drawn there, is
    marked on that figure.
    """
    from theorylab.report import CaseReport

    kinds = _check_kinds(kinds)
    fmt = check_format(format)
    if not isinstance(out_dir, (str, os.PathLike)):
        raise TypeError(f"out_dir must be a str or os.PathLike, got {type(out_dir).__name__}")
    if not all(isinstance(r, CaseReport) for r in rows):
        raise TypeError("rows must be CaseReport objects")
    out = os.fspath(out_dir)
    os.makedirs(out, exist_ok=True)
    jobs: list[tuple[Any, list[CaseReport] | CaseReport]] = []
    for axis, kind in (("d", "thresholds"), ("s", "sparsity")):
        if kind in kinds:
            scans = [r for r in rows if r.axis == axis]
            groups = _groups(scans, lambda r: (r.link, r.r, r.q, r.alpha, r.fixed_d))
            jobs += [(functools.partial(_scan_figure, crossovers=crossovers), g) for g in groups]
    if "phase" in kinds:
        jobs += [(_phase_figure, g) for g in _groups([r for r in rows if r.axis == "d"],
                                                     lambda r: (r.link, r.r, r.q))]
    if "success" in kinds:
        jobs += [(_success_figure, r) for r in rows]
    written = [p for function, arg in jobs if (p := function(arg, out, fmt)) is not None]
    return list(dict.fromkeys(written))


def plot_report(report: Any, out_dir: str | os.PathLike[str], *, kinds: Sequence[str] = REPORT_FIGURES,
                format: str = "png") -> list[str]:
    """Write every figure a report supports; return the paths written.

    Parameters
    ----------
    report : Report, dict or path
        A :class:`theorylab.report.Report`, its ``to_dict()`` form (read with ``Report.from_dict``), or a
        path to ``report.json`` (or to the directory holding it).
    out_dir : str or PathLike
        Directory for the figures (created if missing).
    kinds : sequence of str
        Which of ``"thresholds"``, ``"sparsity"``, ``"phase"``, ``"success"`` to write.
    format : {"png", "pdf", "svg"}

    Returns
    -------
    list of str

    Examples
    --------
    >>> import tempfile
    >>> from theorylab.report import CaseReport, Report
    >>> row = CaseReport(label="he2", setting="He2", link="He2(z)", method="pruned", alpha=0.25, q=0.0, r=1,
    ...                  k_star=2, values=(64, 256, 1024), thresholds=(400.0, 1000.0, 2500.0), slope=0.66,
    ...                  slope_low=0.5, slope_high=0.8, intercept=3.2, verdict="consistent")
    >>> with tempfile.TemporaryDirectory() as out:
    ...     [os.path.basename(p) for p in plot_report(Report("t", "quick", (row,)), out, kinds=["thresholds"])]
    ['thresholds_He2_z_k2_r1_q0_a0.25.png']
    """
    report = as_report(report)
    return plot_rows(report.cases, out_dir, kinds=kinds, format=format, crossovers=report.crossovers)
