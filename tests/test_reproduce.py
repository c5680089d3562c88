"""The reproduction: the suite covers the paper's claims, and a tiny run writes a complete, resumable report."""

import json
import math

import pytest

from theorylab.report import CaseReport, PredictedLine, Report
from theorylab.reproduction import (
    LINKS,
    format_report_markdown,
    reproduce,
    reproduction_suite,
    why_not_consistent,
)
from theorylab.sweeps.spec import CaseSpec, SweepSpec
from theorylab.symbolic import as_link, gaussian_expectation, information_exponent
from theorylab.symbolic.hermite import hermite_coefficients


def test_full_suite_covers_the_claims_of_the_issue():
    spec = reproduction_suite()
    seen = {(c.link_object.text, c.r, c.q, c.alpha, c.methods[0]) for c in spec.cases}
    k_stars = {information_exponent(c.link_object) for c in spec.cases}
    assert k_stars == {1, 2, 3}
    assert {c.alpha for c in spec.cases} == {0.25, 0.5, 0.75}
    assert {c.q for c in spec.cases} == {0.0, 1.0}
    assert any(c.r == 2 for c in spec.cases)
    assert {m for *_, m in seen} == {"pruned", "dense", "online_sgd", "gd_reuse"}
    # He3 is run with sample reuse beside one pass
    he3 = {c.methods[0] for c in spec.cases if c.link_object.text == LINKS["He3"] and c.axis == "d"}
    assert he3 >= {"gd_reuse", "online_sgd"}
    # s-scans at fixed d for k* = 1, 2, 3 and for r = 2, each with pruned beside a basis-independent learner
    s_scans = {(information_exponent(c.link_object), c.r, c.methods[0]) for c in spec.cases if c.axis == "s"}
    for k in (1, 2, 3):
        assert {(k, 1, "pruned"), (k, 1, "dense")} <= s_scans
    assert {(2, 2, "pruned"), (2, 2, "dense")} <= s_scans


def test_q0_dimensions_make_the_support_size_an_integer():
    # THEORY §11 trap 1: with q = 0, s = round(d^alpha) jumps unless d^alpha is an integer.
    # Only the pruned student sees the support; the others are rotation-invariant.
    checked = 0
    for case in reproduction_suite().cases:
        if case.q == 0 and case.methods[0] == "pruned" and case.axis == "d":
            for d in case.d_grid:
                s = d**case.alpha
                assert abs(s - round(s)) < 1e-9, (case.label, d)
                checked += 1
    assert checked >= 15


@pytest.mark.parametrize("name", sorted(LINKS))
def test_links_are_normalised_as_the_paper_assumes(name):
    # §1: E sigma* = 0 and E sigma*^2 = 1; by Parseval E sigma^2 = sum gamma_k^2 / k!.
    link = as_link(LINKS[name])
    if link.arity == 1:
        gammas = hermite_coefficients(link, 4)
        assert gammas[0] == 0
        assert sum(g**2 / math.factorial(k) for k, g in enumerate(gammas)) == 1
    else:
        assert gaussian_expectation(link.expr**2) == 1 if hasattr(link.expr, "subs") else True


def test_quick_suite_is_a_subset_of_the_full_one():
    quick = {c.label for c in reproduction_suite(quick=True).cases}
    full = {c.label for c in reproduction_suite().cases}
    assert quick <= full


def _tiny_spec():
    cases = [
        CaseSpec(LINKS["He1"], ["pruned"], d_grid=[16, 81], n_min=4, n_max=400, trials=4, label="He1 tiny / pruned"),
        CaseSpec(LINKS["He1"], ["dense"], d_grid=[16, 81], n_min=4, n_max=2000, trials=4, label="He1 tiny / dense"),
    ]
    return SweepSpec("tiny", seed=3, cases=cases)


@pytest.mark.slow
def test_tiny_reproduction_writes_report_figures_and_resumes(tmp_path):
    first = reproduce(tmp_path, spec=_tiny_spec(), workers=1, progress=False, figures=False)
    data = json.loads((tmp_path / "report.json").read_text())
    assert data == first.report.to_dict()
    assert Report.from_dict(data).to_dict() == data  # the typed round trip is exact (NaN != NaN, so via JSON)
    report = first.report
    assert [c.method for c in report.cases] == ["pruned", "dense"]
    for case in report.cases:
        assert case.k_star == 1 and case.values == (16, 81) and case.alpha == 0.25 and case.axis == "d"
        lines = {p.name: p for p in case.predicted}
        assert lines["pruned"].exponent == 0.25  # alpha k* with k* = 1
        assert lines["dense"].exponent == 1.0
        assert lines["csq_dense"].exponent == 0.5
        assert case.verdict in ("consistent", "inconsistent", "inconclusive", "n/a")
        assert len(case.curves) == 2 and case.curves[0].trials == 4
    md = (tmp_path / "report.md").read_text()
    assert "| He1(z) r=1 q=0 α=0.25 | pruned | 1 | d | 16–81 |" in md
    again = reproduce(tmp_path, spec=_tiny_spec(), workers=1, progress=False, figures=False)
    assert (again.computed, again.reused) == (0, 4)


