"""Fuzz suite (issue 12) over the public functions' numeric arguments: any value (huge, negative, NaN, inf,
a float for an int, a string, None) gives an answer or a ValueError/TypeError with a message, within the
per-case deadline; never another exception (OverflowError, MemoryError, ZeroDivisionError, ...), never a
hang. Derandomized; a few seconds in all.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from theorylab._limits import check_resamples, check_simulation_size
from theorylab.compare import estimate_threshold, fit_exponent
from theorylab.numeric.metrics import alignment, subspace_coverage
from theorylab.sweeps.spec import sweep_from_dict
from theorylab.symbolic import csq_lower_bound, hermite_coefficients, relu_hermite_coefficient

ANY_NUMBER = st.one_of(
    st.integers(-(10**30), 10**30),
    st.sampled_from([0, 1, 2, 10**6, 10**9, 10**12, 10**400, -1, 2**63, 2**64]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([None, "3", True, 2.5, 1e9, -0.0, float("nan"), float("inf")]),
)
FUZZ = settings(max_examples=150, deadline=10_000, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


def _answer_or_named_error(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return fn(*args, **kwargs)
        except (ValueError, TypeError) as exc:
            assert str(exc), f"{type(exc).__name__} without a message"
            return None


@FUZZ
@given(ANY_NUMBER)
def test_hermite_degree(degree) -> None:
    out = _answer_or_named_error(hermite_coefficients, "relu(z)", degree)
    if out is not None:
        assert len(out) == int(degree) + 1


@FUZZ
@given(ANY_NUMBER, ANY_NUMBER)
def test_relu_hermite_coefficient(k, b) -> None:
    out = _answer_or_named_error(relu_hermite_coefficient, k, b)
    if out is not None:
        assert out.is_number


@FUZZ
@given(ANY_NUMBER, ANY_NUMBER, ANY_NUMBER)
def test_csq_lower_bound(k, d, alpha) -> None:
    out = _answer_or_named_error(csq_lower_bound, k, d, alpha)
    if out is not None:
        assert out.is_positive


@FUZZ
@given(ANY_NUMBER, ANY_NUMBER, ANY_NUMBER, ANY_NUMBER, ANY_NUMBER)
def test_simulation_size(d, n, trials, width, checkpoints) -> None:
    _answer_or_named_error(check_simulation_size, d, n, trials, width, checkpoints)


@FUZZ
@given(ANY_NUMBER)
def test_resamples(value) -> None:
    out = _answer_or_named_error(check_resamples, value)
    if out is not None:
        assert 1 <= out <= 10**6


N4 = np.array([100, 200, 400, 800])


@FUZZ
@given(
    st.lists(st.lists(st.booleans(), min_size=4, max_size=4), min_size=0, max_size=6),
    ANY_NUMBER,
    st.sampled_from(["crossing", "logistic", "median", 3]),
    st.sampled_from([9, 99, 10**9, 0, 1.5, None]),
)
def test_estimate_threshold(success, level, method, resamples) -> None:
    kwargs = {"level": level, "method": method, "rng": 0}
    if resamples is not None:
        kwargs["n_resamples"] = resamples
    out = _answer_or_named_error(estimate_threshold, N4, np.array(success, dtype=bool).reshape(-1, 4), **kwargs)
    if out is not None:
        lo, hi = out.confidence_interval
        assert not (lo > hi)


@FUZZ
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=3, max_size=3), st.booleans())
def test_fit_exponent_values(values, with_intervals) -> None:
    intervals = [(v / 2, v * 2) if math.isfinite(v) else (1, 2) for v in values] if with_intervals else None
    _answer_or_named_error(fit_exponent, [10, 20, 40], values, intervals=intervals)


@FUZZ
@given(
    st.lists(st.floats(allow_nan=True, allow_infinity=True, width=64), min_size=6, max_size=6),
    st.floats(allow_nan=True, allow_infinity=True),
)
def test_metrics(weights, scale) -> None:
    W = np.array(weights).reshape(2, 3)
    with np.errstate(invalid="ignore"):
        V = scale * np.eye(3)[:, :2]
    for fn in (alignment, subspace_coverage):
        out = _answer_or_named_error(fn, W, V)
        if out is not None:  # only an orthonormal V is accepted, and the answer is in [0, 1] or NaN
            assert abs(scale) == 1.0
            vals = np.asarray(out, dtype=float)
            assert np.all(np.isnan(vals) | ((vals >= 0) & (vals <= 1)))


@FUZZ
@given(st.sampled_from(["trials", "n_min", "n_max", "r", "d_grid"]), ANY_NUMBER)
def test_spec_integer_fields(key, value) -> None:
    case = {"link": "He2(z)", "methods": ["dense"], "d_grid": [81], "n_min": 10, "n_max": 100}
    case[key] = [value] if key == "d_grid" else value
    out = _answer_or_named_error(sweep_from_dict, {"name": "x", "seed": 0, "cases": [case]})
    if out is not None:
        assert not isinstance(value, float)  # a float never stands for an integer in a file
