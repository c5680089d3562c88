"""The validated configuration of :func:`theorylab.numeric.simulate.simulate`, and the choice of engine.

:func:`simulation_config` checks every argument of ``simulate`` once (raising ValueError/TypeError naming the
argument), fills in the defaults (M, c, k*, the checkpoints, the criterion, Algorithm 2⁺ for r >= 2, ...) and
returns a frozen :class:`SimulationConfig`; the passes of ``simulate`` only read it.

Engines
-------
``"full"`` simulates the d-dimensional data. ``"reduced"`` simulates the same learner exactly (in distribution)
in coordinates whose number does not grow with d; it exists for the rotation-invariant learners only
(:func:`reduction_obstacle` says why a configuration has none):

* ``dense`` (Algorithm 2, J = all coordinates) without the μ̂ correction of Algorithm 2⁺ and without the
  excess risk (:mod:`theorylab.numeric.reduced_onestep`);
* ``online_sgd`` with one neuron and a polynomial activation (:mod:`theorylab.numeric.reduced_sgd`).

``"auto"`` picks ``"reduced"`` where it is exact and ``"full"`` elsewhere. ``"moment"`` is an APPROXIMATION for
the dense Algorithm 2 only (:mod:`theorylab.numeric.moment_onestep`: the sums over samples replaced by their
Gaussian limit with the exact mean; cost free of n and d, first checkpoint >= ``MIN_N``); ``"auto"`` never picks it
and the result's config says ``approximation: "gaussian-moment"``.

Examples
--------
>>> cfg = simulation_config("He2(z)", d=64, n=1000, method="dense")
>>> cfg.engine, cfg.strategy, int(cfg.checkpoints[-1])
('reduced', 'none', 1000)
>>> simulation_config("He2(z)", d=64, n=1000, method="pruned").engine
'full'
>>> simulation_config("He2(z)", d=64, n=1000, method="pruned", engine="reduced")
Traceback (most recent call last):
...
ValueError: engine='reduced': method 'pruned' has no exact reduction (its pruned coordinates J depend on the coordinate system, so it is not rotation-invariant); use engine='full' or 'auto'
"""

from __future__ import annotations

import math
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
from theorylab.numeric.metrics import SuccessCriterion, default_criterion
from theorylab.numeric.pruning import default_c
from theorylab.numeric.teachers import check_dtype
from theorylab.numeric.training import DEFAULT_RIDGE, default_M

__all__ = [
    "ENGINES",
    "METHODS",
    "DEFAULT_RATIO",
    "DEFAULT_WIDTH",
    "SimulationConfig",
    "simulation_config",
    "checkpoint_grid",
    "reduction_obstacle",
    "engine_size",
    "runs_pruning",
]

PRUNED_METHODS = {
    "pruned": "paper",
    "dense": "none",
    "oracle": "oracle",
    "hermite": "hermite",
    "magnitude": "magnitude",
    "random": "random",
}
BASELINE_METHODS = {
    "online_sgd": ("online_sgd", None),
    "gd_reuse": ("gd_reuse", None),
    "online_sgd_pruned": ("online_sgd", "paper"),
    "gd_reuse_pruned": ("gd_reuse", "paper"),
}
#: Every method name :func:`~theorylab.numeric.simulate.simulate` accepts.
METHODS = tuple(PRUNED_METHODS) + tuple(BASELINE_METHODS)
#: Engines: ``"auto"`` (reduced where exact), ``"full"`` (d-dimensional), ``"reduced"`` (dimension-free) and
#: ``"moment"`` (dense only, a Gaussian approximation; never picked by ``"auto"``).
ENGINES = ("auto", "full", "reduced", "moment")
#: Default ratio of consecutive checkpoints.
DEFAULT_RATIO = 1.4
#: Default number of first-layer neurons m (the width a sweep cell runs with when its options name none).
DEFAULT_WIDTH = 8

