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
the variable ``z`` or the variables ``z1, z2, ...``, the operators ``+ - * / **`` and parentheses,
and the one-argument functions ``relu abs sign tanh exp cos sin sqrt`` and ``Hek`` for the
probabilists' Hermite polynomial of degree k (``He0`` ... ``He200``).

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
ValueError: link: unknown name '__import__' (allowed functions: He<k>, abs, cos, exp, relu, sign, sin, sqrt, tanh)
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy

from theorylab._limits import limits
from theorylab.symbolic.link_bounds import check_expression_size
from theorylab.symbolic.link_builder import build_expression
from theorylab.symbolic.link_numpy import compile_link

__all__ = ["Link", "as_link", "parse_link", "link_variables", "Z"]

#: The single-index variable.
Z = sympy.Symbol("z", real=True)

_MAX_TEXT = 2000
_MULTI_VAR = re.compile(r"z(\d+)\Z")


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


def parse_link(text: str, *, arity: int | None = None) -> tuple[sympy.Expr, tuple[sympy.Symbol, ...]]:
    """Parse a link string into a SymPy expression without evaluating any code.

    Parameters
    ----------
    text : str
        The link in the grammar of this module.
    arity : int, optional
        The number of variables r. Inferred from the highest ``z<i>`` when omitted.

    Returns
    -------
    expr : sympy.Expr
    variables : tuple of sympy.Symbol

    Examples
    --------
    >>> parse_link("relu(z) + He2(z)/2")[0]
    z**2/2 + Max(0, z) - 1/2
    >>> parse_link("z**")
    Traceback (most recent call last):
    ...
    ValueError: link: malformed expression 'z**' (invalid syntax)
    """
    if not isinstance(text, str):
        raise TypeError(f"link must be a string, a SymPy expression, a callable or a Link, got {type(text).__name__}")
    if len(text) > _MAX_TEXT:
        raise ValueError(f"link: expression longer than {_MAX_TEXT} characters")
    if not text.strip():
        raise ValueError("link: empty expression")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ValueError(f"link: malformed expression {text.strip()!r} ({exc.msg})") from None
    names: set[str] = set()
    _collect_variables(tree.body, names)
    for name in names:
        m = _MULTI_VAR.match(name)
        if m and (len(m.group(1)) > 6 or int(m.group(1)) > limits().link_variables):
            raise ValueError(
                f"link: variable {name!r} is beyond z{limits().link_variables} "
                "(theorylab._limits: link_variables)"
            )
    indices = sorted(int(m.group(1)) for m in map(_MULTI_VAR.match, names) if m)
    if "z" in names and indices:
        raise ValueError("link: use either z (single-index) or z1, z2, ... (multi-index), not both")
    if any(i < 1 for i in indices):
        raise ValueError("link: variables are numbered from z1")
    inferred = max(indices) if indices else 1
    if arity is None:
        arity = inferred
    elif arity < inferred:
        raise ValueError(f"arity: the link uses z{inferred} but arity is {arity}")
    variables = link_variables(arity)
    lookup = {"z": variables[0]} if arity == 1 else {}
    for i, v in enumerate(variables, start=1):
        lookup[f"z{i}"] = v
    expr = build_expression(tree.body, text, lookup)
    check_expression_size(expr, text.strip())
    return expr, variables


def _collect_variables(node: ast.AST, names: set[str]) -> None:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and (sub.id == "z" or _MULTI_VAR.match(sub.id)):
            names.add(sub.id)


def _check_expr_symbols(expr: sympy.Expr, arity: int | None) -> tuple[sympy.Expr, tuple[sympy.Symbol, ...]]:
    """Rename the free symbols of a user's SymPy expression to theorylab's real variables."""
    free = sorted(expr.free_symbols, key=lambda s: s.name)
    names = {s.name for s in free}
    bad = [n for n in names if not (n == "z" or _MULTI_VAR.match(n))]
    if bad:
        raise ValueError(f"link: unknown symbol {sorted(bad)[0]!r}; use z or z1, z2, ...")
    for n in names:
        if n != "z" and (len(n) > 7 or int(n[1:]) > limits().link_variables):
            raise ValueError(f"link: variable {n!r} is beyond z{limits().link_variables} (theorylab._limits: link_variables)")
    indices = sorted(int(n[1:]) for n in names if n != "z")
    if "z" in names and indices:
        raise ValueError("link: use either z (single-index) or z1, z2, ... (multi-index), not both")
    inferred = max(indices) if indices else 1
    r = inferred if arity is None else arity
    if r < inferred:
        raise ValueError(f"arity: the link uses z{inferred} but arity is {r}")
    variables = link_variables(r)
    rename = {}
    for s in free:
        target = variables[0] if s.name == "z" else variables[int(s.name[1:]) - 1]
        if r == 1 and s.name == "z1":
            target = variables[0]
        rename[s] = target
    return expr.xreplace(rename), variables


def as_link(link: Any, arity: int | None = None) -> Link:
    """Normalise any accepted form of a link to a :class:`Link`.

    Parameters
    ----------
    link : str, sympy.Expr, callable or Link
        The link function.
    arity : int, optional
        The number r of directions. Checked against the link when given; a callable without ``arity``
        is taken as single-index.

    Returns
    -------
    Link

    Raises
    ------
    ValueError
        For text outside the grammar, unknown symbols or a mismatching arity.
    TypeError
        For objects that are not links.

    Examples
    --------
    >>> as_link("relu(z)").expr
    Max(0, z)
    >>> as_link("He2(z1) + z2", arity=2).variables
    (z1, z2)
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
        return link
    if isinstance(link, str):
        expr, variables = parse_link(link, arity=arity)
        return Link(expr=expr, variables=variables, text=link.strip())
    if isinstance(link, sympy.Basic):
        if not isinstance(link, sympy.Expr):
            raise TypeError(f"link must be a SymPy expression, got {type(link).__name__}")
        expr, variables = _check_expr_symbols(link, arity)
        check_expression_size(expr, str(expr)[:80])
        return Link(expr=expr, variables=variables, text=str(expr))
    if callable(link):
        r = 1 if arity is None else arity
        name = getattr(link, "__name__", type(link).__name__)
        return Link(expr=None, variables=link_variables(r), text=f"<callable {name}>", func=link)
    raise TypeError(f"link must be a string, a SymPy expression, a callable or a Link, got {type(link).__name__}")
