"""Link functions σ*: parsing, validation and compilation to NumPy.

A link is given as

* a string in a small grammar (``"He3(z)"``, ``"relu(z) - 1/sqrt(2*pi)"``, ``"z1*z2"``),
* a SymPy expression in ``z`` (single-index) or ``z1, ..., zr`` (multi-index),
* a Python callable (numeric path only), or
* a :class:`Link`, returned unchanged.

Strings are read by a small parser over Python's :mod:`ast`: the text is parsed into a syntax tree,
never evaluated, and every node is checked against the grammar before a SymPy expression is built from it.
An unknown name or any other syntax raises ``ValueError`` naming the offending token.

Grammar
-------
numbers (``2``, ``0.5``, ``1e-3``; decimals are read exactly as rationals), ``pi``, ``e``,
the variable ``z`` or the variables ``z1, z2, ...``, parameters (any other identifier, e.g. ``a``, ``beta``;
values given at call time, see :func:`name_kind`), the operators ``+ - * / **`` and parentheses,
the one-argument functions ``relu abs sign tanh exp cos sin cosh sinh sqrt erf log``, ``max``/``min`` of two
or more arguments, and ``Hek`` for the probabilists' Hermite polynomial of degree k (``He0`` ... ``He200``).
A bare ``Hek`` (no argument) means ``Hek(z)`` (``Hek(z1)`` for a multi-index arity). The full grammar, with
examples, is in ``docs/links.md``.

Limits
------
The parser bounds the work it accepts, not only the text (all in :mod:`theorylab._limits`, overridable):
at most 2000 characters; variables ``z1`` .. ``z64`` (``link_variables``); every number, as written or
as computed from constants, of magnitude between 10^-300 and 10^300 (``link_literal_log10``); exponents of
z at most 64 per power; a polynomial degree after expansion of at most 400 (``link_degree``) and at most
20 000 monomials after expansion (``link_terms``), both bounded from the expression tree without expanding
it; nesting at most 60 levels (a flat sum or product of any length counts as one level). Each refusal
names the token.

Examples
--------
>>> link = as_link("He3(z)")
>>> link.expr
z**3 - 3*z
>>> link.arity
1
>>> float(link.numpy(2.0))
2.0
>>> as_link("z1*z2").arity
2
>>> as_link("__import__('os')")
Traceback (most recent call last):
...
ValueError: link: unknown name '__import__' (allowed functions: He<k>, abs, cos, cosh, erf, exp, log, max, min, relu, sign, sin, sinh, sqrt, tanh)
"""

from __future__ import annotations

import ast
import functools
import inspect
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy

from theorylab._limits import limits
from theorylab.symbolic.link_bounds import check_expression_size
from theorylab.symbolic.link_builder import build_expression
from theorylab.symbolic.link_names import MULTI_VAR as _MULTI_VAR
from theorylab.symbolic.link_names import name_kind, parameter_value, parameter_values
from theorylab.symbolic.link_numpy import compile_link

__all__ = ["Link", "as_link", "parse_link", "link_variables", "name_kind", "parameter_value", "Z"]

#: The single-index variable.
Z = sympy.Symbol("z", real=True)

_MAX_TEXT = 2000
_BARE_HERMITE = re.compile(r"He\d+\Z")


def link_variables(r: int) -> tuple[sympy.Symbol, ...]:
    """The variables of a link of arity ``r``: ``(z,)`` for r = 1, ``(z1, ..., zr)`` otherwise.

    Examples
    --------
    >>> link_variables(3)
    (z1, z2, z3)
    """
    _check_arity_limit(r)
    if r == 1:
        return (Z,)
    return tuple(sympy.Symbol(f"z{i}", real=True) for i in range(1, r + 1))


def _check_arity_limit(r: int) -> None:
    top = limits().link_variables
    if r > top:
        raise ValueError(
            f"arity: {r} variables is more than the limit {top} (theorylab._limits: link_variables)"
        )


