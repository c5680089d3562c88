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

Checkpoints and passes
----------------------
The metrics are reported at a geometric grid n_1 < ... < n_K = n (ratio 1.4 by default, from ``n_min``,
default min(n, 64)). Pass 1 (pruning strategies that look at data, and μ̂ for Algorithm 2⁺) runs over each
trial's stream and takes the pruning result whenever the sample count reaches a checkpoint (Algorithm 1's
partial sums). Pass 2 computes, for all trials and checkpoints at once, the one-step gradient on J_k, each
checkpoint summing only the samples with index < n_k. Pass 3 (only when the risk is needed) accumulates the
ridge Gram matrices, and a fresh test stream gives the excess risk. Memory does not grow with n.

Seeds
-----
Trial t uses children of ``SeedSequence(seed)`` with spawn keys (t, 0) for V, (t, 1) for the pruning
initialisation, (t, 2) for the training stream, (t, 3) for the re-initialisation of Algorithm 2 and (t, 4) for
the test stream. Hence trial t's numbers do not depend on ``trials`` or ``chunk_size``.

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
import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from theorylab._validation import (
    check_alpha,
    check_choice,
    check_int,
    check_orthonormal,
    check_q,
    check_real,
)
from theorylab.numeric.metrics import (
    SuccessCriterion,
    alignment,
    alignment_summary,
    default_criterion,
    subspace_coverage,
    support_recall,
)
from theorylab.numeric.pruning import default_c, make_pruner
from theorylab.numeric.students import draw_half_init
from theorylab.numeric.teachers import BLOCK_ROWS, Teacher, check_dtype, derive_seed, stream_trials
from theorylab.numeric.training import (
    DEFAULT_RIDGE,
    OneStepAccumulator,
    RidgeAccumulator,
    default_eta1,
    default_M,
    segments,
)

__all__ = ["METHODS", "SimulationResult", "simulate", "checkpoint_grid", "DEFAULT_RATIO"]

_PRUNED_METHODS = {
    "pruned": "paper",
    "dense": "none",
    "oracle": "oracle",
    "hermite": "hermite",
    "magnitude": "magnitude",
    "random": "random",
}
_BASELINE_METHODS = {
    "online_sgd": ("online_sgd", None),
    "gd_reuse": ("gd_reuse", None),
    "online_sgd_pruned": ("online_sgd", "paper"),
    "gd_reuse_pruned": ("gd_reuse", "paper"),
}
#: Every method name :func:`simulate` accepts.
METHODS = tuple(_PRUNED_METHODS) + tuple(_BASELINE_METHODS)

#: Default ratio of consecutive checkpoints.
DEFAULT_RATIO = 1.4

KEY_V, KEY_PRUNE, KEY_STREAM, KEY_INIT, KEY_TEST = 0, 1, 2, 3, 4


def checkpoint_grid(n: int, n_min: int | None = None, ratio: float = DEFAULT_RATIO) -> np.ndarray:
    """Geometric checkpoints n_min = n_1 < ... < n_K = n with n_{k+1}/n_k ≈ ``ratio`` (rounded, deduplicated).

    Examples
    --------
    >>> checkpoint_grid(1000, 100, 2.0).tolist()
    [100, 178, 316, 562, 1000]
    """
    n = check_int(n, "n", minimum=1)
    n_min = min(n, 64) if n_min is None else check_int(n_min, "n_min", minimum=1, maximum=n)
    ratio = check_real(ratio, "ratio", low=1.0, low_open=True)
    if n_min == n:
        return np.array([n], dtype=np.int64)
    K = max(2, int(math.ceil(math.log(n / n_min) / math.log(ratio))) + 1)
    grid = np.unique(np.round(np.geomspace(n_min, n, K)).astype(np.int64))
    grid[-1] = n
    return grid


