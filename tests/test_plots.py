"""Tests for theorylab.plots and the ``theorylab plot`` subcommand.

The expected values come from the inputs and from closed forms (the theory's piecewise exponents,
Clopper-Pearson and Wilson intervals written out with scipy.stats.beta / the normal quantile), never from
the plotting code's own output.
"""

from __future__ import annotations

import math
import struct
import subprocess
import sys
from dataclasses import dataclass, replace

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from theorylab.plots import (  # noqa: E402
    link_tex,
    plot_phase_diagram,
    plot_success_curves,
    plot_thresholds,
    rate_label,
)
from theorylab.plots.labels import format_exponent  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
D = np.array([64.0, 128.0, 256.0, 512.0, 1024.0])


@dataclass(frozen=True)
class FakeRate:
    """Duck-typed stand-in for theorylab.symbolic.rates.Rate: n(d) = d^exponent (log d)^log_power."""

    name: str
    exponent: float
    log_power: float = 0.0

    def evaluate(self, d: float) -> float:
        return d**self.exponent * math.log(d) ** self.log_power


class ZeroRate:
    name, exponent = "zero", 1.0

    def evaluate(self, d: float) -> float:
        return 0.0


def _series(label, slope, const, *, censored_last=False, fit=None):
    n = const * D**slope
    cens = np.zeros(D.size, dtype=bool)
    if censored_last:
        cens[-1] = True
    return {"label": label, "d": D, "n_star": n, "low": n / 1.2, "high": n * 1.3, "censored": cens,
            "fit": fit}


