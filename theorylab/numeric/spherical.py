"""What the spherical baselines share: argument checks, initial directions, pruners and metrics.

Online SGD (:mod:`theorylab.numeric.online_sgd`) and GD with sample reuse (:mod:`theorylab.numeric.gd_reuse`)
train *single-direction* students (``neurons`` independent unit vectors w ∈ S^{d-1}) with a known activation σ,
the teacher-student setting of Ben Arous, Gheissari and Jagannath (2021, §2), optionally restricted to a pruned
coordinate set J, all trials together (arrays trials × neurons × d).

Seeds: trial t's samples are ``stream_trials([teachers[t]], [seeds[t]], ...)``; its initial directions come from
``derive_seed(seeds[t], INIT_KEY, 0)`` and its pruner's randomness from ``derive_seed(seeds[t], INIT_KEY, 1)``,
keys the stream never uses.

Metrics (:data:`theorylab.numeric.metrics.METRICS`, arrays trials × checkpoints): ``excess_risk`` only for one
neuron with the teacher's own link as activation and r = 1 (ŷ = σ*(⟨w, x⟩), by 2-d Gauss-Hermite quadrature);
NaN otherwise.

Examples
--------
>>> [s.entropy for s in check_seeds([0, 1])]
[0, 1]
>>> init_directions(check_seeds([0]), 2, 3, np.dtype("float64")).shape
(1, 2, 3)
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from theorylab._quadrature import gauss_hermite_product
from theorylab.numeric.activations import Activation
from theorylab.numeric.metrics import (
    METRICS,
    alignment,
    alignment_summary,
    subspace_coverage,
    support_recall,
)
from theorylab.numeric.teachers import Teacher, derive_seed, stream_trials

__all__ = [
    "INIT_KEY",
    "LOSSES",
    "PRUNE_STRATEGIES",
    "check_seeds",
    "check_teachers",
    "excess_risk_link",
    "init_directions",
    "learner_metrics",
    "make_pruners",
    "prune_at",
    "pruner_masks",
]

#: Losses: ``"correlation"`` -y σ(⟨w, x⟩) and ``"square"`` (y - σ(⟨w, x⟩))²/2.
LOSSES = ("correlation", "square")
#: Spawn-key prefix of the initialisation seeds (streams use keys one level deep, this one two levels).
INIT_KEY = 0xBA5E
#: Pruning strategies a baseline accepts (those of :mod:`theorylab.numeric.pruning`).
PRUNE_STRATEGIES = ("paper", "oracle", "hermite", "magnitude", "random", "none")
#: Nodes per axis of the 2-d Gauss-Hermite rule of :func:`excess_risk_link` (exact for polynomials of degree <= 79).
GH_NODES = 80


def check_teachers(teacher_or_teachers: Any, trials: int | None = None) -> list[Teacher]:
    """One Teacher per trial (a single one is repeated ``trials`` times), all with the same link, d and r."""
    if isinstance(teacher_or_teachers, Teacher):
        teachers = [teacher_or_teachers] * (trials if trials is not None else 1)
    elif isinstance(teacher_or_teachers, Sequence) and not isinstance(teacher_or_teachers, str):
        teachers = list(teacher_or_teachers)
        if not teachers or not all(isinstance(t, Teacher) for t in teachers):
            raise TypeError("teachers must be a Teacher or a non-empty sequence of Teacher")
    else:
        raise TypeError(f"teachers must be a Teacher or a sequence of Teacher, got {type(teacher_or_teachers).__name__}")
    d, r = teachers[0].d, teachers[0].r
    if any(t.d != d or t.r != r for t in teachers):
        raise ValueError("teachers must all have the same d and r")
    if any(t.link.text != teachers[0].link.text for t in teachers):
        raise ValueError("teachers must all have the same link")
    if trials is not None and len(teachers) != trials:
        raise ValueError(f"teachers: expected {trials} teachers (one per seed), got {len(teachers)}")
    return teachers


def check_seeds(seeds: Any) -> list[np.random.SeedSequence]:
    """One SeedSequence per trial, from a non-empty sequence of ints or SeedSequences."""
    if isinstance(seeds, (np.random.SeedSequence, numbers.Integral)) or not isinstance(seeds, Sequence):
        raise TypeError("seeds must be a sequence of SeedSequence or int, one per trial")
    if len(seeds) == 0:
        raise ValueError("seeds must not be empty")
    return [derive_seed(s) for s in seeds]



def init_directions(seeds: list[np.random.SeedSequence], neurons: int, d: int, dtype: np.dtype) -> np.ndarray:
    """Gaussian matrices (trials, neurons, d) from each trial's initialisation seed (normalised by the caller)."""
    return np.stack(
        [np.random.default_rng(derive_seed(s, INIT_KEY, 0)).standard_normal((neurons, d)) for s in seeds]
    ).astype(dtype)



