"""``report.md``: the typed report as Markdown (tables, reasons, the crossover table, the contrasts, figures)."""

from __future__ import annotations

import math

from theorylab.report import CaseReport, Report, format_value
from theorylab.reproduction.suite import CLAIMS

__all__ = ["format_report_markdown", "why_not_consistent"]


def why_not_consistent(row: CaseReport) -> str:
    """Why a row is not called consistent, from its fields, in words a reader of the report can act on.

    Examples
    --------
    >>> row = CaseReport("c", "He2", "He2(z)", "pruned", 0.25, 0.0, 1, 2, (16, 81), (100.0, 300.0),
    ...                  verdict="inconclusive", competitors_met=("csq_dense",), slope=0.95, slope_low=0.8,
    ...                  slope_high=1.1)
    >>> why_not_consistent(row)
    'the interval [0.80, 1.10] also meets the band of csq_dense: this scan cannot exclude it'
    """
    reasons = []
    censored = [x for x, c in zip(row.values, row.censored, strict=False) if c]
    if censored:
        n_max = dict(zip(row.values, row.n_max, strict=False))
        reasons.append("threshold not reached within the n grid at "
                       + ", ".join(f"{row.axis}={x} (n ≤ {n_max.get(x, 0):,})" for x in censored))
    if row.competitors_met:
        reasons.append(f"the interval [{format_value(row.slope_low)}, {format_value(row.slope_high)}] also meets the band of "
                       f"{', '.join(row.competitors_met)}: this scan cannot exclude "
                       + ("it" if len(row.competitors_met) == 1 else "them"))
    elif row.too_wide:
        reasons.append(f"the interval [{format_value(row.slope_low)}, {format_value(row.slope_high)}] is too wide to tell "
                       "(more trials or a longer range would narrow it)")
    elif row.verdict == "inconclusive" and row.separable is False:
        reasons.append(row.design_note)
    if row.verdict == "inconsistent":
        reasons.append(_inconsistent(row))
    no_interval = not (math.isfinite(row.slope_low) and math.isfinite(row.slope_high))
    if no_interval and not censored:
        # a slope without an interval (every bootstrap end beyond the grid) gets no verdict: its notes say why
        reasons.append("; ".join(row.notes) or "no slope")
    return "; ".join(reasons)


def _inconsistent(row: CaseReport) -> str:
    text = (f"measured slope {format_value(row.slope)} lies {row.side} the accepted band "
            f"[{format_value(row.band_low)}, {format_value(row.band_high)}]")
    own = row.own
    if row.side == "below" and own is not None and own.log_power and row.slope_low <= own.exponent <= row.slope_high:
        return (text + f", whose local slope includes the log factors the source states; the interval contains the "
                f"exponent without them ({format_value(own.exponent)}): the data agree with the power of {row.axis} but do "
                "not show the stated logs")
    if row.side == "below":
        return (text + ": the rate is a sufficient sample size (an upper bound), so the method needing fewer "
                "samples does not contradict the theorem, but the rate is not tight at these sizes")
    return text + ": steeper than the rate with the logs its source allows"


def _case_line(c: CaseReport) -> str:
    own = c.own
    ptxt = "–" if own is None else format_value(own.exponent) + (f" × log^{own.log_power:g} d" if own.log_power else "")
    meas = ("–" if not math.isfinite(c.slope)
            else f"{format_value(c.slope)} [{format_value(c.slope_low)}, {format_value(c.slope_high)}]")
    scan = f"{c.values[0]}–{c.values[-1]}" if c.values else "–"
    axis = "d" if c.axis == "d" else f"s (d={c.fixed_d})"
    sep = {True: "yes", False: "no", None: "–"}[c.separable]
    method = f"{c.method} ({c.approximation} approximation)" if c.approximation else c.method
    return (f"| {c.setting} | {method} | {c.k_star or '–'} | {axis} | {scan} | {meas} | {ptxt} | "
            f"{', '.join(c.competitors) or '–'} | {sep} | {c.verdict} |")


