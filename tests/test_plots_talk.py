"""Figures a researcher would put in a talk: overlapping bands stay apart, coinciding lines stay visible, an
"already ahead" crossover draws no line at the axis, long merged legend entries are broken, one style."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from theorylab.plots import plot_phase_diagram, plot_thresholds  # noqa: E402
from theorylab.report import Crossover  # noqa: E402

D = np.array([16.0, 64.0, 256.0])


def _series(label: str, slope: float, const: float, band: tuple[float, float]) -> dict:
    n = const * D**slope
    return {"label": label, "d": D, "n_star": n, "low": n / 1.2, "high": n * 1.3, "band": band,
            "fit": (slope, float(np.log(const)), slope - 0.1, slope + 0.1)}


def _two_overlapping() -> list[dict]:
    # bands [0.5, 1.5] and [0.8, 2.0] from nearby first points: they overlap over the whole range
    return [_series("pruned", 1.0, 10.0, (0.5, 1.5)), _series("dense", 1.4, 12.0, (0.8, 2.0))]


def _band_collections(ax) -> list:
    from matplotlib.collections import PolyCollection

    return [c for c in ax.collections if isinstance(c, PolyCollection)]


def test_overlapping_bands_are_hatched_differently_in_their_colours() -> None:
    ax = plot_thresholds(_two_overlapping()).axes[0]
    hatched = [c for c in _band_collections(ax) if c.get_hatch()]
    assert len(hatched) == 2 and hatched[0].get_hatch() != hatched[1].get_hatch()
    colours = {tuple(np.round(c.get_edgecolor()[0][:3], 3)) for c in hatched}
    assert len(colours) == 2  # each band hatched in its method's colour, not a shared grey


def test_already_ahead_crossover_draws_no_line_at_the_first_d() -> None:
    cross = Crossover("He2", 2, "pruned", "dense", "already", 16.0)
    ax = plot_thresholds(_two_overlapping(), crossover=cross).axes[0]
    vertical = [ln for ln in ax.lines if np.size(ln.get_xdata()) >= 2 and np.ptp(ln.get_xdata()) == 0]
    assert not vertical
    assert any("already below" in t.get_text() for t in ax.get_legend().get_texts())


def test_measured_crossover_still_draws_its_line() -> None:
    cross = Crossover("He2", 2, "pruned", "dense", "measured", 64.0, 40.0, 100.0)
    ax = plot_thresholds(_two_overlapping(), crossover=cross).axes[0]
    assert any(np.size(ln.get_xdata()) >= 2 and np.ptp(ln.get_xdata()) == 0 for ln in ax.lines)


def test_long_merged_legend_entries_are_broken_at_the_equals_signs() -> None:
    from theorylab.plots.thresholds import wrap_equal_names

    text = "CSQ dense = online SGD = sample reuse (SQ) $s^0$"
    lines = wrap_equal_names(text).split("\n")
    assert len(lines) == 2 and " = ".join(line.removeprefix("= ") for line in lines) == text
    assert wrap_equal_names("pruned = CSQ sparse $d^{1/2}$") == "pruned = CSQ sparse $d^{1/2}$"


def test_phase_diagram_names_the_line_hidden_under_pruned() -> None:
    fig = plot_phase_diagram([0.25, 0.5, 0.75], [0.7, 1.2, 1.6], k_star=2, labels="pruned")
    texts = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    csq = next(t for t in texts if t.startswith("CSQ sparse"))
    assert "pruned" in csq  # the coincidence with pruned for α <= 1/2 is said, not only drawn