def _legend_texts(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def _png_info(path):
    data = open(path, "rb").read()
    assert data[:8] == PNG_SIGNATURE
    width, height = struct.unpack(">II", data[16:24])  # IHDR follows the signature
    i = data.find(b"pHYs")
    ppm = struct.unpack(">I", data[i + 4:i + 8])[0] if i >= 0 else None
    return width, height, ppm


def _markers(ax, marker):
    return [ln for ln in ax.lines if ln.get_marker() == marker and ln.get_linestyle() in ("None", "none", "")]


# ---------------------------------------------------------------------------------------------------------
# import isolation
# ---------------------------------------------------------------------------------------------------------
def test_import_theorylab_does_not_import_matplotlib():
    code = (
        "import sys, theorylab, theorylab.plots, theorylab.cli.plot; "
        "print(sorted(m for m in sys.modules if m == 'matplotlib' or m.startswith('matplotlib.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ---------------------------------------------------------------------------------------------------------
# plot_thresholds
# ---------------------------------------------------------------------------------------------------------
def _headline_figure(path=None):
    pruned = _series("pruned", 0.7, 20.0, fit=(0.62, math.log(20.0), 0.51, 0.74))
    dense = _series("dense", 1.9, 0.5, censored_last=True, fit=(1.9, math.log(0.5), 1.8, 2.05))
    predicted = [FakeRate("pruned", 0.5, 2.0), FakeRate("dense", 2.0), FakeRate("csq_sparse", 0.5),
                 FakeRate("csq_dense", 1.0)]
    return plot_thresholds([pruned, dense], predicted=predicted, title="He2", path=path), pruned, dense


def test_thresholds_axes_points_and_censored_markers():
    fig, pruned, dense = _headline_figure()
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert "d" in ax.get_xlabel() and "n^*" in ax.get_ylabel()
    circles, squares = _markers(ax, "o"), _markers(ax, "s")
    assert len(circles) == len(squares) == 1  # one point set per method, each with its own marker
    np.testing.assert_allclose(circles[0].get_xdata(), D)
    np.testing.assert_allclose(circles[0].get_ydata(), pruned["n_star"])
    np.testing.assert_allclose(squares[0].get_xdata(), D[:-1])  # the censored point is not a square
    triangles = _markers(ax, "^")
    assert len(triangles) == 1
    np.testing.assert_allclose(triangles[0].get_xdata(), [1024.0])
    np.testing.assert_allclose(triangles[0].get_ydata(), [dense["n_star"][-1]])
    texts = _legend_texts(ax)
    assert any(t.startswith("censored") for t in texts)


def test_thresholds_labels_carry_the_exponents():
    fig, _, _ = _headline_figure()
    texts = _legend_texts(fig.axes[0])
    assert "pruned\nslope 0.62 [0.51, 0.74]" in texts
    assert "dense\nslope 1.90 [1.80, 2.05]" in texts
    assert r"pruned $d^{1/2}\,\log^{2} d$" in texts
    assert "dense $d^{2}$" in texts
    assert "CSQ sparse $d^{1/2}$" in texts
    assert "CSQ dense $d^{1}$" in texts


def test_thresholds_fit_line_follows_the_given_slope_and_intercept():
    fig, _, _ = _headline_figure()
    ax = fig.axes[0]
    solid = [ln for ln in ax.lines if ln.get_linestyle() == "-" and ln.get_marker() in ("None", "none", "")]
    assert len(solid) == 2
    x, y = solid[0].get_xdata(), solid[0].get_ydata()
    slope, intercept = np.polyfit(np.log(x), np.log(y), 1)
    assert slope == pytest.approx(0.62) and intercept == pytest.approx(math.log(20.0))
    assert x.min() == pytest.approx(64) and x.max() == pytest.approx(1024)
    x = solid[1].get_xdata()  # dense: over its measured points (the last one is censored)
    assert x.min() == pytest.approx(64) and x.max() == pytest.approx(512)


def test_thresholds_predicted_lines_are_anchored_and_have_the_rate_shape():
    pruned = _series("pruned", 0.7, 20.0)
    dense = _series("dense", 1.9, 0.5)
    rates = [FakeRate("pruned", 0.5, 2.0), ("CSQ dense", 1.0, None), ("at a point", 1.5, (100.0, 7.0))]
    ax = plot_thresholds([pruned, dense], predicted=rates).axes[0]
    dashed = [ln for ln in ax.lines if ln.get_linestyle() not in ("-", "None", "none", "")]
    assert len(dashed) == 3
    # matched rate: through the first pruned point, with the shape d^0.5 log^2 d
    x, y = dashed[0].get_xdata(), dashed[0].get_ydata()
    expect = pruned["n_star"][0] * (x**0.5 * np.log(x) ** 2) / (64**0.5 * math.log(64) ** 2)
    np.testing.assert_allclose(y, expect, rtol=1e-12)
    # unmatched rate: through the lowest n* at the smallest d (here pruned's, 20 * 64^0.7 < 0.5 * 64^1.9)
    x, y = dashed[1].get_xdata(), dashed[1].get_ydata()
    np.testing.assert_allclose(y, min(pruned["n_star"][0], dense["n_star"][0]) * x / 64, rtol=1e-12)
    # explicit point anchor
    x, y = dashed[2].get_xdata(), dashed[2].get_ydata()
    np.testing.assert_allclose(y, 7.0 * (x / 100.0) ** 1.5, rtol=1e-12)
    assert x.min() == pytest.approx(64) and x.max() == pytest.approx(1024)


def test_thresholds_identical_reference_lines_share_one_legend_entry():
    s = _series("pruned", 1.6, 1.0)
    ax = plot_thresholds(s, predicted=[FakeRate("csq_sparse", 1.0), FakeRate("csq_dense", 1.0)]).axes[0]
    texts = _legend_texts(ax)
    assert "CSQ sparse = CSQ dense $d^{1}$" in texts
    assert len([ln for ln in ax.lines if ln.get_linestyle() not in ("-", "None", "none", "")]) == 1


def test_thresholds_lower_bound_equal_to_a_methods_rate_joins_its_entry():
    # alpha <= 1/2: pruned's d^{alpha k*} is the CSQ sparse bound; listed first, the bound still merges
    s = _series("pruned", 0.7, 20.0)
    ax = plot_thresholds(s, predicted=[FakeRate("csq_sparse", 0.5), FakeRate("pruned", 0.5)]).axes[0]
    texts = _legend_texts(ax)
    assert "pruned = CSQ sparse $d^{1/2}$" in texts
    assert not any(t.startswith("CSQ sparse") for t in texts)


def test_thresholds_below_grid_points_are_downward_triangles():
    s = _series("pruned", 0.7, 20.0)
    s["below_grid"] = [True, False, False, False, False]
    ax = plot_thresholds(s).axes[0]
    down = _markers(ax, "v")
    assert len(down) == 1 and down[0].get_xdata().tolist() == [64.0]
    assert any(t.startswith("below grid") for t in _legend_texts(ax))


def test_thresholds_legend_does_not_cover_the_axes():
    fig, _, _ = _headline_figure()
    fig.canvas.draw()
    ax = fig.axes[0]
    legend_box = ax.get_legend().get_window_extent()
    axes_box = ax.get_window_extent()
    assert legend_box.x0 >= axes_box.x1  # entirely to the right of the plotting area
    assert legend_box.x1 <= fig.bbox.x1 + 1  # and inside the figure


def test_a_long_legend_widens_the_figure_instead_of_squeezing_the_axes():
    short = plot_thresholds(_series("pruned", 0.7, 20.0))
    long = plot_thresholds([_series("a much longer method name " * 3, 0.7, 20.0)])
    for fig in (short, long):
        fig.canvas.draw()
    widths = [fig.axes[0].get_window_extent().width for fig in (short, long)]
    assert widths[1] == pytest.approx(widths[0], rel=0.03)
    assert long.get_figwidth() > short.get_figwidth() + 1.0


def test_thresholds_writes_a_png_at_150_dpi(tmp_path):
    path = tmp_path / "thresholds.png"
    _headline_figure(path=path)
    width, height, ppm = _png_info(path)
    assert width > 600 and height > 400
    assert ppm == round(150 / 0.0254)  # pixels per metre of 150 dpi


def test_thresholds_draws_into_a_given_axes():
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.add_subplot()
    assert plot_thresholds(_series("pruned", 0.7, 20.0), ax=ax) is fig
    assert len(_markers(ax, "o")) == 1


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda s: s.update(n_star=s["n_star"][:-1]), r"n_star.*same length"),
        (lambda s: s.update(d=np.array([64.0, -1, 256, 512, 1024])), r"\['d'\] must be positive"),
        (lambda s: s.update(d=np.array([64.0, 0, 256, 512, 1024])), r"\['d'\] must be positive"),
        (lambda s: s.update(low=s["n_star"] * 2), r"\['low'\] must bracket"),
        (lambda s: s.update(censored=[True]), r"\['censored'\].*same length"),
        (lambda s: s.update(fit=(1.0, 0.0, 1.2, 1.5)), r"\['fit'\]"),
        (lambda s: s.pop("label"), r"series\[0\] lacks the key 'label'"),
    ],
)
def test_thresholds_validation_names_the_argument(change, match):
    s = _series("pruned", 0.7, 20.0)
    change(s)
    with pytest.raises((ValueError, TypeError), match=match):
        plot_thresholds([s])


