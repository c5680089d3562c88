"""Baselines beside the paper's Algorithm 2: online SGD on the sphere and multi-step GD with sample reuse.

Both learners are *single-direction* students (``neurons`` independent unit vectors w ∈ S^{d-1}, default one)
with a known activation σ, the teacher-student setting of Ben Arous, Gheissari and Jagannath (2021, §2),
and both can be restricted to a pruned coordinate set J. All trials run together (arrays trials × neurons × d).

Entry point for :func:`theorylab.numeric.simulate.simulate`
------------------------------------------------------------
``run_baseline(method, teachers, *, n_grid, seeds, k_star=None, prune=None, M=None, **options)``
returns ``dict[str, ndarray]`` keyed by :data:`theorylab.numeric.metrics.METRICS`, each array of shape
(trials, len(n_grid)). ``method`` is ``"online_sgd"`` or ``"gd_reuse"``; ``teachers`` is one
:class:`~theorylab.numeric.teachers.Teacher` per trial (or one, shared); ``seeds[t]`` is trial t's
SeedSequence (its sample stream is ``stream_trials([teachers[t]], [seeds[t]], ...)``, its initialisation comes
from the child ``derive_seed(seeds[t], INIT_KEY, 0)``, a key the stream never uses). ``options`` go to
:func:`online_sgd` or :func:`gd_reuse`. ``excess_risk`` is reported only for one neuron with the teacher's own
link as activation and r = 1 (ŷ = σ*(⟨w, x⟩), computed by 2-d Gauss-Hermite quadrature); it is NaN otherwise.

Online SGD on the sphere (``"online_sgd"``; benarous21 eq. (1.2))
-----------------------------------------------------------------
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

Full-batch GD with sample reuse (``"gd_reuse"``)
------------------------------------------------
The same n samples are reused for ``steps`` spherical gradient steps (default T = ⌈10 log d⌉, the order of a
power iteration's iterations), on the correlation loss -(s/n) Σ_i T(y_i) σ(⟨w, x_i⟩) with centred transformed
labels T(y_i) - mean(T(y)). It is *not* one pass: it is run afresh for each checkpoint n_k on the first n_k
samples of the stream (the same initial vector for all n_k). Memory is that of one checkpoint's data,
(trials in a group) × n_k × d, with the group size chosen so that it stays under ``max_bytes``; it does not
grow with the number of checkpoints.

Why a label transformation. One-pass (and correlational) methods are limited by the information exponent
(CSQ); Damian, Pillaud-Vivien, Lee and Bruna (2024) show that algorithms that may transform labels (SQ,
low-degree) need and achieve n ≍ d^{k_gen/2} + d/ε², with k_gen the generative exponent, k_gen <= 2 for
polynomial links (He3: k* = 3 but k_gen = 1, so n ≍ d). Multi-pass GD with the identity labels and σ = σ*
(``label_transform="identity", activation="link"``) is still a tensor-power-type method; with σ* = He3 its
median alignment at n = 32 d was 0.63, 0.45, 0.30 for d = 32, 64, 128 (falling with d), against 0.92-0.93
with the default T = sign (16 trials).
Reuse helps when the labels are transformed — explicitly here (the mechanism by which large steps on a reused
batch do it implicitly, Dandi et al. 2024, Lee et al. 2024, is not reproduced). The default is T(y) = sign(y)
and ``activation="auto"``: σ = h_k, the orthonormal Hermite polynomial of the lowest degree k with
c_k = E[T(y) h_k(z)] ≠ 0 (:func:`transformed_hermite_coefficients`), and s = sign(c_k) so that the population
loss -|c_k| m^k is minimised at |m| = 1. For k = 1 the iteration converges to the direction of
Σ_i T(y_i) x_i (the transformed first moment); for k = 2 it is a power iteration on Σ_i T(y_i) x_i x_iᵀ,
where the reuse is essential. E[sign(He3(z)) z] = 2φ(0)(2e^{-3/2} - 1) ≈ -0.442, so for He3 the default works
at n ≍ d (rate d^{max(k_gen/2, 1)}: the d/ε² term dominates for weak recovery at fixed ε).
Step size η = 1/(2(1 + 2√(d_J/n))) (d_J = |J| or d): it keeps η·(the edge of the noise spectrum) below one.
Cost: two passes over the n_k × d data per step and checkpoint (one in all when σ' is constant, k = 1).

Pruning (``prune`` = a strategy of :mod:`theorylab.numeric.pruning`, M its level)
--------------------------------------------------------------------------------
online SGD: a checkpoint n_k counts all samples used, pruning included. By default (``n_prune="half"``) J is
computed from the first ⌊n_k/2⌋ samples and SGD runs on the next ⌈n_k/2⌉ (a separate run per checkpoint, so
each checkpoint is a complete procedure with budget n_k). With an integer ``n_prune``, J comes from the first
``n_prune`` samples and one SGD pass starts at sample ``n_prune``; checkpoints n <= n_prune then report the
initial vector (uniform on the sphere of J).
gd_reuse: for each checkpoint, J is computed from the same n_k samples that GD then reuses (as in Algorithm 2).

Examples
--------
>>> import numpy as np
>>> from theorylab.numeric.teachers import Teacher
>>> T = Teacher("He1(z)", np.eye(16)[:, :1])
>>> out = run_baseline("online_sgd", T, n_grid=np.array([4, 4000]), seeds=[0, 1])
>>> out["alignment_median"].shape
(2, 2)
>>> bool(np.all(out["alignment_median"][:, 1] > 0.9))
True
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import sympy

from theorylab._validation import check_choice, check_int, check_real
from theorylab.numeric.metrics import (
    METRICS,
    alignment,
    alignment_summary,
    subspace_coverage,
    support_recall,
)
from theorylab.numeric.students import sphere_on_support
from theorylab.numeric.teachers import Teacher, check_dtype, derive_seed, stream_trials

__all__ = [
    "METHODS",
    "LOSSES",
    "LABEL_TRANSFORMS",
    "INIT_KEY",
    "default_delta",
    "default_gd_steps",
    "transformed_hermite_coefficients",
    "online_sgd",
    "gd_reuse",
    "run_baseline",
]

#: Method names understood by :func:`run_baseline`.
METHODS = ("online_sgd", "gd_reuse")
#: Losses: ``"correlation"`` -y σ(⟨w, x⟩) and ``"square"`` (y - σ(⟨w, x⟩))²/2.
LOSSES = ("correlation", "square")
#: Named label transformations T(y).
LABEL_TRANSFORMS = ("identity", "sign", "abs", "square")
#: Spawn-key prefix of the initialisation seeds (streams use keys one level deep, this one two levels).
INIT_KEY = 0xBA5E

_TRANSFORMS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "identity": lambda y: y,
    "sign": np.sign,
    "abs": np.abs,
    "square": np.square,
}
_PRUNE_STRATEGIES = ("paper", "oracle", "hermite", "magnitude", "random", "none")
_GH_NODES = 80


# --------------------------------------------------------------------------------------------- defaults


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


def default_gd_steps(d: int) -> int:
    """Number of reuse steps T = ⌈10 log d⌉ of :func:`gd_reuse` (a power iteration needs O(log d) steps).

    Examples
    --------
    >>> default_gd_steps(64)
    42
    """
    d = check_int(d, "d", minimum=2)
    return int(math.ceil(10 * math.log(d)))


# ----------------------------------------------------------------------------------- activations, labels


def _label_transform(spec: Any) -> tuple[Callable[[np.ndarray], np.ndarray], str]:
    if callable(spec) and not isinstance(spec, str):
        return spec, getattr(spec, "__name__", "callable")
    name = check_choice(spec, "label_transform", LABEL_TRANSFORMS)
    return _TRANSFORMS[name], name


def _compile_1d(expr: sympy.Expr, var: sympy.Symbol, what: str) -> Callable[[np.ndarray], np.ndarray]:
    """A fast vectorised evaluator: Horner for polynomials, the link compiler otherwise."""
    from theorylab.symbolic.links import as_link

    if expr.has(sympy.DiracDelta):
        raise ValueError(f"activation: the derivative of {what} is zero almost everywhere (it has a jump)")
    expr = expr.replace(sympy.Heaviside, lambda *a: sympy.Piecewise((1, a[0] > 0), (0, True)))
    try:
        poly = sympy.Poly(expr, var)
        coeffs = [float(c) for c in poly.all_coeffs()]
    except (sympy.PolynomialError, TypeError, sympy.GeneratorsNeeded):
        coeffs = None
    if coeffs is not None:
        if len(coeffs) == 1:
            c0 = coeffs[0]
            return lambda t: np.full_like(t, c0)
        c0, rest = coeffs[0], coeffs[1:]

        def horner(t: np.ndarray) -> np.ndarray:
            out = c0 * t + rest[0]
            for c in rest[1:]:
                out *= t
                out += c
            return out

        return horner
    lk = as_link(expr.subs(var, sympy.Symbol("z", real=True)))
    return lk.numpy


class _Activation:
    """σ and σ' as vectorised callables; ``sign`` multiplies the labels (s in the module docstring)."""

    def __init__(
        self,
        sigma: Callable,
        dsigma: Callable,
        name: str,
        sign: float = 1.0,
        is_link: bool = False,
        affine: bool = False,
    ):
        self.sigma = sigma
        self.dsigma = dsigma
        self.name = name
        self.sign = sign
        self.is_link = is_link
        self.affine = affine  # σ' constant: the correlation-loss gradient does not depend on w


