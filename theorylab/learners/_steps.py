"""The first-layer step both example learners take, at every checkpoint of a trial, through the numeric layer."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from theorylab.numeric.learner import Trial
from theorylab.numeric.training import OneStepAccumulator

__all__ = ["first_layer_step"]


def first_layer_step(
    trial: Trial, masks: np.ndarray, a: np.ndarray, b: np.ndarray, W0: np.ndarray, eta: float,
    output: Callable[[int, np.ndarray], np.ndarray] | None = None,
) -> np.ndarray:
    """Algorithm 2's step (weight decay 1/η, which cancels the start) from ``W0`` at every checkpoint.

    W_j = η a_j (1/n_k) Σ_{i < n_k} (y_i - ŷ_k(x_i)) x_i|_{J_k} ϕ'(⟨W0_kj, x_i⟩ + b_j), with W0_kj normalised on
    J_k (``masks[k]``) and ŷ_k = ``output(k, X)`` (ŷ = 0 when ``output`` is None, as at a symmetric start).
    ``a``, ``b``: (m,); ``W0``: (K, m, d). Returns (K, m, d). One pass over the trial's training stream; the sums
    are :class:`~theorylab.numeric.training.OneStepAccumulator`'s, one per checkpoint.
    """
    cps = trial.checkpoints
    accs = [OneStepAccumulator(masks[k][None, None], a[None], b[None], W0[k][None], cps[k:k + 1],
                               dtype=trial.config.dtype) for k in range(cps.size)]
    pos = 0
    for X, y in trial.stream():
        for k, acc in enumerate(accs):
            if pos < cps[k]:  # the accumulator itself ignores the samples past n_k
                r = y if output is None else y - output(k, X)
                acc.update(X[None], r[None], pos)
        pos += len(y)
    return np.stack([acc.first_layer(eta)[0, 0] for acc in accs])
