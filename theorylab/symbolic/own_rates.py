"""Your own rate: a SymPy expression in d (and s), registered at run time, judged like a built-in one.

A researcher brings a rate they proved, e.g. n ≍ d^{3/4} log d. :func:`rate_from_expression` turns any SymPy
expression whose free symbols are *named* ``d`` (and optionally ``s``, ``alpha``, ``k``), whatever their
assumptions, into a :class:`~theorylab.symbolic.rates.Rate` in theorylab's own symbols: the law in (d, s), the
power of d and of log d along a d-scan at fixed α (s = d^α), the power of s at fixed d, and the logs its source
hides. :func:`register_rate` adds it to the registry, after which :func:`~theorylab.symbolic.rates.predicted_rate`,
:func:`~theorylab.symbolic.rates.predicted_rates`, ``theorylab bounds``, verdicts, plans and figures see it like a
built-in one. ``sympy.latex(rate)`` prints its law as mathematics.

Strings are not accepted: theorylab never evaluates user text (build the expression with SymPy yourself).

Examples
--------
>>> import sympy
>>> from theorylab.symbolic.rates import d
>>> D = sympy.Symbol("d")                       # any symbol named d will do
>>> mine = rate_from_expression("mine", D**sympy.Rational(3, 4) * sympy.log(D), source="my paper, Thm 1")
>>> mine.exponent, mine.log_power, mine.s_exponent
(0.75, 1.0, 0.0)
>>> mine.expression == d**sympy.Rational(3, 4) * sympy.log(d)
True
>>> sympy.latex(mine)
'd^{\\\\frac{3}{4}} \\\\log{\\\\left(d \\\\right)}'
>>> round(mine.local_slope(100, 10_000), 3)    # 3/4 + log 2 / log 100
0.901
"""

from __future__ import annotations

import math
from typing import Any

import sympy

from theorylab._validation import check_alpha, check_real
from theorylab.symbolic.rates import RATE_LABELS, RATE_NAMES, RATES, Rate, d, s

__all__ = ["alpha", "k", "rate_from_expression", "register_rate", "registered_rates", "unregister_rate"]

#: The sparsity exponent α and the information exponent k, for rates written in them.
alpha = sympy.Symbol("alpha", positive=True)
k = sympy.Symbol("k", positive=True, integer=True)

_OURS = {"d": d, "s": s, "alpha": alpha, "k": k}
#: User rates registered at run time, by name.
_REGISTERED: dict[str, Rate] = {}


def _in_our_symbols(expression: Any, name: str) -> sympy.Expr:
    if isinstance(expression, str):
        raise TypeError(f"{name}: build the rate as a SymPy expression (theorylab does not evaluate text), "
                        f"e.g. sympy.Symbol('d')**sympy.Rational(3, 4)")
    if not isinstance(expression, sympy.Expr):
        raise TypeError(f"{name}: must be a SymPy expression, got {type(expression).__name__}")
    unknown = sorted(str(x) for x in expression.free_symbols if str(x) not in _OURS)
    if unknown:
        raise ValueError(f"{name}: free symbols must be named d, s, alpha or k, got {', '.join(unknown)}")
    if not any(str(x) in ("d", "s") for x in expression.free_symbols):
        raise ValueError(f"{name}: a rate must depend on d or s")
    return expression.xreplace({x: _OURS[str(x)] for x in expression.free_symbols})


def _powers(expr: sympy.Expr) -> tuple[float, float]:
    """(power of d, power of log d) of a d-law of the form C d^β (log d)^γ, by limits."""
    logn = sympy.expand_log(sympy.log(expr), force=True)
    beta = sympy.limit(logn / sympy.log(d), d, sympy.oo)
    gamma = sympy.limit((logn - beta * sympy.log(d)) / sympy.log(sympy.log(d)), d, sympy.oo)
    if not (beta.is_finite and gamma.is_finite):
        raise ValueError(f"expression: {expr} is not of the form C d^β (log d)^γ")
    return float(beta), float(gamma)


def rate_from_expression(
    name: str,
    expression: Any,
    *,
    source: str = "user",
    conditions: str = "",
    hidden_logs: tuple[float, float] = (0.0, 0.0),
    hidden_logs_source: str = "stated by the user",
    alpha_value: Any = None,
    k_value: int | None = None,
    label: str | None = None,
) -> Rate:
    """A :class:`Rate` from a SymPy expression in d (and s, alpha, k).

    Parameters
    ----------
    name : str
    expression : sympy.Expr
        n(d, s); symbols named ``alpha`` and ``k`` take ``alpha_value`` and ``k_value``.
    source, conditions : str
    hidden_logs : (float, float)
        (γ_min, γ_max) of the unstated factor (log d)^γ (default: none, the rate is sharp).
    hidden_logs_source : str
    alpha_value : float in (0, 1), optional
        Needed when the law depends on s (a d-scan sets s = d^α) or on ``alpha``.
    k_value : int, optional
        Needed when the law depends on ``k``.
    label : str, optional
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"name: must be an identifier, got {name!r}")
    law = _in_our_symbols(expression, "expression")
    subs: dict[sympy.Symbol, Any] = {}
    if law.has(k):
        if k_value is None:
            raise ValueError("k_value: the rate depends on k; give its value")
        subs[k] = sympy.Integer(int(k_value))
    if law.has(alpha) or law.has(s):
        if alpha_value is None:
            raise ValueError("alpha_value: the rate depends on alpha or s; give α (a d-scan sets s = d^α)")
        subs[alpha] = sympy.nsimplify(check_alpha(alpha_value))
    law = law.subs(subs)
    along_d = law.subs(s, d ** subs[alpha]) if alpha in subs else law
    beta, gamma = _powers(along_d)
    s_exp = float(sympy.limit(sympy.log(law) / sympy.log(s), s, sympy.oo)) if law.has(s) else 0.0
    lo, hi = (check_real(x, "hidden_logs") for x in hidden_logs)
    if hi < lo:
        raise ValueError(f"hidden_logs: must be (γ_min, γ_max) with γ_min <= γ_max, got {hidden_logs}")
    return Rate(name=name, expression=sympy.simplify(along_d), exponent=beta, log_power=gamma, source=source,
                conditions=conditions, law=law, s_exponent=0.0 if not math.isfinite(s_exp) else s_exp,
                hidden_logs=(lo, hi), hidden_logs_source=hidden_logs_source,
                formula=f"{beta:g}" + (f", × log^{gamma:g} d" if gamma else ""), label=label or name)


def register_rate(rate: Rate, *, replace: bool = False) -> Rate:
    """Add a user rate to the registry (a built-in name cannot be replaced)."""
    if not isinstance(rate, Rate):
        raise TypeError(f"rate must be a Rate (see rate_from_expression), got {type(rate).__name__}")
    if rate.name in RATE_NAMES:
        raise ValueError(f"rate: {rate.name!r} is a built-in rate; choose another name")
    if rate.name in _REGISTERED and not replace:
        raise ValueError(f"rate: {rate.name!r} is already registered (pass replace=True)")
    _REGISTERED[rate.name] = rate
    return rate


def unregister_rate(name: str) -> None:
    """Remove a user rate."""
    if name not in _REGISTERED:
        raise ValueError(f"name: no registered rate {name!r}")
    del _REGISTERED[name]


def registered_rates() -> dict[str, Rate]:
    """The user rates registered so far."""
    return dict(_REGISTERED)


assert set(RATE_LABELS) == set(RATES)  # the built-in registry is consistent
