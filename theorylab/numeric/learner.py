"""Your own learner: the protocol :func:`theorylab.numeric.simulate.simulate` runs like a built-in method.

A learner is any object with a ``name`` (text for tables and figures) and a method ``run(trial)`` that trains on
one trial's data and returns its metrics at the trial's checkpoints: a dict ``name -> array of shape (K,)``, K the
number of checkpoints. ``simulate(link, ..., method=learner)`` (or ``method="package.module:attribute"``, the
form sweeps use so that their cells stay hashable) builds one :class:`Trial` per trial, calls ``run`` and
stacks the arrays into the usual :class:`~theorylab.numeric.result.SimulationResult`; the success criterion then
reads its metric (``alignment_median`` by default, ``coverage`` for r >= 2), so thresholds, fits, verdicts and
figures work unchanged.

What a :class:`Trial` gives the learner
---------------------------------------
* ``teacher`` (its V, link and noise), ``config`` (the validated :class:`~theorylab.numeric.config.SimulationConfig`:
  d, M, width, k*, ...), ``checkpoints``;
* ``stream()`` / ``samples(n)``: the trial's training data, the same prefix-consistent stream every built-in
  method of ``simulate`` reads (so two methods with the same seed see the same samples);
* ``rng(purpose)``: generators from ``SeedSequence(seed)`` children. ``"prune"`` and ``"init"`` are the streams
  the built-in pruning and initialisation draw from (a learner that draws as they do reproduces them); ``"own"``
  (with further integer keys) is reserved for the learner's own draws;
* ``pruning_masks(strategy)``: the kept coordinates J at every checkpoint, exactly as ``simulate`` prunes.

:func:`weight_metrics` turns first-layer weights into the metrics the built-ins report.

Examples
--------
A learner that keeps its initial random neurons (it never learns, so it never succeeds):

>>> import numpy as np
>>> from theorylab.numeric import simulate
>>> class Frozen:
...     name = "frozen"
...     def run(self, trial):
...         W = trial.rng("own").standard_normal((8, trial.d))
...         return weight_metrics(np.broadcast_to(W, (len(trial.checkpoints), 8, trial.d)), trial.V)
>>> res = simulate("He2(z)", d=32, n=1000, trials=2, method=Frozen(), checkpoints=[100, 1000])
>>> res.success.tolist(), res.config["method"]
([[False, False], [False, False]], 'frozen')
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from theorylab._importable import importable_name_of, is_importable_name, resolve_importable
from theorylab.numeric.metrics import (
    alignment,
    alignment_summary,
    subspace_coverage,
    support_recall,
)
from theorylab.numeric.teachers import BLOCK_ROWS, Teacher, derive_seed

if TYPE_CHECKING:
    from theorylab.numeric.config import SimulationConfig
    from theorylab.numeric.metrics import SuccessCriterion

__all__ = [
    "Learner",
    "Trial",
    "SEED_KEYS",
    "weight_metrics",
    "check_learner_metrics",
    "resolve_learner",
    "learner_name",
    "run_learner",
]

#: The spawn key (after the trial index) of each random stream of a trial: V, the pruning's draws, the training
#: stream, the (re-)initialisation, the test stream, and the learner's own draws.
SEED_KEYS = {"V": 0, "prune": 1, "stream": 2, "init": 3, "test": 4, "own": 5}


@runtime_checkable
class Learner(Protocol):
    """A learner ``simulate`` can run: a ``name`` and ``run(trial) -> {metric: array (K,)}``."""

    name: str

    def run(self, trial: Trial) -> dict[str, np.ndarray]:
        """Train on ``trial``'s data; return each metric at the K checkpoints (NaN: not measured)."""
        ...


