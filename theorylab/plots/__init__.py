"""Figures: n* over d or over s on log-log axes, the phase diagram over α, success curves; from any result.

One call from what you hold to its figures: :func:`plot` takes a report (or ``report.json``), a sweep summary,
a sweep directory or an exponent fit; ``theorylab plot PATH`` does the same on the command line.

========================  ==============================================================================
:func:`plot_thresholds`   n* over d (or over s at a fixed d) with fits, verdict bands and predicted rates
:func:`plot_phase_diagram`  measured d-exponents against α over the registry's rates
:func:`plot_success_curves`  success fraction against n with binomial bands
:func:`plot_report`       every figure of a :class:`theorylab.report.Report`
:func:`plot_summary`      every figure of a :class:`theorylab.sweeps.summary.SweepSummary`
:func:`plot_sweep`        summarise a sweep directory, then its figures
:func:`plot_fit`          one :class:`theorylab.compare.ExponentFit`
:func:`plot`              any of the above, by what it is given
========================  ==============================================================================

matplotlib is imported inside the functions, never when ``theorylab`` or this package is imported. Figures
are :class:`matplotlib.figure.Figure` objects on the Agg canvas, without pyplot (no display needed, not kept
alive by pyplot, shown by Jupyter when returned). Pass ``ax`` to draw into an axes of your own. Functions that
take ``path`` write the figure there (``format`` png, pdf or svg; 150 dpi for PNG). All figures share one
style (:mod:`theorylab.plots.style`): a method keeps its colour and marker everywhere, legends sit beside the
axes without shrinking them, titles are mathematics (:mod:`theorylab.plots.labels`).

Modules: ``style`` (palette, layout, saving), ``labels`` (mathtext), ``_checks`` (input validation),
``thresholds``, ``phase``, ``success`` (one figure each), ``report`` (report rows to figures), ``sources``
(sweeps, summaries, fits, paths).
"""

from __future__ import annotations

from theorylab.plots.labels import METHOD_NAMES, link_tex, rate_label
from theorylab.plots.phase import plot_phase_diagram
from theorylab.plots.report import REPORT_FIGURES, plot_report
from theorylab.plots.sources import plot, plot_fit, plot_summary, plot_sweep
from theorylab.plots.style import FORMATS
from theorylab.plots.success import plot_success_curves
from theorylab.plots.thresholds import plot_thresholds

__all__ = [
    "plot",
    "plot_thresholds",
    "plot_phase_diagram",
    "plot_success_curves",
    "plot_report",
    "plot_summary",
    "plot_sweep",
    "plot_fit",
    "rate_label",
    "link_tex",
    "METHOD_NAMES",
    "REPORT_FIGURES",
    "FORMATS",
]
