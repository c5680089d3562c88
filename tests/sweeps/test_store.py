"""The result store: keys, atomic checksummed NPZ files without pickles, corruption detected and recomputed."""

from __future__ import annotations

import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

import theorylab.sweeps.store as store_module
from theorylab.sweeps import (
    CaseSpec,
    CellResult,
    CorruptResultWarning,
    ResultStore,
    SweepSpec,
    cell_key,
    load_results,
    run_sweep,
)

sys.path.insert(0, str(Path(__file__).parent))
from _standin import power_law_cell  # noqa: E402

SPEC = SweepSpec("store", 5, [CaseSpec("He2(z)", ["pruned", "dense"], [64, 256], n_min=10, n_max=10**5, trials=6)])


def _run(tmp_path, **kw):
    with ThreadPoolExecutor(2) as pool:
        return run_sweep(SPEC, store_dir=tmp_path, executor=pool, progress=False, cell_function=power_law_cell, **kw)


def _result(trials=3, checkpoints=4):
    gen = np.random.default_rng(0)
    return CellResult.from_arrays(
        n=np.arange(1, checkpoints + 1) * 10,
        success=gen.random((trials, checkpoints)) < 0.5,
        metrics={"alignment_median": gen.random((trials, checkpoints))},
        config={"width": 8, "note": "ünïcode"},
    )


def test_round_trip_is_bit_exact_and_pickle_free(tmp_path):
    store = ResultStore(tmp_path)
    cell = SPEC.cells()[0]
    original = _result()
    path = store.put(cell, original)
    assert path.parent == store.cell_dir and path.name == cell_key(cell.config) + ".npz"
    loaded = store.get(cell)
    for name in ("n", "success"):
        a, b = getattr(original, name), getattr(loaded, name)
        assert a.dtype == b.dtype and a.tobytes() == b.tobytes()
    assert loaded.metrics["alignment_median"].tobytes() == original.metrics["alignment_median"].tobytes()
    assert loaded.config == {"width": 8, "note": "ünïcode"}
    assert loaded.cell == cell.config
    # a plain NPZ of plain arrays: numpy reads it with pickles forbidden, no object dtype anywhere
    with np.load(path, allow_pickle=False) as z:
        assert {z[name].dtype.kind for name in z.files} <= {"i", "b", "f", "U"}
        assert set(z.files) == {"n", "success", "metric.alignment_median", "cell", "config", "meta", "checksum"}
    # no temporary file is left behind
    assert [p.name for p in store.cell_dir.iterdir()] == [path.name]


def test_key_depends_on_configuration_and_format_version(monkeypatch):
    cell = SPEC.cells()[0]
    key = cell_key(cell.config)
    assert key != cell_key(SPEC.cells()[1].config)
    monkeypatch.setattr(store_module, "RESULT_FORMAT_VERSION", store_module.RESULT_FORMAT_VERSION + 1)
    assert cell_key(cell.config) != key


def test_failed_write_leaves_nothing(tmp_path, monkeypatch):
    store = ResultStore(tmp_path)

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(store_module.np, "savez", boom)
    with pytest.raises(OSError, match="disk full"):
        store.put(SPEC.cells()[0], _result())
    assert list(store.cell_dir.iterdir()) == []


def _corrupt_flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _corrupt_truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _corrupt_rewrite(path: Path) -> None:
    """A well-formed archive whose success matrix was edited without updating the checksum."""
    with np.load(path, allow_pickle=False) as z:
        arrays = {name: z[name] for name in z.files}
    arrays["success"] = ~arrays["success"]
    np.savez(path, **arrays)


def _corrupt_empty(path: Path) -> None:
    path.write_bytes(b"")


@pytest.mark.parametrize("corrupt", [_corrupt_flip, _corrupt_truncate, _corrupt_rewrite, _corrupt_empty])
def test_corrupt_files_are_detected_and_recomputed(tmp_path, corrupt):
    reference = _run(tmp_path / "ref")
    assert reference.computed == len(SPEC.cells())
    ref_store = ResultStore(tmp_path / "ref")

    _run(tmp_path / "work")
    store = ResultStore(tmp_path / "work")
    victim = SPEC.cells()[1]
    corrupt(store.path(victim))
    with pytest.warns(CorruptResultWarning, match=store.path(victim).name):
        assert store.get(victim) is None
    with pytest.warns(CorruptResultWarning):
        again = _run(tmp_path / "work")
    assert (again.computed, again.reused) == (1, len(SPEC.cells()) - 1)
    for cell in SPEC.cells():
        assert store.get(cell).equals(ref_store.get(cell))


def test_file_under_the_wrong_name_is_not_used(tmp_path):
    store = ResultStore(tmp_path)
    a, b = SPEC.cells()[:2]
    store.put(a, _result())
    store.path(a).rename(store.path(b))
    with pytest.warns(CorruptResultWarning, match="does not match its name"):
        assert store.get(b) is None


def test_truncated_zip_member_is_caught_by_numpy_or_checksum(tmp_path):
    """Sanity check of the fixture: the truncated archive really is unreadable as a zip."""
    store = ResultStore(tmp_path)
    cell = SPEC.cells()[0]
    store.put(cell, _result())
    _corrupt_truncate(store.path(cell))
    assert not zipfile.is_zipfile(store.path(cell))


def test_load_results_dataframe(tmp_path):
    _run(tmp_path)
    df = load_results(tmp_path)
    store = ResultStore(tmp_path)
    expected_rows = sum(store.get(c).success.size for c in SPEC.cells())
    assert len(df) == expected_rows
    assert set(df["method"]) == {"pruned", "dense"} and set(df["d"]) == {64, 256}
    for cell in SPEC.cells():
        stored = store.get(cell)
        part = df[(df["method"] == cell.method) & (df["d"] == cell.d)].sort_values(["trial", "n"])
        assert part["success"].to_numpy().tolist() == stored.success.ravel().tolist()
        assert part["alignment_median"].to_numpy().tobytes() == stored.metrics["alignment_median"].ravel().tobytes()


def test_store_input_checks(tmp_path):
    with pytest.raises(TypeError, match="directory"):
        ResultStore(3)
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match="directory"):
        ResultStore(tmp_path / "file")
    with pytest.raises(ValueError, match="success must have shape"):
        CellResult.from_arrays(n=[1, 2], success=np.zeros((2, 3), bool))
    with pytest.raises(TypeError, match="success must be a boolean array"):
        CellResult.from_arrays(n=[1, 2], success=np.zeros((2, 2)))
    with pytest.raises(FileNotFoundError, match="sweep.json"):
        ResultStore(tmp_path / "new").load_spec()
