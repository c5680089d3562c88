"""A stand-in cell function for the sweep tests: success curves from a known power law.

Trial t of a cell has the threshold n_t = 20 · N · exp(0.3 ξ_t), ξ_t standard normal drawn from
``SeedSequence(seed).spawn(trials)[t]``; it succeeds at every checkpoint n >= n_t. N is M² with M = s + 2 and
s = d^α for "pruned" (Lemma 34's n ≍ M^{k*} at theorylab's pruning level M = s + 2; exactly M² along an s-scan
at fixed d, and (d^α + 2)² along a d-scan, see :func:`pruned_d_slope`) and d for anything else. ``THEORYLAB_STANDIN_SLEEP`` (seconds, default 0) slows every cell down without changing its
numbers, so that a run can be killed half-way.
"""

from __future__ import annotations

import os
import time

import numpy as np

#: Exponents in the pruning level M = s + 2 at fixed d.
S_BETA = {"pruned": 2.0}


def pruned_d_slope(d_grid, alpha: float = 0.25) -> float:
    """The least-squares slope of log (d^α + 2)² on log d over ``d_grid``: the pruned stand-in's d-exponent."""
    x = np.log(np.asarray(d_grid, dtype=float))
    return float(np.polyfit(x, 2 * np.log(np.exp(alpha * x) + 2), 1)[0])


def power_law_cell(kwargs: dict) -> dict:
    delay = float(os.environ.get("THEORYLAB_STANDIN_SLEEP", "0"))
    if delay:
        time.sleep(delay)
    d, trials, seed = kwargs["d"], kwargs["trials"], kwargs["seed"]
    n = np.unique(np.round(np.geomspace(kwargs.get("n_min", 10), kwargs["n"], 81)).astype(np.int64))
    size = (d ** kwargs["alpha"] + 2) ** 2 if kwargs["method"] == "pruned" else float(d)
    xi = np.array([np.random.default_rng(s).standard_normal() for s in np.random.SeedSequence(seed).spawn(trials)])
    thresholds = 20.0 * size * np.exp(0.3 * xi)
    success = n[None, :] >= thresholds[:, None]
    alignment = 1.0 / (1.0 + thresholds[:, None] / n[None, :])
    config = {k: (v if isinstance(v, (int, float, str)) else str(v)) for k, v in kwargs.items()}
    return {"n": n, "success": success, "metrics": {"alignment_median": alignment}, "config": config}


def slow_simulate_cell(kwargs: dict) -> dict:
    """The real :func:`theorylab.sweeps.simulate_cell`, after the same optional delay as the stand-in."""
    from theorylab.sweeps import simulate_cell

    delay = float(os.environ.get("THEORYLAB_STANDIN_SLEEP", "0"))
    if delay:
        time.sleep(delay)
    return simulate_cell(kwargs)
