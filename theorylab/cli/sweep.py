"""``theorylab sweep FILE.toml``: run a sweep (only its missing cells) and print the summary."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from theorylab.cli._output import add_json_flag, print_json

HELP = "run a sweep declared in a TOML file (resumable) and print measured against predicted exponents"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE.toml", help="the sweep specification")
    parser.add_argument("--out", metavar="DIR", default=None, help="result directory (default: sweeps/<name>)")
    parser.add_argument("--workers", type=int, default=None, metavar="N", help="worker processes (default: cores)")
    parser.add_argument(
        "--scheduler", metavar="ADDRESS", default=None, help="run on a dask.distributed scheduler, e.g. tcp://host:8786"
    )
    parser.add_argument("--dask", action="store_true", help="run on a local dask.distributed cluster")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    add_json_flag(parser)


def run(args: argparse.Namespace) -> int:
    from theorylab.sweeps import load_sweep, run_sweep, summarize_sweep

    if args.workers is not None and args.workers < 1:
        raise ValueError(f"--workers must be >= 1, got {args.workers}")
    if args.scheduler is not None and args.workers is not None:
        raise ValueError("--workers is ignored with --scheduler (the cluster has its own workers); give one of them")
    spec = load_sweep(args.file)
    out = Path(args.out) if args.out else Path("sweeps") / spec.name
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out: {out} exists and is not a directory")
    executor = "dask" if (args.dask or args.scheduler) else "process"
    start = time.perf_counter()
    done = run_sweep(
        spec,
        store_dir=out,
        executor=executor,
        workers=args.workers,
        scheduler_address=args.scheduler,
        progress=not args.no_progress,
    )
    print(
        f"{done.computed} cells computed, {done.reused} reused, in {time.perf_counter() - start:.1f} s; results in {out}",
        file=sys.stderr,
    )
    summary = summarize_sweep(spec, out)
    if args.json:
        print_json({"sweep": summary.name, "rows": summary.to_records()})
    else:
        print(summary)
    return 0
