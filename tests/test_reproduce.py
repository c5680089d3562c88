"""The reproduction: the suite covers the paper's claims, and a tiny run writes a complete, resumable report."""

import json
import math

import pytest

from theorylab.reproduction import LINKS, format_report_markdown, reproduce, reproduction_suite
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
    he3 = {c.methods[0] for c in spec.cases if c.label.startswith("He3 reuse")}
    assert he3 == {"gd_reuse", "online_sgd"}


def test_q0_dimensions_make_the_support_size_an_integer():
    # THEORY §11 trap 1: with q = 0, s = round(d^alpha) jumps unless d^alpha is an integer.
    # Only the pruned student sees the support; the others are rotation-invariant.
    checked = 0
    for case in reproduction_suite().cases:
        if case.q == 0 and case.methods[0] == "pruned":
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
    pytest.importorskip("matplotlib")
    first = reproduce(tmp_path, spec=_tiny_spec(), workers=1, progress=False)
    report = json.loads((tmp_path / "report.json").read_text())
    assert report == json.loads(json.dumps(first.report))
    assert [c["method"] for c in report["cases"]] == ["pruned", "dense"]
    for case in report["cases"]:
        assert case["k_star"] == 1 and case["d"] == [16, 81] and case["alpha"] == 0.25
        assert case["predicted"]["pruned"]["exponent"] == 0.25  # alpha k* with k* = 1
        assert case["predicted"]["dense"]["exponent"] == 1.0
        assert case["predicted"]["csq_dense"]["exponent"] == 0.5
        assert case["verdict"] in ("consistent", "inconsistent", "inconclusive", "n/a")
        assert len(case["curves"]) == 2 and case["curves"][0]["trials"] == 4
    md = (tmp_path / "report.md").read_text()
    assert "| He1 tiny | pruned | 1 | 1 | 0 | 0.25 | 16–81 |" in md
    assert first.figures and all((tmp_path / f).is_file() for f in report["figures"])
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
    with pytest.raises(ValueError, match="trials must be >= 1"):
        reproduction_suite(trials=0)


def test_markdown_lists_reasons_for_cases_not_consistent():
    report = {"title": "T", "mode": "full", "cases": [
        {"name": "He3 a=0.25 q=0", "method": "dense", "k_star": 3, "d": [8, 27], "verdict": "inconclusive",
         "why_not_consistent": "threshold not reached at d=27 (n ≤ 1,000,000)"}]}
    md = format_report_markdown(report)
    assert "| He3 a=0.25 q=0 | dense | 3 |" in md
    assert "threshold not reached at d=27" in md


def _row(**kw):
    from theorylab.sweeps.summary import SummaryRow

    base = dict(label="x / m", link="He3(z)", method="online_sgd", alpha=0.25, q=0.0, r=1, k_star=3, d=(24, 128),
                thresholds=(1.0, 2.0), censored=(False, False))
    base.update(kw)
    return SummaryRow(**base)


def test_reasons_distinguish_censoring_width_logs_and_upper_bounds():
    from theorylab.reproduction import _why

    censored = _row(censored=(False, True), verdict="n/a", note="no slope")
    assert "threshold not reached within the n grid at d=128 (n ≤ 5,000)" in _why(censored, {128: 5000})
    wide = _row(slope=1.0, ci_low=0.2, ci_high=1.8, verdict="inconclusive", note="half-width exceeds")
    assert "too wide to tell" in _why(wide, {})
    rival = _row(slope=1.0, ci_low=0.9, ci_high=1.1, verdict="inconclusive", note="... and also the band of dense")
    assert "two candidate rates" in _why(rival, {})
    # the rate d^2 log^2 d: below its band but the interval holds 2, the exponent without the logs
    logs = _row(slope=1.6, ci_low=0.9, ci_high=2.1, predicted=2.0, predicted_local_slope=2.5, band_low=2.5,
                band_high=3.0, verdict="inconsistent")
    assert "do not show the stated logs" in _why(logs, {})
    # a log-free rate d^2 undercut: an upper bound that is not tight
    below = _row(slope=1.6, ci_low=1.4, ci_high=1.8, predicted=2.0, predicted_local_slope=2.0, band_low=2.0,
                 band_high=2.5, verdict="inconsistent")
    assert "upper bound" in _why(below, {})
    above = _row(slope=3.0, ci_low=2.8, ci_high=3.2, predicted=2.0, predicted_local_slope=2.0, band_low=2.0,
                 band_high=2.5, verdict="inconsistent")
    assert "above the accepted band" in _why(above, {})