@dataclass(frozen=True)
class Trial:
    """One trial of a simulation, as a learner sees it.

    Attributes
    ----------
    index : int
        The trial's number t (its seeds are children of ``SeedSequence(config.seed)`` with key t).
    teacher : Teacher
        The trial's teacher y = σ*(Vᵀx) + ε.
    config : SimulationConfig
        The validated arguments of ``simulate`` (d, n, M, width, k_star, eta1, criterion, ...).
    """

    index: int
    teacher: Teacher
    config: SimulationConfig

    @property
    def checkpoints(self) -> np.ndarray:
        """The sample sizes n_1 < ... < n_K at which ``run`` reports its metrics."""
        return self.config.checkpoints

    @property
    def d(self) -> int:
        return self.teacher.d

    @property
    def V(self) -> np.ndarray:
        """The teacher's directions (d, r), for the metrics (a learner must not train on them)."""
        return self.teacher.V

    def seed(self, purpose: str = "own", *keys: int) -> np.random.SeedSequence:
        """The SeedSequence of one of the trial's random streams (:data:`SEED_KEYS`), extended by ``keys``."""
        if purpose not in SEED_KEYS:
            raise ValueError(f"purpose: unknown stream {purpose!r}; choose one of {', '.join(SEED_KEYS)}")
        if keys and purpose != "own":
            raise ValueError(f"keys: only the learner's own stream ('own') takes further keys, not {purpose!r}")
        return derive_seed(self.config.seed, self.index, SEED_KEYS[purpose], *keys)

    def rng(self, purpose: str = "own", *keys: int) -> np.random.Generator:
        """A fresh generator on :meth:`seed` (the same numbers every call)."""
        return np.random.default_rng(self.seed(purpose, *keys))

    def stream(self, n: int | None = None, *, chunk_size: int = 4 * BLOCK_ROWS,
               augment: bool = False) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Chunks (X, y) of the first ``n`` training samples (default the largest checkpoint), in order.

        ``augment=True`` appends Algorithm 1's independent coordinate as column d. The samples are those every
        built-in method reads with the same seed (prefix-consistent: they do not depend on ``n`` or the chunk size).
        """
        cfg = self.config
        n = cfg.n if n is None else n
        chunks = self.teacher.stream(self.seed("stream"), n, chunk_size, augment=augment, dtype=cfg.dtype)
        for X, y in chunks:  # noqa: UP028 - unpacked: without clean=True the teacher yields pairs (X, y)
            yield X, y

    def samples(self, n: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The first ``n`` training samples in memory: X (n, d), y (n,)."""
        chunks = list(self.stream(n))
        return np.concatenate([c[0] for c in chunks]), np.concatenate([c[1] for c in chunks])

    def pruning_masks(self, strategy: str = "paper") -> np.ndarray:
        """The kept coordinates J_k at every checkpoint, bool (K, d), as ``simulate``'s pruning computes them.

        ``strategy`` is one of :data:`theorylab.numeric.pruning.STRATEGIES` (``"paper"``: Algorithm 1 at the
        configuration's M, width and c, drawing from the ``"prune"`` stream).
        """
        from theorylab.numeric.pruning import make_pruner
        from theorylab.numeric.pruning_baselines import FixedPruner
        from theorylab.numeric.training import segments

        cfg, cps = self.config, self.checkpoints
        pruner = make_pruner(strategy, d=cfg.d, M=cfg.M, m=cfg.width, c=cfg.c, rng=self.rng("prune"), V=self.V,
                             k=cfg.k_star, link=self.teacher.link, dtype=cfg.dtype)
        masks = np.zeros((cps.size, cfg.d), dtype=bool)
        if isinstance(pruner, FixedPruner):
            masks[:] = pruner.result().mask
            return masks
        pos = 0
        for X, y in self.stream(augment=pruner.augment):
            for lo, hi, k0 in segments(pos, pos + len(y), cps):
                pruner.update(X[lo:hi], y[lo:hi])
                if pos + hi == cps[k0]:  # the segment ends at checkpoint k0
                    masks[k0] = pruner.result().mask
            pos += len(y)
        return masks


def weight_metrics(W: Any, V: Any, masks: Any = None) -> dict[str, np.ndarray]:
    """The built-in metrics of first-layer weights ``W`` (..., neurons, d) against ``V`` (d, r).

    Returns ``alignment_{max,median,mean,min,frac}`` and ``coverage`` (shape ``W.shape[:-2]``) and, when the
    kept coordinates ``masks`` (..., d) are given, ``support_recall`` and ``J_size``.

    Examples
    --------
    >>> import numpy as np
    >>> V = np.eye(3)[:, :1]
    >>> m = weight_metrics(np.array([[[1.0, 0, 0], [1.0, 1.0, 0]]]), V, masks=np.array([[True, True, False]]))
    >>> m["alignment_max"].tolist(), m["J_size"].tolist(), m["support_recall"].tolist()
    ([1.0], [2.0], [1.0])
    """
    out = dict(alignment_summary(alignment(W, V)))
    out["coverage"] = subspace_coverage(W, V)
    if masks is not None:
        masks = np.asarray(masks, dtype=bool)
        out["support_recall"] = support_recall(masks, V)
        out["J_size"] = masks.sum(axis=-1).astype(float)
    return out


