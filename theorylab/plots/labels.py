"""Text in figures: mathematics, not code.

A link's text (``"He2(z)/sqrt(2)"``) becomes mathtext (``$\\mathrm{He}_{2}(z)/\\sqrt{2}$``) through the same
small grammar the links are written in (read with :mod:`ast`, never evaluated); exponents that are simple
fractions are written as fractions (``d^{1/2}``).

Examples
--------
>>> link_tex("He2(z)/sqrt(2)")
'$\\\\mathrm{He}_{2}(z)/\\\\sqrt{2}$'
>>> link_tex("z1*z2")
'$z_{1} z_{2}$'
>>> rate_label("csq_dense", 1.0)
'CSQ dense $d^{1}$'
"""

from __future__ import annotations

import ast
import math
import re
from fractions import Fraction

from theorylab._importable import is_importable_name
from theorylab._validation import check_real

__all__ = ["METHOD_NAMES", "rate_label", "format_exponent", "link_tex", "plain", "display_name", "setting_title"]

#: How the rate and method names of :mod:`theorylab.symbolic.rates` / ``methods`` are written in legends.
METHOD_NAMES: dict[str, str] = {
    "pruned": "pruned",
    "dense": "dense",
    "csq_sparse": "CSQ sparse",
    "csq_dense": "CSQ dense",
    "online_sgd": "online SGD",
    "smoothed_sgd": "smoothed SGD",
    "sq": "SQ",
    "sq_reuse": "sample reuse (SQ)",
    "gd_reuse": "GD with sample reuse",
    "oracle": "oracle support",
}

_FUNCTIONS = {"tanh": r"\tanh", "exp": r"\exp", "cos": r"\cos", "sin": r"\sin", "log": r"\log",
              "relu": r"\mathrm{relu}", "sign": r"\mathrm{sign}", "erf": r"\mathrm{erf}", "max": r"\max"}
_PRECEDENCE = {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 2, ast.Pow: 4}


def plain(text: str) -> str:
    """Text shown literally by matplotlib (a ``$`` would start mathtext)."""
    return text.replace("$", r"\$")


def display_name(name: str) -> str:
    """The legend name of a method or rate (``"online_sgd"`` -> ``"online SGD"``); other text unchanged.

    A learner of one's own, named ``"package.module:attribute"``, shows its registered display name
    (:func:`theorylab.symbolic.methods.register_method`), else its own ``name``.

    Examples
    --------
    >>> display_name("online_sgd"), display_name("theorylab.learners:TEN_STEPS")
    ('online SGD', 'pruned + 10 GD steps')
    """
    if name in METHOD_NAMES:
        return METHOD_NAMES[name]
    if is_importable_name(name):
        from theorylab.symbolic.methods import METHODS

        if name in METHODS:
            return METHODS[name].display
        from theorylab.numeric.learner import resolve_learner

        try:
            return resolve_learner(name).name
        except (TypeError, ValueError):
            return name
    return name


def format_exponent(value: float) -> str:
    """``0.5`` -> ``'1/2'``, ``2.0`` -> ``'2'``, ``2/3`` -> ``'2/3'``, ``0.4142`` -> ``'0.414'``."""
    value = float(value)
    frac = Fraction(value).limit_denominator(12)
    if abs(float(frac) - value) < 1e-9:
        return str(frac.numerator) if frac.denominator == 1 else f"{frac.numerator}/{frac.denominator}"
    text = f"{round(value, 3):g}"
    return "0" if text == "-0" else text


