"""``theorylab plot PATH [--format png|pdf|svg] [--out DIR]``: the figures of a report or of a sweep.

PATH is a ``report.json`` (written by ``theorylab reproduce``, a :class:`theorylab.report.Report`), a directory
holding one, or a sweep result directory (holding ``sweep.json``; it is summarised first, as by
``theorylab compare``). The figures (see :mod:`theorylab.plots`) go to ``--out``, by default next to the
report, or to ``DIR/figures`` for a sweep; their paths are printed, one per line.
"""

from __future__ import annotations

import argparse

HELP = "draw the figures of a report.json or a sweep directory (n* over d or s, phase diagram, success curves)"

_KINDS = ("thresholds", "sparsity", "phase", "success")  # theorylab.plots.REPORT_FIGURES, without matplotlib


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Fill the ``plot`` subcommand's parser."""
    parser.add_argument("path", metavar="PATH",
                        help="report.json, a directory holding one, or a sweep directory (holding sweep.json)")
    parser.add_argument("--out", metavar="DIR", default=None,
                        help="directory for the figures (default: the report's directory, or DIR/figures)")
    parser.add_argument("--format", choices=("png", "pdf", "svg"), default="png", help="file format (default png)")
    parser.add_argument("--kind", action="append", choices=_KINDS, default=None,
                        help="only this kind of figure (repeatable; default: all)")


def run(args: argparse.Namespace) -> int:
    """Write the figures, print their paths."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise ValueError("matplotlib is not installed: pip install 'theorylab[plots]'") from None
    from theorylab.plots import plot

    try:
        written = plot(args.path, args.out, kinds=args.kind or _KINDS, format=args.format)
    except (ValueError, TypeError, FileNotFoundError) as exc:
        text = " ".join(str(exc).split())  # one line
        raise type(exc)(text if str(args.path) in text else f"{args.path}: {text}") from None
    if not written:
        print("no figures: no row has what any figure needs")
    for path in written:
        print(path)
    return 0