@dataclass(frozen=True)
class Link:
    """A link function σ*: R^r -> R.

    Attributes
    ----------
    expr : sympy.Expr or None
        The exact expression, in ``variables``; ``None`` for a plain Python callable.
    variables : tuple of sympy.Symbol
        ``(z,)`` for r = 1, ``(z1, ..., zr)`` for r >= 2.
    text : str
        How the link was written (the string, the printed expression, or the callable's name).
    func : callable or None
        The user's callable, for links given as Python functions.
    """

    expr: sympy.Expr | None
    variables: tuple[sympy.Symbol, ...]
    text: str
    func: Callable[[np.ndarray], np.ndarray] | None = field(default=None, compare=False)

    @property
    def arity(self) -> int:
        """The number r of input directions."""
        return len(self.variables)

    @functools.cached_property
    def parameters(self) -> tuple[sympy.Symbol, ...]:
        """The parameters still without a value (symbols other than the variables), sorted by name."""
        if self.expr is None:
            return ()
        free = self.expr.free_symbols - set(self.variables)
        return tuple(sorted(free, key=lambda s: s.name))  # type: ignore[attr-defined]

    def require_values(self, what: str) -> None:
        """Raise ValueError naming the first parameter without a value: ``what`` needs numbers."""
        if self.parameters:
            name = self.parameters[0].name
            raise ValueError(
                f"link {self.text!r}: {what} needs a value for the parameter {name!r}; give params={{{name!r}: ...}} "
                f"(command line: --param {name}=...)"
            )

    @property
    def is_symbolic(self) -> bool:
        """Whether an exact SymPy expression is available (False for callables)."""
        return self.expr is not None

    def numpy(self, z: Any) -> np.ndarray:
        """Evaluate the link on an array.

        Parameters
        ----------
        z : array_like
            Shape ``(...)`` when r = 1 (a trailing axis of length 1 is also accepted), ``(..., r)`` otherwise.

        Returns
        -------
        ndarray
            Shape ``(...)``, float64 (or the float dtype of ``z``).
        """
        self.require_values("numeric evaluation")
        arr = np.asarray(z)
        if not np.issubdtype(arr.dtype, np.floating):
            arr = arr.astype(float)
        r = self.arity
        if r == 1:
            cols = [arr[..., 0] if (arr.ndim >= 1 and arr.shape[-1] == 1 and arr.ndim > 1) else arr]
        else:
            if arr.ndim == 0 or arr.shape[-1] != r:
                raise ValueError(f"z must have a last axis of length r = {r}, got shape {arr.shape}")
            cols = [arr[..., i] for i in range(r)]
        if self.func is not None:
            out = self.func(cols[0] if r == 1 else arr)
        else:
            out = compile_link(self.expr, self.variables)(cols)
        out = np.asarray(out)
        shape = cols[0].shape
        if out.shape != shape:
            out = np.broadcast_to(out, shape)
        return out.astype(np.result_type(arr.dtype, np.float32), copy=False)

    def __str__(self) -> str:
        return self.text


def parse_link(
    text: str, *, arity: int | None = None, params: Mapping[str, Any] | None = None
) -> tuple[sympy.Expr, tuple[sympy.Symbol, ...]]:
    """Parse a link string into a SymPy expression without evaluating any code.

    Parameters
    ----------
    text : str
        The link in the grammar of this module. A bare ``He<k>`` (without an argument, alone or inside an
        expression) means ``He<k>`` of the first variable: ``He<k>(z)``, or ``He<k>(z1)`` when ``arity`` >= 2.
    arity : int, optional
        The number of variables r. Inferred from the highest ``z<i>`` when omitted.
    params : mapping of str to number, str or None, optional
        Values of the link's parameters (every name that is not a variable, a constant or a function, see
        :func:`name_kind`): a number (kept exact: a float is read as the decimal it prints as), a string in
        the grammar that is a number (``"1/sqrt(2)"``), a SymPy symbol (used as given) or ``None`` (the parameter
        stays the real SymPy symbol of its name). Every parameter of the link must be named here, and every
        name here must occur in the link.

    Returns
    -------
    expr : sympy.Expr
    variables : tuple of sympy.Symbol

    Examples
    --------
    >>> parse_link("relu(z) + He2(z)/2")[0]
    z**2/2 + Max(0, z) - 1/2
    >>> parse_link("He3")[0]
    z**3 - 3*z
    >>> parse_link("a*He2(z) + b", params={"a": 2, "b": 0.5})[0]
    2*z**2 - 3/2
    >>> parse_link("a*He2(z)", params={"a": None})[0]
    a*(z**2 - 1)
    >>> parse_link("z**")
    Traceback (most recent call last):
    ...
    ValueError: link: malformed expression 'z**' (invalid syntax)
    """
    tree, stripped = _syntax_tree(text, arity)
    names = _names(tree.body)
    variables = link_variables(_check_variables(names, arity))
    lookup: dict[str, sympy.Expr] = {"z": variables[0]} if len(variables) == 1 else {}
    for i, v in enumerate(variables, start=1):
        lookup[f"z{i}"] = v
    used = {n for n in names if name_kind(n) == "parameter"}
    lookup.update(parameter_values(params, used, allow_missing=False))
    expr = build_expression(tree.body, stripped, lookup)
    check_expression_size(expr, stripped)
    return expr, variables


