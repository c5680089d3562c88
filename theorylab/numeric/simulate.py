"""``simulate``: one call from a link to each trial's success-vs-n curve.

Methods
-------
Algorithm 2 (``mu_correction``: Algorithm 2⁺, the default for r >= 2) after a pruning strategy of
:mod:`theorylab.numeric.pruning`:

========== =============================================================
method     pruning
========== =============================================================
pruned     Algorithm 1 (the paper)
dense      none (J = all coordinates)
oracle     the true support (top-M rows of V)
hermite    coordinate screening by |(1/n) Σ y He_k(x_i)|, k = k*
magnitude  top-M coordinates after one dense step
random     M random coordinates
========== =============================================================

Baselines of :mod:`theorylab.numeric.baselines`: ``online_sgd``, ``gd_reuse`` and their pruned variants
``online_sgd_pruned``, ``gd_reuse_pruned`` (Algorithm 1, level M); ``baseline_options`` go to them.

A learner of one's own (:mod:`theorylab.numeric.learner`: an object with ``name`` and ``run(trial)``, or its
importable name ``"package.module:attribute"``) runs on the same teachers and training streams, one trial at a
time; the success criterion reads the metrics it returns.

Checkpoints and passes
----------------------
The metrics are reported at a geometric grid n_1 < ... < n_K = n (ratio 1.4 by default, from ``n_min``,
default min(n, 64)). Pass 1 (pruning strategies that look at data, and μ̂ for Algorithm 2⁺) runs over each
trial's stream and takes the pruning result whenever the sample count reaches a checkpoint (Algorithm 1's
partial sums). Pass 2 computes, for all trials and checkpoints at once, the one-step gradient on J_k, each
checkpoint summing only the samples with index < n_k. Pass 3 (only when the risk is needed) accumulates the
ridge Gram matrices, and a fresh test stream gives the excess risk. Memory does not grow with n.

Engines
-------
``engine="auto"`` (default) simulates the rotation-invariant learners exactly in dimension-free coordinates
where such a reduction exists (``dense`` Algorithm 2 without the μ̂ correction and without the excess risk:
:mod:`theorylab.numeric.reduced_onestep`; ``online_sgd`` with one neuron and a polynomial activation:
:mod:`theorylab.numeric.reduced_sgd`) and in full dimension d elsewhere; ``"full"`` forces the d-dimensional
simulation and ``"reduced"`` the reduction (a ValueError naming the method where it has none,
:func:`theorylab.numeric.config.reduction_obstacle`). ``result.config["engine"]`` records the engine used.
The reduced engines draw different random numbers from the same seeds (the law is the same).
``engine="moment"`` (dense Algorithm 2 only, never picked by ``"auto"``) is an APPROXIMATION:
:mod:`theorylab.numeric.moment_onestep` replaces the sums over samples by their Gaussian limit with the exact
mean, at a cost free of n and d; the config records ``approximation: "gaussian-moment"``.

Seeds
-----
Trial t uses children of ``SeedSequence(seed)`` with spawn keys (t, 0) for V, (t, 1) for the pruning
initialisation, (t, 2) for the training stream, (t, 3) for the re-initialisation of Algorithm 2 and (t, 4) for
the test stream. Hence trial t's data do not depend on ``trials`` or ``chunk_size``; the metrics agree across
chunk sizes up to the rounding of sums taken in another order (about 1e-15 relative), and the success flags
are the same unless a metric sits within that rounding of its threshold.

Examples
--------
>>> res = simulate("He2(z)", d=64, n=2000, trials=2, seed=1, checkpoints=[500, 2000])
>>> res.n.tolist(), res.success.shape
([500, 2000], (2, 2))
>>> sorted(res.metrics)[:3]
['J_size', 'alignment_frac', 'alignment_max']
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from theorylab.numeric.config import (
    BASELINE_METHODS,
    DEFAULT_RATIO,
    DEFAULT_WIDTH,
    ENGINES,
    METHODS,
    SimulationConfig,
    checkpoint_grid,
    simulation_config,
)
from theorylab.numeric.learner import SEED_KEYS, Learner, run_learner, weight_metrics
from theorylab.numeric.metrics import SuccessCriterion
from theorylab.numeric.pruning import make_pruner
from theorylab.numeric.result import SimulationResult, to_jsonable
from theorylab.numeric.students import draw_half_init
from theorylab.numeric.teachers import BLOCK_ROWS, Teacher, derive_seed, stream_trials
from theorylab.numeric.training import (
    OneStepAccumulator,
    RidgeAccumulator,
    default_eta1,
    segments,
)

__all__ = ["METHODS", "ENGINES", "SimulationResult", "simulate", "run_simulation", "checkpoint_grid", "DEFAULT_RATIO"]

KEY_V, KEY_PRUNE, KEY_STREAM, KEY_INIT, KEY_TEST = (SEED_KEYS[k] for k in ("V", "prune", "stream", "init", "test"))


def _single_threaded_blas() -> Any:
    """Limit BLAS to one thread (threadpoolctl, if installed); otherwise do nothing."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - optional
        return contextlib.nullcontext()
    return threadpool_limits(1, user_api="blas")


