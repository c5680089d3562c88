"""Predicted sample complexities n(d) of the methods the paper compares (THEORY.md §6-7).

Every rate is a :class:`Rate`: a SymPy expression in the positive symbol :data:`d`, the power of d
(``exponent``), the power of log d its source states (``log_power``), the source (paper, theorem, page) and the
conditions under which it holds. ``Õ``/``Ω̃`` rates whose source hides polylog factors carry ``log_power = 0``
and say so in ``conditions``.

Examples
--------
>>> rates = predicted_rates(k_star=2, alpha=0.25)
>>> {name: rate.exponent for name, rate in rates.items()}
{'pruned': 0.5, 'dense': 2.0, 'csq_sparse': 0.5, 'csq_dense': 1.0, 'online_sgd': 1.0, 'smoothed_sgd': 1.0}
>>> rates["online_sgd"].expression
d*log(d)**2
>>> round(rates["online_sgd"].local_slope(100, 10_000), 3)  # 1 + 2 log 2 / log 100
1.301
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy

from theorylab._validation import check_alpha, check_choice, check_int, check_real
from theorylab.symbolic.csq import as_exact_number

__all__ = ["Rate", "RATES", "RATE_NAMES", "d", "predicted_rate", "predicted_rates"]

#: The dimension, a positive SymPy symbol; every Rate.expression is written in it.
d = sympy.Symbol("d", positive=True)

#: The registered rates: name -> (exponent formula as text, what it describes).
RATES: dict[str, tuple[str, str]] = {
    "pruned": ("α k*  (r >= 2: 2α)", "pruned network, Algorithm 2 / 2+ (Thm 4, 5)"),
    "dense": ("k*  (r >= 2: 2)", "the same network without pruning (M = d)"),
    "csq_sparse": ("min(α, 1/2) k*", "CSQ lower bound with ℓ_q sparsity (Thm 2)"),
    "csq_dense": ("k*/2", "CSQ lower bound without sparsity = basis-independent learners"),
    "online_sgd": ("max(1, k* - 1)  (+ log² d for k* >= 2)", "online SGD on the sphere (Ben Arous et al. 2021)"),
    "smoothed_sgd": ("max(1, k*/2)", "online SGD on a smoothed loss (Damian et al. 2023)"),
    "sq": ("k_gen/2", "SQ / low-degree lower bound via the generative exponent (Damian et al. 2024)"),
    "sq_reuse": ("max(1, k_gen/2)", "sample reuse / label transformation, the matching SQ upper bound (Damian et al. 2024)"),
}
RATE_NAMES: tuple[str, ...] = tuple(RATES)


@dataclass(frozen=True)
class Rate:
    """A predicted sample complexity n(d) = expression.

    Attributes
    ----------
    name : str
    expression : sympy.Expr
        In the positive symbol :data:`d`.
    exponent : float
        The power of d (logs excluded).
    log_power : float
        The power of log d the source states (0 when it hides polylogs in Õ).
    source : str
        Paper, theorem and page.
    conditions : str
        When the rate applies.
    """

    name: str
    expression: sympy.Expr
    exponent: float
    log_power: float
    source: str
    conditions: str

    def evaluate(self, d_value: Any) -> float | np.ndarray:
        """n at dimension ``d_value`` (a number >= 2 or an array of them).

        Examples
        --------
        >>> predicted_rate("dense", 2).evaluate(100)
        10000.0
        """
        if np.ndim(d_value) > 0:
            return np.array([self.evaluate(v) for v in np.ravel(d_value)]).reshape(np.shape(d_value))
        dv = check_real(d_value, "d", low=1.0, low_open=True)
        value = self.expression.subs(d, as_exact_number(dv, "d"))
        return float(sympy.N(value, 30))

    def _log_n(self, dv: float) -> float:
        value = self.expression.subs(d, as_exact_number(dv, "d"))
        return float(sympy.N(sympy.log(value), 30))

    def local_slope(self, d_min: float, d_max: float) -> float:
        """The secant slope (log n(d_max) - log n(d_min)) / (log d_max - log d_min), logs included.

        Equivalently d log n / d log d averaged over [d_min, d_max] in log d.

        Examples
        --------
        >>> predicted_rate("dense", 3).local_slope(10, 1000)
        3.0
        """
        lo = check_real(d_min, "d_min", low=1.0, low_open=True)
        hi = check_real(d_max, "d_max", low=1.0, low_open=True)
        if hi <= lo:
            raise ValueError(f"d_max must be > d_min, got d_min = {lo:g}, d_max = {hi:g}")
        return (self._log_n(hi) - self._log_n(lo)) / (math.log(hi) - math.log(lo))

    def __str__(self) -> str:
        return f"{self.name}: n ≍ {self.expression}  [{self.source}]"


def _power(exponent: sympy.Expr, log_power: int = 0) -> sympy.Expr:
    expr = d**exponent
    if log_power:
        expr = expr * sympy.log(d) ** log_power
    return expr


def predicted_rate(
    name: str, k_star: int, alpha: Any = None, r: int = 1, k_gen: int | None = None
) -> Rate:
    """The predicted sample complexity ``name`` for information exponent ``k_star``.

    Parameters
    ----------
    name : {"pruned", "dense", "csq_sparse", "csq_dense", "online_sgd", "smoothed_sgd", "sq", "sq_reuse"}
    k_star : int >= 1
        The information exponent k* (for r >= 2 the lowest non-zero Hermite degree).
    alpha : float in (0, 1), optional
        The sparsity exponent; required for "pruned" and "csq_sparse".
    r : int, default 1
        The number of directions; "online_sgd" and "smoothed_sgd" are single-index (r = 1) results.
    k_gen : int, optional
        The generative exponent; required for "sq".

    Examples
    --------
    >>> predicted_rate("pruned", 3, alpha=0.25).expression
    d**(3/4)
    >>> predicted_rate("pruned", 2, alpha=0.25, r=2).exponent
    0.5
    >>> predicted_rate("online_sgd", 4).expression
    d**3*log(d)**2
    >>> predicted_rate("sq", 3)
    Traceback (most recent call last):
    ...
    ValueError: k_gen is required for the rate 'sq'
    """
    name = check_choice(name, "name", RATE_NAMES)
    k = check_int(k_star, "k_star", minimum=1)
    r = check_int(r, "r", minimum=1)
    a = None if alpha is None else as_exact_number(check_alpha(alpha), "alpha")
    if k_gen is not None:
        k_gen = check_int(k_gen, "k_gen", minimum=1)
    if name in ("pruned", "csq_sparse") and a is None:
        raise ValueError(f"alpha is required for the rate {name!r}")
    if name in ("online_sgd", "smoothed_sgd") and r != 1:
        raise ValueError(f"r: the rate {name!r} is a single-index (r = 1) result, got r = {r}")
    half = sympy.Rational(1, 2)
    log_power = 0
    if name == "pruned":
        if r == 1:
            exponent = a * k
            source = "Vural & Erdogdu 2024, Theorem 4, p. 9"
            conditions = (
                "single-index, ‖V‖_{2,q}^q = Θ(d^{(1-q/2)α}), M = Õ(d^α), m = Θ(d^ε), c = 1/log d; Õ hides "
                "polylog factors (Lemma 34: the shift c costs (log d)^{2(k*-1)}); d >= d_{ℓ,ε}"
            )
        else:
            exponent = 2 * a
            source = "Vural & Erdogdu 2024, Theorem 5, p. 10"
            conditions = (
                "multi-index, Assumption 1 (E[σ z zᵀ] full rank), Algorithm 2+, M = Õ(d^α); Õ hides polylogs"
            )
    elif name == "dense":
        exponent = sympy.Integer(k if r == 1 else 2)
        source = (
            "Vural & Erdogdu 2024, pp. 9-10 (Algorithm 2 with M = d); Bietti et al. 2022"
            if r == 1
            else "Vural & Erdogdu 2024, p. 10; Damian, Lee, Soltanolkotabi 2022, Theorem 1 (n ≳ d² r κ² + d r^p)"
        )
        conditions = "one large gradient step without pruning; Õ hides polylog factors"
    elif name == "csq_sparse":
        exponent = sympy.Min(a, half) * k
        source = "Vural & Erdogdu 2024, Theorem 2, p. 6 (Theorem 47 and eq. G.1, App. G, p. 65)"
        conditions = (
            "lower bound for CSQ algorithms on F_{r,k} with polynomially many queries, τ ≈ 1/√n; "
            "(G.1) allows a 1/log^k d factor; d large enough"
        )
    elif name == "csq_dense":
        exponent = half * k
        source = "Damian, Lee, Soltanolkotabi 2022; Abbe, Boix-Adserà, Misiakiewicz 2023; Vural & Erdogdu 2024, p. 6"
        conditions = (
            "CSQ lower bound without sparsity; also the worst case of basis-independent learners "
            "(argued in words, Vural & Erdogdu §3 and §7, no theorem)"
        )
    elif name == "online_sgd":
        if k == 1:
            exponent = sympy.Integer(1)
            conditions = "n ≫ d (α_N → ∞ with α_N = n/d); spherical online SGD, random initialisation"
        elif k == 2:
            exponent, log_power = sympy.Integer(1), 2
            conditions = "n ≫ d log² d: α_N ≫ α_c(N,2) log N = log² N; fails for n ≪ d log d (Thm 1.4)"
        else:
            exponent, log_power = sympy.Integer(k - 1), 2
            conditions = (
                f"n ≫ d^{k - 1} log² d: α_N ≫ α_c(N,k) (log N)² with α_c = N^(k-2); fails for n ≪ d^{k - 1} (Thm 1.4)"
            )
        source = "Ben Arous, Gheissari, Jagannath 2021, Theorem 1.3 and eq. (1.6), pp. 7-8"
    elif name == "smoothed_sgd":
        exponent = sympy.Max(sympy.Integer(1), half * k)
        source = "Damian, Nichani, Ge, Lee 2023 (smoothed online SGD), abstract; cited in Vural & Erdogdu 2024, p. 10"
        conditions = "online SGD on a smoothed loss; matches the dense CSQ bound d^{k*/2} for k* >= 3, d otherwise; polylogs hidden"
    elif name == "sq_reuse":
        if k_gen is None:
            raise ValueError("k_gen is required for the rate 'sq_reuse'")
        exponent = sympy.Max(sympy.Integer(1), half * k_gen)
        source = "Damian, Pillaud-Vivien, Lee, Bruna 2024, Theorem 2 (informal), p. 1: n ≳ d^{k_gen/2} + d/ε²"
        conditions = (
            "what an algorithm that reuses samples or transforms labels attains: the SQ lower bound d^{k_gen/2} "
            "plus the d/ε² cost of estimating a direction, so d for k_gen <= 2; polylogs hidden"
        )
    else:  # "sq"
        if k_gen is None:
            raise ValueError("k_gen is required for the rate 'sq'")
        exponent = half * k_gen
        source = "Damian, Pillaud-Vivien, Lee, Bruna 2024, Theorems 1-2 (informal), p. 1"
        conditions = (
            "SQ and low-degree lower bound Ω̃(d^{k_gen/2}), matched by a partial-trace algorithm "
            "(n ≳ d^{k_gen/2} + d/ε²); covers label transformations and sample reuse"
        )
    exponent = sympy.nsimplify(exponent) if not exponent.is_Rational else exponent
    return Rate(
        name=name,
        expression=_power(exponent, log_power),
        exponent=float(exponent),
        log_power=float(log_power),
        source=source,
        conditions=conditions,
    )


def predicted_rates(
    k_star: int, alpha: Any = None, r: int = 1, k_gen: int | None = None
) -> dict[str, Rate]:
    """All rates that apply: those needing ``alpha`` only when it is given, "sq" only with ``k_gen``,
    the online-SGD rates only for r = 1.

    Examples
    --------
    >>> list(predicted_rates(3, 0.25, k_gen=1))
    ['pruned', 'dense', 'csq_sparse', 'csq_dense', 'online_sgd', 'smoothed_sgd', 'sq', 'sq_reuse']
    >>> list(predicted_rates(2, 0.5, r=2))
    ['pruned', 'dense', 'csq_sparse', 'csq_dense']
    """
    k_star = check_int(k_star, "k_star", minimum=1)
    r = check_int(r, "r", minimum=1)
    if alpha is not None:
        check_alpha(alpha)
    out: dict[str, Rate] = {}
    for name in RATE_NAMES:
        if name in ("pruned", "csq_sparse") and alpha is None:
            continue
        if name in ("online_sgd", "smoothed_sgd") and r != 1:
            continue
        if name in ("sq", "sq_reuse") and k_gen is None:
            continue
        out[name] = predicted_rate(name, k_star, alpha=alpha, r=r, k_gen=k_gen)
    return out