def _from_link(link: Any, name: str, *, is_link: bool = False) -> _Activation:
    from theorylab.symbolic.links import as_link

    try:
        lk = as_link(link)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"activation: cannot read {link!r}: {exc}") from None
    if lk.arity != 1:
        raise ValueError(f"activation: must be a function of one variable, got arity {lk.arity}")
    if lk.expr is None:  # plain callable: central differences
        f = lk.func
        h = 1e-6

        def df(t: np.ndarray) -> np.ndarray:
            return (np.asarray(f(t + h)) - np.asarray(f(t - h))) / (2 * h)

        return _Activation(f, df, name, is_link=is_link)
    var = lk.variables[0]
    sigma = _compile_1d(lk.expr, var, lk.text)
    deriv = sympy.diff(lk.expr, var)
    dsigma = _compile_1d(deriv, var, lk.text)
    return _Activation(sigma, dsigma, name, is_link=is_link, affine=not deriv.has(var))


def _hermite_activation(k: int, sign: float) -> _Activation:
    z = sympy.Symbol("z", real=True)
    hk = sympy.hermite_prob(k, z) / sympy.sqrt(sympy.factorial(k))
    return _Activation(
        _compile_1d(hk, z, f"h{k}"), _compile_1d(sympy.diff(hk, z), z, f"h{k}"), f"h{k}", sign=sign, affine=k == 1
    )