def _syntax_tree(text: Any, arity: int | None) -> tuple[ast.Expression, str]:
    """The checked syntax tree of a link's text (a bare ``He<k>`` read as ``He<k>`` of the first variable)."""
    if not isinstance(text, str):
        raise TypeError(f"link must be a string, a SymPy expression, a callable or a Link, got {type(text).__name__}")
    if len(text) > _MAX_TEXT:
        raise ValueError(f"link: expression longer than {_MAX_TEXT} characters")
    stripped = _written(text, arity)
    if not stripped:
        raise ValueError("link: empty expression")
    try:
        tree = ast.parse(stripped, mode="eval")
    except SyntaxError as exc:
        raise ValueError(f"link: malformed expression {stripped!r} ({exc.msg})") from None
    return tree, stripped


def _written(text: str, arity: int | None) -> str:
    """The link's text, stripped; a bare ``He<k>`` written out as ``He<k>(z)`` (``He<k>(z1)`` when arity >= 2)."""
    stripped = text.strip()
    if _BARE_HERMITE.match(stripped):
        return f"{stripped}({'z' if arity is None or arity == 1 else 'z1'})"
    return stripped


def _check_variables(names: set[str], arity: int | None) -> int:
    """The arity r: checked against the variables the link uses (``z`` or ``z1 .. z<r>``)."""
    top = limits().link_variables
    for name in names:
        m = _MULTI_VAR.match(name)
        if m and (len(m.group(1)) > 6 or int(m.group(1)) > top):
            raise ValueError(f"link: variable {name!r} is beyond z{top} (theorylab._limits: link_variables)")
    indices = sorted(int(m.group(1)) for m in map(_MULTI_VAR.match, names) if m)
    if "z" in names and indices:
        raise ValueError("link: use either z (single-index) or z1, z2, ... (multi-index), not both")
    if any(i < 1 for i in indices):
        raise ValueError("link: variables are numbered from z1")
    inferred = max(indices) if indices else 1
    if arity is None:
        return inferred
    if arity < inferred:
        raise ValueError(f"arity: the link uses z{inferred} but arity is {arity}")
    return arity


def _names(node: ast.AST) -> set[str]:
    """Every name the link uses as a value (not the names of the functions it calls)."""
    called = {id(sub.func) for sub in ast.walk(node) if isinstance(sub, ast.Call)}
    return {sub.id for sub in ast.walk(node) if isinstance(sub, ast.Name) and id(sub) not in called}


def _check_expr_symbols(
    expr: sympy.Expr, arity: int | None, params: Mapping[str, Any] | None
) -> tuple[sympy.Expr, tuple[sympy.Symbol, ...]]:
    """Rename the variables of a user's SymPy expression to theorylab's real variables; set its parameters."""
    free = sorted(expr.free_symbols, key=lambda s: s.name)
    names = {s.name for s in free}
    bad = [n for n in names if name_kind(n) not in ("variable", "parameter")]
    if bad:
        raise ValueError(f"link: unknown symbol {sorted(bad)[0]!r}; use z or z1, z2, ...")
    variable_names = {n for n in names if name_kind(n) == "variable"}
    r = _check_variables(variable_names, arity)
    variables = link_variables(r)
    values = parameter_values(params, names - variable_names, allow_missing=False)
    rename: dict[sympy.Basic, sympy.Expr] = {}
    for s in free:
        if s.name in values:
            rename[s] = values[s.name]
        elif s.name == "z" or (r == 1 and s.name == "z1"):
            rename[s] = variables[0]
        else:
            rename[s] = variables[int(s.name[1:]) - 1]
    return expr.xreplace(rename), variables


def _callable_arity(func: Callable[..., Any]) -> int | None:
    """The arity of a callable taking one argument per variable, ``f(z1, ..., zr)`` (r >= 2); None otherwise."""
    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError):  # builtins and ufuncs without a signature: one array argument
        return None
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    if any(p.kind == inspect.Parameter.VAR_POSITIONAL for p in sig.parameters.values()):
        return None
    required = [p for p in sig.parameters.values() if p.kind in kinds and p.default is inspect.Parameter.empty]
    return len(required) if len(required) >= 2 else None


