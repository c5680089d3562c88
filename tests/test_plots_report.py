"""Figures from a typed report, a stored sweep and the ``theorylab plot`` command.

The report is synthetic (d-scan and s-scan rows with known power laws); the sweep is stored by the stand-in
cell function of the sweep tests (thresholds n_t = 20 N e^{0.3 ξ}, N = s² for pruned, d otherwise), so the
expected slopes are known from outside the code.
"""

from __future__ import annotations

import json
import math
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from theorylab.cli import main  # noqa: E402
from theorylab.plots import plot, plot_report, plot_sweep  # noqa: E402
from theorylab.plots.report import row_series  # noqa: E402
from theorylab.report import CaseReport, Curve, PredictedLine, Report  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent / "sweeps"))
from _standin import power_law_cell, pruned_d_slope  # noqa: E402

MAGIC = {"png": b"\x89PNG", "pdf": b"%PDF", "svg": b"<?xml"}
D = (16, 32, 64, 128, 256)
S = (2, 4, 8, 16)


def _lines(axis: str, alpha: float, own: str) -> tuple[PredictedLine, ...]:
    if axis == "d":
        table = {"pruned": 2 * alpha, "dense": 2.0, "csq_dense": 1.0, "csq_sparse": 2 * min(alpha, 0.5)}
    else:
        table = {"pruned": 2.0, "dense": 0.0, "online_sgd": 0.0}
    return tuple(PredictedLine(name, name, e, 0.0, e, e + 0.5, "own" if name == own else "other")
                 for name, e in table.items())


def _row(method: str, slope: float, const: float, *, axis: str = "d", alpha: float = 0.25,
         censored_last: bool = False) -> CaseReport:
    xs = D if axis == "d" else S
    n = tuple(const * x**slope for x in xs)
    cens = tuple(censored_last and i == len(xs) - 1 for i in range(len(xs)))
    return CaseReport(
        label=f"{method} {axis} {alpha}", setting="he2", link="He2(z)/sqrt(2)", method=method, alpha=alpha, q=0.0,
        r=1, k_star=2, values=xs, axis=axis, fixed_d=256 if axis == "s" else None,
        thresholds=tuple(math.nan if c else v for v, c in zip(n, cens, strict=True)),
        n_min=tuple(4 for _ in xs), n_max=tuple(int(2 * n[-2]) for _ in xs),
        threshold_low=tuple(v / 1.2 for v in n), threshold_high=tuple(v * 1.3 for v in n), censored=cens,
        below_grid=tuple(False for _ in xs), slope=slope, slope_low=slope - 0.1, slope_high=slope + 0.1,
        intercept=math.log(const), rate=method, predicted=_lines(axis, alpha, method), band_low=slope - 0.2,
        band_high=slope + 0.3, verdict="consistent",
        curves=(Curve(xs[0], (10, 100, 1000), (0, 3, 8), 8),) if method == "pruned" else ())


def _report() -> Report:
    return Report("synthetic", "quick", (
        _row("pruned", 0.5, 20.0), _row("dense", 2.0, 0.5, censored_last=True), _row("pruned", 1.5, 20.0, alpha=0.75),
        _row("pruned", 2.0, 50.0, axis="s"), _row("dense", 0.0, 4e4, axis="s"), _row("online_sgd", 0.0, 9e3, axis="s"),
    ))


NAMES = [
    "thresholds_He2_z_sqrt_2_k2_r1_q0_a0.25",
    "thresholds_He2_z_sqrt_2_k2_r1_q0_a0.75",
    "sparsity_He2_z_sqrt_2_k2_r1_q0_d256",
    "phase_He2_z_sqrt_2_k2_r1_q0",
    "success_He2_z_sqrt_2_k2_r1_q0_a0.25_pruned",
    "success_He2_z_sqrt_2_k2_r1_q0_a0.75_pruned",
    "success_He2_z_sqrt_2_k2_r1_q0_d256_pruned",
]


def _figures(monkeypatch: pytest.MonkeyPatch) -> list:
    """Record every Figure the report functions save."""
    from matplotlib.figure import Figure

    saved = []
    original = Figure.savefig

    def spy(self, *args, **kwargs):
        saved.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", spy)
    return saved


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.axes[0].get_legend().get_texts()]


def test_report_figures_are_named_from_the_rows_fields(tmp_path):
    written = plot_report(_report(), tmp_path)
    assert [Path(p).name for p in written] == [f"{n}.png" for n in NAMES]
    assert all(Path(p).read_bytes()[:4] == MAGIC["png"] for p in written)


def test_report_as_dict_or_path_gives_the_same_figures(tmp_path):
    report = _report()
    (tmp_path / "report.json").write_text(json.dumps(report.to_dict()))
    for source in (report.to_dict(), tmp_path / "report.json", tmp_path):
        written = plot_report(source, tmp_path / "out", kinds=["phase"])
        assert [Path(p).stem for p in written] == [NAMES[3]]