def _crossover_lines(report: Report) -> list[str]:
    if not report.crossovers:
        return []
    lines = ["", "## Where pruning overtakes the basis-independent learners (d×)", "",
             "| setting | k* | against | d× | interval | how | within reach |", "|---|---|---|---|---|---|---|"]
    for x in report.crossovers:
        iv = "–" if not math.isfinite(x.d_low) else f"[{format_value(x.d_low)}, {format_value(x.d_high)}]"
        lines.append(f"| {x.setting} | {x.k_star} | {x.competitor} | {format_value(x.d_cross)} | {iv} | {x.kind} | "
                     f"{'yes' if x.reachable else 'no'} |")
    lines += [""] + [f"- {x.setting} / {x.competitor}: {x.note}" for x in report.crossovers]
    return lines


def _contrast_lines(report: Report) -> list[str]:
    if not report.contrasts:
        return []
    lines = ["", "## α-contrasts dβ/dα (polylog(d) offsets cancel)", "",
             "| setting | method | α | dβ/dα [95% CI] | predicted | verdict |", "|---|---|---|---|---|---|"]
    for c in report.contrasts:
        lines.append(f"| {c.setting} | {c.method} | {', '.join(f'{a:g}' for a in c.alphas)} | {format_value(c.slope)} "
                     f"[{format_value(c.slope_low)}, {format_value(c.slope_high)}] | {format_value(c.predicted)} | "
                     f"{c.verdict} |")
    return lines


def format_report_markdown(report: Report) -> str:
    """The report as Markdown: one row per (setting, method), reasons, d×, contrasts, claims and figures.

    Examples
    --------
    >>> from theorylab.report import PredictedLine
    >>> row = CaseReport("c", "He2 α=0.25", "He2(z)", "pruned", 0.25, 0.0, 1, 2, (16, 256), (100.0, 300.0),
    ...                  slope=0.61, slope_low=0.4, slope_high=0.8, verdict="consistent", separable=True,
    ...                  predicted=(PredictedLine("pruned", "pruned", 0.5, role="own"),), competitors=("dense",))
    >>> print(format_report_markdown(Report("T", "quick", (row,), wall_s=1.0)))
    # T
    <BLANKLINE>
    Mode: quick. Wall time: 1 s.
    <BLANKLINE>
    | setting | method | k* | axis | scan | measured exponent [95% CI] | predicted (own rate) | competitors | design separates | verdict |
    |---|---|---|---|---|---|---|---|---|---|
    | He2 α=0.25 | pruned | 2 | d | 16–256 | 0.61 [0.40, 0.80] | 0.50 | dense | yes | consistent |
    <BLANKLINE>
    ## Claims tested
    <BLANKLINE>
    - **pruned**: Thm 4/5: the pruned network learns with n = Õ(d^{α k*}) = Õ(s^{k*}) (multi-index Õ(s²)); along s at fixed d its n* grows as s^{k*}, where every basis-independent learner's stays flat.
    """
    lines = [f"# {report.title or 'theorylab reproduction'}", ""]
    if report.figures_note:
        lines += [f"Note: {report.figures_note}", ""]
    wall = report.wall_s
    lines.append(f"Mode: {report.mode}. Wall time: {wall:.0f} s." if math.isfinite(wall) else f"Mode: {report.mode}.")
    if report.success_criterion:
        lines += ["", f"Success: {report.success_criterion}."]
    lines += ["", "| setting | method | k* | axis | scan | measured exponent [95% CI] | predicted (own rate) | "
              "competitors | design separates | verdict |", "|---|---|---|---|---|---|---|---|---|---|"]
    lines += [_case_line(c) for c in report.cases]
    reasons = [f"- **{c.setting} / {c.method}** ({c.verdict}): {why}"
               for c in report.cases if c.verdict != "consistent" and (why := why_not_consistent(c))]
    if reasons:
        lines += ["", "## Why some cases are not called consistent", "", *reasons]
    lines += _crossover_lines(report) + _contrast_lines(report)
    claims = sorted({c.method for c in report.cases if c.method in CLAIMS})
    if claims:
        lines += ["", "## Claims tested", "", *[f"- **{m}**: {CLAIMS[m]}" for m in claims]]
    if report.figures:
        lines += ["", "## Figures", "", *[f"![{f}]({f})" for f in report.figures]]
    return "\n".join(lines)