# online-SGD options the reduced chain honours (it ignores chunk_size and computes in float64)
_SGD_REDUCED_OPTIONS = {"delta", "activation", "loss", "label_transform", "neurons", "chunk_size", "dtype"}


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
    from theorylab._limits import check_checkpoint_count

    check_checkpoint_count(n, n_min, ratio)  # refuse a grid too fine before allocating it
    if n_min == n:
        return np.array([n], dtype=np.int64)
    K = max(2, int(math.ceil(math.log(n / n_min) / math.log(ratio))) + 1)
    grid = np.unique(np.round(np.geomspace(n_min, n, K)).astype(np.int64))
    grid[-1] = n
    return grid


@dataclass(frozen=True)
class SimulationConfig:
    """Every validated argument of ``simulate`` with its defaults filled in (see ``simulate`` for each).

    ``strategy`` is the pruning strategy (None for a baseline without pruning), ``baseline`` the baseline's
    name (None for Algorithm 2), ``engine`` the resolved engine (``"full"`` or ``"reduced"``), ``learner`` the
    :class:`~theorylab.numeric.learner.Learner` of a method of one's own (None for a built-in method; ``method``
    is then its importable name or its ``name``) and ``checkpoints`` the int64 grid. ``eta1`` stays None until the one-step pass sets its default.
    """

    link: Any
    d: int
    n: int
    method: str
    alpha: float
    q: float
    r: int
    trials: int
    seed: int
    width: int
    M: int
    c: float | None
    eta1: float | None
    eta_scale: float
    ridge: float
    noise_std: float
    criterion: SuccessCriterion
    checkpoints: np.ndarray
    chunk_size: int | None
    dtype: np.dtype
    V: np.ndarray | None
    k_star: int | None
    mu_correction: bool
    compute_risk: bool
    n_test: int
    normalize: bool
    baseline_options: dict[str, Any] = field(default_factory=dict)
    progress: bool = False
    engine: str = "full"
    strategy: str | None = None
    baseline: str | None = None
    learner: Any = None

    def record(self, link_text: str, eta1: float | None = None) -> dict[str, Any]:
        """The JSON record stored in ``SimulationResult.config`` (every argument that determines the numbers)."""
        return {
            "link": link_text, "d": self.d, "n": self.n, "method": self.method, "alpha": self.alpha, "q": self.q,
            "r": self.r, "trials": self.trials, "seed": self.seed, "width": self.width, "M": self.M,
            "c": default_c(self.d) if self.c is None else self.c, "eta1": self.eta1 if eta1 is None else eta1,
            "eta_scale": self.eta_scale, "ridge": self.ridge, "noise_std": self.noise_std,
            "criterion": self.criterion.to_dict(), "checkpoints": self.checkpoints.tolist(), "dtype": self.dtype.name,
            "V": None if self.V is None else self.V.tolist(), "k_star": self.k_star,
            "mu_correction": self.mu_correction, "compute_risk": self.compute_risk, "n_test": self.n_test,
            "normalize": self.normalize, "baseline_options": self.baseline_options, "engine": self.engine,
            "block_rows": _block_rows(), **_approximation(self.engine),
        } | ({} if self.learner is None else {"learner": self.learner.name})


def _approximation(engine: str) -> dict[str, str]:
    """The label an approximate engine leaves in the record (none for the exact ones)."""
    return {"approximation": "gaussian-moment"} if engine == "moment" else {}


def _block_rows() -> int:
    from theorylab.numeric.teachers import BLOCK_ROWS

    return BLOCK_ROWS


def _k_star(link: Any, k_star: int | None) -> int:
    if k_star is not None:
        return check_int(k_star, "k_star", minimum=1)
    from theorylab.symbolic.exponents import information_exponent

    try:
        value = information_exponent(link)
        return int(value[0] if isinstance(value, tuple) else value)
    except Exception as exc:  # noqa: BLE001 - report why the default cannot be computed
        raise ValueError(f"k_star: could not compute the information exponent of the link ({exc}); pass k_star") from exc


