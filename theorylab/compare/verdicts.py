"""Verdicts: is a measured exponent consistent with a predicted rate over the same d range? (THEORY.md §8)

The measured slope of ``log n*`` against ``log d`` over ``[d_min, d_max]`` is compared with the rate's
*local* slope over the same range (its secant slope, logs included where the source states them), not
with its asymptotic exponent.

Allowance for unstated polylog factors
--------------------------------------
``Õ(d^β)`` hides factors ``(log d)^γ``. Over ``[d_min, d_max]`` such a factor adds exactly

    γ · L,   L = (ln ln d_max - ln ln d_min) / (ln d_max - ln d_min)  (≈ γ / ln d_geo)

to the secant slope (L ≈ 0.18 for d in [64, 1024]). The allowed band for the measured slope is therefore
``[local_slope + γ_min·L, local_slope + γ_max·L]``. ``polylog_allowance`` gives ``γ_max`` (with
``γ_min = 0``: hidden factors of an upper bound make n larger, never smaller) or the pair
``(γ_min, γ_max)`` (a negative ``γ_min`` for an ``Ω̃`` lower bound, whose hidden factors may divide).
The default ``γ_max = 2`` (``DEFAULT_POLYLOG_ALLOWANCE``) is THEORY.md §8's example and the factor the
pruned rate's proof pays for the basis shift at k* = 2: ``c <= 1/log d`` enters the sufficient sample
size of Lemma 34 (eq. E.4, p. 44) as ``1/c^{2(k*-1)} = (log d)^2``. That condition carries further
logarithms (a ``log²`` of n d and ``log^{ρ2} d``), so the default is the *smallest* allowance the proof
suggests, not a bound on it: for k* >= 3 pass at least ``polylog_allowance=2 * (k_star - 1)``, and more
to cover the other factors; for a rate whose source states its logs exactly (a sharp ``≍``, e.g. online
SGD's ``d log² d``), pass ``polylog_allowance=0``.

A verdict treats the rate as a sharp prediction ``n* ≍ d^β·polylog`` (THEORY.md §8). Against an upper
bound alone, only a slope *above* the band contradicts the theorem; the reason says "above" or "below".

Rule
----
With the fit's interval ``[lo, hi]`` (half-width ``w``) and the band ``[a, b]``:

* **inconsistent** if ``[lo, hi]`` and ``[a, b]`` are disjoint (however wide the interval is);
* otherwise **inconclusive** if ``w > max_half_width`` (default 0.25: a quarter of a power of d), or if
  the interval also meets the band of a ``competitors`` rate (the data cannot tell them apart);
* otherwise **consistent**.

Examples
--------
>>> from theorylab.symbolic.rates import predicted_rate
>>> from theorylab.compare.fits import fit_exponent
>>> fit = fit_exponent([64, 128, 256, 512, 1024], [200, 290, 400, 560, 800],
...                    intervals=[(180, 222), (261, 322), (360, 444), (504, 622), (720, 889)])
>>> verdict(fit, predicted_rate("pruned", 2, alpha=0.25)).outcome   # slope 0.5 vs α k* = 0.5
'consistent'
>>> verdict(fit, predicted_rate("dense", 2)).outcome               # vs k* = 2
'inconsistent'
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from theorylab._display import ShortRepr
from theorylab._validation import check_real
from theorylab.compare.thresholds import ConfidenceInterval

__all__ = [
    "DEFAULT_POLYLOG_ALLOWANCE",
    "DEFAULT_MAX_HALF_WIDTH",
    "Verdict",
    "Separability",
    "polylog_slope",
    "allowed_band",
    "verdict",
    "separable",
]

#: γ_max of the default polylog allowance: a hidden factor up to (log d)^2 (see the module docstring).
DEFAULT_POLYLOG_ALLOWANCE = 2.0
#: Largest interval half-width (in powers of d) for which a verdict other than "inconsistent" is given.
DEFAULT_MAX_HALF_WIDTH = 0.25


@dataclass(frozen=True, repr=False)
class Verdict(ShortRepr):
    """A measured exponent judged against one rate.

    Attributes
    ----------
    outcome : {"consistent", "inconsistent", "inconclusive"}
    rate : str
        The rate's name.
    slope : float
        Measured slope.
    confidence_interval : ConfidenceInterval
        Its interval.
    predicted_slope : float
        The rate's local (secant) slope over ``d_range``, stated logs included.
    band : ConfidenceInterval
        The allowed band for the slope (predicted slope plus the polylog allowance).
    allowance : tuple of float
        ``(γ_min·L, γ_max·L)``: the slope allowance for unstated polylog factors.
    polylog_allowance : tuple of float
        ``(γ_min, γ_max)``.
    d_range : tuple of float
        The range of the scanned variable (d, or s at fixed d).
    max_half_width : float
    reason : str
        One sentence with the numbers behind the outcome.
    axis : {"d", "s"}
        What was scanned.
    side : {"", "below", "above"}
        For "inconsistent": where the interval lies relative to the band.
    too_wide : bool
        The interval meets the band but is wider than ``max_half_width``.
    competitors_met : tuple of str
        The competitor rates whose bands the interval also meets (it cannot exclude them).
    hidden_logs_source : str
        Where the rate's source states or hides the logs the band allows.
    """

    outcome: str
    rate: str
    slope: float
    confidence_interval: ConfidenceInterval
    predicted_slope: float
    band: ConfidenceInterval
    allowance: tuple[float, float]
    polylog_allowance: tuple[float, float]
    d_range: tuple[float, float]
    max_half_width: float
    reason: str
    axis: str = "d"
    side: str = ""
    too_wide: bool = False
    competitors_met: tuple[str, ...] = ()
    hidden_logs_source: str = ""

    def __str__(self) -> str:
        return f"{self.outcome} with {self.rate}: {self.reason}"

    def _summary(self) -> dict[str, Any]:
        return {"outcome": self.outcome, "rate": self.rate, "slope": self.slope,
                "interval": tuple(self.confidence_interval), "band": tuple(self.band), "axis": self.axis,
                "range": self.d_range, "competitors_met": self.competitors_met, "reason": self.reason}


@dataclass(frozen=True, repr=False)
class Separability(ShortRepr):
    """Whether an interval of a given half-width can tell two rates apart over ``d_range``."""

    separable: bool
    gap: float
    required_gap: float
    band_a: ConfidenceInterval
    band_b: ConfidenceInterval
    d_range: tuple[float, float]
    reason: str

    def __bool__(self) -> bool:
        return self.separable

    def _summary(self) -> dict[str, Any]:
        return {"separable": self.separable, "gap": self.gap, "required_gap": self.required_gap,
                "band_a": tuple(self.band_a), "band_b": tuple(self.band_b), "range": self.d_range,
                "reason": self.reason}


# --------------------------------------------------------------------------------------------------


def _check_d_range(d_min: Any, d_max: Any, name: str = "d_range") -> tuple[float, float]:
    lo = check_real(d_min, f"{name} (d_min)", low=1.0, low_open=True)
    hi = check_real(d_max, f"{name} (d_max)", low=1.0, low_open=True)
    if not hi > lo:
        raise ValueError(f"{name} must have d_min < d_max, got ({lo:g}, {hi:g})")
    return lo, hi


def check_rate(rate: Any, name: str = "rate") -> Any:
    """``rate`` if it can be judged (has ``.name`` and ``.local_slope``), else a TypeError naming ``name``."""
    if not (hasattr(rate, "name") and callable(getattr(rate, "local_slope", None))):
        raise TypeError(
            f"{name} must be a Rate (an object with .name and .local_slope(d_min, d_max)), "
            f"got {type(rate).__name__}"
        )
    return rate


def _check_allowance(value: Any, name: str = "polylog_allowance") -> tuple[float, float]:
    if isinstance(value, tuple | list):
        if len(value) != 2:
            raise ValueError(f"{name} must be γ_max or a pair (γ_min, γ_max), got {len(value)} values")
        g_lo = check_real(value[0], f"{name} (γ_min)")
        g_hi = check_real(value[1], f"{name} (γ_max)")
        if g_hi < g_lo:
            raise ValueError(f"{name} must have γ_min <= γ_max, got ({g_lo:g}, {g_hi:g})")
        return g_lo, g_hi
    return 0.0, check_real(value, name, low=0.0)


def polylog_slope(d_min: float, d_max: float) -> float:
    """Secant slope of ``log log d`` against ``log d`` over ``[d_min, d_max]``: what ``(log d)^1`` adds.

    Examples
    --------
    >>> round(polylog_slope(64, 1024), 4)     # (ln ln 1024 - ln ln 64) / ln 16
    0.1842
    """
    lo, hi = _check_d_range(d_min, d_max, "d_min, d_max")
    return (math.log(math.log(hi)) - math.log(math.log(lo))) / (math.log(hi) - math.log(lo))


_AXES = ("d", "s")


def _rate_allowance(rate: Any, polylog_allowance: Any) -> tuple[float, float]:
    """The (γ_min, γ_max) used for ``rate``: the caller's, else the rate's own ``hidden_logs``, else the default."""
    if polylog_allowance is not None:
        return _check_allowance(polylog_allowance)
    own = getattr(rate, "hidden_logs", None)
    if own is None:
        return _check_allowance(DEFAULT_POLYLOG_ALLOWANCE)
    return _check_allowance(tuple(own))


def check_axis(axis: Any, d: Any) -> float | None:
    """Validate a scan axis and its fixed d: None for a d-scan, the fixed d (a float) for an s-scan."""
    if axis not in _AXES:
        raise ValueError(f"axis must be 'd' or 's', got {axis!r}")
    if axis == "d":
        if d is not None:
            raise ValueError("d: only an s-scan (axis='s') is taken at a fixed d")
        return None
    if d is None:
        raise ValueError("d: an s-scan (axis='s') needs the fixed dimension d")
    return check_real(d, "d", low=1.0, low_open=True)


def _band_s(rate: Any, lo: float, hi: float, d: float) -> tuple[float, float]:
    """The local slope in the support size (or pruning level) at fixed d: no logs, d is fixed."""
    if not hasattr(rate, "local_slope_s"):
        raise TypeError(f"rate {getattr(rate, 'name', rate)!r} has no law in s (local_slope_s): cannot judge an s-scan")
    at_s = float(rate.local_slope_s(lo, hi, d))
    return at_s, at_s


def allowed_band(
    rate: Any, d_min: float, d_max: float, *, polylog_allowance: Any = None, axis: str = "d", d: Any = None
) -> ConfidenceInterval:
    """The band of slopes a rate allows over a scan.

    Along d (``axis="d"``): the local slope over ``[d_min, d_max]`` plus γ·L for γ in the allowance (by default
    the rate's own ``hidden_logs``). Along s at fixed ``d`` (``axis="s"``, ``d_min, d_max`` are then the range of
    the support size, or of the pruning level M the scan is fitted in): every factor in d alone is a constant and
    drops out, so the band is the law's local slope in s, with no allowance.

    Examples
    --------
    >>> from theorylab.symbolic.rates import predicted_rate
    >>> band = allowed_band(predicted_rate("dense", 2), 64, 1024)
    >>> round(band.low, 4), round(band.high, 4)
    (2.0, 2.3685)
    >>> band = allowed_band(predicted_rate("pruned", 2, alpha=0.25), 4, 16, axis="s", d=256)
    >>> band.low, band.high                   # M^{k*}: slope k* = 2, no logs at fixed d
    (2.0, 2.0)
    >>> allowed_band(predicted_rate("online_sgd", 2), 4, 16, axis="s", d=256)
    ConfidenceInterval(low=0.0, high=0.0)
    """
    check_rate(rate)
    fixed_d = check_axis(axis, d)
    lo, hi = _check_d_range(d_min, d_max, "d_min, d_max" if axis == "d" else "s_min, s_max")
    if fixed_d is not None:
        return ConfidenceInterval(*_band_s(rate, lo, hi, fixed_d))
    g_lo, g_hi = _rate_allowance(rate, polylog_allowance)
    base = float(rate.local_slope(lo, hi))
    L = polylog_slope(lo, hi)
    return ConfidenceInterval(base + g_lo * L, base + g_hi * L)


def _fit_parts(fit: Any) -> tuple[float, float, float, tuple[float, float]]:
    try:
        slope = float(fit.slope)
        lo, hi = (float(v) for v in fit.confidence_interval)
        d_range = tuple(float(v) for v in fit.d_range)
    except (AttributeError, TypeError, ValueError):
        raise TypeError(
            "fit must be an ExponentFit (an object with .slope, .confidence_interval and .d_range), "
            f"got {type(fit).__name__}"
        ) from None
    if math.isnan(slope) or math.isnan(lo) or math.isnan(hi) or hi < lo:
        raise ValueError(f"fit must have a slope and an interval low <= high, got {slope} in [{lo}, {hi}]")
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError(f"fit: its interval [{lo}, {hi}] is unbounded (censored or below-grid thresholds left "
                         "the bootstrap without a bound); a verdict needs measured thresholds")
    return slope, lo, hi, d_range  # type: ignore[return-value]


@dataclass(frozen=True)
class _VerdictInput:
    slope: float
    lo: float
    hi: float
    x_range: tuple[float, float]
    axis: str
    d: float | None
    allowance: Any
    max_half_width: float
    rivals: tuple[Any, ...]
    level: float


def _verdict_iv(fit: Any, rate: Any, polylog_allowance: Any, d_range: Any, max_half_width: Any,
                competitors: Iterable[Any], axis: str, d: Any) -> _VerdictInput:
    """Validate the arguments of :func:`verdict` (nothing is computed before this returns)."""
    slope, lo, hi, fit_range = _fit_parts(fit)
    check_rate(rate)
    fixed_d = check_axis(axis, d)
    if d_range is None:
        x_lo, x_hi = _check_d_range(fit_range[0], fit_range[1], "fit.d_range")
    else:
        if not isinstance(d_range, tuple | list) or len(d_range) != 2:
            raise TypeError("d_range must be a pair (d_min, d_max)")
        x_lo, x_hi = _check_d_range(d_range[0], d_range[1])
    if polylog_allowance is not None:
        _check_allowance(polylog_allowance)
    if isinstance(competitors, str):
        raise TypeError("competitors must be an iterable of Rate, got a string")
    return _VerdictInput(
        slope, lo, hi, (x_lo, x_hi), axis, fixed_d, polylog_allowance,
        check_real(max_half_width, "max_half_width", low=0.0, low_open=True),
        tuple(check_rate(r, "competitors") for r in competitors),
        float(getattr(fit, "confidence_level", 0.95)),
    )


def _band_text(rate: Any, band: ConfidenceInterval, v: _VerdictInput, predicted: float,
               gammas: tuple[float, float] | None, L: float) -> str:
    lo, hi = v.x_range
    if v.axis == "s":
        return (f"the allowed band [{band.low:.3f}, {band.high:.3f}] (local slope in the support of {rate.name} "
                f"over [{lo:g}, {hi:g}] at d = {v.d:g}; no log allowance: every factor in d is a constant at fixed d)")
    assert gammas is not None
    return (f"the allowed band [{band.low:.3f}, {band.high:.3f}] (local slope {predicted:.3f} of {rate.name} "
            f"over d in [{lo:g}, {hi:g}], polylog allowance γ in [{gammas[0]:g}, {gammas[1]:g}] adding "
            f"{L:.3f} per unit γ)")


def verdict(
    fit: Any,
    rate: Any,
    *,
    polylog_allowance: Any = None,
    d_range: tuple[float, float] | None = None,
    max_half_width: float = DEFAULT_MAX_HALF_WIDTH,
    competitors: Iterable[Any] = (),
    axis: str = "d",
    d: Any = None,
) -> Verdict:
    """Judge a measured exponent against a rate: consistent, inconsistent or inconclusive.

    Parameters
    ----------
    fit : ExponentFit
        Or any object with ``.slope``, ``.confidence_interval`` ``(low, high)`` and ``.d_range``.
    rate : Rate
        Or any object with ``.name`` and ``.local_slope(d_min, d_max)`` (and ``.local_slope_s`` for s-scans).
    polylog_allowance : float or (float, float), optional
        ``γ_max``, or ``(γ_min, γ_max)``, of the unstated factor ``(log d)^γ`` (module docstring). Default: each
        rate's own ``hidden_logs`` (what its source hides, and where: ``rate.hidden_logs_source``), or
        ``(0, 2)`` for a rate that states none.
    d_range : (x_min, x_max), optional
        The range over which the rate's local slope is taken; the fit's own range by default.
    max_half_width : float > 0, default 0.25
        Intervals wider than this give "inconclusive" unless they miss the band entirely.
    competitors : iterable of Rate
        Rival rates: an interval that also meets one of their bands is "inconclusive", and
        ``Verdict.competitors_met`` names them.
    axis : {"d", "s"}
        The fit is over d (at fixed α), or over the support size s at the fixed dimension ``d``.
    d : float, optional
        The fixed dimension of an s-scan.

    Returns
    -------
    Verdict

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> fit = SimpleNamespace(slope=1.02, confidence_interval=(0.9, 1.14), d_range=(64, 1024))
    >>> lin = SimpleNamespace(name="linear", local_slope=lambda a, b: 1.0)
    >>> quad = SimpleNamespace(name="quadratic", local_slope=lambda a, b: 2.0)
    >>> verdict(fit, lin).outcome, verdict(fit, quad).outcome
    ('consistent', 'inconsistent')
    >>> wide = SimpleNamespace(slope=1.5, confidence_interval=(0.9, 2.1), d_range=(64, 1024))
    >>> print(verdict(wide, quad))
    inconclusive with quadratic: the 95% interval [0.900, 2.100] meets the allowed band [2.000, 2.368] ...
    >>> verdict(fit, lin, competitors=[SimpleNamespace(name="d log d", local_slope=lambda a, b: 1.1)]).competitors_met
    ('d log d',)
    """
    v = _verdict_iv(fit, rate, polylog_allowance, d_range, max_half_width, competitors, axis, d)
    return _judge(v, rate)


def _judge(v: _VerdictInput, rate: Any) -> Verdict:
    x_lo, x_hi = v.x_range
    gammas = None if v.axis == "s" else _rate_allowance(rate, v.allowance)
    L = 0.0 if v.axis == "s" else polylog_slope(x_lo, x_hi)
    band = allowed_band(rate, x_lo, x_hi, polylog_allowance=v.allowance, axis=v.axis, d=v.d)
    predicted = float(rate.local_slope(x_lo, x_hi)) if v.axis == "d" else band.high
    half = (v.hi - v.lo) / 2
    iv = f"the {100 * v.level:g}% interval [{v.lo:.3f}, {v.hi:.3f}]"
    band_txt = _band_text(rate, band, v, predicted, gammas, L)
    met = tuple(r.name for r in v.rivals if _meets(v, allowed_band(r, x_lo, x_hi, polylog_allowance=v.allowance,
                                                                   axis=v.axis, d=v.d)))
    side, too_wide = "", False
    if v.hi < band.low or v.lo > band.high:
        outcome, side = "inconsistent", ("below" if v.hi < band.low else "above")
        reason = f"{iv} lies {side} {band_txt}"
    elif half > v.max_half_width:
        outcome, too_wide = "inconclusive", True
        reason = f"{iv} meets {band_txt} but its half-width {half:.3f} exceeds max_half_width {v.max_half_width:g}"
    elif met:
        outcome = "inconclusive"
        reason = f"{iv} meets {band_txt} and also the band of " + ", ".join(met) + ": it cannot exclude them"
    else:
        outcome = "consistent"
        reason = f"{iv} meets {band_txt}" + (
            f" and excludes {', '.join(r.name for r in v.rivals)}" if v.rivals else "")
    allowance = (0.0, 0.0) if gammas is None else (gammas[0] * L, gammas[1] * L)
    return Verdict(
        outcome=outcome, rate=str(rate.name), slope=v.slope, confidence_interval=ConfidenceInterval(v.lo, v.hi),
        predicted_slope=predicted, band=band, allowance=allowance, polylog_allowance=gammas or (0.0, 0.0),
        d_range=(x_lo, x_hi), max_half_width=v.max_half_width, reason=reason, axis=v.axis, side=side,
        too_wide=too_wide, competitors_met=met, hidden_logs_source=str(getattr(rate, "hidden_logs_source", "")),
    )


def _meets(v: _VerdictInput, band: ConfidenceInterval) -> bool:
    return not (v.hi < band.low or v.lo > band.high)


def separable(
    rate_a: Any,
    rate_b: Any,
    d_min: float,
    d_max: float,
    *,
    polylog_allowance: Any = None,
    half_width: float = 0.15,
    axis: str = "d",
    d: Any = None,
) -> Separability:
    """Whether a scan over ``[d_min, d_max]`` (or over s at fixed ``d``) can separate two rates.

    The two allowed bands (:func:`allowed_band`) must be more than ``2·half_width`` apart: then no interval
    of that half-width meets both, so a fit can be consistent with at most one.

    Parameters
    ----------
    rate_a, rate_b : Rate
    d_min, d_max : float, 1 < d_min < d_max
        The scanned range (of s when ``axis="s"``).
    polylog_allowance : float or (float, float), optional
        As in :func:`verdict` (default: each rate's own hidden logs).
    half_width : float > 0, default 0.15
        The half-width of the slope interval one expects (e.g. from a pilot fit).
    axis : {"d", "s"}
    d : float, optional
        The fixed dimension of an s-scan.

    Returns
    -------
    Separability
        Truthy when separable; ``gap`` and ``required_gap`` give the numbers.

    Examples
    --------
    >>> from theorylab.symbolic.rates import predicted_rate
    >>> bool(separable(predicted_rate("pruned", 2, alpha=0.25), predicted_rate("dense", 2), 64, 1024))
    True
    >>> s = separable(predicted_rate("dense", 2), predicted_rate("online_sgd", 2), 64, 1024,
    ...               polylog_allowance=2)
    >>> s.separable, round(s.gap, 3)     # d² vs d log² d, each with up to (log d)² more: 0.263 apart
    (False, 0.263)
    >>> pruned, csq = predicted_rate("pruned", 2, alpha=0.25), predicted_rate("csq_dense", 2)
    >>> bool(separable(pruned, csq, 16, 625))            # over d the hidden logs close the gap
    False
    >>> bool(separable(pruned, csq, 2, 16, axis="s", d=256))   # over s at fixed d they cannot
    True
    """
    check_rate(rate_a, "rate_a")
    check_rate(rate_b, "rate_b")
    check_axis(axis, d)
    lo, hi = _check_d_range(d_min, d_max, "d_min, d_max")
    half_width = check_real(half_width, "half_width", low=0.0, low_open=True)
    ba = allowed_band(rate_a, lo, hi, polylog_allowance=polylog_allowance, axis=axis, d=d)
    bb = allowed_band(rate_b, lo, hi, polylog_allowance=polylog_allowance, axis=axis, d=d)
    gap = max(0.0, max(ba.low, bb.low) - min(ba.high, bb.high))
    required = 2 * half_width
    ok = gap > required
    where = f"over d in [{lo:g}, {hi:g}]" if axis == "d" else f"over s in [{lo:g}, {hi:g}] at d = {float(d):g}"
    reason = (
        f"{where} the bands of {rate_a.name} [{ba.low:.3f}, {ba.high:.3f}] and "
        f"{rate_b.name} [{bb.low:.3f}, {bb.high:.3f}] are {gap:.3f} apart; an interval of half-width "
        f"{half_width:g} needs more than {required:.3f}"
        + ("" if ok else ": the range is too short (or the intervals too wide) to separate them")
    )
    return Separability(ok, gap, required, ba, bb, (lo, hi), reason)
