"""Run a sweep's missing cells through a ``concurrent.futures`` executor and store them as they finish.

* ``executor="process"`` (default): a local :class:`~concurrent.futures.ProcessPoolExecutor` of spawned
  (not forked) workers; every worker limits its BLAS threads with ``threadpoolctl`` so that
  workers x threads <= cores.
* ``executor="dask"``: a ``dask.distributed`` cluster, the one at ``scheduler_address`` or a fresh
  ``LocalCluster``; its ``Client.get_executor()`` is used like any executor.
* any :class:`concurrent.futures.Executor` instance (left open afterwards).

The parent process writes each result atomically as soon as it arrives, so a run killed at any moment loses at
most the cells in flight; running the sweep again computes only the cells without a valid file. Each cell's
numbers depend only on its configuration and its seed (see :class:`theorylab.sweeps.spec.Cell`), never on the
executor, the number of workers or the order of completion.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from theorylab._validation import check_int
from theorylab.sweeps.spec import Cell, SweepSpec, load_sweep
from theorylab.sweeps.store import CellResult, ResultStore

__all__ = ["SweepRun", "run_sweep", "simulate_cell"]

_EXECUTORS = ("process", "dask")

#: Local workers are started fresh ("spawn"), never forked: a forked child inherits the parent's thread pools
#: (e.g. NumPy generation threads) as objects whose threads do not exist in the child, and work submitted to
#: them never runs. Spawned workers import what they need; a ``cell_function`` must be importable by name.
_START_METHOD = "spawn"


@dataclass(frozen=True)
class SweepRun:
    """What :func:`run_sweep` did.

    Attributes
    ----------
    store_dir : Path
    total : int
        Cells in the sweep.
    computed : int
        Cells computed by this run.
    reused : int
        Cells already stored (valid) before this run.
    wall_s : float
        Wall-clock seconds of this run.
    """

    store_dir: Path
    total: int
    computed: int
    reused: int
    wall_s: float


def simulate_cell(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Run one cell with :func:`theorylab.numeric.simulate`; returns plain arrays and the config.

    This is the default ``cell_function`` of :func:`run_sweep`; a replacement takes the same keyword dict and
    returns a mapping with ``n``, ``success``, ``metrics`` and ``config`` (or an object with those attributes).
    """
    import inspect

    from theorylab.numeric.simulate import simulate

    kwargs = dict(kwargs)
    if "progress" in inspect.signature(simulate).parameters:
        kwargs.setdefault("progress", False)
    result = simulate(**kwargs)
    return {"n": result.n, "success": result.success, "metrics": dict(result.metrics), "config": result.config}


def _limit_blas_threads(threads: int | None) -> None:
    """Worker initializer: cap BLAS/OpenMP threads for the life of the worker process."""
    if threads is None:
        return
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=threads)


def _execute(
    cell_function: Callable[[dict[str, Any]], Any], kwargs: dict[str, Any], threads: int | None
) -> tuple[Any, float]:
    """What a worker runs: optionally cap threads, then the cell function; returns (result, seconds)."""
    if threads is not None:
        _limit_blas_threads(threads)
    start = time.perf_counter()
    raw = cell_function(kwargs)
    return raw, time.perf_counter() - start


def _as_cell_result(raw: Any, cell: Cell, elapsed: float) -> CellResult:
    meta = {"elapsed_s": round(elapsed, 3)}
    if isinstance(raw, dict):
        missing = [k for k in ("n", "success") if k not in raw]
        if missing:
            raise TypeError(f"cell_function must return n and success; {missing} missing")
        return CellResult.from_arrays(
            n=raw["n"], success=raw["success"], metrics=raw.get("metrics"), config=raw.get("config"),
            cell=cell.config, meta=meta,
        )
    return CellResult.from_arrays(
        n=raw.n, success=raw.success, metrics=raw.metrics, config=raw.config, cell=cell.config, meta=meta
    )


