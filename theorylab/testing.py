"""Hypothesis strategies for property-based tests of conjectures about sparse single- and multi-index models.

This module needs ``hypothesis`` (installed with the ``test`` extra) and is not imported by ``import theorylab``.

Strategies
----------
links_with_information_exponent(k)
    Polynomial links Σ_{j >= k} a_j He_j(z) with a_k != 0, so that the information exponent is exactly k
    by the orthogonality of Hermite polynomials (E[He_j He_k] = k! δ_jk).
sparse_directions_strategy(d=..., r=..., q=..., alpha=...)
    Orthonormal V in R^{d×r} with prescribed ℓ_q sparsity, drawn through
    :func:`theorylab.symbolic.sparsity.sparse_directions` from a Hypothesis-chosen seed.

Examples
--------
>>> from hypothesis import given, settings
>>> import theorylab as tl
>>> @settings(max_examples=5, deadline=None)
... @given(links_with_information_exponent(3))
... def test_exponent(link):
...     assert tl.information_exponent(link) == 3
>>> test_exponent()
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

import numpy as np
from hypothesis import strategies as st

from theorylab._validation import check_alpha, check_int, check_q
from theorylab.symbolic.links import Link, as_link

__all__ = ["links_with_information_exponent", "sparse_directions_strategy", "hermite_combination"]


def hermite_combination(coefficients: Mapping[int, Fraction | int]) -> str:
    """The link string ``Σ a_j He_j(z)`` for a mapping ``{j: a_j}`` (zero coefficients are skipped).

    Examples
    --------
    >>> hermite_combination({2: 1, 4: Fraction(-1, 3)})
    '(1)*He2(z) + (-1/3)*He4(z)'
    """
    terms = [f"({Fraction(a)})*He{j}(z)" for j, a in sorted(coefficients.items()) if a != 0]
    if not terms:
        raise ValueError("coefficients: at least one coefficient must be non-zero")
    return " + ".join(terms)


_nonzero = st.fractions(min_value=-3, max_value=3, max_denominator=8).filter(lambda f: f != 0)
_any = st.fractions(min_value=-3, max_value=3, max_denominator=8)


@st.composite
def _links(draw: st.DrawFn, k: int, max_extra_degree: int, as_text: bool) -> Link | str:
    extra = draw(st.integers(min_value=0, max_value=max_extra_degree))
    coefficients = {k: draw(_nonzero)}
    for j in range(k + 1, k + extra + 1):
        coefficients[j] = draw(_any)
    text = hermite_combination(coefficients)
    return text if as_text else as_link(text)


def links_with_information_exponent(
    k: int, *, max_extra_degree: int = 3, as_text: bool = False
) -> st.SearchStrategy[Link | str]:
    """Links whose information exponent is exactly ``k``.

    Parameters
    ----------
    k : int
        The information exponent, k >= 1.
    max_extra_degree : int
        How many higher Hermite degrees (k+1, ..., k+max_extra_degree) may carry coefficients.
    as_text : bool
        Return the link string instead of a :class:`~theorylab.symbolic.links.Link`.

    Returns
    -------
    hypothesis.strategies.SearchStrategy
    """
    k = check_int(k, "k", minimum=1)
    max_extra_degree = check_int(max_extra_degree, "max_extra_degree", minimum=0)
    return _links(k, max_extra_degree, bool(as_text))


@st.composite
def _directions(draw: st.DrawFn, d, r, q, alpha) -> np.ndarray:
    from theorylab.symbolic.sparsity import sparse_directions

    d_ = draw(d) if isinstance(d, st.SearchStrategy) else d
    r_ = draw(r) if isinstance(r, st.SearchStrategy) else r
    q_ = draw(q) if isinstance(q, st.SearchStrategy) else q
    a_ = draw(alpha) if isinstance(alpha, st.SearchStrategy) else alpha
    seed = draw(st.integers(min_value=0, max_value=2**32 - 1))
    return sparse_directions(d_, r=r_, q=q_, alpha=a_, rng=np.random.default_rng(seed))


_DEFAULT_D = st.integers(min_value=16, max_value=256)
_DEFAULT_ALPHA = st.floats(min_value=0.1, max_value=0.9)


def sparse_directions_strategy(
    *,
    d: int | st.SearchStrategy[int] = _DEFAULT_D,
    r: int | st.SearchStrategy[int] = 1,
    q: float | st.SearchStrategy[float] = 0.0,
    alpha: float | st.SearchStrategy[float] = _DEFAULT_ALPHA,
) -> st.SearchStrategy[np.ndarray]:
    """Orthonormal ``V`` (d × r) with prescribed ℓ_q sparsity; each argument may be a value or a strategy.

    By default d is drawn from 16..256, alpha from [0.1, 0.9], with r = 1 and q = 0.

    Fixed values are validated here (``q`` in [0, 2), ``alpha`` in (0, 1), ``r <= d``).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5, deadline=None)
    ... @given(sparse_directions_strategy(d=64, alpha=0.5))
    ... def test_orthonormal(V):
    ...     assert np.allclose(V.T @ V, 1.0)
    >>> test_orthonormal()
    """
    if not isinstance(d, st.SearchStrategy):
        d = check_int(d, "d", minimum=1)
    if not isinstance(r, st.SearchStrategy):
        r = check_int(r, "r", minimum=1)
        if not isinstance(d, st.SearchStrategy) and r > d:
            raise ValueError(f"r must be <= d, got r={r}, d={d}")
    if not isinstance(q, st.SearchStrategy):
        q = check_q(q)
    if not isinstance(alpha, st.SearchStrategy):
        alpha = check_alpha(alpha)
    return _directions(d, r, q, alpha)
