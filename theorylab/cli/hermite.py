"""``theorylab hermite LINK``: Hermite coefficients, information exponent and generative exponent of a link."""

from __future__ import annotations

import argparse

from theorylab.cli._params import add_param_argument, link_params

HELP = "Hermite coefficients γ_k = E[σ(z) He_k(z)], c_k = γ_k/√k!, k* and k_gen of a link"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("link", help="the link σ(z), e.g. 'tanh(z)', 'relu(z)', 'He3(z) + z', 'He3', 'a*He2(z) + z'")
    add_param_argument(parser)
    parser.add_argument("--degree", type=int, default=8, help="the highest degree k (default 8)")
    parser.add_argument(
        "--method", choices=("auto", "exact", "numeric"), default="auto", help="coefficient path (default auto)"
    )
    parser.add_argument("--noise-std", type=float, default=0.0, dest="noise_std", help="label noise for k_gen")


def build_lines(args: argparse.Namespace) -> list[str]:
    """The lines that ``run`` prints (also used by tests)."""
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
        return _multi_index_lines(link, args.degree)
    gammas = hermite_coefficients(link, args.degree, method=args.method)
    exact = not any(isinstance(g, sympy.Float) for g in gammas)
    rows: list[tuple[str, ...]] = []
    for k, g in enumerate(gammas):
        c = g / sympy.sqrt(sympy.factorial(k))
        rows.append((str(k), str(g) if exact else "", f"{float(g):.10g}", f"{float(c):.10g}"))
    header: tuple[str, ...] = ("k", "γ_k exact", "γ_k", "c_k = γ_k/√k!")
    if not exact:
        header, rows = header[:1] + header[2:], [r[:1] + r[2:] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    lines = [f"link: {link.text}   ({'exact' if exact else 'numeric quadrature, tolerance 1e-12 abs / 1e-10 rel'})"]
    lines.append("  ".join(h.rjust(w) if i != 1 or not exact else h.ljust(w) for i, (h, w) in enumerate(zip(header, widths, strict=True))))
    lines.append("  ".join("-" * w for w in widths))
    for r in rows:
        lines.append("  ".join(c.rjust(w) if i != 1 or not exact else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))))
    lines.append("")
    try:
        k_star = str(information_exponent(link))
    except ValueError as exc:
        k_star = f"none ({exc})"
    try:
        k_gen = str(generative_exponent(link, noise_std=args.noise_std))
    except ValueError as exc:
        k_gen = f"none ({exc})"
    lines.append(f"information exponent k* = {k_star}")
    lines.append(f"generative exponent k_gen = {k_gen}" + (f" (label noise std {args.noise_std:g})" if args.noise_std else ""))
    return lines


def _multi_index_lines(link, degree: int) -> list[str]:
    """Non-zero entries of the Hermite tensors T_k (polynomial multi-index links), k*, Assumption 1."""
    import itertools

    from theorylab._validation import check_int
    from theorylab.symbolic import check_nondegenerate, hermite_tensors, information_exponent

    degree = check_int(degree, "degree", minimum=0)
    tensors = hermite_tensors(link, degree)
    lines = [f"link: {link.text}   (r = {link.arity}; T_k = E[σ(z) He_k(z)], exact; non-zero entries, indices from 1)"]
    lines.append(f"T_0 = {tensors[0]}")
    for k in range(1, degree + 1):
        entries = [
            f"[{','.join(str(i + 1) for i in idx)}] = {tensors[k][idx]}"
            for idx in itertools.combinations_with_replacement(range(link.arity), k)
            if tensors[k][idx] != 0
        ]
        lines.append(f"T_{k}: " + ("; ".join(entries) if entries else "0") + ("  (symmetric)" if entries and k > 1 else ""))
    lines.append("")
    try:
        lines.append(f"information exponent k* = {information_exponent(link)}")
    except ValueError as exc:
        lines.append(f"information exponent k* = none ({exc})")
    nd = check_nondegenerate(link)
    lines.append(f"Assumption 1 (E[σ z zᵀ] full rank): {'holds' if nd.full_rank else 'fails'}; E[σ z zᵀ] = {nd.matrix.tolist()}")
    return lines


def run(args: argparse.Namespace) -> int:
    print("\n".join(build_lines(args)))
    return 0
