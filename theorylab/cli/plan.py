"""``theorylab plan DIR --case LABEL``: which scan and trials can decide a stored case's claim, and how long."""

from __future__ import annotations

import argparse

from theorylab.cli._output import add_json_flag, print_json

HELP = "plan a run from a pilot sweep: the grid and trials that separate a rate from its competitors, or none"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("directory", metavar="DIR", help="the pilot sweep's result directory (holds sweep.json)")
    parser.add_argument("--case", required=True, metavar="LABEL", help="the case's label")
    parser.add_argument("--method", default=None, help="the method, when the case runs several")
    parser.add_argument("--budget", type=float, default=600.0, metavar="SECONDS",
                        help="wall-time budget on this machine (default 600)")
    parser.add_argument("--grid", action="append", default=None, metavar="X1,X2,...",
                        help="a candidate scan (repeatable; default: the pilot's grid and longer ones)")
    add_json_flag(parser)


def run(args: argparse.Namespace) -> int:
    from theorylab.sweeps.planning import plan_case

    grids = None
    if args.grid:
        try:
            grids = [[float(x) for x in g.split(",") if x.strip()] for g in args.grid]
        except ValueError:
            raise ValueError(f"--grid: expected comma-separated numbers, got {args.grid}") from None
    result = plan_case(args.directory, args.case, args.method, budget_s=args.budget, grids=grids)
    if args.json:
        print_json(result.to_dict())
    else:
        print(result)
    return 0 if result.plan.feasible else 1
