"""The shared argument checks: each error names its argument."""

import numpy as np
import pytest

from theorylab._validation import (
    check_alpha,
    check_choice,
    check_int,
    check_orthonormal,
    check_q,
    check_real,
    check_rng,
)


def test_check_int_accepts_integral_values():
    assert check_int(np.int64(7), "d") == 7
    assert check_int(8.0, "d") == 8


@pytest.mark.parametrize("bad", [True, 2.5, "3", None])
def test_check_int_rejects_non_integers(bad):
    with pytest.raises(TypeError, match="trials must be an integer"):
        check_int(bad, "trials")


def test_check_int_bounds_name_the_argument():
    with pytest.raises(ValueError, match=r"width must be >= 1, got 0"):
        check_int(0, "width", minimum=1)
    with pytest.raises(ValueError, match=r"M must be <= 10, got 11"):
        check_int(11, "M", maximum=10)


def test_alpha_and_q_ranges_follow_the_paper():
    # The theorems take alpha in the open interval (0, 1) and q in [0, 2).
    assert check_alpha(0.25) == 0.25
    for bad in (0.0, 1.0, -0.1, 1.5):
        with pytest.raises(ValueError, match=r"alpha must be in \(0, 1\)"):
            check_alpha(bad)
    assert check_q(0) == 0.0
    with pytest.raises(ValueError, match=r"q must be in \[0, 2\)"):
        check_q(2.0)


def test_check_real_rejects_nan_and_text():
    with pytest.raises(ValueError, match="c must be finite"):
        check_real(float("nan"), "c")
    with pytest.raises(TypeError, match="c must be a real number"):
        check_real("x", "c")


def test_check_rng_never_uses_the_global_state():
    a = check_rng(3).standard_normal(4)
    b = check_rng(np.random.SeedSequence(3)).standard_normal(4)
    np.testing.assert_array_equal(a, b)  # int seeds and SeedSequence(seed) agree
    g = np.random.default_rng(0)
    assert check_rng(g) is g
    with pytest.raises(TypeError, match="rng must be"):
        check_rng("seed")
    with pytest.raises(ValueError, match="rng must be a non-negative seed"):
        check_rng(-1)


def test_check_orthonormal_states_its_tolerance():
    q, _ = np.linalg.qr(np.random.default_rng(0).standard_normal((6, 2)))
    np.testing.assert_array_equal(check_orthonormal(q), q)
    assert check_orthonormal(np.eye(5)[:, 0]).shape == (5, 1)
    with pytest.raises(ValueError, match=r"V must have orthonormal columns: .* tolerance 1e-08"):
        check_orthonormal(2 * q)
    with pytest.raises(ValueError, match=r"V must have shape \(d, r\) with 1 <= r <= d"):
        check_orthonormal(np.eye(3)[:2].T.T)


def test_check_choice_suggests_the_nearest_name():
    assert check_choice("pruned", "method", ("pruned", "dense")) == "pruned"
    with pytest.raises(ValueError, match=r"unknown method 'prunned' \(did you mean 'pruned'\?\)"):
        check_choice("prunned", "method", ("pruned", "dense"))
