"""``theorylab compare DIR``: summarise a stored sweep again (fits and verdicts), without computing anything."""

from __future__ import annotations

import argparse
import json

HELP = "re-summarise the stored results of a sweep directory: measured exponents, intervals, verdicts"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("directory", metavar="DIR", help="a sweep result directory (holds sweep.json)")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON instead of a table")
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
        print(json.dumps({"sweep": summary.name, "rows": summary.to_records()}, indent=2))
    else:
        print(summary)
    return 0
