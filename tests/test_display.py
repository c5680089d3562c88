"""Every result type a REPL or a notebook shows has a short repr (no arrays) and a well-formed _repr_html_."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

import theorylab as tl
from theorylab.compare import estimate_threshold, fit_exponent_from_curves
from theorylab.compare.crossover import alpha_contrast, crossover_dimension
from theorylab.compare.planner import Pilot, plan_design
from theorylab.compare.verdicts import separable, verdict
from theorylab.report import CaseReport, Contrast, Crossover, Curve, PredictedLine, Report
from theorylab.reproduction.run import Reproduction
from theorylab.sweeps.planning import CasePlan, pilot_from_row
from theorylab.sweeps.summary import SweepSummary
from theorylab.symbolic.methods import METHODS

#: A repr is one readable line: this many characters at most.
MAX_REPR = 300


def _curves(rng: np.random.Generator) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    n = np.unique(np.geomspace(8, 20000, 40).astype(int))
    out = {}
    for d in (16, 64, 256, 1024):
        first = np.exp(rng.normal(np.log(3.0 * d), 0.4, 32))
        out[d] = (n, n[None, :] >= first[:, None])
    return out


def _row() -> CaseReport:
    return CaseReport("he2", "He2", "He2(z)", "pruned", 0.25, 0.0, 1, 2, (16, 64, 256), (400.0, 1200.0, 3000.0),
                      threshold_low=(300.0, 1000.0, 2500.0), threshold_high=(520.0, 1500.0, 3700.0),
                      seconds=(0.5, 0.8, 1.6), slope=0.73, slope_low=0.6, slope_high=0.85,
                      predicted=(PredictedLine("pruned", "pruned", 0.5, role="own", band_low=0.5, band_high=1.0),),
                      curves=tuple(Curve(d, tuple(range(1, 200)), tuple(range(199)), 16) for d in (16, 64, 256)),
                      verdict="consistent", reason="x " * 300)


def _objects() -> dict[str, object]:
    rng = np.random.default_rng(0)
    curves = _curves(rng)
    n, success = curves[64]
    th = estimate_threshold(n, success, n_resamples=999, rng=1)
    fit = fit_exponent_from_curves(curves, rng=2, n_resamples=199)
    pruned, dense = tl.predicted_rate("pruned", 2, alpha=0.25), tl.predicted_rate("dense", 2)
    pilot = Pilot((16.0, 64.0, 256.0), 0.4, (0.01, 0.02, 0.05))
    plan = plan_design(pruned, [dense], pilot, grids=[[16, 64, 256, 1024], [16, 64, 256]], budget_s=100)
    row = _row()
    report = Report("t", "quick", (row,) * 20,
                    crossovers=(Crossover("He2", 2, "pruned", "online_sgd", "measured", 400.0, 256.0, 625.0),),
                    contrasts=(Contrast("He2", "pruned", (0.25, 0.5, 0.75), 2.1, 1.8, 2.4, 2.0),))
    return {
        "ThresholdResult": th,
        "ExponentFit": fit,
        "Verdict": verdict(fit, dense),
        "Separability": separable(pruned, dense, 64, 4096),
        "CrossoverResult": crossover_dimension([16, 64, 256], [100, 300, 900], [16, 64, 256], [50, 200, 1000]),
        "ContrastResult": alpha_contrast([0.25, 0.5, 0.75], [1.0, 1.5, 2.0], [0.9, 1.4, 1.9], [1.1, 1.6, 2.1]),
        "Pilot": pilot,
        "Design": plan.considered[0],
        "Plan": plan,
        "CasePlan": CasePlan(row, pilot_from_row(row), plan),
        "Curve": row.curves[0],
        "PredictedLine": row.predicted[0],
        "CaseReport": row,
        "Crossover": report.crossovers[0],
        "Contrast": report.contrasts[0],
        "Report": report,
        "SweepSummary": SweepSummary("demo", report.cases, total_cells=60),
        "Reproduction": Reproduction(Path("out"), report, ("a.png",), 12.0, 3, 57),
        "Rate": pruned,
        "Method": METHODS["pruned"],
        "SimulationResult": tl.simulate("He2(z)", d=16, n=64, n_min=8, trials=2, seed=0),
    }


OBJECTS = _objects()


class _Balanced(HTMLParser):
    """Checks that every opened tag is closed in order."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.ok = True

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.ok = False


@pytest.mark.parametrize("name", sorted(OBJECTS))
def test_repr_is_one_short_line_without_arrays(name: str) -> None:
    obj = OBJECTS[name]
    text = repr(obj)
    assert type(obj).__name__ in text
    assert len(text) <= MAX_REPR, f"{name}: {len(text)} characters"
    assert "\n" not in text and "array(" not in text and "nan, nan" not in text


@pytest.mark.parametrize("name", sorted(OBJECTS))
def test_repr_html_is_well_formed(name: str) -> None:
    obj = OBJECTS[name]
    page = obj._repr_html_()  # type: ignore[attr-defined]
    parser = _Balanced()
    parser.feed(page)
    parser.close()
    assert parser.ok and not parser.stack, page[:200]
    assert "array(" not in page and len(page) < 20_000


def test_html_escapes_text() -> None:
    row = CaseReport("<b>x</b>", "s", "He2(z)", "pruned", 0.25, 0.0, 1, 2, (16,), (1.0,))
    assert "<b>x" not in row._repr_html_() and "&lt;b&gt;x" in row._repr_html_()


def test_report_html_lists_its_rows() -> None:
    page = OBJECTS["Report"]._repr_html_()  # type: ignore[attr-defined]
    assert page.count("<tr>") >= 20 and "consistent" in page
