"""A single run as data: dataframe columns that keep runs apart, save/load without pickles, a short repr."""

from __future__ import annotations

import numpy as np
import pytest

import theorylab as tl
from theorylab.numeric.result import SimulationResult


def _run(d: int, method: str) -> SimulationResult:
    return tl.simulate("He2(z)", d=d, n=400, n_min=50, method=method, trials=3, seed=5)


def test_concatenated_runs_can_be_told_apart():
    pd = pytest.importorskip("pandas")
    frame = pd.concat([_run(32, "dense").to_dataframe(), _run(48, "online_sgd").to_dataframe()])
    groups = frame.groupby(["method", "d"]).size()
    assert set(groups.index) == {("dense", 32), ("online_sgd", 48)}
    assert (frame["link"] == "He2(z)").all()


def test_save_and_load_round_trip_without_pickles(tmp_path):
    res = _run(32, "dense")
    path = res.save(tmp_path / "run.npz")
    with np.load(path, allow_pickle=False) as raw:  # nothing in the file needs unpickling
        assert set(raw.files) >= {"n", "success", "config_json"}
    back = SimulationResult.load(path)
    assert np.array_equal(back.n, res.n) and np.array_equal(back.success, res.success)
    for k, v in res.metrics.items():
        assert np.array_equal(back.metrics[k], v, equal_nan=True)
    assert back.config["d"] == 32 and back.config["method"] == "dense"
    with pytest.raises(ValueError, match="saved as .npz"):
        res.save(tmp_path / "run.pkl")
    (tmp_path / "junk.npz").write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="not a saved SimulationResult"):
        SimulationResult.load(tmp_path / "junk.npz")


def test_repr_is_short_and_html_is_offered():
    res = _run(32, "dense")
    assert len(repr(res)) < 400 and "d=32" in repr(res)
    assert "<table>" in res._repr_html_()
