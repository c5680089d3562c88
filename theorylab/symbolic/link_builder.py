"""The link grammar: building a SymPy expression from a checked Python syntax tree.

:func:`theorylab.symbolic.links.parse_link` parses the text with :mod:`ast` (never evaluating it) and hands the
tree to :func:`build_expression`, which checks every node against the grammar while it builds the expression:
numbers (read exactly as rationals), ``pi``, ``e``, the link's variables and parameters (the ``lookup``),
``+ - * / **``, the one-argument functions of :data:`FUNCTIONS`, ``max``/``min`` of two or more arguments and the
Hermite polynomials ``He0`` ... ``He200``. Anything else raises ``ValueError`` naming the offending token.

Examples
--------
>>> import ast
>>> import sympy
>>> z = sympy.Symbol("z", real=True)
>>> build_expression(ast.parse("He2(z)/2", mode="eval").body, "He2(z)/2", {"z": z})
z**2/2 - 1/2
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Callable
from fractions import Fraction

import sympy

from theorylab.symbolic.link_bounds import check_magnitude, literal_log10, number_log10

__all__ = ["build_expression", "FUNCTIONS", "CONSTANTS", "is_function_name", "unknown_parameter"]

_MAX_DEPTH = 60
_MAX_HERMITE_DEGREE = 200
_MAX_POWER = 64
#: The one-argument functions of the grammar.
FUNCTIONS: dict[str, Callable[[sympy.Expr], sympy.Expr]] = {
    "relu": lambda a: sympy.Max(a, 0),
    "abs": sympy.Abs,
    "sign": sympy.sign,
    "tanh": sympy.tanh,
    "exp": sympy.exp,
    "cos": sympy.cos,
    "sin": sympy.sin,
    "cosh": sympy.cosh,
    "sinh": sympy.sinh,
    "sqrt": sympy.sqrt,
    "erf": sympy.erf,
    "log": sympy.log,
}
#: Functions of two or more arguments.
_VARIADIC: dict[str, Callable[..., sympy.Expr]] = {"max": sympy.Max, "min": sympy.Min}
#: The named constants of the grammar.
CONSTANTS = {"pi": sympy.pi, "e": sympy.E}

_HERMITE = re.compile(r"He(\d+)\Z")
_CHAIN_OPS = (ast.Add, ast.Sub, ast.Mult, ast.Div)


def build_expression(node: ast.AST, text: str, lookup: dict[str, sympy.Expr]) -> sympy.Expr:
    """Build the SymPy expression of a parsed link, checking every node against the grammar.

    Parameters
    ----------
    node : ast.AST
        The body of ``ast.parse(text.strip(), mode="eval")``.
    text : str
        The link as written; offending tokens are quoted from it.
    lookup : dict of str to sympy.Symbol
        The variable names the link may use.

    Returns
    -------
    sympy.Expr

    Raises
    ------
    ValueError
        For any node outside the grammar, naming the token.

    Examples
    --------
    >>> import ast
    >>> build_expression(ast.parse("2**0.5", mode="eval").body, "2**0.5", {})
    sqrt(2)
    """
    return _build(node, text, lookup, depth=0)


def is_function_name(name: str) -> bool:
    """Whether ``name`` is a function of the grammar (``He<k>`` included).

    Examples
    --------
    >>> is_function_name("He12"), is_function_name("max"), is_function_name("a")
    (True, True, False)
    """
    return name in FUNCTIONS or name in _VARIADIC or _HERMITE.match(name) is not None


def _token(node: ast.AST, text: str) -> str:
    """The source text of ``node`` (linear in its length: ``ast.get_source_segment`` re-splits the whole text
    on every call, which made a long flat sum quadratic)."""
    source = text.strip()
    line, end_line = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
    col, end_col = getattr(node, "col_offset", None), getattr(node, "end_col_offset", None)
    if line is None or end_line is None or col is None or end_col is None:
        return type(node).__name__
    if line == end_line == 1 and "\n" not in source and "\r" not in source:
        return source.encode()[col:end_col].decode()  # offsets are UTF-8 byte offsets
    seg = ast.get_source_segment(source, node)
    return seg if seg is not None else type(node).__name__


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


def _build(node: ast.AST, text: str, lookup: dict[str, sympy.Expr], depth: int) -> sympy.Expr:
    if depth > _MAX_DEPTH:
        raise ValueError(f"link: expression nested deeper than {_MAX_DEPTH} levels")
    if isinstance(node, ast.Constant):
        return _constant(node, text)
    if isinstance(node, ast.Name):
        return _name(node, lookup)
    if isinstance(node, ast.UnaryOp):
        return _unary(node, text, lookup, depth)
    if isinstance(node, ast.BinOp) and isinstance(node.op, _CHAIN_OPS):
        return _build_chain(node, text, lookup, depth)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
        left = _build(node.left, text, lookup, depth + 1)
        right = _build(node.right, text, lookup, depth + 1)
        return _power(left, right, node, text)
    if isinstance(node, ast.BinOp):
        raise ValueError(f"link: unsupported operator in {_token(node, text)!r}")
    if isinstance(node, ast.Call):
        return _call(node, text, lookup, depth)
    raise ValueError(f"link: unsupported syntax {_token(node, text)!r}")


def _allowed() -> str:
    return ", ".join(["He<k>", *sorted([*FUNCTIONS, *_VARIADIC])])


def _unknown_name(name: str) -> ValueError:
    return ValueError(f"link: unknown name {name!r} (allowed functions: {_allowed()})")


def unknown_parameter(name: str) -> ValueError:
    """The error for a name that would be a parameter but has no value (it says how to give one)."""
    return ValueError(
        f"link: unknown name {name!r}: to use it as a parameter give its value, params={{{name!r}: 0.5}} "
        f"(params={{{name!r}: None}} keeps it symbolic; command line: --param {name}=0.5)"
    )


def _name(node: ast.Name, lookup: dict[str, sympy.Expr]) -> sympy.Expr:
    if node.id in lookup:
        return lookup[node.id]
    if node.id in CONSTANTS:
        return CONSTANTS[node.id]
    first = lookup.get("z", lookup.get("z1"))
    if _HERMITE.match(node.id) and first is not None:  # a bare He<k> is He<k> of the first variable
        return _hermite(node.id, first)
    if is_function_name(node.id):
        raise ValueError(f"link: function {node.id!r} must be called with one argument, e.g. {node.id}(z)")
    if node.id.startswith("_"):
        raise _unknown_name(node.id)
    raise unknown_parameter(node.id)


def _unary(node: ast.UnaryOp, text: str, lookup: dict[str, sympy.Expr], depth: int) -> sympy.Expr:
    arg = _build(node.operand, text, lookup, depth + 1)
    if isinstance(node.op, ast.USub):
        return -arg
    if isinstance(node.op, ast.UAdd):
        return arg
    raise ValueError(f"link: unsupported operator in {_token(node, text)!r}")


def _build_chain(node: ast.BinOp, text: str, lookup: dict[str, sympy.Expr], depth: int) -> sympy.Expr:
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


def _call(node: ast.Call, text: str, lookup: dict[str, sympy.Expr], depth: int) -> sympy.Expr:
    if not isinstance(node.func, ast.Name):
        raise ValueError(f"link: unsupported call {_token(node, text)!r}")
    name = node.func.id
    if name in _VARIADIC:
        if node.keywords or len(node.args) < 2:
            raise ValueError(f"link: function {name!r} takes two or more positional arguments, e.g. {name}(z, 0)")
        return _VARIADIC[name](*(_build(a, text, lookup, depth + 1) for a in node.args))
    if node.keywords or len(node.args) != 1:
        raise ValueError(f"link: function {name!r} takes exactly one positional argument")
    m = _HERMITE.match(name)
    if m is None and name not in FUNCTIONS:
        raise _unknown_name(name)
    if m is not None:
        _hermite_degree(name)
    arg = _build(node.args[0], text, lookup, depth + 1)
    if m is not None:
        return _hermite(name, arg)
    return FUNCTIONS[name](arg)


def _hermite_degree(name: str) -> int:
    m = _HERMITE.match(name)
    assert m is not None
    if len(m.group(1)) > 4 or int(m.group(1)) > _MAX_HERMITE_DEGREE:
        raise ValueError(f"link: Hermite degree {m.group(1)} too large (at most {_MAX_HERMITE_DEGREE}) in {name!r}")
    return int(m.group(1))


def _hermite(name: str, arg: sympy.Expr) -> sympy.Expr:
    """He_k(arg) for the name He<k> (expanded when arg is a variable)."""
    k = _hermite_degree(name)
    return sympy.expand(sympy.hermite_prob(k, arg)) if arg.is_Symbol else sympy.hermite_prob(k, arg)