def test_s_scan_figure_draws_every_method_of_the_setting_with_anchored_lines(tmp_path, monkeypatch):
    saved = _figures(monkeypatch)
    plot_report(_report(), tmp_path, kinds=["sparsity"])
    (fig,) = saved
    ax = fig.axes[0]
    assert ax.get_xscale() == ax.get_yscale() == "log" and "support size $s$" in ax.get_xlabel()
    assert "$d = 256$" in ax.get_title() and r"\mathrm{He}_{2}(z)/\sqrt{2}" in ax.get_title()
    texts = _texts(fig)
    for name, slope in (("pruned", "2.00"), ("dense", "0.00"), ("online SGD", "0.00")):
        assert f"{name}\nslope {slope} [" in "\n".join(texts)
    assert {"pruned $s^{2}$", "dense $s^{0}$", "online SGD $s^{0}$"} <= set(texts)
    # each method's own line passes through its first point: pruned 50·2², dense 4·10⁴, online SGD 9·10³
    dashed = {tuple(np.round(ln.get_ydata()[[0, -1]], 6)) for ln in ax.lines if ln.get_linestyle() == "--"}
    assert (200.0, 200.0 * 8**2) in dashed and (4e4, 4e4) in dashed and (9e3, 9e3) in dashed


def test_d_scan_figure_marks_censored_points_and_merges_identical_lines(tmp_path, monkeypatch):
    saved = _figures(monkeypatch)
    plot_report(_report(), tmp_path, kinds=["thresholds"])
    first = saved[0]
    texts = _texts(first)
    assert "pruned\nslope 0.50 [0.40, 0.60], consistent" in texts
    # alpha = 1/4, k* = 2: pruned's d^{1/2} is the CSQ sparse bound: one line, one entry
    assert {"pruned = CSQ sparse $d^{1/2}$", "dense $d^{2}$", "CSQ dense $d^{1}$"} <= set(texts)
    assert any(t.startswith("censored") for t in texts) and any(t.startswith("slopes the verdict") for t in texts)
    censored = [ln for ln in first.axes[0].lines if ln.get_marker() == "^"]
    assert len(censored) == 1 and censored[0].get_xdata().tolist() == [256.0]
    # drawn at the largest n tried there
    assert censored[0].get_ydata().tolist() == [2 * int(0.5 * 128**2.0)]
    assert "pruned $d^{3/2}$" in _texts(saved[1]) and "CSQ dense = CSQ sparse $d^{1}$" in _texts(saved[1])


def test_rows_without_points_are_skipped_and_report_input_is_checked(tmp_path):
    empty = CaseReport(label="x", setting="x", link="He2(z)", method="pruned", alpha=0.25, q=0.0, r=1, k_star=2,
                       values=(), thresholds=())
    assert row_series(empty) is None
    assert plot_report(Report("t", "quick", (empty,)), tmp_path) == []
    with pytest.raises(ValueError, match="not a theorylab report"):
        plot_report({"cases": [{"name": "old format"}]}, tmp_path)
    with pytest.raises(ValueError, match="kinds"):
        plot_report(_report(), tmp_path, kinds=["heatmap"])
    with pytest.raises(ValueError, match="format must be one of"):
        plot_report(_report(), tmp_path, format="jpg")
    with pytest.raises(FileNotFoundError, match="no such file"):
        plot_report(tmp_path / "nothing.json", tmp_path)
    with pytest.raises(TypeError, match="report must be"):
        plot_report(3, tmp_path)


# ---------------------------------------------------------------------------------------------------------
# a stored sweep (stand-in cells) and the command line
# ---------------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sweep_dir(tmp_path_factory) -> Path:
    from theorylab.sweeps import CaseSpec, SweepSpec, run_sweep

    path = tmp_path_factory.mktemp("sweep")
    spec = SweepSpec("tiny", 5, [
        CaseSpec("He2(z)", ["pruned", "dense"], [16, 64, 256], n_min=10, n_max=10**5, trials=8, label="d"),
        CaseSpec("He2(z)", ["pruned", "dense"], [256], n_min=10, n_max=10**5, trials=8, axis="s",
                 s_grid=[2, 4, 8, 16], label="s"),
    ])
    with ThreadPoolExecutor(2) as pool:
        run_sweep(spec, store_dir=path, executor=pool, progress=False, cell_function=power_law_cell)
    return path