def transformed_hermite_coefficients(
    link: Any,
    label_transform: Any = "sign",
    *,
    noise_std: float = 0.0,
    degree: int = 4,
) -> np.ndarray:
    """c_k = E[T(σ*(z) + ε) h_k(z)] for k = 0..degree, h_k = He_k/√k!, z ~ N(0, 1), ε ~ N(0, noise_std²).

    The lowest k >= 1 with c_k ≠ 0 is the information exponent of the transformed labels; Damian et al. (2024)
    define the generative exponent as its minimum over all transformations T. Computed by the trapezoidal rule
    on a fine grid of z (|z| <= 12, step 1e-4; a jump of T∘σ* costs an error below 1e-4) and Gauss-Hermite nodes in ε.

    Examples
    --------
    >>> import numpy as np
    >>> c = transformed_hermite_coefficients("He3(z)", "sign", degree=3)
    >>> bool(abs(c[1] - 2 * np.exp(-1.5) * np.sqrt(2 / np.pi) + np.sqrt(2 / np.pi)) < 1e-4)
    True
    >>> np.round(transformed_hermite_coefficients("He3(z)", "identity", degree=3), 6).tolist()
    [0.0, 0.0, 0.0, 2.44949]
    """
    from theorylab.symbolic.links import as_link

    lk = as_link(link)
    if lk.arity != 1:
        raise ValueError(f"link: must be single-index (arity 1), got arity {lk.arity}")
    T, _ = _label_transform(label_transform)
    noise_std = check_real(noise_std, "noise_std", low=0.0)
    degree = check_int(degree, "degree", minimum=0, maximum=20)
    z = np.linspace(-12.0, 12.0, 240001)
    w = np.exp(-(z**2) / 2) / math.sqrt(2 * math.pi) * (z[1] - z[0])
    w[[0, -1]] *= 0.5
    f = np.asarray(lk.numpy(z), dtype=float)
    if noise_std > 0:
        e, we = np.polynomial.hermite_e.hermegauss(64)
        we = we / math.sqrt(2 * math.pi)
        Ty = np.zeros_like(z)
        for ei, wi in zip(e, we, strict=True):
            Ty += wi * np.asarray(T(f + noise_std * ei), dtype=float)
    else:
        Ty = np.asarray(T(f), dtype=float)
    out = np.empty(degree + 1)
    for k in range(degree + 1):
        hk = np.polynomial.hermite_e.hermeval(z, [0] * k + [1]) / math.sqrt(math.factorial(k))
        out[k] = float(np.sum(w * Ty * hk))
    return out


