"""Online SGD on the sphere (Ben Arous et al. 2021, eq. (1.2)) simulated exactly through its overlaps with V.

The learner of :func:`theorylab.numeric.baselines.online_sgd` with one neuron is rotation-invariant: only the
overlaps m = Vᵀw ∈ R^r and the norm s = ‖w - Vm‖ of its part orthogonal to span(V) matter, and one step moves
them through three independent numbers per sample besides z = Vᵀx ~ N(0, I_r). Write w = Vm + s e with e a unit
vector orthogonal to span(V) and x = Vz + x⊥; then ξ = ⟨e, x⊥⟩ ~ N(0, 1) and ‖x⊥‖² - ξ² = χ ~ χ²_{d-r-1},
independent of z and of each other. With p = ⟨w, x⟩ = mᵀz + sξ and g = (δ/d) · (minus the loss derivative in p)
(the correlation loss: g = (δ/d) T(y) σ'(p); the square loss: g = (δ/d) (T(y) - σ(p)) σ'(p)), the step
w' = ((1 - gp) w + g x)/N, N² = 1 + g²(‖x‖² - p²), gives

    m' = ((1 - gp) m + g z) / N,     s'² = (((1 - gp) s + g ξ)² + g² χ) / N²,     ‖x‖² - p² = |z|² + ξ² + χ - p²,

a Markov chain in (m, s) whose law is that of the d-dimensional learner at every d, at O(r) cost per sample.
The initial w is uniform on the sphere: m = g/√(|g|² + χ²_{d-r}), s = √(χ²_{d-r}/(|g|² + χ²_{d-r})), g ~ N(0, I_r).

The chain is sequential in n, so it runs in a compiled kernel (numba, ``nogil``: trials run on threads); the
randomness is drawn by NumPy in fixed blocks of :data:`BLOCK` samples, so a trial's numbers depend only on its
seed (not on ``trials``, the checkpoints or n: the first n samples are a prefix of any longer run).

Reduced: one neuron (several neurons share their samples, so their chains are coupled), a polynomial activation
σ (the kernel evaluates σ and σ' by Horner's rule), no pruning. The metrics are those of the full learner computed
on the (r + 1)-dimensional representation [m, s] with V = [I_r; 0] (the same functions, exact); the excess risk is
reported in the same cases as the full learner (σ = σ*, r = 1), by the same quadrature.

Examples
--------
>>> import numpy as np
>>> out = reduced_online_sgd("He2(z)/sqrt(2)", d=10**6, checkpoints=np.array([10**3]), seeds=[0, 1], k_star=2)
>>> out["alignment_median"].shape
(2, 1)
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numba
import numpy as np
import sympy

from theorylab._validation import check_int, check_real
from theorylab.numeric.metrics import METRICS, alignment, alignment_summary, subspace_coverage
from theorylab.numeric.teachers import Teacher, derive_seed
from theorylab.numeric.training import segments

__all__ = ["BLOCK", "activation_polynomial", "reduced_online_sgd", "overlap_chain"]

#: Samples drawn at a time (part of the seed contract: changing it changes the numbers).
BLOCK = 1 << 14


def activation_polynomial(
    activation: Any, link: Any, r: int, label_transform: Any = "identity", *, noise_std: float = 0.0
) -> tuple[np.ndarray, float, bool]:
    """σ of :func:`~theorylab.numeric.baselines.online_sgd` as polynomial coefficients (highest degree first).

    Returns ``(coefficients, sign, is_link)``: ``sign`` multiplies the transformed labels, ``is_link`` says σ = σ*.
    Raises ValueError when σ is not a polynomial (the compiled chain evaluates polynomials only).

    Examples
    --------
    >>> activation_polynomial("link", "He2(z)", 1)
    (array([ 1.,  0., -1.]), 1.0, True)
    >>> activation_polynomial("relu(z)", "He2(z)", 1)
    Traceback (most recent call last):
    ...
    ValueError: activation 'relu(z)' is not a polynomial; the reduced chain evaluates polynomial activations only
    """
    from theorylab.numeric.activations import resolve_activation
    from theorylab.symbolic.links import as_link

    teacher = Teacher(link, np.eye(r), noise_std=noise_std)
    act = resolve_activation(activation, teacher, label_transform)  # validates like the full learner
    if isinstance(activation, str) and activation == "auto":
        k = int(act.name[1:])
        zz = sympy.Symbol("z", real=True)
        expr, var = sympy.hermite_prob(k, zz) / sympy.sqrt(sympy.factorial(k)), zz
    else:
        lk = teacher.link if isinstance(activation, str) and activation == "link" else as_link(activation)
        expr, var = lk.expr, (lk.variables[0] if lk.variables else None)
    try:
        if expr is None:
            raise sympy.PolynomialError
        coeffs = np.array([float(c) for c in sympy.Poly(expr, var).all_coeffs()])
    except (sympy.PolynomialError, TypeError, sympy.GeneratorsNeeded):
        raise ValueError(
            f"activation {activation!r} is not a polynomial; the reduced chain evaluates polynomial activations only"
        ) from None
    return coeffs, float(act.sign), bool(act.is_link)


@numba.njit(cache=True, nogil=True)
def _horner(c: np.ndarray, t: float) -> float:  # pragma: no cover - compiled
    out = 0.0
    for a in c:
        out = out * t + a
    return out


@numba.njit(cache=True, nogil=True)
def overlap_chain(
    states: np.ndarray,
    z: np.ndarray,
    xi: np.ndarray,
    chi: np.ndarray,
    ty: np.ndarray,
    coef: np.ndarray,
    dcoef: np.ndarray,
    eta: float,
    square: bool,
) -> None:  # pragma: no cover - compiled (tested through its callers)
    """In place: one SGD step per sample on each trial's state (m_1, ..., m_r, s) (the module's recurrence).

    states: (T, r + 1); z: (T, b, r) the coordinates along V; xi, chi: (T, b) ξ and χ; ty: (T, b) the transformed
    labels times the sign. The inner loop runs over the trials, whose chains are independent, so the processor
    overlaps their latencies.
    """
    T, b, r = z.shape
    for i in range(b):
        for t in range(T):
            s = states[t, r]
            p = s * xi[t, i]
            zz = 0.0
            for a in range(r):
                p += states[t, a] * z[t, i, a]
                zz += z[t, i, a] * z[t, i, a]
            if square:
                g = eta * (ty[t, i] - _horner(coef, p)) * _horner(dcoef, p)
            else:
                g = eta * ty[t, i] * _horner(dcoef, p)
            inv = 1.0 / math.sqrt(1.0 + g * g * (zz + xi[t, i] * xi[t, i] + chi[t, i] - p * p))
            shrink = 1.0 - g * p
            for a in range(r):
                states[t, a] = (shrink * states[t, a] + g * z[t, i, a]) * inv
            perp = shrink * s + g * xi[t, i]
            states[t, r] = math.sqrt(perp * perp + g * g * chi[t, i]) * inv


def _initial_state(seed: np.random.SeedSequence, d: int, r: int) -> np.ndarray:
    """(m, s) of a uniform point of S^{d-1}."""
    gen = np.random.default_rng(seed)
    g = gen.standard_normal(r)
    rest = float(gen.chisquare(d - r)) if d > r else 0.0
    norm = math.sqrt(float(g @ g) + rest)
    return np.concatenate([g / norm, [math.sqrt(rest) / norm]])


def _draw_block(gen: np.random.Generator, teacher: Teacher, d: int, T_fn: Any, sign: float) -> tuple[np.ndarray, ...]:
    """One block of one trial: z (BLOCK, r), ξ, χ and the transformed labels, in this order of draws."""
    r = teacher.r
    z = gen.standard_normal((BLOCK, r))
    xi = gen.standard_normal(BLOCK) if d > r else np.zeros(BLOCK)
    chi = gen.chisquare(d - r - 1, BLOCK) if d - r - 1 > 0 else np.zeros(BLOCK)
    y = teacher.f(z)
    if teacher.noise_std > 0:
        y = y + teacher.noise_std * gen.standard_normal(BLOCK)
    return z, xi, chi, np.asarray(T_fn(y), dtype=float) * sign


def _run_group(
    seeds: list[np.random.SeedSequence],
    teacher: Teacher,
    d: int,
    cps: np.ndarray,
    T_fn: Any,
    sign: float,
    coef: np.ndarray,
    eta: float,
    square: bool,
    bar: Any,
) -> np.ndarray:
    """States (trials, K, r + 1) of a group of trials at the checkpoints (each trial from its own seed)."""
    r, G = teacher.r, len(seeds)
    states = np.stack([_initial_state(derive_seed(s, 1), d, r) for s in seeds])
    gens = [np.random.default_rng(derive_seed(s, 0)) for s in seeds]
    dcoef = np.polyder(coef) if coef.size > 1 else np.zeros(1)
    out = np.empty((G, cps.size, r + 1))
    n, pos = int(cps[-1]), 0
    while pos < n:
        z, xi, chi, ty = (np.ascontiguousarray(np.stack(a)) for a in
                          zip(*(_draw_block(g, teacher, d, T_fn, sign) for g in gens), strict=True))
        stop = min(n, pos + BLOCK)
        for lo, hi, k0 in segments(pos, stop, cps):
            overlap_chain(states, z[:, lo:hi], xi[:, lo:hi], chi[:, lo:hi], ty[:, lo:hi], coef, dcoef, eta, square)
            if pos + hi == cps[k0]:
                out[:, k0] = states
        if bar is not None:
            bar.update((stop - pos) * G)
        pos = stop
    return out


def _metrics(states: np.ndarray, d: int, r: int, is_link: bool, coef: np.ndarray) -> dict[str, np.ndarray]:
    """The full learner's metrics from the states (T, K, r + 1): W = [m, s] with V = [I_r; 0]."""
    from theorylab.numeric.spherical import excess_risk_link

    T, K = states.shape[:2]
    W = states[:, :, None, :]
    V = np.eye(r + 1)[:, :r]
    out = dict(alignment_summary(alignment(W, V)))
    out["coverage"] = subspace_coverage(W, V)
    out["support_recall"] = np.ones((T, K))
    out["J_size"] = np.full((T, K), float(d))
    if is_link and r == 1:
        out["excess_risk"] = excess_risk_link(lambda t: np.polyval(coef, t), states[:, :, 0])
    else:
        out["excess_risk"] = np.full((T, K), np.nan)
    return {k: np.asarray(out[k], dtype=float) for k in METRICS}


