"""Plan a run from a pilot: which scan and how many trials can decide a stored case's claim, within a budget.

:func:`plan_case` reads a pilot sweep once, takes one (case, method) row, measures from it the per-trial spread of
log n* and the seconds per trial, and asks :func:`theorylab.compare.plan_design` for the cheapest design that
separates the method's rate from every competitor the registry names — or says that none within the budget does.

Examples
--------
>>> from theorylab.report import CaseReport, Curve
>>> row = CaseReport("c", "He2", "He2(z)", "pruned", 0.25, 0.0, 1, 2, (2, 4, 8), (400.0, 1200.0, 3000.0),
...                  threshold_low=(300.0, 1000.0, 2500.0), threshold_high=(520.0, 1500.0, 3700.0),
...                  seconds=(0.5, 0.8, 1.6), axis="s", fixed_d=64,
...                  curves=tuple(Curve(s, (1,), (1,), 16) for s in (2, 4, 8)))
>>> p = pilot_from_row(row)
>>> round(p.sd_log_threshold, 2), [round(t, 3) for t in p.seconds_per_trial]   # median of ln(hi/lo)/3.92 · √16
(0.41, [0.031, 0.05, 0.1])
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from theorylab._display import ShortRepr
from theorylab.compare.planner import Pilot, Plan, plan_design
from theorylab.report import CaseReport

__all__ = ["pilot_from_row", "plan_case", "default_grids", "CasePlan"]

_Z95 = 1.959963984540054


@dataclass(frozen=True, repr=False)
class CasePlan(ShortRepr):
    """A plan for one stored row: the row, the pilot taken from it, and the planner's answer."""

    row: CaseReport
    pilot: Pilot
    plan: Plan

    def _summary(self) -> dict[str, Any]:
        return {"case": self.row.label, "method": self.row.method, "axis": self.row.axis, **self.plan._summary()}

    def _summary_rows(self) -> list[dict[str, Any]]:
        return self.plan._summary_rows()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the row's case, the pilot, the chosen design (or None), every design considered."""
        from dataclasses import asdict

        from theorylab._json import json_data

        plan = self.plan
        return json_data({"case": self.row.label, "method": self.row.method, "axis": self.row.axis,
                          "feasible": plan.feasible, "reason": plan.reason, "pilot": asdict(self.pilot),
                          "design": None if plan.design is None else asdict(plan.design),
                          "considered": [asdict(d) for d in plan.considered]}, where="plan", nonfinite="null")

    def __str__(self) -> str:
        from theorylab._table import number, wrap

        head = f"{self.row.label} / {self.row.method} ({self.row.axis}-scan): "
        lines = wrap(head + self.plan.reason)
        if self.plan.design is not None:
            d = self.plan.design
            grid = ", ".join(number(v) for v in d.values)
            lines += wrap(f"grid [{grid}], {d.trials} trials, expected half-width {number(d.half_width)}, "
                          f"about {number(d.seconds)} s", indent="  ")
        return "\n".join(lines)


def pilot_from_row(row: CaseReport) -> Pilot:
    """The pilot measurements of a row: per-trial sd of log n* (from the threshold intervals) and s/trial."""
    if not isinstance(row, CaseReport):
        raise TypeError(f"row must be a CaseReport, got {type(row).__name__}")
    trials = {c.x: c.trials for c in row.curves}
    sds, xs, secs = [], [], []
    for i, x in enumerate(row.values):
        lo = row.threshold_low[i] if i < len(row.threshold_low) else math.nan
        hi = row.threshold_high[i] if i < len(row.threshold_high) else math.nan
        t = trials.get(x)
        if t and 0 < lo < hi < math.inf:
            sds.append((math.log(hi) - math.log(lo)) / (2 * _Z95) * math.sqrt(t))
        sec = row.seconds[i] if i < len(row.seconds) else math.nan
        if t and math.isfinite(sec) and sec >= 0:
            xs.append(float(x))
            secs.append(max(sec, 1e-3) / t)  # the store rounds to a millisecond
    if not sds:
        raise ValueError(f"row {row.label!r}: no point has a bounded threshold interval to take a spread from")
    if not secs:
        raise ValueError(f"row {row.label!r}: the store recorded no timings; rerun the pilot with this version")
    return Pilot(tuple(xs), float(np.median(sds)), tuple(secs))


def default_grids(row: CaseReport) -> list[tuple[float, ...]]:
    """Candidate scans: the pilot's own, and longer ones (d ×2, ×4, ×8 beyond it; s up to √d or d)."""
    base = tuple(float(x) for x in row.values)
    if row.axis == "d":
        top = base[-1]
        return [base] + [base + tuple(top * f for f in (2, 4, 8)[:k]) for k in (1, 2, 3)]
    d = float(row.fixed_d or base[-1])
    out = [base]
    s = base[-1]
    more: list[float] = []
    while s * 2 <= d and len(more) < 3:
        s *= 2
        more.append(s)
        out.append(base + tuple(more))
    return out


def plan_case(store_dir: str | Path, label: str, method: str | None = None, *, budget_s: float = 600.0,
              grids: Any = None, trial_options: Any = None) -> CasePlan:
    """Plan the run that decides one stored (case, method): read the pilot, then :func:`plan_design`.

    Parameters
    ----------
    store_dir : str or Path
        The pilot sweep's directory.
    label : str
        The case's label.
    method : str, optional
        The method (needed when the case runs several).
    budget_s : float
        Wall-time budget in seconds.
    grids : list of lists, optional
        Candidate scans (default: :func:`default_grids`).
    trial_options : list of int, optional
        Trial counts to try.
    """
    from theorylab.sweeps.summary import summarize_sweep
    from theorylab.symbolic.methods import method_info
    from theorylab.symbolic.rates import predicted_rate

    if not isinstance(label, str):
        raise TypeError(f"label must be a string, got {type(label).__name__}")
    summary = summarize_sweep(store_dir=store_dir)
    rows = [r for r in summary.rows if r.label == label and (method is None or r.method == method)]
    if not rows:
        labels = sorted({f"{r.label} / {r.method}" for r in summary.rows})
        raise ValueError(f"label: no stored case {label!r}" + (f" with method {method!r}" if method else "")
                         + f"; the sweep holds {labels}")
    if len(rows) > 1:
        raise ValueError(f"method: case {label!r} runs {[r.method for r in rows]}; name one")
    row = rows[0]
    info = method_info(row.method)
    if info.rate is None or row.k_star is None:
        raise ValueError(f"method: {row.method!r} has no rate to plan for")
    k_star = int(row.k_star)

    def rate(name: str) -> Any:
        return predicted_rate(name, k_star, alpha=row.alpha, r=row.r, k_gen=row.k_gen)

    competitors = [rate(n) for n in row.competitors]
    pilot = pilot_from_row(row)
    plan = plan_design(rate(info.rate), competitors, pilot, grids or default_grids(row), axis=row.axis,
                       d=row.fixed_d, budget_s=budget_s,
                       **({} if trial_options is None else {"trial_options": trial_options}))
    return CasePlan(row, pilot, plan)
