"""Compilation of a link's SymPy expression to a vectorised NumPy function (no ``lambdify``, no ``eval``).

The expression tree is walked once and turned into a tree of closures over NumPy ufuncs; the result is cached
per (expression, variables), so :meth:`theorylab.symbolic.links.Link.numpy` compiles each link only once.

Examples
--------
>>> import numpy as np
>>> import sympy
>>> z = sympy.Symbol("z", real=True)
>>> f = compile_link(z**3 - 3*z, (z,))
>>> f([np.array([0.0, 2.0])])
array([0., 2.])
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import sympy

__all__ = ["compile_link"]

_Compiled = Callable[[list[np.ndarray]], Any]

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

_CONDITIONS: dict[type[sympy.core.relational.Relational], Callable[[Any, Any], Any]] = {
    sympy.StrictGreaterThan: np.greater,
    sympy.GreaterThan: np.greater_equal,
    sympy.StrictLessThan: np.less,
    sympy.LessThan: np.less_equal,
}


def _erf(x: np.ndarray) -> np.ndarray:
    from scipy.special import erf

    return erf(x)


_UNARY_NUMPY[sympy.erf] = _erf


@functools.lru_cache(maxsize=256)
def compile_link(expr: sympy.Expr, variables: tuple[sympy.Symbol, ...]) -> _Compiled:
    """Compile ``expr`` in ``variables`` to a function of the list of variable columns.

    Compiled once per (expression, variables); later calls reuse the closure tree.

    Parameters
    ----------
    expr : sympy.Expr
        The link's expression.
    variables : tuple of sympy.Symbol
        Its variables; column ``i`` of the compiled function's argument is ``variables[i]``.

    Returns
    -------
    callable
        ``f(cols)`` with ``cols`` a list of arrays, one per variable.

    Raises
    ------
    ValueError
        For a symbol outside ``variables`` or a function with no NumPy counterpart.

    Examples
    --------
    >>> import numpy as np
    >>> import sympy
    >>> z1, z2 = sympy.symbols("z1 z2", real=True)
    >>> compile_link(z1 * z2, (z1, z2))([np.array([2.0]), np.array([3.0])])
    array([6.])
    """
    index = {v: i for i, v in enumerate(variables)}
    return _build(expr, index)


def _build(e: sympy.Expr, index: dict[sympy.Symbol, int]) -> _Compiled:
    if e.is_Symbol:
        if e not in index:
            raise ValueError(f"link: unknown symbol {e.name!r}")
        i = index[e]
        return lambda cols: cols[i]
    if e.is_Number or e.is_NumberSymbol:
        value = float(e)
        return lambda cols: value
    if e.is_Add:
        parts = [_build(a, index) for a in e.args]
        return lambda cols: _fold(parts, cols, np.add)
    if e.is_Mul:
        parts = [_build(a, index) for a in e.args]
        return lambda cols: _fold(parts, cols, np.multiply)
    if e.is_Pow:
        return _build_pow(e, index)
    if isinstance(e, (sympy.Max, sympy.Min)):
        parts = [_build(a, index) for a in e.args]
        op = np.maximum if isinstance(e, sympy.Max) else np.minimum
        return lambda cols: _fold(parts, cols, op)
    if isinstance(e, sympy.Heaviside):
        arg = _build(e.args[0], index)
        return lambda cols: np.heaviside(arg(cols), 0.5)
    if isinstance(e, sympy.Piecewise):
        return _build_piecewise(e, index)
    func = _UNARY_NUMPY.get(type(e))
    if func is not None and len(e.args) == 1:
        arg = _build(e.args[0], index)
        return lambda cols: func(arg(cols))
    raise ValueError(f"link: cannot evaluate {type(e).__name__} numerically")


def _build_pow(e: sympy.Pow, index: dict[sympy.Symbol, int]) -> _Compiled:
    base = _build(e.base, index)
    exp_ = e.exp
    if exp_.is_Integer and int(exp_) >= 0:
        k = int(exp_)
        return lambda cols: base(cols) ** k
    if exp_ == sympy.Rational(1, 2):
        return lambda cols: np.sqrt(base(cols))
    ef = _build(exp_, index)
    return lambda cols: np.power(np.asarray(base(cols), dtype=float), ef(cols))


def _build_piecewise(e: sympy.Piecewise, index: dict[sympy.Symbol, int]) -> _Compiled:
    pieces = [(_build(val, index), _build_cond(cond, index)) for val, cond in e.args]

    def piecewise(cols: list[np.ndarray]) -> np.ndarray:
        shape = np.shape(cols[0])
        conds = [np.broadcast_to(c(cols), shape) for _, c in pieces]
        vals = [np.broadcast_to(v(cols), shape) for v, _ in pieces]
        return np.select(conds, vals, default=np.nan)

    return piecewise


def _build_cond(c: Any, index: dict[sympy.Symbol, int]) -> _Compiled:
    if c is sympy.true or c is True:
        return lambda cols: True
    for typ, op in _CONDITIONS.items():
        if isinstance(c, typ):
            lhs, rhs = _build(c.lhs, index), _build(c.rhs, index)
            return lambda cols, op=op: op(lhs(cols), rhs(cols))  # type: ignore[misc]
    if isinstance(c, sympy.And):
        parts = [_build_cond(a, index) for a in c.args]
        return lambda cols: _fold(parts, cols, np.logical_and)
    if isinstance(c, sympy.Or):
        parts = [_build_cond(a, index) for a in c.args]
        return lambda cols: _fold(parts, cols, np.logical_or)
    raise ValueError(f"link: cannot evaluate condition {c}")


def _fold(parts: list[Callable], cols: list[np.ndarray], op: Callable) -> Any:
    acc = parts[0](cols)
    for p in parts[1:]:
        acc = op(acc, p(cols))
    return acc