def excess_risk_link(link_sigma: Callable, m: np.ndarray) -> np.ndarray:
    """E[(σ(z1) - σ(m z1 + √(1-m²) z2))²] by a 2-d Gauss-Hermite rule (exact for polynomials up to degree 79)."""
    pts, Wt = gauss_hermite_product(GH_NODES, 2)
    Z1, Z2 = pts[:, 0], pts[:, 1]
    target = np.asarray(link_sigma(Z1), dtype=float)
    flat = np.asarray(m, dtype=float).ravel()
    out = np.empty_like(flat)
    for i, mi in enumerate(flat):
        s = math.sqrt(max(0.0, 1.0 - mi * mi))
        pred = np.asarray(link_sigma(mi * Z1 + s * Z2), dtype=float)
        out[i] = float(np.sum(Wt * (target - pred) ** 2))
    return out.reshape(np.shape(m))


def learner_metrics(
    W: np.ndarray, teachers: list[Teacher], masks: np.ndarray | None, act: Activation
) -> dict[str, np.ndarray]:
    """The metrics of :data:`~theorylab.numeric.metrics.METRICS` (trials × checkpoints). W: (trials, checkpoints, neurons, d); masks: (trials, checkpoints, d) or None."""
    T, K, m, d = W.shape
    V = np.stack([t.V for t in teachers])  # (T, d, r)
    Vb = np.broadcast_to(V[:, None], (T, K, d, V.shape[-1]))
    al = alignment(W.astype(float), Vb)  # (T, K, m)
    out = dict(alignment_summary(al))
    out["coverage"] = subspace_coverage(W.astype(float), Vb)
    if masks is None:
        out["support_recall"] = np.ones((T, K))
        out["J_size"] = np.full((T, K), float(d))
    else:
        out["support_recall"] = support_recall(masks, Vb)
        out["J_size"] = masks.sum(axis=-1).astype(float)
    if act.is_link and m == 1 and teachers[0].r == 1:
        overlap = np.einsum("tkd,td->tk", W[:, :, 0, :].astype(float), V[:, :, 0])
        out["excess_risk"] = excess_risk_link(act.sigma, overlap)
    else:
        out["excess_risk"] = np.full((T, K), np.nan)
    return {k: np.asarray(out[k], dtype=float) for k in METRICS}



_PRUNE_OPTIONS = ("m", "c", "k")


def make_pruners(
    prune: str,
    teachers: list[Teacher],
    seeds: list[np.random.SeedSequence],
    M: int | None,
    k_star: int | None,
    options: dict[str, Any] | None,
    dtype: np.dtype,
) -> list[Any]:
    """One streaming pruner of :mod:`theorylab.numeric.pruning` per trial.

    Trial t's pruner draws its randomness from ``derive_seed(seeds[t], INIT_KEY, 1)``; ``options`` may set the
    half-width ``m``, the shift ``c`` and the Hermite degree ``k`` (default ``k_star``).
    """
    from theorylab.numeric.pruning import make_pruner

    opts = dict(options or {})
    unknown = sorted(set(opts) - set(_PRUNE_OPTIONS))
    if unknown:
        raise ValueError(f"prune_options: unknown keys {unknown}; allowed: {list(_PRUNE_OPTIONS)}")
    k = opts.pop("k", k_star)
    return [
        make_pruner(
            prune,
            d=t.d,
            M=M,
            rng=np.random.default_rng(derive_seed(s, INIT_KEY, 1)),
            V=t.V,
            k=k,
            link=t.link,
            dtype=dtype,
            **opts,
        )
        for t, s in zip(teachers, seeds, strict=True)
    ]


def pruner_masks(pruners: list[Any]) -> np.ndarray:
    """The current masks of J, one row per trial's pruner."""
    return np.stack([p.result().mask for p in pruners])



def prune_at(
    pruners: list[Any],
    teachers: list[Teacher],
    seeds: list[np.random.SeedSequence],
    points: np.ndarray,
    chunk_size: int,
    dt: np.dtype,
) -> np.ndarray:
    """Masks (trials, len(points), d) of the pruners fed the first ``points[k]`` samples (points non-decreasing)."""
    aug = any(p.augment for p in pruners)
    K = len(points)
    out = np.empty((len(pruners), K, teachers[0].d), dtype=bool)
    k, pos = 0, 0
    for X, y in stream_trials(teachers, seeds, int(points[-1]), chunk_size, augment=aug, dtype=dt):
        i, B = 0, X.shape[1]
        while i < B:
            stop = min(B, i + int(points[k]) - pos)
            for t, p in enumerate(pruners):
                p.update(X[t, i:stop], y[t, i:stop])
            pos += stop - i
            i = stop
            while k < K and points[k] == pos:
                out[:, k] = pruner_masks(pruners)
                k += 1
    return out