@dataclass
class SimulationResult:
    """The outcome of :func:`simulate`.

    Attributes
    ----------
    n : int64 array (K,)
        The checkpoints, increasing, last = n.
    success : bool array (trials, K)
    metrics : dict name -> float array (trials, K)
    config : dict
        JSON-serialisable record of every argument that determines the numbers.
    """

    n: np.ndarray
    success: np.ndarray
    metrics: dict[str, np.ndarray]
    config: dict[str, Any] = field(default_factory=dict)

    @property
    def success_rate(self) -> np.ndarray:
        """Fraction of successful trials at each checkpoint."""
        return self.success.mean(axis=0)

    def to_dataframe(self) -> Any:
        """Long-format ``pandas.DataFrame``: one row per (trial, checkpoint), columns trial, n, success, metrics.

        Examples
        --------
        >>> import numpy as np
        >>> r = SimulationResult(np.array([10, 20]), np.array([[False, True]]), {"coverage": np.array([[0.1, 0.9]])})
        >>> r.to_dataframe().shape
        (2, 4)
        """
        import pandas as pd

        T, K = self.success.shape
        data = {
            "trial": np.repeat(np.arange(T), K),
            "n": np.tile(self.n, T),
            "success": self.success.reshape(-1),
        }
        for name, arr in self.metrics.items():
            data[name] = np.asarray(arr, dtype=float).reshape(-1)
        return pd.DataFrame(data)


def _jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.ndarray):
        return _jsonable(x.tolist())
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, (str, int, float, bool)) or x is None:
        return x
    return str(x)


