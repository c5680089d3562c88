"""Metrics against closed forms and scipy's principal angles; the success criterion."""

import json

import numpy as np
import pytest
from scipy.linalg import subspace_angles

from theorylab.numeric.metrics import (
    SuccessCriterion,
    alignment,
    alignment_summary,
    default_criterion,
    excess_risk,
    subspace_coverage,
    support_recall,
)


def test_alignment_closed_form():
    v = np.array([1.0, 0.0, 0.0])
    th = np.linspace(0, np.pi, 7)
    W = np.column_stack([np.cos(th), np.sin(th), np.zeros(7)])
    np.testing.assert_allclose(alignment(2.5 * W, v), np.abs(np.cos(th)), atol=1e-15)
    assert alignment(np.zeros((1, 3)), v)[0] == 0.0


def test_alignment_batched_over_trials():
    rng = np.random.default_rng(0)
    W = rng.standard_normal((3, 4, 5))
    V = np.linalg.qr(rng.standard_normal((3, 5, 2)))[0]
    out = alignment(W, V)
    for t in range(3):
        np.testing.assert_allclose(out[t], np.linalg.norm(W[t] @ V[t], axis=1) / np.linalg.norm(W[t], axis=1))


def test_coverage_is_cosine_of_largest_principal_angle():
    rng = np.random.default_rng(1)
    V = np.linalg.qr(rng.standard_normal((10, 2)))[0]
    for _ in range(5):
        W = rng.standard_normal((2, 10)) + 3 * (V @ rng.standard_normal((2, 2))).T
        expected = np.cos(subspace_angles(V, W.T).max())
        np.testing.assert_allclose(subspace_coverage(W, V), expected, atol=1e-12)


def test_coverage_uses_top_r_span_and_rank_deficiency():
    V = np.eye(6)[:, :2]
    W = np.array([[5.0, 0, 0, 0, 0, 0], [0, 4.0, 0, 0, 0, 0], [0, 0, 0.1, 0, 0, 0]])
    assert subspace_coverage(W, V) == pytest.approx(1.0)
    assert subspace_coverage(np.array([[1.0, 0, 0, 0, 0, 0], [-1.0, 0, 0, 0, 0, 0]]), V) == 0.0


def test_summary_risk_recall():
    s = alignment_summary(np.array([[0.2, 0.4, 0.6, 0.8]]), level=0.5)
    assert s["alignment_median"][0] == pytest.approx(0.5)
    assert s["alignment_frac"][0] == 0.5 and s["alignment_max"][0] == 0.8
    assert excess_risk(np.array([1.0, 1.0]), np.array([0.0, 2.0])) == 1.0
    V = np.array([[0.6, 0.0], [0.8, 0.0], [0.0, 1.0]])
    assert support_recall([True, False, True], V) == pytest.approx((0.36 + 1.0) / 2)


def test_success_criterion():
    crit = SuccessCriterion()
    assert crit.key == "alignment_median" and not crit.needs_risk
    ok = crit.evaluate({"alignment_median": np.array([[0.49, 0.5, np.nan]])})
    assert ok.tolist() == [[False, True, False]]
    risk = SuccessCriterion("excess_risk", 0.1)
    assert risk.evaluate({"excess_risk": np.array([0.05, 0.2])}).tolist() == [True, False]
    assert default_criterion(1) == SuccessCriterion("alignment", 0.5, "median")
    assert default_criterion(3).key == "coverage"
    json.dumps(crit.to_dict())
    with pytest.raises(ValueError, match="threshold"):
        SuccessCriterion("alignment", 1.5)
    with pytest.raises(ValueError, match="aggregation"):
        SuccessCriterion("alignment", 0.5, "mode")
    with pytest.raises(ValueError, match="metrics"):
        crit.evaluate({"coverage": np.zeros(2)})
