"""Issue 12: a store no file can brick, and TOML specs that cannot ask for unbounded work."""

from __future__ import annotations

import io
import os
import stat
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from tests._bounded import bounded
from theorylab.sweeps import CaseSpec, SweepSpec, load_sweep, run_sweep
from theorylab.sweeps.spec import sweep_from_dict
from theorylab.sweeps.store import CorruptResultWarning, ResultStore, load_results

SPEC = SweepSpec("p", 0, [CaseSpec("He2(z)", ["pruned"], [81, 256], n_min=10, n_max=100, trials=2)])


def fake(kw):
    return {"n": [10, 100], "success": [[False, True]] * kw["trials"], "config": {"d": kw["d"]}}


def _run(spec: SweepSpec, tmp: Path):
    with ThreadPoolExecutor(1) as pool:
        return run_sweep(spec, store_dir=tmp, executor=pool, progress=False, cell_function=fake)


def _bomb(path: Path, shape=(10**10,)) -> None:
    """A 300-byte NPZ whose only member claims an array of 80 GB."""
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": "<f8", "fortran_order": False, "shape": shape})
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("n.npy", buf.getvalue() + b"\0" * 64)


def test_absurd_header_is_corrupt_then_recomputed(tmp_path: Path) -> None:
    _run(SPEC, tmp_path)
    store = ResultStore(tmp_path)
    cell = SPEC.cells()[0]
    _bomb(store.path(cell))
    assert store.path(cell).stat().st_size < 400

    def reread():
        import warnings

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            got = ResultStore(tmp_path).get(cell)
            rows = len(load_results(tmp_path))
        return got, rows, [str(w.message) for w in caught if issubclass(w.category, CorruptResultWarning)]

    out = bounded(reread, seconds=30, memory_gb=1.0)
    assert out.kind == "returned", out
    assert out.message.startswith("(None, 4, [") and "claims shape (10000000000,)" in out.message
    with pytest.warns(CorruptResultWarning, match="claims shape"):
        assert _run(SPEC, tmp_path).computed == 1


def test_directory_in_place_of_a_cell_is_refused_before_computing(tmp_path: Path) -> None:
    _run(SPEC, tmp_path)
    path = ResultStore(tmp_path).path(SPEC.cells()[0])
    path.unlink()
    path.mkdir()
    calls = []

    def counting(kw):
        calls.append(kw)
        return fake(kw)

    with pytest.raises(ValueError, match="not a file"), pytest.warns(CorruptResultWarning), ThreadPoolExecutor(1) as pool:
        run_sweep(SPEC, store_dir=tmp_path, executor=pool, progress=False, cell_function=counting)
    assert calls == []


def test_out_pointing_at_a_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(ValueError, match="not a directory"):
        _run(SPEC, target)


def test_complete_store_is_read_without_writing(tmp_path: Path) -> None:
    _run(SPEC, tmp_path)
    spec_file = tmp_path / "sweep.json"
    before = spec_file.stat().st_mtime_ns
    os.chmod(tmp_path, 0o555)
    try:
        again = _run(SPEC, tmp_path)
    finally:
        os.chmod(tmp_path, 0o755)
    assert (again.computed, again.reused) == (0, 2)
    assert spec_file.stat().st_mtime_ns == before


def test_unwritable_store_is_refused_before_computing(tmp_path: Path, monkeypatch) -> None:
    _run(SPEC, tmp_path)
    ResultStore(tmp_path).path(SPEC.cells()[0]).unlink()
    # the tests may run as root, for whom chmod does not deny writes: deny through os.access instead
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if str(p).endswith("cells") else real_access(p, mode))
    with pytest.raises(ValueError, match="not writable"):
        _run(SPEC, tmp_path)


def test_full_disk_is_one_line(tmp_path: Path, monkeypatch) -> None:
    import theorylab.sweeps.store as store_mod

    def full(path, write):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store_mod, "atomic_write", full)  # the store writes through theorylab._files
    with pytest.raises(ValueError, match="No space left on device"):
        _run(SPEC, tmp_path)


def test_another_sweep_is_refused_and_a_changed_one_warns(tmp_path: Path) -> None:
    _run(SPEC, tmp_path)
    other = SweepSpec("q", 0, [CaseSpec("He2(z)", ["pruned"], [81], n_min=10, n_max=100, trials=2)])
    with pytest.raises(ValueError, match="holds the results of the sweep 'p'"):
        _run(other, tmp_path)
    shrunk = SweepSpec("p", 0, [CaseSpec("He2(z)", ["pruned"], [81], n_min=10, n_max=100, trials=2)])
    with pytest.warns(UserWarning, match="1 stored cells are not part of it"):
        _run(shrunk, tmp_path)


def test_files_follow_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        _run(SPEC, tmp_path)
    finally:
        os.umask(old)
    modes = {stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "cells").glob("*.npz")}
    assert modes == {0o640}
    assert stat.S_IMODE((tmp_path / "sweep.json").stat().st_mode) == 0o640


CASE = {"link": "He2(z)", "methods": ["pruned"], "d_grid": [81], "n_min": 10, "n_max": 100}


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"trials": 1e9}, "trials: must be an integer, got the float"),
        ({"d_grid": [81.0]}, "d_grid: must be an integer"),
        ({"d_grid": [10**9]}, "d_grid: at d = 1000000000: d: a simulation"),
        ({"methods": ["dense"], "d_grid": [100], "n_max": 10**15}, "samples"),
        ({"d_grid": [4096], "n_max": 10**9, "trials": 64}, "would take about"),
        ({"trials": 10**9}, "memory"),
    ],
)
def test_spec_sizes_refused_by_name(change, match) -> None:
    data = {"name": "x", "seed": 0, "cases": [{**CASE, **change}]}
    out = bounded(lambda: sweep_from_dict(data), seconds=20)
    assert out.kind == "raised" and out.error in ("ValueError", "TypeError"), out
    assert match in out.message, out.message


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"x = " + b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b"\xff\xfe", "not UTF-8"),
        (b"a" * ((16 << 20) + 10), "too large"),
    ],
)
def test_hostile_toml_files(tmp_path: Path, content: bytes, match: str) -> None:
    path = tmp_path / "s.toml"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=match):
        load_sweep(path)


def test_dev_zero_is_not_read() -> None:
    out = bounded(lambda: load_sweep("/dev/zero"), seconds=10, memory_gb=0.5)
    assert out.kind == "raised" and "not a regular file" in out.message, out
