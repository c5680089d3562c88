"""The planner: which scan and how many trials can tell a rate from its competitors, and at what cost.

A verdict can call a rate consistent only when the slope interval meets the rate's band and misses every
competitor's band (:func:`theorylab.compare.verdict`). Whether any run can do that is a property of the *design*:
the bands over the scanned range (:func:`theorylab.compare.allowed_band`) must be more than one interval width
apart, and the interval width shrinks with the trials and the spread of log x. :func:`plan_design` takes a
pilot (the spread of log n* per trial and the seconds per trial, measured at a few points) and searches the
candidate grids and trial counts for the cheapest design that separates, or says that none within the budget does
and which competitor blocks it.

The interval model: with per-trial standard deviation σ of log n* (from the pilot), T trials and scan points
x_1..x_K, the weighted least-squares slope has standard error σ / √(T Σ (log x_i − mean)²); the interval is
± z of that (z = 1.96 at 95%). The cost model: seconds per trial at x follow a power law fitted to the pilot.

Examples
--------
>>> from theorylab.symbolic.rates import predicted_rate
>>> pruned, csq = predicted_rate("pruned", 2, alpha=0.25), predicted_rate("csq_dense", 2)
>>> pilot = Pilot(values=(2, 4, 8), sd_log_threshold=0.4, seconds_per_trial=(0.01, 0.02, 0.05))
>>> plan = plan_design(pruned, [csq], pilot, [(2, 4, 8, 16)], axis="s", d=256, budget_s=60)
>>> plan.feasible, plan.design.trials
(True, 4)
>>> over_d = Pilot(values=(16, 81, 256), sd_log_threshold=0.4, seconds_per_trial=(0.1, 1.0, 10.0))
>>> plan_design(pruned, [csq], over_d, [(16, 81, 256, 625)], budget_s=3600).reason.startswith("no design")
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from theorylab._display import ShortRepr
from theorylab._validation import check_int, check_real

__all__ = ["Pilot", "Design", "Plan", "plan_design", "DEFAULT_TRIAL_OPTIONS"]

#: Trial counts the planner tries, cheapest first.
DEFAULT_TRIAL_OPTIONS = (4, 8, 16, 32, 64, 128, 256)


@dataclass(frozen=True, repr=False)
class Pilot(ShortRepr):
    """What a pilot run measured.

    Attributes
    ----------
    values : tuple of float
        The scan points of the pilot (d, or s at fixed d).
    sd_log_threshold : float
        The standard deviation of log n* of one trial (the spread of a single run's threshold).
    seconds_per_trial : tuple of float
        Wall seconds one trial took at each pilot point.
    """

    values: tuple[float, ...]
    sd_log_threshold: float
    seconds_per_trial: tuple[float, ...]

    def _summary(self) -> dict[str, Any]:
        return {"values": self.values, "sd_log_threshold": self.sd_log_threshold,
                "seconds_per_trial": self.seconds_per_trial}

    def seconds_at(self, x: float) -> float:
        """Seconds per trial at ``x``, from a power law fitted to the pilot in log-log."""
        v = np.log(np.asarray(self.values, dtype=float))
        t = np.log(np.asarray(self.seconds_per_trial, dtype=float))
        if v.size == 1 or np.ptp(v) == 0:
            return float(np.exp(t.mean()))
        slope, icept = np.polyfit(v, t, 1)
        return float(np.exp(icept + max(slope, 0.0) * math.log(x)))


@dataclass(frozen=True, repr=False)
class Design(ShortRepr):
    """One candidate design and what it would give."""

    values: tuple[float, ...]
    trials: int
    half_width: float
    gap: float
    blocked_by: tuple[str, ...]
    seconds: float

    @property
    def separates(self) -> bool:
        return not self.blocked_by

    def _summary(self) -> dict[str, Any]:
        return {"values": self.values, "trials": self.trials, "half_width": self.half_width, "gap": self.gap,
                "blocked_by": self.blocked_by, "seconds": self.seconds}


@dataclass(frozen=True, repr=False)
class Plan(ShortRepr):
    """The planner's answer: the cheapest separating design within the budget, or why there is none."""

    feasible: bool
    design: Design | None
    considered: tuple[Design, ...]
    reason: str

    def _summary(self) -> dict[str, Any]:
        d = self.design
        return {"feasible": self.feasible, "values": None if d is None else d.values,
                "trials": None if d is None else d.trials, "seconds": None if d is None else d.seconds,
                "considered": self.considered, "reason": self.reason}

    def _summary_rows(self) -> list[dict[str, Any]]:
        return [d._summary() for d in self.considered]


def _check_pilot(pilot: Any) -> Pilot:
    if not isinstance(pilot, Pilot):
        raise TypeError(f"pilot must be a Pilot, got {type(pilot).__name__}")
    if len(pilot.values) < 1 or len(pilot.values) != len(pilot.seconds_per_trial):
        raise ValueError("pilot: values and seconds_per_trial need one entry per pilot point")
    check_real(pilot.sd_log_threshold, "pilot.sd_log_threshold", low=0.0, low_open=True)
    for s in pilot.seconds_per_trial:
        check_real(s, "pilot.seconds_per_trial", low=0.0, low_open=True)
    return pilot


def _check_grids(grids: Any, axis: str, d: float | None) -> list[tuple[float, ...]]:
    if isinstance(grids, (str, bytes)) or not isinstance(grids, Sequence) or not grids:
        raise TypeError("grids must be a non-empty list of candidate scans (each a list of points)")
    out = []
    for i, g in enumerate(grids):
        pts = tuple(sorted(check_real(x, f"grids[{i}]", low=1.0, low_open=axis == "d") for x in g))
        if len(set(pts)) < 3:
            raise ValueError(f"grids[{i}]: a scan needs at least three distinct points, got {list(g)}")
        if axis == "s" and d is not None and pts[-1] > d:
            raise ValueError(f"grids[{i}]: support sizes must not exceed d = {d:g}")
        out.append(pts)
    return out


def _assess(rate: Any, rivals: list[Any], pts: tuple[float, ...], trials: int, pilot: Pilot, axis: str,
            d: float | None, z: float) -> Design:
    """The expected half-width of a design and, per competitor, :func:`separable` at that half-width."""
    from theorylab.compare.verdicts import separable

    logs = np.log(np.asarray(pts))
    half = z * pilot.sd_log_threshold / math.sqrt(trials * float(np.sum((logs - logs.mean()) ** 2)))
    checks = [separable(rate, r, pts[0], pts[-1], half_width=half, axis=axis, d=d) for r in rivals]
    blocked = tuple(str(r.name) for r, s in zip(rivals, checks, strict=True) if not s)
    seconds = trials * sum(pilot.seconds_at(x) for x in pts)
    return Design(pts, trials, half, min((s.gap for s in checks), default=math.inf), blocked, seconds)


def plan_design(
    rate: Any,
    competitors: Sequence[Any],
    pilot: Pilot,
    grids: Sequence[Sequence[float]],
    *,
    axis: str = "d",
    d: Any = None,
    budget_s: float = 600.0,
    trial_options: Sequence[int] = DEFAULT_TRIAL_OPTIONS,
    level: float = 0.95,
) -> Plan:
    """The cheapest design among ``grids`` × ``trial_options`` that separates ``rate`` from every competitor.

    Parameters
    ----------
    rate : Rate
        The claim's rate.
    competitors : sequence of Rate
        The rates the verdict must exclude.
    pilot : Pilot
        The per-trial spread of log n* and the seconds per trial measured by a pilot run.
    grids : sequence of sequences
        Candidate scans (d values, or support sizes at fixed ``d``), each at least three points.
    axis : {"d", "s"}
    d : float, optional
        The fixed dimension of an s-scan.
    budget_s : float
        Wall-time budget in seconds (with the pilot's machine and workers).
    trial_options : sequence of int
        Trial counts to try.
    level : float
        Confidence level of the verdict's interval.

    Returns
    -------
    Plan
    """
    from scipy.stats import norm

    from theorylab.compare.verdicts import check_axis, check_rate

    check_rate(rate)
    rivals = [check_rate(r, "competitors") for r in competitors]
    fixed_d = check_axis(axis, d)
    pilot = _check_pilot(pilot)
    cands = _check_grids(grids, axis, fixed_d)
    budget = check_real(budget_s, "budget_s", low=0.0, low_open=True)
    options = sorted({check_int(t, "trial_options", minimum=2) for t in trial_options})
    level = check_real(level, "level", low=0.0, high=1.0, low_open=True, high_open=True)
    z = float(norm.ppf(0.5 + level / 2))
    considered = [_assess(rate, rivals, g, t, pilot, axis, fixed_d, z) for g in cands for t in options]
    ok = sorted((c for c in considered if c.separates and c.seconds <= budget), key=lambda c: c.seconds)
    if ok:
        best = ok[0]
        return Plan(True, best, tuple(considered),
                    f"{axis} in {list(best.values)} with {best.trials} trials separates {rate.name} from "
                    f"{', '.join(r.name for r in rivals) or 'no competitor'} (half-width {best.half_width:.3f} < "
                    f"gap/2 {best.gap / 2:.3f}) in about {best.seconds:.0f} s")
    never = [c for c in considered if c.gap <= 0]
    blockers = sorted({b for c in considered for b in c.blocked_by})
    if never and len(never) == len(considered):
        why = "the bands overlap on every candidate range (no number of trials separates them)"
    else:
        cheapest = min((c for c in considered if c.separates), key=lambda c: c.seconds, default=None)
        why = ("a separating design exists but needs about "
               f"{cheapest.seconds:.0f} s (> budget {budget:g} s)" if cheapest else
               "no candidate grid and trial count narrows the interval below the gap")
    return Plan(False, None, tuple(considered),
                f"no design within the budget separates {rate.name} from "
                f"{', '.join(blockers or [r.name for r in rivals]) or 'no competitor'}: {why}")
