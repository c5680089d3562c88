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
import functools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import sympy

from theorylab._limits import limits
from theorylab.symbolic.link_bounds import (
    check_expression_size,
    check_magnitude,
    literal_log10,
    number_log10,
)

__all__ = ["Link", "as_link", "parse_link", "link_variables", "Z"]

#: The single-index variable.
Z = sympy.Symbol("z", real=True)

_MAX_TEXT = 2000
_MAX_DEPTH = 60
_MAX_HERMITE_DEGREE = 200
_MAX_POWER = 64
_FUNCTIONS: dict[str, Callable[[sympy.Expr], sympy.Expr]] = {
    "relu": lambda a: sympy.Max(a, 0),
    "abs": sympy.Abs,
    "sign": sympy.sign,
    "tanh": sympy.tanh,
    "exp": sympy.exp,
    "cos": sympy.cos,
    "sin": sympy.sin,
    "sqrt": sympy.sqrt,
}
_CONSTANTS = {"pi": sympy.pi, "e": sympy.E}
_HERMITE = re.compile(r"He(\d+)\Z")
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
            out = _compile(self.expr, self.variables)(cols)
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
    expr = _build(tree.body, text, lookup, depth=0)
    check_expression_size(expr, text.strip())
    return expr, variables


def _collect_variables(node: ast.AST, names: set[str]) -> None:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and (sub.id == "z" or _MULTI_VAR.match(sub.id)):
            names.add(sub.id)


def _token(node: ast.AST, text: str) -> str:
    seg = ast.get_source_segment(text.strip(), node)
    return seg if seg is not None else type(node).__name__


_CHAIN_OPS = (ast.Add, ast.Sub, ast.Mult, ast.Div)


def _constant(node: ast.Constant, text: str) -> sympy.Expr:
    if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
        raise ValueError(f"link: unsupported constant {_token(node, text)!r}")
    token = _token(node, text)
    mag = literal_log10(token)
    if mag is None and isinstance(node.value, int) and node.value != 0:
        mag = (abs(node.value).bit_length() - 1) * math.log10(2)
    if mag is not None:
        check_magnitude(mag, token)
    try:
        frac = Fraction(token.replace("_", ""))
    except ValueError:
        frac = Fraction(node.value)
    return sympy.Rational(frac.numerator, frac.denominator)


def _power(left: sympy.Expr, right: sympy.Expr, node: ast.AST, text: str) -> sympy.Expr:
    token = _token(node, text)
    if not right.is_number:
        raise ValueError(f"link: exponent must be a number in {token!r}")
    exp_mag = number_log10(right)
    if not exp_mag <= 6:
        raise ValueError(f"link: exponent {token!r} too large (at most {_MAX_POWER})")
    if left.is_number:
        if left == 0 and float(right) <= 0:
            raise ValueError(f"link: 0 to a non-positive power in {token!r}")
        check_magnitude(number_log10(left) * float(right), token)
    elif abs(float(right)) > _MAX_POWER:
        raise ValueError(f"link: exponent {right} too large (at most {_MAX_POWER}) in {token!r}")
    return left**right


def _chain(node: ast.BinOp) -> tuple[ast.AST, list[tuple[ast.operator, ast.AST, ast.BinOp]]]:
    """Unroll a left-nested chain a + b - c * d ... of one precedence level into (first, [(op, operand)])."""
    additive = isinstance(node.op, (ast.Add, ast.Sub))
    rest: list[tuple[ast.operator, ast.AST, ast.BinOp]] = []
    cur: ast.AST = node
    while (
        isinstance(cur, ast.BinOp)
        and isinstance(cur.op, _CHAIN_OPS)
        and isinstance(cur.op, (ast.Add, ast.Sub)) == additive
    ):
        rest.append((cur.op, cur.right, cur))
        cur = cur.left
    rest.reverse()
    return cur, rest