def _resolve_activation(
    spec: Any, teacher: Teacher, label_transform: Any, *, tol: float = 1e-3, degree: int = 4
) -> _Activation:
    if isinstance(spec, str) and spec in ("link", "auto"):
        if teacher.r != 1:
            raise ValueError(
                f"activation: {spec!r} needs a single-index teacher (r = 1), got r = {teacher.r}; "
                "pass an activation such as 'He2(z)' or 'relu(z)'"
            )
        if spec == "link":
            return _from_link(teacher.link, "link", is_link=True)
        c = transformed_hermite_coefficients(
            teacher.link, label_transform, noise_std=teacher.noise_std, degree=degree
        )
        scale = max(float(np.sqrt(np.sum(c[1:] ** 2))), 1e-300)
        for k in range(1, degree + 1):
            if abs(c[k]) > tol * scale and abs(c[k]) > 1e-8:
                return _hermite_activation(k, float(np.sign(c[k])))
        raise ValueError(
            f"activation: 'auto' found no Hermite degree 1..{degree} correlated with the transformed labels "
            f"of {teacher.link.text!r}; pass activation and label_transform explicitly"
        )
    return _from_link(spec, str(spec))


# ------------------------------------------------------------------------------------------ validation


def _check_teachers(teacher_or_teachers: Any, trials: int | None = None) -> list[Teacher]:
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


def _check_seeds(seeds: Any) -> list[np.random.SeedSequence]:
    if isinstance(seeds, (np.random.SeedSequence, numbers.Integral)) or not isinstance(seeds, Sequence):
        raise TypeError("seeds must be a sequence of SeedSequence or int, one per trial")
    if len(seeds) == 0:
        raise ValueError("seeds must not be empty")
    return [derive_seed(s) for s in seeds]


def _check_grid(n_grid: Any) -> np.ndarray:
    try:
        g = np.asarray(n_grid)
    except (TypeError, ValueError):
        raise TypeError("n_grid must be a 1-d array of increasing positive integers") from None
    if g.ndim != 1 or g.size == 0:
        raise ValueError(f"n_grid must be a non-empty 1-d array, got shape {g.shape}")
    if not (np.issubdtype(g.dtype, np.integer) or (np.issubdtype(g.dtype, np.floating) and np.all(g == np.round(g)))):
        raise TypeError("n_grid must hold integers")
    g = g.astype(np.int64)
    if g[0] < 1 or np.any(np.diff(g) <= 0):
        raise ValueError(f"n_grid must be strictly increasing and >= 1, got {g.tolist()}")
    return g


def _init_directions(seeds: list[np.random.SeedSequence], neurons: int, d: int, dtype: np.dtype) -> np.ndarray:
    """Gaussian matrices (trials, neurons, d) from each trial's initialisation seed (normalised by the caller)."""
    return np.stack(
        [np.random.default_rng(derive_seed(s, INIT_KEY, 0)).standard_normal((neurons, d)) for s in seeds]
    ).astype(dtype)


# ------------------------------------------------------------------------------------------------ metrics


