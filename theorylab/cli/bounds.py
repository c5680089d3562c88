"""``theorylab bounds``: the table of predicted sample sizes n(d) and their exponents for a link or a k*.

Example: ``theorylab bounds --link He2 --d 1e4 --alpha 0.25`` (the link grammar of ``docs/links.md``; parameters
with ``--param a=0.5``).
"""

from __future__ import annotations

import argparse
from typing import Any

from theorylab._table import number, table, wrap
from theorylab.cli._output import add_json_flag, print_json
from theorylab.cli._params import add_param_argument, link_params

HELP = "predicted sample sizes n(d) and exponents (pruned, dense, CSQ, SGD, SQ) for a link or k*"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--link", help="the link σ*, e.g. 'He3(z)', 'relu(z)', 'z1*z2' (bare 'He3' = 'He3(z)')")
    add_param_argument(parser)
    parser.add_argument("--k-star", type=int, dest="k_star", help="the information exponent k* (instead of --link)")
    parser.add_argument("--k-gen", type=int, dest="k_gen", help="the generative exponent (computed from --link if omitted)")
    parser.add_argument(
        "--d", type=float, action="append", required=True, help="a dimension d (repeat for several: --d 1e3 --d 1e4)"
    )
    parser.add_argument("--alpha", type=float, help="the sparsity exponent α in (0, 1): s_eff = d^α")
    parser.add_argument("--q", type=float, default=None, help="the sparsity index q in [0, 2) (with --Rq instead of --alpha)")
    parser.add_argument("--Rq", type=float, dest="R_q", help="the sparsity level ‖V‖_{2,q}^q (converted to α at the first --d)")
    parser.add_argument("--r", type=int, default=None, help="the number of directions r (default: the link's, else 1)")
    add_json_flag(parser)


def _prepare(args: argparse.Namespace) -> tuple[list[str], dict[str, Any], list[float], dict[str, Any]]:
    """Validate the arguments: the heading lines, the rates, the dimensions and the setting."""
    from theorylab._validation import check_int, check_real
    from theorylab.symbolic import (
        as_link,
        generative_exponent,
        information_exponent,
        predicted_rates,
        rq_to_alpha,
    )
    r = 1 if args.r is None else check_int(args.r, "r", minimum=1)
    ds = [check_real(v, "d", low=2.0) for v in args.d]
    lines: list[str] = []
    if args.link is None and args.k_star is None:
        raise ValueError("give --link or --k-star")
    if args.link is None and link_params(args):
        raise ValueError("--param: give the parameters' link with --link")
    if args.q is not None and args.alpha is None and args.R_q is None:
        raise ValueError("q: --q needs --alpha or --Rq (without either there are no sparse rates to show)")
    k_gen = None if args.k_gen is None else check_int(args.k_gen, "k_gen", minimum=1)
    if args.link is not None:
        link = as_link(args.link, params=link_params(args))
        if args.r is not None and link.arity != r:
            raise ValueError(f"r: --r {r} does not match the link's arity {link.arity}")
        r = link.arity
        k_star = int(information_exponent(link))  # type: ignore[arg-type]
        if args.k_star is not None and args.k_star != k_star:
            raise ValueError(f"k_star: --k-star {args.k_star} contradicts the link's information exponent {k_star}")
        if r == 1:
            try:
                computed = generative_exponent(link)
            except ValueError:
                computed = None
            if k_gen is not None and computed is not None and k_gen != computed:
                raise ValueError(f"k_gen: --k-gen {k_gen} contradicts the link's generative exponent {computed}")
            k_gen = computed if k_gen is None else k_gen
        lines.append(f"link       : {link.text}   (r = {r}, k* = {k_star}" + (f", k_gen = {k_gen})" if k_gen else ")"))
        link_text: str | None = link.text
    else:
        k_star = check_int(args.k_star, "k_star", minimum=1)
        lines.append(f"k*         : {k_star}" + (f"   k_gen = {k_gen}" if k_gen else "") + f"   r = {r}")
        link_text = None
    if k_gen is not None and k_gen > k_star:
        raise ValueError(f"k_gen: --k-gen {k_gen} is above k* = {k_star}; the generative exponent is at most k*")
    alpha = args.alpha
    if args.R_q is not None:
        if alpha is not None:
            raise ValueError("give either --alpha or --q with --Rq, not both")
        if args.q is None:
            raise ValueError("q: --Rq needs --q")
        alpha = rq_to_alpha(args.R_q, args.q, int(ds[0]), r)
        lines.append(f"sparsity   : q = {args.q:g}, R_q = {args.R_q:g} at d = {ds[0]:g}  ->  α = {alpha:.4g}")
    elif alpha is not None:
        extra = ""
        if args.q is not None:
            from theorylab.symbolic import alpha_to_rq

            extra = "   R_q = " + ", ".join(f"{alpha_to_rq(alpha, args.q, int(v), r):.4g}" for v in ds)
            extra += f" (q = {args.q:g})"
        lines.append(f"sparsity   : α = {alpha:g}{extra}")
    rates = predicted_rates(k_star, alpha, r=r, k_gen=k_gen)
    setting = {"link": link_text, "r": r, "k_star": k_star, "k_gen": k_gen, "alpha": alpha, "q": args.q}
    return lines, rates, ds, setting


def bounds_data(args: argparse.Namespace) -> dict[str, Any]:
    """What ``--json`` prints: the setting, the dimensions and, per rate, its exponent and n at each d."""
    _, rates, ds, setting = _prepare(args)
    return {**setting, "d": ds, "rates": [
        {"name": name, "formula": rate.formula, "exponent": rate.exponent, "log_power": rate.log_power,
         "n": [float(rate.evaluate(v)) for v in ds], "source": rate.source, "label": rate.label}
        for name, rate in rates.items()]}


def build_table(args: argparse.Namespace) -> list[str]:
    """The lines that ``run`` prints (also used by tests): at most 100 columns, one number format."""
    lines, rates, ds, _ = _prepare(args)
    header = ["rate", "β", "log", *(f"n(d={number(v)})" for v in ds), "exponent"]
    rows = [[name, number(rate.exponent), number(rate.log_power), *(number(float(rate.evaluate(v))) for v in ds),
             rate.formula] for name, rate in rates.items()]
    lines += ["", *table(header, rows), ""]
    lines += wrap("n ≍ d^β (log d)^log; Õ rates hide polylog factors. Conditions: Rate.conditions in "
                  "theorylab.symbolic.")
    lines.append("sources:")
    for name, rate in rates.items():
        lines += wrap(f"{name}: {rate.source}", indent="  ")
    return lines


def run(args: argparse.Namespace) -> int:
    if args.json:
        print_json(bounds_data(args))
    else:
        print("\n".join(build_table(args)))
    return 0
