"""Names in a link: which are variables, constants, functions or parameters, and the values of parameters.

The one rule (:func:`name_kind`): ``z`` and ``z<i>`` are the variables; ``pi`` and ``e`` the constants; the grammar's
functions (``He<k>`` included) the functions; every other identifier not starting with ``_`` is a parameter, whose
value is given at call time (``params=``; ``--param NAME=VALUE`` on the command line), exactly
(:func:`parameter_value`). ``docs/links.md`` describes the grammar as a whole.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import numpy as np
import sympy

from theorylab.symbolic.link_bounds import check_magnitude, number_log10
from theorylab.symbolic.link_builder import (
    CONSTANTS,
    build_expression,
    is_function_name,
    unknown_parameter,
)

__all__ = ["MULTI_VAR", "name_kind", "parameter_value", "parameter_values"]

#: The multi-index variables z1, z2, ...
MULTI_VAR = re.compile(r"z(\d+)\Z")
_MAX_VALUE_TEXT = 200


def name_kind(name: str) -> str:
    """What a name in a link is: ``"variable"``, ``"constant"``, ``"function"``, ``"parameter"`` or ``"invalid"``.

    The one rule: ``z`` and ``z<i>`` (i = 1, 2, ...) are the variables; ``pi`` and ``e`` the constants; the names
    of :data:`~theorylab.symbolic.link_builder.FUNCTIONS`, ``max``, ``min`` and ``He<k>`` the functions; any
    other Python identifier that does not start with ``_`` is a parameter, whose value is given at call time
    (``params=`` in Python, ``--param NAME=VALUE`` on the command line).

    Examples
    --------
    >>> [name_kind(n) for n in ("z", "z2", "pi", "He4", "erf", "a", "beta_1", "_x")]
    ['variable', 'variable', 'constant', 'function', 'function', 'parameter', 'parameter', 'invalid']
    """
    if name == "z" or MULTI_VAR.match(name):
        return "variable"
    if name in CONSTANTS:
        return "constant"
    if is_function_name(name):
        return "function"
    if name.isidentifier() and not name.startswith("_") and name.isascii():
        return "parameter"
    return "invalid"


def parameter_values(
    params: Mapping[str, Any] | None, used: set[str], *, allow_missing: bool
) -> dict[str, sympy.Expr]:
    """The checked values of the parameters ``used`` by a link (``allow_missing``: unnamed ones stay unset).

    Examples
    --------
    >>> parameter_values({"a": 2}, {"a"}, allow_missing=False)
    {'a': 2}
    """
    if params is None:
        params = {}
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a mapping of parameter names to values, got {type(params).__name__}")
    out: dict[str, sympy.Expr] = {}
    for name, value in params.items():
        if not isinstance(name, str) or name_kind(name) != "parameter":
            raise ValueError(f"params: {name!r} is not a parameter name (see theorylab.symbolic.links.name_kind)")
        if name not in used:
            found = ", ".join(sorted(used)) or "none"
            raise ValueError(f"params: the link has no parameter {name!r} (its parameters: {found})")
        out[name] = parameter_value(value, name)
    missing = sorted(used - set(out))
    if missing and not allow_missing:
        raise unknown_parameter(missing[0])
    return out


def parameter_value(value: Any, name: str) -> sympy.Expr:
    """A parameter's value as an exact SymPy number (or symbol), refusing anything else with an error naming it.

    Examples
    --------
    >>> parameter_value(0.1, "a"), parameter_value("1/sqrt(2)", "b"), parameter_value(None, "c")
    (1/10, sqrt(2)/2, c)
    """
    label = f"params[{name!r}]"
    if value is None:
        return sympy.Symbol(name, real=True)
    if isinstance(value, sympy.Symbol):
        return value
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{label} must be a number, a string, a SymPy symbol or None, got bool")
    if isinstance(value, str):
        if len(value) > _MAX_VALUE_TEXT:
            raise ValueError(f"{label}: longer than {_MAX_VALUE_TEXT} characters")
        try:
            tree = ast.parse(value.strip(), mode="eval")
        except SyntaxError:
            raise ValueError(f"{label}: malformed number {value!r}") from None
        try:
            out = build_expression(tree.body, value.strip(), {})
        except ValueError as exc:
            raise ValueError(f"{label} must be a number, got {value!r} ({exc})") from None
    elif isinstance(value, (int, np.integer, Fraction)):
        out = sympy.Rational(Fraction(int(value)) if not isinstance(value, Fraction) else value)
    elif isinstance(value, (float, np.floating)):
        if not math.isfinite(float(value)):
            raise ValueError(f"{label} must be finite, got {value!r}")
        out = sympy.Rational(repr(float(value)))
    elif isinstance(value, sympy.Expr):
        out = value
    else:
        raise TypeError(f"{label} must be a number, a string, a SymPy symbol or None, got {type(value).__name__}")
    if not (out.is_number and out.is_real):
        raise ValueError(f"{label} must be a real number, got {value!r}")
    if out != 0:
        check_magnitude(number_log10(out), label)
    return out
