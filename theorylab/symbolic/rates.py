"""Predicted sample complexities n(d, s) of the methods the paper compares (THEORY.md §6-7): the registry of rates.

Every rate is a :class:`Rate`. Its ``law`` is a SymPy expression in the positive symbols :data:`d` (dimension)
and :data:`s` (effective sparsity); ``expression`` is the law along a d-scan at fixed α (s = d^α). A rate states

* ``exponent``: the power of d along a d-scan (logs excluded), and ``s_exponent``: the power of s at fixed d
  (0 for every basis-independent rate: its law is the same for every V with the same r);
* ``log_power``: the power of log d its source states;
* ``hidden_logs`` ``(γ_min, γ_max)``: the unstated factor (log d)^γ its source allows (``Õ`` upper bounds hide
  γ >= 0, ``Ω̃`` lower bounds γ <= 0), and ``hidden_logs_source``: where (theorem, lemma, equation);
* ``formula`` (the exponent as text), ``label`` (for tables and figures), ``source`` and ``conditions``.

Which rate each method is held to, and which rates it must be told apart from, is in
:mod:`theorylab.symbolic.methods`.

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

from theorylab._display import ShortRepr, html_summary
from theorylab._validation import check_alpha, check_choice, check_int, check_real
from theorylab.symbolic.csq import as_exact_number

__all__ = ["PRUNING_MARGIN", "Rate", "RATES", "RATE_LABELS", "RATE_NAMES", "d", "s", "predicted_rate", "predicted_rates"]

#: The dimension, a positive SymPy symbol; every Rate.expression is written in it.
d = sympy.Symbol("d", positive=True)
#: The effective sparsity s ≍ d^α (q = 0: the number of non-zero rows of V); Rate.law is written in d and s.
s = sympy.Symbol("s", positive=True)

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
#: Short names for tables and figure legends.
RATE_LABELS: dict[str, str] = {
    "pruned": "pruned (Thm 4/5)", "dense": "dense one-step", "csq_sparse": "CSQ sparse (Thm 2)",
    "csq_dense": "CSQ dense d^{k*/2}", "online_sgd": "online SGD", "smoothed_sgd": "smoothed SGD",
    "sq": "SQ d^{k_gen/2}", "sq_reuse": "sample reuse",
}


@dataclass(frozen=True, repr=False)
class Rate(ShortRepr):
    """A predicted sample complexity n(d) = expression (and n(d, s) = law).

    Attributes
    ----------
    name : str
    expression : sympy.Expr
        In the positive symbol :data:`d`, along a d-scan at fixed α (s = d^α substituted).
    exponent : float
        The power of d along a d-scan (logs excluded).
    log_power : float
        The power of log d the source states (0 when it hides polylogs in Õ).
    source : str
        Paper, theorem and page.
    conditions : str
        When the rate applies.
    law : sympy.Expr
        In :data:`d` and :data:`s` (free of ``s`` for a basis-independent rate).
    s_exponent : float
        The power of s at fixed d for s <= √d (0 when n does not depend on the support).
    hidden_logs : (float, float)
        ``(γ_min, γ_max)`` of the factor (log d)^γ the source leaves unstated.
    hidden_logs_source : str
        Where the source hides (or states) those logs.
    formula : str
        The exponent β of n ≍ d^β as text, for the case at hand.
    label : str
        A short name for tables and figure legends.
    """

    name: str
    expression: sympy.Expr
    exponent: float
    log_power: float
    source: str
    conditions: str
    law: sympy.Expr = sympy.Integer(1)
    s_exponent: float = 0.0
    hidden_logs: tuple[float, float] = (0.0, 0.0)
    hidden_logs_source: str = ""
    formula: str = ""
    label: str = ""

    def __post_init__(self) -> None:
        for field_name in ("expression", "law"):
            expr = getattr(self, field_name)
            if not isinstance(expr, sympy.Expr):
                raise TypeError(f"{field_name}: must be a SymPy expression, got {type(expr).__name__}")
            ours = {x: {"d": d, "s": s}[str(x)] for x in expr.free_symbols if str(x) in ("d", "s")}
            if ours:  # a symbol named d (or s) is theorylab's, whatever its assumptions
                object.__setattr__(self, field_name, expr.xreplace(ours))
        if self.law == 1 and self.expression != 1:
            object.__setattr__(self, "law", self.expression)

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

    def evaluate_s(self, s_value: float, d_value: float) -> float:
        """n at support size ``s_value`` and dimension ``d_value`` (the law at fixed d).

        Examples
        --------
        >>> predicted_rate("csq_sparse", 2, alpha=0.25).evaluate_s(64, 256)   # min(s, √d)^k = 16²
        256.0
        """
        dv = check_real(d_value, "d", low=1.0, low_open=True)
        sv = check_real(s_value, "s", low=1.0)
        value = self.law.subs({d: as_exact_number(dv, "d"), s: as_exact_number(sv, "s")})
        return float(sympy.N(value, 30))

    def local_slope_s(self, s_min: float, s_max: float, d_value: float) -> float:
        """The secant slope of log n against log s over ``[s_min, s_max]`` at fixed d.

        Every factor that depends on d alone (polylogs included) is a constant at fixed d and drops out.

        Examples
        --------
        >>> predicted_rate("pruned", 2, alpha=0.25).local_slope_s(4, 16, 256)
        2.0
        >>> predicted_rate("dense", 2).local_slope_s(4, 16, 256)
        0.0
        >>> round(predicted_rate("csq_sparse", 2, alpha=0.25).local_slope_s(4, 64, 256), 3)  # flat past √d = 16
        1.0
        """
        lo = check_real(s_min, "s_min", low=1.0)
        hi = check_real(s_max, "s_max", low=1.0)
        if hi <= lo:
            raise ValueError(f"s_max must be > s_min, got s_min = {lo:g}, s_max = {hi:g}")
        n_lo, n_hi = self.evaluate_s(lo, d_value), self.evaluate_s(hi, d_value)
        return (math.log(n_hi) - math.log(n_lo)) / (math.log(hi) - math.log(lo))

    def __str__(self) -> str:
        return f"{self.name}: n ≍ {self.expression}  [{self.source}]"

    def _latex(self, printer: Any) -> str:
        """``sympy.latex(rate)``: the law as mathematics."""
        return str(printer._print(self.law))  # __post_init__ makes law the expression when none was given

    def _repr_latex_(self) -> str:
        return f"$n \\asymp {sympy.latex(self.law)}$"

    def _summary(self) -> dict[str, Any]:
        return {"name": self.name, "expression": str(self.expression), "law": str(self.law),
                "exponent": self.exponent, "log_power": self.log_power, "s_exponent": self.s_exponent,
                "source": self.source}

    def _repr_html_(self) -> str:
        return html_summary("Rate", {"n ≍": self._repr_latex_(), **self._summary()})


def _power(exponent: sympy.Expr, log_power: int = 0) -> sympy.Expr:
    expr = d**exponent
    if log_power:
        expr = expr * sympy.log(d) ** log_power
    return expr


#: The pruning level M = s + PRUNING_MARGIN that Algorithm 1 keeps in theorylab (``numeric.training.default_M``).
#: Theorem 4 asks M = Õ(d^α) = Õ(s), and Lemma 34's sample size grows as M^{k*}: an s-scan at fixed d is therefore
#: fitted against M, where the pruned law is exactly M^{k*} (THEORY.md §8b: at small s, M = s + 2 is not ∝ s).
PRUNING_MARGIN = 2

_HALF = sympy.Rational(1, 2)
_UNSTATED = "no log power stated (Õ); theorylab allows up to (log d)^2 (THEORY.md §8)"


@dataclass(frozen=True)
class _Parts:
    """What a rate's builder states: the law in (d, s), its d-exponent at fixed α, logs, text."""

    law: sympy.Expr
    exponent: sympy.Expr
    formula: str
    source: str
    conditions: str
    log_power: int = 0
    hidden_logs: tuple[float, float] = (0.0, 2.0)
    hidden_logs_source: str = _UNSTATED
    s_exponent: float = 0.0  # the power of s at fixed d (s <= √d); 0 for a basis-independent rate


