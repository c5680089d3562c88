"""``theorylab simulate LINK --d D --n N [--method M] ...``: one simulation, its success curve and n*.

Prints, for each checkpoint n, the fraction of trials that succeed and the median of the success metric,
then the threshold n* (success probability 1/2, censored trials kept) with its interval.
"""

from __future__ import annotations

import argparse
from typing import Any

from theorylab._table import interval, number, table
from theorylab.cli._output import add_json_flag, print_json
from theorylab.cli._params import add_param_argument, link_params

HELP = "run one method on one teacher and print its success-vs-n curve and threshold n*"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Fill the ``simulate`` subcommand's parser."""
    parser.add_argument("link", help='the link, e.g. "He2(z)/sqrt(2)" (a bare He2 means He2(z))')
    add_param_argument(parser)
    parser.add_argument("--d", type=int, required=True, help="input dimension")
    parser.add_argument("--n", type=int, required=True, help="largest sample size (the last checkpoint)")
    parser.add_argument("--n-min", type=int, default=None, help="first checkpoint (default min(n, 64))")
    parser.add_argument("--method", default="pruned", help="pruned, dense, oracle, online_sgd, gd_reuse, ...")
    parser.add_argument("--alpha", type=float, default=0.25, help="sparsity exponent alpha in (0, 1)")
    parser.add_argument("--q", type=float, default=0.0, help="sparsity index q in [0, 2)")
    parser.add_argument("--r", type=int, default=None, help="number of directions (default: the link's)")
    parser.add_argument("--trials", type=int, default=16, help="independent trials (default 16)")
    parser.add_argument("--seed", type=int, default=0, help="seed (default 0)")
    parser.add_argument("--width", type=int, default=8, help="m: the network has 2m neurons (default 8)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    add_json_flag(parser)


def _check_before_computing(args: argparse.Namespace) -> None:
    """Everything that can be refused without simulating: sizes, the threshold's needs."""
    from theorylab._limits import check_checkpoint_count, check_simulation_size
    from theorylab._validation import check_int
    from theorylab.numeric.simulate import DEFAULT_RATIO

    trials = check_int(args.trials, "trials", minimum=1)
    if trials < 2:
        raise ValueError(f"--trials must be >= 2: the threshold n* and its interval need at least 2 trials, got {trials}")
    d = check_int(args.d, "d", minimum=2)
    n = check_int(args.n, "n", minimum=1)
    width = check_int(args.width, "width", minimum=1)
    if args.n_min is not None:
        check_int(args.n_min, "n_min", minimum=1, maximum=n)
    n_min = min(n, 64) if args.n_min is None else args.n_min
    k = check_checkpoint_count(n, n_min, DEFAULT_RATIO)
    check_simulation_size(d, n, trials, width, k, pruned="pruned" in args.method)


def run(args: argparse.Namespace) -> int:
    """Simulate and print the curve."""
    from theorylab.numeric import simulate
    from theorylab.symbolic import as_link

    _check_before_computing(args)
    link = as_link(args.link, params=link_params(args))
    if args.r is not None and args.r != link.arity:
        try:  # a link may use fewer variables than r (He2 with --r 2 is He2(z1))
            link = as_link(args.link, args.r, params=link_params(args))
        except ValueError:
            raise ValueError(f"r: --r {args.r} contradicts the link's arity {link.arity}") from None
    result = simulate(link, d=args.d, n=args.n, n_min=args.n_min, method=args.method, alpha=args.alpha, q=args.q,
                      r=link.arity, trials=args.trials, seed=args.seed, width=args.width, progress=not args.no_progress)
    data = simulation_data(args, link.text, link.arity, result)
    if args.json:
        print_json(data)
    else:
        print("\n".join(simulation_lines(data)))
    return 0


def _criterion_text(criterion: Any) -> str:
    """The success criterion as a phrase (``median alignment >= 0.5``)."""
    if not isinstance(criterion, dict) or "metric" not in criterion:
        return str(criterion)
    agg = criterion.get("aggregation")
    what = f"{agg} {criterion['metric']}" if criterion["metric"] == "alignment" and agg else criterion["metric"]
    return f"{what} >= {number(criterion.get('threshold'))}"


def simulation_data(args: argparse.Namespace, link: str, r: int, result: Any) -> dict[str, Any]:
    """What ``--json`` prints: the setting, per checkpoint the success fraction and metric, and n*."""
    import numpy as np

    from theorylab.compare import estimate_threshold

    criterion = result.config.get("criterion", {})
    metric = criterion.get("metric") if isinstance(criterion, dict) else None
    if metric == "alignment":
        metric = f"alignment_{criterion.get('aggregation', 'median')}"
    rows = []
    for k, n in enumerate(result.n):
        row: dict[str, Any] = {"n": int(n), "success": float(result.success[:, k].mean())}
        if metric in result.metrics:
            row["median_metric"] = float(np.nanmedian(result.metrics[metric][:, k]))
        rows.append(row)
    th = estimate_threshold(result.n, result.success, rng=args.seed)
    return {"link": link, "method": args.method, "d": args.d, "alpha": args.alpha, "q": args.q, "r": r,
            "trials": args.trials, "seed": args.seed, "criterion": criterion if isinstance(criterion, dict) else {},
            "metric": metric if metric in result.metrics else None, "checkpoints": rows,
            "threshold": {"value": th.threshold, "low": th.confidence_interval.low,
                          "high": th.confidence_interval.high, "censored": bool(th.censored),
                          "below_grid": bool(th.below_grid), "bound": th.bound}}


def simulation_lines(data: dict[str, Any]) -> list[str]:
    """The printed form of :func:`simulation_data`: a heading, the table, n*."""
    lines = [f"{data['link']}: method {data['method']}, d = {data['d']}, alpha = {data['alpha']:g}, "
             f"q = {data['q']:g}, r = {data['r']}, {data['trials']} trials, seed {data['seed']}"]
    if data["criterion"]:
        lines.append(f"success: {_criterion_text(data['criterion'])}")
    metric = data["metric"]
    header = ["n", "success"] + ([f"median {metric}"] if metric else [])
    rows = [[number(r["n"]), number(r["success"])] + ([number(r["median_metric"])] if metric else [])
            for r in data["checkpoints"]]
    lines += table(header, rows)
    th = data["threshold"]
    if th["censored"]:
        lines.append(f"n* > {number(th['bound'])}: fewer than half of the trials succeed on the grid (censored)")
    elif th["below_grid"]:
        lines.append(f"n* <= {number(th['bound'])}: the level is reached at the first checkpoint")
    else:
        lines.append(f"n* = {number(th['value'])}  (95% interval {interval(th['low'], th['high'])}, "
                     "resampling trials)")
    return lines