def rate_label(name: str, exponent: float, log_power: float = 0.0, *, variable: str = "d") -> str:
    """The legend text of a predicted rate: its name and its power of d (or s), and of log d when stated.

    Parameters
    ----------
    name : str
        A rate name such as ``"csq_sparse"`` (written as in :data:`METHOD_NAMES`) or any free text.
    exponent : float
        The power of the scanned variable.
    log_power : float, default 0
        The power of log d that the source states.
    variable : {"d", "s"}
        The scanned variable.

    Returns
    -------
    str
        matplotlib mathtext, e.g. ``'CSQ sparse $d^{1/2}$'``.

    Examples
    --------
    >>> rate_label("csq_sparse", 0.5)
    'CSQ sparse $d^{1/2}$'
    >>> rate_label("online_sgd", 1.0, log_power=2)
    'online SGD $d^{1}\\\\,\\\\log^{2} d$'
    >>> rate_label("pruned", 2.0, variable="s")
    'pruned $s^{2}$'
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, got {type(name).__name__}")
    exponent = check_real(exponent, "exponent")
    log_power = check_real(log_power, "log_power")
    if variable not in ("d", "s"):
        raise ValueError(f"variable must be 'd' or 's', got {variable!r}")
    power = f"{variable}^{{{format_exponent(exponent)}}}"
    if log_power != 0:
        lp = format_exponent(log_power)
        power += r"\,\log d" if lp == "1" else rf"\,\log^{{{lp}}} d"
    return f"{plain(display_name(name))} ${power}$"


def _number(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("not a number")
    return f"{value:g}" if isinstance(value, float) else str(value)


def _name(node: ast.Name) -> str:
    match = re.fullmatch(r"([A-Za-z]+)(\d+)", node.id)
    if node.id == "pi":
        return r"\pi"
    if match:
        return f"{match.group(1)}_{{{match.group(2)}}}"
    return node.id if len(node.id) == 1 else rf"\mathrm{{{node.id}}}"


def _call(node: ast.Call) -> str:
    if not isinstance(node.func, ast.Name) or node.keywords:
        raise ValueError("unsupported call")
    fname, args = node.func.id, ", ".join(_tex(a, 0) for a in node.args)
    hermite = re.fullmatch(r"He(\d+)", fname)
    if hermite:
        return rf"\mathrm{{He}}_{{{hermite.group(1)}}}({args})"
    if fname == "sqrt":
        return rf"\sqrt{{{args}}}"
    if fname == "abs":
        return rf"|{args}|"
    head = _FUNCTIONS.get(fname, r"\mathrm{" + fname + "}")
    return f"{head}({args})"


def _tex(node: ast.AST, parent: int, right: bool = False) -> str:
    """mathtext of one node; parenthesised when it binds less tightly than its parent needs."""
    if isinstance(node, ast.Constant):
        return _number(node.value)
    if isinstance(node, ast.Name):
        return _name(node)
    if isinstance(node, ast.Call):
        return _call(node)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        text, own = ("-" if isinstance(node.op, ast.USub) else "+") + _tex(node.operand, 3), 3
    elif isinstance(node, ast.BinOp) and type(node.op) in _PRECEDENCE:
        own = _PRECEDENCE[type(node.op)]
        if isinstance(node.op, ast.Pow):
            return f"{_tex(node.left, 5)}^{{{_tex(node.right, 0)}}}"
        left, rhs = _tex(node.left, own), _tex(node.right, own, right=True)
        if isinstance(node.op, ast.Mult):
            sep = r" \cdot " if isinstance(node.right, ast.Constant) else " "
            text = left + sep + rhs
        else:
            text = left + {ast.Add: " + ", ast.Sub: " - ", ast.Div: "/"}[type(node.op)] + rhs
    else:
        raise ValueError("unsupported syntax")
    needs = own < parent or (right and own == parent and own in (1, 2))
    return f"({text})" if needs else text


def link_tex(text: str) -> str:
    """A link's text as mathtext, or the text itself (escaped) when it is not in the link grammar.

    Examples
    --------
    >>> link_tex("relu(z) - 1/sqrt(2*pi)")
    '$\\\\mathrm{relu}(z) - 1/\\\\sqrt{2 \\\\pi}$'
    >>> link_tex("<lambda>")
    '<lambda>'
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    try:
        return "$" + _tex(ast.parse(text.strip(), mode="eval").body, 0) + "$"
    except (SyntaxError, ValueError, RecursionError):
        return plain(text)


def _alpha(alpha: float) -> str:
    frac = Fraction(alpha).limit_denominator(24)
    return f"{frac.numerator}/{frac.denominator}" if abs(float(frac) - alpha) < 1e-9 else f"{alpha:g}"


def setting_title(link: str, *, k_star: int | None, r: int, q: float, alpha: float | None = None,
                  fixed_d: int | None = None) -> str:
    """The title of a setting's figure: the link in mathematics, then k*, r, q and α (or the fixed d).

    Examples
    --------
    >>> setting_title("He2(z)", k_star=2, r=1, q=0.0, alpha=0.25)
    '$\\\\mathrm{He}_{2}(z)$:  $k^* = 2$, $r = 1$, $q = 0$, $\\\\alpha = 1/4$'
    """
    parts = [] if k_star is None else [f"$k^* = {k_star}$"]
    parts += [f"$r = {r}$", f"$q = {q:g}$"]
    if alpha is not None and math.isfinite(alpha):
        parts.append(rf"$\alpha = {_alpha(alpha)}$")
    if fixed_d is not None:
        parts.append(f"$d = {fixed_d}$")
    return f"{link_tex(link)}:  " + ", ".join(parts)