def _cost(cell: Cell) -> float:
    """A rough cost, to start the expensive cells first (better load balance, honest ETA at the end).

    Algorithm 1 costs about 2 m n d^2 per trial; the other methods about n d times a constant, which measured at
    about 20 in units of Algorithm 1's n d^2 (NumPy, float32 or float64 alike). The (d, n) are the ones the
    cell's engine works in (``numeric.config.engine_size``): the reduced engines r + m + 1 coordinates, the moment
    engine a fixed sample whatever n. Whether a method prunes comes from the method tables, not its name.
    """
    from theorylab.numeric.config import DEFAULT_WIDTH, engine_size, runs_pruning

    options = cell.case.options
    d, n = engine_size(options.get("engine", "auto"), cell.d, cell.case.n_range(cell.x)[1], cell.case.r,
                       options.get("width", DEFAULT_WIDTH))
    per_sample = d**2 if runs_pruning(cell.method) else 20 * d
    return float(per_sample) * n * cell.case.trials


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def run_sweep(
    spec: SweepSpec | str | Path,
    *,
    store_dir: str | Path,
    executor: str | Executor = "process",
    workers: int | None = None,
    scheduler_address: str | None = None,
    progress: bool = True,
    blas_threads: int | None = None,
    cell_function: Callable[[dict[str, Any]], Any] | None = None,
) -> SweepRun:
    """Compute the cells of ``spec`` that ``store_dir`` does not hold yet.

    Parameters
    ----------
    spec : SweepSpec or path to a TOML file
    store_dir : str or Path
        The sweep's result directory (created if needed; ``sweep.json`` records the spec).
    executor : {"process", "dask"} or concurrent.futures.Executor
        Where cells run. ``scheduler_address`` implies ``"dask"``.
    workers : int, optional
        Worker processes (``"process"``; default: the number of cores) or workers of a fresh
        ``LocalCluster`` (``"dask"`` without an address; default 1 per core, one thread each).
    scheduler_address : str, optional
        Address of a running ``dask.distributed`` scheduler, e.g. ``"tcp://10.0.0.5:8786"``.
    progress : bool
        Show a tqdm bar (cells done / total, time left) on stderr.
    blas_threads : int, optional
        BLAS threads per worker; default ``max(1, cores // workers)`` for local processes, untouched for
        Dask (its nanny already sets one thread per worker process) and for a given executor.
    cell_function : callable, optional
        Replaces :func:`simulate_cell` (tests, other simulators); must be picklable for process executors.

    Returns
    -------
    SweepRun

    Examples
    --------
    >>> import tempfile
    >>> from theorylab.sweeps.spec import CaseSpec, SweepSpec
    >>> def fake(kw):
    ...     return {"n": [10, 100], "success": [[False, True]] * kw["trials"], "config": {"d": kw["d"]}}
    >>> spec = SweepSpec("demo", 0, [CaseSpec("He2(z)", ["pruned"], [81, 256], n_min=10, n_max=100, trials=2)])
    >>> from concurrent.futures import ThreadPoolExecutor
    >>> with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(1) as pool:
    ...     first = run_sweep(spec, store_dir=tmp, executor=pool, progress=False, cell_function=fake)
    ...     again = run_sweep(spec, store_dir=tmp, executor=pool, progress=False, cell_function=fake)
    >>> (first.computed, first.reused), (again.computed, again.reused)
    ((2, 0), (0, 2))
    """
    spec, executor, workers, blas_threads, cell_function = _check_run_args(
        spec, store_dir, executor, workers, scheduler_address, progress, blas_threads, cell_function
    )
    start = time.perf_counter()
    store = ResultStore(store_dir)
    store.save_spec(spec)
    cells = spec.cells()
    todo = store.missing(cells)
    reused = len(cells) - len(todo)
    if not todo:
        return SweepRun(store.directory, len(cells), 0, reused, time.perf_counter() - start)
    todo.sort(key=_cost, reverse=True)
    store.check_writable(todo)

    cleanup: list[Callable[[], Any]] = []
    pool, threads_in_task = _open_executor(executor, workers, blas_threads, scheduler_address, len(todo), cleanup)
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(cells), initial=reused, unit="cell", desc=spec.name, dynamic_ncols=True)
    try:
        computed = _run_cells(pool, cell_function, threads_in_task, todo, store, bar)
    finally:
        if bar is not None:
            bar.close()
        for fn in reversed(cleanup):
            fn()
    return SweepRun(store.directory, len(cells), computed, reused, time.perf_counter() - start)


def _check_executor(executor: Any, scheduler_address: Any) -> str | Executor:
    """Validate ``executor`` and ``scheduler_address`` (which implies ``"dask"``); return the executor."""
    if scheduler_address is not None:
        if not isinstance(scheduler_address, str) or not scheduler_address.strip():
            raise TypeError("scheduler_address must be a non-empty string such as 'tcp://host:8786'")
        if isinstance(executor, Executor):
            raise ValueError("scheduler_address: give either an executor instance or a scheduler address, not both")
        executor = "dask"
    if not isinstance(executor, Executor):
        if not isinstance(executor, str) or executor not in _EXECUTORS:
            raise ValueError(f"executor must be 'process', 'dask' or a concurrent.futures.Executor, got {executor!r}")
    return executor


