"""Online SGD on the sphere (Ben Arous, Gheissari and Jagannath 2021, eq. (1.2)): a baseline of Algorithm 2.

One fresh sample per step, X̃_t = X_{t-1} - (δ/d) ∇L(X_{t-1}; Y_t), X_t = X̃_t/‖X̃_t‖, with ∇ the spherical
gradient and, by default, the correlation loss L(w; x, y) = -y σ(⟨w, x⟩) with σ = σ* (on the sphere it has the
same population loss as the square loss, which is also available). One pass over the stream; the metrics are
recorded when the sample count reaches each checkpoint of ``n_grid``. Initialisation: uniform on the sphere
(overlap ≈ 1/√d, no conditioning on the upper half-sphere, no warm start).

Step size. Theorem 1.3 asks for α^{-1} ≪ δ ≪ α^{-1/2} with α = n/d, and recovery for α ≫ 1 (k* = 1),
α ≫ log² d (k* = 2), α ≫ d^{k*-2} log² d (k* >= 3). A single pass reports every checkpoint, so δ cannot
depend on n; :func:`default_delta` takes δ at the upper end of the window at the threshold,
δ = d^{-max(k*-2, 0)/2} / log d (k* = 2: a per-sample step δ/d = 1/(d log d)). Override it with ``delta``.
With pruning the sphere is that of R^J, so d is replaced by d_J = |J| (the largest over the trials) in δ and
in the per-sample step δ/d_J.
Theorem 1.4 (failure below the threshold) holds for every δ = O(1) when k* <= 2.

Pruning. A checkpoint n_k counts all samples used, pruning included. By default (``n_prune="half"``) J is
computed from the first ⌊n_k/2⌋ samples and SGD runs on the next ⌈n_k/2⌉ (a separate run per checkpoint, so
each checkpoint is a complete procedure with budget n_k). With an integer ``n_prune``, J comes from the first
``n_prune`` samples and one SGD pass starts at sample ``n_prune``; checkpoints n <= n_prune then report the
initial vector (uniform on the sphere of J).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from theorylab._validation import check_choice, check_grid, check_int, check_real
from theorylab.numeric.activations import Activation, label_transform_fn, resolve_activation
from theorylab.numeric.spherical import (
    LOSSES,
    PRUNE_STRATEGIES,
    check_seeds,
    check_teachers,
    init_directions,
    learner_metrics,
    make_pruners,
    prune_at,
)
from theorylab.numeric.students import sphere_on_support
from theorylab.numeric.teachers import Teacher, check_dtype, stream_trials

__all__ = ["default_delta", "online_sgd"]


def default_delta(d: int, k_star: int) -> float:
    """Ben Arous et al.'s step-size parameter δ (the per-sample step is δ/d) used by :func:`online_sgd`.

    δ = d^{-max(k*-2, 0)/2} / log d: the upper end α^{-1/2} of Theorem 1.3's window α^{-1} ≪ δ ≪ α^{-1/2} at the
    recovery threshold α = n/d ≍ d^{max(k*-2, 0)} log² d.

    Examples
    --------
    >>> round(default_delta(100, 2), 4)
    0.2171
    >>> round(default_delta(100, 3) * 10 * math.log(100), 6)
    1.0
    >>> default_delta(100, 0)
    Traceback (most recent call last):
    ...
    ValueError: k_star must be >= 1, got 0
    """
    d = check_int(d, "d", minimum=2)
    k_star = check_int(k_star, "k_star", minimum=1)
    return float(d ** (-max(k_star - 2, 0) / 2) / math.log(d))


@dataclass(frozen=True)
class _OnlineRun:
    """The validated arguments of :func:`online_sgd`."""

    teachers: list[Teacher]
    seeds: list[np.random.SeedSequence]
    grid: np.ndarray
    k_star: int
    delta: float | None
    act: Activation
    loss: str
    T_fn: Callable[[np.ndarray], np.ndarray]
    neurons: int
    chunk_size: int
    dt: np.dtype
    prune: str | None
    M: int | None
    n_prune: int | None  # None with pruning: the "half" rule
    prune_options: dict[str, Any] | None

    @property
    def d(self) -> int:
        return self.teachers[0].d

    def step(self, mask: np.ndarray | None) -> Any:
        """The per-sample step δ/d_J: the learner lives on the sphere of R^J (Ben Arous et al.'s N is d_J)."""
        d_J = self.d if mask is None else max(2, int(mask.sum(axis=-1).max()))
        return self.dt.type((default_delta(d_J, self.k_star) if self.delta is None else self.delta) / d_J)


def _check_prune_schedule(prune: Any, n_prune: Any, grid: np.ndarray) -> tuple[str | None, int | None]:
    if prune is None:
        if n_prune is not None:
            raise ValueError("n_prune is only used with prune")
        return None, None
    prune = check_choice(prune, "prune", PRUNE_STRATEGIES)
    if n_prune is None or (isinstance(n_prune, str) and n_prune == "half"):
        if grid[0] < 2:
            raise ValueError("n_grid: with n_prune='half' every checkpoint must be >= 2")
        return prune, None
    n_prune = check_int(n_prune, "n_prune", minimum=1)
    if n_prune >= grid[-1]:
        raise ValueError(f"n_prune must be < the last checkpoint {int(grid[-1])}, got {n_prune}")
    return prune, n_prune


def _check_online(teachers: Any, seeds: Sequence[Any], **kw: Any) -> _OnlineRun:
    """Validate the arguments of :func:`online_sgd` (keywords as there) into an :class:`_OnlineRun`."""
    seeds_ = check_seeds(seeds)
    teachers_ = check_teachers(teachers, len(seeds_))
    grid = check_grid(kw["n_grid"], "n_grid", integer=True)
    delta = kw["delta"]
    if delta is not None:
        delta = check_real(delta, "delta", low=0.0, low_open=True)
    k_star = check_int(2 if kw["k_star"] is None else kw["k_star"], "k_star", minimum=1)
    loss = check_choice(kw["loss"], "loss", LOSSES)
    T_fn, _ = label_transform_fn(kw["label_transform"])
    neurons = check_int(kw["neurons"], "neurons", minimum=1)
    chunk_size = check_int(kw["chunk_size"], "chunk_size", minimum=1)
    dt = check_dtype(kw["dtype"])
    prune, n_prune = _check_prune_schedule(kw["prune"], kw["n_prune"], grid)
    act = resolve_activation(kw["activation"], teachers_[0], kw["label_transform"])
    return _OnlineRun(
        teachers_, seeds_, grid, k_star, delta, act, loss, T_fn, neurons, chunk_size, dt, prune, kw["M"], n_prune,
        kw["prune_options"],
    )


def online_sgd(
    teachers: Any,
    seeds: Sequence[Any],
    *,
    n_grid: Any,
    k_star: int | None = None,
    delta: float | None = None,
    activation: Any = "link",
    loss: str = "correlation",
    label_transform: Any = "identity",
    neurons: int = 1,
    prune: str | None = None,
    M: int | None = None,
    n_prune: int | str | None = None,
    prune_options: dict[str, Any] | None = None,
    chunk_size: int = 2048,
    dtype: Any = "float64",
    return_weights: bool = False,
    progress: bool = False,
) -> dict[str, np.ndarray]:
    """Spherical online SGD (benarous21 eq. (1.2)), one fresh sample per step, all trials together.

    Parameters
    ----------
    teachers : Teacher or sequence of Teacher
        One per trial (all with the same link, d and r), or one shared by all trials.
    seeds : sequence of int or SeedSequence
        One per trial: trial t's samples are those of ``stream_trials([teachers[t]], [seeds[t]], ...)``.
    n_grid : array of int
        Strictly increasing checkpoints (numbers of samples used, pruning included).
    k_star : int, optional
        Information exponent, used only for the default ``delta`` (:func:`default_delta`); default 2.
    delta : float, optional
        Step-size parameter δ > 0; the per-sample step is δ/d (δ/|J| with pruning).
    activation : "link" or a single-variable link (str, SymPy, callable)
        σ of the student; "link" uses the teacher's σ* (needs r = 1).
    loss : {"correlation", "square"}
    label_transform : {"identity", "sign", "abs", "square"} or callable
        T applied to every label before it is used.
    neurons : int
        Independent unit vectors trained side by side on the same samples.
    prune, M, prune_options
        Pruning strategy of :mod:`theorylab.numeric.pruning` (or None), its level M, and the extra keyword
        arguments ``m``, ``c``, ``k`` of :func:`~theorylab.numeric.pruning.make_pruner`.
    n_prune : "half" or int, optional
        Only with ``prune``. "half" (default): for each checkpoint n_k, J is computed from the first ⌊n_k/2⌋
        samples and SGD runs on samples ⌊n_k/2⌋, ..., n_k - 1 (a separate run per checkpoint, about
        1.75·n_max steps in all on a ratio-1.4 grid). An int: one J from the first ``n_prune`` samples, then
        one SGD pass from sample ``n_prune`` on; checkpoints <= n_prune report the initial vector.
    chunk_size : int
        Samples generated at a time (never changes the numbers).
    dtype : "float64" or "float32"
    return_weights : bool
        Also return ``"W"``, the weights at every checkpoint, shape (trials, checkpoints, neurons, d).
    progress : bool
        Show a tqdm bar over the samples.

    Returns
    -------
    dict
        Metric name (:data:`~theorylab.numeric.metrics.METRICS`) -> array (trials, checkpoints).

    Examples
    --------
    >>> import numpy as np
    >>> from theorylab.numeric.teachers import Teacher
    >>> T = Teacher("He2(z)/sqrt(2)", np.eye(8)[:, :1])
    >>> out = online_sgd(T, [3], n_grid=[10, 20], delta=0.1)
    >>> out["alignment_max"].shape
    (1, 2)
    """
    cfg = _check_online(
        teachers, seeds, n_grid=n_grid, k_star=k_star, delta=delta, activation=activation, loss=loss,
        label_transform=label_transform, neurons=neurons, prune=prune, M=M, n_prune=n_prune,
        prune_options=prune_options, chunk_size=chunk_size, dtype=dtype,
    )
    G0 = init_directions(cfg.seeds, cfg.neurons, cfg.d, cfg.dt)
    bar = _progress_bar(cfg) if progress else None
    if cfg.prune is None:
        W = sphere_on_support(G0, None).astype(cfg.dt, copy=False)
        snaps, masks = _sgd_pass(W, cfg, 0, cfg.grid, mask=None, bar=bar), None
    elif cfg.n_prune is not None:
        snaps, masks = _online_pruned_once(cfg, G0, bar)
    else:
        snaps, masks = _online_pruned_half(cfg, G0, bar)
    if bar is not None:
        bar.close()
    out = learner_metrics(snaps, cfg.teachers, masks, cfg.act)
    if return_weights:
        out["W"] = snaps
    return out


def _progress_bar(cfg: _OnlineRun) -> Any:
    from tqdm.auto import tqdm

    grid = cfg.grid
    if cfg.prune is not None and cfg.n_prune is None:  # one run per checkpoint on its second half
        total = int(np.sum(grid - grid // 2))
    else:
        total = int(grid[-1]) - (cfg.n_prune or 0)
    return tqdm(total=total, desc="online SGD", unit="sample")


def _online_pruned_once(cfg: _OnlineRun, G0: np.ndarray, bar: Any) -> tuple[np.ndarray, np.ndarray]:
    """J from the first ``n_prune`` samples, then one SGD pass from sample ``n_prune`` on."""
    assert cfg.prune is not None and cfg.n_prune is not None
    pruners = make_pruners(cfg.prune, cfg.teachers, cfg.seeds, cfg.M, cfg.k_star, cfg.prune_options, cfg.dt)
    mask = prune_at(pruners, cfg.teachers, cfg.seeds, np.array([cfg.n_prune]), cfg.chunk_size, cfg.dt)[:, 0]
    W = sphere_on_support(G0, mask[:, None, :]).astype(cfg.dt, copy=False)
    snaps = _sgd_pass(W, cfg, cfg.n_prune, cfg.grid, mask=mask, bar=bar)
    return snaps, np.broadcast_to(mask[:, None, :], (len(cfg.seeds), cfg.grid.size, cfg.d))


def _online_pruned_half(cfg: _OnlineRun, G0: np.ndarray, bar: Any) -> tuple[np.ndarray, np.ndarray]:
    """For each checkpoint n_k: J from the first ⌊n_k/2⌋ samples, SGD on samples ⌊n_k/2⌋ .. n_k - 1."""
    assert cfg.prune is not None
    pruners = make_pruners(cfg.prune, cfg.teachers, cfg.seeds, cfg.M, cfg.k_star, cfg.prune_options, cfg.dt)
    masks = prune_at(pruners, cfg.teachers, cfg.seeds, cfg.grid // 2, cfg.chunk_size, cfg.dt)
    snaps = np.empty((len(cfg.seeds), cfg.grid.size, cfg.neurons, cfg.d), dtype=cfg.dt)
    for k, nk in enumerate(cfg.grid.tolist()):
        mask = masks[:, k]
        W = sphere_on_support(G0, mask[:, None, :]).astype(cfg.dt, copy=False)
        snaps[:, k] = _sgd_pass(W, cfg, nk // 2, cfg.grid[k : k + 1], mask=mask, bar=bar)[:, 0]
    return snaps, masks


def _sgd_pass(
    W: np.ndarray, cfg: _OnlineRun, start: int, grid: np.ndarray, *, mask: np.ndarray | None, bar: Any
) -> np.ndarray:
    """One SGD pass over samples start .. grid[-1]-1 from W (modified in place); snapshots at the checkpoints
    (checkpoints <= start get W itself). Returns (trials, len(grid), neurons, d)."""
    snaps = np.empty((W.shape[0], grid.size, *W.shape[1:]), dtype=W.dtype)
    k = 0
    while k < grid.size and grid[k] <= start:
        snaps[:, k] = W
        k += 1
    pos = start
    if k == grid.size:
        return snaps
    dt, eta = cfg.dt, cfg.step(mask)
    for X, y in stream_trials(cfg.teachers, cfg.seeds, int(grid[-1]), cfg.chunk_size, start=start, dtype=dt):
        if mask is not None:
            X = X * mask[:, None, :]
        Ty = np.asarray(cfg.T_fn(y), dtype=dt) * dt.type(cfg.act.sign)
        B = X.shape[1]
        i = 0
        while i < B:
            stop = min(B, i + int(grid[k]) - pos)
            _sgd_steps(W, X[:, i:stop], Ty[:, i:stop], cfg.act, cfg.loss, eta, pos)
            pos += stop - i
            i = stop
            while k < grid.size and grid[k] == pos:
                snaps[:, k] = W
                k += 1
        if bar is not None:
            bar.update(B)
    return snaps


_RENORM_EVERY = 256


def _sgd_steps(
    W: np.ndarray, X: np.ndarray, Ty: np.ndarray, act: Activation, loss: str, eta: Any, pos: int
) -> None:
    """In place: one spherical SGD step per sample of X (trials, b, d) on W (trials, neurons, d), ‖w‖ = 1.

    With p = ⟨w, x⟩ and g = step × (minus the loss derivative in p), the step is w + g (x - p w) (the spherical
    gradient is the Euclidean one minus its radial part), whose norm is √(1 + g² (‖x‖² - p²)); so
    w ← ((1 - g p) w + g x) / √(1 + g² (‖x‖² - p²)), two passes over w per sample. The rounding drift of ‖w‖
    is removed after every sample whose index (``pos`` + j, 0-based) is a multiple of 256 minus one, a rule
    that does not depend on the chunking.
    """
    sigma, dsigma = act.sigma, act.dsigma
    square = loss == "square"
    xx = np.einsum("tbd,tbd->tb", X, X)
    for j in range(X.shape[1]):
        x = X[:, j, :]  # (T, d)
        p = np.matmul(W, x[:, :, None])[..., 0]  # (T, m)
        r = Ty[:, j, None] - sigma(p) if square else Ty[:, j, None]
        g = eta * r * dsigma(p)  # minus the loss derivative, times the step
        inv = 1.0 / np.sqrt(1.0 + g * g * (xx[:, j, None] - p * p))
        W *= ((1.0 - g * p) * inv)[..., None]
        W += (g * inv)[..., None] * x[:, None, :]
        if (pos + j + 1) % _RENORM_EVERY == 0:
            W /= np.sqrt(np.einsum("tmd,tmd->tm", W, W))[..., None]