def reduced_online_sgd(
    link: Any,
    *,
    d: int,
    checkpoints: Any,
    seeds: Sequence[Any],
    k_star: int = 2,
    noise_std: float = 0.0,
    normalize: bool = False,
    delta: float | None = None,
    activation: Any = "link",
    loss: str = "correlation",
    label_transform: Any = "identity",
    neurons: int = 1,
    progress: bool = False,
    **ignored: Any,
) -> dict[str, np.ndarray]:
    """Online SGD's metrics (trials × checkpoints) from the exact overlap chain; arguments as in ``online_sgd``.

    ``seeds[t]`` is trial t's SeedSequence: the samples come from its child 0, the initial point from child 1.
    ``chunk_size`` and ``dtype`` are accepted and ignored (the chain runs in float64 in blocks of :data:`BLOCK`).
    """
    from theorylab._validation import check_choice, check_grid
    from theorylab.numeric.activations import label_transform_fn
    from theorylab.numeric.online_sgd import default_delta
    from theorylab.numeric.spherical import LOSSES

    unknown = sorted(set(ignored) - {"chunk_size", "dtype"})
    if unknown:
        raise ValueError(f"baseline_options: {unknown} are not supported by the reduced online-SGD chain")
    d = check_int(d, "d", minimum=2)
    cps = check_grid(checkpoints, "checkpoints", integer=True)
    if check_int(neurons, "neurons", minimum=1) != 1:
        raise ValueError("neurons: the reduced chain simulates one neuron; use engine='full' for more")
    loss = check_choice(loss, "loss", LOSSES)
    k_star = check_int(k_star, "k_star", minimum=1)
    delta = default_delta(d, k_star) if delta is None else check_real(delta, "delta", low=0.0, low_open=True)
    teacher = Teacher(link, np.eye(_arity(link)), noise_std=noise_std, normalize=normalize)
    r = teacher.r
    if d < r:
        raise ValueError(f"d must be >= r = {r}, got {d}")
    coef, sign, is_link = activation_polynomial(activation, teacher.link, r, label_transform, noise_std=noise_std)
    T_fn, _ = label_transform_fn(label_transform)
    seeds_ = [derive_seed(s) for s in seeds]
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(seeds_) * int(cps[-1]), unit="sample", desc="online SGD (reduced)")

    def group(sl: slice) -> np.ndarray:
        return _run_group(seeds_[sl], teacher, d, cps, T_fn, sign, coef, delta / d, loss == "square", bar)

    workers = min(len(seeds_), os.cpu_count() or 1)  # one group of trials per core (the kernel releases the GIL)
    bounds = np.linspace(0, len(seeds_), workers + 1).astype(int)
    with ThreadPoolExecutor(workers) as ex:
        states = np.concatenate(list(ex.map(group, [slice(a, b) for a, b in zip(bounds[:-1], bounds[1:], strict=True)])))
    if bar is not None:
        bar.close()
    return _metrics(states, d, r, is_link, coef)


def _arity(link: Any) -> int:
    from theorylab.symbolic.links import as_link

    return as_link(link).arity
