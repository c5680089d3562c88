"""``theorylab plot RESULTS.json --out DIR``: the figures of a reproduction report.

Reads the report JSON that ``theorylab reproduce`` writes and draws, with :func:`theorylab.plots.plot_report`,
n*(d) on log-log axes per setting, the phase diagram over alpha where a setting was measured at two or more
alphas, and success curves for the cases that carry them. The paths written are printed, one per line.

The report is a JSON object ``{"cases": [case, ...]}``; each case is an object with the keys

==============  ===========================================================================================
``name``        case name (free text)
``link``        the link as text, e.g. ``"He2(z)"``; figures of one setting share a link
``k_star``      information exponent k* (int >= 1)
``r``           number of directions (int >= 1, default 1)
``q``           sparsity index q in [0, 2) (default 0)
``alpha``       sparsity exponent alpha in (0, 1)
``method``      ``"pruned"``, ``"dense"``, ``"online_sgd"``, ...
``d``           list of dimensions
``n_star``      list: n*(d), the smallest n where the success probability reaches the level; at a censored
                d, the largest n tried (``null`` allowed there)
``low``         list: lower end of the interval of n*(d) (``null`` where unknown); optional
``high``        list: upper end; optional
``censored``    list of booleans: the level was not reached within the n tried; optional
``below_grid``  list of booleans: the level was already reached at the smallest n tried (``n_star`` is that
                n); optional
``slope``       fitted slope of log n* against log d; optional (no fit line without it)
``slope_low``   lower end of the slope's confidence interval
``slope_high``  upper end
``intercept``   intercept of the fit, ``log n* = intercept + slope * log d`` (natural logarithms)
``predicted``   object rate name -> exponent (``{"pruned": 0.5, "dense": 2, "csq_sparse": 0.5,
                "csq_dense": 1}``), or name -> ``{"exponent": e, "log_power": g}`` for d^e (log d)^g
``verdict``     ``"consistent"``, ``"inconsistent"`` or ``"inconclusive"``; shown in the fit's label
``curves``      optional list of ``{"d", "n": [...], "success": [[bool, ...] per trial]}`` or
                ``{"d", "n": [...], "successes": [count per n], "trials": T}``, for success curves
==============  ===========================================================================================

Any other keys are ignored.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

HELP = "draw the figures of a reproduction report (n*(d), phase diagram, success curves)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Fill the ``plot`` subcommand's parser."""
    parser.add_argument("results", metavar="RESULTS.json", help="report JSON written by `theorylab reproduce`")
    parser.add_argument("--out", metavar="DIR", default=None,
                        help="directory for the PNG files (default: the report's directory)")
    parser.add_argument("--kind", action="append", choices=("thresholds", "phase", "success"), default=None,
                        help="only this kind of figure (repeatable; default: all three)")


def run(args: argparse.Namespace) -> int:
    """Read the report, write the figures, print their paths."""
    results = Path(args.results)
    if not results.is_file():
        raise FileNotFoundError(f"RESULTS.json: no such file {str(results)!r}")
    try:
        report = json.loads(results.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"RESULTS.json: {results} is not valid JSON ({exc.msg}, line {exc.lineno})") from None
    except UnicodeDecodeError:
        raise ValueError(f"RESULTS.json: {results} is not UTF-8 text") from None
    out = Path(args.out) if args.out is not None else results.parent

    from theorylab.plots import REPORT_FIGURES, plot_report

    try:
        written = plot_report(report, out, kinds=args.kind or REPORT_FIGURES)
    except (ValueError, TypeError) as exc:
        raise type(exc)(f"RESULTS.json: {exc}") from None
    if not written:
        print("no figures: no case has what any figure needs")
    for path in written:
        print(path)
    return 0