def test_reproduce_validates_its_arguments(tmp_path):
    with pytest.raises(TypeError, match="out must be a path"):
        reproduce(3)
    with pytest.raises(ValueError, match="workers must be >= 1"):
        reproduce(tmp_path, workers=0)
    bad = SweepSpec("bad", seed=0, cases=[CaseSpec("He1(z)", ["pruned", "dense"], [16], 4, 40, label="x")])
    with pytest.raises(ValueError, match=r"spec.cases\[0\]: a reproduction case has one method"):
        reproduce(tmp_path, spec=bad)
    with pytest.raises(ValueError, match="trials must be >= 2"):
        reproduction_suite(trials=1)


def _row(**kw):
    base = dict(label="x / m", setting="He3", link="He3(z)", method="online_sgd", alpha=0.25, q=0.0, r=1, k_star=3,
                values=(24, 128), thresholds=(1.0, 2.0), censored=(False, False), n_max=(1000, 5000))
    base.update(kw)
    return CaseReport(**base)


def test_markdown_lists_reasons_for_cases_not_consistent():
    row = _row(method="dense", verdict="inconclusive", censored=(False, True), values=(8, 27),
               n_max=(1000, 1_000_000))
    md = format_report_markdown(Report("T", "full", (row,)))
    assert "| He3 | dense | 3 | d | 8–27 |" in md
    assert "threshold not reached within the n grid at d=27 (n ≤ 1,000,000)" in md


def test_reasons_distinguish_censoring_width_competitors_logs_and_upper_bounds():
    own = (PredictedLine("online_sgd", "online SGD", 2.0, log_power=2.0, role="own"),)
    censored = _row(censored=(False, True), verdict="n/a", notes=("no slope",))
    assert "threshold not reached within the n grid at d=128 (n ≤ 5,000)" in why_not_consistent(censored)
    wide = _row(slope=1.0, slope_low=0.2, slope_high=1.8, verdict="inconclusive", too_wide=True)
    assert "too wide to tell" in why_not_consistent(wide)
    rival = _row(slope=1.0, slope_low=0.9, slope_high=1.1, verdict="inconclusive", competitors_met=("dense",))
    assert "cannot exclude it" in why_not_consistent(rival) and "dense" in why_not_consistent(rival)
    # the rate d^2 log^2 d: below its band but the interval holds 2, the exponent without the logs
    logs = _row(slope=1.6, slope_low=0.9, slope_high=2.1, predicted=own, band_low=2.5, band_high=3.0,
                verdict="inconsistent", side="below")
    assert "do not show the stated logs" in why_not_consistent(logs)
    # a log-free rate d^2 undercut: an upper bound that is not tight
    flat = (PredictedLine("dense", "dense", 2.0, role="own"),)
    below = _row(slope=1.6, slope_low=1.4, slope_high=1.8, predicted=flat, band_low=2.0, band_high=2.5,
                 verdict="inconsistent", side="below")
    assert "upper bound" in why_not_consistent(below)
    above = _row(slope=3.0, slope_low=2.8, slope_high=3.2, predicted=flat, band_low=2.0, band_high=2.5,
                 verdict="inconsistent", side="above")
    assert "lies above the accepted band" in why_not_consistent(above)


def test_report_files_follow_the_umask(tmp_path):
    import os

    from theorylab.report import write_json_atomic

    old = os.umask(0o027)
    try:
        write_json_atomic(tmp_path / "r.json", {"a": 1})
    finally:
        os.umask(old)
    assert os.stat(tmp_path / "r.json").st_mode & 0o777 == 0o640


def test_a_slope_without_interval_is_listed_with_its_note():
    """A case whose thresholds are all inside the grid but whose bootstrap interval is unbounded gets no verdict
    (n/a); report.md must still say why (it listed no reason for such a row)."""
    note = "the slope interval is unbounded (censored thresholds): no verdict"
    row = _row(method="pruned", slope=2.56, verdict="n/a", notes=(note,), values=(2, 8),
               censored=(False, False))
    assert why_not_consistent(row) == note
    md = format_report_markdown(Report("T", "full", (row,)))
    assert f"- **He3 / pruned** (n/a): {note}" in md