def test_thresholds_validation_of_other_arguments(tmp_path):
    s = _series("pruned", 0.7, 20.0)
    with pytest.raises(ValueError, match="series must not be empty"):
        plot_thresholds([])
    with pytest.raises(TypeError, match=r"predicted\[0\]"):
        plot_thresholds([s], predicted=[3.0])
    with pytest.raises(ValueError, match=r"predicted\[0\]\[2\]"):
        plot_thresholds([s], predicted=[("x", 1.0, "no such series")])
    with pytest.raises(ValueError, match=r"predicted\[0\] \('zero'\) must be positive"):
        plot_thresholds([s], predicted=[ZeroRate()], path=tmp_path / "x.png")
    assert not (tmp_path / "x.png").exists()  # validation comes before any drawing
    with pytest.raises(ValueError, match="series labels must be distinct"):
        plot_thresholds([s, dict(s)])
    with pytest.raises(TypeError, match="path"):
        plot_thresholds([s], path=3)
    with pytest.raises(TypeError, match="ax"):
        plot_thresholds([s], ax="axes")
    with pytest.raises(TypeError, match="title"):
        plot_thresholds([s], title=1)


def test_rate_label_writes_exponent_and_logs():
    assert rate_label("pruned", 0.5) == "pruned $d^{1/2}$"
    assert rate_label("dense", 2.0) == "dense $d^{2}$"
    assert rate_label("online_sgd", 1.0, log_power=1) == r"online SGD $d^{1}\,\log d$"
    assert rate_label("csq_sparse", 2 / 3) == "CSQ sparse $d^{2/3}$"
    assert rate_label("csq_sparse", math.sqrt(2)) == "CSQ sparse $d^{1.414}$"
    assert rate_label("pruned", 2, variable="s") == "pruned $s^{2}$"
    with pytest.raises(ValueError, match="exponent"):
        rate_label("pruned", float("nan"))