def test_sweep_directory_gives_its_figures_with_the_known_slopes(sweep_dir, tmp_path, monkeypatch):
    saved = _figures(monkeypatch)
    written = plot_sweep(sweep_dir, tmp_path, kinds=["thresholds", "sparsity"], n_resamples=199)
    assert [Path(p).name for p in written] == ["thresholds_He2_z_k2_r1_q0_a0.25.png",
                                                "sparsity_He2_z_k2_r1_q0_d256.png"]
    # stand-in: pruned n* ∝ M² with M = s + 2 (an s-scan is fitted in M: slope 2); dense ∝ d (flat in s)
    slopes = {}
    for fig, axis in zip(saved, ("d", "s"), strict=True):
        for text in _texts(fig):
            if "\nslope " in text:
                name, rest = text.split("\nslope ")
                slopes[axis, name] = float(rest.split()[0])
    # the stand-in's pruned law (d^{1/4} + 2)² has the least-squares slope pruned_d_slope over the grid
    truth = pruned_d_slope([16, 64, 256])
    assert slopes["d", "pruned"] == pytest.approx(truth, abs=0.2) and slopes["d", "dense"] == pytest.approx(1.0, abs=0.2)
    assert slopes["s", "pruned"] == pytest.approx(2.0, abs=0.3) and slopes["s", "dense"] == pytest.approx(0.0, abs=0.2)


@pytest.mark.parametrize("fmt", ["png", "pdf", "svg"])
def test_cli_plot_on_a_sweep_directory(sweep_dir, tmp_path, capsys, fmt):
    out = tmp_path / "figs"
    assert main(["plot", str(sweep_dir), "--out", str(out), "--format", fmt, "--kind", "sparsity"]) == 0
    (printed,) = capsys.readouterr().out.split()
    assert printed == str(out / f"sparsity_He2_z_k2_r1_q0_d256.{fmt}")
    assert Path(printed).read_bytes()[:4] == MAGIC[fmt][:4]


def test_cli_plot_on_a_report_file_and_on_its_directory(tmp_path, capsys):
    _report().save(tmp_path / "report.json")
    assert main(["plot", str(tmp_path / "report.json"), "--kind", "phase"]) == 0
    assert capsys.readouterr().out.split() == [str(tmp_path / f"{NAMES[3]}.png")]  # next to the report
    assert main(["plot", str(tmp_path), "--format", "svg", "--out", str(tmp_path / "o"), "--kind", "sparsity"]) == 0
    printed = capsys.readouterr().out.split()
    assert printed == [str(tmp_path / "o" / f"{NAMES[2]}.svg")]


def test_plot_takes_a_summary_and_a_fit(sweep_dir, tmp_path):
    from theorylab.compare import fit_exponent
    from theorylab.sweeps import summarize_sweep

    summary = summarize_sweep(None, sweep_dir, n_resamples=99)
    assert [Path(p).name for p in plot(summary, tmp_path, kinds=["phase", "success"])][:1] == [
        "success_He2_z_k2_r1_q0_a0.25_pruned.png"]
    fit = fit_exponent([64, 128, 256], [100.0, 141.0, 200.0])
    assert plot(fit, tmp_path, format="pdf") == [str(tmp_path / "thresholds.pdf")]
    with pytest.raises(TypeError, match="out_dir is required"):
        plot(fit)


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        (lambda p: p / "missing.json", "no such file or directory"),
        (lambda p: (p / "bad.json").write_text("{not json") and p / "bad.json", "not valid JSON"),
        (lambda p: (p / "old.json").write_text('{"cases": [{"name": "x"}]}') and p / "old.json",
         "not a theorylab report"),
        (lambda p: (p / "empty").mkdir() or p / "empty", "neither report.json nor sweep.json"),
    ],
)
def test_cli_plot_bad_input_is_one_line_and_exit_2(tmp_path, capsys, make, needle):
    path = make(tmp_path)
    assert main(["plot", str(path)]) == 2
    captured = capsys.readouterr()
    (line,) = captured.err.strip().splitlines()
    assert line.startswith("theorylab plot: error: ") and needle in line and str(path) in line
    assert "Traceback" not in captured.err


def test_cli_plot_help_and_bad_format(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["plot", "--help"])
    assert exc.value.code == 0
    assert "PATH" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exc:
        main(["plot", ".", "--format", "gif"])
    assert exc.value.code == 2


@pytest.mark.parametrize(("d_cross", "kind", "needle", "line_at"), [
    (600.0, "extrapolated", r"$d_\times \approx 600$ (extrapolated):" + "\npruned overtakes online SGD", 600.0),
    (1e6, "extrapolated", "(off the figure)", None),
    (math.nan, "none", "do not cross", None),
])
def test_crossover_is_marked_on_its_settings_d_figure(tmp_path, monkeypatch, d_cross, kind, needle, line_at):
    from theorylab.report import Crossover

    rows = (_row("pruned", 0.5, 20.0), _row("online_sgd", 1.5, 1.0))
    cross = Crossover("he2", 2, "pruned", "online_sgd", kind, d_cross, d_cross / 2, d_cross * 2)
    saved = _figures(monkeypatch)
    plot_report(Report("t", "full", rows, crossovers=(cross,)), tmp_path, kinds=["thresholds"])
    (fig,) = saved
    assert any(needle in t for t in _texts(fig))
    verticals = [ln for ln in fig.axes[0].lines if len(set(ln.get_xdata())) == 1 and len(ln.get_xdata()) == 2]
    assert [ln.get_xdata()[0] for ln in verticals] == ([] if line_at is None else [line_at])