def _pruned(k: int, a: Any, r: int, k_gen: int | None) -> _Parts:
    power = k if r == 1 else 2
    shift = 2 * (k - 1)
    logs = (0.0, float(max(2, shift)))
    logs_src = (f"Lemma 34, eq. (E.4), p. 44: the shift c = 1/log d costs 1/c^(2(k*-1)) = (log d)^{shift}; "
                "the concentration steps add logs hidden in Õ; allowed (log d)^γ, γ in "
                f"[0, {logs[1]:g}]")
    if r == 1:
        return _Parts(s**k, a * k, "α k*", "Vural & Erdogdu 2024, Theorem 4, p. 9",
                      "single-index, ‖V‖_{2,q}^q = Θ(d^{(1-q/2)α}), M = Õ(d^α), m = Θ(d^ε), c = 1/log d; Õ hides "
                      "polylog factors; d >= d_{ℓ,ε}", hidden_logs=logs, hidden_logs_source=logs_src,
                      s_exponent=float(k))
    return _Parts(s**power, 2 * a, "2α", "Vural & Erdogdu 2024, Theorem 5, p. 10",
                  "multi-index, Assumption 1 (E[σ z zᵀ] full rank), Algorithm 2+, M = Õ(d^α); Õ hides polylogs",
                  hidden_logs=logs, hidden_logs_source=logs_src, s_exponent=2.0)


