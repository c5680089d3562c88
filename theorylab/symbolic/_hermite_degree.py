"""The one check of a Hermite degree, shared by the Hermite modules of the symbolic layer."""

from __future__ import annotations

from typing import Any

from theorylab._limits import limits
from theorylab._validation import check_int

__all__ = ["check_degree"]


def check_degree(degree: Any, name: str = "degree") -> int:
    """``degree`` as an int in 0 .. ``limits().hermite_degree``, else ValueError/TypeError naming ``name``.

    Examples
    --------
    >>> check_degree(3)
    3
    >>> check_degree(-1, "k")
    Traceback (most recent call last):
    ...
    ValueError: k must be >= 0, got -1
    """
    top = limits().hermite_degree
    degree = check_int(degree, name, minimum=0)
    if degree > top:
        raise ValueError(f"{name} must be <= {top} (theorylab._limits: hermite_degree), got {degree}")
    return degree