def test_thresholds_with_the_real_rates_when_present():
    rates = pytest.importorskip("theorylab.symbolic.rates")
    try:
        prs = [rates.predicted_rate(name, k_star=2, alpha=0.25) for name in ("pruned", "dense", "csq_sparse")]
    except TypeError as exc:  # pragma: no cover - the contract changed
        pytest.fail(f"predicted_rate no longer follows docs/architecture.md: {exc}")
    ax = plot_thresholds(_series("pruned", 0.7, 20.0), predicted=prs).axes[0]
    texts = _legend_texts(ax)
    for rate in prs:
        assert any(f"d^{{{format_exponent(rate.exponent)}}}" in t for t in texts), (rate, texts)


# ---------------------------------------------------------------------------------------------------------
# plot_phase_diagram
# ---------------------------------------------------------------------------------------------------------
def _line(ax, prefix):
    (line,) = [ln for ln in ax.lines if ln.get_label().startswith(prefix)]
    return line


@pytest.mark.parametrize("k_star", [1, 2, 3])
def test_phase_diagram_theory_lines_are_the_piecewise_exponents(k_star):
    alpha = np.array([0.25, 0.5, 0.75])
    ax = plot_phase_diagram(alpha, 0.4 * k_star + alpha, k_star=k_star, labels="pruned").axes[0]
    for prefix, expected in [
        ("pruned:", lambda a: k_star * a),
        ("dense:", lambda a: np.full_like(a, k_star)),
        ("CSQ sparse:", lambda a: k_star * np.minimum(a, 0.5)),
        ("CSQ dense:", lambda a: np.full_like(a, k_star / 2)),
    ]:
        line = _line(ax, prefix)
        x, y = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
        np.testing.assert_allclose(y, expected(x), atol=1e-12)
    # CSQ sparse past alpha = 1/2 is k*/2
    line = _line(ax, "CSQ sparse:")
    x, y = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
    np.testing.assert_allclose(y[x >= 0.5], k_star / 2)
    texts = _legend_texts(ax)
    assert {"pruned: $\\alpha k^*$", "dense: $k^*$", "CSQ dense: $k^*/2$"} <= set(texts)


def test_phase_diagram_points_intervals_and_alpha_half():
    alpha = [0.25, 0.5, 0.75]
    measured = [[0.7, 1.15, 1.6], [1.9, 1.95, 2.05]]
    low = [[0.55, 0.95, 1.35], [1.7, np.nan, 1.8]]
    high = [[0.85, 1.35, 1.85], [2.1, np.nan, 2.3]]
    fig = plot_phase_diagram(alpha, measured, low, high, k_star=2, labels=["pruned", "dense"])
    ax = fig.axes[0]
    points = [ln for ln in ax.lines if ln.get_marker() in ("o", "s")]
    assert [p.get_marker() for p in points] == ["o", "s"]  # pruned, dense
    for line, row in zip(points, measured, strict=True):
        np.testing.assert_allclose(line.get_ydata(), row)
        np.testing.assert_allclose(line.get_xdata(), alpha, atol=0.02)  # small horizontal offsets
    assert {"pruned", "dense"} <= set(_legend_texts(ax))
    # the half-plane alpha > 1/2 is shaded and alpha = 1/2 marked
    spans = [p for p in ax.patches if hasattr(p, "get_x")]
    assert any(p.get_x() == pytest.approx(0.5) and p.get_x() + p.get_width() == pytest.approx(1.0) for p in spans)
    assert any(np.allclose(ln.get_xdata(), 0.5) for ln in ax.lines if len(ln.get_xdata()) == 2)
    assert ax.get_xlim() == (0.0, 1.0)
    assert "alpha" in ax.get_xlabel() and "beta" in ax.get_ylabel()


