"""Fuzz suite (issue 12) over the link grammar: generated hostile and huge strings must be parsed or refused
with a ValueError/TypeError, within a time budget per case (Hypothesis' deadline) and a memory budget per
case (tracemalloc's peak), never hang, never blow up, never raise anything else.

Derandomized, so CI runs the same cases every time; about 20 s in all.
"""

from __future__ import annotations

import tracemalloc

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from theorylab.symbolic import as_link, hermite_coefficients, information_exponent

#: Per-case budgets: wall time (Hypothesis deadline) and peak Python memory.
DEADLINE_MS = 10_000  # generous: the suite shares its cores; a hang still fails
MEMORY_BYTES = 200 << 20

ATOMS = st.sampled_from(
    ["z", "z1", "z2", "z64", "z65", "z100000000", "0", "1", "2", "0.5", "1e300", "1e-300", "1e308", "1e999999999",
     "9**64", "pi", "e", "64", "1_000", "0x7f", "10**10", "(-1)"]
)
FUNCTIONS = st.sampled_from(["relu", "abs", "sign", "tanh", "exp", "cos", "sin", "sqrt", "He2", "He64", "He200",
                             "He201", "He99999", "foo", "__import__", "eval"])
EXPONENTS = st.sampled_from(["2", "64", "65", "0.5", "-1", "-3", "1e9", "(1e999999999)", "(9**64)"])
BINARY = st.sampled_from(["+", "-", "*", "/", "**", "%", "//", "@"])


def _expressions() -> st.SearchStrategy[str]:
    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.tuples(FUNCTIONS, inner).map(lambda t: f"{t[0]}({t[1]})"),
            st.tuples(inner, EXPONENTS).map(lambda t: f"({t[0]})**{t[1]}"),
            st.tuples(inner, BINARY, inner).map(lambda t: f"({t[0]}{t[1]}{t[2]})"),
            st.tuples(inner, st.integers(2, 300)).map(lambda t: "+".join([t[0]] * t[1])[:2100]),
            st.tuples(inner, st.integers(2, 80)).map(lambda t: "*".join([t[0]] * t[1])[:2100]),
            inner.map(lambda s: "-" + s),
        )

    return st.recursive(ATOMS, extend, max_leaves=12)


RAW_TEXT = st.text(alphabet="z0123456789.e+-*/()He_ relusignt,[]'\"", max_size=120)


def _bounded_call(fn, *args, **kwargs):
    tracemalloc.start()
    try:
        try:
            fn(*args, **kwargs)
        except (ValueError, TypeError) as exc:
            assert str(exc), f"{type(exc).__name__} without a message"
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak <= MEMORY_BYTES, f"peak memory {peak / 2**20:.0f} MiB > {MEMORY_BYTES / 2**20:.0f} MiB"


@settings(max_examples=300, deadline=DEADLINE_MS, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(_expressions())
def test_generated_links_parse_or_refuse_within_budget(text: str) -> None:
    _bounded_call(as_link, text)


@settings(max_examples=200, deadline=DEADLINE_MS, derandomize=True)
@given(RAW_TEXT)
def test_random_text_parses_or_refuses_within_budget(text: str) -> None:
    _bounded_call(as_link, text)


POLY_ATOMS = st.sampled_from(["z", "2", "0.5", "1e300", "He3(z)", "He200(z)", "relu(z)", "abs(z)", "sign(z)"])


def _polynomial_like() -> st.SearchStrategy[str]:
    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.tuples(inner, st.sampled_from(["2", "3", "64"])).map(lambda t: f"({t[0]})**{t[1]}"),
            st.tuples(inner, st.sampled_from(["+", "-", "*"]), inner).map(lambda t: f"({t[0]}{t[1]}{t[2]})"),
            st.tuples(st.sampled_from(["relu", "abs", "He2", "He5"]), inner).map(lambda t: f"{t[0]}({t[1]})"),
        )

    return st.recursive(POLY_ATOMS, extend, max_leaves=4)


@pytest.mark.slow
@settings(max_examples=40, deadline=4 * DEADLINE_MS, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(_polynomial_like())
def test_accepted_links_have_exponents_or_named_errors(text: str) -> None:
    """What the grammar accepts, the exponent machinery answers or refuses by name, within the budget."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # non-smooth links warn about the quadrature's accuracy
        try:
            link = as_link(text)
        except ValueError:
            return
        try:
            information_exponent(link, max_degree=12)
        except ValueError as exc:
            assert str(exc)
        try:
            hermite_coefficients(link, 6)
        except ValueError as exc:
            assert str(exc)


EXP_ATOMS = st.sampled_from(["z", "2", "0.5", "He3(z)", "He40", "exp(z)", "exp(-2*z + 1)", "cos(2*z)", "sin(z/2)",
                             "cosh(z)", "sinh(3*z)"])


def _exponential_like() -> st.SearchStrategy[str]:
    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.tuples(inner, st.sampled_from(["2", "3", "8", "64"])).map(lambda t: f"({t[0]})**{t[1]}"),
            st.tuples(inner, st.sampled_from(["+", "-", "*"]), inner).map(lambda t: f"({t[0]}{t[1]}{t[2]})"),
        )

    return st.recursive(EXP_ATOMS, extend, max_leaves=5)


@pytest.mark.slow
@settings(max_examples=40, deadline=4 * DEADLINE_MS, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(_exponential_like())
def test_exponential_links_have_coefficients_or_named_errors(text: str) -> None:
    """Polynomials times exponentials: exact coefficients, or a refusal by name, within the budget (issue 11)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            link = as_link(text)
        except ValueError:
            return
        _bounded_call(hermite_coefficients, link, 8)
