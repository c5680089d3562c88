"""Link parser: accepted grammar, exact numbers, hostile input, and NumPy compilation against closed forms."""

from __future__ import annotations

import re

import numpy as np
import pytest
import sympy

from theorylab.symbolic import Link, as_link, parse_link
from theorylab.symbolic.links import Z

z = Z
z1, z2 = sympy.symbols("z1 z2", real=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He3(z)", z**3 - 3 * z),
        ("He2(z) + z", z**2 - 1 + z),
        ("relu(z)", sympy.Max(z, 0)),
        ("abs(z) - sign(z)", sympy.Abs(z) - sympy.sign(z)),
        ("tanh(z) + exp(-z) + cos(2*z) + sin(z)", sympy.tanh(z) + sympy.exp(-z) + sympy.cos(2 * z) + sympy.sin(z)),
        ("sqrt(2)*z/3", sympy.sqrt(2) * z / 3),
        ("(z - 1)**2", (z - 1) ** 2),
        ("relu(z) - 1/sqrt(2*pi)", sympy.Max(z, 0) - 1 / sympy.sqrt(2 * sympy.pi)),
        ("-z + +z", sympy.Integer(0)),
        ("e*z**2", sympy.E * z**2),
    ],
)
def test_grammar_accepted(text: str, expected: sympy.Expr) -> None:
    assert sympy.simplify(as_link(text).expr - expected) == 0


def test_decimals_are_exact_rationals() -> None:
    expr, _ = parse_link("0.1*z + 2.5e-3")
    assert expr == sympy.Rational(1, 10) * z + sympy.Rational(1, 400)


def test_multi_index_variables_and_arity() -> None:
    link = as_link("z1*z2 + He2(z2)")
    assert link.arity == 2 and link.variables == (z1, z2)
    assert as_link("z1", arity=3).arity == 3


@pytest.mark.parametrize(
    ("text", "token"),
    [
        ("__import__('os').system('x')", "__import__('os').system('x')"),
        ("z.__class__", "z.__class__"),
        ("lambda: 1", "lambda: 1"),
        ("[z]", "[z]"),
        ("z if z else 1", "z if z else 1"),
        ("He3(z, z)", "He3"),
        ("foo(z)", "foo"),
        ("1e999**z", "1e999"),
        ("z**1000", "z**1000"),
        ("z @ z", "z @ z"),
        ("x + 1", "x"),
        ("True", "True"),
        ("z;1", "z;1"),
        ("He999(z)", "999"),
        ("relu", "relu"),
    ],
)
def test_hostile_and_malformed_strings_rejected(text: str, token: str) -> None:
    with pytest.raises(ValueError, match=re.escape(token)):
        as_link(text)


def test_empty_and_wrong_types() -> None:
    with pytest.raises(ValueError, match="empty"):
        as_link("  ")
    with pytest.raises(TypeError, match="link must be"):
        as_link(3.5)
    with pytest.raises(ValueError, match="arity"):
        as_link("z1*z2", arity=1)
    with pytest.raises(ValueError, match="either z"):
        as_link("z + z1")


def test_numpy_matches_closed_forms() -> None:
    grid = np.linspace(-3, 3, 101)
    np.testing.assert_allclose(as_link("He4(z)").numpy(grid), grid**4 - 6 * grid**2 + 3, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(as_link("relu(z)").numpy(grid), np.maximum(grid, 0.0))
    np.testing.assert_allclose(as_link("abs(z)*tanh(z)").numpy(grid), np.abs(grid) * np.tanh(grid))
    pts = np.stack([grid, grid[::-1]], axis=-1)
    np.testing.assert_allclose(as_link("z1*z2 + He2(z2)").numpy(pts), grid * grid[::-1] + grid[::-1] ** 2 - 1)


def test_callable_and_link_pass_through() -> None:
    link = as_link(np.tanh)
    assert isinstance(link, Link) and link.expr is None and link.arity == 1
    assert as_link(link) is link
    np.testing.assert_allclose(link.numpy(np.array([0.5])), np.tanh([0.5]))