def test_phase_diagram_skips_missing_measurements():
    ax = plot_phase_diagram([0.25, 0.5], [[0.7, np.nan]], k_star=2, labels=["pruned"]).axes[0]
    (points,) = [ln for ln in ax.lines if ln.get_marker() == "o"]
    np.testing.assert_allclose(points.get_ydata(), [0.7])
    ax = plot_phase_diagram([0.25, 0.5], [np.nan, np.nan], k_star=2, labels="pruned").axes[0]
    assert not [ln for ln in ax.lines if ln.get_marker() == "o"]
    assert ax.get_ylim()[1] == pytest.approx(2 * 1.15)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"alpha": [0.25, 1.0]}, "alpha must be in"),
        ({"alpha": [0.0, 0.5]}, "alpha must be in"),
        ({"measured": [0.5, 0.6, 0.7]}, "measured must have the same length as alpha"),
        ({"low": [0.9, 0.1]}, "bracket"),
        ({"k_star": 0}, "k_star"),
        ({"labels": ["a", "b"]}, "labels"),
    ],
)
def test_phase_diagram_validation_names_the_argument(kwargs, match):
    args = {"alpha": [0.25, 0.5], "measured": [0.7, 1.1], "low": None, "high": None, "k_star": 2,
            "labels": "pruned"}
    args.update(kwargs)
    with pytest.raises((ValueError, TypeError), match=match):
        plot_phase_diagram(args.pop("alpha"), args.pop("measured"), args.pop("low"), args.pop("high"), **args)


def test_phase_diagram_writes_png(tmp_path):
    path = tmp_path / "phase.png"
    plot_phase_diagram([0.25, 0.75], [0.7, 1.6], k_star=2, labels="pruned", path=str(path))
    assert _png_info(path)[2] == round(150 / 0.0254)


# ---------------------------------------------------------------------------------------------------------
# plot_success_curves
# ---------------------------------------------------------------------------------------------------------
def _clopper_pearson(k, n, conf):
    """Exact interval from Beta quantiles (Clopper & Pearson 1934)."""
    from scipy.stats import beta

    a = 1 - conf
    lo = 0.0 if k == 0 else beta.ppf(a / 2, k, n - k + 1)
    hi = 1.0 if k == n else beta.ppf(1 - a / 2, k + 1, n - k)
    return lo, hi


def _wilson(k, n, conf):
    """Wilson score interval, written out."""
    from scipy.stats import norm

    z = norm.ppf(1 - (1 - conf) / 2)
    centre = (k + z * z / 2) / (n + z * z)
    half = z / (n + z * z) * math.sqrt(k * (n - k) / n + z * z / 4)
    return centre - half, centre + half


def _band(ax, index):
    return np.concatenate([p.vertices for p in ax.collections[index].get_paths()])