def _dense(k: int, a: Any, r: int, k_gen: int | None) -> _Parts:
    power = sympy.Integer(k if r == 1 else 2)
    source = ("Vural & Erdogdu 2024, pp. 9-10 (Algorithm 2 with M = d); Bietti et al. 2022" if r == 1 else
              "Vural & Erdogdu 2024, p. 10; Damian, Lee, Soltanolkotabi 2022, Theorem 1 (n ≳ d² r κ² + d r^p)")
    return _Parts(d**power, power, "k*" if r == 1 else "2", source,
                  "one large gradient step without pruning; Õ hides polylog factors")


def _csq_sparse(k: int, a: Any, r: int, k_gen: int | None) -> _Parts:
    return _Parts(sympy.Min(s, sympy.sqrt(d)) ** k, sympy.Min(a, _HALF) * k, "min(α, 1/2) k*",
                  "Vural & Erdogdu 2024, Theorem 2, p. 6 (Theorem 47 and eq. G.1, App. G, p. 65)",
                  "lower bound for CSQ algorithms on F_{r,k} with polynomially many queries, τ ≈ 1/√n; d large enough",
                  hidden_logs=(-float(k), 0.0),
                  hidden_logs_source=f"eq. (G.1), App. G, p. 65: the tolerance allows a 1/log^k d factor, γ in [-{k}, 0]",
                  s_exponent=float(k))


def _csq_dense(k: int, a: Any, r: int, k_gen: int | None) -> _Parts:
    return _Parts(d ** (_HALF * k), _HALF * k, "k*/2",
                  "Damian, Lee, Soltanolkotabi 2022; Abbe, Boix-Adserà, Misiakiewicz 2023; Vural & Erdogdu 2024, p. 6",
                  "CSQ lower bound without sparsity; also the worst case of basis-independent learners "
                  "(argued in words, Vural & Erdogdu §3 and §7, no theorem)",
                  hidden_logs=(-2.0, 0.0), hidden_logs_source="Ω̃: logs hidden by the sources; allowed γ in [-2, 0]")


def _online_sgd(k: int, a: Any, r: int, k_gen: int | None) -> _Parts:
    if r != 1:
        raise ValueError(f"r: the rate 'online_sgd' is a single-index (r = 1) result, got r = {r}")
    source = "Ben Arous, Gheissari, Jagannath 2021, Theorem 1.3 and eq. (1.6), pp. 7-8"
    if k == 1:
        return _Parts(d, sympy.Integer(1), "1 (n ≫ d)", source,
                      "n ≫ d (α_N → ∞ with α_N = n/d); spherical online SGD, random initialisation",
                      hidden_logs=(0.0, 1.0),
                      hidden_logs_source="Theorem 1.3, k* = 1: n/d → ∞ at any speed; allowed up to one log, γ in [0, 1]")
    if k == 2:
        return _Parts(d * sympy.log(d) ** 2, sympy.Integer(1), "1, × log² d", source,
                      "n ≫ d log² d: α_N ≫ α_c(N,2) log N = log² N; fails for n ≪ d log d (Thm 1.4)", log_power=2,
                      hidden_logs=(-1.0, 0.0),
                      hidden_logs_source="Theorems 1.3-1.4: succeeds for n ≫ d log² d, fails for n ≪ d log d; γ in [-1, 0]")
    return _Parts(d ** (k - 1) * sympy.log(d) ** 2, sympy.Integer(k - 1), "k* - 1, × log² d", source,
                  f"n ≫ d^{k - 1} log² d: α_N ≫ α_c(N,k) (log N)² with α_c = N^(k-2); fails for n ≪ d^{k - 1} (Thm 1.4)",
                  log_power=2, hidden_logs=(-2.0, 0.0),
                  hidden_logs_source=f"Theorems 1.3-1.4: succeeds for n ≫ d^{k - 1} log² d, fails for n ≪ d^{k - 1}; γ in [-2, 0]")


def _smoothed_sgd(k: int, a: Any, r: int, k_gen: int | None) -> _Parts:
    if r != 1:
        raise ValueError(f"r: the rate 'smoothed_sgd' is a single-index (r = 1) result, got r = {r}")
    exponent = sympy.Max(sympy.Integer(1), _HALF * k)
    return _Parts(d**exponent, exponent, "max(1, k*/2)",
                  "Damian, Nichani, Ge, Lee 2023 (smoothed online SGD), abstract; cited in Vural & Erdogdu 2024, p. 10",
                  "online SGD on a smoothed loss; matches the dense CSQ bound d^{k*/2} for k* >= 3, d otherwise; "
                  "polylogs hidden")


