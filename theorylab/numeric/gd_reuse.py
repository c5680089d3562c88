"""Full-batch GD with sample reuse on the sphere: a baseline of Algorithm 2 that may transform the labels.

The same n samples are reused for ``steps`` spherical gradient steps (default T = ⌈10 log d⌉, the order of a
power iteration's iterations), on the correlation loss -(s/n) Σ_i T(y_i) σ(⟨w, x_i⟩) with centred transformed
labels T(y_i) - mean(T(y)). It is *not* one pass: it is run afresh for each checkpoint n_k on the first n_k
samples of the stream (the same initial vector for all n_k). Memory is that of one checkpoint's data,
(trials in a group) × n_k × d, with the group size chosen so that it stays under ``max_bytes``; it does not
grow with the number of checkpoints.

Reuse helps when the labels are transformed (:mod:`theorylab.numeric.activations`) — explicitly here (the
mechanism by which large steps on a reused batch do it implicitly, Dandi et al. 2024, Lee et al. 2024, is not
reproduced). The default is T(y) = sign(y) and ``activation="auto"``. For k = 1 the iteration converges to the
direction of Σ_i T(y_i) x_i (the transformed first moment); for k = 2 it is a power iteration on
Σ_i T(y_i) x_i x_iᵀ, where the reuse is essential. For He3 the default works at n ≍ d (rate
d^{max(k_gen/2, 1)}: the d/ε² term dominates for weak recovery at fixed ε).
Step size η = 1/(2(1 + 2√(d_J/n))) (d_J = |J| or d): it keeps η·(the edge of the noise spectrum) below one.
Cost: two passes over the n_k × d data per step and checkpoint (one in all when σ' is constant, k = 1).

Pruning: for each checkpoint, J is computed from the same n_k samples that GD then reuses (as in Algorithm 2).
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
    pruner_masks,
)
from theorylab.numeric.students import sphere_on_support
from theorylab.numeric.teachers import Teacher, check_dtype, stream_trials

__all__ = ["default_gd_steps", "gd_reuse"]


def default_gd_steps(d: int) -> int:
    """Number of reuse steps T = ⌈10 log d⌉ of :func:`gd_reuse` (a power iteration needs O(log d) steps).

    Examples
    --------
    >>> default_gd_steps(64)
    42
    """
    d = check_int(d, "d", minimum=2)
    return int(math.ceil(10 * math.log(d)))


@dataclass(frozen=True)
class _ReuseRun:
    """The validated arguments of :func:`gd_reuse`."""

    teachers: list[Teacher]
    seeds: list[np.random.SeedSequence]
    grid: np.ndarray
    k_star: int | None
    steps: int
    eta: float | None
    act: Activation
    loss: str
    T_fn: Callable[[np.ndarray], np.ndarray]
    neurons: int
    chunk_size: int
    max_bytes: int
    dt: np.dtype
    prune: str | None
    M: int | None
    prune_options: dict[str, Any] | None

    @property
    def d(self) -> int:
        return self.teachers[0].d

    def step(self, mask: np.ndarray | None, n: int) -> Any:
        """η = 1/(2(1 + 2√(d_J/n))), or the given ``eta``."""
        d_J = self.d if mask is None else max(1, int(mask.sum(axis=-1).max()))
        return self.dt.type(self.eta if self.eta is not None else 1.0 / (2.0 * (1.0 + 2.0 * math.sqrt(d_J / n))))


def _check_reuse(teachers: Any, seeds: Sequence[Any], **kw: Any) -> _ReuseRun:
    """Validate the arguments of :func:`gd_reuse` (keywords as there) into a :class:`_ReuseRun`."""
    seeds_ = check_seeds(seeds)
    teachers_ = check_teachers(teachers, len(seeds_))
    grid = check_grid(kw["n_grid"], "n_grid", integer=True)
    d = teachers_[0].d
    k_star = None if kw["k_star"] is None else check_int(kw["k_star"], "k_star", minimum=1)
    steps = default_gd_steps(max(d, 2)) if kw["steps"] is None else check_int(kw["steps"], "steps", minimum=1)
    eta = None if kw["eta"] is None else check_real(kw["eta"], "eta", low=0.0, low_open=True)
    loss = check_choice(kw["loss"], "loss", LOSSES)
    T_fn, _ = label_transform_fn(kw["label_transform"])
    neurons = check_int(kw["neurons"], "neurons", minimum=1)
    chunk_size = check_int(kw["chunk_size"], "chunk_size", minimum=1)
    max_bytes = check_int(kw["max_bytes"], "max_bytes", minimum=1)
    dt = check_dtype(kw["dtype"])
    prune = None if kw["prune"] is None else check_choice(kw["prune"], "prune", PRUNE_STRATEGIES)
    act = resolve_activation(kw["activation"], teachers_[0], kw["label_transform"])
    return _ReuseRun(
        teachers_, seeds_, grid, k_star, steps, eta, act, loss, T_fn, neurons, chunk_size, max_bytes, dt, prune,
        kw["M"], kw["prune_options"],
    )


def gd_reuse(
    teachers: Any,
    seeds: Sequence[Any],
    *,
    n_grid: Any,
    k_star: int | None = None,
    steps: int | None = None,
    eta: float | None = None,
    activation: Any = "auto",
    loss: str = "correlation",
    label_transform: Any = "sign",
    neurons: int = 1,
    prune: str | None = None,
    M: int | None = None,
    prune_options: dict[str, Any] | None = None,
    chunk_size: int = 8192,
    dtype: Any = "float64",
    max_bytes: int = 2**29,
    return_weights: bool = False,
    progress: bool = False,
) -> dict[str, np.ndarray]:
    """Full-batch spherical GD reusing the same n_k samples for ``steps`` steps, for every checkpoint n_k.

    Parameters
    ----------
    teachers, seeds, n_grid, neurons, dtype, return_weights, progress
        As in :func:`online_sgd`.
    k_star : int, optional
        Passed to the pruning strategy only.
    steps : int, optional
        Number T of gradient steps on the same samples; default :func:`default_gd_steps` (⌈10 log d⌉).
    eta : float, optional
        Step size; default 1/(2(1 + 2√(d_J/n_k))) (module docstring).
    activation : "auto", "link" or a single-variable link
        "auto": h_k for the lowest Hermite degree k correlated with T(y) (needs r = 1), with the sign that makes
        |m| = 1 the minimiser; "link": σ = σ*.
    loss : {"correlation", "square"}
    label_transform : {"identity", "sign", "abs", "square"} or callable
        T; the transformed labels are centred over the n_k samples.
    prune, M, prune_options
        Pruning strategy, its level and options; J is computed from the same n_k samples.
    chunk_size : int
        Samples generated at a time (never changes the numbers).
    max_bytes : int
        Upper bound on the bytes of data held at once (trials are processed in groups to respect it,
        at least one trial per group).

    Returns
    -------
    dict
        Metric name -> array (trials, checkpoints).

    Examples
    --------
    >>> import numpy as np
    >>> from theorylab.numeric.teachers import Teacher
    >>> T = Teacher("He3(z)/sqrt(6)", np.eye(16)[:, :1])
    >>> out = gd_reuse(T, [0, 1], n_grid=[2000])
    >>> bool(np.all(out["alignment_median"] > 0.8))
    True
    """
    cfg = _check_reuse(
        teachers, seeds, n_grid=n_grid, k_star=k_star, steps=steps, eta=eta, activation=activation, loss=loss,
        label_transform=label_transform, neurons=neurons, prune=prune, M=M, prune_options=prune_options,
        chunk_size=chunk_size, max_bytes=max_bytes, dtype=dtype,
    )
    trials, d = len(cfg.seeds), cfg.d
    n_max = int(cfg.grid[-1])
    group = max(1, min(trials, cfg.max_bytes // max(1, n_max * (d + 1) * cfg.dt.itemsize)))
    snaps = np.empty((trials, cfg.grid.size, cfg.neurons, d), dtype=cfg.dt)
    masks = None if cfg.prune is None else np.empty((trials, cfg.grid.size, d), dtype=bool)
    G0 = init_directions(cfg.seeds, cfg.neurons, d, cfg.dt)
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=trials * cfg.grid.size, desc="GD with reuse", unit="trial·checkpoint")
    for g0 in range(0, trials, group):
        sl = slice(g0, min(trials, g0 + group))
        _reuse_group(cfg, sl, G0[sl], snaps[sl], None if masks is None else masks[sl], bar)
    if bar is not None:
        bar.close()
    out = learner_metrics(snaps, cfg.teachers, masks, cfg.act)
    if return_weights:
        out["W"] = snaps
    return out


def _reuse_group(
    cfg: _ReuseRun, sl: slice, G0: np.ndarray, snaps: np.ndarray, masks: np.ndarray | None, bar: Any
) -> None:
    """GD with reuse for the trials ``sl``, every checkpoint; fills ``snaps`` and ``masks`` (views) in place."""
    tch, sds, d, dt = cfg.teachers[sl], cfg.seeds[sl], cfg.d, cfg.dt
    pruners = None
    if cfg.prune is not None:
        pruners = make_pruners(cfg.prune, tch, sds, cfg.M, cfg.k_star, cfg.prune_options, dt)
    aug = pruners is not None and any(p.augment for p in pruners)
    n_max = int(cfg.grid[-1])
    Xbuf = np.empty((len(tch), n_max, d + 1 if aug else d), dtype=dt)
    ybuf = np.empty((len(tch), n_max), dtype=dt)
    filled = 0
    for k, nk in enumerate(cfg.grid.tolist()):
        for X, y in stream_trials(tch, sds, nk, cfg.chunk_size, start=filled, augment=aug, dtype=dt):
            b = X.shape[1]
            Xbuf[:, filled : filled + b] = X
            ybuf[:, filled : filled + b] = y
            if pruners is not None:  # streaming partial sums: J of the first nk samples
                for t, p in enumerate(pruners):
                    p.update(X[t], y[t])
            filled += b
        mask = None
        if pruners is not None and masks is not None:
            mask = pruner_masks(pruners)
            masks[:, k] = mask
        W = sphere_on_support(G0, None if mask is None else mask[:, None, :]).astype(dt, copy=False)
        Ty = np.asarray(cfg.T_fn(ybuf[:, :nk]), dtype=dt)
        Ty = (Ty - Ty.mean(axis=1, keepdims=True)) * dt.type(cfg.act.sign)
        _gd_steps(W, Xbuf[:, :nk, :d], Ty, cfg.act, cfg.loss, cfg.step(mask, nk), cfg.steps, mask)
        snaps[:, k] = W
        if bar is not None:
            bar.update(len(tch))


def _gd_steps(
    W: np.ndarray,
    X: np.ndarray,
    Ty: np.ndarray,
    act: Activation,
    loss: str,
    eta: Any,
    steps: int,
    mask: np.ndarray | None,
) -> None:
    """In place: ``steps`` full-batch spherical GD steps on W (trials, m, d) with data X (trials, n, d)."""
    n = X.shape[1]
    G_fixed = None
    for _ in range(steps):
        if G_fixed is not None:  # σ' constant and correlation loss: the same gradient at every step
            G = G_fixed.copy()
        else:
            P = np.matmul(X, np.swapaxes(W, -1, -2))  # (T, n, m)
            R = Ty[:, :, None] - act.sigma(P) if loss == "square" else Ty[:, :, None]
            G = np.swapaxes(np.matmul(np.swapaxes(X, -1, -2), R * act.dsigma(P)), -1, -2) / n  # -∇L, (T, m, d)
            if mask is not None:
                G = G * mask[:, None, :]
            if act.affine and loss == "correlation":
                G_fixed = G.copy()
        G -= np.einsum("tmd,tmd->tm", G, W)[..., None] * W  # tangent part
        W += eta * G
        W /= np.sqrt(np.einsum("tmd,tmd->tm", W, W))[..., None]