def _excess_risk_link(link_sigma: Callable, m: np.ndarray) -> np.ndarray:
    """E[(σ(z1) - σ(m z1 + √(1-m²) z2))²] by a 2-d Gauss-Hermite rule (exact for polynomials up to degree 79)."""
    x, wx = np.polynomial.hermite_e.hermegauss(_GH_NODES)
    wx = wx / math.sqrt(2 * math.pi)
    Z1, Z2 = np.meshgrid(x, x, indexing="ij")
    Wt = np.outer(wx, wx)
    target = np.asarray(link_sigma(Z1), dtype=float)
    flat = np.asarray(m, dtype=float).ravel()
    out = np.empty_like(flat)
    for i, mi in enumerate(flat):
        s = math.sqrt(max(0.0, 1.0 - mi * mi))
        pred = np.asarray(link_sigma(mi * Z1 + s * Z2), dtype=float)
        out[i] = float(np.sum(Wt * (target - pred) ** 2))
    return out.reshape(np.shape(m))


def _metrics(
    W: np.ndarray, teachers: list[Teacher], masks: np.ndarray | None, act: _Activation
) -> dict[str, np.ndarray]:
    """W: (trials, checkpoints, neurons, d); masks: (trials, checkpoints, d) or None."""
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
        out["excess_risk"] = _excess_risk_link(act.sigma, overlap)
    else:
        out["excess_risk"] = np.full((T, K), np.nan)
    return {k: np.asarray(out[k], dtype=float) for k in METRICS}


# ------------------------------------------------------------------------------------------------ pruning


_PRUNE_OPTIONS = ("m", "c", "k")


