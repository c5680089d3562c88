"""``theorylab reproduce [--quick] [--out DIR]``: the paper's claims as sweeps, a report and figures."""

from __future__ import annotations

import argparse
import sys

from theorylab.cli._output import add_json_flag, print_json

HELP = "reproduce the paper's claims: sweeps, report.json / report.md with verdicts, and figures"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Fill the ``reproduce`` subcommand's parser."""
    parser.add_argument("--quick", action="store_true",
                        help="the quick subset (k* = 1, 2 at alpha = 1/4, pruned vs dense; 1-2 minutes)")
    parser.add_argument("--out", metavar="DIR", default=None,
                        help="output directory (default: results/reproduce or results/reproduce-quick)")
    parser.add_argument("--trials", type=int, default=None, help="trials per cell (default 16)")
    parser.add_argument("--seed", type=int, default=2024, help="sweep seed (default 2024)")
    parser.add_argument("--workers", type=int, default=None, help="local worker processes (default: all cores)")
    parser.add_argument("--scheduler", metavar="ADDRESS", default=None,
                        help="run the cells on this dask.distributed scheduler instead")
    parser.add_argument("--no-figures", action="store_true", help="skip the PNG figures")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    add_json_flag(parser)


def run(args: argparse.Namespace) -> int:
    """Run the reproduction and print the report table."""
    if args.trials is not None and args.trials < 2:
        raise ValueError(f"--trials must be >= 2: each threshold n* needs at least 2 trials, got {args.trials}")
    if args.workers is not None and args.workers < 1:
        raise ValueError(f"--workers must be >= 1, got {args.workers}")
    if args.scheduler is not None and args.workers is not None:
        raise ValueError("--workers is ignored with --scheduler (the cluster has its own workers); give one of them")
    from theorylab.reproduction import reproduce

    out = args.out or ("results/reproduce-quick" if args.quick else "results/reproduce")
    result = reproduce(out, quick=args.quick, trials=args.trials, seed=args.seed, workers=args.workers,
                       scheduler_address=args.scheduler, figures=not args.no_figures,
                       progress=not args.no_progress)
    if args.json:
        print_json(result.report.to_dict())
    else:
        print(result)
    log = sys.stderr if args.json else sys.stdout
    print(f"\ncells computed {result.computed}, reused {result.reused}; wall time {result.wall_s:.0f} s", file=log)
    print(f"wrote {result.out_dir / 'report.json'}, {result.out_dir / 'report.md'}"
          + (f" and {len(result.figures)} figures" if result.figures else ""), file=log)
    return 0
