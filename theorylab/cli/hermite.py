"""``theorylab hermite LINK``: Hermite coefficients, information exponent and generative exponent of a link."""

from __future__ import annotations

import argparse
from typing import Any

from theorylab._table import number, table
from theorylab.cli._output import add_json_flag, print_json
from theorylab.cli._params import add_param_argument, link_params

HELP = "Hermite coefficients γ_k = E[σ(z) He_k(z)], c_k = γ_k/√k!, k* and k_gen of a link"

#: Significant digits of the coefficients (the quadrature is accurate to about 1e-12 relative).
COEFFICIENT_DIGITS = 10


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("link", help="the link σ(z), e.g. 'tanh(z)', 'relu(z)', 'He3(z) + z', 'He3', 'a*He2(z) + z'")
    add_param_argument(parser)
    parser.add_argument("--degree", type=int, default=8, help="the highest degree k (default 8)")
    parser.add_argument(
        "--method", choices=("auto", "exact", "numeric"), default="auto", help="coefficient path (default auto)"
    )
    parser.add_argument("--noise-std", type=float, default=0.0, dest="noise_std", help="label noise for k_gen")
    add_json_flag(parser)


def _exponent(fn: Any, *args: Any, **kwargs: Any) -> tuple[int | None, str]:
    """An exponent and its text ("none (why)" when the link has none)."""
    try:
        value = int(fn(*args, **kwargs))
    except ValueError as exc:
        return None, f"none ({exc})"
    return value, str(value)


def hermite_data(args: argparse.Namespace) -> dict[str, Any]:
    """What ``--json`` prints (and the table shows): coefficients or tensor entries, k*, k_gen."""
    import sympy

    from theorylab._validation import check_int, check_real
    from theorylab.symbolic import (
        as_link,
        generative_exponent,
        hermite_coefficients,
        information_exponent,
    )

    check_real(args.noise_std, "--noise-std", low=0.0)
    check_int(args.degree, "--degree", minimum=0)
    link = as_link(args.link, params=link_params(args))
    if link.arity > 1:
        if args.noise_std:
            raise ValueError("--noise-std applies to the generative exponent of a single-index link only")
        return _multi_index_data(link, args.degree)
    gammas = hermite_coefficients(link, args.degree, method=args.method)
    exact = bool(gammas.exact)
    coefficients = []
    for k, g in enumerate(gammas):
        c = g / sympy.sqrt(sympy.factorial(k))
        coefficients.append({"k": k, "gamma": float(g), "gamma_exact": str(g) if exact else None, "c": float(c)})
    k_star, k_star_text = _exponent(information_exponent, link)
    k_gen, k_gen_text = _exponent(generative_exponent, link, noise_std=args.noise_std)
    return {"link": link.text, "r": 1, "exact": exact, "coefficients": coefficients, "k_star": k_star,
            "k_star_text": k_star_text, "k_gen": k_gen, "k_gen_text": k_gen_text, "noise_std": args.noise_std,
            "accuracy": float(gammas.accuracy)}


def build_lines(args: argparse.Namespace) -> list[str]:
    """The lines that ``run`` prints (also used by tests): at most 100 columns."""
    data = hermite_data(args)
    if data["r"] > 1:
        return _multi_index_lines(data)
    exact = data["exact"]
    header = ["k", "γ_k", "c_k = γ_k/√k!"] + (["γ_k exact"] if exact else [])
    rows = [[str(c["k"]), number(c["gamma"], digits=COEFFICIENT_DIGITS), number(c["c"], digits=COEFFICIENT_DIGITS)]
            + ([c["gamma_exact"]] if exact else []) for c in data["coefficients"]]
    how = "exact" if exact else f"numeric quadrature, accurate to {number(data['accuracy'])}; smaller values print as 0"
    lines = [f"link: {data['link']}   ({how})"]
    lines += table(header, rows)
    lines.append("")
    lines.append(f"information exponent k* = {data['k_star_text']}")
    lines.append(f"generative exponent k_gen = {data['k_gen_text']}"
                 + (f" (label noise std {data['noise_std']:g})" if data["noise_std"] else ""))
    return lines


def _multi_index_data(link: Any, degree: int) -> dict[str, Any]:
    """Non-zero entries of the Hermite tensors T_k (polynomial multi-index links), k*, Assumption 1."""
    import itertools

    from theorylab._validation import check_int
    from theorylab.symbolic import check_nondegenerate, hermite_tensors, information_exponent

    degree = check_int(degree, "degree", minimum=0)
    tensors = hermite_tensors(link, degree)
    entries = {str(k): [{"index": [i + 1 for i in idx], "value": str(tensors[k][idx])}
                        for idx in itertools.combinations_with_replacement(range(link.arity), k)
                        if tensors[k][idx] != 0] for k in range(1, degree + 1)}
    k_star, k_star_text = _exponent(information_exponent, link)
    nd = check_nondegenerate(link)
    return {"link": link.text, "r": link.arity, "exact": True, "T_0": str(tensors[0]), "tensors": entries,
            "k_star": k_star, "k_star_text": k_star_text, "assumption_1": bool(nd.full_rank),
            "second_moment": [[str(v) for v in row] for row in nd.matrix.tolist()]}


def _multi_index_lines(data: dict[str, Any]) -> list[str]:
    lines = [f"link: {data['link']}   (r = {data['r']}; T_k = E[σ(z) He_k(z)], exact; non-zero entries, "
             "indices from 1)"]
    lines.append(f"T_0 = {data['T_0']}")
    for k, entries in data["tensors"].items():
        text = "; ".join(f"[{','.join(map(str, e['index']))}] = {e['value']}" for e in entries)
        lines.append(f"T_{k}: " + (text if entries else "0") + ("  (symmetric)" if entries and int(k) > 1 else ""))
    lines.append("")
    lines.append(f"information exponent k* = {data['k_star_text']}")
    matrix = "[" + ", ".join("[" + ", ".join(row) + "]" for row in data["second_moment"]) + "]"
    lines.append(f"Assumption 1 (E[σ z zᵀ] full rank): {'holds' if data['assumption_1'] else 'fails'}; "
                 f"E[σ z zᵀ] = {matrix}")
    return lines


def run(args: argparse.Namespace) -> int:
    if args.json:
        print_json(hermite_data(args))
    else:
        print("\n".join(build_lines(args)))
    return 0
