"""Bounds on the work a link may ask for, checked before it is expanded or evaluated (issue 12).

* magnitudes of numbers, read from a literal's text before it is converted (``1e999999999`` never
  becomes an integer) and from exact SymPy numbers without evaluating them;
* the polynomial degree and the number of monomials a link would have after expansion, bounded from its
  expression tree alone (no expansion).

The limits are those of :mod:`theorylab._limits` (``link_literal_log10``, ``link_degree``, ``link_terms``).
"""

from __future__ import annotations

import math
import re

import sympy

from theorylab._limits import limits

__all__ = ["check_expression_size", "check_magnitude", "literal_log10", "number_log10"]


_LITERAL = re.compile(r"(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\Z")
def literal_log10(token: str) -> float | None:
    """log10 |x| (to within 1) of a decimal literal, read from its text; None for 0 or other forms (hex)."""
    m = _LITERAL.match(token.replace("_", "").lower())
    if m is None:
        return None
    whole, frac, exp_txt = m.group(1) or "", m.group(2) or "", m.group(3) or ""
    if not (whole + frac).lstrip("0"):
        return None
    if len(exp_txt.lstrip("+-")) > 12:
        return -math.inf if exp_txt.startswith("-") else math.inf
    exponent = int(exp_txt or 0)
    significant = whole.lstrip("0")
    if significant:
        return float(exponent + len(significant) - 1)
    return float(exponent - (len(frac) - len(frac.lstrip("0"))) - 1)


def number_log10(value: sympy.Expr) -> float:
    """log10 |value| of an exact SymPy number without evaluating huge powers (inf for unknown)."""
    if value == 0:
        return 0.0
    if isinstance(value, sympy.Rational):
        p, q = abs(int(value.p)), int(value.q)
        return (p.bit_length() - q.bit_length()) * math.log10(2)
    try:
        return math.log10(abs(float(sympy.N(value, 20))))
    except (TypeError, ValueError, OverflowError):
        return math.inf


def check_magnitude(value: float, token: str) -> None:
    top = limits().link_literal_log10
    if not abs(value) <= top:
        raise ValueError(
            f"link: a number in {token!r} is outside 1e-{top:g} .. 1e{top:g} in magnitude "
            "(theorylab._limits: link_literal_log10)"
        )


def _size(expr: sympy.Basic, memo: dict[sympy.Basic, tuple[int, int]]) -> tuple[int, int]:
    """(degree, monomials): upper bounds after full expansion, from the tree alone (no expansion)."""
    if expr in memo:
        return memo[expr]
    cap = 10 * max(limits().link_terms, limits().link_degree)
    if expr.is_Symbol:
        out = (1, 1)
    elif expr.is_number:
        out = (0, 1)
    elif expr.is_Add:
        parts = [_size(a, memo) for a in expr.args]
        out = (max(p[0] for p in parts), sum(p[1] for p in parts))
    elif expr.is_Mul:
        deg, terms = 0, 1
        for a in expr.args:
            da, ta = _size(a, memo)
            deg, terms = deg + da, min(terms * ta, cap)
        out = (deg, terms)
    elif expr.is_Pow:
        db, tb = _size(expr.base, memo)
        e = expr.exp
        p = int(math.ceil(abs(float(e)))) if e.is_number and e.is_real else 1
        out = (db * p, min(math.comb(tb + p - 1, p) if tb > 1 else 1, cap))
    else:  # functions: the argument's size (relu, abs, sign, tanh, ... of a polynomial)
        parts = [_size(a, memo) for a in expr.args]
        out = (max((q[0] for q in parts), default=0), max((q[1] for q in parts), default=1))
    out = (min(out[0], cap), min(out[1], cap))
    memo[expr] = out
    return out


def check_expression_size(expr: sympy.Expr, token: str) -> None:
    """Refuse an expression whose expansion would exceed the degree or monomial limits, or that is not real.

    Examples
    --------
    >>> import sympy
    >>> z = sympy.Symbol("z", real=True)
    >>> check_expression_size(z**64 * z**64 * z**64 * z**64 * z**64 * z**64 * z**64, "z**448")
    Traceback (most recent call last):
    ...
    ValueError: link: 'z**448' has polynomial degree up to 448 after expansion, more than 400 (theorylab._limits: link_degree)
    """
    if expr.has(sympy.I, sympy.zoo, sympy.oo, -sympy.oo, sympy.nan):
        raise ValueError(f"link: {token!r} is not a finite real expression")
    lim = limits()
    degree, terms = _size(expr, {})
    r = len(expr.free_symbols)
    if degree > lim.link_degree:
        raise ValueError(
            f"link: {token!r} has polynomial degree up to {degree} after expansion, more than {lim.link_degree} "
            "(theorylab._limits: link_degree)"
        )
    capped = terms >= 10 * max(lim.link_terms, lim.link_degree)
    terms = min(terms, math.comb(degree + r, r)) if r else 1
    if terms > lim.link_terms:
        bound = f"more than {terms}" if capped and terms < math.comb(degree + r, r) else f"up to {terms}"
        raise ValueError(
            f"link: {token!r} expands to {bound} monomials, more than {lim.link_terms} "
            "(theorylab._limits: link_terms)"
        )
    for atom in expr.atoms(sympy.Number):
        if atom != 0:
            check_magnitude(number_log10(atom), token)