@pytest.mark.parametrize(("interval", "reference"), [("exact", _clopper_pearson), ("wilson", _wilson)])
def test_success_curves_fractions_and_binomial_bands(interval, reference):
    rng = np.random.default_rng(7)
    n = np.array([100, 200, 400, 800, 1600, 3200])
    curves = {}
    for d, p in [(256, [0.0, 0.1, 0.4, 0.8, 1.0, 1.0]), (64, [0.2, 0.5, 0.9, 1.0, 1.0, 1.0])]:
        curves[d] = (n, rng.random((20, n.size)) < np.array(p))
    fig = plot_success_curves(curves, level=0.5, confidence=0.9, interval=interval)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    curve_lines = [ln for ln in ax.lines if ln.get_marker() == "o"]
    assert len(curve_lines) == 2
    # sorted by d: first 64, then 256
    for i, d in enumerate(sorted(curves)):
        k = curves[d][1].sum(axis=0)
        np.testing.assert_allclose(curve_lines[i].get_xdata(), n)
        np.testing.assert_allclose(curve_lines[i].get_ydata(), k / 20)
        verts = _band(ax, i)
        moving = (k > 0) & (k < 20)
        shown = moving | np.r_[moving[1:], False] | np.r_[False, moving[:-1]]
        for j, nj in enumerate(n):
            ys = verts[np.isclose(verts[:, 0], nj), 1]
            if not shown[j]:  # every trial failed (or succeeded) here and at both neighbours: no band
                assert ys.size == 0
                continue
            lo, hi = reference(int(k[j]), 20, 0.9)
            assert ys.min() == pytest.approx(lo, abs=1e-9)
            assert ys.max() == pytest.approx(hi, abs=1e-9)
    assert not np.all([(k > 0) & (k < 20) for k in (c[1].sum(axis=0) for c in curves.values())])  # a gap tested
    (level,) = [ln for ln in ax.lines if ln.get_label().startswith("level 0.5")]
    np.testing.assert_allclose(level.get_ydata(), 0.5)
    texts = _legend_texts(ax)
    assert texts[:2] == ["$d = 64$  (20 trials)", "$d = 256$  (20 trials)"]
    assert any("90%" in t for t in texts)


def test_success_curves_from_counts_equal_those_from_the_trial_matrix():
    n = np.array([100, 200, 400])
    success = np.array([[0, 1, 1], [0, 0, 1], [1, 1, 1]], dtype=bool)
    a = plot_success_curves({64: (n, success)}, axis="s").axes[0]
    b = plot_success_curves({64: (n, [1, 2, 3], 3)}, axis="s").axes[0]
    for ax in (a, b):
        (line,) = [ln for ln in ax.lines if ln.get_marker() == "o"]
        np.testing.assert_allclose(line.get_ydata(), [1 / 3, 2 / 3, 1.0])
    assert _legend_texts(b)[0] == "$s = 64$  (3 trials)"
    with pytest.raises(ValueError, match="count between 0 and trials"):
        plot_success_curves({64: (n, [1, 2, 4], 3)})