def check_learner_metrics(metrics: Any, learner: str, n_checkpoints: int,
                          criterion: SuccessCriterion | None = None) -> dict[str, np.ndarray]:
    """Validate what ``run`` returned: a dict of real arrays of shape (K,), no ±inf, the criterion's metric present.

    NaN is allowed (a value not measured, or a diverged run) and counts as a failure. Errors name the learner.

    Examples
    --------
    >>> check_learner_metrics({"coverage": [0.1, 0.2]}, "mine", 3)
    Traceback (most recent call last):
    ...
    ValueError: learner 'mine': metric 'coverage' has shape (2,); run() must return one value per checkpoint, shape (3,)
    """
    if not isinstance(metrics, Mapping):
        raise TypeError(f"learner {learner!r}: run() must return a dict of metric arrays, got {type(metrics).__name__}")
    out: dict[str, np.ndarray] = {}
    for key, value in metrics.items():
        if not isinstance(key, str):
            raise TypeError(f"learner {learner!r}: metric names must be strings, got {key!r}")
        try:
            arr = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            raise TypeError(f"learner {learner!r}: metric {key!r} is not an array of real numbers") from None
        if arr.shape != (n_checkpoints,):
            raise ValueError(f"learner {learner!r}: metric {key!r} has shape {arr.shape}; run() must return one "
                             f"value per checkpoint, shape ({n_checkpoints},)")
        if np.any(np.isinf(arr)):
            raise ValueError(f"learner {learner!r}: metric {key!r} is infinite; report NaN for a value not measured")
        out[key] = arr
    if criterion is not None and criterion.key not in out:
        raise ValueError(f"learner {learner!r}: run() returned no {criterion.key!r}, the metric the success "
                         f"criterion reads (it returned {sorted(out)})")
    return out


def resolve_learner(method: Any) -> Learner:
    """The learner ``method`` is or names (``"package.module:attribute"``); a TypeError/ValueError naming ``method``.

    Examples
    --------
    >>> resolve_learner("theorylab.learners:TEN_STEPS").name
    'pruned + 10 GD steps'
    >>> resolve_learner("math:pi")
    Traceback (most recent call last):
    ...
    TypeError: method: 'math:pi' (float) is not a Learner: it needs a string `name` and a method `run(trial)`
    """
    where = repr(method) if isinstance(method, str) else type(method).__name__
    obj = resolve_importable(method, what="method") if isinstance(method, str) else method
    if isinstance(obj, type):
        raise TypeError(f"method: {where} is a class; give an instance of it (a learner object)")
    if not isinstance(obj, Learner) or not callable(getattr(obj, "run", None)):
        what = f"{where} ({type(obj).__name__})" if isinstance(method, str) else where
        raise TypeError(f"method: {what} is not a Learner: it needs a string `name` and a method `run(trial)`")
    if not isinstance(obj.name, str) or not obj.name.strip():
        raise TypeError(f"method: the learner's name must be a non-empty string, got {obj.name!r}")
    return obj


def learner_name(learner: Any) -> str:
    """What ``simulate`` records as the method: the learner's importable name when it has one, else its ``name``.

    Examples
    --------
    >>> learner_name("theorylab.learners:ONE_STEP")
    'theorylab.learners:ONE_STEP'
    >>> from theorylab.learners import TEN_STEPS
    >>> learner_name(TEN_STEPS)
    'theorylab.learners.multistep:TEN_STEPS'
    """
    if isinstance(learner, str) and is_importable_name(learner):
        return learner
    obj = resolve_learner(learner)
    return importable_name_of(obj) or obj.name


def run_learner(cfg: SimulationConfig, learner: Learner, teachers: list[Teacher]) -> dict[str, np.ndarray]:
    """Run ``learner`` on every trial of ``cfg``; the metrics stacked to (trials, K)."""
    K = cfg.checkpoints.size
    per_trial = [check_learner_metrics(learner.run(Trial(t, teachers[t], cfg)), learner.name, K, cfg.criterion)
                 for t in range(cfg.trials)]
    keys = set(per_trial[0])
    for t, metrics in enumerate(per_trial[1:], start=1):
        if set(metrics) != keys:
            raise ValueError(f"learner {learner.name!r}: trial {t} returned metrics {sorted(metrics)}, trial 0 "
                             f"returned {sorted(keys)}; every trial must return the same metrics")
    return {key: np.stack([m[key] for m in per_trial]) for key in per_trial[0]}
