"""The runner: resumable after SIGKILL, bit-identical across workers and executors, honest failures."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from theorylab.sweeps import CaseSpec, ResultStore, SweepSpec, run_sweep

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from _standin import power_law_cell, slow_simulate_cell  # noqa: E402
from _sweeps_fixtures import TINY, kill_spec  # noqa: E402


def _same_results(spec: SweepSpec, a: Path, b: Path) -> None:
    sa, sb = ResultStore(a), ResultStore(b)
    for cell in spec.cells():
        ra, rb = sa.get(cell), sb.get(cell)
        assert ra is not None and rb is not None, str(cell)
        assert ra.equals(rb), str(cell)


def _count(cells: Path) -> int:
    """Complete cell files (temporary files of a write in progress start with a dot)."""
    return sum(1 for p in cells.glob("*.npz") if not p.name.startswith(".")) if cells.is_dir() else 0


def _kill_and_resume(tmp_path: Path, mode: str, delay: float) -> None:
    spec = kill_spec(mode)
    cell_function = power_law_cell if mode == "standin" else slow_simulate_cell
    total = len(spec.cells())
    killed_dir = tmp_path / "killed"
    env = dict(os.environ, THEORYLAB_STANDIN_SLEEP=str(delay))
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "_killable.py"), str(killed_dir), mode, "2"],
        env=env,
        start_new_session=True,  # its own process group: the kill reaches the pool's workers too
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    cells = killed_dir / "cells"
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if _count(cells) >= 3:
                break
            time.sleep(0.01)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read().decode()[-2000:]
    done_before = _count(cells)
    assert 3 <= done_before < total, f"the kill came too late to test a resume ({done_before}/{total})"

    resumed = run_sweep(spec, store_dir=killed_dir, workers=2, progress=False, cell_function=cell_function)
    assert resumed.reused == done_before and resumed.computed == total - done_before
    assert sorted(ResultStore(killed_dir).keys()) == sorted(ResultStore(killed_dir).path(c).stem for c in spec.cells())

    clean_dir = tmp_path / "clean"
    run_sweep(spec, store_dir=clean_dir, workers=1, progress=False, cell_function=cell_function)
    _same_results(spec, killed_dir, clean_dir)


@pytest.mark.slow
def test_sigkill_half_way_then_resume_is_bit_identical(tmp_path):
    """The real simulate at tiny sizes, each cell delayed 0.3 s so that the kill lands half-way."""
    _kill_and_resume(tmp_path, "simulate", delay=0.3)


def _equivalence_spec(options=None) -> SweepSpec:
    return SweepSpec(
        "equiv",
        99,
        [CaseSpec("He2(z)", ["pruned", "dense"], [24, 32, 48], n_min=16, n_max=768, trials=3, options=options or {})],
    )


@pytest.mark.slow
def test_one_two_workers_and_dask_give_identical_results(tmp_path):
    """The real simulate: one worker (two BLAS threads), two workers (one each), and a Dask LocalCluster."""
    distributed = pytest.importorskip("distributed")
    spec = _equivalence_spec(TINY)
    # simulate in this process first: it leaves thread pools behind, which forked workers would inherit
    # half-dead (a hang); the runner's spawned workers must not care
    from theorylab.numeric.simulate import simulate

    cell = spec.cells()[0]
    direct = simulate(**cell.simulate_kwargs())
    one = run_sweep(spec, store_dir=tmp_path / "one", workers=1, progress=False)
    two = run_sweep(spec, store_dir=tmp_path / "two", workers=2, progress=False)
    assert one.computed == two.computed == len(spec.cells())
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        run_sweep(spec, store_dir=tmp_path / "dask", scheduler_address=cluster.scheduler_address, progress=False)
    _same_results(spec, tmp_path / "one", tmp_path / "two")
    _same_results(spec, tmp_path / "one", tmp_path / "dask")
    # and the stored numbers are simulate's own for that seed
    stored = ResultStore(tmp_path / "one").get(cell)
    assert stored.success.tobytes() == direct.success.tobytes() and stored.n.tolist() == direct.n.tolist()


def test_rerun_computes_only_missing_cells(tmp_path):
    def spec_with(methods, d_grid):
        return SweepSpec("rerun", 99, [CaseSpec("He2(z)", methods, d_grid, n_min=10, n_max=10**5, trials=5, label="c")])

    with ThreadPoolExecutor(2) as pool:
        first = run_sweep(spec_with(["pruned"], [32, 64]), store_dir=tmp_path, executor=pool, progress=False,
                          cell_function=power_law_cell)
        second = run_sweep(spec_with(["pruned", "dense"], [32, 64, 128]), store_dir=tmp_path, executor=pool,
                           progress=False, cell_function=power_law_cell)
    assert (first.computed, second.computed, second.reused) == (2, 4, 2)


def _failing_cell(kwargs):
    if kwargs["d"] == 32:
        raise ValueError("width must be >= 1, got 0")
    return power_law_cell(kwargs)


def test_a_failing_cell_is_named_and_finished_cells_are_kept(tmp_path):
    spec = _equivalence_spec()
    with ThreadPoolExecutor(1) as pool, pytest.raises(ValueError, match=r"cell .* / d=32: width must be >= 1"):
        run_sweep(spec, store_dir=tmp_path, executor=pool, progress=False, cell_function=_failing_cell)
    # cells run most expensive first (pruned d=48 before pruned d=32): the finished one stays stored
    kept = [c for c in spec.cells() if ResultStore(tmp_path).get(c) is not None]
    assert any(c.method == "pruned" and c.d == 48 for c in kept)
    assert not any(c.d == 32 and c.method == "pruned" for c in kept)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"executor": "spark"}, ValueError, "executor"),
        ({"workers": 0}, ValueError, "workers must be >= 1"),
        ({"blas_threads": 0}, ValueError, "blas_threads must be >= 1"),
        ({"progress": "yes"}, TypeError, "progress"),
        ({"scheduler_address": 5}, TypeError, "scheduler_address"),
        ({"cell_function": 3}, TypeError, "cell_function"),
    ],
)
def test_bad_arguments_are_named(tmp_path, kwargs, error, match):
    with pytest.raises(error, match=match):
        run_sweep(_equivalence_spec(), store_dir=tmp_path, **kwargs)


def test_spec_type_is_checked(tmp_path):
    with pytest.raises(TypeError, match="spec must be"):
        run_sweep(42, store_dir=tmp_path)


def test_progress_bar_counts_cells(tmp_path, capsys):
    spec = SweepSpec("bar", 1, [CaseSpec("He2(z)", ["pruned"], [32, 64, 128], n_min=10, n_max=10**4, trials=2)])
    with ThreadPoolExecutor(1) as pool:
        run_sweep(spec, store_dir=tmp_path, executor=pool, progress=True, cell_function=power_law_cell)
    err = capsys.readouterr().err
    assert "3/3" in err and "cell" in err and "bar" in err


def test_elapsed_seconds_are_kept_outside_the_numbers(tmp_path):
    spec = SweepSpec("meta", 1, [CaseSpec("He2(z)", ["pruned"], [32], n_min=10, n_max=10**4, trials=2)])
    with ThreadPoolExecutor(1) as pool:
        run_sweep(spec, store_dir=tmp_path, executor=pool, progress=False, cell_function=power_law_cell)
    stored = ResultStore(tmp_path).get(spec.cells()[0])
    assert stored.meta["elapsed_s"] >= 0.0


def test_cell_cost_follows_the_engine_and_the_method_tables():
    """The start order's cost model: a reduced cell's cost does not grow with d, a moment cell's not with n, and
    every pruning method (oracle included, whose name lacks 'pruned') pays Algorithm 1's d^2."""
    from theorylab.sweeps.runner import _cost

    def cell(method, d, n_max, engine):
        case = CaseSpec("He2(z)/sqrt(2)", methods=[method], d_grid=[d], n_min=8, n_max=n_max, trials=4,
                        options={} if engine is None else {"engine": engine})
        return SweepSpec("cost", seed=1, cases=[case]).cells()[0]

    assert _cost(cell("dense", 64, 10_000, "reduced")) == _cost(cell("dense", 4096, 10_000, "reduced"))
    assert _cost(cell("dense", 64, 10_000, "moment")) == _cost(cell("dense", 64, 10**9, "moment"))
    assert _cost(cell("dense", 4096, 10_000, "full")) == 64 * _cost(cell("dense", 64, 10_000, "full"))
    assert _cost(cell("oracle", 64, 10_000, None)) == _cost(cell("pruned", 64, 10_000, None))
    assert _cost(cell("oracle", 64, 10_000, None)) > _cost(cell("dense", 64, 10_000, "full"))