def _sq(k: int, a: Any, r: int, k_gen: int | None) -> _Parts:
    if k_gen is None:
        raise ValueError("k_gen is required for the rate 'sq'")
    return _Parts(d ** (_HALF * k_gen), _HALF * k_gen, "k_gen/2",
                  "Damian, Pillaud-Vivien, Lee, Bruna 2024, Theorems 1-2 (informal), p. 1",
                  "SQ and low-degree lower bound Ω̃(d^{k_gen/2}), matched by a partial-trace algorithm "
                  "(n ≳ d^{k_gen/2} + d/ε²); covers label transformations and sample reuse",
                  hidden_logs=(-2.0, 0.0), hidden_logs_source="Ω̃ (Theorem 1): logs hidden; allowed γ in [-2, 0]")


def _sq_reuse(k: int, a: Any, r: int, k_gen: int | None) -> _Parts:
    if k_gen is None:
        raise ValueError("k_gen is required for the rate 'sq_reuse'")
    exponent = sympy.Max(sympy.Integer(1), _HALF * k_gen)
    return _Parts(d**exponent, exponent, "max(1, k_gen/2)",
                  "Damian, Pillaud-Vivien, Lee, Bruna 2024, Theorem 2 (informal), p. 1: n ≳ d^{k_gen/2} + d/ε²",
                  "what an algorithm that reuses samples or transforms labels attains: the SQ lower bound d^{k_gen/2} "
                  "plus the d/ε² cost of estimating a direction, so d for k_gen <= 2; polylogs hidden")


#: How each registered rate is built from (k*, α, r, k_gen).
_BUILDERS = {
    "pruned": _pruned, "dense": _dense, "csq_sparse": _csq_sparse, "csq_dense": _csq_dense,
    "online_sgd": _online_sgd, "smoothed_sgd": _smoothed_sgd, "sq": _sq, "sq_reuse": _sq_reuse,
}
#: Rates that need α, k_gen, or a single direction.
_NEEDS_ALPHA = ("pruned", "csq_sparse")
_NEEDS_K_GEN = ("sq", "sq_reuse")
_SINGLE_INDEX = ("online_sgd", "smoothed_sgd")


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
        The generative exponent; required for "sq" and "sq_reuse".

    Examples
    --------
    >>> predicted_rate("pruned", 3, alpha=0.25).expression
    d**(3/4)
    >>> predicted_rate("pruned", 3, alpha=0.25).law
    s**3
    >>> predicted_rate("pruned", 2, alpha=0.25, r=2).exponent
    0.5
    >>> predicted_rate("online_sgd", 4).expression
    d**3*log(d)**2
    >>> predicted_rate("online_sgd", 2).hidden_logs
    (-1.0, 0.0)
    >>> predicted_rate("sq", 3)
    Traceback (most recent call last):
    ...
    ValueError: k_gen is required for the rate 'sq'
    """
    from theorylab.symbolic.own_rates import registered_rates

    own = registered_rates()
    if isinstance(name, str) and name in own:
        return own[name]
    name = check_choice(name, "name", RATE_NAMES + tuple(own))
    k = check_int(k_star, "k_star", minimum=1)
    r = check_int(r, "r", minimum=1)
    a = None if alpha is None else as_exact_number(check_alpha(alpha), "alpha")
    if k_gen is not None:
        k_gen = check_int(k_gen, "k_gen", minimum=1)
    if name in _NEEDS_ALPHA and a is None:
        raise ValueError(f"alpha is required for the rate {name!r}")
    parts = _BUILDERS[name](k, a, r, k_gen)
    exponent = parts.exponent if parts.exponent.is_Rational else sympy.nsimplify(parts.exponent)
    return Rate(
        name=name,
        expression=_power(exponent, parts.log_power),
        exponent=float(exponent),
        log_power=float(parts.log_power),
        source=parts.source,
        conditions=parts.conditions,
        law=parts.law,
        s_exponent=parts.s_exponent,
        hidden_logs=parts.hidden_logs,
        hidden_logs_source=parts.hidden_logs_source,
        formula=parts.formula,
        label=RATE_LABELS[name],
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
        if name in _NEEDS_ALPHA and alpha is None:
            continue
        if name in _SINGLE_INDEX and r != 1:
            continue
        if name in _NEEDS_K_GEN and k_gen is None:
            continue
        out[name] = predicted_rate(name, k_star, alpha=alpha, r=r, k_gen=k_gen)
    from theorylab.symbolic.own_rates import registered_rates

    out.update(registered_rates())
    return out