def _build(node: ast.AST, text: str, lookup: dict[str, sympy.Symbol], depth: int) -> sympy.Expr:
    if depth > _MAX_DEPTH:
        raise ValueError(f"link: expression nested deeper than {_MAX_DEPTH} levels")
    if isinstance(node, ast.Constant):
        return _constant(node, text)
    if isinstance(node, ast.Name):
        if node.id in lookup:
            return lookup[node.id]
        if node.id in _CONSTANTS:
            return _CONSTANTS[node.id]
        if node.id in _FUNCTIONS or _HERMITE.match(node.id):
            raise ValueError(f"link: function {node.id!r} must be called with one argument, e.g. {node.id}(z)")
        raise ValueError(f"link: unknown name {node.id!r} (allowed functions: He<k>, {', '.join(sorted(_FUNCTIONS))})")
    if isinstance(node, ast.UnaryOp):
        arg = _build(node.operand, text, lookup, depth + 1)
        if isinstance(node.op, ast.USub):
            return -arg
        if isinstance(node.op, ast.UAdd):
            return arg
        raise ValueError(f"link: unsupported operator in {_token(node, text)!r}")
    if isinstance(node, ast.BinOp) and isinstance(node.op, _CHAIN_OPS):
        first, rest = _chain(node)
        acc = _build(first, text, lookup, depth + 1)
        for op, operand, whole in rest:
            right = _build(operand, text, lookup, depth + 1)
            if isinstance(op, ast.Add):
                acc = acc + right
            elif isinstance(op, ast.Sub):
                acc = acc - right
            elif isinstance(op, ast.Mult):
                acc = acc * right
            else:
                if right == 0:
                    raise ValueError(f"link: division by zero in {_token(whole, text)!r}")
                acc = acc / right
            if acc.is_Rational:  # irrational constants are checked once, on the whole expression
                check_magnitude(number_log10(acc), _token(whole, text))
        return acc
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
        left = _build(node.left, text, lookup, depth + 1)
        right = _build(node.right, text, lookup, depth + 1)
        return _power(left, right, node, text)
    if isinstance(node, ast.BinOp):
        raise ValueError(f"link: unsupported operator in {_token(node, text)!r}")
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name):
            raise ValueError(f"link: unsupported call {_token(node, text)!r}")
        name = node.func.id
        if node.keywords or len(node.args) != 1:
            raise ValueError(f"link: function {name!r} takes exactly one positional argument")
        m = _HERMITE.match(name)
        if m is None and name not in _FUNCTIONS:
            raise ValueError(f"link: unknown name {name!r} (allowed functions: He<k>, {', '.join(sorted(_FUNCTIONS))})")
        if m is not None and (len(m.group(1)) > 4 or int(m.group(1)) > _MAX_HERMITE_DEGREE):
            raise ValueError(f"link: Hermite degree {m.group(1)} too large (at most {_MAX_HERMITE_DEGREE}) in {name!r}")
        arg = _build(node.args[0], text, lookup, depth + 1)
        if m is not None:
            k = int(m.group(1))
            return sympy.expand(sympy.hermite_prob(k, arg)) if arg.is_Symbol else sympy.hermite_prob(k, arg)
        return _FUNCTIONS[name](arg)
    raise ValueError(f"link: unsupported syntax {_token(node, text)!r}")


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


# ---------------------------------------------------------------------------------------------
# Compilation of a SymPy tree to a vectorised NumPy function (no lambdify, no eval).

_UNARY_NUMPY: dict[type, Callable[[np.ndarray], np.ndarray]] = {
    sympy.Abs: np.abs,
    sympy.sign: np.sign,
    sympy.tanh: np.tanh,
    sympy.exp: np.exp,
    sympy.cos: np.cos,
    sympy.sin: np.sin,
    sympy.log: np.log,
    sympy.sinh: np.sinh,
    sympy.cosh: np.cosh,
}