def _k_star(link: Any, k_star: int | None) -> int:
    if k_star is not None:
        return check_int(k_star, "k_star", minimum=1)
    from theorylab.symbolic.exponents import information_exponent

    try:
        return int(information_exponent(link))
    except Exception as exc:  # noqa: BLE001 - report why the default cannot be computed
        raise ValueError(f"k_star: could not compute the information exponent of the link ({exc}); pass k_star") from exc


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
    method: str = "pruned",
    alpha: float = 0.25,
    q: float = 0.0,
    r: int = 1,
    trials: int = 16,
    seed: int = 0,
    width: int = 8,
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
) -> SimulationResult:
    """Run a method on ``trials`` independent teachers and report metrics and success at each checkpoint.

    Parameters
    ----------
    link : str, sympy.Expr, callable or Link
        σ* of arity r (used as given unless ``normalize=True``).
    d, n : int
        Dimension and largest sample size (the last checkpoint).
    method : str, default "pruned"
        One of :data:`METHODS` (see the module docstring).
    alpha, q : float
        Sparsity of the drawn V (``sparse_directions``); ignored when ``V`` is given.
    r : int
        Number of directions.
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
        Rows per chunk (never changes the numbers); default about 2^22 numbers per chunk.
    dtype : "float64" or "float32"
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
        Show tqdm progress bars.

    Returns
    -------
    SimulationResult
    """
    # ---- validation -------------------------------------------------------------------------
    from theorylab.symbolic.links import as_link

    method = check_choice(method, "method", METHODS)
    d = check_int(d, "d", minimum=1)
    n = check_int(n, "n", minimum=1)
    r = check_int(r, "r", minimum=1, maximum=d)
    trials = check_int(trials, "trials", minimum=1)
    width = check_int(width, "width", minimum=1)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    seed = int(seed)
    q = check_q(q)
    alpha = check_alpha(alpha)
    noise_std = check_real(noise_std, "noise_std", low=0.0)
    eta_scale = check_real(eta_scale, "eta_scale", low=0.0, low_open=True)
    dt = check_dtype(dtype)
    n_test = check_int(n_test, "n_test", minimum=1)
    if M is not None:
        M = check_int(M, "M", minimum=1, maximum=d)
    if c is not None:
        c = check_real(c, "c", low=0.0, high=1.0, low_open=True, high_open=True)
    if eta1 is not None:
        eta1 = check_real(eta1, "eta1", low=0.0, low_open=True)
    ridge = DEFAULT_RIDGE if ridge is None else check_real(ridge, "ridge", low=0.0)
    lk = as_link(link)
    if lk.arity != r and lk.func is None:
        raise ValueError(f"link: arity {lk.arity} does not match r = {r}")
    if V is not None:
        V = check_orthonormal(V, "V")
        if V.shape != (d, r):
            raise ValueError(f"V must have shape (d, r) = ({d}, {r}), got {V.shape}")
    if checkpoints is None:
        cps = checkpoint_grid(n, n_min, ratio)
    else:
        cps = np.asarray(checkpoints)
        if cps.ndim != 1 or cps.size == 0 or not np.issubdtype(cps.dtype, np.integer) and not np.all(cps == np.round(cps)):
            raise ValueError("checkpoints must be a non-empty 1-d array of integers")
        cps = cps.astype(np.int64)
        if cps[0] < 1 or np.any(np.diff(cps) <= 0):
            raise ValueError("checkpoints must be strictly increasing and >= 1")
        if cps[-1] != n:
            raise ValueError(f"checkpoints: the last checkpoint must equal n = {n}, got {cps[-1]}")
    criterion = default_criterion(r) if criterion is None else criterion
    if not isinstance(criterion, SuccessCriterion):
        raise TypeError("criterion must be a SuccessCriterion")
    if chunk_size is not None:
        chunk_size = check_int(chunk_size, "chunk_size", minimum=1)
    if baseline_options is not None and not isinstance(baseline_options, dict):
        raise TypeError("baseline_options must be a dict")
    mu_correction = (r >= 2) if mu_correction is None else bool(mu_correction)
    compute_risk = criterion.needs_risk if compute_risk is None else bool(compute_risk)
    if M is None:
        M = default_M(d, alpha, q, r)
    baseline = method in _BASELINE_METHODS
    strategy = _BASELINE_METHODS[method][1] if baseline else _PRUNED_METHODS[method]
    needs_k = (eta1 is None and not baseline) or strategy == "hermite" or baseline
    k = _k_star(lk, k_star) if needs_k else (None if k_star is None else check_int(k_star, "k_star", minimum=1))

    # ---- teachers -----------------------------------------------------------------------------
    teachers = []
    for t in range(trials):
        if V is None:
            from theorylab.symbolic.sparsity import sparse_directions

            Vt = sparse_directions(d, r=r, q=q, alpha=alpha, rng=np.random.default_rng(derive_seed(seed, t, KEY_V)))
        else:
            Vt = V
        teachers.append(Teacher(lk, Vt, noise_std=noise_std, normalize=normalize))
    lk_used = teachers[0].link
    config = {
        "link": lk_used.text, "d": d, "n": n, "method": method, "alpha": alpha, "q": q, "r": r, "trials": trials,
        "seed": seed, "width": width, "M": M, "c": default_c(d) if c is None else c, "eta1": eta1,
        "eta_scale": eta_scale, "ridge": ridge, "noise_std": noise_std, "criterion": criterion.to_dict(),
        "checkpoints": cps.tolist(), "dtype": dt.name, "V": None if V is None else V.tolist(), "k_star": k,
        "mu_correction": mu_correction, "compute_risk": compute_risk, "n_test": n_test, "normalize": normalize,
        "baseline_options": baseline_options or {}, "block_rows": BLOCK_ROWS,
    }
    train_seeds = [derive_seed(seed, t, KEY_STREAM) for t in range(trials)]
    Vs = np.stack([tc.V for tc in teachers])  # (T, d, r)

    if baseline:
        from theorylab.numeric.baselines import run_baseline

        base = _BASELINE_METHODS[method][0]
        metrics = run_baseline(
            base, teachers, n_grid=cps, seeds=train_seeds, d=d, r=r, k_star=k, prune=strategy,
            M=M if strategy else None, progress=progress, **(baseline_options or {}),
        )
        metrics = {name: np.asarray(v, dtype=float) for name, v in metrics.items()}
        success = criterion.evaluate(metrics)
        return SimulationResult(n=cps, success=success, metrics=metrics, config=_jsonable(config))

    m = width
    K = cps.size
    if eta1 is None:
        eta1 = default_eta1(d if strategy == "none" else M, k, r, eta_scale)
    config["eta1"] = eta1
    chunk = _auto_chunk(trials, d) if chunk_size is None else chunk_size
    chunk1 = _auto_chunk(4, d + 1) if chunk_size is None else chunk_size  # ~2^20 numbers: the pruning temporaries are 2-3x X

    bar = None
    if progress:
        from tqdm.auto import tqdm

        passes = 2 + (strategy in ("paper", "hermite", "magnitude") or mu_correction) + compute_risk
        bar = tqdm(total=passes * trials * n, unit="sample", desc=f"simulate {method}")

    # ---- pass 1: pruning and μ̂ at every checkpoint --------------------------------------------
    masks = np.zeros((trials, K, d), dtype=bool)
    mu = np.zeros((trials, K, d)) if mu_correction else None
    data_pass = strategy in ("paper", "hermite", "magnitude") or mu_correction

    def pass1(t: int) -> None:
        pruner = make_pruner(
            strategy, d=d, M=M, m=m, c=c, rng=np.random.default_rng(derive_seed(seed, t, KEY_PRUNE)),
            V=teachers[t].V, k=k, link=lk_used, dtype=dt,
        )
        if not data_pass:
            masks[t, :] = pruner.result().mask
            return
        mu_sum = np.zeros(d)
        pos = 0
        for X, y in stream_trials([teachers[t]], [train_seeds[t]], n, chunk1,
                                  augment=getattr(pruner, "augment", False), dtype=dt):
            X, y = X[0], y[0]
            for lo, hi, _k0 in segments(pos, pos + len(y), cps):
                Xs, ys = X[lo:hi], y[lo:hi]
                pruner.update(Xs, ys)
                if mu is not None:
                    mu_sum += np.asarray(ys, dtype=float) @ np.asarray(Xs[:, :d], dtype=float)
                end = pos + hi
                kk = np.searchsorted(cps, end)
                if kk < K and cps[kk] == end:
                    masks[t, kk] = pruner.result().mask
                    if mu is not None:
                        mu[t, kk] = mu_sum / end
            pos += len(y)
            if bar is not None:
                bar.update(len(y))

    with _single_threaded_blas():
        # trials are independent: run them on one thread per core, each with single-threaded BLAS (NumPy
        # releases the GIL in its kernels); this avoids OpenBLAS's spinning threads competing with the
        # generation threads. The numbers do not depend on it.
        workers = min(trials, os.cpu_count() or 1) if data_pass else 1
        if workers > 1:
            with ThreadPoolExecutor(workers, thread_name_prefix="theorylab-trial") as ex:
                list(ex.map(pass1, range(trials)))
        else:
            for t in range(trials):
                pass1(t)

    # ---- re-initialisation (Algorithm 2, lines 2 and 4) -----------------------------------------
    a_half = np.empty((trials, m))
    b_half = np.empty((trials, m))
    G = np.empty((trials, m, d))
    b1_half = np.empty((trials, m))
    for t in range(trials):
        gen = np.random.default_rng(derive_seed(seed, t, KEY_INIT))
        a_half[t], b_half[t], G[t] = draw_half_init(m, d, gen)
        b1_half[t] = gen.standard_normal(m)

    # ---- pass 2: one step on J_k for every checkpoint --------------------------------------------
    one = OneStepAccumulator(masks, a_half, b_half, G, cps, mu=mu, dtype=dt)
    pos = 0
    with _single_threaded_blas():  # many small batched products: BLAS threads only add overhead
        for X, y in stream_trials(teachers, train_seeds, n, chunk, dtype=dt):
            one.update(X, y, pos)
            pos += X.shape[1]
            if bar is not None:
                bar.update(X.shape[1] * trials)
    W1 = one.first_layer(eta1)  # (T, K, m, d)

    V4 = Vs[:, None, :, :]
    al = alignment(W1, V4)  # (T, K, m)
    metrics = dict(alignment_summary(al))
    metrics["coverage"] = subspace_coverage(W1, V4)
    metrics["support_recall"] = support_recall(masks, V4)
    metrics["J_size"] = masks.sum(axis=-1).astype(float)
    metrics["excess_risk"] = np.full((trials, K), np.nan)

    # ---- pass 3: ridge second layer and test risk ------------------------------------------------
    if compute_risk:
        rid = RidgeAccumulator(W1, b1_half, cps, masks, mu=mu, dtype=dt)
        pos = 0
        with _single_threaded_blas():
            for X, y in stream_trials(teachers, train_seeds, n, chunk, dtype=dt):
                rid.update(X, y, pos)
                pos += X.shape[1]
                if bar is not None:
                    bar.update(X.shape[1] * trials)
            a2 = rid.solve(ridge)
            test_seeds = [derive_seed(seed, t, KEY_TEST) for t in range(trials)]
            sq = np.zeros((trials, K))
            for X, _y, f in stream_trials(teachers, test_seeds, n_test, chunk, clean=True, dtype=dt):
                pred = rid.predict(X, a2)  # (T, K, c)
                sq += np.sum((pred - f[:, None, :]) ** 2, axis=-1)
        metrics["excess_risk"] = sq / n_test
    if bar is not None:
        bar.close()

    metrics = {name: np.asarray(v, dtype=float) for name, v in metrics.items()}
    success = criterion.evaluate(metrics)
    json.dumps(_jsonable(config))  # the config must be JSON-serialisable
    return SimulationResult(n=cps, success=success, metrics=metrics, config=_jsonable(config))


