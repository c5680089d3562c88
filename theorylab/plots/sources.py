"""Figures from whatever one holds: a report, a sweep summary, a sweep directory, an exponent fit, a path.

:func:`plot` is the one call: it looks at what it is given and writes that thing's figures.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from theorylab.plots._checks import check_format
from theorylab.plots.report import REPORT_FIGURES, plot_report, plot_rows

__all__ = ["plot", "plot_summary", "plot_sweep", "plot_fit", "resolve_path"]


def plot_summary(summary: Any, out_dir: str | os.PathLike[str], *, kinds: Sequence[str] = REPORT_FIGURES,
                 format: str = "png") -> list[str]:
    """The figures of a :class:`theorylab.sweeps.summary.SweepSummary` (its rows are report rows)."""
    from theorylab.sweeps.summary import SweepSummary

    if not isinstance(summary, SweepSummary):
        raise TypeError(f"summary must be a SweepSummary, got {type(summary).__name__}")
    return plot_rows(summary.rows, out_dir, kinds=kinds, format=format)


def plot_sweep(store_dir: str | os.PathLike[str], out_dir: str | os.PathLike[str] | None = None, *,
               kinds: Sequence[str] = REPORT_FIGURES, format: str = "png",
               n_resamples: int | None = None) -> list[str]:
    """Summarise a stored sweep (:func:`theorylab.sweeps.summarize_sweep`) and write its figures.

    Parameters
    ----------
    store_dir : str or PathLike
        A sweep result directory (it holds ``sweep.json``).
    out_dir : str or PathLike, optional
        Default ``store_dir/figures``.
    kinds, format :
        As in :func:`theorylab.plots.plot_report`.
    n_resamples : int, optional
        Bootstrap resamples of the exponent fits.
    """
    from theorylab.sweeps.summary import summarize_sweep

    if not isinstance(store_dir, (str, os.PathLike)):
        raise TypeError(f"store_dir must be a path, got {type(store_dir).__name__}")
    check_format(format)
    if not (Path(store_dir) / "sweep.json").is_file():
        raise FileNotFoundError(f"store_dir: {os.fspath(store_dir)} holds no sweep.json (not a sweep directory)")
    summary = summarize_sweep(None, Path(store_dir), n_resamples=n_resamples)
    out = Path(store_dir) / "figures" if out_dir is None else out_dir
    return plot_summary(summary, out, kinds=kinds, format=format)


def plot_fit(fit: Any, path: str | os.PathLike[str], *, label: str = "measured", predicted: Any = None,
             title: str | None = None, format: str | None = None) -> str:
    """Draw an :class:`theorylab.compare.ExponentFit` (its thresholds and line) to ``path``; return the path."""
    from theorylab.plots.thresholds import plot_thresholds

    if not isinstance(label, str):
        raise TypeError(f"label must be a string, got {type(label).__name__}")
    plot_thresholds([{"label": label, "fit": fit}], predicted=predicted, title=title, path=path, format=format)
    return os.fspath(path)


def resolve_path(path: str | os.PathLike[str]) -> tuple[str, Path]:
    """What a path holds: ``("report", report.json)`` or ``("sweep", directory)``; FileNotFoundError otherwise."""
    p = Path(path)
    if p.is_file():
        return "report", p
    if p.is_dir():
        if (p / "report.json").is_file():
            return "report", p / "report.json"
        if (p / "sweep.json").is_file():
            return "sweep", p
        raise FileNotFoundError(f"{p}: holds neither report.json nor sweep.json (not a report or sweep directory)")
    raise FileNotFoundError(f"{p}: no such file or directory")


def plot(source: Any, out_dir: str | os.PathLike[str] | None = None, *, kinds: Sequence[str] = REPORT_FIGURES,
         format: str = "png") -> list[str]:
    """Write the figures of ``source``; return the paths written.

    Parameters
    ----------
    source : Report, dict, SweepSummary, ExponentFit or path
        A :class:`theorylab.report.Report` or its dict; a sweep summary; an exponent fit (one figure,
        ``thresholds.<format>``); or a path: a ``report.json``, a directory holding one, or a sweep result
        directory (holding ``sweep.json``).
    out_dir : str or PathLike, optional
        Where to write. Default for a path: the report's directory, or ``DIR/figures`` for a sweep; other
        sources need it.
    kinds : sequence of str
        Figure kinds, as in :func:`theorylab.plots.plot_report` (not used for a fit).
    format : {"png", "pdf", "svg"}

    Returns
    -------
    list of str

    Examples
    --------
    >>> import tempfile
    >>> from theorylab.compare import fit_exponent
    >>> fit = fit_exponent([64, 128, 256, 512], [400.0, 570.0, 800.0, 1130.0])
    >>> with tempfile.TemporaryDirectory() as out:
    ...     [os.path.basename(p) for p in plot(fit, out, format="svg")]
    ['thresholds.svg']
    """
    from theorylab.plots._checks import is_fit

    fmt = check_format(format)
    if isinstance(source, (str, os.PathLike)):
        kind, where = resolve_path(source)
        if kind == "sweep":
            return plot_sweep(where, out_dir, kinds=kinds, format=fmt)
        return plot_report(where, where.parent if out_dir is None else out_dir, kinds=kinds, format=fmt)
    if out_dir is None:
        raise TypeError(f"out_dir is required to plot a {type(source).__name__}")
    if is_fit(source):
        os.makedirs(out_dir, exist_ok=True)
        return [plot_fit(source, os.path.join(os.fspath(out_dir), f"thresholds.{fmt}"), format=fmt)]
    from theorylab.sweeps.summary import SweepSummary

    if isinstance(source, SweepSummary):
        return plot_summary(source, out_dir, kinds=kinds, format=fmt)
    return plot_report(source, out_dir, kinds=kinds, format=fmt)