def _config_link(link: Any, r: Any, d: int, params: Any) -> tuple[Any, int]:
    """The link (parameters set) and r: inferred from the link when None, else checked against it."""
    from theorylab.symbolic.links import as_link

    lk = as_link(link, params=params)
    lk.require_values("a simulation")
    if r is None:
        return lk, check_int(lk.arity, "r", minimum=1, maximum=d)
    r = check_int(r, "r", minimum=1, maximum=d)
    # a callable of one array argument is single-index unless r says otherwise (the teacher passes z of shape (n, r))
    if lk.arity != r and not (lk.func is not None and lk.arity == 1):
        raise ValueError(f"r: r = {r} contradicts the link {lk.text!r}, which has arity {lk.arity}; omit r to use the link's")
    return lk, r


def _check_checkpoints(checkpoints: Any, n: int, n_min: int | None, ratio: float) -> np.ndarray:
    if checkpoints is None:
        return checkpoint_grid(n, n_min, ratio)
    cps = np.asarray(checkpoints)
    if cps.ndim != 1 or cps.size == 0 or not np.issubdtype(cps.dtype, np.integer) and not np.all(cps == np.round(cps)):
        raise ValueError("checkpoints must be a non-empty 1-d array of integers")
    cps = cps.astype(np.int64)
    if cps[0] < 1 or np.any(np.diff(cps) <= 0):
        raise ValueError("checkpoints must be strictly increasing and >= 1")
    if cps[-1] != n:
        raise ValueError(f"checkpoints: the last checkpoint must equal n = {n}, got {cps[-1]}")
    return cps


def _check_seed(seed: Any) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    return int(seed)


def simulation_config(
    link: Any,
    *,
    d: int,
    n: int,
    method: Any = "pruned",
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
    params: Any = None,
) -> SimulationConfig:
    """Validate the arguments of ``simulate`` (same names and meaning) and return the frozen configuration.

    Raises ValueError/TypeError naming the offending argument; ``engine="reduced"`` for a configuration without
    an exact reduction is a ValueError naming the method and the reason (:func:`reduction_obstacle`).
    """
    method, learner = _check_method(method)
    engine = check_choice(engine, "engine", ENGINES)
    d = check_int(d, "d", minimum=1)
    n = check_int(n, "n", minimum=1)
    lk, r = _config_link(link, r, d, params)
    ridge = DEFAULT_RIDGE if ridge is None else check_real(ridge, "ridge", low=0.0)
    if V is not None:
        V = check_orthonormal(V, "V")
        if V.shape != (d, r):
            raise ValueError(f"V must have shape (d, r) = ({d}, {r}), got {V.shape}")
    criterion = default_criterion(r) if criterion is None else criterion
    if not isinstance(criterion, SuccessCriterion):
        raise TypeError("criterion must be a SuccessCriterion")
    if baseline_options is not None and not isinstance(baseline_options, dict):
        raise TypeError("baseline_options must be a dict")
    baseline = BASELINE_METHODS[method][0] if method in BASELINE_METHODS else None
    strategy = None if learner is not None else BASELINE_METHODS[method][1] if baseline else PRUNED_METHODS[method]
    needs_k = (eta1 is None and not baseline) or strategy == "hermite" or baseline is not None
    cfg = SimulationConfig(
        link=lk, d=d, n=n, method=method, alpha=check_alpha(alpha), q=check_q(q), r=r,
        trials=check_int(trials, "trials", minimum=1), seed=_check_seed(seed),
        width=check_int(width, "width", minimum=1),
        M=default_M(d, alpha, q, r) if M is None else check_int(M, "M", minimum=1, maximum=d),
        c=None if c is None else check_real(c, "c", low=0.0, high=1.0, low_open=True, high_open=True),
        eta1=None if eta1 is None else check_real(eta1, "eta1", low=0.0, low_open=True),
        eta_scale=check_real(eta_scale, "eta_scale", low=0.0, low_open=True), ridge=ridge,
        noise_std=check_real(noise_std, "noise_std", low=0.0), criterion=criterion,
        checkpoints=_check_checkpoints(checkpoints, n, n_min, ratio),
        chunk_size=None if chunk_size is None else check_int(chunk_size, "chunk_size", minimum=1),
        dtype=check_dtype(dtype), V=V,
        k_star=_k_star(lk, k_star) if needs_k else (None if k_star is None else check_int(k_star, "k_star", minimum=1)),
        mu_correction=(r >= 2) if mu_correction is None else _flag(mu_correction, "mu_correction"),
        compute_risk=criterion.needs_risk if compute_risk is None else _flag(compute_risk, "compute_risk"),
        n_test=check_int(n_test, "n_test", minimum=1), normalize=_flag(normalize, "normalize"),
        baseline_options=dict(baseline_options or {}), progress=_flag(progress, "progress"), engine="full",
        strategy=strategy, baseline=baseline, learner=learner,
    )
    return _with_engine(cfg, engine)


