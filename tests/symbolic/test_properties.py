"""Hypothesis properties of the symbolic layer."""

from __future__ import annotations

import numpy as np
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import ortho_group

from theorylab.symbolic import (
    csq_lower_bound,
    information_exponent,
    lq_norm,
    sparse_directions,
)
from theorylab.symbolic.links import Z

SETTINGS = settings(max_examples=25, deadline=None)
nonzero_ints = st.integers(-5, 5).filter(lambda v: v != 0)


@st.composite
def hermite_links(draw):
    """σ = Σ_{j in S} a_j He_j with k* = min S (S ⊆ {1..6}, non-empty, a_j ≠ 0)."""
    degrees = draw(st.sets(st.integers(1, 6), min_size=1, max_size=3))
    coeffs = {j: draw(nonzero_ints) for j in degrees}
    expr = sum(sympy.Integer(a) * sympy.hermite_prob(j, Z) for j, a in coeffs.items())
    return sympy.expand(expr), min(degrees)


@SETTINGS
@given(hermite_links(), st.fractions(-7, 7).filter(lambda f: f != 0), st.integers(-3, 3))
def test_k_star_invariant_under_scaling_and_shift(link, scale, shift) -> None:
    expr, k = link
    assert information_exponent(expr) == k
    assert information_exponent(sympy.Rational(scale.numerator, scale.denominator) * expr + shift) == k


@SETTINGS
@given(hermite_links(), st.integers(1, 4), nonzero_ints)
def test_k_star_unchanged_by_higher_terms_lowered_by_lower_ones(link, gap, a) -> None:
    expr, k = link
    assert information_exponent(expr + a * sympy.hermite_prob(k + gap, Z)) == k
    if k > 1:
        j = max(1, k - gap)
        assert information_exponent(expr + a * sympy.hermite_prob(j, Z)) == j


@SETTINGS
@given(st.integers(3, 40), st.integers(1, 3), st.sampled_from([0.0, 0.5, 1.0, 1.7]), st.integers(0, 2**32 - 1))
def test_lq_norm_rotation_invariant(d, r, q, seed) -> None:
    rng = np.random.default_rng(seed)
    r = min(r, d)
    V = ortho_group.rvs(d, random_state=rng)[:, :r] if d > 1 else np.ones((1, 1))
    U = ortho_group.rvs(r, random_state=rng) if r > 1 else np.array([[-1.0]])
    assert np.isclose(lq_norm(V @ U, q), lq_norm(V, q), rtol=1e-10)


@SETTINGS
@given(
    st.integers(1, 6),
    st.floats(0.05, 0.95),
    st.integers(2, 10**8),
    st.integers(2, 10**8),
)
def test_csq_bound_monotone_in_d(k, alpha, d1, d2) -> None:
    lo, hi = sorted((d1, d2))
    assert float(csq_lower_bound(k, lo, alpha)) <= float(csq_lower_bound(k, hi, alpha)) * (1 + 1e-12)


@SETTINGS
@given(
    st.integers(20, 3000),
    st.integers(1, 3),
    st.sampled_from([0.0, 0.3, 1.0, 1.6]),
    st.floats(0.3, 0.9),
    st.integers(0, 2**32 - 1),
)
def test_sparse_directions_orthonormal_with_requested_sparsity(d, r, q, alpha, seed) -> None:
    if q > 0 and d**alpha < r:  # no orthonormal V has that sparsity (R_q < r): rejected by design
        return
    V = sparse_directions(d, r=r, q=q, alpha=alpha, rng=seed)
    np.testing.assert_allclose(V.T @ V, np.eye(r), atol=1e-10)
    if q == 0.0:
        assert lq_norm(V, 0) == max(r, round(d**alpha))
    else:
        target = r ** (q / 2) * d ** (alpha * (1 - q / 2))
        assert np.isclose(lq_norm(V, q), target, rtol=1e-8)