def _erf(x: np.ndarray) -> np.ndarray:
    from scipy.special import erf

    return erf(x)


_UNARY_NUMPY[sympy.erf] = _erf


@functools.lru_cache(maxsize=256)
def _compile(expr: sympy.Expr, variables: tuple[sympy.Symbol, ...]) -> Callable[[list[np.ndarray]], Any]:
    """Compile once per (expression, variables); later calls reuse the closure tree."""
    index = {v: i for i, v in enumerate(variables)}

    def build(e: sympy.Expr) -> Callable[[list[np.ndarray]], Any]:
        if e.is_Symbol:
            if e not in index:
                raise ValueError(f"link: unknown symbol {e.name!r}")
            i = index[e]
            return lambda cols: cols[i]
        if e.is_Number or e.is_NumberSymbol:
            value = float(e)
            return lambda cols: value
        if e.is_Add:
            parts = [build(a) for a in e.args]
            return lambda cols: _fold(parts, cols, np.add)
        if e.is_Mul:
            parts = [build(a) for a in e.args]
            return lambda cols: _fold(parts, cols, np.multiply)
        if e.is_Pow:
            base = build(e.base)
            exp_ = e.exp
            if exp_.is_Integer and int(exp_) >= 0:
                k = int(exp_)
                return lambda cols: base(cols) ** k
            if exp_ == sympy.Rational(1, 2):
                return lambda cols: np.sqrt(base(cols))
            ef = build(exp_)
            return lambda cols: np.power(np.asarray(base(cols), dtype=float), ef(cols))
        if isinstance(e, (sympy.Max, sympy.Min)):
            parts = [build(a) for a in e.args]
            op = np.maximum if isinstance(e, sympy.Max) else np.minimum
            return lambda cols: _fold(parts, cols, op)
        if isinstance(e, sympy.Heaviside):
            arg = build(e.args[0])
            return lambda cols: np.heaviside(arg(cols), 0.5)
        if isinstance(e, sympy.Piecewise):
            pieces = [(build(val), build_cond(cond)) for val, cond in e.args]

            def piecewise(cols: list[np.ndarray]) -> np.ndarray:
                shape = np.shape(cols[0])
                conds = [np.broadcast_to(c(cols), shape) for _, c in pieces]
                vals = [np.broadcast_to(v(cols), shape) for v, _ in pieces]
                return np.select(conds, vals, default=np.nan)

            return piecewise
        func = _UNARY_NUMPY.get(type(e))
        if func is not None and len(e.args) == 1:
            arg = build(e.args[0])
            return lambda cols: func(arg(cols))
        raise ValueError(f"link: cannot evaluate {type(e).__name__} numerically")

    def build_cond(c: Any) -> Callable[[list[np.ndarray]], Any]:
        if c is sympy.true or c is True:
            return lambda cols: True
        ops = {
            sympy.StrictGreaterThan: np.greater,
            sympy.GreaterThan: np.greater_equal,
            sympy.StrictLessThan: np.less,
            sympy.LessThan: np.less_equal,
        }
        for typ, op in ops.items():
            if isinstance(c, typ):
                lhs, rhs = build(c.lhs), build(c.rhs)
                return lambda cols, op=op: op(lhs(cols), rhs(cols))  # type: ignore[misc]
        if isinstance(c, sympy.And):
            parts = [build_cond(a) for a in c.args]
            return lambda cols: _fold(parts, cols, np.logical_and)
        if isinstance(c, sympy.Or):
            parts = [build_cond(a) for a in c.args]
            return lambda cols: _fold(parts, cols, np.logical_or)
        raise ValueError(f"link: cannot evaluate condition {c}")

    return build(expr)


def _fold(parts: list[Callable], cols: list[np.ndarray], op: Callable) -> Any:
    acc = parts[0](cols)
    for p in parts[1:]:
        acc = op(acc, p(cols))
    return acc