def _callable_link(func: Callable[..., Any], arity: int | None) -> Link:
    """A callable as a link: ``f(z)`` of one array (shape (..., r) when r >= 2) or ``f(z1, ..., zr)``."""
    name = getattr(func, "__name__", type(func).__name__)
    inferred = _callable_arity(func)
    if inferred is None:
        return Link(expr=None, variables=link_variables(1 if arity is None else arity), text=f"<callable {name}>",
                    func=func)
    if arity is not None and arity != inferred:
        raise ValueError(f"arity: the callable {name} takes {inferred} variables but arity is {arity}")

    def columns(z: np.ndarray) -> Any:
        return func(*(z[..., i] for i in range(inferred)))

    return Link(expr=None, variables=link_variables(inferred), text=f"<callable {name}>", func=columns)


def as_link(link: Any, arity: int | None = None, *, params: Mapping[str, Any] | None = None) -> Link:
    """Normalise any accepted form of a link to a :class:`Link`.

    Parameters
    ----------
    link : str, sympy.Expr, callable or Link
        The link function.
    arity : int, optional
        The number r of directions. Checked against the link when given. A callable's arity is inferred from
        its signature when it takes one argument per variable, ``f(z1, ..., zr)``; a callable of one argument
        takes z (shape (..., r) when r >= 2) and is single-index unless ``arity`` says otherwise.
    params : mapping, optional
        Values of the link's parameters (see :func:`parse_link` and :func:`name_kind`). For a :class:`Link`
        with symbolic parameters, sets the values of those named.

    Returns
    -------
    Link

    Raises
    ------
    ValueError
        For text outside the grammar, unknown names or symbols or a mismatching arity.
    TypeError
        For objects that are not links.

    Examples
    --------
    >>> as_link("relu(z)").expr
    Max(0, z)
    >>> as_link("He2(z1) + z2", arity=2).variables
    (z1, z2)
    >>> as_link(lambda z1, z2: z1 * z2).arity
    2
    >>> link = as_link("a*He2(z) + b*He4(z)", params={"a": None, "b": None})
    >>> link.parameters
    (a, b)
    >>> as_link(link, params={"a": 1, "b": "1/2"}).expr
    z**4/2 - 2*z**2 + 1/2
    >>> as_link("He2(z1) + z2", arity=1)
    Traceback (most recent call last):
    ...
    ValueError: arity: the link uses z2 but arity is 1
    """
    if arity is not None:
        from theorylab._validation import check_int

        arity = check_int(arity, "arity", minimum=1)
    if isinstance(link, Link):
        if arity is not None and link.arity != arity:
            raise ValueError(f"arity: the link has arity {link.arity}, expected {arity}")
        return link if params is None else _set_parameters(link, params)
    if isinstance(link, str):
        expr, variables = parse_link(link, arity=arity, params=params)
        return Link(expr=expr, variables=variables, text=_text_with_values(_written(link, arity), params))
    if isinstance(link, sympy.Basic):
        if not isinstance(link, sympy.Expr):
            raise TypeError(f"link must be a SymPy expression, got {type(link).__name__}")
        expr, variables = _check_expr_symbols(link, arity, params)
        check_expression_size(expr, str(expr)[:80])
        return Link(expr=expr, variables=variables, text=_text_with_values(str(link), params))
    if callable(link):
        if params is not None:
            raise ValueError("params: a callable link has no parameters (bind them in the callable)")
        return _callable_link(link, arity)
    raise TypeError(f"link must be a string, a SymPy expression, a callable or a Link, got {type(link).__name__}")


def _text_with_values(text: str, params: Mapping[str, Any] | None) -> str:
    """The link's text followed by the values of its parameters (``a*He2(z) with a = 1/2``)."""
    if not params:
        return text
    values = [f"{k} = {parameter_value(v, k)}" for k, v in params.items() if v is not None]
    return f"{text} with {', '.join(values)}" if values else text


def _set_parameters(link: Link, params: Mapping[str, Any]) -> Link:
    if link.expr is None:
        raise ValueError("params: a callable link has no parameters (bind them in the callable)")
    present = {p.name: p for p in link.parameters}
    values = parameter_values(params, set(present), allow_missing=True)
    expr = link.expr.xreplace({present[k]: v for k, v in values.items()})
    check_expression_size(expr, link.text[:80])
    return Link(expr=expr, variables=link.variables, text=_text_with_values(link.text, params))
