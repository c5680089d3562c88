"""Activations σ and label transformations T(y) of the spherical baselines (online SGD, GD with reuse).

Why a label transformation. One-pass (and correlational) methods are limited by the information exponent
(CSQ); Damian, Pillaud-Vivien, Lee and Bruna (2024) show that algorithms that may transform labels (SQ,
low-degree) need and achieve n ≍ d^{k_gen/2} + d/ε², with k_gen the generative exponent, k_gen <= 2 for
polynomial links (He3: k* = 3 but k_gen = 1, so n ≍ d). Multi-pass GD with the identity labels and σ = σ*
(``label_transform="identity", activation="link"``) is still a tensor-power-type method; with σ* = He3 its
median alignment at n = 32 d was 0.63, 0.45, 0.30 for d = 32, 64, 128 (falling with d), against 0.92-0.93
with the default T = sign (16 trials).

``activation="auto"`` (:func:`resolve_activation`): σ = h_k, the orthonormal Hermite polynomial of the lowest
degree k with c_k = E[T(y) h_k(z)] ≠ 0 (:func:`transformed_hermite_coefficients`), and the sign s = sign(c_k)
multiplying the labels, so that the population loss -|c_k| m^k is minimised at |m| = 1.
E[sign(He3(z)) z] = 2φ(0)(2e^{-3/2} - 1) ≈ -0.442, so for He3 T = sign works at n ≍ d.

Examples
--------
>>> act = resolve_activation("auto", __import__("theorylab.numeric.teachers").numeric.teachers.Teacher(
...     "He3(z)", np.eye(4)[:, :1]), "sign")
>>> act.name, act.sign
('h1', -1.0)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy

from theorylab._quadrature import gauss_hermite, orthonormal_hermite
from theorylab._validation import check_choice, check_int, check_real
from theorylab.numeric.teachers import Teacher

__all__ = [
    "LABEL_TRANSFORMS",
    "Activation",
    "activation_from_link",
    "hermite_activation",
    "label_transform_fn",
    "resolve_activation",
    "transformed_hermite_coefficients",
]

#: Named label transformations T(y).
LABEL_TRANSFORMS = ("identity", "sign", "abs", "square")

_TRANSFORMS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "identity": lambda y: y,
    "sign": np.sign,
    "abs": np.abs,
    "square": np.square,
}


def label_transform_fn(spec: Any) -> tuple[Callable[[np.ndarray], np.ndarray], str]:
    """The label transformation T named by ``spec`` (one of :data:`LABEL_TRANSFORMS`, or a callable) and its name.

    Examples
    --------
    >>> T, name = label_transform_fn("sign")
    >>> T(np.array([-2.0, 3.0])).tolist(), name
    ([-1.0, 1.0], 'sign')
    """
    if callable(spec) and not isinstance(spec, str):
        return spec, getattr(spec, "__name__", "callable")
    name = check_choice(spec, "label_transform", LABEL_TRANSFORMS)
    return _TRANSFORMS[name], name


def compile_1d(expr: sympy.Expr, var: sympy.Symbol, what: str) -> Callable[[np.ndarray], np.ndarray]:
    """A fast vectorised evaluator of ``expr`` in ``var``: Horner for polynomials, the link compiler otherwise.

    Examples
    --------
    >>> z = sympy.Symbol("z")
    >>> compile_1d(z**2 - 1, z, "He2")(np.array([2.0])).tolist()
    [3.0]
    """
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


@dataclass(frozen=True)
class Activation:
    """σ and σ' of a student as vectorised callables.

    Attributes
    ----------
    sigma, dsigma : callable
        σ and its derivative, applied elementwise to arrays.
    name : str
    sign : float
        s, multiplying the (transformed) labels: the sign that makes |m| = 1 the population minimiser.
    is_link : bool
        σ is the teacher's own link σ* (then the excess risk is reported).
    affine : bool
        σ' is constant: the correlation-loss gradient does not depend on w.
    """

    sigma: Callable[[np.ndarray], np.ndarray]
    dsigma: Callable[[np.ndarray], np.ndarray]
    name: str
    sign: float = 1.0
    is_link: bool = False
    affine: bool = False


def activation_from_link(link: Any, name: str, *, is_link: bool = False) -> Activation:
    """σ from a single-variable link (str, SymPy, callable); σ' exact, or by central differences for callables.

    Examples
    --------
    >>> act = activation_from_link("z**2", "square")
    >>> act.sigma(np.array([3.0])).tolist(), act.dsigma(np.array([3.0])).tolist()
    ([9.0], [6.0])
    """
    from theorylab.symbolic.links import as_link

    try:
        lk = as_link(link)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"activation: cannot read {link!r}: {exc}") from None
    if lk.arity != 1:
        raise ValueError(f"activation: must be a function of one variable, got arity {lk.arity}")
    if lk.expr is None:  # plain callable: central differences
        f = lk.func
        assert f is not None  # a Link without an expression always holds the callable
        h = 1e-6

        def df(t: np.ndarray) -> np.ndarray:
            return (np.asarray(f(t + h)) - np.asarray(f(t - h))) / (2 * h)

        return Activation(f, df, name, is_link=is_link)
    var = lk.variables[0]
    sigma = compile_1d(lk.expr, var, lk.text)
    deriv = sympy.diff(lk.expr, var)
    dsigma = compile_1d(deriv, var, lk.text)
    return Activation(sigma, dsigma, name, is_link=is_link, affine=not deriv.has(var))


def hermite_activation(k: int, sign: float) -> Activation:
    """σ = h_k = He_k/√k!, with the label sign ``sign``.

    Examples
    --------
    >>> hermite_activation(2, 1.0).sigma(np.array([1.0])).tolist()  # (1 - 1)/√2
    [0.0]
    """
    z = sympy.Symbol("z", real=True)
    hk = sympy.hermite_prob(k, z) / sympy.sqrt(sympy.factorial(k))
    return Activation(
        compile_1d(hk, z, f"h{k}"), compile_1d(sympy.diff(hk, z), z, f"h{k}"), f"h{k}", sign=sign, affine=k == 1
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
    T, _ = label_transform_fn(label_transform)
    noise_std = check_real(noise_std, "noise_std", low=0.0)
    degree = check_int(degree, "degree", minimum=0, maximum=20)
    z = np.linspace(-12.0, 12.0, 240001)
    w = np.exp(-(z**2) / 2) / math.sqrt(2 * math.pi) * (z[1] - z[0])
    w[[0, -1]] *= 0.5
    f = np.asarray(lk.numpy(z), dtype=float)
    if noise_std > 0:
        e, we = gauss_hermite(64)
        Ty = np.zeros_like(z)
        for ei, wi in zip(e, we, strict=True):
            Ty += wi * np.asarray(T(f + noise_std * ei), dtype=float)
    else:
        Ty = np.asarray(T(f), dtype=float)
    return np.asarray(orthonormal_hermite(z, degree) @ (w * Ty), dtype=float)


def resolve_activation(
    spec: Any, teacher: Teacher, label_transform: Any, *, tol: float = 1e-3, degree: int = 4
) -> Activation:
    """The student's σ: ``"link"`` (σ = σ*), ``"auto"`` (h_k for the lowest k correlated with T(y)), or a link.
    """
    if isinstance(spec, str) and spec in ("link", "auto"):
        if teacher.r != 1:
            raise ValueError(
                f"activation: {spec!r} needs a single-index teacher (r = 1), got r = {teacher.r}; "
                "pass an activation such as 'He2(z)' or 'relu(z)'"
            )
        if spec == "link":
            return activation_from_link(teacher.link, "link", is_link=True)
        c = transformed_hermite_coefficients(
            teacher.link, label_transform, noise_std=teacher.noise_std, degree=degree
        )
        scale = max(float(np.sqrt(np.sum(c[1:] ** 2))), 1e-300)
        for k in range(1, degree + 1):
            if abs(c[k]) > tol * scale and abs(c[k]) > 1e-8:
                return hermite_activation(k, float(np.sign(c[k])))
        raise ValueError(
            f"activation: 'auto' found no Hermite degree 1..{degree} correlated with the transformed labels "
            f"of {teacher.link.text!r}; pass activation and label_transform explicitly"
        )
    return activation_from_link(spec, str(spec))