@pytest.mark.parametrize(
    ("curves", "kwargs", "match"),
    [
        ({64: ([100, 200], np.zeros((4, 3), bool))}, {}, r"success must have shape"),
        ({64: ([200, 100], np.zeros((4, 2), bool))}, {}, r"n must be positive and increasing"),
        ({-64: ([100, 200], np.zeros((4, 2), bool))}, {}, r"curves keys must be positive"),
        ({64: ([100, 200], np.full((4, 2), 2))}, {}, r"success must be booleans"),
        ({64: ([100, 200], np.zeros((4, 2), bool))}, {"level": 1.5}, "level"),
        ({64: ([100, 200], np.zeros((4, 2), bool))}, {"interval": "normal"}, "interval"),
        ({}, {}, "curves must not be empty"),
        ({64: ([100, 200], np.zeros((4, 2), bool))}, {"format": "gif"}, "format must be one of"),
    ],
)
def test_success_curves_validation_names_the_argument(curves, kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        plot_success_curves(curves, **kwargs)


# ---------------------------------------------------------------------------------------------------------
# exponent fits, open intervals, the s axis, other formats
# ---------------------------------------------------------------------------------------------------------
def _fit(d, n):
    from theorylab.compare import fit_exponent

    return fit_exponent(d, n)


def test_thresholds_accepts_an_exponent_fit_and_an_interval_open_at_infinity():
    n = 3.0 * D**0.5 * np.exp([0.05, -0.03, 0.02, -0.04, 0.01])
    fit = _fit(D, n)
    lo, _ = fit.confidence_interval
    open_fit = replace(fit, confidence_interval=type(fit.confidence_interval)(lo, math.inf))
    for given in ([open_fit], [{"label": "dense", "fit": open_fit, "verdict": "inconclusive"}], open_fit):
        ax = plot_thresholds(given).axes[0]
        (points,) = [ln for ln in ax.lines if ln.get_marker() not in ("None", "", "_") and ln.get_linestyle() == "None"]
        np.testing.assert_allclose(points.get_xdata(), D)
        np.testing.assert_allclose(points.get_ydata(), n, rtol=1e-12)
        assert any(f"slope {fit.slope:.2f} [{lo:.2f}, inf]" in t for t in _legend_texts(ax))


def test_thresholds_along_s_use_the_s_exponent_and_label_the_axis():
    s = np.array([2.0, 4.0, 8.0, 16.0])
    series = {"label": "pruned", "s": s, "n_star": 50 * s**2}
    rates = pytest.importorskip("theorylab.symbolic.rates")
    pruned = rates.predicted_rate("pruned", 2, alpha=0.25)
    dense = rates.predicted_rate("dense", 2, alpha=0.25)
    ax = plot_thresholds(series, predicted=[pruned, dense], axis="s", fixed_d=256).axes[0]
    assert "support size $s$" in ax.get_xlabel() and "d = 256" in ax.get_xlabel()
    texts = _legend_texts(ax)
    assert "pruned $s^{2}$" in texts and "dense $s^{0}$" in texts
    dashed = [ln for ln in ax.lines if ln.get_linestyle() == "--"]
    x, y = dashed[0].get_xdata(), dashed[0].get_ydata()  # pruned: through (2, 200) with slope 2 in s
    np.testing.assert_allclose(y, 200.0 * (x / 2.0) ** 2, rtol=1e-9)
    np.testing.assert_allclose(dashed[1].get_ydata(), 200.0, rtol=1e-9)  # dense: flat in s
    with pytest.raises(ValueError, match=r"series\[0\] lacks the key 's'"):
        plot_thresholds({"label": "pruned", "d": s, "n_star": s}, axis="s")


@pytest.mark.parametrize(("fmt", "magic"), [("pdf", b"%PDF"), ("svg", b"<?xml"), ("png", PNG_SIGNATURE)])
def test_figures_are_written_in_the_asked_format(tmp_path, fmt, magic):
    path = tmp_path / "figure.out"
    plot_phase_diagram([0.25, 0.75], [0.7, 1.6], k_star=2, labels="pruned", path=path, format=fmt)
    assert path.read_bytes()[: len(magic)] == magic
    bare = tmp_path / f"figure.{fmt}"
    plot_thresholds(_series("pruned", 0.7, 20.0), path=bare)  # the suffix names the format
    assert bare.read_bytes()[: len(magic)] == magic


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He2(z)/sqrt(2)", r"$\mathrm{He}_{2}(z)/\sqrt{2}$"),
        ("He3(z) + 0.5*He2(z)", r"$\mathrm{He}_{3}(z) + 0.5 \mathrm{He}_{2}(z)$"),
        ("z1*z2", "$z_{1} z_{2}$"),
        ("tanh(z)**2 - (z - 1)/2", r"$\tanh(z)^{2} - (z - 1)/2$"),
        ("relu(z) - 1/sqrt(2*pi)", r"$\mathrm{relu}(z) - 1/\sqrt{2 \pi}$"),
        ("a - (b - c)", r"$a - (b - c)$"),
        ("<lambda>", "<lambda>"),
        ("cost $5", r"cost \$5"),
    ],
)
def test_link_titles_are_mathematics_that_matplotlib_can_typeset(text, expected):
    from matplotlib.mathtext import MathTextParser

    assert link_tex(text) == expected
    if expected.startswith("$"):
        MathTextParser("agg").parse(expected)  # raises on anything mathtext cannot typeset
