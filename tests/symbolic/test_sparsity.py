"""ℓ_q sparsity: the norm, its invariance, the α <-> R_q conversions, and sparse_directions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import ortho_group

from theorylab.symbolic import (
    alpha_to_rq,
    effective_sparsity,
    lq_norm,
    rq_range,
    rq_to_alpha,
    sparse_directions,
)


def test_lq_norm_by_hand() -> None:
    V = np.array([[0.6, 0.0], [0.8, 0.0], [0.0, 1.0], [0.0, 0.0]])
    assert lq_norm(V, 0) == 3.0
    assert lq_norm(V, 1.0) == pytest.approx(0.6 + 0.8 + 1.0)
    assert lq_norm(V, 0.5) == pytest.approx(0.6**0.5 + 0.8**0.5 + 1.0)
    assert lq_norm(np.array([1e-13, 1.0]), 0) == 1.0  # below the default tolerance 1e-12
    assert lq_norm(np.array([1e-13, 1.0]), 0, tol=0.0) == 2.0


def test_orthonormal_bounds_and_invariance() -> None:
    rng = np.random.default_rng(7)
    d, r = 50, 3
    V = ortho_group.rvs(d, random_state=rng)[:, :r]
    U = ortho_group.rvs(r, random_state=rng)
    for q in (0.0, 0.5, 1.0, 1.5):
        lo, hi = rq_range(q, d, r)
        assert lo == r and hi == pytest.approx(r ** (q / 2) * d ** (1 - q / 2))
        assert lo - 1e-9 <= lq_norm(V, q) <= hi + 1e-9
        assert lq_norm(V @ U, q) == pytest.approx(lq_norm(V, q), rel=1e-12)


def test_conversions_round_trip_and_effective_sparsity() -> None:
    for q in (0.0, 0.7, 1.5):
        for r in (1, 2):
            for alpha in (0.2, 0.5, 0.9):
                R = alpha_to_rq(alpha, q, 10_000, r)
                assert R == pytest.approx(r ** (q / 2) * 10_000 ** (alpha * (1 - q / 2)))
                assert rq_to_alpha(R, q, 10_000, r) == pytest.approx(alpha)
                # s_eff = (R_q / r^{q/2})^{2/(2-q)} = d^α
                assert effective_sparsity(R, q, r) == pytest.approx(10_000**alpha)


def test_sparse_directions_q0_exact_support() -> None:
    for d, r, alpha in [(256, 1, 0.25), (10_000, 1, 0.5), (1000, 3, 0.5), (64, 2, 0.1)]:
        V = sparse_directions(d, r=r, q=0.0, alpha=alpha, rng=3)
        s = max(r, round(d**alpha))
        assert V.shape == (d, r)
        np.testing.assert_allclose(V.T @ V, np.eye(r), atol=1e-12)
        assert lq_norm(V, 0) == s
        assert effective_sparsity(V, 0.0) == s
    v = sparse_directions(10_000, alpha=0.5, rng=1)[:, 0]
    nz = v[v != 0]
    np.testing.assert_allclose(np.abs(nz), 1 / math.sqrt(100))


@pytest.mark.parametrize(("q", "r"), [(0.5, 1), (1.0, 1), (1.5, 2), (1.0, 3)])
def test_sparse_directions_soft_profile_hits_target(q: float, r: int) -> None:
    d, alpha = 2000, 0.5
    V = sparse_directions(d, r=r, q=q, alpha=alpha, rng=11)
    np.testing.assert_allclose(V.T @ V, np.eye(r), atol=1e-12)
    assert lq_norm(V, q) == pytest.approx(r ** (q / 2) * d ** (alpha * (1 - q / 2)), rel=1e-9)


def test_same_seed_same_directions() -> None:
    a = sparse_directions(500, r=2, q=1.0, alpha=0.4, rng=5)
    b = sparse_directions(500, r=2, q=1.0, alpha=0.4, rng=np.random.default_rng(5))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, sparse_directions(500, r=2, q=1.0, alpha=0.4, rng=6))


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: lq_norm(np.eye(3), 2.0), "q"),
        (lambda: lq_norm(np.eye(3), -0.1), "q"),
        (lambda: lq_norm(np.eye(3), 0, tol=-1), "tol"),
        (lambda: lq_norm(np.ones((2, 2, 2)), 1), "V"),
        (lambda: lq_norm([[np.nan]], 1), "V"),
        (lambda: lq_norm("abc", 1), "V"),
        (lambda: effective_sparsity(5.0, 1.0), "r"),
        (lambda: effective_sparsity(-1.0, 1.0, r=1), "R_q"),
        (lambda: effective_sparsity(np.eye(3)[:, :2], 0, r=3), "r"),
        (lambda: alpha_to_rq(1.0, 0, 100), "alpha"),
        (lambda: alpha_to_rq(0.0, 0, 100), "alpha"),
        (lambda: alpha_to_rq(0.1, 0, 100, r=3), "R_q"),
        (lambda: alpha_to_rq(0.5, 0, 2, r=3), "d"),
        (lambda: rq_to_alpha(0.5, 0, 100), "R_q"),
        (lambda: rq_to_alpha(200.0, 0, 100), "R_q"),
        (lambda: rq_to_alpha(5.0, 2.5, 100), "q"),
        (lambda: rq_range(1.0, 2, r=3), "d"),
        (lambda: sparse_directions(2, r=3), "d"),
        (lambda: sparse_directions(0), "d"),
        (lambda: sparse_directions(10.5), "d"),
        (lambda: sparse_directions(100, r=0), "r"),
        (lambda: sparse_directions(100, q=2.0), "q"),
        (lambda: sparse_directions(100, alpha=1.0), "alpha"),
        (lambda: sparse_directions(100, rng="seed"), "rng"),
        (lambda: sparse_directions(100, rng=-1), "rng"),
        (lambda: sparse_directions(100, r=3, q=1.0, alpha=0.1), "R_q"),
    ],
)
def test_validation_messages(call, match: str) -> None:
    with pytest.raises((ValueError, TypeError), match=match):
        call()