def _check_method(method: Any) -> tuple[str, Any]:
    """A built-in method name, or a learner of one's own (an object or ``"package.module:attribute"``):
    ``(the name recorded as the method, the learner or None)``."""
    from theorylab._importable import is_importable_name

    if isinstance(method, str) and not is_importable_name(method):
        return check_choice(method, "method", METHODS), None
    from theorylab.numeric.learner import learner_name, resolve_learner

    return learner_name(method), resolve_learner(method)


def _flag(value: Any, name: str) -> bool:
    """A yes/no argument: a bool (or NumPy bool), never a string or a number read as true."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise TypeError(f"{name} must be True or False, got {type(value).__name__} {value!r}")


def _with_engine(cfg: SimulationConfig, engine: str) -> SimulationConfig:
    from dataclasses import replace

    if engine == "moment":
        return _moment_engine(cfg)
    if engine != "full":
        why = reduction_obstacle(cfg)
        if why is None:
            cfg = replace(cfg, engine="reduced")
        elif engine == "reduced":
            raise ValueError(
                f"engine='reduced': method {cfg.method!r} has no exact reduction ({why}); use engine='full' or 'auto'"
            )
    _check_size(cfg)
    return cfg


def _moment_engine(cfg: SimulationConfig) -> SimulationConfig:
    """The moment approximation: dense Algorithm 2 without μ̂ or risk, first checkpoint >= MIN_N."""
    from dataclasses import replace

    from theorylab._limits import check_simulation_size
    from theorylab.numeric.moment_onestep import MIN_N

    why = reduction_obstacle(cfg) if cfg.method == "dense" else "it exists for the dense Algorithm 2 only"
    if why is not None:
        raise ValueError(f"engine='moment': method {cfg.method!r} has no moment approximation ({why})")
    if cfg.r > 2:
        raise ValueError(f"r: the moment engine handles r = 1 or 2 directions, got r = {cfg.r}")
    if cfg.d <= cfg.r:
        raise ValueError(f"d must be > r = {cfg.r} for the moment engine, got {cfg.d}")
    if cfg.checkpoints[0] < MIN_N:
        raise ValueError(
            f"checkpoints: engine='moment' (a Gaussian approximation) needs every checkpoint >= {MIN_N}, got "
            f"{int(cfg.checkpoints[0])}; raise n_min or use engine='reduced' (exact)"
        )
    d, n = engine_size("moment", cfg.d, cfg.n, cfg.r, cfg.width)
    check_simulation_size(d, n, cfg.trials, cfg.width, int(cfg.checkpoints.size), cfg.dtype, pruned=False)
    return replace(cfg, engine="moment")


def engine_size(engine: str, d: int, n: int, r: int, width: int) -> tuple[int, int]:
    """The (d, n) an engine's cost and memory grow with, for the size limits of theorylab._limits.

    ``"full"`` and ``"auto"`` (which may resolve to full): (d, n); ``"reduced"``: r + width + 1 coordinates
    (at most d), n samples; ``"moment"``: r + width + 1 coordinates and its fixed Monte-Carlo sample, whatever n.

    Examples
    --------
    >>> engine_size("moment", 5120, 10**13, 1, 8)
    (10, 8192)
    """
    if engine == "moment":
        from theorylab.numeric.moment_onestep import MC_SAMPLES

        return min(d, r + width + 1), MC_SAMPLES
    if engine == "reduced":
        return min(d, r + width + 1), n
    return d, n


def runs_pruning(method: str) -> bool:
    """Whether ``method`` runs a pruning pass (Algorithm 1 or another strategy) before it learns.

    Read from the method tables, never from the method's name. A learner of one's own (an importable name not in
    the tables) may prune: True, so that a size check errs on the side of refusing.

    Examples
    --------
    >>> [runs_pruning(m) for m in ("pruned", "oracle", "dense", "online_sgd", "gd_reuse_pruned")]
    [True, True, False, False, True]
    """
    if method in PRUNED_METHODS:
        return PRUNED_METHODS[method] != "none"
    if method in BASELINE_METHODS:
        return BASELINE_METHODS[method][1] is not None
    return True


def _check_size(cfg: SimulationConfig) -> None:
    """Memory and time refused before any work (theorylab._limits); the reduced engines work in r + m dimensions."""
    from theorylab._limits import check_simulation_size

    d, n = engine_size(cfg.engine, cfg.d, cfg.n, cfg.r, cfg.width)
    check_simulation_size(d, n, cfg.trials, cfg.width, int(cfg.checkpoints.size), cfg.dtype,
                          pruned=cfg.strategy not in (None, "none") and cfg.engine == "full")


def reduction_obstacle(cfg: SimulationConfig) -> str | None:
    """Why ``cfg`` has no exact dimension-free reduction, or None when the reduced engine applies.

    Examples
    --------
    >>> cfg = simulation_config("He2(z)", d=64, n=1000, method="dense", compute_risk=True)
    >>> print(reduction_obstacle(cfg))
    the excess risk needs the ridge second layer fitted on the training samples, whose features involve the n × n Gram matrix of the samples outside span(V, W⁽⁰⁾): not dimension-free
    """
    if cfg.learner is not None:
        return "a learner of one's own runs on the d-dimensional data"
    if cfg.method == "dense":
        if cfg.mu_correction:
            return ("Algorithm 2⁺'s correction y - ⟨μ̂, x⟩ couples every sample to all others through the "
                    "data-dependent direction μ̂; pass mu_correction=False for Algorithm 2")
        if cfg.compute_risk:
            return ("the excess risk needs the ridge second layer fitted on the training samples, whose features "
                    "involve the n × n Gram matrix of the samples outside span(V, W⁽⁰⁾): not dimension-free")
        return None
    if cfg.method == "online_sgd":
        return _sgd_obstacle(cfg)
    if cfg.baseline == "gd_reuse":
        return "GD reuses the same n samples at every step, so its state involves their n × n Gram matrix"
    return "its pruned coordinates J depend on the coordinate system, so it is not rotation-invariant"


def _sgd_obstacle(cfg: SimulationConfig) -> str | None:
    opts = cfg.baseline_options
    unknown = sorted(set(opts) - _SGD_REDUCED_OPTIONS)
    if unknown:
        return f"baseline_options {unknown} are not supported by the reduced chain"
    if opts.get("neurons", 1) != 1:
        return "neurons > 1 share samples, so their chains are coupled (only neurons=1 is reduced)"
    from theorylab.numeric.reduced_sgd import activation_polynomial

    try:
        activation_polynomial(opts.get("activation", "link"), cfg.link, cfg.r, opts.get("label_transform", "identity"),
                              noise_std=cfg.noise_std)
    except ValueError as exc:
        return str(exc)
    return None
