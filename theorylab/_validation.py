"""Argument checks shared by every layer.

Every public function of theorylab validates and normalises its arguments before it computes anything,
and every error names the offending argument. These helpers keep the wording uniform, so that tests can
assert the messages.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

__all__ = [
    "check_int",
    "check_real",
    "check_probability",
    "check_alpha",
    "check_q",
    "check_rng",
    "check_matrix",
    "check_orthonormal",
    "check_grid",
    "check_choice",
]


def check_int(value: Any, name: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """Return ``value`` as a Python ``int`` or raise naming ``name``.

    Booleans and non-integral floats are rejected; integral NumPy scalars are accepted.

    Examples
    --------
    >>> check_int(5, "d", minimum=1)
    5
    >>> check_int(0, "d", minimum=1)
    Traceback (most recent call last):
    ...
    ValueError: d must be >= 1, got 0
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        if isinstance(value, numbers.Real) and not isinstance(value, bool) and float(value).is_integer():
            value = int(float(value))
        else:
            raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {value}")
    return value


def check_real(
    value: Any,
    name: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Return ``value`` as a finite ``float`` inside the stated interval, or raise naming ``name``.

    Examples
    --------
    >>> check_real(0.5, "c", low=0, high=1, low_open=True)
    0.5
    >>> check_real(1.5, "c", low=0, high=1, low_open=True, high_open=True)
    Traceback (most recent call last):
    ...
    ValueError: c must be in (0, 1), got 1.5
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        try:  # SymPy numbers and 0-d arrays
            value = float(value)
        except (TypeError, ValueError):
            raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}") from None
        except OverflowError:
            raise ValueError(f"{name} must be finite, got a number beyond the double range") from None
    try:
        value = float(value)
    except OverflowError:  # an int beyond 1.8e308
        raise ValueError(f"{name} must be finite, got a number beyond the double range") from None
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    lo_ok = low is None or (value > low if low_open else value >= low)
    hi_ok = high is None or (value < high if high_open else value <= high)
    if not (lo_ok and hi_ok):
        lb = "-inf" if low is None else f"{low:g}"
        hb = "inf" if high is None else f"{high:g}"
        interval = ("(" if low_open or low is None else "[") + f"{lb}, {hb}" + (
            ")" if high_open or high is None else "]"
        )
        raise ValueError(f"{name} must be in {interval}, got {value:g}")
    return value


def check_probability(value: Any, name: str) -> float:
    """A level strictly between 0 and 1 (confidence levels, success levels)."""
    return check_real(value, name, low=0.0, high=1.0, low_open=True, high_open=True)


def check_alpha(value: Any, name: str = "alpha") -> float:
    """The sparsity exponent alpha, which the theorems take in the open interval (0, 1)."""
    return check_real(value, name, low=0.0, high=1.0, low_open=True, high_open=True)


def check_q(value: Any, name: str = "q") -> float:
    """The sparsity index q, which the paper takes in [0, 2)."""
    return check_real(value, name, low=0.0, high=2.0, high_open=True)


def check_rng(rng: Any, name: str = "rng") -> np.random.Generator:
    """Normalise ``rng`` to a ``numpy.random.Generator``.

    ``None`` gives a fresh unseeded generator; an int or a ``SeedSequence`` seeds a new PCG64 generator;
    a ``Generator`` is returned unchanged. The global NumPy RNG is never used.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, np.random.SeedSequence):
        return np.random.default_rng(rng)
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        if rng < 0:
            raise ValueError(f"{name} must be a non-negative seed, got {rng}")
        return np.random.default_rng(int(rng))
    raise TypeError(f"{name} must be None, an int seed, a SeedSequence or a numpy Generator, got {type(rng).__name__}")


def check_matrix(V: Any, name: str = "V") -> np.ndarray:
    """Return ``V`` as a finite float array of shape (d, r), d, r >= 1, or raise naming ``name``.

    A 1-d array is taken as a single column (r = 1).

    Examples
    --------
    >>> check_matrix([1.0, 0.0]).shape
    (2, 1)
    >>> check_matrix([[[1.0]]])
    Traceback (most recent call last):
    ...
    ValueError: V must have shape (d, r), got an array with 3 dimensions
    """
    try:
        arr = np.asarray(V, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a real array of shape (d, r)") from None
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(f"{name} must have shape (d, r), got an array with {arr.ndim} dimensions")
    if arr.shape[0] < 1 or arr.shape[1] < 1:
        raise ValueError(f"{name} must have shape (d, r) with d, r >= 1, got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite")
    return arr


def check_orthonormal(V: Any, name: str = "V", *, atol: float = 1e-8) -> np.ndarray:
    """Return ``V`` as a float array of shape (d, r) with orthonormal columns, or raise naming ``name``.

    The tolerance is on the largest entry of ``|VᵀV - I|`` and is stated in the message.
    A 1-d array is taken as a single direction (r = 1).
    """
    arr = check_matrix(V, name)
    d, r = arr.shape
    if d < r:
        raise ValueError(f"{name} must have shape (d, r) with 1 <= r <= d, got {arr.shape}")
    err = float(np.max(np.abs(arr.T @ arr - np.eye(r))))
    if err > atol:
        raise ValueError(
            f"{name} must have orthonormal columns: max |VᵀV - I| = {err:.3g} exceeds the tolerance {atol:g}"
        )
    return arr


def check_grid(value: Any, name: str = "n", *, integer: bool = False) -> np.ndarray:
    """A grid of sample sizes: a non-empty 1-d strictly increasing array of finite positive numbers.

    Returned as float64, or as int64 with ``integer=True`` (which rejects non-integral entries and asks >= 1).
    The one grid validator of theorylab (checkpoint grids of the learners, grids of the threshold estimates).

    Examples
    --------
    >>> check_grid([10, 20.0, 40]).tolist(), check_grid([10, 20], integer=True).dtype.name
    ([10.0, 20.0, 40.0], 'int64')
    >>> check_grid([10, 10], "n_grid")
    Traceback (most recent call last):
    ...
    ValueError: n_grid must be strictly increasing, got [10.0, 10.0]
    """
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a 1-d array of positive sample sizes") from None
    if arr.ndim != 1 or arr.size < 1:
        raise ValueError(f"{name} must be a non-empty 1-d array of sample sizes, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)) or np.any(arr <= 0):
        raise ValueError(f"{name} must contain finite positive sample sizes")
    if np.any(np.diff(arr) <= 0):
        raise ValueError(f"{name} must be strictly increasing, got {arr.tolist()}")
    if not integer:
        return arr
    if np.any(arr != np.round(arr)):
        raise TypeError(f"{name} must hold integers, got {arr.tolist()}")
    if arr[0] < 1:
        raise ValueError(f"{name} must be >= 1, got {arr.tolist()}")
    return arr.astype(np.int64)


def check_choice(value: Any, name: str, choices: tuple[str, ...] | list[str]) -> str:
    """Return ``value`` if it is one of ``choices``; otherwise raise naming ``name`` and the nearest choice."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, one of {', '.join(map(repr, choices))}")
    if value not in choices:
        import difflib

        near = difflib.get_close_matches(value, list(choices), n=1)
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        raise ValueError(f"unknown {name} {value!r}{hint}; choose one of {', '.join(map(repr, choices))}")
    return value