def _auto_chunk(trials: int, d: int) -> int:
    """Rows per chunk so that one chunk of all trials holds about 2^22 numbers (a multiple of BLOCK_ROWS)."""
    rows = (1 << 22) // max(1, trials * d)
    return int(max(1, rows // BLOCK_ROWS) * BLOCK_ROWS)


def simulate(
    link: Any,
    *,
    d: int,
    n: int,
    method: str | Learner = "pruned",
    alpha: float = 0.25,
    q: float = 0.0,
    r: int | None = None,
    trials: int = 16,
    seed: int = 0,
    width: int = DEFAULT_WIDTH,
    M: int | None = None,
    c: float | None = None,
    eta1: float | None = None,
    eta_scale: float = 1.0,
    ridge: float | None = None,
    noise_std: float = 0.0,
    criterion: SuccessCriterion | None = None,
    checkpoints: Any = None,
    n_min: int | None = None,
    ratio: float = DEFAULT_RATIO,
    chunk_size: int | None = None,
    dtype: str = "float64",
    V: Any = None,
    k_star: int | None = None,
    mu_correction: bool | None = None,
    compute_risk: bool | None = None,
    n_test: int = 4096,
    normalize: bool = False,
    baseline_options: dict[str, Any] | None = None,
    progress: bool = False,
    engine: str = "auto",
    params: Mapping[str, Any] | None = None,
) -> SimulationResult:
    """Run a method on ``trials`` independent teachers and report metrics and success at each checkpoint.

    Parameters
    ----------
    link : str, sympy.Expr, callable or Link
        σ* of arity r (used as given unless ``normalize=True``).
    d, n : int
        Dimension and largest sample size (the last checkpoint).
    method : str or Learner, default "pruned"
        One of :data:`METHODS` (see the module docstring), or a learner of one's own: an object following
        :class:`theorylab.numeric.learner.Learner`, or its importable name ``"package.module:attribute"``
        (``result.config["method"]`` records that name).
    alpha, q : float
        Sparsity of the drawn V (``sparse_directions``); ignored when ``V`` is given.
    r : int, optional
        Number of directions; default the link's arity (``"He2(z1) + He2(z2)"``: 2). A value that contradicts
        the link is a ValueError naming r.
    trials : int
        Independent trials (each with its own V, data and initialisation).
    seed : int
    width : int, default 8
        m, the number of distinct neurons (the network has 2m).
    M : int, optional
        Pruning level; default :func:`theorylab.numeric.training.default_M` (s + 2).
    c : float, optional
        Algorithm 1's shrinkage constant; default 1/log d.
    eta1 : float, optional
        First-layer step; default ``eta_scale`` · M^{(k*-1)/2} (r = 1) or ``eta_scale`` · M (r >= 2), with M = d for
        ``"dense"``.
    eta_scale : float, default 1
    ridge : float, optional
        Second-layer ridge penalty; default 1e-3.
    noise_std : float
        Gaussian label noise.
    criterion : SuccessCriterion, optional
        Default :func:`theorylab.numeric.metrics.default_criterion` (median alignment >= 0.5; coverage for r >= 2).
    checkpoints : int array, optional
        Explicit increasing checkpoints (the last must be n); default :func:`checkpoint_grid`.
    n_min, ratio :
        For the default grid.
    chunk_size : int, optional
        Rows per chunk (the data are the same; sums are taken in another order, so metrics can differ by
        rounding, about 1e-15 relative); default about 2^22 numbers per chunk.
    dtype : "float64" or "float32"
        The full engine's arithmetic (the reduced engines compute in float64).
    V : array (d, r), optional
        A fixed V for all trials (otherwise drawn per trial).
    k_star : int, optional
        Information exponent (default computed from the link).
    mu_correction : bool, optional
        Algorithm 2⁺ (default: r >= 2).
    compute_risk : bool, optional
        Compute the excess risk (default: when the criterion needs it).
    n_test : int, default 4096
        Fresh test samples per trial for the excess risk.
    normalize : bool
        Normalise the link to mean 0, variance 1.
    baseline_options : dict, optional
        Extra keyword arguments for the baselines.
    progress : bool
        Show a tqdm progress bar (it reaches 100% when the simulation ends).
    engine : {"auto", "full", "reduced", "moment"}, default "auto"
        See the module docstring: "reduced" is exact in distribution and costs nothing per dimension; "moment"
        (dense only) is a Gaussian APPROXIMATION whose cost grows with neither n nor d (first checkpoint >= 1024).
    params : mapping, optional
        Values of the link's parameters, e.g. ``{"a": 1, "b": 0.5}`` for ``"a*He2(z) + b*He4(z)"``
        (:func:`theorylab.symbolic.links.parse_link`).

    Returns
    -------
    SimulationResult

    Examples
    --------
    >>> res = simulate("He2(z)", d=10**5, n=4000, method="online_sgd", trials=2, checkpoints=[4000])
    >>> res.config["engine"], res.success.shape
    ('reduced', (2, 1))
    """
    cfg = simulation_config(
        link, d=d, n=n, method=method, alpha=alpha, q=q, r=r, trials=trials, seed=seed, width=width, M=M, c=c,
        eta1=eta1, eta_scale=eta_scale, ridge=ridge, noise_std=noise_std, criterion=criterion,
        checkpoints=checkpoints, n_min=n_min, ratio=ratio, chunk_size=chunk_size, dtype=dtype, V=V, k_star=k_star,
        mu_correction=mu_correction, compute_risk=compute_risk, n_test=n_test, normalize=normalize,
        baseline_options=baseline_options, progress=progress, engine=engine, params=params,
    )
    return run_simulation(cfg)


def run_simulation(cfg: SimulationConfig) -> SimulationResult:
    """Run a validated configuration (:func:`theorylab.numeric.config.simulation_config`) with its engine."""
    if cfg.engine in ("reduced", "moment"):
        metrics, eta1, link_text = _run_reduced(cfg)
    else:
        teachers = _teachers(cfg)
        link_text = teachers[0].link.text
        if cfg.learner is not None:
            metrics, eta1 = run_learner(cfg, cfg.learner, teachers), cfg.eta1
        elif cfg.baseline is not None:
            metrics, eta1 = _run_baseline(cfg, teachers), cfg.eta1
        else:
            metrics, eta1 = _run_algorithm2(cfg, teachers)
    metrics = {name: np.asarray(v, dtype=float) for name, v in metrics.items()}
    config = to_jsonable(cfg.record(link_text, eta1))
    json.dumps(config)  # the config must be JSON-serialisable
    return SimulationResult(n=cfg.checkpoints, success=cfg.criterion.evaluate(metrics), metrics=metrics, config=config)


def _teachers(cfg: SimulationConfig) -> list[Teacher]:
    """One teacher per trial: V drawn from the trial's seed (key 0) unless a V is given."""
    from theorylab.symbolic.sparsity import sparse_directions

    out = []
    for t in range(cfg.trials):
        if cfg.V is None:
            gen = np.random.default_rng(derive_seed(cfg.seed, t, KEY_V))
            Vt = sparse_directions(cfg.d, r=cfg.r, q=cfg.q, alpha=cfg.alpha, rng=gen)
        else:
            Vt = cfg.V
        out.append(Teacher(cfg.link, Vt, noise_std=cfg.noise_std, normalize=cfg.normalize))
    return out


def _train_seeds(cfg: SimulationConfig) -> list[np.random.SeedSequence]:
    return [derive_seed(cfg.seed, t, KEY_STREAM) for t in range(cfg.trials)]


def _default_eta1(cfg: SimulationConfig) -> float:
    if cfg.eta1 is not None:
        return cfg.eta1
    assert cfg.k_star is not None  # set by the validation whenever eta1 is None
    return default_eta1(cfg.d if cfg.strategy == "none" else cfg.M, cfg.k_star, cfg.r, cfg.eta_scale)


def _run_reduced(cfg: SimulationConfig) -> tuple[dict[str, np.ndarray], float | None, str]:
    """The dimension-free engines (exact in distribution; see :mod:`theorylab.numeric.config`)."""
    link_text = Teacher(cfg.link, np.eye(cfg.r), normalize=cfg.normalize).link.text
    seeds = _train_seeds(cfg)
    if cfg.method == "online_sgd":
        from theorylab.numeric.reduced_sgd import reduced_online_sgd

        assert cfg.k_star is not None
        metrics = reduced_online_sgd(
            cfg.link, d=cfg.d, checkpoints=cfg.checkpoints, seeds=seeds, k_star=cfg.k_star,
            noise_std=cfg.noise_std, normalize=cfg.normalize, progress=cfg.progress, **cfg.baseline_options,
        )
        return metrics, cfg.eta1, link_text
    from theorylab.numeric.moment_onestep import moment_dense_one_step
    from theorylab.numeric.reduced_onestep import reduced_dense_one_step

    eta1 = _default_eta1(cfg)
    if cfg.engine == "moment":  # an approximation (the config records it)
        metrics = moment_dense_one_step(
            cfg.link, d=cfg.d, checkpoints=cfg.checkpoints, seeds=seeds,
            init_seeds=[derive_seed(cfg.seed, t, KEY_INIT) for t in range(cfg.trials)], width=cfg.width, eta1=eta1,
            noise_std=cfg.noise_std, normalize=cfg.normalize,
        )
        return metrics, eta1, link_text
    metrics = reduced_dense_one_step(
        cfg.link, d=cfg.d, checkpoints=cfg.checkpoints, seeds=seeds,
        init_seeds=[derive_seed(cfg.seed, t, KEY_INIT) for t in range(cfg.trials)], width=cfg.width, eta1=eta1,
        noise_std=cfg.noise_std, normalize=cfg.normalize, progress=cfg.progress,
    )
    return metrics, eta1, link_text


def _run_baseline(cfg: SimulationConfig, teachers: list[Teacher]) -> dict[str, np.ndarray]:
    from theorylab.numeric.baselines import run_baseline

    base, strategy = BASELINE_METHODS[cfg.method]
    return run_baseline(
        base, teachers, n_grid=cfg.checkpoints, seeds=_train_seeds(cfg), d=cfg.d, r=cfg.r, k_star=cfg.k_star,
        prune=strategy, M=cfg.M if strategy else None, progress=cfg.progress, **cfg.baseline_options,
    )


def _data_pass(cfg: SimulationConfig) -> bool:
    """Whether pass 1 reads the data (pruning that looks at it, or μ̂ for Algorithm 2⁺)."""
    return cfg.strategy in ("paper", "hermite", "magnitude") or cfg.mu_correction


def _progress_bar(cfg: SimulationConfig) -> Any:
    """A bar over every sample the passes read: pass 1 (if it reads data), pass 2, pass 3 and the test stream."""
    if not cfg.progress:
        return None
    from tqdm.auto import tqdm

    passes = int(_data_pass(cfg)) + 1 + int(cfg.compute_risk)
    total = cfg.trials * (passes * cfg.n + int(cfg.compute_risk) * cfg.n_test)
    return tqdm(total=total, unit="sample", desc=f"simulate {cfg.method}")


def _run_algorithm2(cfg: SimulationConfig, teachers: list[Teacher]) -> tuple[dict[str, np.ndarray], float]:
    """Pruning (pass 1), the one step (pass 2) and, when asked, the ridge second layer and its risk (pass 3)."""
    eta1 = _default_eta1(cfg)
    bar = _progress_bar(cfg)
    masks, mu = _pass_pruning(cfg, teachers, bar)
    init = _reinitialisation(cfg)
    W1 = _pass_one_step(cfg, teachers, masks, mu, init, eta1, bar)
    V4 = np.stack([tc.V for tc in teachers])[:, None, :, :]
    metrics = weight_metrics(W1, V4, masks)
    metrics["excess_risk"] = np.full((cfg.trials, cfg.checkpoints.size), np.nan)
    if cfg.compute_risk:
        metrics["excess_risk"] = _pass_risk(cfg, teachers, W1, init[3], masks, mu, bar)
    if bar is not None:
        bar.close()
    return metrics, eta1


def _pass_pruning(cfg: SimulationConfig, teachers: list[Teacher], bar: Any) -> tuple[np.ndarray, np.ndarray | None]:
    """Pass 1: the pruning masks J_k (trials, K, d) and μ̂ (trials, K, d) for Algorithm 2⁺ at every checkpoint."""
    K, d = cfg.checkpoints.size, cfg.d
    masks = np.zeros((cfg.trials, K, d), dtype=bool)
    mu = np.zeros((cfg.trials, K, d)) if cfg.mu_correction else None

    def one(t: int) -> None:
        _prune_trial(cfg, t, teachers, masks[t], None if mu is None else mu[t], bar)

    with _single_threaded_blas():
        # trials are independent: one thread per core, each with single-threaded BLAS (NumPy releases the GIL in
        # its kernels); this avoids OpenBLAS's spinning threads competing with the generation threads.
        workers = min(cfg.trials, os.cpu_count() or 1) if _data_pass(cfg) else 1
        with ThreadPoolExecutor(workers, thread_name_prefix="theorylab-trial") as ex:
            list(ex.map(one, range(cfg.trials)))
    return masks, mu


def _prune_trial(
    cfg: SimulationConfig, t: int, teachers: list[Teacher], masks: np.ndarray, mu: np.ndarray | None, bar: Any
) -> None:
    """Trial t of pass 1: fills ``masks`` (K, d) and ``mu`` (K, d), taking the pruner's result at each checkpoint."""
    cps, d = cfg.checkpoints, cfg.d
    assert cfg.strategy is not None  # Algorithm 2 always has a pruning strategy ("none" for dense)
    pruner = make_pruner(
        cfg.strategy, d=d, M=cfg.M, m=cfg.width, c=cfg.c,
        rng=np.random.default_rng(derive_seed(cfg.seed, t, KEY_PRUNE)), V=teachers[t].V, k=cfg.k_star,
        link=teachers[0].link, dtype=cfg.dtype,
    )
    if not _data_pass(cfg):
        masks[:] = pruner.result().mask
        return
    chunk = _auto_chunk(4, d + 1) if cfg.chunk_size is None else cfg.chunk_size  # pruning temporaries are 2-3x X
    mu_sum = np.zeros(d)
    pos = 0
    for X, y in stream_trials([teachers[t]], [_train_seeds(cfg)[t]], cfg.n, chunk,
                              augment=getattr(pruner, "augment", False), dtype=cfg.dtype):
        X, y = X[0], y[0]
        for lo, hi, k0 in segments(pos, pos + len(y), cps):
            pruner.update(X[lo:hi], y[lo:hi])
            if mu is not None:
                mu_sum += np.asarray(y[lo:hi], dtype=float) @ np.asarray(X[lo:hi, :d], dtype=float)
            if pos + hi == cps[k0]:  # the segment ends at checkpoint k0
                masks[k0] = pruner.result().mask
                if mu is not None:
                    mu[k0] = mu_sum / cps[k0]
        pos += len(y)
        if bar is not None:
            bar.update(len(y))


def _reinitialisation(cfg: SimulationConfig) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Algorithm 2, lines 2 and 4: (a, b, G, b⁽¹⁾) of the m distinct neurons of every trial."""
    m, T = cfg.width, cfg.trials
    a_half, b_half = np.empty((T, m)), np.empty((T, m))
    G = np.empty((T, m, cfg.d))
    b1_half = np.empty((T, m))
    for t in range(T):
        gen = np.random.default_rng(derive_seed(cfg.seed, t, KEY_INIT))
        a_half[t], b_half[t], G[t] = draw_half_init(m, cfg.d, gen)
        b1_half[t] = gen.standard_normal(m)
    return a_half, b_half, G, b1_half


def _pass_one_step(
    cfg: SimulationConfig, teachers: list[Teacher], masks: np.ndarray, mu: np.ndarray | None,
    init: tuple[np.ndarray, ...], eta1: float, bar: Any,
) -> np.ndarray:
    """Pass 2: the one step on J_k for every trial and checkpoint, W⁽¹⁾ of shape (trials, K, m, d)."""
    a_half, b_half, G, _ = init
    one = OneStepAccumulator(masks, a_half, b_half, G, cfg.checkpoints, mu=mu, dtype=cfg.dtype)
    chunk = _auto_chunk(cfg.trials, cfg.d) if cfg.chunk_size is None else cfg.chunk_size
    pos = 0
    with _single_threaded_blas():  # many small batched products: BLAS threads only add overhead
        for X, y in stream_trials(teachers, _train_seeds(cfg), cfg.n, chunk, dtype=cfg.dtype):
            one.update(X, y, pos)
            pos += X.shape[1]
            if bar is not None:
                bar.update(X.shape[1] * cfg.trials)
    return one.first_layer(eta1)


def _pass_risk(
    cfg: SimulationConfig, teachers: list[Teacher], W1: np.ndarray, b1_half: np.ndarray, masks: np.ndarray,
    mu: np.ndarray | None, bar: Any,
) -> np.ndarray:
    """Pass 3: the ridge second layer on the training stream, then the excess risk on a fresh test stream."""
    T, K = cfg.trials, cfg.checkpoints.size
    rid = RidgeAccumulator(W1, b1_half, cfg.checkpoints, masks, mu=mu, dtype=cfg.dtype)
    chunk = _auto_chunk(T, cfg.d) if cfg.chunk_size is None else cfg.chunk_size
    pos = 0
    with _single_threaded_blas():
        for X, y in stream_trials(teachers, _train_seeds(cfg), cfg.n, chunk, dtype=cfg.dtype):
            rid.update(X, y, pos)
            pos += X.shape[1]
            if bar is not None:
                bar.update(X.shape[1] * T)
        a2 = rid.solve(cfg.ridge)
        test_seeds = [derive_seed(cfg.seed, t, KEY_TEST) for t in range(T)]
        sq = np.zeros((T, K))
        for X, _y, f in stream_trials(teachers, test_seeds, cfg.n_test, chunk, clean=True, dtype=cfg.dtype):
            pred = rid.predict(X, a2)  # (T, K, c)
            sq += np.sum((pred - f[:, None, :]) ** 2, axis=-1)
            if bar is not None:
                bar.update(X.shape[1] * T)
    return sq / cfg.n_test
