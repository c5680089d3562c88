"""The headline reproduction: the paper's claims as a suite of sweeps, a typed report and figures.

``theorylab reproduce [--quick] [--out DIR]`` (or :func:`reproduce`) runs the claims of Vural and Erdogdu (2024)
as sweeps of :func:`theorylab.numeric.simulate` (:mod:`~theorylab.reproduction.suite`): d-scans at fixed α and
s-scans at fixed d. It measures the exponent of n* along each scan with :mod:`theorylab.compare`, judges it
against the method's rate and the competitors the registry names (:mod:`theorylab.symbolic.methods`), says
whether the design could separate them, finds where pruning overtakes the basis-independent learners (d×) and
how the exponent moves with α (:mod:`~theorylab.reproduction.analysis`), and writes

* ``DIR/report.json`` — the :class:`theorylab.report.Report` (one entry per (setting, method): axis, scanned
  values, n* with intervals, slope with its interval, predicted exponents and bands, verdict, reason, whether
  the design separates its competitors; the d× table; the α-contrasts);
* ``DIR/report.md`` — the same as readable tables with the reasons, linking the figures;
* figures — n*(d) and n*(s) against the predicted lines, the phase diagram over α, success curves;
* ``DIR/store/`` — the sweep's result store: re-running the command computes only what is missing.
"""

from theorylab.reproduction.markdown import format_report_markdown, why_not_consistent
from theorylab.reproduction.run import Reproduction, build_report, reproduce
from theorylab.reproduction.suite import CLAIMS, LINKS, reproduction_suite

__all__ = ["CLAIMS", "LINKS", "Reproduction", "build_report", "format_report_markdown", "reproduce",
           "reproduction_suite", "why_not_consistent"]