def _make_pruners(
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


def _masks(pruners: list[Any]) -> np.ndarray:
    return np.stack([p.result().mask for p in pruners])


# ---------------------------------------------------------------------------------------------- online SGD


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
    seeds_ = _check_seeds(seeds)
    teachers_ = _check_teachers(teachers, len(seeds_))
    grid = _check_grid(n_grid)
    d = teachers_[0].d
    if k_star is None:
        k_star = 2
    k_star = check_int(k_star, "k_star", minimum=1)
    if delta is not None:
        delta = check_real(delta, "delta", low=0.0, low_open=True)
    loss = check_choice(loss, "loss", LOSSES)
    T_fn, _ = _label_transform(label_transform)
    neurons = check_int(neurons, "neurons", minimum=1)
    chunk_size = check_int(chunk_size, "chunk_size", minimum=1)
    dt = check_dtype(dtype)
    half = False
    if prune is not None:
        prune = check_choice(prune, "prune", _PRUNE_STRATEGIES)
        if n_prune is None or (isinstance(n_prune, str) and n_prune == "half"):
            half = True
            if grid[0] < 2:
                raise ValueError("n_grid: with n_prune='half' every checkpoint must be >= 2")
        else:
            n_prune = check_int(n_prune, "n_prune", minimum=1)
            if n_prune >= grid[-1]:
                raise ValueError(f"n_prune must be < the last checkpoint {int(grid[-1])}, got {n_prune}")
    elif n_prune is not None:
        raise ValueError("n_prune is only used with prune")
    act = _resolve_activation(activation, teachers_[0], label_transform)
    trials = len(seeds_)
    G0 = _init_directions(seeds_, neurons, d, dt)

    def step_for(mask: np.ndarray | None) -> Any:
        # the learner lives on the sphere of R^J: Ben Arous et al.'s N is d_J = |J| (d without pruning)
        d_J = d if mask is None else max(2, int(mask.sum(axis=-1).max()))
        return dt.type((default_delta(d_J, k_star) if delta is None else delta) / d_J)

    snaps = np.empty((trials, grid.size, neurons, d), dtype=dt)
    masks_out = None
    bar = None
    if progress:
        from tqdm.auto import tqdm

        total = int(np.sum(grid - grid // 2)) if half else int(grid[-1]) - (0 if prune is None else n_prune)
        bar = tqdm(total=total, desc="online SGD", unit="sample")
    run = dict(act=act, loss=loss, T_fn=T_fn, chunk_size=chunk_size, dt=dt, bar=bar)
    if prune is None:
        W = sphere_on_support(G0, None).astype(dt, copy=False)
        snaps[:] = _sgd_pass(W, teachers_, seeds_, 0, grid, eta=step_for(None), mask=None, **run)
    elif not half:
        pruners = _make_pruners(prune, teachers_, seeds_, M, k_star, prune_options, dt)
        mask = _prune_at(pruners, teachers_, seeds_, np.array([n_prune]), chunk_size, dt)[:, 0]
        W = sphere_on_support(G0, mask[:, None, :]).astype(dt, copy=False)
        snaps[:] = _sgd_pass(W, teachers_, seeds_, n_prune, grid, eta=step_for(mask), mask=mask, **run)
        masks_out = np.broadcast_to(mask[:, None, :], (trials, grid.size, d))
    else:
        pruners = _make_pruners(prune, teachers_, seeds_, M, k_star, prune_options, dt)
        masks_out = _prune_at(pruners, teachers_, seeds_, grid // 2, chunk_size, dt)
        for k, nk in enumerate(grid.tolist()):
            mask = masks_out[:, k]
            W = sphere_on_support(G0, mask[:, None, :]).astype(dt, copy=False)
            snaps[:, k] = _sgd_pass(
                W, teachers_, seeds_, nk // 2, grid[k : k + 1], eta=step_for(mask), mask=mask, **run
            )[:, 0]
    if bar is not None:
        bar.close()
    out = _metrics(snaps, teachers_, masks_out, act)
    if return_weights:
        out["W"] = snaps
    return out


def _prune_at(
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
                out[:, k] = _masks(pruners)
                k += 1
    return out


def _sgd_pass(
    W: np.ndarray,
    teachers: list[Teacher],
    seeds: list[np.random.SeedSequence],
    start: int,
    grid: np.ndarray,
    *,
    eta: Any,
    mask: np.ndarray | None,
    act: _Activation,
    loss: str,
    T_fn: Callable,
    chunk_size: int,
    dt: np.dtype,
    bar: Any,
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
    for X, y in stream_trials(teachers, seeds, int(grid[-1]), chunk_size, start=start, dtype=dt):
        if mask is not None:
            X = X * mask[:, None, :]
        Ty = np.asarray(T_fn(y), dtype=dt) * dt.type(act.sign)
        B = X.shape[1]
        i = 0
        while i < B:
            stop = min(B, i + int(grid[k]) - pos)
            _sgd_steps(W, X[:, i:stop], Ty[:, i:stop], act, loss, eta, pos)
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
    W: np.ndarray, X: np.ndarray, Ty: np.ndarray, act: _Activation, loss: str, eta: Any, pos: int
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


# ------------------------------------------------------------------------------------------- GD with reuse


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
    seeds_ = _check_seeds(seeds)
    teachers_ = _check_teachers(teachers, len(seeds_))
    grid = _check_grid(n_grid)
    d = teachers_[0].d
    if k_star is not None:
        k_star = check_int(k_star, "k_star", minimum=1)
    steps = default_gd_steps(max(d, 2)) if steps is None else check_int(steps, "steps", minimum=1)
    if eta is not None:
        eta = check_real(eta, "eta", low=0.0, low_open=True)
    loss = check_choice(loss, "loss", LOSSES)
    T_fn, _ = _label_transform(label_transform)
    neurons = check_int(neurons, "neurons", minimum=1)
    chunk_size = check_int(chunk_size, "chunk_size", minimum=1)
    max_bytes = check_int(max_bytes, "max_bytes", minimum=1)
    dt = check_dtype(dtype)
    if prune is not None:
        prune = check_choice(prune, "prune", _PRUNE_STRATEGIES)
    act = _resolve_activation(activation, teachers_[0], label_transform)
    trials = len(seeds_)
    n_max = int(grid[-1])
    group = max(1, min(trials, max_bytes // max(1, n_max * (d + 1) * dt.itemsize)))

    snaps = np.empty((trials, grid.size, neurons, d), dtype=dt)
    masks_all = None if prune is None else np.empty((trials, grid.size, d), dtype=bool)
    G0 = _init_directions(seeds_, neurons, d, dt)
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=trials * grid.size, desc="GD with reuse", unit="trial·checkpoint")
    for g0 in range(0, trials, group):
        sl = slice(g0, min(trials, g0 + group))
        tch, sds = teachers_[sl], seeds_[sl]
        pruners = None if prune is None else _make_pruners(prune, tch, sds, M, k_star, prune_options, dt)
        aug = pruners is not None and any(p.augment for p in pruners)
        Xbuf = np.empty((len(tch), n_max, d + 1 if aug else d), dtype=dt)
        ybuf = np.empty((len(tch), n_max), dtype=dt)
        filled = 0
        for k, nk in enumerate(grid.tolist()):
            for X, y in stream_trials(tch, sds, nk, chunk_size, start=filled, augment=aug, dtype=dt):
                b = X.shape[1]
                Xbuf[:, filled : filled + b] = X
                ybuf[:, filled : filled + b] = y
                if pruners is not None:  # streaming partial sums: J of the first nk samples
                    for t, p in enumerate(pruners):
                        p.update(X[t], y[t])
                filled += b
            Xk, yk = Xbuf[:, :nk, :d], ybuf[:, :nk]
            mask = None
            if pruners is not None:
                mask = _masks(pruners)
                masks_all[sl, k] = mask
            W = sphere_on_support(G0[sl], None if mask is None else mask[:, None, :]).astype(dt, copy=False)
            d_J = d if mask is None else max(1, int(mask.sum(axis=-1).max()))
            eta_k = eta if eta is not None else 1.0 / (2.0 * (1.0 + 2.0 * math.sqrt(d_J / nk)))
            Ty = np.asarray(T_fn(yk), dtype=dt)
            Ty = (Ty - Ty.mean(axis=1, keepdims=True)) * dt.type(act.sign)
            _gd_steps(W, Xk, Ty, act, loss, dt.type(eta_k), steps, mask)
            snaps[sl, k] = W
            if bar is not None:
                bar.update(len(tch))
        del Xbuf, ybuf
    if bar is not None:
        bar.close()
    out = _metrics(snaps, teachers_, masks_all, act)
    if return_weights:
        out["W"] = snaps
    return out


def _gd_steps(
    W: np.ndarray,
    X: np.ndarray,
    Ty: np.ndarray,
    act: _Activation,
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


# ------------------------------------------------------------------------------------------- entry point


def run_baseline(
    method: str,
    teacher_or_teachers: Any,
    *,
    n_grid: Any,
    seeds: Sequence[Any],
    d: int | None = None,
    r: int | None = None,
    k_star: int | None = None,
    prune: str | None = None,
    M: int | None = None,
    progress: bool = False,
    **options: Any,
) -> dict[str, np.ndarray]:
    """Run a baseline for all trials and return its metrics (trials × checkpoints).

    Parameters
    ----------
    method : {"online_sgd", "gd_reuse"}
    teacher_or_teachers : Teacher or sequence of Teacher
        One per trial, or one shared by all.
    n_grid : array of int
        Strictly increasing checkpoints.
    seeds : sequence of SeedSequence or int
        One per trial.
    d, r : int, optional
        When given, checked against the teachers.
    k_star : int, optional
        Information exponent (online SGD's default step size; passed to pruning).
    prune : str or None
        Pruning strategy ("paper", "oracle", "hermite", "magnitude", "random", "none") or None.
    M : int, optional
        Pruning level.
    progress : bool
    **options
        Keyword arguments of :func:`online_sgd` or :func:`gd_reuse`.

    Returns
    -------
    dict
        Metric name -> array (trials, len(n_grid)).

    Examples
    --------
    >>> import numpy as np
    >>> from theorylab.numeric.teachers import Teacher
    >>> run_baseline("adam", Teacher("z", np.eye(4)[:, :1]), n_grid=[10], seeds=[0])
    Traceback (most recent call last):
    ...
    ValueError: unknown method 'adam'; choose one of 'online_sgd', 'gd_reuse'
    """
    method = check_choice(method, "method", METHODS)
    seeds_ = _check_seeds(seeds)
    teachers_ = _check_teachers(teacher_or_teachers, len(seeds_) if isinstance(teacher_or_teachers, Teacher) else None)
    if len(teachers_) != len(seeds_):
        raise ValueError(f"seeds: expected {len(teachers_)} seeds (one per teacher), got {len(seeds_)}")
    if d is not None and check_int(d, "d", minimum=1) != teachers_[0].d:
        raise ValueError(f"d = {d} does not match the teachers' dimension {teachers_[0].d}")
    if r is not None and check_int(r, "r", minimum=1) != teachers_[0].r:
        raise ValueError(f"r = {r} does not match the teachers' r = {teachers_[0].r}")
    if M is not None:
        M = check_int(M, "M", minimum=1, maximum=teachers_[0].d)
    fn = online_sgd if method == "online_sgd" else gd_reuse
    return fn(teachers_, seeds_, n_grid=n_grid, k_star=k_star, prune=prune, M=M, progress=progress, **options)
