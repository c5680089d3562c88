"""Baselines beside the paper's Algorithm 2, and their entry point :func:`run_baseline`.

Two single-direction students on the sphere (:mod:`theorylab.numeric.spherical`):

* ``"online_sgd"`` — online SGD, one fresh sample per step (Ben Arous et al. 2021; :mod:`theorylab.numeric.online_sgd`);
* ``"gd_reuse"`` — full-batch GD reusing the same samples, with transformed labels
  (:mod:`theorylab.numeric.gd_reuse`, :mod:`theorylab.numeric.activations`).

Entry point for :func:`theorylab.numeric.simulate.simulate`
------------------------------------------------------------
``run_baseline(method, teachers, *, n_grid, seeds, k_star=None, prune=None, M=None, **options)``
returns ``dict[str, ndarray]`` keyed by :data:`theorylab.numeric.metrics.METRICS`, each array of shape
(trials, len(n_grid)). ``teachers`` is one :class:`~theorylab.numeric.teachers.Teacher` per trial (or one,
shared); ``seeds[t]`` is trial t's SeedSequence. ``options`` go to :func:`online_sgd` or :func:`gd_reuse`.
The names below are re-exported here, where they lived before the split.

Examples
--------
>>> import numpy as np
>>> from theorylab.numeric.teachers import Teacher
>>> T = Teacher("He1(z)", np.eye(16)[:, :1])
>>> out = run_baseline("online_sgd", T, n_grid=np.array([4, 4000]), seeds=[0, 1])
>>> out["alignment_median"].shape
(2, 2)
>>> bool(np.all(out["alignment_median"][:, 1] > 0.9))
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from theorylab._validation import check_choice, check_int
from theorylab.numeric.activations import LABEL_TRANSFORMS, transformed_hermite_coefficients
from theorylab.numeric.gd_reuse import default_gd_steps, gd_reuse
from theorylab.numeric.online_sgd import default_delta, online_sgd
from theorylab.numeric.spherical import INIT_KEY, LOSSES, check_seeds, check_teachers
from theorylab.numeric.teachers import Teacher

__all__ = [
    "METHODS",
    "LOSSES",
    "LABEL_TRANSFORMS",
    "INIT_KEY",
    "default_delta",
    "default_gd_steps",
    "transformed_hermite_coefficients",
    "online_sgd",
    "gd_reuse",
    "run_baseline",
]

#: Method names understood by :func:`run_baseline`.
METHODS = ("online_sgd", "gd_reuse")


def run_baseline(
    method: str,
    teacher_or_teachers: Any,
    *,
    n_grid: Any,
    seeds: Sequence[Any],
    d: int | None = None,
    r: int | None = None,
    k_star: int | None = None,
    prune: str | None = None,
    M: int | None = None,
    progress: bool = False,
    **options: Any,
) -> dict[str, np.ndarray]:
    """Run a baseline for all trials and return its metrics (trials × checkpoints).

    Parameters
    ----------
    method : {"online_sgd", "gd_reuse"}
    teacher_or_teachers : Teacher or sequence of Teacher
        One per trial, or one shared by all.
    n_grid : array of int
        Strictly increasing checkpoints.
    seeds : sequence of SeedSequence or int
        One per trial.
    d, r : int, optional
        When given, checked against the teachers.
    k_star : int, optional
        Information exponent (online SGD's default step size; passed to pruning).
    prune : str or None
        Pruning strategy ("paper", "oracle", "hermite", "magnitude", "random", "none") or None.
    M : int, optional
        Pruning level.
    progress : bool
    **options
        Keyword arguments of :func:`online_sgd` or :func:`gd_reuse`.

    Returns
    -------
    dict
        Metric name -> array (trials, len(n_grid)).

    Examples
    --------
    >>> import numpy as np
    >>> from theorylab.numeric.teachers import Teacher
    >>> run_baseline("adam", Teacher("z", np.eye(4)[:, :1]), n_grid=[10], seeds=[0])
    Traceback (most recent call last):
    ...
    ValueError: unknown method 'adam'; choose one of 'online_sgd', 'gd_reuse'
    """
    method = check_choice(method, "method", METHODS)
    seeds_ = check_seeds(seeds)
    teachers_ = check_teachers(teacher_or_teachers, len(seeds_) if isinstance(teacher_or_teachers, Teacher) else None)
    if len(teachers_) != len(seeds_):
        raise ValueError(f"seeds: expected {len(teachers_)} seeds (one per teacher), got {len(seeds_)}")
    if d is not None and check_int(d, "d", minimum=1) != teachers_[0].d:
        raise ValueError(f"d = {d} does not match the teachers' dimension {teachers_[0].d}")
    if r is not None and check_int(r, "r", minimum=1) != teachers_[0].r:
        raise ValueError(f"r = {r} does not match the teachers' r = {teachers_[0].r}")
    if M is not None:
        M = check_int(M, "M", minimum=1, maximum=teachers_[0].d)
    fn = online_sgd if method == "online_sgd" else gd_reuse
    return fn(teachers_, seeds_, n_grid=n_grid, k_star=k_star, prune=prune, M=M, progress=progress, **options)

