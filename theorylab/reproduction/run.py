"""``reproduce``: run the suite, summarise it once, judge it, write ``report.json``, ``report.md`` and figures."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from theorylab._display import ShortRepr
from theorylab._files import atomic_write
from theorylab._validation import check_int
from theorylab.report import Report, write_json_atomic
from theorylab.reproduction.analysis import contrasts, crossovers
from theorylab.reproduction.markdown import format_report_markdown
from theorylab.reproduction.suite import CLAIMS, reproduction_suite
from theorylab.sweeps.spec import SweepSpec

__all__ = ["Reproduction", "build_report", "reproduce"]

_TITLE = "Vural & Erdogdu (COLT 2024): measured against predicted sample-complexity exponents"
_CRITERION = ("median first-layer neuron alignment ‖Vᵀw‖/‖w‖ ≥ 0.5 (r = 2: subspace coverage ≥ 0.5); "
              "n*: success probability 1/2, censored trials kept")


@dataclass(frozen=True, repr=False)
class Reproduction(ShortRepr):
    """What :func:`reproduce` did and wrote.

    Attributes
    ----------
    out_dir : Path
    report : Report
        The content of ``report.json``.
    figures : tuple of str
        Paths of the figures written (empty without matplotlib).
    wall_s : float
        Seconds the whole reproduction took (simulation, fits and figures).
    computed, reused : int
        Cells computed by this run and cells found in the store.
    """

    out_dir: Path
    report: Report
    figures: tuple[str, ...]
    wall_s: float
    computed: int
    reused: int

    def __str__(self) -> str:
        return format_report_markdown(self.report)

    def _summary(self) -> dict[str, Any]:
        return {"out_dir": str(self.out_dir), **self.report._summary(), "computed": self.computed,
                "reused": self.reused, "wall_s": self.wall_s}

    def _summary_rows(self) -> list[dict[str, Any]]:
        return self.report._summary_rows()


def build_report(spec: SweepSpec, store_dir: str | Path, *, mode: str = "full",
                 n_resamples: int | None = None) -> Report:
    """The typed report of a stored suite: rows with claims, the d× table and the α-contrasts.

    The store is read once (by :func:`theorylab.sweeps.summarize_sweep`); everything else works on its rows.
    """
    from theorylab.sweeps.summary import summarize_sweep

    summary = summarize_sweep(spec, store_dir, n_resamples=n_resamples)
    rows = tuple(replace(r, claim=CLAIMS.get(r.method, "")) for r in summary.rows)
    return Report(title=_TITLE, mode=mode, cases=rows, success_criterion=_CRITERION, sweep=spec.to_dict(),
                  crossovers=crossovers(rows), contrasts=contrasts(rows))


def _write(report: Report, out_dir: Path) -> None:
    write_json_atomic(out_dir / "report.json", report.to_dict())
    text = format_report_markdown(report) + "\n"
    atomic_write(out_dir / "report.md", lambda fh: fh.write(text.encode("utf-8")))


def _figures(report: Report, out_dir: Path) -> tuple[Report, list[str]]:
    try:
        from theorylab.plots import plot_report
    except ImportError:
        return replace(report, figures_note="matplotlib is not installed: no figures (pip install "
                                            "'theorylab[plots]')"), []
    try:
        written = list(plot_report(report, out_dir))
    except ImportError:
        return replace(report, figures_note="matplotlib is not installed: no figures (pip install "
                                            "'theorylab[plots]')"), []
    except (ValueError, TypeError) as exc:  # a figure must never cost the report
        return replace(report, figures_note=f"figures failed: {exc}"), []
    return replace(report, figures=tuple(Path(p).name for p in written)), written


def _check_spec(spec: Any, quick: bool, trials: int | None, seed: int) -> SweepSpec:
    if spec is None:
        return reproduction_suite(quick, trials=trials, seed=seed)
    if not isinstance(spec, SweepSpec):
        raise TypeError(f"spec must be a SweepSpec, got {type(spec).__name__}")
    for i, case in enumerate(spec.cases):
        if len(case.methods) != 1:
            raise ValueError(f"spec.cases[{i}]: a reproduction case has one method, got {list(case.methods)}")
    return spec


def reproduce(
    out: str | Path = "results/reproduce",
    *,
    quick: bool = False,
    spec: SweepSpec | None = None,
    trials: int | None = None,
    seed: int = 2024,
    workers: int | None = None,
    scheduler_address: str | None = None,
    figures: bool = True,
    progress: bool = True,
) -> Reproduction:
    """Run the reproduction suite, write ``report.json``, ``report.md`` and figures into ``out``.

    Parameters
    ----------
    out : str or Path
        Output directory (created). Its ``store/`` keeps the cells: a second call computes only missing ones.
    quick : bool
        Run the quick subset (see :func:`reproduction_suite`).
    spec : SweepSpec, optional
        Run this suite instead (one method per case).
    trials, seed :
        Passed to :func:`reproduction_suite` (trials >= 2).
    workers : int, optional
        Local worker processes (default: the number of cores).
    scheduler_address : str, optional
        Address of a ``dask.distributed`` scheduler to run the cells on instead.
    figures : bool
        Draw the figures (skipped with a note when matplotlib is missing).
    progress : bool
        Show a progress bar over cells.

    Returns
    -------
    Reproduction
    """
    from theorylab.sweeps.runner import run_sweep

    if not isinstance(out, (str, Path)):
        raise TypeError(f"out must be a path, got {type(out).__name__}")
    if workers is not None:
        workers = check_int(workers, "workers", minimum=1)
    spec = _check_spec(spec, quick, trials, seed)
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    executor = "dask" if scheduler_address else "process"
    run = run_sweep(spec, store_dir=out_dir / "store", executor=executor, workers=workers,
                    scheduler_address=scheduler_address, progress=progress)
    report = build_report(spec, out_dir / "store", mode="quick" if quick else "full")
    report = replace(report, wall_s=time.perf_counter() - start)
    _write(report, out_dir)  # the numbers are safe on disk before any figure is drawn
    written: list[str] = []
    if figures:
        report, written = _figures(report, out_dir)
        report = replace(report, wall_s=time.perf_counter() - start)
        _write(report, out_dir)
    return Reproduction(out_dir=out_dir, report=report, figures=tuple(written), wall_s=report.wall_s,
                        computed=run.computed, reused=run.reused)