def _check_run_args(
    spec: Any,
    store_dir: Any,
    executor: Any,
    workers: Any,
    scheduler_address: Any,
    progress: Any,
    blas_threads: Any,
    cell_function: Any,
) -> tuple[SweepSpec, str | Executor, int | None, int | None, Callable[[dict[str, Any]], Any]]:
    """Validate the arguments of :func:`run_sweep` (loading a TOML spec); return the normalised ones."""
    if isinstance(spec, (str, Path)):
        spec = load_sweep(spec)
    if not isinstance(spec, SweepSpec):
        raise TypeError(f"spec must be a SweepSpec or a TOML file name, got {type(spec).__name__}")
    if not isinstance(store_dir, (str, Path, os.PathLike)):
        raise TypeError(f"store_dir must be a path, got {type(store_dir).__name__}")
    executor = _check_executor(executor, scheduler_address)
    if workers is not None:
        workers = check_int(workers, "workers", minimum=1)
    if blas_threads is not None:
        blas_threads = check_int(blas_threads, "blas_threads", minimum=1)
    if not isinstance(progress, bool):
        raise TypeError(f"progress must be a bool, got {type(progress).__name__}")
    if cell_function is None:
        cell_function = simulate_cell
    elif not callable(cell_function):
        raise TypeError(f"cell_function must be callable, got {type(cell_function).__name__}")
    return spec, executor, workers, blas_threads, cell_function


def _open_executor(
    executor: str | Executor,
    workers: int | None,
    blas_threads: int | None,
    scheduler_address: str | None,
    n_cells: int,
    cleanup: list[Callable[[], Any]],
) -> tuple[Executor, int | None]:
    """The executor to submit to, and the BLAS threads each task sets itself (None: the worker's initializer
    did, or nobody). What must be closed afterwards is appended to ``cleanup``."""
    if isinstance(executor, Executor):
        return executor, blas_threads
    if executor == "process":
        n_workers = workers or _cores()
        threads = blas_threads or max(1, _cores() // n_workers)
        pool = ProcessPoolExecutor(
            max_workers=min(n_workers, n_cells),
            mp_context=multiprocessing.get_context(_START_METHOD),
            initializer=_limit_blas_threads,
            initargs=(threads,),
        )
        cleanup.append(lambda: pool.shutdown(wait=True, cancel_futures=True))
        return pool, None
    return _dask_executor(scheduler_address, workers, cleanup), blas_threads


def _cancel(futures: Iterable[Future]) -> None:
    for future in futures:
        future.cancel()


def _run_cells(
    pool: Executor,
    cell_function: Callable[[dict[str, Any]], Any],
    threads_in_task: int | None,
    todo: list[Cell],
    store: ResultStore,
    bar: Any,
) -> int:
    """Submit every cell of ``todo``, store each result as it arrives; return how many were stored.

    A failing cell cancels the others and raises, naming the cell.
    """
    computed = 0
    futures: dict[Future, Cell] = {
        pool.submit(_execute, cell_function, cell.simulate_kwargs(), threads_in_task): cell for cell in todo
    }
    for future in as_completed(futures):
        cell = futures[future]
        try:
            raw, elapsed = future.result()
        except (ValueError, TypeError) as exc:
            _cancel(futures)
            raise type(exc)(f"cell {cell}: {exc}") from exc
        except Exception as exc:
            _cancel(futures)
            raise RuntimeError(f"cell {cell} failed: {type(exc).__name__}: {exc}") from exc
        try:
            store.put(cell, _as_cell_result(raw, cell, elapsed))
        except OSError as exc:
            _cancel(futures)
            raise ValueError(
                f"store_dir: cannot write the cell {cell} to {store.cell_dir} ({exc.strerror or exc}); "
                f"{computed} cells of this run were stored"
            ) from None
        computed += 1
        if bar is not None:
            bar.set_postfix_str(f"{cell.method} {cell}", refresh=False)
            bar.update(1)
    return computed


def _dask_executor(address: str | None, workers: int | None, cleanup: list[Callable[[], Any]]) -> Executor:
    try:
        from distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - optional dependency
        raise ValueError("executor: 'dask' needs dask.distributed (pip install 'theorylab[distributed]')") from None
    if address is not None:
        try:
            client = Client(address, timeout="10s")
        except (OSError, TimeoutError) as exc:
            raise ValueError(f"scheduler_address: cannot reach {address!r} ({exc})") from None
        cleanup.append(lambda: client.close())
    else:
        cluster = LocalCluster(
            n_workers=workers or _cores(), threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)
        cleanup.append(lambda: cluster.close())
        cleanup.append(client.close)
    return client.get_executor(pure=False)
