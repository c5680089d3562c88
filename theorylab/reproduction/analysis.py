"""From a report's rows to its comparisons: the crossover table d× and the α-contrasts dβ/dα.

Rows are grouped by what they measure (link, r, q, α and axis: fields of the row, never its label). Within a
d-scan setting, the pruned row is compared with every basis-independent learner of the registry
(:data:`theorylab.symbolic.methods.BASIS_INDEPENDENT_LEARNERS`) measured on the same teacher. Across the d-scans
of one link, r and q at several α, the measured exponents of one method give the contrast dβ/dα (k* for pruned,
2 for r >= 2; 0 for every basis-independent learner), which a polylog(d) offset common to all α cannot fake.
"""

from __future__ import annotations

import math

import numpy as np

from theorylab.report import CaseReport, Contrast, Crossover

__all__ = ["crossovers", "contrasts"]


def _measured(row: CaseReport) -> tuple[np.ndarray, np.ndarray]:
    """The points of a row with a measured (uncensored, in-grid) threshold."""
    keep = [i for i, t in enumerate(row.thresholds)
            if math.isfinite(t) and not (row.censored and row.censored[i])
            and not (row.below_grid and row.below_grid[i])]
    return (np.array([row.values[i] for i in keep], dtype=float),
            np.array([row.thresholds[i] for i in keep], dtype=float))


def _teacher(row: CaseReport) -> tuple:
    return (row.link, row.r, row.q, row.alpha, row.axis, row.fixed_d)


def crossovers(rows: tuple[CaseReport, ...], reach: float | None = None) -> tuple[Crossover, ...]:
    """d× of the pruned learner against each basis-independent learner on the same teacher (d-scans).

    ``reach`` is the largest d this machine runs for the pruned learner (default: the largest measured); a d×
    beyond it is marked unreachable.
    """
    from theorylab.compare.crossover import crossover_dimension
    from theorylab.symbolic.methods import BASIS_INDEPENDENT_LEARNERS

    out = []
    for pruned in (r for r in rows if r.axis == "d" and r.method == "pruned"):
        dp, npr = _measured(pruned)
        if dp.size < 2:
            continue
        top = float(reach if reach is not None else dp.max())
        for other in (r for r in rows if _teacher(r) == _teacher(pruned) and r.method in BASIS_INDEPENDENT_LEARNERS):
            do, no = _measured(other)
            if do.size < 2:
                continue
            res = crossover_dimension(dp, npr, do, no,
                                      slope_interval_a=_interval(pruned), slope_interval_b=_interval(other))
            reachable = res.kind in ("measured", "already") or (math.isfinite(res.d_cross) and res.d_cross <= top)
            note = res.reason
            if res.kind == "extrapolated" and not reachable:
                note += f"; d× lies beyond d = {top:g}, the largest d this suite runs for the pruned learner"
            out.append(Crossover(pruned.setting, int(pruned.k_star or 0), pruned.method, other.method, res.kind,
                                 res.d_cross, res.d_low, res.d_high, float(dp.max()), bool(reachable), note))
    return tuple(out)


def _interval(row: CaseReport) -> tuple[float, float] | None:
    if math.isfinite(row.slope_low) and math.isfinite(row.slope_high):
        return (row.slope_low, row.slope_high)
    return None


def contrasts(rows: tuple[CaseReport, ...]) -> tuple[Contrast, ...]:
    """dβ/dα per (link, r, q, method) with d-scans at two or more α, judged like a slope."""
    from theorylab.compare.crossover import alpha_contrast
    from theorylab.symbolic.methods import METHODS

    groups: dict[tuple, list[CaseReport]] = {}
    for row in rows:
        if row.axis == "d" and math.isfinite(row.slope) and math.isfinite(row.slope_low) and row.k_star:
            groups.setdefault((row.link, row.r, row.q, row.method), []).append(row)
    out = []
    for (link, r, q, method), members in groups.items():
        if len({m.alpha for m in members}) < 2 or method not in METHODS:
            continue
        c = alpha_contrast([m.alpha for m in members], [m.slope for m in members],
                           [m.slope_low for m in members], [m.slope_high for m in members])
        k = int(members[0].k_star or 0)
        info = METHODS[method]
        predicted = 0.0 if info.basis_independent else float(k if r == 1 else 2)
        rivals = [("basis-independent", 0.0)] if predicted else [("sparsity-adaptive", float(k if r == 1 else 2))]
        outcome, reason = _judge_contrast(c.low, c.high, predicted, rivals)
        out.append(Contrast(f"{link} r={r} q={q:g}", method, c.alphas, c.slope, c.low, c.high, predicted,
                            tuple(rivals), outcome, reason))
    return tuple(out)


def _judge_contrast(lo: float, hi: float, predicted: float, rivals: list[tuple[str, float]]) -> tuple[str, str]:
    """Like a verdict, with a point prediction (the logs cancel across α) and point competitors."""
    iv = f"the 95% interval [{lo:.2f}, {hi:.2f}] of dβ/dα"
    if not lo <= predicted <= hi:
        return "inconsistent", f"{iv} excludes the predicted {predicted:g}"
    met = [f"{name} ({value:g})" for name, value in rivals if lo <= value <= hi]
    if met:
        return "inconclusive", f"{iv} contains the predicted {predicted:g} and also " + ", ".join(met)
    return "consistent", (f"{iv} contains the predicted {predicted:g} and excludes "
                          + ", ".join(f"{n} ({v:g})" for n, v in rivals))
