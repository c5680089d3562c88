"""``theorylab compare DIR``: summarise a stored sweep again (fits and verdicts), without computing anything."""

from __future__ import annotations

import argparse

from theorylab.cli._output import add_json_flag, print_json

HELP = "re-summarise the stored results of a sweep directory: measured exponents, intervals, verdicts"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("directory", metavar="DIR", help="a sweep result directory (holds sweep.json)")
    add_json_flag(parser)
    parser.add_argument(
        "--resamples", type=int, default=None, metavar="B", help="bootstrap resamples of the exponent fits"
    )


def run(args: argparse.Namespace) -> int:
    from theorylab._limits import check_resamples
    from theorylab.sweeps import summarize_sweep

    if args.resamples is not None:
        check_resamples(args.resamples, "--resamples")

    summary = summarize_sweep(store_dir=args.directory, n_resamples=args.resamples)
    if args.json:
        print_json({"sweep": summary.name, "rows": summary.to_records()})
    else:
        print(summary)
    return 0
